//! Finding members and the counter's panel.

use super::*;

async fn find(c: &TestApp, query: &str) -> Vec<Value> {
    let res = c.call("members/find", &[("query", query)]).await;
    assert_eq!(res.status(), 200, "{query:?}");
    res.json::<Vec<Value>>().await.expect("json")
}

#[tokio::test]
async fn members_are_found_however_staff_type_them_by_staff_only() {
    let (app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"];
    let number = app::loyalty::rules::member_number(anna);
    assert_eq!(
        find(&owner, " ANNA@example.com ").await,
        [json!({"id": anna, "member_number": number, "name": "Anna", "email": "anna@example.com"})]
    );
    let unpadded = number.trim_start_matches('0').to_owned();
    let spaced = format!("{} {}", &number[..4], &number[4..]);
    // Anna's phone is stored as +46701234567; the shop is in Sweden (Europe/Stockholm).
    for query in [
        number.as_str(),
        spaced.as_str(),
        unpadded.as_str(),
        "+46 70 123 45 67",
        "070-123 45 67",
        "0701234567",
        "0046701234567",
    ] {
        let found = find(&owner, query).await;
        assert_eq!(found.len(), 1, "{query:?}: {found:?}");
        assert_eq!(found[0]["id"], anna, "{query:?}");
    }
    let mut typo = number.into_bytes();
    typo[7] = if typo[7] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(typo).expect("digits");
    assert!(
        find(&owner, &typo).await.iter().all(|m| m["id"] != anna),
        "a wrong check digit does not find Anna"
    );
    let by_name = find(&owner, "ann").await;
    assert_eq!(by_name.len(), 1, "part of a name, any case: {by_name:?}");
    assert_eq!(by_name[0]["id"], anna);
    let several = find(&owner, "example.com").await;
    let names: Vec<&str> = several
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Anna", "João", "Līga", "Ola", "Sam"],
        "part of an email lists every member it fits, by name, and no staff"
    );
    assert_eq!(find(&owner, "staff@example.com").await, Vec::<Value>::new());
    assert_eq!(find(&owner, "0709999999").await, Vec::<Value>::new());
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
    let found: Value = owner
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["matches"].as_array().map(Vec::len), Some(1));
    let panel = &found["panel"];
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
    assert_eq!(panel["purchases"], json!([]), "the ledger starts empty");
    let place: Value = owner
        .call("loyalty/counter_place", &[])
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = place["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l[1].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Harbour", "Main Street"]);
    let location = place["locations"][0][0].to_string();
    let res = owner
        .call(
            "loyalty/purchase",
            &[
                ("member_id", &anna.to_string()),
                ("amount", "12.50"),
                ("currency", "EUR"),
                ("confirm", "true"),
                ("location_id", &location),
                ("idempotency_key", "panel-test-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let found: Value = owner
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    let panel = &found["panel"];
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
    assert_eq!(nobody, json!({"matches": [], "panel": null}));
    let several: Value = owner
        .call("loyalty/counter", &[("query", "example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(several["matches"].as_array().map(Vec::len), Some(5));
    assert_eq!(several["panel"], Value::Null, "staff pick one first");

    let staff = app.other_client();
    staff.sign_in("staff@example.com", DEMO_PASSWORD).await;
    let found: Value = staff
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        found["panel"]["can_adjust"], false,
        "plain staff may not adjust"
    );

    let member = app.other_client();
    member.sign_in("ola@example.com", DEMO_PASSWORD).await;
    let res = member
        .call("loyalty/counter", &[("query", "anna@example.com")])
        .await;
    assert_eq!(res.status(), 403);
}
