//! Submissions: a repeat within minutes refused, a case opened in the same transaction when
//! the rule says so, or joined when the member has one open from the same form today.

use super::*;

/// How long the same answers from the same member count as sent twice (a double tap, a form
/// left filled in and sent again) rather than said again.
pub const REPEAT_WINDOW: jiff::SignedDuration = crate::db::minutes(10);

/// Whether `member` sent these same answers to `form_id` (about the same purchase, if any)
/// within [`REPEAT_WINDOW`] before `now`.
async fn repeated(
    conn: &mut SqliteConnection,
    form_id: i64,
    member: i64,
    purchase_id: Option<i64>,
    a: &Answers,
    now: Stamp,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM feedback
         WHERE member_id = $1 AND form_id = $2 AND created_at >= $3
           AND purchase_id IS NOT DISTINCT FROM $4 AND nps IS NOT DISTINCT FROM $5
           AND csat IS NOT DISTINCT FROM $6 AND category IS NOT DISTINCT FROM $7
           AND choice IS NOT DISTINCT FROM $8 AND body = $9",
    )
    .bind(member)
    .bind(form_id)
    .bind(now - REPEAT_WINDOW)
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
    now: Stamp,
) -> Result<(i64, Option<i64>), AppError> {
    let at = now;
    let mut location = form.location_id;
    if let (Some(purchase), Some(member)) = (who.purchase_id, who.member_id) {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT location_id FROM purchases WHERE id = $1 AND member_id = $2",
        )
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
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
    .bind(at)
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
        event(conn, open, Some(member), "again", &summary(answers), at).await?;
        if is_urgent(answers) {
            sqlx::query("UPDATE cases SET priority = 'high' WHERE id = $1")
                .bind(open)
                .execute(&mut *conn)
                .await?;
        }
        return Ok((feedback_id, Some(open)));
    }
    // Priority service (a tier benefit): the tier's deadline when shorter, listed first.
    let service = match who.member_id {
        Some(member) => super::cases::priority_hours(conn, member).await?,
        None => None,
    };
    let hours = service.map_or(rule.sla_hours, |h| h.min(rule.sla_hours));
    let due = now + crate::db::hours(hours);
    let case_id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (feedback_id, member_id, status, priority, assignee_id, location_id,
           due_at, created_at, priority_service)
         VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(feedback_id)
    .bind(who.member_id)
    .bind(if is_urgent(answers) { "high" } else { "normal" })
    .bind(rule.assign_to)
    .bind(location)
    .bind(due)
    .bind(at)
    .bind(service.is_some())
    .fetch_one(&mut *conn)
    .await?;
    event(conn, case_id, None, "opened", "", at).await?;
    Ok((feedback_id, Some(case_id)))
}

/// The member's case from `form_id` opened today (the shop's day) and not resolved yet.
async fn open_case_today(
    conn: &mut SqliteConnection,
    form_id: i64,
    member: i64,
    now: Stamp,
) -> Result<Option<i64>, sqlx::Error> {
    let zone = super::cases::shop_zone(conn).await?;
    let today = crate::db::local_day(&zone, now).0;
    let open: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.created_at FROM cases c JOIN feedback f ON f.id = c.feedback_id
         WHERE c.member_id = $1 AND f.form_id = $2 AND c.status != 'resolved' AND c.created_at >= $3
         ORDER BY c.id DESC",
    )
    .bind(member)
    .bind(form_id)
    // A shop day is at most 26 hours of UTC either side; the day itself is checked below.
    .bind(now - crate::db::hours(30))
    .fetch_all(conn)
    .await?;
    Ok(open.into_iter().find_map(|(id, at)| {
        let opened = at.parse::<Stamp>().ok()?;
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
