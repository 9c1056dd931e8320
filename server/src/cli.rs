//! Command line: `server [serve] [--demo]`, `server migrate`,
//! `server create-owner --email E --name N [--language L] --password-stdin`,
//! `server seed --members N [--seed S]`, `server rollups check|rebuild`,
//! `server unsubscribe-mail < message`, `server backup FILE`, `server restore FILE [--replace]`.

use app::{
    accounts::{
        Email, Hasher, Password, PreferredName, Role,
        db::{NewUser, insert_user},
    },
    audit,
    i18n::parse_locale,
};
use std::io::{BufRead, Read as _};

use crate::{Config, open_database};

/// What to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve HTTP; with `demo`, load demo data into an empty database first.
    Serve {
        /// Load demo data when the database is empty.
        demo: bool,
    },
    /// Apply migrations and exit.
    Migrate,
    /// Create an owner account (password read from standard input).
    CreateOwner {
        /// Email.
        email: String,
        /// Preferred name.
        name: String,
        /// Language code.
        language: String,
    },
    /// Add made-up members (for measuring at a chain's size).
    Seed {
        /// How many.
        members: u64,
        /// Purchases spread over the made-up members (0: none).
        purchases: u64,
        /// Over how many months back.
        months: u64,
        /// Which ones (the same seed makes the same members).
        seed: u64,
    },
    /// Read an email sent to the `List-Unsubscribe` mailto address on standard input and
    /// withdraw the email consent its subject names.
    UnsubscribeMail,
    /// Compare the analytics roll-ups with a recomputation from the ledger (`rebuild`:
    /// replace them with it).
    Rollups {
        /// Rebuild instead of checking.
        rebuild: bool,
    },
    /// Copy the database into a new file while the server runs, and check the copy.
    Backup {
        /// The new file.
        file: std::path::PathBuf,
    },
    /// Check a backup and put it in place of the database.
    Restore {
        /// The backup.
        file: std::path::PathBuf,
        /// Overwrite an existing database (the server must be stopped).
        replace: bool,
    },
    /// Print usage.
    Help,
}

/// Usage text.
pub const USAGE: &str = "usage:
  server [serve] [--demo]      serve HTTP (--demo: load demo data into an empty database)
  server migrate               apply database migrations and exit
  server create-owner --email EMAIL --name NAME [--language en|sv|nb|lv|pt] --password-stdin
                               create an owner account; the password is read from stdin
  server seed --members N [--purchases P] [--months M] [--seed S]
                               add N made-up members who cannot sign in, joined over the last
                               M months (default 36), and P purchases of theirs with points,
                               rewards, tiers and feedback, busier in December, most members
                               leaving in time; the same S gives the same shop (benchmarks)
  server rollups check|rebuild compare the analytics roll-ups with the ledger (exit 1 on any
                               difference), or recompute them from it
  server backup FILE           copy the database into FILE (a new file) while the server runs,
                               check the copy and print what it holds
  server restore FILE [--replace]
                               check the backup FILE and make it the database; refuses a
                               broken file, and an existing database without --replace (stop
                               the server first)
  server unsubscribe-mail      read a mail sent to the List-Unsubscribe mailto address on
                               stdin (pipe it from the mail server) and unsubscribe its sender";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter().map(String::as_str);
    let first = it.next();
    match first {
        None => Ok(Command::Serve { demo: false }),
        Some("--help" | "-h" | "help") => Ok(Command::Help),
        Some("migrate") => Ok(Command::Migrate),
        Some("rollups") => match (it.next(), it.next()) {
            (Some("check"), None) => Ok(Command::Rollups { rebuild: false }),
            (Some("rebuild"), None) => Ok(Command::Rollups { rebuild: true }),
            _ => Err("rollups needs check or rebuild".into()),
        },
        Some("serve" | "--demo") => {
            let mut demo = first == Some("--demo");
            for a in it {
                match a {
                    "--demo" => demo = true,
                    other => return Err(format!("unknown option {other}")),
                }
            }
            Ok(Command::Serve { demo })
        }
        Some("create-owner") => {
            let (mut email, mut name, mut language, mut stdin) =
                (None, None, "en".to_owned(), false);
            while let Some(a) = it.next() {
                match a {
                    "--email" => email = it.next().map(str::to_owned),
                    "--name" => name = it.next().map(str::to_owned),
                    "--language" => language = it.next().unwrap_or_default().to_owned(),
                    "--password-stdin" => stdin = true,
                    other => return Err(format!("unknown option {other}")),
                }
            }
            if !stdin {
                return Err(
                    "--password-stdin is required (passwords never go on the command line)".into(),
                );
            }
            Ok(Command::CreateOwner {
                email: email.ok_or("--email is required")?,
                name: name.ok_or("--name is required")?,
                language,
            })
        }
        Some("seed") => {
            let (mut members, mut purchases, mut months, mut seed) = (None, 0, 36, 1);
            while let Some(a) = it.next() {
                let mut number = |what: &str| {
                    it.next()
                        .and_then(|v| v.replace('_', "").parse::<u64>().ok())
                        .ok_or_else(|| format!("{what} needs a whole number"))
                };
                match a {
                    "--members" => members = Some(number("--members")?),
                    "--seed" => seed = number("--seed")?,
                    "--purchases" => purchases = number("--purchases")?,
                    "--months" => months = number("--months")?,
                    other => return Err(format!("unknown option {other}")),
                }
            }
            Ok(Command::Seed {
                members: members.ok_or("--members is required")?,
                purchases,
                months,
                seed,
            })
        }
        Some("backup") => match (it.next(), it.next()) {
            (Some(file), None) if !file.starts_with('-') => {
                Ok(Command::Backup { file: file.into() })
            }
            _ => Err("backup needs one FILE".into()),
        },
        Some("restore") => {
            let (mut file, mut replace) = (None, false);
            for a in it {
                match a {
                    "--replace" => replace = true,
                    other if !other.starts_with('-') && file.is_none() => file = Some(other.into()),
                    other => return Err(format!("unknown option {other}")),
                }
            }
            Ok(Command::Restore {
                file: file.ok_or("restore needs a FILE")?,
                replace,
            })
        }
        Some("unsubscribe-mail") => match it.next() {
            None => Ok(Command::UnsubscribeMail),
            Some(other) => Err(format!("unknown option {other}")),
        },
        Some(other) => Err(format!("unknown command {other}")),
    }
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

/// Creates an owner account, reading the password's first line from `input`.
pub async fn create_owner(
    config: &Config,
    email: &str,
    name: &str,
    language: &str,
    input: impl BufRead,
) -> Result<i64, String> {
    let email = Email::parse(email).map_err(|e| format!("email: {e}"))?;
    let name = PreferredName::parse(name).map_err(|e| format!("name: {e}"))?;
    let locale = parse_locale(language).ok_or("language: expected en, sv, nb, lv or pt")?;
    let line = input
        .lines()
        .next()
        .transpose()
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let password = Password::parse(line.trim_end_matches(['\r', '\n']))
        .map_err(|e| format!("password: {e}"))?;
    let db = open_database(config).await.map_err(|e| e.to_string())?;
    let hash = Hasher::new(1)
        .hash(&password)
        .await
        .map_err(|e| e.to_string())?;
    let shown = email.to_string();
    let id = db
        .write(move |tx| {
            Box::pin(async move {
                let new = NewUser::new(&email, &hash, Role::Owner, &name, locale);
                let id = insert_user(tx, &new, "cli", &Default::default(), app::db::Stamp::now())
                    .await?;
                audit::db::record(
                    tx,
                    None,
                    "owner.create",
                    &format!("user:{id}"),
                    "via command line",
                )
                .await?;
                Ok(id)
            })
        })
        .await
        .map_err(|e| {
            if e.field_message("email").is_some() {
                format!("an account with {shown} exists already")
            } else {
                e.to_string()
            }
        })?;
    db.close().await;
    Ok(id)
}

#[cfg(test)]
mod tests;
