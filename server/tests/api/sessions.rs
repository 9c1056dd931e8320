//! Sessions: stored in SQLite, so they outlive a restart; cookie flags; expiry.

use crate::helpers::{spawn_app, spawn_with};

#[tokio::test]
async fn a_session_survives_a_server_restart_on_the_same_database() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    assert_eq!(app.me().await["name"], "Anna");
    let old_address = app.address.clone();
    let app = app.restart().await;
    assert_ne!(app.address, old_address, "a new server on a new port");
    assert_eq!(
        app.me().await["name"],
        "Anna",
        "still signed in after the restart"
    );
}

#[tokio::test]
async fn an_account_disabled_by_another_process_is_signed_out_within_the_keep_bound() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    assert_eq!(app.me().await["name"], "Anna", "remembered from here on");
    // Another connection (as the command line would): the server's update hook never sees it.
    sqlx::query(
        "UPDATE users SET disabled_at = '2026-01-01T00:00:00Z', session_epoch = session_epoch + 1
         WHERE email = 'anna@example.com'",
    )
    .execute(&app.db().await)
    .await
    .expect("disable");
    tokio::time::sleep(app::db::accounts::KEEP + std::time::Duration::from_millis(200)).await;
    assert_eq!(app.me().await, serde_json::Value::Null, "signed out");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_renewed_at_sign_in() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let cookie_of = |res: &reqwest::Response| {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("regulars_session="))
            .map(str::to_owned)
            .expect("session cookie set")
    };
    let first = cookie_of(&app.sign_in("anna@example.com", "password1").await);
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Lax"),
        "{first}"
    );
    assert!(!first.contains("Secure"), "not Secure on plain http");
    assert!(
        first.contains("Max-Age=") || first.contains("Expires="),
        "idle expiry: {first}"
    );
    let second = cookie_of(&app.sign_in("anna@example.com", "password1").await);
    let id = |c: &str| c.split(';').next().map(str::to_owned);
    assert_ne!(id(&first), id(&second), "a new session id at every sign-in");
}

#[tokio::test]
async fn secure_cookies_are_marked_secure() {
    let app = spawn_with(|c| c.secure_cookies = true).await;
    let res = app
        .sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("regulars_session=") && c.contains("Secure")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn a_session_past_its_absolute_lifetime_is_ended() {
    let app = spawn_with(|c| c.session_absolute = std::time::Duration::ZERO).await;
    assert_eq!(
        app.sign_up("anna@example.com", "password1", "Anna", "sv")
            .await
            .status(),
        200
    );
    assert_eq!(app.me().await, serde_json::Value::Null);
}

#[tokio::test]
async fn an_active_session_outlives_the_idle_timeout_and_an_idle_one_ends() {
    use std::time::Duration;
    // Idle after 4 s; an active session is saved again at most every 2 s.
    let app = spawn_with(|c| c.session_idle = Duration::from_secs(4)).await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(
            app.me().await["name"],
            "Anna",
            "still signed in while active"
        );
    }
    // Six seconds after signing in, well past 4 s: the deadline slid. Now idle for 4.5 s.
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    assert_eq!(
        app.me().await,
        serde_json::Value::Null,
        "ended after 4 s idle"
    );
}
