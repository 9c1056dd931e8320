//! The points ledger over HTTP: idempotency, never below zero, who may see and move points,
//! and invariants under concurrent load.

use crate::helpers::{TestApp, error_json, spawn_app};
use serde_json::{Value, json};
use server::demo::DEMO_PASSWORD;
use std::collections::HashMap;

/// The demo shop's accounts and program on an empty ledger, so balances start at zero.
async fn setup() -> (TestApp, TestApp, HashMap<String, i64>) {
    let app = spawn_app().await.with_shop().await;
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

mod concurrency;
mod counter;
mod group_commit;
mod till;
