//! A busy till: the same amount again within minutes is asked first, refunds are asked first
//! with the points they take back, the counter's location is remembered per staff account
//! and used for purchases and refunds, and a purchase posted without JavaScript comes back
//! to the same member with its confirmation.

use crate::helpers::{DemoShop, demo_shop, error_json, json_of, unique};
use app::db::Stamp;
use serde_json::{Value, json};

async fn shop() -> DemoShop {
    demo_shop(Stamp::utc(2027, 1, 6, 12, 0, 0)).await
}

async fn buy(s: &DemoShop, amount: &str, key: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let member = s.member_id.to_string();
    let mut form = vec![
        ("member_id", member.as_str()),
        ("amount", amount),
        ("currency", "EUR"),
        ("idempotency_key", key),
    ];
    form.extend_from_slice(extra);
    s.staff.call("loyalty/purchase", &form).await
}

async fn purchases(s: &DemoShop) -> Vec<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT id, amount_minor, location_id FROM purchases WHERE member_id = $1 ORDER BY id",
    )
    .bind(s.member_id)
    .fetch_all(&s.app.db().await)
    .await
    .expect("purchases")
}

#[tokio::test]
async fn the_same_amount_for_the_same_member_within_minutes_is_asked_first() {
    let s = shop().await;
    assert_eq!(buy(&s, "12.50", "till-a-1", &[]).await.status(), 200);
    let replay = buy(&s, "12.50", "till-a-1", &[]).await;
    assert_eq!(replay.status(), 200, "a double submit replays, no question");
    let again = buy(&s, "12,50", "till-a-2", &[]).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        error_json(again).await,
        json!({"NeedsConfirmation": {"repeat_purchase": {
            "amount_minor": 1250, "currency": "EUR", "seconds_ago": 0
        }}})
    );
    assert_eq!(
        purchases(&s).await.len(),
        1,
        "nothing recorded by the question"
    );
    assert_eq!(
        buy(&s, "13", "till-a-3", &[]).await.status(),
        200,
        "another amount is another sale"
    );
    let confirmed = buy(&s, "12.50", "till-a-2", &[("confirm", "true")]).await;
    assert_eq!(
        confirmed.status(),
        200,
        "confirmed with the same form's key"
    );
    s.app.config.clock.set(Stamp::utc(2027, 1, 6, 12, 6, 0));
    assert_eq!(
        buy(&s, "12.50", "till-a-4", &[]).await.status(),
        200,
        "six minutes later it is a new visit"
    );
    assert_eq!(purchases(&s).await.len(), 4);
}

#[tokio::test]
async fn a_refund_is_asked_first_with_the_points_it_takes_back_then_done_once() {
    let s = shop().await;
    let receipt: Value = buy(&s, "40", "till-r-1", &[])
        .await
        .json()
        .await
        .expect("json");
    let (purchase, earned) = (
        receipt["purchase"]["id"].to_string(),
        receipt["purchase"]["points"].as_i64().expect("points"),
    );
    assert_eq!(earned, 40);
    let refund = |confirm: &'static str, key: &'static str| {
        let (staff, purchase) = (&s.staff, purchase.clone());
        async move {
            let mut form = vec![
                ("purchase_id", purchase.as_str()),
                ("amount", "10"),
                ("idempotency_key", key),
            ];
            if !confirm.is_empty() {
                form.push(("confirm", confirm));
            }
            staff.call("loyalty/refund", &form).await
        }
    };
    let asked = refund("", "till-refund-1").await;
    assert_eq!(asked.status(), 409);
    assert_eq!(
        error_json(asked).await,
        json!({"NeedsConfirmation": {"refund": {
            "purchase_id": receipt["purchase"]["id"], "amount_minor": 1000, "currency": "EUR", "points": 10
        }}})
    );
    let balance = || async {
        json_of(&s.member, "loyalty/points", &[]).await["balance"]
            .as_i64()
            .expect("balance")
    };
    assert_eq!(balance().await, 40, "asking takes nothing back");
    let done = refund("true", "till-refund-1").await;
    assert_eq!(done.status(), 200);
    assert_eq!(
        done.json::<Value>().await.expect("json")["points_reversed"],
        10
    );
    assert_eq!(
        refund("true", "till-refund-1").await.status(),
        200,
        "replayed"
    );
    assert_eq!(balance().await, 30, "taken back once");
}

#[tokio::test]
async fn the_counter_location_is_remembered_per_staff_account_and_used_by_default() {
    let s = shop().await;
    let place = json_of(&s.staff, "loyalty/counter_place", &[]).await;
    assert_eq!(
        place["current"], s.harbour,
        "nothing chosen yet: the first location by name"
    );
    let main = s.main_street.to_string();
    let res = s
        .staff
        .call("loyalty/set_counter_place", &[("location_id", &main)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_of(&s.staff, "loyalty/counter_place", &[]).await["current"],
        s.main_street
    );
    let other = s.app.signed_in_as("staff@example.com").await;
    assert_eq!(
        json_of(&other, "loyalty/counter_place", &[]).await["current"],
        s.main_street,
        "remembered for the account, on every device"
    );
    assert_eq!(
        json_of(&s.manager, "loyalty/counter_place", &[]).await["current"],
        s.harbour,
        "each staff member has their own"
    );
    let receipt: Value = buy(&s, "20", "till-l-1", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        purchases(&s).await[0].2,
        s.main_street,
        "purchase at the remembered place"
    );
    let purchase = receipt["purchase"]["id"].to_string();
    let res = s
        .staff
        .call(
            "loyalty/refund",
            &[
                ("purchase_id", purchase.as_str()),
                ("amount", "5"),
                ("confirm", "true"),
                ("idempotency_key", "till-l-refund"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let refund_place: Option<i64> = sqlx::query_scalar("SELECT location_id FROM refunds")
        .fetch_one(&s.app.db().await)
        .await
        .expect("refund");
    assert_eq!(
        refund_place,
        Some(s.main_street),
        "refund at the remembered place"
    );
    let res = s
        .staff
        .call("loyalty/set_counter_place", &[("location_id", "999999")])
        .await;
    assert_eq!(res.status(), 422, "no such location");
    let res = s
        .member
        .call("loyalty/set_counter_place", &[("location_id", &main)])
        .await;
    assert_eq!(res.status(), 403, "members have no counter");
}

#[tokio::test]
async fn a_purchase_without_javascript_comes_back_to_the_member_with_its_confirmation() {
    let s = shop().await;
    // The owner reads English.
    let owner = s.app.signed_in_as("owner@example.com").await;
    let member = s.member_id.to_string();
    let key = format!("no-script-{}", unique());
    let res = owner
        .client
        .post(s.app.url("/api/loyalty/purchase"))
        .header("Accept", "text/html")
        .header("Referer", s.app.url("/console/counter?q=new%40example.com"))
        .form(&[
            ("member_id", member.as_str()),
            ("amount", "23"),
            ("currency", "EUR"),
            ("idempotency_key", key.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let purchase = purchases(&s).await.first().map(|p| p.0);
    let purchase = purchase.unwrap_or_else(|| panic!("nothing recorded; sent to {location}"));
    let number = app::loyalty::rules::member_number(s.member_id);
    assert_eq!(
        location,
        format!("/console/counter?q={number}&done={purchase}")
    );
    let page = owner
        .client
        .get(s.app.url(&location))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
        .replace("<!>", "");
    assert!(page.contains("Nora"), "the member stays on screen");
    assert!(
        page.contains("Purchase recorded: €23.00, 23 points earned."),
        "with what was recorded"
    );
}
