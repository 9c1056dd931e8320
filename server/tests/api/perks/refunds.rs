//! Refunds undo what a purchase set off: the referral bonus (referral farming leaves nothing),
//! stamps and the codes a full card issued, the next-visit discount it gave, and on a full
//! refund the offer use and the discount it used.

use super::*;

/// Nothing undone besides the purchase's own points.
fn nothing() -> Value {
    json!({
        "referral_points": 0, "referral_shortfall": 0, "stamps": 0, "codes_voided": 0,
        "coupon_voided": false, "offer_returned": false, "coupon_returned": false,
    })
}

/// `nothing()` with some fields set.
fn undone(set: Value) -> Value {
    let mut all = nothing();
    for (k, v) in set.as_object().expect("object") {
        all[k] = v.clone();
    }
    all
}

#[tokio::test]
async fn a_refunded_referral_purchase_leaves_neither_member_anything() {
    let s = demo().await;
    s.settings(&[
        ("return_percent", "10"),
        ("return_min_purchase", "10"),
        ("return_days", "14"),
        ("return_min_next", ""),
        ("referral_points", "100"),
        ("referral_min_purchase", "10"),
    ])
    .await;
    let (anna, anna_id) = s.member("anna4@example.com", None).await;
    let code = json_of(&anna, "perks/mine", &[]).await["referral"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    // Ben is Anna's second account, joined through her own link.
    let (ben, ben_id) = s.member("ben4@example.com", Some(&code)).await;
    let bought = s.bought(ben_id, "20", &[]).await;
    assert_eq!(bought["perks"]["referral_bonus"], 100);
    assert!(bought["perks"]["coupon_issued"].is_object());
    assert_eq!(
        (s.balance(anna_id).await, s.balance(ben_id).await),
        (100, 120)
    );
    // Still at the qualifying amount after a partial refund: only its points go.
    let r = s.refunded(&bought, "5").await;
    assert_eq!(r["points_reversed"], 5);
    assert_eq!(r["undone"], nothing());
    // Below it: the bonus of both and the discount it gave go in the same transaction.
    let r = s.refunded(&bought, "15").await;
    assert_eq!(r["points_reversed"], 15);
    assert_eq!(
        r["undone"],
        undone(json!({"referral_points": 200, "coupon_voided": true}))
    );
    assert_eq!((s.balance(anna_id).await, s.balance(ben_id).await), (0, 0));
    assert_eq!(json_of(&ben, "perks/mine", &[]).await["coupons"], json!([]));
    // The bonus is never paid twice for one member.
    let again = s.bought(ben_id, "20", &[]).await;
    assert_eq!(again["perks"]["referral_bonus"], 0);
    assert_eq!(s.balance(anna_id).await, 0);
    // A referrer who spent part of the bonus loses what is left; the rest is a shortfall.
    let (_, carl_id) = s.member("carl4@example.com", Some(&code)).await;
    let bought = s.bought(carl_id, "10", &[]).await;
    assert_eq!(bought["perks"]["referral_bonus"], 100);
    let anna_number = anna_id.to_string();
    let res = s
        .staff
        .call(
            "loyalty/redeem",
            &[
                ("member_id", anna_number.as_str()),
                ("points", "60"),
                ("reason", ""),
                ("idempotency_key", "redeem-anna4"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let r = s.refunded(&bought, "10").await;
    assert_eq!(
        r["undone"],
        undone(json!({"referral_points": 140, "referral_shortfall": 60, "coupon_voided": true}))
    );
    assert_eq!((s.balance(anna_id).await, s.balance(carl_id).await), (0, 0));
    // Each step is on record with the refund.
    let db = s.app.db().await;
    let effects: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT member_id, what, due, done FROM refund_effects WHERE refund_id = $1 ORDER BY id",
    )
    .bind(r["refund_id"].as_i64())
    .fetch_all(&db)
    .await
    .expect("effects");
    assert_eq!(
        effects,
        [
            (carl_id, "referral".to_owned(), 100, 100),
            (anna_id, "referral".to_owned(), 100, 40),
            (carl_id, "coupon".to_owned(), 1, 1),
        ]
    );
    // The console counts both referrals, and neither as rewarded any more.
    let admin = json_of(&s.manager, "perks/admin", &[]).await;
    assert_eq!(
        admin["referrals"],
        json!([["Nora", "anna4@example.com", 2, 0]])
    );
    assert_eq!(
        json_of(&anna, "perks/mine", &[]).await["referral"]["rewarded"],
        0
    );
    // Every refund is in the audit log, by the staff member who gave it.
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, a.subject FROM audit_log a JOIN users u ON u.id = a.actor_user_id
         WHERE a.action = 'purchase.refund' ORDER BY a.id",
    )
    .fetch_all(&db)
    .await
    .expect("audit");
    let carl_purchase = format!("purchase:{}", r["purchase_id"]);
    assert_eq!(audited.len(), 3);
    assert!(audited.iter().all(|(who, _)| who == "staff@example.com"));
    assert_eq!(audited[2].1, carl_purchase);
}

#[tokio::test]
async fn a_refund_takes_back_its_stamps_and_voids_the_code_its_full_card_issued() {
    let s = demo().await;
    let res = s
        .manager
        .call(
            "rewards/save",
            &[
                ("name", "Free bun"),
                ("description", ""),
                ("cost", "150"),
                ("stock", "5"),
                ("starts_on", ""),
                ("ends_on", ""),
                ("icon", "gift"),
                ("valid_days", "30"),
            ],
        )
        .await;
    let reward = res.json::<Value>().await.expect("json")["id"].to_string();
    let form = [
        ("name", "Bun card"),
        ("stamps_needed", "2"),
        ("reward_id", reward.as_str()),
        ("min_amount", "3"),
    ];
    assert_eq!(s.manager.call("perks/save_card", &form).await.status(), 200);
    let (nora, id) = s.member("nora4@example.com", None).await;
    let card = || async {
        let mine = json_of(&nora, "perks/mine", &[]).await;
        (
            mine["cards"][0]["stamps"].clone(),
            mine["cards"][0]["completed"].clone(),
        )
    };
    let stock = || async {
        let db = s.app.db().await;
        sqlx::query_scalar::<_, i64>("SELECT stock FROM rewards WHERE name = 'Free bun'")
            .fetch_one(&db)
            .await
            .expect("stock")
    };
    s.bought(id, "4", &[]).await;
    let filled = s.bought(id, "4", &[]).await;
    assert_eq!(filled["perks"]["codes"], json!(["Free bun"]));
    assert_eq!(card().await, (json!(0), json!(1)));
    assert_eq!(stock().await, 4);
    // Still over the card's minimum: the stamp stays.
    let r = s.refunded(&filled, "0.50").await;
    assert_eq!(r["undone"], nothing());
    // Under it: the stamp comes off, the unused code is void and its stock comes back.
    let r = s.refunded(&filled, "1").await;
    assert_eq!(r["undone"], undone(json!({"stamps": 1, "codes_voided": 1})));
    assert_eq!(card().await, (json!(1), json!(0)));
    assert_eq!(stock().await, 5);
    let codes = json_of(&nora, "rewards/mine", &[]).await;
    let code = codes[0]["code"].as_str().expect("code").to_owned();
    assert_eq!(codes[0]["status"], "expired");
    let location = s.main_street.to_string();
    let use_code = |code: String, key: &'static str| {
        let (staff, location) = (&s.staff, location.clone());
        async move {
            let form = [
                ("code", code.as_str()),
                ("location_id", location.as_str()),
                ("idempotency_key", key),
            ];
            staff.call("rewards/use", &form).await
        }
    };
    let res = use_code(code, "use-voided").await;
    assert_eq!(error_json(res).await, field("code", "code_expired"));
    // A refund after the code was used: the member keeps the reward, the stamps that went
    // into it cannot come back.
    let filled = s.bought(id, "4", &[]).await;
    assert_eq!(filled["perks"]["codes"], json!(["Free bun"]));
    let codes = json_of(&nora, "rewards/mine", &[]).await;
    let code = codes[0]["code"].as_str().expect("code").to_owned();
    assert_eq!(use_code(code, "use-kept").await.status(), 200);
    let r = s.refunded(&filled, "4").await;
    assert_eq!(r["undone"], nothing());
    assert_eq!(card().await, (json!(0), json!(1)));
    assert_eq!(stock().await, 4);
}

#[tokio::test]
async fn a_full_refund_gives_back_the_offer_use_and_the_discount_it_used() {
    let s = demo().await;
    s.settings(&[
        ("return_percent", "15"),
        ("return_min_purchase", "20"),
        ("return_days", "14"),
        ("return_min_next", ""),
        ("referral_points", "0"),
        ("referral_min_purchase", ""),
    ])
    .await;
    let offer = s
        .offer(
            "Once only",
            &[("per_member_limit", "1"), ("total_limit", "1")],
        )
        .await;
    let offer = format!("offer:{offer}");
    let (nora, id) = s.member("nora5@example.com", None).await;
    let used = s.bought(id, "30", &[("apply", &offer)]).await;
    assert!(used["perks"]["coupon_issued"].is_object());
    let res = s.buy(id, "30", &[("apply", &offer)]).await;
    assert_eq!(error_json(res).await, field("apply", "offer_limit_reached"));
    // A partial refund keeps the use.
    let r = s.refunded(&used, "1").await;
    assert_eq!(r["undone"], nothing());
    let res = s.buy(id, "30", &[("apply", &offer)]).await;
    assert_eq!(error_json(res).await, field("apply", "offer_limit_reached"));
    // The full refund gives it back (both limits count it again) and voids the discount
    // the purchase gave, which no longer counts as held.
    let r = s.refunded(&used, "26").await;
    assert_eq!(
        r["undone"],
        undone(json!({"offer_returned": true, "coupon_voided": true}))
    );
    assert_eq!(
        json_of(&nora, "perks/mine", &[]).await["coupons"],
        json!([])
    );
    let again = s.bought(id, "30", &[("apply", &offer)]).await;
    let coupon = format!("coupon:{}", again["perks"]["coupon_issued"]["id"]);
    // The next day the discount is used, and a full refund makes it usable again.
    s.app.config.clock.set(WED + days(1));
    let discounted = s
        .bought(id, "40", &[("apply", &coupon), ("full_price", "true")])
        .await;
    assert_eq!(discounted["purchase"]["discount_minor"], 600);
    let r = s.refunded(&discounted, "34").await;
    assert_eq!(r["undone"], undone(json!({"coupon_returned": true})));
    let mine = json_of(&nora, "perks/mine", &[]).await;
    assert_eq!(mine["coupons"][0]["status"], "usable");
    s.bought(id, "40", &[("apply", &coupon), ("full_price", "true")])
        .await;
    // Past its last day a fully refunded purchase's discount stays used.
    let late = s.bought(id, "20", &[]).await;
    let late_coupon = format!("coupon:{}", late["perks"]["coupon_issued"]["id"]);
    s.app.config.clock.set(WED + days(3));
    let used_late = s
        .bought(id, "40", &[("apply", &late_coupon), ("full_price", "true")])
        .await;
    s.app.config.clock.set(WED + days(30));
    let r = s.refunded(&used_late, "34").await;
    assert_eq!(r["undone"], nothing());
}
