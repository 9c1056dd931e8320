//! Sales to customers who are not members, recorded at the counter so the analytics can show
//! what share of the shop's revenue its members bring: an amount, a receipt, the location and
//! refunds. They earn nothing and belong to nobody. Each change takes an idempotency key.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, loyalty::rules::Currency};

/// How many of a location's latest sales without a member the counter lists.
pub const GUEST_LIST: i64 = 5;

/// A sale without a member.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestSale {
    pub id: i64,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    pub currency: Currency,
    pub receipt: Option<String>,
    pub location_id: i64,
    /// When (UTC).
    pub created_at: String,
}

impl GuestSale {
    /// What is left to refund.
    pub fn left_minor(&self) -> i64 {
        self.amount_minor - self.refunded_minor
    }
}

/// A refund of a sale without a member: the sale after it, and what this refund gave back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestRefund {
    pub sale: GuestSale,
    pub amount_minor: i64,
}

/// The counter's sales without a member: the latest at the caller's location, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestSaleList {
    pub currency: Currency,
    pub sales: Vec<GuestSale>,
}

/// The latest [`GUEST_LIST`] sales without a member at the caller's counter location (staff).
#[server(prefix = "/api", endpoint = "loyalty/guest_sales")]
pub async fn guest_sales() -> Result<GuestSaleList, AppError> {
    use crate::{accounts::Role, server::*};
    let me = require(Role::Staff)?;
    let st = state()?;
    let location = super::counter::remembered_location(&st, me.id).await?;
    let mut conn = st.db.reader.acquire().await?;
    let currency = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .currency;
    let sales = sqlx::query_as(&format!(
        "SELECT {FIELDS} FROM guest_sales WHERE location_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(location)
    .bind(GUEST_LIST)
    .fetch_all(&mut *conn)
    .await?;
    Ok(GuestSaleList { currency, sales })
}

/// A [`GuestSale`]'s columns.
#[cfg(feature = "ssr")]
const FIELDS: &str = "id, amount_minor, refunded_minor, currency, receipt, location_id, created_at";

/// A sale without a member to record.
#[cfg(feature = "ssr")]
pub struct NewGuestSale<'a> {
    pub amount_minor: i64,
    pub currency: Currency,
    pub receipt: Option<&'a str>,
    pub location_id: i64,
    pub staff_id: i64,
}

/// Records a sale without a member at `at` (its roll-up follows in the same transaction).
#[cfg(feature = "ssr")]
pub async fn insert_guest_sale(
    conn: &mut sqlx::SqliteConnection,
    sale: &NewGuestSale<'_>,
    at: crate::db::Stamp,
) -> Result<GuestSale, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO guest_sales (amount_minor, currency, receipt, location_id, staff_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING {FIELDS}"
    ))
    .bind(sale.amount_minor)
    .bind(sale.currency)
    .bind(sale.receipt)
    .bind(sale.location_id)
    .bind(sale.staff_id)
    .bind(at)
    .fetch_one(conn)
    .await
}

/// Records a sale to a customer who is not a member (any staff) at `location_id` (empty: the
/// caller's counter location). `amount` is in currency units as typed; `currency` must be the
/// shop's.
#[server(prefix = "/api", endpoint = "loyalty/guest_sale")]
pub async fn record_guest_sale(
    amount: String,
    currency: String,
    receipt: Option<String>,
    location_id: Option<i64>,
    idempotency_key: String,
) -> Result<GuestSale, AppError> {
    use crate::{accounts::Role, error::Msg, idempotency, loyalty::rules, server::*};
    let me = require(Role::Staff)?;
    let amount_minor = rules::parse_amount(&amount).map_err(|m| AppError::field("amount", m))?;
    let receipt = super::changes::receipt_field(receipt)?;
    let currency = Currency::parse(currency.trim())
        .ok_or_else(|| AppError::field("currency", Msg::CurrencyMismatch))?;
    let st = state()?;
    let location_id = super::counter::counter_location(&st, me.id, location_id).await?;
    let request = serde_json::json!({
        "guest_sale": amount_minor, "currency": currency, "receipt": receipt,
        "location": location_id,
    })
    .to_string();
    let now = st.clock.now();
    let change: idempotency::Change<GuestSale> = Box::new(move |conn, _| {
        Box::pin(async move {
            let pdb = crate::loyalty::db::program::settings(&mut *conn).await?;
            if currency != pdb.currency {
                return Err(AppError::field("currency", Msg::CurrencyMismatch));
            }
            if crate::loyalty::db::program::location_name(&mut *conn, location_id)
                .await?
                .is_none()
            {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            let sale = NewGuestSale {
                amount_minor,
                currency,
                receipt: receipt.as_deref(),
                location_id,
                staff_id: me.id,
            };
            Ok(insert_guest_sale(conn, &sale, now).await?)
        })
    });
    idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await
}

/// Refunds all or part of a sale without a member (any staff): `amount` in currency units, or
/// empty for everything not refunded yet.
#[server(prefix = "/api", endpoint = "loyalty/guest_refund")]
pub async fn refund_guest_sale(
    sale_id: i64,
    amount: Option<String>,
    idempotency_key: String,
) -> Result<GuestRefund, AppError> {
    use crate::{accounts::Role, error::Msg, idempotency, loyalty::rules, server::*};
    let me = require(Role::Staff)?;
    let amount_minor = match amount.as_deref().map(str::trim).unwrap_or_default() {
        "" => None,
        raw => Some(rules::parse_amount(raw).map_err(|m| AppError::field("amount", m))?),
    };
    let st = state()?;
    let request =
        serde_json::json!({ "guest_refund": sale_id, "amount": amount_minor }).to_string();
    let change: idempotency::Change<GuestRefund> = Box::new(move |conn, _| {
        Box::pin(async move {
            let sale: GuestSale =
                sqlx::query_as(&format!("SELECT {FIELDS} FROM guest_sales WHERE id = $1"))
                    .bind(sale_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(AppError::NotFound)?;
            let amount = amount_minor.unwrap_or(sale.left_minor());
            if amount > sale.left_minor() || amount == 0 {
                return Err(AppError::field("amount", Msg::RefundTooLarge));
            }
            sqlx::query(
                "UPDATE guest_sales SET refunded_minor = refunded_minor + $2 WHERE id = $1",
            )
            .bind(sale_id)
            .bind(amount)
            .execute(&mut *conn)
            .await?;
            Ok(GuestRefund {
                sale: GuestSale {
                    refunded_minor: sale.refunded_minor + amount,
                    ..sale
                },
                amount_minor: amount,
            })
        })
    });
    idempotency::once_on_writer(&st.db, me.id, idempotency_key, request, change).await
}
