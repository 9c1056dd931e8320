//! Email settings: `REGULARS_SMTP_URL` and the variables around it.

use std::sync::Arc;

use lettre::{
    Address,
    message::{
        Mailbox,
        dkim::{
            DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
            DkimSigningKey,
        },
        header::HeaderName,
    },
};

use crate::config::{ConfigError, Vars};

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
    /// Messages per second over all connections (`REGULARS_MAIL_PER_SECOND`; unset: as fast
    /// as the server takes them).
    pub per_second: Option<u32>,
    /// Messages per hour (`REGULARS_MAIL_PER_HOUR`; many providers cap it).
    pub per_hour: Option<u32>,
    /// The `mailto:` of `List-Unsubscribe` (`REGULARS_MAIL_UNSUBSCRIBE`, default the marketing
    /// `From`); mail to it is read by `server unsubscribe-mail`.
    pub unsubscribe_to: Address,
    /// DKIM signing (`REGULARS_DKIM_SELECTOR` with `REGULARS_DKIM_KEY_FILE`).
    pub dkim: Option<Arc<DkimConfig>>,
}

/// The headers a DKIM signature covers: what a reader sees and the unsubscribe headers, so
/// nobody on the way can swap the links (RFC 8058 asks for both). Not `Content-Type`: lettre
/// 0.11.23 signs a multipart's `Content-Type` in a form that does not verify (checked with
/// dkimpy); the body hash covers the parts.
const DKIM_HEADERS: [&str; 8] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// A DKIM signer for `domain` from a key file's text: an RSA key in PKCS#1 PEM
/// (`-----BEGIN RSA PRIVATE KEY-----`, as `openssl genrsa -traditional` writes it) or an
/// Ed25519 key as the base64 of its 32 bytes.
pub fn dkim(selector: &str, domain: &str, key: &str) -> Result<DkimConfig, MailConfigError> {
    let key = key.trim();
    let algorithm = if key.starts_with("-----BEGIN") {
        DkimSigningAlgorithm::Rsa
    } else {
        DkimSigningAlgorithm::Ed25519
    };
    let key = DkimSigningKey::new(key, algorithm).map_err(|e| {
        MailConfigError(format!(
            "REGULARS_DKIM_KEY_FILE: not an RSA key in PKCS#1 PEM nor a base64 Ed25519 key: {e}"
        ))
    })?;
    Ok(DkimConfig::new(
        selector.to_owned(),
        domain.to_owned(),
        key,
        DKIM_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
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
            unsubscribe_to: from.email.clone(),
            from,
            from_service,
            connections: connections.clamp(1, 64),
            per_second: None,
            per_hour: None,
            dkim: None,
        })
    }

    /// From the environment: `None` when `REGULARS_SMTP_URL` is unset.
    pub(crate) fn from_vars(v: &Vars<'_>) -> Result<Option<Self>, ConfigError> {
        let Some(url) = v.var("REGULARS_SMTP_URL") else {
            return Ok(None);
        };
        let from = v.var("REGULARS_MAIL_FROM").ok_or(ConfigError {
            name: "REGULARS_MAIL_FROM",
            value: String::new(),
            why: "needed with REGULARS_SMTP_URL: the sender address".into(),
        })?;
        let connections = v.number(
            "REGULARS_SMTP_CONNECTIONS",
            4,
            1..=64,
            "expected a number of connections, 1 to 64",
        )?;
        let from_service = v.var("REGULARS_MAIL_FROM_SERVICE");
        let bad = |name: &'static str, value: &str, e: MailConfigError| ConfigError {
            name,
            value: value.to_owned(),
            why: e.0.into(),
        };
        let mut config = Self::parse(
            url.trim(),
            from.trim(),
            from_service.as_deref().map(str::trim),
            usize::try_from(connections).unwrap_or(4),
        )
        .map_err(|e| bad("REGULARS_SMTP_URL", &url, e))?;
        let rate = |name| -> Result<Option<u32>, ConfigError> {
            match v.var(name) {
                None => Ok(None),
                Some(_) => Ok(Some(v.count(
                    name,
                    1,
                    10_000_000,
                    "expected a number, 1 to 10000000",
                )?)),
            }
        };
        config.per_second = rate("REGULARS_MAIL_PER_SECOND")?;
        config.per_hour = rate("REGULARS_MAIL_PER_HOUR")?;
        if let Some(to) = v.var("REGULARS_MAIL_UNSUBSCRIBE") {
            config.unsubscribe_to = to.trim().parse().map_err(|e| ConfigError {
                name: "REGULARS_MAIL_UNSUBSCRIBE",
                value: to.clone(),
                why: format!("not an address: {e}").into(),
            })?;
        }
        match (
            v.var("REGULARS_DKIM_SELECTOR"),
            v.var("REGULARS_DKIM_KEY_FILE"),
        ) {
            (None, None) => {}
            (Some(selector), Some(file)) => {
                let key = std::fs::read_to_string(file.trim()).map_err(|e| ConfigError {
                    name: "REGULARS_DKIM_KEY_FILE",
                    value: file.clone(),
                    why: format!("cannot read it: {e}").into(),
                })?;
                let domain = v
                    .var("REGULARS_DKIM_DOMAIN")
                    .unwrap_or_else(|| config.domain());
                let signer = dkim(selector.trim(), domain.trim(), &key)
                    .map_err(|e| bad("REGULARS_DKIM_KEY_FILE", &file, e))?;
                config.dkim = Some(Arc::new(signer));
            }
            (Some(s), None) | (None, Some(s)) => {
                return Err(ConfigError {
                    name: "REGULARS_DKIM_SELECTOR",
                    value: s,
                    why: "REGULARS_DKIM_SELECTOR and REGULARS_DKIM_KEY_FILE go together".into(),
                });
            }
        }
        Ok(Some(config))
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
