//! Email out: the SMTP transport (`REGULARS_SMTP_URL`) the outbox workers ([`crate::sender`])
//! deliver email rows through, one SMTP connection per worker.
//!
//! Plain SMTP connections are our own TCP sockets with `TCP_NODELAY` (lettre's own do not set
//! it, and Nagle's algorithm then holds every command for a delayed ACK: ≈ 44 messages/s);
//! implicit TLS and STARTTLS use lettre's connector.

use std::{sync::Arc, time::Duration};

use app::{
    db::{Clock, Db, Stamp},
    outbox::{
        Claimed, Outcome,
        compose::{Composed, Purpose, Skip, compose},
        context::Cache,
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

mod config;
pub use config::{MailConfigError, Security, SmtpConfig, dkim};

use crate::sender::Transport;

type SmtpError = lettre::transport::smtp::Error;

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
        // RFC 2369 and RFC 8058: mail clients offer one-click unsubscribe with these (the
        // token, last in the address, also names the message in the mailto's subject).
        let token = url.rsplit('/').next().unwrap_or_default();
        let mailto = format!(
            "mailto:{}?subject=unsubscribe%20{token}",
            config.unsubscribe_to
        );
        builder = builder
            .raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>, <{mailto}>"),
            ))
            .raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let mut message = builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    if let Some(dkim) = &config.dkim {
        message.sign(dkim);
    }
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

/// One SMTP connection's worth of sending (opened when first needed, again after trouble).
struct Smtp {
    config: Arc<SmtpConfig>,
    base_url: Arc<str>,
    host: String,
    conn: Option<AsyncSmtpConnection>,
}

impl Transport for Smtp {
    const CHANNEL: &'static str = "email";

    async fn send(&mut self, db: &Db, now: Stamp, row: &Claimed, cache: &mut Cache) -> Outcome {
        let (config, base_url, host) = (&self.config, &self.base_url, &self.host);
        let composed = match db.reader.acquire().await {
            Ok(mut c) => compose(&mut c, cache, row, base_url, host, now).await,
            Err(e) => return Outcome::Retry(e.to_string()),
        };
        let mail = match composed {
            Ok(Ok(mail)) => mail,
            Ok(Err(Skip::Suppressed)) => return Outcome::Suppressed,
            Ok(Err(Skip::Held)) => return Outcome::Held,
            Ok(Err(Skip::Cancelled)) => return Outcome::Cancelled,
            Ok(Err(Skip::Capped)) => return Outcome::Capped,
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
        let conn = &mut self.conn;
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
}

/// Starts `config.connections` workers; they run until the process ends.
pub fn start(
    db: Db,
    clock: Clock,
    config: SmtpConfig,
    base_url: Arc<str>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let config = Arc::new(config);
    let host = config.domain();
    let pace = (config.per_second, config.per_hour);
    crate::sender::start(&db, &clock, config.connections, pace, || Smtp {
        config: config.clone(),
        base_url: base_url.clone(),
        host: host.clone(),
        conn: None,
    })
}

#[cfg(test)]
mod tests;
