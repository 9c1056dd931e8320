//! What a partner retailer's till does with its own key (scope `partner`): read a member's
//! balance and what it is worth there, let the member earn points for a purchase there, and
//! let them pay with points. The partner's receipt number is the idempotency key of each (a
//! retry answers the first result; the same number with another body is 409). The points land
//! in the shop's ledger with the partner as their source.

use app::{
    error::AppError,
    integrations::{
        Scope,
        partners::{
            db::{self as partners, Event, Recorded},
            types::Partner,
        },
    },
    loyalty::rules::{Currency, member_number, parse_member_number},
};
use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiState,
    auth::Key,
    problem::{ApiResult, Body, Path, Problem, ProblemDoc},
};

/// The calling key's partner, if the key is a partner's and the partnership is live.
async fn partner_of(st: &ApiState, key: &Key) -> Result<(i64, Partner), Problem> {
    let caller = key.require(Scope::Partner)?;
    let id = caller.partner_id.ok_or(AppError::Forbidden)?;
    let mut conn = st.app.db.reader.acquire().await?;
    let partner = partners::get(&mut conn, id)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok((caller.id, partner))
}

/// A member as a partner sees them: the card and the points.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMember {
    /// The member's card number.
    pub card_number: String,
    /// Points they can spend.
    pub balance: i64,
    /// What their points are worth at this partner, minor units (0 where they cannot pay
    /// with points).
    pub balance_value_minor: i64,
    /// The currency.
    pub currency: String,
}

/// A member's points and what they are worth at this partner.
#[utoipa::path(
    get, path = "/partner/members/{card}",
    params(("card" = String, Path, description = "The member's card number")),
    responses(
        (status = 200, description = "The member's points", body = PartnerMember),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a live partner's key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn partner_member(
    State(st): State<ApiState>,
    key: Key,
    Path(card): Path<String>,
) -> ApiResult<Json<PartnerMember>> {
    let (_, partner) = partner_of(&st, &key).await?;
    let id = parse_member_number(&card).ok_or(AppError::NotFound)?;
    let mut conn = st.app.db.reader.acquire().await?;
    if !app::loyalty::db::is_member(&mut conn, id).await? {
        return Err(AppError::NotFound.into());
    }
    let balance = app::loyalty::db::balance(&mut conn, id).await?;
    let currency = app::loyalty::db::program::settings(&mut conn)
        .await?
        .currency;
    Ok(Json(PartnerMember {
        card_number: member_number(id),
        balance,
        balance_value_minor: if partner.rates.redeem {
            partner.rates.value_of(balance)
        } else {
            0
        },
        currency: currency.code().to_owned(),
    }))
}

/// A purchase at the partner that earns points.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerEarn {
    /// The member's card number.
    pub card_number: String,
    /// What the member paid there, minor units.
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub amount_minor: i64,
    /// ISO 4217 code; must be the shop's.
    pub currency: String,
    /// The partner's receipt number (1–60 characters): the idempotency key.
    #[schema(min_length = 1, max_length = 60)]
    pub receipt: String,
}

/// A payment with points at the partner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRedeem {
    /// The member's card number.
    pub card_number: String,
    /// Points the member pays with.
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub points: i64,
    /// The partner's receipt number (1–60 characters): the idempotency key.
    #[schema(min_length = 1, max_length = 60)]
    pub receipt: String,
}

/// What an earning or payment at the partner did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMovement {
    /// The member's card number.
    pub card_number: String,
    /// The partner's receipt number.
    pub receipt: String,
    /// Points earned (positive) or paid (negative); 0 for a purchase too small to earn one.
    pub points: i64,
    /// What they are worth at the partner, minor units: what the partner owes the shop for
    /// points earned, or what the shop owes the partner for points paid.
    pub value_minor: i64,
    /// The member's balance afterwards.
    pub balance: i64,
    /// When (UTC, RFC 3339).
    pub created_at: String,
}

/// Records `event` for the card under the receipt, once.
async fn record(
    st: &ApiState,
    key: &Key,
    card: &str,
    event: Event,
    receipt: &str,
) -> ApiResult<(StatusCode, Json<PartnerMovement>)> {
    let (key_id, partner) = partner_of(st, key).await?;
    let member_id =
        parse_member_number(card).ok_or_else(|| Problem::field("card_number", "member_unknown"))?;
    let receipt = super::sales::receipt(receipt, "receipt")?;
    let (kind, request) = match event {
        Event::Earn { amount_minor } => (
            "earn",
            serde_json::json!({ "member": member_id, "amount": amount_minor }),
        ),
        Event::Redeem { points } => (
            "redeem",
            serde_json::json!({ "member": member_id, "points": points }),
        ),
    };
    let scoped = format!("partner:{}:{kind}:{receipt}", partner.id);
    let now = st.app.clock.now();
    let shown = receipt.clone();
    let change: app::idempotency::Change<Recorded> = Box::new(move |conn, idem| {
        Box::pin(async move {
            let at = partners::Source {
                partner: &partner,
                api_key_id: key_id,
                receipt: &receipt,
            };
            partners::record(conn, at, member_id, event, idem, now).await
        })
    });
    let done = app::idempotency::once(&st.app.db, scoped, request.to_string(), change).await?;
    Ok((
        StatusCode::CREATED,
        Json(PartnerMovement {
            card_number: member_number(member_id),
            receipt: shown,
            points: done.points,
            value_minor: done.value_minor,
            balance: done.balance,
            created_at: done.created_at,
        }),
    ))
}

/// Records a purchase at the partner and the points it earns at the partner's rate.
#[utoipa::path(
    post, path = "/partner/earn", request_body = PartnerEarn,
    responses(
        (status = 201, description = "Recorded (or, for a receipt number sent before with the same body, the first answer again)", body = PartnerMovement),
        (status = 400, description = "Not JSON", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a live partner's key, or members earn no points there", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The receipt number was used for another earning", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (`field` names it)", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn partner_earn(
    State(st): State<ApiState>,
    key: Key,
    Body(e): Body<PartnerEarn>,
) -> ApiResult<(StatusCode, Json<PartnerMovement>)> {
    if !(1..=100_000_000).contains(&e.amount_minor) {
        return Err(Problem::field("amount_minor", "amount_invalid"));
    }
    let shop = {
        let mut conn = st.app.db.reader.acquire().await?;
        app::loyalty::db::program::settings(&mut conn)
            .await?
            .currency
    };
    if Currency::parse(e.currency.trim()) != Some(shop) {
        return Err(Problem::field("currency", "currency_mismatch"));
    }
    let event = Event::Earn {
        amount_minor: e.amount_minor,
    };
    record(&st, &key, &e.card_number, event, &e.receipt).await
}

/// Records a payment with points at the partner.
#[utoipa::path(
    post, path = "/partner/redeem", request_body = PartnerRedeem,
    responses(
        (status = 201, description = "Paid (or, for a receipt number sent before with the same body, the first answer again)", body = PartnerMovement),
        (status = 400, description = "Not JSON", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a live partner's key, or members cannot pay with points there", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The receipt number was used for another payment", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, or too few points (`field` names it)", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn partner_redeem(
    State(st): State<ApiState>,
    key: Key,
    Body(r): Body<PartnerRedeem>,
) -> ApiResult<(StatusCode, Json<PartnerMovement>)> {
    if !(1..=100_000_000).contains(&r.points) {
        return Err(Problem::field("points", "points_invalid"));
    }
    let event = Event::Redeem { points: r.points };
    record(&st, &key, &r.card_number, event, &r.receipt).await
}
