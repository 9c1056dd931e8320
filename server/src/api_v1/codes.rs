//! Reward codes used at a till: once. A retry of the same use (after a timeout) answers the
//! first result; any other use of a used code is 409 with when and where it was used. Scope
//! `codes:redeem`.

use app::{
    integrations::Scope,
    loyalty::{db::Actor, rules::member_number},
    rewards::types::{RewardCode, parse_code},
};
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiState,
    auth::Key,
    problem::{ApiResult, Body, Problem, ProblemDoc},
};

/// A code to use.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseCode {
    /// The code as printed or scanned (dashes and spaces allowed).
    pub code: String,
    /// Where; required unless the key is tied to a location.
    pub location_id: Option<i64>,
}

/// A code used.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsedCode {
    /// The code.
    pub code: String,
    /// The reward it is for: hand this over.
    pub reward: String,
    /// The member's card number.
    pub card_number: String,
    /// Points the member paid for it.
    pub points: i64,
    /// When it was used (UTC, RFC 3339).
    pub used_at: Option<String>,
}

impl From<RewardCode> for UsedCode {
    fn from(c: RewardCode) -> Self {
        Self {
            code: c.code,
            reward: c.reward,
            card_number: member_number(c.member_id),
            points: c.points,
            used_at: c.used_at,
        }
    }
}

/// Uses a member's reward code.
#[utoipa::path(
    post, path = "/codes/use", request_body = UseCode,
    responses(
        (status = 200, description = "Used now (or the first answer again for the same use)", body = UsedCode),
        (status = 400, description = "Not JSON", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks codes:redeem", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Used already (`detail` says when and where)", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or expired code, or no location", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn use_code(
    State(st): State<ApiState>,
    key: Key,
    Body(u): Body<UseCode>,
) -> ApiResult<Json<UsedCode>> {
    let key = key.require(Scope::CodesRedeem)?;
    let code = parse_code(&u.code).ok_or_else(|| Problem::field("code", "code_unknown"))?;
    let location_id = super::sales::location(key, u.location_id)?;
    let (key_id, now) = (key.id, st.app.clock.now());
    let request = serde_json::json!({ "use": code, "location": location_id }).to_string();
    let scoped = format!("api_key:{key_id}:code:{code}");
    let change: app::idempotency::Change<RewardCode> = Box::new(move |conn, _| {
        Box::pin(async move {
            app::rewards::engine::consume(conn, &code, location_id, Actor::ApiKey(key_id), now)
                .await
        })
    });
    let used = app::idempotency::once(&st.app.db, scoped, request, change).await?;
    Ok(Json(used.into()))
}
