//! Reward codes at work: using one at the counter (once), and expiring unused ones (points
//! back once where the reward says so). Issuing one is in [`crate::rewards::db`].

use super::*;

/// Uses a code at the counter: once. A used code is refused with when and where it was used;
/// an expired one with its own error. Run in a write transaction.
pub async fn consume(
    conn: &mut SqliteConnection,
    code: &str,
    location_id: i64,
    by: crate::loyalty::db::Actor,
    now: Stamp,
) -> Result<RewardCode, AppError> {
    let at = now;
    let found = code_by(conn, "code", code, at)
        .await?
        .ok_or_else(|| AppError::field("code", Msg::CodeUnknown))?;
    match found.status {
        CodeStatus::Used => {
            return Err(AppError::CodeUsed {
                used_at: found.used_at.unwrap_or_default(),
                location: found.used_location.unwrap_or_default(),
            });
        }
        CodeStatus::Expired => return Err(AppError::field("code", Msg::CodeExpired)),
        CodeStatus::Active => {}
    }
    if pdb::location_name(conn, location_id).await?.is_none() {
        return Err(AppError::field("location_id", Msg::LocationRequired));
    }
    let used = sqlx::query(
        "UPDATE reward_codes SET used_at = $1, used_location_id = $2, used_by = $3,
           used_api_key_id = $5
         WHERE id = $4 AND used_at IS NULL AND expired_at IS NULL",
    )
    .bind(at)
    .bind(location_id)
    .bind(by.staff())
    .bind(found.id)
    .bind(by.api_key())
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        // Only reachable if two writers ran at once, which the write lock rules out.
        return Err(AppError::Internal);
    }
    code_by(conn, "code", code, at)
        .await?
        .ok_or(AppError::Internal)
}

/// Expires unused codes whose time has come; gives the points back where the reward says so
/// (once per code: the movement's key is the code's). Returns (codes, points given back).
pub async fn expire_codes(db: &Db, now: Stamp) -> Result<(u64, i64), AppError> {
    let at = now;
    let (mut codes, mut points) = (0, 0);
    loop {
        let (found, returned) = db
            .write(move |tx| {
                Box::pin(async move {
                    let due: Vec<(i64, i64, i64, bool, String)> = sqlx::query_as(
                        "SELECT c.id, c.member_id, c.points, r.refund_if_unused, r.name
                         FROM reward_codes c JOIN rewards r ON r.id = c.reward_id
                         WHERE c.used_at IS NULL AND c.expired_at IS NULL AND c.expires_at <= $1
                         ORDER BY c.expires_at LIMIT 200",
                    )
                    .bind(at)
                    .fetch_all(&mut *tx)
                    .await?;
                    if due.is_empty() {
                        return Ok((0, 0));
                    }
                    let settings = pdb::settings(tx).await?;
                    let found = due.len();
                    let mut points = 0;
                    for (id, member_id, cost, refund, name) in due {
                        // Claimed first, on the condition that it is still open: a code used
                        // (or expired by another sweep) meanwhile is left alone.
                        let claimed = sqlx::query(
                            "UPDATE reward_codes SET expired_at = $1 \
                             WHERE id = $2 AND used_at IS NULL AND expired_at IS NULL",
                        )
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if claimed == 0 || !refund || cost <= 0 {
                            continue;
                        }
                        let key = format!("system:reward-return:{id}");
                        let new = NewMovement {
                            expires_at: pdb::expiry_of(&settings, now),
                            ..NewMovement::plain(
                                member_id,
                                cost,
                                MovementKind::RewardReturn,
                                &name,
                                Actor::System,
                                &key,
                                at,
                            )
                        };
                        let (movement, _) =
                            ldb::append_only(tx, &new).await.map_err(|e| match e {
                                AppendError::Db(e) => e,
                                AppendError::Insufficient { .. } => {
                                    sqlx::Error::Protocol("a credit was refused".into())
                                }
                            })?;
                        sqlx::query(
                            "UPDATE reward_codes SET return_movement_id = $1 WHERE id = $2",
                        )
                        .bind(movement)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        points += cost;
                    }
                    Ok((found, points))
                })
            })
            .await?;
        if found == 0 {
            break;
        }
        codes += found as u64;
        points += returned;
    }
    Ok((codes, points))
}
