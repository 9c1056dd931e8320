//! The audit log over HTTP: owners and managers read it newest first, 50 at a time, filtered
//! by person, kind and shop days, and download the same filter as CSV; nobody else may.

use crate::helpers::{demo_shop, error_json, field_error as field, json_of};
use app::db::Stamp;
use serde_json::Value;

#[tokio::test]
async fn managers_page_filter_and_download_the_audit_log() {
    let s = demo_shop(Stamp::utc(2027, 1, 4, 9, 0, 0)).await;
    let owner = s.app.signed_in_as("owner@example.com").await;
    let save = |sla: &str| {
        let sla = sla.to_owned();
        let m = &s.manager;
        async move {
            let form = [
                ("nps_max", "6"),
                ("csat_max", "2"),
                ("case_categories", ""),
                ("sla_hours", sla.as_str()),
                ("default_language", "en"),
            ];
            assert_eq!(m.call("feedback/save_settings", &form).await.status(), 200);
        }
    };
    for i in 0..55 {
        save(&(24 + i).to_string()).await;
    }
    let res = owner
        .call(
            "perks/save_settings",
            &[
                ("return_percent", ""),
                ("return_min_purchase", ""),
                ("return_days", "14"),
                ("return_min_next", ""),
                ("referral_points", "50"),
                ("referral_min_purchase", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // Only owners and managers.
    assert_eq!(s.staff.call("audit/list", &[]).await.status(), 403);
    assert_eq!(s.member.call("audit/list", &[]).await.status(), 403);
    assert_eq!(
        s.app.other_client().call("audit/list", &[]).await.status(),
        401
    );
    // Newest first, 50 a page.
    let first = json_of(&s.manager, "audit/list", &[]).await;
    let entries = first["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 50);
    assert_eq!(entries[0]["action"], "perks.save_settings");
    assert_eq!(entries[0]["email"], "owner@example.com");
    assert_eq!(entries[1]["action"], "feedback.save_settings");
    let before = first["older"].to_string();
    let second = json_of(&s.manager, "audit/list", &[("before", &before)]).await;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&s.app.db().await)
        .await
        .expect("count");
    let rest = second["entries"].as_array().expect("entries");
    assert_eq!(50 + rest.len(), usize::try_from(total).expect("count"));
    assert!(rest[0]["id"].as_i64() < entries[49]["id"].as_i64());
    assert_eq!(second["older"], Value::Null);
    assert_eq!(
        first["kinds"]
            .as_array()
            .map(|k| k.contains(&"perks".into())),
        Some(true)
    );
    // Filters: by person, by kind, by day.
    let owner_id = owner.me().await["id"].to_string();
    let by_owner = json_of(&s.manager, "audit/list", &[("actor", &owner_id)]).await;
    assert_eq!(by_owner["entries"].as_array().map(Vec::len), Some(1));
    let perks = json_of(&s.manager, "audit/list", &[("kind", "perks")]).await;
    assert_eq!(perks["entries"].as_array().map(Vec::len), Some(1));
    let today = app::db::local_day("UTC", Stamp::now()).0;
    let day = |n: i64| today.plus_days(n).to_string();
    let (from, to) = (day(-1), day(1));
    let around = json_of(
        &s.manager,
        "audit/list",
        &[("kind", "feedback"), ("from", &from), ("to", &to)],
    )
    .await;
    assert_eq!(around["entries"].as_array().map(Vec::len), Some(50));
    let later = day(2);
    let none = json_of(&s.manager, "audit/list", &[("from", &later)]).await;
    assert_eq!(none["entries"], serde_json::json!([]));
    let res = s
        .manager
        .call("audit/list", &[("from", "2027-13-01")])
        .await;
    assert_eq!(error_json(res).await, field("from", "date_invalid"));
    let res = s
        .manager
        .call("audit/list", &[("from", &to), ("to", &from)])
        .await;
    assert_eq!(error_json(res).await, field("to", "date_invalid"));
    // The same filter as CSV.
    let res = s
        .manager
        .client
        .get(s.app.url("/console/audit.csv?kind=perks"))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.text().await.expect("body");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 2, "{body}");
    assert_eq!(lines[0], "id,at_utc,who,email,action,subject,detail");
    assert!(
        lines[1].contains(",owner@example.com,perks.save_settings,"),
        "{body}"
    );
    let all = s
        .manager
        .client
        .get(s.app.url("/console/audit.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(
        all.text().await.expect("body").lines().count(),
        1 + usize::try_from(total).expect("count")
    );
    let staff = s
        .staff
        .client
        .get(s.app.url("/console/audit.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(staff.status(), 403);
    let member = s
        .member
        .client
        .get(s.app.url("/console/audit.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(member.status(), 403);
    let bad = s
        .manager
        .client
        .get(s.app.url("/console/audit.csv?from=yesterday"))
        .send()
        .await
        .expect("csv");
    assert_eq!(bad.status(), 422);
}
