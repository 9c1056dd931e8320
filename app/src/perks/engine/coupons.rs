//! Next-visit discounts: a member's coupons, checking and using one, and issuing one after a qualifying purchase.

use super::*;

/// A coupon as stored; its status depends on the day it is read.
#[derive(sqlx::FromRow)]
struct CouponRow {
    id: i64,
    percent: i64,
    valid_from: Day,
    valid_until: Day,
    min_purchase: i64,
    used_at: Option<Stamp>,
}

impl CouponRow {
    /// The coupon as it stands on `today`.
    fn on(self, today: Day) -> Coupon {
        let (from, until) = (self.valid_from.to_string(), self.valid_until.to_string());
        Coupon {
            id: self.id,
            percent: self.percent,
            status: Coupon::status_on(self.used_at.is_some(), &from, &until, &today.to_string()),
            valid_from: from,
            valid_until: until,
            min_purchase: self.min_purchase,
            used_at: self.used_at.map(|t| t.to_string()),
        }
    }
}

pub(super) const COUPON_COLUMNS: &str =
    "SELECT id, percent, valid_from, valid_until, min_purchase, used_at FROM coupons";

/// A member's coupons, newest first (the last 10; voided ones are gone).
pub async fn coupons_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    today: Day,
) -> Result<Vec<Coupon>, sqlx::Error> {
    let rows: Vec<CouponRow> = sqlx::query_as(&format!(
        "{COUPON_COLUMNS} WHERE member_id = $1 AND voided_at IS NULL ORDER BY id DESC LIMIT 10"
    ))
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.on(today)).collect())
}

/// Checks that `coupon_id` is `member_id`'s and usable on this purchase; returns it and its
/// discount. [`mark_coupon_used`] then ties it to the purchase.
pub async fn check_coupon(
    conn: &mut SqliteConnection,
    coupon_id: i64,
    member_id: i64,
    today: Day,
    amount_minor: i64,
    full_price: bool,
) -> Result<(Coupon, i64), AppError> {
    let refuse = |m| AppError::field("apply", m);
    let row: CouponRow = sqlx::query_as(&format!(
        "{COUPON_COLUMNS} WHERE id = $1 AND member_id = $2 AND voided_at IS NULL"
    ))
    .bind(coupon_id)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| refuse(Msg::OfferUnavailable))?;
    let c = row.on(today);
    if let Some(why) = c.refusal(amount_minor, full_price) {
        return Err(refuse(why));
    }
    let off = discount(OfferKind::Percent, c.percent, amount_minor)
        .ok_or_else(|| refuse(Msg::DiscountTooLarge))?;
    Ok((c, off))
}

/// Ties a checked coupon to the purchase that used it (once).
pub async fn mark_coupon_used(
    conn: &mut SqliteConnection,
    coupon_id: i64,
    purchase_id: i64,
    at: Stamp,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE coupons SET used_purchase_id = $1, used_at = $2 WHERE id = $3 AND used_purchase_id IS NULL",
    )
    .bind(purchase_id)
    .bind(at)
    .bind(coupon_id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::field("apply", Msg::CouponUsed))
    }
}

/// Issues a next-visit discount for a qualifying purchase: the rule must be on, the purchase
/// at least the rule's minimum and not itself discounted by a coupon, and the member must not
/// already hold one that is unused and not expired (one at a time). Valid from the next day of
/// the shop's calendar for the rule's number of days.
pub(super) async fn issue_coupon(
    conn: &mut SqliteConnection,
    rule: &PerkSettings,
    member_id: i64,
    purchase_id: i64,
    paid_minor: i64,
    used_coupon: bool,
    (today, now, at, time_zone): (Day, Stamp, Stamp, &str),
) -> Result<Option<Coupon>, AppError> {
    let Some(percent) = rule.return_percent else {
        return Ok(None);
    };
    if used_coupon || paid_minor < rule.return_min_purchase {
        return Ok(None);
    }
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM coupons
         WHERE member_id = $1 AND used_at IS NULL AND voided_at IS NULL AND valid_until >= $2",
    )
    .bind(member_id)
    .bind(today)
    .fetch_one(&mut *conn)
    .await?;
    if held > 0 {
        return Ok(None);
    }
    let valid_from = local_day(time_zone, now.plus_days(1)).0;
    let valid_until = local_day(time_zone, now.plus_days(rule.return_days)).0;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO coupons (member_id, percent, valid_from, valid_until, min_purchase,
           source_purchase_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(member_id)
    .bind(percent)
    .bind(valid_from)
    .bind(valid_until)
    .bind(rule.return_min_next)
    .bind(purchase_id)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Coupon {
        id,
        percent,
        status: Coupon::status_on(
            false,
            &valid_from.to_string(),
            &valid_until.to_string(),
            &today.to_string(),
        ),
        valid_from: valid_from.to_string(),
        valid_until: valid_until.to_string(),
        min_purchase: rule.return_min_next,
        used_at: None,
    }))
}
