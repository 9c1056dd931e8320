//! Perks in the database. Everything that changes state runs inside the caller's write
//! transaction (on the write queue), so a check and the change it guards cannot interleave with
//! another request: an offer's total limit is also enforced by the `UPDATE … WHERE uses <
//! total_limit` itself, and a coupon is used by an `UPDATE … WHERE used_purchase_id IS NULL`.

use sqlx::SqliteConnection;

use super::types::{
    Applied, Audience, CounterPerks, Coupon, MemberOffer, MemberPerks, Offer, OfferKind,
    PerkSettings, PunchCard, PunchProgress, Referral, discount, stamp,
};
use crate::{
    db::{Day, Stamp, local_day},
    error::{AppError, Msg},
    loyalty::{
        db::program::expiry_of,
        db::{self as ldb, Actor, NewMovement, program as pdb},
        types::MovementKind,
    },
    rewards::db as rewards,
};

/// The next-visit discount rule and the referral bonus.
pub async fn settings(conn: &mut SqliteConnection) -> Result<PerkSettings, sqlx::Error> {
    let load = sqlx::query_as(
        "SELECT return_percent, return_min_purchase, return_days, return_min_next,
                referral_points, referral_min_purchase
         FROM perk_settings WHERE id = 1",
    )
    .fetch_one(conn);
    crate::db::cached(("perk_settings", 0), load).await
}

/// Replaces the rule and the bonus.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &PerkSettings,
    at: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE perk_settings SET return_percent = $1, return_min_purchase = $2, return_days = $3,
           return_min_next = $4, referral_points = $5, referral_min_purchase = $6, updated_at = $7
         WHERE id = 1",
    )
    .bind(s.return_percent)
    .bind(s.return_min_purchase)
    .bind(s.return_days)
    .bind(s.return_min_next)
    .bind(s.referral_points)
    .bind(s.referral_min_purchase)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- the counter ----

/// What a purchase asks to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// Nothing.
    Nothing,
    /// An offer.
    Offer(i64),
    /// A next-visit discount.
    Coupon(i64),
}

impl Apply {
    /// Parses the counter's choice: empty, `offer:ID` or `coupon:ID`.
    pub fn parse(raw: Option<&str>) -> Result<Self, AppError> {
        let raw = raw.map(str::trim).unwrap_or_default();
        if raw.is_empty() {
            return Ok(Self::Nothing);
        }
        let bad = || AppError::field("apply", Msg::OfferUnavailable);
        let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
        let id = id.parse().map_err(|_| bad())?;
        match kind {
            "offer" => Ok(Self::Offer(id)),
            "coupon" => Ok(Self::Coupon(id)),
            _ => Err(bad()),
        }
    }
}

/// The discount and offer a purchase gets before its points are worked out.
#[derive(Debug, Default)]
pub struct Before {
    /// Minor units off.
    pub discount_minor: i64,
    /// The offer used.
    pub offer: Option<Offer>,
    /// The coupon to tie to the purchase.
    pub coupon: Option<Coupon>,
}

/// Applies the counter's choice to a purchase of `amount_minor` (before the discount).
pub async fn before_purchase(
    conn: &mut SqliteConnection,
    apply: Apply,
    member_id: i64,
    tier: Option<i64>,
    today: Day,
    amount_minor: i64,
    full_price: bool,
) -> Result<Before, AppError> {
    Ok(match apply {
        Apply::Nothing => Before::default(),
        Apply::Offer(id) => {
            let (offer, off) = use_offer(conn, id, member_id, tier, today, amount_minor).await?;
            Before {
                discount_minor: off,
                offer: Some(offer),
                coupon: None,
            }
        }
        Apply::Coupon(id) => {
            let (coupon, off) =
                check_coupon(conn, id, member_id, today, amount_minor, full_price).await?;
            Before {
                discount_minor: off,
                offer: None,
                coupon: Some(coupon),
            }
        }
    })
}

/// What a recorded purchase sets off: the coupon tied to it, a next-visit discount earned,
/// stamps (and codes for full cards), and the referral bonus.
#[expect(clippy::too_many_arguments, reason = "one purchase's facts")]
pub async fn after_purchase(
    conn: &mut SqliteConnection,
    before: &Before,
    member_id: i64,
    purchase_id: i64,
    paid_minor: i64,
    items: i64,
    key: &str,
    now: Stamp,
) -> Result<Applied, AppError> {
    let at = now;
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let rule = settings(conn).await?;
    let mut applied = Applied {
        offer: before.offer.as_ref().map(|o| o.title.clone()),
        coupon_percent: before.coupon.as_ref().map(|c| c.percent),
        discount_minor: before.discount_minor,
        ..Applied::default()
    };
    if let Some(c) = &before.coupon {
        mark_coupon_used(conn, c.id, purchase_id, at).await?;
    }
    applied.coupon_issued = issue_coupon(
        conn,
        &rule,
        member_id,
        purchase_id,
        paid_minor,
        before.coupon.is_some(),
        (today, now, at, &program.time_zone),
    )
    .await?;
    stamp_cards(
        conn,
        member_id,
        purchase_id,
        paid_minor,
        items,
        now,
        &mut applied,
    )
    .await?;
    applied.referral_bonus = pay_referral(
        conn,
        &rule,
        (member_id, purchase_id),
        paid_minor,
        key,
        (now, at),
        expiry_of(&program, now),
    )
    .await?;
    Ok(applied)
}

/// Everything a member's home shows about perks.
pub async fn member_perks(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
    base_url: &str,
) -> Result<MemberPerks, AppError> {
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) = pdb::current_tier(conn, member_id, &program, &tiers, now).await?;
    let rule = settings(conn).await?;
    Ok(MemberPerks {
        offers: offers_for(conn, member_id, tier, today).await?,
        coupons: coupons_of(conn, member_id, today).await?,
        cards: progress_of(conn, member_id).await?,
        referral: referral_of(conn, member_id, rule.referral_points, base_url).await?,
        currency: program.currency,
    })
}

/// What the counter may apply for a member.
pub async fn counter_perks(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
) -> Result<CounterPerks, AppError> {
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) = pdb::current_tier(conn, member_id, &program, &tiers, now).await?;
    let mut coupons = coupons_of(conn, member_id, today).await?;
    coupons.retain(|c| c.used_at.is_none() && c.status != super::types::CouponStatus::Expired);
    Ok(CounterPerks {
        offers: offers_for(conn, member_id, tier, today).await?,
        coupons,
        item_cards: cards(conn, true)
            .await?
            .into_iter()
            .filter(|c| c.per_item)
            .collect(),
    })
}

mod cards;
mod coupons;
mod held;
mod offers;
mod referrals;
mod undo;

pub use cards::*;
pub use coupons::*;
pub use held::*;
pub use offers::*;
pub use referrals::*;
pub use undo::*;
