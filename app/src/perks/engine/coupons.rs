//! Next-visit discounts: a member's coupons, checking and using one, and issuing one after a qualifying purchase.

use super::*;

pub(super) fn coupon(r: &SqliteRow, today: &str) -> Result<Coupon, sqlx::Error> {
    let used_at: Option<String> = r.try_get("used_at")?;
    let valid_from: String = r.try_get("valid_from")?;
    let valid_until: String = r.try_get("valid_until")?;
    Ok(Coupon {
        id: r.try_get("id")?,
        percent: r.try_get("percent")?,
        status: Coupon::status_on(used_at.is_some(), &valid_from, &valid_until, today),
        valid_from,
        valid_until,
        min_purchase: r.try_get("min_purchase")?,
        used_at,
    })
}

pub(super) const COUPON_COLUMNS: &str =
    "SELECT id, percent, valid_from, valid_until, min_purchase, used_at FROM coupons";

/// A member's coupons, newest first (the last 10; voided ones are gone).
pub async fn coupons_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    today: &str,
) -> Result<Vec<Coupon>, sqlx::Error> {
    sqlx::query(&format!(
        "{COUPON_COLUMNS} WHERE member_id = $1 AND voided_at IS NULL ORDER BY id DESC LIMIT 10"
    ))
    .bind(member_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| coupon(r, today))
    .collect()
}

/// Checks that `coupon_id` is `member_id`'s and usable on this purchase; returns it and its
/// discount. [`mark_coupon_used`] then ties it to the purchase.
pub async fn check_coupon(
    conn: &mut SqliteConnection,
    coupon_id: i64,
    member_id: i64,
    today: &str,
    amount_minor: i64,
    full_price: bool,
) -> Result<(Coupon, i64), AppError> {
    let refuse = |m| AppError::field("apply", m);
    let row = sqlx::query(&format!(
        "{COUPON_COLUMNS} WHERE id = $1 AND member_id = $2 AND voided_at IS NULL"
    ))
    .bind(coupon_id)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| refuse(Msg::OfferUnavailable))?;
    let c = coupon(&row, today)?;
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
    at: &str,
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
    (today, now, at, time_zone): (&str, OffsetDateTime, &str, &str),
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
    let valid_from = local_day(time_zone, add_days(now, 1)).0;
    let valid_until = local_day(time_zone, add_days(now, rule.return_days)).0;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO coupons (member_id, percent, valid_from, valid_until, min_purchase,
           source_purchase_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(member_id)
    .bind(percent)
    .bind(&valid_from)
    .bind(&valid_until)
    .bind(rule.return_min_next)
    .bind(purchase_id)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Coupon {
        id,
        percent,
        status: Coupon::status_on(false, &valid_from, &valid_until, today),
        valid_from,
        valid_until,
        min_purchase: rule.return_min_next,
        used_at: None,
    }))
}
