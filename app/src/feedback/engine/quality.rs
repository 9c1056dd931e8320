//! The quality numbers: NPS and CSAT by week, location and category; response and resolution
//! times; deadlines kept. Everything is counted in SQL: the page never loads the answers.

use super::*;
use crate::feedback::types::{csat_of, nps_of};

/// Per group: key, answers, NPS answers, promoters, detractors, CSAT answers, satisfied.
type Counts = (String, i64, i64, i64, i64, i64, i64);

/// The counting columns shared by every grouping (`f` is the feedback row).
const COUNTS: &str = "count(*), count(f.nps), count(*) FILTER (WHERE f.nps >= 9),
    count(*) FILTER (WHERE f.nps <= 6), count(f.csat), count(*) FILTER (WHERE f.csat >= 4)";

fn row((key, count, n, promoters, detractors, c, satisfied): Counts) -> WeekRow {
    WeekRow {
        key,
        nps: nps_of(promoters, detractors, n),
        csat: csat_of(satisfied, c),
        count,
    }
}

/// The quality numbers since `since` (UTC timestamp).
pub async fn quality(
    conn: &mut SqliteConnection,
    since: Stamp,
    now: Stamp,
) -> Result<Quality, sqlx::Error> {
    // Weeks run Monday to Sunday on the shop's calendar, not UTC's: the bounds of each week
    // are worked out here and the rows counted into them by the database.
    let zone = cases::shop_zone(conn).await?;
    let weeks = crate::db::local_weeks(&zone, since, now);
    let by_week = if weeks.is_empty() {
        Vec::new()
    } else {
        let values = (0..weeks.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let since_at = 3 * weeks.len() + 1;
        let sql = format!(
            "WITH weeks (week, starts, ends) AS (VALUES {values})
             SELECT w.week, {COUNTS} FROM feedback f
             JOIN weeks w ON f.created_at >= w.starts AND f.created_at < w.ends
             WHERE f.created_at >= ${since_at} GROUP BY w.week ORDER BY w.week"
        );
        let mut q = sqlx::query_as::<_, Counts>(&sql);
        for (week, starts, ends) in &weeks {
            q = q.bind(week).bind(starts).bind(ends);
        }
        q.bind(since).fetch_all(&mut *conn).await?
    };
    let grouped = |key: &str, join: &str| {
        format!(
            "SELECT {key}, {COUNTS} FROM feedback f {join} WHERE f.created_at >= $1
             GROUP BY {key} ORDER BY min(f.created_at), min(f.id)"
        )
    };
    let by_location: Vec<Counts> = sqlx::query_as(&grouped(
        "coalesce(l.name, '')",
        "LEFT JOIN locations l ON l.id = f.location_id",
    ))
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let by_category: Vec<Counts> = sqlx::query_as(&grouped("coalesce(f.category, '')", ""))
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
    let all: Counts = sqlx::query_as(&format!(
        "SELECT '', {COUNTS} FROM feedback f WHERE f.created_at >= $1"
    ))
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let (resolved, in_time): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE resolved_at <= due_at) FROM cases
         WHERE created_at >= $1 AND resolved_at IS NOT NULL",
    )
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let overdue: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE status != 'resolved' AND due_at < $1")
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
    let form_asks_csat: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM feedback_forms WHERE ask_csat)")
            .fetch_one(&mut *conn)
            .await?;
    let median_first_response_min = median_minutes(conn, "first_response_at", since).await?;
    let median_resolution_min = median_minutes(conn, "resolved_at", since).await?;
    let all = row(all);
    Ok(Quality {
        asks_csat: form_asks_csat || all.csat.is_some(),
        nps: all.nps,
        csat: all.csat,
        count: all.count,
        by_week: by_week.into_iter().map(row).collect(),
        by_location: by_location.into_iter().map(row).collect(),
        by_category: by_category.into_iter().map(row).collect(),
        median_first_response_min,
        median_resolution_min,
        resolved_in_time_pct: (resolved > 0).then(|| in_time * 100 / resolved),
        open_overdue: overdue,
    })
}

/// The median, in whole minutes, from a case's opening to `column` (`first_response_at` or
/// `resolved_at`) over cases opened since `since` that have it; for an even count the mean of
/// the middle two, rounded down. Picked by the database (`ORDER BY … LIMIT 2 OFFSET`).
async fn median_minutes(
    conn: &mut SqliteConnection,
    column: &str,
    since: Stamp,
) -> Result<Option<i64>, sqlx::Error> {
    let minutes = format!(
        "CAST(round((julianday({column}) - julianday(created_at)) * 86400) AS INTEGER) / 60"
    );
    let from = format!("FROM cases WHERE created_at >= $1 AND {column} IS NOT NULL");
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) {from}"))
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    let middle: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT {minutes} AS m {from} ORDER BY m LIMIT $2 OFFSET $3"
    ))
    .bind(since)
    .bind(if n % 2 == 0 { 2 } else { 1 })
    .bind((n - 1) / 2)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(middle.iter().sum::<i64>().div_euclid(
        i64::try_from(middle.len()).unwrap_or(1).max(1),
    )))
}
