//! The SQLite database: one writer connection (every write transaction `BEGIN IMMEDIATE`) and
//! a pool of read-only connections, both in WAL mode. SQLite allows one writer at a time;
//! making that explicit means writers queue in the pool instead of failing with
//! `SQLITE_BUSY` when a deferred transaction tries to upgrade its lock.

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr, time::Duration};

pub mod accounts;
mod cache;
mod stamp;
mod writer;

pub(crate) use cache::cached;

pub use stamp::{BadTime, Day, Stamp, days, hours, minutes, seconds};
pub use writer::{BoxFuture, MAX_BATCH, WriteStats};

/// How hard SQLite works to keep a committed transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: a commit survives power loss (fsync on every commit). Default.
    Full,
    /// `synchronous=NORMAL`: a commit survives a crash of the process, not of the machine.
    Normal,
}

impl Durability {
    /// Parses `FULL` / `NORMAL` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "FULL" => Some(Self::Full),
            "NORMAL" => Some(Self::Normal),
            _ => None,
        }
    }

    /// The pragma value, as printed in logs and benchmarks.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// The database: the write queue (see [`Db::write`]) and the read pool. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    /// Exactly one connection, owned by the write queue's thread (and used directly only by
    /// [`Db::migrate`], before anything is queued).
    writer: SqlitePool,
    /// The queue to the thread that owns that connection.
    queue: writer::Writer,
    /// What the writer's cache follows (and whether it is on).
    generation: cache::Generation,
    /// Signed-in accounts remembered between requests (see [`accounts`]).
    accounts: std::sync::Arc<accounts::Accounts>,
    /// Read-only connections for queries.
    pub reader: SqlitePool,
    /// What the database was opened with.
    pub durability: Durability,
}

/// Connection options shared by every pool on this database file (also used by the session
/// store, so its writes wait politely instead of failing).
pub fn connect_options(
    url: &str,
    durability: Durability,
) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match durability {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

/// How much of the database file each reader maps into memory (an upper bound: a smaller
/// file maps what it has; the pages are the operating system's cache, shared by all readers).
const READER_MMAP_BYTES: u64 = 1 << 30;

impl Db {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or `sqlite::memory:`
    /// is not supported: readers need a file).
    pub async fn connect(
        url: &str,
        durability: Durability,
        readers: u32,
    ) -> Result<Self, sqlx::Error> {
        let opts = connect_options(url, durability)?;
        // The writer never checkpoints the WAL itself: a checkpoint copies and syncs pages for
        // tens of milliseconds, and every queued writer would wait for it. The server runs
        // them in the background instead (and the seeder, while it runs).
        let generation = cache::Generation::default();
        let hooked = generation.clone();
        let accounts = std::sync::Arc::new(accounts::Accounts::default());
        let account_hook = accounts.clone();
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            // The writer's cache is emptied by any change to a table it holds.
            .after_connect(move |conn, _| {
                let (on_change, on_rollback) = (hooked.clone(), hooked.clone());
                let on_account = account_hook.clone();
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    handle.set_update_hook(move |change| {
                        if cache::TABLES.contains(&change.table) {
                            on_change.invalidate();
                        } else if change.table == "users" {
                            on_account.changed(change.rowid);
                        }
                    });
                    handle.set_rollback_hook(move || on_rollback.invalidate());
                    Ok(())
                })
            })
            .connect_with(opts.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers.max(1))
            .acquire_timeout(Duration::from_secs(30))
            // A connection to a local file does not go stale: no ping (a round trip to its
            // thread) before every use.
            .test_before_acquire(false)
            // Readers map the file (no copy per page read: a segment count probes an index a
            // million times) and keep a bigger cache of their own.
            .connect_with(
                opts.read_only(true)
                    .pragma("mmap_size", READER_MMAP_BYTES.to_string())
                    .pragma("cache_size", "-32768"),
            )
            .await?;
        let queue = writer::Writer::start(writer.clone(), generation.clone(), accounts.clone())
            .map_err(sqlx::Error::Io)?;
        Ok(Self {
            writer,
            queue,
            generation,
            accounts,
            reader,
            durability,
        })
    }

    /// Applies pending migrations from `migrations/`; fails if one fails (never half-started).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("../migrations").run(&self.writer).await
    }

    /// Runs `work` as (part of) a write transaction on the write queue and returns its result
    /// once the commit that holds it is durable. `work` never commits: an `Err` undoes what it
    /// did and nothing else; concurrent jobs share one commit (see the `writer` module). It
    /// runs to the end even if the caller goes away, so a request cut off mid-way leaves all
    /// of its change or none.
    ///
    /// ```ignore
    /// let id = db.write(move |tx| Box::pin(async move { insert(tx, &row).await })).await?;
    /// ```
    pub async fn write<T, F>(&self, work: F) -> Result<T, crate::error::AppError>
    where
        F: for<'c> FnOnce(
                &'c mut sqlx::SqliteConnection,
            ) -> BoxFuture<'c, Result<T, crate::error::AppError>>
            + Send
            + 'static,
        T: Send + 'static,
    {
        self.queue.write(work).await
    }

    /// How many jobs one commit may hold: [`MAX_BATCH`] by default, 1 for a commit per job
    /// (the unbatched baseline the benchmark compares with).
    pub fn set_batch(&self, max: usize) {
        self.queue.set_batch(max);
    }

    /// Switches the writer's cache of program settings, tiers, rules, locations and punch cards
    /// on (the default) or off (every job reads them; the benchmark's baseline).
    pub fn set_cache(&self, on: bool) {
        self.generation.set_on(on);
    }

    /// The signed-in accounts remembered between requests.
    pub fn accounts(&self) -> &accounts::Accounts {
        &self.accounts
    }

    /// What the write queue committed so far (for the benchmark).
    pub fn write_stats(&self) -> WriteStats {
        self.queue.stats()
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// The canonical name of time zone `name` (IANA, like `Europe/Stockholm`, or `UTC`) if this
/// server knows it.
pub fn time_zone_name(name: &str) -> Option<String> {
    let zone = jiff::tz::TimeZone::get(name.trim()).ok()?;
    Some(zone.iana_name().unwrap_or("UTC").to_owned())
}

/// Time zone `tz`, or UTC if this server does not know it.
pub fn zone(tz: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The calendar date and weekday (1 = Monday) of `now` in time zone `tz` (UTC if the zone is
/// unknown).
pub fn local_day(tz: &str, now: Stamp) -> (Day, u8) {
    let date = Day::from(now.in_zone(&zone(tz)).date());
    (date, date.weekday())
}

/// The Monday of the week holding `t` in time zone `tz` (UTC if unknown).
pub fn local_week_start(tz: &str, t: Stamp) -> Day {
    Day::from(t.in_zone(&zone(tz)).date()).monday()
}

/// The weeks (Monday to Sunday on the wall clock of `tz`) from the one holding `from` to the
/// one holding `to`: each week's Monday and the instants of its first moment and of the next
/// week's.
pub fn local_weeks(tz: &str, from: Stamp, to: Stamp) -> Vec<(Day, Stamp, Stamp)> {
    let zone = zone(tz);
    let mut monday = Day::from(from.in_zone(&zone).date()).monday();
    let last = Day::from(to.in_zone(&zone).date());
    let mut out = Vec::new();
    while monday <= last {
        let next = monday.plus_days(7);
        if next == monday {
            break;
        }
        if let (Some(starts), Some(ends)) = (monday.start_in(&zone), next.start_in(&zone)) {
            out.push((monday, starts, ends));
        }
        monday = next;
    }
    out
}

/// The first moment of the day `days` after `date` on the wall clock of time zone `tz`.
pub fn local_day_start(tz: &str, date: Day, days: i64) -> Option<Stamp> {
    date.plus_days(days).start_in(&zone(tz))
}

/// An instant as wall-clock time in time zone `tz` (`YYYY-MM-DD HH:MM`; UTC if the zone is
/// unknown).
pub fn local_time(tz: &str, t: Stamp) -> String {
    let z = t.in_zone(&zone(tz));
    format!("{} {:02}:{:02}", Day::from(z.date()), z.hour(), z.minute())
}

/// A stored timestamp's text as wall-clock time in time zone `tz`; the text unchanged if it is
/// not a timestamp.
pub fn local_time_of(tz: &str, text: &str) -> String {
    text.parse()
        .map_or_else(|_| text.to_owned(), |t| local_time(tz, t))
}

/// The time the program runs on: the system clock, or a time a test sets and moves, so that
/// expiry and tier periods are tested with time passed in as a value, never slept through.
#[derive(Clone, Debug, Default)]
pub struct Clock(std::sync::Arc<std::sync::Mutex<Option<Stamp>>>);

impl Clock {
    /// Now: the set time, if one was set, else the system's.
    pub fn now(&self) -> Stamp {
        self.0
            .lock()
            .ok()
            .and_then(|t| *t)
            .unwrap_or_else(Stamp::now)
    }

    /// Fixes the clock at `t` (tests).
    pub fn set(&self, t: Stamp) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(t);
        }
    }
}

/// True when `err` is a UNIQUE (or PRIMARY KEY) constraint violation.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_and_weeks_follow_the_shops_wall_clock() {
        let t: Stamp = "2026-11-29T23:30:00Z".parse().expect("stamp");
        // Already Monday 30 November in Stockholm.
        let (day, weekday) = local_day("Europe/Stockholm", t);
        assert_eq!((day.to_string(), weekday), ("2026-11-30".to_owned(), 1));
        assert_eq!(local_day("UTC", t).1, 7);
        assert_eq!(
            local_week_start("Nowhere/Unknown", t).to_string(),
            "2026-11-23"
        );
        assert_eq!(local_time("Europe/Stockholm", t), "2026-11-30 00:30");
        assert_eq!(local_time_of("UTC", "not a time"), "not a time");
        let weeks = local_weeks("Europe/Stockholm", t, t.plus_days(8));
        let shown: Vec<_> = weeks
            .iter()
            .map(|(d, a, b)| format!("{d} {a} {b}"))
            .collect();
        assert_eq!(
            shown,
            [
                "2026-11-30 2026-11-29T23:00:00Z 2026-12-06T23:00:00Z",
                "2026-12-07 2026-12-06T23:00:00Z 2026-12-13T23:00:00Z"
            ]
        );
    }

    #[test]
    fn durability_parses_case_insensitively() {
        assert_eq!(Durability::parse("normal"), Some(Durability::Normal));
        assert_eq!(Durability::parse("FULL"), Some(Durability::Full));
        assert_eq!(Durability::parse("off"), None);
    }
}
