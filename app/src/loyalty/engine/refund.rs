//! Refunds: the points a share of a purchase earned are taken back, as far as the balance
//! allows, and what could not be taken back is recorded.

use sqlx::SqliteConnection;
use time::OffsetDateTime;

use super::append_error;
use crate::{
    db::timestamp,
    error::{AppError, Msg},
    loyalty::{
        db::{
            self, Actor, NewMovement,
            program::{self as pdb, NewRefund},
        },
        rules,
        types::{MovementKind, RefundReceipt},
    },
};

/// Refunds `amount_minor` of a purchase: takes back the points that share of the purchase
/// earned, as far as the balance allows, and records what could not be taken back.
pub async fn refund(
    conn: &mut SqliteConnection,
    r: &RefundInput<'_>,
    now: OffsetDateTime,
) -> Result<RefundReceipt, AppError> {
    let RefundInput {
        purchase_id,
        amount_minor,
        staff_id,
        location_id,
        confirmed,
        key,
    } = *r;
    let p = pdb::purchase_by_id(conn, purchase_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if amount_minor > p.amount_minor - p.refunded_minor {
        return Err(AppError::field("amount", Msg::RefundTooLarge));
    }
    let due = rules::refund_due(p.points, p.amount_minor, p.refunded_minor, amount_minor);
    let reversed = due.min(db::balance(conn, p.member_id).await?);
    if !confirmed {
        return Err(AppError::NeedsConfirmation(crate::error::Confirm::Refund {
            purchase_id,
            amount_minor,
            currency: p.currency.clone(),
            points: reversed,
        }));
    }
    let at = timestamp(now);
    if reversed > 0 {
        let first_from = pdb::earn_movement(conn, purchase_id).await?;
        let new = NewMovement {
            location_id: Some(p.location_id),
            purchase_id: Some(purchase_id),
            first_from,
            ..NewMovement::plain(
                p.member_id,
                -reversed,
                MovementKind::RefundReversal,
                p.receipt.as_deref().unwrap_or(""),
                Actor::Staff(staff_id),
                key,
                &at,
            )
        };
        db::append(conn, &new).await.map_err(append_error)?;
    }
    let refund_id = pdb::insert_refund(
        conn,
        &NewRefund {
            purchase_id,
            amount_minor,
            points_due: due,
            points_reversed: reversed,
            staff_id,
            location_id,
            at: &at,
        },
    )
    .await?;
    Ok(RefundReceipt {
        refund_id,
        purchase_id,
        amount_minor,
        points_due: due,
        points_reversed: reversed,
        shortfall: due - reversed,
        balance: db::balance(conn, p.member_id).await?,
    })
}

/// A refund staff ask for.
#[derive(Debug, Clone, Copy)]
pub struct RefundInput<'a> {
    /// The purchase.
    pub purchase_id: i64,
    /// How much of it, in minor units.
    pub amount_minor: i64,
    /// Who refunds.
    pub staff_id: i64,
    /// Where.
    pub location_id: Option<i64>,
    /// Whether staff saw what the refund takes back; without it nothing changes and the
    /// answer is the question ([`AppError::NeedsConfirmation`]).
    pub confirmed: bool,
    /// The scoped idempotency key.
    pub key: &'a str,
}
