//! What a real mail server answers besides 250: a temporary failure is tried again later (the
//! clock moved as a value), a bounce fails the message and suppresses the address, and a
//! campaign where most messages fail pauses itself.

use std::time::Duration;

use super::{draft, join, shop, smtp::Smtp, wait_finished};
use crate::helpers::json_of;

#[tokio::test]
async fn temporary_failures_retry_later_bounces_suppress_and_too_many_failures_pause() {
    let smtp = Smtp::faulty().await;
    let mail = server::mail::SmtpConfig::parse(
        &smtp.url(),
        "news@shop.example",
        Some("hello@shop.example"),
        1,
    )
    .expect("smtp config");
    let (app, db) = shop(mail).await;
    let start = app::db::Stamp::now();
    app.config.clock.set(start);
    for (email, name) in [
        ("busy@example.org", "Bo"),
        ("bounce@example.org", "Bea"),
        ("fine@example.org", "Fia"),
    ] {
        join(&app, email, name, "en").await;
    }
    smtp.wait_for(3).await; // the confirmations (service mail) all go through
    sqlx::query(
        "UPDATE users SET email_confirmed_at = created_at WHERE email LIKE '%@example.org'",
    )
    .execute(&db)
    .await
    .expect("confirmed");
    let owner = app.signed_in_as("owner@example.com").await;
    let id = draft(
        &owner,
        "Faults",
        &[("consent", "email")],
        "Hi {{ preferred_name }}",
        "Hello",
    )
    .await;
    json_of(&owner, "campaigns/send", &[("id", &id)]).await;

    // Fia's arrives; Bea's address does not exist (failed, suppressed); Bo's server says
    // "later": it waits for its next try, a minute on.
    let status_of = |email: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_as::<_, (String, i64, Option<String>)>(
                "SELECT status, attempts, last_error FROM outbox WHERE kind = 'campaign' AND address = $1",
            )
            .bind(email)
            .fetch_one(&db)
            .await
            .expect("row")
        }
    };
    // Each of the three has had its answer (on a busy machine Fia's may come last).
    for _ in 0..400 {
        let (bo, bea, fia) = (
            status_of("busy@example.org").await,
            status_of("bounce@example.org").await,
            status_of("fine@example.org").await,
        );
        if bo.2.is_some() && bea.0 == "failed" && fia.0 == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let bea = status_of("bounce@example.org").await;
    assert_eq!(bea.0, "failed");
    assert!(
        bea.2.as_deref().unwrap_or_default().contains("550"),
        "{bea:?}"
    );
    let reason: String =
        sqlx::query_scalar("SELECT reason FROM suppressions WHERE address = 'bounce@example.org'")
            .fetch_one(&db)
            .await
            .expect("suppressed");
    assert_eq!(reason, "hard_bounce");
    let bo = status_of("busy@example.org").await;
    assert_eq!((bo.0.as_str(), bo.1), ("queued", 1), "{bo:?}");
    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(
        camp["status"], "sending",
        "not finished while a retry waits: {camp}"
    );
    assert_eq!(camp["progress"]["sent"], 1);

    // Time passes (as a value): the retry goes out and the campaign finishes.
    app.config.clock.set(start.plus_secs(61));
    let done = wait_finished(&owner, &id).await;
    assert_eq!(
        (
            done["progress"]["sent"].as_i64(),
            done["progress"]["failed"].as_i64()
        ),
        (Some(2), Some(1)),
        "{done}"
    );
    assert_eq!(status_of("busy@example.org").await.1, 2, "one retry");
    // The results count Bea's as a bounce (Bo's retried one is not).
    assert_eq!(done["results"]["bounced"], 1, "{}", done["results"]);
    assert_eq!(done["results"]["not_sent"], 1);
    // Marketing mail only (the confirmations went to every address).
    let mails: Vec<_> = smtp
        .mails()
        .into_iter()
        .filter(|m| m.list_unsubscribe.is_some())
        .collect();
    assert_eq!(
        mails.iter().filter(|m| m.to == "busy@example.org").count(),
        1
    );
    assert!(mails.iter().all(|m| m.to != "bounce@example.org"));

    // A campaign where most fail pauses itself, and its workers stop at their next batch of
    // 16: 200 bounces among 202 leave plenty held. (Added straight to the database: 200
    // sign-ups would meet the per-address limit.)
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
         INSERT INTO users (email, password_hash, role, preferred_name, language, email_marketing,
             email_confirmed_at, created_at, updated_at)
         SELECT 'bounce' || i || '@example.net', '!', 'member', 'Bounce', 'en', 1,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n",
    )
    .execute(&db)
    .await
    .expect("members who bounce");
    let id = draft(&owner, "Bad list", &[("consent", "email")], "Hi", "Hello").await;
    json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    let mut camp = serde_json::Value::Null;
    for _ in 0..400 {
        camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
        if camp["status"] != "sending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(camp["status"], "paused", "{camp}");
    assert!(
        camp["progress"]["queued"].as_i64().unwrap_or(0) > 0,
        "held, not dropped: {camp}"
    );
}
