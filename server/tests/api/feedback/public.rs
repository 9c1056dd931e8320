//! The public form: a honeypot field and a rate limit per IP for visitors.

use super::*;

#[tokio::test]
async fn the_public_form_has_a_honeypot_and_a_rate_limit_per_ip() {
    let (s, form) = shop().await;
    let visitor = s.app.other_client();
    let public = json_of(&visitor, "feedback/form", &[("slug", "after-a-visit")]).await;
    assert_eq!(public["texts"]["title"], "How was your visit?");
    let answers = [
        ("nps", "9"),
        ("csat", "5"),
        ("contact_email", "Guest@Example.com"),
    ];
    let bot = [
        ("nps", "9"),
        ("csat", "5"),
        ("website", "http://spam.example"),
    ];
    assert_eq!(submit(&visitor, form, &bot).await.status(), 400);
    let res = submit(
        &visitor,
        form,
        &[("nps", "9"), ("csat", "5"), ("contact_email", "nope")],
    )
    .await;
    assert_eq!(
        error_json(res).await,
        field("contact_email", "email_invalid")
    );
    for _ in 0..10 {
        submitted(&visitor, form, &answers).await;
    }
    assert_eq!(submit(&visitor, form, &answers).await.status(), 429);
    // Members are not limited by visitors' traffic from the same address.
    submitted(&s.member, form, &answers).await;
    let stored: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT contact_email FROM feedback WHERE member_id IS NULL")
            .fetch_all(&s.app.db().await)
            .await
            .expect("rows");
    assert_eq!(
        stored.len(),
        10,
        "the bot's and the refused ones are not stored"
    );
    assert_eq!(stored[0].0.as_deref(), Some("guest@example.com"));
    // In Swedish the Swedish title; in Latvian (no texts) the default language's, flagged.
    for (language, title, fallback) in [
        ("sv", "Hur var ditt besök?", false),
        ("lv", "How was your visit?", true),
    ] {
        let c = s.app.other_client();
        let res = c
            .call("accounts/set_language", &[("language", language)])
            .await;
        assert_eq!(res.status(), 200);
        let shown = json_of(&c, "feedback/form", &[("slug", "after-a-visit")]).await;
        assert_eq!(shown["texts"]["title"], title, "{language}");
        assert_eq!(shown["fallback"], fallback, "{language}");
    }
}
