//! Feedback server functions: a form (public by its link, or the shop's first for members),
//! submitting (members and visitors; rate-limited per IP, with a honeypot), the staff inbox,
//! one case (staff, or its own member), acting on a case, a member's reply, a member's own
//! feedback, and the quality numbers.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::types::{Asks, CaseStatus, Category};
use crate::error::AppError;

/// A form's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormTexts {
    /// Language code.
    pub language: String,
    /// Title.
    pub title: String,
    /// A line under it.
    pub intro: String,
    /// The choice question (empty: none).
    pub choice_question: String,
    /// Its options.
    pub choice_options: Vec<String>,
}

/// A form as shown in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormView {
    /// Id.
    pub id: i64,
    /// Internal name.
    pub name: String,
    /// Public link part.
    pub slug: String,
    /// What it asks.
    pub asks: Asks,
    /// Its location, if any.
    pub location_id: Option<i64>,
    /// Open for answers.
    pub active: bool,
    /// The texts shown.
    pub texts: FormTexts,
    /// The texts are the default language's: this language has none.
    pub fallback: bool,
    /// Languages with no texts (the editor shows them).
    pub missing: Vec<String>,
}

/// A case in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: CaseStatus,
    /// Past its deadline and not resolved.
    pub overdue: bool,
    /// High priority.
    pub high: bool,
    /// Deadline (UTC).
    pub due_at: String,
    /// Opened (UTC).
    pub created_at: String,
    /// First reply or resolution (UTC).
    pub first_response_at: Option<String>,
    /// Resolved (UTC).
    pub resolved_at: Option<String>,
    /// What was done.
    pub resolution: Option<String>,
    /// The member, if the feedback was a member's.
    pub member_id: Option<i64>,
    /// Who gave the feedback.
    pub customer: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Assignee.
    pub assignee_id: Option<i64>,
    /// Assignee's name.
    pub assignee: Option<String>,
    /// Location.
    pub location_id: Option<i64>,
    /// Location name.
    pub location: Option<String>,
    /// NPS answer.
    pub nps: Option<i64>,
    /// CSAT answer.
    pub csat: Option<i64>,
    /// Category.
    pub category: Option<Category>,
    /// Their words.
    pub body: String,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// `opened`, `note`, `reply`, `member_reply`, `status`, `assigned`, `resolved`, `goodwill`.
    pub kind: String,
    /// Who (staff views only).
    pub who: Option<String>,
    /// Text, status name, assignee or points.
    pub body: String,
    /// When (UTC).
    pub at: String,
}

/// A case with its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    /// The case.
    pub case: CaseRow,
    /// What happened, oldest first.
    pub timeline: Vec<CaseEvent>,
}

/// A member's own feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFeedback {
    /// Id.
    pub id: i64,
    /// NPS answer.
    pub nps: Option<i64>,
    /// CSAT answer.
    pub csat: Option<i64>,
    /// Their words.
    pub body: String,
    /// When (UTC).
    pub created_at: String,
    /// The case it opened (without internal notes).
    pub case: Option<CaseDetail>,
}

/// NPS, CSAT and volume for one week, location or category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRow {
    /// The week's Monday, the location or the category.
    pub key: String,
    /// NPS.
    pub nps: Option<i64>,
    /// CSAT percent.
    pub csat: Option<i64>,
    /// Answers.
    pub count: i64,
}

/// The quality dashboard's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quality {
    /// NPS over the period.
    pub nps: Option<i64>,
    /// CSAT percent over the period.
    pub csat: Option<i64>,
    /// Answers.
    pub count: i64,
    /// By week.
    pub by_week: Vec<WeekRow>,
    /// By location.
    pub by_location: Vec<WeekRow>,
    /// By category.
    pub by_category: Vec<WeekRow>,
    /// Median minutes to first response.
    pub median_first_response_min: Option<i64>,
    /// Median minutes to resolution.
    pub median_resolution_min: Option<i64>,
    /// Percent of resolved cases resolved by their deadline.
    pub resolved_in_time_pct: Option<i64>,
    /// Open cases past their deadline (now).
    pub open_overdue: i64,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    /// The feedback's id.
    pub feedback_id: i64,
    /// The case it opened, if any.
    pub case_id: Option<i64>,
}

/// A form in the caller's language: by its public link (`slug`), or the shop's first active
/// form when `slug` is empty.
#[server(prefix = "/api", endpoint = "feedback/form")]
pub async fn feedback_form(slug: Option<String>) -> Result<FormView, AppError> {
    use crate::server::*;
    respond(
        async move {
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            let language = current_language();
            let slug = match slug.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
                Some(s) => s,
                None => sqlx::query_scalar(
                    "SELECT slug FROM feedback_forms WHERE active = 1 ORDER BY id LIMIT 1",
                )
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(AppError::NotFound)?,
            };
            let form = super::engine::form_view(&mut conn, ("slug", &slug), &language)
                .await?
                .filter(|f| f.active)
                .ok_or(AppError::NotFound)?;
            Ok(form)
        }
        .await,
    )
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
    respond(
        async move {
            if website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
                return Err(AppError::BadRequest);
            }
            let st = state()?;
            let me = caller().filter(|u| u.role == Role::Member);
            let ip = client_ip();
            if me.is_none() {
                st.limits.feedback_ip.check(&ip)?;
            }
            let language = current_language();
            let mut conn = st.db.reader.acquire().await?;
            let form = super::engine::form_view(&mut conn, ("id", &form_id.to_string()), &language)
                .await?
                .filter(|f| f.active)
                .ok_or(AppError::NotFound)?;
            drop(conn);
            let answers = super::types::parse_answers(
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
                        .map_err(|_| {
                            AppError::field("contact_email", crate::error::Msg::EmailInvalid)
                        })?
                        .as_str()
                        .to_owned(),
                ),
                None => None,
            };
            let who = super::engine::Submitter {
                member_id: me.as_ref().map(|m| m.id),
                purchase_id,
                contact_name: clean(contact_name, 100),
                contact_email,
                language,
            };
            if me.is_none() {
                st.limits.feedback_ip.hit(&ip);
            }
            let now = st.clock.now();
            let mut tx = st.db.begin_write().await?;
            let (feedback_id, case_id) =
                super::engine::submit(&mut tx, &form, &who, &answers, now).await?;
            tx.commit().await?;
            Ok(Submitted {
                feedback_id,
                case_id,
            })
        }
        .await,
    )
}

/// The staff inbox: filter by status, location, assignee; overdue first.
#[server(prefix = "/api", endpoint = "feedback/inbox")]
pub async fn case_inbox(
    status: Option<String>,
    location_id: Option<i64>,
    assignee_id: Option<i64>,
) -> Result<Vec<CaseRow>, AppError> {
    use crate::{accounts::Role, server::*};
    respond(
        async move {
            require(Role::Staff)?;
            let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => Some(CaseStatus::parse(s).ok_or(AppError::BadRequest)?),
                None => None,
            };
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            let filter = super::engine::Filter {
                status,
                location_id,
                assignee_id,
            };
            Ok(super::engine::inbox(&mut conn, &filter, st.clock.now()).await?)
        }
        .await,
    )
}

/// One case: staff see all of it; a member only their own, without internal notes.
#[server(prefix = "/api", endpoint = "feedback/case")]
pub async fn get_case(case_id: i64) -> Result<CaseDetail, AppError> {
    use crate::server::*;
    respond(
        async move {
            let me = caller().ok_or(AppError::Unauthorized)?;
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            let (owner, _) = super::engine::case_owner(&mut conn, case_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let for_member = !me.role.is_staff();
            if for_member && owner != Some(me.id) {
                return Err(AppError::Forbidden);
            }
            super::engine::case(&mut conn, case_id, st.clock.now(), for_member)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Staff act on a case: `action` is `note`, `reply`, `status` (with `status`), `assign` (with
/// `assignee_id`, empty to unassign) or `resolve` (with `body` as the resolution and optional
/// `goodwill` points, paid once however often resolve is sent).
#[server(prefix = "/api", endpoint = "feedback/act")]
pub async fn act_on_case(
    case_id: i64,
    action: String,
    body: Option<String>,
    status: Option<String>,
    assignee_id: Option<i64>,
    goodwill: Option<String>,
) -> Result<CaseDetail, AppError> {
    use super::engine::Act;
    use crate::{accounts::Role, error::Msg, server::*};
    respond(
        async move {
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
                if t.chars().count() > super::types::MAX_BODY {
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
                },
                _ => return Err(AppError::BadRequest),
            };
            if let Act::Assign(Some(to)) = &act {
                let st = state()?;
                let mut conn = st.db.reader.acquire().await?;
                let staff: Option<String> = sqlx::query_scalar(
                    "SELECT role FROM users WHERE id = ? AND disabled_at IS NULL",
                )
                .bind(to)
                .fetch_optional(&mut *conn)
                .await?;
                if staff.is_none_or(|r| r == "member") {
                    return Err(AppError::field("assignee_id", Msg::MemberUnknown));
                }
            }
            let st = state()?;
            let now = st.clock.now();
            let db = st.db.clone();
            st.db
                .on_writer(async move {
                    let mut tx = db.begin_write().await?;
                    super::engine::act(&mut tx, case_id, me.id, act, now).await?;
                    let detail = super::engine::case(&mut tx, case_id, now, false)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    tx.commit().await?;
                    Ok(detail)
                })
                .await
        }
        .await,
    )
}

/// A member replies on their own case (403 on anyone else's).
#[server(prefix = "/api", endpoint = "feedback/reply")]
pub async fn reply_on_case(case_id: i64, body: String) -> Result<CaseDetail, AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    respond(
        async move {
            let me = caller().ok_or(AppError::Unauthorized)?;
            if me.role != Role::Member {
                return Err(AppError::Forbidden);
            }
            let body = body.trim().to_owned();
            if body.is_empty() {
                return Err(AppError::field("body", Msg::TextRequired));
            }
            if body.chars().count() > super::types::MAX_BODY {
                return Err(AppError::field("body", Msg::TextTooLong));
            }
            let st = state()?;
            let now = st.clock.now();
            let mut tx = st.db.begin_write().await?;
            let (owner, _) = super::engine::case_owner(&mut tx, case_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if owner != Some(me.id) {
                return Err(AppError::Forbidden);
            }
            super::engine::member_reply(&mut tx, case_id, me.id, &body, now).await?;
            let detail = super::engine::case(&mut tx, case_id, now, true)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            Ok(detail)
        }
        .await,
    )
}

/// The signed-in member's own feedback and cases.
#[server(prefix = "/api", endpoint = "feedback/mine")]
pub async fn feedback_of_mine() -> Result<Vec<MyFeedback>, AppError> {
    use crate::{accounts::Role, server::*};
    respond(
        async move {
            let me = caller().ok_or(AppError::Unauthorized)?;
            if me.role != Role::Member {
                return Err(AppError::Forbidden);
            }
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            Ok(super::engine::mine(&mut conn, me.id, st.clock.now()).await?)
        }
        .await,
    )
}

/// Quality numbers over the last `weeks` weeks (managers and owners).
#[server(prefix = "/api", endpoint = "feedback/quality")]
pub async fn feedback_quality(weeks: Option<i64>) -> Result<Quality, AppError> {
    use crate::{accounts::Role, db::timestamp, server::*};
    respond(
        async move {
            require(Role::Manager)?;
            let weeks = weeks.unwrap_or(12).clamp(1, 104);
            let st = state()?;
            let now = st.clock.now();
            let since = timestamp(now - time::Duration::weeks(weeks));
            let mut conn = st.db.reader.acquire().await?;
            Ok(super::engine::quality(&mut conn, &since, now).await?)
        }
        .await,
    )
}

/// Adds a form (managers and owners): which questions it asks, and its words per language
/// (`title_xx` empty: no texts in that language; the form needs at least one).
#[server(prefix = "/api", endpoint = "feedback/save_form")]
pub async fn save_form(
    name: String,
    ask_nps: Option<String>,
    ask_csat: Option<String>,
    ask_text: Option<String>,
    ask_category: Option<String>,
    location_id: Option<i64>,
    title_en: Option<String>,
    title_sv: Option<String>,
    title_nb: Option<String>,
    title_lv: Option<String>,
    title_pt: Option<String>,
    intro_en: Option<String>,
    intro_sv: Option<String>,
    intro_nb: Option<String>,
    intro_lv: Option<String>,
    intro_pt: Option<String>,
) -> Result<FormView, AppError> {
    use crate::{
        db::timestamp,
        error::Msg,
        loyalty::program_api::imp::{audited, manager_write, name as valid_name},
    };
    crate::server::respond(
        async move {
            let name = valid_name(&name)?;
            let on = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "on" || v == "true");
            let asks = Asks {
                nps: on(&ask_nps),
                csat: on(&ask_csat),
                text: on(&ask_text),
                category: on(&ask_category),
                choices: 0,
            };
            if !asks.nps && !asks.csat && !asks.text {
                return Err(AppError::field("ask_nps", Msg::FeedbackEmpty));
            }
            let mut texts = Vec::new();
            for (language, title, intro) in [
                ("en", title_en, intro_en),
                ("sv", title_sv, intro_sv),
                ("nb", title_nb, intro_nb),
                ("lv", title_lv, intro_lv),
                ("pt", title_pt, intro_pt),
            ] {
                let title = title.unwrap_or_default().trim().to_owned();
                if title.is_empty() {
                    continue;
                }
                texts.push(FormTexts {
                    language: language.to_owned(),
                    title: title.chars().take(120).collect(),
                    intro: intro.unwrap_or_default().trim().chars().take(500).collect(),
                    choice_question: String::new(),
                    choice_options: Vec::new(),
                });
            }
            if texts.is_empty() {
                return Err(AppError::field("title_en", Msg::NameRequired));
            }
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let slug = if slug.is_empty() {
                "form".to_owned()
            } else {
                slug
            };
            let (me, st, mut tx) = manager_write().await?;
            let now = st.clock.now();
            let id = super::engine::insert_form(
                &mut tx,
                &name,
                &slug,
                asks,
                location_id,
                &texts,
                &timestamp(now),
            )
            .await?;
            let view = super::engine::form_view(&mut tx, ("id", &id.to_string()), "en")
                .await?
                .ok_or(AppError::Internal)?;
            audited(tx, &me, "feedback.save_form", &format!("form:{id}"), view).await
        }
        .await,
    )
}

/// Sets when feedback opens a case (managers and owners): `nps_max` (−1: never), `csat_max`
/// (0: never), `case_categories` (comma-separated), `sla_hours`, `assign_to` (empty: nobody)
/// and the forms' default language.
#[server(prefix = "/api", endpoint = "feedback/save_settings")]
pub async fn save_feedback_settings(
    nps_max: String,
    csat_max: String,
    case_categories: Option<String>,
    sla_hours: String,
    assign_to: Option<i64>,
    default_language: String,
) -> Result<super::types::FeedbackSettings, AppError> {
    use super::types::FeedbackSettings;
    use crate::{
        db::timestamp,
        error::Msg,
        loyalty::program_api::imp::{audited, manager_write},
    };
    crate::server::respond(
        async move {
            let number = |field: &str, raw: &str, range: std::ops::RangeInclusive<i64>| {
                raw.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| AppError::field(field, Msg::ScoreInvalid))
            };
            let mut categories = Vec::new();
            for c in case_categories
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                categories.push(
                    Category::parse(c)
                        .ok_or_else(|| AppError::field("case_categories", Msg::CategoryInvalid))?,
                );
            }
            let language = crate::i18n::parse_locale(default_language.trim())
                .ok_or_else(|| AppError::field("default_language", Msg::LanguageInvalid))?;
            let settings = FeedbackSettings {
                nps_max: number("nps_max", &nps_max, -1..=10)?,
                csat_max: number("csat_max", &csat_max, 0..=5)?,
                case_categories: categories,
                sla_hours: number("sla_hours", &sla_hours, 1..=720)
                    .map_err(|_| AppError::field("sla_hours", Msg::HoursInvalid))?,
                assign_to,
                default_language: {
                    use crate::i18n::LocaleExt as _;
                    language.as_str().to_owned()
                },
            };
            let (me, st, mut tx) = manager_write().await?;
            if let Some(to) = assign_to {
                let role: Option<String> =
                    sqlx::query_scalar("SELECT role FROM users WHERE id = ?")
                        .bind(to)
                        .fetch_optional(&mut *tx)
                        .await?;
                if role.is_none_or(|r| r == "member") {
                    return Err(AppError::field("assign_to", Msg::MemberUnknown));
                }
            }
            super::engine::save_settings(&mut tx, &settings, &timestamp(st.clock.now())).await?;
            audited(
                tx,
                &me,
                "feedback.save_settings",
                "feedback_settings",
                settings,
            )
            .await
        }
        .await,
    )
}

/// The signed-in member's latest purchase of the last week they have not rated yet:
/// `(purchase id, location, when)`.
#[server(prefix = "/api", endpoint = "feedback/visit")]
pub async fn visit_to_rate() -> Result<Option<(i64, String, String)>, AppError> {
    use crate::{accounts::Role, server::*};
    respond(
        async move {
            let me = caller().ok_or(AppError::Unauthorized)?;
            if me.role != Role::Member {
                return Ok(None);
            }
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            Ok(super::engine::purchase_to_rate(&mut conn, me.id, st.clock.now()).await?)
        }
        .await,
    )
}
