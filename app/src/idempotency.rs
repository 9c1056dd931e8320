//! Idempotent state changes: the first result of a call is stored under its key (scoped to the
//! caller) inside the same transaction as the change itself, so a retry — after a timeout, a
//! double tap, a lost connection — returns that result instead of acting twice. The same key
//! with a different request is refused as a conflict.

use serde::{Serialize, de::DeserializeOwned};
use sqlx::SqliteConnection;

use crate::{
    db::now_utc,
    error::{AppError, Msg},
};

/// The stored key for `client_key` used by account `user_id`.
pub fn scoped(user_id: i64, client_key: &str) -> String {
    format!("user:{user_id}:{client_key}")
}

/// The stored result of an earlier call with this key, if any. `request` is the canonical
/// form of the request; a different one under the same key is a conflict.
pub async fn replay<T: DeserializeOwned>(
    conn: &mut SqliteConnection,
    key: &str,
    request: &str,
) -> Result<Option<T>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT request, response FROM idempotency_keys WHERE key = ?")
            .bind(key)
            .fetch_optional(conn)
            .await?;
    match row {
        None => Ok(None),
        Some((stored, _)) if stored != request => Err(AppError::Conflict {
            message_key: Msg::IdempotencyKeyReused,
        }),
        Some((_, response)) => serde_json::from_str(&response).map(Some).map_err(|e| {
            tracing::error!(error = %e, key, "stored idempotent response unreadable");
            AppError::Internal
        }),
    }
}

/// Stores the result of a call under its key. Call it in the transaction that made the change.
pub async fn remember<T: Serialize>(
    conn: &mut SqliteConnection,
    key: &str,
    request: &str,
    response: &T,
) -> Result<(), AppError> {
    let json = serde_json::to_string(response).map_err(|e| {
        tracing::error!(error = %e, "idempotent response not serialisable");
        AppError::Internal
    })?;
    sqlx::query(
        "INSERT INTO idempotency_keys (key, request, response, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(key)
    .bind(request)
    .bind(json)
    .bind(now_utc())
    .execute(conn)
    .await?;
    Ok(())
}
