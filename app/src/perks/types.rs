//! Perks as plain data and pure rules: members-only offers, next-visit discounts (coupons),
//! punch cards and referrals. The discount and the coupon's terms are worked out here, with
//! numbers in the tests, so the counter, the portal and the server agree.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// What an offer gives.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A percentage off the purchase (value 1–90).
    Percent,
    /// A fixed amount off (value in minor units).
    Fixed,
    /// A points multiplier (value in percent: 200 = double points).
    Points,
    /// A free item, named in the title (value 0).
    Item,
}

impl OfferKind {
    /// Every kind, in the order the console lists them.
    pub const ALL: [Self; 4] = [Self::Percent, Self::Fixed, Self::Points, Self::Item];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Percent => "percent",
            Self::Fixed => "fixed",
            Self::Points => "points",
            Self::Item => "item",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who sees an offer.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every member.
    All,
    /// Members of the offer's tiers.
    Tiers,
    /// Members staff picked.
    Picked,
}

impl Audience {
    /// Every audience.
    pub const ALL: [Self; 3] = [Self::All, Self::Tiers, Self::Picked];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Tiers => "tiers",
            Self::Picked => "picked",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A members-only offer.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Id (0 for a new one).
    pub id: i64,
    /// Title ("10 % off coffee beans").
    pub title: String,
    /// Longer text, may be empty.
    pub description: String,
    /// First day (shop calendar, `YYYY-MM-DD`), if any.
    pub starts_on: Option<String>,
    /// Last day, if any.
    pub ends_on: Option<String>,
    /// Who sees it.
    pub audience: Audience,
    /// Tier ids, for [`Audience::Tiers`].
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub tiers: Vec<i64>,
    /// Member ids, for [`Audience::Picked`] (staff views only; empty for members).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub members: Vec<i64>,
    /// What it gives.
    pub kind: OfferKind,
    /// Percent, minor units or multiplier percent, by kind.
    pub value: i64,
    /// Uses per member, if limited.
    pub per_member_limit: Option<i64>,
    /// Uses in all, if limited.
    pub total_limit: Option<i64>,
    /// Uses so far.
    pub uses: i64,
    /// Offered at all.
    pub active: bool,
}

/// An offer as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOffer {
    /// The offer.
    pub offer: Offer,
    /// Times this member used it.
    pub used: i64,
    /// Why it cannot be used now, if it cannot.
    pub blocked: Option<Msg>,
}

/// Where a coupon stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    /// Valid from a later day.
    Upcoming,
    /// Can be used today.
    Usable,
    /// Used on a purchase.
    Used,
    /// Its last day has passed.
    Expired,
}

/// A next-visit discount a member holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    /// Id.
    pub id: i64,
    /// Percent off.
    pub percent: i64,
    /// First day (shop calendar).
    pub valid_from: String,
    /// Last day.
    pub valid_until: String,
    /// Least purchase on the return visit, minor units.
    pub min_purchase: i64,
    /// When it was used (UTC), if it was.
    pub used_at: Option<String>,
    /// Where it stands today.
    pub status: CouponStatus,
}

impl Coupon {
    /// Its status on `today` (shop calendar).
    pub fn status_on(used: bool, valid_from: &str, valid_until: &str, today: &str) -> CouponStatus {
        if used {
            CouponStatus::Used
        } else if today < valid_from {
            CouponStatus::Upcoming
        } else if today > valid_until {
            CouponStatus::Expired
        } else {
            CouponStatus::Usable
        }
    }

    /// Why it cannot be used on a purchase of `amount_minor` (full price or not), if it cannot.
    pub fn refusal(&self, amount_minor: i64, full_price: bool) -> Option<Msg> {
        match self.status {
            CouponStatus::Used => Some(Msg::CouponUsed),
            CouponStatus::Upcoming => Some(Msg::CouponNotYet),
            CouponStatus::Expired => Some(Msg::CouponExpired),
            CouponStatus::Usable if !full_price => Some(Msg::CouponFullPriceOnly),
            CouponStatus::Usable if amount_minor < self.min_purchase => {
                Some(Msg::CouponMinPurchase)
            }
            CouponStatus::Usable => None,
        }
    }
}

/// The next-visit discount rule and the referral bonus.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerkSettings {
    /// Percent off the next visit; `None`: no next-visit discount.
    pub return_percent: Option<i64>,
    /// Least purchase that earns one, minor units.
    pub return_min_purchase: i64,
    /// Days it stays valid, from the day after the purchase.
    pub return_days: i64,
    /// Least purchase on the return visit, minor units.
    pub return_min_next: i64,
    /// Points both members get for a referral; 0: no referral bonus.
    pub referral_points: i64,
    /// Least first purchase that pays the referral bonus, minor units.
    pub referral_min_purchase: i64,
}

/// The percentage the console suggests for a next-visit discount (more than 10 % is what
/// brings people back; less is rarely noticed).
pub const SUGGESTED_RETURN_PERCENT: i64 = 15;

/// A punch card program.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PunchCard {
    /// Id (0 for a new one).
    pub id: i64,
    /// Name ("Coffee card").
    pub name: String,
    /// Stamps that fill the card.
    pub stamps_needed: i64,
    /// The reward a full card gives.
    pub reward_id: i64,
    /// That reward's name.
    pub reward: String,
    /// A stamp per item (the counter says how many) rather than per purchase.
    pub per_item: bool,
    /// Least purchase that earns a stamp (per-purchase cards), minor units.
    pub min_amount: i64,
    /// Stamping at all.
    pub active: bool,
}

/// A member's place on a punch card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PunchProgress {
    /// The card.
    pub card: PunchCard,
    /// Stamps on the current card.
    pub stamps: i64,
    /// Cards filled so far.
    pub completed: i64,
}

/// Stamps to add and cards filled: `(stamps left on the new card, cards filled)`.
pub fn stamp(stamps: i64, adding: i64, needed: i64) -> (i64, i64) {
    let total = stamps + adding.max(0);
    let needed = needed.max(1);
    (total % needed, total / needed)
}

/// A member's referral standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// Their code to share.
    pub code: String,
    /// The sign-up link with their code.
    pub link: String,
    /// Members who joined with it.
    pub referred: i64,
    /// Of those, members whose first qualifying purchase paid the bonus.
    pub rewarded: i64,
    /// Who referred them, if anyone.
    pub referred_by: Option<String>,
    /// They may still say who referred them (no referrer and no purchase yet).
    pub can_enter: bool,
    /// The bonus each side gets (0: none).
    pub bonus: i64,
}

/// Everything a member's home shows about perks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPerks {
    /// Offers they can see.
    pub offers: Vec<MemberOffer>,
    /// Their next-visit discounts, newest first.
    pub coupons: Vec<Coupon>,
    /// Their punch cards.
    pub cards: Vec<PunchProgress>,
    /// Their referral code and counts.
    pub referral: Referral,
    /// The shop's currency (for amounts in terms).
    pub currency: crate::loyalty::rules::Currency,
}

/// What the counter may apply to a member's purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CounterPerks {
    /// Offers the member can see (with why one cannot be used).
    pub offers: Vec<MemberOffer>,
    /// Their unused next-visit discounts.
    pub coupons: Vec<Coupon>,
    /// Active punch cards that stamp per item.
    pub item_cards: Vec<PunchCard>,
}

/// What perks did on one purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Applied {
    /// The offer applied, by title.
    pub offer: Option<String>,
    /// The next-visit discount used, in percent.
    pub coupon_percent: Option<i64>,
    /// Discount given, minor units (the purchase's amount is after it).
    pub discount_minor: i64,
    /// A next-visit discount this purchase earned.
    pub coupon_issued: Option<Coupon>,
    /// Punch cards stamped: name, stamps on the card now, stamps needed.
    pub stamps: Vec<(String, i64, i64)>,
    /// Rewards issued by full cards, by name.
    pub codes: Vec<String>,
    /// Referral bonus paid to this member (and their referrer), points.
    pub referral_bonus: i64,
}

/// What a refund undid besides the purchase's own points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Undone {
    /// Referral points taken back from the member and their referrer together.
    pub referral_points: i64,
    /// Referral points that could not be taken back (already spent).
    pub referral_shortfall: i64,
    /// Stamps taken off punch cards.
    pub stamps: i64,
    /// Unused reward codes that a card the purchase filled had issued, now void.
    pub codes_voided: i64,
    /// The next-visit discount the purchase gave, now void.
    pub coupon_voided: bool,
    /// The offer use given back (a full refund): the offer's limits count it again.
    pub offer_returned: bool,
    /// The next-visit discount the purchase used, usable again (a full refund within its dates).
    pub coupon_returned: bool,
}

impl Undone {
    /// Whether it undid anything.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

/// Bits of `purchases.perks_held`: what a member held as they left a purchase (program effect
/// compares how often members with and without each come back).
pub mod held {
    /// A next-visit discount neither used nor past its last day.
    pub const DISCOUNT: i64 = 1;
    /// Stamps on an active punch card that is not full.
    pub const CARD: i64 = 2;
    /// A member-only offer they can use.
    pub const OFFER: i64 = 4;
}

/// Minor units an offer or coupon takes off `amount_minor`: percentages round down (the shop
/// never gives more than it says); a fixed amount is taken whole. `None` when it would leave
/// nothing to pay.
pub fn discount(kind: OfferKind, value: i64, amount_minor: i64) -> Option<i64> {
    let off = match kind {
        OfferKind::Percent => {
            i64::try_from(i128::from(amount_minor) * i128::from(value) / 100).unwrap_or(0)
        }
        OfferKind::Fixed => value,
        OfferKind::Points | OfferKind::Item => 0,
    };
    (off < amount_minor).then_some(off)
}

#[cfg(test)]
mod tests;
