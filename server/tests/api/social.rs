//! Public pages as cards and on paper: the join and feedback pages carry Open Graph and
//! Twitter tags in the visitor's language, and the print sheets (poster and table card) speak
//! the language asked for, whatever the reader's own, with the QR code of the page.

use crate::helpers::spawn_with;

async fn html(c: &reqwest::Client, url: String, language: &str) -> (u16, String) {
    let res = c
        .get(url)
        .header("Accept-Language", language)
        .send()
        .await
        .expect("page");
    (res.status().as_u16(), res.text().await.expect("body"))
}

fn meta(html: &str, key: &str) -> Option<String> {
    let at = html.find(&format!("=\"{key}\" content=\""))?;
    let rest = &html[at + key.len() + 13..];
    Some(rest[..rest.find('"')?].to_owned())
}

#[tokio::test]
async fn public_pages_are_cards_in_their_language_and_print_in_any() {
    let app = spawn_with(|c| c.base_url = "https://shop.example".into())
        .await
        .with_demo()
        .await;
    let c = &app.client;

    let (status, join) = html(c, app.url("/join?ref=AB12"), "sv").await;
    assert_eq!(status, 200);
    assert_eq!(
        meta(&join, "og:title").as_deref(),
        Some("Bli medlem hos Regulars")
    );
    assert_eq!(
        meta(&join, "og:url").as_deref(),
        Some("https://shop.example/join")
    );
    assert_eq!(meta(&join, "og:locale").as_deref(), Some("sv_SE"));
    assert_eq!(meta(&join, "twitter:card").as_deref(), Some("summary"));
    assert!(
        meta(&join, "og:description").is_some_and(|d| d.starts_with("Samla poäng")),
        "{join}"
    );
    // No logo yet: no image tag rather than a broken one.
    assert_eq!(meta(&join, "og:image"), None);

    let (_, form) = html(c, app.url("/feedback/after-a-visit"), "pt-BR,pt;q=0.9").await;
    assert_eq!(
        meta(&form, "og:title").as_deref(),
        Some("Como foi sua visita?")
    );
    assert_eq!(
        meta(&form, "og:url").as_deref(),
        Some("https://shop.example/feedback/after-a-visit")
    );
    assert_eq!(meta(&form, "og:locale").as_deref(), Some("pt_BR"));

    // An English reader prints a Latvian table card.
    let (status, sheet) = html(c, app.url("/print/join?size=a6&lang=lv"), "en").await;
    assert_eq!(status, 200);
    assert!(
        sheet.contains(r#"<article lang="lv" class="print-sheet a6">"#),
        "{sheet}"
    );
    assert!(sheet.contains("<h1>Kļūstiet par Regulars dalībnieku</h1>"));
    assert!(sheet.contains(r#"src="/qr/join.svg""#));
    assert!(sheet.contains("https://shop.example/join</p>"));
    // The choices around it are in the reader's language, and plain HTML (no WASM).
    assert!(sheet.contains("A4 poster"));
    assert!(!sheet.contains("_bg.wasm"));
    let (_, poster) = html(c, app.url("/print/feedback/after-a-visit?lang=nb"), "en").await;
    assert!(poster.contains(r#"<article lang="nb" class="print-sheet a4">"#));
    assert!(poster.contains("<h1>Hvordan var besøket ditt?</h1>"));
    assert!(poster.contains(r#"src="/qr/feedback/after-a-visit.svg""#));
    // An unknown form or language is not found.
    let (_, missing) = html(c, app.url("/print/feedback/nope"), "en").await;
    assert!(!missing.contains("print-sheet"));
    let (_, bad) = html(c, app.url("/print/join?lang=xx"), "en").await;
    assert!(!bad.contains("print-sheet"));

    let qr = c.get(app.url("/qr/join.svg")).send().await.expect("qr");
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.expect("svg").starts_with("<?xml"));
}

#[tokio::test]
async fn contests_and_member_offers_are_cards_and_posters_too_but_not_offers_for_picked_members() {
    let app = spawn_with(|c| c.base_url = "https://shop.example".into())
        .await
        .with_demo()
        .await;
    let c = &app.client;

    let (status, contest) = html(c, app.url("/contests/winter-draw"), "nb").await;
    assert_eq!(status, 200);
    assert_eq!(
        meta(&contest, "og:title").as_deref(),
        Some("Vintertrekning")
    );
    assert_eq!(
        meta(&contest, "og:url").as_deref(),
        Some("https://shop.example/contests/winter-draw")
    );
    assert!(
        contest.contains(r#"<h1 class="page-title">Vintertrekning</h1>"#),
        "{contest}"
    );
    let (_, sheet) = html(c, app.url("/print/contest/winter-draw?lang=lv"), "en").await;
    assert!(sheet.contains(r#"<article lang="lv" class="print-sheet a4">"#));
    assert!(sheet.contains("<h1>Ziemas izloze</h1>"), "{sheet}");
    assert!(sheet.contains(r#"src="/qr/contest/winter-draw.svg""#));
    assert!(sheet.contains("https://shop.example/contests/winter-draw</p>"));

    // The demo's first offer is for everyone; the second is made one for picked members, the
    // third is over: neither has a page, a card, a poster or a QR code.
    let pool = app.db().await;
    let mut ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM offers ORDER BY id LIMIT 2")
        .fetch_all(&pool)
        .await
        .expect("offers");
    sqlx::query("UPDATE offers SET audience = 'picked' WHERE id = $1")
        .bind(ids[1])
        .execute(&pool)
        .await
        .expect("picked");
    let over: i64 = sqlx::query_scalar(
        "INSERT INTO offers (title, description, audience, kind, value, active, created_at, ends_on)
         VALUES ('Old deal', '', 'all', 'percent', 5, 1, '2020-01-01T00:00:00Z', '2020-01-31')
         RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("an offer that is over");
    ids.push(over);
    let title: String = sqlx::query_scalar("SELECT title FROM offers WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&pool)
        .await
        .expect("title");
    let (_, offer) = html(c, app.url(&format!("/offers/{}", ids[0])), "en").await;
    assert_eq!(meta(&offer, "og:title").as_deref(), Some(title.as_str()));
    assert!(offer.contains("For every member."), "{offer}");
    let (_, poster) = html(
        c,
        app.url(&format!("/print/offer/{}?size=a6", ids[0])),
        "en",
    )
    .await;
    assert!(
        poster.contains(&format!(r#"src="/qr/offer/{}.svg""#, ids[0])),
        "{poster}"
    );
    let qr = |id: i64| c.get(app.url(&format!("/qr/offer/{id}.svg"))).send();
    assert_eq!(qr(ids[0]).await.expect("qr").status(), 200);
    for hidden in &ids[1..] {
        assert_eq!(qr(*hidden).await.expect("qr").status(), 404);
        let (_, page) = html(c, app.url(&format!("/offers/{hidden}")), "en").await;
        assert!(meta(&page, "og:title").is_none(), "{page}");
        let (_, sheet) = html(c, app.url(&format!("/print/offer/{hidden}")), "en").await;
        assert!(!sheet.contains("print-sheet"));
    }
    let missing = c
        .get(app.url("/qr/contest/nope.svg"))
        .send()
        .await
        .expect("qr");
    assert_eq!(missing.status(), 404);
}
