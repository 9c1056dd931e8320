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

/// Finds a member by email (any case), member number (as typed or scanned from their card)
/// or phone number. Staff only.
#[server(prefix = "/api", endpoint = "members/find")]
pub async fn find_member(query: String) -> Result<Option<MemberCard>, AppError> {
    use crate::{
        accounts::{Email, Role},
        loyalty::rules::{member_number, parse_member_number, parse_phone},
        server::*,
    };
    respond(
        async move {
            require(Role::Staff)?;
            let st = state()?;
            let q = query.trim();
            let mut conn = st.db.reader.acquire().await?;
            let (column, value) = if q.contains('@') {
                match Email::parse(q) {
                    Ok(email) => ("email", email.as_str().to_owned()),
                    Err(_) => return Ok(None),
                }
            } else if let Some(id) = parse_member_number(q) {
                ("id", id.to_string())
            } else if let Some(phone) = parse_phone(q) {
                ("phone", phone)
            } else {
                return Ok(None);
            };
            let row: Option<(i64, String, String)> = sqlx::query_as(&format!(
                "SELECT id, preferred_name, email FROM users WHERE {column} = ? AND role = 'member'"
            ))
            .bind(value)
            .fetch_optional(&mut *conn)
            .await?;
            Ok(row.map(|(id, name, email)| MemberCard {
                id,
                member_number: member_number(id),
                name,
                email,
            }))
        }
        .await,
    )
}
