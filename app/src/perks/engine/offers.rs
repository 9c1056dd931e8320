//! Members-only offers: stored with their audience, who sees which, and taking one use (both limits).

use super::*;

pub(super) const OFFER_COLUMNS: &str =
    "SELECT id, title, description, starts_on, ends_on, audience, kind,
    value, per_member_limit, total_limit, uses, active FROM offers";

pub(super) async fn fill_audience(
    conn: &mut SqliteConnection,
    o: &mut Offer,
) -> Result<(), sqlx::Error> {
    o.tiers = sqlx::query_scalar("SELECT tier_id FROM offer_tiers WHERE offer_id = $1 ORDER BY 1")
        .bind(o.id)
        .fetch_all(&mut *conn)
        .await?;
    o.members =
        sqlx::query_scalar("SELECT member_id FROM offer_members WHERE offer_id = $1 ORDER BY 1")
            .bind(o.id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(())
}

/// Every offer, newest first, with its audience (staff).
pub async fn offers(conn: &mut SqliteConnection) -> Result<Vec<Offer>, sqlx::Error> {
    let mut all: Vec<Offer> = sqlx::query_as(&format!("{OFFER_COLUMNS} ORDER BY id DESC"))
        .fetch_all(&mut *conn)
        .await?;
    for o in &mut all {
        fill_audience(conn, o).await?;
    }
    Ok(all)
}

/// Offer `id` if anyone may see it at `now`: active, not over on the shop's calendar, and for
/// every member or for tiers (not for members staff picked).
pub async fn public_offer(
    conn: &mut SqliteConnection,
    id: i64,
    now: Stamp,
) -> Result<Option<Offer>, sqlx::Error> {
    let (today, _) = crate::loyalty::db::program::shop_today(conn, now).await?;
    let today = today.to_string();
    Ok(offer_by_id(conn, id).await?.filter(|o| {
        o.active
            && o.audience != Audience::Picked
            && o.ends_on.as_deref().is_none_or(|e| today.as_str() <= e)
    }))
}

pub(super) async fn offer_by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Offer>, sqlx::Error> {
    let Some(mut o): Option<Offer> = sqlx::query_as(&format!("{OFFER_COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    fill_audience(conn, &mut o).await?;
    Ok(Some(o))
}

/// Adds (`id` 0) or replaces an offer with its audience. Returns its id.
pub async fn save_offer(
    conn: &mut SqliteConnection,
    o: &Offer,
    at: Stamp,
) -> Result<i64, AppError> {
    let id: i64 = if o.id == 0 {
        sqlx::query_scalar(
            "INSERT INTO offers (title, description, starts_on, ends_on, audience, kind, value,
               per_member_limit, total_limit, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.starts_on)
        .bind(&o.ends_on)
        .bind(o.audience)
        .bind(o.kind)
        .bind(o.value)
        .bind(o.per_member_limit)
        .bind(o.total_limit)
        .bind(o.active)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?
    } else {
        let done = sqlx::query(
            "UPDATE offers SET title = $1, description = $2, starts_on = $3, ends_on = $4,
               audience = $5, kind = $6, value = $7, per_member_limit = $8, total_limit = $9,
               active = $10
             WHERE id = $11 AND ($12 IS NULL OR uses <= $13)",
        )
        .bind(&o.title)
        .bind(&o.description)
        .bind(&o.starts_on)
        .bind(&o.ends_on)
        .bind(o.audience)
        .bind(o.kind)
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
    sqlx::query("DELETE FROM offer_tiers WHERE offer_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM offer_members WHERE offer_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for tier in &o.tiers {
        sqlx::query("INSERT INTO offer_tiers (offer_id, tier_id) VALUES ($1, $2)")
            .bind(id)
            .bind(tier)
            .execute(&mut *conn)
            .await?;
    }
    for member in &o.members {
        sqlx::query("INSERT INTO offer_members (offer_id, member_id) VALUES ($1, $2)")
            .bind(id)
            .bind(member)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Times `member_id` used `offer_id` (a fully refunded purchase gave its use back).
pub(super) async fn uses_by(
    conn: &mut SqliteConnection,
    offer_id: i64,
    member_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM purchases WHERE offer_id = $1 AND member_id = $2 AND returned_at IS NULL",)
        .bind(offer_id)
        .bind(member_id)
        .fetch_one(conn)
        .await
}

pub(super) fn sees(o: &Offer, member_id: i64, tier: Option<i64>) -> bool {
    match o.audience {
        Audience::All => true,
        Audience::Tiers => tier.is_some_and(|t| o.tiers.contains(&t)),
        Audience::Picked => o.members.contains(&member_id),
    }
}

pub(super) fn in_window(o: &Offer, today: Day) -> bool {
    // An open end passes; one that is not a date (never stored so) does not.
    let holds = |end: &Option<String>, ok: fn(Day, Day) -> bool| {
        end.as_deref()
            .is_none_or(|d| d.parse::<Day>().is_ok_and(|d| ok(d, today)))
    };
    o.active && holds(&o.starts_on, |s, t| s <= t) && holds(&o.ends_on, |e, t| t <= e)
}

/// The offers `member_id` (in `tier`) can see today, with why one cannot be used. The list of
/// picked members is not sent to members.
pub async fn offers_for(
    conn: &mut SqliteConnection,
    member_id: i64,
    tier: Option<i64>,
    today: Day,
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
    today: Day,
    amount_minor: i64,
) -> Result<(Offer, i64), AppError> {
    let refuse = |m| AppError::field("apply", m);
    let o = offer_by_id(conn, offer_id)
        .await?
        .ok_or_else(|| refuse(Msg::OfferUnavailable))?;
    if !in_window(&o, today) || !sees(&o, member_id, tier) {
        return Err(refuse(Msg::OfferUnavailable));
    }
    let off =
        discount(o.kind, o.value, amount_minor).ok_or_else(|| refuse(Msg::DiscountTooLarge))?;
    // Both limits are checked by the statement that counts the use (which also locks the
    // offer's row), never by a read before it.
    let counted = sqlx::query(
        "UPDATE offers SET uses = uses + 1
         WHERE id = $1 AND (total_limit IS NULL OR uses < total_limit)
           AND (per_member_limit IS NULL OR per_member_limit > (
             SELECT count(*) FROM purchases
             WHERE offer_id = $1 AND member_id = $2 AND returned_at IS NULL))",
    )
    .bind(o.id)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    if counted.rows_affected() != 1 {
        // Refused: say which limit (the member's own first, as before).
        return Err(refuse(match o.per_member_limit {
            Some(limit) if uses_by(conn, o.id, member_id).await? >= limit => Msg::OfferLimitReached,
            _ => Msg::OfferUsedUp,
        }));
    }
    Ok((o, off))
}
