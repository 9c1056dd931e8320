//! What a session remembers about who signed in, and the checks that end it: the account
//! disabled, its password changed (epoch bumped), or the absolute lifetime passed. Idle expiry
//! is the session layer's own (`Expiry::OnInactivity`): it counts from the session's last
//! save, so an active session is touched (saved again) at most once per `touch` interval,
//! which slides the idle deadline without a write per request.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{db, types::CurrentUser};
use crate::{
    db::{Db, Stamp},
    error::AppError,
};

const AUTH_KEY: &str = "auth";
const TOUCHED_KEY: &str = "touched";
const PENDING_KEY: &str = "pending";
const FRESH_CODES_KEY: &str = "fresh_codes";

/// How long a correct password waits for its second step.
pub const PENDING_SECS: i64 = 10 * 60;

/// A correct password whose second step (a code, or setting up an authenticator the shop
/// requires) is not done yet. The session is not signed in while this is all it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// The account.
    pub user_id: i64,
    /// Its epoch at the password step: a password change or disable in between ends this.
    pub epoch: i64,
    /// When the password was accepted (Unix seconds).
    pub since: i64,
    /// The shop requires a second factor this account does not have yet: it sets one up.
    pub enrol: bool,
}

/// Stored in the session at sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionAuth {
    user_id: i64,
    epoch: i64,
    signed_in_at: i64,
}

fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store failed");
    AppError::Internal
}

/// Signs `user_id` in on this session under a new session id (no fixation).
pub async fn start(session: &Session, user_id: i64, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove_value(PENDING_KEY)
        .await
        .map_err(session_error)?;
    let auth = SessionAuth {
        user_id,
        epoch,
        signed_in_at: Stamp::now().unix(),
    };
    session.insert(AUTH_KEY, auth).await.map_err(session_error)
}

/// Remembers a correct password for `user_id` until its second step is done; the session is
/// not signed in meanwhile (and gets a new id, as at sign-in).
pub async fn start_pending(
    session: &Session,
    user_id: i64,
    epoch: i64,
    enrol: bool,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove_value(AUTH_KEY)
        .await
        .map_err(session_error)?;
    let pending = Pending {
        user_id,
        epoch,
        since: Stamp::now().unix(),
        enrol,
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(session_error)
}

/// The pending second step of this session, unless it timed out.
pub async fn pending(session: &Session) -> Result<Option<Pending>, AppError> {
    let now = Stamp::now().unix();
    Ok(session
        .get::<Pending>(PENDING_KEY)
        .await
        .map_err(session_error)?
        .filter(|p| now - p.since < PENDING_SECS))
}

/// Keeps new recovery codes for the next page that shows them, once.
pub async fn put_fresh_codes(session: &Session, codes: Vec<String>) -> Result<(), AppError> {
    session
        .insert(FRESH_CODES_KEY, codes)
        .await
        .map_err(session_error)
}

/// The recovery codes kept by [`put_fresh_codes`], removed as they are read.
pub async fn take_fresh_codes(session: &Session) -> Result<Option<Vec<String>>, AppError> {
    session
        .remove::<Vec<String>>(FRESH_CODES_KEY)
        .await
        .map_err(session_error)
}

/// Ends this session: deletes it from the store and expires the cookie.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The account this session belongs to, if the session is still valid; ends the session when
/// it is not.
pub async fn resolve(
    session: &Session,
    db: &Db,
    absolute: std::time::Duration,
    touch: std::time::Duration,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(auth) = session
        .get::<SessionAuth>(AUTH_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let now = Stamp::now().unix();
    let age = now - auth.signed_in_at;
    let user = if age >= secs(absolute) {
        None
    } else {
        account(db, auth.user_id, auth.epoch).await?
    };
    if user.is_none() {
        end(session).await?;
        return Ok(None);
    }
    let touched = session
        .get::<i64>(TOUCHED_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(auth.signed_in_at);
    if now - touched >= secs(touch) {
        // Modified, so the layer saves it with a new idle deadline and renews the cookie.
        session
            .insert(TOUCHED_KEY, now)
            .await
            .map_err(session_error)?;
    }
    Ok(user)
}

/// Account `id` if it is enabled and its session epoch is still `epoch`: remembered between
/// requests while its row is unchanged (see [`crate::db::accounts`]).
async fn account(db: &Db, id: i64, epoch: i64) -> Result<Option<CurrentUser>, AppError> {
    let mark = match db.accounts().get(id, epoch) {
        Ok(user) => return Ok(Some(user)),
        Err(mark) => mark,
    };
    let mut conn = db.reader.acquire().await?;
    let user = db::session_user(&mut conn, id, epoch).await?;
    if let Some(user) = &user {
        db.accounts().keep(mark, epoch, user);
    }
    Ok(user)
}

fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
