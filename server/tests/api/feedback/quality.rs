//! The quality numbers over HTTP: weeks on the shop's calendar.

use super::{MON, shop, submitted};
use crate::helpers::json_of;
use app::db::minutes;

#[tokio::test]
async fn quality_weeks_follow_the_shop_calendar() {
    // The demo shop is in Stockholm (UTC+1 in January): Sunday 23:30 UTC is already Monday
    // there, so that answer belongs to the new week; Sunday 22:30 UTC is still the old one.
    let (s, form) = shop().await;
    for (at, nps) in [
        (MON - minutes(9 * 60 + 30), "10"),
        (MON - minutes(10 * 60 + 30), "9"),
    ] {
        s.app.config.clock.set(at);
        submitted(&s.member, form, &[("nps", nps), ("csat", "5")]).await;
    }
    s.app.config.clock.set(MON);
    let q = json_of(&s.manager, "feedback/quality", &[("weeks", "4")]).await;
    let weeks: Vec<(String, i64)> = q["by_week"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| {
            (
                w["key"].as_str().unwrap_or("").to_owned(),
                w["count"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [("2026-12-28".to_owned(), 1), ("2027-01-04".to_owned(), 1)]
    );
}

#[tokio::test]
async fn satisfaction_is_left_out_until_a_form_asks_it() {
    let s = super::demo().await;
    let asks = |q: &serde_json::Value| q["asks_csat"].as_bool();
    let q = json_of(&s.manager, "feedback/quality", &[("weeks", "4")]).await;
    assert_eq!(asks(&q), Some(false), "no form, no CSAT column");
    let form = [
        ("name", "Scores only"),
        ("ask_nps", "on"),
        ("title_en", "How did we do?"),
    ];
    json_of(&s.manager, "feedback/save_form", &form).await;
    let q = json_of(&s.manager, "feedback/quality", &[("weeks", "4")]).await;
    assert_eq!(asks(&q), Some(false), "a form without CSAT");
    let form = [
        ("name", "With satisfaction"),
        ("ask_csat", "on"),
        ("title_en", "Were you happy?"),
    ];
    json_of(&s.manager, "feedback/save_form", &form).await;
    let q = json_of(&s.manager, "feedback/quality", &[("weeks", "4")]).await;
    assert_eq!(asks(&q), Some(true), "a form that asks it");
}
