//! The roll-ups and their check. Each is a table kept by triggers and a view that computes the
//! same rows from the ledger (`<table>_recomputed`); `check` compares the two and `rebuild`
//! replaces a table with its view's rows (after a restore, or if `check` ever finds drift).
//!
//! - `member_stats`: per member, purchases, spend and refunds, the first and last purchase and
//!   the five latest (segments: "3 purchases in 90 days" is a column).
//! - `member_locations`: per location and member, purchases, spend, refunds and the last
//!   purchase (segments: "bought at this location"; per-location figures).
//! - `users.last_purchase_at`: the last purchase on the member row (segments by inactivity).

use sqlx::SqliteConnection;

/// The triggers that keep the roll-ups (the ledger benchmark measures writes without them).
pub const TRIGGERS: [&str; 5] = [
    "purchases_last_purchase",
    "purchases_member_stats",
    "purchases_member_stats_refund",
    "purchases_member_locations",
    "purchases_member_locations_refund",
];

/// A roll-up row that differs from the ledger's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Which roll-up.
    pub rollup: &'static str,
    /// The row's member.
    pub key: i64,
}

/// Roll-up tables with a `<table>_recomputed` view of the same columns, keyed by member.
const TABLES: [&str; 2] = ["member_stats", "member_locations"];

/// At most this many drifting rows are reported per roll-up.
const REPORTED: i64 = 100;

/// Every roll-up row that differs from its recomputation (missing or extra rows included),
/// at most 100 per roll-up.
pub async fn check(conn: &mut SqliteConnection) -> Result<Vec<Drift>, sqlx::Error> {
    let mut out = Vec::new();
    for table in TABLES {
        let members: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT member_id FROM (SELECT * FROM {table} EXCEPT SELECT * FROM {table}_recomputed)
             UNION
             SELECT member_id FROM (SELECT * FROM {table}_recomputed EXCEPT SELECT * FROM {table})
             ORDER BY 1 LIMIT $1"
        ))
        .bind(REPORTED)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(members.into_iter().map(|key| Drift { rollup: table, key }));
    }
    let last: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u LEFT JOIN member_stats_recomputed r ON r.member_id = u.id
         WHERE u.last_purchase_at IS NOT r.last_purchase_at ORDER BY 1 LIMIT $1",
    )
    .bind(REPORTED)
    .fetch_all(&mut *conn)
    .await?;
    out.extend(last.into_iter().map(|key| Drift {
        rollup: "users.last_purchase_at",
        key,
    }));
    Ok(out)
}

/// Recomputes every roll-up from the ledger (inside the caller's write transaction).
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO {table} SELECT * FROM {table}_recomputed"
        ))
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE users SET last_purchase_at =
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)
         WHERE last_purchase_at IS NOT
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
