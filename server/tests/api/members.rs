//! Console → Members: the list (search, tags, pages), a member's profile, tags and staff notes.
//! Staff only: a member gets 403 for any profile, their own too.

use serde_json::{Value, json};
use server::demo::DEMO_PASSWORD;

use crate::helpers::{TestApp, error_json, field_error, spawn_app, user_id as member_id};

/// The demo shop's accounts and program, 40 made-up members, and staff signed in.
async fn shop() -> (TestApp, TestApp) {
    let app = spawn_app().await.with_shop().await;
    let db = server::open_database(&app.config).await.expect("db");
    assert_eq!(
        server::seed::members(&db, 40, 36, 3).await.expect("seed"),
        40
    );
    db.close().await;
    let staff = app.signed_in_as("staff@example.com").await;
    (app, staff)
}

async fn list(c: &TestApp, form: &[(&str, &str)]) -> Value {
    let res = c.call("members/list", form).await;
    assert_eq!(res.status(), 200, "{form:?}");
    res.json().await.expect("json")
}

fn ids(page: &Value) -> Vec<i64> {
    page["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn members_are_listed_newest_first_a_page_at_a_time_and_found_by_any_part_of_a_name() {
    let (app, staff) = shop().await;
    let all: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'member' ORDER BY id DESC")
            .fetch_all(&app.db().await)
            .await
            .expect("members");
    assert_eq!(all.len(), 45, "five demo members and forty made up");
    let first = list(&staff, &[]).await;
    assert_eq!(ids(&first), all[..25], "newest first, 25 a page, no staff");
    assert_eq!(first["more"], true);
    let last = first["members"][24]["id"].to_string();
    let second = list(&staff, &[("before", &last)]).await;
    assert_eq!(ids(&second), all[25..]);
    assert_eq!(second["more"], false);
    // Any three characters of a name or an email, any case; two match the start of a name.
    let anna = member_id(&app, "anna@example.com").await;
    for q in ["NNA@EXAMPLE", "nna@ex", "Anna"] {
        assert!(
            ids(&list(&staff, &[("query", q)]).await).contains(&anna),
            "{q}"
        );
    }
    // A made-up member with marks in the family name (Bērziņš, Håkansson…): found by the name
    // as written and by its plain form in the email.
    let made: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, preferred_name, email FROM users WHERE email LIKE '%@example.net'",
    )
    .fetch_all(&app.db().await)
    .await
    .expect("made up");
    let (id, name, email) = made
        .iter()
        .find(|(_, n, _)| !n.split(' ').nth(1).expect("family name").is_ascii())
        .expect("seed 3 makes one");
    let family = name.split(' ').nth(1).expect("family name");
    let plain = email.split('.').nth(1).expect("plain family name");
    assert!(
        ids(&list(&staff, &[("query", family)]).await).contains(id),
        "{family}"
    );
    assert!(
        ids(&list(&staff, &[("query", plain)]).await).contains(id),
        "{plain}"
    );
    let two = list(&staff, &[("query", "Sa")]).await;
    assert!(
        two["members"]
            .as_array()
            .expect("members")
            .iter()
            .all(|m| m["name"]
                .as_str()
                .expect("name")
                .to_lowercase()
                .starts_with("sa")),
        "{two}"
    );
    // Exactly by email or member number, as at the counter.
    let number = app::loyalty::rules::member_number(anna);
    assert_eq!(ids(&list(&staff, &[("query", &number)]).await), [anna]);
    assert_eq!(
        ids(&list(&staff, &[("query", " ANNA@example.com")]).await),
        [anna]
    );
    assert_eq!(
        ids(&list(&staff, &[("query", "staff@example.com")]).await),
        Vec::<i64>::new()
    );
    // Nothing typed is search syntax.
    for q in ["\"", "a\" OR \"b", "NEAR(a b)", "*", "%_%"] {
        assert_eq!(
            staff.call("members/list", &[("query", q)]).await.status(),
            200,
            "{q}"
        );
    }
}

#[tokio::test]
async fn staff_tag_and_note_members_and_find_them_by_tag() {
    let (app, staff) = shop().await;
    let anna = member_id(&app, "anna@example.com").await.to_string();
    let ola = member_id(&app, "ola@example.com").await.to_string();
    let tag = |who: &str, t: &str| {
        let (who, t) = (who.to_owned(), t.to_owned());
        let staff = &staff;
        async move {
            let res = staff
                .call("members/tag", &[("member_id", &who), ("tag", &t)])
                .await;
            assert_eq!(res.status(), 200, "{t}");
            res.json::<Value>().await.expect("json")
        }
    };
    assert_eq!(tag(&anna, "  VIP ").await, json!(["vip"]));
    assert_eq!(tag(&anna, "vip").await, json!(["vip"]), "once per member");
    assert_eq!(
        tag(&anna, "Wholesale  buyer").await,
        json!(["vip", "wholesale buyer"])
    );
    assert_eq!(tag(&ola, "vip").await, json!(["vip"]));
    let vips = list(&staff, &[("tag", "VIP")]).await;
    assert_eq!(ids(&vips).len(), 2);
    assert_eq!(vips["tags"], json!([["vip", 2], ["wholesale buyer", 1]]));
    let anna_vip = list(&staff, &[("tag", "vip"), ("query", "anna")]).await;
    assert_eq!(ids(&anna_vip), [anna.parse::<i64>().expect("id")]);
    let res = staff
        .call(
            "members/tag",
            &[("member_id", &ola), ("tag", "vip"), ("remove", "true")],
        )
        .await;
    assert_eq!(res.json::<Value>().await.expect("json"), json!([]));
    assert_eq!(ids(&list(&staff, &[("tag", "vip")]).await).len(), 1);
    for bad in ["", "   ", &"x".repeat(41)] {
        let res = staff
            .call("members/tag", &[("member_id", &anna), ("tag", bad)])
            .await;
        assert_eq!(error_json(res).await, field_error("tag", "tag_invalid"));
    }
    let res = staff
        .call(
            "members/note",
            &[("member_id", &anna), ("body", " Prefers oat milk. ")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let notes: Value = res.json().await.expect("json");
    assert_eq!(notes[0]["body"], "Prefers oat milk.");
    assert_eq!(notes[0]["author"], "Sanna");
    let res = staff
        .call("members/note", &[("member_id", &anna), ("body", " ")])
        .await;
    assert_eq!(error_json(res).await, field_error("body", "text_required"));
    let staff_id = member_id(&app, "staff@example.com").await.to_string();
    for who in [staff_id.as_str(), "999999"] {
        let res = staff
            .call("members/note", &[("member_id", who), ("body", "x")])
            .await;
        assert_eq!(res.status(), 404, "only members have profiles");
        let res = staff
            .call("members/tag", &[("member_id", who), ("tag", "x")])
            .await;
        assert_eq!(res.status(), 404);
    }
    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'member.%' ORDER BY id",
    )
    .fetch_all(&app.db().await)
    .await
    .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "member.tag",
            "member.tag",
            "member.tag",
            "member.untag",
            "member.note"
        ],
        "each change once, a repeated tag not at all"
    );
}

#[tokio::test]
async fn the_profile_shows_standing_purchases_consents_tags_and_notes_to_staff_only() {
    let (app, staff) = shop().await;
    let anna = member_id(&app, "anna@example.com").await.to_string();
    let main_street: i64 =
        sqlx::query_scalar("SELECT id FROM locations WHERE name = 'Main Street'")
            .fetch_one(&app.db().await)
            .await
            .expect("location");
    let res = staff
        .call(
            "loyalty/purchase",
            &[
                ("member_id", anna.as_str()),
                ("amount", "12.50"),
                ("currency", "EUR"),
                ("location_id", &main_street.to_string()),
                ("full_price", "true"),
                ("idempotency_key", "members-profile-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    staff
        .call("members/tag", &[("member_id", &anna), ("tag", "vip")])
        .await;
    staff
        .call(
            "members/note",
            &[("member_id", &anna), ("body", "Birthday cake in May")],
        )
        .await;
    let res = staff.call("members/profile", &[("member_id", &anna)]).await;
    assert_eq!(res.status(), 200);
    let p: Value = res.json().await.expect("json");
    assert_eq!(p["head"]["name"], "Anna");
    assert_eq!(p["head"]["phone"], "+46701234567");
    assert_eq!(p["head"]["language"], "sv");
    assert_eq!(p["head"]["email_marketing"], true);
    assert_eq!(p["consents"][0]["channel"], "email");
    assert_eq!(p["consents"][0]["granted"], true);
    assert_eq!(p["consents"][0]["source"], "demo");
    assert_eq!(p["purchases"][0]["amount_minor"], 1250);
    assert_eq!(p["summary"]["balance"], p["purchases"][0]["points"]);
    assert_eq!(p["tags"], json!(["vip"]));
    assert_eq!(p["notes"][0]["body"], "Birthday cake in May");
    assert_eq!(p["currency"], "EUR");
    assert_eq!(p["codes"], json!([]));
    assert_eq!(p["feedback"], json!([]));
    // Not for members (their own included) or visitors.
    let member = app.other_client();
    member.sign_in("anna@example.com", DEMO_PASSWORD).await;
    for (endpoint, form) in [
        ("members/profile", vec![("member_id", anna.as_str())]),
        ("members/list", vec![]),
        (
            "members/tag",
            vec![("member_id", anna.as_str()), ("tag", "x")],
        ),
        (
            "members/note",
            vec![("member_id", anna.as_str()), ("body", "x")],
        ),
    ] {
        assert_eq!(
            member.call(endpoint, &form).await.status(),
            403,
            "{endpoint}"
        );
        assert_eq!(
            app.other_client().call(endpoint, &form).await.status(),
            401,
            "{endpoint}"
        );
    }
    let res = staff
        .call("members/profile", &[("member_id", "999999")])
        .await;
    assert_eq!(res.status(), 404);
}
