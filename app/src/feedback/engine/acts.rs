//! What staff do to a case: notes, replies, status, assignee, and resolving it with goodwill
//! points or a reward code (once, within the per-case cap, audited).

use super::*;

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
    now: Stamp,
) -> Result<(), AppError> {
    let at = now;
    let (member, resolved) = case_owner(conn, id).await?.ok_or(AppError::NotFound)?;
    match act {
        Act::Note(body) => event(conn, id, Some(staff_id), "note", &body, at).await?,
        Act::Reply(body) => {
            event(conn, id, Some(staff_id), "reply", &body, at).await?;
            sqlx::query(
                "UPDATE cases SET first_response_at = coalesce(first_response_at, $1),
                   status = CASE WHEN status = 'resolved' THEN status ELSE 'waiting' END
                 WHERE id = $2",
            )
            .bind(at)
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
            sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                .bind(status.as_str())
                .bind(id)
                .execute(&mut *conn)
                .await?;
            event(conn, id, Some(staff_id), "status", status.as_str(), at).await?;
        }
        Act::Assign(to) => {
            sqlx::query("UPDATE cases SET assignee_id = $1 WHERE id = $2")
                .bind(to)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            let name: Option<String> = match to {
                Some(to) => {
                    sqlx::query_scalar("SELECT preferred_name FROM users WHERE id = $1")
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
                at,
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
                    crate::rewards::db::get(conn, reward_id)
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
                "UPDATE cases SET status = 'resolved', resolved_at = $1, resolution = $2,
                   first_response_at = coalesce(first_response_at, $3)
                 WHERE id = $4 AND status != 'resolved'",
            )
            .bind(at)
            .bind(&resolution)
            .bind(at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                // Already resolved: a repeated click changes nothing.
                return Ok(());
            }
            event(conn, id, Some(staff_id), "resolved", &resolution, at).await?;
            if goodwill > 0 {
                let member =
                    member.ok_or_else(|| AppError::field("goodwill", Msg::GoodwillNeedsMember))?;
                let program = crate::loyalty::db::program::settings(conn).await?;
                let key = format!("case:{id}:goodwill");
                let reason = format!("case #{id}");
                let new = NewMovement {
                    expires_at: crate::loyalty::db::program::expiry_of(&program, now),
                    ..NewMovement::plain(
                        member,
                        goodwill,
                        MovementKind::Goodwill,
                        &reason,
                        Actor::Staff(staff_id),
                        &key,
                        at,
                    )
                };
                let (movement, _) = ldb::append_only(conn, &new).await?;
                sqlx::query("UPDATE cases SET goodwill_movement_id = $1 WHERE id = $2")
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
                    at,
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
                crate::rewards::db::take_stock(conn, &reward).await?;
                let code =
                    crate::rewards::db::issue_code(conn, &reward, member, 0, None, now).await?;
                sqlx::query("UPDATE cases SET reward_code_id = $1 WHERE id = $2")
                    .bind(code.id)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                event(conn, id, Some(staff_id), "reward", &reward.name, at).await?;
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
