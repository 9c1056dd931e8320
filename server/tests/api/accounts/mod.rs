//! Sign-up, sign-in, sign-out, password change and language, over HTTP.

use crate::helpers::{error_json, spawn_app, spawn_with};
use serde_json::json;

#[tokio::test]
async fn sign_up_creates_a_signed_in_member_in_the_chosen_language() {
    let app = spawn_app().await;
    let res = app
        .sign_up("  Marta@Example.COM ", "correct horse", "Märta", "sv")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );
    let me = app.me().await;
    assert_eq!(me["email"], "marta@example.com");
    assert_eq!(me["name"], "Märta");
    assert_eq!(me["role"], "member");
    assert_eq!(me["language"], "sv");
}

#[tokio::test]
async fn every_member_has_a_balance_row_and_a_referral_code_from_sign_up_and_staff_none() {
    // The demo shop's staff and members are made the way the command line and sign-up make
    // them; two more members sign up over HTTP.
    let app = spawn_app().await.with_demo().await;
    app.sign_up("new-a@example.com", "password1", "A", "en")
        .await;
    app.other_client()
        .sign_up("new-b@example.com", "password1", "B", "en")
        .await;
    let db = app.db().await;
    let rows: Vec<(String, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT u.email, u.role, b.balance, u.referral_code FROM users u
         LEFT JOIN member_balances b ON b.member_id = u.id ORDER BY u.id",
    )
    .fetch_all(&db)
    .await
    .expect("query");
    let (members, staff): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.1 == "member");
    assert!(members.len() > 2 && !staff.is_empty(), "{rows:?}");
    for (email, _, balance, code) in &members {
        assert!(balance.is_some(), "{email}: a balance row from sign-up");
        let code = code.as_deref().unwrap_or_default();
        assert!(
            code.len() == 10 && code.chars().all(|c| matches!(c, '0'..='9' | 'A'..='F')),
            "{email}: referral code {code:?}"
        );
    }
    for (email, _, balance, _) in &staff {
        assert_eq!(*balance, None, "{email}: staff hold no points");
    }
    let new: Vec<_> = members.iter().filter(|r| r.0.starts_with("new-")).collect();
    assert_eq!(new.len(), 2);
    assert!(new.iter().all(|r| r.2 == Some(0)), "{new:?}");
    let codes: std::collections::HashSet<_> = members.iter().map(|r| &r.3).collect();
    assert_eq!(codes.len(), members.len(), "every code differs");
}

#[tokio::test]
async fn consents_are_off_unless_ticked_and_a_tick_is_recorded() {
    let app = spawn_app().await;
    app.sign_up("a@example.com", "password1", "A", "en").await;
    let res = app
        .other_client()
        .call(
            "accounts/sign_up",
            &[
                ("email", "b@example.com"),
                ("password", "password1"),
                ("preferred_name", "B"),
                ("language", "en"),
                ("sms_marketing", "on"),
                ("phone", "+371 2012 3456"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let db = app.db().await;
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT email, email_marketing, sms_marketing FROM users ORDER BY email")
            .fetch_all(&db)
            .await
            .expect("query");
    assert_eq!(
        rows,
        vec![
            ("a@example.com".into(), 0, 0),
            ("b@example.com".into(), 0, 1)
        ]
    );
    let events: Vec<(String, i64)> = sqlx::query_as("SELECT channel, granted FROM consent_events")
        .fetch_all(&db)
        .await
        .expect("query");
    assert_eq!(events, vec![("sms".into(), 1)]);
}

#[tokio::test]
async fn a_taken_email_in_any_case_gets_the_same_answer_and_its_owner_a_note() {
    let app = spawn_app().await;
    let form = |email: &'static str, password: &'static str| {
        [
            ("email", email),
            ("password", password),
            ("preferred_name", "Someone"),
            ("language", "en"),
        ]
    };
    let location = |res: &reqwest::Response| {
        res.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    // A new address and a taken one (in other case) get the same answer, and no session:
    // joining finishes at the link in the mail.
    let new = app
        .call("accounts/sign_up", &form("anna@example.com", "password1"))
        .await;
    assert_eq!(
        (new.status().as_u16(), location(&new).as_deref()),
        (200, Some("/join/sent"))
    );
    assert_eq!(
        app.me().await,
        serde_json::Value::Null,
        "not signed in before confirming"
    );
    let other = app.other_client();
    let again = other
        .call("accounts/sign_up", &form("ANNA@example.com", "password2"))
        .await;
    assert_eq!(
        (again.status().as_u16(), location(&again).as_deref()),
        (200, Some("/join/sent"))
    );
    assert_eq!(other.me().await, serde_json::Value::Null);
    let db = app.db().await;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(users, 1, "no second account");
    // Unconfirmed, the owner of the address gets the link again (once an hour at most).
    other
        .call("accounts/sign_up", &form("anna@example.com", "password3"))
        .await;
    let kinds = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT kind FROM outbox WHERE address = 'anna@example.com' ORDER BY id",
        )
        .fetch_all(&db)
        .await
        .expect("outbox")
    };
    assert_eq!(kinds().await, ["confirm_email", "confirm_email"]);
    // The first link signs in; once confirmed, a new attempt tells the owner the account
    // exists (once an hour) and signs nobody in.
    let token = app.confirm_token("anna@example.com").await;
    let confirmed = app.call("preferences/confirm", &[("token", &token)]).await;
    assert_eq!(location(&confirmed).as_deref(), Some("/"));
    assert_eq!(app.me().await["email"], "anna@example.com");
    for _ in 0..2 {
        let res = other
            .call("accounts/sign_up", &form("anna@example.com", "password4"))
            .await;
        assert_eq!(location(&res).as_deref(), Some("/join/sent"));
    }
    assert_eq!(
        kinds().await,
        ["confirm_email", "confirm_email", "account_exists"]
    );
    assert_eq!(other.me().await, serde_json::Value::Null);
    // The first password stands.
    assert_eq!(
        other
            .sign_in("anna@example.com", "password4")
            .await
            .status(),
        401
    );
    assert_eq!(
        other
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_confirmation_link_signs_in_once_and_only_while_fresh() {
    let app = spawn_app().await;
    let form = [
        ("email", "ola@example.com"),
        ("password", "password1"),
        ("preferred_name", "Ola"),
        ("language", "nb"),
    ];
    assert_eq!(app.call("accounts/sign_up", &form).await.status(), 200);
    let token = app.confirm_token("ola@example.com").await;
    // A stale link (sent more than two days ago) confirms the address but signs nobody in.
    let db = app.db().await;
    sqlx::query("UPDATE outbox SET created_at = '2000-01-01T00:00:00Z' WHERE token = $1")
        .bind(&token)
        .execute(&db)
        .await
        .expect("age the link");
    let stale = app.other_client();
    let res = stale
        .call("preferences/confirm", &[("token", &token)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(stale.me().await, serde_json::Value::Null);
    let confirmed: Option<String> =
        sqlx::query_scalar("SELECT email_confirmed_at FROM users WHERE email = 'ola@example.com'")
            .fetch_one(&db)
            .await
            .expect("user");
    assert!(confirmed.is_some());
    // A fresh link to a confirmed address signs nobody in either: it is not a way in.
    sqlx::query("UPDATE outbox SET created_at = $1 WHERE token = $2")
        .bind(app.config.clock.now())
        .bind(&token)
        .execute(&db)
        .await
        .expect("refresh the link");
    let again = app.other_client();
    again
        .call("preferences/confirm", &[("token", &token)])
        .await;
    assert_eq!(again.me().await, serde_json::Value::Null);
    // An unknown token is not found.
    let res = again
        .call("preferences/confirm", &[("token", "nope")])
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_sign_up_with_several_bad_fields_gets_each_fields_error_at_once() {
    let app = spawn_app().await;
    let res = app.sign_up("not-an-email", "short", "   ", "en").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        json!({"Fields": {"errors": [
            ["preferred_name", "name_required"],
            ["email", "email_invalid"],
            ["password", "password_too_short"],
        ]}})
    );
}

#[tokio::test]
async fn invalid_fields_get_field_errors_not_server_errors() {
    let app = spawn_app().await;
    let cases = [
        (
            ("not-an-email", "password1", "A", "en"),
            "email",
            "email_invalid",
        ),
        (
            ("a@example.com", "short", "A", "en"),
            "password",
            "password_too_short",
        ),
        (
            ("a@example.com", "password1", "   ", "en"),
            "preferred_name",
            "name_required",
        ),
        (
            ("a@example.com", "password1", "A", "de"),
            "language",
            "language_invalid",
        ),
    ];
    for ((email, pw, name, lang), field, key) in cases {
        let res = app.sign_up(email, pw, name, lang).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(
            error_json(res).await,
            json!({"Validation": {"field": field, "message_key": key}})
        );
    }
    let long = "x".repeat(129);
    let res = app.sign_up("a@example.com", &long, "A", "en").await;
    assert_eq!(
        error_json(res).await["Validation"]["message_key"],
        "password_too_long"
    );
    assert_eq!(
        app.sign_up("a@example.com", &"y".repeat(64), "A", "en")
            .await
            .status(),
        200,
        "64 chars allowed"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let client = app.other_client();
    let wrong = client.sign_in("anna@example.com", "password2").await;
    let unknown = client.sign_in("nobody@example.com", "password1").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert_eq!(error_json(wrong).await, json!("InvalidCredentials"));
    assert_eq!(error_json(unknown).await, json!("InvalidCredentials"));
    assert_eq!(client.me().await, serde_json::Value::Null);
}

#[tokio::test]
async fn sign_in_is_case_insensitive_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let client = app.other_client();
    let res = client.sign_in("Anna@Example.com", "password1").await;
    assert_eq!(res.status(), 200);
    assert_eq!(client.me().await["name"], "Anna");
    assert_eq!(client.call("accounts/sign_out", &[]).await.status(), 200);
    assert_eq!(client.me().await, serde_json::Value::Null);
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_rate_limited_even_with_the_right_password() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let attacker = app.other_client();
    for _ in 0..5 {
        assert_eq!(
            attacker
                .sign_in("anna@example.com", "guess-guess")
                .await
                .status(),
            401
        );
    }
    let res = attacker.sign_in("anna@example.com", "password1").await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(
        (1..=1800).contains(&retry),
        "remembered 15 to 30 minutes: {retry}"
    );
    assert!(
        matches!(error_json(res).await, serde_json::Value::Object(o) if o.contains_key("RateLimited"))
    );
    // Another account is not locked by this one's failures.
    app.other_client()
        .sign_up("ola@example.com", "password1", "Ola", "nb")
        .await;
    assert_eq!(
        app.other_client()
            .sign_in("ola@example.com", "password1")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn failures_from_one_ip_across_accounts_are_rate_limited() {
    let app = spawn_with(|c| c.sign_in_limit_ip = 3).await;
    for i in 0..3 {
        let res = app
            .sign_in(&format!("user{i}@example.com"), "whatever1")
            .await;
        assert_eq!(res.status(), 401);
    }
    assert_eq!(
        app.sign_in("user9@example.com", "whatever1").await.status(),
        429
    );
}

mod limits;
mod profile;
mod two_factor;
