//! Program effect on hand-computed cases: two next-visit discounts issued in January, one
//! voided by refunding its purchase, the other used on a €40 visit (€34 paid) of which €4 is
//! refunded; a member who buys enough for Silver moves up a tier. Every figure moves by exactly
//! that, whatever the demo shop had before; the roll-ups agree with the ledger.

use super::*;
use crate::helpers::{download, rollup_drift};

async fn program(s: &Shop) -> Value {
    json_of(
        &s.manager,
        "analytics/program",
        &[("from", "2027-01"), ("to", "2027-01")],
    )
    .await
}

/// `after - before` of `key` of January's discounts.
fn grew(before: &Value, after: &Value, key: &str) -> i64 {
    let v = |x: &Value| x["coupons"][0][key].as_i64().expect(key);
    v(after) - v(before)
}

/// Members in tier `name` now.
fn in_tier(p: &Value, name: &str) -> i64 {
    p["tiers"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == name))
        .and_then(|t| t["members"].as_i64())
        .expect(name)
}

#[tokio::test]
async fn discounts_issued_voided_used_and_refunded_and_tier_moves_are_counted_once() {
    let s = demo().await;
    s.settings(&DISCOUNT_15).await;
    let (_, nora) = s.member("nora-effect@example.com", None).await;
    let (_, ben) = s.member("ben-effect@example.com", None).await;
    let before = program(&s).await;
    assert_eq!(before["coupons"][0]["month"], "2027-01");
    assert_eq!(before["discount_on"], true);

    let first = s.bought(nora, "25", &[("full_price", "true")]).await;
    let apply = format!("coupon:{}", first["perks"]["coupon_issued"]["id"]);
    let voided = s.bought(ben, "30", &[("full_price", "true")]).await;
    assert!(voided["perks"]["coupon_issued"].is_object());
    let r = s.refunded(&voided, "30").await;
    assert_eq!(r["undone"]["coupon_voided"], true);
    s.app.config.clock.set(WED + days(1));
    let used = s
        .bought(nora, "40", &[("apply", &apply), ("full_price", "true")])
        .await;
    assert_eq!(used["purchase"]["amount_minor"], 3_400);
    s.refunded(&used, "4").await;

    let after = program(&s).await;
    assert_eq!(grew(&before, &after, "issued"), 2);
    assert_eq!(grew(&before, &after, "voided"), 1);
    assert_eq!(grew(&before, &after, "used"), 1);
    assert_eq!(grew(&before, &after, "spend_minor"), 3_400);
    assert_eq!(grew(&before, &after, "refunded_minor"), 400);
    assert!(rollup_drift(&s.app.db().await).await.is_empty());

    // 600 points at Bronze's rate: Silver.
    let big = s.bought(ben, "600", &[]).await;
    assert_eq!(big["new_tier"], "Silver", "{big}");
    let moved = program(&s).await;
    assert_eq!(in_tier(&moved, "Silver") - in_tier(&after, "Silver"), 1);
    assert_eq!(
        moved["months"][0]["up"].as_i64().expect("up")
            - after["months"][0]["up"].as_i64().expect("up"),
        1
    );
    assert_eq!(moved["months"][0]["down"], after["months"][0]["down"]);
    let members = |p: &Value| {
        p["tiers"]
            .as_array()
            .expect("tiers")
            .iter()
            .map(|t| t["members"].as_i64().expect("members"))
            .sum::<i64>()
    };
    assert_eq!(members(&moved), members(&after), "a move, not a new member");
    assert!(rollup_drift(&s.app.db().await).await.is_empty());

    let csv = download(
        &s.manager,
        "/console/analytics/program.csv?from=2027-01&to=2027-01",
    )
    .await;
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("2027-01,")),
        "{csv}"
    );
    assert_eq!(s.staff.call("analytics/program", &[]).await.status(), 403);
}
