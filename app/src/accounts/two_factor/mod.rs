//! Staff two-factor sign-in: after the password, a 6-digit code from an authenticator app
//! (TOTP, RFC 6238) or a one-time recovery code. Owners and managers turn it on for
//! themselves; an owner can require it of every owner and manager. Counter staff on a shared
//! till stay on passwords.

pub mod api;
#[cfg(feature = "ssr")]
pub mod code;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod rule;

pub use api::TwoFactorInfo;
pub use pages::{SignInCodePage, TwoFactorPage, TwoFactorRule};

#[cfg(feature = "ssr")]
use super::types::Role;

/// What follows a correct password: `None` (signed in), `Some(false)` (a code is asked for)
/// or `Some(true)` (the shop requires a second factor the account must set up first).
#[cfg(feature = "ssr")]
pub async fn second_step(
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
    role: Role,
) -> Result<Option<bool>, sqlx::Error> {
    if db::state(conn, user_id).await?.enabled {
        return Ok(Some(false));
    }
    let must = matches!(role, Role::Owner | Role::Manager) && db::required(conn).await?;
    Ok(must.then_some(true))
}

/// The `otpauth://` URI of the secret being set up on this request's session (a signed-in
/// owner or manager, or a sign-in that must set one up), for its QR code; `None` when there
/// is none.
#[cfg(feature = "ssr")]
pub async fn setup_uri(
    db: &crate::db::Db,
    session: &tower_sessions::Session,
    caller: Option<&super::CurrentUser>,
) -> Result<Option<String>, crate::error::AppError> {
    let mut conn = db.reader.acquire().await?;
    let user = match caller {
        Some(u) => Some(u.clone()),
        None => match super::session::pending(session).await? {
            Some(p) if p.enrol => super::db::session_user(&mut conn, p.user_id, p.epoch).await?,
            _ => None,
        },
    };
    let Some(user) = user.filter(|u| matches!(u.role, Role::Owner | Role::Manager)) else {
        return Ok(None);
    };
    let state = db::state(&mut conn, user.id).await?;
    Ok(state
        .pending_secret
        .map(|s| code::otpauth_uri(&s, "Regulars", &user.email)))
}
