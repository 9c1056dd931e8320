//! The program at work, on the server: recording a purchase (points per the rules, tier
//! upgrades), refunding one (proportional reversal, shortfall recorded), a member's standing,
//! and the sweeper that expires points and reviews tiers. Every function takes the time as a
//! value, so tests move time instead of waiting for it.

use sqlx::SqliteConnection;
use time::OffsetDateTime;

use super::{
    db::{
        self, Actor, AppendError, NewMovement,
        program::{self as pdb, NewPurchase, TierChange},
    },
    rules::{self, Settings, Tier},
    types::{MovementKind, PointsSummary, Purchase, PurchaseReceipt},
};
use crate::{
    db::{Db, add_months, local_day, parse_timestamp, sub_months, timestamp},
    error::{AppError, Msg},
    perks::{engine as perks, types::OfferKind},
};

/// When a credit earned at `now` expires under `settings`.
pub fn expiry_of(settings: &Settings, now: OffsetDateTime) -> Option<String> {
    settings
        .expiry_months
        .map(|m| timestamp(add_months(now, m)))
}

/// Points earned by purchases within the qualification period ending at `end`.
async fn earned_in_period(
    conn: &mut SqliteConnection,
    member_id: i64,
    months: u32,
    end: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    pdb::earned_between(
        conn,
        member_id,
        &timestamp(sub_months(end, months)),
        &timestamp(end),
    )
    .await
}

/// The member's tier now (a member without a tier record is in the tier their points
/// support) and the points they earned in the current period.
pub async fn current_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
    settings: &Settings,
    tiers: &[Tier],
    now: OffsetDateTime,
) -> Result<(Option<i64>, i64), sqlx::Error> {
    let earned = earned_in_period(conn, member_id, settings.qualification_months, now).await?;
    let tier = match pdb::member_tier(conn, member_id).await? {
        Some((tier, _)) => tier,
        None => rules::supported(tiers, earned).map(|t| t.id),
    };
    Ok((tier, earned))
}

/// After points were earned (`earned` in the period, these included): moves the member up if
/// they reached a higher tier (recording why), and starts their tier record on their first
/// purchase. `record` is their tier record as it was. Returns the new tier's name.
async fn on_earned(
    conn: &mut SqliteConnection,
    member_id: i64,
    record: Option<Option<i64>>,
    earned: i64,
    settings: &Settings,
    tiers: &[Tier],
    now: OffsetDateTime,
) -> Result<Option<String>, sqlx::Error> {
    let at = timestamp(now);
    let review = timestamp(add_months(now, settings.qualification_months));
    let (from, to) = match record {
        None => {
            let base = rules::supported(tiers, 0).map(|t| t.id);
            let to = rules::after_earning(tiers, base, earned);
            pdb::set_member_tier(conn, member_id, to, &review, &at).await?;
            (base, to)
        }
        Some(from) => {
            let to = rules::after_earning(tiers, from, earned);
            if to != from {
                pdb::set_member_tier(conn, member_id, to, &review, &at).await?;
            }
            (from, to)
        }
    };
    if to == from {
        return Ok(None);
    }
    pdb::insert_tier_change(
        conn,
        &TierChange {
            member_id,
            from,
            to,
            reason: "upgrade",
            earned,
            at: &at,
        },
    )
    .await?;
    Ok(tiers
        .iter()
        .find(|t| Some(t.id) == to)
        .map(|t| t.name.clone()))
}

/// A purchase as the counter records it.
#[derive(Debug)]
pub struct PurchaseInput<'a> {
    /// The member.
    pub member_id: i64,
    /// Minor units.
    pub amount_minor: i64,
    /// Currency code as sent; must be the shop's.
    pub currency: &'a str,
    /// Receipt reference.
    pub receipt: Option<&'a str>,
    /// Location.
    pub location_id: i64,
    /// Full price (not discounted).
    pub full_price: bool,
    /// An offer or next-visit discount to apply.
    pub apply: crate::perks::engine::Apply,
    /// Items bought, for punch cards that stamp per item.
    pub items: i64,
    /// Staff member recording it.
    pub staff_id: i64,
    /// The movement's unique key.
    pub key: &'a str,
}

/// Records a purchase and the points it earns. Run inside a write transaction.
pub async fn purchase(
    conn: &mut SqliteConnection,
    p: &PurchaseInput<'_>,
    now: OffsetDateTime,
) -> Result<PurchaseReceipt, AppError> {
    let settings = pdb::settings(conn).await?;
    if p.currency != settings.currency {
        return Err(AppError::field("currency", Msg::CurrencyMismatch));
    }
    let Some(location) = pdb::location_name(conn, p.location_id).await? else {
        return Err(AppError::field("location_id", Msg::LocationRequired));
    };
    let tiers = pdb::tiers(conn).await?;
    let bonus_rules = pdb::bonus_rules(conn).await?;
    // Read once: the tier record and the points earned in the period before this purchase.
    let record = pdb::member_tier(conn, p.member_id).await?.map(|(t, _)| t);
    let earned_before =
        earned_in_period(conn, p.member_id, settings.qualification_months, now).await?;
    let tier = match record {
        Some(tier) => tier,
        None => rules::supported(&tiers, earned_before).map(|t| t.id),
    };
    let tier_pct = tiers
        .iter()
        .find(|t| Some(t.id) == tier)
        .map_or(100, |t| t.multiplier_pct);
    let at = timestamp(now);
    // Bonus days follow the shop's calendar.
    let (day, weekday) = local_day(&settings.time_zone, now);
    let applying: Vec<_> = bonus_rules
        .iter()
        .filter(|r| r.applies(&day, weekday, p.location_id))
        .collect();
    let mut applying: Vec<&rules::BonusRule> = applying;
    // An offer or next-visit discount: the member pays less and earns on what they pay; a
    // points offer counts as one more bonus multiplier (the highest applies).
    let before = perks::before_purchase(
        conn,
        p.apply,
        p.member_id,
        tier,
        &day,
        p.amount_minor,
        p.full_price,
    )
    .await?;
    let paid = p.amount_minor - before.discount_minor;
    let offer_rule = before
        .offer
        .as_ref()
        .filter(|o| o.kind == OfferKind::Points)
        .map(|o| rules::BonusRule {
            id: 0,
            name: o.title.clone(),
            multiplier_pct: o.value,
            extra_points: 0,
            weekday: None,
            location_id: None,
            starts_on: None,
            ends_on: None,
            active: true,
        });
    applying.extend(offer_rule.as_ref());
    let earning = rules::earn(&settings, paid, tier_pct, &applying);
    let purchase_id = pdb::insert_purchase(
        conn,
        &NewPurchase {
            member_id: p.member_id,
            amount_minor: paid,
            discount_minor: before.discount_minor,
            offer_id: before.offer.as_ref().map(|o| o.id),
            coupon_id: before.coupon.as_ref().map(|c| c.id),
            currency: p.currency,
            receipt: p.receipt,
            location_id: p.location_id,
            full_price: p.full_price,
            points: earning.total,
            staff_id: p.staff_id,
            at: &at,
        },
    )
    .await?;
    let mut balance = None;
    if earning.total > 0 {
        let new = NewMovement {
            location_id: Some(p.location_id),
            purchase_id: Some(purchase_id),
            expires_at: expiry_of(&settings, now),
            ..NewMovement::plain(
                p.member_id,
                earning.total,
                MovementKind::Earn,
                p.receipt.unwrap_or(""),
                Actor::Staff(p.staff_id),
                p.key,
                &at,
            )
        };
        let (_, after) = db::append_only(conn, &new).await.map_err(append_error)?;
        balance = Some(after);
    }
    let perks = perks::after_purchase(
        conn,
        &before,
        p.member_id,
        purchase_id,
        paid,
        p.items,
        p.key,
        now,
    )
    .await?;
    let earned = earned_before + earning.total;
    let new_tier = on_earned(conn, p.member_id, record, earned, &settings, &tiers, now).await?;
    let balance = match balance {
        Some(b) if perks.referral_bonus == 0 => b,
        _ => db::balance(conn, p.member_id).await?,
    };
    Ok(PurchaseReceipt {
        purchase: Purchase {
            id: purchase_id,
            member_id: p.member_id,
            amount_minor: paid,
            discount_minor: before.discount_minor,
            currency: p.currency.to_owned(),
            receipt: p.receipt.map(str::to_owned),
            location_id: p.location_id,
            location,
            full_price: p.full_price,
            points: earning.total,
            refunded_minor: 0,
            points_refunded: 0,
            shortfall: 0,
            created_at: at.clone(),
        },
        earning,
        balance,
        new_tier,
        perks,
    })
}

/// The HTTP answer for a ledger refusal.
pub fn append_error(e: AppendError) -> AppError {
    match e {
        AppendError::Insufficient { .. } => AppError::field("points", Msg::InsufficientPoints),
        AppendError::Db(e) => e.into(),
    }
}

/// A member's standing at `now`.
pub async fn standing(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<PointsSummary, sqlx::Error> {
    let settings = pdb::settings(conn).await?;
    let tiers = pdb::tiers(conn).await?;
    let (tier, earned) = current_tier(conn, member_id, &settings, &tiers, now).await?;
    Ok(PointsSummary {
        member_id,
        member_number: rules::member_number(member_id),
        balance: db::balance(conn, member_id).await?,
        tier: tiers.iter().find(|t| Some(t.id) == tier).cloned(),
        earned,
        qualification_months: settings.qualification_months,
        next_tier: rules::next_tier(&tiers, tier, earned).map(|(t, n)| (t.clone(), n)),
        next_expiry: db::next_expiry(conn, member_id).await?,
        recent: db::recent(conn, member_id, 10).await?,
    })
}

mod refund;
mod sweep;

pub use refund::*;
pub use sweep::*;
