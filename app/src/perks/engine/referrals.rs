//! Referrals: a member's code and counts, linking a referrer, and paying the bonus once.

use super::*;

/// A member's referral standing.
pub async fn referral_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    bonus: i64,
    base_url: &str,
) -> Result<Referral, AppError> {
    let (code, referrer): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT u.referral_code, r.preferred_name FROM users u LEFT JOIN users r ON r.id = u.referred_by
         WHERE u.id = $1",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let (referred, rewarded): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(referral_paid_at) - count(referral_reversed_at) FROM users
             WHERE referred_by = $1",
    )
    .bind(member_id)
    .fetch_one(&mut *conn)
    .await?;
    let bought: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM purchases WHERE member_id = $1)")
            .bind(member_id)
            .fetch_one(&mut *conn)
            .await?;
    let code = code.ok_or(AppError::Internal)?;
    Ok(Referral {
        link: format!("{base_url}/join?ref={code}"),
        code,
        referred,
        rewarded,
        can_enter: referrer.is_none() && !bought,
        referred_by: referrer,
        bonus,
    })
}

/// The member a referral code belongs to. Codes are read without case and spacing.
pub async fn referrer_by_code(
    conn: &mut SqliteConnection,
    code: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.is_empty() {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT id FROM users WHERE referral_code = $1 AND role = 'member'")
        .bind(code)
        .fetch_optional(conn)
        .await
}

/// Links `member_id` to the member whose code is `code`: refused for their own code, for an
/// unknown one, and once they have a referrer or a purchase.
pub async fn set_referrer(
    conn: &mut SqliteConnection,
    member_id: i64,
    code: &str,
) -> Result<String, AppError> {
    let refuse = |m| AppError::field("code", m);
    let referrer = referrer_by_code(conn, code)
        .await?
        .ok_or_else(|| refuse(Msg::ReferralUnknown))?;
    if referrer == member_id {
        return Err(refuse(Msg::ReferralSelf));
    }
    let done = sqlx::query(
        "UPDATE users SET referred_by = $1 WHERE id = $2 AND referred_by IS NULL
           AND NOT EXISTS (SELECT 1 FROM purchases WHERE member_id = $3)",
    )
    .bind(referrer)
    .bind(member_id)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refuse(Msg::ReferralTaken));
    }
    let name: String = sqlx::query_scalar("SELECT preferred_name FROM users WHERE id = $1")
        .bind(referrer)
        .fetch_one(&mut *conn)
        .await?;
    Ok(name)
}

/// Pays the referral bonus to a referred member and their referrer on the member's first
/// qualifying purchase: once (the `referral_paid_at IS NULL` update decides; a refund that
/// takes it back leaves that set, so it is never paid twice).
pub(super) async fn pay_referral(
    conn: &mut SqliteConnection,
    rule: &PerkSettings,
    (member_id, purchase_id): (i64, i64),
    paid_minor: i64,
    key: &str,
    (now, at): (Stamp, Stamp),
    expires_at: Option<Stamp>,
) -> Result<i64, AppError> {
    if rule.referral_points <= 0 || paid_minor < rule.referral_min_purchase {
        return Ok(0);
    }
    let referrer: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET referral_paid_at = $1
         WHERE id = $2 AND referred_by IS NOT NULL AND referral_paid_at IS NULL
         RETURNING referred_by",
    )
    .bind(at)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(referrer) = referrer else {
        return Ok(0);
    };
    let _ = now;
    for (who, suffix) in [(member_id, "referral:new"), (referrer, "referral:referrer")] {
        let key = format!("{key}:{suffix}");
        // Both movements name the purchase, so refunding it can find them.
        let new = NewMovement {
            expires_at,
            purchase_id: Some(purchase_id),
            ..NewMovement::plain(
                who,
                rule.referral_points,
                MovementKind::Referral,
                "",
                Actor::System,
                &key,
                at,
            )
        };
        ldb::append_only(conn, &new).await?;
    }
    Ok(rule.referral_points)
}

/// Referral counts per member, most first (console): referred, and rewarded (paid and not
/// taken back by a refund).
pub async fn referral_counts(
    conn: &mut SqliteConnection,
) -> Result<Vec<(String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.preferred_name, r.email, count(*),
                count(u.referral_paid_at) - count(u.referral_reversed_at)
         FROM users u JOIN users r ON r.id = u.referred_by
         GROUP BY r.id ORDER BY count(*) DESC, r.preferred_name LIMIT 100",
    )
    .fetch_all(conn)
    .await
}
