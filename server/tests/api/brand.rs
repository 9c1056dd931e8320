//! The shop's brand: name and colour saved by managers, the logo uploaded as a plain form post,
//! and both shown on every page in place of the product's name.

use serde_json::Value;

use crate::helpers::{TestApp, error_json, field_error, spawn_app};

/// A multipart body with one file field `logo`.
fn logo_form(bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "regulars-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(c: &TestApp, bytes: &[u8]) -> reqwest::Response {
    let (kind, body) = logo_form(bytes);
    c.client
        .post(c.url("/console/settings/logo"))
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .expect("upload")
}

async fn page(c: &TestApp, path: &str) -> String {
    c.client
        .get(c.url(path))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

/// A real 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8,
    0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5, 0xc3, 0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn the_shops_name_colour_and_logo_replace_the_products_on_every_page() {
    let app = spawn_app().await.with_shop().await;
    let visitor = app.other_client();
    let before = page(&visitor, "/").await;
    assert!(
        before.contains("<title>Regulars</title>"),
        "the product's name until one is set"
    );
    assert!(
        !before.contains("/brand.css"),
        "the default colour needs no stylesheet"
    );

    let manager = app.signed_in_as("manager@example.com").await;
    let save = |name: String, colour: &'static str| {
        let manager = &manager;
        async move {
            manager
                .call("shop/brand_save", &[("name", &name), ("colour", colour)])
                .await
        }
    };
    let name = |n: &str| n.to_owned();
    assert_eq!(
        error_json(save(name("Kafé Linné"), "#ffd700").await).await,
        field_error("colour", "colour_too_light"),
        "white button text on gold is unreadable"
    );
    assert_eq!(
        error_json(save(name("Kafé Linné"), "gold").await).await,
        field_error("colour", "colour_invalid")
    );
    assert_eq!(
        error_json(save("x".repeat(61), "#123456").await).await,
        field_error("name", "text_too_long")
    );
    assert_eq!(save(name("  Kafé   Linné "), "#7A1F3D").await.status(), 200);
    let brand: Value = visitor
        .call("shop/brand", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (&brand["name"], &brand["colour"]),
        (&"Kafé Linné".into(), &"#7a1f3d".into())
    );

    // The logo: PNG, JPEG or WebP by its bytes, 256 KB at most; managers only.
    let staff = app.signed_in_as("staff@example.com").await;
    assert_eq!(upload(&staff, PNG).await.status(), 403);
    // A plain form post: answered with a redirect back to the page, saying how it went.
    let note = |res: reqwest::Response| {
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        to.strip_prefix("/console/settings?")
            .expect("back to settings")
            .to_owned()
    };
    assert_eq!(
        note(upload(&manager, b"<svg onload=alert(1)/>").await),
        "logo=type"
    );
    let mut big = PNG.to_vec();
    big.resize(256 * 1024 + 1, 0);
    assert_eq!(note(upload(&manager, &big).await), "logo=size");
    assert_eq!(
        note(upload(&manager, PNG).await),
        "logo=saved",
        "back on the settings page"
    );

    let html = page(&visitor, "/").await;
    assert!(
        html.contains("<title>Kafé Linné</title>"),
        "the shop's name in the title"
    );
    assert!(html.contains("<span>Kafé Linné</span>"), "and in the bar");
    let brand: Value = visitor
        .call("shop/brand", &[])
        .await
        .json()
        .await
        .expect("json");
    let version: String = brand["version"]
        .as_str()
        .expect("version")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let logo_url = format!("/brand/logo?v={version}");
    let css_url = format!("/brand.css?v={version}");
    for (path, public) in [
        (&logo_url, "/"),
        (&css_url, "/"),
        (&logo_url, "/join"),
        (&logo_url, "/sign-in"),
    ] {
        let html = page(&visitor, public).await;
        assert!(html.contains(path.as_str()), "{public} links {path}");
    }
    let logo = visitor
        .client
        .get(visitor.url(&logo_url))
        .send()
        .await
        .expect("logo");
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(
        logo.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("immutable")
    );
    assert_eq!(logo.bytes().await.expect("bytes").as_ref(), PNG);
    let css = visitor
        .client
        .get(visitor.url(&css_url))
        .send()
        .await
        .expect("css");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(
        css.text()
            .await
            .expect("css")
            .starts_with(":root{--c-brand:#7a1f3d;")
    );

    let res = manager
        .client
        .post(manager.url("/console/settings/logo/remove"))
        .send()
        .await
        .expect("remove");
    assert_eq!(note(res), "logo=removed");
    assert_eq!(
        visitor
            .client
            .get(visitor.url("/brand/logo"))
            .send()
            .await
            .expect("gone")
            .status(),
        404
    );
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = 'shop' ORDER BY id")
            .fetch_all(&app.db().await)
            .await
            .expect("audit");
    assert_eq!(audit, ["shop.brand", "shop.logo", "shop.logo"]);
}
