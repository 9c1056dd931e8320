//! Locale-aware formatting of numbers, money and dates, following CLDR's conventions for our
//! five locales. Hand-written tables instead of ICU data keep the browser bundle small; the
//! tests pin every pattern to what CLDR produces.

use crate::loyalty::rules::Currency;

/// Separators and currency placement for one locale.
struct NumberStyle {
    group: &'static str,
    decimal: char,
    /// True when the currency symbol goes before the amount.
    symbol_first: bool,
    /// Space between symbol and amount.
    symbol_space: bool,
}

const NBSP: &str = "\u{a0}";

fn style(locale: &str) -> NumberStyle {
    match locale {
        "sv" => NumberStyle {
            group: NBSP,
            decimal: ',',
            symbol_first: false,
            symbol_space: true,
        },
        "nb" => NumberStyle {
            group: NBSP,
            decimal: ',',
            symbol_first: true,
            symbol_space: true,
        },
        "lv" => NumberStyle {
            group: NBSP,
            decimal: ',',
            symbol_first: false,
            symbol_space: true,
        },
        "pt" => NumberStyle {
            group: ".",
            decimal: ',',
            symbol_first: true,
            symbol_space: true,
        },
        _ => NumberStyle {
            group: ",",
            decimal: '.',
            symbol_first: true,
            symbol_space: false,
        },
    }
}

fn grouped(mut n: u64, group: &str) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(group)
}

/// A CLDR cardinal plural category, for choosing between a message's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    /// Latvian's "zero" category (0, 10–20, 30, …: "10 punktu").
    Zero,
    /// Singular (en/sv/nb: 1; pt: 0 and 1; lv: 1, 21, 31 … but not 11).
    One,
    /// Everything else.
    Other,
}

/// The plural category of `n` in `locale`.
pub fn plural(locale: &str, n: i64) -> Plural {
    let n = n.unsigned_abs();
    match locale {
        "lv" if n.is_multiple_of(10) || (11..=19).contains(&(n % 100)) => Plural::Zero,
        "lv" if n % 10 == 1 => Plural::One,
        "pt" if n <= 1 => Plural::One,
        "lv" | "pt" => Plural::Other,
        _ if n == 1 => Plural::One,
        _ => Plural::Other,
    }
}

/// An integer with the locale's digit grouping: `1,234` (en), `1 234` (sv, nb, lv), `1.234` (pt).
pub fn number(locale: &str, n: i64) -> String {
    let body = grouped(n.unsigned_abs(), style(locale).group);
    if n < 0 { format!("-{body}") } else { body }
}

/// Hundredths as the shortest decimal with `group` between thousands and `mark` before the
/// fraction.
fn hundredths(n: i64, group: &str, mark: char) -> String {
    let abs = n.unsigned_abs();
    let whole = grouped(abs / 100, group);
    let sign = if n < 0 { "-" } else { "" };
    match abs % 100 {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}{mark}{}", f / 10),
        f => format!("{sign}{whole}{mark}{f:02}"),
    }
}

/// A decimal given in hundredths, as short as it goes, with the locale's separators:
/// `1.25`, `1.5`, `2` (en); `1,25` (sv, nb, lv, pt); `1,234.5` (en), `1.234,5` (pt).
pub fn decimal(locale: &str, n: i64) -> String {
    let st = style(locale);
    hundredths(n, st.group, st.decimal)
}

/// Hundredths for a form field (`125` → `1.25` in en, `1,25` in sv): no grouping, so that
/// [`crate::loyalty::rules::parse_hundredths`] takes it back.
pub fn decimal_input(locale: &str, n: i64) -> String {
    hundredths(n, "", style(locale).decimal)
}

/// A multiplier given in percent (`125` → `×1.25` in en, `×1,25` in sv).
pub fn multiplier(locale: &str, pct: i64) -> String {
    format!("×{}", decimal(locale, pct))
}

/// A percentage as the locale writes it: `45%` (en, lv, pt), `45 %` (sv, nb; no-break space).
pub fn percent(locale: &str, n: i64) -> String {
    let space = if matches!(locale, "sv" | "nb") {
        NBSP
    } else {
        ""
    };
    format!("{}{space}%", number(locale, n))
}

/// An amount in minor units for a form field: the locale's decimal mark, no grouping and no
/// symbol, so that it reads naturally and [`crate::loyalty::rules::parse_amount`] takes it back
/// (`2500` → `25.00` in en, `25,00` in sv); 0 gives an empty field.
pub fn amount_input(locale: &str, minor: i64) -> String {
    if minor == 0 {
        return String::new();
    }
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    format!(
        "{sign}{}{}{:02}",
        abs / 100,
        style(locale).decimal,
        abs % 100
    )
}

/// The symbol shops write for a currency.
fn currency_symbol(currency: Currency) -> &'static str {
    match currency {
        Currency::Eur => "€",
        Currency::Sek | Currency::Nok | Currency::Dkk => "kr",
        Currency::Brl => "R$",
        Currency::Usd => "$",
        Currency::Gbp => "£",
        other => other.code(),
    }
}

/// An amount in minor units (two decimals) as the locale writes it:
/// `€1,234.50` (en), `1 234,50 kr` (sv), `kr 1 234,50` (nb), `1 234,50 €` (lv), `R$ 1.234,50` (pt).
pub fn money(locale: &str, minor: i64, currency: Currency) -> String {
    let st = style(locale);
    let abs = minor.unsigned_abs();
    let amount = format!(
        "{}{}{:02}",
        grouped(abs / 100, st.group),
        st.decimal,
        abs % 100
    );
    let sym = currency_symbol(currency);
    let space = if st.symbol_space { NBSP } else { "" };
    let sign = if minor < 0 { "-" } else { "" };
    if st.symbol_first {
        format!("{sign}{sym}{space}{amount}")
    } else {
        format!("{sign}{amount}{space}{sym}")
    }
}

const MONTHS: [(&str, [&str; 12]); 5] = [
    (
        "en",
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
    ),
    (
        "sv",
        [
            "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
            "dec.",
        ],
    ),
    (
        "nb",
        [
            "jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.",
            "des.",
        ],
    ),
    (
        "lv",
        [
            "janv.", "febr.", "marts", "apr.", "maijs", "jūn.", "jūl.", "aug.", "sept.", "okt.",
            "nov.", "dec.",
        ],
    ),
    (
        "pt",
        [
            "jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.",
            "dez.",
        ],
    ),
];

/// A calendar date (from a UTC timestamp `YYYY-MM-DD…`) in the locale's medium style:
/// The short name of month `m` (1–12) in `locale` (English for others).
fn month_name(locale: &str, m: usize) -> &'static str {
    let months = MONTHS
        .iter()
        .find(|(l, _)| *l == locale)
        .unwrap_or(&MONTHS[0])
        .1;
    months[m - 1]
}

/// `23 Nov 2026` (en), `23 nov. 2026` (sv), `23. nov. 2026` (nb), `2026. gada 23. nov.` (lv),
/// `23 de nov. de 2026` (pt). Returns the input unchanged if it is not a timestamp.
pub fn date(locale: &str, timestamp: &str) -> String {
    let parsed = timestamp.get(..10).and_then(|d| {
        let mut it = d.split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: usize = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        (1..=12).contains(&m).then_some((y, m, day))
    });
    let Some((y, m, d)) = parsed else {
        return timestamp.to_owned();
    };
    let mon = month_name(locale, m);
    match locale {
        "nb" => format!("{d}. {mon} {y}"),
        "lv" => format!("{y}. gada {d}. {mon}"),
        "pt" => format!("{d} de {mon} de {y}"),
        _ => format!("{d} {mon} {y}"),
    }
}

/// A month (from `YYYY-MM`): `Nov 2026` (en), `nov. 2026` (sv, nb), `2026. gada nov.` (lv),
/// `nov. de 2026` (pt). Returns the input unchanged if it is not a month.
pub fn month(locale: &str, month: &str) -> String {
    let parsed = month.get(..7).and_then(|d| {
        let (y, m) = d.split_once('-')?;
        let (y, m): (i32, usize) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&m).then_some((y, m))
    });
    let Some((y, m)) = parsed else {
        return month.to_owned();
    };
    let mon = month_name(locale, m);
    match locale {
        "lv" => format!("{y}. gada {mon}"),
        "pt" => format!("{mon} de {y}"),
        _ => format!("{mon} {y}"),
    }
}

/// A date and a 24-hour time (from `YYYY-MM-DD HH:MM`, already in the shop's time zone):
/// `23 Nov 2026, 14:30` (en), `23 nov. 2026 14:30` (sv), `23. nov. 2026, 14:30` (nb),
/// `2026. gada 23. nov. 14:30` (lv), `23 de nov. de 2026 14:30` (pt).
pub fn date_time(locale: &str, local: &str) -> String {
    let day = date(locale, local);
    match local.get(11..16) {
        Some(time) if time.as_bytes().get(2) == Some(&b':') => match locale {
            "en" | "nb" => format!("{day}, {time}"),
            _ => format!("{day} {time}"),
        },
        _ => day,
    }
}

/// A period's first and last day in the locale's words (`1 Nov 2026 – 30 Nov 2026`; an open
/// end is left blank), or `None` when it has neither.
pub fn date_range(locale: &str, starts: Option<&str>, ends: Option<&str>) -> Option<String> {
    if starts.is_none() && ends.is_none() {
        return None;
    }
    let day = |d: Option<&str>| d.map(|d| date(locale, d)).unwrap_or_default();
    Some(format!("{} – {}", day(starts), day(ends)).trim().to_owned())
}

#[cfg(test)]
mod tests;
