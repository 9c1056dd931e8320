//! The catalog's rules, and codes that expire unused.

use super::*;

#[tokio::test]
async fn the_catalog_enforces_tier_dates_and_points_and_only_members_take_rewards() {
    let s = demo().await;
    let gold: i64 = sqlx::query_scalar("SELECT id FROM tiers WHERE name = 'Gold'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("gold");
    let gold = gold.to_string();
    let for_gold = s
        .reward("Gold gift", &[("cost", "10"), ("min_tier_id", &gold)])
        .await;
    let later = s
        .reward(
            "January treat",
            &[("cost", "10"), ("starts_on", "2027-01-07")],
        )
        .await;
    let dear = s.reward("Big hamper", &[("cost", "5000")]).await;
    s.earn("100").await;
    let field = |key: &str| json!({"Validation": {"field": "reward_id", "message_key": key}});
    for (reward, error) in [
        (for_gold, field("reward_tier_too_low")),
        (later, field("reward_unavailable")),
        // Said to the member with how many points they lack.
        (dear, json!({"PointsShort": {"missing": 4900}})),
    ] {
        let res = s.redeem(reward, &format!("r{reward}")).await;
        assert_eq!(res.status(), 422, "{error}");
        assert_eq!(error_json(res).await, error);
    }
    assert_eq!(s.balance().await, 100, "refusals cost nothing");
    // The catalog says the same before anyone tries.
    let catalog: Value = s
        .member
        .call("rewards/catalog", &[])
        .await
        .json()
        .await
        .expect("json");
    let blocked: Vec<(String, Value, Value)> = catalog
        .as_array()
        .expect("catalog")
        .iter()
        .map(|o| {
            (
                o["reward"]["name"].as_str().expect("name").to_owned(),
                o["blocked"].clone(),
                o["missing"].clone(),
            )
        })
        .collect();
    assert_eq!(
        blocked,
        [
            (
                "Gold gift".to_owned(),
                json!("reward_tier_too_low"),
                json!(0)
            ),
            (
                "January treat".to_owned(),
                json!("reward_unavailable"),
                json!(0)
            ),
            (
                "Big hamper".to_owned(),
                json!("insufficient_points"),
                json!(4900)
            ),
        ]
    );
    // The next day the treat is offered.
    s.app.config.clock.set(Stamp::utc(2027, 1, 7, 9, 0, 0));
    assert_eq!(s.redeem(later, "next-day").await.status(), 200);
    assert_eq!(s.balance().await, 90);

    // Staff use codes; they do not take rewards. Members take rewards; they do not use codes.
    let res = s
        .staff
        .call(
            "rewards/redeem",
            &[
                ("reward_id", &later.to_string()),
                ("idempotency_key", "staff-take"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let code = s.my_codes().await[0]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    assert_eq!(s.use_code(&s.member, &code, "self").await.status(), 403);
    // Nobody else sees the member's code.
    let other = s.app.other_client();
    other
        .sign_up("other@example.com", "a long password", "Olle", "en")
        .await;
    let qr = |client: &TestApp| {
        client
            .client
            .get(client.url(&format!("/me/rewards/{code}.svg")))
            .send()
    };
    crate::helpers::captured_log();
    assert_eq!(qr(&s.member).await.expect("qr").status(), 200);
    assert_eq!(qr(&other).await.expect("qr").status(), 404);
    // The code is a bearer secret: the request log leaves it out.
    let log = crate::helpers::captured_log();
    assert!(log.contains("/me/rewards/[code].svg"), "{log}");
    assert!(!log.contains(&code), "the code is in the log");
    // Unknown and mistyped codes get a field error.
    let res = s.use_code(&s.staff, "AAAA-BBB-CCC", "unknown").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        json!({"Validation": {"field": "code", "message_key": "code_unknown"}})
    );
    // Only managers keep the catalog.
    let res = s
        .staff
        .call("rewards/save", &[("name", "Sneaky"), ("cost", "1")])
        .await;
    assert!(
        matches!(res.status().as_u16(), 400 | 403),
        "{}",
        res.status()
    );
}

#[tokio::test]
async fn unused_codes_expire_and_give_points_back_once_where_the_reward_says_so() {
    let s = demo().await;
    let keeps = s
        .reward("Muffin", &[("cost", "40"), ("valid_days", "7")])
        .await;
    let returns = s
        .reward(
            "Cake",
            &[
                ("cost", "50"),
                ("valid_days", "7"),
                ("refund_if_unused", "on"),
            ],
        )
        .await;
    s.earn("100").await;
    assert_eq!(s.redeem(keeps, "muffin").await.status(), 200);
    assert_eq!(s.redeem(returns, "cake").await.status(), 200);
    assert_eq!(s.balance().await, 10);
    let cake = s
        .my_codes()
        .await
        .iter()
        .find(|c| c["reward"] == "Cake")
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .expect("cake code");

    let week_later = Stamp::utc(2027, 1, 13, 12, 0, 0);
    s.app.config.clock.set(week_later);
    let res = s.use_code(&s.staff, &cake, "late").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        json!({"Validation": {"field": "code", "message_key": "code_expired"}})
    );
    let first = s.sweep(week_later).await;
    assert_eq!((first.codes, first.returned), (2, 50));
    let second = s.sweep(week_later).await;
    assert_eq!((second.codes, second.returned), (0, 0), "safe to run twice");
    assert_eq!(
        s.balance().await,
        60,
        "the cake's 50 points came back, the muffin's did not"
    );
    let statuses: Vec<Value> = s
        .my_codes()
        .await
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("expired"), json!("expired")]);
    let history: Value = s
        .member
        .call("loyalty/history", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["movements"][0]["kind"], "reward_return");
    assert_eq!(history["movements"][0]["amount"], 50);
    assert_eq!(history["movements"][0]["reason"], "Cake");
}
