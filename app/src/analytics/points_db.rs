//! The points economy's queries: each a range of a roll-up's key.

use sqlx::SqliteConnection;

use super::{
    cohorts::{db::month_range, month_index, month_of},
    points::{Economy, ExpiryMonth, PointMonth, RewardUse, VALUE_OF_100},
};
use crate::{
    db::{Stamp, days},
    error::{AppError, Msg},
};

/// The value field: blank is the default; otherwise an amount up to 10,000.00.
fn value_field(value: Option<&str>) -> Result<i64, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(VALUE_OF_100),
        Some(v) => crate::loyalty::rules::parse_amount(v)
            .ok()
            .filter(|m| (0..=1_000_000).contains(m))
            .ok_or_else(|| AppError::field("value_of_100", Msg::AmountInvalid)),
    }
}

/// Open points that expire from today (UTC) to `until` (a day).
async fn expiring(conn: &mut SqliteConnection, today: &str, until: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce(sum(points), 0) FROM lot_expiry_days WHERE day BETWEEN $1 AND $2",
    )
    .bind(today)
    .bind(until)
    .fetch_one(&mut *conn)
    .await?)
}

fn day(at: Stamp) -> String {
    at.to_string().chars().take(10).collect()
}

pub async fn economy(
    conn: &mut SqliteConnection,
    now: Stamp,
    from: Option<&str>,
    to: Option<&str>,
    value_of_100: Option<&str>,
) -> Result<Economy, AppError> {
    let value_of_100 = value_field(value_of_100)?;
    let (from, to, _) = month_range(&mut *conn, now, from, to).await?;
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    let outstanding: i64 =
        sqlx::query_scalar("SELECT coalesce(sum(credit - debit), 0) FROM point_months")
            .fetch_one(&mut *conn)
            .await?;
    let today = day(now);
    let expiring_30 = expiring(&mut *conn, &today, &day(now + days(30))).await?;
    let expiring_90 = expiring(&mut *conn, &today, &day(now + days(90))).await?;
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT month, kind, credit, debit FROM point_months WHERE month BETWEEN $1 AND $2",
    )
    .bind(&from)
    .bind(&to)
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
    .bind(&today)
    .fetch_all(&mut *conn)
    .await?;
    let rewards: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT r.name, sum(m.codes), sum(m.points), sum(m.used)
         FROM reward_months m JOIN rewards r ON r.id = m.reward_id
         WHERE m.month BETWEEN $1 AND $2
         GROUP BY r.id ORDER BY 2 DESC, r.name",
    )
    .bind(&from)
    .bind(&to)
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
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_value_of_a_hundred_points_is_an_amount() {
        assert_eq!(super::value_field(None), Ok(super::VALUE_OF_100));
        assert_eq!(super::value_field(Some("0,35")), Ok(35));
        assert_eq!(super::value_field(Some(" 2 ")), Ok(200));
        for bad in ["-1", "1.234", "lots", "10000.01"] {
            assert!(super::value_field(Some(bad)).is_err(), "{bad}");
        }
    }
}
