//! Program queries: settings, locations, tiers, bonus rules, purchases, refunds and members'
//! tiers. Writers run inside the caller's `BEGIN IMMEDIATE` transaction.

use sqlx::SqliteConnection;

use crate::db::Stamp;

use crate::loyalty::{
    rules::{BonusRule, Location, Program, Settings, Tier},
    types::Purchase,
};

/// The program settings.
pub async fn settings(conn: &mut SqliteConnection) -> Result<Settings, sqlx::Error> {
    let load = sqlx::query_as(
        "SELECT currency, rate_hundredths, rounding, expiry_months, qualification_months, downgrade,
                time_zone, country
         FROM program_settings WHERE id = 1",
    )
    .fetch_one(conn);
    crate::db::cached(("program_settings", 0), load).await
}

/// Replaces the settings.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &Settings,
    at: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE program_settings SET currency = $1, rate_hundredths = $2, rounding = $3,
           expiry_months = $4, qualification_months = $5, downgrade = $6, time_zone = $7, country = $8,
           updated_at = $9
         WHERE id = 1",
    )
    .bind(s.currency)
    .bind(s.rate_hundredths)
    .bind(s.rounding)
    .bind(s.expiry_months)
    .bind(s.qualification_months)
    .bind(s.downgrade)
    .bind(&s.time_zone)
    .bind(&s.country)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    // Months and days in the analytics follow a changed time zone.
    crate::analytics::shop_time::sync(conn).await?;
    Ok(())
}

/// Tiers, lowest threshold first.
pub async fn tiers(conn: &mut SqliteConnection) -> Result<Vec<Tier>, sqlx::Error> {
    let load = sqlx::query_as(
        "SELECT id, name, threshold, multiplier_pct, perks, priority_hours FROM tiers
         ORDER BY threshold",
    )
    .fetch_all(conn);
    crate::db::cached(("tiers", 0), load).await
}

/// Adds (`id` = 0) or changes a tier. Returns its id; `RowNotFound` when there is no tier `id`.
pub async fn save_tier(
    conn: &mut SqliteConnection,
    t: &Tier,
    at: Stamp,
) -> Result<i64, sqlx::Error> {
    if t.id != 0 {
        let changed = sqlx::query(
            "UPDATE tiers SET name = $1, threshold = $2, multiplier_pct = $3, perks = $4,
                    priority_hours = $6
             WHERE id = $5",
        )
        .bind(&t.name)
        .bind(t.threshold)
        .bind(t.multiplier_pct)
        .bind(&t.perks)
        .bind(t.id)
        .bind(t.priority_hours)
        .execute(conn)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(sqlx::Error::RowNotFound);
        }
        Ok(t.id)
    } else {
        sqlx::query_scalar(
            "INSERT INTO tiers (name, threshold, multiplier_pct, perks, priority_hours, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&t.name)
        .bind(t.threshold)
        .bind(t.multiplier_pct)
        .bind(&t.perks)
        .bind(t.priority_hours)
        .bind(at)
        .fetch_one(conn)
        .await
    }
}

/// Bonus rules, newest first.
pub async fn bonus_rules(conn: &mut SqliteConnection) -> Result<Vec<BonusRule>, sqlx::Error> {
    let load = sqlx::query_as(
        "SELECT id, name, multiplier_pct, extra_points, weekday, location_id, starts_on, ends_on, active
         FROM bonus_rules ORDER BY id DESC",
    )
    .fetch_all(conn);
    crate::db::cached(("bonus_rules", 0), load).await
}

/// Adds a bonus rule. Returns its id.
pub async fn insert_bonus_rule(
    conn: &mut SqliteConnection,
    r: &BonusRule,
    at: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO bonus_rules
           (name, multiplier_pct, extra_points, weekday, location_id, starts_on, ends_on, active, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&r.name)
    .bind(r.multiplier_pct)
    .bind(r.extra_points)
    .bind(r.weekday)
    .bind(r.location_id)
    .bind(r.starts_on.as_deref())
    .bind(r.ends_on.as_deref())
    .bind(r.active)
    .bind(at)
    .fetch_one(conn)
    .await
}

/// Switches a bonus rule on or off. False if there is no such rule.
pub async fn set_bonus_active(
    conn: &mut SqliteConnection,
    id: i64,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE bonus_rules SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Locations by name.
pub async fn locations(conn: &mut SqliteConnection) -> Result<Vec<Location>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM locations ORDER BY name")
        .fetch_all(conn)
        .await
}

/// Adds a location. Returns its id.
pub async fn insert_location(
    conn: &mut SqliteConnection,
    name: &str,
    at: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO locations (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(at)
        .fetch_one(conn)
        .await
}

/// True when the location exists.
pub async fn location_exists(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM locations WHERE id = $1)")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// A location's name, if it exists.
pub async fn location_name(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let load = sqlx::query_scalar("SELECT name FROM locations WHERE id = $1")
        .bind(id)
        .fetch_optional(conn);
    crate::db::cached(("location", id), load).await
}

/// The shop's calendar day at `now`, and its time zone (from the program settings).
pub async fn shop_today(
    conn: &mut SqliteConnection,
    now: crate::db::Stamp,
) -> Result<(crate::db::Day, jiff::tz::TimeZone), sqlx::Error> {
    let zone = crate::db::zone(&settings(conn).await?.time_zone);
    Ok((crate::db::Day::from(now.in_zone(&zone).date()), zone))
}

/// Everything about the program.
pub async fn program(conn: &mut SqliteConnection) -> Result<Program, sqlx::Error> {
    Ok(Program {
        settings: settings(conn).await?,
        tiers: tiers(conn).await?,
        bonus_rules: bonus_rules(conn).await?,
        locations: locations(conn).await?,
    })
}

mod purchases;
mod standing;
mod tiering;

pub use purchases::*;
pub use standing::*;
pub use tiering::*;
