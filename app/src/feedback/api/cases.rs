//! What staff call: the inbox, one case (also its own member), acting on a case, and the quality numbers.

use leptos::prelude::*;

use super::*;

/// The staff inbox: filter by status, location, assignee; overdue first.
#[server(prefix = "/api", endpoint = "feedback/inbox")]
pub async fn case_inbox(
    status: Option<String>,
    location_id: Option<i64>,
    assignee_id: Option<i64>,
) -> Result<Vec<CaseRow>, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Staff)?;
    let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(CaseStatus::parse(s).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let filter = crate::feedback::engine::Filter {
        status,
        location_id,
        assignee_id,
    };
    Ok(crate::feedback::engine::inbox(&mut conn, &filter, st.clock.now()).await?)
}

/// One case: staff see all of it; a member only their own, without internal notes.
#[server(prefix = "/api", endpoint = "feedback/case")]
pub async fn get_case(case_id: i64) -> Result<CaseDetail, AppError> {
    use crate::server::*;
    let me = caller().ok_or(AppError::Unauthorized)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let (owner, _) = crate::feedback::engine::case_owner(&mut conn, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let for_member = !me.role.is_staff();
    if for_member && owner != Some(me.id) {
        return Err(AppError::Forbidden);
    }
    crate::feedback::engine::case(&mut conn, case_id, st.clock.now(), for_member)
        .await?
        .ok_or(AppError::NotFound)
}

/// Staff act on a case: `action` is `note`, `reply`, `status` (with `status`), `assign` (with
/// `assignee_id`, empty to unassign) or `resolve` (with `body` as the resolution, optional
/// `goodwill` points and an optional `reward_id` whose code the member gets; both given once
/// however often resolve is sent).
#[server(prefix = "/api", endpoint = "feedback/act")]
pub async fn act_on_case(
    case_id: i64,
    action: String,
    body: Option<String>,
    status: Option<String>,
    assignee_id: Option<i64>,
    goodwill: Option<String>,
    reward_id: Option<i64>,
) -> Result<CaseDetail, AppError> {
    use crate::feedback::engine::Act;
    use crate::{accounts::Role, error::Msg, server::*};
    let me = require(Role::Staff)?;
    let text = |required: bool| -> Result<String, AppError> {
        let t = body
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        if required && t.is_empty() {
            return Err(AppError::field("body", Msg::TextRequired));
        }
        if t.chars().count() > crate::feedback::types::MAX_BODY {
            return Err(AppError::field("body", Msg::TextTooLong));
        }
        Ok(t)
    };
    let act = match action.as_str() {
        "note" => Act::Note(text(true)?),
        "reply" => Act::Reply(text(true)?),
        "status" => Act::Status(
            status
                .as_deref()
                .and_then(CaseStatus::parse)
                .ok_or(AppError::BadRequest)?,
        ),
        "assign" => Act::Assign(assignee_id),
        "resolve" => Act::Resolve {
            resolution: text(true)?,
            goodwill: match goodwill.as_deref().map(str::trim).unwrap_or_default() {
                "" => 0,
                g => g
                    .parse::<i64>()
                    .ok()
                    .filter(|g| (0..=100_000).contains(g))
                    .ok_or_else(|| AppError::field("goodwill", Msg::PointsInvalid))?,
            },
            reward_id,
            above_cap: me.role.at_least(Role::Manager),
        },
        _ => return Err(AppError::BadRequest),
    };
    if let Act::Assign(Some(to)) = &act {
        let st = state()?;
        let mut conn = st.db.reader.acquire().await?;
        let staff: Option<String> =
            sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND disabled_at IS NULL")
                .bind(to)
                .fetch_optional(&mut *conn)
                .await?;
        if staff.is_none_or(|r| r == "member") {
            return Err(AppError::field("assignee_id", Msg::MemberUnknown));
        }
    }
    write_as(Role::Staff, move |tx, me, now| {
        Box::pin(async move {
            crate::feedback::engine::act(tx, case_id, me.id, act, now).await?;
            crate::feedback::engine::case(tx, case_id, now, false)
                .await?
                .ok_or(AppError::NotFound)
        })
    })
    .await
}

/// Staff, locations and rewards to pick from in the inbox and on a case (any staff).
#[server(prefix = "/api", endpoint = "feedback/directory")]
pub async fn feedback_directory() -> Result<Directory, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let named = |rows: Vec<(i64, String)>| {
        rows.into_iter()
            .map(|(id, name)| Named { id, name })
            .collect()
    };
    let staff = sqlx::query_as(
        "SELECT id, preferred_name FROM users
         WHERE role != 'member' AND disabled_at IS NULL ORDER BY preferred_name, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let locations = sqlx::query_as("SELECT id, name FROM locations ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    let rewards = sqlx::query_as("SELECT id, name FROM rewards WHERE active ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    Ok(Directory {
        staff: named(staff),
        locations: named(locations),
        rewards: named(rewards),
    })
}

/// Quality numbers over the last `weeks` weeks (managers and owners).
#[server(prefix = "/api", endpoint = "feedback/quality")]
pub async fn feedback_quality(weeks: Option<i64>) -> Result<Quality, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let weeks = weeks.unwrap_or(12).clamp(1, 104);
    let st = state()?;
    let now = st.clock.now();
    let since = now - crate::db::days(7 * weeks);
    let mut conn = st.db.reader.acquire().await?;
    Ok(crate::feedback::engine::quality(&mut conn, since, now).await?)
}
