//! An A/B test over HTTP with a real SMTP server and a moved clock: its settings' errors,
//! variant B (not listed, not sent on its own, checked before the send), each variant to
//! exactly its share of 100 consecutive members beside the control group, the campaign
//! waiting for the winner, the clicks that decide it, and the winner going to the rest.

use std::time::Duration;

use super::{draft, wait_finished};
use crate::helpers::{error_json, field_error, json_of};
use app::db::Stamp;
use serde_json::Value;

#[tokio::test]
async fn an_ab_test_sends_each_variant_to_its_share_and_the_winner_to_the_rest() {
    let (smtp, app) = super::journey_shop().await;
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    sqlx::query("UPDATE users SET email_marketing = 0 WHERE email LIKE '%@example.com'")
        .execute(&pool)
        .await
        .expect("demo members opt out");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
         INSERT INTO users (email, password_hash, role, preferred_name, language, created_at,
                            updated_at, email_marketing, email_confirmed_at)
         SELECT 't' || i || '@example.org', '!', 'member', 'T' || i, 'en',
                '2026-01-01T12:00:00Z', '2026-01-01T12:00:00Z', 1, '2026-01-01T12:00:00Z'
         FROM n ORDER BY i",
    )
    .execute(&pool)
    .await
    .expect("members");
    let start = Stamp::utc(2026, 4, 10, 12, 0, 0);
    app.config.clock.set(start);
    let id = draft(
        &manager,
        "Spring",
        &[("consent", "email")],
        "Subject A",
        "A: https://example.net/a",
    )
    .await;
    let segment = sqlx::query_scalar::<_, i64>("SELECT id FROM segments WHERE name = 'Spring'")
        .fetch_one(&pool)
        .await
        .expect("segment")
        .to_string();
    let settings = async |share: &str, hours: &str, metric: &str| {
        manager
            .call(
                "campaigns/update",
                &[
                    ("id", id.as_str()),
                    ("name", "Spring"),
                    ("segment_id", segment.as_str()),
                    ("holdout_pct", "10"),
                    ("ab_pct", share),
                    ("ab_hours", hours),
                    ("ab_metric", metric),
                ],
            )
            .await
    };
    for (share, hours, metric, field, key) in [
        ("26", "4", "clicks", "ab_pct", "share_invalid"),
        ("20", "0", "clicks", "ab_hours", "ab_hours_invalid"),
        ("20", "4", "opens", "ab_metric", "choice_invalid"),
    ] {
        let res = settings(share, hours, metric).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(error_json(res).await, field_error(field, key));
    }
    let saved: Value = settings("20", "4", "clicks")
        .await
        .json()
        .await
        .expect("json");
    let b = saved["ab"]["variant"].as_i64().expect("variant B");
    let b_id = b.to_string();
    // B starts as a copy of A; it is not a campaign of its own.
    let variant = json_of(&manager, "campaigns/get", &[("id", &b_id)]).await;
    assert_eq!(variant["variant_of"][1], "Spring");
    assert_eq!(variant["messages"][0]["subject"], "Subject A");
    let list = json_of(&manager, "campaigns/list", &[]).await;
    assert!(!list.as_array().expect("list").iter().any(|c| c["id"] == b));
    assert_eq!(
        manager
            .call("campaigns/send", &[("id", &b_id)])
            .await
            .status(),
        409
    );
    // B's message must be ready before the campaign goes.
    json_of(
        &manager,
        "campaigns/message",
        &[
            ("id", &b_id),
            ("language", "en"),
            ("subject", "Subject B"),
            ("preheader", ""),
            ("body", "B {{ no_such_variable }}: https://example.net/b"),
        ],
    )
    .await;
    let res = manager.call("campaigns/send", &[("id", &id)]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "variant_not_ready"
    );
    json_of(
        &manager,
        "campaigns/message",
        &[
            ("id", &b_id),
            ("language", "en"),
            ("subject", "Subject B"),
            ("preheader", ""),
            ("body", "B: https://example.net/b"),
        ],
    )
    .await;

    // Sent: 10 held back, 20 get A, 20 get B; the other 50 wait for the winner.
    json_of(&manager, "campaigns/send", &[("id", &id)]).await;
    let mails = smtp.wait_for(40).await;
    let of = |subject: &str| {
        mails
            .iter()
            .filter(|m| m.subject == subject)
            .collect::<Vec<_>>()
    };
    let (a_mails, b_mails) = (of("Subject A"), of("Subject B"));
    assert_eq!((a_mails.len(), b_mails.len()), (20, 20));
    let c = poll(&manager, &id, |c| {
        c["ab"]["b"]["sent"] == 20 && c["ab"]["a"]["sent"] == 20
    })
    .await;
    assert_eq!(c["status"], "sending", "waits for the winner: {c}");
    assert_eq!(c["results"]["held_out"], 10);
    assert_eq!(c["ab"]["winner"], Value::Null);
    assert_eq!(
        c["ab"]["decide_at"], "2026-04-10 18:00",
        "four hours on, in Stockholm"
    );

    // Three of B's readers click, one of A's.
    for m in b_mails.iter().take(3).chain(a_mails.iter().take(1)) {
        super::click(&app, m).await;
    }
    let c = poll(&manager, &id, |c| c["ab"]["b"]["clicked"] == 3).await;
    assert_eq!(c["ab"]["a"]["clicked"], 1);
    // Before the wait is over the job decides nothing.
    assert_eq!(decide(&app, start.plus_secs(4 * 3600 - 60)).await, 0);
    assert_eq!(
        json_of(&manager, "campaigns/get", &[("id", &id)]).await["ab"]["winner"],
        Value::Null
    );
    // After it, B wins and goes to the other 50; the campaign finishes.
    app.config.clock.set(start.plus_secs(4 * 3600));
    let done = wait_finished(&manager, &id).await;
    assert_eq!(done["ab"]["winner"], "b", "{done}");
    let mails = smtp.wait_for(90).await;
    let subjects = |s: &str| mails.iter().filter(|m| m.subject == s).count();
    assert_eq!((subjects("Subject A"), subjects("Subject B")), (20, 70));
    // Nobody twice, nobody of the control group.
    let mut to: Vec<&str> = mails.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    to.dedup();
    assert_eq!(to.len(), 90);
    assert_eq!(done["results"]["sent"], 90);
    // The arms count only the test's messages.
    assert_eq!(done["ab"]["b"]["sent"], 20);
}

/// Runs the test-deciding job at `now` (the server's own runs every few seconds).
async fn decide(app: &crate::helpers::TestApp, now: Stamp) -> u64 {
    let db = server::open_database(&app.config).await.expect("db");
    let decided = db
        .write(move |tx| Box::pin(async move { app::campaigns::ab_db::decide_due(tx, now).await }))
        .await
        .expect("decide");
    db.close().await;
    decided
}

async fn poll(c: &crate::helpers::TestApp, id: &str, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..400 {
        let camp = json_of(c, "campaigns/get", &[("id", id)]).await;
        if ok(&camp) {
            return camp;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "campaign {id} never got there: {}",
        json_of(c, "campaigns/get", &[("id", id)]).await
    );
}
