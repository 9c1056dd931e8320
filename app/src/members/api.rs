//! Member look-up for staff at the counter.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the counter shows to identify a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    /// Member id (also their member number for now).
    pub id: i64,
    /// Preferred name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// Finds a member by email (any case) or member number. Staff only.
#[server(prefix = "/api", endpoint = "members/find")]
pub async fn find_member(query: String) -> Result<Option<MemberCard>, AppError> {
    use crate::{
        accounts::{Email, Role},
        server::*,
    };
    respond(
        async move {
            require(Role::Staff)?;
            let st = state()?;
            let q = query.trim();
            let mut conn = st.db.reader.acquire().await?;
            let row: Option<(i64, String, String)> = if let Ok(id) = q.parse::<i64>() {
                sqlx::query_as("SELECT id, preferred_name, email FROM users WHERE id = ? AND role = 'member'")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
            } else if let Ok(email) = Email::parse(q) {
                sqlx::query_as("SELECT id, preferred_name, email FROM users WHERE email = ? AND role = 'member'")
                    .bind(email.as_str())
                    .fetch_optional(&mut *conn)
                    .await?
            } else {
                None
            };
            Ok(row.map(|(id, name, email)| MemberCard { id, name, email }))
        }
        .await,
    )
}
