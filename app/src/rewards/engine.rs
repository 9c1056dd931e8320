//! Rewards on the server: the catalog, taking a reward for points (a single-use code in the
//! same transaction as the points and the stock), using a code at the counter, and expiring
//! unused codes. Every write runs inside the one write transaction at a time SQLite allows,
//! so "exactly once" and "no more than the stock" hold under any concurrency.

use rand::RngCore as _;
use sqlx::{Row as _, SqliteConnection, sqlite::SqliteRow};
use time::OffsetDateTime;

use super::types::{CodeStatus, Reward, RewardCode, blocked, make_code};
use crate::{
    db::{Db, add_days, is_unique_violation, local_day, timestamp},
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, AppendError, NewMovement, program as pdb},
        engine::{append_error, current_tier, expiry_of},
        types::MovementKind,
    },
};

const REWARD_COLUMNS: &str = "SELECT r.id, r.name, r.description, r.cost, r.stock, r.starts_on,
    r.ends_on, r.min_tier_id, t.name AS tier_name, t.threshold AS tier_threshold, r.icon,
    r.valid_days, r.refund_if_unused, r.active
    FROM rewards r LEFT JOIN tiers t ON t.id = r.min_tier_id";

/// A reward and the threshold of its minimum tier.
fn reward(r: &SqliteRow) -> Result<(Reward, Option<i64>), sqlx::Error> {
    let tier: Option<i64> = r.try_get("min_tier_id")?;
    let tier_name: Option<String> = r.try_get("tier_name")?;
    Ok((
        Reward {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            cost: r.try_get("cost")?,
            stock: r.try_get("stock")?,
            starts_on: r.try_get("starts_on")?,
            ends_on: r.try_get("ends_on")?,
            min_tier: tier.zip(tier_name),
            icon: r.try_get("icon")?,
            valid_days: r.try_get("valid_days")?,
            refund_if_unused: r.try_get("refund_if_unused")?,
            active: r.try_get("active")?,
        },
        r.try_get("tier_threshold")?,
    ))
}

/// The catalog (`only_active`: what members may see), cheapest first.
pub async fn list(
    conn: &mut SqliteConnection,
    only_active: bool,
) -> Result<Vec<(Reward, Option<i64>)>, sqlx::Error> {
    let filter = if only_active {
        " WHERE r.active = 1"
    } else {
        ""
    };
    let rows = sqlx::query(&format!("{REWARD_COLUMNS}{filter} ORDER BY r.cost, r.name"))
        .fetch_all(conn)
        .await?;
    rows.iter().map(reward).collect()
}

/// One reward.
pub async fn get(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(Reward, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query(&format!("{REWARD_COLUMNS} WHERE r.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(reward).transpose()
}

/// Adds (`id` 0) or changes a reward; returns its id. Names are unique.
pub async fn save(conn: &mut SqliteConnection, r: &Reward, at: &str) -> Result<i64, AppError> {
    let tier = r.min_tier.as_ref().map(|(id, _)| *id);
    let result = if r.id == 0 {
        sqlx::query_scalar(
            "INSERT INTO rewards (name, description, cost, stock, starts_on, ends_on, min_tier_id,
               icon, valid_days, refund_if_unused, active, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.cost)
        .bind(r.stock)
        .bind(&r.starts_on)
        .bind(&r.ends_on)
        .bind(tier)
        .bind(&r.icon)
        .bind(r.valid_days)
        .bind(r.refund_if_unused)
        .bind(r.active)
        .bind(at)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
    } else {
        sqlx::query_scalar(
            "UPDATE rewards SET name = ?, description = ?, cost = ?, stock = ?, starts_on = ?,
               ends_on = ?, min_tier_id = ?, icon = ?, valid_days = ?, refund_if_unused = ?,
               active = ?, updated_at = ?
             WHERE id = ? RETURNING id",
        )
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.cost)
        .bind(r.stock)
        .bind(&r.starts_on)
        .bind(&r.ends_on)
        .bind(tier)
        .bind(&r.icon)
        .bind(r.valid_days)
        .bind(r.refund_if_unused)
        .bind(r.active)
        .bind(at)
        .bind(r.id)
        .fetch_optional(&mut *conn)
        .await
        .and_then(|id: Option<i64>| id.ok_or(sqlx::Error::RowNotFound))
    };
    result.map_err(|e| match e {
        e if is_unique_violation(&e) => AppError::field("name", Msg::NameTaken),
        sqlx::Error::RowNotFound => AppError::NotFound,
        e => e.into(),
    })
}

/// The threshold of the member's tier now (`None`: no tier).
pub async fn tier_threshold(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<Option<i64>, sqlx::Error> {
    let settings = pdb::settings(conn).await?;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) = current_tier(conn, member_id, &settings, &tiers, now).await?;
    Ok(tiers
        .iter()
        .find(|t| Some(t.id) == tier)
        .map(|t| t.threshold))
}

/// The catalog as `member_id` sees it now: active rewards, each with why they may not take it.
pub async fn offered(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<super::types::Offered>, sqlx::Error> {
    let settings = pdb::settings(conn).await?;
    let today = local_day(&settings.time_zone, now).0;
    let balance = ldb::balance(conn, member_id).await?;
    let tier = tier_threshold(conn, member_id, now).await?;
    Ok(list(conn, true)
        .await?
        .into_iter()
        .map(|(reward, needed)| super::types::Offered {
            blocked: blocked(&reward, needed, &today, balance, tier),
            reward,
        })
        .collect())
}

const CODE_COLUMNS: &str = "SELECT c.id, c.code, c.reward_id, r.name AS reward, r.icon,
    c.member_id, c.points, c.issued_at, c.expires_at, r.refund_if_unused, c.used_at,
    l.name AS used_location, c.expired_at
    FROM reward_codes c JOIN rewards r ON r.id = c.reward_id
    LEFT JOIN locations l ON l.id = c.used_location_id";

fn code(r: &SqliteRow, now: &str) -> Result<RewardCode, sqlx::Error> {
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

async fn code_by(
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

/// Takes a reward for `member_id`: checks window, tier, stock and balance, takes one from the
/// stock and the points from the balance, and issues a code. Run in a write transaction;
/// `key` is the movement's unique key.
pub async fn redeem(
    conn: &mut SqliteConnection,
    member_id: i64,
    reward_id: i64,
    key: &str,
    now: OffsetDateTime,
) -> Result<RewardCode, AppError> {
    let (reward, needed) = get(conn, reward_id).await?.ok_or(AppError::NotFound)?;
    let settings = pdb::settings(conn).await?;
    let today = local_day(&settings.time_zone, now).0;
    let balance = ldb::balance(conn, member_id).await?;
    let tier = tier_threshold(conn, member_id, now).await?;
    if let Some(why) = blocked(&reward, needed, &today, balance, tier) {
        return Err(AppError::field("reward_id", why));
    }
    if reward.stock.is_some() {
        let taken = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = ? AND stock > 0")
            .bind(reward_id)
            .execute(&mut *conn)
            .await?;
        if taken.rows_affected() != 1 {
            return Err(AppError::field("reward_id", Msg::RewardOutOfStock));
        }
    }
    let at = timestamp(now);
    let new = NewMovement::plain(
        member_id,
        -reward.cost,
        MovementKind::Redeem,
        &reward.name,
        Actor::Member(member_id),
        key,
        &at,
    );
    let (movement_id, _) = ldb::append_only(conn, &new).await.map_err(|e| match e {
        AppendError::Insufficient { .. } => AppError::field("reward_id", Msg::InsufficientPoints),
        e => append_error(e),
    })?;
    issue_code(
        conn,
        &reward,
        member_id,
        reward.cost,
        Some(movement_id),
        now,
    )
    .await
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
pub async fn expire_codes(db: &Db, now: OffsetDateTime) -> Result<(u64, i64), sqlx::Error> {
    let at = timestamp(now);
    let (mut codes, mut points) = (0, 0);
    loop {
        let mut tx = db.begin_write().await?;
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
            break;
        }
        let settings = pdb::settings(&mut tx).await?;
        for (id, member_id, cost, refund, name) in due {
            let mut returned = None;
            if refund && cost > 0 {
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
                let (movement, _) = ldb::append_only(&mut tx, &new).await.map_err(|e| match e {
                    AppendError::Db(e) => e,
                    AppendError::Insufficient { .. } => {
                        sqlx::Error::Protocol("a credit was refused".into())
                    }
                })?;
                returned = Some(movement);
                points += cost;
            }
            sqlx::query(
                "UPDATE reward_codes SET expired_at = ?, return_movement_id = ? WHERE id = ?",
            )
            .bind(&at)
            .bind(returned)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            codes += 1;
        }
        tx.commit().await?;
    }
    Ok((codes, points))
}
