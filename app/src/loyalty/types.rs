//! Ledger types shared by browser and server.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// A positive number of points, as entered for a redemption (1 to 10 million).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points(i64);

/// The largest single movement accepted: bounds typing mistakes, not shops.
pub const MAX_POINTS: i64 = 10_000_000;

impl Points {
    /// Parses a whole, positive number of points.
    pub fn parse(raw: &str) -> Result<Self, Msg> {
        match raw.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_POINTS).contains(&n) => Ok(Self(n)),
            _ => Err(Msg::PointsInvalid),
        }
    }

    /// The number.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// A signed, non-zero change of points, as entered for a manual adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta(i64);

impl Delta {
    /// Parses `+25`, `25` or `-25` (not zero).
    pub fn parse(raw: &str) -> Result<Self, Msg> {
        let s = raw.trim();
        let s = s.strip_prefix('+').unwrap_or(s);
        match s.parse::<i64>() {
            Ok(n) if n != 0 && n.abs() <= MAX_POINTS => Ok(Self(n)),
            _ => Err(Msg::PointsInvalid),
        }
    }

    /// The signed number.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// Why points moved: a short text a person wrote (1–200 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason(String);

impl Reason {
    /// Parses a reason; it is mandatory where it is asked for.
    pub fn parse(raw: &str) -> Result<Self, Msg> {
        let s: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
        match s.chars().count() {
            0 => Err(Msg::ReasonRequired),
            n if n > 200 => Err(Msg::ReasonTooLong),
            _ => Ok(Self(s)),
        }
    }

    /// No reason, where one is optional.
    pub fn none() -> Self {
        Self(String::new())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client-chosen key that makes a state-changing call safe to retry: 8–100 characters of
/// letters, digits and `-_.:` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key.
    pub fn parse(raw: &str) -> Result<Self, Msg> {
        let ok = (8..=100).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Msg::IdempotencyKeyInvalid)
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What kind of movement a ledger row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Earned on a purchase.
    Earn,
    /// Spent.
    Redeem,
    /// Taken back because a purchase was refunded.
    RefundReversal,
    /// Left the balance unused at the end of its lifetime.
    Expiry,
    /// Corrected by a manager, with a reason.
    Adjustment,
    /// Given by a rule or campaign.
    Bonus,
    /// Given to make up for a problem.
    Goodwill,
}

impl MovementKind {
    const ALL: [MovementKind; 7] = [
        Self::Earn,
        Self::Redeem,
        Self::RefundReversal,
        Self::Expiry,
        Self::Adjustment,
        Self::Bonus,
        Self::Goodwill,
    ];

    /// The database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Earn => "earn",
            Self::Redeem => "redeem",
            Self::RefundReversal => "refund_reversal",
            Self::Expiry => "expiry",
            Self::Adjustment => "adjustment",
            Self::Bonus => "bonus",
            Self::Goodwill => "goodwill",
        }
    }

    /// Parses the database name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// Row id (also the order of movements).
    pub id: i64,
    /// The member whose points moved.
    pub member_id: i64,
    /// Signed amount.
    pub amount: i64,
    /// Kind.
    pub kind: MovementKind,
    /// Why.
    pub reason: String,
    /// The member's balance right after this movement.
    pub balance_after: i64,
    /// When (UTC).
    pub created_at: String,
}

/// A member's balance and latest movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsSummary {
    /// The member.
    pub member_id: i64,
    /// Current balance.
    pub balance: i64,
    /// Newest first.
    pub recent: Vec<Movement>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_whole_positive_and_bounded() {
        assert_eq!(Points::parse(" 150 ").map(Points::get), Ok(150));
        for bad in ["0", "-5", "1.5", "", "abc", "10000001"] {
            assert_eq!(Points::parse(bad), Err(Msg::PointsInvalid), "{bad:?}");
        }
    }

    #[test]
    fn deltas_are_signed_and_never_zero() {
        assert_eq!(Delta::parse("+25").map(Delta::get), Ok(25));
        assert_eq!(Delta::parse("-25").map(Delta::get), Ok(-25));
        assert_eq!(Delta::parse("0"), Err(Msg::PointsInvalid));
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(Reason::parse("  "), Err(Msg::ReasonRequired));
        assert_eq!(Reason::parse(&"x".repeat(201)), Err(Msg::ReasonTooLong));
        assert_eq!(
            Reason::parse(" Broken cup ").map(|r| r.as_str().to_owned()),
            Ok("Broken cup".into())
        );
    }

    #[test]
    fn idempotency_keys_fit_a_uuid_and_refuse_odd_characters() {
        assert!(IdempotencyKey::parse("0b9f0c1e-5d7a-4c1b-9d2e-6f1a2b3c4d5e").is_ok());
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("has space in it").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in MovementKind::ALL {
            assert_eq!(MovementKind::parse(k.as_str()), Some(k));
        }
    }
}
