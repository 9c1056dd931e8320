//! Retention at a glance for one location, on hand-computed purchases added to the demo shop:
//! Ada buys at Main Street and then at the Harbour (a repeat buyer for the shop, at neither
//! location), Bo twice at Main Street (March, €5 of €20 refunded; April), Cy once at the
//! Harbour 111 days ago. Each location's figures change by exactly its own share.

use super::glance::grew;
use crate::helpers::{demo_shop, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::Value;

/// Retention at a glance for March and April 2026 (churn after 100 days), for the shop or a
/// location.
pub(super) async fn glance(c: &crate::helpers::TestApp, location: Option<i64>) -> Value {
    let location = location.map(|l| l.to_string()).unwrap_or_default();
    json_of(
        c,
        "analytics/glance",
        &[
            ("from", "2026-03"),
            ("to", "2026-04"),
            ("churn_days", "100"),
            ("location", location.as_str()),
        ],
    )
    .await
}

const MONTH: [&str; 5] = [
    "members",
    "repeat_members",
    "purchases",
    "spend_minor",
    "refunded_minor",
];
const NOW: [&str; 4] = ["active_30", "active_90", "buyers", "churned"];

#[tokio::test]
async fn each_location_counts_the_members_who_bought_there_and_what_they_bought_there() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    let (main, harbour) = (Some(s.main_street), Some(s.harbour));
    let before = [
        glance(&s.manager, None).await,
        glance(&s.manager, main).await,
        glance(&s.manager, harbour).await,
    ];
    assert_eq!(before[1]["location"], s.main_street);
    assert_eq!(before[0]["location"], Value::Null);
    assert!(
        before[0]["locations"]
            .as_array()
            .is_some_and(|l| l.len() >= 2)
    );

    super::glance::ada_bo_cy(&s, &pool).await;
    assert!(rollup_drift(&pool).await.is_empty());

    let after = [
        glance(&s.manager, None).await,
        glance(&s.manager, main).await,
        glance(&s.manager, harbour).await,
    ];
    // The whole shop: Ada bought twice in April.
    assert_eq!(
        grew(&before[0], &after[0], Some(1), &MONTH),
        [2, 1, 3, 5000, 0]
    );
    assert_eq!(grew(&before[0], &after[0], None, &NOW), [2, 2, 3, 1]);
    // Main Street: Bo in March (refund included), Ada and Bo once each in April.
    assert_eq!(
        grew(&before[1], &after[1], Some(0), &MONTH),
        [1, 0, 1, 2000, 500]
    );
    assert_eq!(
        grew(&before[1], &after[1], Some(1), &MONTH),
        [2, 0, 2, 2000, 0]
    );
    assert_eq!(grew(&before[1], &after[1], None, &NOW), [2, 2, 2, 0]);
    // The Harbour: Ada in April; Cy bought there, and stopped (111 days).
    assert_eq!(
        grew(&before[2], &after[2], Some(0), &MONTH),
        [0, 0, 0, 0, 0]
    );
    assert_eq!(
        grew(&before[2], &after[2], Some(1), &MONTH),
        [1, 0, 1, 3000, 0]
    );
    assert_eq!(grew(&before[2], &after[2], None, &NOW), [1, 1, 2, 1]);

    // The download is the location's; a location the shop does not have is the field's error.
    let csv = s
        .manager
        .client
        .get(s.app.url(&format!(
            "/console/analytics/months.csv?from=2026-03&to=2026-04&location={}",
            s.harbour
        )))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("body");
    let april = &after[2]["months"][1];
    assert!(
        csv.lines().nth(2).is_some_and(|l| l.starts_with(&format!(
            "2026-04,{},{},",
            april["members"], april["repeat_members"]
        ))),
        "{csv}"
    );
    let res = s
        .manager
        .call("analytics/glance", &[("location", "999999")])
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("location", "location_required")
    );
}

/// The join cohorts of November 2025 (Ada, Bo and Cy joined then), for the shop or a location.
async fn november(c: &crate::helpers::TestApp, location: Option<i64>) -> Value {
    let location = location.map(|l| l.to_string()).unwrap_or_default();
    let page = json_of(
        c,
        "analytics/cohorts",
        &[
            ("from", "2025-11"),
            ("to", "2025-11"),
            ("location", location.as_str()),
        ],
    )
    .await;
    page["rows"].clone()
}

#[tokio::test]
async fn at_a_location_a_join_cohort_is_its_members_who_bought_there() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    super::glance::ada_bo_cy(&s, &pool).await;
    assert!(rollup_drift(&pool).await.is_empty());
    // November to April. The shop: Cy in December, Bo in March, Ada and Bo in April.
    let row = |joined: i64, buying: [i64; 6]| serde_json::json!([{"cohort": "2025-11", "joined": joined, "buying": buying}]);
    assert_eq!(november(&s.manager, None).await, row(3, [0, 1, 0, 0, 1, 2]));
    // Main Street: Ada and Bo bought there (Bo in March, both in April).
    assert_eq!(
        november(&s.manager, Some(s.main_street)).await,
        row(2, [0, 0, 0, 0, 1, 2])
    );
    // The Harbour: Cy in December, Ada in April.
    assert_eq!(
        november(&s.manager, Some(s.harbour)).await,
        row(2, [0, 1, 0, 0, 0, 1])
    );
    let csv = s
        .manager
        .client
        .get(s.app.url(&format!(
            "/console/analytics/cohorts.csv?from=2025-11&to=2025-11&location={}",
            s.harbour
        )))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.text().await.expect("body"),
        "cohort,joined,month,months_since_joining,members_buying,share_percent\n\
         2025-11,2,2025-11,0,0,0\n\
         2025-11,2,2025-12,1,1,50\n\
         2025-11,2,2026-01,2,0,0\n\
         2025-11,2,2026-02,3,0,0\n\
         2025-11,2,2026-03,4,0,0\n\
         2025-11,2,2026-04,5,1,50\n"
    );
    let res = s
        .manager
        .call("analytics/cohorts", &[("location", "999999")])
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("location", "location_required")
    );
}
