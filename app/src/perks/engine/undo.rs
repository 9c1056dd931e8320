//! Refunds: undoing what a refunded purchase set off, in the refund's transaction. Each step
//! happens once per purchase (the rows it changes say so) and is recorded in `refund_effects`.
//!
//! - The referral bonus it paid, when what is left paid falls below the qualifying amount (or
//!   nothing is left): taken back from both members up to each balance, the rest recorded as a
//!   shortfall. The bonus is never paid again for that member.
//! - The stamps it added, when it no longer qualifies for the card (a per-visit card below its
//!   minimum, a per-item card only on a full refund), and the unused codes a card it filled
//!   issued: voided, their stock given back.
//! - The next-visit discount it gave, if unused, when it falls below the rule's minimum.
//! - On a full refund, what it used: the offer use (its limits count it again) and the
//!   next-visit discount, while that is still within its dates.

use super::*;
use crate::perks::types::Undone;

/// A refund just recorded, as the perks see it.
#[derive(Debug, Clone, Copy)]
pub struct Refunded<'a> {
    /// The refund.
    pub refund_id: i64,
    /// The purchase.
    pub purchase_id: i64,
    /// Its member.
    pub member_id: i64,
    /// What is left paid after this refund, minor units.
    pub net_minor: i64,
    /// Who refunds: staff at the counter, or a till with an API key.
    pub by: Actor,
    /// The refund's scoped idempotency key (movement keys derive from it).
    pub key: &'a str,
}

impl Refunded<'_> {
    fn full(&self) -> bool {
        self.net_minor <= 0
    }

    /// Whether the purchase no longer reaches `min_minor`.
    fn below(&self, min_minor: i64) -> bool {
        self.full() || self.net_minor < min_minor
    }
}

/// Undoes what the refunded purchase set off and no longer earns.
pub async fn after_refund(
    conn: &mut SqliteConnection,
    r: &Refunded<'_>,
    now: Stamp,
) -> Result<Undone, AppError> {
    let at = now;
    let rule = settings(conn).await?;
    let mut undone = Undone::default();
    if r.below(rule.referral_min_purchase) {
        undo_referral(conn, r, at, &mut undone).await?;
    }
    undo_stamps(conn, r, at, &mut undone).await?;
    if r.below(rule.return_min_purchase) {
        let voided: Option<i64> = sqlx::query_scalar(
            "UPDATE coupons SET voided_at = $1
             WHERE source_purchase_id = $2 AND used_at IS NULL AND voided_at IS NULL RETURNING id",
        )
        .bind(at)
        .bind(r.purchase_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = voided {
            effect(conn, r, r.member_id, "coupon", id, 1, 1).await?;
            undone.coupon_voided = true;
        }
    }
    if r.full() {
        give_back(conn, r, now, at, &mut undone).await?;
    }
    Ok(undone)
}

/// Records one thing a refund undid.
async fn effect(
    conn: &mut SqliteConnection,
    r: &Refunded<'_>,
    member_id: i64,
    what: &str,
    ref_id: i64,
    due: i64,
    done: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refund_effects (refund_id, member_id, what, ref_id, due, done)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(r.refund_id)
    .bind(member_id)
    .bind(what)
    .bind(ref_id)
    .bind(due)
    .bind(done)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the referral bonus this purchase paid back from both members, once.
async fn undo_referral(
    conn: &mut SqliteConnection,
    r: &Refunded<'_>,
    at: Stamp,
    undone: &mut Undone,
) -> Result<(), AppError> {
    let paid: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT m.id, m.member_id, m.amount FROM point_movements m
         WHERE m.purchase_id = $1 AND m.kind = 'referral'
           AND NOT EXISTS (SELECT 1 FROM refund_effects e WHERE e.what = 'referral' AND e.ref_id = m.id)
         ORDER BY m.id",
    )
    .bind(r.purchase_id)
    .fetch_all(&mut *conn)
    .await?;
    for (lot, who, amount) in paid {
        let back = amount.min(ldb::balance(conn, who).await?);
        if back > 0 {
            let key = format!("{}:referral:{who}", r.key);
            let new = NewMovement {
                purchase_id: Some(r.purchase_id),
                first_from: Some(lot),
                ..NewMovement::plain(who, -back, MovementKind::RefundReversal, "", r.by, &key, at)
            };
            ldb::append_only(conn, &new).await?;
        }
        effect(conn, r, who, "referral", lot, amount, back).await?;
        undone.referral_points += back;
        undone.referral_shortfall += amount - back;
        sqlx::query(
            "UPDATE users SET referral_reversed_at = $1 WHERE id = $2 AND referral_reversed_at IS NULL",
        )
        .bind(at)
        .bind(r.member_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Takes the stamps this purchase added off the cards it no longer qualifies for, voiding the
/// unused codes a card it filled issued (their stock comes back). Stamps that went into a code
/// already used cannot come back: they are the shortfall.
async fn undo_stamps(
    conn: &mut SqliteConnection,
    r: &Refunded<'_>,
    at: Stamp,
    undone: &mut Undone,
) -> Result<(), AppError> {
    let added: Vec<(i64, i64, i64, bool, i64)> = sqlx::query_as(
        "SELECT s.card_id, s.stamps, c.stamps_needed, c.per_item, c.min_amount
         FROM purchase_stamps s JOIN punch_cards c ON c.id = s.card_id WHERE s.purchase_id = $1",
    )
    .bind(r.purchase_id)
    .fetch_all(&mut *conn)
    .await?;
    for (card, stamps_added, needed, per_item, min_amount) in added {
        if !(r.full() || (!per_item && r.net_minor < min_amount)) {
            continue;
        }
        let voided: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE reward_codes SET voided_at = $1, expired_at = $1
             WHERE source_purchase_id = $2 AND source_card_id = $3
               AND used_at IS NULL AND expired_at IS NULL
             RETURNING id, reward_id",
        )
        .bind(at)
        .bind(r.purchase_id)
        .bind(card)
        .fetch_all(&mut *conn)
        .await?;
        for &(code, reward) in &voided {
            sqlx::query("UPDATE rewards SET stock = stock + 1 WHERE id = $1 AND stock IS NOT NULL")
                .bind(reward)
                .execute(&mut *conn)
                .await?;
            effect(conn, r, r.member_id, "code", code, 1, 1).await?;
        }
        let voided = i64::try_from(voided.len()).unwrap_or(i64::MAX);
        // Read under a row lock (a no-op update), so the write below cannot race another.
        let (now_on_card, completed): (i64, i64) = sqlx::query_as(
            "UPDATE punch_progress SET stamps = stamps WHERE card_id = $1 AND member_id = $2
             RETURNING stamps, completed",
        )
        .bind(card)
        .bind(r.member_id)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or((0, 0));
        let (left, taken) = unstamp(now_on_card, voided, stamps_added, needed);
        sqlx::query(
            "UPDATE punch_progress SET stamps = $1, completed = completed - $2
             WHERE card_id = $3 AND member_id = $4",
        )
        .bind(left)
        .bind(voided.min(completed))
        .bind(card)
        .bind(r.member_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM purchase_stamps WHERE purchase_id = $1 AND card_id = $2")
            .bind(r.purchase_id)
            .bind(card)
            .execute(&mut *conn)
            .await?;
        effect(conn, r, r.member_id, "stamps", card, stamps_added, taken).await?;
        undone.stamps += taken;
        undone.codes_voided += voided;
    }
    Ok(())
}

/// A card with `on_card` stamps loses the `added` stamps of a refunded purchase after
/// `voided` of the codes it issued were voided (each gives a full card back): the stamps left
/// and how many of `added` were taken (the rest went into a code already used).
pub fn unstamp(on_card: i64, voided: i64, added: i64, needed: i64) -> (i64, i64) {
    let before = on_card + voided * needed - added;
    (before.clamp(0, needed), added - (-before).max(0))
}

/// On a full refund: the offer use and the next-visit discount the purchase used come back.
async fn give_back(
    conn: &mut SqliteConnection,
    r: &Refunded<'_>,
    now: Stamp,
    at: Stamp,
    undone: &mut Undone,
) -> Result<(), AppError> {
    let offer: Option<Option<i64>> = sqlx::query_scalar(
        "UPDATE purchases SET returned_at = $1 WHERE id = $2 AND returned_at IS NULL RETURNING offer_id",
    )
    .bind(at)
    .bind(r.purchase_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(Some(offer)) = offer {
        sqlx::query("UPDATE offers SET uses = uses - 1 WHERE id = $1 AND uses > 0")
            .bind(offer)
            .execute(&mut *conn)
            .await?;
        effect(conn, r, r.member_id, "offer_back", offer, 1, 1).await?;
        undone.offer_returned = true;
    }
    let today = local_day(&pdb::settings(conn).await?.time_zone, now).0;
    let coupon: Option<i64> = sqlx::query_scalar(
        "UPDATE coupons SET used_purchase_id = NULL, used_at = NULL
         WHERE used_purchase_id = $1 AND valid_until >= $2 AND voided_at IS NULL RETURNING id",
    )
    .bind(r.purchase_id)
    .bind(today)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = coupon {
        effect(conn, r, r.member_id, "coupon_back", id, 1, 1).await?;
        undone.coupon_returned = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unstamp;

    #[test]
    fn unstamping_gives_back_the_card_a_voided_code_came_from() {
        // 8 of 10, +3 filled the card (1 left, one code): voiding the code restores 8.
        assert_eq!(unstamp(1, 1, 3, 10), (8, 3));
        // The code was used: the 1 stamp left goes, the other 2 went into the reward.
        assert_eq!(unstamp(1, 0, 3, 10), (0, 1));
        // No card filled: plain subtraction.
        assert_eq!(unstamp(5, 0, 2, 10), (3, 2));
        // Later purchases added stamps since: only this purchase's come off.
        assert_eq!(unstamp(7, 0, 2, 10), (5, 2));
    }
}
