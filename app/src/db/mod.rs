//! The SQLite database: one writer connection (every write transaction `BEGIN IMMEDIATE`) and
//! a pool of read-only connections, both in WAL mode. SQLite allows one writer at a time;
//! making that explicit means writers queue in the pool instead of failing with
//! `SQLITE_BUSY` when a deferred transaction tries to upgrade its lock.

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr, time::Duration};

mod cache;
mod writer;

pub(crate) use cache::cached;

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
        // them in the background instead ([`Db::checkpoint`]).
        let generation = cache::Generation::default();
        let hooked = generation.clone();
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            // The writer's cache is emptied by any change to a table it holds.
            .after_connect(move |conn, _| {
                let (on_change, on_rollback) = (hooked.clone(), hooked.clone());
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    handle.set_update_hook(move |change| {
                        if cache::TABLES.contains(&change.table) {
                            on_change.invalidate();
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
            .connect_with(opts.read_only(true))
            .await?;
        let queue =
            writer::Writer::start(writer.clone(), generation.clone()).map_err(sqlx::Error::Io)?;
        Ok(Self {
            writer,
            queue,
            generation,
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

/// The calendar date (`YYYY-MM-DD`) and weekday (1 = Monday) of `now` in time zone `tz` (UTC
/// if the zone is unknown).
pub fn local_day(tz: &str, now: time::OffsetDateTime) -> (String, u8) {
    let date = zoned(tz, now).date();
    let weekday = u8::try_from(date.weekday().to_monday_one_offset()).unwrap_or(1);
    (ymd(date), weekday)
}

/// The Monday (`YYYY-MM-DD`) of the week holding `t` in time zone `tz` (UTC if unknown).
pub fn local_week_start(tz: &str, t: time::OffsetDateTime) -> String {
    let date = zoned(tz, t).date();
    let back = jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset()));
    ymd(date.checked_sub(back).unwrap_or(date))
}

/// The weeks (Monday to Sunday on the wall clock of `tz`) from the one holding `from` to the
/// one holding `to`: each week's Monday (`YYYY-MM-DD`) and the UTC timestamps of its first
/// moment and of the next week's.
pub fn local_weeks(
    tz: &str,
    from: time::OffsetDateTime,
    to: time::OffsetDateTime,
) -> Vec<(String, String, String)> {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let start_of = |date: jiff::civil::Date| start_of_day(&zone, date);
    let first = zoned(tz, from).date();
    let back = jiff::Span::new().days(i64::from(first.weekday().to_monday_zero_offset()));
    let mut monday = first.checked_sub(back).unwrap_or(first);
    let last = zoned(tz, to).date();
    let mut out = Vec::new();
    while monday <= last {
        let Ok(next) = monday.checked_add(jiff::Span::new().days(7)) else {
            break;
        };
        if let (Some(starts), Some(ends)) = (start_of(monday), start_of(next)) {
            out.push((ymd(monday), starts, ends));
        }
        monday = next;
    }
    out
}

/// The UTC timestamp of the first moment of `date` in `zone`.
fn start_of_day(zone: &jiff::tz::TimeZone, date: jiff::civil::Date) -> Option<String> {
    date.to_zoned(zone.clone())
        .ok()
        .and_then(|z| time::OffsetDateTime::from_unix_timestamp(z.timestamp().as_second()).ok())
        .map(timestamp)
}

/// The UTC timestamp of the first moment of the day `days` after `date` (`YYYY-MM-DD`) in time
/// zone `tz`; `None` if `date` is not a date.
pub fn local_day_start(tz: &str, date: &str, days: i64) -> Option<String> {
    if date.len() != 10 {
        return None;
    }
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let date: jiff::civil::Date = date.parse().ok()?;
    start_of_day(&zone, date.checked_add(jiff::Span::new().days(days)).ok()?)
}

/// `t` on the wall clock of time zone `tz` (UTC if the zone is unknown).
fn zoned(tz: &str, t: time::OffsetDateTime) -> jiff::Zoned {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(t.unix_timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(zone)
}

fn ymd(date: jiff::civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// A UTC timestamp as wall-clock time in time zone `tz` (`YYYY-MM-DD HH:MM`; UTC if the zone
/// is unknown; the input unchanged if it is not a timestamp).
pub fn local_time(tz: &str, timestamp: &str) -> String {
    let Some(t) = parse_timestamp(timestamp) else {
        return timestamp.to_owned();
    };
    let z = zoned(tz, t);
    format!("{} {:02}:{:02}", ymd(z.date()), z.hour(), z.minute())
}

/// The current time as an RFC 3339 UTC timestamp, the form every timestamp column holds.
pub fn now_utc() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// Formats a time as the database's timestamp form (`2026-11-23T20:06:00Z`).
pub fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses a database timestamp (`2026-11-23T20:06:00Z`).
pub fn parse_timestamp(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// `t` plus whole calendar months, the day clamped to the target month's length
/// (31 January + 1 month = 28 or 29 February).
pub fn add_months(t: time::OffsetDateTime, months: u32) -> time::OffsetDateTime {
    shift_months(t, i64::from(months))
}

/// `t` plus whole days.
pub fn add_days(t: time::OffsetDateTime, days: i64) -> time::OffsetDateTime {
    t.saturating_add(time::Duration::days(days))
}

/// `t` minus whole calendar months (see [`add_months`]).
pub fn sub_months(t: time::OffsetDateTime, months: u32) -> time::OffsetDateTime {
    shift_months(t, -i64::from(months))
}

fn shift_months(t: time::OffsetDateTime, delta: i64) -> time::OffsetDateTime {
    let total = i64::from(t.year()) * 12 + i64::from(u8::from(t.month()) - 1) + delta;
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(9999);
    let month = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(time::Month::January);
    let day = t.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).map_or(t, |d| t.replace_date(d))
}

/// The time the program runs on: the system clock, or a time a test sets and moves, so that
/// expiry and tier periods are tested with time passed in as a value, never slept through.
#[derive(Clone, Debug, Default)]
pub struct Clock(std::sync::Arc<std::sync::Mutex<Option<time::OffsetDateTime>>>);

impl Clock {
    /// Now: the set time, if one was set, else the system's.
    pub fn now(&self) -> time::OffsetDateTime {
        self.0
            .lock()
            .ok()
            .and_then(|t| *t)
            .unwrap_or_else(time::OffsetDateTime::now_utc)
    }

    /// Fixes the clock at `t` (tests).
    pub fn set(&self, t: time::OffsetDateTime) {
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
    fn timestamps_are_utc_with_z_suffix() {
        let t = time::macros::datetime!(2026-11-23 21:06:05 +01:00);
        assert_eq!(timestamp(t), "2026-11-23T20:06:05Z");
    }

    #[test]
    fn months_are_added_and_subtracted_on_the_calendar() {
        use time::macros::datetime;
        let t = datetime!(2026-01-31 10:00 UTC);
        assert_eq!(add_months(t, 1), datetime!(2026-02-28 10:00 UTC));
        assert_eq!(add_months(t, 12), datetime!(2027-01-31 10:00 UTC));
        assert_eq!(
            sub_months(datetime!(2026-03-31 10:00 UTC), 1),
            datetime!(2026-02-28 10:00 UTC)
        );
        assert_eq!(sub_months(t, 12), datetime!(2025-01-31 10:00 UTC));
        assert_eq!(
            parse_timestamp("2026-11-23T20:06:05Z").map(timestamp),
            Some("2026-11-23T20:06:05Z".into())
        );
    }

    #[test]
    fn durability_parses_case_insensitively() {
        assert_eq!(Durability::parse("normal"), Some(Durability::Normal));
        assert_eq!(Durability::parse("FULL"), Some(Durability::Full));
        assert_eq!(Durability::parse("off"), None);
    }
}
