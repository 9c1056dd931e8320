//! The case inbox, one case with its timeline, what staff do to a case (goodwill once), and the member's side.

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
         WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.location_id = ?2)
           AND (?3 IS NULL OR c.assignee_id = ?3)
         ORDER BY c.status = 'resolved', (c.status != 'resolved' AND c.due_at < ?4) DESC, c.due_at
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
    let Some(r) = sqlx::query(&format!("{CASE_COLUMNS} WHERE c.id = ?"))
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
        /// A reward whose code to give (free; it does not count against stock).
        reward_id: Option<i64>,
        /// Whether the giver may go above the per-case goodwill cap (managers and owners).
        above_cap: bool,
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
            reward_id,
            above_cap,
        } => {
            let reward = match reward_id {
                Some(reward_id) => Some(
                    crate::rewards::engine::get(conn, reward_id)
                        .await?
                        .filter(|(r, _)| r.active)
                        .ok_or_else(|| AppError::field("reward_id", Msg::RewardUnavailable))?
                        .0,
                ),
                None => None,
            };
            let worth = goodwill.saturating_add(reward.as_ref().map_or(0, |r| r.cost));
            if !above_cap && worth > super::settings(conn).await?.goodwill_cap {
                return Err(AppError::field("goodwill", Msg::GoodwillOverCap));
            }
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
                let detail = format!("{goodwill:+} points, case #{id}");
                crate::audit::db::record(
                    conn,
                    Some(staff_id),
                    "case.goodwill",
                    &format!("user:{member}"),
                    &detail,
                )
                .await?;
            }
            if let Some(reward) = reward {
                let member =
                    member.ok_or_else(|| AppError::field("reward_id", Msg::GoodwillNeedsMember))?;
                crate::rewards::engine::take_stock(conn, &reward).await?;
                let code =
                    crate::rewards::engine::issue_code(conn, &reward, member, 0, None, now).await?;
                sqlx::query("UPDATE cases SET reward_code_id = ? WHERE id = ?")
                    .bind(code.id)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                event(conn, id, Some(staff_id), "reward", &reward.name, &at).await?;
                let detail = format!("{} ({} points), case #{id}", reward.name, reward.cost);
                crate::audit::db::record(
                    conn,
                    Some(staff_id),
                    "case.reward_code",
                    &format!("user:{member}"),
                    &detail,
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
