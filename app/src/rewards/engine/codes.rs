//! Reward codes: a member's codes, issuing one, using one at the counter (once), and expiring unused ones (points back once where the reward says so).

use super::*;

pub(super) const CODE_COLUMNS: &str = "SELECT c.id, c.code, c.reward_id, r.name AS reward, r.icon,
    c.member_id, c.points, c.issued_at, c.expires_at, r.refund_if_unused, c.used_at,
    l.name AS used_location, c.expired_at
    FROM reward_codes c JOIN rewards r ON r.id = c.reward_id
    LEFT JOIN locations l ON l.id = c.used_location_id";

pub(super) fn code(r: &SqliteRow, now: &str) -> Result<RewardCode, sqlx::Error> {
    let used_at: Option<String> = r.try_get("used_at")?;
    let expired_at: Option<String> = r.try_get("expired_at")?;
    let expires_at: String = r.try_get("expires_at")?;
    let status = if used_at.is_some() {
        CodeStatus::Used
    } else if expired_at.is_some() || expires_at.as_str() <= now {
        CodeStatus::Expired
    } else {
        CodeStatus::Active
    };
    Ok(RewardCode {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        reward_id: r.try_get("reward_id")?,
        reward: r.try_get("reward")?,
        icon: r.try_get("icon")?,
        member_id: r.try_get("member_id")?,
        points: r.try_get("points")?,
        issued_at: r.try_get("issued_at")?,
        expires_at,
        refund_if_unused: r.try_get("refund_if_unused")?,
        status,
        used_at,
        used_location: r.try_get("used_location")?,
    })
}

/// The member's codes, newest first.
pub async fn codes_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<RewardCode>, sqlx::Error> {
    let now = timestamp(now);
    let rows = sqlx::query(&format!(
        "{CODE_COLUMNS} WHERE c.member_id = ? ORDER BY c.id DESC LIMIT 50"
    ))
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| code(r, &now)).collect()
}

pub(super) async fn code_by(
    conn: &mut SqliteConnection,
    column: &str,
    value: &str,
    now: &str,
) -> Result<Option<RewardCode>, sqlx::Error> {
    let row = sqlx::query(&format!("{CODE_COLUMNS} WHERE c.{column} = ?"))
        .bind(value)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| code(r, now)).transpose()
}

/// Issues a code for `reward` to `member_id`, paid with `points` (0 for a gift such as a full
/// punch card) through `movement_id`. Run in a write transaction.
pub async fn issue_code(
    conn: &mut SqliteConnection,
    reward: &Reward,
    member_id: i64,
    points: i64,
    movement_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<RewardCode, AppError> {
    let at = timestamp(now);
    let expires = timestamp(add_days(now, reward.valid_days));
    let mut tries = 0;
    let code = loop {
        let mut random = [0u32; 10];
        for r in &mut random {
            *r = rand::rngs::OsRng.next_u32();
        }
        let code = make_code(random);
        let inserted = sqlx::query(
            "INSERT INTO reward_codes (code, reward_id, member_id, points, movement_id, issued_at,
               expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&code)
        .bind(reward.id)
        .bind(member_id)
        .bind(points)
        .bind(movement_id)
        .bind(&at)
        .bind(&expires)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => break code,
            // 31^10 codes: a clash is all but impossible; try again rather than fail.
            Err(e) if is_unique_violation(&e) && tries < 3 => tries += 1,
            Err(e) => return Err(e.into()),
        }
    };
    code_by(conn, "code", &code, &at)
        .await?
        .ok_or(AppError::Internal)
}

/// Uses a code at the counter: once. A used code is refused with when and where it was used;
/// an expired one with its own error. Run in a write transaction.
pub async fn consume(
    conn: &mut SqliteConnection,
    code: &str,
    location_id: i64,
    staff_id: i64,
    now: OffsetDateTime,
) -> Result<RewardCode, AppError> {
    let at = timestamp(now);
    let found = code_by(conn, "code", code, &at)
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
        "UPDATE reward_codes SET used_at = ?, used_location_id = ?, used_by = ?
         WHERE id = ? AND used_at IS NULL AND expired_at IS NULL",
    )
    .bind(&at)
    .bind(location_id)
    .bind(staff_id)
    .bind(found.id)
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        // Only reachable if two writers ran at once, which the write lock rules out.
        return Err(AppError::Internal);
    }
    code_by(conn, "code", code, &at)
        .await?
        .ok_or(AppError::Internal)
}

/// Expires unused codes whose time has come; gives the points back where the reward says so
/// (once per code: the movement's key is the code's). Returns (codes, points given back).
pub async fn expire_codes(db: &Db, now: OffsetDateTime) -> Result<(u64, i64), AppError> {
    let at = timestamp(now);
    let (mut codes, mut points) = (0, 0);
    loop {
        let at = at.clone();
        let (found, returned) = db
            .write(move |tx| {
                Box::pin(async move {
                    let due: Vec<(i64, i64, i64, bool, String)> = sqlx::query_as(
                        "SELECT c.id, c.member_id, c.points, r.refund_if_unused, r.name
                         FROM reward_codes c JOIN rewards r ON r.id = c.reward_id
                         WHERE c.used_at IS NULL AND c.expired_at IS NULL AND c.expires_at <= ?
                         ORDER BY c.expires_at LIMIT 200",
                    )
                    .bind(&at)
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
                        .bind(&at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if claimed == 0 || !refund || cost <= 0 {
                            continue;
                        }
                        let key = format!("system:reward-return:{id}");
                        let new = NewMovement {
                            expires_at: expiry_of(&settings, now),
                            ..NewMovement::plain(
                                member_id,
                                cost,
                                MovementKind::RewardReturn,
                                &name,
                                Actor::System,
                                &key,
                                &at,
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
