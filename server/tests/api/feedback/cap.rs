//! Goodwill on a case: staff may give up to the shop's per-case cap (points plus the cost of a
//! reward code given with them); above it only managers and owners. Every gift is audited.

use super::{shop, submitted};
use crate::helpers::{TestApp, error_json, field_error as field, json_of};
use serde_json::Value;

/// Resolves `case` as `who` with `goodwill` points and maybe a reward.
async fn resolve(
    who: &TestApp,
    case: &Value,
    goodwill: &str,
    reward: Option<&str>,
) -> reqwest::Response {
    let id = case["case_id"].to_string();
    let mut form = vec![
        ("case_id", id.as_str()),
        ("action", "resolve"),
        ("body", "Sorted"),
        ("goodwill", goodwill),
    ];
    form.extend(reward.map(|r| ("reward_id", r)));
    who.call("feedback/act", &form).await
}

#[tokio::test]
async fn goodwill_above_the_case_cap_needs_a_manager_and_every_gift_is_audited() {
    let (s, form) = shop().await;
    let rules = json_of(&s.manager, "feedback/setup", &[]).await;
    assert_eq!(rules["settings"]["goodwill_cap"], 500, "the default");
    let (cost, name) = (150, "Tea for two");
    let reward = crate::helpers::saved_reward(&s.manager, name, "150", "")
        .await
        .to_string();
    let case = submitted(&s.member, form, &[("nps", "2"), ("csat", "3")]).await;
    // Staff: over the cap is refused and changes nothing; at the cap is fine.
    let res = resolve(&s.staff, &case, "501", None).await;
    assert_eq!(
        error_json(res).await,
        field("goodwill", "goodwill_over_cap")
    );
    let over = (500 - cost + 1).to_string();
    let res = resolve(&s.staff, &case, &over, Some(&reward)).await;
    assert_eq!(
        error_json(res).await,
        field("goodwill", "goodwill_over_cap")
    );
    let detail = json_of(
        &s.staff,
        "feedback/case",
        &[("case_id", &case["case_id"].to_string())],
    )
    .await;
    assert_ne!(detail["case"]["status"], "resolved");
    let at_cap = (500 - cost).to_string();
    assert_eq!(
        resolve(&s.staff, &case, &at_cap, Some(&reward))
            .await
            .status(),
        200
    );
    // A manager may give more.
    let case = submitted(&s.member, form, &[("nps", "1"), ("csat", "3")]).await;
    assert_eq!(resolve(&s.manager, &case, "2000", None).await.status(), 200);
    // Managers set the cap; leaving it out of a save keeps it.
    let save = |cap: Option<&'static str>| {
        let m = &s.manager;
        async move {
            let mut form = vec![
                ("nps_max", "6"),
                ("csat_max", "2"),
                ("case_categories", ""),
                ("sla_hours", "48"),
                ("default_language", "en"),
            ];
            form.extend(cap.map(|c| ("goodwill_cap", c)));
            m.call("feedback/save_settings", &form).await
        }
    };
    assert_eq!(save(Some("100")).await.status(), 200);
    assert_eq!(save(None).await.status(), 200);
    let res = save(Some("-1")).await;
    assert_eq!(
        error_json(res).await,
        field("goodwill_cap", "points_invalid")
    );
    let staff_form = [
        ("nps_max", "6"),
        ("csat_max", "2"),
        ("case_categories", ""),
        ("sla_hours", "48"),
        ("default_language", "en"),
        ("goodwill_cap", "9999"),
    ];
    let res = s.staff.call("feedback/save_settings", &staff_form).await;
    assert_eq!(res.status(), 403);
    let case = submitted(&s.member, form, &[("nps", "0"), ("csat", "3")]).await;
    let res = resolve(&s.staff, &case, "101", None).await;
    assert_eq!(
        error_json(res).await,
        field("goodwill", "goodwill_over_cap")
    );
    assert_eq!(resolve(&s.staff, &case, "100", None).await.status(), 200);
    // Who gave what to whom, each in the audit log.
    let db = s.app.db().await;
    let log: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT u.email, a.action, a.detail FROM audit_log a JOIN users u ON u.id = a.actor_user_id
         WHERE a.action LIKE 'case.%' ORDER BY a.id",
    )
    .fetch_all(&db)
    .await
    .expect("audit");
    let cases: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
        .fetch_all(&db)
        .await
        .expect("cases");
    let row = |who: &str, action: &str, detail: String| (who.to_owned(), action.to_owned(), detail);
    assert_eq!(
        log,
        [
            row(
                "staff@example.com",
                "case.goodwill",
                format!("+{at_cap} points, case #{}", cases[0])
            ),
            row(
                "staff@example.com",
                "case.reward_code",
                format!("{name} ({cost} points), case #{}", cases[0])
            ),
            row(
                "manager@example.com",
                "case.goodwill",
                format!("+2000 points, case #{}", cases[1])
            ),
            row(
                "staff@example.com",
                "case.goodwill",
                format!("+100 points, case #{}", cases[2])
            ),
        ]
    );
    let settings: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'feedback.save_settings'",
    )
    .fetch_one(&db)
    .await
    .expect("settings audit");
    assert_eq!(settings, 2);
}
