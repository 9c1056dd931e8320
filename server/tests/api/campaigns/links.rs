//! Short links: a campaign names an offer, its messages link to it and to an address written
//! in the text; both go out as `/o/<code>-<message>`, which records the click for that
//! message and redirects to the address.

use super::{draft, shop_with_sven, smtp::Smtp, wait_finished};
use crate::helpers::json_of;

#[tokio::test]
async fn links_in_a_campaign_are_short_count_clicks_per_message_and_redirect() {
    let smtp = Smtp::start().await;
    let mail = server::mail::SmtpConfig::parse(&smtp.url(), "news@shop.example", None, 1)
        .expect("smtp config");
    let (app, db) = shop_with_sven(&smtp, mail, "en").await;
    let (offer, title): (i64, String) =
        sqlx::query_as("SELECT id, title FROM offers ORDER BY id LIMIT 1")
            .fetch_one(&db)
            .await
            .expect("a demo offer");

    let owner = app.signed_in_as("owner@example.com").await;
    let body = "{{ offer.title }}: {{ offer.url }}\n\nMore at https://example.net/winter.";
    let id = draft(&owner, "Links", &[("consent", "email")], "Hi", body).await;
    // Until an offer is chosen, `offer` is an unknown variable.
    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(
        camp["messages"][0]["problems"][0][1]["name"], "offer",
        "{camp}"
    );
    let segment = camp["segment_id"].as_i64().expect("segment").to_string();
    let bad = owner
        .call(
            "campaigns/update",
            &[
                ("id", &id),
                ("name", "Links"),
                ("segment_id", &segment),
                ("offer_id", "999999"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let camp = json_of(
        &owner,
        "campaigns/update",
        &[
            ("id", &id),
            ("name", "Links"),
            ("segment_id", &segment),
            ("offer_id", &offer.to_string()),
            ("reward_id", ""),
        ],
    )
    .await;
    assert_eq!(camp["offer_id"], offer, "{camp}");
    assert_eq!(camp["messages"][0]["problems"], serde_json::json!([]));
    json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    wait_finished(&owner, &id).await;
    let mails = smtp.wait_for(2).await;
    let mail = mails
        .iter()
        .find(|m| m.list_unsubscribe.is_some())
        .expect("the campaign");
    let links: Vec<&str> = mail
        .text
        .split_whitespace()
        .filter(|w| w.contains("/o/"))
        .map(|w| w.trim_end_matches('.'))
        .collect();
    assert_eq!(links.len(), 2, "{}", mail.text);
    assert!(
        mail.text.starts_with(&format!("{title}: http")),
        "{}",
        mail.text
    );
    assert!(!mail.text.contains("example.net"), "{}", mail.text);
    assert!(
        mail.html.contains(&format!("href=\"{}\"", links[1])),
        "{}",
        mail.html
    );
    let outbox: i64 =
        sqlx::query_scalar("SELECT id FROM outbox WHERE kind = 'campaign' AND campaign_id = $1")
            .bind(id.parse::<i64>().expect("id"))
            .fetch_one(&db)
            .await
            .expect("row");
    assert!(links[0].ends_with(&format!("-{outbox:x}")), "{links:?}");

    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let follow = |link: &str| {
        let path = &link[link.find("/o/").expect("short")..];
        bare.get(app.url(path)).send()
    };
    let res = follow(links[0]).await.expect("click");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("http://127.0.0.1/#offer-{offer}").as_str()
    );
    let res = follow(links[1]).await.expect("click");
    assert_eq!(res.headers()["location"], "https://example.net/winter");
    // A forwarded or altered link still works, and counts for no member.
    let code = links[1].rsplit('/').next().expect("code");
    let (bare_code, _) = code.split_once('-').expect("code-message");
    let res = follow(&format!("/o/{bare_code}-ffff"))
        .await
        .expect("click");
    assert_eq!(res.status(), 303);
    let res = follow("/o/nosuchcode").await.expect("click");
    assert_eq!(res.status(), 404);

    let camp = json_of(&owner, "campaigns/get", &[("id", &id)]).await;
    assert_eq!(camp["progress"]["clicked"], 1, "one member clicked: {camp}");
    let clicks: (i64, i64) = sqlx::query_as("SELECT count(*), count(outbox_id) FROM link_clicks")
        .fetch_one(&db)
        .await
        .expect("clicks");
    assert_eq!(clicks, (3, 2));
}
