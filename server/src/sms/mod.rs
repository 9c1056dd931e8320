//! Text messages out through an HTTP SMS gateway (`REGULARS_SMS_GATEWAY_URL`), and the
//! gateway's callbacks in ([`hooks`]): replies that ask to stop, and delivery receipts.
//!
//! Two request formats: `twilio` (a form with `To`, `From`, `Body` and `StatusCallback`, HTTP
//! Basic with the account and token — Twilio's Messages API and the many gateways that copy
//! it) and `json` (`{"to", "from", "body", "status_callback"}` with `Authorization: Bearer`).
//! Callbacks are Twilio-style forms signed with the token (`X-Twilio-Signature`).

use std::{sync::Arc, time::Duration};

use app::{
    db::{Clock, Db, Stamp},
    outbox::{
        Claimed, Outcome,
        compose::Skip,
        context::Cache,
        sms::{Text, compose, is_hard},
    },
};

use crate::{
    config::{ConfigError, Vars},
    sender::Transport,
};

pub mod hooks;

/// How requests to the gateway are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A form, HTTP Basic (Twilio's Messages API).
    Twilio,
    /// A JSON object, a bearer token.
    Json,
}

/// Where and how texts go.
#[derive(Clone)]
pub struct SmsConfig {
    /// The gateway's send address (`REGULARS_SMS_GATEWAY_URL`).
    pub gateway: String,
    /// The sender: a number or an alphanumeric id (`REGULARS_SMS_FROM`).
    pub from: String,
    /// `REGULARS_SMS_FORMAT`: `twilio` (default) or `json`.
    pub format: Format,
    /// `REGULARS_SMS_ACCOUNT`: the user of HTTP Basic (Twilio's account SID).
    pub account: Option<String>,
    /// `REGULARS_SMS_TOKEN`: the password or bearer token, and the key callbacks are signed with.
    pub token: String,
    /// `REGULARS_SMS_CONNECTIONS`, default 2: texts in flight at once.
    pub connections: usize,
    /// `REGULARS_SMS_PER_SECOND`: texts a second over all connections (unset: no limit).
    pub per_second: Option<u32>,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("gateway", &self.gateway)
            .field("from", &self.from)
            .field("format", &self.format)
            .field("account", &self.account)
            .field("token", &"…")
            .finish_non_exhaustive()
    }
}

impl SmsConfig {
    /// A gateway at `gateway` in `format`, sending as `from`, signing with `token`.
    pub fn new(gateway: &str, format: Format, from: &str, token: &str) -> Self {
        Self {
            gateway: gateway.to_owned(),
            from: from.to_owned(),
            format,
            account: None,
            token: token.to_owned(),
            connections: 2,
            per_second: None,
        }
    }

    /// From the environment: `None` when `REGULARS_SMS_GATEWAY_URL` is unset.
    pub(crate) fn from_vars(v: &Vars<'_>) -> Result<Option<Self>, ConfigError> {
        let Some(gateway) = v.var("REGULARS_SMS_GATEWAY_URL") else {
            return Ok(None);
        };
        let gateway = gateway.trim().to_owned();
        if reqwest::Url::parse(&gateway)
            .map(|u| !matches!(u.scheme(), "http" | "https"))
            .unwrap_or(true)
        {
            return Err(ConfigError {
                name: "REGULARS_SMS_GATEWAY_URL",
                value: gateway,
                why: "expected an http or https address".into(),
            });
        }
        let needed = |name: &'static str| {
            v.var(name).map(|s| s.trim().to_owned()).ok_or(ConfigError {
                name,
                value: String::new(),
                why: "needed with REGULARS_SMS_GATEWAY_URL".into(),
            })
        };
        let format = match v.var("REGULARS_SMS_FORMAT").as_deref().map(str::trim) {
            None | Some("twilio") => Format::Twilio,
            Some("json") => Format::Json,
            Some(other) => {
                return Err(ConfigError {
                    name: "REGULARS_SMS_FORMAT",
                    value: other.to_owned(),
                    why: "expected twilio or json".into(),
                });
            }
        };
        let mut config = Self::new(
            &gateway,
            format,
            &needed("REGULARS_SMS_FROM")?,
            &needed("REGULARS_SMS_TOKEN")?,
        );
        config.account = v.var("REGULARS_SMS_ACCOUNT").map(|a| a.trim().to_owned());
        config.connections = usize::try_from(v.number(
            "REGULARS_SMS_CONNECTIONS",
            2,
            1..=32,
            "expected a number of connections, 1 to 32",
        )?)
        .unwrap_or(2);
        if v.var("REGULARS_SMS_PER_SECOND").is_some() {
            config.per_second = Some(v.count(
                "REGULARS_SMS_PER_SECOND",
                1,
                10_000,
                "expected a number, 1 to 10000",
            )?);
        }
        Ok(Some(config))
    }
}

/// One sending slot: composes a claimed row and posts it to the gateway.
struct Gateway {
    config: Arc<SmsConfig>,
    base_url: Arc<str>,
    http: reqwest::Client,
}

impl Transport for Gateway {
    const CHANNEL: &'static str = "sms";

    async fn send(&mut self, db: &Db, now: Stamp, row: &Claimed, cache: &mut Cache) -> Outcome {
        let composed = match db.reader.acquire().await {
            Ok(mut c) => compose(&mut c, cache, row, &self.base_url, now).await,
            Err(e) => return Outcome::Retry(e.to_string()),
        };
        match composed {
            Ok(Ok(text)) => self.post(&text).await,
            Ok(Err(Skip::Suppressed)) => Outcome::Suppressed,
            Ok(Err(Skip::Held)) => Outcome::Held,
            Ok(Err(Skip::Cancelled)) => Outcome::Cancelled,
            Ok(Err(Skip::Capped)) => Outcome::Capped,
            Ok(Err(Skip::Broken(why))) => Outcome::Failed {
                error: why,
                bounce: false,
            },
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}

impl Gateway {
    /// Hands `text` to the gateway: 2xx is sent; 429, 5xx and network trouble are tried again
    /// later; any other answer is final (a bounce when its error code says the number can
    /// never take a text).
    async fn post(&self, text: &Text) -> Outcome {
        let c = &self.config;
        let request = self.http.post(&c.gateway);
        let request = match c.format {
            Format::Twilio => {
                let form = [
                    ("To", text.to.as_str()),
                    ("From", c.from.as_str()),
                    ("Body", text.body.as_str()),
                    ("StatusCallback", text.status_url.as_str()),
                ];
                let request = request.form(&form);
                match &c.account {
                    Some(account) => request.basic_auth(account, Some(&c.token)),
                    None => request.bearer_auth(&c.token),
                }
            }
            Format::Json => request.bearer_auth(&c.token).json(&serde_json::json!({
                "to": text.to,
                "from": c.from,
                "body": text.body,
                "status_callback": text.status_url,
            })),
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Retry(format!("gateway unreachable: {e}")),
        };
        let status = response.status();
        if status.is_success() {
            return Outcome::Sent;
        }
        let body = response.text().await.unwrap_or_default();
        let error = format!(
            "gateway answered {status}: {}",
            body.chars().take(300).collect::<String>()
        );
        if status.as_u16() == 429 || status.is_server_error() {
            return Outcome::Retry(error);
        }
        // Twilio-style errors carry a numeric `code`.
        let code = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("code")
                    .map(|c| c.to_string().trim_matches('"').to_owned())
            });
        Outcome::Failed {
            error,
            bounce: code.is_some_and(|c| is_hard(&c)),
        }
    }
}

/// Starts `config.connections` workers; they run until the process ends.
pub fn start(
    db: &Db,
    clock: &Clock,
    config: Arc<SmsConfig>,
    base_url: Arc<str>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    let pace = (config.per_second, None);
    crate::sender::start(db, clock, config.connections, pace, || Gateway {
        config: config.clone(),
        base_url: base_url.clone(),
        http: http.clone(),
    })
}
