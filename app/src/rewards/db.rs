//! Rewards and reward codes in the database: the catalog, stock, and issuing a code. The
//! engines that give rewards away (rewards, punch cards, feedback goodwill) share these; the
//! rules around them (window, tier, balance, using and expiring codes) are in the engine.

use rand::RngCore as _;
use sqlx::SqliteConnection;

use super::types::{CodeStatus, Reward, RewardCode, make_code};
use crate::{
    db::{Stamp, is_unique_violation},
    error::{AppError, Msg},
};

pub(crate) const REWARD_COLUMNS: &str =
    "SELECT r.id, r.name, r.description, r.cost, r.stock, r.starts_on,
    r.ends_on, r.min_tier_id, t.name AS tier_name, t.threshold AS tier_threshold, r.icon,
    r.valid_days, r.refund_if_unused, r.active
    FROM rewards r LEFT JOIN tiers t ON t.id = r.min_tier_id";

/// A reward as read with its minimum tier's name and threshold.
#[derive(sqlx::FromRow)]
struct RewardRow {
    #[sqlx(flatten)]
    reward: Reward,
    min_tier_id: Option<i64>,
    tier_name: Option<String>,
    tier_threshold: Option<i64>,
}

impl RewardRow {
    /// The reward (with its minimum tier) and that tier's threshold.
    fn split(self) -> (Reward, Option<i64>) {
        let mut reward = self.reward;
        reward.min_tier = self.min_tier_id.zip(self.tier_name);
        (reward, self.tier_threshold)
    }
}

/// The catalog (`only_active`: what members may see), cheapest first.
pub async fn list(
    conn: &mut SqliteConnection,
    only_active: bool,
) -> Result<Vec<(Reward, Option<i64>)>, sqlx::Error> {
    let filter = if only_active { " WHERE r.active" } else { "" };
    let rows: Vec<RewardRow> =
        sqlx::query_as(&format!("{REWARD_COLUMNS}{filter} ORDER BY r.cost, r.name"))
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(RewardRow::split).collect())
}

/// One reward.
pub async fn get(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(Reward, Option<i64>)>, sqlx::Error> {
    let row: Option<RewardRow> = sqlx::query_as(&format!("{REWARD_COLUMNS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(RewardRow::split))
}

/// Adds (`id` 0) or changes a reward; returns its id. Names are unique.
pub async fn save(conn: &mut SqliteConnection, r: &Reward, at: Stamp) -> Result<i64, AppError> {
    let tier = r.min_tier.as_ref().map(|(id, _)| *id);
    // The same values in the same order either way; an insert adds `created_at`, an update
    // names the row.
    let sql = if r.id == 0 {
        "INSERT INTO rewards (name, description, cost, stock, starts_on, ends_on, min_tier_id,
           icon, valid_days, refund_if_unused, active, updated_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"
    } else {
        "UPDATE rewards SET name = $1, description = $2, cost = $3, stock = $4, starts_on = $5,
           ends_on = $6, min_tier_id = $7, icon = $8, valid_days = $9, refund_if_unused = $10,
           active = $11, updated_at = $12
         WHERE id = $13 RETURNING id"
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
    let taken = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = $1 AND stock > 0")
        .bind(reward.id)
        .execute(&mut *conn)
        .await?;
    Ok(taken.rows_affected() == 1)
}

pub(crate) const CODE_COLUMNS: &str = "SELECT c.id, c.code, c.reward_id, r.name AS reward, r.icon,
    c.member_id, c.points, c.issued_at, c.expires_at, r.refund_if_unused, c.used_at,
    l.name AS used_location, c.expired_at
    FROM reward_codes c JOIN rewards r ON r.id = c.reward_id
    LEFT JOIN locations l ON l.id = c.used_location_id";

/// A code as read, with when it was closed as expired.
#[derive(sqlx::FromRow)]
struct CodeRow {
    #[sqlx(flatten)]
    code: RewardCode,
    /// The same column as the code's `expires_at`, typed to compare with now.
    #[sqlx(rename = "expires_at")]
    expires: Stamp,
    expired_at: Option<Stamp>,
}

impl CodeRow {
    /// The code with where it stands at `now` (a timestamp).
    fn at(self, now: Stamp) -> RewardCode {
        let mut code = self.code;
        code.status = if code.used_at.is_some() {
            CodeStatus::Used
        } else if self.expired_at.is_some() || self.expires <= now {
            CodeStatus::Expired
        } else {
            CodeStatus::Active
        };
        code
    }
}

/// The member's codes, newest first.
pub async fn codes_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: Stamp,
) -> Result<Vec<RewardCode>, sqlx::Error> {
    let rows: Vec<CodeRow> = sqlx::query_as(&format!(
        "{CODE_COLUMNS} WHERE c.member_id = $1 ORDER BY c.id DESC LIMIT 50"
    ))
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.at(now)).collect())
}

pub(crate) async fn code_by(
    conn: &mut SqliteConnection,
    column: &str,
    value: &str,
    now: Stamp,
) -> Result<Option<RewardCode>, sqlx::Error> {
    let row: Option<CodeRow> = sqlx::query_as(&format!("{CODE_COLUMNS} WHERE c.{column} = $1"))
        .bind(value)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.at(now)))
}

/// Issues a code for `reward` to `member_id`, paid with `points` (0 for a gift such as a full
/// punch card) through `movement_id`. Run in a write transaction.
pub async fn issue_code(
    conn: &mut SqliteConnection,
    reward: &Reward,
    member_id: i64,
    points: i64,
    movement_id: Option<i64>,
    now: Stamp,
) -> Result<RewardCode, AppError> {
    let at = now;
    let expires = now.plus_days(reward.valid_days);
    let mut tries = 0;
    let code = loop {
        let mut random = [0u32; 10];
        for r in &mut random {
            *r = rand::rngs::OsRng.next_u32();
        }
        let code = make_code(random);
        let inserted = sqlx::query(
            "INSERT INTO reward_codes (code, reward_id, member_id, points, movement_id, issued_at,
               expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&code)
        .bind(reward.id)
        .bind(member_id)
        .bind(points)
        .bind(movement_id)
        .bind(at)
        .bind(expires)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => break code,
            // 31^10 codes: a clash is all but impossible; try again rather than fail.
            Err(e) if is_unique_violation(&e) && tries < 3 => tries += 1,
            Err(e) => return Err(e.into()),
        }
    };
    code_by(conn, "code", &code, at)
        .await?
        .ok_or(AppError::Internal)
}
