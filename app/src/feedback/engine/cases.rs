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

pub(super) const CASE_COLUMNS: &str = "SELECT c.id, c.status, c.priority, c.priority_service, c.due_at, c.created_at,
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

/// A case as stored: the row the inbox shows, and what its derived fields come from.
#[derive(sqlx::FromRow)]
pub(super) struct CaseRecord {
    #[sqlx(flatten)]
    case: CaseRow,
    due_at: Stamp,
    priority: String,
}

impl CaseRecord {
    /// The row as shown at `now` in time zone `zone`.
    fn at(self, now: Stamp, zone: &str) -> CaseRow {
        let Self {
            mut case,
            due_at,
            priority,
        } = self;
        case.overdue = case.status != CaseStatus::Resolved && due_at < now;
        case.high = priority == "high";
        case.due_local = crate::db::local_time(zone, due_at);
        case.due_at = due_at.to_string();
        case
    }
}

/// The priority service hours of the member's tier now, if it carries that benefit.
pub(super) async fn priority_hours(
    conn: &mut SqliteConnection,
    member: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT t.priority_hours FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id
         WHERE mt.member_id = $1",
    )
    .bind(member)
    .fetch_optional(conn)
    .await
    .map(Option::flatten)
}

/// Cases matching `f`: open priority-service ones first (a tier benefit), then open overdue
/// ones, then by deadline; resolved ones last.
pub async fn inbox(
    conn: &mut SqliteConnection,
    f: &Filter,
    now: Stamp,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let zone = shop_zone(conn).await?;
    let rows: Vec<CaseRecord> = sqlx::query_as(&format!(
        "{CASE_COLUMNS}
         WHERE ($1 IS NULL OR c.status = $1) AND ($2 IS NULL OR c.location_id = $2)
           AND ($3 IS NULL OR c.assignee_id = $3)
         ORDER BY c.status = 'resolved', (c.status != 'resolved' AND c.priority_service) DESC,
                  (c.status != 'resolved' AND c.due_at < $4) DESC, c.due_at
         LIMIT 200"
    ))
    .bind(f.status)
    .bind(f.location_id)
    .bind(f.assignee_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.at(now, &zone)).collect())
}

/// One case with its timeline; `for_member` hides internal notes and staff names.
pub async fn case(
    conn: &mut SqliteConnection,
    id: i64,
    now: Stamp,
    for_member: bool,
) -> Result<Option<CaseDetail>, sqlx::Error> {
    let zone = shop_zone(conn).await?;
    let Some(r) = sqlx::query_as::<_, CaseRecord>(&format!("{CASE_COLUMNS} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut row = r.at(now, &zone);
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
            at: crate::db::local_time_of(&zone, &at),
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
    now: Stamp,
) -> Result<(), AppError> {
    let at = now;
    event(conn, id, Some(member_id), "member_reply", body, at).await?;
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
    now: Stamp,
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
    now: Stamp,
) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    let since = now - crate::db::days(7);
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
