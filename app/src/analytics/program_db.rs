//! Program effect's queries: a range of each roll-up's key, and members per tier by its index.

use sqlx::SqliteConnection;

use super::service::RETURN_DAYS;
use super::{
    cohorts::{db::month_range, month_index, month_of},
    program::{CouponMonth, Move, Program, TierCount, TierMonth, fold_moves},
};
use crate::{
    db::{Stamp, days, local_day},
    error::AppError,
};

pub async fn program(
    conn: &mut SqliteConnection,
    now: Stamp,
    from: Option<&str>,
    to: Option<&str>,
    location: Option<&str>,
) -> Result<Program, AppError> {
    let (locations, location) = super::glance::db::chosen_location(&mut *conn, location).await?;
    let (from, to, _) = month_range(&mut *conn, now, from, to).await?;
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    let named: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM tiers ORDER BY threshold")
        .fetch_all(&mut *conn)
        .await?;
    // The whole shop's members by the index on their tier (members without a tier row yet
    // count as no tier), or those who bought at the location from its roll-up.
    let counts: Vec<(i64, i64)> = sqlx::query_as(match location {
        None => {
            "SELECT coalesce(tier_id, 0), count(*) FROM member_tiers WHERE $1 IS NULL GROUP BY 1"
        }
        Some(_) => "SELECT tier_id, members FROM location_tiers WHERE location_id = $1",
    })
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    let members: i64 = match location {
        None => {
            sqlx::query_scalar("SELECT coalesce(sum(joined), 0) FROM cohorts")
                .fetch_one(&mut *conn)
                .await?
        }
        Some(_) => counts.iter().map(|(_, n)| n).sum(),
    };
    let count = |id: i64| counts.iter().find(|(t, _)| *t == id).map_or(0, |(_, n)| *n);
    let tiered: i64 = named.iter().map(|(id, _)| count(*id)).sum();
    let mut tiers = vec![TierCount {
        id: 0,
        name: String::new(),
        members: (members - tiered).max(0),
    }];
    tiers.extend(named.into_iter().map(|(id, name)| TierCount {
        members: count(id),
        id,
        name,
    }));
    let first = month_index(&from).unwrap_or_default();
    let last = month_index(&to).unwrap_or_default();
    let mut months: Vec<TierMonth> = (first..=last)
        .map(|i| TierMonth {
            month: month_of(i),
            ..TierMonth::default()
        })
        .collect();
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT month, from_tier, to_tier, members FROM tier_months WHERE month BETWEEN $1 AND $2",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<(i64, Move)> = rows
        .into_iter()
        .map(|(month, from, to, members)| {
            (
                month_index(&month).unwrap_or_default(),
                Move { from, to, members },
            )
        })
        .collect();
    let ranked: Vec<i64> = tiers.iter().map(|t| t.id).collect();
    let moves = fold_moves(&ranked, &mut months, first, &rows);
    // Discounts by the location of the purchase that gave them (the whole shop: all).
    let found: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT month, sum(issued), sum(voided), sum(used), sum(spend_minor), sum(refunded_minor)
         FROM coupon_months
         WHERE month BETWEEN $1 AND $2 AND ($3 IS NULL OR location_id = $3)
         GROUP BY month",
    )
    .bind(&from)
    .bind(&to)
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    let coupons = (first..=last)
        .map(|i| {
            let month = month_of(i);
            found
                .iter()
                .find(|r| r.0 == month)
                .map(|r| CouponMonth {
                    month: r.0.clone(),
                    issued: r.1,
                    voided: r.2,
                    used: r.3,
                    spend_minor: r.4,
                    refunded_minor: r.5,
                })
                .unwrap_or(CouponMonth {
                    month,
                    ..CouponMonth::default()
                })
        })
        .collect();
    let discount_on: bool = sqlx::query_scalar(
        "SELECT coalesce((SELECT return_percent IS NOT NULL FROM perk_settings WHERE id = 1), 0)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (held, returns_recent) = perk_returns(&mut *conn, now, &from, &to, location).await?;
    Ok(Program {
        returns: super::perk_returns::fold(&held),
        returns_recent,
        currency,
        from,
        to,
        tiers,
        months,
        moves,
        coupons,
        discount_on,
        location,
        locations,
    })
}

/// The `perk_returns` rows of months `from`..=`to` up to the shop day 30 days ago (of the
/// purchases at `location` if given), summed per combination of perks, and the purchases of
/// those months after that day (too recent to tell).
async fn perk_returns(
    conn: &mut SqliteConnection,
    now: Stamp,
    from: &str,
    to: &str,
    location: Option<i64>,
) -> Result<(Vec<(i64, i64, i64)>, i64), AppError> {
    let zone = crate::campaigns::db::shop_tz(&mut *conn).await?;
    let cutoff = local_day(&zone, now - days(RETURN_DAYS)).0.to_string();
    let (first, last) = (format!("{from}-01"), format!("{to}-31"));
    let held = sqlx::query_as(
        "SELECT perks, sum(visits), sum(returned) FROM perk_returns
         WHERE day BETWEEN $1 AND $2 AND day <= $3 AND ($4 IS NULL OR location_id = $4)
         GROUP BY perks",
    )
    .bind(&first)
    .bind(&last)
    .bind(&cutoff)
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    let recent = sqlx::query_scalar(
        "SELECT coalesce(sum(visits), 0) FROM perk_returns
         WHERE day BETWEEN $1 AND $2 AND day > $3 AND ($4 IS NULL OR location_id = $4)",
    )
    .bind(&first)
    .bind(&last)
    .bind(&cutoff)
    .bind(location)
    .fetch_one(&mut *conn)
    .await?;
    Ok((held, recent))
}
