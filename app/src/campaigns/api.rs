//! Server functions for campaigns (owners and managers): create, edit, preview, test-send.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::{Campaign, CampaignSummary, Rendered};
#[cfg(feature = "ssr")]
use super::{Channel, segment_api::clean_name};
use crate::error::AppError;

/// Every campaign.
#[server(prefix = "/api", endpoint = "campaigns/list")]
pub async fn campaigns() -> Result<Vec<CampaignSummary>, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    Ok(super::db::list(&mut conn).await?)
}

/// A new draft campaign on `channel` (`email`, the default, or `sms`; fixed once created).
#[server(prefix = "/api", endpoint = "campaigns/create")]
pub async fn create_campaign(
    name: String,
    segment_id: Option<i64>,
    channel: Option<String>,
) -> Result<i64, AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    let name = clean_name(&name, "name")?;
    let channel = match channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Channel::Email,
        Some(c) => {
            Channel::parse(c).ok_or_else(|| AppError::field("channel", Msg::ChoiceInvalid))?
        }
    };
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let id = super::db::create(tx, &name, channel, segment_id, me.id, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "campaign.create",
                &format!("campaign:{id}"),
                &name,
            )
            .await?;
            Ok(id)
        })
    })
    .await
}

/// One campaign.
#[server(prefix = "/api", endpoint = "campaigns/get")]
pub async fn get_campaign(id: i64) -> Result<Campaign, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::db::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Renames a campaign and sets its segment, the offer and reward its messages name, its
/// control group (percent, 0–50; empty: 10) and the days a purchase counts for a message
/// (1–365; empty: 5), and its A/B test (`ab_pct` per variant, 0–25, 0: none; `ab_hours`
/// before the winner is chosen, 1–168, default 4; `ab_metric`: `clicks` or `purchases`).
#[server(prefix = "/api", endpoint = "campaigns/update")]
pub async fn update_campaign(
    id: i64,
    name: String,
    segment_id: Option<i64>,
    offer_id: Option<i64>,
    reward_id: Option<i64>,
    #[server(default)] holdout_pct: String,
    #[server(default)] window_days: String,
    #[server(default)] ab_pct: String,
    #[server(default)] ab_hours: String,
    #[server(default)] ab_metric: String,
) -> Result<Campaign, AppError> {
    use crate::{
        accounts::Role,
        error::{Msg, whole_number},
        journeys::{MAX_DAYS, MAX_HOLDOUT},
        server::*,
    };
    let or = |raw: &str, default: &'static str| match raw.trim() {
        "" => default.to_owned(),
        raw => raw.to_owned(),
    };
    let settings = super::db::Settings {
        name: clean_name(&name, "name")?,
        segment_id,
        offer_id,
        reward_id,
        holdout_pct: whole_number(
            "holdout_pct",
            &or(&holdout_pct, "10"),
            0..=MAX_HOLDOUT,
            Msg::HoldoutInvalid,
        )?,
        window_days: whole_number(
            "window_days",
            &or(&window_days, "5"),
            1..=MAX_DAYS,
            Msg::DaysInvalid,
        )?,
        ab: super::ab::Settings::parse(&ab_pct, &ab_hours, &ab_metric)?,
    };
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            super::db::update(tx, id, &settings, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "campaign.update",
                &format!("campaign:{id}"),
                &settings.name,
            )
            .await?;
            super::db::get(tx, id).await?.ok_or(AppError::NotFound)
        })
    })
    .await
}

/// Saves the message in one language (an empty body removes it). Template problems do not
/// stop the save: they come back with the campaign and stop sending.
#[server(prefix = "/api", endpoint = "campaigns/message")]
pub async fn save_message(
    id: i64,
    language: String,
    #[server(default)] subject: String,
    #[server(default)] preheader: String,
    body: String,
) -> Result<Campaign, AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    if crate::i18n::parse_locale(&language).is_none() {
        return Err(AppError::BadRequest);
    }
    let (subject, preheader, body) = (
        subject.trim().to_owned(),
        preheader.trim().to_owned(),
        body.trim().to_owned(),
    );
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let channel: Option<String> =
                sqlx::query_scalar("SELECT channel FROM campaigns WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            // A text has only a body, and a shorter one.
            let sms = channel.ok_or(AppError::NotFound)? == "sms";
            let (subject, preheader) = if sms {
                (String::new(), String::new())
            } else {
                (subject, preheader)
            };
            let body_max = if sms {
                super::MAX_SMS_BODY
            } else {
                super::MAX_BODY
            };
            let mut errors = Vec::new();
            for (field, text, max) in [
                ("subject", &subject, super::MAX_SUBJECT),
                ("preheader", &preheader, super::MAX_PREHEADER),
                ("body", &body, body_max),
            ] {
                if text.chars().count() > max {
                    errors.push((field, Msg::TextTooLong));
                }
            }
            if !sms && !body.is_empty() && subject.is_empty() {
                errors.push(("subject", Msg::TextRequired));
            }
            if let Some(e) = AppError::from_fields(errors) {
                return Err(e);
            }
            let message = super::Message {
                language,
                subject,
                preheader,
                body,
                problems: vec![],
            };
            super::db::save_message(tx, id, &message, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "campaign.message",
                &format!("campaign:{id}"),
                &message.language,
            )
            .await?;
            super::db::get(tx, id).await?.ok_or(AppError::NotFound)
        })
    })
    .await
}

/// The message as `member` (an email; empty: the caller, with sample values where they have
/// none) would get it in `language`.
#[server(prefix = "/api", endpoint = "campaigns/preview")]
pub async fn preview_message(
    id: i64,
    language: String,
    member: Option<String>,
) -> Result<Rendered, AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    let me = require(Role::Manager)?;
    if crate::i18n::parse_locale(&language).is_none() {
        return Err(AppError::BadRequest);
    }
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let member = member.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let user_id = match member {
        None => me.id,
        Some(email) => crate::members::db::member_id_by_email(&mut conn, email)
            .await?
            .ok_or_else(|| AppError::field("member", Msg::MemberUnknown))?,
    };
    let to = crate::outbox::compose::Recipient {
        user_id,
        language: &language,
        token: "preview",
        message: None,
    };
    let channel: Option<String> = sqlx::query_scalar("SELECT channel FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let (base, now) = (&st.base_url, st.clock.now());
    let rendered = match channel.as_deref() {
        None => return Err(AppError::NotFound),
        // A text has only its body: shown as the plain text the phone gets.
        Some("sms") => crate::outbox::sms::render(&mut conn, id, to, base, true, now)
            .await?
            .map(|(language, text)| Rendered {
                language,
                subject: String::new(),
                preheader: String::new(),
                html: String::new(),
                text,
            }),
        Some(_) => crate::outbox::compose::render_campaign(&mut conn, id, to, base, now).await?,
    };
    rendered.map_err(|_| AppError::Conflict {
        message_key: Msg::CampaignProblems,
    })
}

/// Sends the message in `language` to the caller's own address or phone (marked as a test).
#[server(prefix = "/api", endpoint = "campaigns/test_send")]
pub async fn test_send(id: i64, language: String) -> Result<(), AppError> {
    use crate::{accounts::Role, server::*};
    if crate::i18n::parse_locale(&language).is_none() {
        return Err(AppError::BadRequest);
    }
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            super::db::status(tx, id).await?;
            let (channel, phone): (String, Option<String>) = sqlx::query_as(
                "SELECT c.channel, u.phone FROM campaigns c, users u WHERE c.id = $1 AND u.id = $2",
            )
            .bind(id)
            .bind(me.id)
            .fetch_one(&mut *tx)
            .await?;
            // A text goes to the caller's own phone (on their profile), an email to their address.
            let address = match channel.as_str() {
                "sms" => phone.ok_or_else(|| {
                    AppError::field("language", crate::error::Msg::PhoneNeededForSms)
                })?,
                _ => me.email.clone(),
            };
            let key = format!("test:{id}:{}:{}", me.id, crate::outbox::new_token());
            crate::outbox::queue_one(
                tx,
                "test",
                Some(id),
                me.id,
                &channel,
                &address,
                &language,
                &key,
                now,
            )
            .await?;
            Ok(())
        })
    })
    .await
}
