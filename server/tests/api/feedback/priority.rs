//! Priority service, a tier benefit: a member of such a tier gets the tier's shorter deadline
//! on their case, and their case is listed first; the counter shows it with their tier.

use super::{MON, another_member, shop, submitted};
use crate::helpers::{error_json, field_error, json_of};
use app::db::hours;

#[tokio::test]
async fn cases_of_a_priority_tier_are_due_sooner_and_listed_first() {
    let (s, form) = shop().await;
    // Olle (no tier benefit) writes first: his case is due first by the shop's 48 hours…
    let olle = another_member(&s, "olle@example.com").await;
    let first = submitted(&olle, form, &[("nps", "3"), ("csat", "2")]).await;
    // …then Nora reaches Gold (1,500 points; the demo's Gold answers within 4 hours).
    let member = s.member_id.to_string();
    let location = s.main_street.to_string();
    let res = s
        .staff
        .call(
            "loyalty/purchase",
            &[
                ("member_id", member.as_str()),
                ("amount", "1600"),
                ("currency", "EUR"),
                ("location_id", &location),
                ("full_price", "true"),
                ("idempotency_key", "priority-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let card = json_of(&s.staff, "loyalty/points", &[("member_id", &member)]).await;
    assert_eq!(card["tier"]["name"], "Gold");
    assert_eq!(
        card["tier"]["priority_hours"], 4,
        "the counter knows the benefit"
    );
    s.app.config.clock.set(MON + hours(1));
    let second = submitted(&s.member, form, &[("nps", "5"), ("csat", "3")]).await;
    let inbox = json_of(&s.staff, "feedback/inbox", &[]).await;
    assert_eq!(inbox[0]["id"], second["case_id"], "priority service first");
    assert_eq!(inbox[0]["priority_service"], true);
    assert_eq!(
        inbox[0]["due_at"], "2027-01-04T14:00:00Z",
        "opened at 10:00, due in 4 hours"
    );
    assert_eq!(inbox[1]["id"], first["case_id"]);
    assert_eq!(inbox[1]["priority_service"], false);
    assert_eq!(
        inbox[1]["due_at"], "2027-01-06T09:00:00Z",
        "the shop's 48 hours"
    );

    // Managers set it per tier: 1–720 hours, or empty for none.
    let tiers = json_of(&s.manager, "program/get", &[]).await;
    let silver = tiers["tiers"]
        .as_array()
        .expect("tiers")
        .iter()
        .find(|t| t["name"] == "Silver")
        .expect("silver")
        .clone();
    let save = |hours: &'static str| {
        let id = silver["id"].to_string();
        let manager = &s.manager;
        async move {
            manager
                .call(
                    "program/tier",
                    &[
                        ("id", id.as_str()),
                        ("name", "Silver"),
                        ("threshold", "500"),
                        ("multiplier", "1.25"),
                        ("perks", "Free refill on filter coffee"),
                        ("priority_hours", hours),
                    ],
                )
                .await
        }
    };
    for bad in ["0", "721", "soon"] {
        assert_eq!(
            error_json(save(bad).await).await,
            field_error("priority_hours", "hours_invalid"),
            "{bad}"
        );
    }
    let saved: serde_json::Value = save("12").await.json().await.expect("json");
    assert_eq!(saved["priority_hours"], 12);
    let saved: serde_json::Value = save(" ").await.json().await.expect("json");
    assert_eq!(saved["priority_hours"], serde_json::Value::Null);
}
