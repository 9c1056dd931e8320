//! Turning a file's rows into what they stand for, with every broken rule named: members
//! (email, name, phone, language, birthday, joined, consents and their source) and past
//! purchases (member, time, amount, receipt, location). Pure: what the database knows (which
//! emails are members, the locations) comes in as arguments.

use std::collections::HashMap;

use super::types::{Field, RowError};
use crate::{
    accounts::types::{Email, PreferredName},
    db::{Day, Stamp},
    error::Msg,
    i18n::Locale,
};

/// Where each field's value is in a row.
#[derive(Debug, Clone, Default)]
pub struct Columns(pub HashMap<Field, usize>);

impl Columns {
    /// The trimmed cell of `field` in `row` ("" when unmapped or missing).
    pub fn get<'r>(&self, row: &'r [String], field: Field) -> &'r str {
        self.0
            .get(&field)
            .and_then(|&i| row.get(i))
            .map_or("", |c| c.trim())
    }
}

/// What reading needs to know about the shop.
#[derive(Debug, Clone)]
pub struct Shop<'a> {
    /// Its time zone, for dates without one.
    pub zone: &'a str,
    /// Its country, for national phone numbers.
    pub country: Option<&'a str>,
    /// Its default language.
    pub language: Locale,
    /// Now (no date may be later).
    pub now: Stamp,
}

/// A member row, read.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// Email (normalised).
    pub email: Email,
    /// Name.
    pub name: PreferredName,
    /// Phone in E.164 form.
    pub phone: Option<String>,
    /// Language.
    pub language: Locale,
    /// Birthday.
    pub birthday: Option<String>,
    /// When they joined.
    pub joined: Stamp,
    /// Agreed to marketing email.
    pub email_consent: bool,
    /// Agreed to marketing text messages.
    pub sms_consent: bool,
    /// Where the consents were given.
    pub source: String,
}

/// Reads one member row (`line` in the file): the member, or every broken rule.
pub fn member(
    cols: &Columns,
    row: &[String],
    line: usize,
    shop: &Shop<'_>,
    default_source: &str,
) -> Result<MemberRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut fail = |field, msg| errors.push(RowError { line, field, msg });
    let email = Email::parse(cols.get(row, Field::Email))
        .map_err(|e| fail(Field::Email, Msg::from(e)))
        .ok();
    let name = PreferredName::parse(cols.get(row, Field::Name))
        .map_err(|e| fail(Field::Name, Msg::from(e)))
        .ok();
    let phone = match cols.get(row, Field::Phone) {
        "" => Some(None),
        raw => crate::members::phone::Phone::parse(raw, shop.country)
            .map(|p| Some(p.as_str().to_owned()))
            .map_err(|m| fail(Field::Phone, m))
            .ok(),
    };
    let language = match cols.get(row, Field::Language) {
        "" => Some(shop.language),
        raw => crate::i18n::parse_locale(&raw.to_lowercase())
            .ok_or_else(|| fail(Field::Language, Msg::LanguageInvalid))
            .ok(),
    };
    let birthday = match cols.get(row, Field::Birthday) {
        "" => Some(None),
        raw => raw
            .parse::<Day>()
            .ok()
            .map(|d| d.to_string())
            .filter(|d| d.as_str() >= "1900-01-01" && d.as_str() <= &shop.now.to_string()[..10])
            .map(Some)
            .ok_or_else(|| fail(Field::Birthday, Msg::BirthdayInvalid))
            .ok(),
    };
    let joined = match cols.get(row, Field::Joined) {
        "" => Some(shop.now),
        raw => when(raw, shop)
            .ok_or_else(|| fail(Field::Joined, Msg::DateInvalid))
            .ok(),
    };
    let email_consent = yes_no(cols.get(row, Field::EmailConsent))
        .ok_or_else(|| fail(Field::EmailConsent, Msg::YesNoInvalid))
        .ok();
    let sms_consent = yes_no(cols.get(row, Field::SmsConsent))
        .ok_or_else(|| fail(Field::SmsConsent, Msg::YesNoInvalid))
        .ok();
    if sms_consent == Some(true) && matches!(phone, Some(None)) {
        fail(Field::SmsConsent, Msg::PhoneInvalid);
    }
    let source = match cols.get(row, Field::ConsentSource) {
        "" => default_source.trim(),
        s => s,
    };
    if source.chars().count() > 200 {
        fail(Field::ConsentSource, Msg::TextTooLong);
    }
    match (
        email,
        name,
        phone,
        language,
        birthday,
        joined,
        email_consent,
        sms_consent,
    ) {
        (
            Some(email),
            Some(name),
            Some(phone),
            Some(language),
            Some(birthday),
            Some(joined),
            Some(e),
            Some(s),
        ) if errors.is_empty() => Ok(MemberRow {
            email,
            name,
            phone,
            language,
            birthday,
            joined,
            email_consent: e,
            sms_consent: s,
            source: if source.is_empty() {
                "import".to_owned()
            } else {
                source.to_owned()
            },
        }),
        _ => Err(errors),
    }
}

/// A past purchase row, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseRow {
    /// The member.
    pub member_id: i64,
    /// When.
    pub at: Stamp,
    /// Paid, minor units.
    pub amount_minor: i64,
    /// The receipt number, if any.
    pub receipt: Option<String>,
    /// Where.
    pub location_id: i64,
}

impl PurchaseRow {
    /// What makes two rows the same purchase: the receipt number, else everything else.
    pub fn key(&self) -> String {
        match &self.receipt {
            Some(r) => format!("receipt:{r}"),
            None => format!(
                "row:{}:{}:{}:{}",
                self.member_id, self.at, self.amount_minor, self.location_id
            ),
        }
    }
}

/// What reading purchases needs from the database: members by email and by id, locations
/// by lower-case name, and the default location.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Member ids by email.
    pub emails: HashMap<String, i64>,
    /// Every member id.
    pub ids: std::collections::HashSet<i64>,
    /// Staff accounts' emails: one account per email, so no member can have them.
    pub staff: std::collections::HashSet<String>,
    /// Location ids by lower-case name.
    pub locations: HashMap<String, i64>,
    /// The location of rows that name none.
    pub default_location: Option<i64>,
}

/// Reads one purchase row (`line` in the file): the purchase, or every broken rule.
pub fn purchase(
    cols: &Columns,
    row: &[String],
    line: usize,
    shop: &Shop<'_>,
    known: &Known,
) -> Result<PurchaseRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut fail = |field, msg| errors.push(RowError { line, field, msg });
    let who = cols.get(row, Field::Member);
    let member_id = if who.contains('@') {
        Email::parse(who)
            .ok()
            .and_then(|e| known.emails.get(e.as_str()).copied())
    } else {
        crate::loyalty::rules::parse_member_number(who).filter(|id| known.ids.contains(id))
    };
    if member_id.is_none() {
        fail(Field::Member, Msg::MemberUnknown);
    }
    let at = when(cols.get(row, Field::Date), shop);
    if at.is_none() {
        fail(Field::Date, Msg::DateInvalid);
    }
    let amount = crate::loyalty::rules::parse_amount(cols.get(row, Field::Amount))
        .map_err(|m| fail(Field::Amount, m))
        .ok();
    let receipt = match cols.get(row, Field::Receipt) {
        "" => None,
        r if r.chars().count() > 60 => {
            fail(Field::Receipt, Msg::TextTooLong);
            None
        }
        r => Some(r.to_owned()),
    };
    let location_id = match cols.get(row, Field::Location) {
        "" => known.default_location,
        name => known.locations.get(&name.to_lowercase()).copied(),
    };
    if location_id.is_none() {
        fail(Field::Location, Msg::LocationRequired);
    }
    match (member_id, at, amount, location_id) {
        (Some(member_id), Some(at), Some(amount_minor), Some(location_id)) if errors.is_empty() => {
            Ok(PurchaseRow {
                member_id,
                at,
                amount_minor,
                receipt,
                location_id,
            })
        }
        _ => Err(errors),
    }
}

/// Yes or no in the five languages (empty: no).
fn yes_no(raw: &str) -> Option<bool> {
    match raw.to_lowercase().as_str() {
        "" | "0" | "no" | "n" | "false" | "nej" | "nei" | "nē" | "não" | "nao" => Some(false),
        "1" | "yes" | "y" | "true" | "x" | "ja" | "jā" | "sim" => Some(true),
        _ => None,
    }
}

/// A moment as a file writes it: an RFC 3339 instant, or a date (`YYYY-MM-DD`, the day's
/// start) or date and time (`YYYY-MM-DD HH:MM[:SS]`) on the shop's clock; never after now.
pub fn when(raw: &str, shop: &Shop<'_>) -> Option<Stamp> {
    let zone = crate::db::zone(shop.zone);
    let at = if let Ok(t) = raw.parse::<jiff::Timestamp>() {
        Stamp::from(t)
    } else if let Ok(d) = raw.parse::<Day>() {
        d.start_in(&zone)?
    } else {
        let t = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", raw)
            .or_else(|_| jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", raw))
            .ok()?;
        Stamp::from(t.to_zoned(zone).ok()?.timestamp())
    };
    (at <= shop.now && at.to_string().as_str() >= "1970-01-01").then_some(at)
}

#[cfg(test)]
mod tests;
