//! Two-factor queries: the account's TOTP secret, its recovery codes, the shop's rule.

use sqlx::SqliteConnection;

use super::code;
use crate::db::Stamp;

/// An account's second factor as sign-in and the settings page see it.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Confirmed: sign-in asks for a code.
    pub enabled: bool,
    /// A secret set up but not yet confirmed (shown as QR until it is).
    pub pending_secret: Option<Vec<u8>>,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
}

/// The second-factor state of `user_id`.
pub async fn state(conn: &mut SqliteConnection, user_id: i64) -> Result<State, sqlx::Error> {
    let row: Option<(Vec<u8>, bool)> = sqlx::query_as(
        "SELECT secret, confirmed_at IS NOT NULL FROM totp_secrets WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let recovery_left = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(match row {
        Some((_, true)) => State {
            enabled: true,
            pending_secret: None,
            recovery_left,
        },
        Some((secret, false)) => State {
            enabled: false,
            pending_secret: Some(secret),
            recovery_left,
        },
        None => State::default(),
    })
}

/// Whether owners and managers must use a second factor.
pub async fn required(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT staff_two_factor FROM security_settings WHERE id = 1")
        .fetch_one(conn)
        .await
}

/// Sets the shop's rule. Turning it on ends the sessions of owners and managers without a
/// confirmed second factor (they enrol at their next sign-in); returns how many.
pub async fn set_required(conn: &mut SqliteConnection, on: bool) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE security_settings SET staff_two_factor = $1, updated_at = $2 WHERE id = 1")
        .bind(on)
        .bind(Stamp::now())
        .execute(&mut *conn)
        .await?;
    if !on {
        return Ok(0);
    }
    let ended = sqlx::query(
        "UPDATE users SET session_epoch = session_epoch + 1
         WHERE role IN ('owner', 'manager') AND disabled_at IS NULL
           AND id NOT IN (SELECT user_id FROM totp_secrets WHERE confirmed_at IS NOT NULL)",
    )
    .execute(conn)
    .await?;
    Ok(ended.rows_affected())
}

/// Stores a new, unconfirmed secret for `user_id` (replacing an unconfirmed one). Returns
/// `false`, changing nothing, when a confirmed one exists.
pub async fn set_pending(
    conn: &mut SqliteConnection,
    user_id: i64,
    secret: &[u8],
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO totp_secrets (user_id, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
             created_at = excluded.created_at, last_step = 0
         WHERE totp_secrets.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(secret)
    .bind(Stamp::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts a TOTP code typed at `now_step`: for the confirmed secret (`confirmed`) or the
/// pending one being confirmed (`!confirmed`, which confirms it). Records the step so the
/// code is never accepted again; `false` when the code is wrong or used.
pub async fn accept_totp(
    conn: &mut SqliteConnection,
    user_id: i64,
    typed: u32,
    now_step: i64,
    confirmed: bool,
) -> Result<bool, sqlx::Error> {
    let row: Option<(Vec<u8>, i64)> = sqlx::query_as(
        "SELECT secret, last_step FROM totp_secrets
         WHERE user_id = $1 AND (confirmed_at IS NOT NULL) = $2",
    )
    .bind(user_id)
    .bind(confirmed)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((secret, last)) = row else {
        return Ok(false);
    };
    let Some(step) = code::accepted_step(&secret, typed, now_step, last) else {
        return Ok(false);
    };
    // The `last_step < ?` guard makes two requests with one code race to a single winner.
    let done = sqlx::query(
        "UPDATE totp_secrets SET last_step = $1, confirmed_at = COALESCE(confirmed_at, $2)
         WHERE user_id = $3 AND last_step < $4",
    )
    .bind(step)
    .bind(Stamp::now())
    .bind(user_id)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up a recovery code; `false` when it is not one of the account's unused codes.
pub async fn use_recovery(
    conn: &mut SqliteConnection,
    user_id: i64,
    normalised: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(Stamp::now())
    .bind(user_id)
    .bind(code::recovery_hash(normalised))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the account's recovery codes with `codes` (as shown, `ABCDE-FGHIJ`).
pub async fn replace_recovery(
    conn: &mut SqliteConnection,
    user_id: i64,
    codes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for c in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(code::recovery_hash(&c.replace('-', "")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Removes the account's second factor (secret and recovery codes); `false` if it had none.
pub async fn remove(conn: &mut SqliteConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of `user_id` (bumps the epoch); returns the new epoch.
pub async fn end_sessions(conn: &mut SqliteConnection, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET session_epoch = session_epoch + 1, updated_at = $1
         WHERE id = $2 RETURNING session_epoch",
    )
    .bind(Stamp::now())
    .bind(user_id)
    .fetch_one(conn)
    .await
}
