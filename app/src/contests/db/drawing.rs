//! Drawing a contest and checking a draw.

use sqlx::SqliteConnection;

use super::{entrants, row_by_id};
use crate::{
    contests::{Check, Prize, Stage, draw as math},
    db::Stamp,
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, NewMovement},
        types::MovementKind,
    },
};

/// What each winner gets.
enum Gift {
    /// Points, expiring when the program says.
    Points(i64, Option<Stamp>),
    /// A code for this reward.
    Code(crate::rewards::types::Reward),
}

/// Entrants recorded per statement.
const CHUNK: usize = 5_000;

/// Draws contest `id` for staff member `staff_id`, once its last day is over: lists the
/// entrants, records each with their score, gives the lowest scores the prize (points as a
/// bonus through the ledger, or a reward code, taken from the reward's stock) and queues each
/// winner's email, publishes the seed. All or nothing; a contest already drawn is left as it
/// was. Answers how many entered.
pub async fn draw(
    tx: &mut SqliteConnection,
    id: i64,
    staff_id: i64,
    now: Stamp,
) -> Result<i64, AppError> {
    let row = row_by_id(tx, id, "en").await?.ok_or(AppError::NotFound)?;
    if let Some(n) = row.entrants.filter(|_| row.drawn_at.is_some()) {
        return Ok(n);
    }
    let (day, zone) = crate::loyalty::db::program::shop_today(tx, now).await?;
    let (seed, winners_wanted, slug) = (row.seed.clone(), row.winners, row.slug.clone());
    let listed = entrants(tx, &row, &zone).await?;
    let contest = row.contest();
    if contest.stage(&day.to_string()) != Stage::Ended {
        return Err(AppError::field("contest", Msg::ContestNotOver));
    }
    let ids: Vec<i64> = listed.iter().map(|(id, _)| *id).collect();
    let won = math::winners(&seed, &ids, usize::try_from(winners_wanted).unwrap_or(0));
    let place_of = |member: i64| {
        won.iter()
            .position(|(w, _)| *w == member)
            .map(|p| i64::try_from(p).unwrap_or(i64::MAX) + 1)
    };
    for chunk in listed.chunks(CHUNK) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|(member, how)| {
                serde_json::json!([member, how, math::score(&seed, *member), place_of(*member)])
            })
            .collect();
        sqlx::query(
            "INSERT INTO contest_draws (contest_id, user_id, how, score, place)
             SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($2)",
        )
        .bind(id)
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&mut *tx)
        .await?;
    }
    // The prize, worked out once: points with the program's expiry, or the reward itself.
    let gift = match &contest.prize {
        Prize::Points(points) => {
            let program = crate::loyalty::db::program::settings(tx).await?;
            Gift::Points(
                *points,
                crate::loyalty::db::program::expiry_of(&program, now),
            )
        }
        Prize::Reward(reward_id, _) => Gift::Code(
            crate::rewards::db::get(tx, *reward_id)
                .await?
                .ok_or_else(|| AppError::field("contest", Msg::RewardUnavailable))?
                .0,
        ),
    };
    for (member, _) in &won {
        let member = *member;
        let (movement, code) = match &gift {
            Gift::Points(points, expires_at) => {
                let key = format!("contest:{id}:{member}");
                let reason = format!("contest #{id}");
                let new = NewMovement {
                    expires_at: *expires_at,
                    ..NewMovement::plain(
                        member,
                        *points,
                        MovementKind::Bonus,
                        &reason,
                        Actor::Staff(staff_id),
                        &key,
                        now,
                    )
                };
                (Some(ldb::append_only(tx, &new).await?.0), None)
            }
            Gift::Code(reward) => {
                if !crate::rewards::db::try_take_stock(tx, reward).await? {
                    return Err(AppError::field("contest", Msg::RewardOutOfStock));
                }
                let code = crate::rewards::db::issue_code(tx, reward, member, 0, None, now).await?;
                (None, Some(code.id))
            }
        };
        sqlx::query(
            "UPDATE contest_draws SET movement_id = $1, reward_code_id = $2
             WHERE contest_id = $3 AND user_id = $4",
        )
        .bind(movement)
        .bind(code)
        .bind(id)
        .bind(member)
        .execute(&mut *tx)
        .await?;
        let (email, language): (String, String) =
            sqlx::query_as("SELECT email, language FROM users WHERE id = $1")
                .bind(member)
                .fetch_one(&mut *tx)
                .await?;
        crate::outbox::queue_one(
            tx,
            "contest_win",
            None,
            member,
            "email",
            &email,
            &language,
            &format!("contest:{id}:{member}"),
            now,
        )
        .await?;
    }
    let entrants = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    sqlx::query(
        "UPDATE contests SET drawn_at = $1, entrants_hash = $2, entrants = $3 WHERE id = $4",
    )
    .bind(now)
    .bind(math::list_hash(&ids))
    .bind(entrants)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let winners: Vec<String> = won.iter().map(|(w, _)| format!("user:{w}")).collect();
    crate::audit::db::record(
        tx,
        Some(staff_id),
        "contest.draw",
        &format!("contest:{slug}"),
        &format!("{entrants} entrants, winners {}", winners.join(", ")),
    )
    .await?;
    Ok(entrants)
}

/// Re-runs the draw of contest `id` from what was recorded (see [`math::check`]); `None`
/// before the draw.
pub async fn check(conn: &mut SqliteConnection, id: i64) -> Result<Option<Check>, AppError> {
    let drawn: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT seed, entrants_hash FROM contests WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (seed, Some(hash)) = drawn.ok_or(AppError::NotFound)? else {
        return Ok(None);
    };
    let recorded: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, score, place FROM contest_draws WHERE contest_id = $1 ORDER BY user_id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(Some(math::check(&seed, &hash, &recorded)))
}
