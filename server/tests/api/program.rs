//! The loyalty program over HTTP: purchases earn per the rules (rate, rounding, tier
//! multipliers, bonus rules, preview), refunds reverse proportionally and record what could not
//! be taken back, points expire first-in-first-out through an idempotent sweeper, and tiers go
//! up on earning and down at period ends. Time is set on the server's clock, never slept.

use crate::helpers::error_json;
use serde_json::{Value, json};
use time::{OffsetDateTime, macros::datetime};

/// A Wednesday (the demo's double-points day is Tuesday).
const WED: OffsetDateTime = datetime!(2027-01-06 12:00 UTC);

/// The demo shop, the clock on [`WED`], and a new member with no history.
struct Shop(crate::helpers::DemoShop);

impl std::ops::Deref for Shop {
    type Target = crate::helpers::DemoShop;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

async fn shop() -> Shop {
    Shop(crate::helpers::demo_shop(WED).await)
}

impl Shop {
    async fn buy_at(&self, amount: &str, location: i64, key: &str) -> reqwest::Response {
        let (member, location) = (self.member_id.to_string(), location.to_string());
        self.staff
            .call(
                "loyalty/purchase",
                &[
                    ("member_id", member.as_str()),
                    ("amount", amount),
                    ("currency", "EUR"),
                    ("location_id", location.as_str()),
                    ("full_price", "true"),
                    ("idempotency_key", &format!("purchase-{key}")),
                ],
            )
            .await
    }

    /// Records a purchase at Main Street and returns the receipt.
    async fn buy(&self, amount: &str, key: &str) -> Value {
        let res = self.buy_at(amount, self.main_street, key).await;
        assert_eq!(res.status(), 200, "purchase {amount}");
        res.json().await.expect("json")
    }

    async fn refund(&self, purchase: i64, amount: &str, key: &str) -> reqwest::Response {
        let purchase = purchase.to_string();
        self.staff
            .call(
                "loyalty/refund",
                &[
                    ("purchase_id", purchase.as_str()),
                    ("amount", amount),
                    ("idempotency_key", &format!("refund-{key}")),
                ],
            )
            .await
    }

    async fn redeem(&self, points: &str, key: &str) -> Value {
        let member = self.member_id.to_string();
        let res = self
            .staff
            .call(
                "loyalty/redeem",
                &[
                    ("member_id", member.as_str()),
                    ("points", points),
                    ("reason", ""),
                    ("idempotency_key", &format!("redeem-{key}")),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "redeem {points}");
        res.json().await.expect("json")
    }

    /// The member's own standing, as their portal gets it.
    async fn standing(&self) -> Value {
        let res = self.member.call("loyalty/points", &[]).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("json")
    }

    async fn settings(&self, expiry: &str, downgrade: &str) {
        let res = self
            .manager
            .call(
                "program/settings",
                &[
                    ("currency", "EUR"),
                    ("rate", "1"),
                    ("rounding", "down"),
                    ("expiry_months", expiry),
                    ("qualification_months", "12"),
                    ("downgrade", downgrade),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    async fn sweep(&self, at: OffsetDateTime) -> app::loyalty::engine::Sweep {
        let db = server::open_database(&self.app.config).await.expect("db");
        let done = app::loyalty::engine::sweep(&db, at).await.expect("sweep");
        db.close().await;
        done
    }

    /// Checks the ledger's invariants for the member: cached balance = sum of movements = open
    /// lots, never below zero.
    async fn invariants(&self) -> i64 {
        let (cached, sum, lots, negative): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(balance), 0) FROM member_balances WHERE member_id = ?1),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements WHERE member_id = ?1),
                    (SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = ?1),
                    (SELECT COUNT(*) FROM point_movements WHERE member_id = ?1 AND balance_after < 0)",
        )
        .bind(self.member_id)
        .fetch_one(&self.app.db().await)
        .await
        .expect("invariants");
        assert_eq!((cached, lots, negative), (sum, sum, 0));
        cached
    }
}

#[tokio::test]
async fn purchases_earn_by_rate_rounding_bonus_rules_and_tier_multiplier() {
    let s = shop().await;
    s.settings("12", "one_tier").await;
    // 99.99 € at 1 point per euro, rounded down, Bronze ×1.
    let r = s.buy("99,99", "p-1").await;
    assert_eq!(r["purchase"]["points"], 99);
    assert_eq!(r["earning"]["base"], 99);
    assert_eq!(r["balance"], 99);
    // A bonus rule for the Harbour: +20 points per purchase there.
    let harbour = s.harbour.to_string();
    let res = s
        .manager
        .call(
            "program/bonus",
            &[
                ("name", "Harbour opening"),
                ("multiplier", "1"),
                ("extra_points", "20"),
                ("weekday", ""),
                ("location_id", harbour.as_str()),
                ("starts_on", "2027-01-01"),
                ("ends_on", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let r: Value = s
        .buy_at("10", s.harbour, "p-2")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(r["purchase"]["points"], 30, "10 + 20 extra at the Harbour");
    assert_eq!(
        s.buy("10", "p-3").await["purchase"]["points"],
        10,
        "not at Main Street"
    );
    // The demo's Tuesday rule doubles.
    s.app.config.clock.set(datetime!(2027-01-05 12:00 UTC));
    assert_eq!(s.buy("10", "p-4").await["purchase"]["points"], 20);
    s.app.config.clock.set(WED);
    // 99 + 30 + 10 + 20 = 159; 400 more reaches Silver (500).
    let r = s.buy("400", "p-5").await;
    assert_eq!(r["new_tier"], "Silver");
    let standing = s.standing().await;
    assert_eq!(standing["tier"]["name"], "Silver");
    assert_eq!(standing["earned"], 559);
    assert_eq!(standing["next_tier"][0]["name"], "Gold");
    assert_eq!(standing["next_tier"][1], 1_500 - 559);
    // Silver earns ×1.25; on a Tuesday ×1.25 × 2.
    assert_eq!(s.buy("100", "p-6").await["purchase"]["points"], 125);
    s.app.config.clock.set(datetime!(2027-01-12 09:00 UTC));
    let r = s.buy("100", "p-7").await;
    assert_eq!(r["purchase"]["points"], 250);
    assert_eq!(r["earning"]["tier_pct"], 125);
    assert_eq!(r["earning"]["bonus_pct"], 200);
    // The preview agrees with what a purchase earned.
    let silver: i64 = sqlx::query_scalar("SELECT id FROM tiers WHERE name = 'Silver'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("silver");
    let preview: Value = s
        .manager
        .call(
            "program/preview",
            &[
                ("amount", "100"),
                ("tier_id", &silver.to_string()),
                ("location_id", ""),
                ("date", "2027-01-12"),
            ],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(preview["total"], 250);
    assert_eq!(s.invariants().await, 99 + 30 + 10 + 20 + 400 + 125 + 250);
}

#[tokio::test]
async fn bonus_days_follow_the_shops_time_zone() {
    let s = shop().await;
    let set_zone = |zone: Option<&'static str>| {
        let manager = &s.manager;
        async move {
            let mut form = vec![
                ("currency", "EUR"),
                ("rate", "1"),
                ("rounding", "down"),
                ("expiry_months", "12"),
                ("qualification_months", "12"),
                ("downgrade", "one_tier"),
            ];
            if let Some(zone) = zone {
                form.push(("time_zone", zone));
            }
            manager.call("program/settings", &form).await
        }
    };
    // Monday 23:30 in UTC is already Tuesday (the demo's double-points day) in Stockholm.
    s.app.config.clock.set(datetime!(2027-01-04 23:30 UTC));
    assert_eq!(set_zone(Some("UTC")).await.status(), 200);
    assert_eq!(s.buy("10", "utc").await["purchase"]["points"], 10);
    let saved: Value = set_zone(Some(" europe/stockholm "))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        saved["time_zone"], "Europe/Stockholm",
        "stored by its canonical name"
    );
    assert_eq!(s.buy("10", "stockholm").await["purchase"]["points"], 20);
    let preview: Value = s
        .manager
        .call(
            "program/preview",
            &[
                ("amount", "10"),
                ("tier_id", ""),
                ("location_id", ""),
                ("date", ""),
            ],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        preview["total"], 20,
        "the preview's today is the shop's today"
    );
    // Left out, the zone stays; a zone nobody knows is refused.
    let kept: Value = set_zone(None).await.json().await.expect("json");
    assert_eq!(kept["time_zone"], "Europe/Stockholm");
    let res = set_zone(Some("Mars/Olympus_Mons")).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        json!({"Validation": {"field": "time_zone", "message_key": "time_zone_invalid"}})
    );
    // In Stockholm the Tuesday ends at 23:00 UTC.
    s.app.config.clock.set(datetime!(2027-01-05 23:30 UTC));
    assert_eq!(s.buy("10", "wednesday").await["purchase"]["points"], 10);
}

#[tokio::test]
async fn purchases_refuse_bad_input_with_field_errors() {
    let s = shop().await;
    let member = s.member_id.to_string();
    let main = s.main_street.to_string();
    let cases: [(&str, &str, &str, &str); 4] = [
        ("abc", "EUR", main.as_str(), "amount"),
        ("0", "EUR", main.as_str(), "amount"),
        ("10", "SEK", main.as_str(), "currency"),
        ("10", "EUR", "999", "location_id"),
    ];
    for (n, (amount, currency, location, field)) in cases.into_iter().enumerate() {
        let key = format!("bad-input-{n}");
        let res = s
            .staff
            .call(
                "loyalty/purchase",
                &[
                    ("member_id", member.as_str()),
                    ("amount", amount),
                    ("currency", currency),
                    ("location_id", location),
                    ("idempotency_key", key.as_str()),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "{amount} {currency} {location}");
        assert_eq!(error_json(res).await["Validation"]["field"], field);
    }
    assert_eq!(
        s.member
            .call(
                "loyalty/purchase",
                &[
                    ("member_id", member.as_str()),
                    ("amount", "10"),
                    ("currency", "EUR"),
                    ("location_id", main.as_str()),
                    ("idempotency_key", "self-purchase"),
                ],
            )
            .await
            .status(),
        403,
        "members cannot record their own purchases"
    );
    assert_eq!(s.invariants().await, 0);
}

#[tokio::test]
async fn a_refund_after_spending_reverses_what_it_can_and_records_the_rest() {
    let s = shop().await;
    let p = s.buy("100", "buy-1").await;
    let purchase = p["purchase"]["id"].as_i64().expect("id");
    assert_eq!(s.redeem("80", "spend-1").await["balance_after"], 20);
    let res = s.refund(purchase, "100", "refund-1").await;
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.expect("json");
    assert_eq!(
        (
            &first["points_due"],
            &first["points_reversed"],
            &first["shortfall"],
            &first["balance"]
        ),
        (&json!(100), &json!(20), &json!(80), &json!(0)),
        "no negative balance, no free points: the shortfall is recorded"
    );
    // A replay answers the same; the same key for another amount is a conflict.
    let again: Value = s
        .refund(purchase, "100", "refund-1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, first);
    assert_eq!(s.refund(purchase, "50", "refund-1").await.status(), 409);
    // Nothing is left of it to refund.
    let res = s.refund(purchase, "1", "refund-2").await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_json(res).await["Validation"]["field"], "amount");
    // Staff see the shortfall on the purchase.
    let list: Value = s
        .staff
        .call(
            "loyalty/purchases",
            &[("member_id", &s.member_id.to_string())],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["shortfall"], 80);
    assert_eq!(list[0]["refunded_minor"], 10_000);
    // A partial refund takes back its share, in parts that add up exactly.
    let p = s.buy("30", "buy-2").await;
    let purchase = p["purchase"]["id"].as_i64().expect("id");
    let mut back = 0;
    for (n, amount) in ["10", "10", "10"].iter().enumerate() {
        let r: Value = s
            .refund(purchase, amount, &format!("part-{n}"))
            .await
            .json()
            .await
            .expect("json");
        back += r["points_reversed"].as_i64().expect("n");
    }
    assert_eq!(back, 30);
    assert_eq!(s.invariants().await, 0);
    // The refunded purchases no longer count towards tiers.
    assert_eq!(s.standing().await["earned"], 0);
}

#[tokio::test]
async fn points_expire_oldest_first_through_an_idempotent_sweeper() {
    let s = shop().await;
    s.settings("12", "one_tier").await;
    s.buy("100", "lot-a").await; // expires 2028-01-06
    s.app.config.clock.set(datetime!(2027-03-03 12:00 UTC));
    s.buy("50", "lot-b").await; // expires 2028-03-03
    let standing = s.standing().await;
    assert_eq!(standing["next_expiry"][0], 100);
    assert!(
        standing["next_expiry"][1]
            .as_str()
            .is_some_and(|d| d.starts_with("2028-01-06"))
    );
    // Spending takes the oldest points first: all of lot A, 20 of lot B.
    s.redeem("120", "spend").await;
    let standing = s.standing().await;
    assert_eq!(standing["next_expiry"][0], 30);
    assert!(
        standing["next_expiry"][1]
            .as_str()
            .is_some_and(|d| d.starts_with("2028-03-03"))
    );
    // Lot A's date passes: nothing of it is left to expire.
    assert_eq!(s.sweep(datetime!(2028-01-07 00:00 UTC)).await.points, 0);
    // Long after lot B's date (the server was down): it catches up, once.
    let late = datetime!(2028-06-01 00:00 UTC);
    s.app.config.clock.set(late);
    assert_eq!(s.sweep(late).await.points, 30);
    assert_eq!(s.sweep(late).await.points, 0, "safe to run twice");
    let standing = s.standing().await;
    assert_eq!(standing["balance"], 0);
    assert_eq!(standing["next_expiry"], Value::Null);
    assert_eq!(standing["recent"][0]["kind"], "expiry");
    assert_eq!(standing["recent"][0]["amount"], -30);
    assert_eq!(s.invariants().await, 0);
}

#[tokio::test]
async fn tiers_go_up_when_earned_and_down_at_the_end_of_a_period() {
    let s = shop().await;
    s.settings("", "one_tier").await;
    let r = s.buy("1600", "big").await;
    assert_eq!(r["new_tier"], "Gold");
    // Halfway through the period they earn enough to keep Gold.
    s.app.config.clock.set(datetime!(2027-06-02 12:00 UTC));
    s.buy("1500", "keep").await;
    // The review is due at 2028-01-06 12:00: one second before, nothing happens.
    let done = s.sweep(datetime!(2028-01-06 11:59:59 UTC)).await;
    assert_eq!(done.reviews, 0);
    let done = s.sweep(datetime!(2028-01-06 12:00 UTC)).await;
    assert_eq!(
        (done.reviews, done.downgrades),
        (1, 0),
        "1,500 in the period keeps Gold"
    );
    // No purchases in the next period: down one tier at its end, and one more a year later
    // (caught up in one sweep after a long downtime), then Bronze stays.
    let later = datetime!(2031-02-01 00:00 UTC);
    s.app.config.clock.set(later);
    let done = s.sweep(later).await;
    assert_eq!(done.downgrades, 2);
    assert_eq!(s.standing().await["tier"]["name"], "Bronze");
    let changes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.reason, COALESCE(f.name, ''), COALESCE(t.name, '') FROM tier_changes c
         LEFT JOIN tiers f ON f.id = c.from_tier_id LEFT JOIN tiers t ON t.id = c.to_tier_id
         WHERE c.member_id = ? ORDER BY c.id",
    )
    .bind(s.member_id)
    .fetch_all(&s.app.db().await)
    .await
    .expect("changes");
    let changes: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("upgrade", "Bronze", "Gold"),
            ("downgrade", "Gold", "Silver"),
            ("downgrade", "Silver", "Bronze"),
        ]
    );
}

#[tokio::test]
async fn the_downgrade_policy_can_drop_straight_to_what_was_earned() {
    let s = shop().await;
    s.settings("", "to_earned").await;
    s.buy("1600", "big").await;
    s.app.config.clock.set(datetime!(2027-06-02 12:00 UTC));
    s.buy("600", "some").await; // 900 points at Gold: Silver-worth
    let at = datetime!(2028-01-06 12:00 UTC);
    s.app.config.clock.set(at);
    let done = s.sweep(at).await;
    assert_eq!(done.downgrades, 1);
    assert_eq!(s.standing().await["tier"]["name"], "Silver");
}

#[tokio::test]
async fn only_managers_change_the_program_and_every_change_is_audited() {
    let s = shop().await;
    let form = [
        ("currency", "EUR"),
        ("rate", "0.5"),
        ("rounding", "nearest"),
        ("expiry_months", "24"),
        ("qualification_months", "12"),
        ("downgrade", "one_tier"),
    ];
    assert_eq!(s.staff.call("program/settings", &form).await.status(), 403);
    assert_eq!(s.member.call("program/settings", &form).await.status(), 403);
    assert_eq!(
        s.manager.call("program/settings", &form).await.status(),
        200
    );
    let bad = [
        ("rate", "-1", "rate"),
        ("expiry_months", "500", "expiry_months"),
    ];
    for (field, value, expected) in bad {
        let mut f = form.to_vec();
        f.retain(|(k, _)| *k != field);
        f.push((field, value));
        let res = s.manager.call("program/settings", &f).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_json(res).await["Validation"]["field"], expected);
    }
    // 0.5 points per euro, rounded to nearest: 15 € earns 8 (7.5 rounds up).
    assert_eq!(s.buy("15", "half").await["purchase"]["points"], 8);
    let dup = s
        .manager
        .call(
            "program/tier",
            &[
                ("name", "Gold"),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", ""),
            ],
        )
        .await;
    assert_eq!(dup.status(), 422);
    assert_eq!(error_json(dup).await["Validation"]["field"], "name");
    let loc = s
        .manager
        .call("program/location", &[("name", "Airport")])
        .await;
    assert_eq!(loc.status(), 200);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('program.settings', 'program.location')",
    )
    .fetch_one(&s.app.db().await)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_history_pages_through_every_movement_of_the_member_only() {
    let s = shop().await;
    for n in 0..45 {
        s.buy("1", &format!("h-{n}")).await;
    }
    let mut seen = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let cursor = before.map(|b| b.to_string()).unwrap_or_default();
        let form: Vec<(&str, &str)> = if before.is_some() {
            vec![("before", cursor.as_str())]
        } else {
            vec![]
        };
        let page: Value = s
            .member
            .call("loyalty/history", &form)
            .await
            .json()
            .await
            .expect("json");
        let rows = page["movements"].as_array().expect("rows").clone();
        assert!(rows.len() <= 20);
        seen.extend(rows.iter().map(|m| m["id"].as_i64().expect("id")));
        assert!(rows.iter().all(|m| m["location"] == "Main Street"));
        match page["older"].as_i64() {
            Some(id) => before = Some(id),
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    let anna: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'anna@example.com'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("anna");
    assert_eq!(
        s.member
            .call("loyalty/history", &[("member_id", &anna.to_string())])
            .await
            .status(),
        403
    );
    // The member's card: a QR code for members, nothing for visitors.
    let card = s
        .member
        .client
        .get(s.member.url("/me/card.svg"))
        .send()
        .await
        .expect("card");
    assert_eq!(card.status(), 200);
    assert_eq!(card.headers()["content-type"], "image/svg+xml");
    assert!(card.text().await.expect("svg").contains("<svg"));
    let visitor = s.app.other_client();
    let res = visitor
        .client
        .get(visitor.url("/me/card.svg"))
        .send()
        .await
        .expect("card");
    assert!(
        res.status().is_redirection(),
        "visitors are sent to sign in"
    );
}
