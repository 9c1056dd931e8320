//! Cohorts: members by the month they joined (in the shop's time), and how many of each
//! cohort bought in each month since — from the `cohorts` and `cohort_months` roll-ups, so a
//! page reads a few hundred rows whatever the size of the ledger. At one location a cohort is
//! its members who have bought there, and a month counts those who bought there
//! (`location_cohorts`, `location_cohort_months`).

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use leptos::prelude::*;

/// One join month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRow {
    /// `YYYY-MM`.
    pub cohort: String,
    /// Members who joined that month.
    pub joined: i64,
    /// Members of the cohort who bought in the month of joining (0), the next (1), …, up to
    /// the current month.
    pub buying: Vec<i64>,
}

/// The cohorts that joined from `from` to `to` (months, inclusive), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohorts {
    pub from: String,
    pub to: String,
    /// The shop's current month.
    pub current: String,
    pub rows: Vec<CohortRow>,
    /// The location the figures are for (`None`: the whole shop), and the shop's locations.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

impl CohortRow {
    /// Share of the cohort buying in month `k` since joining, in whole percent (rounded half
    /// up), or `None` for an empty cohort.
    pub fn share(&self, k: usize) -> Option<i64> {
        percent(*self.buying.get(k)?, self.joined)
    }
}

/// `n / d` in whole percent, rounded half up; `None` when `d` is zero.
pub fn percent(n: i64, d: i64) -> Option<i64> {
    (d > 0).then(|| (n * 200 + d) / (2 * d))
}

/// `YYYY-MM` as a month count, or `None`.
pub fn month_index(month: &str) -> Option<i64> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

/// The month `index` counts, as `YYYY-MM`.
pub fn month_of(index: i64) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The table as CSV: one line per cohort and month since joining (`cohort,joined,month,
/// months_since_joining,members_buying,share_percent`).
pub fn csv(c: &Cohorts) -> String {
    let mut out =
        String::from("cohort,joined,month,months_since_joining,members_buying,share_percent\n");
    for row in &c.rows {
        let start = month_index(&row.cohort).unwrap_or_default();
        for (k, n) in row.buying.iter().enumerate() {
            let share = row.share(k).map(|s| s.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{k},{n},{share}\n",
                row.cohort,
                row.joined,
                month_of(start + k as i64)
            ));
        }
    }
    out
}

/// The cohorts table (managers and owners): `from` and `to` are months (`YYYY-MM`); by
/// default the twelve months up to the current one; `location` blank for the whole shop.
#[server(prefix = "/api", endpoint = "analytics/cohorts")]
pub async fn analytics_cohorts(
    from: Option<String>,
    to: Option<String>,
    location: Option<String>,
) -> Result<Cohorts, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let now = st.clock.now();
    db::cohorts(
        &mut conn,
        now,
        from.as_deref(),
        to.as_deref(),
        location.as_deref(),
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod db {
    use sqlx::SqliteConnection;

    use super::{CohortRow, Cohorts, month_index, month_of};
    use crate::{
        db::Stamp,
        error::{AppError, Msg},
    };

    /// A month field: blank is `default`; otherwise `YYYY-MM`.
    fn month_field(field: &str, value: Option<&str>, default: i64) -> Result<i64, AppError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => month_index(v).ok_or_else(|| AppError::field(field, Msg::DateInvalid)),
        }
    }

    /// The months a page asks for, as `(from, to, current)`: `to` defaults to the shop's
    /// current month (and is never later), `from` to eleven months before `to`.
    pub async fn month_range(
        conn: &mut SqliteConnection,
        now: Stamp,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(String, String, String), AppError> {
        let zone = crate::campaigns::db::shop_tz(&mut *conn).await?;
        let current =
            month_index(&crate::db::local_day(&zone, now).0.to_string()[..7]).unwrap_or_default();
        let to = month_field("to", to, current)?.min(current);
        let from = month_field("from", from, to - 11)?;
        if from > to {
            return Err(AppError::field("from", Msg::DateInvalid));
        }
        Ok((month_of(from), month_of(to), month_of(current)))
    }

    /// The cohorts from `from` to `to` (default: the twelve months up to the shop's current
    /// month), each with its buying members month by month up to the current month.
    pub async fn cohorts(
        conn: &mut SqliteConnection,
        now: Stamp,
        from: Option<&str>,
        to: Option<&str>,
        location: Option<&str>,
    ) -> Result<Cohorts, AppError> {
        let (locations, location) =
            crate::analytics::glance::db::chosen_location(&mut *conn, location).await?;
        let (from, to, current) = month_range(&mut *conn, now, from, to).await?;
        // The whole shop's roll-ups, or one location's (bound as `$1`; the shop's ignore it).
        let (cohorts, months) = match location {
            None => (
                "SELECT cohort, joined FROM cohorts WHERE $1 IS NULL",
                "SELECT cohort, month, members FROM cohort_months WHERE $1 IS NULL",
            ),
            Some(_) => (
                "SELECT cohort, members FROM location_cohorts WHERE location_id = $1",
                "SELECT cohort, month, members FROM location_cohort_months WHERE location_id = $1",
            ),
        };
        let joined: Vec<(String, i64)> = sqlx::query_as(&format!(
            "{cohorts} AND cohort BETWEEN $2 AND $3 ORDER BY cohort"
        ))
        .bind(location)
        .bind(&from)
        .bind(&to)
        .fetch_all(&mut *conn)
        .await?;
        let buying: Vec<(String, String, i64)> = sqlx::query_as(&format!(
            "{months} AND cohort BETWEEN $2 AND $3 AND month <= $4"
        ))
        .bind(location)
        .bind(&from)
        .bind(&to)
        .bind(&current)
        .fetch_all(&mut *conn)
        .await?;
        let end = month_index(&current).unwrap_or_default();
        let mut rows: Vec<CohortRow> = joined
            .into_iter()
            .map(|(cohort, joined)| {
                let start = month_index(&cohort).unwrap_or(end);
                let months = usize::try_from(end - start + 1).unwrap_or(0);
                CohortRow {
                    cohort,
                    joined,
                    buying: vec![0; months],
                }
            })
            .collect();
        for (cohort, month, members) in buying {
            let Ok(i) = rows.binary_search_by(|r| r.cohort.as_str().cmp(&cohort)) else {
                continue;
            };
            let (start, at) = (month_index(&cohort), month_index(&month));
            if let (Some(start), Some(at)) = (start, at)
                && let Some(cell) = usize::try_from(at - start)
                    .ok()
                    .and_then(|k| rows[i].buying.get_mut(k))
            {
                *cell = members;
            }
        }
        Ok(Cohorts {
            from,
            to,
            current,
            rows,
            location,
            locations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_across_years() {
        assert_eq!(month_index("2026-01"), Some(2026 * 12));
        assert_eq!(month_of(2026 * 12 - 1), "2025-12");
        assert_eq!(
            month_of(month_index("2026-12").expect("a month") + 1),
            "2027-01"
        );
        for bad in ["2026-13", "2026-00", "26-01", "2026-1", "x", ""] {
            assert_eq!(month_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn shares_round_half_up_and_csv_lists_every_cell() {
        let row = CohortRow {
            cohort: "2025-11".into(),
            joined: 8,
            buying: vec![8, 3, 1],
        };
        // 8/8, 3/8 = 37.5 → 38, 1/8 = 12.5 → 13.
        assert_eq!(
            (row.share(0), row.share(1), row.share(2)),
            (Some(100), Some(38), Some(13))
        );
        assert_eq!(row.share(3), None);
        let empty = CohortRow {
            cohort: "2025-12".into(),
            joined: 0,
            buying: vec![0, 0],
        };
        assert_eq!(empty.share(0), None);
        let c = Cohorts {
            from: "2025-11".into(),
            to: "2025-12".into(),
            current: "2026-01".into(),
            rows: vec![row, empty],
            location: None,
            locations: Vec::new(),
        };
        assert_eq!(
            csv(&c),
            "cohort,joined,month,months_since_joining,members_buying,share_percent\n\
             2025-11,8,2025-11,0,8,100\n\
             2025-11,8,2025-12,1,3,38\n\
             2025-11,8,2026-01,2,1,13\n\
             2025-12,0,2025-12,0,0,\n\
             2025-12,0,2026-01,1,0,\n"
        );
    }
}
