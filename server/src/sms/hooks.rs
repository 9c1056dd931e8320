//! What the SMS gateway calls: `POST /sms/inbound` with a member's reply (a stop word in any of
//! the five languages withdraws their SMS consent and suppresses the number) and `POST
//! /sms/status/<token>` with a delivery receipt for one message. Both are Twilio-style forms
//! signed with the gateway token: `X-Twilio-Signature` is base64(HMAC-SHA1(token, the public
//! URL followed by every parameter's name and value, sorted by name)). An unsigned or wrongly
//! signed request changes nothing and gets 403.

use std::sync::Arc;

use app::db::{Clock, Db};
use axum::{
    Form, Router,
    extract::{OriginalUri, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// What the callbacks need.
#[derive(Clone)]
struct Hooks {
    db: Db,
    clock: Clock,
    token: Arc<str>,
    base_url: Arc<str>,
}

/// The callback routes (nested under `/sms`), answering for `base_url` (the address the
/// gateway was given).
pub fn routes(db: Db, clock: Clock, token: &str, base_url: Arc<str>) -> Router {
    Router::new()
        .route("/inbound", post(inbound))
        .route("/status/{token}", post(status))
        .with_state(Hooks {
            db,
            clock,
            token: token.into(),
            base_url,
        })
}

/// The MAC of a request to `url` with form `params`, keyed with `token`.
fn mac(token: &str, url: &str, params: &[(String, String)]) -> Hmac<sha1::Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The signature of a request to `url` with form `params`, keyed with `token` (what the
/// gateway sends in `X-Twilio-Signature`).
pub fn signature(token: &str, url: &str, params: &[(String, String)]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(token, url, params).finalize().into_bytes())
}

/// Whether the request to `uri` with `params` carries the token's signature (compared in
/// constant time; the URL is the public one, `REGULARS_BASE_URL` + path and query).
fn verified(
    hooks: &Hooks,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> bool {
    let Some(given) = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .ok()
        })
    else {
        return false;
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{path}", hooks.base_url.trim_end_matches('/'));
    mac(&hooks.token, &url, params).verify_slice(&given).is_ok()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An empty TwiML answer: nothing to reply.
fn no_reply() -> Response {
    (
        [(header::CONTENT_TYPE, "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
    )
        .into_response()
}

async fn inbound(
    State(hooks): State<Hooks>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Form(params): Form<Vec<(String, String)>>,
) -> Response {
    if !verified(&hooks, &uri, &headers, &params) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let (Some(from), Some(text)) = (param(&params, "From"), param(&params, "Body")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !app::campaigns::sms::is_stop(text) {
        // Anything else is not ours to answer (staff read replies at the gateway).
        return no_reply();
    }
    let (phone, now) = (from.to_owned(), hooks.clock.now());
    let done = hooks
        .db
        .write(move |tx| Box::pin(async move { app::outbox::sms::stop(tx, &phone, now).await }))
        .await;
    match done {
        Ok(member) => {
            tracing::info!(member, "an SMS reply stopped marketing texts");
            no_reply()
        }
        Err(e) => {
            tracing::warn!(error = %e, "recording an SMS stop failed");
            // The gateway tries again.
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn status(
    State(hooks): State<Hooks>,
    Path(token): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Form(params): Form<Vec<(String, String)>>,
) -> Response {
    if !verified(&hooks, &uri, &headers, &params) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(state) = param(&params, "MessageStatus").map(str::to_owned) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let code = param(&params, "ErrorCode")
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let now = hooks.clock.now();
    let done = hooks
        .db
        .write(move |tx| {
            Box::pin(async move {
                Ok(app::outbox::sms::delivery(tx, &token, &state, code.as_deref(), now).await?)
            })
        })
        .await;
    match done {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "recording an SMS receipt failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    /// Twilio's documented example (their security guide), checked independently with
    /// Python's `hmac` when written.
    #[test]
    fn signatures_match_twilios_scheme() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }
}
