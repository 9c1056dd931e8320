//! Sends webhook deliveries: claims what is due (with a lease, so a restart neither loses nor
//! doubles a claim), checks the receiver's addresses after DNS resolution, POSTs the event
//! signed, and records the outcome (delivered on a 2xx; otherwise tried again after a pause
//! that doubles from 30 s to two hours, for a day). The connection goes to the address that
//! was checked, so a name cannot resolve to a public address for the check and a private one
//! for the request.
//!
//! Each request carries `Regulars-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is
//! HMAC-SHA256 with the webhook's secret over `<t>.<body>`; `Regulars-Event` names the event
//! and `Regulars-Delivery` the delivery (the body's `id` names the event, the same on every
//! try and resend).

use app::{
    db::{Clock, Db, Stamp},
    error::AppError,
    integrations::webhooks::{self, db as hooks},
};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use std::{net::SocketAddr, time::Duration};
use tokio::task::JoinHandle;

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The signature header's value for `body` sent at `t` (unix seconds).
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let hex = data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes());
    format!("t={t},v1={hex}")
}

/// The receiver's host and port, from a checked http(s) URL.
fn target(url: &str) -> Option<(String, u16)> {
    let url = reqwest::Url::parse(url).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    // An IPv6 literal comes bracketed, as written in URLs; the resolver wants it bare.
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    Some((host.to_owned(), url.port_or_known_default()?))
}

/// Resolves the receiver and picks the address to connect to; refuses private, loopback and
/// link-local addresses unless allowed (any one of them refuses the name).
async fn resolve(url: &str, allow_private: bool) -> Result<(String, SocketAddr), String> {
    let (host, port) = target(url).ok_or_else(|| format!("not a usable URL: {url}"))?;
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("{host}: {e}"))?
        .collect();
    if !allow_private && let Some(bad) = addrs.iter().find(|a| webhooks::forbidden_ip(a.ip())) {
        return Err(format!(
            "refused: {host} resolves to {}, a private or local address",
            bad.ip()
        ));
    }
    let first = addrs.first().ok_or_else(|| format!("{host}: no address"))?;
    Ok((host, *first))
}

/// Tries one delivery.
async fn attempt(due: &hooks::Due, allow_private: bool, now: Stamp) -> hooks::Outcome {
    let started = std::time::Instant::now();
    let result = async {
        let (host, addr) = resolve(&due.url, allow_private).await?;
        let client = reqwest::Client::builder()
            .resolve(&host, addr)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        let res = client
            .post(&due.url)
            .header("content-type", "application/json")
            .header("user-agent", "Regulars-Webhooks/1")
            .header("regulars-event", &due.event)
            .header("regulars-delivery", due.id.to_string())
            .header(
                "regulars-signature",
                signature(&due.secret, now.unix(), &due.body),
            )
            .body(due.body.clone())
            .send()
            .await
            .map_err(|e| format!("{e}"))?;
        Ok::<u16, String>(res.status().as_u16())
    }
    .await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match result {
        Ok(status) => hooks::Outcome {
            status: Some(status),
            error: None,
            duration_ms,
        },
        Err(error) => hooks::Outcome {
            status: None,
            error: Some(error.chars().take(300).collect()),
            duration_ms,
        },
    }
}

/// Sends every delivery due at `now` (in batches of 16, each batch's tries at once); returns
/// how many were tried.
pub async fn deliver_due(db: &Db, allow_private: bool, now: Stamp) -> Result<usize, AppError> {
    let mut tried = 0;
    loop {
        let due = db
            .write(move |tx| Box::pin(async move { Ok(hooks::claim(tx, now, 16).await?) }))
            .await?;
        if due.is_empty() {
            return Ok(tried);
        }
        tried += due.len();
        let tries = due.into_iter().map(|d| async move {
            let outcome = attempt(&d, allow_private, now).await;
            (d, outcome)
        });
        let outcomes = futures_util::future::join_all(tries).await;
        db.write(move |tx| {
            Box::pin(async move {
                for (d, outcome) in &outcomes {
                    let state = hooks::finish(tx, d, outcome, now).await?;
                    if state == webhooks::DeliveryState::Failed {
                        tracing::warn!(delivery = d.id, url = %d.url, "webhook delivery given up after a day");
                    }
                }
                Ok(())
            })
        })
        .await?;
    }
}

/// The worker: deliveries due now, checked every second.
pub fn worker(db: Db, clock: Clock, allow_private: bool) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            if let Err(e) = deliver_due(&db, allow_private, clock.now()).await {
                tracing::warn!(error = %e, "webhook deliveries failed");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Computed apart: `printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_test`.
        assert_eq!(
            signature("whsec_test", 1_700_000_000, "{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }

    #[test]
    fn the_target_is_host_and_port() {
        assert_eq!(
            target("https://crm.example/h"),
            Some(("crm.example".into(), 443))
        );
        assert_eq!(
            target("http://127.0.0.1:9000/h?x"),
            Some(("127.0.0.1".into(), 9000))
        );
        assert_eq!(target("https://[::1]:8443/"), Some(("::1".into(), 8443)));
        assert_eq!(target("ftp://x/"), None);
    }
}
