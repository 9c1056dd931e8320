//! The JSON API for tills (`/api/v1`) over HTTP: keys made by owners, shown once, hashed,
//! scoped and revocable; purchases and refunds once per receipt number; reward codes used
//! once; problem documents for every error; a request budget per key; and an OpenAPI
//! description that lists every route the router has.

mod exports;
mod import;
mod import_taken;
mod keys;
mod openapi;
mod partners;
mod sales;
mod webhooks;

use crate::helpers::{DemoShop, TestApp, purchase};
use app::db::Stamp;
use reqwest::Response;
use serde_json::{Value, json};

/// A Wednesday (no demo bonus).
const WED: Stamp = Stamp::utc(2027, 1, 6, 12, 0, 0);

crate::helpers::local_demo_shop!(WED);

impl Shop {
    /// The owner, signed in.
    async fn owner(&self) -> TestApp {
        self.app.signed_in_as("owner@example.com").await
    }

    /// A key made by the owner with `scopes` (form box names), tied to `location` if given,
    /// allowed `rate` requests a minute (empty: the default).
    async fn key(&self, scopes: &[&str], location: Option<i64>, rate: &str) -> Till {
        let owner = self.owner().await;
        let location = location.map(|l| l.to_string()).unwrap_or_default();
        let mut form = vec![
            ("name", "Till 1"),
            ("location_id", location.as_str()),
            ("rate", rate),
        ];
        form.extend(scopes.iter().map(|s| (*s, "on")));
        let res = owner.call("integrations/create_api_key", &form).await;
        assert_eq!(res.status(), 200, "create key");
        let v: Value = res.json().await.expect("json");
        Till {
            base: self.app.url("/api/v1"),
            client: reqwest::Client::new(),
            id: v["id"].as_i64().expect("id"),
            secret: v["secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// The member's card number.
    fn card(&self) -> String {
        app::loyalty::rules::member_number(self.member_id)
    }
}

/// A till calling the API with one key.
#[derive(Clone)]
struct Till {
    base: String,
    client: reqwest::Client,
    id: i64,
    secret: String,
}

impl Till {
    async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .send()
            .await
            .expect("get")
    }

    async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .json(body)
            .send()
            .await
            .expect("post")
    }

    /// Records a purchase of `cents` under `receipt` for card `card`.
    async fn buy(&self, card: &str, cents: i64, receipt: &str) -> Response {
        let body = json!({
            "card_number": card, "amount_minor": cents, "currency": "EUR", "receipt": receipt,
        });
        self.post("/purchases", &body).await
    }
}

/// A problem document's status, `code` and content type, checked to be RFC 9457's shape.
async fn problem(res: Response) -> (u16, String) {
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(kind, "application/problem+json", "status {status}");
    let v: Value = res.json().await.expect("problem json");
    assert_eq!(v["status"].as_u64(), Some(u64::from(status)));
    let code = v["code"].as_str().expect("code").to_owned();
    assert_eq!(v["type"], format!("urn:regulars:problem:{code}"));
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(v["detail"].as_str().is_some_and(|t| !t.is_empty()));
    (status, code)
}

/// The shop's demo member gets points through the counter (for the reward tests).
async fn earn_at_counter(shop: &DemoShop, euros: &str) {
    let res = purchase(&shop.staff, shop.member_id, euros, shop.main_street, &[]).await;
    assert_eq!(res.status(), 200);
}
