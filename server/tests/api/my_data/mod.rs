//! A member's own data (`/me/data`): editing the profile, marketing channels with their proof,
//! the download of everything stored about them, and closing the account.

use serde_json::Value;

use crate::helpers::{TestApp, error_json, field_error, spawn_app, user_id as id_of};

mod close;

async fn download(c: &TestApp) -> reqwest::Response {
    c.client
        .get(c.url("/api/me/data.json"))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn every_column_naming_an_account_is_exported_and_erased_or_named_as_someone_elses() {
    let app = spawn_app().await;
    let refs: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'users' ORDER BY 1, 2",
    )
    .fetch_all(&app.db().await)
    .await
    .expect("foreign keys");
    assert!(refs.len() > 20, "{refs:?}");
    use app::members::own_data::{OTHER_PEOPLE, TABLES};
    for (table, column) in &refs {
        let owned = TABLES
            .iter()
            .any(|t| t.table == table && t.column == column);
        let other = OTHER_PEOPLE.contains(&(table.as_str(), column.as_str()));
        assert!(
            owned ^ other,
            "{table}.{column} refers to an account: list it in own_data::TABLES (the member's \
             rows) or OTHER_PEOPLE (someone else acting), exactly once"
        );
    }
}

#[tokio::test]
async fn members_edit_their_profile_and_channels_and_each_change_of_consent_is_recorded() {
    let app = spawn_app().await.with_shop().await;
    let anna = app.signed_in_as("anna@example.com").await;
    let id = id_of(&app, "anna@example.com").await;
    let profile: Value = anna
        .call("me/profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["name"], "Anna");
    assert_eq!(profile["phone"], "+46701234567");
    let form = |birthday: &'static str| {
        [
            ("preferred_name", " Anna B "),
            ("phone", "070-765 43 21"),
            ("birthday", birthday),
            ("language", "lv"),
        ]
    };
    for bad in ["1899-12-31", "2999-01-01", "2026-02-30", "soon"] {
        let res = anna.call("me/profile_update", &form(bad)).await;
        assert_eq!(
            error_json(res).await,
            field_error("birthday", "birthday_invalid"),
            "{bad}"
        );
    }
    assert_eq!(
        anna.call("me/profile_update", &form("1990-05-17"))
            .await
            .status(),
        200
    );
    let profile: Value = anna
        .call("me/profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            &profile["name"],
            &profile["phone"],
            &profile["birthday"],
            &profile["language"]
        ),
        (
            &"Anna B".into(),
            &"+46707654321".into(),
            &"1990-05-17".into(),
            &"lv".into()
        ),
        "trimmed; the national number in the shop's country"
    );
    // Her own time zone: a name the server knows, stored as it spells it; empty is the shop's.
    // A postal address (for letters): lines trimmed, blank ones dropped; one line is not an
    // address; empty removes it.
    let with = |field: &'static str, value: &'static str| {
        let mut f = form("1990-05-17").to_vec();
        f.push((field, value));
        f
    };
    let cases = [
        ("time_zone", "Mars/Olympus", "time_zone_invalid"),
        ("postal_address", "Brīvības iela 1", "address_invalid"),
    ];
    for (field, bad, key) in cases {
        let res = anna.call("me/profile_update", &with(field, bad)).await;
        assert_eq!(error_json(res).await, field_error(field, key));
    }
    let (riga, kept) = (
        Value::from("Europe/Riga"),
        Value::from("Brīvības iela 1\nLV-1010 Rīga"),
    );
    let cases = [
        ("time_zone", " Europe/Riga ", &riga),
        ("time_zone", "", &Value::Null),
        (
            "postal_address",
            " Brīvības iela 1\r\n\r\n LV-1010 Rīga ",
            &kept,
        ),
        ("postal_address", "", &Value::Null),
    ];
    for (field, value, stored) in cases {
        let res = anna.call("me/profile_update", &with(field, value)).await;
        assert_eq!(res.status(), 200);
        let profile: Value = anna
            .call("me/profile", &[])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(&profile[field], stored, "{field}: {value:?}");
    }
    assert_eq!(
        anna.me().await["language"],
        "lv",
        "the session follows at once"
    );
    // The search index follows the new name.
    let staff = app.signed_in_as("staff@example.com").await;
    let found: Value = staff
        .call("members/list", &[("query", "Anna B")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["members"][0]["id"], id);

    // Channels: each change is proof with the portal as its source; unchanged ones add nothing
    // (Anna joined with offers by email on).
    let on = [
        ("channels", "email,sms"),
        ("email_marketing", "on"),
        ("sms_marketing", "on"),
    ];
    assert_eq!(anna.call("me/channels", &on).await.status(), 200);
    assert_eq!(anna.call("me/channels", &on).await.status(), 200);
    assert_eq!(
        anna.call(
            "me/channels",
            &[("channels", "email,sms"), ("sms_marketing", "on")]
        )
        .await
        .status(),
        200
    );
    let events: Vec<(String, bool, String)> = sqlx::query_as(
        "SELECT channel, granted, source FROM consent_events WHERE user_id = $1 AND source = 'portal'
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db().await)
    .await
    .expect("events");
    let portal = |c: &str, g| (c.to_owned(), g, "portal".to_owned());
    assert_eq!(events, [portal("sms", true), portal("email", false)]);
    // Text messages need a phone: it cannot be removed while they are on, nor they turned on
    // without one.
    let no_phone = [
        ("preferred_name", "Anna"),
        ("phone", ""),
        ("birthday", ""),
        ("language", "en"),
    ];
    let res = anna.call("me/profile_update", &no_phone).await;
    assert_eq!(
        error_json(res).await,
        field_error("phone", "phone_needed_for_sms")
    );
    assert_eq!(
        anna.call("me/channels", &[("channels", "email,sms")])
            .await
            .status(),
        200
    );
    assert_eq!(
        anna.call("me/profile_update", &no_phone).await.status(),
        200
    );
    let res = anna
        .call(
            "me/channels",
            &[("channels", "email,sms"), ("sms_marketing", "on")],
        )
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("sms_marketing", "phone_needed_for_sms")
    );
    // A request without the form's list of channels (whose unticked boxes would read as
    // "off"), or with a box that is neither ticked nor not, changes nothing.
    assert_eq!(anna.call("me/channels", &[]).await.status(), 400);
    let odd = [("channels", "email,sms"), ("email_marketing", "yes please")];
    assert_eq!(anna.call("me/channels", &odd).await.status(), 400);
    // Staff have no member profile here; visitors are asked to sign in.
    assert_eq!(staff.call("me/profile", &[]).await.status(), 403);
    assert_eq!(
        app.other_client()
            .call("me/profile_update", &form(""))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn the_download_holds_everything_about_the_member_and_nothing_about_anyone_else() {
    let app = spawn_app().await.with_demo().await;
    let staff = app.signed_in_as("staff@example.com").await;
    let ola_id = id_of(&app, "ola@example.com").await.to_string();
    let anna_id = id_of(&app, "anna@example.com").await.to_string();
    for (who, note) in [
        (&ola_id, "Likes the window seat."),
        (&anna_id, "Anna's secret note."),
    ] {
        let res = staff
            .call("members/note", &[("member_id", who), ("body", note)])
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            staff
                .call("members/tag", &[("member_id", who), ("tag", "vip")])
                .await
                .status(),
            200
        );
    }
    let ola = app.signed_in_as("ola@example.com").await;
    let res = download(&ola).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"my-data-"),
        "{disposition}"
    );
    let text = res.text().await.expect("body");
    let data: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(data["account"]["email"], "ola@example.com");
    assert!(data["account"].get("password_hash").is_none(), "no secrets");
    let rows = |t: &str| {
        data["tables"][t]
            .as_array()
            .unwrap_or_else(|| panic!("{t}"))
            .len()
    };
    let db = app.db().await;
    for table in [
        "point_movements",
        "purchases",
        "feedback",
        "cases",
        "case_events",
        "consent_events",
    ] {
        let stored: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} t WHERE {}",
            app::members::own_data::TABLES
                .iter()
                .find(|o| o.table == table)
                .expect("listed")
                .rows
        ))
        .bind(ola_id.parse::<i64>().expect("id"))
        .fetch_one(&db)
        .await
        .expect("count");
        assert!(stored > 0, "the demo gives Ola {table}");
        assert_eq!(rows(table) as i64, stored, "{table}");
    }
    assert!(text.contains("Long queue at lunch."), "their feedback");
    assert!(
        text.contains("Likes the window seat.") && text.contains("\"vip\""),
        "notes and tags"
    );
    for other in [
        "anna@example.com",
        "Anna",
        "cardamom",
        "Anna's secret note.",
        "Sanna",
    ] {
        assert!(!text.contains(other), "{other} is someone else's");
    }
    // Only for the member themself.
    assert_eq!(download(&staff).await.status(), 403);
    assert_eq!(download(&app.other_client()).await.status(), 401);
}
