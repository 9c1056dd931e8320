//! The program at work, on the server: the program's side of a purchase (the counter's
//! view of the member, recording the purchase and the points it earns, tier upgrades) and of a
//! refund (proportional reversal, shortfall recorded, tier decided again), a member's
//! standing, and the expiry and tier-review steps of the background sweep. Perks and rewards
//! are not called from here: [`crate::checkout`] calls each domain in turn. Every function
//! takes the time as a value, so tests move time instead of waiting for it.

use sqlx::SqliteConnection;

use super::{
    db::{
        self, Actor, AppendError, NewMovement,
        program::{
            self as pdb, NewPurchase, TierChange, current_tier, earned_in_period, expiry_of,
        },
    },
    rules::{self, BonusRule, Earning, Settings, Tier},
    types::{MovementKind, PointsSummary, Purchase},
};
use crate::{
    db::{Day, Db, Stamp, local_day},
    error::{AppError, Msg},
};

/// After points were earned (`earned` in the period, these included): moves the member up if
/// they reached a higher tier (recording why), and starts their tier record on their first
/// purchase. `record` is their tier record as it was. Returns the new tier's name.
pub async fn on_earned(
    conn: &mut SqliteConnection,
    member_id: i64,
    record: Option<Option<i64>>,
    earned: i64,
    settings: &Settings,
    tiers: &[Tier],
    now: Stamp,
) -> Result<Option<String>, sqlx::Error> {
    let at = now;
    let review = now.plus_months(i64::from(settings.qualification_months));
    let (from, to) = match record {
        None => {
            let base = rules::supported(tiers, 0).map(|t| t.id);
            let to = rules::after_earning(tiers, base, earned);
            pdb::set_member_tier(conn, member_id, to, review, at).await?;
            (base, to)
        }
        Some(from) => {
            let to = rules::after_earning(tiers, from, earned);
            if to != from {
                pdb::set_member_tier(conn, member_id, to, review, at).await?;
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
            at,
        },
    )
    .await?;
    Ok(tiers
        .iter()
        .find(|t| Some(t.id) == to)
        .map(|t| t.name.clone()))
}

/// A sale as the counter records it, before perks.
#[derive(Debug, Clone, Copy)]
pub struct Sale<'a> {
    /// The member.
    pub member_id: i64,
    /// Minor units, before any discount.
    pub amount_minor: i64,
    /// The currency; must be the shop's.
    pub currency: crate::loyalty::rules::Currency,
    /// Receipt reference.
    pub receipt: Option<&'a str>,
    /// Location.
    pub location_id: i64,
    /// Full price (not discounted).
    pub full_price: bool,
    /// Who records it: staff at the counter, or a till with an API key.
    pub by: Actor,
    /// The movement's unique key.
    pub key: &'a str,
}

/// The program as it stands for one sale, read once: settings, location, tiers, the bonus
/// rules that apply today here, the member's tier record and the points they earned in the
/// period before this purchase.
#[derive(Debug)]
pub struct Counter {
    /// Program settings.
    pub settings: Settings,
    /// The location's name.
    pub location: String,
    /// Tiers.
    pub tiers: Vec<Tier>,
    /// Bonus rules that apply to this sale.
    pub bonuses: Vec<BonusRule>,
    /// The member's tier record (`None`: none yet).
    pub record: Option<Option<i64>>,
    /// Points earned in the period before this purchase.
    pub earned_before: i64,
    /// The member's tier now.
    pub tier: Option<i64>,
    /// The shop's calendar day (`YYYY-MM-DD`).
    pub day: Day,
}

/// Checks the sale against the program (currency, location) and reads what it needs.
pub async fn counter(
    conn: &mut SqliteConnection,
    sale: &Sale<'_>,
    now: Stamp,
) -> Result<Counter, AppError> {
    let settings = pdb::settings(conn).await?;
    if sale.currency != settings.currency {
        return Err(AppError::field("currency", Msg::CurrencyMismatch));
    }
    let Some(location) = pdb::location_name(conn, sale.location_id).await? else {
        return Err(AppError::field("location_id", Msg::LocationRequired));
    };
    let tiers = pdb::tiers(conn).await?;
    let record = pdb::member_tier(conn, sale.member_id)
        .await?
        .map(|(t, _)| t);
    let earned_before =
        earned_in_period(conn, sale.member_id, settings.qualification_months, now).await?;
    let tier = match record {
        Some(tier) => tier,
        None => rules::supported(&tiers, earned_before).map(|t| t.id),
    };
    // Bonus days follow the shop's calendar.
    let (day, weekday) = local_day(&settings.time_zone, now);
    let date = day.to_string();
    let bonuses = pdb::bonus_rules(conn)
        .await?
        .into_iter()
        .filter(|r| r.applies(&date, weekday, sale.location_id))
        .collect();
    Ok(Counter {
        settings,
        location,
        tiers,
        bonuses,
        record,
        earned_before,
        tier,
        day,
    })
}

/// What perks changed about a sale before its points are worked out.
#[derive(Debug, Default)]
pub struct Discount {
    /// Minor units off.
    pub minor: i64,
    /// The offer used.
    pub offer_id: Option<i64>,
    /// The coupon used.
    pub coupon_id: Option<i64>,
    /// A points offer, as one more bonus (the highest multiplier applies).
    pub bonus: Option<BonusRule>,
}

/// A recorded purchase and its points.
#[derive(Debug)]
pub struct Recorded {
    /// The purchase as stored.
    pub purchase: Purchase,
    /// How its points were worked out.
    pub earning: Earning,
    /// The balance after its points (`None`: it earned none).
    pub balance: Option<i64>,
}

/// Records the purchase and appends the points it earns on what the member paid. Run inside
/// a write transaction.
pub async fn record(
    conn: &mut SqliteConnection,
    c: &Counter,
    sale: &Sale<'_>,
    discount: &Discount,
    now: Stamp,
) -> Result<Recorded, AppError> {
    let tier_pct = c
        .tiers
        .iter()
        .find(|t| Some(t.id) == c.tier)
        .map_or(100, |t| t.multiplier_pct);
    let at = now;
    let paid = sale.amount_minor - discount.minor;
    let applying: Vec<&BonusRule> = c.bonuses.iter().chain(&discount.bonus).collect();
    let earning = rules::earn(&c.settings, paid, tier_pct, &applying);
    let purchase_id = pdb::insert_purchase(
        conn,
        &NewPurchase {
            member_id: sale.member_id,
            amount_minor: paid,
            discount_minor: discount.minor,
            offer_id: discount.offer_id,
            coupon_id: discount.coupon_id,
            currency: sale.currency,
            receipt: sale.receipt,
            location_id: sale.location_id,
            full_price: sale.full_price,
            points: earning.total,
            by: sale.by,
            at,
        },
    )
    .await?;
    let mut balance = None;
    if earning.total > 0 {
        let new = NewMovement {
            location_id: Some(sale.location_id),
            purchase_id: Some(purchase_id),
            expires_at: expiry_of(&c.settings, now),
            ..NewMovement::plain(
                sale.member_id,
                earning.total,
                MovementKind::Earn,
                sale.receipt.unwrap_or(""),
                sale.by,
                sale.key,
                at,
            )
        };
        let (_, after) = db::append_only(conn, &new).await?;
        balance = Some(after);
    }
    Ok(Recorded {
        purchase: Purchase {
            id: purchase_id,
            member_id: sale.member_id,
            amount_minor: paid,
            discount_minor: discount.minor,
            currency: sale.currency,
            receipt: sale.receipt.map(str::to_owned),
            location_id: sale.location_id,
            location: c.location.clone(),
            full_price: sale.full_price,
            points: earning.total,
            refunded_minor: 0,
            points_refunded: 0,
            shortfall: 0,
            created_at: at.to_string(),
        },
        earning,
        balance,
    })
}

/// A member's standing at `now`.
pub async fn standing(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
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
