//! The server functions behind a message's links, without signing in (the token is the key):
//! the preference page and the address confirmation.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a message's preference page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The member's language (the page's).
    pub language: String,
    /// Their address, partly hidden.
    pub email_hint: String,
    /// Offers by email.
    pub email: bool,
    /// Offers by text message.
    pub sms: bool,
    /// Whether they have a phone (text messages need one).
    pub has_phone: bool,
}

/// The preferences behind a message's token (404 for an unknown or closed one).
#[server(prefix = "/api", endpoint = "preferences/get")]
pub async fn get_preferences(token: String) -> Result<Preferences, AppError> {
    use crate::server::*;
    let mut conn = state()?.db.reader.acquire().await?;
    super::prefs::get(&mut conn, &token)
        .await?
        .ok_or(AppError::NotFound)
}

/// Sets the channels behind a message's token (no sign-in). A withdrawal also suppresses the
/// address; giving consent again lifts an unsubscribe (never a bounce or complaint).
#[server(prefix = "/api", endpoint = "preferences/save")]
pub async fn save_preferences(
    token: String,
    channels: String,
    email: Option<String>,
    sms: Option<String>,
) -> Result<Preferences, AppError> {
    use crate::server::*;
    if channels != "email,sms" {
        return Err(AppError::BadRequest);
    }
    let flag = |v: Option<String>| match v.as_deref() {
        None => Ok(false),
        Some("on") => Ok(true),
        Some(_) => Err(AppError::BadRequest),
    };
    let (email, sms) = (flag(email)?, flag(sms)?);
    let st = state()?;
    let now = st.clock.now();
    let proof = super::prefs::request_proof();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                super::prefs::set(
                    tx,
                    &token,
                    Some(email),
                    Some(sms),
                    "unsubscribe_page",
                    &proof,
                    now,
                )
                .await?
                .ok_or(AppError::NotFound)
            })
        })
        .await
}

/// Confirms the address a confirmation message went to (double opt-in). A `POST` from the
/// page's button, so a mail scanner fetching the link confirms nothing. The first use of a
/// fresh link also signs its member in: it finishes joining.
#[server(prefix = "/api", endpoint = "preferences/confirm")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::accounts::api::imp;
    use crate::server::*;
    let st = state()?;
    let now = st.clock.now();
    let found = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                crate::accounts::join::confirm(tx, &token, now)
                    .await?
                    .ok_or(AppError::NotFound)
            })
        })
        .await?;
    if found.signs_in {
        imp::begin_session(found.id, found.epoch, found.role, &found.language).await?;
    }
    Ok(())
}
