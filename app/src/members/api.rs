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
/// numbers take the shop's country); failing that, by part of a name or an email (two
/// characters or more). At most [`MAX_MATCHES`](super::db::MAX_MATCHES), names first. Staff only.
#[server(prefix = "/api", endpoint = "members/find")]
pub async fn find_members(query: String) -> Result<Vec<MemberCard>, AppError> {
    use crate::{
        accounts::{Email, Role},
        loyalty::rules::parse_member_number,
        members::{db, phone::Phone},
        server::*,
    };
    require(Role::Staff)?;
    let st = state()?;
    let q = query.trim();
    let mut conn = st.db.reader.acquire().await?;
    let email = Email::parse(q).ok();
    let id = parse_member_number(q);
    let phone = match q.chars().any(|c| c.is_ascii_digit()) {
        true => Phone::parse(q, db::shop_country(&mut conn).await?.as_deref()).ok(),
        false => None,
    };
    if email.is_some() || id.is_some() || phone.is_some() {
        let found = db::exact(
            &mut conn,
            email.as_ref().map(Email::as_str),
            id,
            phone.as_ref().map(Phone::as_str),
        )
        .await?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    // Numbers that found nobody are not searched as text: "0701" in an email is noise.
    if q.chars().count() < 2 || q.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c)) {
        return Ok(Vec::new());
    }
    Ok(db::partial(&mut conn, q).await?)
}
