//! The quality numbers: NPS and CSAT by week, location and category; response and resolution times; deadlines kept.

use super::*;

/// The quality numbers since `since` (UTC timestamp).
pub async fn quality(
    conn: &mut SqliteConnection,
    since: &str,
    now: OffsetDateTime,
) -> Result<Quality, sqlx::Error> {
    let rows: Vec<(
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT f.created_at, f.nps, f.csat, f.category, l.name
             FROM feedback f LEFT JOIN locations l ON l.id = f.location_id
             WHERE f.created_at >= ? ORDER BY f.created_at",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    // Weeks run Monday to Sunday on the shop's calendar, not UTC's.
    let zone = cases::shop_zone(conn).await?;
    let week_of = |at: &str| {
        parse_timestamp(at).map_or_else(String::new, |t| crate::db::local_week_start(&zone, t))
    };
    let mut groups: Vec<(String, String, Vec<i64>, Vec<i64>, i64)> = Vec::new();
    let mut add = |dim: &str, key: String, nps_v: Option<i64>, csat_v: Option<i64>| {
        let g = match groups.iter_mut().position(|g| g.0 == dim && g.1 == key) {
            Some(i) => &mut groups[i],
            None => {
                groups.push((dim.to_owned(), key, Vec::new(), Vec::new(), 0));
                groups.last_mut().expect("pushed")
            }
        };
        g.2.extend(nps_v);
        g.3.extend(csat_v);
        g.4 += 1;
    };
    for (at, n, c, category, location) in &rows {
        add("week", week_of(at), *n, *c);
        add("location", location.clone().unwrap_or_default(), *n, *c);
        add("category", category.clone().unwrap_or_default(), *n, *c);
    }
    let rows_of = |dim: &str| -> Vec<WeekRow> {
        groups
            .iter()
            .filter(|g| g.0 == dim)
            .map(|g| WeekRow {
                key: g.1.clone(),
                nps: nps(&g.2),
                csat: csat(&g.3),
                count: g.4,
            })
            .collect()
    };
    let cases: Vec<(String, Option<String>, Option<String>, String, String)> = sqlx::query_as(
        "SELECT created_at, first_response_at, resolved_at, due_at, status FROM cases
         WHERE created_at >= ?",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let minutes = |from: &str, to: &Option<String>| {
        let (a, b) = (parse_timestamp(from)?, parse_timestamp(to.as_deref()?)?);
        Some((b - a).whole_minutes())
    };
    let mut first: Vec<i64> = cases.iter().filter_map(|c| minutes(&c.0, &c.1)).collect();
    let mut resolve: Vec<i64> = cases.iter().filter_map(|c| minutes(&c.0, &c.2)).collect();
    let resolved: Vec<_> = cases.iter().filter(|c| c.2.is_some()).collect();
    let in_time = resolved
        .iter()
        .filter(|c| c.2.as_deref().is_some_and(|r| r <= c.3.as_str()))
        .count();
    let now_s = timestamp(now);
    let overdue: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE status != 'resolved' AND due_at < ?")
            .bind(&now_s)
            .fetch_one(&mut *conn)
            .await?;
    let all_nps: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let all_csat: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    let form_asks_csat: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM feedback_forms WHERE ask_csat = 1)")
            .fetch_one(&mut *conn)
            .await?;
    Ok(Quality {
        asks_csat: form_asks_csat || !all_csat.is_empty(),
        nps: nps(&all_nps),
        csat: csat(&all_csat),
        count: i64::try_from(rows.len()).unwrap_or(0),
        by_week: rows_of("week"),
        by_location: rows_of("location"),
        by_category: rows_of("category"),
        median_first_response_min: median(&mut first),
        median_resolution_min: median(&mut resolve),
        resolved_in_time_pct: (!resolved.is_empty())
            .then(|| i64::try_from(in_time * 100 / resolved.len()).unwrap_or(0)),
        open_overdue: overdue,
    })
}
