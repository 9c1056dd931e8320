//! What a member holds as they leave a purchase, written on the purchase (`perks_held`) for
//! program effect's return rates with and without a perk.

use super::*;
use crate::{
    loyalty::rules::Settings,
    perks::types::{CouponStatus, held},
};

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

/// Records on `purchase_id` what `member_id` holds now that its perks are applied: a
/// next-visit discount not used and not past (the one it just gave counts), stamps on an
/// active card that is not full, an offer they can use today.
pub async fn record_held(
    conn: &mut SqliteConnection,
    member_id: i64,
    purchase_id: i64,
    program: &Settings,
    today: Day,
    now: Stamp,
) -> Result<(), AppError> {
    let tiers = pdb::tiers(conn).await?;
    let (tier, _) = pdb::current_tier(conn, member_id, program, &tiers, now).await?;
    let discount = coupons_of(conn, member_id, today)
        .await?
        .iter()
        .any(|c| matches!(c.status, CouponStatus::Usable | CouponStatus::Upcoming));
    let card = progress_of(conn, member_id)
        .await?
        .iter()
        .any(|p| p.stamps > 0);
    let offer = offers_for(conn, member_id, tier, today)
        .await?
        .iter()
        .any(|o| o.blocked.is_none());
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
