//! Webhooks against a receiver on loopback: each delivery signed (checked here with HMAC-SHA256
//! computed apart), a failed one tried again after its pause, also across a restart, given up
//! after a day, sent again on request; the event's id the same on every try. URLs that reach
//! this machine or a private network are refused when the webhook is added and, after DNS
//! resolution, when it is sent.

use super::*;
use crate::helpers::{spawn_with, user_id};
use axum::{Router, body::Bytes, http::HeaderMap, routing::post};
use hmac::{Hmac, Mac as _};
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU16, Ordering},
};

/// What the receiver got: each request's signature, event header and body.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, String, String)>>>,
    answer: Arc<AtomicU16>,
}

impl Receiver {
    /// Starts on a free loopback port; answers `answer` (200 at first). Returns its URL.
    async fn start(&self) -> String {
        self.answer.store(200, Ordering::SeqCst);
        let me = self.clone();
        let app = Router::new().route(
            "/hooks",
            post(move |headers: HeaderMap, body: Bytes| {
                let me = me.clone();
                async move {
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let body = String::from_utf8_lossy(&body).into_owned();
                    me.got.lock().expect("lock").push((
                        h("regulars-signature"),
                        h("regulars-event"),
                        body,
                    ));
                    axum::http::StatusCode::from_u16(me.answer.load(Ordering::SeqCst))
                        .expect("status")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://127.0.0.1:{port}/hooks")
    }

    fn count(&self) -> usize {
        self.got.lock().expect("lock").len()
    }

    /// Waits (up to 15 s) until `n` requests have arrived.
    async fn wait_for(&self, n: usize) {
        for _ in 0..300 {
            if self.count() >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{} requests arrived, not {n}", self.count());
    }

    fn last(&self) -> (String, String, String) {
        self.got
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a request")
    }
}

/// Checks `header` (`t=…,v1=…`) against HMAC-SHA256 of `t.body` with `secret`.
fn signed_by(secret: &str, header: &str, body: &str) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = Some(v),
            Some(("v1", v)) => v1 = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex == v1
}

/// State of the delivery of `event_id`: (attempts, last status, delivered, failed).
async fn delivery(app: &TestApp, event_id: &str) -> (i64, Option<i64>, bool, bool) {
    sqlx::query_as(
        "SELECT attempts, last_status, delivered_at IS NOT NULL, failed_at IS NOT NULL
         FROM webhook_deliveries WHERE event_id = $1",
    )
    .bind(event_id)
    .fetch_one(&app.db().await)
    .await
    .expect("delivery")
}

/// Waits until the delivery of `event_id` has had `attempts` tries.
async fn tried(app: &TestApp, event_id: &str, attempts: i64) -> (i64, Option<i64>, bool, bool) {
    for _ in 0..300 {
        let d = delivery(app, event_id).await;
        if d.0 >= attempts {
            return d;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{event_id} not tried {attempts} times");
}

/// A purchase recorded at the counter for `member`; returns the event id of its delivery.
async fn bought(staff: &TestApp, member: i64, euros: &str) -> String {
    let location: i64 = sqlx::query_scalar("SELECT MIN(id) FROM locations")
        .fetch_one(&staff.db().await)
        .await
        .expect("location");
    let res = purchase(staff, member, euros, location, &[]).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.expect("json");
    format!("purchase.recorded:{}", v["purchase"]["id"])
}

#[tokio::test]
async fn deliveries_are_signed_retried_for_a_day_across_a_restart_and_sent_again_on_request() {
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let app = spawn_with(|c| {
        c.webhooks_allow_private = true;
        c.clock.set(WED);
    })
    .await
    .with_shop()
    .await;
    let owner = app.signed_in_as("owner@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let member = user_id(&app, "sam@example.com").await;
    let res = owner
        .call(
            "integrations/create_webhook",
            &[("url", url.as_str()), ("purchase_recorded", "on")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let secret = res.json::<Value>().await.expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert!(secret.starts_with("whsec_"));

    // Delivered at once, signed.
    let first = bought(&staff, member, "12.50").await;
    receiver.wait_for(1).await;
    let (signature, event, body) = receiver.last();
    assert_eq!(event, "purchase.recorded");
    assert!(signed_by(&secret, &signature, &body), "{signature}");
    assert!(!signed_by("whsec_other", &signature, &body));
    let v: Value = serde_json::from_str(&body).expect("body");
    assert_eq!(v["id"], first);
    assert_eq!(v["type"], "purchase.recorded");
    assert_eq!(v["data"]["member_id"], member);
    assert_eq!(v["data"]["amount_minor"], 1250);
    assert_eq!(tried(&app, &first, 1).await, (1, Some(200), true, false));

    // Refused (500): tried once, then again after 30 s — after a restart.
    receiver.answer.store(500, Ordering::SeqCst);
    let second = bought(&staff, member, "3").await;
    assert_eq!(tried(&app, &second, 1).await, (1, Some(500), false, false));
    let app = app.restart().await;
    receiver.answer.store(200, Ordering::SeqCst);
    app.config.clock.set(WED + app::db::seconds(29));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(delivery(&app, &second).await.0, 1, "not before its pause");
    app.config.clock.set(WED + app::db::seconds(31));
    assert_eq!(tried(&app, &second, 2).await, (2, Some(200), true, false));
    let (_, _, again) = receiver.last();
    assert_eq!(
        serde_json::from_str::<Value>(&again).expect("body")["id"],
        second
    );

    // Refused for more than a day: given up.
    receiver.answer.store(503, Ordering::SeqCst);
    let staff = app.signed_in_as("staff@example.com").await;
    let third = bought(&staff, member, "4").await;
    assert_eq!(tried(&app, &third, 1).await.1, Some(503));
    app.config.clock.set(WED + app::db::hours(25));
    assert_eq!(tried(&app, &third, 2).await, (2, Some(503), false, true));

    // Sent again on request, delivered; the log shows it.
    receiver.answer.store(200, Ordering::SeqCst);
    let owner = app.signed_in_as("owner@example.com").await;
    let log: Value = owner
        .call("integrations/webhooks", &[])
        .await
        .json()
        .await
        .expect("log");
    let row = log["deliveries"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|d| d["state"] == "Failed")
        .expect("the failed delivery")
        .clone();
    assert_eq!(
        (row["attempts"].as_i64(), row["last_status"].as_i64()),
        (Some(2), Some(503))
    );
    let res = owner
        .call(
            "integrations/resend_delivery",
            &[("id", &row["id"].to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(tried(&app, &third, 3).await, (3, Some(200), true, false));
    // Each try was one request: 1 + 2 + 3, and the staff could not read the log.
    assert_eq!(receiver.count(), 6);
    assert_eq!(staff.call("integrations/webhooks", &[]).await.status(), 403);
}

#[tokio::test]
async fn urls_reaching_this_machine_or_a_private_network_are_refused_when_added_and_when_sent() {
    let app = spawn_with(|_| {}).await.with_shop().await;
    let owner = app.signed_in_as("owner@example.com").await;
    for (url, code) in [
        ("http://crm.example/h", "webhook_url"),
        ("https://127.0.0.1/h", "webhook_private"),
        ("https://localhost:8443/h", "webhook_private"),
        ("https://[::1]/h", "webhook_private"),
        ("https://169.254.169.254/latest", "webhook_private"),
    ] {
        let res = owner
            .call(
                "integrations/create_webhook",
                &[("url", url), ("member_joined", "on")],
            )
            .await;
        assert_eq!(res.status(), 422, "{url}");
        let v: Value = res.json().await.expect("json");
        assert_eq!(v["Validation"]["message_key"], code, "{url}");
    }
    let res = owner
        .call(
            "integrations/create_webhook",
            &[("url", "https://crm.example/h")],
        )
        .await;
    assert_eq!(res.status(), 422, "no events");
    // A name that resolves to loopback, stored as if it had been public when added: the
    // worker checks the address it resolves to now and refuses to connect.
    sqlx::query(
        "INSERT INTO webhooks (url, events, secret, created_at)
         VALUES ('https://localhost:9/h', 'member.joined', 'whsec_x', '2026-12-07T00:00:00Z')",
    )
    .execute(&app.db().await)
    .await
    .expect("webhook");
    let res = app
        .other_client()
        .sign_up("late@example.com", "a long password", "Late", "en")
        .await;
    assert_eq!(res.status(), 200);
    let id = user_id(&app, "late@example.com").await;
    let event = format!("member.joined:{id}");
    let (attempts, status, delivered, _) = tried(&app, &event, 1).await;
    assert_eq!((attempts, status, delivered), (1, None, false));
    let error: String =
        sqlx::query_scalar("SELECT last_error FROM webhook_deliveries WHERE event_id = $1")
            .bind(&event)
            .fetch_one(&app.db().await)
            .await
            .expect("error");
    assert!(
        error.starts_with("refused: localhost resolves to"),
        "{error}"
    );
}
