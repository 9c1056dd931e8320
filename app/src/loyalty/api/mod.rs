//! Ledger server functions: a member's standing and history, purchases and refunds at the
//! counter (any staff), redemptions (any staff) and manual adjustments (managers and owners,
//! with a reason). Every change takes an idempotency key.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::types::{
    HistorySlice, Movement, PointsSummary, Purchase, PurchaseReceipt, RefundReceipt,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod imp {
    use super::super::{
        db::{self, Actor, NewMovement, program as pdb},
        types::{Movement, MovementKind, Reason},
    };
    use crate::{
        accounts::{CurrentUser, Role},
        audit,
        db::Stamp,
        error::{AppError, Msg},
        idempotency,
        server::state,
    };

    /// The member a caller may look at: members only themselves; staff anyone they name.
    pub fn whose(me: &CurrentUser, member_id: Option<i64>) -> Result<i64, AppError> {
        match (me.role, member_id) {
            (Role::Member, None) => Ok(me.id),
            (Role::Member, Some(id)) if id == me.id => Ok(me.id),
            (Role::Member, Some(_)) => Err(AppError::Forbidden),
            (_, Some(id)) => Ok(id),
            (_, None) => Err(AppError::field("member_id", Msg::MemberRequired)),
        }
    }

    /// The member the caller may look at ([`whose`]), known to be a member, the time now and
    /// a reader connection.
    pub async fn member_reader(
        member_id: Option<i64>,
    ) -> Result<(i64, Stamp, sqlx::pool::PoolConnection<sqlx::Sqlite>), AppError> {
        let me = crate::server::caller().ok_or(AppError::Unauthorized)?;
        let member_id = whose(&me, member_id)?;
        let st = state()?;
        let mut conn = st.db.reader.acquire().await?;
        if !db::is_member(&mut conn, member_id).await? {
            return Err(AppError::NotFound);
        }
        Ok((member_id, st.clock.now(), conn))
    }

    /// What a points change asks for, before it is applied.
    pub struct Change<'a> {
        pub me: &'a CurrentUser,
        pub member_id: i64,
        pub amount: i64,
        pub kind: MovementKind,
        pub reason: Reason,
        /// The client's idempotency key, as sent.
        pub key: &'a str,
    }

    /// Applies a change once: replays return the first result; a balance that would go below
    /// zero is refused with a field error on `points`.
    pub async fn apply(c: Change<'_>) -> Result<Movement, AppError> {
        let st = state()?;
        let request = serde_json::json!({
            "kind": c.kind.as_str(), "member_id": c.member_id, "amount": c.amount, "reason": c.reason.as_str(),
        })
        .to_string();
        let now = st.clock.now();
        let (me_id, client_key) = (c.me.id, c.key.to_owned());
        let Change {
            member_id,
            amount,
            kind,
            reason,
            ..
        } = c;
        let change: idempotency::Change<Movement> = Box::new(move |conn, key| {
            Box::pin(async move {
                if !db::is_member(conn, member_id).await? {
                    return Err(AppError::NotFound);
                }
                let at = now;
                // Only credits become lots that expire.
                let expires_at = if amount > 0 {
                    pdb::expiry_of(&pdb::settings(conn).await?, now)
                } else {
                    None
                };
                let new = NewMovement {
                    expires_at,
                    ..NewMovement::plain(
                        member_id,
                        amount,
                        kind,
                        reason.as_str(),
                        Actor::Staff(me_id),
                        key,
                        at,
                    )
                };
                let movement = db::append(conn, &new).await?;
                if kind == MovementKind::Adjustment {
                    let detail = format!("{amount:+} points: {}", reason.as_str());
                    audit::db::record(
                        conn,
                        Some(me_id),
                        "points.adjust",
                        &format!("user:{member_id}"),
                        &detail,
                    )
                    .await?;
                }
                Ok(movement)
            })
        });
        idempotency::once_on_writer(&st.db, me_id, client_key, request, change).await
    }
}

/// A member's standing: balance, tier and progress, next expiry, latest movements. Members see
/// only their own (`member_id` empty or theirs); staff see any member's.
#[server(prefix = "/api", endpoint = "loyalty/points")]
pub async fn member_points(member_id: Option<i64>) -> Result<PointsSummary, AppError> {
    let (member_id, now, mut conn) = imp::member_reader(member_id).await?;
    let mut summary = super::engine::standing(&mut conn, member_id, now).await?;
    // Tier names and benefits in the reader's language.
    let texts = crate::texts::db::Localised::for_caller(&mut conn).await?;
    if let Some(t) = summary.tier.as_mut() {
        texts.tier(t);
    }
    if let Some((t, _)) = summary.next_tier.as_mut() {
        texts.tier(t);
    }
    Ok(summary)
}

/// Movements shown per history page.
pub const HISTORY_PAGE: i64 = 20;

/// A page of a member's movements, newest first, older than movement `before`. Same access
/// rule as [`member_points`].
#[server(prefix = "/api", endpoint = "loyalty/history")]
pub async fn member_history(
    member_id: Option<i64>,
    before: Option<i64>,
) -> Result<HistorySlice, AppError> {
    let (member_id, _, mut conn) = imp::member_reader(member_id).await?;
    let mut movements = super::db::page(&mut conn, member_id, before, HISTORY_PAGE + 1).await?;
    let more = movements.len() > usize::try_from(HISTORY_PAGE).unwrap_or(20);
    movements.truncate(usize::try_from(HISTORY_PAGE).unwrap_or(20));
    let older = more.then(|| movements.last().map(|m| m.id)).flatten();
    Ok(HistorySlice { movements, older })
}

/// A member's newest purchases with their refunds so far (staff).
#[server(prefix = "/api", endpoint = "loyalty/purchases")]
pub async fn member_purchases(member_id: i64) -> Result<Vec<Purchase>, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    // No such member is a 404, as in `member_points`, not an empty list.
    if !super::db::is_member(&mut conn, member_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(super::db::program::member_purchases(&mut conn, member_id, 10).await?)
}

mod changes;
mod counter;
mod guests;

pub use changes::*;
pub use counter::*;
pub use guests::*;
