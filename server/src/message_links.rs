//! The addresses in messages the server answers itself: the one-click unsubscribe of every
//! marketing email (`POST /u/<token>`), short links (`GET /o/<code>`), and the language of the
//! pages a message's links open.

/// Answers a one-click unsubscribe (RFC 8058): a `POST` to a message's `/u/<token>` withdraws
/// email consent at once and answers 200 — no cookie, no sign-in, no redirect.
pub async fn one_click(
    axum::extract::State(state): axum::extract::State<app::server::AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> (axum::http::StatusCode, &'static str) {
    use axum::http::StatusCode;
    let now = state.clock.now();
    let proof = app::campaigns::prefs::RequestProof {
        ip: None,
        user_agent: headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(400).collect()),
    };
    let done = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                app::campaigns::prefs::unsubscribe(tx, &token, "unsubscribe_link", &proof, now)
                    .await
            })
        })
        .await;
    match done {
        Ok(Some(_)) => (StatusCode::OK, "unsubscribed\n"),
        Ok(None) => (StatusCode::NOT_FOUND, "unknown link\n"),
        Err(e) => {
            tracing::warn!(error = %e, "one-click unsubscribe failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n")
        }
    }
}

/// The pages a message's links open (`GET /u/<token>`, `/confirm/<token>`) speak the language
/// of the member the message went to, signed in or not: the language cookie is set from the
/// token on the request (so the page renders in it) and on the response (so the browser's copy
/// of the app starts in it too).
pub async fn token_language(
    axum::extract::State(state): axum::extract::State<app::server::AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, header};
    let path = req.uri().path();
    let token = path
        .strip_prefix("/u/")
        .or_else(|| path.strip_prefix("/confirm/"))
        .filter(|t| req.method() == Method::GET && !t.is_empty() && !t.contains('/'))
        .map(str::to_owned);
    let Some(token) = token else {
        return next.run(req).await;
    };
    let language = match state.db.reader.acquire().await {
        Ok(mut conn) => app::campaigns::prefs::get(&mut conn, &token)
            .await
            .ok()
            .flatten()
            .map(|p| p.language),
        Err(_) => None,
    };
    let Some(language) = language.filter(|l| app::i18n::parse_locale(l).is_some()) else {
        return next.run(req).await;
    };
    crate::middleware::with_lang_cookie(req.headers_mut(), &language);
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&app::i18n::lang_cookie(&language, state.secure_cookies)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A transparent 1×1 GIF.
const PIXEL: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The image in a campaign or journey email (`/o/p/<token>`): records the message's first
/// open and answers a transparent 1×1 GIF, whatever the token (an unknown one records
/// nothing, and says so to no one). Never cached, so a second reading reaches the server
/// (and changes nothing).
pub async fn open_pixel(
    axum::extract::State(state): axum::extract::State<app::server::AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    if token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric()) {
        let now = state.clock.now();
        let recorded = state
            .db
            .write(move |tx| {
                Box::pin(async move { Ok(app::campaigns::links::opened(tx, &token, now).await?) })
            })
            .await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "recording an open failed");
        }
    }
    (
        [
            (header::CONTENT_TYPE, "image/gif"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PIXEL,
    )
        .into_response()
}

/// A short link in a message (`/o/<code>-<message>`): records the click and redirects (303) to
/// the address; an unknown code is a 404. Link checkers in mail systems count as clicks too,
/// as with every click counter.
pub async fn short_link(
    axum::extract::State(state): axum::extract::State<app::server::AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};
    if code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return (StatusCode::NOT_FOUND, "unknown link\n").into_response();
    }
    let now = state.clock.now();
    let found = state
        .db
        .write(move |tx| {
            Box::pin(async move { Ok(app::campaigns::links::click(tx, &code, now).await?) })
        })
        .await;
    match found {
        Ok(Some(url)) => axum::response::Redirect::to(&url).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "unknown link\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "recording a click failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n").into_response()
        }
    }
}
