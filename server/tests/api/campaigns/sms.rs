//! Text-message campaigns over HTTP against an SMS gateway on loopback (a Twilio-style
//! receiver in this test): messages per language with the opt-out line, Basic auth and the
//! status callback, a temporary failure tried again, a bad number suppressed, the email
//! workers leaving SMS rows alone, signed delivery receipts, and STOP replies.

use super::{
    join,
    sms_gateway::{BAD, FLAKY, Gateway, TOKEN, callback},
    smtp::Smtp,
    wait_finished,
};
use crate::helpers::{error_json, json_of, spawn_with};

#[tokio::test]
async fn an_sms_campaign_reaches_phones_in_their_language_and_stop_replies_unsubscribe() {
    let (gateway, url) = Gateway::start().await;
    let smtp = Smtp::start().await;
    let mail = server::mail::SmtpConfig::parse(&smtp.url(), "Kafé <news@shop.example>", None, 2)
        .expect("smtp config");
    let mut sms =
        server::sms::SmsConfig::new(&url, server::sms::Format::Twilio, "+46700000000", TOKEN);
    sms.account = Some("AC123".to_owned());
    let start = app::db::Stamp::now();
    let app = spawn_with(move |c| {
        c.mail = Some(mail);
        c.sms = Some(sms);
        c.clock.set(start);
    })
    .await
    .with_demo()
    .await;
    let db = app.db().await;
    sqlx::query(
        "UPDATE users SET email_marketing = 0, sms_marketing = 0 WHERE email LIKE '%@example.com'",
    )
    .execute(&db)
    .await
    .expect("demo members opt out");
    // Four members take offers by text (and joined asking for email, so each got a
    // confirmation mail: the only mail this test sends).
    let members = [
        ("anna@example.org", "Anna", "sv", "+46731112233"),
        ("liga@example.org", "Līga", "lv", "+37129990001"),
        ("sam@example.org", "Sam", "en", FLAKY),
        ("bad@example.org", "Bad", "en", BAD),
    ];
    for (email, name, lang, phone) in members {
        join(&app, email, name, lang).await;
        sqlx::query("UPDATE users SET phone = $1, sms_marketing = 1 WHERE email = $2")
            .bind(phone)
            .bind(email)
            .execute(&db)
            .await
            .expect("phone");
    }
    smtp.wait_for(4).await;

    let owner = app.signed_in_as("owner@example.com").await;
    let segment = json_of(
        &owner,
        "campaigns/segment_save",
        &[
            ("intent", "save"),
            ("name", "Texts"),
            ("match_all", "all"),
            ("consent", "sms"),
        ],
    )
    .await["id"]
        .as_i64()
        .expect("segment")
        .to_string();
    let bad_channel = owner
        .call(
            "campaigns/create",
            &[("name", "x"), ("segment_id", &segment), ("channel", "fax")],
        )
        .await;
    assert_eq!(bad_channel.status(), 422);
    let id = json_of(
        &owner,
        "campaigns/create",
        &[
            ("name", "Double points by text"),
            ("segment_id", &segment),
            ("channel", "sms"),
        ],
    )
    .await
    .as_i64()
    .expect("campaign")
    .to_string();
    // A text has only a body: no subject is asked for.
    for (lang, body) in [
        ("en", "Hi {{ preferred_name }}! Double points this week."),
        ("sv", "Hej {{ preferred_name }}! Dubbla poäng i veckan."),
        (
            "lv",
            "Sveiki, {{ preferred_name }}! Šonedēļ dubulti punkti.",
        ),
    ] {
        let camp = json_of(
            &owner,
            "campaigns/message",
            &[("id", &id), ("language", lang), ("body", body)],
        )
        .await;
        assert_eq!(camp["channel"], "sms", "{camp}");
    }
    let preview = json_of(
        &owner,
        "campaigns/preview",
        &[
            ("id", &id),
            ("language", "lv"),
            ("member", "liga@example.org"),
        ],
    )
    .await;
    assert_eq!(
        preview["text"], "Sveiki, Līga! Šonedēļ dubulti punkti.\nAtbildiet STOP, lai atteiktos",
        "{preview}"
    );

    // A test goes to the caller's own phone, which the owner must have.
    let refused = owner
        .call("campaigns/test_send", &[("id", &id), ("language", "sv")])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        error_json(refused)
            .await
            .to_string()
            .contains("phone_needed_for_sms"),
        "the owner has no phone yet"
    );
    sqlx::query("UPDATE users SET phone = '+46709999999' WHERE email = 'owner@example.com'")
        .execute(&db)
        .await
        .expect("owner's phone");
    let test = owner
        .call("campaigns/test_send", &[("id", &id), ("language", "sv")])
        .await;
    assert_eq!(test.status(), 200);
    let got = gateway.wait_for(1).await;
    assert_eq!(got[0].get("To"), "+46709999999");
    assert!(got[0].get("Body").starts_with("[Test] Hej "), "{got:?}");

    // Sending: one request per member; Sam's first answer is a 503, Bad's number is refused.
    let sent = json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    assert_eq!(sent["progress"]["queued"], 4, "{sent}");
    let got = gateway.wait_for(5).await;
    let to = |phone: &str| {
        got.iter()
            .find(|g| g.get("To") == phone)
            .cloned()
            .unwrap_or_else(|| panic!("nothing to {phone}: {got:?}"))
    };
    let anna = to("+46731112233");
    assert_eq!(
        anna.get("Body"),
        "Hej Anna! Dubbla poäng i veckan.\nSvara STOPP för att avsluta"
    );
    assert_eq!(anna.get("From"), "+46700000000");
    assert_eq!(
        anna.authorization,
        // base64("AC123:gateway-secret")
        "Basic QUMxMjM6Z2F0ZXdheS1zZWNyZXQ="
    );
    let anna_status = anna.get("StatusCallback").to_owned();
    assert!(
        anna_status.starts_with("http://127.0.0.1/sms/status/"),
        "{anna_status}"
    );
    assert!(to("+37129990001").get("Body").starts_with("Sveiki, Līga!"));
    to(BAD);
    to(FLAKY);
    // Sam waits for his next try (a minute later); Bad's number is given up and suppressed.
    for _ in 0..200 {
        let (status, error): (String, Option<String>) = sqlx::query_as(
            "SELECT status, last_error FROM outbox WHERE address = $1 AND kind = 'campaign'",
        )
        .bind(FLAKY)
        .fetch_one(&db)
        .await
        .expect("sam's row");
        if status == "queued" && error.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let reason: String = sqlx::query_scalar(
        "SELECT reason FROM suppressions WHERE channel = 'sms' AND address = $1",
    )
    .bind(BAD)
    .fetch_one(&db)
    .await
    .expect("the refused number is suppressed");
    assert_eq!(reason, "hard_bounce");
    app.config.clock.set(start.plus_secs(61));
    let done = wait_finished(&owner, &id).await;
    assert_eq!(
        (&done["progress"]["sent"], &done["progress"]["failed"]),
        (&serde_json::json!(3), &serde_json::json!(1)),
        "{done}"
    );
    assert_eq!(
        gateway
            .got()
            .iter()
            .filter(|g| g.get("To") == FLAKY)
            .count(),
        2
    );
    // The email workers never took a text: only the four confirmations went by SMTP.
    assert_eq!(smtp.mails().len(), 4);

    // Delivery receipts, signed for the address the gateway was given.
    let path = anna_status.trim_start_matches("http://127.0.0.1");
    let forged = callback(
        &app,
        path,
        &anna_status,
        "not-the-token",
        &[("MessageSid", "SM123"), ("MessageStatus", "delivered")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let unsigned = app
        .client
        .post(app.url(path))
        .form(&[("MessageSid", "SM123"), ("MessageStatus", "delivered")])
        .send()
        .await
        .expect("unsigned");
    assert_eq!(unsigned.status(), 403);
    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(camp["progress"]["delivered"], 0);
    let ok = callback(
        &app,
        path,
        &anna_status,
        TOKEN,
        &[("MessageSid", "SM123"), ("MessageStatus", "delivered")],
    )
    .await;
    assert_eq!(ok.status(), 204);
    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(camp["progress"]["delivered"], 1, "{camp}");
    // An unknown destination reported later suppresses that number too.
    let liga_status = to("+37129990001").get("StatusCallback").to_owned();
    let undelivered = callback(
        &app,
        liga_status.trim_start_matches("http://127.0.0.1"),
        &liga_status,
        TOKEN,
        &[
            ("MessageSid", "SM124"),
            ("MessageStatus", "undelivered"),
            ("ErrorCode", "30005"),
        ],
    )
    .await;
    assert_eq!(undelivered.status(), 204);
    let liga: Option<String> = sqlx::query_scalar(
        "SELECT reason FROM suppressions WHERE channel = 'sms' AND address = '+37129990001'",
    )
    .fetch_optional(&db)
    .await
    .expect("query");
    assert_eq!(liga.as_deref(), Some("hard_bounce"));

    // Replies: a forged STOP changes nothing; a thank-you is ignored; Anna's "Stopp" ends her
    // texts, with the proof recorded.
    let on = &app;
    let reply = |key: &'static str, from: &'static str, body: &'static str| async move {
        callback(
            on,
            "/sms/inbound",
            "http://127.0.0.1/sms/inbound",
            key,
            &[("From", from), ("Body", body)],
        )
        .await
    };
    assert_eq!(reply("guess", FLAKY, "STOP").await.status(), 403);
    assert_eq!(reply(TOKEN, FLAKY, "Thanks!").await.status(), 200);
    let stop = reply(TOKEN, "+46731112233", "Stopp").await;
    assert_eq!(stop.status(), 200);
    assert!(stop.text().await.expect("body").contains("<Response>"));
    let consents: Vec<(String, bool, String)> = sqlx::query_as(
        "SELECT u.email, u.sms_marketing, coalesce((SELECT e.source FROM consent_events e
             WHERE e.user_id = u.id AND e.channel = 'sms' AND e.granted = 0), '')
         FROM users u WHERE u.email IN ('anna@example.org', 'sam@example.org') ORDER BY u.email",
    )
    .fetch_all(&db)
    .await
    .expect("consents");
    assert_eq!(
        consents,
        vec![
            ("anna@example.org".to_owned(), false, "sms_reply".to_owned()),
            ("sam@example.org".to_owned(), true, String::new()),
        ]
    );

    // The next text campaign to the same segment reaches Sam alone: Anna stopped, Līga's
    // and Bad's numbers are suppressed.
    let id2 = json_of(
        &owner,
        "campaigns/create",
        &[
            ("name", "Again"),
            ("segment_id", &segment),
            ("channel", "sms"),
        ],
    )
    .await
    .as_i64()
    .expect("campaign")
    .to_string();
    json_of(
        &owner,
        "campaigns/message",
        &[("id", &id2), ("language", "en"), ("body", "Last days!")],
    )
    .await;
    let sent = json_of(&owner, "campaigns/send", &[("id", &id2)]).await;
    assert_eq!(sent["progress"]["queued"], 1, "{sent}");
    let done = wait_finished(&owner, &id2).await;
    assert_eq!(done["progress"]["sent"], 1, "{done}");
    assert_eq!(
        gateway.got().last().map(|g| g.get("To").to_owned()),
        Some(FLAKY.to_owned())
    );
}
