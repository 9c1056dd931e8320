//! Retention at a glance for one location, on hand-computed purchases added to the demo shop:
//! Ada buys at Main Street and then at the Harbour (a repeat buyer for the shop, at neither
//! location), Bo twice at Main Street (March, €5 of €20 refunded; April), Cy once at the
//! Harbour 111 days ago. Each location's figures change by exactly its own share.

use super::glance::grew;
use crate::helpers::{demo_shop, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::Value;

async fn glance(c: &crate::helpers::TestApp, location: Option<i64>) -> Value {
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
