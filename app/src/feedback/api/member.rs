//! What members and visitors call: a form, submitting, their own feedback and replies, the visit to rate.

use leptos::prelude::*;

use super::*;

/// A form in the caller's language: by its public link (`slug`), or the shop's first active
/// form when `slug` is empty.
#[server(prefix = "/api", endpoint = "feedback/form")]
pub async fn feedback_form(slug: Option<String>) -> Result<FormView, AppError> {
    use crate::server::*;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let language = current_language();
    let slug = match slug.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(s) => s,
        None => {
            sqlx::query_scalar("SELECT slug FROM feedback_forms WHERE active ORDER BY id LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(AppError::NotFound)?
        }
    };
    let form = crate::feedback::engine::form_view(&mut conn, ("slug", &slug), &language)
        .await?
        .filter(|f| f.active)
        .ok_or(AppError::NotFound)?;
    Ok(form)
}

/// Submits answers to `form_id`: as the signed-in member (optionally rating `purchase_id`),
/// or as a visitor with optional contact details. `website` is a field people never see:
/// filled in, the request is a bot's and is refused.
#[server(prefix = "/api", endpoint = "feedback/submit")]
pub async fn submit_feedback(
    form_id: i64,
    nps: Option<String>,
    csat: Option<String>,
    category: Option<String>,
    choice: Option<String>,
    body: Option<String>,
    purchase_id: Option<i64>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    website: Option<String>,
) -> Result<Submitted, AppError> {
    use crate::{accounts::Role, server::*};
    if website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        return Err(AppError::BadRequest);
    }
    let st = state()?;
    let me = caller().filter(|u| u.role == Role::Member);
    let ip = client_ip();
    // A visitor's submission is counted at once (concurrent ones cannot all pass) and
    // given back if it is refused.
    let visitor = me.is_none();
    if visitor {
        st.limits.feedback_ip.take(&ip)?;
    }
    let stored = async {
        let language = current_language();
        let mut conn = st.db.reader.acquire().await?;
        let form =
            crate::feedback::engine::form_view(&mut conn, ("id", &form_id.to_string()), &language)
                .await?
                .filter(|f| f.active)
                .ok_or(AppError::NotFound)?;
        drop(conn);
        let answers = crate::feedback::types::parse_answers(
            form.asks,
            nps.as_deref(),
            csat.as_deref(),
            category.as_deref(),
            choice.as_deref(),
            body.as_deref(),
        )
        .map_err(|(field, msg)| AppError::field(field, msg))?;
        let clean = |v: Option<String>, max: usize| {
            v.map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(max).collect::<String>())
        };
        let contact_email = match clean(contact_email, 254) {
            Some(e) => Some(
                crate::accounts::Email::parse(&e)
                    .map_err(|_| AppError::field("contact_email", crate::error::Msg::EmailInvalid))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let who = crate::feedback::engine::Submitter {
            member_id: me.as_ref().map(|m| m.id),
            purchase_id,
            contact_name: clean(contact_name, 100),
            contact_email,
            language,
        };
        let now = st.clock.now();
        let (feedback_id, case_id) = st
            .db
            .write(move |tx| {
                Box::pin(async move {
                    crate::feedback::engine::submit(tx, &form, &who, &answers, now).await
                })
            })
            .await?;
        Ok::<_, AppError>(Submitted {
            feedback_id,
            case_id,
        })
    }
    .await;
    if visitor && stored.is_err() {
        st.limits.feedback_ip.release(&ip);
    }
    stored
}

/// A member replies on their own case (403 on anyone else's).
#[server(prefix = "/api", endpoint = "feedback/reply")]
pub async fn reply_on_case(case_id: i64, body: String) -> Result<CaseDetail, AppError> {
    use crate::{error::Msg, server::*};
    let me = require_member()?;
    let body = body.trim().to_owned();
    if body.is_empty() {
        return Err(AppError::field("body", Msg::TextRequired));
    }
    if body.chars().count() > crate::feedback::types::MAX_BODY {
        return Err(AppError::field("body", Msg::TextTooLong));
    }
    let st = state()?;
    let now = st.clock.now();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let (owner, _) = crate::feedback::engine::case_owner(tx, case_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if owner != Some(me.id) {
                    return Err(AppError::Forbidden);
                }
                crate::feedback::engine::member_reply(tx, case_id, me.id, &body, now).await?;
                crate::feedback::engine::case(tx, case_id, now, true)
                    .await?
                    .ok_or(AppError::NotFound)
            })
        })
        .await
}

/// The signed-in member's own feedback and cases.
#[server(prefix = "/api", endpoint = "feedback/mine")]
pub async fn feedback_of_mine() -> Result<Vec<MyFeedback>, AppError> {
    use crate::server::*;
    let me = require_member()?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    Ok(crate::feedback::engine::mine(&mut conn, me.id, st.clock.now()).await?)
}

/// The signed-in member's latest purchase of the last week they have not rated yet:
/// `(purchase id, location, when)`.
#[server(prefix = "/api", endpoint = "feedback/visit")]
pub async fn visit_to_rate() -> Result<Option<(i64, String, String)>, AppError> {
    use crate::{accounts::Role, server::*};
    let me = caller().ok_or(AppError::Unauthorized)?;
    if me.role != Role::Member {
        return Ok(None);
    }
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    Ok(crate::feedback::engine::purchase_to_rate(&mut conn, me.id, st.clock.now()).await?)
}
