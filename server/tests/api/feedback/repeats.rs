//! The same answers sent twice by a member (a double tap, a form left filled in): the second
//! is refused for a few minutes, and nothing is stored twice. Further low scores from a member
//! on one form and shop day join their open case instead of opening more.

use super::{MON, shop, submit, submitted};
use crate::helpers::{error_json, json_of};
use app::db::{Stamp, hours, minutes};
use serde_json::json;

#[tokio::test]
async fn a_member_sending_the_same_answers_again_within_ten_minutes_is_refused() {
    let (s, form) = shop().await;
    let answers = [("nps", "8"), ("csat", "4"), ("body", "Nice scones")];
    submitted(&s.member, form, &answers).await;
    s.app.config.clock.set(MON + minutes(9));
    let res = submit(&s.member, form, &answers).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await,
        json!({"Conflict": {"message_key": "feedback_repeated"}})
    );
    // Different answers are new feedback, and so are the same ones later on.
    submitted(&s.member, form, &[("nps", "8"), ("csat", "4")]).await;
    s.app.config.clock.set(MON + minutes(11));
    submitted(&s.member, form, &answers).await;
    // Another member may say the same thing.
    let other = s.app.other_client();
    other
        .sign_up("other@example.com", "a long password", "Olle", "en")
        .await;
    submitted(&other, form, &answers).await;
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM feedback WHERE body = 'Nice scones'")
            .fetch_one(&s.app.db().await)
            .await
            .expect("count");
    assert_eq!(stored, 3, "the refused repeat stored nothing");
}

#[tokio::test]
async fn a_members_further_low_scores_on_one_shop_day_join_their_open_case() {
    let (s, form) = shop().await;
    let first = submitted(
        &s.member,
        form,
        &[("nps", "5"), ("csat", "3"), ("body", "Cold coffee")],
    )
    .await;
    let case = first["case_id"].as_i64().expect("a case");
    // Later that day: a worse score joins the same case and makes it urgent.
    s.app.config.clock.set(MON + hours(3));
    let again = submitted(
        &s.member,
        form,
        &[("nps", "2"), ("csat", "3"), ("body", "Still cold")],
    )
    .await;
    assert_eq!(again["case_id"], case);
    assert_ne!(
        again["feedback_id"], first["feedback_id"],
        "both are stored"
    );
    let id = case.to_string();
    let detail = json_of(&s.manager, "feedback/case", &[("case_id", &id)]).await;
    assert_eq!(detail["case"]["high"], true);
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["opened", "again"]);
    assert_eq!(detail["timeline"][1]["body"], "NPS 2 · CSAT 3 · Still cold");
    // The member sees it on their case too.
    let theirs = json_of(&s.member, "feedback/case", &[("case_id", &id)]).await;
    assert_eq!(theirs["timeline"][1]["kind"], "again");
    // Once it is resolved, or on the next shop day, a low score opens a new case.
    let res = s
        .manager
        .call(
            "feedback/act",
            &[("case_id", &id), ("action", "resolve"), ("body", "Sorry")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let after = submitted(&s.member, form, &[("nps", "4"), ("csat", "3")]).await;
    let second = after["case_id"].as_i64().expect("a new case");
    assert_ne!(second, case);
    // 23:30 in Stockholm is still Monday; 00:30 is Tuesday.
    s.app.config.clock.set(Stamp::utc(2027, 1, 4, 22, 30, 0));
    let late = submitted(&s.member, form, &[("nps", "3"), ("csat", "3")]).await;
    assert_eq!(late["case_id"], second);
    s.app.config.clock.set(Stamp::utc(2027, 1, 4, 23, 30, 0));
    let tuesday = submitted(&s.member, form, &[("nps", "3"), ("csat", "3")]).await;
    assert_ne!(tuesday["case_id"], second);
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&s.app.db().await)
        .await
        .expect("count");
    assert_eq!(cases, 3);
}
