//! The program's side of a refund: the points a share of a purchase earned are taken back, as
//! far as the balance allows, what could not be taken back is recorded, and the tier is
//! decided again. [`crate::checkout::refund`] calls these around the perks' undo.

use crate::db::Stamp;
use sqlx::SqliteConnection;

use crate::{
    error::{AppError, Msg},
    loyalty::{
        db::{
            self, Actor, NewMovement,
            program::{self as pdb, NewRefund},
        },
        rules,
        types::{MovementKind, Purchase},
    },
};

/// A refund recorded: the purchase as it was before it, and the points.
#[derive(Debug)]
pub struct TakenBack {
    /// The refund's id.
    pub refund_id: i64,
    /// The purchase before this refund.
    pub purchase: Purchase,
    /// Points this share of the purchase earned.
    pub due: i64,
    /// Points taken back.
    pub reversed: i64,
}

/// Refunds `amount_minor` of a purchase: takes back the points that share of the purchase
/// earned, as far as what is left of them allows, and records the refund with what could not
/// be taken back.
pub async fn take_back(
    conn: &mut SqliteConnection,
    r: &RefundInput<'_>,
    now: Stamp,
) -> Result<TakenBack, AppError> {
    let RefundInput {
        purchase_id,
        amount_minor,
        by,
        location_id,
        confirmed,
        key,
    } = *r;
    if !pdb::lock_purchase(conn, purchase_id).await? {
        return Err(AppError::NotFound);
    }
    let p = pdb::purchase_by_id(conn, purchase_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if amount_minor > p.amount_minor - p.refunded_minor {
        return Err(AppError::field("amount", Msg::RefundTooLarge));
    }
    let due = rules::refund_due(p.points, p.amount_minor, p.refunded_minor, amount_minor);
    // Only what is left of this purchase's own points is taken back: points of it that were
    // spent or expired are the shortfall, and other purchases' points are never touched. A
    // purchase from before points had lots is bounded by the balance alone.
    let first_from = pdb::earn_movement(conn, purchase_id).await?;
    let left = match first_from {
        Some(lot) => db::lot_remaining(conn, lot).await?,
        None => Some(0),
    };
    let balance = db::balance(conn, p.member_id).await?;
    let reversed = due.min(balance).min(left.unwrap_or(balance));
    if !confirmed {
        return Err(AppError::NeedsConfirmation(crate::error::Confirm::Refund {
            purchase_id,
            amount_minor,
            currency: p.currency,
            points: reversed,
        }));
    }
    let at = now;
    if reversed > 0 {
        let new = NewMovement {
            location_id: Some(p.location_id),
            purchase_id: Some(purchase_id),
            first_from,
            ..NewMovement::plain(
                p.member_id,
                -reversed,
                MovementKind::RefundReversal,
                p.receipt.as_deref().unwrap_or(""),
                by,
                key,
                at,
            )
        };
        db::append(conn, &new).await?;
    }
    let refund_id = pdb::insert_refund(
        conn,
        &NewRefund {
            purchase_id,
            amount_minor,
            points_due: due,
            points_reversed: reversed,
            by,
            location_id,
            at,
        },
    )
    .await?;
    Ok(TakenBack {
        refund_id,
        purchase: p,
        due,
        reversed,
    })
}

/// A refund staff ask for.
#[derive(Debug, Clone, Copy)]
pub struct RefundInput<'a> {
    /// The purchase.
    pub purchase_id: i64,
    /// How much of it, in minor units.
    pub amount_minor: i64,
    /// Who refunds: staff at the counter, or a till with an API key.
    pub by: Actor,
    /// Where.
    pub location_id: Option<i64>,
    /// Whether staff saw what the refund takes back; without it nothing changes and the
    /// answer is the question ([`AppError::NeedsConfirmation`]).
    pub confirmed: bool,
    /// The scoped idempotency key.
    pub key: &'a str,
}

/// After a refund of a purchase made at `bought_at`: if the member went up a tier since then,
/// the tier is decided again from the tier they had before, on the points they have now
/// earned net of refunds (a big purchase refunded does not keep its tier). A move down is
/// recorded as a downgrade; the review date stays.
pub async fn retier(
    conn: &mut SqliteConnection,
    member_id: i64,
    bought_at: Stamp,
    now: Stamp,
) -> Result<(), sqlx::Error> {
    let before: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT from_tier_id FROM tier_changes
         WHERE member_id = $1 AND reason = 'upgrade' AND created_at >= $2 ORDER BY id LIMIT 1",
    )
    .bind(member_id)
    .bind(bought_at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(before) = before else {
        return Ok(());
    };
    let Some((current, review_at)) = pdb::member_tier(conn, member_id).await? else {
        return Ok(());
    };
    let settings = pdb::settings(conn).await?;
    let tiers = pdb::tiers(conn).await?;
    let (_, earned) = pdb::current_tier(conn, member_id, &settings, &tiers, now).await?;
    let decided = rules::after_earning(&tiers, before, earned);
    if rules::rank(&tiers, decided) >= rules::rank(&tiers, current) {
        return Ok(());
    }
    let at = now;
    pdb::set_member_tier(conn, member_id, decided, review_at, at).await?;
    pdb::insert_tier_change(
        conn,
        &pdb::TierChange {
            member_id,
            from: current,
            to: decided,
            reason: "downgrade",
            earned,
            at,
        },
    )
    .await
}
