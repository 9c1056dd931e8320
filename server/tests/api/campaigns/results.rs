//! A campaign's results over HTTP with a real SMTP server on loopback and a moved clock: the
//! control group (exactly 10 of 100 consecutive reachable members, none below 100 reachable,
//! another group for the next campaign), the settings' errors, and what the messages brought
//! by last touch within the window — purchases less refunds, points earned and redeemed,
//! unsubscribes through the message — beside the control group, also as CSV.

use super::{draft, journeys::buy, wait_finished};
use crate::helpers::{TestApp, error_json, field_error, json_of, unique};
use app::db::Stamp;

#[tokio::test]
async fn a_campaign_keeps_a_control_group_and_counts_purchases_by_last_touch() {
    let (smtp, app) = super::journey_shop().await;
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let main: i64 = sqlx::query_scalar("SELECT id FROM locations WHERE name = 'Main Street'")
        .fetch_one(&pool)
        .await
        .expect("location");
    // The shop's own members take no offers; 100 members in a row who do, every tenth reading
    // Swedish.
    sqlx::query("UPDATE users SET email_marketing = 0 WHERE email LIKE '%@example.com'")
        .execute(&pool)
        .await
        .expect("demo members opt out");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
         INSERT INTO users (email, password_hash, role, preferred_name, language, created_at,
                            updated_at, email_marketing, email_confirmed_at)
         SELECT 'm' || i || '@example.org', '!', 'member', 'M' || i,
                CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'en' END,
                '2026-01-01T12:00:00Z', '2026-01-01T12:00:00Z', 1, '2026-01-01T12:00:00Z'
         FROM n ORDER BY i",
    )
    .execute(&pool)
    .await
    .expect("members");
    sqlx::query(
        "INSERT INTO member_balances (member_id, balance, updated_at)
         SELECT id, 0, created_at FROM users WHERE email LIKE '%@example.org'",
    )
    .execute(&pool)
    .await
    .expect("balances");

    // Ten reachable members are too few for a control group: all ten get it.
    app.config.clock.set(Stamp::utc(2026, 4, 9, 12, 0, 0));
    let few = draft(&manager, "Few", &[("language", "sv")], "Hej", "Rea").await;
    json_of(&manager, "campaigns/send", &[("id", &few)]).await;
    let done = wait_finished(&manager, &few).await;
    assert_eq!(
        (
            done["results"]["sent"].as_i64(),
            done["results"]["held_out"].as_i64()
        ),
        (Some(10), Some(0)),
        "{done}"
    );
    smtp.wait_for(10).await;

    // The settings: each bad number is its field's error.
    app.config.clock.set(Stamp::utc(2026, 4, 10, 12, 0, 0));
    let id = draft(
        &manager,
        "Spring",
        &[("consent", "email")],
        "Spring",
        "Come by",
    )
    .await;
    let segment = sqlx::query_scalar::<_, i64>("SELECT id FROM segments WHERE name = 'Spring'")
        .fetch_one(&pool)
        .await
        .expect("segment")
        .to_string();
    let settings = async |holdout: &str, window: &str| {
        manager
            .call(
                "campaigns/update",
                &[
                    ("id", id.as_str()),
                    ("name", "Spring"),
                    ("segment_id", segment.as_str()),
                    ("holdout_pct", holdout),
                    ("window_days", window),
                ],
            )
            .await
    };
    let res = settings("51", "5").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("holdout_pct", "holdout_invalid")
    );
    let res = settings("10", "0").await;
    assert_eq!(
        error_json(res).await,
        field_error("window_days", "days_invalid")
    );
    let saved: serde_json::Value = settings("10", "5").await.json().await.expect("json");
    assert_eq!(
        (saved["holdout_pct"].as_i64(), saved["window_days"].as_i64()),
        (Some(10), Some(5))
    );

    // Sent: a hundred reachable, so ten of them are kept back and get nothing.
    json_of(&manager, "campaigns/send", &[("id", &id)]).await;
    let done = wait_finished(&manager, &id).await;
    let r = &done["results"];
    assert_eq!(
        [&r["entered"], &r["held_out"], &r["sent"], &r["not_sent"]].map(|v| v.as_i64()),
        [Some(100), Some(10), Some(90), Some(0)],
        "{r}"
    );
    let mails = smtp.wait_for(100).await;
    let spring: Vec<_> = mails.iter().filter(|m| m.subject == "Spring").collect();
    assert_eq!(spring.len(), 90);
    let held: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.email FROM campaign_holdouts h JOIN users u ON u.id = h.user_id
         WHERE h.campaign_id = $1 ORDER BY u.id",
    )
    .bind(id.parse::<i64>().expect("id"))
    .fetch_all(&pool)
    .await
    .expect("control group");
    assert_eq!(held.len(), 10);
    assert!(spring.iter().all(|m| !held.iter().any(|(_, e)| *e == m.to)));

    let messaged: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, token FROM outbox WHERE campaign_id = $1 AND status = 'sent'
         ORDER BY user_id LIMIT 5",
    )
    .bind(id.parse::<i64>().expect("id"))
    .fetch_all(&pool)
    .await
    .expect("messaged");
    let [a, a2, a3, a4] = [0, 1, 2, 3].map(|i| messaged[i].0);
    let h = held[0].0;
    // A later message reaches A3 before she buys: her purchase is that message's.
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
    json_of(
        &staff,
        "loyalty/refund",
        &[
            ("purchase_id", &p2["purchase"]["id"].to_string()),
            ("amount", "4"),
            ("confirm", "true"),
            ("idempotency_key", &format!("results-refund-{}", unique())),
        ],
    )
    .await;
    buy(&staff, a3, "30", main).await;
    buy(&staff, h, "15", main).await;
    // A spends 12 of her points at the counter.
    json_of(
        &staff,
        "loyalty/redeem",
        &[
            ("member_id", &a.to_string()),
            ("points", "12"),
            ("reason", ""),
            ("idempotency_key", &format!("results-redeem-{}", unique())),
        ],
    )
    .await;
    app.config.clock.set(Stamp::utc(2026, 4, 13, 12, 0, 0));
    buy(&staff, a, "5", main).await;
    // A5 unsubscribes with the message's one-click link.
    let res = reqwest::Client::new()
        .post(app.url(&format!("/u/{}", messaged[4].1)))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("unsubscribe");
    assert_eq!(res.status(), 200);
    // Ten days after the message: outside the five-day window.
    app.config.clock.set(Stamp::utc(2026, 4, 20, 12, 0, 0));
    buy(&staff, a4, "40", main).await;

    let r = json_of(&manager, "campaigns/get", &[("id", &id)]).await["results"].clone();
    let figures = [
        "bought",
        "purchases",
        "revenue_minor",
        "points",
        "redeemed",
        "unsubscribed",
        "bounced",
        "held_out_bought",
    ];
    let got: Vec<i64> = figures.iter().map(|f| r[f].as_i64().expect(f)).collect();
    // A (€20 + €5) and A2 (€10, €4 refunded); a point per euro; A redeemed 12.
    assert_eq!(got, [2, 3, 3100, 31, 12, 1, 0, 1], "{r}");

    // The same as CSV, for managers and owners only.
    let get =
        async |c: &TestApp, path: &str| c.client.get(app.url(path)).send().await.expect("download");
    let path = format!("/console/campaigns/{id}/results.csv");
    let res = get(&manager, &path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().expect("type"),
        "text/csv; charset=utf-8"
    );
    let csv = res.text().await.expect("csv");
    for line in [
        "entered,100",
        "held_out,10",
        "sent,90",
        "bought,2",
        "bought_rate_percent,2",
        "revenue_minor,3100",
        "points_redeemed,12",
        "held_out_rate_percent,10",
        "lift_points,-8",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in {csv}");
    }
    assert_eq!(get(&staff, &path).await.status(), 403);
    assert_eq!(
        get(&manager, "/console/campaigns/999/results.csv")
            .await
            .status(),
        404
    );

    // A5 unsubscribed: 99 reachable members are too few for a control group.
    app.config.clock.set(Stamp::utc(2026, 5, 1, 12, 0, 0));
    let few = draft(
        &manager,
        "April",
        &[("consent", "email")],
        "April",
        "Come by",
    )
    .await;
    let sent = json_of(&manager, "campaigns/send", &[("id", &few)]).await;
    assert_eq!(
        (
            sent["results"]["held_out"].as_i64(),
            sent["progress"]["queued"].as_i64()
        ),
        (Some(0), Some(99)),
        "{sent}"
    );
    // With one more member, the next campaign keeps another tenth back.
    sqlx::query(
        "INSERT INTO users (email, password_hash, role, preferred_name, language, created_at,
                            updated_at, email_marketing, email_confirmed_at)
         VALUES ('m101@example.org', '!', 'member', 'M101', 'en', '2026-01-01T12:00:00Z',
                 '2026-01-01T12:00:00Z', 1, '2026-01-01T12:00:00Z')",
    )
    .execute(&pool)
    .await
    .expect("one more");
    let next = draft(&manager, "May", &[("consent", "email")], "May", "Come by").await;
    json_of(&manager, "campaigns/send", &[("id", &next)]).await;
    let held_next: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM campaign_holdouts WHERE campaign_id = $1 ORDER BY user_id",
    )
    .bind(next.parse::<i64>().expect("id"))
    .fetch_all(&pool)
    .await
    .expect("control group");
    assert!((9..=11).contains(&held_next.len()), "{held_next:?}");
    let held_ids: Vec<i64> = held.iter().map(|(i, _)| *i).collect();
    assert_ne!(held_next, held_ids);
}
