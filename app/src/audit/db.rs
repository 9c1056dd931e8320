//! Writes audit entries inside the caller's transaction, so the change and its record commit
//! together.

use sqlx::SqliteConnection;

use crate::db::now_utc;

/// Appends one entry: `actor` did `action` to `subject` (`detail` is free text for humans).
pub async fn record(
    conn: &mut SqliteConnection,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (actor_user_id, action, subject, detail, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .bind(now_utc())
        .execute(conn)
        .await?;
    Ok(())
}
