//! Program queries: settings, locations, tiers, bonus rules, purchases, refunds and members'
//! tiers. Writers run inside the caller's `BEGIN IMMEDIATE` transaction.

use sqlx::{Row, SqliteConnection, sqlite::SqliteRow};

use crate::loyalty::{
    rules::{BonusRule, Downgrade, Location, Program, Rounding, Settings, Tier},
    types::Purchase,
};

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what}").into())
}

/// The program settings.
pub async fn settings(conn: &mut SqliteConnection) -> Result<Settings, sqlx::Error> {
    let r = sqlx::query(
        "SELECT currency, rate_hundredths, rounding, expiry_months, qualification_months, downgrade,
                time_zone
         FROM program_settings WHERE id = 1",
    )
    .fetch_one(conn)
    .await?;
    let rounding: String = r.try_get("rounding")?;
    let downgrade: String = r.try_get("downgrade")?;
    let expiry: Option<i64> = r.try_get("expiry_months")?;
    let qualification: i64 = r.try_get("qualification_months")?;
    Ok(Settings {
        currency: r.try_get("currency")?,
        rate_hundredths: r.try_get("rate_hundredths")?,
        rounding: Rounding::parse(&rounding).ok_or_else(|| decode("rounding"))?,
        expiry_months: expiry.and_then(|m| u32::try_from(m).ok()),
        qualification_months: u32::try_from(qualification).map_err(|_| decode("period"))?,
        downgrade: Downgrade::parse(&downgrade).ok_or_else(|| decode("downgrade"))?,
        time_zone: r.try_get("time_zone")?,
    })
}

/// Replaces the settings.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &Settings,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE program_settings SET currency = ?, rate_hundredths = ?, rounding = ?,
           expiry_months = ?, qualification_months = ?, downgrade = ?, time_zone = ?, updated_at = ?
         WHERE id = 1",
    )
    .bind(&s.currency)
    .bind(s.rate_hundredths)
    .bind(s.rounding.as_str())
    .bind(s.expiry_months)
    .bind(s.qualification_months)
    .bind(s.downgrade.as_str())
    .bind(&s.time_zone)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

fn tier(r: &SqliteRow) -> Result<Tier, sqlx::Error> {
    Ok(Tier {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        threshold: r.try_get("threshold")?,
        multiplier_pct: r.try_get("multiplier_pct")?,
        perks: r.try_get("perks")?,
    })
}

/// Tiers, lowest threshold first.
pub async fn tiers(conn: &mut SqliteConnection) -> Result<Vec<Tier>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, threshold, multiplier_pct, perks FROM tiers ORDER BY threshold",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(tier).collect()
}

/// Adds (`id` = `None`) or changes a tier. Returns its id.
pub async fn save_tier(
    conn: &mut SqliteConnection,
    t: &Tier,
    at: &str,
) -> Result<i64, sqlx::Error> {
    if t.id > 0 {
        sqlx::query(
            "UPDATE tiers SET name = ?, threshold = ?, multiplier_pct = ?, perks = ? WHERE id = ?",
        )
        .bind(&t.name)
        .bind(t.threshold)
        .bind(t.multiplier_pct)
        .bind(&t.perks)
        .bind(t.id)
        .execute(conn)
        .await?;
        Ok(t.id)
    } else {
        sqlx::query_scalar(
            "INSERT INTO tiers (name, threshold, multiplier_pct, perks, created_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&t.name)
        .bind(t.threshold)
        .bind(t.multiplier_pct)
        .bind(&t.perks)
        .bind(at)
        .fetch_one(conn)
        .await
    }
}

fn bonus_rule(r: &SqliteRow) -> Result<BonusRule, sqlx::Error> {
    let weekday: Option<i64> = r.try_get("weekday")?;
    let active: i64 = r.try_get("active")?;
    Ok(BonusRule {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        multiplier_pct: r.try_get("multiplier_pct")?,
        extra_points: r.try_get("extra_points")?,
        weekday: weekday.and_then(|d| u8::try_from(d).ok()),
        location_id: r.try_get("location_id")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        active: active == 1,
    })
}

/// Bonus rules, newest first.
pub async fn bonus_rules(conn: &mut SqliteConnection) -> Result<Vec<BonusRule>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, multiplier_pct, extra_points, weekday, location_id, starts_on, ends_on, active
         FROM bonus_rules ORDER BY id DESC",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(bonus_rule).collect()
}

/// Adds a bonus rule. Returns its id.
pub async fn insert_bonus_rule(
    conn: &mut SqliteConnection,
    r: &BonusRule,
    at: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO bonus_rules
           (name, multiplier_pct, extra_points, weekday, location_id, starts_on, ends_on, active, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    let done = sqlx::query("UPDATE bonus_rules SET active = ? WHERE id = ?")
        .bind(active)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Locations by name.
pub async fn locations(conn: &mut SqliteConnection) -> Result<Vec<Location>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM locations ORDER BY name")
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Location { id, name })
        .collect())
}

/// Adds a location. Returns its id.
pub async fn insert_location(
    conn: &mut SqliteConnection,
    name: &str,
    at: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO locations (name, created_at) VALUES (?, ?) RETURNING id")
        .bind(name)
        .bind(at)
        .fetch_one(conn)
        .await
}

/// True when the location exists.
pub async fn location_exists(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM locations WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// A location's name, if it exists.
pub async fn location_name(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM locations WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await
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

/// A purchase to record.
#[derive(Debug)]
pub struct NewPurchase<'a> {
    /// The member.
    pub member_id: i64,
    /// Minor units paid.
    pub amount_minor: i64,
    /// Discount given, minor units.
    pub discount_minor: i64,
    /// The offer used.
    pub offer_id: Option<i64>,
    /// The next-visit discount used.
    pub coupon_id: Option<i64>,
    /// Currency.
    pub currency: &'a str,
    /// Receipt reference.
    pub receipt: Option<&'a str>,
    /// Location.
    pub location_id: i64,
    /// Full price.
    pub full_price: bool,
    /// Points earned.
    pub points: i64,
    /// Staff member.
    pub staff_id: i64,
    /// When.
    pub at: &'a str,
}

/// Records a purchase. Returns its id.
pub async fn insert_purchase(
    conn: &mut SqliteConnection,
    p: &NewPurchase<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO purchases
           (member_id, amount_minor, currency, receipt, location_id, full_price, points, staff_id,
            created_at, discount_minor, offer_id, coupon_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.member_id)
    .bind(p.amount_minor)
    .bind(p.currency)
    .bind(p.receipt)
    .bind(p.location_id)
    .bind(p.full_price)
    .bind(p.points)
    .bind(p.staff_id)
    .bind(p.at)
    .bind(p.discount_minor)
    .bind(p.offer_id)
    .bind(p.coupon_id)
    .fetch_one(conn)
    .await
}

const PURCHASE_COLUMNS: &str = "SELECT p.id, p.member_id, p.amount_minor, p.discount_minor, p.currency, p.receipt,
        p.location_id, l.name AS location, p.full_price, p.points, p.refunded_minor, p.points_refunded,
        (SELECT coalesce(sum(r.shortfall), 0) FROM refunds r WHERE r.purchase_id = p.id) AS shortfall,
        p.created_at
 FROM purchases p JOIN locations l ON l.id = p.location_id";

fn purchase(r: &SqliteRow) -> Result<Purchase, sqlx::Error> {
    let full: i64 = r.try_get("full_price")?;
    Ok(Purchase {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        amount_minor: r.try_get("amount_minor")?,
        discount_minor: r.try_get("discount_minor")?,
        currency: r.try_get("currency")?,
        receipt: r.try_get("receipt")?,
        location_id: r.try_get("location_id")?,
        location: r.try_get("location")?,
        full_price: full == 1,
        points: r.try_get("points")?,
        refunded_minor: r.try_get("refunded_minor")?,
        points_refunded: r.try_get("points_refunded")?,
        shortfall: r.try_get("shortfall")?,
        created_at: r.try_get("created_at")?,
    })
}

/// One purchase.
pub async fn purchase_by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Purchase>, sqlx::Error> {
    let row = sqlx::query(&format!("{PURCHASE_COLUMNS} WHERE p.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(purchase).transpose()
}

/// The member's newest purchases.
pub async fn member_purchases(
    conn: &mut SqliteConnection,
    member_id: i64,
    limit: i64,
) -> Result<Vec<Purchase>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{PURCHASE_COLUMNS} WHERE p.member_id = ? ORDER BY p.id DESC LIMIT ?"
    ))
    .bind(member_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(purchase).collect()
}

/// The earn movement of a purchase (its lot), if it earned points.
pub async fn earn_movement(
    conn: &mut SqliteConnection,
    purchase_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM point_movements WHERE purchase_id = ? AND kind = 'earn' ORDER BY id LIMIT 1",
    )
    .bind(purchase_id)
    .fetch_optional(conn)
    .await
}

/// A refund to record.
#[derive(Debug)]
pub struct NewRefund<'a> {
    /// The purchase.
    pub purchase_id: i64,
    /// Minor units.
    pub amount_minor: i64,
    /// Points owed back.
    pub points_due: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Staff member.
    pub staff_id: i64,
    /// When.
    pub at: &'a str,
}

/// Records a refund and updates its purchase's refunded totals. Returns the refund's id.
pub async fn insert_refund(
    conn: &mut SqliteConnection,
    r: &NewRefund<'_>,
) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO refunds
           (purchase_id, amount_minor, points_due, points_reversed, shortfall, staff_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(r.purchase_id)
    .bind(r.amount_minor)
    .bind(r.points_due)
    .bind(r.points_reversed)
    .bind(r.points_due - r.points_reversed)
    .bind(r.staff_id)
    .bind(r.at)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE purchases SET refunded_minor = refunded_minor + ?, points_refunded = points_refunded + ?
         WHERE id = ?",
    )
    .bind(r.amount_minor)
    .bind(r.points_due)
    .bind(r.purchase_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Points the member earned by purchases made after `from` and up to `to` (timestamps), net
/// of what refunds took back: what tiers qualify on.
pub async fn earned_between(
    conn: &mut SqliteConnection,
    member_id: i64,
    from: &str,
    to: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(points - points_refunded), 0) FROM purchases
         WHERE member_id = ? AND created_at > ? AND created_at <= ?",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await
}

/// The member's tier row: `(tier id, review timestamp)`.
pub async fn member_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Option<(Option<i64>, String)>, sqlx::Error> {
    sqlx::query_as("SELECT tier_id, review_at FROM member_tiers WHERE member_id = ?")
        .bind(member_id)
        .fetch_optional(conn)
        .await
}

/// Sets the member's tier and its next review.
pub async fn set_member_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
    tier_id: Option<i64>,
    review_at: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO member_tiers (member_id, tier_id, review_at, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (member_id) DO UPDATE SET tier_id = ?2, review_at = ?3, updated_at = ?4",
    )
    .bind(member_id)
    .bind(tier_id)
    .bind(review_at)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A tier change, with its reason.
#[derive(Debug)]
pub struct TierChange<'a> {
    /// The member.
    pub member_id: i64,
    /// From.
    pub from: Option<i64>,
    /// To.
    pub to: Option<i64>,
    /// `upgrade` or `downgrade`.
    pub reason: &'a str,
    /// Points earned in the period that decided it.
    pub earned: i64,
    /// When.
    pub at: &'a str,
}

/// Records a tier change.
pub async fn insert_tier_change(
    conn: &mut SqliteConnection,
    c: &TierChange<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tier_changes (member_id, from_tier_id, to_tier_id, reason, qualifying_points, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(c.member_id)
    .bind(c.from)
    .bind(c.to)
    .bind(c.reason)
    .bind(c.earned)
    .bind(c.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Members whose tier review is due at `now`.
pub async fn due_reviews(
    conn: &mut SqliteConnection,
    now: &str,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT member_id FROM member_tiers WHERE review_at <= ? ORDER BY review_at LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The member's tier changes, newest first: `(from name, to name, reason, points, when)`.
pub async fn tier_changes(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Vec<(Option<String>, Option<String>, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.name, t.name, c.reason, c.qualifying_points, c.created_at
         FROM tier_changes c
         LEFT JOIN tiers f ON f.id = c.from_tier_id LEFT JOIN tiers t ON t.id = c.to_tier_id
         WHERE c.member_id = ? ORDER BY c.id DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await
}
