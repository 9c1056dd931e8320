//! Retention at a glance from the roll-ups (see `glance`).

use sqlx::SqliteConnection;

use super::{Glance, MonthTotals};
use crate::{
    analytics::cohorts::{db::month_range, month_index, month_of},
    db::{Stamp, days},
    error::{AppError, Msg},
    loyalty::rules::Location,
};

/// Where the figures come from: the whole shop's roll-ups, or one location's (each query
/// binds the location as `$1`; the shop's ignore it).
struct Scope {
    members: &'static str,
    months: &'static str,
}

const SHOP: Scope = Scope {
    members: "member_stats WHERE $1 IS NULL",
    months: "month_totals WHERE $1 IS NULL",
};
const LOCATION: Scope = Scope {
    members: "member_locations WHERE location_id = $1",
    months: "location_months WHERE location_id = $1",
};

/// Members whose last purchase (there) is at or after `since` (an index range).
async fn active_since(
    conn: &mut SqliteConnection,
    scope: &Scope,
    location: Option<i64>,
    since: Stamp,
) -> Result<i64, AppError> {
    let sql = format!(
        "SELECT count(*) FROM {} AND last_purchase_at >= $2",
        scope.members
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(location)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?)
}

/// The `location` field: blank for the whole shop, else one of `locations`.
pub fn location_field(raw: Option<&str>, locations: &[Location]) -> Result<Option<i64>, AppError> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|id| locations.iter().any(|l| l.id == *id))
        .map(Some)
        .ok_or_else(|| AppError::field("location", Msg::LocationRequired))
}

/// The shop's locations and the `location` field read against them.
pub async fn chosen_location(
    conn: &mut SqliteConnection,
    raw: Option<&str>,
) -> Result<(Vec<Location>, Option<i64>), AppError> {
    let locations = crate::loyalty::db::program::locations(&mut *conn).await?;
    let location = location_field(raw, &locations)?;
    Ok((locations, location))
}

pub async fn glance(
    conn: &mut SqliteConnection,
    now: Stamp,
    from: Option<&str>,
    to: Option<&str>,
    churn_days: Option<&str>,
    location: Option<&str>,
) -> Result<Glance, AppError> {
    let (saved, _) = crate::analytics::settings::db::saved(&mut *conn).await?;
    let churn_days = crate::analytics::settings::db::churn_field(churn_days, saved)?;
    let (locations, location) = chosen_location(&mut *conn, location).await?;
    let (from, to, current) = month_range(&mut *conn, now, from, to).await?;
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    let scope = if location.is_some() { &LOCATION } else { &SHOP };
    let buyers: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", scope.members))
        .bind(location)
        .fetch_one(&mut *conn)
        .await?;
    let active_30 = active_since(&mut *conn, scope, location, now - days(30)).await?;
    let active_90 = active_since(&mut *conn, scope, location, now - days(90)).await?;
    let churned =
        buyers - active_since(&mut *conn, scope, location, now - days(churn_days)).await?;
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT month, members, repeat_members, purchases, spend_minor, refunded_minor
         FROM {} AND month BETWEEN $2 AND $3 ORDER BY month",
        scope.months
    ))
    .bind(location)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    // Sales without a member: one row a location and month, summed for the whole shop.
    let guests: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT month, sum(sales), sum(spend_minor), sum(refunded_minor) FROM guest_months
         WHERE ($1 IS NULL OR location_id = $1) AND month BETWEEN $2 AND $3
         GROUP BY month",
    )
    .bind(location)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let records_guests: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM guest_months WHERE $1 IS NULL OR location_id = $1)",
    )
    .bind(location)
    .fetch_one(&mut *conn)
    .await?;
    let (first, last) = (
        month_index(&from).unwrap_or_default(),
        month_index(&to).unwrap_or_default(),
    );
    let months = (first..=last)
        .map(|i| {
            let month = month_of(i);
            let mut m = rows
                .iter()
                .find(|r| r.0 == month)
                .map(|r| MonthTotals {
                    month: month.clone(),
                    members: r.1,
                    repeat_members: r.2,
                    purchases: r.3,
                    spend_minor: r.4,
                    refunded_minor: r.5,
                    ..MonthTotals::default()
                })
                .unwrap_or_default();
            if let Some(g) = guests.iter().find(|g| g.0 == month) {
                (m.guest_sales, m.guest_spend_minor, m.guest_refunded_minor) = (g.1, g.2, g.3);
            }
            MonthTotals { month, ..m }
        })
        .collect();
    Ok(Glance {
        currency,
        active_30,
        active_90,
        buyers,
        churned,
        churn_days,
        from,
        to,
        current,
        months,
        location,
        locations,
        records_guests,
    })
}
