//! Owners manage staff accounts; the command line creates the first owner.

use crate::helpers::{TestApp, error_json, spawn_app};
use server::demo::DEMO_PASSWORD;

async fn owner() -> (TestApp, TestApp) {
    let app = spawn_app().await.with_demo().await;
    let owner = app.signed_in_as("owner@example.com").await;
    (app, owner)
}

fn new_staff<'a>(email: &'a str, role: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("email", email),
        ("preferred_name", "Nils"),
        ("role", role),
        ("password", "starting-pw"),
        ("language", "sv"),
    ]
}

#[tokio::test]
async fn an_owner_creates_a_staff_account_that_can_sign_in_to_the_console() {
    let (app, owner) = owner().await;
    let res = owner
        .call("staff/create", &new_staff("nils@example.com", "staff"))
        .await;
    assert_eq!(res.status(), 200);
    let nils = app.other_client();
    let res = nils.sign_in("nils@example.com", "starting-pw").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["location"],
        "/console/counter",
        "counter staff land on the counter"
    );
    assert_eq!(nils.me().await["role"], "staff");
    let audit: Vec<(String, String)> = sqlx::query_as("SELECT action, detail FROM audit_log")
        .fetch_all(&app.db().await)
        .await
        .expect("audit");
    assert_eq!(audit, vec![("staff.create".into(), "role=staff".into())]);
}

#[tokio::test]
async fn staff_roles_only_and_emails_once() {
    let (_app, owner) = owner().await;
    let res = owner
        .call("staff/create", &new_staff("x@example.com", "member"))
        .await;
    assert_eq!(error_json(res).await["Validation"]["field"], "role");
    let res = owner
        .call("staff/create", &new_staff("STAFF@example.com", "staff"))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_json(res).await["Validation"]["field"], "email");
}

#[tokio::test]
async fn disabling_a_staff_account_ends_its_sessions_and_sign_ins_until_enabled() {
    let (app, owner) = owner().await;
    let staff = app.other_client();
    assert_eq!(
        staff
            .sign_in("staff@example.com", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'staff@example.com'")
        .fetch_one(&app.db().await)
        .await
        .expect("id");
    let id = id.to_string();
    // Signed in and remembered between requests: disabling still ends it at once.
    assert_eq!(staff.me().await["role"], "staff");
    let res = owner
        .call(
            "staff/set_disabled",
            &[("user_id", &id), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        staff.me().await,
        serde_json::Value::Null,
        "the open session ended"
    );
    assert_eq!(
        staff
            .sign_in("staff@example.com", DEMO_PASSWORD)
            .await
            .status(),
        401
    );
    owner
        .call(
            "staff/set_disabled",
            &[("user_id", &id), ("disabled", "false")],
        )
        .await;
    assert_eq!(
        staff
            .sign_in("staff@example.com", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_owner_cannot_disable_themselves_or_a_member_through_staff_management() {
    let (app, owner) = owner().await;
    let db = app.db().await;
    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'owner@example.com'")
        .fetch_one(&db)
        .await
        .expect("id");
    let member: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'anna@example.com'")
        .fetch_one(&db)
        .await
        .expect("id");
    let res = owner
        .call(
            "staff/set_disabled",
            &[("user_id", &me.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(
        error_json(res).await["Validation"]["message_key"],
        "cannot_disable_self"
    );
    let res = owner
        .call(
            "staff/set_disabled",
            &[("user_id", &member.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_manager_cannot_create_staff() {
    let app = spawn_app().await.with_demo().await;
    let manager = app.other_client();
    manager.sign_in("manager@example.com", DEMO_PASSWORD).await;
    let res = manager
        .call("staff/create", &new_staff("x@example.com", "staff"))
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_command_line_creates_the_first_owner() {
    let app = spawn_app().await;
    let id = server::cli::create_owner(
        &app.config,
        "Boss@Example.com",
        "Bo",
        "sv",
        "owner-password\n".as_bytes(),
    )
    .await
    .expect("created");
    assert!(id > 0);
    let res = app.sign_in("boss@example.com", "owner-password").await;
    assert_eq!(res.headers()["location"], "/console");
    assert_eq!(app.me().await["role"], "owner");
    let again = server::cli::create_owner(
        &app.config,
        "boss@example.com",
        "Bo",
        "sv",
        "another-pass\n".as_bytes(),
    )
    .await;
    assert!(again.is_err_and(|e| e.contains("exists")));
    let short = server::cli::create_owner(
        &app.config,
        "x@example.com",
        "X",
        "en",
        "short\n".as_bytes(),
    )
    .await;
    assert!(short.is_err());
}

#[tokio::test]
async fn demo_data_is_never_loaded_over_existing_data() {
    let app = spawn_app().await;
    app.sign_up("real@example.com", "password1", "Real", "en")
        .await;
    let db = server::open_database(&app.config).await.expect("db");
    let loaded = server::demo::load_if_empty(&db, &app::accounts::Hasher::new(1))
        .await
        .expect("demo");
    assert!(!loaded);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.reader)
        .await
        .expect("count");
    assert_eq!(n, 1);
    db.close().await;
}
