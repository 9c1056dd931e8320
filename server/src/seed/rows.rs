//! The rows a made-up history writes, with the ids the seeder gives them.

use app::db::Stamp;

/// Next ids to use (the seeder writes ids itself so rows can point at each other).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ids {
    pub purchase: i64,
    pub movement: i64,
    pub code: i64,
    pub feedback: i64,
    pub case: i64,
    pub coupon: i64,
}

pub struct Purchase {
    pub id: i64,
    pub member_id: i64,
    pub amount_minor: i64,
    pub location_id: i64,
    pub points: i64,
    /// The next-visit discount it used and what it took off.
    pub coupon: Option<(i64, i64)>,
    /// What the member held as they left (`purchases.perks_held`): made-up members hold
    /// next-visit discounts only.
    pub perks_held: i64,
    pub at: Stamp,
}

/// A next-visit discount, valid on shop days `valid_from..=valid_until`.
pub struct Coupon {
    pub id: i64,
    pub member_id: i64,
    pub percent: i64,
    pub valid_from: String,
    pub valid_until: String,
    pub min_purchase: i64,
    pub source_purchase_id: i64,
    /// The purchase that used it, and when.
    pub used: Option<(i64, Stamp)>,
    pub at: Stamp,
}

pub struct Movement {
    pub id: i64,
    pub member_id: i64,
    pub amount: i64,
    pub kind: &'static str,
    pub reason: String,
    pub balance_after: i64,
    pub location_id: Option<i64>,
    pub purchase_id: Option<i64>,
    pub at: Stamp,
}

pub struct Lot {
    pub movement_id: i64,
    pub member_id: i64,
    pub remaining: i64,
    pub expires_at: Option<Stamp>,
}

pub struct Code {
    pub id: i64,
    pub reward_id: i64,
    pub member_id: i64,
    pub points: i64,
    pub movement_id: i64,
    pub issued_at: Stamp,
    pub expires_at: Stamp,
    /// Used when and where (codes that would have expired by now were used).
    pub used: Option<(Stamp, i64)>,
}

pub struct Feedback {
    pub id: i64,
    pub form_id: i64,
    pub member_id: i64,
    pub purchase_id: i64,
    pub location_id: i64,
    pub nps: i64,
    pub language: String,
    pub at: Stamp,
}

pub struct Case {
    pub id: i64,
    pub feedback_id: i64,
    pub member_id: i64,
    pub location_id: i64,
    pub due_at: Stamp,
    /// First response and resolution; `None`: still open.
    pub resolved: Option<(Stamp, Stamp)>,
    pub at: Stamp,
}

pub struct TierChange {
    pub member_id: i64,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub upgrade: bool,
    pub qualifying: i64,
    pub at: Stamp,
}

/// Everything a batch of histories writes.
#[derive(Default)]
pub struct Rows {
    pub purchases: Vec<Purchase>,
    pub movements: Vec<Movement>,
    pub lots: Vec<Lot>,
    pub codes: Vec<Code>,
    pub feedback: Vec<Feedback>,
    pub cases: Vec<Case>,
    pub coupons: Vec<Coupon>,
    pub tier_changes: Vec<TierChange>,
    /// (member, balance, as of).
    pub balances: Vec<(i64, i64, Stamp)>,
    /// (member, tier, next review, as of).
    pub tiers: Vec<(i64, Option<i64>, Stamp, Stamp)>,
}
