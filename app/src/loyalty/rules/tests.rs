//! The program's rules with numbers: earning, refunds, tiers.

use super::*;

fn settings(rate: i64, rounding: Rounding) -> Settings {
    Settings {
        time_zone: "UTC".into(),
        currency: super::Currency::Eur,
        rate_hundredths: rate,
        rounding,
        expiry_months: Some(12),
        qualification_months: 12,
        downgrade: Downgrade::OneTier,
        country: None,
    }
}

fn rule(name: &str, pct: i64, extra: i64) -> BonusRule {
    BonusRule {
        id: 1,
        name: name.into(),
        multiplier_pct: pct,
        extra_points: extra,
        weekday: None,
        location_id: None,
        starts_on: None,
        ends_on: None,
        active: true,
    }
}

fn tiers() -> Vec<Tier> {
    [
        (1, "Bronze", 0, 100),
        (2, "Silver", 500, 125),
        (3, "Gold", 1500, 150),
    ]
    .into_iter()
    .map(|(id, name, threshold, multiplier_pct)| Tier {
        priority_hours: None,
        id,
        name: name.into(),
        threshold,
        multiplier_pct,
        perks: String::new(),
    })
    .collect()
}

#[test]
fn the_base_rate_rounds_down_or_to_nearest_once() {
    let down = settings(100, Rounding::Down);
    assert_eq!(earn(&down, 999, 100, &[]).total, 9);
    let nearest = settings(100, Rounding::Nearest);
    assert_eq!(earn(&nearest, 950, 100, &[]).total, 10);
    assert_eq!(earn(&nearest, 949, 100, &[]).total, 9);
    // 1 point per 10 kr: 1 234,50 kr earns 123.
    assert_eq!(
        earn(&settings(10, Rounding::Down), 123_450, 100, &[]).total,
        123
    );
}

#[test]
fn tier_and_bonus_multipliers_multiply_and_extras_add() {
    let s = settings(100, Rounding::Down);
    let double = rule("Double", 200, 0);
    let triple = rule("Triple", 300, 0);
    let extra = rule("Harbour +20", 100, 20);
    let e = earn(&s, 10_000, 150, &[&double, &triple, &extra]);
    assert_eq!(e.base, 100);
    assert_eq!(e.bonus_pct, 300, "only the highest bonus multiplier counts");
    assert_eq!(e.total, 100 * 3 / 2 * 3 + 20);
    assert_eq!(e.bonuses.len(), 3);
}

#[test]
fn bonus_rules_match_weekday_location_and_dates() {
    let mut r = rule("Tue at 2", 200, 0);
    r.weekday = Some(2);
    r.location_id = Some(2);
    r.starts_on = Some("2026-11-01".into());
    r.ends_on = Some("2026-11-30".into());
    assert!(r.applies("2026-11-24", 2, 2));
    assert!(!r.applies("2026-11-24", 2, 1), "other location");
    assert!(!r.applies("2026-11-25", 3, 2), "other weekday");
    assert!(!r.applies("2026-12-01", 2, 2), "after the end");
    assert!(r.applies("2026-11-30", 2, 2), "end day included");
    r.active = false;
    assert!(!r.applies("2026-11-24", 2, 2));
}

#[test]
fn refunds_in_parts_owe_exactly_what_a_whole_refund_owes() {
    // 100 € earned 150 points; refunded 33.33 + 33.33 + 33.34.
    let a = refund_due(150, 10_000, 0, 3_333);
    let b = refund_due(150, 10_000, 3_333, 3_333);
    let c = refund_due(150, 10_000, 6_666, 3_334);
    assert_eq!(a + b + c, 150);
    assert_eq!(refund_due(150, 10_000, 0, 10_000), 150);
    assert_eq!(refund_due(150, 10_000, 0, 5_000), 75);
}

#[test]
fn tiers_go_up_on_earning_and_down_at_review_by_policy() {
    let t = tiers();
    assert_eq!(after_earning(&t, Some(1), 499), Some(1));
    assert_eq!(after_earning(&t, Some(1), 1_600), Some(3));
    assert_eq!(
        after_earning(&t, Some(3), 10),
        Some(3),
        "never down while earning"
    );
    assert_eq!(
        after_review(&t, Some(3), 1_500, Downgrade::OneTier),
        Some(3)
    );
    assert_eq!(after_review(&t, Some(3), 0, Downgrade::OneTier), Some(2));
    assert_eq!(after_review(&t, Some(3), 0, Downgrade::ToEarned), Some(1));
    assert_eq!(after_review(&t, Some(3), 600, Downgrade::ToEarned), Some(2));
    assert_eq!(after_review(&t, Some(1), 0, Downgrade::OneTier), Some(1));
}

#[test]
fn the_next_tier_says_how_many_points_are_missing() {
    let t = tiers();
    let (next, missing) = next_tier(&t, Some(1), 260).expect("silver");
    assert_eq!((next.name.as_str(), missing), ("Silver", 240));
    let (next, missing) = next_tier(&t, Some(2), 260).expect("gold");
    assert_eq!((next.name.as_str(), missing), ("Gold", 1_240));
    assert!(next_tier(&t, Some(3), 9_999).is_none());
}
