//! The points economy's queries: each a range of a roll-up's key.

use sqlx::SqliteConnection;

use super::{
    cohorts::{db::month_range, month_index, month_of},
    points::{Economy, ExpiryMonth, PointMonth, RewardUse},
};
use crate::{
    db::{Stamp, days},
    error::AppError,
};

/// Open points that expire from `now`'s day to `within` days later (UTC days, as lots
/// expire at midnight UTC): the points economy's and the console home's "expiring soon".
pub async fn expiring_within(
    conn: &mut SqliteConnection,
    now: Stamp,
    within: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(points), 0) FROM lot_expiry_days WHERE day BETWEEN $1 AND $2",
    )
    .bind(now.utc_day())
    .bind((now + days(within)).utc_day())
    .fetch_one(&mut *conn)
    .await
}

pub async fn economy(
    conn: &mut SqliteConnection,
    now: Stamp,
    from: Option<&str>,
    to: Option<&str>,
    value_of_100: Option<&str>,
    location: Option<&str>,
) -> Result<Economy, AppError> {
    let (locations, location) = super::glance::db::chosen_location(&mut *conn, location).await?;
    let (_, saved) = super::settings::db::saved(&mut *conn).await?;
    let value_of_100 = super::settings::db::value_field(value_of_100, saved)?;
    let (from, to, _) = month_range(&mut *conn, now, from, to).await?;
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    let outstanding: i64 =
        sqlx::query_scalar("SELECT coalesce(sum(credit - debit), 0) FROM point_months")
            .fetch_one(&mut *conn)
            .await?;
    let expiring_30 = expiring_within(&mut *conn, now, 30).await?;
    let expiring_90 = expiring_within(&mut *conn, now, 90).await?;
    // The whole shop's roll-up, or a location's movements and the points of the codes used
    // there as its redemptions (`$3`: the location; the shop's query ignores it).
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(match location {
        None => {
            "SELECT month, kind, credit, debit FROM point_months
                 WHERE month BETWEEN $1 AND $2 AND $3 IS NULL"
        }
        Some(_) => {
            "SELECT month, kind, credit, debit FROM point_location_months
             WHERE location_id = $3 AND month BETWEEN $1 AND $2
             UNION ALL
             SELECT month, 'redeem', 0, sum(points) FROM reward_location_months
             WHERE location_id = $3 AND month BETWEEN $1 AND $2 GROUP BY month"
        }
    })
    .bind(&from)
    .bind(&to)
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    let first = month_index(&from).unwrap_or_default();
    let mut months: Vec<PointMonth> = (first..=month_index(&to).unwrap_or_default())
        .map(|i| PointMonth {
            month: month_of(i),
            ..PointMonth::default()
        })
        .collect();
    for (month, kind, credit, debit) in rows {
        let i = month_index(&month).unwrap_or_default() - first;
        if let Some(m) = usize::try_from(i).ok().and_then(|i| months.get_mut(i)) {
            m.add(&kind, credit, debit);
        }
    }
    let expiring: Vec<(String, i64)> = sqlx::query_as(
        "SELECT substr(day, 1, 7), sum(points) FROM lot_expiry_days WHERE day >= $1
         GROUP BY 1 ORDER BY 1 LIMIT 13",
    )
    .bind(now.utc_day())
    .fetch_all(&mut *conn)
    .await?;
    let rewards: Vec<(String, Option<i64>, i64, i64)> = sqlx::query_as(match location {
        None => {
            "SELECT r.name, sum(m.codes), sum(m.points), sum(m.used)
             FROM reward_months m JOIN rewards r ON r.id = m.reward_id
             WHERE m.month BETWEEN $1 AND $2 AND $3 IS NULL
             GROUP BY r.id ORDER BY 2 DESC, r.name"
        }
        Some(_) => {
            "SELECT r.name, NULL, sum(m.points), sum(m.used)
             FROM reward_location_months m JOIN rewards r ON r.id = m.reward_id
             WHERE m.location_id = $3 AND m.month BETWEEN $1 AND $2
             GROUP BY r.id ORDER BY 4 DESC, r.name"
        }
    })
    .bind(&from)
    .bind(&to)
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Economy {
        currency,
        outstanding,
        value_of_100,
        expiring_30,
        expiring_90,
        from,
        to,
        months,
        expiring: expiring
            .into_iter()
            .map(|(month, points)| ExpiryMonth { month, points })
            .collect(),
        rewards: rewards
            .into_iter()
            .map(|(name, codes, points, used)| RewardUse {
                name,
                codes,
                points,
                used,
            })
            .collect(),
        location,
        locations,
    })
}
