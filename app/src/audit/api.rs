//! Reading the audit log (owners and managers).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Id (newer entries have higher ids).
    pub id: i64,
    /// When, on the shop's wall clock (`YYYY-MM-DD HH:MM`).
    pub at: String,
    /// When, as stored (UTC).
    pub at_utc: String,
    /// Who: their name, empty for the system.
    pub who: String,
    /// Their email, empty for the system.
    pub email: String,
    /// What, as `domain.action` (`purchase.refund`, `case.goodwill`, `program.settings`, …).
    pub action: String,
    /// On what: `user:12`, `purchase:7`, `feedback_settings`, …
    pub subject: String,
    /// The change, in words or as the saved values.
    pub detail: String,
}

/// One page of entries, newest first, and what the filters can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditSlice {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// The `before` value of the next (older) page, if there is one.
    pub older: Option<i64>,
    /// Everyone who appears in the log: id and name.
    pub people: Vec<(i64, String)>,
    /// The kinds of change in the log (the part of the action before the dot).
    pub kinds: Vec<String>,
}

/// Entries per page.
pub const PAGE: i64 = 50;

/// A page of the audit log, newest first: by person (`actor`), kind (`purchase`, `case`, …),
/// shop days `from`–`to` (inclusive, `YYYY-MM-DD`), entries older than `before` (an id).
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn audit_log(
    actor: Option<i64>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditSlice, AppError> {
    use crate::{accounts::Role, audit::db, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let filter = db::Filter::new(&mut conn, actor, kind, from, to).await?;
    let mut entries = db::entries(&mut conn, &filter, before, PAGE + 1).await?;
    let older = (entries.len() > usize::try_from(PAGE).unwrap_or(usize::MAX))
        .then(|| {
            entries.pop();
            entries.last().map(|e| e.id)
        })
        .flatten();
    let (people, kinds) = db::choices(&mut conn).await?;
    Ok(AuditSlice {
        entries,
        older,
        people,
        kinds,
    })
}
