//! The points ledger over HTTP: idempotency, never below zero, who may see and move points,
//! and invariants under concurrent load.

use crate::helpers::{TestApp, error_json, spawn_app};
use serde_json::{Value, json};
use server::demo::DEMO_PASSWORD;
use std::collections::HashMap;

/// The demo shop with its accounts and program, but an empty ledger (the demo's purchases
/// removed), so balances start at zero.
async fn setup() -> (TestApp, TestApp, HashMap<String, i64>) {
    let app = spawn_app()
        .await
        .with_demo()
        .await
        .with_empty_ledger()
        .await;
    let owner = app.signed_in_as("owner@example.com").await;
    let ids: Vec<(String, i64)> = sqlx::query_as("SELECT email, id FROM users")
        .fetch_all(&app.db().await)
        .await
        .expect("ids");
    (app, owner, ids.into_iter().collect())
}

async fn move_points(
    c: &TestApp,
    endpoint: &str,
    member: i64,
    points: &str,
    key: &str,
) -> reqwest::Response {
    let member = member.to_string();
    let form = [
        ("member_id", member.as_str()),
        ("points", points),
        ("reason", "test"),
        ("idempotency_key", key),
    ];
    c.call(endpoint, &form).await
}

async fn adjust(c: &TestApp, member: i64, points: &str, key: &str) -> reqwest::Response {
    move_points(c, "loyalty/adjust", member, points, key).await
}

async fn redeem(c: &TestApp, member: i64, points: &str, key: &str) -> reqwest::Response {
    move_points(c, "loyalty/redeem", member, points, key).await
}

#[tokio::test]
async fn a_replay_returns_the_first_result_and_a_changed_replay_is_a_conflict() {
    let (_app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"];
    let first: Value = adjust(&owner, anna, "+100", "key-00000001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["balance_after"], 100);
    let again = adjust(&owner, anna, "+100", "key-00000001").await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<Value>().await.expect("json"),
        first,
        "same movement, not a second one"
    );
    let changed = adjust(&owner, anna, "+101", "key-00000001").await;
    assert_eq!(changed.status(), 409);
    let summary: Value = owner
        .call("loyalty/points", &[("member_id", &anna.to_string())])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(summary["balance"], 100);
    assert_eq!(summary["recent"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_redemption_larger_than_the_balance_is_refused_and_changes_nothing() {
    let (app, owner, ids) = setup().await;
    let ola = ids["ola@example.com"];
    adjust(&owner, ola, "50", "seed-ola-1").await;
    let res = redeem(&owner, ola, "51", "redeem-ola-1").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        json!({"Validation": {"field": "points", "message_key": "insufficient_points"}})
    );
    let res = adjust(&owner, ola, "-51", "adjust-ola-1").await;
    assert_eq!(
        res.status(),
        422,
        "an adjustment cannot go below zero either"
    );
    let ok: Value = redeem(&owner, ola, "50", "redeem-ola-2")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(ok["balance_after"], 0);
    assert_eq!(ok["kind"], "redeem");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM point_movements")
        .fetch_one(&app.db().await)
        .await
        .expect("n");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn members_see_only_their_own_points_and_cannot_move_any() {
    let (app, owner, ids) = setup().await;
    let (anna, sam) = (ids["anna@example.com"], ids["sam@example.com"]);
    adjust(&owner, anna, "30", "seed-anna-1").await;
    let member = app.other_client();
    member.sign_in("anna@example.com", DEMO_PASSWORD).await;
    let own: Value = member
        .call("loyalty/points", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(own["balance"], 30);
    assert_eq!(
        member
            .call("loyalty/points", &[("member_id", &sam.to_string())])
            .await
            .status(),
        403
    );
    assert_eq!(
        redeem(&member, anna, "10", "self-redeem-1").await.status(),
        403
    );
    assert_eq!(
        adjust(&member, anna, "10", "self-adjust-1").await.status(),
        403
    );
    let staff = app.other_client();
    staff.sign_in("staff@example.com", DEMO_PASSWORD).await;
    assert_eq!(
        adjust(&staff, anna, "10", "staff-adjust-1").await.status(),
        403,
        "adjustments are for managers"
    );
    assert_eq!(
        redeem(&staff, anna, "10", "staff-redeem-1").await.status(),
        200
    );
    assert_eq!(
        redeem(&staff, ids["owner@example.com"], "1", "staff-redeem-2")
            .await
            .status(),
        404,
        "staff have no points"
    );
}

#[tokio::test]
async fn adjustments_need_a_reason_and_are_audited() {
    let (app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"].to_string();
    let res = owner
        .call(
            "loyalty/adjust",
            &[
                ("member_id", &anna),
                ("points", "5"),
                ("reason", " "),
                ("idempotency_key", "no-reason-1"),
            ],
        )
        .await;
    assert_eq!(error_json(res).await["Validation"]["field"], "reason");
    adjust(&owner, ids["anna@example.com"], "5", "with-reason-1").await;
    let audit: Vec<(String, String)> = sqlx::query_as("SELECT action, detail FROM audit_log")
        .fetch_all(&app.db().await)
        .await
        .expect("audit");
    assert_eq!(
        audit,
        vec![("points.adjust".into(), "+5 points: test".into())]
    );
}

/// A small deterministic generator: tests must be repeatable.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_clients_earning_and_redeeming_at_once_keep_every_invariant() {
    let (app, owner, ids) = setup().await;
    let members: Vec<i64> = ["anna@example.com", "ola@example.com", "liga@example.com"]
        .iter()
        .map(|e| ids[*e])
        .collect();
    let location: i64 = sqlx::query_scalar("SELECT min(id) FROM locations")
        .fetch_one(&app.db().await)
        .await
        .expect("a location");
    let location = location.to_string();
    let mut tasks = Vec::new();
    for client in 0..32u64 {
        let owner = owner.other_client_sharing_session();
        let members = members.clone();
        let location = location.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (client + 1));
            let mut sent: Vec<(String, &'static str, i64, String, Value)> = Vec::new();
            let (mut ok, mut refused, mut server_errors) = (0u32, 0u32, 0u32);
            for op in 0..30 {
                let replay = !sent.is_empty() && rng.next(10) == 0;
                let (key, endpoint, member, points) = if replay {
                    let (k, e, m, p, _) = &sent[rng.next(sent.len() as u64) as usize];
                    (k.clone(), *e, *m, p.clone())
                } else {
                    let member = members[rng.next(members.len() as u64) as usize];
                    let earn = rng.next(2) == 0;
                    let amount = 1 + rng.next(60);
                    // Earning is a real purchase (amount in euros, points per the rules).
                    let endpoint = if earn {
                        "loyalty/purchase"
                    } else {
                        "loyalty/redeem"
                    };
                    (
                        format!("c{client}-op{op}"),
                        endpoint,
                        member,
                        amount.to_string(),
                    )
                };
                let member_id = member.to_string();
                let form: Vec<(&str, &str)> = if endpoint == "loyalty/purchase" {
                    vec![
                        ("member_id", &member_id),
                        ("amount", &points),
                        ("currency", "EUR"),
                        ("location_id", &location),
                        ("idempotency_key", &key),
                    ]
                } else {
                    vec![
                        ("member_id", &member_id),
                        ("points", &points),
                        ("reason", "load"),
                        ("idempotency_key", &key),
                    ]
                };
                let res = owner.call(endpoint, &form).await;
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap_or(Value::Null);
                match status {
                    200 => {
                        ok += 1;
                        if replay {
                            let first = sent.iter().find(|s| s.0 == key).map(|s| &s.4);
                            assert_eq!(first, Some(&body), "a replay returns the first result");
                        } else {
                            sent.push((key, endpoint, member, points, body));
                        }
                    }
                    422 if !replay => refused += 1,
                    422 => {}
                    s if s >= 500 => server_errors += 1,
                    other => panic!("unexpected {other}: {body}"),
                }
            }
            (sent.len(), ok, refused, server_errors)
        }));
    }
    let mut acknowledged = 0;
    for t in tasks {
        let (acked, _ok, _refused, server_errors) = t.await.expect("task");
        assert_eq!(
            server_errors, 0,
            "no SQLITE_BUSY (or anything else) reached a client"
        );
        acknowledged += acked;
    }
    let db = app.db().await;
    let movements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM point_movements")
        .fetch_one(&db)
        .await
        .expect("n");
    assert_eq!(
        movements as usize, acknowledged,
        "every acknowledged change once, no replay twice"
    );
    for member in members {
        let (cached, sum, negative, lots): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(balance), 0) FROM member_balances WHERE member_id = ?1),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements WHERE member_id = ?1),
                    (SELECT COUNT(*) FROM point_movements WHERE member_id = ?1 AND balance_after < 0),
                    (SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = ?1)",
        )
        .bind(member)
        .fetch_one(&db)
        .await
        .expect("invariants");
        assert_eq!(
            cached, sum,
            "cached balance equals the sum of movements for {member}"
        );
        assert!(cached >= 0);
        assert_eq!(negative, 0);
        assert_eq!(lots, cached, "open lots hold exactly the balance");
        // Replaying the ledger in order gives every row's balance_after.
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT amount, balance_after FROM point_movements WHERE member_id = ? ORDER BY id",
        )
        .bind(member)
        .fetch_all(&db)
        .await
        .expect("rows");
        let mut running = 0;
        for (amount, after) in rows {
            running += amount;
            assert_eq!(running, after);
        }
    }
}

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
