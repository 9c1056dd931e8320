//! Finding members in a big chain: newest first, a page at a time, by tag and by any part of a
//! name or an email. Three characters or more use the trigram index (`member_search`); one
//! or two match the start of a name through `users_member_name`. Pages continue after the
//! last id seen (no offsets, so page 1,000 costs what page 1 does).

use sqlx::SqliteConnection;

use super::MemberCard;
use crate::loyalty::rules::member_number;

/// Members one page lists.
pub const PAGE: i64 = 25;

/// Keeps the search index in step with a member's name and email (after sign-up or an edit);
/// `None` takes the member out (an erased account).
pub async fn index(
    conn: &mut SqliteConnection,
    member_id: i64,
    name_email: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM member_search WHERE rowid = $1")
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    if let Some((name, email)) = name_email {
        sqlx::query("INSERT INTO member_search (rowid, name, email) VALUES ($1, $2, $3)")
            .bind(member_id)
            .bind(name)
            .bind(email)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Indexes new members from their accounts: `ids`, a JSON array (a bulk sign-up's).
pub async fn index_new(conn: &mut SqliteConnection, ids: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM member_search WHERE rowid IN (SELECT value FROM json_each($1))")
        .bind(ids)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO member_search (rowid, name, email)
         SELECT id, preferred_name, email FROM users WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What to list: text typed (any part of a name or an email), a tag, or both.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Trimmed text; empty lists everyone.
    pub text: String,
    /// Only members with this tag.
    pub tag: Option<String>,
}

impl Search {
    /// `text` as typed, without control characters (no name or email holds one, and the
    /// index's query parser refuses some) and trimmed.
    pub fn new(text: &str, tag: Option<String>) -> Self {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        Self {
            text: text.trim().to_owned(),
            tag,
        }
    }
}

/// A page of members matching `s`, newest first, older than member `before` if given. One more
/// than a page is read to tell whether another page follows.
pub async fn page(
    conn: &mut SqliteConnection,
    s: &Search,
    before: Option<i64>,
) -> Result<(Vec<MemberCard>, bool), sqlx::Error> {
    let before = before.unwrap_or(i64::MAX);
    let chars = s.text.chars().count();
    let rows: Vec<(i64, String, String)> = if chars >= 3 {
        // A phrase of trigrams: quotes inside are doubled, so nothing typed is FTS syntax.
        let phrase = format!("\"{}\"", s.text.replace('"', "\"\""));
        sqlx::query_as(
            "SELECT u.id, u.preferred_name, u.email
             FROM member_search s JOIN users u ON u.id = s.rowid
             WHERE member_search MATCH $1 AND s.rowid < $2
               AND ($3 IS NULL OR EXISTS (SELECT 1 FROM member_tags t
                                          WHERE t.member_id = u.id AND t.tag = $3))
             ORDER BY s.rowid DESC LIMIT $4",
        )
        .bind(phrase)
        .bind(before)
        .bind(&s.tag)
        .bind(PAGE + 1)
        .fetch_all(conn)
        .await?
    } else if chars > 0 {
        let pattern = format!("{}%", s.text.replace(['%', '_'], ""));
        sqlx::query_as(
            "SELECT id, preferred_name, email FROM users
             WHERE role = 'member' AND closed_at IS NULL AND preferred_name LIKE $1 AND id < $2
               AND ($3 IS NULL OR EXISTS (SELECT 1 FROM member_tags t
                                          WHERE t.member_id = users.id AND t.tag = $3))
             ORDER BY id DESC LIMIT $4",
        )
        .bind(pattern)
        .bind(before)
        .bind(&s.tag)
        .bind(PAGE + 1)
        .fetch_all(conn)
        .await?
    } else if let Some(tag) = &s.tag {
        sqlx::query_as(
            "SELECT u.id, u.preferred_name, u.email
             FROM member_tags t JOIN users u ON u.id = t.member_id
             WHERE t.tag = $1 AND t.member_id < $2
             ORDER BY t.member_id DESC LIMIT $3",
        )
        .bind(tag)
        .bind(before)
        .bind(PAGE + 1)
        .fetch_all(conn)
        .await?
    } else {
        sqlx::query_as(
            "SELECT id, preferred_name, email FROM users
             WHERE role = 'member' AND closed_at IS NULL AND id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before)
        .bind(PAGE + 1)
        .fetch_all(conn)
        .await?
    };
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > PAGE;
    let cards = rows
        .into_iter()
        .take(usize::try_from(PAGE).unwrap_or(25))
        .map(|(id, name, email)| MemberCard {
            id,
            member_number: member_number(id),
            name,
            email,
        })
        .collect();
    Ok((cards, more))
}
