//! The win-back journey over HTTP with a real SMTP server on loopback and a clock the test
//! moves: who enters (lapsed, reachable, once ever or again after the re-entry days), the
//! control group (exactly 10 of 100 consecutive members), messages in each member's language,
//! running the job twice, and the purchases attributed to the message (within the window,
//! last touch, refunds taken off) beside the control group's.

use super::triggers::run;
use crate::helpers::{TestApp, error_json, field_error, json_of, rollup_drift, unique};
use app::db::Stamp;
use serde_json::Value;

async fn journey(c: &TestApp) -> Value {
    json_of(c, "journeys/get", &[("trigger", "win_back")]).await
}

async fn save(c: &TestApp, enabled: bool, wait: &str, reentry: &str) -> reqwest::Response {
    let mut form = vec![
        ("trigger", "win_back"),
        ("wait_days", wait),
        ("reentry_days", reentry),
        ("holdout_pct", "10"),
        ("window_days", "5"),
    ];
    if enabled {
        form.push(("enabled", "on"));
    }
    c.call("journeys/save", &form).await
}

pub(super) async fn buy(staff: &TestApp, member: i64, euros: &str, location: i64) -> Value {
    let res = crate::helpers::purchase(staff, member, euros, location, &[]).await;
    assert_eq!(res.status(), 200, "{}", crate::helpers::captured_log());
    res.json().await.expect("json")
}

async fn results_when_sent(c: &TestApp, sent: i64) -> Value {
    for _ in 0..400 {
        let j = journey(c).await;
        if j["results"]["sent"] == sent {
            return j["results"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "{sent} journey messages were not sent: {}",
        journey(c).await
    );
}

#[tokio::test]
async fn win_back_enters_lapsed_members_once_keeps_a_control_group_and_counts_what_came_back() {
    let (smtp, app) = super::journey_shop().await;
    app.config.clock.set(Stamp::utc(2026, 4, 10, 12, 0, 0));
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let main: i64 = sqlx::query_scalar("SELECT id FROM locations WHERE name = 'Main Street'")
        .fetch_one(&pool)
        .await
        .expect("location");
    // 100 members in a row who last bought on 15 February, every other one reading Swedish;
    // Ben, who bought on 1 April; Cai, lapsed but without consent to offers.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 102)
         INSERT INTO users (email, password_hash, role, preferred_name, language, created_at,
                            updated_at, email_marketing, email_confirmed_at)
         SELECT CASE i WHEN 101 THEN 'ben@example.org' WHEN 102 THEN 'cai@example.org'
                       ELSE 'lapsed' || i || '@example.org' END,
                '!', 'member', 'M' || i, CASE WHEN i % 2 = 0 THEN 'sv' ELSE 'en' END,
                '2025-11-01T12:00:00Z', '2025-11-01T12:00:00Z', i <> 102, '2025-11-01T12:00:00Z'
         FROM n ORDER BY i",
    )
    .execute(&pool)
    .await
    .expect("members");
    // What signing up gives every member: a balance.
    sqlx::query(
        "INSERT INTO member_balances (member_id, balance, updated_at)
         SELECT id, 0, created_at FROM users WHERE email LIKE '%@example.org'",
    )
    .execute(&pool)
    .await
    .expect("balances");
    sqlx::query(
        "INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points, created_at)
         SELECT id, 1000, 'EUR', $1, 1, 0,
                CASE email WHEN 'ben@example.org' THEN '2026-04-01T12:00:00Z' ELSE '2026-02-15T12:00:00Z' END
         FROM users WHERE email LIKE '%@example.org' ORDER BY id",
    )
    .bind(main)
    .execute(&pool)
    .await
    .expect("purchases");

    // Not without a message in the shop's language; bad numbers are their field's error.
    let res = save(&manager, true, "30", "").await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "message_missing"
    );
    let res = save(&manager, true, "0", "").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("wait_days", "wait_invalid")
    );
    let campaign_id = journey(&manager).await["campaign"]["id"]
        .as_i64()
        .expect("its campaign");
    let campaign = campaign_id.to_string();
    for (language, subject) in [
        ("en", "We miss you, {{ preferred_name }}"),
        ("sv", "Vi saknar dig, {{ preferred_name }}"),
    ] {
        json_of(
            &manager,
            "campaigns/message",
            &[
                ("id", &campaign),
                ("language", language),
                ("subject", subject),
                ("preheader", ""),
                ("body", "Come back: https://example.net/back"),
            ],
        )
        .await;
    }
    // Its messages are not a campaign of their own: not listed, not sent as one.
    let list = json_of(&manager, "campaigns/list", &[]).await;
    assert!(
        !list
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == campaign_id),
        "{list}"
    );
    assert_eq!(
        manager
            .call("campaigns/send", &[("id", &campaign)])
            .await
            .status(),
        409
    );
    // Staff may not touch journeys.
    assert_eq!(
        staff
            .call("journeys/get", &[("trigger", "win_back")])
            .await
            .status(),
        403
    );

    let res = save(&manager, true, "30", "").await;
    assert_eq!(res.status(), 200);
    let r = res.json::<Value>().await.expect("json")["results"].clone();
    assert_eq!(
        (r["entered"].as_i64(), r["held_out"].as_i64()),
        (Some(100), Some(10)),
        "{r}"
    );
    let r = results_when_sent(&manager, 90).await;
    assert_eq!(r["not_sent"], 0);
    let mails = smtp.wait_for(90).await;
    assert_eq!(mails.len(), 90);
    let held: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.email FROM journey_entries e JOIN users u ON u.id = e.user_id
         WHERE e.held_out = 1 ORDER BY u.id",
    )
    .fetch_all(&pool)
    .await
    .expect("control group");
    assert_eq!(held.len(), 10);
    for m in &mails {
        assert!(m.to.starts_with("lapsed"), "{}", m.to);
        assert!(
            !held.iter().any(|(_, e)| *e == m.to),
            "{} is in the control group",
            m.to
        );
        assert!(
            m.list_unsubscribe.is_some(),
            "marketing: one-click unsubscribe"
        );
        let n: i64 =
            m.to.trim_start_matches("lapsed")
                .trim_end_matches("@example.org")
                .parse()
                .expect("n");
        let expected = if n % 2 == 0 {
            format!("Vi saknar dig, M{n}")
        } else {
            format!("We miss you, M{n}")
        };
        assert_eq!(m.subject, expected);
    }
    // Running the job again at the same moment changes nothing.
    assert_eq!(run(&app, Stamp::utc(2026, 4, 10, 12, 0, 0)).await, 0);
    assert_eq!(journey(&manager).await["results"]["entered"], 100);

    let messaged: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM journey_entries WHERE held_out = 0 ORDER BY user_id LIMIT 4",
    )
    .fetch_all(&pool)
    .await
    .expect("messaged");
    let (a, a2, a3, a4) = (messaged[0], messaged[1], messaged[2], messaged[3]);
    let h = held[0].0;
    // A later campaign reaches A3 before they buy: the purchase is that campaign's.
    sqlx::query(
        "INSERT INTO outbox (kind, user_id, channel, address, language, dedupe_key, token, status,
                             next_attempt_at, created_at, sent_at)
         VALUES ('campaign', $1, 'email', 'x', 'en', 'later', 'later', 'sent', '2026-04-11T12:00:00Z',
                 '2026-04-11T12:00:00Z', '2026-04-11T12:00:00Z')",
    )
    .bind(a3)
    .execute(&pool)
    .await
    .expect("a later message");
    app.config.clock.set(Stamp::utc(2026, 4, 12, 12, 0, 0));
    buy(&staff, a, "20", main).await;
    let p2 = buy(&staff, a2, "10", main).await;
    let key = format!("journey-refund-{}", unique());
    json_of(
        &staff,
        "loyalty/refund",
        &[
            ("purchase_id", &p2["purchase"]["id"].to_string()),
            ("amount", "4"),
            ("confirm", "true"),
            ("idempotency_key", &key),
        ],
    )
    .await;
    buy(&staff, a3, "30", main).await;
    buy(&staff, h, "15", main).await;
    app.config.clock.set(Stamp::utc(2026, 4, 13, 12, 0, 0));
    buy(&staff, a, "5", main).await;
    // Ten days after the message: outside the five-day window.
    app.config.clock.set(Stamp::utc(2026, 4, 20, 12, 0, 0));
    buy(&staff, a4, "40", main).await;

    let r = journey(&manager).await["results"].clone();
    let figures = [
        "bought",
        "purchases",
        "revenue_minor",
        "points",
        "held_out_bought",
    ];
    let got: Vec<i64> = figures.iter().map(|f| r[f].as_i64().expect(f)).collect();
    // A (€20 + €5) and A2 (€10, €4 refunded); a point per euro.
    assert_eq!(got, [2, 3, 3100, 31, 1], "{r}");

    // Ben's 30 days pass on 1 May: the job enters him then, and nobody twice.
    assert_eq!(run(&app, Stamp::utc(2026, 4, 30, 12, 0, 0)).await, 0);
    app.config.clock.set(Stamp::utc(2026, 5, 2, 12, 0, 0));
    assert_eq!(run(&app, Stamp::utc(2026, 5, 2, 12, 0, 0)).await, 1);
    let ben: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ben@example.org'")
        .fetch_one(&pool)
        .await
        .expect("ben");
    app.config.clock.set(Stamp::utc(2026, 5, 3, 12, 0, 0));
    buy(&staff, ben, "8", main).await;
    // Once ever: those who bought in April lapse again by 20 May and stay out.
    assert_eq!(run(&app, Stamp::utc(2026, 5, 25, 12, 0, 0)).await, 0);
    // Again after 60 days: A buys on 26 May and lapses on 25 June; she entered on 10 April,
    // so she enters again. Ben lapses on 2 June, but entered on 2 May: he stays out.
    app.config.clock.set(Stamp::utc(2026, 5, 26, 12, 0, 0));
    assert_eq!(save(&manager, true, "30", "60").await.status(), 200);
    buy(&staff, a, "6", main).await;
    assert_eq!(run(&app, Stamp::utc(2026, 6, 30, 12, 0, 0)).await, 1);
    let twice: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM journey_entries GROUP BY user_id HAVING count(*) = 2 ORDER BY user_id",
    )
    .fetch_all(&pool)
    .await
    .expect("twice");
    assert_eq!(twice, [a]);
    let cai: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM journey_entries e JOIN users u ON u.id = e.user_id
         WHERE u.email = 'cai@example.org'",
    )
    .fetch_one(&pool)
    .await
    .expect("cai");
    assert_eq!(cai, 0);
    // A clicks the link in her message; then she closes her account: her entries, messages
    // and clicks go with it.
    let a_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(a)
        .fetch_one(&pool)
        .await
        .expect("email");
    let mail = mails.iter().find(|m| m.to == a_email).expect("A's message");
    super::click(&app, mail).await;
    assert_eq!(journey(&manager).await["results"]["clicked"], 1);
    let db = server::open_database(&app.config).await.expect("db");
    let closed = db
        .write(move |tx| {
            Box::pin(async move {
                Ok(app::members::own_data::close(tx, a, Stamp::utc(2026, 7, 1, 12, 0, 0)).await?)
            })
        })
        .await
        .expect("closed");
    db.close().await;
    assert!(closed);
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM journey_entries WHERE user_id = $1)
              + (SELECT count(*) FROM outbox WHERE user_id = $1)",
    )
    .bind(a)
    .fetch_one(&pool)
    .await
    .expect("left");
    assert_eq!(left, 0);
    assert_eq!(journey(&manager).await["results"]["clicked"], 0);
    // Switched off, nobody enters.
    assert_eq!(save(&manager, false, "30", "60").await.status(), 200);
    assert_eq!(run(&app, Stamp::utc(2026, 7, 30, 12, 0, 0)).await, 0);
    assert!(rollup_drift(&pool).await.is_empty());
}
