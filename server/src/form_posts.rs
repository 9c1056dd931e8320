//! Server functions over HTTP, and what a plain form post (no WASM) gets back. Leptos answers
//! such a post with a redirect to the page it came from, carrying an error in the query
//! (`__path`, `__err`) but not what the function returned on success. Pages served without
//! the WASM (a member's own pages) confirm what was done — "Thanks for your feedback",
//! "Anna referred you" — from that result, so on success the redirect back carries it too:
//! `__path` and `__out` (the returned JSON), read by `app::ui::last_result`.

use app::server::AppState;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;
use leptos_axum::handle_server_fns_with_context;
use reqwest::Url;

/// The largest result a redirect carries (a few names and ids; a URL stays well under the
/// 8 KB servers and browsers accept). A longer one is left out and the page shows no
/// confirmation — the change is made either way.
const MAX_OUTPUT: usize = 1024;

/// `/api/…` for a path no server function has (Leptos routes each function itself): its
/// "no such function" answer.
pub async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response()
}

/// Around every server function: a plain form post's redirect back gets the result added.
pub async fn carry_result(req: Request, next: Next) -> Response {
    let form_post = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    let path = req.uri().path().to_owned();
    let referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.run(req).await;
    match (form_post, referer) {
        (true, Some(referer)) if res.status().is_redirection() => {
            with_output(res, &path, &referer).await
        }
        _ => res,
    }
}

/// `res` (a redirect) with its target's query rewritten when it is Leptos' own way back to
/// the page the form was on: an earlier result dropped, and this one added unless it failed.
/// A function's own redirect (`leptos_axum::redirect`, such as the counter's) is left as it is.
async fn with_output(res: Response, fn_path: &str, referer: &str) -> Response {
    let (mut parts, body) = res.into_parts();
    let from = Url::parse(referer).ok();
    let location = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some((from, target)) = from.and_then(|f| Some((f.clone(), f.join(location?).ok()?))) else {
        return Response::from_parts(parts, body);
    };
    if without_results(&from) != without_results(&target) {
        return Response::from_parts(parts, body);
    }
    let body = axum::body::to_bytes(body, MAX_OUTPUT + 1)
        .await
        .unwrap_or_default();
    let output = std::str::from_utf8(&body).ok().filter(|json| {
        json.len() <= MAX_OUTPUT && serde_json::from_str::<serde_json::Value>(json).is_ok()
    });
    if let Ok(value) = HeaderValue::from_str(&rewrite(&target, fn_path, output)) {
        parts.headers.insert(header::LOCATION, value);
    }
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::empty())
}

/// `url`'s path and query without what a form post's redirect adds to it.
fn without_results(url: &Url) -> (String, Vec<(String, String)>) {
    let query = url
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "__path" | "__err" | "__out"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (url.path().to_owned(), query)
}

/// `target` as a path and query: an earlier result (`__path`, `__out`) removed; then this
/// function's `__path` with its error (`__err`, which Leptos put there) or with `output`.
fn rewrite(target: &Url, fn_path: &str, output: Option<&str>) -> String {
    let pairs: Vec<(String, String)> = target
        .query_pairs()
        .filter(|(k, _)| k != "__out" && k != "__path")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let failed = pairs.iter().any(|(k, _)| k == "__err");
    let mut url = target.clone();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        if failed {
            query.append_pair("__path", fn_path);
        }
        for (k, v) in &pairs {
            query.append_pair(k, v);
        }
        if let (false, Some(json)) = (failed, output) {
            query
                .append_pair("__path", fn_path)
                .append_pair("__out", json);
        }
    }
    let mut location = url.path().to_owned();
    if let Some(q) = url.query().filter(|q| !q.is_empty()) {
        location.push('?');
        location.push_str(q);
    }
    if let Some(f) = url.fragment() {
        location.push('#');
        location.push_str(f);
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn a_success_carries_its_result_and_drops_an_earlier_one() {
        let back = url("http://shop/me/feedback?purchase=7&__path=%2Fapi%2Fx&__out=1#form");
        assert_eq!(
            rewrite(&back, "/api/feedback/submit", Some(r#"{"case_id":3}"#)),
            "/me/feedback?purchase=7&__path=%2Fapi%2Ffeedback%2Fsubmit&__out=%7B%22case_id%22%3A3%7D#form"
        );
    }

    #[test]
    fn the_way_back_is_told_from_a_functions_own_redirect() {
        let from = url("http://shop/console/counter?q=7&__path=%2Fapi%2Fx&__out=1");
        let back = url("http://shop/console/counter?q=7");
        let own = url("http://shop/console/counter?q=7&done=3");
        assert_eq!(without_results(&from), without_results(&back));
        assert_ne!(without_results(&from), without_results(&own));
    }

    #[test]
    fn an_error_or_a_redirect_elsewhere_carries_no_result() {
        let failed = url(
            "http://shop/me/feedback?__path=%2Fapi%2Fold&__out=1&__path=%2Fapi%2Ffeedback%2Fsubmit&__err=abc",
        );
        assert_eq!(
            rewrite(&failed, "/api/feedback/submit", Some("null")),
            "/me/feedback?__path=%2Fapi%2Ffeedback%2Fsubmit&__err=abc"
        );
        assert_eq!(
            rewrite(&url("http://shop/join/sent"), "/api/accounts/sign_up", None),
            "/join/sent"
        );
    }
}
