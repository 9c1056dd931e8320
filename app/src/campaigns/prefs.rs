//! Changing a member's marketing channels — the one place it happens (My data, the preference
//! page a message links to, the one-click unsubscribe). Every change is a consent event with
//! its proof: when, from where (source, IP, user agent) and the exact words shown (version and
//! SHA-256). Withdrawing suppresses the address, so messages already queued are not sent;
//! giving consent again lifts an unsubscribe (never a bounce or a complaint).

use sqlx::SqliteConnection;

use super::prefs_api::Preferences;
use crate::{
    accounts::db::{Proof, record_consent},
    db::Stamp,
    error::{AppError, Msg},
    i18n::{Locale, parse_locale, td_string},
    outbox::suppress,
};

/// The words a member agrees to for `channel`, in `language`.
pub fn consent_text(language: &str, channel: &str) -> String {
    let l = parse_locale(language).unwrap_or(Locale::en);
    if channel == "sms" {
        td_string!(l, members.sms_marketing).to_string()
    } else {
        td_string!(l, members.email_marketing).to_string()
    }
}

/// The proof for a change made by this request, of the words in `language` for `channel`.
#[cfg(feature = "ssr")]
pub fn request_proof() -> RequestProof {
    use axum::http::{header, request::Parts};
    use leptos::prelude::use_context;
    let user_agent = use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .map(|ua| ua.chars().take(400).collect());
    RequestProof {
        ip: Some(crate::server::client_ip()),
        user_agent,
    }
}

/// Where a request came from.
#[derive(Debug, Clone, Default)]
pub struct RequestProof {
    /// Client address.
    pub ip: Option<String>,
    /// Its `User-Agent`.
    pub user_agent: Option<String>,
}

impl RequestProof {
    /// The full proof for `channel`'s words in `language`.
    pub fn of(&self, language: &str, channel: &str) -> Proof {
        use sha2::Digest as _;
        let text = consent_text(language, channel);
        let hash = sha2::Sha256::digest(text.as_bytes());
        Proof {
            text_version: Some(super::CONSENT_TEXT_VERSION.to_owned()),
            text_hash: Some(hash.iter().map(|b| format!("{b:02x}")).collect()),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }
}

/// Sets `user_id`'s channels (`None`: unchanged). Changes only what differs.
pub async fn set_channels(
    tx: &mut SqliteConnection,
    user_id: i64,
    email: Option<bool>,
    sms: Option<bool>,
    source: &str,
    proof: &RequestProof,
    now: Stamp,
) -> Result<(), AppError> {
    let (was_email, was_sms, address, phone, language): (
        bool,
        bool,
        String,
        Option<String>,
        String,
    ) = sqlx::query_as(
        "SELECT email_marketing, sms_marketing, email, phone, language FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let email = email.unwrap_or(was_email);
    let sms = sms.unwrap_or(was_sms);
    if sms && !was_sms && phone.is_none() {
        return Err(AppError::field("sms_marketing", Msg::PhoneNeededForSms));
    }
    for (channel, was, on, addr) in [
        ("email", was_email, email, Some(address.as_str())),
        ("sms", was_sms, sms, phone.as_deref()),
    ] {
        if was == on {
            continue;
        }
        record_consent(
            tx,
            user_id,
            channel,
            on,
            source,
            now,
            &proof.of(&language, channel),
        )
        .await?;
        let Some(addr) = addr else { continue };
        if on {
            sqlx::query(
                "DELETE FROM suppressions WHERE channel = $1 AND address = $2 AND reason = 'unsubscribed'",
            )
            .bind(channel)
            .bind(addr)
            .execute(&mut *tx)
            .await?;
        } else {
            suppress(tx, channel, addr, "unsubscribed", now).await?;
        }
    }
    sqlx::query(
        "UPDATE users SET email_marketing = $2, sms_marketing = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(user_id)
    .bind(email)
    .bind(sms)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// The account behind a message's token (not for closed accounts).
async fn user_of(conn: &mut SqliteConnection, token: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.id FROM outbox o JOIN users u ON u.id = o.user_id
         WHERE o.token = $1 AND u.closed_at IS NULL",
    )
    .bind(token)
    .fetch_optional(conn)
    .await
}

/// What the preference page shows for `token`.
pub async fn get(
    conn: &mut SqliteConnection,
    token: &str,
) -> Result<Option<Preferences>, sqlx::Error> {
    let Some(id) = user_of(conn, token).await? else {
        return Ok(None);
    };
    let (language, email, sms, address, phone): (String, bool, bool, String, Option<String>) =
        sqlx::query_as(
            "SELECT language, email_marketing, sms_marketing, email, phone FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(Some(Preferences {
        language,
        email_hint: hint(&address),
        email,
        sms,
        has_phone: phone.is_some(),
    }))
}

/// `anna@example.org` → `a…a@example.org`.
fn hint(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().unwrap_or('*');
            let last = local.chars().last().unwrap_or('*');
            format!("{first}…{last}@{domain}")
        }
        None => "…".to_owned(),
    }
}

/// Withdraws email consent for the member behind `token` (an unsubscribe link or mail);
/// `None` when the token names nobody.
pub async fn unsubscribe(
    tx: &mut SqliteConnection,
    token: &str,
    source: &str,
    proof: &RequestProof,
    now: Stamp,
) -> Result<Option<Preferences>, AppError> {
    set(tx, token, Some(false), None, source, proof, now).await
}

/// Sets the channels behind `token`; the page's new state, or `None` for an unknown token.
pub async fn set(
    tx: &mut SqliteConnection,
    token: &str,
    email: Option<bool>,
    sms: Option<bool>,
    source: &str,
    proof: &RequestProof,
    now: Stamp,
) -> Result<Option<Preferences>, AppError> {
    let Some(id) = user_of(tx, token).await? else {
        return Ok(None);
    };
    set_channels(tx, id, email, sms, source, proof, now).await?;
    // The message's own channel withdrawn through its link: an unsubscribe it caused.
    sqlx::query(
        "UPDATE outbox SET unsubscribed_at = $2
         WHERE token = $1 AND unsubscribed_at IS NULL AND kind IN ('campaign', 'journey')
           AND NOT (SELECT CASE outbox.channel WHEN 'sms' THEN sms_marketing ELSE email_marketing END
                    FROM users WHERE id = outbox.user_id)",
    )
    .bind(token)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(get(tx, token).await?)
}

#[cfg(test)]
mod tests {
    use super::hint;

    #[test]
    fn the_address_is_hinted_not_shown() {
        assert_eq!(hint("anna@example.org"), "a…a@example.org");
        assert_eq!(hint("x@y.z"), "x…x@y.z");
    }
}
