//! The service-quality link on hand-computed answers: a detractor whose case stays open buys
//! again within 30 days, a detractor whose case is resolved buys only after 40 days, and a
//! promoter, who answered on the Harbour's form, does not buy. Each answer counts once its 30
//! days have passed, in its score group and by its case, and at the location it was given at;
//! the roll-up agrees with the ledger.

use super::{another_member, shop, submitted};
use crate::helpers::{download, json_of, rollup_drift};
use app::db::{Stamp, days};
use serde_json::Value;

/// `(answers, came back)` of a group (0 promoters, 2 detractors) and case state.
fn pair(v: &Value, group: usize, state: &str) -> (i64, i64) {
    let r = &v["groups"][group][state];
    (
        r["answers"].as_i64().expect("answers"),
        r["returned"].as_i64().expect("returned"),
    )
}

#[tokio::test]
async fn coming_back_after_feedback_is_counted_by_score_group_and_case() {
    let (s, form) = shop().await;
    let service_at = |location: String| {
        let s = &s;
        async move {
            json_of(
                &s.manager,
                "analytics/service",
                &[
                    ("from", "2027-01"),
                    ("to", "2027-01"),
                    ("location", &location),
                ],
            )
            .await
        }
    };
    let service = || service_at(String::new());
    let buy = |member: i64, at: Stamp, key: &'static str| {
        let s = &s;
        async move {
            s.app.config.clock.set(at);
            let (member, location) = (member.to_string(), s.main_street.to_string());
            let res = s
                .staff
                .call(
                    "loyalty/purchase",
                    &[
                        ("member_id", member.as_str()),
                        ("amount", "12"),
                        ("currency", "EUR"),
                        ("confirm", "true"),
                        ("location_id", location.as_str()),
                        ("idempotency_key", key),
                    ],
                )
                .await;
            assert_eq!(res.status(), 200, "{key}");
        }
    };
    let start = Stamp::utc(2027, 1, 4, 9, 0, 0);
    let settled = Stamp::utc(2027, 2, 20, 12, 0, 0);
    s.app.config.clock.set(settled);
    let before = service().await;
    let (main_before, harbour_before) = (
        service_at(s.main_street.to_string()).await,
        service_at(s.harbour.to_string()).await,
    );

    s.app.config.clock.set(start);
    let open = submitted(&s.member, form, &[("nps", "3"), ("csat", "3")]).await;
    assert!(open["case_id"].is_i64());
    let carl = another_member(&s, "carl@example.com").await;
    let carl_id = carl.me().await["id"].as_i64().expect("id");
    let resolved = submitted(&carl, form, &[("nps", "5"), ("csat", "4")]).await;
    let res = s
        .staff
        .call(
            "feedback/act",
            &[
                ("case_id", &resolved["case_id"].to_string()),
                ("action", "resolve"),
                ("body", "Sorted"),
                ("goodwill", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // Olle answers on the Harbour's own form.
    let harbour = s.harbour.to_string();
    let harbour_form = crate::helpers::harbour_form(&s.manager, s.harbour).await;
    let olle = another_member(&s, "olle2@example.com").await;
    let fan = submitted(&olle, harbour_form, &[("nps", "10"), ("csat", "5")]).await;
    assert!(fan["case_id"].is_null());
    // Nora comes back on day 6; Carl on day 40, too late to count.
    buy(s.member_id, start + days(6), "ret-nora").await;
    buy(carl_id, start + days(40), "ret-carl").await;

    // Ten days on, the three answers are too recent to tell.
    s.app.config.clock.set(start + days(10));
    let early = json_of(
        &s.manager,
        "analytics/service",
        &[("from", "2027-01"), ("to", "2027-01")],
    )
    .await;
    assert!(early["recent"].as_i64() >= Some(3), "{early}");

    s.app.config.clock.set(settled);
    let after = service().await;
    let grew_at = |after: &Value, before: &Value, group: usize, state: &str| {
        let (a, b) = (pair(after, group, state), pair(before, group, state));
        (a.0 - b.0, a.1 - b.1)
    };
    let grew = |group: usize, state: &str| grew_at(&after, &before, group, state);
    assert_eq!(grew(2, "all"), (2, 1), "two detractors, Nora came back");
    assert_eq!(grew(2, "unresolved"), (1, 1), "Nora's case is open");
    assert_eq!(grew(2, "resolved"), (1, 0), "Carl came back after 40 days");
    assert_eq!(grew(0, "all"), (1, 0), "Olle did not come back");
    assert_eq!(grew(0, "resolved"), (0, 0));
    assert_eq!(after["recent"], before["recent"]);
    assert!(rollup_drift(&s.app.db().await).await.is_empty());
    // At the Harbour: Olle's answer only. At Main Street: none (the first form has no place).
    let at_harbour = service_at(s.harbour.to_string()).await;
    assert_eq!(at_harbour["location"], s.harbour);
    assert_eq!(grew_at(&at_harbour, &harbour_before, 0, "all"), (1, 0));
    assert_eq!(grew_at(&at_harbour, &harbour_before, 2, "all"), (0, 0));
    let at_main = service_at(s.main_street.to_string()).await;
    for group in 0..4 {
        assert_eq!(
            grew_at(&at_main, &main_before, group, "all"),
            (0, 0),
            "{group}"
        );
    }
    let csv = download(
        &s.manager,
        &format!("/console/analytics/service.csv?from=2027-01&to=2027-01&location={harbour}"),
    )
    .await;
    let promoters = &at_harbour["groups"][0]["all"];
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with(&format!(
            "promoters,{},{},",
            promoters["answers"], promoters["returned"]
        ))),
        "{csv}"
    );
    let res = s
        .manager
        .call("analytics/service", &[("location", "999999")])
        .await;
    assert_eq!(res.status(), 422);

    let csv = download(
        &s.manager,
        "/console/analytics/service.csv?from=2027-01&to=2027-01",
    )
    .await;
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(
        csv.lines()
            .nth(3)
            .is_some_and(|l| l.starts_with("detractors,")),
        "{csv}"
    );
    // Counter staff do not see it.
    assert_eq!(s.staff.call("analytics/service", &[]).await.status(), 403);
}
