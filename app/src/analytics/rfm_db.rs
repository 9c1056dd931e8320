//! RFM from the roll-ups: the (last purchase day, purchases) cells, four monetary edges by
//! rank in the index on spend after refunds, and a group as bound SQL conditions on a
//! member's `member_stats` row (the page's list and segment rules share it). At one location
//! the same from `location_recency_frequency` and the member's `member_locations` row there
//! (the same columns): recency, frequency and spend there.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::BTreeMap;

use super::rfm::{Cell, Edges, Group, LISTED, Rfm, Scored, edges, score, tally};
use crate::{db::Stamp, error::AppError};

/// Where the scores come from: the whole shop's roll-ups, or one location's (its queries bind
/// the location as `$1`).
struct Scope {
    cells: &'static str,
    /// Members' rows (`s`) with `purchases`, `last_purchase_at`, `spend_minor` and
    /// `refunded_minor`, and the condition that binds `$1`.
    table: &'static str,
    members: &'static str,
}

const SHOP: Scope = Scope {
    cells: "recency_frequency WHERE $1 IS NULL",
    table: "member_stats s",
    members: "member_stats s WHERE $1 IS NULL",
};
const LOCATION: Scope = Scope {
    cells: "location_recency_frequency WHERE location_id = $1",
    table: "member_locations s",
    members: "member_locations s WHERE s.location_id = $1",
};

fn scope(location: Option<i64>) -> &'static Scope {
    if location.is_some() { &LOCATION } else { &SHOP }
}

/// Every cell of the roll-up (the shop's, or `location`'s), by day then purchases.
pub async fn cells(
    conn: &mut SqliteConnection,
    location: Option<i64>,
) -> Result<Vec<Cell>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT day, purchases, members, net_minor FROM {} ORDER BY day, purchases",
        scope(location).cells
    ))
    .bind(location)
    .fetch_all(conn)
    .await
}

/// The quintile edges now, from the cells and the monetary index; `None` before anyone
/// bought.
pub async fn quintiles(
    conn: &mut SqliteConnection,
    cells: &[Cell],
    location: Option<i64>,
) -> Result<Option<Edges>, sqlx::Error> {
    let mut days: Vec<(String, i64)> = Vec::new();
    let mut purchases: BTreeMap<i64, i64> = BTreeMap::new();
    for c in cells {
        match days.last_mut() {
            Some(last) if last.0 == c.day => last.1 += c.members,
            _ => days.push((c.day.clone(), c.members)),
        }
        *purchases.entry(c.purchases).or_default() += c.members;
    }
    // The cells come in key order; sorted again so nothing rests on it.
    days.sort();
    let (Some(recency), Some(frequency)) = (
        edges(&days),
        edges(&purchases.into_iter().collect::<Vec<_>>()),
    ) else {
        return Ok(None);
    };
    let n: i64 = days.iter().map(|d| d.1).sum();
    let mut monetary = [0; 4];
    for (k, edge) in (1..=4).zip(monetary.iter_mut()) {
        *edge = sqlx::query_scalar(&format!(
            "SELECT spend_minor - refunded_minor FROM {}
             ORDER BY spend_minor - refunded_minor LIMIT 1 OFFSET $2",
            scope(location).members
        ))
        .bind(location)
        .bind((k * n + 4) / 5 - 1)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or_default();
    }
    Ok(Some(Edges {
        recency,
        frequency,
        monetary,
    }))
}

/// Pushes `(…)`: the condition that the member stats row `s` is in `group`.
pub fn push_group(q: &mut QueryBuilder<'_, Sqlite>, group: Group, edges: &Edges) {
    q.push("(");
    for (i, &(r, f)) in group.boxes().iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push("(1");
        push_range(q, "substr(s.last_purchase_at, 1, 10)", r, &edges.recency);
        push_range(q, "s.purchases", f, &edges.frequency);
        q.push(")");
    }
    q.push(")");
}

/// ` AND value > edge AND value <= edge` for scores `lo` to `hi`.
fn push_range<T>(q: &mut QueryBuilder<'_, Sqlite>, value: &str, (lo, hi): (u8, u8), edges: &[T; 4])
where
    T: Clone + Send + for<'q> sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite> + 'static,
{
    if lo > 1 {
        q.push(format!(" AND {value} > "))
            .push_bind(edges[usize::from(lo) - 2].clone());
    }
    if hi < 5 {
        q.push(format!(" AND {value} <= "))
            .push_bind(edges[usize::from(hi) - 1].clone());
    }
}

/// The members of `group` who spent most, at most [`LISTED`] (closed accounts left out).
async fn listed(
    conn: &mut SqliteConnection,
    group: Group,
    edges: &Edges,
    location: Option<i64>,
) -> Result<Vec<Scored>, sqlx::Error> {
    let mut q = QueryBuilder::new(format!(
        "SELECT s.member_id, u.preferred_name, substr(s.last_purchase_at, 1, 10), s.purchases,
                s.spend_minor - s.refunded_minor
         FROM {} JOIN users u ON u.id = s.member_id
         WHERE u.closed_at IS NULL AND ",
        scope(location).table
    ));
    if let Some(location) = location {
        q.push("s.location_id = ").push_bind(location).push(" AND ");
    }
    push_group(&mut q, group, edges);
    q.push(" ORDER BY s.spend_minor - s.refunded_minor DESC, s.member_id LIMIT ")
        .push_bind(LISTED);
    let rows: Vec<(i64, String, String, i64, i64)> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, last_day, purchases, net_minor)| Scored {
            scores: [
                score(&last_day, &edges.recency),
                score(&purchases, &edges.frequency),
                score(&net_minor, &edges.monetary),
            ],
            id,
            name,
            last_day,
            purchases,
            net_minor,
        })
        .collect())
}

pub async fn report(
    conn: &mut SqliteConnection,
    now: Stamp,
    group: Group,
    location: Option<&str>,
) -> Result<Rfm, AppError> {
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    let (locations, location) = super::glance::db::chosen_location(&mut *conn, location).await?;
    let cells = cells(&mut *conn, location).await?;
    let edges = quintiles(&mut *conn, &cells, location).await?;
    let buyers = cells.iter().map(|c| c.members).sum();
    let (groups, grid, members) = match &edges {
        Some(e) => {
            let (groups, grid) = tally(&cells, e);
            (groups, grid, listed(&mut *conn, group, e, location).await?)
        }
        None => (Vec::new(), [[0; 5]; 5], Vec::new()),
    };
    let today = now.utc_day();
    let days_since = edges.as_ref().map_or([0; 4], |e| {
        e.recency.clone().map(|day| {
            format!("{day}T00:00:00Z")
                .parse::<Stamp>()
                .map_or(0, |d| (now.unix() - d.unix()).div_euclid(86_400))
        })
    });
    Ok(Rfm {
        currency,
        today,
        buyers,
        edges,
        days_since,
        groups,
        grid,
        listed: group,
        members,
        location,
        locations,
    })
}
