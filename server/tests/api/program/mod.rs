//! The loyalty program over HTTP: purchases earn per the rules (rate, rounding, tier
//! multipliers, bonus rules, preview), refunds reverse proportionally and record what could not
//! be taken back, points expire first-in-first-out through an idempotent sweeper, and tiers go
//! up on earning and down at period ends. Time is set on the server's clock, never slept.

use crate::helpers::error_json;
use app::db::Stamp;
use serde_json::{Value, json};

/// A Wednesday (the demo's double-points day is Tuesday).
const WED: Stamp = Stamp::utc(2027, 1, 6, 12, 0, 0);

crate::helpers::local_demo_shop!(WED);

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
                    ("confirm", "true"),
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
                    ("confirm", "true"),
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

    async fn sweep(&self, at: Stamp) -> app::jobs::Sweep {
        let db = server::open_database(&self.app.config).await.expect("db");
        let done = app::jobs::sweep(&db, at).await.expect("sweep");
        db.close().await;
        done
    }

    /// Checks the ledger's invariants for the member: cached balance = sum of movements = open
    /// lots, never below zero.
    async fn invariants(&self) -> i64 {
        let (cached, sum, lots, negative): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(balance), 0) FROM member_balances WHERE member_id = $1),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements WHERE member_id = $1),
                    (SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = $1),
                    (SELECT COUNT(*) FROM point_movements WHERE member_id = $1 AND balance_after < 0)",
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
    let s = demo().await;
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
    s.app.config.clock.set(Stamp::utc(2027, 1, 5, 12, 0, 0));
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
    s.app.config.clock.set(Stamp::utc(2027, 1, 12, 9, 0, 0));
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
    let s = demo().await;
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
    s.app.config.clock.set(Stamp::utc(2027, 1, 4, 23, 30, 0));
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
    s.app.config.clock.set(Stamp::utc(2027, 1, 5, 23, 30, 0));
    assert_eq!(s.buy("10", "wednesday").await["purchase"]["points"], 10);
}

#[tokio::test]
async fn purchases_refuse_bad_input_with_field_errors() {
    let s = demo().await;
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
                    ("confirm", "true"),
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

mod admin;
mod economy;
mod forms;
mod periods;
