//! Perks over HTTP: members-only offers (who sees them, dates, per-member and total limits —
//! also under 150 concurrent uses of a 100-use offer), next-visit discounts (issued the next
//! shop day, minimum purchase, full price only, once, expiry), punch cards (a full card issues
//! a reward code and starts again) and referrals (paid once on the first qualifying purchase;
//! self-referral and reuse refused).

use crate::helpers::{TestApp, error_json, field_error as field, json_of};
use app::db::{Stamp, days};
use serde_json::{Value, json};

/// A Wednesday, 12:00 in Stockholm (the demo shop's zone; no demo bonus on Wednesdays).
const WED: Stamp = Stamp::utc(2027, 1, 6, 11, 0, 0);

crate::helpers::local_demo_shop!(WED);

/// 15 % off the next visit for a purchase of €20 or more, for 14 days, on €10 or more; no
/// referral bonus.
const DISCOUNT_15: [(&str, &str); 6] = [
    ("return_percent", "15"),
    ("return_min_purchase", "20"),
    ("return_days", "14"),
    ("return_min_next", "10"),
    ("referral_points", "0"),
    ("referral_min_purchase", ""),
];

impl Shop {
    /// A new member, signed in: (client, id).
    async fn member(&self, email: &str, referral: Option<&str>) -> (TestApp, i64) {
        let c = self.app.other_client();
        let mut form = vec![
            ("email", email),
            ("password", "a long password"),
            ("preferred_name", "Nora"),
            ("language", "en"),
        ];
        form.extend(referral.map(|r| ("referral", r)));
        let res = c.sign_up_with(&form).await;
        assert_eq!(res.status(), 200, "sign up {email}");
        let id = c.me().await["id"].as_i64().expect("id");
        (c, id)
    }

    /// Adds an offer; `extra` overrides the defaults (10 % off, all members, no limits).
    async fn offer(&self, title: &str, extra: &[(&str, &str)]) -> i64 {
        let mut form: Vec<(&str, &str)> = vec![
            ("title", title),
            ("description", ""),
            ("starts_on", ""),
            ("ends_on", ""),
            ("audience", "all"),
            ("kind", "percent"),
            ("value", "10"),
            ("per_member_limit", ""),
            ("total_limit", ""),
        ];
        for (k, v) in extra {
            form.retain(|(f, _)| f != k);
            form.push((k, v));
        }
        let res = self.manager.call("perks/save_offer", &form).await;
        assert_eq!(res.status(), 200, "save offer {title}");
        res.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id")
    }

    /// Records a purchase; `extra` adds fields (`apply`, `items`, `full_price`).
    async fn buy(&self, member: i64, euros: &str, extra: &[(&str, &str)]) -> reqwest::Response {
        crate::helpers::purchase(&self.staff, member, euros, self.main_street, extra).await
    }

    async fn bought(&self, member: i64, euros: &str, extra: &[(&str, &str)]) -> Value {
        let res = self.buy(member, euros, extra).await;
        assert_eq!(res.status(), 200, "purchase of {euros}");
        res.json().await.expect("json")
    }

    /// Refunds `euros` of a purchase (confirmed) and returns the receipt.
    async fn refunded(&self, purchase: &Value, euros: &str) -> Value {
        crate::helpers::refunded(&self.staff, purchase, euros).await
    }

    /// A member's balance.
    async fn balance(&self, member: i64) -> i64 {
        let db = self.app.db().await;
        sqlx::query_scalar(
            "SELECT coalesce((SELECT balance FROM member_balances WHERE member_id = $1), 0)",
        )
        .bind(member)
        .fetch_one(&db)
        .await
        .expect("balance")
    }

    /// Adds the reward "Free coffee" (150 points); returns its id as a form value.
    async fn free_coffee(&self) -> String {
        let res = self
            .manager
            .call(
                "rewards/save",
                &[
                    ("name", "Free coffee"),
                    ("description", ""),
                    ("cost", "150"),
                    ("stock", ""),
                    ("starts_on", ""),
                    ("ends_on", ""),
                    ("icon", "coffee"),
                    ("valid_days", "30"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "save reward");
        res.json::<Value>().await.expect("json")["id"].to_string()
    }

    async fn settings(&self, form: &[(&str, &str)]) {
        let res = self.manager.call("perks/save_settings", form).await;
        assert_eq!(res.status(), 200, "save perk settings");
    }
}

#[tokio::test]
async fn an_offer_limited_to_100_uses_holds_under_150_concurrent_purchases() {
    let s = demo().await;
    let offer = s
        .offer("10 % off for the first hundred", &[("total_limit", "100")])
        .await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(s.member(&format!("m{i}@example.com"), None).await.1);
    }
    let apply = format!("offer:{offer}");
    let tasks: Vec<_> = (0..150)
        .map(|i| {
            let staff = s.staff.other_client_sharing_session();
            let (member, location, apply) = (
                members[i % 5].to_string(),
                s.main_street.to_string(),
                apply.clone(),
            );
            tokio::spawn(async move {
                let res = staff
                    .call(
                        "loyalty/purchase",
                        &[
                            ("member_id", member.as_str()),
                            ("amount", "20"),
                            ("currency", "EUR"),
                            ("confirm", "true"),
                            ("location_id", location.as_str()),
                            ("apply", apply.as_str()),
                            ("idempotency_key", &format!("rush-key-{i}")),
                        ],
                    )
                    .await;
                (
                    res.status().as_u16(),
                    res.json::<Value>().await.expect("json"),
                )
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        let (status, body) = t.await.expect("task");
        if status == 200 {
            assert_eq!(
                body["purchase"]["amount_minor"], 1_800,
                "paid after 10 % off"
            );
            assert_eq!(body["purchase"]["discount_minor"], 200);
            assert_eq!(body["purchase"]["points"], 18, "points on what was paid");
            ok += 1;
        } else {
            assert_eq!(status, 422, "{body}");
            assert_eq!(body, field("apply", "offer_used_up"));
            refused += 1;
        }
    }
    assert_eq!((ok, refused), (100, 50));
    let db = s.app.db().await;
    let (uses, purchases, discount): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT uses FROM offers WHERE id = $1),
                (SELECT count(*) FROM purchases WHERE offer_id = $1),
                (SELECT sum(discount_minor) FROM purchases WHERE offer_id = $1)",
    )
    .bind(offer)
    .fetch_one(&db)
    .await
    .expect("counts");
    assert_eq!((uses, purchases, discount), (100, 100, 20_000));
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM purchases")
        .fetch_one(&db)
        .await
        .expect("purchases");
    assert_eq!(all, 100, "a refused offer records no purchase");
}

#[tokio::test]
async fn offers_keep_their_audience_dates_and_per_member_limit() {
    let s = demo().await;
    let (nora, nora_id) = s.member("nora@example.com", None).await;
    let (_, other_id) = s.member("other@example.com", None).await;
    let gold: i64 = sqlx::query_scalar("SELECT id FROM tiers WHERE name = 'Gold'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("gold");
    let once = s.offer("Once each", &[("per_member_limit", "1")]).await;
    let gold_only = s
        .offer("Gold evening", &[("audience", &format!("tier:{gold}"))])
        .await;
    let picked = s
        .offer(
            "Just for Nora",
            &[("audience", "picked"), ("members", "NORA@example.com")],
        )
        .await;
    let over = s
        .offer(
            "Last week",
            &[("starts_on", "2026-12-01"), ("ends_on", "2027-01-05")],
        )
        .await;
    let double = s
        .offer("Double points", &[("kind", "points"), ("value", "2")])
        .await;
    let five_off = s
        .offer("5 € off", &[("kind", "fixed"), ("value", "5")])
        .await;

    // What Nora sees: no Gold offer, no ended one; the one picked for her.
    let mine = json_of(&nora, "perks/mine", &[]).await;
    let titles: Vec<&str> = mine["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .map(|o| o["offer"]["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        titles,
        ["Once each", "Just for Nora", "Double points", "5 € off"]
    );
    assert!(
        mine["offers"][1]["offer"]["members"]
            .as_array()
            .expect("members")
            .is_empty(),
        "members never see who else an offer was picked for"
    );

    let apply = |id: i64| format!("offer:{id}");
    let r = s.bought(nora_id, "10", &[("apply", &apply(once))]).await;
    assert_eq!(r["purchase"]["amount_minor"], 900);
    assert_eq!(r["perks"]["offer"], "Once each");
    let cases = [
        (nora_id, "10", apply(once), "offer_limit_reached"),
        (nora_id, "10", apply(gold_only), "offer_unavailable"),
        (other_id, "10", apply(picked), "offer_unavailable"),
        (nora_id, "10", apply(over), "offer_unavailable"),
        (nora_id, "5", apply(five_off), "discount_too_large"),
        (nora_id, "10", "offer:99999".into(), "offer_unavailable"),
        (nora_id, "10", "voucher:1".into(), "offer_unavailable"),
    ];
    for (member, euros, apply, key) in cases {
        let res = s.buy(member, euros, &[("apply", &apply)]).await;
        assert_eq!(res.status(), 422, "{apply}");
        assert_eq!(error_json(res).await, field("apply", key), "{apply}");
    }
    // The other member still has their own use of the once-each offer.
    s.bought(other_id, "10", &[("apply", &apply(once))]).await;
    let r = s.bought(nora_id, "10", &[("apply", &apply(picked))]).await;
    assert_eq!(r["purchase"]["discount_minor"], 100);
    // A points offer pays in points, not money; a fixed one takes its amount off.
    let r = s.bought(nora_id, "10", &[("apply", &apply(double))]).await;
    assert_eq!(r["purchase"]["discount_minor"], 0);
    assert_eq!(r["purchase"]["points"], 20);
    let r = s
        .bought(nora_id, "12.50", &[("apply", &apply(five_off))])
        .await;
    assert_eq!(r["purchase"]["amount_minor"], 750);
    assert_eq!(r["purchase"]["points"], 7);
    let mine = json_of(&nora, "perks/mine", &[]).await;
    assert_eq!(mine["offers"][0]["used"], 1);
    assert_eq!(mine["offers"][0]["blocked"], "offer_limit_reached");
    // Bad input is named, and members cannot make offers.
    let res = s
        .manager
        .call(
            "perks/save_offer",
            &[
                ("title", "Too much"),
                ("description", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("audience", "all"),
                ("kind", "percent"),
                ("value", "95"),
                ("per_member_limit", ""),
                ("total_limit", "0"),
            ],
        )
        .await;
    assert_eq!(error_json(res).await, field("value", "percent_invalid"));
    let res = nora
        .call(
            "perks/save_offer",
            &[
                ("title", "Mine"),
                ("description", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("audience", "all"),
                ("kind", "percent"),
                ("value", "50"),
                ("per_member_limit", ""),
                ("total_limit", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = nora
        .call("perks/counter", &[("member_id", &nora_id.to_string())])
        .await;
    assert_eq!(res.status(), 403);
}

mod comeback;
mod effect;
mod refunds;
mod returning;
