//! The perks' pure terms, with numbers.

use super::*;

#[test]
fn discounts_round_down_and_never_reach_the_whole_amount() {
    assert_eq!(discount(OfferKind::Percent, 15, 10_000), Some(1_500));
    assert_eq!(discount(OfferKind::Percent, 15, 999), Some(149)); // 149.85 → 149
    assert_eq!(discount(OfferKind::Fixed, 500, 2_000), Some(500));
    assert_eq!(discount(OfferKind::Fixed, 500, 500), None);
    assert_eq!(discount(OfferKind::Points, 200, 500), Some(0));
    assert_eq!(discount(OfferKind::Item, 0, 1), Some(0));
}

#[test]
fn a_coupon_keeps_its_terms() {
    let mut c = Coupon {
        id: 1,
        percent: 15,
        valid_from: "2026-11-25".into(),
        valid_until: "2026-12-08".into(),
        min_purchase: 1_000,
        used_at: None,
        status: CouponStatus::Usable,
    };
    let status = |today| Coupon::status_on(false, &c.valid_from, &c.valid_until, today);
    assert_eq!(status("2026-11-24"), CouponStatus::Upcoming);
    assert_eq!(status("2026-11-25"), CouponStatus::Usable);
    assert_eq!(status("2026-12-08"), CouponStatus::Usable);
    assert_eq!(status("2026-12-09"), CouponStatus::Expired);
    assert_eq!(c.refusal(1_000, true), None);
    assert_eq!(c.refusal(999, true), Some(Msg::CouponMinPurchase));
    assert_eq!(c.refusal(5_000, false), Some(Msg::CouponFullPriceOnly));
    c.status = CouponStatus::Used;
    assert_eq!(c.refusal(5_000, true), Some(Msg::CouponUsed));
}

#[test]
fn stamps_carry_over_to_the_next_card() {
    assert_eq!(stamp(0, 1, 10), (1, 0));
    assert_eq!(stamp(9, 1, 10), (0, 1));
    assert_eq!(stamp(8, 5, 10), (3, 1));
    assert_eq!(stamp(0, 25, 10), (5, 2));
    assert_eq!(stamp(3, -2, 10), (3, 0));
}
