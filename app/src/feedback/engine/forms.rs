//! Forms with their texts per language, and submissions (a case opened in the same transaction when the rule says so).

use super::*;

pub(super) fn asks(r: &SqliteRow, choices: usize) -> Result<Asks, sqlx::Error> {
    Ok(Asks {
        nps: r.try_get("ask_nps")?,
        csat: r.try_get("ask_csat")?,
        text: r.try_get("ask_text")?,
        category: r.try_get("ask_category")?,
        choices,
    })
}

/// Every language's texts of a form.
pub(super) async fn texts(
    conn: &mut SqliteConnection,
    form_id: i64,
) -> Result<Vec<FormTexts>, sqlx::Error> {
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
        missing: LANGUAGES
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

/// Every form with all its texts (the editor), missing languages listed.
pub async fn form_edits(conn: &mut SqliteConnection) -> Result<Vec<FormEdit>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, slug, ask_nps, ask_csat, ask_text, ask_category, location_id, active
         FROM feedback_forms ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let all = texts(conn, id).await?;
        let choices = all
            .iter()
            .map(|t| t.choice_options.len())
            .max()
            .unwrap_or(0);
        out.push(FormEdit {
            id,
            name: r.try_get("name")?,
            slug: r.try_get("slug")?,
            asks: asks(&r, choices)?,
            location_id: r.try_get("location_id")?,
            active: r.try_get("active")?,
            missing: LANGUAGES
                .into_iter()
                .filter(|l| !all.iter().any(|t| t.language == *l))
                .map(str::to_owned)
                .collect(),
            texts: all,
        });
    }
    Ok(out)
}

/// The languages a form can have texts in, in editor order.
pub const LANGUAGES: [&str; 5] = ["en", "sv", "nb", "lv", "pt"];

/// What a form is, apart from its texts.
#[derive(Debug, Clone)]
pub struct FormHead<'a> {
    /// Internal name (unique).
    pub name: &'a str,
    /// Public link part; kept when a form is changed, so printed links keep working.
    pub slug: &'a str,
    /// Questions asked.
    pub asks: Asks,
    /// Its location, if any.
    pub location_id: Option<i64>,
    /// Open for answers.
    pub active: bool,
}

/// Adds a form (`id` `None`) or replaces an existing one's questions and texts; returns its id.
pub async fn save_form(
    conn: &mut SqliteConnection,
    id: Option<i64>,
    head: &FormHead<'_>,
    texts: &[FormTexts],
    at: &str,
) -> Result<i64, AppError> {
    let named = |e: sqlx::Error| {
        if crate::db::is_unique_violation(&e) {
            AppError::field("name", Msg::NameTaken)
        } else {
            e.into()
        }
    };
    let id: i64 = match id {
        None => sqlx::query_scalar(
            "INSERT INTO feedback_forms (name, slug, ask_nps, ask_csat, ask_text, ask_category,
               location_id, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(head.name)
        .bind(head.slug)
        .bind(head.asks.nps)
        .bind(head.asks.csat)
        .bind(head.asks.text)
        .bind(head.asks.category)
        .bind(head.location_id)
        .bind(head.active)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
        .map_err(named)?,
        Some(id) => sqlx::query_scalar(
            "UPDATE feedback_forms SET name = ?, ask_nps = ?, ask_csat = ?, ask_text = ?,
               ask_category = ?, location_id = ?, active = ? WHERE id = ? RETURNING id",
        )
        .bind(head.name)
        .bind(head.asks.nps)
        .bind(head.asks.csat)
        .bind(head.asks.text)
        .bind(head.asks.category)
        .bind(head.location_id)
        .bind(head.active)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(named)?
        .ok_or(AppError::NotFound)?,
    };
    sqlx::query("DELETE FROM feedback_form_texts WHERE form_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
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

/// How long the same answers from the same member count as sent twice (a double tap, a form
/// left filled in and sent again) rather than said again.
pub const REPEAT_WINDOW: time::Duration = time::Duration::minutes(10);

/// Whether `member` sent these same answers to `form_id` (about the same purchase, if any)
/// within [`REPEAT_WINDOW`] before `now`.
async fn repeated(
    conn: &mut SqliteConnection,
    form_id: i64,
    member: i64,
    purchase_id: Option<i64>,
    a: &Answers,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM feedback
         WHERE member_id = ? AND form_id = ? AND created_at >= ?
           AND purchase_id IS NOT DISTINCT FROM ? AND nps IS NOT DISTINCT FROM ?
           AND csat IS NOT DISTINCT FROM ? AND category IS NOT DISTINCT FROM ?
           AND choice IS NOT DISTINCT FROM ? AND body = ?",
    )
    .bind(member)
    .bind(form_id)
    .bind(timestamp(now - REPEAT_WINDOW))
    .bind(purchase_id)
    .bind(a.nps)
    .bind(a.csat)
    .bind(a.category.map(Category::as_str))
    .bind(a.choice)
    .bind(&a.body)
    .fetch_one(conn)
    .await
    .map(|n| n > 0)
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
    if let Some(member) = who.member_id
        && repeated(conn, form.id, member, who.purchase_id, answers, now).await?
    {
        return Err(AppError::Conflict {
            message_key: Msg::FeedbackRepeated,
        });
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
    if let Some(member) = who.member_id
        && let Some(open) = open_case_today(conn, form.id, member, now).await?
    {
        // One open case per member, form and shop day: this one joins it.
        event(conn, open, Some(member), "again", &summary(answers), &at).await?;
        if is_urgent(answers) {
            sqlx::query("UPDATE cases SET priority = 'high' WHERE id = ?")
                .bind(open)
                .execute(&mut *conn)
                .await?;
        }
        return Ok((feedback_id, Some(open)));
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

/// The member's case from `form_id` opened today (the shop's day) and not resolved yet.
async fn open_case_today(
    conn: &mut SqliteConnection,
    form_id: i64,
    member: i64,
    now: OffsetDateTime,
) -> Result<Option<i64>, sqlx::Error> {
    let zone = super::cases::shop_zone(conn).await?;
    let today = crate::db::local_day(&zone, now).0;
    let open: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.created_at FROM cases c JOIN feedback f ON f.id = c.feedback_id
         WHERE c.member_id = ? AND f.form_id = ? AND c.status != 'resolved' AND c.created_at >= ?
         ORDER BY c.id DESC",
    )
    .bind(member)
    .bind(form_id)
    // A shop day is at most 26 hours of UTC either side; the day itself is checked below.
    .bind(timestamp(now - time::Duration::hours(30)))
    .fetch_all(conn)
    .await?;
    Ok(open.into_iter().find_map(|(id, at)| {
        let opened = parse_timestamp(&at)?;
        (crate::db::local_day(&zone, opened).0 == today).then_some(id)
    }))
}

/// A further submission's scores and words, for the timeline of the case it joins.
fn summary(a: &Answers) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(a.nps.map(|n| format!("NPS {n}")));
    parts.extend(a.csat.map(|c| format!("CSAT {c}")));
    if !a.body.is_empty() {
        parts.push(a.body.clone());
    }
    parts.join(" · ")
}

pub(super) async fn event(
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
