//! Server functions that send a campaign: now or at a time, and pause, resume, cancel.

use leptos::prelude::*;

use super::Campaign;
#[cfg(feature = "ssr")]
use super::Status;
use crate::error::AppError;

/// Sends now (`at` empty) or schedules for `at` (`YYYY-MM-DDTHH:MM` in the shop's time).
/// Answers the campaign.
#[server(prefix = "/api", endpoint = "campaigns/send")]
pub async fn send_campaign(id: i64, at: Option<String>) -> Result<Campaign, AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    let at = at.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
    let base_url = state()?.base_url.clone();
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let subject = format!("campaign:{id}");
            match at {
                None => {
                    let n = super::db::queue(tx, id, &base_url, now).await?;
                    crate::audit::db::record(
                        tx,
                        Some(me.id),
                        "campaign.send",
                        &subject,
                        &n.to_string(),
                    )
                    .await?;
                }
                Some(at) => {
                    let tz = super::db::shop_tz(tx).await?;
                    let when = parse_local(&at, &tz)
                        .filter(|t| *t > now)
                        .ok_or_else(|| AppError::field("at", Msg::DateInvalid))?;
                    super::db::schedule(tx, id, when, now).await?;
                    crate::audit::db::record(
                        tx,
                        Some(me.id),
                        "campaign.schedule",
                        &subject,
                        &when.to_string(),
                    )
                    .await?;
                }
            }
            super::db::get(tx, id).await?.ok_or(AppError::NotFound)
        })
    })
    .await
}

/// A wall-clock time (`YYYY-MM-DDTHH:MM`) in time zone `tz`, as an instant.
#[cfg(feature = "ssr")]
fn parse_local(text: &str, tz: &str) -> Option<crate::db::Stamp> {
    let dt: jiff::civil::DateTime = text.parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    dt.to_zoned(zone).ok().map(|z| z.timestamp().into())
}

/// `pause`, `resume` or `cancel`.
#[server(prefix = "/api", endpoint = "campaigns/control")]
pub async fn control_campaign(id: i64, action: String) -> Result<Campaign, AppError> {
    use crate::{accounts::Role, server::*};
    let to = match action.as_str() {
        "pause" => Status::Paused,
        "resume" => Status::Sending,
        "cancel" => Status::Cancelled,
        _ => return Err(AppError::BadRequest),
    };
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let next = super::db::control(tx, id, to, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "campaign.control",
                &format!("campaign:{id}"),
                next.as_str(),
            )
            .await?;
            super::db::get(tx, id).await?.ok_or(AppError::NotFound)
        })
    })
    .await
}
