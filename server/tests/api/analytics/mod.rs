//! Roll-ups in the shop's time (member-month, cohort-month, cohort sizes, day and location):
//! hand-computed months and days across a summer-time change, whatever writes the purchase
//! (the counter's API or plain SQL), refunds where the purchase was made, agreement with a
//! full recomputation on random data, and a time-zone change that moves every month and day.

mod glance;
mod guests;
mod locations;
mod rfm;
mod seed;

use crate::helpers::{demo_shop, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::{Value, json};

/// `(month, members, purchases, spend, refunded)` of one cohort, month by month.
async fn cohort(pool: &sqlx::SqlitePool, cohort: &str) -> Vec<(String, i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT month, members, purchases, spend_minor, refunded_minor FROM cohort_months
         WHERE cohort = $1 ORDER BY month",
    )
    .bind(cohort)
    .fetch_all(pool)
    .await
    .expect("cohort")
}

#[tokio::test]
async fn shop_time_rollups_follow_the_ledger_and_the_time_zone() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    let set_zone = |zone: &'static str| crate::helpers::set_program_zone(&s.manager, zone);
    set_zone("Europe/Riga").await;
    // Vera joins at 23:30 UTC on 31 January: 1 February in Riga (UTC+2).
    let vera: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, preferred_name, language, created_at, updated_at)
         VALUES ('vera@example.com', '!', 'member', 'Vera', 'lv', '2026-01-31T23:30:00Z', '2026-01-31T23:30:00Z')
         RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("Vera");
    sqlx::query("INSERT INTO member_balances (member_id, balance, updated_at) VALUES ($1, 0, '2026-01-31T23:30:00Z')")
        .bind(vera)
        .execute(&pool)
        .await
        .expect("Vera's balance");
    let joined: i64 = sqlx::query_scalar("SELECT joined FROM cohorts WHERE cohort = '2026-02'")
        .fetch_one(&pool)
        .await
        .expect("cohort 2026-02");
    assert_eq!(joined, 1);
    // 22:30 UTC on 28 March is 00:30 on the 29th in Riga (still UTC+2); 21:30 UTC on
    // 31 March is 00:30 on 1 April (UTC+3 since the 29th); the third is at the counter.
    sqlx::query(
        "INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points, created_at)
         VALUES ($1, 1000, 'EUR', $2, 1, 0, '2026-03-28T22:30:00Z'),
                ($1, 2500, 'EUR', $3, 1, 0, '2026-03-31T21:30:00Z')",
    )
    .bind(vera)
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("purchases");
    let bought: Value = s
        .staff
        .call(
            "loyalty/purchase",
            &[
                ("member_id", vera.to_string().as_str()),
                ("amount", "7.00"),
                ("currency", "EUR"),
                ("confirm", "true"),
                ("location_id", s.harbour.to_string().as_str()),
                ("full_price", "true"),
                ("idempotency_key", "analytics-vera-1"),
            ],
        )
        .await
        .json()
        .await
        .expect("purchase");
    assert!(bought["purchase"]["id"].as_i64().is_some(), "{bought}");
    // Half of the April purchase made at midnight comes back.
    sqlx::query(
        "UPDATE purchases SET refunded_minor = 1250 WHERE member_id = $1 AND amount_minor = 2500",
    )
    .bind(vera)
    .execute(&pool)
    .await
    .expect("refund");
    assert_eq!(
        cohort(&pool, "2026-02").await,
        vec![
            ("2026-03".into(), 1, 1, 1000, 0),
            ("2026-04".into(), 1, 2, 3200, 1250),
        ]
    );
    let days: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT day, location_id, purchases, spend_minor, refunded_minor FROM location_days
         WHERE day IN ('2026-03-28', '2026-03-29', '2026-03-31', '2026-04-01', '2026-04-10')
         ORDER BY day, location_id",
    )
    .fetch_all(&pool)
    .await
    .expect("days");
    assert_eq!(
        days,
        vec![
            ("2026-03-29".into(), s.main_street, 1, 1000, 0),
            ("2026-04-01".into(), s.harbour, 1, 2500, 1250),
            ("2026-04-10".into(), s.harbour, 1, 700, 0),
        ]
    );

    // The cohort page and its download: Vera's cohort bought in its second and third month
    // (the current month is April).
    let mut page = json_of(
        &s.manager,
        "analytics/cohorts",
        &[("from", "2026-02"), ("to", "2026-02")],
    )
    .await;
    // For the whole shop (its locations are the page's choices).
    let place = page.as_object_mut().and_then(|p| p.remove("location"));
    assert_eq!(place, Some(serde_json::Value::Null));
    page.as_object_mut().and_then(|p| p.remove("locations"));
    assert_eq!(
        page,
        json!({"from": "2026-02", "to": "2026-02", "current": "2026-04",
               "rows": [{"cohort": "2026-02", "joined": 1, "buying": [0, 1, 1]}]})
    );
    let csv = s
        .manager
        .client
        .get(
            s.app
                .url("/console/analytics/cohorts.csv?from=2026-02&to=2026-03"),
        )
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().ok(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        csv.text().await.expect("body"),
        "cohort,joined,month,months_since_joining,members_buying,share_percent\n\
         2026-02,1,2026-02,0,0,0\n\
         2026-02,1,2026-03,1,1,100\n\
         2026-02,1,2026-04,2,1,100\n"
    );
    // Staff below manager may not read it; a month that is not one is the field's error.
    let staff = s
        .staff
        .client
        .get(s.app.url("/console/analytics/cohorts.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(staff.status(), 403);
    assert_eq!(s.staff.call("analytics/cohorts", &[]).await.status(), 403);
    let bad = s
        .manager
        .call("analytics/cohorts", &[("from", "2026-13")])
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(error_json(bad).await, field_error("from", "date_invalid"));

    // Random members and purchases over fourteen months, refunds whole and partial.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
         INSERT INTO users (email, password_hash, role, preferred_name, language, created_at, updated_at)
         SELECT 'r' || i || '@example.com', '!', 'member', 'R' || i, 'en',
                strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 7919 * 104729) % 36288000, 'unixepoch'),
                '2026-01-01T00:00:00Z'
         FROM n",
    )
    .execute(&pool)
    .await
    .expect("members");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
         INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points,
                                perks_held, created_at)
         SELECT u.id, 100 + (i * 37) % 5000, 'EUR', CASE WHEN i % 3 = 0 THEN $1 ELSE $2 END, 1, 0,
                (i * 13) % 8,
                strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 15485863) % 36288000, 'unixepoch')
         FROM n JOIN users u ON u.email = 'r' || (1 + (i * 31) % 300) || '@example.com'",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("purchases");
    sqlx::query(
        "UPDATE purchases SET refunded_minor = CASE WHEN id % 2 = 0 THEN amount_minor ELSE amount_minor / 3 END
         WHERE id % 7 = 0",
    )
    .execute(&pool)
    .await
    .expect("refunds");
    // Sales to customers who are not members, at both places, some refunded afterwards.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
         INSERT INTO guest_sales (amount_minor, currency, location_id, created_at)
         SELECT 50 + (i * 53) % 3000, 'EUR', CASE WHEN i % 4 = 0 THEN $1 ELSE $2 END,
                strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 104723) % 36288000, 'unixepoch')
         FROM n",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("guest sales");
    sqlx::query("UPDATE guest_sales SET refunded_minor = amount_minor / 2 WHERE id % 6 = 0")
        .execute(&pool)
        .await
        .expect("guest refunds");
    // Points earned and taken back at both places and at none, and reward codes used at
    // both: some written used, some used afterwards as the counter does.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
         INSERT INTO point_movements (member_id, amount, kind, reason, actor_kind, balance_after,
                                      idempotency_key, created_at, location_id)
         SELECT u.id, CASE WHEN i % 5 = 0 THEN -1 - i % 40 ELSE 1 + (i * 17) % 300 END,
                CASE WHEN i % 5 = 0 THEN 'refund_reversal' ELSE 'earn' END, 'random', 'system', 0,
                'random-points-' || i,
                strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 7727 * 613) % 36288000, 'unixepoch'),
                CASE i % 3 WHEN 0 THEN $1 WHEN 1 THEN $2 END
         FROM n JOIN users u ON u.email = 'r' || (1 + (i * 31) % 300) || '@example.com'",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("point movements");
    let reward: i64 = sqlx::query_scalar(
        "INSERT INTO rewards (name, cost, created_at, updated_at)
         VALUES ('Random reward', 50, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("a reward");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
         INSERT INTO reward_codes (code, reward_id, member_id, points, issued_at, expires_at,
                                   used_at, used_location_id)
         SELECT 'RANDOM' || i, $3, u.id, 10 + i % 90,
                strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 104723) % 36288000, 'unixepoch'),
                '2030-01-01T00:00:00Z',
                CASE WHEN i % 4 = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1740787200 + (i * 104723) % 36288000 + 86400 * (i % 40), 'unixepoch') END,
                CASE WHEN i % 4 = 0 THEN CASE WHEN i % 8 = 0 THEN $1 ELSE $2 END END
         FROM n JOIN users u ON u.email = 'r' || (1 + (i * 31) % 300) || '@example.com'",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .bind(reward)
    .execute(&pool)
    .await
    .expect("reward codes");
    sqlx::query(
        "UPDATE reward_codes SET used_at = strftime('%Y-%m-%dT%H:%M:%SZ', issued_at, '+3 days'),
                                 used_location_id = CASE WHEN id % 2 = 0 THEN $1 ELSE $2 END
         WHERE code LIKE 'RANDOM%' AND used_at IS NULL AND id % 3 = 0",
    )
    .bind(s.main_street)
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("codes used");
    // Tiers given to members who bought at both places, some changed, some taken away.
    for (step, sql) in [
        (
            "tiers given",
            "INSERT INTO member_tiers (member_id, tier_id, review_at, updated_at)
             SELECT id, CASE WHEN id % 3 = 0 THEN NULL ELSE (SELECT min(id) FROM tiers) END,
                    '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
             FROM users WHERE email GLOB 'r[0-9]*@example.com'",
        ),
        (
            "tiers changed",
            "UPDATE member_tiers SET tier_id = (SELECT max(id) FROM tiers)
             WHERE member_id % 4 = 0 AND member_id IN (SELECT id FROM users WHERE email GLOB 'r[0-9]*@example.com')",
        ),
        (
            "tiers taken",
            "DELETE FROM member_tiers
             WHERE member_id % 5 = 0 AND member_id IN (SELECT id FROM users WHERE email GLOB 'r[0-9]*@example.com')",
        ),
    ] {
        sqlx::query(sql).execute(&pool).await.expect(step);
    }
    // What members held, written after the purchase as the counter does.
    sqlx::query("UPDATE purchases SET perks_held = (perks_held + 3) % 8 WHERE id % 5 = 0")
        .execute(&pool)
        .await
        .expect("perks held");
    assert_eq!(rollup_drift(&pool).await, vec![]);
    // Purchases came in out of time order: returns found both ways.
    let (visits, returned): (i64, i64) =
        sqlx::query_as("SELECT sum(visits), sum(returned) FROM perk_returns")
            .fetch_one(&pool)
            .await
            .expect("perk returns");
    assert!(visits >= 2000 && returned > 100, "{visits} {returned}");
    let months: i64 = sqlx::query_scalar("SELECT count(DISTINCT cohort) FROM cohort_months")
        .fetch_one(&pool)
        .await
        .expect("cohorts");
    assert!(months >= 12, "{months} cohorts");
    let (rows, sales): (i64, i64) = sqlx::query_as("SELECT count(*), sum(sales) FROM guest_months")
        .fetch_one(&pool)
        .await
        .expect("guest months");
    assert!(rows >= 24 && sales == 500, "{rows} rows, {sales} sales");
    let (used, places): (i64, i64) =
        sqlx::query_as("SELECT sum(used), count(DISTINCT location_id) FROM reward_location_months")
            .fetch_one(&pool)
            .await
            .expect("codes used at locations");
    assert!(used >= 80 && places == 2, "{used} codes at {places} places");
    let tiered: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT tier_id) FROM location_tiers WHERE tier_id <> 0")
            .fetch_one(&pool)
            .await
            .expect("tiers at locations");
    assert!(tiered >= 2, "{tiered} tiers held at the locations");

    // In New York the same instants fall in other months and days; everything follows.
    set_zone("America/New_York").await;
    assert_eq!(rollup_drift(&pool).await, vec![]);
    let zone: String = sqlx::query_scalar("SELECT zone FROM shop_offsets_zone")
        .fetch_one(&pool)
        .await
        .expect("zone");
    assert_eq!(zone, "America/New_York");
    // Vera joined on 31 January (18:30, UTC-5); her first two purchases were on 28 and
    // 31 March in the evening (UTC-4 since 8 March), the third on 10 April.
    let vera_months: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.cohort, m.month, m.purchases FROM member_months m
         JOIN member_cohorts c ON c.member_id = m.member_id
         WHERE m.member_id = $1 ORDER BY m.month",
    )
    .bind(vera)
    .fetch_all(&pool)
    .await
    .expect("Vera's months");
    assert_eq!(
        vera_months,
        vec![
            ("2026-01".into(), "2026-03".into(), 2),
            ("2026-01".into(), "2026-04".into(), 1),
        ]
    );
    let day: Option<i64> = sqlx::query_scalar(
        "SELECT purchases FROM location_days WHERE day = '2026-03-31' AND location_id = $1",
    )
    .bind(s.harbour)
    .fetch_optional(&pool)
    .await
    .expect("day");
    assert!(day.is_some_and(|n| n >= 1));

    // A changed row is found; the rebuild puts it right.
    sqlx::query("UPDATE location_days SET purchases = purchases + 1 WHERE day = '2026-03-31' AND location_id = $1")
        .bind(s.harbour)
        .execute(&pool)
        .await
        .expect("drift");
    assert_eq!(
        rollup_drift(&pool).await,
        vec![app::analytics::rollups::Drift {
            rollup: "location_days",
            key: format!("2026-03-31 {}", s.harbour),
        }]
    );
    let mut conn = pool.acquire().await.expect("conn");
    app::analytics::rollups::rebuild(&mut conn)
        .await
        .expect("rebuild");
    drop(conn);
    assert_eq!(rollup_drift(&pool).await, vec![]);
}
