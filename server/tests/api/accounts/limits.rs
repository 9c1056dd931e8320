//! Sign-in limits under concurrency and from several addresses: attempts are counted before
//! the hash, strangers lock out only themselves, a password change is never blocked by
//! someone else's failures.

use super::*;
use tokio::io::AsyncWriteExt;

async fn anna() -> crate::helpers::TestApp {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    app
}

#[tokio::test]
async fn forty_concurrent_guesses_get_five_hashes_and_the_right_password_then_waits() {
    let app = anna().await;
    let attacker = app.other_client();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..40 {
        let c = attacker.other_client_sharing_session();
        guesses.spawn(async move {
            c.sign_in("anna@example.com", &format!("guess {i}"))
                .await
                .status()
                .as_u16()
        });
    }
    let statuses = guesses.join_all().await;
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (wrong, refused),
        (5, 35),
        "only five guesses reach the hash: {statuses:?}"
    );
    let res = attacker.sign_in("anna@example.com", "password1").await;
    assert_eq!(
        res.status(),
        429,
        "the right password from this client waits too"
    );
}

#[tokio::test]
async fn a_strangers_failures_do_not_lock_the_owner_out_elsewhere() {
    let app = anna().await;
    let owner = app.other_client_at("127.0.0.2");
    assert_eq!(
        owner
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        200
    );
    let stranger = app.other_client_at("127.0.0.3");
    for _ in 0..5 {
        let res = stranger.sign_in("anna@example.com", "guess-guess").await;
        assert_eq!(res.status(), 401);
    }
    assert_eq!(
        stranger
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        429
    );
    // The owner signs in from another address, and changes the password while signed in.
    let phone = app.other_client_at("127.0.0.4");
    assert_eq!(
        phone
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        200
    );
    let res = owner
        .call(
            "accounts/change_password",
            &[
                ("current_password", "password1"),
                ("new_password", "a new password"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "not blocked by the stranger's failures");
}

#[tokio::test]
async fn guesses_from_many_addresses_meet_the_accounts_own_limit() {
    let app = anna().await;
    // Ten times the per-client limit (5) across all clients.
    let mut statuses = Vec::new();
    for i in 0..11 {
        let c = app.other_client_at(&format!("127.0.1.{}", i + 1));
        for _ in 0..5 {
            statuses.push(
                c.sign_in("anna@example.com", "guess-guess")
                    .await
                    .status()
                    .as_u16(),
            );
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 50);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 5);
}

#[tokio::test]
async fn a_guess_whose_client_hangs_up_still_counts() {
    let app = anna().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let body = "email=anna%40example.com&password=guess-guess";
    for _ in 0..5 {
        let mut socket = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        let request = format!(
            "POST /api/accounts/sign_in HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(request.as_bytes()).await.expect("write");
        socket.flush().await.expect("flush");
        // Wait until the server has the request, then hang up without reading the answer.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        drop(socket);
    }
    let res = app
        .other_client()
        .sign_in("anna@example.com", "password1")
        .await;
    assert_eq!(res.status(), 429, "the abandoned guesses were counted");
}

#[tokio::test]
async fn an_address_that_cannot_be_one_is_refused_before_any_limit_or_hash() {
    let app = spawn_with(|c| c.sign_in_limit_ip = 3).await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let long = format!("{}@example.com", "a".repeat(10_000));
    for email in ["not an email", "", long.as_str(), "a@b"] {
        let res = app.other_client().sign_in(email, "whatever1").await;
        assert_eq!(res.status(), 422, "{:.40}", email);
        assert_eq!(
            error_json(res).await,
            json!({"Validation": {"field": "email", "message_key": "email_invalid"}})
        );
    }
    assert_eq!(
        app.other_client()
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        200,
        "none of them used up the address's three attempts"
    );
}
