//! Feedback in the database: forms and their texts, submissions (opening a case in the same
//! transaction when the rule says so), the case inbox and each case's timeline, resolution
//! with goodwill points through the ledger (once), and the quality numbers.
#![expect(
    clippy::type_complexity,
    reason = "report rows are read as plain tuples"
)]

use sqlx::{Row as _, SqliteConnection, sqlite::SqliteRow};
use time::OffsetDateTime;

use super::types::{
    Answers, Asks, CaseStatus, Category, FeedbackSettings, csat, is_urgent, median, nps, opens_case,
};
use crate::{
    db::{parse_timestamp, timestamp},
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, NewMovement},
        engine::{append_error, expiry_of},
        types::MovementKind,
    },
};

use super::api::{
    CaseDetail, CaseEvent, CaseRow, FormTexts, FormView, MyFeedback, Quality, WeekRow,
};

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what}").into())
}

/// The case rule and the default language.
pub async fn settings(conn: &mut SqliteConnection) -> Result<FeedbackSettings, sqlx::Error> {
    let r = sqlx::query(
        "SELECT nps_max, csat_max, case_categories, sla_hours, assign_to, default_language
         FROM feedback_settings WHERE id = 1",
    )
    .fetch_one(conn)
    .await?;
    let categories: String = r.try_get("case_categories")?;
    Ok(FeedbackSettings {
        nps_max: r.try_get("nps_max")?,
        csat_max: r.try_get("csat_max")?,
        case_categories: categories
            .split(',')
            .filter_map(|c| Category::parse(c.trim()))
            .collect(),
        sla_hours: r.try_get("sla_hours")?,
        assign_to: r.try_get("assign_to")?,
        default_language: r.try_get("default_language")?,
    })
}

/// Replaces the rule.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &FeedbackSettings,
    at: &str,
) -> Result<(), sqlx::Error> {
    let categories: Vec<&str> = s.case_categories.iter().map(|c| c.as_str()).collect();
    sqlx::query(
        "UPDATE feedback_settings SET nps_max = ?, csat_max = ?, case_categories = ?,
           sla_hours = ?, assign_to = ?, default_language = ?, updated_at = ? WHERE id = 1",
    )
    .bind(s.nps_max)
    .bind(s.csat_max)
    .bind(categories.join(","))
    .bind(s.sla_hours)
    .bind(s.assign_to)
    .bind(&s.default_language)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- forms ----

fn asks(r: &SqliteRow, choices: usize) -> Result<Asks, sqlx::Error> {
    Ok(Asks {
        nps: r.try_get("ask_nps")?,
        csat: r.try_get("ask_csat")?,
        text: r.try_get("ask_text")?,
        category: r.try_get("ask_category")?,
        choices,
    })
}

/// Every language's texts of a form.
async fn texts(conn: &mut SqliteConnection, form_id: i64) -> Result<Vec<FormTexts>, sqlx::Error> {
    sqlx::query_as::<_, (String, String, String, String, String)>(
        "SELECT language, title, intro, choice_question, choice_options
         FROM feedback_form_texts WHERE form_id = ? ORDER BY language",
    )
    .bind(form_id)
    .fetch_all(conn)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(
                |(language, title, intro, choice_question, options)| FormTexts {
                    language,
                    title,
                    intro,
                    choice_question,
                    choice_options: options
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                },
            )
            .collect()
    })
}

/// A form as shown in `language` (its own texts, else the default language's, flagged).
/// `by` is `id` or `slug`.
pub async fn form_view(
    conn: &mut SqliteConnection,
    by: (&str, &str),
    language: &str,
) -> Result<Option<FormView>, AppError> {
    let column = if by.0 == "slug" { "slug" } else { "id" };
    let Some(r) = sqlx::query(&format!(
        "SELECT id, name, slug, ask_nps, ask_csat, ask_text, ask_category, location_id, active
         FROM feedback_forms WHERE {column} = ?"
    ))
    .bind(by.1)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = r.try_get("id")?;
    let default = settings(conn).await?.default_language;
    let all = texts(conn, id).await?;
    let chosen = all
        .iter()
        .find(|t| t.language == language)
        .or_else(|| all.iter().find(|t| t.language == default))
        .or_else(|| all.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let fallback = chosen.language != language;
    Ok(Some(FormView {
        id,
        name: r.try_get("name")?,
        slug: r.try_get("slug")?,
        asks: asks(&r, chosen.choice_options.len())?,
        location_id: r.try_get("location_id")?,
        active: r.try_get("active")?,
        texts: chosen,
        fallback,
        missing: ["en", "sv", "nb", "lv", "pt"]
            .into_iter()
            .filter(|l| !all.iter().any(|t| t.language == *l))
            .map(str::to_owned)
            .collect(),
    }))
}

/// Every form, in `language` (staff).
pub async fn forms(conn: &mut SqliteConnection, language: &str) -> Result<Vec<FormView>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM feedback_forms ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(f) = form_view(conn, ("id", &id.to_string()), language).await? {
            out.push(f);
        }
    }
    Ok(out)
}

/// A new form with its texts. Returns its id.
pub async fn insert_form(
    conn: &mut SqliteConnection,
    name: &str,
    slug: &str,
    asks: Asks,
    location_id: Option<i64>,
    texts: &[FormTexts],
    at: &str,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO feedback_forms (name, slug, ask_nps, ask_csat, ask_text, ask_category,
           location_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(slug)
    .bind(asks.nps)
    .bind(asks.csat)
    .bind(asks.text)
    .bind(asks.category)
    .bind(location_id)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::field("name", Msg::NameTaken)
        } else {
            e.into()
        }
    })?;
    for t in texts {
        sqlx::query(
            "INSERT INTO feedback_form_texts (form_id, language, title, intro, choice_question,
               choice_options) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&t.language)
        .bind(&t.title)
        .bind(&t.intro)
        .bind(&t.choice_question)
        .bind(t.choice_options.join("\n"))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

// ---- submissions ----

/// Who submits and about what.
#[derive(Debug, Clone, Default)]
pub struct Submitter {
    /// The member, if signed in.
    pub member_id: Option<i64>,
    /// The purchase being rated, if any (must be the member's).
    pub purchase_id: Option<i64>,
    /// Contact details a visitor left.
    pub contact_name: Option<String>,
    /// Contact email a visitor left.
    pub contact_email: Option<String>,
    /// The language they used.
    pub language: String,
}

/// Stores a submission and, when the rule says so, opens its case (same transaction).
/// Returns the feedback id and the case id.
pub async fn submit(
    conn: &mut SqliteConnection,
    form: &FormView,
    who: &Submitter,
    answers: &Answers,
    now: OffsetDateTime,
) -> Result<(i64, Option<i64>), AppError> {
    let at = timestamp(now);
    let mut location = form.location_id;
    if let (Some(purchase), Some(member)) = (who.purchase_id, who.member_id) {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT location_id FROM purchases WHERE id = ? AND member_id = ?")
                .bind(purchase)
                .bind(member)
                .fetch_optional(&mut *conn)
                .await?;
        location = Some(found.ok_or(AppError::NotFound)?);
    } else if who.purchase_id.is_some() {
        return Err(AppError::Forbidden);
    }
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO feedback (form_id, member_id, purchase_id, location_id, nps, csat, category,
           choice, body, contact_name, contact_email, language, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(form.id)
    .bind(who.member_id)
    .bind(who.purchase_id)
    .bind(location)
    .bind(answers.nps)
    .bind(answers.csat)
    .bind(answers.category.map(Category::as_str))
    .bind(answers.choice)
    .bind(&answers.body)
    .bind(&who.contact_name)
    .bind(&who.contact_email)
    .bind(&who.language)
    .bind(&at)
    .fetch_one(&mut *conn)
    .await;
    let feedback_id = match inserted {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(AppError::field("purchase_id", Msg::AlreadyRated));
        }
        Err(e) => return Err(e.into()),
    };
    let rule = settings(conn).await?;
    if !opens_case(&rule, answers) {
        return Ok((feedback_id, None));
    }
    let due = timestamp(now + time::Duration::hours(rule.sla_hours));
    let case_id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (feedback_id, member_id, status, priority, assignee_id, location_id,
           due_at, created_at) VALUES (?, ?, 'new', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(feedback_id)
    .bind(who.member_id)
    .bind(if is_urgent(answers) { "high" } else { "normal" })
    .bind(rule.assign_to)
    .bind(location)
    .bind(&due)
    .bind(&at)
    .fetch_one(&mut *conn)
    .await?;
    event(conn, case_id, None, "opened", "", &at).await?;
    Ok((feedback_id, Some(case_id)))
}

async fn event(
    conn: &mut SqliteConnection,
    case_id: i64,
    actor: Option<i64>,
    kind: &str,
    body: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, actor_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(actor)
    .bind(kind)
    .bind(body)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- the inbox ----

/// Inbox filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this status.
    pub status: Option<CaseStatus>,
    /// Only this location.
    pub location_id: Option<i64>,
    /// Only this assignee.
    pub assignee_id: Option<i64>,
}

const CASE_COLUMNS: &str = "SELECT c.id, c.status, c.priority, c.due_at, c.created_at,
    c.first_response_at, c.resolved_at, c.resolution, c.member_id, c.assignee_id,
    c.location_id, l.name AS location, a.preferred_name AS assignee,
    coalesce(m.preferred_name, f.contact_name) AS customer, coalesce(m.email, f.contact_email) AS email,
    f.nps, f.csat, f.category, f.body, f.id AS feedback_id
    FROM cases c JOIN feedback f ON f.id = c.feedback_id
    LEFT JOIN locations l ON l.id = c.location_id
    LEFT JOIN users a ON a.id = c.assignee_id
    LEFT JOIN users m ON m.id = c.member_id";

fn case_row(r: &SqliteRow, now: &str) -> Result<CaseRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let status = CaseStatus::parse(&status).ok_or_else(|| decode("case status"))?;
    let due_at: String = r.try_get("due_at")?;
    let category: Option<String> = r.try_get("category")?;
    let priority: String = r.try_get("priority")?;
    Ok(CaseRow {
        id: r.try_get("id")?,
        overdue: status != CaseStatus::Resolved && due_at.as_str() < now,
        status,
        high: priority == "high",
        due_at,
        created_at: r.try_get("created_at")?,
        first_response_at: r.try_get("first_response_at")?,
        resolved_at: r.try_get("resolved_at")?,
        resolution: r.try_get("resolution")?,
        member_id: r.try_get("member_id")?,
        customer: r.try_get("customer")?,
        email: r.try_get("email")?,
        assignee_id: r.try_get("assignee_id")?,
        assignee: r.try_get("assignee")?,
        location_id: r.try_get("location_id")?,
        location: r.try_get("location")?,
        nps: r.try_get("nps")?,
        csat: r.try_get("csat")?,
        category: category.as_deref().and_then(Category::parse),
        body: r.try_get("body")?,
    })
}

/// Cases matching `f`: open overdue ones first, then by deadline; resolved ones last.
pub async fn inbox(
    conn: &mut SqliteConnection,
    f: &Filter,
    now: OffsetDateTime,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let now = timestamp(now);
    let rows = sqlx::query(&format!(
        "{CASE_COLUMNS}
         WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.location_id = ?2)
           AND (?3 IS NULL OR c.assignee_id = ?3)
         ORDER BY c.status = 'resolved', (c.status != 'resolved' AND c.due_at < ?4) DESC, c.due_at
         LIMIT 200"
    ))
    .bind(f.status.map(CaseStatus::as_str))
    .bind(f.location_id)
    .bind(f.assignee_id)
    .bind(&now)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| case_row(r, &now)).collect()
}

/// One case with its timeline; `for_member` hides internal notes and staff names.
pub async fn case(
    conn: &mut SqliteConnection,
    id: i64,
    now: OffsetDateTime,
    for_member: bool,
) -> Result<Option<CaseDetail>, sqlx::Error> {
    let now_s = timestamp(now);
    let Some(r) = sqlx::query(&format!("{CASE_COLUMNS} WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let row = case_row(&r, &now_s)?;
    let events: Vec<(String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT e.kind, u.preferred_name, e.body, e.created_at
         FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.case_id = ? ORDER BY e.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let timeline = events
        .into_iter()
        .filter(|(kind, ..)| {
            !for_member
                || matches!(
                    kind.as_str(),
                    "opened" | "reply" | "member_reply" | "resolved" | "goodwill"
                )
        })
        .map(|(kind, who, body, at)| CaseEvent {
            kind,
            who: if for_member { None } else { who },
            body,
            at,
        })
        .collect();
    Ok(Some(CaseDetail {
        case: row,
        timeline,
    }))
}

/// The member a case belongs to, and whether it is resolved.
pub async fn case_owner(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(Option<i64>, bool)>, sqlx::Error> {
    sqlx::query_as::<_, (Option<i64>, bool)>(
        "SELECT member_id, status = 'resolved' FROM cases WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// What staff do to a case.
#[derive(Debug, Clone)]
pub enum Act {
    /// An internal note.
    Note(String),
    /// A reply the member sees (first response if it is the first).
    Reply(String),
    /// A new status (not resolved: see `Resolve`).
    Status(CaseStatus),
    /// A new assignee.
    Assign(Option<i64>),
    /// Done, with a resolution text and optional goodwill points.
    Resolve {
        /// What was done.
        resolution: String,
        /// Points to give.
        goodwill: i64,
    },
}

/// Applies `act` by `staff_id` to case `id`. Resolving twice changes nothing the second time
/// (and never pays goodwill twice: the movement's key is the case's).
pub async fn act(
    conn: &mut SqliteConnection,
    id: i64,
    staff_id: i64,
    act: Act,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let at = timestamp(now);
    let (member, resolved) = case_owner(conn, id).await?.ok_or(AppError::NotFound)?;
    match act {
        Act::Note(body) => event(conn, id, Some(staff_id), "note", &body, &at).await?,
        Act::Reply(body) => {
            event(conn, id, Some(staff_id), "reply", &body, &at).await?;
            sqlx::query(
                "UPDATE cases SET first_response_at = coalesce(first_response_at, ?),
                   status = CASE WHEN status = 'resolved' THEN status ELSE 'waiting' END
                 WHERE id = ?",
            )
            .bind(&at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        Act::Status(status) => {
            if status == CaseStatus::Resolved {
                return Err(AppError::BadRequest);
            }
            if resolved {
                return Err(AppError::Conflict {
                    message_key: Msg::CaseResolved,
                });
            }
            sqlx::query("UPDATE cases SET status = ? WHERE id = ?")
                .bind(status.as_str())
                .bind(id)
                .execute(&mut *conn)
                .await?;
            event(conn, id, Some(staff_id), "status", status.as_str(), &at).await?;
        }
        Act::Assign(to) => {
            sqlx::query("UPDATE cases SET assignee_id = ? WHERE id = ?")
                .bind(to)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            let name: Option<String> = match to {
                Some(to) => {
                    sqlx::query_scalar("SELECT preferred_name FROM users WHERE id = ?")
                        .bind(to)
                        .fetch_optional(&mut *conn)
                        .await?
                }
                None => None,
            };
            event(
                conn,
                id,
                Some(staff_id),
                "assigned",
                &name.unwrap_or_default(),
                &at,
            )
            .await?;
        }
        Act::Resolve {
            resolution,
            goodwill,
        } => {
            let done = sqlx::query(
                "UPDATE cases SET status = 'resolved', resolved_at = ?, resolution = ?,
                   first_response_at = coalesce(first_response_at, ?)
                 WHERE id = ? AND status != 'resolved'",
            )
            .bind(&at)
            .bind(&resolution)
            .bind(&at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                // Already resolved: a repeated click changes nothing.
                return Ok(());
            }
            event(conn, id, Some(staff_id), "resolved", &resolution, &at).await?;
            if goodwill > 0 {
                let member =
                    member.ok_or_else(|| AppError::field("goodwill", Msg::GoodwillNeedsMember))?;
                let program = crate::loyalty::db::program::settings(conn).await?;
                let key = format!("case:{id}:goodwill");
                let reason = format!("case #{id}");
                let new = NewMovement {
                    expires_at: expiry_of(&program, now),
                    ..NewMovement::plain(
                        member,
                        goodwill,
                        MovementKind::Goodwill,
                        &reason,
                        Actor::Staff(staff_id),
                        &key,
                        &at,
                    )
                };
                let (movement, _) = ldb::append_only(conn, &new).await.map_err(append_error)?;
                sqlx::query("UPDATE cases SET goodwill_movement_id = ? WHERE id = ?")
                    .bind(movement)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                event(
                    conn,
                    id,
                    Some(staff_id),
                    "goodwill",
                    &goodwill.to_string(),
                    &at,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// A member's reply on their own case (checked by the caller); reopens a waiting case.
pub async fn member_reply(
    conn: &mut SqliteConnection,
    id: i64,
    member_id: i64,
    body: &str,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let at = timestamp(now);
    event(conn, id, Some(member_id), "member_reply", body, &at).await?;
    sqlx::query("UPDATE cases SET status = 'in_progress' WHERE id = ? AND status = 'waiting'")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A member's own feedback, newest first, with the case of each (timeline without notes).
pub async fn mine(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<MyFeedback>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>, Option<i64>, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT f.id, f.nps, f.csat, f.body, f.created_at, c.id
         FROM feedback f LEFT JOIN cases c ON c.feedback_id = f.id
         WHERE f.member_id = ? ORDER BY f.id DESC LIMIT 50",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (id, nps, csat, body, created_at, case_id) in rows {
        let case = match case_id {
            Some(c) => case(conn, c, now, true).await?,
            None => None,
        };
        out.push(MyFeedback {
            id,
            nps,
            csat,
            body,
            created_at,
            case,
        });
    }
    Ok(out)
}

/// The newest purchase of a member not yet rated, within a week of `now`.
pub async fn purchase_to_rate(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    let since = timestamp(now - time::Duration::days(7));
    sqlx::query_as(
        "SELECT p.id, l.name, p.created_at FROM purchases p JOIN locations l ON l.id = p.location_id
         WHERE p.member_id = ? AND p.created_at >= ?
           AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.purchase_id = p.id)
         ORDER BY p.id DESC LIMIT 1",
    )
    .bind(member_id)
    .bind(since)
    .fetch_optional(conn)
    .await
}

// ---- quality ----

/// The quality numbers since `since` (UTC timestamp).
pub async fn quality(
    conn: &mut SqliteConnection,
    since: &str,
    now: OffsetDateTime,
) -> Result<Quality, sqlx::Error> {
    let rows: Vec<(
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT f.created_at, f.nps, f.csat, f.category, l.name
             FROM feedback f LEFT JOIN locations l ON l.id = f.location_id
             WHERE f.created_at >= ? ORDER BY f.created_at",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let week_of = |at: &str| {
        parse_timestamp(at).map_or_else(String::new, |t| {
            let monday =
                t.date() - time::Duration::days(i64::from(t.weekday().number_days_from_monday()));
            monday.to_string()
        })
    };
    let mut groups: Vec<(String, String, Vec<i64>, Vec<i64>, i64)> = Vec::new();
    let mut add = |dim: &str, key: String, nps_v: Option<i64>, csat_v: Option<i64>| {
        let g = match groups.iter_mut().position(|g| g.0 == dim && g.1 == key) {
            Some(i) => &mut groups[i],
            None => {
                groups.push((dim.to_owned(), key, Vec::new(), Vec::new(), 0));
                groups.last_mut().expect("pushed")
            }
        };
        g.2.extend(nps_v);
        g.3.extend(csat_v);
        g.4 += 1;
    };
    for (at, n, c, category, location) in &rows {
        add("week", week_of(at), *n, *c);
        add("location", location.clone().unwrap_or_default(), *n, *c);
        add("category", category.clone().unwrap_or_default(), *n, *c);
    }
    let rows_of = |dim: &str| -> Vec<WeekRow> {
        groups
            .iter()
            .filter(|g| g.0 == dim)
            .map(|g| WeekRow {
                key: g.1.clone(),
                nps: nps(&g.2),
                csat: csat(&g.3),
                count: g.4,
            })
            .collect()
    };
    let cases: Vec<(String, Option<String>, Option<String>, String, String)> = sqlx::query_as(
        "SELECT created_at, first_response_at, resolved_at, due_at, status FROM cases
         WHERE created_at >= ?",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let minutes = |from: &str, to: &Option<String>| {
        let (a, b) = (parse_timestamp(from)?, parse_timestamp(to.as_deref()?)?);
        Some((b - a).whole_minutes())
    };
    let mut first: Vec<i64> = cases.iter().filter_map(|c| minutes(&c.0, &c.1)).collect();
    let mut resolve: Vec<i64> = cases.iter().filter_map(|c| minutes(&c.0, &c.2)).collect();
    let resolved: Vec<_> = cases.iter().filter(|c| c.2.is_some()).collect();
    let in_time = resolved
        .iter()
        .filter(|c| c.2.as_deref().is_some_and(|r| r <= c.3.as_str()))
        .count();
    let now_s = timestamp(now);
    let overdue: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE status != 'resolved' AND due_at < ?")
            .bind(&now_s)
            .fetch_one(&mut *conn)
            .await?;
    let all_nps: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let all_csat: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    Ok(Quality {
        nps: nps(&all_nps),
        csat: csat(&all_csat),
        count: i64::try_from(rows.len()).unwrap_or(0),
        by_week: rows_of("week"),
        by_location: rows_of("location"),
        by_category: rows_of("category"),
        median_first_response_min: median(&mut first),
        median_resolution_min: median(&mut resolve),
        resolved_in_time_pct: (!resolved.is_empty())
            .then(|| i64::try_from(in_time * 100 / resolved.len()).unwrap_or(0)),
        open_overdue: overdue,
    })
}
