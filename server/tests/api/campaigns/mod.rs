//! Campaigns over HTTP with a real SMTP server on loopback: the whole flow (`flow`), what the
//! mail server answers (`faults`), the queue before sending (`queue`), short links, DKIM, a
//! SIGKILL during a send and text messages through a gateway (`sms`); and the helpers they
//! share.

mod ab;
mod contests;
mod crash;
mod dkim;
mod faults;
mod flow;
mod journeys;
mod letters;
mod links;
mod notices;
mod offer_journey;
mod queue;
mod results;
mod rules;
mod sending_rules;
mod sms;
mod sms_gateway;
mod smtp;
mod step_reach;
mod steps;
mod triggers;

use std::time::Duration;

use crate::helpers::{json_of, spawn_with};

pub(super) async fn join(app: &crate::helpers::TestApp, email: &str, name: &str, lang: &str) {
    let c = app.other_client();
    let res = c
        .call(
            "accounts/sign_up",
            &[
                ("email", email),
                ("password", "a long enough password"),
                ("preferred_name", name),
                ("language", lang),
                ("email_marketing", "on"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
}

/// A demo shop sending through `mail`, whose own members take no offers (so a test follows
/// only the members it adds), and its database.
pub(super) async fn shop(
    mail: server::mail::SmtpConfig,
) -> (crate::helpers::TestApp, sqlx::SqlitePool) {
    let app = spawn_with(move |c| c.mail = Some(mail))
        .await
        .with_demo()
        .await;
    let db = app.db().await;
    sqlx::query("UPDATE users SET email_marketing = 0 WHERE email LIKE '%@example.com'")
        .execute(&db)
        .await
        .expect("demo members opt out");
    (app, db)
}

/// A demo shop whose own members take no offers (so a test follows only its own), with
/// Sven, who joined in `lang` asking for offers by email and confirmed his address; the
/// confirmation mail is the first message the SMTP server got.
pub(super) async fn shop_with_sven(
    smtp: &smtp::Smtp,
    mail: server::mail::SmtpConfig,
    lang: &str,
) -> (crate::helpers::TestApp, sqlx::SqlitePool) {
    let (app, db) = shop(mail).await;
    join(&app, "sven@example.org", "Sven", lang).await;
    smtp.wait_for(1).await;
    sqlx::query(
        "UPDATE users SET email_confirmed_at = created_at WHERE email = 'sven@example.org'",
    )
    .execute(&db)
    .await
    .expect("confirmed");
    (app, db)
}

pub(super) fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or_default()
}

/// The https address of a `List-Unsubscribe` header (`<https://…/u/…>, <mailto:…>`).
pub(super) fn unsubscribe_link(header: &str) -> &str {
    header
        .split(',')
        .map(|p| p.trim().trim_matches(['<', '>']))
        .find(|p| p.starts_with("http"))
        .expect("an https unsubscribe address")
}

/// A draft campaign with an English message to a new segment saved with `rules`: its id.
pub(super) async fn draft(
    owner: &crate::helpers::TestApp,
    name: &str,
    rules: &[(&str, &str)],
    subject: &str,
    body: &str,
) -> String {
    let mut form = vec![("intent", "save"), ("name", name), ("match_all", "all")];
    form.extend_from_slice(rules);
    let segment = json_of(owner, "campaigns/segment_save", &form).await["id"]
        .as_i64()
        .expect("segment id")
        .to_string();
    let id = json_of(
        owner,
        "campaigns/create",
        &[("name", name), ("segment_id", &segment)],
    )
    .await
    .as_i64()
    .expect("campaign id")
    .to_string();
    json_of(
        owner,
        "campaigns/message",
        &[
            ("id", &id),
            ("language", "en"),
            ("subject", subject),
            ("preheader", ""),
            ("body", body),
        ],
    )
    .await;
    id
}

/// Follows the first short link in `mail`'s text (a click: a redirect to the address).
pub(super) async fn click(app: &crate::helpers::TestApp, mail: &smtp::Mail) {
    followed(app, &mail.text).await;
}

/// Where the first short link in `text` leads (following it is a click).
pub(super) async fn followed(app: &crate::helpers::TestApp, text: &str) -> String {
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/o/"))
        .unwrap_or_else(|| panic!("a short link in {text}"));
    let path = &link[link.find("/o/").expect("path")..];
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url(path))
        .send()
        .await
        .expect("click");
    assert!(res.status().is_redirection(), "{}", res.status());
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

pub(super) async fn wait_finished(c: &crate::helpers::TestApp, id: &str) -> serde_json::Value {
    for _ in 0..400 {
        let camp = json_of(c, "campaigns/get", &[("id", id)]).await;
        if camp["status"] == "finished" {
            return camp;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("campaign {id} did not finish");
}

/// A shop with its demo staff and a real SMTP server, for the journey tests: the server's
/// own journey runs wait an hour, so each test runs the job at the moments it names.
pub(super) async fn journey_shop() -> (smtp::Smtp, crate::helpers::TestApp) {
    crate::helpers::captured_log();
    let smtp = smtp::Smtp::start().await;
    let mail = server::mail::SmtpConfig::parse(&smtp.url(), "news@shop.example", None, 1)
        .expect("smtp config");
    let app = spawn_with(move |c| {
        c.mail = Some(mail);
        c.journey_interval = Duration::from_secs(3600);
    })
    .await
    .with_shop()
    .await;
    (smtp, app)
}
