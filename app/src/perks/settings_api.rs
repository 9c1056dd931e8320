//! Perk settings server functions (managers and owners, audited): the next-visit discount
//! and referral bonus, and punch cards.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::api::imp;
use super::types::{PerkSettings, PunchCard};
use crate::error::AppError;

/// Sets the next-visit discount rule and the referral bonus (managers and owners).
/// `return_percent` empty switches the discount off; `referral_points` 0 the bonus.
#[server(prefix = "/api", endpoint = "perks/save_settings")]
pub async fn save_perk_settings(
    return_percent: String,
    return_min_purchase: String,
    return_days: String,
    return_min_next: String,
    referral_points: String,
    referral_min_purchase: String,
) -> Result<PerkSettings, AppError> {
    use crate::{error::Msg, loyalty::program_api::imp::audited};
    let settings = PerkSettings {
        return_percent: match return_percent.trim() {
            "" => None,
            p => Some(imp::number(
                "return_percent",
                p,
                1..=90,
                Msg::PercentInvalid,
            )?),
        },
        return_min_purchase: imp::amount("return_min_purchase", &return_min_purchase)?,
        return_days: imp::number("return_days", &return_days, 1..=365, Msg::DaysInvalid)?,
        return_min_next: imp::amount("return_min_next", &return_min_next)?,
        referral_points: match referral_points.trim() {
            "" => 0,
            p => imp::number("referral_points", p, 0..=1_000_000, Msg::PointsInvalid)?,
        },
        referral_min_purchase: imp::amount("referral_min_purchase", &referral_min_purchase)?,
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let at = now;
            super::engine::save_settings(&mut *tx, &settings, at).await?;
            audited(
                &mut *tx,
                &me,
                "perks.save_settings",
                "perk_settings",
                settings,
            )
            .await
        })
    })
    .await
}

/// Adds (`id` empty) or changes a punch card (managers and owners).
#[server(prefix = "/api", endpoint = "perks/save_card")]
pub async fn save_punch_card(
    id: Option<i64>,
    name: String,
    stamps_needed: String,
    reward_id: Option<i64>,
    per_item: Option<String>,
    min_amount: String,
    active: Option<String>,
) -> Result<PunchCard, AppError> {
    use crate::{
        error::Msg,
        loyalty::program_api::imp::{audited, name as valid_name},
    };
    let mut card = PunchCard {
        id: id.unwrap_or(0),
        name: valid_name("name", &name, Msg::CardNameRequired)?,
        stamps_needed: imp::number("stamps_needed", &stamps_needed, 2..=50, Msg::StampsInvalid)?,
        reward_id: reward_id.ok_or_else(|| AppError::field("reward_id", Msg::RewardRequired))?,
        reward: String::new(),
        per_item: imp::checked(per_item.as_deref()),
        min_amount: imp::amount("min_amount", &min_amount)?,
        active: active.as_deref().is_none_or(|v| imp::checked(Some(v))),
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let (reward, _) = crate::rewards::db::get(&mut *tx, card.reward_id)
                .await?
                .ok_or_else(|| AppError::field("reward_id", Msg::RewardUnavailable))?;
            card.reward = reward.name;
            let at = now;
            card.id = super::engine::save_card(&mut *tx, &card, at).await?;
            let target = format!("punch_card:{}", card.id);
            audited(&mut *tx, &me, "perks.save_card", &target, card).await
        })
    })
    .await
}
