//! Account types shared by browser and server. Each is parsed once at the edge; holding one
//! means the value is valid, so the rest of the code never re-checks.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::{AppError, Msg};

/// An email address, trimmed and lower-cased (so uniqueness is case-insensitive).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

/// Why a string is not an [`Email`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not of the form `local@domain.tld`, or contains characters mail systems refuse.
    #[error("not a valid email address")]
    Invalid,
}

impl Email {
    /// Longest address SMTP can carry (RFC 5321 path limit minus the brackets).
    pub const MAX_LEN: usize = 254;

    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let bad_char =
            |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
        let domain_ok = domain.len() >= 3
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if s.len() > Self::MAX_LEN
            || local.is_empty()
            || local.len() > 64
            || local.chars().any(bad_char)
            || !domain_ok
        {
            return Err(EmailError::Invalid);
        }
        Ok(Self(s))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the length rules. Never printed: `Debug` shows a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a string is not an acceptable [`Password`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`Password::MIN_CHARS`] characters.
    #[error("password too short")]
    TooShort,
    /// More than [`Password::MAX_CHARS`] characters (bounds hashing work per request).
    #[error("password too long")]
    TooLong,
}

impl Password {
    /// Minimum length in characters (NIST 800-63B).
    pub const MIN_CHARS: usize = 8;
    /// Maximum length in characters: generous for passphrases, bounded for hashing cost.
    pub const MAX_CHARS: usize = 128;

    /// Checks the length rules; nothing else (no composition rules, per NIST 800-63B).
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if n > Self::MAX_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    /// The secret itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// How a person wants to be addressed: trimmed, 1–60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferredName(String);

/// Why a string is not a [`PreferredName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty after trimming.
    #[error("name required")]
    Empty,
    /// Longer than [`PreferredName::MAX_CHARS`].
    #[error("name too long")]
    TooLong,
}

impl PreferredName {
    /// Longest accepted name in characters.
    pub const MAX_CHARS: usize = 60;

    /// Parses a name, collapsing control characters away.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let s: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
        match s.chars().count() {
            0 => Err(NameError::Empty),
            n if n > Self::MAX_CHARS => Err(NameError::TooLong),
            _ => Ok(Self(s)),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who an account is. Staff roles are ordered: owner > manager > staff.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the shop: everything, including staff accounts and settings.
    Owner,
    /// Runs programs and the team's daily work.
    Manager,
    /// Works the counter.
    Staff,
    /// A customer.
    Member,
}

impl Role {
    /// Every role, highest first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Staff, Role::Member];
    /// Roles an owner can give to a staff account.
    pub const STAFF_ROLES: [Role; 3] = [Role::Owner, Role::Manager, Role::Staff];

    /// The database / wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Staff => "staff",
            Role::Member => "member",
        }
    }

    /// Parses the database / wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Manager => 2,
            Role::Staff => 1,
            Role::Member => 0,
        }
    }

    /// True for owner, manager and staff: may open the console.
    pub fn is_staff(self) -> bool {
        self.rank() >= Role::Staff.rank()
    }

    /// True when this role has at least the rights of `required` (members only satisfy member).
    pub fn at_least(self, required: Role) -> bool {
        if required == Role::Member {
            return self == Role::Member;
        }
        self.rank() >= required.rank()
    }
}

/// Maps a parse failure to the field error the UI shows next to `field`.
pub trait IntoFieldError {
    /// The field error.
    fn into_field_error(self, field: &str) -> AppError;
}

impl<E: Into<Msg>> IntoFieldError for E {
    fn into_field_error(self, field: &str) -> AppError {
        AppError::field(field, self.into())
    }
}

impl From<EmailError> for Msg {
    fn from(_: EmailError) -> Self {
        Msg::EmailInvalid
    }
}

impl From<PasswordError> for Msg {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::TooShort => Msg::PasswordTooShort,
            PasswordError::TooLong => Msg::PasswordTooLong,
        }
    }
}

impl From<NameError> for Msg {
    fn from(e: NameError) -> Self {
        match e {
            NameError::Empty => Msg::NameRequired,
            NameError::TooLong => Msg::NameTooLong,
        }
    }
}

/// Browser-side check of an email field, with the server's rules.
pub fn check_email(s: &str) -> Option<Msg> {
    Email::parse(s).err().map(Msg::from)
}

/// Browser-side check of a new password field, with the server's rules.
pub fn check_password(s: &str) -> Option<Msg> {
    Password::parse(s).err().map(Msg::from)
}

/// Browser-side check of a name field, with the server's rules.
pub fn check_name(s: &str) -> Option<Msg> {
    PreferredName::parse(s).err().map(Msg::from)
}

/// The signed-in account as the UI knows it.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Account id.
    pub id: i64,
    /// Normalised email.
    pub email: String,
    /// Preferred name.
    #[cfg_attr(feature = "ssr", sqlx(rename = "preferred_name"))]
    pub name: String,
    /// Role.
    pub role: Role,
    /// Language (sent as its code: `en`, `sv`, `nb`, `lv`, `pt`).
    pub language: crate::i18n::Locale,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        let e = Email::parse("  Anna.Berg@Example.COM ").expect("valid");
        assert_eq!(e.as_str(), "anna.berg@example.com");
    }

    #[test]
    fn emails_without_at_domain_or_with_spaces_are_refused() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "anna@example",
            "an na@example.com",
            "anna@exa mple.com",
            "anna@-example.com",
            "anna@example..com",
            "a<b@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn overlong_email_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn international_domains_and_plus_addresses_are_accepted() {
        assert!(Email::parse("märta+shop@exämple.se").is_ok());
    }

    #[test]
    fn password_needs_eight_characters_counted_as_characters_not_bytes() {
        assert_eq!(Password::parse("1234567"), Err(PasswordError::TooShort));
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse("åäöåäöåä").is_ok(), "8 chars, 16 bytes");
        assert_eq!(Password::parse("åäöåäöå"), Err(PasswordError::TooShort));
    }

    #[test]
    fn password_of_64_characters_is_allowed_and_of_129_refused() {
        assert!(Password::parse(&"x".repeat(64)).is_ok());
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let p = Password::parse("hunter22hunter").expect("valid");
        assert!(!format!("{p:?}").contains("hunter"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PreferredName::parse("  Märta ").expect("ok").as_str(),
            "Märta"
        );
        assert_eq!(PreferredName::parse("   "), Err(NameError::Empty));
        assert_eq!(
            PreferredName::parse(&"a".repeat(61)),
            Err(NameError::TooLong)
        );
        assert_eq!(PreferredName::parse("a\u{7}b").expect("ok").as_str(), "ab");
    }

    #[test]
    fn role_matrix_orders_staff_and_keeps_members_apart() {
        use Role::*;
        let expect = [
            // (who, required, allowed)
            (Owner, Owner, true),
            (Owner, Manager, true),
            (Owner, Staff, true),
            (Owner, Member, false),
            (Manager, Owner, false),
            (Manager, Manager, true),
            (Manager, Staff, true),
            (Manager, Member, false),
            (Staff, Owner, false),
            (Staff, Manager, false),
            (Staff, Staff, true),
            (Staff, Member, false),
            (Member, Owner, false),
            (Member, Manager, false),
            (Member, Staff, false),
            (Member, Member, true),
        ];
        for (who, required, allowed) in expect {
            assert_eq!(who.at_least(required), allowed, "{who:?} as {required:?}");
        }
        assert!(Staff.is_staff() && Owner.is_staff() && !Member.is_staff());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
