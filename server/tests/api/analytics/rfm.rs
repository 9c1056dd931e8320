//! RFM at one location, on hand-computed purchases: five members bought at the Harbour 1 to 5
//! times, last on five different days, for five different sums (one partly refunded), so each
//! fifth's edge is one member's value; what two of them bought at Main Street changes nothing
//! at the Harbour.

use crate::helpers::{demo_shop, download, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::{Value, json};

#[tokio::test]
async fn at_a_location_members_are_scored_on_what_they_did_there() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    sqlx::query(
        "INSERT INTO users (email, password_hash, role, preferred_name, language, created_at, updated_at)
         SELECT n || '@example.com', '!', 'member', n, 'en', '2025-12-01T12:00:00Z', '2025-12-01T12:00:00Z'
         FROM (SELECT 'ana' AS n UNION ALL SELECT 'ben' UNION ALL SELECT 'cai'
               UNION ALL SELECT 'dag' UNION ALL SELECT 'eli')",
    )
    .execute(&pool)
    .await
    .expect("members");
    // At the Harbour: Ana once (€10), Ben twice (€30), Cai three times (€60, €5 of it
    // refunded), Dag four times (€100), Eli five times (€200). At Main Street: Ana ten times
    // on 9 April, Eli once on the 10th.
    sqlx::query(
        "INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points, created_at)
         SELECT u.id, p.amount, 'EUR', CASE p.place WHEN 'h' THEN $1 ELSE $2 END, 1, 0, p.at
         FROM (SELECT 'ana' AS n, 1000 AS amount, 'h' AS place, '2026-01-05T12:00:00Z' AS at
               UNION ALL SELECT 'ben', 1500, 'h', '2026-01-20T12:00:00Z'
               UNION ALL SELECT 'ben', 1500, 'h', '2026-02-10T12:00:00Z'
               UNION ALL SELECT 'cai', 2000, 'h', '2026-01-10T12:00:00Z'
               UNION ALL SELECT 'cai', 2000, 'h', '2026-02-10T12:00:00Z'
               UNION ALL SELECT 'cai', 2000, 'h', '2026-03-01T12:00:00Z'
               UNION ALL SELECT 'dag', 2500, 'h', '2026-01-10T12:00:00Z'
               UNION ALL SELECT 'dag', 2500, 'h', '2026-02-10T12:00:00Z'
               UNION ALL SELECT 'dag', 2500, 'h', '2026-03-10T12:00:00Z'
               UNION ALL SELECT 'dag', 2500, 'h', '2026-04-01T12:00:00Z'
               UNION ALL SELECT 'eli', 4000, 'h', '2026-01-10T12:00:00Z'
               UNION ALL SELECT 'eli', 4000, 'h', '2026-02-10T12:00:00Z'
               UNION ALL SELECT 'eli', 4000, 'h', '2026-03-10T12:00:00Z'
               UNION ALL SELECT 'eli', 4000, 'h', '2026-04-01T12:00:00Z'
               UNION ALL SELECT 'eli', 4000, 'h', '2026-04-09T12:00:00Z'
               UNION ALL SELECT 'eli', 9999, 'm', '2026-04-10T09:00:00Z') p
         JOIN users u ON u.email = p.n || '@example.com'",
    )
    .bind(s.harbour)
    .bind(s.main_street)
    .execute(&pool)
    .await
    .expect("purchases");
    sqlx::query(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10)
         INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price, points, created_at)
         SELECT u.id, 500, 'EUR', $1, 1, 0, '2026-04-09T10:00:0' || (i - 1) || 'Z'
         FROM k JOIN users u ON u.email = 'ana@example.com'",
    )
    .bind(s.main_street)
    .execute(&pool)
    .await
    .expect("Ana at Main Street");
    sqlx::query(
        "UPDATE purchases SET refunded_minor = 500
         WHERE location_id = $1 AND created_at = '2026-03-01T12:00:00Z'",
    )
    .bind(s.harbour)
    .execute(&pool)
    .await
    .expect("Cai's refund");
    assert!(rollup_drift(&pool).await.is_empty());

    let harbour = s.harbour.to_string();
    let page = json_of(
        &s.manager,
        "analytics/rfm",
        &[("group", "hibernating"), ("location", harbour.as_str())],
    )
    .await;
    assert_eq!(page["location"], s.harbour);
    assert_eq!(page["buyers"], 5);
    // Each fifth's edge is the value at rank k of five: the k-th smallest.
    assert_eq!(
        page["edges"],
        json!({"recency": ["2026-01-05", "2026-02-10", "2026-03-01", "2026-04-01"],
               "frequency": [1, 2, 3, 4], "monetary": [1000, 3000, 5500, 10000]})
    );
    // Ana (R1 F1) and Ben (R2 F2) hibernate, Cai (R3 F3) is loyal, Dag and Eli are champions:
    // at Main Street Ana is a frequent buyer, which the Harbour does not see.
    let groups: Vec<(String, i64, i64)> = page["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["members"] != 0)
        .map(|g| {
            (
                g["group"].as_str().unwrap_or_default().to_owned(),
                g["members"].as_i64().unwrap_or_default(),
                g["net_minor"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("champions".to_owned(), 2, 30_000),
            ("loyal".to_owned(), 1, 5_500),
            ("hibernating".to_owned(), 2, 4_000),
        ]
    );
    let listed: Vec<(&str, &Value, &Value, &Value)> = page["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or_default(),
                &m["last_day"],
                &m["net_minor"],
                &m["scores"],
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("ben", &json!("2026-02-10"), &json!(3000), &json!([2, 2, 2])),
            ("ana", &json!("2026-01-05"), &json!(1000), &json!([1, 1, 1])),
        ]
    );
    // The whole shop sees Ana's ten purchases at Main Street: she is no longer hibernating.
    let shop = json_of(&s.manager, "analytics/rfm", &[("group", "hibernating")]).await;
    assert_eq!(shop["location"], Value::Null);
    assert!(
        shop["members"]
            .as_array()
            .is_some_and(|m| m.iter().all(|m| m["name"] != "ana")),
        "{shop}"
    );
    let csv = download(
        &s.manager,
        &format!("/console/analytics/rfm.csv?location={harbour}"),
    )
    .await;
    assert_eq!(
        csv,
        "group,members,share_percent,net_minor\nchampions,2,40,30000\nloyal,1,20,5500\n\
         new,0,0,0\nat_risk,0,0,0\ncant_lose,0,0,0\nhibernating,2,40,4000\nothers,0,0,0\n"
    );
    let res = s
        .manager
        .call("analytics/rfm", &[("location", "999999")])
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("location", "location_required")
    );
}
