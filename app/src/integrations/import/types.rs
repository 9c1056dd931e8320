//! What an import is, as browser and server share it: the two kinds, the fields each maps
//! file columns to, the choice between all-or-nothing and skipping bad rows, and what a check
//! or a run found.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Members, with their consents and where those came from.
    Members,
    /// Past purchases of existing members (history for analytics and segments; no points).
    Purchases,
}

impl Kind {
    /// The stored and sent name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Purchases => "purchases",
        }
    }

    /// The kind called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Members, Self::Purchases]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    /// The fields a file of this kind maps its columns to, in the order the page lists them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::Members => &[
                Field::Email,
                Field::Name,
                Field::Phone,
                Field::Language,
                Field::Birthday,
                Field::Joined,
                Field::EmailConsent,
                Field::SmsConsent,
                Field::ConsentSource,
            ],
            Self::Purchases => &[
                Field::Member,
                Field::Date,
                Field::Amount,
                Field::Receipt,
                Field::Location,
            ],
        }
    }
}

/// A field of the program a file's column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    /// The member's email (who they are: a row whose email is a member already changes nothing).
    Email,
    /// The name they go by.
    Name,
    /// Mobile number.
    Phone,
    /// Language code (`en`, `sv`, `nb`, `lv`, `pt`); empty: the shop's default.
    Language,
    /// Birthday, `YYYY-MM-DD`.
    Birthday,
    /// When they joined (a date, or date and time in the shop's time zone); empty: now.
    Joined,
    /// Agreed to marketing email (yes/no).
    EmailConsent,
    /// Agreed to marketing text messages (yes/no).
    SmsConsent,
    /// Where the consents were given ("paper form 2024"); empty: the page's default.
    ConsentSource,
    /// The buyer: email or card number of an existing member.
    Member,
    /// When it was bought (a date, or date and time in the shop's time zone).
    Date,
    /// What was paid, in the shop's currency (`12.50` or `12,50`).
    Amount,
    /// The receipt number, if the file has one (then it is what makes a row the same row).
    Receipt,
    /// The location's name; empty: the page's default location.
    Location,
}

impl Field {
    /// The form field that carries this field's column.
    pub fn key(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Language => "language",
            Self::Birthday => "birthday",
            Self::Joined => "joined",
            Self::EmailConsent => "email_consent",
            Self::SmsConsent => "sms_consent",
            Self::ConsentSource => "consent_source",
            Self::Member => "member",
            Self::Date => "date",
            Self::Amount => "amount",
            Self::Receipt => "receipt",
            Self::Location => "location",
        }
    }

    /// Whether every row needs it.
    pub fn required(self) -> bool {
        matches!(
            self,
            Self::Email | Self::Name | Self::Member | Self::Date | Self::Amount
        )
    }

    /// Header words (lower case, any of the five languages) that name this field.
    fn words(self) -> &'static [&'static str] {
        match self {
            Self::Email => &["email", "e-mail", "e-post", "epost", "e-pasts", "mail"],
            Self::Name => &["name", "namn", "navn", "vārds", "nome", "preferred_name"],
            Self::Phone => &[
                "phone",
                "mobile",
                "telefon",
                "mobil",
                "tālrunis",
                "telefone",
                "celular",
            ],
            Self::Language => &["language", "språk", "valoda", "idioma", "lang"],
            Self::Birthday => &[
                "birthday",
                "födelsedag",
                "fødselsdag",
                "dzimšanas diena",
                "aniversário",
                "birth",
            ],
            Self::Joined => &[
                "joined",
                "joined_at",
                "medlem sedan",
                "medlem siden",
                "pievienojās",
                "cadastro",
                "created",
            ],
            Self::EmailConsent => &[
                "email_consent",
                "email_marketing",
                "email consent",
                "nyhetsbrev",
                "newsletter",
            ],
            Self::SmsConsent => &["sms_consent", "sms_marketing", "sms consent", "sms"],
            Self::ConsentSource => &[
                "consent_source",
                "source",
                "källa",
                "kilde",
                "avots",
                "origem",
            ],
            Self::Member => &[
                "member",
                "card",
                "card_number",
                "email",
                "medlem",
                "kort",
                "dalībnieks",
                "membro",
                "cartão",
            ],
            Self::Date => &[
                "date",
                "datum",
                "dato",
                "datums",
                "data",
                "created_at",
                "time",
            ],
            Self::Amount => &[
                "amount",
                "belopp",
                "beløp",
                "summa",
                "summa",
                "valor",
                "total",
                "amount_minor",
            ],
            Self::Receipt => &[
                "receipt",
                "kvitto",
                "kvittering",
                "čeks",
                "recibo",
                "receipt_number",
            ],
            Self::Location => &[
                "location", "butik", "butikk", "veikals", "loja", "store", "shop",
            ],
        }
    }
}

/// The file's column (its index) each field takes, by guessing from the header: a header cell
/// equal to one of the field's words, else one containing it; each column used once.
pub fn guess(kind: Kind, header: &[String]) -> Vec<(Field, Option<usize>)> {
    let cells: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut taken = vec![false; cells.len()];
    let mut out = Vec::new();
    for &field in kind.fields() {
        let exact = cells
            .iter()
            .enumerate()
            .position(|(i, c)| !taken[i] && field.words().contains(&c.as_str()));
        let loose = || {
            cells.iter().enumerate().position(|(i, c)| {
                !taken[i] && field.words().iter().any(|w| w.len() > 3 && c.contains(w))
            })
        };
        let column = exact.or_else(loose);
        if let Some(i) = column {
            taken[i] = true;
        }
        out.push((field, column));
    }
    out
}

/// What to do with rows that break a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Import nothing unless every row is good.
    AllOrNothing,
    /// Import the good rows; list the others.
    SkipBad,
}

/// One row's problem: its line in the file, the field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The line in the file (1 is the header).
    pub line: usize,
    /// The field.
    pub field: Field,
    /// Why, to be shown in the reader's language.
    pub msg: Msg,
}

/// What a check (or a run) found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Rows read.
    pub rows: usize,
    /// Rows that add something new.
    pub new: usize,
    /// Rows already in the program (a member with that email, a purchase imported before).
    pub already: usize,
    /// Rows that break a rule.
    pub bad: usize,
    /// The first problems, by line.
    pub errors: Vec<RowError>,
}

/// Problems listed at most.
pub const ERRORS_SHOWN: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_guessed_from_headers_in_any_language_each_used_once() {
        let header: Vec<String> = ["E-post", "Namn", "Mobil", "Nyhetsbrev", "Källa", "Övrigt"]
            .map(String::from)
            .to_vec();
        let g = guess(Kind::Members, &header);
        let at = |f: Field| g.iter().find(|(x, _)| *x == f).and_then(|(_, c)| *c);
        assert_eq!(at(Field::Email), Some(0));
        assert_eq!(at(Field::Name), Some(1));
        assert_eq!(at(Field::Phone), Some(2));
        assert_eq!(at(Field::EmailConsent), Some(3));
        assert_eq!(at(Field::ConsentSource), Some(4));
        assert_eq!(at(Field::Birthday), None);
        let header: Vec<String> = ["email", "date", "total", "receipt"]
            .map(String::from)
            .to_vec();
        let g = guess(Kind::Purchases, &header);
        assert_eq!(
            g.iter().map(|(_, c)| *c).collect::<Vec<_>>(),
            [Some(0), Some(1), Some(2), Some(3), None]
        );
    }
}
