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
    // The same values in the same order either way; an insert adds `created_at`, an update
    // names the row.
    let sql = if r.id == 0 {
        "INSERT INTO rewards (name, description, cost, stock, starts_on, ends_on, min_tier_id,
           icon, valid_days, refund_if_unused, active, updated_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
    } else {
        "UPDATE rewards SET name = ?, description = ?, cost = ?, stock = ?, starts_on = ?,
           ends_on = ?, min_tier_id = ?, icon = ?, valid_days = ?, refund_if_unused = ?,
           active = ?, updated_at = ?
         WHERE id = ? RETURNING id"
    };
    let query = sqlx::query_scalar::<_, i64>(sql)
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
        .bind(at);
    let query = if r.id == 0 {
        query.bind(at)
    } else {
        query.bind(r.id)
    };
    let result = query
        .fetch_optional(&mut *conn)
        .await
        .and_then(|id| id.ok_or(sqlx::Error::RowNotFound));
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
            missing: (reward.cost - balance).max(0),
            reward,
        })
        .collect())
}

/// Takes one of `reward`'s stock when it has one (a code taken or given away); refused at
/// `reward_id` when none is left.
pub async fn take_stock(conn: &mut SqliteConnection, reward: &Reward) -> Result<(), AppError> {
    if try_take_stock(conn, reward).await? {
        Ok(())
    } else {
        Err(AppError::field("reward_id", Msg::RewardOutOfStock))
    }
}

/// Takes one of `reward`'s stock when it has one: false when none is left.
pub async fn try_take_stock(
    conn: &mut SqliteConnection,
    reward: &Reward,
) -> Result<bool, sqlx::Error> {
    if reward.stock.is_none() {
        return Ok(true);
    }
    let taken = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = ? AND stock > 0")
        .bind(reward.id)
        .execute(&mut *conn)
        .await?;
    Ok(taken.rows_affected() == 1)
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
    match blocked(&reward, needed, &today, balance, tier) {
        None => {}
        Some(Msg::InsufficientPoints) => return Err(points_short(reward.cost, balance)),
        Some(why) => return Err(AppError::field("reward_id", why)),
    }
    take_stock(conn, &reward).await?;
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
        AppendError::Insufficient { balance } => points_short(reward.cost, balance),
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

/// A member's refusal for a reward costing `cost` with `balance` points: how many they lack.
fn points_short(cost: i64, balance: i64) -> AppError {
    AppError::PointsShort {
        missing: (cost - balance).max(1),
    }
}

mod codes;

pub use codes::*;
