//! Coming back with and without a perk, on a hand-computed case (a 15 % next-visit discount
//! from €20, a coffee card stamped per item, a coffee-bean offer every member can use once). On 6 January Ana and Cai spend €25 (a discount each, the offer
//! unused), Ben €5 with two coffees (stamps, the offer); on 16 January Ana spends €8 (her
//! discount still to use) and Ben uses the offer. Ana's and Ben's first purchases came back
//! within 30 days; the others did not. Cai bought at the Harbour, the others at Main Street:
//! each location counts its own purchases.

use super::*;
use crate::helpers::{download, rollup_drift};

async fn program(s: &Shop, at: Stamp) -> Value {
    program_at(s, at, None).await
}

async fn program_at(s: &Shop, at: Stamp, location: Option<i64>) -> Value {
    s.app.config.clock.set(at);
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

/// `(purchases, returned)` with and without `perk` (`Discount`, `Card`, `Offer`, `Any`).
fn split(p: &Value, perk: &str) -> [i64; 4] {
    let r = p["returns"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["perk"] == perk))
        .expect(perk);
    let n = |side: &str, k: &str| r[side][k].as_i64().expect(k);
    [
        n("with", "visits"),
        n("with", "returned"),
        n("without", "visits"),
        n("without", "returned"),
    ]
}

fn grew(before: &Value, after: &Value, perk: &str) -> [i64; 4] {
    let (b, a) = (split(before, perk), split(after, perk));
    [0, 1, 2, 3].map(|i| a[i] - b[i])
}

#[tokio::test]
async fn purchases_are_split_by_what_the_member_held_and_count_as_returned_within_30_days() {
    let s = demo().await;
    s.settings(&DISCOUNT_15).await;
    let later = WED + days(10);
    let march = Stamp::utc(2027, 3, 10, 11, 0, 0);
    let recent_before = program(&s, later).await;
    let before = program(&s, march).await;
    let (main, harbour) = (Some(s.main_street), Some(s.harbour));
    let before_at = [
        program_at(&s, march, main).await,
        program_at(&s, march, harbour).await,
    ];
    let db = s.app.db().await;
    let beans = s
        .offer("10 % off coffee beans", &[("per_member_limit", "1")])
        .await;
    let reward = s.free_coffee().await;
    let card = [
        ("name", "Coffee card"),
        ("stamps_needed", "10"),
        ("reward_id", reward.as_str()),
        ("min_amount", ""),
        ("per_item", "on"),
    ];
    assert_eq!(s.manager.call("perks/save_card", &card).await.status(), 200);
    let (_, ana) = s.member("ana-comeback@example.com", None).await;
    let (_, ben) = s.member("ben-comeback@example.com", None).await;
    let (_, cai) = s.member("cai-comeback@example.com", None).await;

    s.app.config.clock.set(WED);
    let mut bought = vec![
        s.bought(ana, "25", &[("full_price", "true")]).await,
        s.bought(ben, "5", &[("items", "2")]).await,
        {
            let res =
                crate::helpers::purchase(&s.staff, cai, "25", s.harbour, &[("full_price", "true")])
                    .await;
            assert_eq!(res.status(), 200);
            res.json().await.expect("json")
        },
    ];
    s.app.config.clock.set(later);
    let apply = format!("offer:{beans}");
    bought.push(s.bought(ana, "8", &[]).await);
    bought.push(s.bought(ben, "5", &[("apply", &apply)]).await);
    let mut held = Vec::new();
    for b in &bought {
        let id = b["purchase"]["id"].as_i64().expect("id");
        let bits: i64 = sqlx::query_scalar("SELECT perks_held FROM purchases WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("perks_held");
        held.push(bits);
    }
    // Discount 1, card 2, offer 4.
    assert_eq!(held, [5, 6, 5, 5, 2]);

    // Within their 30 days, all five wait.
    let recent = program(&s, later).await;
    assert_eq!(
        recent["returns_recent"].as_i64().expect("recent")
            - recent_before["returns_recent"].as_i64().expect("recent"),
        5
    );
    assert_eq!(grew(&recent_before, &recent, "Any"), [0; 4]);

    let after = program(&s, march).await;
    assert_eq!(after["returns_recent"], before["returns_recent"]);
    // With: Ana's two and Cai's (Ana's first came back); without: Ben's two (the first came back).
    assert_eq!(grew(&before, &after, "Discount"), [3, 1, 2, 1]);
    assert_eq!(grew(&before, &after, "Card"), [2, 1, 3, 1]);
    assert_eq!(grew(&before, &after, "Offer"), [4, 2, 1, 0]);
    assert_eq!(grew(&before, &after, "Any"), [5, 2, 0, 0]);
    assert!(rollup_drift(&db).await.is_empty());
    // At a location: Cai's purchase at the Harbour (a discount and the offer held, not
    // followed), the other four at Main Street.
    let after_at = [
        program_at(&s, march, main).await,
        program_at(&s, march, harbour).await,
    ];
    assert_eq!(grew(&before_at[0], &after_at[0], "Discount"), [2, 1, 2, 1]);
    assert_eq!(grew(&before_at[0], &after_at[0], "Any"), [4, 2, 0, 0]);
    assert_eq!(grew(&before_at[1], &after_at[1], "Discount"), [1, 0, 0, 0]);
    assert_eq!(grew(&before_at[1], &after_at[1], "Card"), [0, 0, 1, 0]);
    assert_eq!(grew(&before_at[1], &after_at[1], "Any"), [1, 0, 0, 0]);

    let csv = download(
        &s.manager,
        "/console/analytics/perks.csv?from=2027-01&to=2027-01",
    )
    .await;
    let [w, wr, wo, wor] = split(&after, "Discount");
    let line = csv
        .lines()
        .find(|l| l.starts_with("next_visit_discount,"))
        .expect("discount line");
    assert!(
        line.starts_with(&format!("next_visit_discount,{w},{wr},"))
            && line.contains(&format!(",{wo},{wor},")),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let res = s
        .staff
        .client
        .get(s.staff.url("/console/analytics/perks.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 403);
}
