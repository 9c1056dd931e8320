//! A member's profile as staff see it: contact and consent history, tags and staff notes.

use sqlx::SqliteConnection;

use super::profile::{Consent, Note, ProfileHead};
use crate::db::Stamp;

/// The member's own columns, or `None` when `member_id` is not a member.
pub async fn head(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Option<ProfileHead>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, preferred_name AS name, email, phone, language, birthday, time_zone,
                postal_address, created_at AS joined,
                email_marketing, sms_marketing
         FROM users WHERE id = $1 AND role = 'member' AND closed_at IS NULL",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await
}

/// Every grant and withdrawal of marketing consent, newest first.
pub async fn consents(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Vec<Consent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT channel, granted, source, created_at AS at FROM consent_events
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await
}

/// The member's tags, by name.
pub async fn tags(conn: &mut SqliteConnection, member_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT tag FROM member_tags WHERE member_id = $1 ORDER BY tag")
        .bind(member_id)
        .fetch_all(conn)
        .await
}

/// Every tag in use, by name, with how many members carry it (for the list's filter).
pub async fn all_tags(conn: &mut SqliteConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT tag, count(*) FROM member_tags GROUP BY tag ORDER BY tag LIMIT 200")
        .fetch_all(conn)
        .await
}

/// Puts `tag` on the member (already there: nothing changes). Returns whether it was added.
pub async fn add_tag(
    conn: &mut SqliteConnection,
    member_id: i64,
    tag: &str,
    by: i64,
    at: Stamp,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO member_tags (member_id, tag, added_by, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (member_id, tag) DO NOTHING",
    )
    .bind(member_id)
    .bind(tag)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes `tag` off the member. Returns whether it was there.
pub async fn remove_tag(
    conn: &mut SqliteConnection,
    member_id: i64,
    tag: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM member_tags WHERE member_id = $1 AND tag = $2")
        .bind(member_id)
        .bind(tag)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The member's notes, newest first, with who wrote them.
pub async fn notes(conn: &mut SqliteConnection, member_id: i64) -> Result<Vec<Note>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, u.preferred_name AS author, n.body, n.created_at AS at
         FROM member_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.member_id = $1 ORDER BY n.id DESC LIMIT 100",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await
}

/// Adds a note; returns its id.
pub async fn add_note(
    conn: &mut SqliteConnection,
    member_id: i64,
    author: i64,
    body: &str,
    at: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO member_notes (member_id, author_id, body, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(member_id)
    .bind(author)
    .bind(body)
    .bind(at)
    .fetch_one(conn)
    .await
}
