//! Ledger queries. `append` is the only way points move: it reads the cached balance, refuses
//! to go below zero, and writes the movement, the new balance and the point lots together.
//! Callers run it inside a write (`BEGIN IMMEDIATE`) transaction, so no other writer sees a
//! stale balance.
//!
//! Lots: every credit is a lot of points with an optional expiry; every debit takes from open
//! lots, oldest first (or from one named lot first: a refund takes back its own purchase's
//! points, an expiry empties its own lot). The sum of open lots always equals the balance.

mod actor;
pub mod program;

pub use actor::Actor;

use sqlx::SqliteConnection;

use crate::db::Stamp;

use super::types::{Movement, MovementKind};

/// A movement to append.
#[derive(Debug)]
pub struct NewMovement<'a> {
    /// The member.
    pub member_id: i64,
    /// Signed, non-zero.
    pub amount: i64,
    /// Kind.
    pub kind: MovementKind,
    /// Why.
    pub reason: &'a str,
    /// Who.
    pub actor: Actor,
    /// Unique per movement (the scoped idempotency key).
    pub key: &'a str,
    /// Where it happened, if at a location.
    pub location_id: Option<i64>,
    /// The purchase it belongs to (earning, refund reversal).
    pub purchase_id: Option<i64>,
    /// The partner retailer it happened at, if at one.
    pub partner_id: Option<i64>,
    /// When (database timestamp).
    pub at: Stamp,
    /// For a credit: when its points expire (`None`: never).
    pub expires_at: Option<Stamp>,
    /// For a debit: the lot (its movement id) to take from before the oldest ones.
    pub first_from: Option<i64>,
}

impl<'a> NewMovement<'a> {
    /// A movement with no location, purchase, expiry or preferred lot.
    pub fn plain(
        member_id: i64,
        amount: i64,
        kind: MovementKind,
        reason: &'a str,
        actor: Actor,
        key: &'a str,
        at: Stamp,
    ) -> Self {
        Self {
            member_id,
            amount,
            kind,
            reason,
            actor,
            key,
            location_id: None,
            purchase_id: None,
            partner_id: None,
            at,
            expires_at: None,
            first_from: None,
        }
    }
}

/// Why a movement was not appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// It would take the balance below zero.
    #[error("balance {balance} is too low")]
    Insufficient {
        /// The balance it would have come from.
        balance: i64,
    },
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The HTTP answer for a ledger refusal: too few points is the `points` field's error.
impl From<AppendError> for crate::error::AppError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Insufficient { .. } => {
                Self::field("points", crate::error::Msg::InsufficientPoints)
            }
            AppendError::Db(e) => e.into(),
        }
    }
}

const MOVEMENT_COLUMNS: &str =
    "SELECT m.id, m.member_id, m.amount, m.kind, m.reason, coalesce(l.name, p.name) AS location,
        m.purchase_id, m.balance_after, m.created_at
 FROM point_movements m LEFT JOIN locations l ON l.id = m.location_id
 LEFT JOIN partners p ON p.id = m.partner_id";

/// The member's cached balance (0 before their first movement).
pub async fn balance(conn: &mut SqliteConnection, member_id: i64) -> Result<i64, sqlx::Error> {
    let b: Option<i64> =
        sqlx::query_scalar("SELECT balance FROM member_balances WHERE member_id = $1")
            .bind(member_id)
            .fetch_optional(conn)
            .await?;
    Ok(b.unwrap_or(0))
}

/// Locks the member's balance row for the rest of the transaction (a no-op update: the
/// portable form of `SELECT … FOR UPDATE`), so what is read next about their points cannot
/// change before this transaction writes.
pub async fn lock_member(conn: &mut SqliteConnection, member_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE member_balances SET balance = balance WHERE member_id = $1")
        .bind(member_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// True when `id` is a member account (not staff, not missing).
pub async fn is_member(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'member' AND closed_at IS NULL)")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Moves the cached balance by `amount` unless that would take it below zero; returns the
/// new balance, or the current one as the refusal. One conditional statement: the row exists
/// from sign-up, and the update locks it.
async fn move_balance(
    conn: &mut SqliteConnection,
    member_id: i64,
    amount: i64,
    at: Stamp,
) -> Result<i64, AppendError> {
    let moved: Option<i64> = sqlx::query_scalar(
        "UPDATE member_balances SET balance = balance + $1, updated_at = $2
         WHERE member_id = $3 AND balance + $1 >= 0 RETURNING balance",
    )
    .bind(amount)
    .bind(at)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    match moved {
        Some(after) => Ok(after),
        None if amount < 0 => Err(AppendError::Insufficient {
            balance: balance(conn, member_id).await?,
        }),
        // Only an account that is not a member has no balance row.
        None => Err(AppendError::Db(sqlx::Error::RowNotFound)),
    }
}

/// Appends one movement and returns it as read back.
pub async fn append(
    conn: &mut SqliteConnection,
    m: &NewMovement<'_>,
) -> Result<Movement, AppendError> {
    let (id, _) = append_only(conn, m).await?;
    Ok(get(conn, id).await?)
}

/// Appends one movement, moves the cached balance and the lots; returns the movement's id
/// and the balance after it.
pub async fn append_only(
    conn: &mut SqliteConnection,
    m: &NewMovement<'_>,
) -> Result<(i64, i64), AppendError> {
    let after = move_balance(conn, m.member_id, m.amount, m.at).await?;
    let (actor_kind, actor_id) = match m.actor {
        Actor::Staff(id) => ("staff", Some(id)),
        Actor::Member(id) => ("member", Some(id)),
        Actor::System => ("system", None),
        Actor::ApiKey(id) => ("api_key", Some(id)),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO point_movements
           (member_id, amount, kind, reason, actor_kind, actor_id, balance_after, idempotency_key,
            created_at, location_id, purchase_id, partner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING id",
    )
    .bind(m.member_id)
    .bind(m.amount)
    .bind(m.kind)
    .bind(m.reason)
    .bind(actor_kind)
    .bind(actor_id)
    .bind(after)
    .bind(m.key)
    .bind(m.at)
    .bind(m.location_id)
    .bind(m.purchase_id)
    .bind(m.partner_id)
    .fetch_one(&mut *conn)
    .await?;
    if m.amount > 0 {
        sqlx::query(
            "INSERT INTO point_lots (movement_id, member_id, remaining, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(m.member_id)
        .bind(m.amount)
        .bind(m.expires_at)
        .execute(&mut *conn)
        .await?;
    } else {
        take_from_lots(conn, m.member_id, -m.amount, m.first_from).await?;
    }
    Ok((id, after))
}

/// Takes `points` from the member's open lots: `first` (if given), then oldest first. Reads
/// only as many lots as it needs, so a member with a long history costs the same as a new one.
async fn take_from_lots(
    conn: &mut SqliteConnection,
    member_id: i64,
    mut points: i64,
    first: Option<i64>,
) -> Result<(), sqlx::Error> {
    const BATCH: i64 = 16;
    if let Some(lot) = first {
        let remaining: Option<i64> = sqlx::query_scalar(
            "SELECT remaining FROM point_lots
             WHERE movement_id = $1 AND member_id = $2 AND remaining > 0",
        )
        .bind(lot)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(remaining) = remaining {
            points -= take_from_lot(conn, lot, remaining.min(points)).await?;
        }
    }
    while points > 0 {
        // Lots emptied by the previous batch have left the open-lot index.
        let open: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT movement_id, remaining FROM point_lots
             WHERE member_id = $1 AND remaining > 0 ORDER BY movement_id LIMIT $2",
        )
        .bind(member_id)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if open.is_empty() {
            // The balance said the points were there; the lots disagree. Refuse rather than
            // let the two drift apart.
            return Err(sqlx::Error::Protocol(format!(
                "lots of member {member_id} short by {points} points"
            )));
        }
        for (lot, remaining) in open {
            if points == 0 {
                break;
            }
            points -= take_from_lot(conn, lot, remaining.min(points)).await?;
        }
    }
    Ok(())
}

/// Takes `take` points from one lot; returns `take`.
async fn take_from_lot(
    conn: &mut SqliteConnection,
    lot: i64,
    take: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE point_lots SET remaining = remaining - $1 WHERE movement_id = $2")
        .bind(take)
        .bind(lot)
        .execute(&mut *conn)
        .await?;
    Ok(take)
}

/// One movement by id.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Movement, sqlx::Error> {
    sqlx::query_as(&format!("{MOVEMENT_COLUMNS} WHERE m.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Open lots whose expiry has come: `(movement id, member id)`, oldest expiry first.
pub async fn expired_lots(
    conn: &mut SqliteConnection,
    now: Stamp,
    limit: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT movement_id, member_id FROM point_lots
         WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1
         ORDER BY expires_at, movement_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// What is left of the lot credited by movement `lot`; `None` when it has no lot (points
/// from before lots existed).
pub async fn lot_remaining(
    conn: &mut SqliteConnection,
    lot: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT remaining FROM point_lots WHERE movement_id = $1")
        .bind(lot)
        .fetch_optional(conn)
        .await
}

/// The member's next expiry: `(points, expiry timestamp)` of the earliest day on which open
/// points expire.
pub async fn next_expiry(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT CAST(sum(remaining) AS BIGINT), min(expires_at) FROM point_lots
         WHERE member_id = $1 AND remaining > 0 AND expires_at IS NOT NULL
         GROUP BY substr(expires_at, 1, 10) ORDER BY 2 LIMIT 1",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await
}

/// A page of the member's movements, newest first, older than movement `before` (if given).
pub async fn page(
    conn: &mut SqliteConnection,
    member_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Movement>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{MOVEMENT_COLUMNS} WHERE m.member_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
    ))
    .bind(member_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The member's newest movements.
pub async fn recent(
    conn: &mut SqliteConnection,
    member_id: i64,
    limit: i64,
) -> Result<Vec<Movement>, sqlx::Error> {
    page(conn, member_id, None, limit).await
}
