//! Ledger types shared by browser and server.

use serde::{Deserialize, Serialize};

use super::rules::{Earning, Tier};
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
            // A range check, not `abs()`: `i64::MIN.abs()` overflows (a panic, not a 422).
            Ok(n) if n != 0 && (-MAX_POINTS..=MAX_POINTS).contains(&n) => Ok(Self(n)),
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
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
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
    /// Given back for a reward code that expired unused (where the reward says so).
    RewardReturn,
    /// Given to a new member and their referrer on the new member's first qualifying purchase.
    Referral,
}

impl MovementKind {
    const ALL: [MovementKind; 9] = [
        Self::Earn,
        Self::Redeem,
        Self::RefundReversal,
        Self::Expiry,
        Self::Adjustment,
        Self::Bonus,
        Self::Goodwill,
        Self::RewardReturn,
        Self::Referral,
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
            Self::RewardReturn => "reward_return",
            Self::Referral => "referral",
        }
    }

    /// Parses the database name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One ledger row.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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
    /// Where, if at a location.
    pub location: Option<String>,
    /// The purchase it belongs to, if any.
    pub purchase_id: Option<i64>,
    /// The member's balance right after this movement.
    pub balance_after: i64,
    /// When (UTC).
    pub created_at: String,
}

/// A member's standing: balance, tier and progress, next expiry, latest movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsSummary {
    /// The member.
    pub member_id: i64,
    /// The number on their card.
    pub member_number: String,
    /// Current balance.
    pub balance: i64,
    /// Current tier, if the program has tiers.
    pub tier: Option<Tier>,
    /// Points earned within the current qualification period.
    pub earned: i64,
    /// Length of the qualification period, months.
    pub qualification_months: u32,
    /// The next tier and the points still missing for it.
    pub next_tier: Option<(Tier, i64)>,
    /// The next expiry: points and the timestamp they expire at.
    pub next_expiry: Option<(i64, String)>,
    /// Newest first.
    pub recent: Vec<Movement>,
}

/// One page of a member's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistorySlice {
    /// Newest first.
    pub movements: Vec<Movement>,
    /// The cursor for the next (older) page, if there is one.
    pub older: Option<i64>,
}

/// A purchase recorded at the counter.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// Id.
    pub id: i64,
    /// The member.
    pub member_id: i64,
    /// Amount paid in minor units (after any discount).
    pub amount_minor: i64,
    /// Discount given by an offer or next-visit discount, minor units.
    pub discount_minor: i64,
    /// Currency.
    pub currency: crate::loyalty::rules::Currency,
    /// Receipt reference, if given.
    pub receipt: Option<String>,
    /// Location id.
    pub location_id: i64,
    /// Location name.
    pub location: String,
    /// Full-price (not discounted) purchase.
    pub full_price: bool,
    /// Points it earned.
    pub points: i64,
    /// Refunded so far, minor units.
    pub refunded_minor: i64,
    /// Points its refunds owed back so far.
    pub points_refunded: i64,
    /// Of those, points that could not be taken back (already spent).
    pub shortfall: i64,
    /// When (UTC).
    pub created_at: String,
}

/// What recording a purchase did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseReceipt {
    /// The purchase.
    pub purchase: Purchase,
    /// How its points were worked out.
    pub earning: Earning,
    /// The member's balance afterwards.
    pub balance: i64,
    /// The tier the member moved up to, if this purchase did that.
    pub new_tier: Option<String>,
    /// What offers, discounts, punch cards and referrals did.
    pub perks: crate::perks::types::Applied,
}

/// What a refund did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundReceipt {
    /// The refund's id.
    pub refund_id: i64,
    /// The purchase refunded.
    pub purchase_id: i64,
    /// Refunded amount, minor units.
    pub amount_minor: i64,
    /// Points the refund owed back.
    pub points_due: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Points that could not be taken back because the member had spent them.
    pub shortfall: i64,
    /// The member's balance afterwards.
    pub balance: i64,
    /// What else the refund undid: referral bonus, stamps, codes, discounts, offer use.
    pub undone: crate::perks::types::Undone,
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
        assert_eq!(
            Delta::parse("-9223372036854775808"),
            Err(Msg::PointsInvalid)
        );
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
