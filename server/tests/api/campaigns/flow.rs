//! Campaigns end to end over HTTP with a real SMTP server: double opt-in, a segment, messages
//! per language with strict templates, sending through the outbox, the headers and both MIME
//! parts as received, one-click unsubscribe, and the next campaign skipping that member.

use super::{join, shop, smtp::Smtp, token_of, unsubscribe_link, wait_finished};
use crate::helpers::{error_json, json_of};

#[tokio::test]
async fn a_campaign_reaches_confirmed_members_in_their_language_once_and_one_click_unsubscribes() {
    let smtp = Smtp::start().await;
    let mail = server::mail::SmtpConfig::parse(
        &smtp.url(),
        "Kafé Ö <news@shop.example>",
        Some("hello@shop.example"),
        2,
    )
    .expect("smtp config");
    let (app, db) = shop(mail).await;

    // Double opt-in: three members join asking for offers; each gets a confirmation (a
    // service message) and only the ones who confirm can be sent marketing.
    join(&app, "sven@example.org", "Sven", "sv").await;
    join(&app, "ilze@example.org", "Ilze", "lv").await;
    join(&app, "nils@example.org", "Nils", "nb").await;
    let confirmations = smtp.wait_for(3).await;
    for m in &confirmations {
        assert!(
            m.list_unsubscribe.is_none(),
            "service mail has no unsubscribe header"
        );
        assert!(m.text.contains("/confirm/"), "{}", m.text);
    }
    let sv = confirmations
        .iter()
        .find(|m| m.to == "sven@example.org")
        .expect("sven's");
    assert_eq!(sv.subject, "Bekräfta din e-postadress");
    let lv = confirmations
        .iter()
        .find(|m| m.to == "ilze@example.org")
        .expect("ilze's");
    assert_eq!(lv.subject, "Apstipriniet savu e-pasta adresi");
    for m in [sv, lv] {
        let link = m
            .text
            .split_whitespace()
            .find(|w| w.contains("/confirm/"))
            .expect("link");
        let res = app
            .call("preferences/confirm", &[("token", token_of(link))])
            .await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(
        app.call("preferences/confirm", &[("token", "nope")])
            .await
            .status(),
        404
    );

    // The owner builds a segment of members who consented to email.
    let owner = app.signed_in_as("owner@example.com").await;
    let saved = json_of(
        &owner,
        "campaigns/segment_save",
        &[
            ("intent", "save"),
            ("name", "Email subscribers"),
            ("match_all", "all"),
            ("consent", "email"),
        ],
    )
    .await;
    let segment = saved["id"].as_i64().expect("segment id").to_string();
    assert!(
        saved["preview"]["count"]
            .as_i64()
            .expect("set up by this test")
            >= 3,
        "{saved}"
    );
    // Nils did not confirm: matched, not reachable.
    let reachable = saved["preview"]["email_reachable"]
        .as_i64()
        .expect("set up by this test");
    assert_eq!(reachable, 2, "{saved}");
    let bad = owner
        .call(
            "campaigns/segment_save",
            &[("intent", "count"), ("inactive_days", "-3")],
        )
        .await;
    assert_eq!(bad.status(), 422);

    let id = json_of(
        &owner,
        "campaigns/create",
        &[("name", "Winter sale"), ("segment_id", &segment)],
    )
    .await;
    let id = id.as_i64().expect("campaign id").to_string();
    // An unknown variable is an editor error, and stops sending.
    let camp = json_of(
        &owner,
        "campaigns/message",
        &[
            ("id", &id),
            ("language", "en"),
            ("subject", "Hi {{ first_name }}"),
            ("preheader", ""),
            ("body", "Sale"),
        ],
    )
    .await;
    assert_eq!(
        camp["messages"][0]["problems"][0][1]["name"], "first_name",
        "{camp}"
    );
    let refused = owner.call("campaigns/send", &[("id", &id)]).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        error_json(refused).await["Conflict"]["message_key"],
        "campaign_problems"
    );
    for (lang, subject, body) in [
        (
            "en",
            "{{ preferred_name }}, winter sale",
            "Hello {{ preferred_name }}, you have {{ points }} points.",
        ),
        (
            "sv",
            "{{ preferred_name }}, vinterrea",
            "Hej {{ preferred_name }}! Du har {{ points }} poäng.",
        ),
        (
            "lv",
            "{{ preferred_name }}, ziemas izpārdošana",
            "Sveiki, {{ preferred_name }}! Jums ir {{ points }} punkti.",
        ),
    ] {
        let camp = json_of(
            &owner,
            "campaigns/message",
            &[
                ("id", &id),
                ("language", lang),
                ("subject", subject),
                ("preheader", "Only this week"),
                ("body", body),
            ],
        )
        .await;
        assert!(
            camp["messages"]
                .as_array()
                .expect("set up by this test")
                .iter()
                .all(|m| m["problems"]
                    .as_array()
                    .expect("set up by this test")
                    .is_empty()),
            "{camp}"
        );
    }
    // The preview as a member, in their language.
    let preview = json_of(
        &owner,
        "campaigns/preview",
        &[
            ("id", &id),
            ("language", "lv"),
            ("member", "ilze@example.org"),
        ],
    )
    .await;
    assert_eq!(preview["subject"], "Ilze, ziemas izpārdošana");
    let sent = json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    assert_eq!(sent["status"], "sending", "{sent}");
    let done = wait_finished(&owner, &id).await;
    assert_eq!(done["progress"]["sent"], 2, "{done}");
    assert_eq!(
        owner
            .call(
                "campaigns/message",
                &[
                    ("id", &id),
                    ("language", "en"),
                    ("subject", "x"),
                    ("preheader", ""),
                    ("body", "x"),
                ]
            )
            .await
            .status(),
        409,
        "a sent campaign cannot change"
    );

    let mails = smtp.wait_for(5).await;
    let campaign: Vec<_> = mails
        .iter()
        .filter(|m| m.list_unsubscribe.is_some())
        .collect();
    assert_eq!(campaign.len(), 2, "one each, nothing twice: {campaign:#?}");
    let to_sven = campaign
        .iter()
        .find(|m| m.to == "sven@example.org")
        .expect("sven");
    assert_eq!(to_sven.subject, "Sven, vinterrea");
    assert!(
        to_sven
            .text
            .starts_with("Only this week\n\nHej Sven! Du har 0 poäng."),
        "{}",
        to_sven.text
    );
    assert!(
        to_sven.html.contains("lang=\"sv\"") && to_sven.html.contains("Hej Sven!"),
        "{}",
        to_sven.html
    );
    assert_eq!(
        to_sven.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let to_ilze = campaign
        .iter()
        .find(|m| m.to == "ilze@example.org")
        .expect("ilze");
    assert_eq!(to_ilze.subject, "Ilze, ziemas izpārdošana");

    // One-click unsubscribe: a POST from anywhere, no cookie, answers 200 and never redirects.
    let header = to_sven
        .list_unsubscribe
        .as_deref()
        .expect("set up by this test");
    let link = unsubscribe_link(header).to_owned();
    // The mailto names the same message.
    assert!(
        header.contains(&format!(
            "<mailto:news@shop.example?subject=unsubscribe%20{}>",
            token_of(&link)
        )),
        "{header}"
    );
    // Links carry the configured base URL (here without the test server's port).
    let link = app.url(&format!("/u/{}", token_of(&link)));
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("set up by this test");
    let res = bare
        .post(&link)
        .header("Origin", "https://mail.example")
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("set up by this test");
    assert_eq!(res.status(), 200);
    let (on, source, hash): (bool, String, Option<String>) = sqlx::query_as(
        "SELECT u.email_marketing, e.source, e.text_hash FROM users u JOIN consent_events e ON e.user_id = u.id
         WHERE u.email = 'sven@example.org' ORDER BY e.id DESC LIMIT 1",
    ).fetch_one(&db).await.expect("set up by this test");
    assert!(!on);
    assert_eq!(source, "unsubscribe_link");
    assert_eq!(
        hash.map(|h| h.len()),
        Some(64),
        "the words agreed to are hashed"
    );
    let grant: (String, Option<String>) = sqlx::query_as(
        "SELECT source, text_version FROM consent_events e JOIN users u ON u.id = e.user_id
         WHERE u.email = 'sven@example.org' AND e.granted = 1",
    )
    .fetch_one(&db)
    .await
    .expect("set up by this test");
    assert_eq!(
        grant,
        (
            "sign_up".to_owned(),
            Some(app::campaigns::CONSENT_TEXT_VERSION.to_owned())
        )
    );
    // The preference page behind the same token shows it, in Sven's language.
    let prefs = json_of(&app, "preferences/get", &[("token", token_of(&link))]).await;
    assert_eq!(
        (prefs["language"].as_str(), prefs["email"].as_bool()),
        (Some("sv"), Some(false))
    );

    // The next campaign does not reach him.
    let id2 = json_of(
        &owner,
        "campaigns/create",
        &[("name", "Spring"), ("segment_id", &segment)],
    )
    .await;
    let id2 = id2.as_i64().expect("set up by this test").to_string();
    json_of(
        &owner,
        "campaigns/message",
        &[
            ("id", &id2),
            ("language", "en"),
            ("subject", "Spring"),
            ("preheader", ""),
            ("body", "Spring is here, {{ preferred_name }}."),
        ],
    )
    .await;
    json_of(&owner, "campaigns/send", &[("id", &id2)]).await;
    let done = wait_finished(&owner, &id2).await;
    assert_eq!(done["progress"]["sent"], 1, "{done}");
    let mails = smtp.wait_for(6).await;
    let spring: Vec<_> = mails.iter().filter(|m| m.subject == "Spring").collect();
    assert_eq!(spring.len(), 1);
    assert_eq!(spring[0].to, "ilze@example.org");
    assert!(
        spring[0].text.contains("Spring is here, Ilze."),
        "missing languages fall back: {}",
        spring[0].text
    );

    // A test send goes to the sender only, marked as a test.
    let res = owner
        .call("campaigns/test_send", &[("id", &id2), ("language", "sv")])
        .await;
    assert_eq!(res.status(), 200);
    let mails = smtp.wait_for(7).await;
    let test = mails
        .iter()
        .find(|m| m.to == "owner@example.com")
        .expect("test mail");
    assert!(
        test.subject.starts_with("[Test] Spring"),
        "{}",
        test.subject
    );
    assert!(test.list_unsubscribe.is_none());

    // Members and counter staff cannot reach any of it.
    let staff = app.signed_in_as("staff@example.com").await;
    assert_eq!(staff.call("campaigns/list", &[]).await.status(), 403);
}
