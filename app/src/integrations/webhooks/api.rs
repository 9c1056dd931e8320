//! Webhook server functions (owners): subscribe a URL to events (its signing secret shown
//! once), stop one, read the delivery log and send a delivery again.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{DeliveryInfo, NewWebhook, WebhookInfo};
use crate::error::AppError;

/// The console's webhooks: the subscriptions and the newest deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhooks {
    /// Active webhooks, newest first.
    pub hooks: Vec<WebhookInfo>,
    /// The newest deliveries, newest first.
    pub deliveries: Vec<DeliveryInfo>,
}

/// How many deliveries the log shows.
pub const LOG_ROWS: i64 = 30;

/// The webhooks and their delivery log (owners).
#[server(prefix = "/api", endpoint = "integrations/webhooks")]
pub async fn list_webhooks() -> Result<Webhooks, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let zone = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .time_zone;
    let mut hooks = super::db::list(&mut conn).await?;
    let mut deliveries = super::db::deliveries(&mut conn, LOG_ROWS).await?;
    for h in &mut hooks {
        h.created_at = crate::db::local_time_of(&zone, &h.created_at);
    }
    for d in &mut deliveries {
        d.created_at = crate::db::local_time_of(&zone, &d.created_at);
    }
    Ok(Webhooks { hooks, deliveries })
}

/// Subscribes `url` to the events whose boxes are ticked (owners). The answer carries the
/// signing secret, shown this once.
#[server(prefix = "/api", endpoint = "integrations/create_webhook")]
pub async fn create_webhook(
    url: String,
    member_joined: Option<String>,
    purchase_recorded: Option<String>,
    tier_changed: Option<String>,
    reward_redeemed: Option<String>,
    feedback_received: Option<String>,
    case_opened: Option<String>,
    case_resolved: Option<String>,
    member_unsubscribed: Option<String>,
) -> Result<NewWebhook, AppError> {
    use super::Event;
    use crate::{accounts::Role, audit, error::Msg, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let url =
        super::check_url(&url, st.webhooks_allow_private).map_err(|m| AppError::field("url", m))?;
    let ticked = [
        member_joined,
        purchase_recorded,
        tier_changed,
        reward_redeemed,
        feedback_received,
        case_opened,
        case_resolved,
        member_unsubscribed,
    ];
    let events: Vec<Event> = Event::ALL
        .into_iter()
        .zip(ticked)
        .filter_map(|(e, box_)| box_.map(|_| e))
        .collect();
    if events.is_empty() {
        return Err(AppError::field("events", Msg::WebhookEvents));
    }
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            let secret = super::db::new_secret();
            let id = super::db::insert(tx, &url, &events, &secret, Some(me.id), now).await?;
            let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
            let detail = format!("{url}: {}", names.join(" "));
            audit::db::record(
                tx,
                Some(me.id),
                "webhook.create",
                &format!("webhook:{id}"),
                &detail,
            )
            .await?;
            Ok(NewWebhook { id, secret })
        })
    })
    .await
}

/// Stops a webhook (owners): nothing more is sent to it.
#[server(prefix = "/api", endpoint = "integrations/remove_webhook")]
pub async fn remove_webhook(id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, audit, server::*};
    write_as(Role::Owner, move |tx, me, _| {
        Box::pin(async move {
            if !super::db::remove(tx, id).await? {
                return Err(AppError::NotFound);
            }
            audit::db::record(
                tx,
                Some(me.id),
                "webhook.remove",
                &format!("webhook:{id}"),
                "",
            )
            .await?;
            Ok(())
        })
    })
    .await
}

/// Sends a delivery again (owners), with another day of tries.
#[server(prefix = "/api", endpoint = "integrations/resend_delivery")]
pub async fn resend_delivery(id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, server::*};
    write_as(Role::Owner, move |tx, _, now| {
        Box::pin(async move {
            if !super::db::resend(tx, id, now).await? {
                return Err(AppError::NotFound);
            }
            Ok(())
        })
    })
    .await
}
