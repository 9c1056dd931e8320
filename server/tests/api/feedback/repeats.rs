//! The same answers sent twice by a member (a double tap, a form left filled in): the second
//! is refused for a few minutes, and nothing is stored twice.

use super::{MON, shop, submit, submitted};
use crate::helpers::error_json;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn a_member_sending_the_same_answers_again_within_ten_minutes_is_refused() {
    let (s, form) = shop().await;
    let answers = [("nps", "8"), ("csat", "4"), ("body", "Nice scones")];
    submitted(&s.member, form, &answers).await;
    s.app.config.clock.set(MON + Duration::minutes(9));
    let res = submit(&s.member, form, &answers).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await,
        json!({"Conflict": {"message_key": "feedback_repeated"}})
    );
    // Different answers are new feedback, and so are the same ones later on.
    submitted(&s.member, form, &[("nps", "8"), ("csat", "4")]).await;
    s.app.config.clock.set(MON + Duration::minutes(11));
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
