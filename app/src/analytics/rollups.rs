//! The roll-ups and their check. Each is a table kept by triggers and a view that computes the
//! same rows from the ledger (`<table>_recomputed`); `check` compares the two and `rebuild`
//! replaces a table with its view's rows (after a restore, or if `check` ever finds drift).
//!
//! - `member_stats`: per member, purchases, spend and refunds, the first and last purchase and
//!   the five latest (segments: "3 purchases in 90 days" is a column).
//! - `users.last_purchase_at`: the last purchase on the member row (segments by inactivity).

use sqlx::SqliteConnection;

/// The triggers that keep the roll-ups (the ledger benchmark measures writes without them).
pub const TRIGGERS: [&str; 3] = [
    "purchases_last_purchase",
    "purchases_member_stats",
    "purchases_member_stats_refund",
];

/// A roll-up row that differs from the ledger's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Which roll-up.
    pub rollup: &'static str,
    /// The row's key (a member id).
    pub key: i64,
}

/// At most this many drifting rows are reported per roll-up.
const REPORTED: i64 = 100;

/// Every roll-up row that differs from its recomputation (missing or extra rows included),
/// at most 100 per roll-up.
pub async fn check(conn: &mut SqliteConnection) -> Result<Vec<Drift>, sqlx::Error> {
    let mut out = Vec::new();
    let member_stats: Vec<i64> = sqlx::query_scalar(
        "SELECT member_id FROM (SELECT * FROM member_stats EXCEPT SELECT * FROM member_stats_recomputed)
         UNION
         SELECT member_id FROM (SELECT * FROM member_stats_recomputed EXCEPT SELECT * FROM member_stats)
         ORDER BY 1 LIMIT $1",
    )
    .bind(REPORTED)
    .fetch_all(&mut *conn)
    .await?;
    out.extend(member_stats.into_iter().map(|key| Drift {
        rollup: "member_stats",
        key,
    }));
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
    for statement in [
        "DELETE FROM member_stats",
        "INSERT INTO member_stats SELECT * FROM member_stats_recomputed",
        "UPDATE users SET last_purchase_at =
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)
         WHERE last_purchase_at IS NOT
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}
