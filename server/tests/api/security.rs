//! Cross-site requests, role checks, malformed input and response headers.

use crate::helpers::{TestApp, spawn_app};

async fn demo() -> TestApp {
    spawn_app().await.with_demo().await
}

async fn signed_in(app: &TestApp, email: &str) -> TestApp {
    app.signed_in_as(email).await
}

#[tokio::test]
async fn a_cross_site_post_is_refused_before_it_runs() {
    let app = spawn_app().await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "http://evil.example"),
    ] {
        let res = app
            .client
            .post(app.url("/api/accounts/sign_up"))
            .header(name, value)
            .form(&[
                ("email", "x@example.com"),
                ("password", "password1"),
                ("preferred_name", "X"),
                ("language", "en"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 403, "{name}: {value}");
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db().await)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing was created");
    let same = app
        .client
        .post(app.url("/api/accounts/me"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", &app.address)
        .send()
        .await
        .expect("request");
    assert_eq!(same.status(), 200);
    let by_origin = app
        .client
        .post(app.url("/api/accounts/me"))
        .header("origin", &app.address)
        .send()
        .await
        .expect("r");
    assert_eq!(by_origin.status(), 200, "Origin matching the Host is ours");
}

#[tokio::test]
async fn staff_functions_refuse_members_and_visitors_and_lower_roles() {
    let app = demo().await;
    assert_eq!(
        app.other_client().call("staff/list", &[]).await.status(),
        401
    );
    for (email, expected) in [
        ("anna@example.com", 403),
        ("staff@example.com", 403),
        ("manager@example.com", 403),
        ("owner@example.com", 200),
    ] {
        let c = signed_in(&app, email).await;
        let res = c.call("staff/list", &[]).await;
        assert_eq!(res.status(), expected, "{email}");
        let body = res.text().await.expect("body");
        if expected == 403 {
            assert!(
                !body.contains("owner@example.com"),
                "no data leaks to {email}"
            );
        }
    }
}

#[tokio::test]
async fn the_console_answers_members_with_403_and_visitors_with_a_sign_in_redirect() {
    let app = demo().await;
    let visitor = app
        .other_client()
        .client
        .get(app.url("/console"))
        .send()
        .await
        .expect("page");
    assert_eq!(visitor.status(), 303);
    assert_eq!(visitor.headers()["location"], "/sign-in");

    let member = signed_in(&app, "anna@example.com").await;
    let res = member
        .client
        .get(app.url("/console/staff"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 403);
    let html = res.text().await.expect("body");
    assert!(
        html.contains("Endast personal"),
        "refusal shown in the member's language (sv)"
    );
    assert!(!html.contains("owner@example.com"));

    let staff = signed_in(&app, "staff@example.com").await;
    assert_eq!(
        staff
            .client
            .get(app.url("/console"))
            .send()
            .await
            .expect("page")
            .status(),
        200
    );
}

#[tokio::test]
async fn malformed_requests_get_4xx_never_500() {
    let app = demo().await;
    let owner = signed_in(&app, "owner@example.com").await;
    let raw = |c: &TestApp, path: &str, ctype: &str, body: &'static str| {
        c.client
            .post(c.url(path))
            .header("content-type", ctype.to_owned())
            .body(body)
            .send()
    };
    let cases = [
        (
            "/api/accounts/sign_in",
            "application/x-www-form-urlencoded",
            "email=a@b.se",
        ),
        (
            "/api/accounts/sign_in",
            "application/x-www-form-urlencoded",
            "%%%&&&===",
        ),
        (
            "/api/accounts/sign_in",
            "application/json",
            "{\"email\": 5}",
        ),
        (
            "/api/accounts/sign_up",
            "application/x-www-form-urlencoded",
            "",
        ),
        (
            "/api/staff/set_disabled",
            "application/x-www-form-urlencoded",
            "user_id=abc&disabled=maybe",
        ),
        (
            "/api/no/such/function",
            "application/x-www-form-urlencoded",
            "a=b",
        ),
    ];
    for (path, ctype, body) in cases {
        let res = raw(&owner, path, ctype, body).await.expect("request");
        let status = res.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "{path} {body:?} gave {status}"
        );
    }
    let get = owner
        .client
        .get(app.url("/api/accounts/sign_in"))
        .send()
        .await
        .expect("request");
    assert!(
        get.status().is_client_error(),
        "no GET for a state-changing function: {}",
        get.status()
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/sign-in"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let csp = h["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    assert!(
        !csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("referrer-policy") && h.contains_key("x-request-id"));
    let html = res.text().await.expect("body");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn only_a_trusted_proxy_names_the_client_and_a_spoofed_hop_is_skipped() {
    let app = crate::helpers::spawn_with(|c| {
        c.trusted_proxies = app::proxies::Proxies::parse("127.0.0.2").expect("valid");
        c.sign_in_limit_ip = 2;
    })
    .await;
    let guess = |from: &TestApp, forwarded_for: &str, n: usize| {
        let req = from
            .client
            .post(from.url("/api/accounts/sign_in"))
            .header("x-forwarded-for", forwarded_for)
            .form(&[
                ("email", format!("user{n}@example.com")),
                ("password", "whatever1".to_owned()),
            ]);
        async move { req.send().await.expect("request").status().as_u16() }
    };
    // From a stranger, a made-up header changes nothing: every guess counts on its address.
    let stranger = app.other_client();
    assert_eq!(guess(&stranger, "198.51.100.1", 1).await, 401);
    assert_eq!(guess(&stranger, "198.51.100.2", 2).await, 401);
    assert_eq!(guess(&stranger, "198.51.100.3", 3).await, 429);
    // Through the proxy each client counts on its own…
    let proxy = app.other_client_at("127.0.0.2");
    assert_eq!(guess(&proxy, "198.51.100.1", 4).await, 401);
    assert_eq!(guess(&proxy, "198.51.100.1", 5).await, 401);
    assert_eq!(guess(&proxy, "198.51.100.1", 6).await, 429);
    assert_eq!(
        guess(&proxy, "198.51.100.2", 7).await,
        401,
        "another client"
    );
    // …and an address the client put in front of its own is not believed.
    assert_eq!(guess(&proxy, "203.0.113.99, 198.51.100.1", 8).await, 429);
}
