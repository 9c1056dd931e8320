//! Request middleware: request log with ids, security headers, the cross-site request check,
//! resolving who is signed in, and the console's role gate.

use app::{accounts::session, error::AppError, i18n::LANG_COOKIE, server::AppState};
use axum::{
    body::{Body, Bytes},
    extract::{FromRequest, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};
use tower_sessions::Session;
use tracing::Instrument;

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// Logs every request once it finishes (id, method, path, status, latency) and returns the
/// id in `x-request-id`, so a user's report can be matched to the log.
pub async fn request_log(req: Request, next: Next) -> Response {
    let id = REQUEST_IDS.fetch_add(1, Ordering::Relaxed);
    let method = req.method().clone();
    let path = loggable_path(req.uri().path()).into_owned();
    let span = tracing::info_span!("request", id, %method, %path);
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, latency_ms = format!("{ms:.1}"), "request failed");
        } else {
            tracing::info!(status, latency_ms = format!("{ms:.1}"), "request");
        }
    });
    res.headers_mut()
        .insert("x-request-id", HeaderValue::from(id));
    res
}

/// The path as the log shows it: a bearer secret in it (the reward code in
/// `/me/rewards/<code>.svg`, a message's token in `/u/<token>` and `/o/p/<token>`) is
/// replaced by `[code]` or `[token]`. Query strings and bodies (passwords,
/// emails, tokens) are never logged.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    // A message's token opens its member's preferences: never in the log.
    for prefix in ["/u/", "/o/p/"] {
        if path.strip_prefix(prefix).is_some_and(|t| !t.is_empty()) {
            return format!("{prefix}[token]").into();
        }
    }
    match path.strip_prefix("/me/rewards/") {
        Some(file) if !file.is_empty() => {
            let ext = file
                .rfind('.')
                .map(|i| &file[i..])
                .filter(|e| matches!(*e, ".svg" | ".png"))
                .unwrap_or("");
            format!("/me/rewards/[code]{ext}").into()
        }
        _ => path.into(),
    }
}

/// Headers every response carries. HTML pages set their own CSP (with the script nonce);
/// everything else gets one that allows nothing.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_pkg = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(), microphone=(), payment=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if state.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if is_pkg && res.status().is_success() {
        // cargo-leptos puts a content hash in these names: a new build means a new URL.
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    res
}

/// True when the request's `Origin` names this server: the `Host` it was sent to or the
/// configured base URL.
fn origin_is_ours(headers: &HeaderMap, origin: &str, base_url: &str) -> bool {
    if origin == base_url {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

/// Refuses state-changing requests sent by another site's page (CSRF). Browsers say where a
/// request comes from in `Sec-Fetch-Site` (or at least `Origin`); clients that send neither
/// are not browsers, and cannot carry a victim's cookies by accident.
pub async fn same_origin_writes(
    State(base_url): State<std::sync::Arc<str>>,
    req: Request,
    next: Next,
) -> Response {
    // One-click unsubscribe (RFC 8058) is posted by mail providers from anywhere; its token
    // is the key and it changes nothing else.
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || (req.method() == Method::POST && req.uri().path().starts_with("/u/"));
    if !safe {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let allowed = match (fetch_site, origin) {
            (Some(site), _) => site == "same-origin" || site == "none",
            (None, Some(origin)) => origin_is_ours(headers, origin, &base_url),
            (None, None) => true,
        };
        if !allowed {
            tracing::warn!(?fetch_site, ?origin, "cross-site write refused");
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    next.run(req).await
}

/// Reads a server function's body before the function does, so that a body over the limit
/// (`DefaultBodyLimit`) is a 413 and a form that is not well-formed (a broken `%` escape, bytes
/// that are not UTF-8) a 400. Leptos would answer the first with a 500 and read the second's bad
/// bytes as U+FFFD, storing them. Both answers carry an `AppError`, like the functions' own.
/// The function's own error answer gets its status here too ([`error_status`]).
pub async fn server_fn_body(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    // A download (`GET`): no body to check.
    if req.method() == Method::GET {
        return error_status(next.run(req).await).await;
    }
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // Through the extractor, whose rejection tells an oversized body from a broken one.
    let bytes = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(bytes) => bytes,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refusal(AppError::TooLarge);
        }
        Err(_) => return refusal(AppError::BadRequest),
    };
    // Server functions read their arguments as a URL-encoded form (Leptos' default encoding).
    let form = parts.headers.get(header::CONTENT_TYPE).is_none_or(|ct| {
        ct.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    if form && !well_formed_form(&bytes) {
        return refusal(AppError::BadRequest);
    }
    error_status(
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await,
    )
    .await
}

/// An error answer as a server function gives it: the error's status, the error as JSON.
fn refusal(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(err)).into_response()
}

/// True when `body` is URL-encoded text: every `%` starts a two-digit hex escape, and the
/// decoded bytes are UTF-8.
fn well_formed_form(body: &[u8]) -> bool {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut decoded = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'%' {
            let (Some(hi), Some(lo)) = (
                body.get(i + 1).copied().and_then(hex),
                body.get(i + 2).copied().and_then(hex),
            ) else {
                return false;
            };
            decoded.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
            i += 3;
        } else {
            decoded.push(body[i]);
            i += 1;
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

/// Replaces (or adds) the language cookie in a request's `Cookie` header, so the i18n layer
/// renders in that language (the signed-in account's, or a message recipient's).
pub(crate) fn with_lang_cookie(headers: &mut HeaderMap, lang: &str) {
    let prefix = format!("{LANG_COOKIE}=");
    let mut parts: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    parts.push(format!("{prefix}{lang}"));
    if let Ok(value) = HeaderValue::from_str(&parts.join("; ")) {
        headers.insert(header::COOKIE, value);
    }
}

/// Resolves the session to the signed-in account once per request and puts it in the
/// request's extensions, where server functions and pages read it.
pub async fn resolve_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    if let Some(session) = req.extensions().get::<Session>().cloned() {
        let (absolute, touch) = (state.session_absolute, state.session_touch);
        match session::resolve(&session, &state.db, absolute, touch).await {
            Ok(Some(user)) => {
                with_lang_cookie(
                    req.headers_mut(),
                    app::i18n::LocaleExt::as_str(user.language),
                );
                req.extensions_mut().insert(user);
            }
            Ok(None) => {}
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
    next.run(req).await
}

/// The console is for staff: visitors are sent to sign in; members get the page's refusal
/// with status 403.
pub async fn console_gate(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/me/") {
        // A member's own pages: visitors sign in first.
        if req
            .extensions()
            .get::<app::accounts::CurrentUser>()
            .is_none()
        {
            return Redirect::to("/sign-in").into_response();
        }
        return next.run(req).await;
    }
    if path != "/console" && !path.starts_with("/console/") {
        return next.run(req).await;
    }
    match req
        .extensions()
        .get::<app::accounts::CurrentUser>()
        .map(|u| u.role.is_staff())
    {
        None => Redirect::to("/sign-in").into_response(),
        Some(true) => next.run(req).await,
        Some(false) => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
    }
}

/// The one place a server function's error becomes an HTTP status. server_fn answers every
/// error 500, with the encoded [`AppError`] as the body and its error header; this reads the
/// error back and answers its own status (422 for a field, 403, 404, 409, 429 with
/// `Retry-After`, …). A plain form post's redirect back to its page is left as it is.
pub async fn error_status(res: Response) -> Response {
    let marked = res
        .headers()
        .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER);
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR || !marked {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited { retry_after_secs } = err {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_is_replaced_and_others_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; regulars_lang=en; id=xyz"),
        );
        with_lang_cookie(&mut h, "sv");
        assert_eq!(
            h.get(header::COOKIE).and_then(|v| v.to_str().ok()),
            Some("a=1; id=xyz; regulars_lang=sv")
        );
    }

    #[test]
    fn a_form_must_escape_percent_signs_and_decode_to_utf8() {
        for ok in [
            &b""[..],
            b"a=1&b=x+y",
            b"name=%C3%A9t%C3%A9",
            b"q=50%25",
            "n=\u{e9}".as_bytes(),
        ] {
            assert!(well_formed_form(ok), "{ok:?}");
        }
        for bad in [
            &b"a=%"[..],
            b"a=%4",
            b"a=%ZZ",
            b"a=%FF%FE",
            b"a=\xFF",
            b"a=%C3&b=%A9",
        ] {
            assert!(!well_formed_form(bad), "{bad:?}");
        }
    }

    #[test]
    fn origin_matches_host_or_base_url_only() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:4000"));
        assert!(origin_is_ours(
            &h,
            "http://127.0.0.1:4000",
            "https://shop.example"
        ));
        assert!(origin_is_ours(
            &h,
            "https://shop.example",
            "https://shop.example"
        ));
        assert!(!origin_is_ours(
            &h,
            "http://evil.example",
            "https://shop.example"
        ));
        assert!(!origin_is_ours(&h, "null", "https://shop.example"));
    }
}
