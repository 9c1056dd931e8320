//! An account's password, language and phone number.

use super::*;

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let phone = app.other_client();
    assert_eq!(
        phone
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        200
    );
    assert_eq!(phone.me().await["name"], "Anna");

    let wrong = app
        .call(
            "accounts/change_password",
            &[
                ("current_password", "nope-nope"),
                ("new_password", "password2"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        error_json(wrong).await["Validation"]["field"],
        "current_password"
    );

    let ok = app
        .call(
            "accounts/change_password",
            &[
                ("current_password", "password1"),
                ("new_password", "password2"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(app.me().await["name"], "Anna", "this session continues");
    assert_eq!(
        phone.me().await,
        serde_json::Value::Null,
        "the other session ended"
    );
    assert_eq!(
        phone
            .sign_in("anna@example.com", "password1")
            .await
            .status(),
        401
    );
    assert_eq!(
        phone
            .sign_in("anna@example.com", "password2")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn changing_the_password_needs_a_signed_in_account() {
    let app = spawn_app().await;
    let res = app
        .call(
            "accounts/change_password",
            &[("current_password", "a"), ("new_password", "password2")],
        )
        .await;
    assert_eq!(res.status(), 401);
}

async fn page_lang(app: &crate::helpers::TestApp, path: &str, headers: &[(&str, &str)]) -> String {
    let mut req = app.client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let html = req.send().await.expect("page").text().await.expect("body");
    let start = html.find("<html").expect("html tag");
    let tag = &html[start..start + html[start..].find('>').expect("end of tag")];
    let lang = tag.split("lang=\"").nth(1).expect("lang attribute");
    lang[..lang.find('"').expect("quote")].to_owned()
}

#[tokio::test]
async fn language_comes_from_account_then_cookie_then_accept_language_then_english() {
    let app = spawn_app().await;
    assert_eq!(page_lang(&app, "/", &[]).await, "en");
    assert_eq!(
        page_lang(&app, "/", &[("accept-language", "lv-LV,lv;q=0.9,en;q=0.5")]).await,
        "lv"
    );
    assert_eq!(
        page_lang(
            &app,
            "/",
            &[("accept-language", "lv"), ("cookie", "regulars_lang=pt")]
        )
        .await,
        "pt"
    );
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let url = app.address.parse().expect("url");
    app.jar.add_cookie_str("regulars_lang=pt; Path=/", &url);
    assert_eq!(
        page_lang(&app, "/", &[("accept-language", "lv")]).await,
        "sv",
        "the account's language wins"
    );
    let res = app
        .call("accounts/set_language", &[("language", "nb")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(page_lang(&app, "/", &[]).await, "nb");
    let stored: String = sqlx::query_scalar("SELECT language FROM users")
        .fetch_one(&app.db().await)
        .await
        .expect("q");
    assert_eq!(stored, "nb");
    assert_eq!(
        app.call("accounts/set_language", &[("language", "xx")])
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn the_member_home_greets_by_preferred_name_in_their_language() {
    let app = spawn_app().await;
    app.sign_up("anna@example.com", "password1", "Anna", "sv")
        .await;
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    // The whole page is in the first response (no streamed placeholder), so it reads right
    // without JavaScript.
    let text = html.replace("<!>", "");
    assert!(text.contains("Hej, Anna!"), "greeting missing: {html}");
    assert!(!html.contains("Laddar…"), "no loading placeholder: {html}");
}

#[tokio::test]
async fn a_member_who_gives_a_phone_number_is_found_by_it_and_it_stays_theirs() {
    let app = spawn_app().await.with_demo().await;
    let join = |email: &'static str, phone: &'static str, sms: bool| {
        let client = app.other_client();
        async move {
            let mut form = vec![
                ("email", email),
                ("password", "a long password"),
                ("preferred_name", "Kim"),
                ("language", "en"),
                ("phone", phone),
            ];
            if sms {
                form.push(("sms_marketing", "on"));
            }
            let res = client.call("accounts/sign_up", &form).await;
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let (status, _) = join("kim@example.com", " +46 (70) 555-12 34 ", true).await;
    assert_eq!(status, 200);
    let owner = app.signed_in_as("owner@example.com").await;
    let found: serde_json::Value = owner
        .call("members/find", &[("query", "+46705551234")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        found[0]["email"], "kim@example.com",
        "found by the number as stored"
    );
    let national: serde_json::Value = owner
        .call("members/find", &[("query", "070-555 12 34")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        national[0]["email"], "kim@example.com",
        "a Swedish shop finds a national number too"
    );
    let stored: String =
        sqlx::query_scalar("SELECT phone FROM users WHERE email = 'kim@example.com'")
            .fetch_one(&app.db().await)
            .await
            .expect("phone");
    assert_eq!(stored, "+46705551234", "stored in E.164");
    let field_error = |field: &str, key: &str| {
        json!({"Validation": {"field": field, "message_key": key}}).to_string()
    };
    // A number another account has is not named as taken (whose number it is stays private):
    // the account is made without it, and its confirmation says so in the member's language.
    let (status, _) = join("kim2@example.com", "+46 70 555 12 34", true).await;
    assert_eq!(status, 200, "the same answer as for a free number");
    let db = app.db().await;
    let (phone, sms, note): (Option<String>, bool, Option<String>) = sqlx::query_as(
        "SELECT u.phone, u.sms_marketing, o.note FROM users u
         JOIN outbox o ON o.user_id = u.id AND o.kind = 'confirm_email'
         WHERE u.email = 'kim2@example.com'",
    )
    .fetch_one(&db)
    .await
    .expect("kim2 joined");
    assert_eq!(phone, None, "the number stays with its account");
    assert!(!sms, "no text messages without a number");
    assert_eq!(note.as_deref(), Some("phone_not_saved"));
    let row: app::outbox::Claimed = sqlx::query_as(
        "SELECT id, kind, campaign_id, user_id, channel, address, language, token, attempts, note,
                message_from
         FROM outbox WHERE address = 'kim2@example.com'",
    )
    .fetch_one(&db)
    .await
    .expect("its confirmation");
    let mut conn = db.acquire().await.expect("connection");
    let mut cache = app::outbox::context::Cache::default();
    let mail = app::outbox::compose::compose(
        &mut conn,
        &mut cache,
        &row,
        "http://x",
        "x",
        app::db::Stamp::now(),
    )
    .await
    .expect("read")
    .expect("composed");
    assert!(
        mail.text
            .contains("The phone number you gave could not be added to your account"),
        "{}",
        mail.text
    );
    for (email, phone, sms, key) in [
        ("kim3@example.com", "call me", false, "phone_invalid"),
        ("kim4@example.com", "12", false, "phone_invalid"),
        ("kim5@example.com", "", true, "phone_needed_for_sms"),
    ] {
        let (status, body) = join(email, phone, sms).await;
        assert_eq!(status, 422, "{phone:?}");
        assert_eq!(body, field_error("phone", key), "{phone:?}");
    }
    let (status, _) = join("kim6@example.com", "  ", false).await;
    assert_eq!(status, 200, "the number is optional");
    let phones: Vec<Option<String>> =
        sqlx::query_scalar("SELECT phone FROM users WHERE email LIKE 'kim%' ORDER BY id")
            .fetch_all(&app.db().await)
            .await
            .expect("phones");
    assert_eq!(phones, [Some("+46705551234".to_owned()), None, None]);
}

#[tokio::test]
async fn the_shops_country_set_by_a_manager_reads_national_numbers() {
    use crate::helpers::{error_json, field_error, json_of};
    let app = spawn_app().await.with_demo().await;
    let owner = app.signed_in_as("owner@example.com").await;
    let settings = |zone: &'static str, country: Option<&'static str>| {
        let mut form = vec![
            ("currency", "EUR"),
            ("rate", "1"),
            ("rounding", "down"),
            ("expiry_months", "12"),
            ("qualification_months", "12"),
            ("downgrade", "one_tier"),
            ("time_zone", zone),
        ];
        form.extend(country.map(|c| ("country", c)));
        form
    };
    let join = |email: &'static str, phone: &'static str| {
        let client = app.other_client();
        async move {
            let form = [
                ("email", email),
                ("password", "a long password"),
                ("preferred_name", "Ola"),
                ("language", "nb"),
                ("phone", phone),
            ];
            let res = client.call("accounts/sign_up", &form).await;
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    // A number kept from before numbers were normalised, when no country was known.
    let db = app.db().await;
    sqlx::query("UPDATE users SET phone = '41 23 45 67' WHERE email = 'ola@example.com'")
        .execute(&db)
        .await
        .expect("old number");
    // In UTC with no country, a national number cannot be read.
    let utc = json_of(&owner, "program/settings", &settings("UTC", Some(""))).await;
    assert_eq!(utc["country"], serde_json::Value::Null);
    let (status, body) = join("per@example.com", "98 76 54 32").await;
    assert_eq!(status, 422);
    assert_eq!(body, field_error("phone", "phone_invalid").to_string());
    // Norway, typed in lower case: stored by its code; the old number is read at once.
    let norway = json_of(&owner, "program/settings", &settings("UTC", Some(" no "))).await;
    assert_eq!(norway["country"], "NO");
    let old: String = sqlx::query_scalar("SELECT phone FROM users WHERE email = 'ola@example.com'")
        .fetch_one(&db)
        .await
        .expect("phone");
    assert_eq!(
        old, "+4741234567",
        "normalised when the country became known"
    );
    let (status, _) = join("per@example.com", "98 76 54 32").await;
    assert_eq!(status, 200);
    let found = json_of(&owner, "members/find", &[("query", "987 65 432")]).await;
    assert_eq!(
        found[0]["email"], "per@example.com",
        "found by the national number"
    );
    // Left out, the country stays; one the app does not know is refused.
    let kept = json_of(&owner, "program/settings", &settings("UTC", None)).await;
    assert_eq!(kept["country"], "NO");
    let res = owner
        .call("program/settings", &settings("UTC", Some("XX")))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("country", "country_invalid")
    );
    // Staff cannot change it.
    let staff = app.signed_in_as("staff@example.com").await;
    let res = staff
        .call("program/settings", &settings("UTC", Some("SE")))
        .await;
    assert_eq!(res.status(), 403);
    let program = json_of(&owner, "program/get", &[]).await;
    assert_eq!(program["settings"]["country"], "NO");
}
