//! Rewards on the server: the catalog, taking a reward for points (a single-use code in the
//! same transaction as the points and the stock), using a code at the counter, and expiring
//! unused codes. Every write runs inside the one write transaction at a time SQLite allows,
//! so "exactly once" and "no more than the stock" hold under any concurrency.

use sqlx::SqliteConnection;

use super::{
    db::{code_by, get, issue_code, list, take_stock},
    types::{CodeStatus, RewardCode, blocked},
};
use crate::{
    db::{Db, Stamp, local_day},
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, AppendError, NewMovement, program as pdb},
        types::MovementKind,
    },
};

/// The threshold of the member's tier now (`None`: no tier).
pub async fn tier_threshold(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
) -> Result<Option<i64>, sqlx::Error> {
    let settings = pdb::settings(conn).await?;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) = pdb::current_tier(conn, member_id, &settings, &tiers, now).await?;
    Ok(tiers
        .iter()
        .find(|t| Some(t.id) == tier)
        .map(|t| t.threshold))
}

/// The catalog as `member_id` sees it now: active rewards, each with why they may not take it.
pub async fn offered(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
) -> Result<Vec<super::types::Offered>, sqlx::Error> {
    let settings = pdb::settings(conn).await?;
    let today = local_day(&settings.time_zone, now).0.to_string();
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

/// Takes a reward for `member_id`: checks window, tier, stock and balance, takes one from the
/// stock and the points from the balance, and issues a code. Run in a write transaction;
/// `key` is the movement's unique key.
pub async fn redeem(
    conn: &mut SqliteConnection,
    member_id: i64,
    reward_id: i64,
    key: &str,
    now: Stamp,
) -> Result<RewardCode, AppError> {
    let (reward, needed) = get(conn, reward_id).await?.ok_or(AppError::NotFound)?;
    let settings = pdb::settings(conn).await?;
    let today = local_day(&settings.time_zone, now).0;
    let balance = ldb::balance(conn, member_id).await?;
    let tier = tier_threshold(conn, member_id, now).await?;
    match blocked(&reward, needed, &today.to_string(), balance, tier) {
        None => {}
        Some(Msg::InsufficientPoints) => return Err(points_short(reward.cost, balance)),
        Some(why) => return Err(AppError::field("reward_id", why)),
    }
    take_stock(conn, &reward).await?;
    let at = now;
    let new = NewMovement::plain(
        member_id,
        -reward.cost,
        MovementKind::Redeem,
        &reward.name,
        Actor::Member(member_id),
        key,
        at,
    );
    let (movement_id, _) = ldb::append_only(conn, &new).await.map_err(|e| match e {
        AppendError::Insufficient { balance } => points_short(reward.cost, balance),
        e => e.into(),
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
