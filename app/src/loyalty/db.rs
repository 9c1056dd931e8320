//! Ledger queries. `append` is the only way points move: it reads the cached balance, refuses
//! to go below zero, and writes the movement and the new balance together. Callers run it
//! inside a write (`BEGIN IMMEDIATE`) transaction, so no other writer sees a stale balance.

use sqlx::{Row, SqliteConnection, sqlite::SqliteRow};

use super::types::{Movement, MovementKind};
use crate::db::now_utc;

/// Who moved the points.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// A staff account.
    Staff(i64),
    /// The member themselves.
    Member(i64),
    /// A background job.
    System,
}

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

fn movement(r: &SqliteRow) -> Result<Movement, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    Ok(Movement {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        amount: r.try_get("amount")?,
        kind: MovementKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("kind {kind}").into()))?,
        reason: r.try_get("reason")?,
        balance_after: r.try_get("balance_after")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The member's cached balance (0 before their first movement).
pub async fn balance(conn: &mut SqliteConnection, member_id: i64) -> Result<i64, sqlx::Error> {
    let b: Option<i64> =
        sqlx::query_scalar("SELECT balance FROM member_balances WHERE member_id = ?")
            .bind(member_id)
            .fetch_optional(conn)
            .await?;
    Ok(b.unwrap_or(0))
}

/// True when `id` is a member account (not staff, not missing).
pub async fn is_member(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM users WHERE id = ? AND role = 'member'")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Appends one movement and updates the cached balance.
pub async fn append(
    conn: &mut SqliteConnection,
    m: &NewMovement<'_>,
) -> Result<Movement, AppendError> {
    let before = balance(conn, m.member_id).await?;
    let after = before
        .checked_add(m.amount)
        .filter(|b| *b >= 0)
        .ok_or(AppendError::Insufficient { balance: before })?;
    let now = now_utc();
    let (actor_kind, actor_id) = match m.actor {
        Actor::Staff(id) => ("staff", Some(id)),
        Actor::Member(id) => ("member", Some(id)),
        Actor::System => ("system", None),
    };
    let row = sqlx::query(
        "INSERT INTO point_movements
           (member_id, amount, kind, reason, actor_kind, actor_id, balance_after, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING id, member_id, amount, kind, reason, balance_after, created_at",
    )
    .bind(m.member_id)
    .bind(m.amount)
    .bind(m.kind.as_str())
    .bind(m.reason)
    .bind(actor_kind)
    .bind(actor_id)
    .bind(after)
    .bind(m.key)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO member_balances (member_id, balance, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id) DO UPDATE SET balance = ?2, updated_at = ?3",
    )
    .bind(m.member_id)
    .bind(after)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(movement(&row)?)
}

/// The member's newest movements.
pub async fn recent(
    conn: &mut SqliteConnection,
    member_id: i64,
    limit: i64,
) -> Result<Vec<Movement>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, member_id, amount, kind, reason, balance_after, created_at
         FROM point_movements WHERE member_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(member_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(movement).collect()
}
