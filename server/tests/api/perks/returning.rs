//! What brings members back: next-visit discounts, punch cards, referrals.

use super::*;

#[tokio::test]
async fn a_next_visit_discount_starts_the_next_day_and_keeps_its_terms() {
    let s = demo().await;
    s.settings(&DISCOUNT_15).await;
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
    s.app.config.clock.set(WED + days(1));
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
    s.app.config.clock.set(WED + days(16));
    let res = s
        .buy(id, "40", &[("apply", &late), ("full_price", "true")])
        .await;
    assert_eq!(error_json(res).await, field("apply", "coupon_expired"));
}

#[tokio::test]
async fn a_full_punch_card_issues_its_reward_and_starts_again() {
    let s = demo().await;
    let reward = s.free_coffee().await;
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
    let s = demo().await;
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

#[tokio::test]
async fn a_full_card_waits_while_its_reward_is_out_of_stock_or_switched_off() {
    let s = demo().await;
    fn reward_form<'a>(id: &'a str, stock: &'a str, active: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("id", id),
            ("name", "Free cake"),
            ("description", ""),
            ("cost", "150"),
            ("stock", stock),
            ("starts_on", ""),
            ("ends_on", ""),
            ("icon", "gift"),
            ("valid_days", "30"),
            ("active", active),
        ]
    }
    let reward = json_of(&s.manager, "rewards/save", &reward_form("", "1", "true")).await;
    let reward_id = reward["id"].to_string();
    let card = [
        ("name", "Cake card"),
        ("stamps_needed", "2"),
        ("reward_id", reward_id.as_str()),
        ("min_amount", "3"),
    ];
    assert_eq!(s.manager.call("perks/save_card", &card).await.status(), 200);
    let (nora, id) = s.member("nora@example.com", None).await;
    s.bought(id, "4", &[]).await;
    let r = s.bought(id, "4", &[]).await;
    assert_eq!(
        r["perks"]["codes"],
        json!(["Free cake"]),
        "the one in stock"
    );
    s.bought(id, "4", &[]).await;
    let r = s.bought(id, "4", &[]).await;
    assert_eq!(r["perks"]["codes"], json!([]), "none left: no code");
    assert_eq!(
        r["perks"]["stamps"],
        json!([["Cake card", 2, 2]]),
        "held full"
    );
    // Back in stock but switched off: still held.
    json_of(
        &s.manager,
        "rewards/save",
        &reward_form(&reward_id, "5", "false"),
    )
    .await;
    let r = s.bought(id, "4", &[]).await;
    assert_eq!(r["perks"]["codes"], json!([]));
    assert_eq!(r["perks"]["stamps"], json!([["Cake card", 2, 2]]));
    // Offered again: the next visit gives the held reward and starts the next card.
    json_of(
        &s.manager,
        "rewards/save",
        &reward_form(&reward_id, "5", "true"),
    )
    .await;
    let r = s.bought(id, "4", &[]).await;
    assert_eq!(r["perks"]["codes"], json!(["Free cake"]));
    assert_eq!(r["perks"]["stamps"], json!([["Cake card", 1, 2]]));
    let codes = json_of(&nora, "rewards/mine", &[]).await;
    assert_eq!(codes.as_array().expect("codes").len(), 2);
    let stock: i64 = sqlx::query_scalar("SELECT stock FROM rewards WHERE name = 'Free cake'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("stock");
    assert_eq!(stock, 4, "the stock counts the card's code");
}
