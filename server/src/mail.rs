//! Email out: the SMTP transport (`REGULARS_SMTP_URL`) and the outbox workers that deliver
//! what the app queued. Each worker keeps one SMTP connection open, claims a few due rows with
//! a lease, sends them one by one and records each result as soon as the server answered, so
//! a crash re-sends at most the message in flight on each connection.
//!
//! Plain SMTP connections are our own TCP sockets with `TCP_NODELAY` (lettre's own do not set
//! it, and Nagle's algorithm then holds every command for a delayed ACK: ≈ 44 messages/s);
//! implicit TLS and STARTTLS use lettre's connector.

use std::{sync::Arc, time::Duration};

use app::{
    db::{Clock, Db},
    outbox::{
        self, Claimed, Outcome,
        compose::{Composed, Purpose, Skip, compose},
    },
};
use lettre::{
    Address,
    address::Envelope,
    message::{Mailbox, MultiPart, header},
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, TlsParameters},
        extension::ClientId,
    },
};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (a local relay, tests).
    None,
    /// STARTTLS on a plain connection (`?tls=starttls`, usual on 587).
    StartTls,
    /// Implicit TLS (`smtps://`, usual on 465).
    Tls,
}

/// Where and how to send email.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS mode.
    pub security: Security,
    /// User and password, if the server wants them.
    pub credentials: Option<(String, String)>,
    /// `From` of marketing mail (`REGULARS_MAIL_FROM`).
    pub from: Mailbox,
    /// `From` of service mail (`REGULARS_MAIL_FROM_SERVICE`, default the marketing one).
    pub from_service: Mailbox,
    /// Parallel connections (`REGULARS_SMTP_CONNECTIONS`, default 4).
    pub connections: usize,
}

/// A variable that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailConfigError(pub String);

impl SmtpConfig {
    /// From `smtp://user:pass@host:port?tls=starttls` (or `smtps://…`) and the senders.
    pub fn parse(
        url: &str,
        from: &str,
        from_service: Option<&str>,
        connections: usize,
    ) -> Result<Self, MailConfigError> {
        let bad = |why: &str| MailConfigError(format!("REGULARS_SMTP_URL={url:?}: {why}"));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected smtp:// or smtps://"))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((auth, hp)) => (Some(auth), hp),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                Some(
                    p.trim_end_matches('/')
                        .parse::<u16>()
                        .map_err(|_| bad("bad port"))?,
                ),
            ),
            None => (hostport.trim_end_matches('/'), None),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let tls = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("tls="))
            .unwrap_or("");
        let security = match (scheme, tls) {
            ("smtps", _) => Security::Tls,
            ("smtp", "starttls") => Security::StartTls,
            ("smtp", "" | "none") => Security::None,
            _ => return Err(bad("expected smtp:// (tls=starttls|none) or smtps://")),
        };
        let decode =
            |s: &str| percent_decode(s).ok_or_else(|| bad("bad %-escape in the credentials"));
        let credentials = match auth {
            Some(a) => {
                let (user, pass) = a.split_once(':').unwrap_or((a, ""));
                Some((decode(user)?, decode(pass)?))
            }
            None => None,
        };
        let mailbox = |name: &str, v: &str| {
            v.parse::<Mailbox>()
                .map_err(|e| MailConfigError(format!("{name}={v:?} is not an address: {e}")))
        };
        let from = mailbox("REGULARS_MAIL_FROM", from)?;
        let from_service = match from_service {
            Some(v) => mailbox("REGULARS_MAIL_FROM_SERVICE", v)?,
            None => from.clone(),
        };
        Ok(Self {
            host: host.to_owned(),
            port: port.unwrap_or(match security {
                Security::Tls => 465,
                Security::StartTls => 587,
                Security::None => 25,
            }),
            security,
            credentials,
            from,
            from_service,
            connections: connections.clamp(1, 64),
        })
    }

    /// The domain of the sender (for `Message-ID`s).
    pub fn domain(&self) -> String {
        self.from.email.domain().to_owned()
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

type SmtpError = lettre::transport::smtp::Error;

/// Rows a worker claims at a time: few, so a pause or cancel stops sending soon (rows already
/// claimed are checked again before each is sent).
const CLAIM: i64 = 8;

/// Opens a connection (and signs in when configured).
async fn connect(config: &SmtpConfig) -> Result<AsyncSmtpConnection, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let hello = ClientId::Domain("localhost".to_owned());
    let mut conn = match config.security {
        Security::None => {
            let stream = tokio::net::TcpStream::connect((config.host.as_str(), config.port))
                .await
                .map_err(|x| e(&x))?;
            stream.set_nodelay(true).map_err(|x| e(&x))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
                .await
                .map_err(|x| e(&x))?
        }
        Security::Tls => {
            let tls = TlsParameters::new(config.host.clone()).map_err(|x| e(&x))?;
            AsyncSmtpConnection::connect_tokio1(
                (config.host.as_str(), config.port),
                Some(Duration::from_secs(30)),
                &hello,
                Some(tls),
                None,
            )
            .await
            .map_err(|x| e(&x))?
        }
        Security::StartTls => {
            let mut conn = AsyncSmtpConnection::connect_tokio1(
                (config.host.as_str(), config.port),
                Some(Duration::from_secs(30)),
                &hello,
                None,
                None,
            )
            .await
            .map_err(|x| e(&x))?;
            let tls = TlsParameters::new(config.host.clone()).map_err(|x| e(&x))?;
            conn.starttls(tls, &hello).await.map_err(|x| e(&x))?;
            conn
        }
    };
    if let Some((user, pass)) = &config.credentials {
        let creds = Credentials::new(user.clone(), pass.clone());
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds)
            .await
            .map_err(|x| e(&x))?;
    }
    Ok(conn)
}

/// The message's bytes and envelope.
fn build(config: &SmtpConfig, mail: &Composed) -> Result<(Envelope, Vec<u8>), String> {
    let to: Mailbox = mail
        .to
        .parse::<Address>()
        .map(|a| Mailbox::new(None, a))
        .map_err(|e| format!("bad recipient: {e}"))?;
    let from = match mail.purpose {
        Purpose::Marketing => config.from.clone(),
        Purpose::Service => config.from_service.clone(),
    };
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    if let Some(url) = &mail.unsubscribe_url {
        // RFC 2369 and RFC 8058: mail clients offer one-click unsubscribe with these.
        builder = builder
            .raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// The outcome of an SMTP error: 5xx is permanent (a 550-class answer to the recipient is a
/// bounce), everything else (4xx, network, timeouts) temporary.
fn outcome_of(e: &SmtpError) -> Outcome {
    let text = e.to_string();
    if e.is_permanent() {
        let bounce = e
            .status()
            .is_some_and(|code| matches!(u16::from(code), 550 | 551 | 553));
        Outcome::Failed {
            error: text,
            bounce,
        }
    } else {
        Outcome::Retry(text)
    }
}

/// One worker: claims, sends, records, until the process stops.
async fn worker(db: Db, clock: Clock, config: Arc<SmtpConfig>, base_url: Arc<str>) {
    let mut conn: Option<AsyncSmtpConnection> = None;
    let host = config.domain();
    loop {
        let now = clock.now();
        let claimed = db
            .write(move |tx| Box::pin(async move { Ok(outbox::claim(tx, now, 120, CLAIM).await?) }))
            .await;
        let rows = match claimed {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "outbox claim failed");
                Vec::new()
            }
        };
        if rows.is_empty() {
            // Idle: look again shortly (new rows are committed by other tasks).
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        for row in rows {
            let outcome = send_one(&db, &clock, &config, &base_url, &host, &mut conn, &row).await;
            let now = clock.now();
            let record = db
                .write(move |tx| {
                    Box::pin(async move { Ok(outbox::record(tx, &[(row, outcome)], now).await?) })
                })
                .await;
            if let Err(e) = record {
                tracing::warn!(error = %e, "recording a sent message failed");
            }
        }
    }
}

async fn send_one(
    db: &Db,
    clock: &Clock,
    config: &SmtpConfig,
    base_url: &str,
    host: &str,
    conn: &mut Option<AsyncSmtpConnection>,
    row: &Claimed,
) -> Outcome {
    let composed = match db.reader.acquire().await {
        Ok(mut c) => compose(&mut c, row, base_url, host, clock.now()).await,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let mail = match composed {
        Ok(Ok(mail)) => mail,
        Ok(Err(Skip::Suppressed)) => return Outcome::Suppressed,
        Ok(Err(Skip::Held)) => return Outcome::Held,
        Ok(Err(Skip::Cancelled)) => return Outcome::Cancelled,
        Ok(Err(Skip::Broken(why))) => {
            return Outcome::Failed {
                error: why,
                bounce: false,
            };
        }
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let (envelope, bytes) = match build(config, &mail) {
        Ok(b) => b,
        Err(why) => {
            return Outcome::Failed {
                error: why,
                bounce: false,
            };
        }
    };
    if conn.as_ref().is_none_or(AsyncSmtpConnection::has_broken) {
        match connect(config).await {
            Ok(c) => *conn = Some(c),
            Err(e) => return Outcome::Retry(e),
        }
    }
    let Some(c) = conn.as_mut() else {
        return Outcome::Retry("no connection".into());
    };
    match c.send(&envelope, &bytes).await {
        Ok(_) => Outcome::Sent,
        Err(e) => {
            if !e.is_permanent() {
                // The connection may be in any state: start afresh next time.
                *conn = None;
            } else {
                // A 5xx leaves the transaction open on some servers: reset it.
                let _ = c.command(lettre::transport::smtp::commands::Rset).await;
            }
            outcome_of(&e)
        }
    }
}

/// Starts `config.connections` workers; they run until the process ends.
pub fn start(
    db: Db,
    clock: Clock,
    config: SmtpConfig,
    base_url: Arc<str>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let config = Arc::new(config);
    (0..config.connections)
        .map(|_| {
            tokio::spawn(worker(
                db.clone(),
                clock.clone(),
                config.clone(),
                base_url.clone(),
            ))
        })
        .collect()
}

#[cfg(test)]
#[path = "mail_tests.rs"]
mod tests;
