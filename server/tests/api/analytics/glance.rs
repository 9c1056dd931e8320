//! Retention at a glance on hand-computed purchases: three new members added to the demo
//! shop change its figures by exactly what they bought (members buying, repeat buyers,
//! purchases, spend and refunds per month; active, buyers and churned now), whatever the
//! demo's own purchases are; and the shop's saved churn window and point value as the
//! glance and points pages' defaults.

use crate::helpers::{demo_shop, error_json, field_error, json_of};
use app::db::Stamp;
use serde_json::Value;

/// The figures the glance page gets for March and April 2026 with a churn window.
async fn glance(c: &crate::helpers::TestApp, churn_days: &str) -> Value {
    json_of(
        c,
        "analytics/glance",
        &[
            ("from", "2026-03"),
            ("to", "2026-04"),
            ("churn_days", churn_days),
        ],
    )
    .await
}

/// `after - before` for each of `keys` at the top level, or in month `i`.
pub(super) fn grew(before: &Value, after: &Value, at: Option<usize>, keys: &[&str]) -> Vec<i64> {
    let pick = |v: &Value| at.map_or_else(|| v.clone(), |i| v["months"][i].clone());
    let (b, a) = (pick(before), pick(after));
    keys.iter()
        .map(|k| a[*k].as_i64().unwrap_or(-1) - b[*k].as_i64().unwrap_or(-1))
        .collect()
}

/// Ada buys twice in April (at Main Street on the 2nd, at the Harbour on the 5th); Bo at Main
/// Street once in March (€5 of €20 refunded later) and once in April; Cy once, at the Harbour
/// on 20 December: 111 days before 10 April.
pub(super) async fn ada_bo_cy(s: &crate::helpers::DemoShop, pool: &sqlx::SqlitePool) {
    sqlx::query(
        "INSERT INTO users (email, password_hash, role, preferred_name, language, created_at, updated_at)
         VALUES ('ada@example.com', '!', 'member', 'Ada', 'en', '2025-11-01T12:00:00Z', '2025-11-01T12:00:00Z'),
                ('bo@example.com', '!', 'member', 'Bo', 'sv', '2025-11-01T12:00:00Z', '2025-11-01T12:00:00Z'),
                ('cy@example.com', '!', 'member', 'Cy', 'pt', '2025-11-01T12:00:00Z', '2025-11-01T12:00:00Z')",
    )
    .execute(pool)
    .await
    .expect("members");
    sqlx::query(
        "INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points, created_at)
         SELECT u.id, p.amount, 'EUR', CASE p.place WHEN 'main' THEN $1 ELSE $2 END, 1, 0, p.at
         FROM (SELECT 'ada@example.com' AS email, 1000 AS amount, 'main' AS place, '2026-04-02T12:00:00Z' AS at
               UNION ALL SELECT 'ada@example.com', 3000, 'harbour', '2026-04-05T12:00:00Z'
               UNION ALL SELECT 'bo@example.com', 2000, 'main', '2026-03-15T12:00:00Z'
               UNION ALL SELECT 'bo@example.com', 1000, 'main', '2026-04-08T12:00:00Z'
               UNION ALL SELECT 'cy@example.com', 4000, 'harbour', '2025-12-20T12:00:00Z') p
         JOIN users u ON u.email = p.email",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(pool)
    .await
    .expect("purchases");
    sqlx::query(
        "UPDATE purchases SET refunded_minor = 500
         WHERE created_at = '2026-03-15T12:00:00Z' AND amount_minor = 2000",
    )
    .execute(pool)
    .await
    .expect("refund");
}

#[tokio::test]
async fn the_glance_counts_what_three_members_bought() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    let before = glance(&s.manager, "100").await;
    let before_120 = glance(&s.manager, "120").await;
    assert_eq!(before["months"][0]["month"], "2026-03");
    assert_eq!(before["months"][1]["month"], "2026-04");
    assert_eq!(before["current"], "2026-04");

    ada_bo_cy(&s, &pool).await;

    let after = glance(&s.manager, "100").await;
    let month = [
        "members",
        "repeat_members",
        "purchases",
        "spend_minor",
        "refunded_minor",
    ];
    assert_eq!(
        grew(&before, &after, Some(0), &month),
        [1, 0, 1, 2000, 500],
        "March"
    );
    assert_eq!(
        grew(&before, &after, Some(1), &month),
        [2, 1, 3, 5000, 0],
        "April"
    );
    let now = ["active_30", "active_90", "buyers", "churned"];
    assert_eq!(grew(&before, &after, None, &now), [2, 2, 3, 1]);
    // With a 120-day window Cy has not stopped yet.
    let after_120 = glance(&s.manager, "120").await;
    assert_eq!(grew(&before_120, &after_120, None, &["churned"]), [0]);
    assert_eq!(after_120["churn_days"], 120);

    // The download has a line a month; staff below manager may not read it; a window that is
    // not whole days is the field's error.
    let csv = s
        .manager
        .client
        .get(
            s.app
                .url("/console/analytics/months.csv?from=2026-03&to=2026-04"),
        )
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("month,members_buying,repeat_members,"),
        "{csv}"
    );
    let march = &after["months"][0];
    assert!(
        lines[1].starts_with(&format!(
            "2026-03,{},{},",
            march["members"], march["repeat_members"]
        )),
        "{csv}"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert_eq!(s.staff.call("analytics/glance", &[]).await.status(), 403);
    let bad = s
        .manager
        .call("analytics/glance", &[("churn_days", "0")])
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        error_json(bad).await,
        field_error("churn_days", "days_invalid")
    );
}

#[tokio::test]
async fn the_shops_churn_window_and_point_value_are_the_pages_defaults() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let settings = |c| json_of(c, "analytics/settings", &[]);
    let saved = settings(&s.manager).await;
    assert_eq!(
        (
            &saved["churn_days"],
            &saved["value_of_100"],
            &saved["currency"]
        ),
        (&90.into(), &100.into(), &"EUR".into())
    );
    let churn_of = async |form: &[(&str, &str)]| {
        json_of(&s.manager, "analytics/glance", form).await["churn_days"].clone()
    };
    let value_of = async |form: &[(&str, &str)]| {
        json_of(&s.manager, "analytics/points", form).await["value_of_100"].clone()
    };
    assert_eq!(churn_of(&[]).await, 90);
    assert_eq!(value_of(&[]).await, 100);

    let save = async |c: &crate::helpers::TestApp, churn: &str, value: &str| {
        c.call(
            "analytics/settings_save",
            &[("churn_days", churn), ("value_of_100", value)],
        )
        .await
    };
    assert_eq!(save(&s.staff, "120", "0,35").await.status(), 403);
    assert_eq!(s.staff.call("analytics/settings", &[]).await.status(), 403);
    for (churn, value, field, key) in [
        ("0", "1", "churn_days", "days_invalid"),
        ("3651", "1", "churn_days", "days_invalid"),
        ("120", "a lot", "value_of_100", "amount_invalid"),
        ("120", "10000.01", "value_of_100", "amount_invalid"),
    ] {
        let bad = save(&s.manager, churn, value).await;
        assert_eq!(bad.status(), 422, "{churn} {value}");
        assert_eq!(error_json(bad).await, field_error(field, key));
    }
    assert_eq!(
        settings(&s.manager).await,
        saved,
        "nothing saved by a refusal"
    );

    assert_eq!(save(&s.manager, "120", "0,35").await.status(), 200);
    let now = settings(&s.manager).await;
    assert_eq!(
        (&now["churn_days"], &now["value_of_100"]),
        (&120.into(), &35.into())
    );
    assert_eq!(churn_of(&[]).await, 120, "the glance page's default");
    assert_eq!(
        churn_of(&[("churn_days", "30")]).await,
        30,
        "a view may name another"
    );
    assert_eq!(value_of(&[]).await, 35, "the points page's default");
    assert_eq!(value_of(&[("value_of_100", "2")]).await, 200);
    let audited: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'analytics.settings' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&s.app.db().await)
    .await
    .expect("audited");
    assert_eq!(audited, "churn_days=120 value_of_100=35");

    // Blank fields save the product's defaults again.
    assert_eq!(save(&s.manager, " ", "").await.status(), 200);
    assert_eq!(settings(&s.manager).await, saved);
}
