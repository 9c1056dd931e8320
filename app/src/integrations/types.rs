//! API keys as the console shows them, and the scopes a key may hold.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// What a key may do. A request outside its key's scopes is refused (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Find members and read their balance and offers.
    MembersRead,
    /// Record purchases and refunds.
    PurchasesWrite,
    /// Use members' reward codes.
    CodesRedeem,
    /// A partner retailer's key: earn and pay with points there, at the partner's rates. Only
    /// a partner's own key holds it, and it holds nothing else.
    Partner,
}

impl Scope {
    /// Every scope a key of the shop's own may hold, in the order the console lists them.
    pub const ALL: [Scope; 3] = [
        Scope::MembersRead,
        Scope::PurchasesWrite,
        Scope::CodesRedeem,
    ];

    /// The scope's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MembersRead => "members:read",
            Self::PurchasesWrite => "purchases:write",
            Self::CodesRedeem => "codes:redeem",
            Self::Partner => "partner",
        }
    }

    /// The shop's scope called `name` (not `partner`: a partner's key is made for a partner).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Scopes as stored: the shop's, or a partner key's `partner`.
    pub fn parse_stored(list: &str) -> Vec<Self> {
        if list == Self::Partner.as_str() {
            return vec![Self::Partner];
        }
        Self::parse_list(list).unwrap_or_default()
    }

    /// Scopes from a space-separated list (unknown names are an error).
    pub fn parse_list(list: &str) -> Result<Vec<Self>, Msg> {
        let mut scopes = Vec::new();
        for name in list.split_whitespace() {
            let scope = Self::parse(name).ok_or(Msg::ApiKeyScopes)?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(Msg::ApiKeyScopes);
        }
        Ok(scopes)
    }

    /// The space-separated list stored for `scopes`.
    pub fn join(scopes: &[Self]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A key's name as typed: trimmed, 1 to 80 characters.
pub fn key_name(raw: &str) -> Result<String, Msg> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Msg::ApiKeyName);
    }
    Ok(name.to_owned())
}

/// Requests per minute as typed: empty is the default, else 1 to 100,000.
pub fn rate_per_minute(raw: &str) -> Result<i64, Msg> {
    match raw.trim() {
        "" => Ok(DEFAULT_RATE),
        n => n
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or(Msg::ApiKeyRate),
    }
}

/// Requests per minute a key may make unless the owner sets another figure.
pub const DEFAULT_RATE: i64 = 600;

/// An API key as the console lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    /// Its id.
    pub id: i64,
    /// What the owner called it ("Till 1").
    pub name: String,
    /// The secret's first characters, to tell keys apart.
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// The location its sales are recorded at, if fixed.
    pub location: Option<String>,
    /// Requests per minute.
    pub rate_per_minute: i64,
    /// When it was made (UTC; the console shows the shop's time).
    pub created_at: String,
    /// When it was last used (UTC; the console shows the shop's time), to the minute.
    pub last_used_at: Option<String>,
    /// When it was revoked (UTC); a revoked key is refused.
    pub revoked_at: Option<String>,
    /// The partner retailer it belongs to, for a partner's key.
    pub partner: Option<String>,
}

/// A key just made: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    /// Its id.
    pub id: i64,
    /// The whole secret, for the `Authorization: Bearer` header.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_a_list_once_each_and_refuse_unknown_names() {
        assert_eq!(
            Scope::parse_list("purchases:write members:read purchases:write"),
            Ok(vec![Scope::PurchasesWrite, Scope::MembersRead])
        );
        assert_eq!(Scope::parse_list("members:write"), Err(Msg::ApiKeyScopes));
        assert_eq!(Scope::parse_list("  "), Err(Msg::ApiKeyScopes));
        assert_eq!(Scope::parse_list("partner"), Err(Msg::ApiKeyScopes));
        assert_eq!(Scope::parse_stored("partner"), vec![Scope::Partner]);
        assert_eq!(
            Scope::parse_stored("members:read partner"),
            Vec::<Scope>::new()
        );
        assert_eq!(
            Scope::join(&[Scope::CodesRedeem, Scope::MembersRead]),
            "codes:redeem members:read"
        );
    }

    #[test]
    fn names_and_rates_are_checked() {
        assert_eq!(key_name("  Till 1 "), Ok("Till 1".to_owned()));
        assert_eq!(key_name(""), Err(Msg::ApiKeyName));
        assert_eq!(key_name(&"x".repeat(81)), Err(Msg::ApiKeyName));
        assert_eq!(rate_per_minute(""), Ok(DEFAULT_RATE));
        assert_eq!(rate_per_minute("60"), Ok(60));
        assert_eq!(rate_per_minute("0"), Err(Msg::ApiKeyRate));
        assert_eq!(rate_per_minute("lots"), Err(Msg::ApiKeyRate));
    }
}
