//! What a member holds as they leave a purchase, written on the purchase (`perks_held`) for
//! program effect's return rates with and without a perk. One statement per purchase, by
//! index: the counter runs it inside every purchase's transaction.

use super::*;
use crate::perks::types::held;

/// The bits for a member holding a discount, a started card and a usable offer.
pub fn held_bits(discount: bool, card: bool, offer: bool) -> i64 {
    [
        (discount, held::DISCOUNT),
        (card, held::CARD),
        (offer, held::OFFER),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .fold(0, |bits, (_, bit)| bits | bit)
}

/// Records on `purchase_id` what `member_id` (in `tier` after it) holds on shop day `today`
/// now that its perks are applied: a next-visit discount neither used, voided nor past (the
/// one it just gave counts), stamps on an active card that is not full, an offer they can use
/// — the rules of [`offers_for`]: active, in its dates, for everyone, their tier or them, and
/// under its total and per-member limits (uses given back by a refund do not count).
pub async fn record_held(
    conn: &mut SqliteConnection,
    member_id: i64,
    purchase_id: i64,
    tier: Option<i64>,
    today: Day,
) -> Result<(), sqlx::Error> {
    let (discount, card, offer): (bool, bool, bool) = sqlx::query_as(
        "SELECT
           EXISTS (SELECT 1 FROM coupons c
                   WHERE c.member_id = $1 AND c.valid_until >= $2
                     AND c.used_purchase_id IS NULL AND c.voided_at IS NULL),
           EXISTS (SELECT 1 FROM punch_cards k JOIN punch_progress p ON p.card_id = k.id
                   WHERE k.active AND p.member_id = $1 AND p.stamps > 0),
           EXISTS (SELECT 1 FROM offers o
                   WHERE o.active
                     AND (o.starts_on IS NULL OR o.starts_on <= $2)
                     AND (o.ends_on IS NULL OR o.ends_on >= $2)
                     AND (o.total_limit IS NULL OR o.uses < o.total_limit)
                     AND (o.audience = 'all'
                          OR (o.audience = 'tiers' AND EXISTS (
                                SELECT 1 FROM offer_tiers t WHERE t.offer_id = o.id AND t.tier_id = $3))
                          OR (o.audience = 'picked' AND EXISTS (
                                SELECT 1 FROM offer_members m WHERE m.offer_id = o.id AND m.member_id = $1)))
                     AND (o.per_member_limit IS NULL
                          OR (SELECT count(*) FROM purchases u
                              WHERE u.offer_id = o.id AND u.member_id = $1 AND u.returned_at IS NULL)
                             < o.per_member_limit))",
    )
    .bind(member_id)
    .bind(today)
    .bind(tier)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE purchases SET perks_held = $1 WHERE id = $2")
        .bind(held_bits(discount, card, offer))
        .bind(purchase_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_perk_is_its_own_bit() {
        assert_eq!(held_bits(false, false, false), 0);
        assert_eq!(held_bits(true, false, false), held::DISCOUNT);
        assert_eq!(held_bits(false, true, true), held::CARD | held::OFFER);
        assert_eq!(held_bits(true, true, true), 7);
    }
}
