//! Staff two-factor sign-in over HTTP: setting up an authenticator, the code step at sign-in,
//! recovery codes, the owner's rule that owners and managers must use one, resetting a lost
//! phone, and the limits on guessing codes. Codes are computed from the stored secret at the
//! server's (fixed) clock, the way an authenticator app computes them from the QR code.

use super::*;
use crate::helpers::{TestApp, field_error, json_of};
use app::{accounts::two_factor::code, db::Stamp};
use server::demo;

const AT: Stamp = Stamp::utc(2026, 12, 3, 10, 0, 0);

async fn shop() -> TestApp {
    let app = spawn_app().await.with_demo().await;
    app.config.clock.set(AT);
    app
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db().await)
        .await
        .expect("user")
}

/// The code an authenticator app shows for `email` now, `steps` steps from the server's clock.
async fn code_of(app: &TestApp, email: &str, steps: i64) -> String {
    let id = user_id(app, email).await;
    let secret: Vec<u8> = sqlx::query_scalar("SELECT secret FROM totp_secrets WHERE user_id = $1")
        .bind(id)
        .fetch_one(&app.db().await)
        .await
        .expect("secret");
    let now = code::step_at(app.config.clock.now().unix());
    code::code_at(&secret, now + steps)
}

/// Moves the server's clock on by `secs`.
fn pass(app: &TestApp, secs: i64) {
    let now = app.config.clock.now();
    app.config.clock.set(now + app::db::seconds(secs));
}

fn location(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Sets up and confirms a second factor for the signed-in `c`; returns the recovery codes.
async fn turn_on(app: &TestApp, c: &TestApp, email: &str) -> Vec<String> {
    assert_eq!(c.call("accounts/two_factor_start", &[]).await.status(), 200);
    let code = code_of(app, email, 0).await;
    let res = c
        .call("accounts/two_factor_confirm", &[("code", &code)])
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let status = json_of(c, "accounts/two_factor", &[]).await;
    assert_eq!(status["enabled"], true);
    serde_json::from_value(status["fresh_codes"].clone()).expect("fresh codes")
}

/// Calls a two-factor function that needs the current password.
async fn with_password(c: &TestApp, endpoint: &str, password: &str) -> reqwest::Response {
    c.call(endpoint, &[("password", password)]).await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.db().await)
        .await
        .expect("audit")
}

#[tokio::test]
async fn an_owner_sets_up_an_authenticator_and_sign_in_then_asks_for_a_code_once() {
    let app = shop().await;
    let owner = app.signed_in_as("owner@example.com").await;
    let elsewhere = app.signed_in_as("owner@example.com").await;

    // Nothing to show until set up; then the QR code carries the secret and is never cached.
    assert_eq!(
        app.client
            .get(app.url("/account/two-factor.svg"))
            .send()
            .await
            .expect("qr")
            .status(),
        404
    );
    assert_eq!(
        owner.call("accounts/two_factor_start", &[]).await.status(),
        200
    );
    let status = json_of(&owner, "accounts/two_factor", &[]).await;
    assert_eq!(status["enabled"], false);
    let shown = status["setup_secret"]
        .as_str()
        .expect("secret shown")
        .replace(' ', "");
    let qr = owner
        .client
        .get(owner.url("/account/two-factor.svg"))
        .send()
        .await
        .expect("qr");
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["cache-control"], "no-store");
    assert!(qr.text().await.expect("svg").contains("<svg"));
    let stored: Vec<u8> = sqlx::query_scalar("SELECT secret FROM totp_secrets")
        .fetch_one(&app.db().await)
        .await
        .expect("secret");
    assert_eq!(shown, code::base32(&stored));

    // A wrong code does not turn it on; sign-in still needs only the password meanwhile.
    let right = code_of(&app, "owner@example.com", 0).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = owner
        .call("accounts/two_factor_confirm", &[("code", wrong)])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_json(res).await, field_error("code", "code_invalid"));
    let res = owner
        .call("accounts/two_factor_confirm", &[("code", &right)])
        .await;
    assert_eq!(res.status(), 200);

    // Ten recovery codes, shown once; the other session of the account has ended, this one
    // goes on.
    let status = json_of(&owner, "accounts/two_factor", &[]).await;
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_left"], 10);
    let codes: Vec<String> = serde_json::from_value(status["fresh_codes"].clone()).expect("codes");
    assert_eq!(codes.len(), 10);
    let again = json_of(&owner, "accounts/two_factor", &[]).await;
    assert_eq!(again["fresh_codes"], serde_json::Value::Null);
    assert_eq!(elsewhere.me().await, serde_json::Value::Null);
    assert_eq!(owner.me().await["email"], "owner@example.com");

    // The password alone no longer signs in: it leads to the code step.
    let browser = app.other_client();
    let res = browser
        .sign_in("owner@example.com", demo::DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(location(&res).as_deref(), Some("/sign-in/code"));
    assert_eq!(browser.me().await, serde_json::Value::Null);
    assert_eq!(browser.call("staff/list", &[]).await.status(), 401);

    // The code used to confirm is spent; the next step's code signs in.
    let res = browser
        .call("accounts/sign_in_code", &[("code", &right)])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "code_invalid"));
    pass(&app, 30);
    let next = code_of(&app, "owner@example.com", 0).await;
    let res = browser
        .call("accounts/sign_in_code", &[("code", &next)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(location(&res).as_deref(), Some("/console"));
    assert_eq!(browser.me().await["email"], "owner@example.com");

    // A recovery code works once, typed any way.
    let phone_lost = app.other_client();
    phone_lost
        .sign_in("owner@example.com", demo::DEMO_PASSWORD)
        .await;
    let typed = codes[0].to_lowercase().replace('-', " ");
    let res = phone_lost
        .call("accounts/sign_in_code", &[("code", &typed)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(phone_lost.me().await["email"], "owner@example.com");
    let thief = app.other_client();
    thief
        .sign_in("owner@example.com", demo::DEMO_PASSWORD)
        .await;
    let res = thief
        .call("accounts/sign_in_code", &[("code", &codes[0])])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "code_invalid"));
    assert_eq!(thief.me().await, serde_json::Value::Null);
    let left = json_of(&phone_lost, "accounts/two_factor", &[]).await;
    assert_eq!(left["recovery_left"], 9);

    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"account.two_factor_on".to_owned()));
    assert!(actions.contains(&"account.recovery_code_used".to_owned()));
}

#[tokio::test]
async fn the_code_step_needs_a_password_first_and_guesses_are_limited_per_account() {
    let app = shop().await;
    let owner = app.signed_in_as("owner@example.com").await;
    turn_on(&app, &owner, "owner@example.com").await;
    pass(&app, 30);

    // Without the password step there is nothing to finish.
    let res = app
        .other_client()
        .call("accounts/sign_in_code", &[("code", "123456")])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "sign_in_again"));

    // Not a code at all: said so, and it costs no attempt.
    let guesser = app.other_client();
    guesser
        .sign_in("owner@example.com", demo::DEMO_PASSWORD)
        .await;
    let res = guesser
        .call("accounts/sign_in_code", &[("code", "12345")])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "code_invalid"));

    // Five wrong codes, then even the right one waits, from any browser.
    let right = code_of(&app, "owner@example.com", 0).await;
    let mut wrong = (0..)
        .map(|n: u32| format!("{:06}", n))
        .filter(|c| *c != right);
    for _ in 0..5 {
        let c = wrong.next().expect("a wrong code");
        let res = guesser.call("accounts/sign_in_code", &[("code", &c)]).await;
        assert_eq!(res.status(), 422);
    }
    let res = guesser
        .call(
            "accounts/sign_in_code",
            &[("code", &wrong.next().expect("code"))],
        )
        .await;
    assert_eq!(res.status(), 429);
    let other = app.other_client_at("127.0.0.2");
    other
        .sign_in("owner@example.com", demo::DEMO_PASSWORD)
        .await;
    let res = other
        .call("accounts/sign_in_code", &[("code", &right)])
        .await;
    assert_eq!(res.status(), 429);
    assert_eq!(other.me().await, serde_json::Value::Null);
}

mod rule;
