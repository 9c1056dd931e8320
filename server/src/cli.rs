//! The command line, parsed by clap: `server [serve] [--demo]`, `server migrate`,
//! `server create-owner`, `server create-api-key`, `server seed`, `server rollups`,
//! `server backup`, `server restore`, `server unsubscribe-mail`. Every command has `--help`;
//! the settings most often given per run are flags with an environment variable behind them
//! (shown in `--help`), the rest are environment variables only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Read as _;

use crate::{Config, config::ConfigError, open_database};

/// Regulars: a customer retention system for shops and small chains (points, tiers, offers,
/// feedback, messages, analytics), served from one binary over one SQLite file.
#[derive(Debug, Parser, PartialEq, Eq)]
#[command(
    name = "server",
    version,
    after_help = "Other settings (mail, SMS, sessions, limits) are environment variables; the README lists them."
)]
pub struct Cli {
    /// Settings every command reads.
    #[command(flatten, next_help_heading = "Settings (flag or environment variable)")]
    pub settings: Settings,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Serve with demo data (the same as `serve --demo`).
    #[arg(long, hide = true)]
    pub demo: bool,
}

/// Settings given as flags or, failing that, environment variables.
#[derive(Debug, Args, PartialEq, Eq, Default)]
pub struct Settings {
    /// The SQLite database [default: sqlite://data/regulars.db]
    #[arg(
        long,
        global = true,
        env = "REGULARS_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,
    /// Where to listen [default: 127.0.0.1:3000]
    #[arg(
        long,
        global = true,
        env = "REGULARS_ADDR",
        hide_env_values = true,
        value_name = "HOST:PORT"
    )]
    pub addr: Option<String>,
    /// The address users reach the shop at [default: http://HOST:PORT]
    #[arg(
        long,
        global = true,
        env = "REGULARS_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// Make a backup here on a schedule (serve) [default: none]
    #[arg(
        long,
        global = true,
        env = "REGULARS_BACKUP_DIR",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub backup_dir: Option<String>,
    /// One scheduled backup per this many hours [default: 24]
    #[arg(
        long,
        global = true,
        env = "REGULARS_BACKUP_HOURS",
        hide_env_values = true,
        value_name = "HOURS"
    )]
    pub backup_hours: Option<String>,
    /// How many scheduled backups to keep [default: 7]
    #[arg(
        long,
        global = true,
        env = "REGULARS_BACKUP_KEEP",
        hide_env_values = true,
        value_name = "N"
    )]
    pub backup_keep: Option<String>,
}

impl Settings {
    /// The configuration: these settings over the rest of the environment (`env` reads one
    /// variable), each value checked by [`Config::from_vars`].
    pub fn config(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let given = [
            ("REGULARS_DATABASE_URL", &self.database_url),
            ("REGULARS_ADDR", &self.addr),
            ("REGULARS_BASE_URL", &self.base_url),
            ("REGULARS_BACKUP_DIR", &self.backup_dir),
            ("REGULARS_BACKUP_HOURS", &self.backup_hours),
            ("REGULARS_BACKUP_KEEP", &self.backup_keep),
        ];
        Config::from_vars(&|name| {
            given
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, value)| (*value).clone())
                .or_else(|| env(name))
        })
    }
}

/// What to do.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Serve HTTP (the default command)
    Serve {
        /// Load demo data into an empty database first, and print the demo logins
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Create an owner account; the password is read from standard input
    CreateOwner {
        /// The owner's email address
        #[arg(long)]
        email: String,
        /// The name they go by
        #[arg(long)]
        name: String,
        /// Their language
        #[arg(long, default_value = "en", value_parser = ["en", "sv", "nb", "lv", "pt"])]
        language: String,
        /// Read the password from standard input (required: passwords never go on the command line)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Create an API key for a till or web shop and print its secret (shown this once)
    CreateApiKey {
        /// What to call it ("Till 1")
        #[arg(long)]
        name: String,
        /// What it may do, comma-separated
        #[arg(long, required = true, value_delimiter = ',', value_parser = ["members:read", "purchases:write", "codes:redeem"])]
        scopes: Vec<String>,
        /// Record its sales at this location id [default: each request names one]
        #[arg(long, value_name = "ID")]
        location: Option<i64>,
        /// Requests per minute it may make
        #[arg(long, default_value_t = app::integrations::types::DEFAULT_RATE, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        rate: i64,
    },
    /// Add made-up members (and their purchases) for measuring at a chain's size
    Seed {
        /// How many members (underscores allowed: 1_000_000)
        #[arg(long, value_parser = whole_number)]
        members: u64,
        /// Purchases spread over them, with points, rewards, tiers and feedback
        #[arg(long, default_value = "0", value_parser = whole_number)]
        purchases: u64,
        /// Over how many months back
        #[arg(long, default_value = "36", value_parser = whole_number)]
        months: u64,
        /// Which shop: the same seed makes the same members
        #[arg(long, default_value = "1", value_parser = whole_number)]
        seed: u64,
    },
    /// Compare the analytics roll-ups with the ledger (exit 1 on a difference), or rebuild them
    Rollups {
        /// check or rebuild
        #[arg(value_enum)]
        action: RollupAction,
    },
    /// Copy the database into a new FILE while the server runs, check it, print what it holds
    Backup {
        /// The new file
        file: std::path::PathBuf,
    },
    /// Check a backup and make it the database (stop the server first)
    Restore {
        /// The backup
        file: std::path::PathBuf,
        /// Replace an existing database
        #[arg(long)]
        replace: bool,
    },
    /// Read a mail sent to the List-Unsubscribe address on standard input and unsubscribe its sender
    UnsubscribeMail,
}

/// What `server rollups` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RollupAction {
    /// Compare with a recomputation from the ledger
    Check,
    /// Replace them with the recomputation
    Rebuild,
}

/// A whole number, underscores allowed (`1_000_000`).
fn whole_number(s: &str) -> Result<u64, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))
}

/// Parses the arguments after the program name: the command (serve when none is named) and
/// the settings; `Err` carries clap's message (help and version included, which it prints
/// and exits 0 for).
pub fn parse(args: &[String]) -> Result<(Command, Settings), clap::Error> {
    let cli =
        Cli::try_parse_from(std::iter::once("server".to_owned()).chain(args.iter().cloned()))?;
    let command = cli.command.unwrap_or(Command::Serve { demo: cli.demo });
    Ok((command, cli.settings))
}

/// The token in an unsubscribe mail's `Subject: unsubscribe <token>` (the `mailto:` of every
/// marketing mail's `List-Unsubscribe` header), read from the message's headers.
pub fn unsubscribe_token(message: &str) -> Option<String> {
    // Headers end at the first empty line; folded lines continue the previous header.
    let headers = message.split("\r\n\r\n").next()?.split("\n\n").next()?;
    let unfolded = headers
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    let subject = unfolded.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim().eq_ignore_ascii_case("subject").then_some(value)
    })?;
    let mut words = subject.split_whitespace();
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("unsubscribe") {
            return words
                .next()
                .filter(|t| {
                    t.len() <= 64
                        && t.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
                .map(str::to_owned);
        }
    }
    None
}

/// Withdraws the email consent named by an unsubscribe mail read from `input`; whether the
/// token named a member.
pub async fn unsubscribe_mail(
    config: &Config,
    mut input: impl std::io::Read,
) -> Result<bool, String> {
    let mut message = String::new();
    input
        .by_ref()
        .take(1 << 20)
        .read_to_string(&mut message)
        .map_err(|e| format!("reading the message: {e}"))?;
    let Some(token) = unsubscribe_token(&message) else {
        return Ok(false);
    };
    let db = open_database(config).await.map_err(|e| e.to_string())?;
    let now = config.clock.now();
    let done = db
        .write(move |tx| {
            Box::pin(async move {
                app::campaigns::prefs::unsubscribe(
                    tx,
                    &token,
                    "unsubscribe_mail",
                    &Default::default(),
                    now,
                )
                .await
            })
        })
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    Ok(done.is_some())
}

mod make;

pub use make::{create_api_key, create_owner};

#[cfg(test)]
mod tests;
