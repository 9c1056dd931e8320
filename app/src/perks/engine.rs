//! Perks in the database. Everything that changes state runs inside the caller's write
//! transaction (on the write queue), so a check and the change it guards cannot interleave with
//! another request: an offer's total limit is also enforced by the `UPDATE … WHERE uses <
//! total_limit` itself, and a coupon is used by an `UPDATE … WHERE used_purchase_id IS NULL`.

use sqlx::{Row as _, SqliteConnection, sqlite::SqliteRow};
use time::OffsetDateTime;

use super::types::{
    Applied, Audience, CounterPerks, Coupon, MemberOffer, MemberPerks, Offer, OfferKind,
    PerkSettings, PunchCard, PunchProgress, Referral, discount, stamp,
};
use crate::{
    db::{add_days, local_day, timestamp},
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, NewMovement, program as pdb},
        engine::{append_error, expiry_of},
        types::MovementKind,
    },
    rewards::engine as rewards,
};

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what}").into())
}

/// The next-visit discount rule and the referral bonus.
pub async fn settings(conn: &mut SqliteConnection) -> Result<PerkSettings, sqlx::Error> {
    let r = sqlx::query(
        "SELECT return_percent, return_min_purchase, return_days, return_min_next,
                referral_points, referral_min_purchase
         FROM perk_settings WHERE id = 1",
    )
    .fetch_one(conn)
    .await?;
    Ok(PerkSettings {
        return_percent: r.try_get("return_percent")?,
        return_min_purchase: r.try_get("return_min_purchase")?,
        return_days: r.try_get("return_days")?,
        return_min_next: r.try_get("return_min_next")?,
        referral_points: r.try_get("referral_points")?,
        referral_min_purchase: r.try_get("referral_min_purchase")?,
    })
}

/// Replaces the rule and the bonus.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &PerkSettings,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE perk_settings SET return_percent = ?, return_min_purchase = ?, return_days = ?,
           return_min_next = ?, referral_points = ?, referral_min_purchase = ?, updated_at = ?
         WHERE id = 1",
    )
    .bind(s.return_percent)
    .bind(s.return_min_purchase)
    .bind(s.return_days)
    .bind(s.return_min_next)
    .bind(s.referral_points)
    .bind(s.referral_min_purchase)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- offers ----

const OFFER_COLUMNS: &str = "SELECT id, title, description, starts_on, ends_on, audience, kind,
    value, per_member_limit, total_limit, uses, active FROM offers";

fn offer(r: &SqliteRow) -> Result<Offer, sqlx::Error> {
    let audience: String = r.try_get("audience")?;
    let kind: String = r.try_get("kind")?;
    Ok(Offer {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        audience: Audience::parse(&audience).ok_or_else(|| decode("audience"))?,
        tiers: Vec::new(),
        members: Vec::new(),
        kind: OfferKind::parse(&kind).ok_or_else(|| decode("offer kind"))?,
        value: r.try_get("value")?,
        per_member_limit: r.try_get("per_member_limit")?,
        total_limit: r.try_get("total_limit")?,
        uses: r.try_get("uses")?,
        active: r.try_get("active")?,
    })
}

async fn fill_audience(conn: &mut SqliteConnection, o: &mut Offer) -> Result<(), sqlx::Error> {
    o.tiers = sqlx::query_scalar("SELECT tier_id FROM offer_tiers WHERE offer_id = ? ORDER BY 1")
        .bind(o.id)
        .fetch_all(&mut *conn)
        .await?;
    o.members =
        sqlx::query_scalar("SELECT member_id FROM offer_members WHERE offer_id = ? ORDER BY 1")
            .bind(o.id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(())
}

/// Every offer, newest first, with its audience (staff).
pub async fn offers(conn: &mut SqliteConnection) -> Result<Vec<Offer>, sqlx::Error> {
    let rows = sqlx::query(&format!("{OFFER_COLUMNS} ORDER BY id DESC"))
        .fetch_all(&mut *conn)
        .await?;
    let mut all = rows.iter().map(offer).collect::<Result<Vec<_>, _>>()?;
    for o in &mut all {
        fill_audience(conn, o).await?;
    }
    Ok(all)
}

async fn offer_by_id(conn: &mut SqliteConnection, id: i64) -> Result<Option<Offer>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!("{OFFER_COLUMNS} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut o = offer(&row)?;
    fill_audience(conn, &mut o).await?;
    Ok(Some(o))
}

/// Adds (`id` 0) or replaces an offer with its audience. Returns its id.
pub async fn save_offer(conn: &mut SqliteConnection, o: &Offer, at: &str) -> Result<i64, AppError> {
    let id: i64 = if o.id == 0 {
        sqlx::query_scalar(
            "INSERT INTO offers (title, description, starts_on, ends_on, audience, kind, value,
               per_member_limit, total_limit, active, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.starts_on)
        .bind(&o.ends_on)
        .bind(o.audience.as_str())
        .bind(o.kind.as_str())
        .bind(o.value)
        .bind(o.per_member_limit)
        .bind(o.total_limit)
        .bind(o.active)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?
    } else {
        let done = sqlx::query(
            "UPDATE offers SET title = ?, description = ?, starts_on = ?, ends_on = ?,
               audience = ?, kind = ?, value = ?, per_member_limit = ?, total_limit = ?,
               active = ?
             WHERE id = ? AND (? IS NULL OR uses <= ?)",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.starts_on)
        .bind(&o.ends_on)
        .bind(o.audience.as_str())
        .bind(o.kind.as_str())
        .bind(o.value)
        .bind(o.per_member_limit)
        .bind(o.total_limit)
        .bind(o.active)
        .bind(o.id)
        .bind(o.total_limit)
        .bind(o.total_limit)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::field("total_limit", Msg::LimitInvalid));
        }
        o.id
    };
    sqlx::query("DELETE FROM offer_tiers WHERE offer_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM offer_members WHERE offer_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for tier in &o.tiers {
        sqlx::query("INSERT INTO offer_tiers (offer_id, tier_id) VALUES (?, ?)")
            .bind(id)
            .bind(tier)
            .execute(&mut *conn)
            .await?;
    }
    for member in &o.members {
        sqlx::query("INSERT INTO offer_members (offer_id, member_id) VALUES (?, ?)")
            .bind(id)
            .bind(member)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Times `member_id` used `offer_id`.
async fn uses_by(
    conn: &mut SqliteConnection,
    offer_id: i64,
    member_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM purchases WHERE offer_id = ? AND member_id = ?")
        .bind(offer_id)
        .bind(member_id)
        .fetch_one(conn)
        .await
}

fn sees(o: &Offer, member_id: i64, tier: Option<i64>) -> bool {
    match o.audience {
        Audience::All => true,
        Audience::Tiers => tier.is_some_and(|t| o.tiers.contains(&t)),
        Audience::Picked => o.members.contains(&member_id),
    }
}

fn in_window(o: &Offer, today: &str) -> bool {
    o.active
        && o.starts_on.as_deref().is_none_or(|s| s <= today)
        && o.ends_on.as_deref().is_none_or(|e| today <= e)
}

/// The offers `member_id` (in `tier`) can see today, with why one cannot be used. The list of
/// picked members is not sent to members.
pub async fn offers_for(
    conn: &mut SqliteConnection,
    member_id: i64,
    tier: Option<i64>,
    today: &str,
) -> Result<Vec<MemberOffer>, sqlx::Error> {
    let mut out = Vec::new();
    for mut o in offers(conn).await? {
        if !in_window(&o, today) || !sees(&o, member_id, tier) {
            continue;
        }
        let used = uses_by(conn, o.id, member_id).await?;
        let blocked = if o.total_limit.is_some_and(|l| o.uses >= l) {
            Some(Msg::OfferUsedUp)
        } else if o.per_member_limit.is_some_and(|l| used >= l) {
            Some(Msg::OfferLimitReached)
        } else {
            None
        };
        o.members.clear();
        out.push(MemberOffer {
            offer: o,
            used,
            blocked,
        });
    }
    out.reverse();
    Ok(out)
}

/// Takes one use of `offer_id` for `member_id` on a purchase of `amount_minor`: checks who may
/// use it, its dates and both limits, counts the use, and returns the offer and its discount.
pub async fn use_offer(
    conn: &mut SqliteConnection,
    offer_id: i64,
    member_id: i64,
    tier: Option<i64>,
    today: &str,
    amount_minor: i64,
) -> Result<(Offer, i64), AppError> {
    let refuse = |m| AppError::field("apply", m);
    let o = offer_by_id(conn, offer_id)
        .await?
        .ok_or_else(|| refuse(Msg::OfferUnavailable))?;
    if !in_window(&o, today) || !sees(&o, member_id, tier) {
        return Err(refuse(Msg::OfferUnavailable));
    }
    if let Some(limit) = o.per_member_limit
        && uses_by(conn, o.id, member_id).await? >= limit
    {
        return Err(refuse(Msg::OfferLimitReached));
    }
    let off =
        discount(o.kind, o.value, amount_minor).ok_or_else(|| refuse(Msg::DiscountTooLarge))?;
    let counted = sqlx::query(
        "UPDATE offers SET uses = uses + 1 WHERE id = ? AND (total_limit IS NULL OR uses < total_limit)",
    )
    .bind(o.id)
    .execute(&mut *conn)
    .await?;
    if counted.rows_affected() != 1 {
        return Err(refuse(Msg::OfferUsedUp));
    }
    Ok((o, off))
}

// ---- coupons ----

fn coupon(r: &SqliteRow, today: &str) -> Result<Coupon, sqlx::Error> {
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

const COUPON_COLUMNS: &str =
    "SELECT id, percent, valid_from, valid_until, min_purchase, used_at FROM coupons";

/// A member's coupons, newest first (the last 10).
pub async fn coupons_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    today: &str,
) -> Result<Vec<Coupon>, sqlx::Error> {
    sqlx::query(&format!(
        "{COUPON_COLUMNS} WHERE member_id = ? ORDER BY id DESC LIMIT 10"
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
    let row = sqlx::query(&format!("{COUPON_COLUMNS} WHERE id = ? AND member_id = ?"))
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
        "UPDATE coupons SET used_purchase_id = ?, used_at = ? WHERE id = ? AND used_purchase_id IS NULL",
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
async fn issue_coupon(
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
        "SELECT count(*) FROM coupons WHERE member_id = ? AND used_at IS NULL AND valid_until >= ?",
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
           source_purchase_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
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

// ---- punch cards ----

const CARD_COLUMNS: &str = "SELECT c.id, c.name, c.stamps_needed, c.reward_id, r.name AS reward,
    c.per_item, c.min_amount, c.active FROM punch_cards c JOIN rewards r ON r.id = c.reward_id";

fn card(r: &SqliteRow) -> Result<PunchCard, sqlx::Error> {
    Ok(PunchCard {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        stamps_needed: r.try_get("stamps_needed")?,
        reward_id: r.try_get("reward_id")?,
        reward: r.try_get("reward")?,
        per_item: r.try_get("per_item")?,
        min_amount: r.try_get("min_amount")?,
        active: r.try_get("active")?,
    })
}

/// Every punch card (`active_only`: those stamping).
pub async fn cards(
    conn: &mut SqliteConnection,
    active_only: bool,
) -> Result<Vec<PunchCard>, sqlx::Error> {
    let filter = if active_only {
        " WHERE c.active = 1"
    } else {
        ""
    };
    sqlx::query(&format!("{CARD_COLUMNS}{filter} ORDER BY c.id"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(card)
        .collect()
}

/// Adds (`id` 0) or replaces a punch card. Returns its id.
pub async fn save_card(
    conn: &mut SqliteConnection,
    c: &PunchCard,
    at: &str,
) -> Result<i64, AppError> {
    let result = if c.id == 0 {
        sqlx::query_scalar(
            "INSERT INTO punch_cards (name, stamps_needed, reward_id, per_item, min_amount, active,
               created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&c.name)
        .bind(c.stamps_needed)
        .bind(c.reward_id)
        .bind(c.per_item)
        .bind(c.min_amount)
        .bind(c.active)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
    } else {
        sqlx::query_scalar(
            "UPDATE punch_cards SET name = ?, stamps_needed = ?, reward_id = ?, per_item = ?,
               min_amount = ?, active = ? WHERE id = ? RETURNING id",
        )
        .bind(&c.name)
        .bind(c.stamps_needed)
        .bind(c.reward_id)
        .bind(c.per_item)
        .bind(c.min_amount)
        .bind(c.active)
        .bind(c.id)
        .fetch_one(&mut *conn)
        .await
    };
    result.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::field("name", Msg::NameTaken)
        } else {
            e.into()
        }
    })
}

/// A member's place on every active card.
pub async fn progress_of(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Vec<PunchProgress>, sqlx::Error> {
    let mut out = Vec::new();
    for c in cards(conn, true).await? {
        let (stamps, completed): (i64, i64) = sqlx::query_as(
            "SELECT stamps, completed FROM punch_progress WHERE card_id = ? AND member_id = ?",
        )
        .bind(c.id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or((0, 0));
        out.push(PunchProgress {
            card: c,
            stamps,
            completed,
        });
    }
    Ok(out)
}

/// Stamps every active card this purchase qualifies for; a full card issues its reward's code
/// (no points taken) and the stamps left over start the next card.
async fn stamp_cards(
    conn: &mut SqliteConnection,
    member_id: i64,
    paid_minor: i64,
    items: i64,
    now: OffsetDateTime,
    applied: &mut Applied,
) -> Result<(), AppError> {
    for p in progress_of(conn, member_id).await? {
        let adding = if p.card.per_item {
            items
        } else {
            i64::from(paid_minor >= p.card.min_amount)
        };
        if adding <= 0 {
            continue;
        }
        let (stamps, filled) = stamp(p.stamps, adding, p.card.stamps_needed);
        sqlx::query(
            "INSERT INTO punch_progress (card_id, member_id, stamps, completed) VALUES (?, ?, ?, ?)
             ON CONFLICT (card_id, member_id) DO UPDATE SET stamps = excluded.stamps,
               completed = excluded.completed",
        )
        .bind(p.card.id)
        .bind(member_id)
        .bind(stamps)
        .bind(p.completed + filled)
        .execute(&mut *conn)
        .await?;
        if filled > 0 {
            let (reward, _) = rewards::get(conn, p.card.reward_id)
                .await?
                .ok_or(AppError::Internal)?;
            for _ in 0..filled {
                rewards::issue_code(conn, &reward, member_id, 0, None, now).await?;
                applied.codes.push(reward.name.clone());
            }
        }
        applied
            .stamps
            .push((p.card.name.clone(), stamps, p.card.stamps_needed));
    }
    Ok(())
}

// ---- referrals ----

/// A member's referral standing.
pub async fn referral_of(
    conn: &mut SqliteConnection,
    member_id: i64,
    bonus: i64,
    base_url: &str,
) -> Result<Referral, AppError> {
    let (code, referrer): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT u.referral_code, r.preferred_name FROM users u LEFT JOIN users r ON r.id = u.referred_by
         WHERE u.id = ?",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let (referred, rewarded): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(referral_paid_at) FROM users WHERE referred_by = ?")
            .bind(member_id)
            .fetch_one(&mut *conn)
            .await?;
    let bought: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM purchases WHERE member_id = ?)")
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
    sqlx::query_scalar("SELECT id FROM users WHERE referral_code = ? AND role = 'member'")
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
        "UPDATE users SET referred_by = ? WHERE id = ? AND referred_by IS NULL
           AND NOT EXISTS (SELECT 1 FROM purchases WHERE member_id = ?)",
    )
    .bind(referrer)
    .bind(member_id)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refuse(Msg::ReferralTaken));
    }
    let name: String = sqlx::query_scalar("SELECT preferred_name FROM users WHERE id = ?")
        .bind(referrer)
        .fetch_one(&mut *conn)
        .await?;
    Ok(name)
}

/// Pays the referral bonus to a referred member and their referrer on the member's first
/// qualifying purchase: once (the `referral_paid_at IS NULL` update decides).
async fn pay_referral(
    conn: &mut SqliteConnection,
    rule: &PerkSettings,
    member_id: i64,
    paid_minor: i64,
    key: &str,
    (now, at): (OffsetDateTime, &str),
    expires_at: Option<String>,
) -> Result<i64, AppError> {
    if rule.referral_points <= 0 || paid_minor < rule.referral_min_purchase {
        return Ok(0);
    }
    let referrer: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET referral_paid_at = ?
         WHERE id = ? AND referred_by IS NOT NULL AND referral_paid_at IS NULL
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
        let new = NewMovement {
            expires_at: expires_at.clone(),
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
        ldb::append_only(conn, &new).await.map_err(append_error)?;
    }
    Ok(rule.referral_points)
}

/// Referral counts per member, most first (console).
pub async fn referral_counts(
    conn: &mut SqliteConnection,
) -> Result<Vec<(String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.preferred_name, r.email, count(*), count(u.referral_paid_at)
         FROM users u JOIN users r ON r.id = u.referred_by
         GROUP BY r.id ORDER BY count(*) DESC, r.preferred_name LIMIT 100",
    )
    .fetch_all(conn)
    .await
}

// ---- the counter ----

/// What a purchase asks to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// Nothing.
    Nothing,
    /// An offer.
    Offer(i64),
    /// A next-visit discount.
    Coupon(i64),
}

impl Apply {
    /// Parses the counter's choice: empty, `offer:ID` or `coupon:ID`.
    pub fn parse(raw: Option<&str>) -> Result<Self, AppError> {
        let raw = raw.map(str::trim).unwrap_or_default();
        if raw.is_empty() {
            return Ok(Self::Nothing);
        }
        let bad = || AppError::field("apply", Msg::OfferUnavailable);
        let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
        let id = id.parse().map_err(|_| bad())?;
        match kind {
            "offer" => Ok(Self::Offer(id)),
            "coupon" => Ok(Self::Coupon(id)),
            _ => Err(bad()),
        }
    }
}

/// The discount and offer a purchase gets before its points are worked out.
#[derive(Debug, Default)]
pub struct Before {
    /// Minor units off.
    pub discount_minor: i64,
    /// The offer used.
    pub offer: Option<Offer>,
    /// The coupon to tie to the purchase.
    pub coupon: Option<Coupon>,
}

/// Applies the counter's choice to a purchase of `amount_minor` (before the discount).
pub async fn before_purchase(
    conn: &mut SqliteConnection,
    apply: Apply,
    member_id: i64,
    tier: Option<i64>,
    today: &str,
    amount_minor: i64,
    full_price: bool,
) -> Result<Before, AppError> {
    Ok(match apply {
        Apply::Nothing => Before::default(),
        Apply::Offer(id) => {
            let (offer, off) = use_offer(conn, id, member_id, tier, today, amount_minor).await?;
            Before {
                discount_minor: off,
                offer: Some(offer),
                coupon: None,
            }
        }
        Apply::Coupon(id) => {
            let (coupon, off) =
                check_coupon(conn, id, member_id, today, amount_minor, full_price).await?;
            Before {
                discount_minor: off,
                offer: None,
                coupon: Some(coupon),
            }
        }
    })
}

/// What a recorded purchase sets off: the coupon tied to it, a next-visit discount earned,
/// stamps (and codes for full cards), and the referral bonus.
#[expect(clippy::too_many_arguments, reason = "one purchase's facts")]
pub async fn after_purchase(
    conn: &mut SqliteConnection,
    before: &Before,
    member_id: i64,
    purchase_id: i64,
    paid_minor: i64,
    items: i64,
    key: &str,
    now: OffsetDateTime,
) -> Result<Applied, AppError> {
    let at = timestamp(now);
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let rule = settings(conn).await?;
    let mut applied = Applied {
        offer: before.offer.as_ref().map(|o| o.title.clone()),
        coupon_percent: before.coupon.as_ref().map(|c| c.percent),
        discount_minor: before.discount_minor,
        ..Applied::default()
    };
    if let Some(c) = &before.coupon {
        mark_coupon_used(conn, c.id, purchase_id, &at).await?;
    }
    applied.coupon_issued = issue_coupon(
        conn,
        &rule,
        member_id,
        purchase_id,
        paid_minor,
        before.coupon.is_some(),
        (&today, now, &at, &program.time_zone),
    )
    .await?;
    stamp_cards(conn, member_id, paid_minor, items, now, &mut applied).await?;
    applied.referral_bonus = pay_referral(
        conn,
        &rule,
        member_id,
        paid_minor,
        key,
        (now, &at),
        expiry_of(&program, now),
    )
    .await?;
    Ok(applied)
}

/// Everything a member's home shows about perks.
pub async fn member_perks(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
    base_url: &str,
) -> Result<MemberPerks, AppError> {
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) =
        crate::loyalty::engine::current_tier(conn, member_id, &program, &tiers, now).await?;
    let rule = settings(conn).await?;
    Ok(MemberPerks {
        offers: offers_for(conn, member_id, tier, &today).await?,
        coupons: coupons_of(conn, member_id, &today).await?,
        cards: progress_of(conn, member_id).await?,
        referral: referral_of(conn, member_id, rule.referral_points, base_url).await?,
        currency: program.currency,
    })
}

/// What the counter may apply for a member.
pub async fn counter_perks(
    conn: &mut SqliteConnection,
    member_id: i64,
    now: OffsetDateTime,
) -> Result<CounterPerks, AppError> {
    let program = pdb::settings(conn).await?;
    let today = local_day(&program.time_zone, now).0;
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) =
        crate::loyalty::engine::current_tier(conn, member_id, &program, &tiers, now).await?;
    let mut coupons = coupons_of(conn, member_id, &today).await?;
    coupons.retain(|c| c.used_at.is_none() && c.status != super::types::CouponStatus::Expired);
    Ok(CounterPerks {
        offers: offers_for(conn, member_id, tier, &today).await?,
        coupons,
        item_cards: cards(conn, true)
            .await?
            .into_iter()
            .filter(|c| c.per_item)
            .collect(),
    })
}
