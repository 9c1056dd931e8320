//! Unit tests for the parent module.

use super::*;

#[test]
fn plural_categories_follow_cldr() {
    assert_eq!(plural("en", 1), Plural::One);
    assert_eq!(plural("en", 0), Plural::Other);
    assert_eq!(plural("pt", 0), Plural::One);
    assert_eq!(plural("lv", 21), Plural::One);
    assert_eq!(plural("lv", 11), Plural::Zero);
    assert_eq!(plural("lv", 10), Plural::Zero);
    assert_eq!(plural("lv", 22), Plural::Other);
}

fn plain(s: String) -> String {
    s.replace('\u{a0}', " ")
}

#[test]
fn numbers_group_thousands_the_way_each_locale_does() {
    assert_eq!(number("en", 1234567), "1,234,567");
    assert_eq!(plain(number("sv", 1234)), "1 234");
    assert_eq!(number("pt", 1234), "1.234");
    assert_eq!(number("en", 999), "999");
    assert_eq!(number("en", -1000), "-1,000");
    assert_eq!(number("en", 0), "0");
}

#[test]
fn decimals_and_multipliers_use_the_locales_decimal_mark() {
    assert_eq!(decimal("en", 125), "1.25");
    assert_eq!(decimal("sv", 125), "1,25");
    assert_eq!(decimal("pt", 150), "1,5");
    assert_eq!(decimal("nb", 200), "2");
    assert_eq!(decimal("en", 123_450), "1,234.5");
    assert_eq!(decimal("pt", 123_405), "1.234,05");
    assert_eq!(plain(decimal("lv", 123_400)), "1 234");
    assert_eq!(multiplier("en", 125), "×1.25");
    assert_eq!(multiplier("sv", 125), "×1,25");
    assert_eq!(multiplier("pt", 200), "×2");
}

#[test]
fn percentages_follow_cldr_spacing() {
    assert_eq!(percent("en", 45), "45%");
    assert_eq!(plain(percent("sv", 45)), "45 %");
    assert_eq!(plain(percent("nb", 45)), "45 %");
    assert_eq!(percent("pt", 45), "45%");
    assert_eq!(percent("lv", -5), "-5%");
}

#[test]
fn form_values_use_the_locales_mark_and_parse_back() {
    use crate::loyalty::rules::{parse_amount, parse_hundredths};
    assert_eq!(amount_input("en", 2_500), "25.00");
    assert_eq!(amount_input("sv", 2_500), "25,00");
    assert_eq!(amount_input("pt", 123_456), "1234,56");
    assert_eq!(amount_input("sv", 0), "");
    assert_eq!(decimal_input("sv", 125), "1,25");
    assert_eq!(decimal_input("pt", 123_400), "1234");
    for locale in ["en", "sv", "nb", "lv", "pt"] {
        for minor in [1, 99, 2_500, 123_456] {
            assert_eq!(
                parse_amount(&amount_input(locale, minor)),
                Ok(minor),
                "{locale}"
            );
        }
        for h in [10, 125, 150, 123_400] {
            assert_eq!(
                parse_hundredths(&decimal_input(locale, h), 0, 1_000_000),
                Some(h),
                "{locale}"
            );
        }
    }
}

#[test]
fn date_times_read_naturally_in_each_locale() {
    assert_eq!(date_time("en", "2026-11-23 14:30"), "23 Nov 2026, 14:30");
    assert_eq!(date_time("sv", "2026-11-23 09:05"), "23 nov. 2026 09:05");
    assert_eq!(date_time("nb", "2026-11-23 14:30"), "23. nov. 2026, 14:30");
    assert_eq!(
        date_time("lv", "2026-11-23 14:30"),
        "2026. gada 23. nov. 14:30"
    );
    assert_eq!(
        date_time("pt", "2026-11-23 14:30"),
        "23 de nov. de 2026 14:30"
    );
    assert_eq!(date_time("en", "2026-11-23"), "23 Nov 2026");
}

#[test]
fn money_matches_the_glossary_examples() {
    assert_eq!(money("en", 123450, Currency::Eur), "€1,234.50");
    assert_eq!(plain(money("sv", 123450, Currency::Sek)), "1 234,50 kr");
    assert_eq!(plain(money("nb", 123450, Currency::Nok)), "kr 1 234,50");
    assert_eq!(plain(money("lv", 123450, Currency::Eur)), "1 234,50 €");
    assert_eq!(plain(money("pt", 123450, Currency::Brl)), "R$ 1.234,50");
}

#[test]
fn money_keeps_cents_and_sign() {
    assert_eq!(money("en", 5, Currency::Eur), "€0.05");
    assert_eq!(money("en", -250, Currency::Eur), "-€2.50");
}

#[test]
fn dates_match_the_glossary_examples() {
    let ts = "2026-11-23T20:06:00Z";
    assert_eq!(date("en", ts), "23 Nov 2026");
    assert_eq!(date("sv", ts), "23 nov. 2026");
    assert_eq!(date("nb", ts), "23. nov. 2026");
    assert_eq!(date("lv", ts), "2026. gada 23. nov.");
    assert_eq!(date("pt", ts), "23 de nov. de 2026");
    assert_eq!(date("sv", "2026-03-01"), "1 mars 2026");
}

#[test]
fn months_are_written_like_the_dates() {
    assert_eq!(month("en", "2026-11"), "Nov 2026");
    assert_eq!(month("sv", "2026-03"), "mars 2026");
    assert_eq!(month("nb", "2026-11"), "nov. 2026");
    assert_eq!(month("lv", "2026-11"), "2026. gada nov.");
    assert_eq!(month("pt", "2026-11"), "nov. de 2026");
    assert_eq!(month("en", "2026-13"), "2026-13");
}

#[test]
fn date_ranges_write_both_ends_in_the_locale() {
    assert_eq!(
        date_range("sv", Some("2026-11-01"), Some("2026-12-24")).as_deref(),
        Some("1 nov. 2026 – 24 dec. 2026")
    );
    assert_eq!(
        date_range("en", None, Some("2026-12-24")).as_deref(),
        Some("– 24 Dec 2026")
    );
    assert_eq!(date_range("en", None, None), None);
}

#[test]
fn a_non_date_is_shown_as_is() {
    assert_eq!(date("en", "soon"), "soon");
    assert_eq!(date("en", "2026-13-01"), "2026-13-01");
}
