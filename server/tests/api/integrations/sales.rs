//! Purchases, refunds and reward codes from a till: once per receipt number (also when the
//! same request arrives many times at once), the key recorded as who did it, the ledger and
//! the member's standing in step, and bad input answered with problem documents.

use super::*;

#[tokio::test]
async fn a_till_records_each_receipt_once_and_refunds_by_its_own_numbers() {
    let shop = demo().await;
    let till = shop
        .key(
            &["members_read", "purchases_write"],
            Some(shop.main_street),
            "",
        )
        .await;
    let card = shop.card();
    let res = till.buy(&card, 1250, "R-1001").await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.expect("json");
    let earned = first["points_earned"].as_i64().expect("points");
    assert!(earned > 0);
    assert_eq!(first["balance"], earned);
    assert_eq!(first["location_id"], shop.main_street);
    // The same receipt again (a retry): the first answer, nothing recorded twice.
    let again: Value = till
        .buy(&card, 1250, "R-1001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, first);
    // The same receipt number for another sale: 409.
    let res = till.buy(&card, 990, "R-1001").await;
    assert_eq!(problem(res).await, (409, "idempotency_key_reused".into()));
    // Twenty tills retrying one receipt at once: one purchase.
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (till, card) = (till.clone(), card.clone());
        tries.spawn(async move { till.buy(&card, 500, "R-1002").await });
    }
    let mut ids = Vec::new();
    while let Some(res) = tries.join_next().await {
        let res = res.expect("task");
        assert_eq!(res.status(), 201);
        ids.push(res.json::<Value>().await.expect("json")["purchase_id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    let db = shop.app.db().await;
    let rows: Vec<(Option<String>, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT receipt, api_key_id, staff_id FROM purchases ORDER BY id")
            .fetch_all(&db)
            .await
            .expect("purchases");
    assert_eq!(
        rows,
        [
            (Some("R-1001".into()), Some(till.id), None),
            (Some("R-1002".into()), Some(till.id), None)
        ]
    );
    let actors: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT DISTINCT actor_kind, actor_id FROM point_movements")
            .fetch_all(&db)
            .await
            .expect("movements");
    assert_eq!(actors, [("api_key".to_owned(), Some(till.id))]);

    // The member's standing over the API matches.
    let member: Value = till
        .get(&format!("/members/{card}"))
        .await
        .json()
        .await
        .expect("json");
    let balance = member["balance"].as_i64().expect("balance");
    assert_eq!(balance, earned + 5);
    // Refund R-1001 in full by its receipt number; its points come back out once.
    let refund = json!({ "receipt": "R-1001", "amount_minor": 1250, "refund_receipt": "RF-1" });
    let res = till.post("/refunds", &refund).await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.expect("json");
    assert_eq!(done["points_reversed"], earned);
    assert_eq!(done["balance"], balance - earned);
    let again: Value = till
        .post("/refunds", &refund)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, done);
    // Nothing is left of it to refund.
    let more =
        json!({ "purchase_id": first["purchase_id"], "amount_minor": 1, "refund_receipt": "RF-2" });
    assert_eq!(
        problem(till.post("/refunds", &more).await).await,
        (422, "refund_too_large".into())
    );
    // Another receipt number this key never used: 404.
    let none = json!({ "receipt": "R-9", "amount_minor": 1, "refund_receipt": "RF-3" });
    assert_eq!(problem(till.post("/refunds", &none).await).await.0, 404);
    let refunds: Vec<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT api_key_id, staff_id FROM refunds")
            .fetch_all(&db)
            .await
            .expect("refunds");
    assert_eq!(refunds, [(Some(till.id), None)]);
    // The ledger agrees with the cached balance.
    let (sum, cached): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT SUM(amount) FROM point_movements WHERE member_id = $1),
                (SELECT balance FROM member_balances WHERE member_id = $1)",
    )
    .bind(shop.member_id)
    .fetch_one(&db)
    .await
    .expect("sums");
    assert_eq!((sum, cached), (balance - earned, balance - earned));
}

#[tokio::test]
async fn bad_requests_are_problem_documents_naming_the_field() {
    let shop = demo().await;
    let till = shop
        .key(&["purchases_write"], Some(shop.main_street), "")
        .await;
    let card = shop.card();
    let cases = [
        (
            json!({ "card_number": card, "amount_minor": 0, "currency": "EUR", "receipt": "R" }),
            "amount_minor",
        ),
        (
            json!({ "card_number": card, "amount_minor": 100, "currency": "SEK", "receipt": "R" }),
            "currency",
        ),
        (
            json!({ "card_number": card, "amount_minor": 100, "currency": "EUR", "receipt": " " }),
            "receipt",
        ),
        (
            json!({ "card_number": "12345", "amount_minor": 100, "currency": "EUR", "receipt": "R" }),
            "card_number",
        ),
        (
            json!({ "card_number": card, "amount_minor": 100, "currency": "EUR", "receipt": "R", "location_id": shop.harbour }),
            "location_id",
        ),
        (
            json!({ "card_number": card, "amount_minor": 100, "currency": "EUR", "receipt": "R", "offer_id": 1, "coupon_id": 1 }),
            "coupon_id",
        ),
    ];
    for (body, field) in cases {
        let res = till.post("/purchases", &body).await;
        let status = res.status().as_u16();
        let v: Value = res.json().await.expect("json");
        assert_eq!((status, v["field"].as_str()), (422, Some(field)), "{body}");
    }
    // Not JSON, a missing field, an unknown field, the wrong content type: problem documents.
    let url = format!("{}/purchases", till.base);
    let raw = |body: &'static str, kind: &'static str| {
        till.client
            .post(&url)
            .bearer_auth(&till.secret)
            .header("content-type", kind)
            .body(body)
            .send()
    };
    assert_eq!(
        problem(raw("{", "application/json").await.expect("post"))
            .await
            .0,
        400
    );
    assert_eq!(
        problem(raw("{}", "application/json").await.expect("post"))
            .await
            .0,
        422
    );
    let unknown = r#"{"card_number":"1","amount_minor":1,"currency":"EUR","receipt":"R","tip":1}"#;
    assert_eq!(
        problem(raw(unknown, "application/json").await.expect("post"))
            .await
            .0,
        422
    );
    assert_eq!(
        problem(raw("{}", "text/plain").await.expect("post"))
            .await
            .0,
        415
    );
    // A path the API lacks.
    assert_eq!(
        problem(till.get("/nothing/here").await).await,
        (404, "no_such_route".into())
    );
    // Nothing was recorded.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM purchases")
        .fetch_one(&shop.app.db().await)
        .await
        .expect("count");
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_till_finds_members_by_card_email_or_phone_and_reads_their_offers() {
    let shop = demo().await;
    let till = shop.key(&["members_read"], None, "").await;
    sqlx::query("UPDATE users SET phone = '+46709876543' WHERE id = $1")
        .bind(shop.member_id)
        .execute(&shop.app.db().await)
        .await
        .expect("phone");
    for query in [
        format!("card={}", shop.card()),
        "email=NEW%40example.com".to_owned(),
        "phone=070-987%2065%2043".to_owned(),
    ] {
        let v: Value = till
            .get(&format!("/members?{query}"))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(v["members"].as_array().map(Vec::len), Some(1), "{query}");
        assert_eq!(v["members"][0]["card_number"], shop.card(), "{query}");
    }
    // Nobody: an empty list. Two ways at once, or none: 422.
    let v: Value = till
        .get("/members?email=nobody%40example.com")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(v["members"], json!([]));
    let res = till
        .get(&format!(
            "/members?card={}&email=new%40example.com",
            shop.card()
        ))
        .await;
    assert_eq!(problem(res).await.0, 422);
    assert_eq!(problem(till.get("/members").await).await.0, 422);
    assert_eq!(problem(till.get("/members/12345670").await).await.0, 404);
    // Offers: the demo shop has none for Nora yet; the shape is there.
    let v: Value = till
        .get(&format!("/members/{}/offers", shop.card()))
        .await
        .json()
        .await
        .expect("json");
    assert!(v["offers"].is_array() && v["coupons"].is_array());
}

#[tokio::test]
async fn a_till_uses_a_reward_code_once_and_a_retry_gets_the_same_answer() {
    let shop = demo().await;
    earn_at_counter(&shop, "300").await;
    let reward = crate::helpers::saved_reward(&shop.manager, "Free coffee", "100", "").await;
    let res = shop
        .member
        .call(
            "rewards/redeem",
            &[
                ("reward_id", &reward.to_string()),
                ("idempotency_key", "take-coffee-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let code = res.json::<Value>().await.expect("json")["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let till = shop.key(&["codes_redeem"], None, "").await;
    let body = json!({ "code": code, "location_id": shop.harbour });
    let res = till.post("/codes/use", &body).await;
    assert_eq!(res.status(), 200);
    let used: Value = res.json().await.expect("json");
    assert_eq!(used["reward"], "Free coffee");
    assert_eq!(used["card_number"], shop.card());
    let again: Value = till
        .post("/codes/use", &body)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, used);
    // Another till, or the counter: used already, with where.
    let other = shop.key(&["codes_redeem"], None, "").await;
    let res = other.post("/codes/use", &body).await;
    assert_eq!(problem(res).await, (409, "code_used".into()));
    let by: (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT used_by, used_api_key_id FROM reward_codes WHERE code = $1")
            .bind(&code)
            .fetch_one(&shop.app.db().await)
            .await
            .expect("code");
    assert_eq!(by, (None, Some(till.id)));
    let res = till
        .post("/codes/use", &json!({ "code": "not a code" }))
        .await;
    assert_eq!(problem(res).await.0, 422);
}

#[tokio::test]
async fn a_till_applies_a_next_visit_discount_once_and_names_the_field_it_refuses() {
    let shop = demo().await;
    let settings = [
        ("return_percent", "15"),
        ("return_min_purchase", "20"),
        ("return_days", "14"),
        ("return_min_next", "10"),
        ("referral_points", "0"),
        ("referral_min_purchase", ""),
    ];
    let res = shop.manager.call("perks/save_settings", &settings).await;
    assert_eq!(res.status(), 200);
    let till = shop
        .key(
            &["members_read", "purchases_write"],
            Some(shop.main_street),
            "",
        )
        .await;
    let card = shop.card();
    // €25 earns 15 % off the next visit, from tomorrow.
    assert_eq!(till.buy(&card, 2500, "R-1").await.status(), 201);
    let offers = |till: &Till| {
        let path = format!("/members/{card}/offers");
        let till = till.clone();
        async move { till.get(&path).await.json::<Value>().await.expect("json") }
    };
    let coupon = offers(&till).await["coupons"][0].clone();
    assert_eq!(
        (coupon["percent"].as_i64(), coupon["status"].as_str()),
        (Some(15), Some("upcoming"))
    );
    let with_coupon = |receipt: &str| {
        json!({ "card_number": card, "amount_minor": 4000, "currency": "EUR",
                "receipt": receipt, "coupon_id": coupon["id"] })
    };
    let res = till.post("/purchases", &with_coupon("R-2")).await;
    assert_eq!(problem(res).await, (422, "coupon_not_yet".into()));
    shop.app.config.clock.set(WED + app::db::days(1));
    assert_eq!(offers(&till).await["coupons"][0]["status"], "usable");
    let res = till.post("/purchases", &with_coupon("R-3")).await;
    assert_eq!(res.status(), 201);
    let used: Value = res.json().await.expect("json");
    assert_eq!(
        (
            used["discount_minor"].as_i64(),
            used["amount_minor"].as_i64()
        ),
        (Some(600), Some(3400))
    );
    // A retry of that receipt answers the same; another receipt may not use it again.
    let again: Value = till
        .post("/purchases", &with_coupon("R-3"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, used);
    let res = till.post("/purchases", &with_coupon("R-4")).await;
    let status = res.status().as_u16();
    let v: Value = res.json().await.expect("json");
    assert_eq!(
        (status, v["field"].as_str(), v["code"].as_str()),
        (422, Some("coupon_id"), Some("coupon_used"))
    );
    // The offers list only discounts still to use.
    assert_eq!(offers(&till).await["coupons"], json!([]));
}
