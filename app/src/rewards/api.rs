//! Reward server functions: the catalog (members see what they may take and why not), taking a
//! reward for points (members, idempotent), a member's codes, using a code at the counter
//! (staff, idempotent) and keeping the catalog (managers and owners, audited).
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::types::{Offered, RewardCode};
use crate::error::AppError;

/// The catalog: for a member, the active rewards with why they may not take each; for staff,
/// every reward (`blocked` empty).
#[server(prefix = "/api", endpoint = "rewards/catalog")]
pub async fn reward_catalog() -> Result<Vec<Offered>, AppError> {
    use crate::{accounts::Role, server::*};
    let me = caller().ok_or(AppError::Unauthorized)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    if me.role == Role::Member {
        let mut offered = super::engine::offered(&mut conn, me.id, st.clock.now()).await?;
        let texts = crate::texts::db::Localised::for_caller(&mut conn).await?;
        for o in &mut offered {
            texts.reward(&mut o.reward);
        }
        return Ok(offered);
    }
    Ok(super::db::list(&mut conn, false)
        .await?
        .into_iter()
        .map(|(reward, _)| Offered {
            reward,
            blocked: None,
            missing: 0,
        })
        .collect())
}

/// Takes a reward for the signed-in member's points and returns its single-use code; a member
/// short of points gets [`AppError::PointsShort`] with how many they lack.
#[server(prefix = "/api", endpoint = "rewards/redeem")]
pub async fn redeem_reward(
    reward_id: i64,
    idempotency_key: String,
) -> Result<RewardCode, AppError> {
    use crate::{idempotency, server::*};
    let me = require_member()?;
    let st = state()?;
    let now = st.clock.now();
    let request = serde_json::json!({ "reward": reward_id }).to_string();
    let change: idempotency::Change<RewardCode> = Box::new(move |conn, key| {
        Box::pin(super::engine::redeem(conn, me.id, reward_id, key, now))
    });
    let code = idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await?;
    // Back to the page without the confirm step (`?take=`): a plain form post would
    // otherwise return to the question it just answered.
    leptos_axum::redirect("/me/rewards");
    Ok(code)
}

/// The signed-in member's codes, newest first.
#[server(prefix = "/api", endpoint = "rewards/mine")]
pub async fn my_rewards() -> Result<Vec<RewardCode>, AppError> {
    use crate::server::*;
    let me = caller().ok_or(AppError::Unauthorized)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let mut codes = super::db::codes_of(&mut conn, me.id, st.clock.now()).await?;
    let texts = crate::texts::db::Localised::for_caller(&mut conn).await?;
    for c in &mut codes {
        texts.name(crate::texts::Kind::Reward, c.reward_id, &mut c.reward);
    }
    Ok(codes)
}

/// Uses a member's code at the counter (any staff). `code` as typed or scanned.
#[server(prefix = "/api", endpoint = "rewards/use")]
pub async fn use_code(
    code: String,
    location_id: Option<i64>,
    idempotency_key: String,
) -> Result<RewardCode, AppError> {
    use crate::{accounts::Role, error::Msg, idempotency, server::*};
    let me = require(Role::Staff)?;
    let code =
        super::types::parse_code(&code).ok_or_else(|| AppError::field("code", Msg::CodeUnknown))?;
    let st = state()?;
    // Empty: where the caller works the counter.
    let location_id = match location_id {
        Some(id) => id,
        None => crate::loyalty::api::remembered_location(&st, me.id)
            .await?
            .ok_or_else(|| AppError::field("location_id", Msg::LocationRequired))?,
    };
    let now = st.clock.now();
    let request = serde_json::json!({ "use": code, "location": location_id }).to_string();
    let change: idempotency::Change<RewardCode> = Box::new(move |conn, _key| {
        Box::pin(async move {
            super::engine::consume(
                conn,
                &code,
                location_id,
                crate::loyalty::db::Actor::Staff(me.id),
                now,
            )
            .await
        })
    });
    idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await
}

/// Adds (`id` empty) or changes a reward (managers and owners). `stock` empty: no limit;
/// dates `YYYY-MM-DD` or empty; `min_tier_id` empty: any tier.
#[server(prefix = "/api", endpoint = "rewards/save")]
pub async fn save_reward(
    id: Option<i64>,
    name: String,
    description: String,
    cost: String,
    stock: String,
    starts_on: String,
    ends_on: String,
    min_tier_id: Option<String>,
    icon: String,
    valid_days: String,
    refund_if_unused: Option<String>,
    active: Option<String>,
) -> Result<super::types::Reward, AppError> {
    use super::types::{ICONS, Reward};
    use crate::{
        error::Msg,
        loyalty::program_api::imp::{audited, description_and_window, name as valid_name},
    };
    let number = |field: &str, raw: &str, range: std::ops::RangeInclusive<i64>, msg| {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| AppError::field(field, msg))
    };
    let (description, starts_on, ends_on) =
        description_and_window(&description, &starts_on, &ends_on)?;
    let icon = icon.trim().to_owned();
    if !ICONS.contains(&icon.as_str()) {
        return Err(AppError::BadRequest);
    }
    let tier = min_tier_id
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<i64>().map_err(|_| AppError::BadRequest))
        .transpose()?;
    let mut reward = Reward {
        id: id.unwrap_or(0),
        name: valid_name("name", &name, Msg::RewardNameRequired)?,
        description,
        cost: number("cost", &cost, 1..=10_000_000, Msg::PointsInvalid)?,
        stock: match stock.trim() {
            "" => None,
            s => Some(number("stock", s, 0..=1_000_000, Msg::StockInvalid)?),
        },
        starts_on,
        ends_on,
        min_tier: None,
        icon,
        valid_days: number("valid_days", &valid_days, 1..=365, Msg::DaysInvalid)?,
        refund_if_unused: refund_if_unused.is_some_and(|v| v == "true" || v == "on"),
        active: active.is_none_or(|v| v == "true" || v == "on"),
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            if let Some(tier) = tier {
                let name: Option<String> =
                    sqlx::query_scalar("SELECT name FROM tiers WHERE id = $1")
                        .bind(tier)
                        .fetch_optional(&mut *tx)
                        .await?;
                reward.min_tier = Some((tier, name.ok_or(AppError::BadRequest)?));
            }
            reward.id = super::db::save(&mut *tx, &reward, now).await?;
            let target = format!("reward:{}", reward.id);
            audited(&mut *tx, &me, "rewards.save", &target, reward).await
        })
    })
    .await
}
