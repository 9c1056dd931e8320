//! Purchases and refunds from a till. The till's receipt number is the idempotency key: the
//! same purchase sent again (a retry after a timeout) answers the first result and records
//! nothing; the same receipt number with another body is 409. A refund's own number plays
//! the same part for refunds. Scope `purchases:write`.

use app::{
    checkout,
    error::AppError,
    integrations::Scope,
    loyalty::{
        db::Actor,
        engine::{RefundInput, Sale},
        rules::{Currency, member_number, parse_member_number},
        types::{PurchaseReceipt, RefundReceipt},
    },
    perks::engine::Apply,
};
use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiState,
    auth::Key,
    problem::{ApiResult, Body, Problem, ProblemDoc},
};

/// A purchase a till records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPurchase {
    /// The member's card number.
    pub card_number: String,
    /// What the member paid before any offer, in minor units (cents).
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub amount_minor: i64,
    /// ISO 4217 code; must be the shop's.
    pub currency: String,
    /// The till's receipt number (1–60 characters): the purchase's idempotency key.
    #[schema(min_length = 1, max_length = 60)]
    pub receipt: String,
    /// Where it was bought; required unless the key is tied to a location.
    pub location_id: Option<i64>,
    /// An offer to apply (from the member's offers).
    pub offer_id: Option<i64>,
    /// A next-visit discount to use (from the member's offers).
    pub coupon_id: Option<i64>,
    /// Items bought, for punch cards that stamp per item (0–100).
    #[schema(minimum = 0, maximum = 100)]
    pub items: Option<i64>,
    /// Whether the items were at full price (offers for full-price items only); default true.
    pub full_price: Option<bool>,
}

/// A purchase recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Purchase {
    /// Its id (send it, or the receipt number, to refund it).
    pub purchase_id: i64,
    /// The member's card number.
    pub card_number: String,
    /// What the member paid after any offer, minor units.
    pub amount_minor: i64,
    /// The discount an offer or next-visit discount gave, minor units.
    pub discount_minor: i64,
    /// The currency.
    pub currency: String,
    /// The till's receipt number.
    pub receipt: Option<String>,
    /// Where.
    pub location_id: i64,
    /// Points it earned.
    pub points_earned: i64,
    /// The member's balance afterwards.
    pub balance: i64,
    /// The tier the purchase moved the member up to, if it did.
    pub new_tier: Option<String>,
    /// When (UTC, RFC 3339).
    pub created_at: String,
}

impl From<PurchaseReceipt> for Purchase {
    fn from(r: PurchaseReceipt) -> Self {
        let p = r.purchase;
        Self {
            purchase_id: p.id,
            card_number: member_number(p.member_id),
            amount_minor: p.amount_minor,
            discount_minor: p.discount_minor,
            currency: p.currency.code().to_owned(),
            receipt: p.receipt,
            location_id: p.location_id,
            points_earned: p.points,
            balance: r.balance,
            new_tier: r.new_tier,
            created_at: p.created_at,
        }
    }
}

/// Where a key's sale happens: the key's own location, else the one the request names.
pub(super) fn location(
    key: &app::integrations::db::Caller,
    asked: Option<i64>,
) -> Result<i64, Problem> {
    match (key.location_id, asked) {
        (Some(fixed), Some(asked)) if fixed != asked => {
            Err(Problem::field("location_id", "location_fixed_by_key"))
        }
        (Some(fixed), _) => Ok(fixed),
        (None, Some(asked)) => Ok(asked),
        (None, None) => Err(Problem::field("location_id", "location_required")),
    }
}

/// A receipt number: trimmed, 1 to 60 characters.
pub(super) fn receipt(raw: &str, field: &str) -> Result<String, Problem> {
    let r = raw.trim();
    if r.is_empty() || r.chars().count() > 60 {
        return Err(Problem::field(field, "receipt_invalid"));
    }
    Ok(r.to_owned())
}

/// Records a purchase and the points it earns.
#[utoipa::path(
    post, path = "/purchases", request_body = NewPurchase,
    responses(
        (status = 201, description = "Recorded (or, for a receipt number sent before with the same body, the first answer again)", body = Purchase),
        (status = 400, description = "Not JSON", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks purchases:write", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The receipt number was used for another purchase", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (`field` names it)", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn record_purchase(
    State(st): State<ApiState>,
    key: Key,
    Body(p): Body<NewPurchase>,
) -> ApiResult<(StatusCode, Json<Purchase>)> {
    let key = key.require(Scope::PurchasesWrite)?;
    let member_id = parse_member_number(&p.card_number)
        .ok_or_else(|| Problem::field("card_number", "member_unknown"))?;
    if !(1..=100_000_000).contains(&p.amount_minor) {
        return Err(Problem::field("amount_minor", "amount_invalid"));
    }
    let currency = Currency::parse(p.currency.trim())
        .ok_or_else(|| Problem::field("currency", "currency_mismatch"))?;
    let receipt = receipt(&p.receipt, "receipt")?;
    let location_id = location(key, p.location_id)?;
    let apply = match (p.offer_id, p.coupon_id) {
        (None, None) => Apply::Nothing,
        (Some(id), None) => Apply::Offer(id),
        (None, Some(id)) => Apply::Coupon(id),
        (Some(_), Some(_)) => return Err(Problem::field("coupon_id", "one_perk_per_purchase")),
    };
    let items = p.items.unwrap_or(0);
    if !(0..=100).contains(&items) {
        return Err(Problem::field("items", "items_invalid"));
    }
    let full_price = p.full_price.unwrap_or(true);
    let request = serde_json::json!({
        "purchase": member_id, "amount": p.amount_minor, "currency": currency,
        "location": location_id, "apply": format!("{apply:?}"), "items": items,
        "full_price": full_price,
    })
    .to_string();
    let (key_id, now) = (key.id, st.app.clock.now());
    let scoped = format!("api_key:{key_id}:purchase:{receipt}");
    let change: app::idempotency::Change<PurchaseReceipt> = Box::new(move |conn, idem| {
        Box::pin(async move {
            if !app::loyalty::db::is_member(conn, member_id).await? {
                return Err(AppError::NotFound);
            }
            let input = checkout::PurchaseInput {
                sale: Sale {
                    member_id,
                    amount_minor: p.amount_minor,
                    currency,
                    receipt: Some(&receipt),
                    location_id,
                    full_price,
                    by: Actor::ApiKey(key_id),
                    key: idem,
                },
                apply,
                items,
            };
            checkout::purchase(conn, &input, now).await
        })
    });
    let done = app::idempotency::once(&st.app.db, scoped, request, change)
        .await
        .map_err(|e| match e {
            // The counter's form calls its offer or discount field `apply`; here it is the
            // one the request named.
            AppError::Validation { field, message_key } if field == "apply" => {
                let named = if p.coupon_id.is_some() {
                    "coupon_id"
                } else {
                    "offer_id"
                };
                AppError::Validation {
                    field: named.to_owned(),
                    message_key,
                }
            }
            other => other,
        })?;
    Ok((StatusCode::CREATED, Json(done.into())))
}

/// A refund a till records: of `purchase_id`, or of the purchase this key recorded under
/// `receipt`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// The purchase's id.
    pub purchase_id: Option<i64>,
    /// Or the receipt number this key recorded the purchase under.
    pub receipt: Option<String>,
    /// How much of it, minor units.
    #[schema(minimum = 1)]
    pub amount_minor: i64,
    /// The till's number for this refund (1–60 characters): the refund's idempotency key.
    #[schema(min_length = 1, max_length = 60)]
    pub refund_receipt: String,
}

/// A refund recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refund {
    /// Its id.
    pub refund_id: i64,
    /// The purchase.
    pub purchase_id: i64,
    /// Refunded, minor units.
    pub amount_minor: i64,
    /// Points the refund owed back.
    pub points_due: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Points that could not be taken back (the member had spent them).
    pub shortfall: i64,
    /// The member's balance afterwards.
    pub balance: i64,
}

impl From<RefundReceipt> for Refund {
    fn from(r: RefundReceipt) -> Self {
        Self {
            refund_id: r.refund_id,
            purchase_id: r.purchase_id,
            amount_minor: r.amount_minor,
            points_due: r.points_due,
            points_reversed: r.points_reversed,
            shortfall: r.shortfall,
            balance: r.balance,
        }
    }
}

/// Refunds all or part of a purchase: the points that part earned are taken back as far as
/// the balance allows; what the purchase set off (stamps, discounts) is undone.
#[utoipa::path(
    post, path = "/refunds", request_body = NewRefund,
    responses(
        (status = 201, description = "Recorded (or the first answer again for a refund number sent before)", body = Refund),
        (status = 400, description = "Not JSON", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks purchases:write", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such purchase", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The refund number was used for another refund", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, or more than is left of the purchase", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn record_refund(
    State(st): State<ApiState>,
    key: Key,
    Body(r): Body<NewRefund>,
) -> ApiResult<(StatusCode, Json<Refund>)> {
    let key = key.require(Scope::PurchasesWrite)?;
    if r.amount_minor < 1 {
        return Err(Problem::field("amount_minor", "amount_invalid"));
    }
    let refund_receipt = receipt(&r.refund_receipt, "refund_receipt")?;
    let purchase_id = match (r.purchase_id, r.receipt.as_deref()) {
        (Some(id), None) => id,
        (None, Some(raw)) => {
            let number = receipt(raw, "receipt")?;
            let mut conn = st.app.db.reader.acquire().await?;
            app::loyalty::db::program::purchase_by_receipt(&mut conn, key.id, &number)
                .await?
                .ok_or(AppError::NotFound)?
        }
        _ => return Err(Problem::field("purchase_id", "purchase_id_or_receipt")),
    };
    let request = serde_json::json!({
        "refund": purchase_id, "amount": r.amount_minor, "location": key.location_id,
    })
    .to_string();
    let (key_id, location_id, now) = (key.id, key.location_id, st.app.clock.now());
    let scoped = format!("api_key:{key_id}:refund:{refund_receipt}");
    let change: app::idempotency::Change<RefundReceipt> = Box::new(move |conn, idem| {
        Box::pin(async move {
            let input = RefundInput {
                purchase_id,
                amount_minor: r.amount_minor,
                by: Actor::ApiKey(key_id),
                location_id,
                confirmed: true,
                key: idem,
            };
            checkout::refund(conn, &input, now).await
        })
    });
    let done = app::idempotency::once(&st.app.db, scoped, request, change).await?;
    Ok((StatusCode::CREATED, Json(done.into())))
}
