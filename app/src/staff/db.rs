//! Staff account queries.

use sqlx::SqliteConnection;

use super::api::StaffMember;
use crate::db::Stamp;

/// Every staff account (owner, manager, staff), newest first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<StaffMember>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, preferred_name, role, created_at, disabled_at IS NOT NULL AS disabled,
                EXISTS (SELECT 1 FROM totp_secrets t
                        WHERE t.user_id = users.id AND t.confirmed_at IS NOT NULL) AS two_factor
         FROM users WHERE role IN ('owner', 'manager', 'staff') ORDER BY id DESC",
    )
    .fetch_all(conn)
    .await
}

/// Disables (ending its sessions) or re-enables a staff account. Returns false when `id` is not
/// a staff account.
pub async fn set_disabled(
    conn: &mut SqliteConnection,
    id: i64,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let now = Stamp::now();
    let sql = if disabled {
        "UPDATE users SET disabled_at = $1, session_epoch = session_epoch + 1, updated_at = $1
         WHERE id = $2 AND role <> 'member' AND disabled_at IS NULL"
    } else {
        "UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE id = $2 AND role <> 'member'"
    };
    let done = sqlx::query(sql)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() > 0 {
        return Ok(true);
    }
    // Already in the requested state counts as success for a staff account.
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role <> 'member')")
        .bind(id)
        .fetch_one(conn)
        .await
}
