//! Finding members and the counter's panel.

use super::*;

#[tokio::test]
async fn members_are_found_by_email_or_number_by_staff_only() {
    let (app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"];
    let by_email: Value = owner
        .call("members/find", &[("query", " ANNA@example.com ")])
        .await
        .json()
        .await
        .expect("json");
    let number = app::loyalty::rules::member_number(anna);
    assert_eq!(
        by_email,
        json!({"id": anna, "member_number": number, "name": "Anna", "email": "anna@example.com"})
    );
    for query in [number.clone(), format!("{} {}", &number[..4], &number[4..])] {
        let found: Value = owner
            .call("members/find", &[("query", &query)])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(found["id"], anna, "by member number {query:?}");
    }
    let by_phone: Value = owner
        .call("members/find", &[("query", "+46 70 123 45 67")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_phone["id"], anna, "by phone, spaces ignored");
    let mut typo = number.into_bytes();
    typo[7] = if typo[7] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(typo).expect("digits");
    let mistyped: Value = owner
        .call("members/find", &[("query", &typo)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mistyped, Value::Null, "a wrong check digit finds nobody");
    let staff_account: Value = owner
        .call("members/find", &[("query", "staff@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(staff_account, Value::Null, "staff accounts are not members");
    let member = app.other_client();
    member.sign_in("ola@example.com", DEMO_PASSWORD).await;
    assert_eq!(
        member
            .call("members/find", &[("query", "anna@example.com")])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn the_counter_panel_holds_the_members_standing_purchases_and_what_the_caller_may_do() {
    let (app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"];
    let panel: Value = owner
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    let standing: Value = owner
        .call("loyalty/points", &[("member_id", &anna.to_string())])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(panel["card"]["id"], anna);
    assert_eq!(
        panel["summary"], standing,
        "the same standing as loyalty/points"
    );
    assert_eq!(panel["currency"], "EUR");
    assert_eq!(panel["can_adjust"], true, "owners may adjust");
    let names: Vec<&str> = panel["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l[1].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Harbour", "Main Street"]);
    assert_eq!(panel["purchases"], json!([]), "the ledger starts empty");
    let location = panel["locations"][0][0].to_string();
    let res = owner
        .call(
            "loyalty/purchase",
            &[
                ("member_id", &anna.to_string()),
                ("amount", "12.50"),
                ("currency", "EUR"),
                ("location_id", &location),
                ("idempotency_key", "panel-test-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let panel: Value = owner
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(panel["purchases"][0]["amount_minor"], 1250);
    assert_eq!(panel["purchases"][0]["member_id"], anna);
    assert_eq!(
        panel["summary"]["balance"], panel["purchases"][0]["points"],
        "the balance shows the purchase's points"
    );
    let nobody: Value = owner
        .call("loyalty/counter", &[("query", "nobody@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(nobody, Value::Null);

    let staff = app.other_client();
    staff.sign_in("staff@example.com", DEMO_PASSWORD).await;
    let panel: Value = staff
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(panel["can_adjust"], false, "plain staff may not adjust");

    let member = app.other_client();
    member.sign_in("ola@example.com", DEMO_PASSWORD).await;
    let res = member
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await;
    assert_eq!(res.status(), 403);
}
