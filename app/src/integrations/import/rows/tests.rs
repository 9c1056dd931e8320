//! Reading member and purchase rows.

use super::*;

fn shop() -> Shop<'static> {
    Shop {
        zone: "Europe/Stockholm",
        country: Some("SE"),
        language: crate::i18n::parse_locale("sv").expect("sv"),
        now: Stamp::utc(2026, 12, 7, 12, 0, 0),
    }
}

fn cols(fields: &[Field]) -> Columns {
    Columns(fields.iter().enumerate().map(|(i, f)| (*f, i)).collect())
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn a_member_row_reads_consents_dates_and_defaults() {
    use Field::*;
    let c = cols(&[
        Email,
        Name,
        Phone,
        Joined,
        EmailConsent,
        SmsConsent,
        ConsentSource,
    ]);
    let m = member(
        &c,
        &row(&[
            " Anna@X.se ",
            "Anna",
            "070-123 45 67",
            "2024-03-01",
            "ja",
            "",
            "",
        ]),
        2,
        &shop(),
        "paper form",
    )
    .expect("valid");
    assert_eq!(m.email.as_str(), "anna@x.se");
    assert_eq!(m.phone.as_deref(), Some("+46701234567"));
    assert_eq!(m.joined.to_string(), "2024-02-29T23:00:00Z");
    assert!(m.email_consent && !m.sms_consent);
    assert_eq!(m.source, "paper form");
    assert_eq!(crate::i18n::LocaleExt::as_str(m.language), "sv");
}

#[test]
fn a_bad_member_row_names_every_broken_rule() {
    use Field::*;
    let c = cols(&[
        Email,
        Name,
        Language,
        Birthday,
        Joined,
        EmailConsent,
        SmsConsent,
    ]);
    let errors = member(
        &c,
        &row(&[
            "not-an-email",
            "",
            "de",
            "2030-01-01",
            "2027-01-01",
            "maybe",
            "yes",
        ]),
        7,
        &shop(),
        "",
    )
    .expect_err("invalid");
    let found: Vec<(usize, Field, Msg)> = errors
        .into_iter()
        .map(|e| (e.line, e.field, e.msg))
        .collect();
    assert_eq!(
        found,
        [
            (7, Email, Msg::EmailInvalid),
            (7, Name, Msg::NameRequired),
            (7, Language, Msg::LanguageInvalid),
            (7, Birthday, Msg::BirthdayInvalid),
            (7, Joined, Msg::DateInvalid),
            (7, EmailConsent, Msg::YesNoInvalid),
            (7, SmsConsent, Msg::PhoneInvalid),
        ]
    );
}

#[test]
fn a_purchase_row_finds_its_member_and_location_and_knows_its_key() {
    use Field::*;
    let known = Known {
        emails: [("anna@x.se".to_owned(), 4)].into(),
        ids: [4, 9].into(),
        locations: [("harbour".to_owned(), 2)].into(),
        default_location: Some(1),
        ..Known::default()
    };
    let c = cols(&[Member, Date, Amount, Receipt, Location]);
    let p = purchase(
        &c,
        &row(&["ANNA@x.se", "2026-11-30 18:05", "12,50", "", "Harbour"]),
        2,
        &shop(),
        &known,
    )
    .expect("valid");
    assert_eq!((p.member_id, p.amount_minor, p.location_id), (4, 1250, 2));
    assert_eq!(p.at.to_string(), "2026-11-30T17:05:00Z");
    assert_eq!(p.key(), "row:4:2026-11-30T17:05:00Z:1250:2");
    let card = crate::loyalty::rules::member_number(9);
    let p = purchase(
        &c,
        &row(&[&card, "2026-11-30", "3", "K-1", ""]),
        3,
        &shop(),
        &known,
    )
    .expect("valid");
    assert_eq!(
        (p.member_id, p.location_id, p.key()),
        (9, 1, "receipt:K-1".to_owned())
    );
    let errors = purchase(
        &c,
        &row(&["00000000", "tomorrow", "0", "", "Mars"]),
        4,
        &shop(),
        &known,
    )
    .expect_err("invalid");
    assert_eq!(
        errors.iter().map(|e| e.field).collect::<Vec<_>>(),
        [Member, Date, Amount, Location]
    );
}
