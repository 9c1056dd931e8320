//! Perks over HTTP: members-only offers (who sees them, dates, per-member and total limits —
//! also under 150 concurrent uses of a 100-use offer), next-visit discounts (issued the next
//! shop day, minimum purchase, full price only, once, expiry), punch cards (a full card issues
//! a reward code and starts again) and referrals (paid once on the first qualifying purchase;
//! self-referral and reuse refused).

use crate::helpers::{TestApp, error_json};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, macros::datetime};

/// A Wednesday, 12:00 in Stockholm (the demo shop's zone; no demo bonus on Wednesdays).
const WED: OffsetDateTime = datetime!(2027-01-06 11:00 UTC);

/// The demo shop, the clock on `WED`, and a new member with no history.
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

fn field(name: &str, key: &str) -> Value {
    json!({"Validation": {"field": name, "message_key": key}})
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

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
        let res = c.call("accounts/sign_up", &form).await;
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
        let (member, location) = (member.to_string(), self.main_street.to_string());
        let key = format!("purchase-key-{}", unique());
        let mut form = vec![
            ("member_id", member.as_str()),
            ("amount", euros),
            ("currency", "EUR"),
            ("location_id", location.as_str()),
            ("idempotency_key", key.as_str()),
        ];
        form.extend_from_slice(extra);
        self.staff.call("loyalty/purchase", &form).await
    }

    async fn bought(&self, member: i64, euros: &str, extra: &[(&str, &str)]) -> Value {
        let res = self.buy(member, euros, extra).await;
        assert_eq!(res.status(), 200, "purchase of {euros}");
        res.json().await.expect("json")
    }

    async fn settings(&self, form: &[(&str, &str)]) {
        let res = self.manager.call("perks/save_settings", form).await;
        assert_eq!(res.status(), 200, "save perk settings");
    }
}

async fn json_of(c: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let res = c.call(endpoint, form).await;
    assert_eq!(res.status(), 200, "{endpoint}");
    res.json().await.expect("json")
}

#[tokio::test]
async fn an_offer_limited_to_100_uses_holds_under_150_concurrent_purchases() {
    let s = shop().await;
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
        "SELECT (SELECT uses FROM offers WHERE id = ?1),
                (SELECT count(*) FROM purchases WHERE offer_id = ?1),
                (SELECT sum(discount_minor) FROM purchases WHERE offer_id = ?1)",
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
    let s = shop().await;
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

#[tokio::test]
async fn a_next_visit_discount_starts_the_next_day_and_keeps_its_terms() {
    let s = shop().await;
    s.settings(&[
        ("return_percent", "15"),
        ("return_min_purchase", "20"),
        ("return_days", "14"),
        ("return_min_next", "10"),
        ("referral_points", "0"),
        ("referral_min_purchase", ""),
    ])
    .await;
    let (nora, id) = s.member("nora@example.com", None).await;
    // Below the rule's minimum: nothing.
    let r = s.bought(id, "19.99", &[]).await;
    assert_eq!(r["perks"]["coupon_issued"], Value::Null);
    // A qualifying purchase on Wednesday 6 January: valid Thursday 7 to Wednesday 20.
    let r = s.bought(id, "25", &[("full_price", "true")]).await;
    let coupon = &r["perks"]["coupon_issued"];
    assert_eq!(coupon["percent"], 15);
    assert_eq!(coupon["valid_from"], "2027-01-07");
    assert_eq!(coupon["valid_until"], "2027-01-20");
    assert_eq!(coupon["min_purchase"], 1_000);
    assert_eq!(coupon["status"], "upcoming");
    let apply = format!("coupon:{}", coupon["id"]);
    // One at a time: another qualifying purchase while it is held gives none.
    let r = s.bought(id, "30", &[]).await;
    assert_eq!(r["perks"]["coupon_issued"], Value::Null);
    let refused = |euros: &'static str, full: bool, key: &'static str| {
        let apply = apply.clone();
        let s = &s;
        async move {
            let mut extra = vec![("apply", apply.as_str())];
            if full {
                extra.push(("full_price", "true"));
            }
            let res = s.buy(id, euros, &extra).await;
            assert_eq!(res.status(), 422, "{euros} {key}");
            assert_eq!(error_json(res).await, field("apply", key));
        }
    };
    refused("40", true, "coupon_not_yet").await;
    // Thursday: usable, with its terms.
    s.app.config.clock.set(WED + Duration::days(1));
    refused("9.99", true, "coupon_min_purchase").await;
    refused("40", false, "coupon_full_price_only").await;
    let r = s
        .bought(id, "40", &[("apply", &apply), ("full_price", "true")])
        .await;
    assert_eq!(r["purchase"]["discount_minor"], 600);
    assert_eq!(r["purchase"]["amount_minor"], 3_400);
    assert_eq!(r["purchase"]["points"], 34);
    assert_eq!(r["perks"]["coupon_percent"], 15);
    assert_eq!(
        r["perks"]["coupon_issued"],
        Value::Null,
        "a discounted visit earns none"
    );
    refused("40", true, "coupon_used").await;
    let mine = json_of(&nora, "perks/mine", &[]).await;
    assert_eq!(mine["coupons"][0]["status"], "used");
    // Another member cannot use it.
    let (_, other) = s.member("other@example.com", None).await;
    let res = s
        .buy(other, "40", &[("apply", &apply), ("full_price", "true")])
        .await;
    assert_eq!(error_json(res).await, field("apply", "offer_unavailable"));
    // A new one, left unused past its last day, expires.
    let r = s.bought(id, "20", &[]).await;
    let late = format!("coupon:{}", r["perks"]["coupon_issued"]["id"]);
    s.app.config.clock.set(WED + Duration::days(16));
    let res = s
        .buy(id, "40", &[("apply", &late), ("full_price", "true")])
        .await;
    assert_eq!(error_json(res).await, field("apply", "coupon_expired"));
}

#[tokio::test]
async fn a_full_punch_card_issues_its_reward_and_starts_again() {
    let s = shop().await;
    let res = s
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
    let reward = res.json::<Value>().await.expect("json")["id"].to_string();
    let card = |name: &'static str, needed: &'static str, per_item: bool| {
        let reward = reward.clone();
        let m = &s.manager;
        async move {
            let mut form = vec![
                ("name", name),
                ("stamps_needed", needed),
                ("reward_id", reward.as_str()),
                ("min_amount", "3"),
            ];
            if per_item {
                form.push(("per_item", "on"));
            }
            let res = m.call("perks/save_card", &form).await;
            assert_eq!(res.status(), 200, "card {name}");
        }
    };
    card("Visit card", "3", false).await;
    card("Coffee card", "4", true).await;
    let (nora, id) = s.member("nora@example.com", None).await;
    // Under the visit card's minimum, no items: no stamps at all.
    let r = s.bought(id, "2", &[]).await;
    assert_eq!(r["perks"]["stamps"], json!([]));
    let r = s.bought(id, "4", &[("items", "2")]).await;
    assert_eq!(
        r["perks"]["stamps"],
        json!([["Visit card", 1, 3], ["Coffee card", 2, 4]])
    );
    s.bought(id, "4", &[]).await;
    // Third visit fills the visit card; five coffees fill the coffee card with 3 to spare.
    let r = s.bought(id, "4", &[("items", "5")]).await;
    assert_eq!(
        r["perks"]["stamps"],
        json!([["Visit card", 0, 3], ["Coffee card", 3, 4]])
    );
    assert_eq!(r["perks"]["codes"], json!(["Free coffee", "Free coffee"]));
    let codes = json_of(&nora, "rewards/mine", &[]).await;
    let codes = codes.as_array().expect("codes");
    assert_eq!(codes.len(), 2);
    assert!(
        codes
            .iter()
            .all(|c| c["status"] == "active" && c["points"] == 0)
    );
    let mine = json_of(&nora, "perks/mine", &[]).await;
    assert_eq!(mine["cards"][0]["stamps"], 0);
    assert_eq!(mine["cards"][0]["completed"], 1);
    assert_eq!(mine["cards"][1]["stamps"], 3);
    // Points were not touched by the gifts: 2 + 4 + 4 + 4 euros at one point each.
    let points = json_of(&nora, "loyalty/points", &[]).await;
    assert_eq!(points["balance"], 14);
    // Bad input.
    let res = s
        .manager
        .call(
            "perks/save_card",
            &[
                ("name", "Huge"),
                ("stamps_needed", "51"),
                ("reward_id", &reward),
                ("min_amount", ""),
            ],
        )
        .await;
    assert_eq!(
        error_json(res).await,
        field("stamps_needed", "stamps_invalid")
    );
    let res = s.buy(id, "4", &[("items", "101")]).await;
    assert_eq!(error_json(res).await, field("items", "items_invalid"));
}

#[tokio::test]
async fn a_referral_pays_both_once_on_the_first_qualifying_purchase() {
    let s = shop().await;
    s.settings(&[
        ("return_percent", ""),
        ("return_min_purchase", ""),
        ("return_days", "14"),
        ("return_min_next", ""),
        ("referral_points", "100"),
        ("referral_min_purchase", "10"),
    ])
    .await;
    let (anna, anna_id) = s.member("anna2@example.com", None).await;
    let mine = json_of(&anna, "perks/mine", &[]).await;
    let code = mine["referral"]["code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 10);
    assert_eq!(mine["referral"]["can_enter"], true);
    // Her own code is refused.
    let res = anna.call("perks/refer", &[("code", &code)]).await;
    assert_eq!(error_json(res).await, field("code", "referral_self"));
    // Ben joins through her link (typed in lower case).
    let (ben, ben_id) = s
        .member("ben@example.com", Some(&code.to_lowercase()))
        .await;
    let ben_view = json_of(&ben, "perks/mine", &[]).await;
    assert_eq!(ben_view["referral"]["referred_by"], "Nora");
    assert_eq!(ben_view["referral"]["can_enter"], false);
    let res = ben.call("perks/refer", &[("code", &code)]).await;
    assert_eq!(error_json(res).await, field("code", "referral_taken"));
    // Below the minimum: no bonus yet.
    let r = s.bought(ben_id, "9.99", &[]).await;
    assert_eq!(r["perks"]["referral_bonus"], 0);
    let r = s.bought(ben_id, "10", &[]).await;
    assert_eq!(r["perks"]["referral_bonus"], 100);
    assert_eq!(r["balance"], 9 + 10 + 100);
    let r = s.bought(ben_id, "50", &[]).await;
    assert_eq!(r["perks"]["referral_bonus"], 0, "once");
    let balance = |c: &TestApp| {
        let c = c.other_client_sharing_session();
        async move { json_of(&c, "loyalty/points", &[]).await["balance"].clone() }
    };
    assert_eq!(balance(&anna).await, 100);
    assert_eq!(balance(&ben).await, 9 + 10 + 100 + 50);
    let db = s.app.db().await;
    let kinds: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT member_id, amount FROM point_movements WHERE kind = 'referral' ORDER BY member_id",
    )
    .fetch_all(&db)
    .await
    .expect("movements");
    assert_eq!(kinds, [(anna_id, 100), (ben_id, 100)]);
    // An unknown code at sign-up is named; a member who already bought cannot add one later.
    let carl = s.app.other_client();
    let res = carl
        .call(
            "accounts/sign_up",
            &[
                ("email", "carl@example.com"),
                ("password", "a long password"),
                ("preferred_name", "Carl"),
                ("language", "en"),
                ("referral", "NOSUCHCODE"),
            ],
        )
        .await;
    assert_eq!(error_json(res).await, field("referral", "referral_unknown"));
    let (carl, carl_id) = s.member("carl@example.com", None).await;
    s.bought(carl_id, "5", &[]).await;
    let res = carl.call("perks/refer", &[("code", &code)]).await;
    assert_eq!(error_json(res).await, field("code", "referral_taken"));
    // The console counts referrals per member.
    let admin = json_of(&s.manager, "perks/admin", &[]).await;
    assert_eq!(
        admin["referrals"],
        json!([["Nora", "anna2@example.com", 1, 1]])
    );
}
