//! Server functions for journeys (owners and managers): the list, one journey, its settings.
//! Its messages are saved, previewed and test-sent through the campaign functions. The
//! sending rules (quiet hours, frequency caps) are read and saved here too.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::{Journey, Results, Trigger};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn trigger_of(raw: &str) -> Result<Trigger, AppError> {
    Trigger::parse(raw.trim()).ok_or(AppError::NotFound)
}

/// Every journey: its trigger, whether it is on, and what it brought.
#[server(prefix = "/api", endpoint = "journeys/list")]
pub async fn journeys() -> Result<Vec<(Trigger, bool, Results)>, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::db::list(&mut conn).await
}

/// One journey, by its trigger (`welcome`, `win_back`, … as [`Trigger::as_str`]).
#[server(prefix = "/api", endpoint = "journeys/get")]
pub async fn get_journey(trigger: String) -> Result<Journey, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let trigger = trigger_of(&trigger)?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::db::get(&mut conn, trigger).await
}

/// Saves a journey's settings (`enabled`: a checkbox, present when ticked; empty
/// `reentry_days`: once ever). Switching it on enters whoever qualifies now. Answers the
/// journey.
#[server(prefix = "/api", endpoint = "journeys/save")]
pub async fn save_journey(
    trigger: String,
    enabled: Option<String>,
    wait_days: String,
    reentry_days: String,
    holdout_pct: String,
    window_days: String,
) -> Result<Journey, AppError> {
    use crate::{accounts::Role, server::*};
    let trigger = trigger_of(&trigger)?;
    let settings = super::Settings::parse(
        trigger,
        enabled.is_some(),
        &wait_days,
        &reentry_days,
        &holdout_pct,
        &window_days,
    )?;
    let base_url = state()?.base_url.clone();
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let entered = super::db::save(tx, trigger, settings, &base_url, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                if settings.enabled {
                    "journey.on"
                } else {
                    "journey.off"
                },
                &format!("journey:{}", trigger.as_str()),
                &format!(
                    "wait {} days, re-entry {}, control {} %, window {} days, {entered} entered",
                    settings.wait_days,
                    settings
                        .reentry_days
                        .map_or_else(|| "once".to_owned(), |d| format!("{d} days")),
                    settings.holdout_pct,
                    settings.window_days
                ),
            )
            .await?;
            super::db::get(tx, trigger).await
        })
    })
    .await
}

/// Saves a step of journey `trigger`: `position` names the step (empty: a new one after the
/// last), `action` is `send` or `tag` (`tag` then names the tag). Answers the journey.
#[server(prefix = "/api", endpoint = "journeys/step/save")]
pub async fn save_step(
    trigger: String,
    position: String,
    wait_days: String,
    condition: String,
    action: String,
    tag: String,
) -> Result<Journey, AppError> {
    use crate::{accounts::Role, server::*};
    let trigger = trigger_of(&trigger)?;
    let position = match position.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let settings = super::steps::StepSettings::parse(&wait_days, &condition, &action, &tag)?;
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let at = super::db::save_step(tx, trigger, position, &settings, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "journey.step.save",
                &format!("journey:{}:step:{at}", trigger.as_str()),
                &format!("{settings:?}"),
            )
            .await?;
            super::db::get(tx, trigger).await
        })
    })
    .await
}

/// Removes journey `trigger`'s last step, while no member has reached it. Answers the
/// journey.
#[server(prefix = "/api", endpoint = "journeys/step/remove")]
pub async fn remove_step(trigger: String) -> Result<Journey, AppError> {
    use crate::{accounts::Role, server::*};
    let trigger = trigger_of(&trigger)?;
    write_as(Role::Manager, move |tx, me, _| {
        Box::pin(async move {
            super::db::remove_step(tx, trigger).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "journey.step.remove",
                &format!("journey:{}", trigger.as_str()),
                "",
            )
            .await?;
            super::db::get(tx, trigger).await
        })
    })
    .await
}

/// One step of journey `trigger` with its messages (written, previewed and test-sent
/// through the campaign functions, like the first message's).
#[server(prefix = "/api", endpoint = "journeys/step/get")]
pub async fn get_step(
    trigger: String,
    position: i64,
) -> Result<(super::steps::Step, crate::campaigns::Campaign), AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let trigger = trigger_of(&trigger)?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::db::step(&mut conn, trigger, position).await
}

/// The sending rules (quiet hours and frequency caps) of both channels.
#[server(prefix = "/api", endpoint = "journeys/rules")]
pub async fn sending_rules() -> Result<super::rules::SendingRules, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    Ok(super::rules::sending_rules(&mut conn).await?)
}

/// Saves the sending rules of both channels (each field as typed; empty quiet hours: none,
/// empty cap: none). Answers them as saved.
#[server(prefix = "/api", endpoint = "journeys/rules/save")]
pub async fn save_sending_rules(
    email_quiet_from: String,
    email_quiet_until: String,
    email_cap: String,
    email_cap_days: String,
    sms_quiet_from: String,
    sms_quiet_until: String,
    sms_cap: String,
    sms_cap_days: String,
) -> Result<super::rules::SendingRules, AppError> {
    use super::rules::{ChannelRules, SendingRules};
    use crate::{accounts::Role, server::*};
    let rules = SendingRules {
        email: ChannelRules::parse(
            "email_",
            &email_quiet_from,
            &email_quiet_until,
            &email_cap,
            &email_cap_days,
        )?,
        sms: ChannelRules::parse(
            "sms_",
            &sms_quiet_from,
            &sms_quiet_until,
            &sms_cap,
            &sms_cap_days,
        )?,
    };
    write_as(Role::Manager, move |tx, me, _| {
        Box::pin(async move {
            super::rules::save_sending_rules(tx, &rules).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "sending_rules.save",
                "sending_rules",
                &format!("{rules:?}"),
            )
            .await?;
            Ok(rules)
        })
    })
    .await
}
