//! Before sending: what is queued is checked again at send time, pausing holds it and
//! cancelling drops it (no SMTP configured, so the outbox can be looked at).

use super::{draft, join};
use crate::helpers::{json_of, spawn_with};

#[tokio::test]
async fn a_member_who_unsubscribes_after_queueing_is_not_sent_and_a_cancel_drops_the_rest() {
    // No SMTP: messages wait in the outbox, so what happens before sending can be looked at.
    let app = spawn_with(|_| {}).await.with_demo().await;
    join(&app, "sven@example.org", "Sven", "sv").await;
    join(&app, "ilze@example.org", "Ilze", "lv").await;
    let db = app.db().await;
    // No SMTP here, so the confirmations wait in the outbox: out of this test's way (the
    // first test follows them); the addresses count as confirmed.
    sqlx::query("DELETE FROM outbox WHERE kind = 'confirm_email'")
        .execute(&db)
        .await
        .expect("set up by this test");
    sqlx::query(
        "UPDATE users SET email_confirmed_at = created_at WHERE email LIKE '%@example.org'",
    )
    .execute(&db)
    .await
    .expect("set up by this test");
    let owner = app.signed_in_as("owner@example.com").await;
    let id = draft(
        &owner,
        "Swedish, no points yet",
        &[("language", "sv"), ("balance_below", "1")],
        "Sale",
        "Sale",
    )
    .await;
    json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, token FROM outbox WHERE kind = 'campaign'")
            .fetch_all(&db)
            .await
            .expect("set up by this test");
    assert_eq!(
        rows.len(),
        1,
        "Sven; Anna speaks Swedish too, but has points"
    );
    // He unsubscribes through the preference page of an earlier message.
    let res = app
        .call(
            "preferences/save",
            &[("token", &rows[0].1), ("channels", "email,sms")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let suppressed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM suppressions WHERE address = 'sven@example.org'")
            .fetch_one(&db)
            .await
            .expect("set up by this test");
    assert_eq!(suppressed, 1);
    // At send time the worker composes nothing for him.
    let claimed = server_db(&app).await;
    assert_eq!(claimed, vec!["suppressed".to_owned()]);
    // A cancel of a finished campaign is refused; the sweep finished it.
    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(camp["status"], "finished", "{camp}");
    assert_eq!(
        owner
            .call("campaigns/control", &[("id", &id), ("action", "cancel")])
            .await
            .status(),
        409
    );
    // Pausing holds what is queued, cancelling drops it.
    let id = draft(&owner, "Everyone", &[], "Big", "Big").await;
    let sent = json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    let queued = sent["progress"]["queued"].as_i64().expect("queued");
    assert!(queued >= 2, "Ilze and the demo members: {sent}");
    let paused = json_of(
        &owner,
        "campaigns/control",
        &[("id", &id), ("action", "pause")],
    )
    .await;
    assert_eq!(paused["status"], "paused");
    let cancelled = json_of(
        &owner,
        "campaigns/control",
        &[("id", &id), ("action", "cancel")],
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["progress"]["queued"], 0);
    assert_eq!(cancelled["progress"]["cancelled"], queued);
}

/// Claims the due rows as a worker would and records what composing them gives.
async fn server_db(app: &crate::helpers::TestApp) -> Vec<String> {
    use app::outbox::{
        Outcome, claim,
        compose::{Skip, compose},
        context::Cache,
        record,
    };
    let db = server::open_database(&app.config).await.expect("db");
    let now = app::db::Stamp::now();
    let rows = db
        .write(move |tx| Box::pin(async move { Ok(claim(tx, "email", now, 60, 10).await?) }))
        .await
        .expect("set up by this test");
    let mut results = Vec::new();
    let mut cache = Cache::default();
    for row in rows {
        let mut conn = db.reader.acquire().await.expect("set up by this test");
        let outcome = match compose(&mut conn, &mut cache, &row, "http://x", "x", now)
            .await
            .expect("set up by this test")
        {
            Err(Skip::Suppressed) => Outcome::Suppressed,
            other => panic!("expected suppressed, got {other:?}"),
        };
        results.push((row, outcome));
    }
    db.write(move |tx| Box::pin(async move { Ok(record(tx, &results, now).await?) }))
        .await
        .expect("set up by this test");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM outbox WHERE kind = 'campaign'")
            .fetch_all(&db.reader)
            .await
            .expect("set up by this test");
    db.close().await;
    statuses
}
