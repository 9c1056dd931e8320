//! Feedback over HTTP: the case rule's thresholds (and not below them), deadlines and overdue
//! cases with the clock moved, goodwill points paid once however often "resolve" is sent,
//! members seeing and answering only their own cases, the public form's honeypot and rate
//! limit, and field errors for malformed answers.

use crate::helpers::{TestApp, error_json, field_error as field, json_of};
use app::db::{Stamp, hours};
use serde_json::{Value, json};

const MON: Stamp = Stamp::utc(2027, 1, 4, 9, 0, 0);

crate::helpers::local_demo_shop!(MON);

async fn shop() -> (Shop, i64) {
    let s = demo().await;
    let res = s
        .manager
        .call(
            "feedback/save_form",
            &[
                ("name", "After a visit"),
                ("ask_nps", "on"),
                ("ask_csat", "on"),
                ("ask_text", "on"),
                ("ask_category", "on"),
                ("title_en", "How was your visit?"),
                ("title_sv", "Hur var ditt besök?"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "save form");
    let form: Value = res.json().await.expect("json");
    assert_eq!(form["slug"], "after-a-visit");
    assert_eq!(form["missing"], json!(["nb", "lv", "pt"]));
    let id = form["id"].as_i64().expect("form id");
    (s, id)
}

async fn submit(c: &TestApp, form: i64, answers: &[(&str, &str)]) -> reqwest::Response {
    let form = form.to_string();
    let mut body = vec![("form_id", form.as_str())];
    body.extend_from_slice(answers);
    c.call("feedback/submit", &body).await
}

async fn submitted(c: &TestApp, form: i64, answers: &[(&str, &str)]) -> Value {
    let res = submit(c, form, answers).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 200, "{answers:?}: {body}");
    body
}

/// Another member, signed in: each member has at most one open case per form and shop day.
async fn another_member(s: &Shop, email: &str) -> TestApp {
    let c = s.app.other_client();
    c.sign_up(email, "a long password", "Olle", "en").await;
    c
}

mod cap;
mod plain;
mod priority;
mod public;
mod quality;
mod repeats;
mod returns;
mod setup;

#[tokio::test]
async fn low_scores_open_cases_at_the_thresholds_and_not_above() {
    let (s, form) = shop().await;
    let case = |v: &Value| v["case_id"].clone();
    assert_eq!(
        case(&submitted(&s.member, form, &[("nps", "7"), ("csat", "3")]).await),
        Value::Null
    );
    assert_ne!(
        case(&submitted(&s.member, form, &[("nps", "6"), ("csat", "5")]).await),
        Value::Null
    );
    assert_ne!(
        case(&submitted(&s.member, form, &[("nps", "10"), ("csat", "2")]).await),
        Value::Null
    );
    // A chosen category opens a case whatever the scores, once the rule names it.
    let good = [("nps", "10"), ("csat", "5"), ("category", "delivery")];
    assert_eq!(case(&submitted(&s.member, form, &good).await), Value::Null);
    let res = s
        .manager
        .call(
            "feedback/save_settings",
            &[
                ("nps_max", "6"),
                ("csat_max", "2"),
                ("case_categories", "delivery"),
                ("sla_hours", "24"),
                ("default_language", "en"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // (Not the same answers again: those would be refused as sent twice.)
    let also_good = [("nps", "9"), ("csat", "5"), ("category", "delivery")];
    let olle = another_member(&s, "olle@example.com").await;
    let opened = submitted(&olle, form, &also_good).await;
    let detail = json_of(
        &s.staff,
        "feedback/case",
        &[("case_id", &opened["case_id"].to_string())],
    )
    .await;
    assert_eq!(detail["case"]["status"], "new");
    assert_eq!(detail["case"]["high"], false);
    assert_eq!(detail["case"]["due_at"], "2027-01-05T09:00:00Z", "24 hours");
    let inbox = json_of(&s.staff, "feedback/inbox", &[("status", "new")]).await;
    // Nora's two low scores share one case (one open case per member, form and day).
    assert_eq!(inbox.as_array().expect("cases").len(), 2);
    // The angriest answers come first in priority.
    let ulla = another_member(&s, "ulla@example.com").await;
    let angry = submitted(&ulla, form, &[("nps", "0"), ("csat", "5")]).await;
    let detail = json_of(
        &s.staff,
        "feedback/case",
        &[("case_id", &angry["case_id"].to_string())],
    )
    .await;
    assert_eq!(detail["case"]["high"], true);
}

#[tokio::test]
async fn malformed_answers_get_field_errors_and_store_nothing() {
    let (s, form) = shop().await;
    for (answers, error) in [
        (
            vec![("nps", "11"), ("csat", "3")],
            field("nps", "score_invalid"),
        ),
        (
            vec![("nps", "x"), ("csat", "3")],
            field("nps", "score_invalid"),
        ),
        (vec![("csat", "3")], field("nps", "score_required")),
        (vec![("nps", "5")], field("csat", "score_required")),
        (
            vec![("nps", "5"), ("csat", "6")],
            field("csat", "score_invalid"),
        ),
        (
            vec![("nps", "5"), ("csat", "3"), ("category", "weather")],
            field("category", "category_invalid"),
        ),
    ] {
        let res = submit(&s.member, form, &answers).await;
        assert_eq!(res.status(), 422, "{answers:?}");
        assert_eq!(error_json(res).await, error, "{answers:?}");
    }
    let long = "x".repeat(4001);
    let res = submit(
        &s.member,
        form,
        &[("nps", "5"), ("csat", "3"), ("body", &long)],
    )
    .await;
    assert_eq!(error_json(res).await, field("body", "text_too_long"));
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM feedback")
        .fetch_one(&s.app.db().await)
        .await
        .expect("count");
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn deadlines_and_overdue_cases_follow_the_clock() {
    let (s, form) = shop().await;
    let a = submitted(&s.member, form, &[("nps", "2"), ("csat", "2")]).await;
    s.app.config.clock.set(MON + hours(10));
    let olle = another_member(&s, "olle@example.com").await;
    let b = submitted(&olle, form, &[("nps", "5"), ("csat", "3")]).await;
    let inbox = |at: Stamp| {
        s.app.config.clock.set(at);
        json_of(&s.staff, "feedback/inbox", &[])
    };
    let rows = inbox(MON + hours(47)).await;
    assert_eq!(rows[0]["id"], a["case_id"], "earliest deadline first");
    assert!(
        rows.as_array()
            .expect("rows")
            .iter()
            .all(|r| r["overdue"] == false)
    );
    // 49 hours after the first: it is overdue, the second is not yet.
    let rows = inbox(MON + hours(49)).await;
    assert_eq!(rows[0]["id"], a["case_id"]);
    assert_eq!(rows[0]["overdue"], true);
    assert_eq!(rows[1]["overdue"], false);
    let q = json_of(&s.manager, "feedback/quality", &[]).await;
    assert_eq!(q["open_overdue"], 1);
    assert_eq!(q["count"], 2);
    assert_eq!(q["nps"], -100);
    // Resolved after its deadline: counted as late.
    let id = b["case_id"].to_string();
    s.app.config.clock.set(MON + hours(70));
    let res = s
        .staff
        .call(
            "feedback/act",
            &[
                ("case_id", &id),
                ("action", "resolve"),
                ("body", "Called back"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let q = json_of(&s.manager, "feedback/quality", &[]).await;
    assert_eq!(q["resolved_in_time_pct"], 0);
    assert_eq!(q["median_resolution_min"], 60 * 60);
    assert_eq!(s.staff.call("feedback/quality", &[]).await.status(), 403);
}

#[tokio::test]
async fn goodwill_lands_in_the_ledger_once_however_often_resolve_is_sent() {
    let (s, form) = shop().await;
    let opened = submitted(
        &s.member,
        form,
        &[("nps", "1"), ("csat", "1"), ("body", "Cold coffee")],
    )
    .await;
    let id = opened["case_id"].to_string();
    for (action, body) in [
        ("note", "Check the machine"),
        ("reply", "Sorry! We are on it."),
    ] {
        let res = s
            .staff
            .call(
                "feedback/act",
                &[("case_id", &id), ("action", action), ("body", body)],
            )
            .await;
        assert_eq!(res.status(), 200, "{action}");
    }
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let staff = s.staff.other_client_sharing_session();
            let id = id.clone();
            tokio::spawn(async move {
                staff
                    .call(
                        "feedback/act",
                        &[
                            ("case_id", id.as_str()),
                            ("action", "resolve"),
                            ("body", "New beans, a coffee on us"),
                            ("goodwill", "100"),
                        ],
                    )
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    let points = json_of(&s.member, "loyalty/points", &[]).await;
    assert_eq!(points["balance"], 100);
    let goodwill: Vec<(i64, String)> =
        sqlx::query_as("SELECT amount, reason FROM point_movements WHERE kind = 'goodwill'")
            .fetch_all(&s.app.db().await)
            .await
            .expect("movements");
    assert_eq!(goodwill, [(100, format!("case #{id}"))]);
    // The member sees the reply and the resolution, not the internal note.
    let mine = json_of(&s.member, "feedback/mine", &[]).await;
    let timeline: Vec<&str> = mine[0]["case"]["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(timeline, ["opened", "reply", "resolved", "goodwill"]);
    assert_eq!(mine[0]["case"]["case"]["status"], "resolved");
    let staff_view = json_of(&s.staff, "feedback/case", &[("case_id", &id)]).await;
    assert_eq!(staff_view["timeline"][1]["kind"], "note");
    assert_eq!(staff_view["timeline"][1]["who"], "Sanna");
}

#[tokio::test]
async fn a_member_reads_and_answers_only_their_own_cases() {
    let (s, form) = shop().await;
    let opened = submitted(&s.member, form, &[("nps", "3"), ("csat", "2")]).await;
    let id = opened["case_id"].to_string();
    let other = s.app.signed_in_as("anna@example.com").await;
    assert_eq!(
        other
            .call("feedback/case", &[("case_id", &id)])
            .await
            .status(),
        403
    );
    let res = other
        .call("feedback/reply", &[("case_id", &id), ("body", "Me too")])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(other.call("feedback/inbox", &[]).await.status(), 403);
    let res = other
        .call(
            "feedback/act",
            &[("case_id", &id), ("action", "note"), ("body", "x")],
        )
        .await;
    assert_eq!(res.status(), 403);
    // The owner answers; a waiting case goes back to staff.
    s.staff
        .call(
            "feedback/act",
            &[
                ("case_id", &id),
                ("action", "reply"),
                ("body", "What happened?"),
            ],
        )
        .await;
    let res = s
        .member
        .call(
            "feedback/reply",
            &[("case_id", &id), ("body", "The card reader failed.")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let detail: Value = res.json().await.expect("json");
    assert_eq!(detail["case"]["status"], "in_progress");
    assert_eq!(detail["timeline"][2]["kind"], "member_reply");
    assert_eq!(
        detail["timeline"][1]["who"],
        Value::Null,
        "staff names stay inside"
    );
    let res = s
        .member
        .call("feedback/reply", &[("case_id", &id), ("body", " ")])
        .await;
    assert_eq!(error_json(res).await, field("body", "text_required"));
}
