//! Closing an account: the person erased, the ledger's sums kept, every way in ended.

use serde_json::Value;
use server::demo::DEMO_PASSWORD;

use crate::helpers::{error_json, field_error, spawn_app, user_id as id_of};

#[tokio::test]
async fn closing_erases_the_person_keeps_the_sums_and_ends_every_way_in() {
    let app = spawn_app().await.with_demo().await;
    let id = id_of(&app, "ola@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let who = id.to_string();
    assert_eq!(
        staff
            .call(
                "members/note",
                &[("member_id", &who), ("body", "Likes tea.")]
            )
            .await
            .status(),
        200
    );
    assert_eq!(
        staff
            .call("members/tag", &[("member_id", &who), ("tag", "regular")])
            .await
            .status(),
        200
    );
    let address = [
        ("member_id", who.as_str()),
        ("postal_address", "Gate 1\n0150 Oslo"),
    ];
    assert_eq!(staff.call("members/address", &address).await.status(), 200);
    let db = app.db().await;
    let sums = |db: sqlx::SqlitePool| async move {
        sqlx::query_as::<_, (i64, i64, i64, i64)>(
            "SELECT (SELECT balance FROM member_balances WHERE member_id = $1),
                    (SELECT sum(amount) FROM point_movements WHERE member_id = $1),
                    (SELECT sum(amount_minor) FROM purchases WHERE member_id = $1),
                    (SELECT count(*) FROM feedback WHERE member_id = $1)",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("sums")
    };
    let before = sums(db.clone()).await;
    let ola = app.signed_in_as("ola@example.com").await;
    let other_browser = app.signed_in_as("ola@example.com").await;
    let res = ola.call("me/close", &[("password", "not it")]).await;
    assert_eq!(
        error_json(res).await,
        field_error("password", "current_password_wrong")
    );
    assert_eq!(
        ola.call("me/close", &[("password", DEMO_PASSWORD)])
            .await
            .status(),
        200
    );
    assert_eq!(sums(db.clone()).await, before, "the ledger keeps its sums");
    let (email, name, phone, hash, closed): (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT email, preferred_name, phone, password_hash, closed_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("row");
    assert_eq!(
        (email.as_str(), name.as_str(), phone, hash.as_str()),
        (
            format!("closed-{id}@closed.invalid").as_str(),
            "",
            None,
            "!"
        )
    );
    assert!(closed.is_some());
    let address: Option<String> =
        sqlx::query_scalar("SELECT postal_address FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("address");
    assert_eq!(address, None, "the postal address is gone");
    let left: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM member_tags WHERE member_id = $1),
                (SELECT count(*) FROM member_notes WHERE member_id = $1),
                (SELECT count(*) FROM feedback WHERE member_id = $1 AND body <> ''),
                (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
                 WHERE c.member_id = $1 AND e.body <> '')",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("left");
    assert_eq!(
        left,
        (0, 0, 0, 0),
        "tags, notes and what was written are gone"
    );
    let consent_now: i64 =
        sqlx::query_scalar("SELECT email_marketing + sms_marketing FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("consent");
    assert_eq!(consent_now, 0);
    // Signed out here and in the other browser; the password no longer works; staff cannot
    // find the account; the address can join again as someone new.
    assert_eq!(ola.me().await, Value::Null);
    assert_eq!(other_browser.me().await, Value::Null);
    let res = app
        .other_client()
        .sign_in("ola@example.com", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 401);
    let number = app::loyalty::rules::member_number(id);
    let found: Value = staff
        .call("members/find", &[("query", &number)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found, serde_json::json!([]));
    assert_eq!(
        staff
            .call("members/profile", &[("member_id", &who)])
            .await
            .status(),
        404
    );
    let again = app.other_client();
    assert_eq!(
        again
            .sign_up("ola@example.com", "a new long password", "Ola", "nb")
            .await
            .status(),
        200
    );
    assert_ne!(id_of(&app, "ola@example.com").await, id);
    let audit: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'member.close' AND subject = $1",
    )
    .bind(format!("member:{id}"))
    .fetch_one(&db)
    .await
    .expect("audit");
    assert_eq!(audit, 1);
}
