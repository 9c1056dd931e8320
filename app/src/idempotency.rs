//! Idempotent state changes: the first result of a call is stored under its key (scoped to the
//! caller) inside the same transaction as the change itself, so a retry — after a timeout, a
//! double tap, a lost connection — returns that result instead of acting twice. The same key
//! with a different request is refused as a conflict.

use serde::{Serialize, de::DeserializeOwned};
use sqlx::SqliteConnection;

use crate::{
    db::Stamp,
    error::{AppError, Msg},
};

/// What [`once_on_writer`] runs: the change, on the transaction's connection, with the scoped
/// key (unique: fit for a ledger row).
pub type Change<T> = Box<
    dyn for<'c> FnOnce(
            &'c mut SqliteConnection,
            &'c str,
        )
            -> std::pin::Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>
        + Send,
>;

/// A change made once per key, on the write queue: a replay returns the first result, a
/// conflicting one is refused, and a new key runs `change` and stores its result in the same
/// transaction. A key repeated within one group commit replays too: the jobs of a batch run
/// one after another on one connection, so the second sees the first's row.
pub async fn once_on_writer<T>(
    db: &crate::db::Db,
    user_id: i64,
    client_key: String,
    request: String,
    change: Change<T>,
) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let client = crate::loyalty::types::IdempotencyKey::parse(&client_key)
        .map_err(|m| AppError::field("idempotency_key", m))?;
    once(db, scoped(user_id, client.as_str()), request, change).await
}

/// [`once_on_writer`] for a key already scoped to its caller (an API key's call uses the
/// till's receipt number: `api_key:3:purchase:R-1001`).
pub async fn once<T>(
    db: &crate::db::Db,
    key: String,
    request: String,
    change: Change<T>,
) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    db.write(move |tx| {
        Box::pin(async move {
            if let Some(first) = claim::<T>(tx, &key, &request).await? {
                return Ok(first);
            }
            let result = change(tx, &key).await?;
            remember(tx, &key, &result).await?;
            Ok(result)
        })
    })
    .await
}

/// The stored key for `client_key` used by account `user_id`.
pub fn scoped(user_id: i64, client_key: &str) -> String {
    format!("user:{user_id}:{client_key}")
}

/// Claims `key` for `request` before the change is made: `None` if the key is new (the caller
/// makes the change and [`remember`]s its result in the same transaction), the first result if
/// the key was used with the same request, a conflict if with another. One conditional insert
/// decides, so two transactions with the same key cannot both make the change even where
/// several run at once (the second waits for the first's row).
pub async fn claim<T: DeserializeOwned>(
    conn: &mut SqliteConnection,
    key: &str,
    request: &str,
) -> Result<Option<T>, AppError> {
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (key, request, response, created_at) VALUES ($1, $2, '', $3) \
         ON CONFLICT (key) DO NOTHING RETURNING key",
    )
    .bind(key)
    .bind(request)
    .bind(Stamp::now())
    .fetch_optional(&mut *conn)
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let (stored, response): (String, String) =
        sqlx::query_as("SELECT request, response FROM idempotency_keys WHERE key = $1")
            .bind(key)
            .fetch_one(conn)
            .await?;
    if stored != request {
        return Err(AppError::Conflict {
            message_key: Msg::IdempotencyKeyReused,
        });
    }
    serde_json::from_str(&response).map(Some).map_err(|e| {
        tracing::error!(error = %e, key, "stored idempotent response unreadable");
        AppError::Internal
    })
}

/// Stores the result of the change made under a key [`claim`]ed in the same transaction.
pub async fn remember<T: Serialize>(
    conn: &mut SqliteConnection,
    key: &str,
    response: &T,
) -> Result<(), AppError> {
    let json = serde_json::to_string(response).map_err(|e| {
        tracing::error!(error = %e, "idempotent response not serialisable");
        AppError::Internal
    })?;
    sqlx::query("UPDATE idempotency_keys SET response = $1 WHERE key = $2")
        .bind(json)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
