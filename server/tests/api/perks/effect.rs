//! Program effect on hand-computed cases: two next-visit discounts issued in January, one
//! voided by refunding its purchase, the other used on a €40 visit (€34 paid) of which €4 is
//! refunded; a member who buys enough for Silver moves up a tier. Every figure moves by exactly
//! that, whatever the demo shop had before; the roll-ups agree with the ledger. The voided
//! discount was given at the Harbour, the other at Main Street: each location counts its own.

use super::*;
use crate::helpers::{download, rollup_drift};

async fn program(s: &Shop) -> Value {
    program_at(s, None).await
}

async fn program_at(s: &Shop, location: Option<i64>) -> Value {
    let location = location.map(|l| l.to_string()).unwrap_or_default();
    json_of(
        &s.manager,
        "analytics/program",
        &[
            ("from", "2027-01"),
            ("to", "2027-01"),
            ("location", location.as_str()),
        ],
    )
    .await
}

const DISCOUNT: [&str; 5] = ["issued", "voided", "used", "spend_minor", "refunded_minor"];

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
    let (main, harbour) = (Some(s.main_street), Some(s.harbour));
    let before_at = [program_at(&s, main).await, program_at(&s, harbour).await];
    assert_eq!(before_at[1]["location"], s.harbour);

    let first = s.bought(nora, "25", &[("full_price", "true")]).await;
    let apply = format!("coupon:{}", first["perks"]["coupon_issued"]["id"]);
    let res =
        crate::helpers::purchase(&s.staff, ben, "30", s.harbour, &[("full_price", "true")]).await;
    assert_eq!(res.status(), 200);
    let voided: Value = res.json().await.expect("json");
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
    // By the location of the purchase that gave the discount: Nora's at Main Street (used
    // there), Ben's at the Harbour (voided).
    let after_at = [program_at(&s, main).await, program_at(&s, harbour).await];
    let moved = |i: usize| DISCOUNT.map(|k| grew(&before_at[i], &after_at[i], k));
    assert_eq!(moved(0), [1, 0, 1, 3_400, 400]);
    assert_eq!(moved(1), [1, 1, 0, 0, 0]);
    // Members by tier at a location: those who bought there (both new members hold the
    // lowest tier or none, whichever the shop starts them on).
    let everyone = |p: &Value| {
        p["tiers"]
            .as_array()
            .expect("tiers")
            .iter()
            .map(|t| t["members"].as_i64().expect("members"))
            .sum::<i64>()
    };
    assert_eq!(everyone(&after_at[0]) - everyone(&before_at[0]), 1, "Nora");
    assert_eq!(everyone(&after_at[1]) - everyone(&before_at[1]), 1, "Ben");
    let csv = download(
        &s.manager,
        &format!(
            "/console/analytics/program.csv?from=2027-01&to=2027-01&location={}",
            s.harbour
        ),
    )
    .await;
    let jan = &after_at[1]["coupons"][0];
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with(&format!(
            "2027-01,{},{},{},{},{},",
            after_at[1]["months"][0]["up"],
            after_at[1]["months"][0]["down"],
            jan["issued"],
            jan["voided"],
            jan["used"]
        ))),
        "{csv}"
    );
    let res = s
        .manager
        .call("analytics/program", &[("location", "0")])
        .await;
    assert_eq!(
        crate::helpers::error_json(res).await,
        crate::helpers::field_error("location", "location_required")
    );

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
    assert_eq!(
        everyone(&moved),
        everyone(&after),
        "a move, not a new member"
    );
    assert!(rollup_drift(&s.app.db().await).await.is_empty());
    // Ben bought at the Harbour before and now at Main Street: Silver at both, and a new
    // member of Main Street's; the move itself is the whole shop's.
    let moved_at = [program_at(&s, main).await, program_at(&s, harbour).await];
    for i in [0, 1] {
        assert_eq!(
            in_tier(&moved_at[i], "Silver") - in_tier(&after_at[i], "Silver"),
            1
        );
        assert_eq!(moved_at[i]["months"], moved["months"]);
    }
    assert_eq!(everyone(&moved_at[0]) - everyone(&after_at[0]), 1);
    assert_eq!(everyone(&moved_at[1]), everyone(&after_at[1]));

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
