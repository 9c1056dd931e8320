//! Configuration from environment variables, with defaults that work on a laptop. Every
//! variable is listed in the README.

use app::db::Durability;
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `REGULARS_DATABASE_URL`, default `sqlite://data/regulars.db` (directory created).
    pub database_url: String,
    /// `REGULARS_ADDR`, default `127.0.0.1:3000`. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// `REGULARS_BASE_URL`, default `http://<addr>`: the address users reach the app at.
    pub base_url: String,
    /// `REGULARS_SECURE_COOKIES`, default true when the base URL is https.
    pub secure_cookies: bool,
    /// `REGULARS_SYNCHRONOUS`: `FULL` (default) or `NORMAL`.
    pub durability: Durability,
    /// `REGULARS_READ_CONNECTIONS`, default 4.
    pub read_connections: u32,
    /// `REGULARS_SESSION_IDLE_HOURS`, default 168 (7 days without a visit ends a session).
    pub session_idle: Duration,
    /// `REGULARS_SESSION_MAX_DAYS`, default 30 (a session ends this long after sign-in).
    pub session_absolute: Duration,
    /// `REGULARS_SIGN_IN_LIMIT_ACCOUNT`, default 5 failed sign-ins per account per 15 minutes.
    pub sign_in_limit_account: u32,
    /// `REGULARS_SIGN_IN_LIMIT_IP`, default 30 failed sign-ins per IP per 15 minutes.
    pub sign_in_limit_ip: u32,
    /// `REGULARS_SIGN_UP_LIMIT_IP`, default 20 sign-ups per IP per 15 minutes.
    pub sign_up_limit_ip: u32,
    /// `LEPTOS_SITE_ROOT`, default `target/site`: where the built CSS, JS and WASM are.
    pub site_root: PathBuf,
    /// How often the sweeper expires points and reviews tiers (`REGULARS_SWEEP_SECONDS`).
    pub sweep_interval: Duration,
    /// How often journeys look for members to enter (`REGULARS_JOURNEY_SECONDS`, default 60).
    pub journey_interval: Duration,
    /// `REGULARS_TRUSTED_PROXIES`: reverse proxies (addresses, CIDR ranges) whose
    /// `Forwarded`/`X-Forwarded-For` names the client; default none.
    pub trusted_proxies: app::proxies::Proxies,
    /// The program's clock: the system's, unless a test sets it.
    pub clock: app::db::Clock,
    /// `REGULARS_SMTP_URL` with `REGULARS_MAIL_FROM` and the other `REGULARS_MAIL_*`,
    /// `REGULARS_SMTP_*` and `REGULARS_DKIM_*` variables: where and how email goes. Unset:
    /// messages wait in the outbox.
    pub mail: Option<crate::mail::SmtpConfig>,
    /// `REGULARS_SMS_GATEWAY_URL` with `REGULARS_SMS_FROM`, `REGULARS_SMS_TOKEN` and the other
    /// `REGULARS_SMS_*` variables: where texts go. Unset: they wait in the outbox.
    pub sms: Option<crate::sms::SmsConfig>,
    /// `REGULARS_BACKUP_DIR` with `REGULARS_BACKUP_HOURS` (default 24) and
    /// `REGULARS_BACKUP_KEEP` (default 7): scheduled backups. Unset: none.
    pub backup: Option<crate::backup::Schedule>,
    /// `REGULARS_WEBHOOKS_ALLOW_PRIVATE`, default false: let webhooks go to loopback, private
    /// and link-local addresses, and over plain http (local receivers, tests).
    pub webhooks_allow_private: bool,
}

/// A variable that is set but unusable.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value:?} is not valid: {why}")]
pub struct ConfigError {
    pub(crate) name: &'static str,
    pub(crate) value: String,
    pub(crate) why: std::borrow::Cow<'static, str>,
}

/// The variables, read through `get` (the environment, or a test's table). Blank is unset.
pub(crate) struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    pub(crate) fn parse<T: std::str::FromStr>(
        &self,
        name: &'static str,
        default: T,
        why: &'static str,
    ) -> Result<T, ConfigError> {
        match self.var(name) {
            None => Ok(default),
            Some(value) => value.trim().parse().map_err(|_| ConfigError {
                name,
                value,
                why: why.into(),
            }),
        }
    }

    /// A whole number in `range` (zero, negative and absurd values stop the server).
    pub(crate) fn number(
        &self,
        name: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
        why: &'static str,
    ) -> Result<u64, ConfigError> {
        let n = self.parse(name, default, why)?;
        if range.contains(&n) {
            Ok(n)
        } else {
            Err(ConfigError {
                name,
                value: n.to_string(),
                why: why.into(),
            })
        }
    }

    /// Like [`Vars::number`], for counts kept as `u32`.
    pub(crate) fn count(
        &self,
        name: &'static str,
        default: u32,
        max: u32,
        why: &'static str,
    ) -> Result<u32, ConfigError> {
        let n = self.number(name, default.into(), 1..=max.into(), why)?;
        Ok(u32::try_from(n).unwrap_or(max))
    }
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&|name| std::env::var(name).ok())
    }

    /// Reads the variables `get` gives; every value is checked, and the first unusable one
    /// is named in the error.
    pub fn from_vars(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let v = Vars(get);
        let addr: SocketAddr = v.parse(
            "REGULARS_ADDR",
            SocketAddr::from(([127, 0, 0, 1], 3000)),
            "expected host:port",
        )?;
        let base_url = v
            .var("REGULARS_BASE_URL")
            .unwrap_or_else(|| format!("http://{addr}"));
        let base_url = base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError {
                name: "REGULARS_BASE_URL",
                value: base_url,
                why: "expected http(s)://…".into(),
            });
        }
        let secure_default = base_url.starts_with("https://");
        let durability = match v.var("REGULARS_SYNCHRONOUS") {
            None => Durability::Full,
            Some(value) => Durability::parse(&value).ok_or(ConfigError {
                name: "REGULARS_SYNCHRONOUS",
                value,
                why: "expected FULL or NORMAL".into(),
            })?,
        };
        let hours = v.number(
            "REGULARS_SESSION_IDLE_HOURS",
            168,
            1..=24 * 366,
            "expected hours, 1 to 8784 (a year)",
        )?;
        let days = v.number(
            "REGULARS_SESSION_MAX_DAYS",
            30,
            1..=3660,
            "expected days, 1 to 3660",
        )?;
        let per_limit = "expected a number, 1 to 100000";
        let trusted_proxies = match v.var("REGULARS_TRUSTED_PROXIES") {
            None => app::proxies::Proxies::default(),
            Some(list) => app::proxies::Proxies::parse(&list).map_err(|_| ConfigError {
                name: "REGULARS_TRUSTED_PROXIES",
                value: list,
                why: "expected addresses or CIDR ranges, comma-separated".into(),
            })?,
        };
        Ok(Self {
            database_url: v
                .var("REGULARS_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/regulars.db".to_owned()),
            addr,
            base_url,
            secure_cookies: v.parse(
                "REGULARS_SECURE_COOKIES",
                secure_default,
                "expected true or false",
            )?,
            durability,
            read_connections: v.count(
                "REGULARS_READ_CONNECTIONS",
                4,
                64,
                "expected a number of connections, 1 to 64",
            )?,
            session_idle: Duration::from_secs(hours * 3600),
            session_absolute: Duration::from_secs(days * 86_400),
            sign_in_limit_account: v.count(
                "REGULARS_SIGN_IN_LIMIT_ACCOUNT",
                5,
                100_000,
                per_limit,
            )?,
            sign_in_limit_ip: v.count("REGULARS_SIGN_IN_LIMIT_IP", 30, 100_000, per_limit)?,
            sign_up_limit_ip: v.count("REGULARS_SIGN_UP_LIMIT_IP", 20, 100_000, per_limit)?,
            site_root: v
                .var("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".to_owned())
                .into(),
            sweep_interval: Duration::from_secs(v.number(
                "REGULARS_SWEEP_SECONDS",
                300,
                1..=86_400,
                "expected seconds, 1 to 86400 (a day)",
            )?),
            journey_interval: Duration::from_secs(v.number(
                "REGULARS_JOURNEY_SECONDS",
                60,
                1..=86_400,
                "expected seconds, 1 to 86400 (a day)",
            )?),
            trusted_proxies,
            clock: app::db::Clock::default(),
            mail: crate::mail::SmtpConfig::from_vars(&v)?,
            sms: crate::sms::SmsConfig::from_vars(&v)?,
            webhooks_allow_private: v.parse(
                "REGULARS_WEBHOOKS_ALLOW_PRIVATE",
                false,
                "expected true or false",
            )?,
            backup: match v.var("REGULARS_BACKUP_DIR") {
                None => None,
                Some(dir) => Some(crate::backup::Schedule {
                    dir: dir.into(),
                    every_hours: v.number(
                        "REGULARS_BACKUP_HOURS",
                        24,
                        1..=8_760,
                        "expected hours, 1 to 8760 (a year)",
                    )?,
                    keep: v.number(
                        "REGULARS_BACKUP_KEEP",
                        7,
                        1..=10_000,
                        "expected a number of copies, 1 to 10000",
                    )?,
                }),
            },
        })
    }

    /// A throwaway local server (tests, benchmarks): `database_url`, a free port on loopback,
    /// the defaults for everything else, no environment read.
    pub fn local(database_url: String, site_root: PathBuf) -> Self {
        Self {
            database_url,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: "http://127.0.0.1".into(),
            secure_cookies: false,
            durability: Durability::Full,
            read_connections: 4,
            session_idle: Duration::from_secs(168 * 3600),
            session_absolute: Duration::from_secs(30 * 86_400),
            sign_in_limit_account: 5,
            sign_in_limit_ip: 30,
            sign_up_limit_ip: 20,
            site_root,
            sweep_interval: Duration::from_secs(300),
            journey_interval: Duration::from_secs(60),
            trusted_proxies: app::proxies::Proxies::default(),
            clock: app::db::Clock::default(),
            mail: None,
            sms: None,
            backup: None,
            webhooks_allow_private: false,
        }
    }

    /// The database file's directory, when the URL names a file.
    pub fn database_dir(&self) -> Option<PathBuf> {
        crate::backup::database_path(&self.database_url)
            .ok()?
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> Config {
        let mut c = Config::from_env().expect("defaults are valid");
        c.database_url = url.to_owned();
        c
    }

    fn with(vars: &[(&str, &str)]) -> Result<Config, String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_vars(&move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn zero_negative_and_absurd_values_stop_the_server_naming_the_variable() {
        let ok = with(&[
            ("REGULARS_SWEEP_SECONDS", " 60 "),
            ("REGULARS_READ_CONNECTIONS", "8"),
            ("REGULARS_SESSION_IDLE_HOURS", ""),
        ])
        .expect("valid");
        assert_eq!(ok.sweep_interval, Duration::from_secs(60));
        assert_eq!(ok.read_connections, 8);
        assert_eq!(
            ok.session_idle,
            Duration::from_secs(168 * 3600),
            "blank is unset"
        );
        for (name, value) in [
            ("REGULARS_SWEEP_SECONDS", "0"),
            ("REGULARS_SWEEP_SECONDS", "-5"),
            ("REGULARS_SWEEP_SECONDS", "1e9"),
            ("REGULARS_READ_CONNECTIONS", "0"),
            ("REGULARS_READ_CONNECTIONS", "100000"),
            ("REGULARS_SESSION_IDLE_HOURS", "0"),
            ("REGULARS_SESSION_IDLE_HOURS", "18446744073709551615"),
            ("REGULARS_SESSION_MAX_DAYS", "99999999999"),
            ("REGULARS_SIGN_IN_LIMIT_ACCOUNT", "0"),
            ("REGULARS_SIGN_IN_LIMIT_IP", "4294967296"),
            ("REGULARS_SIGN_UP_LIMIT_IP", "many"),
            ("REGULARS_SYNCHRONOUS", "OFF"),
            ("REGULARS_ADDR", "localhost"),
            ("REGULARS_BASE_URL", "ftp://shop"),
            ("REGULARS_SECURE_COOKIES", "yes please"),
            ("REGULARS_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
        ] {
            let e = with(&[(name, value)]).expect_err(value);
            assert!(e.starts_with(&format!("{name}=")), "{e}");
            assert!(e.contains("is not valid: expected"), "{e}");
        }
    }

    #[test]
    fn database_dir_is_the_parent_of_the_file() {
        assert_eq!(
            config("sqlite://data/regulars.db").database_dir(),
            Some(PathBuf::from("data"))
        );
        assert_eq!(
            config("sqlite:/var/lib/r/x.db?mode=rwc").database_dir(),
            Some(PathBuf::from("/var/lib/r"))
        );
        assert_eq!(config("sqlite://x.db").database_dir(), None);
    }
}
