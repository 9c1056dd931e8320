//! Server functions that change a member's points: purchases, refunds, manual adjustments, redemptions. Each takes an idempotency key.

use leptos::prelude::*;

use super::*;

/// Records a purchase at the counter and credits the points the rules give for it (any staff).
/// `amount` is in currency units as typed (`12,50`); `currency` must be the shop's.
#[server(prefix = "/api", endpoint = "loyalty/purchase")]
pub async fn record_purchase(
    member_id: i64,
    amount: String,
    currency: String,
    receipt: Option<String>,
    location_id: Option<i64>,
    full_price: Option<String>,
    /// `offer:ID`, `coupon:ID` or empty.
    apply: Option<String>,
    /// Items bought, for punch cards that stamp per item; empty: none.
    items: Option<String>,
    /// `true`: record it even though the same amount was just recorded for this member.
    confirm: Option<String>,
    idempotency_key: String,
) -> Result<PurchaseReceipt, AppError> {
    use crate::loyalty::rules;
    use crate::{accounts::Role, error::Msg, idempotency, server::*};
    let me = require(Role::Staff)?;
    let amount_minor = rules::parse_amount(&amount).map_err(|m| AppError::field("amount", m))?;
    let st = state()?;
    let location_id = super::counter::counter_location(&st, me.id, location_id).await?;
    let confirmed = is_confirmed(confirm.as_deref());
    let receipt = receipt_field(receipt)?;
    let full_price = full_price.is_some_and(|v| v == "true" || v == "on");
    let apply = crate::perks::engine::Apply::parse(apply.as_deref())?;
    let items = match items.as_deref().map(str::trim).unwrap_or_default() {
        "" => 0,
        n => n
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=100).contains(n))
            .ok_or_else(|| AppError::field("items", Msg::ItemsInvalid))?,
    };
    // Not one a shop can use, so not this shop's either.
    let currency = crate::loyalty::rules::Currency::parse(currency.trim())
        .ok_or_else(|| AppError::field("currency", Msg::CurrencyMismatch))?;
    let request = serde_json::json!({
        "purchase": member_id, "amount": amount_minor, "currency": currency,
        "receipt": receipt, "location": location_id, "full_price": full_price,
        "apply": format!("{apply:?}"), "items": items,
    })
    .to_string();
    let now = st.clock.now();
    let change: idempotency::Change<PurchaseReceipt> = Box::new(move |conn, key| {
        Box::pin(async move {
            if !crate::loyalty::db::is_member(conn, member_id).await? {
                return Err(AppError::NotFound);
            }
            if !confirmed {
                repeat_check(conn, member_id, amount_minor, currency, now).await?;
            }
            let input = crate::checkout::PurchaseInput {
                sale: crate::loyalty::engine::Sale {
                    member_id,
                    amount_minor,
                    currency,
                    receipt: receipt.as_deref(),
                    location_id,
                    full_price,
                    by: crate::loyalty::db::Actor::Staff(me.id),
                    key,
                },
                apply,
                items,
            };
            crate::checkout::purchase(conn, &input, now).await
        })
    });
    let receipt =
        idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await?;
    // A plain form post (no WASM) comes back to the same member, with what was done.
    if is_form_post() {
        leptos_axum::redirect(&format!(
            "/console/counter?q={}&done={}",
            crate::loyalty::rules::member_number(member_id),
            receipt.purchase.id
        ));
    }
    Ok(receipt)
}

/// A receipt number as typed: trimmed, `None` when blank, at most 60 characters.
#[cfg(feature = "ssr")]
pub(super) fn receipt_field(receipt: Option<String>) -> Result<Option<String>, AppError> {
    let receipt = receipt
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if receipt.as_ref().is_some_and(|r| r.chars().count() > 60) {
        return Err(AppError::field(
            "receipt",
            crate::error::Msg::ReceiptTooLong,
        ));
    }
    Ok(receipt)
}

/// How long after a purchase the same amount for the same member asks "record again?".
#[cfg(feature = "ssr")]
const REPEAT_WINDOW_SECS: i64 = 300;

#[cfg(feature = "ssr")]
fn is_confirmed(confirm: Option<&str>) -> bool {
    matches!(confirm, Some("true" | "on"))
}

/// Refuses, as a question, a purchase of the same amount recorded for the member within
/// [`REPEAT_WINDOW_SECS`]: most likely the same sale entered twice.
#[cfg(feature = "ssr")]
async fn repeat_check(
    conn: &mut sqlx::SqliteConnection,
    member_id: i64,
    amount_minor: i64,
    currency: crate::loyalty::rules::Currency,
    now: crate::db::Stamp,
) -> Result<(), AppError> {
    let since = now - jiff::SignedDuration::from_secs(REPEAT_WINDOW_SECS);
    let earlier =
        crate::loyalty::db::program::same_purchase_since(conn, member_id, amount_minor, since)
            .await?;
    match earlier {
        Some(at) => Err(AppError::NeedsConfirmation(
            crate::error::Confirm::RepeatPurchase {
                amount_minor,
                currency,
                seconds_ago: (now - at).as_secs().max(0),
            },
        )),
        None => Ok(()),
    }
}

/// Refunds all or part of a purchase (any staff): takes back the points that part earned, as
/// far as the member's balance allows; the rest is recorded as a shortfall.
#[server(prefix = "/api", endpoint = "loyalty/refund")]
pub async fn refund_purchase(
    purchase_id: i64,
    amount: String,
    /// `true` once staff have seen what the refund takes back; without it the answer is the
    /// question (409 `NeedsConfirmation`) and nothing changes.
    confirm: Option<String>,
    /// Where; empty: the caller's counter location.
    location_id: Option<i64>,
    idempotency_key: String,
) -> Result<RefundReceipt, AppError> {
    use crate::loyalty::rules;
    use crate::{accounts::Role, idempotency, server::*};
    let me = require(Role::Staff)?;
    let amount_minor = rules::parse_amount(&amount).map_err(|m| AppError::field("amount", m))?;
    let st = state()?;
    let location_id = match location_id {
        Some(id) => Some(id),
        None => super::counter::remembered_location(&st, me.id).await?,
    };
    let confirmed = is_confirmed(confirm.as_deref());
    let request = serde_json::json!({
        "refund": purchase_id, "amount": amount_minor, "location": location_id,
    })
    .to_string();
    let now = st.clock.now();
    let change: idempotency::Change<RefundReceipt> = Box::new(move |conn, key| {
        Box::pin(async move {
            let input = crate::loyalty::engine::RefundInput {
                purchase_id,
                amount_minor,
                by: crate::loyalty::db::Actor::Staff(me.id),
                location_id,
                confirmed,
                key,
            };
            crate::checkout::refund(conn, &input, now).await
        })
    });
    idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await
}

/// Adds or removes points by hand, with a mandatory reason (managers and owners).
#[server(prefix = "/api", endpoint = "loyalty/adjust")]
pub async fn adjust_points(
    member_id: i64,
    points: String,
    reason: String,
    idempotency_key: String,
) -> Result<Movement, AppError> {
    use crate::loyalty::types::{Delta, MovementKind, Reason};
    use crate::{accounts::Role, server::*};
    let me = require(Role::Manager)?;
    let delta = Delta::parse(&points).map_err(|m| AppError::field("points", m))?;
    let reason = Reason::parse(&reason).map_err(|m| AppError::field("reason", m))?;
    imp::apply(imp::Change {
        me: &me,
        member_id,
        amount: delta.get(),
        kind: MovementKind::Adjustment,
        reason,
        key: &idempotency_key,
    })
    .await
}

/// Spends a member's points at the counter (any staff). Refused if the balance is too low.
#[server(prefix = "/api", endpoint = "loyalty/redeem")]
pub async fn redeem_points(
    member_id: i64,
    points: String,
    reason: String,
    idempotency_key: String,
) -> Result<Movement, AppError> {
    use crate::loyalty::types::{MovementKind, Points, Reason};
    use crate::{accounts::Role, server::*};
    let me = require(Role::Staff)?;
    let points = Points::parse(&points).map_err(|m| AppError::field("points", m))?;
    // A redemption's kind says what happened; a note is optional.
    let reason = match reason.trim() {
        "" => Reason::none(),
        text => Reason::parse(text).map_err(|m| AppError::field("reason", m))?,
    };
    imp::apply(imp::Change {
        me: &me,
        member_id,
        amount: -points.get(),
        kind: MovementKind::Redeem,
        reason,
        key: &idempotency_key,
    })
    .await
}
