//! The case inbox, one case with its timeline, and the member's side.

use super::*;

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

pub(super) const CASE_COLUMNS: &str = "SELECT c.id, c.status, c.priority, c.due_at, c.created_at,
    c.first_response_at, c.resolved_at, c.resolution, c.member_id, c.assignee_id,
    c.location_id, l.name AS location, a.preferred_name AS assignee,
    coalesce(m.preferred_name, f.contact_name) AS customer, coalesce(m.email, f.contact_email) AS email,
    f.nps, f.csat, f.category, f.body, f.id AS feedback_id
    FROM cases c JOIN feedback f ON f.id = c.feedback_id
    LEFT JOIN locations l ON l.id = c.location_id
    LEFT JOIN users a ON a.id = c.assignee_id
    LEFT JOIN users m ON m.id = c.member_id";

/// The shop's time zone, for deadlines shown as local time.
pub(super) async fn shop_zone(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT time_zone FROM program_settings WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(|z| z.unwrap_or_else(|| "UTC".to_owned()))
}

pub(super) fn case_row(r: &SqliteRow, now: &str, zone: &str) -> Result<CaseRow, sqlx::Error> {
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
        due_local: crate::db::local_time(zone, &due_at),
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
    let zone = shop_zone(conn).await?;
    let rows = sqlx::query(&format!(
        "{CASE_COLUMNS}
         WHERE ($1 IS NULL OR c.status = $1) AND ($2 IS NULL OR c.location_id = $2)
           AND ($3 IS NULL OR c.assignee_id = $3)
         ORDER BY c.status = 'resolved', (c.status != 'resolved' AND c.due_at < $4) DESC, c.due_at
         LIMIT 200"
    ))
    .bind(f.status.map(CaseStatus::as_str))
    .bind(f.location_id)
    .bind(f.assignee_id)
    .bind(&now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| case_row(r, &now, &zone)).collect()
}

/// One case with its timeline; `for_member` hides internal notes and staff names.
pub async fn case(
    conn: &mut SqliteConnection,
    id: i64,
    now: OffsetDateTime,
    for_member: bool,
) -> Result<Option<CaseDetail>, sqlx::Error> {
    let now_s = timestamp(now);
    let zone = shop_zone(conn).await?;
    let Some(r) = sqlx::query(&format!("{CASE_COLUMNS} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut row = case_row(&r, &now_s, &zone)?;
    if for_member {
        // Who on the staff handles the case is theirs to know, not the member's.
        row.assignee_id = None;
        row.assignee = None;
    }
    let events: Vec<(String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT e.kind, u.preferred_name, e.body, e.created_at
         FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.case_id = $1 ORDER BY e.id",
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
                    "opened"
                        | "again"
                        | "reply"
                        | "member_reply"
                        | "resolved"
                        | "goodwill"
                        | "reward"
                )
        })
        .map(|(kind, who, body, at)| CaseEvent {
            kind,
            who: if for_member { None } else { who },
            body,
            at: crate::db::local_time(&zone, &at),
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
        "SELECT member_id, status = 'resolved' FROM cases WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
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
    sqlx::query("UPDATE cases SET status = 'in_progress' WHERE id = $1 AND status = 'waiting'")
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
         WHERE f.member_id = $1 ORDER BY f.id DESC LIMIT 50",
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
         WHERE p.member_id = $1 AND p.created_at >= $2
           AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.purchase_id = p.id)
         ORDER BY p.id DESC LIMIT 1",
    )
    .bind(member_id)
    .bind(since)
    .fetch_optional(conn)
    .await
}
