//! Members' tiers: the current record, changes with their reasons, and periods due for review.

use super::*;

/// The member's tier row: `(tier id, next review)`.
pub async fn member_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Option<(Option<i64>, Stamp)>, sqlx::Error> {
    sqlx::query_as("SELECT tier_id, review_at FROM member_tiers WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(conn)
        .await
}

/// Sets the member's tier and its next review.
pub async fn set_member_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
    tier_id: Option<i64>,
    review_at: Stamp,
    at: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO member_tiers (member_id, tier_id, review_at, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (member_id) DO UPDATE SET tier_id = $2, review_at = $3, updated_at = $4",
    )
    .bind(member_id)
    .bind(tier_id)
    .bind(review_at)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A tier change, with its reason.
#[derive(Debug)]
pub struct TierChange<'a> {
    /// The member.
    pub member_id: i64,
    /// From.
    pub from: Option<i64>,
    /// To.
    pub to: Option<i64>,
    /// `upgrade` or `downgrade`.
    pub reason: &'a str,
    /// Points earned in the period that decided it.
    pub earned: i64,
    /// When.
    pub at: Stamp,
}

/// Records a tier change.
pub async fn insert_tier_change(
    conn: &mut SqliteConnection,
    c: &TierChange<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tier_changes (member_id, from_tier_id, to_tier_id, reason, qualifying_points, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(c.member_id)
    .bind(c.from)
    .bind(c.to)
    .bind(c.reason)
    .bind(c.earned)
    .bind(c.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Members whose tier review is due at `now`.
pub async fn due_reviews(
    conn: &mut SqliteConnection,
    now: Stamp,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT member_id FROM member_tiers WHERE review_at <= $1 ORDER BY review_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The member's tier changes, newest first: `(from name, to name, reason, points, when)`.
pub async fn tier_changes(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Vec<(Option<String>, Option<String>, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.name, t.name, c.reason, c.qualifying_points, c.created_at
         FROM tier_changes c
         LEFT JOIN tiers f ON f.id = c.from_tier_id LEFT JOIN tiers t ON t.id = c.to_tier_id
         WHERE c.member_id = $1 ORDER BY c.id DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await
}
