//! Purchases and refunds, and the points purchases earned in a period.

use super::*;

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
    pub currency: crate::loyalty::rules::Currency,
    /// Receipt reference.
    pub receipt: Option<&'a str>,
    /// Location.
    pub location_id: i64,
    /// Full price.
    pub full_price: bool,
    /// Points earned.
    pub points: i64,
    /// Who recorded it (staff at the counter or an API key).
    pub by: crate::loyalty::db::Actor,
    /// When.
    pub at: Stamp,
}

/// Records a purchase. Returns its id.
pub async fn insert_purchase(
    conn: &mut SqliteConnection,
    p: &NewPurchase<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO purchases
           (member_id, amount_minor, currency, receipt, location_id, full_price, points, staff_id,
            created_at, discount_minor, offer_id, coupon_id, api_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(p.member_id)
    .bind(p.amount_minor)
    .bind(p.currency)
    .bind(p.receipt)
    .bind(p.location_id)
    .bind(p.full_price)
    .bind(p.points)
    .bind(p.by.staff())
    .bind(p.at)
    .bind(p.discount_minor)
    .bind(p.offer_id)
    .bind(p.coupon_id)
    .bind(p.by.api_key())
    .fetch_one(conn)
    .await
}

pub(super) const PURCHASE_COLUMNS: &str = "SELECT p.id, p.member_id, p.amount_minor, p.discount_minor, p.currency, p.receipt,
        p.location_id, l.name AS location, p.full_price, p.points, p.refunded_minor, p.points_refunded,
        (SELECT CAST(coalesce(sum(r.shortfall), 0) AS BIGINT) FROM refunds r WHERE r.purchase_id = p.id) AS shortfall,
        p.created_at
 FROM purchases p JOIN locations l ON l.id = p.location_id";

/// One purchase.
pub async fn purchase_by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Purchase>, sqlx::Error> {
    sqlx::query_as(&format!("{PURCHASE_COLUMNS} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Locks a purchase for the rest of the transaction (a no-op update), so a refund reads what
/// is left of it knowing no other refund can change it first. False when there is none.
pub async fn lock_purchase(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE purchases SET refunded_minor = refunded_minor WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The member's newest purchases.
pub async fn member_purchases(
    conn: &mut SqliteConnection,
    member_id: i64,
    limit: i64,
) -> Result<Vec<Purchase>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{PURCHASE_COLUMNS} WHERE p.member_id = $1 ORDER BY p.id DESC LIMIT $2"
    ))
    .bind(member_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The earn movement of a purchase (its lot), if it earned points.
pub async fn earn_movement(
    conn: &mut SqliteConnection,
    purchase_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM point_movements WHERE purchase_id = $1 AND kind = 'earn' ORDER BY id LIMIT 1",
    )
    .bind(purchase_id)
    .fetch_optional(conn)
    .await
}

/// A refund to record.
#[derive(Debug)]
pub struct NewRefund {
    /// The purchase.
    pub purchase_id: i64,
    /// Minor units.
    pub amount_minor: i64,
    /// Points owed back.
    pub points_due: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Who refunded (staff at the counter or an API key).
    pub by: crate::loyalty::db::Actor,
    /// Where the refund was given, if known.
    pub location_id: Option<i64>,
    /// When.
    pub at: Stamp,
}

/// Records a refund and updates its purchase's refunded totals. Returns the refund's id.
pub async fn insert_refund(conn: &mut SqliteConnection, r: &NewRefund) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO refunds
           (purchase_id, amount_minor, points_due, points_reversed, shortfall, staff_id, created_at,
            location_id, api_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.purchase_id)
    .bind(r.amount_minor)
    .bind(r.points_due)
    .bind(r.points_reversed)
    .bind(r.points_due - r.points_reversed)
    .bind(r.by.staff())
    .bind(r.at)
    .bind(r.location_id)
    .bind(r.by.api_key())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE purchases SET refunded_minor = refunded_minor + $1, points_refunded = points_refunded + $2
         WHERE id = $3",
    )
    .bind(r.amount_minor)
    .bind(r.points_due)
    .bind(r.purchase_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// When the member's latest purchase of `gross_minor` (before any discount) recorded at or
/// after `since` was made: a second one so soon is probably the same purchase again.
pub async fn same_purchase_since(
    conn: &mut SqliteConnection,
    member_id: i64,
    gross_minor: i64,
    since: Stamp,
) -> Result<Option<Stamp>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT max(created_at) FROM purchases
         WHERE member_id = $1 AND amount_minor + discount_minor = $2 AND created_at >= $3",
    )
    .bind(member_id)
    .bind(gross_minor)
    .bind(since)
    .fetch_one(conn)
    .await
}

/// The location staff member `staff_id` last chose at the counter, if it still exists.
pub async fn counter_location(
    conn: &mut SqliteConnection,
    staff_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT l.id FROM users u JOIN locations l ON l.id = u.counter_location_id WHERE u.id = $1",
    )
    .bind(staff_id)
    .fetch_optional(conn)
    .await
}

/// Remembers where staff member `staff_id` works the counter. False if no such location.
pub async fn set_counter_location(
    conn: &mut SqliteConnection,
    staff_id: i64,
    location_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET counter_location_id = $1
         WHERE id = $2 AND EXISTS (SELECT 1 FROM locations WHERE id = $1)",
    )
    .bind(location_id)
    .bind(staff_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Points the member earned by purchases made after `from` and up to `to` (timestamps), net
/// of what refunds took back: what tiers qualify on.
pub async fn earned_between(
    conn: &mut SqliteConnection,
    member_id: i64,
    from: Stamp,
    to: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(coalesce(sum(points - points_refunded), 0) AS BIGINT) FROM purchases
         WHERE member_id = $1 AND created_at > $2 AND created_at <= $3",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await
}

/// The newest purchase API key `api_key_id` recorded under receipt number `receipt`.
pub async fn purchase_by_receipt(
    conn: &mut SqliteConnection,
    api_key_id: i64,
    receipt: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM purchases WHERE api_key_id = $1 AND receipt = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(api_key_id)
    .bind(receipt)
    .fetch_optional(conn)
    .await
}
