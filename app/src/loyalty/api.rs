//! Ledger server functions: a member's points, manual adjustments (managers and owners, with a
//! reason) and redemptions at the counter (any staff). Every change takes an idempotency key.

use leptos::prelude::*;

use super::types::{Movement, PointsSummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod imp {
    use super::super::{
        db::{self, Actor, AppendError, NewMovement},
        types::{IdempotencyKey, Movement, MovementKind, Reason},
    };
    use crate::{
        accounts::CurrentUser,
        audit,
        error::{AppError, Msg},
        idempotency,
        server::state,
    };

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
        let key =
            IdempotencyKey::parse(c.key).map_err(|m| AppError::field("idempotency_key", m))?;
        let st = state()?;
        let scoped = idempotency::scoped(c.me.id, key.as_str());
        let request = serde_json::json!({
            "kind": c.kind.as_str(), "member_id": c.member_id, "amount": c.amount, "reason": c.reason.as_str(),
        })
        .to_string();
        let mut tx = st.db.begin_write().await?;
        if let Some(first) = idempotency::replay::<Movement>(&mut tx, &scoped, &request).await? {
            return Ok(first);
        }
        if !db::is_member(&mut tx, c.member_id).await? {
            return Err(AppError::NotFound);
        }
        let new = NewMovement {
            member_id: c.member_id,
            amount: c.amount,
            kind: c.kind,
            reason: c.reason.as_str(),
            actor: Actor::Staff(c.me.id),
            key: &scoped,
        };
        let movement = match db::append(&mut tx, &new).await {
            Ok(m) => m,
            Err(AppendError::Insufficient { .. }) => {
                return Err(AppError::field("points", Msg::InsufficientPoints));
            }
            Err(AppendError::Db(e)) => return Err(e.into()),
        };
        idempotency::remember(&mut tx, &scoped, &request, &movement).await?;
        if c.kind == MovementKind::Adjustment {
            let detail = format!("{:+} points: {}", c.amount, c.reason.as_str());
            audit::db::record(
                &mut tx,
                Some(c.me.id),
                "points.adjust",
                &format!("user:{}", c.member_id),
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(movement)
    }
}

/// A member's balance and latest movements. Members see only their own (`member_id` empty or
/// theirs); staff see any member's.
#[server(prefix = "/api", endpoint = "loyalty/points")]
pub async fn member_points(member_id: Option<i64>) -> Result<PointsSummary, AppError> {
    use crate::{accounts::Role, server::*};
    respond(
        async move {
            let me = caller().ok_or(AppError::Unauthorized)?;
            let member_id = match (me.role, member_id) {
                (Role::Member, None) => me.id,
                (Role::Member, Some(id)) if id == me.id => me.id,
                (Role::Member, Some(_)) => return Err(AppError::Forbidden),
                (_, Some(id)) => id,
                (_, None) => {
                    return Err(AppError::field(
                        "member_id",
                        crate::error::Msg::MemberRequired,
                    ));
                }
            };
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            if !super::db::is_member(&mut conn, member_id).await? {
                return Err(AppError::NotFound);
            }
            Ok(PointsSummary {
                member_id,
                balance: super::db::balance(&mut conn, member_id).await?,
                recent: super::db::recent(&mut conn, member_id, 20).await?,
            })
        }
        .await,
    )
}

/// Adds or removes points by hand, with a mandatory reason (managers and owners).
#[server(prefix = "/api", endpoint = "loyalty/adjust")]
pub async fn adjust_points(
    member_id: i64,
    points: String,
    reason: String,
    idempotency_key: String,
) -> Result<Movement, AppError> {
    use super::types::{Delta, MovementKind, Reason};
    use crate::{accounts::Role, server::*};
    respond(
        async move {
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
        .await,
    )
}

/// Spends a member's points at the counter (any staff). Refused if the balance is too low.
#[server(prefix = "/api", endpoint = "loyalty/redeem")]
pub async fn redeem_points(
    member_id: i64,
    points: String,
    reason: String,
    idempotency_key: String,
) -> Result<Movement, AppError> {
    use super::types::{MovementKind, Points, Reason};
    use crate::{accounts::Role, server::*};
    respond(
        async move {
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
        .await,
    )
}
