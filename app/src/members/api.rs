//! Member look-up for staff at the counter.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the counter shows to identify a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    /// Member id.
    pub id: i64,
    /// The number on their card.
    pub member_number: String,
    /// Preferred name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// Finds members: exactly by email (any case), member number (as typed, scanned from their
/// card, or without its leading zeros) or phone number (however it is written; national
/// numbers take the shop's country); failing that, by any part of a name or an email (two
/// characters or more; with two, the start of a name): the newest
/// [`MAX_MATCHES`](super::db::MAX_MATCHES) that fit, names that hold the text first, then by
/// name. Staff only.
#[server(prefix = "/api", endpoint = "members/find")]
pub async fn find_members(query: String) -> Result<Vec<MemberCard>, AppError> {
    use crate::{accounts::Role, members::search, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let text = search::Search::new(&query, None);
    let q = text.text.as_str();
    let mut conn = st.db.reader.acquire().await?;
    let found = imp::exact(&mut conn, q).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    // Numbers that found nobody are not searched as text: "0701" in an email is noise.
    if q.chars().count() < 2 || q.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c)) {
        return Ok(Vec::new());
    }
    let (mut found, _) = search::page(&mut conn, &text, None).await?;
    found.truncate(usize::try_from(super::db::MAX_MATCHES).unwrap_or(8));
    // To pick from: names that hold the text first, then by name.
    let q = q.to_lowercase();
    found.sort_by_cached_key(|m| (!m.name.to_lowercase().contains(&q), m.name.clone(), m.id));
    Ok(found)
}

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use sqlx::SqliteConnection;

    use super::MemberCard;
    use crate::{
        accounts::Email,
        loyalty::rules::parse_member_number,
        members::{db, phone::Phone},
    };

    /// Members whose email, member number or phone is exactly `q` (as the counter reads it).
    pub async fn exact(
        conn: &mut SqliteConnection,
        q: &str,
    ) -> Result<Vec<MemberCard>, sqlx::Error> {
        let email = Email::parse(q).ok();
        let id = parse_member_number(q);
        let phone = match q.chars().any(|c| c.is_ascii_digit()) {
            true => Phone::parse(q, db::shop_country(conn).await?.as_deref()).ok(),
            false => None,
        };
        if email.is_none() && id.is_none() && phone.is_none() {
            return Ok(Vec::new());
        }
        db::exact(
            conn,
            email.as_ref().map(Email::as_str),
            id,
            phone.as_ref().map(Phone::as_str),
        )
        .await
    }
}
