//! The console's catalog forms over HTTP: the preview follows what is typed before it is saved,
//! and every required name says what it names.

use super::*;
use crate::helpers::field_error;

impl Shop {
    async fn preview(&self, form: &[(&str, &str)]) -> reqwest::Response {
        let mut body = vec![("tier_id", ""), ("location_id", ""), ("date", "2027-01-06")];
        body.extend_from_slice(form);
        self.manager.call("program/preview", &body).await
    }

    async fn previewed(&self, form: &[(&str, &str)]) -> Value {
        let res = self.preview(form).await;
        assert_eq!(res.status(), 200, "{form:?}");
        res.json().await.expect("json")
    }
}

#[tokio::test]
async fn the_preview_takes_the_rate_and_rounding_typed_but_not_saved() {
    let s = demo().await;
    assert_eq!(s.previewed(&[("amount", "100")]).await["total"], 100);
    let typed = [("amount", "100"), ("rate", "2,5"), ("rounding", "down")];
    assert_eq!(s.previewed(&typed).await["total"], 250);
    // 15 € at 0.5 a euro: 7.5 points, down or to the nearest as the form says.
    let half = |rounding| [("amount", "15"), ("rate", "0.5"), ("rounding", rounding)];
    assert_eq!(s.previewed(&half("down")).await["total"], 7);
    assert_eq!(s.previewed(&half("nearest")).await["total"], 8);
    let res = s.preview(&[("amount", "100"), ("rate", "lots")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_json(res).await, field_error("rate", "rate_invalid"));
    // Nothing was saved: a purchase still earns at the saved rate.
    assert_eq!(s.previewed(&[("amount", "100")]).await["total"], 100);
    assert_eq!(s.buy("100", "saved-rate").await["purchase"]["points"], 100);
}

/// An endpoint, the form sent to it, and the error expected back.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Value);

#[tokio::test]
async fn every_catalog_form_names_what_its_empty_field_lacks() {
    let s = demo().await;
    let long = "x".repeat(301);
    let cases: Vec<Case> = vec![
        (
            "program/tier",
            vec![
                ("name", " "),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", ""),
            ],
            field_error("name", "tier_name_required"),
        ),
        (
            "program/tier",
            vec![
                ("name", "Platinum"),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", &long),
            ],
            field_error("perks", "description_too_long"),
        ),
        (
            "program/bonus",
            vec![
                ("name", ""),
                ("multiplier", "2"),
                ("extra_points", "0"),
                ("starts_on", ""),
                ("ends_on", ""),
            ],
            field_error("name", "bonus_name_required"),
        ),
        (
            "program/location",
            vec![("name", "")],
            field_error("name", "location_name_required"),
        ),
        (
            "rewards/save",
            vec![
                ("name", ""),
                ("description", ""),
                ("cost", "100"),
                ("stock", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("icon", "coffee"),
                ("valid_days", "30"),
            ],
            field_error("name", "reward_name_required"),
        ),
        (
            "perks/save_offer",
            vec![
                ("title", ""),
                ("description", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("audience", "all"),
                ("kind", "item"),
                ("value", ""),
                ("per_member_limit", ""),
                ("total_limit", ""),
            ],
            field_error("title", "offer_title_required"),
        ),
        (
            "perks/save_offer",
            vec![
                ("title", "Cake Friday"),
                ("description", &long),
                ("starts_on", ""),
                ("ends_on", ""),
                ("audience", "all"),
                ("kind", "item"),
                ("value", ""),
                ("per_member_limit", ""),
                ("total_limit", ""),
            ],
            field_error("description", "description_too_long"),
        ),
        (
            "perks/save_card",
            vec![("name", ""), ("stamps_needed", "10"), ("min_amount", "")],
            field_error("name", "card_name_required"),
        ),
        (
            "perks/save_card",
            vec![
                ("name", "Coffee card"),
                ("stamps_needed", "10"),
                ("min_amount", ""),
            ],
            field_error("reward_id", "reward_required"),
        ),
        (
            "feedback/save_form",
            vec![("name", ""), ("ask_nps", "on"), ("title_en", "Hi")],
            field_error("name", "form_name_required"),
        ),
        (
            "feedback/save_form",
            vec![
                ("name", "Quiet"),
                ("ask_category", "on"),
                ("title_en", "Hi"),
            ],
            field_error("ask_nps", "form_asks_nothing"),
        ),
    ];
    for (endpoint, form, expected) in cases {
        let res = s.manager.call(endpoint, &form).await;
        assert_eq!(res.status(), 422, "{endpoint} {expected}");
        assert_eq!(error_json(res).await, expected, "{endpoint}");
    }
}
