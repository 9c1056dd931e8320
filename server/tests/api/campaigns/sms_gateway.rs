//! A Twilio-style SMS gateway on loopback for the text-message tests: it records every request
//! and answers like the real one (201; 400 "invalid number" for [`BAD`]; 503 once for
//! [`FLAKY`]), and a helper that posts signed callbacks as the gateway would.

use std::sync::{Arc, Mutex};

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::post,
};

/// One request the gateway got.
#[derive(Debug, Clone)]
pub(super) struct Got {
    pub(super) authorization: String,
    pub(super) form: Vec<(String, String)>,
}

impl Got {
    pub(super) fn get(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A gateway on loopback: records every request; answers 201, except 400 with Twilio's
/// "invalid number" for `BAD`, and 503 the first time for `FLAKY`.
#[derive(Clone, Default)]
pub(super) struct Gateway {
    got: Arc<Mutex<Vec<Got>>>,
}

pub(super) const BAD: &str = "+15005550001";
pub(super) const FLAKY: &str = "+447700900001";

async fn receive(
    State(g): State<Gateway>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> impl IntoResponse {
    let got = Got {
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        form,
    };
    let to = got.get("To").to_owned();
    let mut all = g.got.lock().expect("gateway log");
    let earlier = all.iter().filter(|g| g.get("To") == to).count();
    all.push(got);
    match to.as_str() {
        BAD => (
            StatusCode::BAD_REQUEST,
            r#"{"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}"#,
        ),
        FLAKY if earlier == 0 => (StatusCode::SERVICE_UNAVAILABLE, "try later"),
        _ => (
            StatusCode::CREATED,
            r#"{"sid": "SM123", "status": "queued"}"#,
        ),
    }
}

impl Gateway {
    pub(super) async fn start() -> (Self, String) {
        let g = Gateway::default();
        let app = Router::new()
            .route("/Messages.json", post(receive))
            .with_state(g.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("gateway port");
        let url = format!(
            "http://{}/Messages.json",
            listener.local_addr().expect("addr")
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (g, url)
    }

    pub(super) fn got(&self) -> Vec<Got> {
        self.got.lock().expect("gateway log").clone()
    }

    pub(super) async fn wait_for(&self, n: usize) -> Vec<Got> {
        for _ in 0..400 {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the gateway got {:?}, expected {n} requests", self.got());
    }
}

pub(super) const TOKEN: &str = "gateway-secret";

/// Posts a Twilio-style callback form to `path`, signed for the public `url` with `key`.
pub(super) async fn callback(
    app: &crate::helpers::TestApp,
    path: &str,
    url: &str,
    key: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let params: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let signature = server::sms::hooks::signature(key, url, &params);
    app.client
        .post(app.url(path))
        .header("X-Twilio-Signature", signature)
        .form(form)
        .send()
        .await
        .expect("callback")
}
