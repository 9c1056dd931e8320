//! The member's own data (`/me/data`): their profile to edit, their marketing channels, a
//! download of everything stored about them, and closing the account.

use leptos::prelude::*;

use super::profile::ProfileHead;
use crate::error::AppError;

/// The caller's profile as they may edit it.
#[server(prefix = "/api", endpoint = "me/profile")]
pub async fn my_profile() -> Result<ProfileHead, AppError> {
    use crate::server::*;
    let me = require_member()?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::profile_db::head(&mut conn, me.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves the caller's name, phone (empty: none), birthday (empty: none), language, time
/// zone (an IANA name; empty: the shop's — a form's empty field arrives as left out, so
/// left out is the shop's too) and postal address (empty or left out: none, no letters). A
/// phone is needed while text-message offers are on.
#[server(prefix = "/api", endpoint = "me/profile_update")]
pub async fn update_my_profile(
    preferred_name: String,
    phone: String,
    birthday: String,
    language: String,
    time_zone: Option<String>,
    postal_address: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        accounts::PreferredName,
        error::Msg,
        i18n::{LocaleExt as _, parse_locale},
        server::*,
    };
    let me = require_member()?;
    let st = state()?;
    let country = {
        let mut conn = st.db.reader.acquire().await?;
        super::db::shop_country(&mut conn).await?
    };
    let now = st.clock.now();
    let today = now.to_string();
    let mut errors = Vec::new();
    let name = PreferredName::parse(&preferred_name)
        .map_err(|e| errors.push(("preferred_name", Msg::from(e))))
        .ok();
    let phone = match phone.trim() {
        "" => Some(None),
        raw => super::phone::Phone::parse(raw, country.as_deref())
            .map(|p| Some(p.as_str().to_owned()))
            .map_err(|e| errors.push(("phone", e)))
            .ok(),
    };
    let birthday = match birthday.trim() {
        "" => Some(None),
        raw => parse_birthday(raw, &today)
            .map(Some)
            .ok_or_else(|| errors.push(("birthday", Msg::BirthdayInvalid)))
            .ok(),
    };
    let locale = parse_locale(&language)
        .ok_or_else(|| errors.push(("language", Msg::LanguageInvalid)))
        .ok();
    let zone = match time_zone.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => crate::db::time_zone_name(raw)
            .map(Some)
            .ok_or_else(|| errors.push(("time_zone", Msg::TimeZoneInvalid)))
            .ok(),
    };
    let address = super::address::parse(postal_address.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(("postal_address", e)))
        .ok();
    let (Some(name), Some(phone), Some(birthday), Some(locale), Some(zone), Some(address)) =
        (name, phone, birthday, locale, zone, address)
    else {
        return Err(AppError::from_fields(errors).unwrap_or(AppError::BadRequest));
    };
    let id = me.id;
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let sms: bool = sqlx::query_scalar("SELECT sms_marketing FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                if sms && phone.is_none() {
                    return Err(AppError::field("phone", Msg::PhoneNeededForSms));
                }
                let email = sqlx::query_scalar::<_, String>(
                    "UPDATE users SET preferred_name = $2, phone = $3, birthday = $4, language = $5,
                            updated_at = $6, time_zone = $7, postal_address = $8
                     WHERE id = $1 RETURNING email",
                )
                .bind(id)
                .bind(name.as_str())
                .bind(phone.as_deref())
                .bind(birthday.as_deref())
                .bind(locale)
                .bind(now)
                .bind(zone.as_deref())
                .bind(address.as_deref())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match crate::db::is_unique_violation(&e) {
                    true => AppError::field("phone", Msg::PhoneUnavailable),
                    false => e.into(),
                })?;
                super::search::index(tx, id, Some((name.as_str(), &email))).await?;
                Ok(())
            })
        })
        .await?;
    crate::accounts::api::imp::set_lang_cookie(locale.as_str(), st.secure_cookies);
    Ok(())
}

/// A birthday as stored (`YYYY-MM-DD`): a real date, not after `today` (`YYYY-MM-DD…`), not
/// before 1900.
#[cfg(feature = "ssr")]
fn parse_birthday(raw: &str, today: &str) -> Option<String> {
    let day: crate::db::Day = raw.parse().ok()?;
    let text = day.to_string();
    (text.as_str() >= "1900-01-01" && text.as_str() <= &today[..10]).then_some(text)
}

/// The channels the preferences form shows, sent with it: a form without them (a broken or
/// foreign request, whose unticked boxes would read as "off") changes nothing.
pub const CHANNELS: &str = "email,sms";

/// Turns marketing by email and by text message on or off (`Some("on")`: ticked). Each change
/// is recorded with the portal as its source; text messages need a phone number.
#[server(prefix = "/api", endpoint = "me/channels")]
pub async fn set_my_channels(
    channels: String,
    email_marketing: Option<String>,
    sms_marketing: Option<String>,
) -> Result<(), AppError> {
    use crate::server::*;
    let me = require_member()?;
    let proof = crate::campaigns::prefs::request_proof();
    let ticked = |v: Option<&str>| match v {
        None => Ok(false),
        Some("on") => Ok(true),
        Some(_) => Err(AppError::BadRequest),
    };
    if channels != CHANNELS {
        return Err(AppError::BadRequest);
    }
    let (email, sms) = (
        ticked(email_marketing.as_deref())?,
        ticked(sms_marketing.as_deref())?,
    );
    let st = state()?;
    let now = st.clock.now();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                crate::campaigns::prefs::set_channels(
                    tx,
                    me.id,
                    Some(email),
                    Some(sms),
                    "portal",
                    &proof,
                    now,
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Everything stored about the caller, as a JSON file to download (a `GET`, so a plain link
/// fetches it).
#[server(prefix = "/api", endpoint = "me/data.json", input = server_fn::codec::GetUrl)]
pub async fn download_my_data() -> Result<serde_json::Value, AppError> {
    use crate::server::*;
    let me = require_member()?;
    let st = state()?;
    let now = st.clock.now();
    let mut conn = st.db.reader.acquire().await?;
    let data = super::own_data::export(&mut conn, me.id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{HeaderValue, header};
        let name = format!(
            "attachment; filename=\"my-data-{}.json\"",
            &now.to_string()[..10]
        );
        if let Ok(value) = HeaderValue::from_str(&name) {
            res.insert_header(header::CONTENT_DISPOSITION, value);
        }
        res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(data)
}

/// Closes the caller's account after checking their password: personal data erased, the
/// ledger kept without a name, every session ended. Lands on the home page, signed out.
#[server(prefix = "/api", endpoint = "me/close")]
pub async fn close_my_account(password: String) -> Result<(), AppError> {
    use crate::{accounts::db, error::Msg, server::*};
    let me = require_member()?;
    let st = state()?;
    let key = me.id.to_string();
    st.limits.password_change.take(&key)?;
    let row = db::find_login_by_id(&mut *st.db.reader.acquire().await?, me.id).await?;
    if !st
        .hasher
        .verify(row.map(|r| r.password_hash), &password)
        .await?
    {
        return Err(AppError::field("password", Msg::CurrentPasswordWrong));
    }
    st.limits.password_change.release(&key);
    let id = me.id;
    let now = st.clock.now();
    let closed = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let closed = super::own_data::close(tx, id, now).await?;
                if closed {
                    crate::audit::db::record(tx, None, "member.close", &format!("member:{id}"), "")
                        .await?;
                }
                Ok(closed)
            })
        })
        .await?;
    if !closed {
        return Err(AppError::NotFound);
    }
    tracing::info!(user_id = id, "member closed their account");
    crate::accounts::session::end(&crate::accounts::api::imp::this_session().await?).await?;
    leptos_axum::redirect("/?closed=1");
    Ok(())
}
