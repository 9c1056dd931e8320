//! `server backup FILE` and `server restore FILE`: a consistent copy of the live database made
//! while the server goes on writing, checked before it is kept, and put back only when whole;
//! and the same copy made on a schedule by the running server (see [`Schedule`]).

mod schedule;

pub use schedule::{Schedule, file_for, run as run_scheduled};

use sqlx::{
    Connection as _, SqliteConnection,
    sqlite::{SqliteConnectOptions, SqliteJournalMode},
};
use std::{
    path::{Path, PathBuf},
    str::FromStr as _,
};

/// What a checked copy holds: enough to see that a restore gave back the same ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// The newest migration applied to it.
    pub version: i64,
    /// Open member accounts.
    pub members: i64,
    /// Point movements, and the sum of their points.
    pub movements: i64,
    pub points: i64,
    /// Purchases, and their amounts in minor units.
    pub purchases: i64,
    pub spend_minor: i64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes, migration {}, {} members, {} point movements summing to {} points, {} purchases of {} (minor units)",
            self.bytes,
            self.version,
            self.members,
            self.movements,
            self.points,
            self.purchases,
            self.spend_minor
        )
    }
}

/// The newest migration this build knows.
fn newest_migration() -> i64 {
    sqlx::migrate!("../migrations")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// A database file's path from a `sqlite:` URL (`sqlite://data/x.db`, `sqlite:///tmp/x.db`).
pub fn database_path(url: &str) -> Result<PathBuf, String> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| format!("{url}: {e}"))?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
        return Err(format!("{url} is not a database file"));
    }
    Ok(path.to_path_buf())
}

/// `file` with `suffix` added to its name (`shop.db` → `shop.db.partial`).
fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Flushes `file` and the directory that names it, so a rename survives a power cut.
fn sync(file: &Path) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", file.display());
    std::fs::File::open(file)
        .and_then(|f| f.sync_all())
        .map_err(err)?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(err)?;
    }
    Ok(())
}

/// Opens `file` read-only, checks every page (`PRAGMA integrity_check`) and that it is a
/// Regulars database no newer than this build, and sums its ledger.
pub async fn check(file: &Path) -> Result<Summary, String> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .len();
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let broken = |e: sqlx::Error| format!("{} is not a usable database: {e}", file.display());
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(broken)?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(broken)?;
    if problems != ["ok"] {
        return Err(format!(
            "{} fails SQLite's integrity check: {}",
            file.display(),
            problems.join("; ")
        ));
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| format!("{} is not a Regulars database", file.display()))?;
    let version = version.unwrap_or(0);
    if version > newest_migration() {
        return Err(format!(
            "{} is from a newer Regulars (migration {version}; this build knows up to {})",
            file.display(),
            newest_migration()
        ));
    }
    let (members, movements, points, purchases, spend_minor): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users WHERE role = 'member' AND closed_at IS NULL),
                    (SELECT COUNT(*) FROM point_movements),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements),
                    (SELECT COUNT(*) FROM purchases),
                    (SELECT COALESCE(SUM(amount_minor), 0) FROM purchases)",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(broken)?;
    conn.close().await.map_err(broken)?;
    Ok(Summary {
        bytes,
        version,
        members,
        movements,
        points,
        purchases,
        spend_minor,
    })
}

/// Copies the database at `database_url` into `dest` with `VACUUM INTO` (one read
/// transaction: a consistent snapshot, writers go on), checks the copy, flushes it to disk and
/// only then gives it its name. `dest` must not exist.
pub async fn backup(database_url: &str, dest: &Path) -> Result<Summary, String> {
    if dest.exists() {
        return Err(format!("{} exists; choose a new file", dest.display()));
    }
    let source = database_path(database_url)?;
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    let partial = with_suffix(dest, ".partial");
    let _ = std::fs::remove_file(&partial);
    let options = SqliteConnectOptions::new()
        .filename(&source)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(30));
    let failed = |e: sqlx::Error| format!("backing up {}: {e}", source.display());
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(failed)?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .map_err(failed);
    conn.close().await.map_err(failed)?;
    // The copy keeps the live database's write-ahead-log mode; as a rollback-journal file it
    // is one self-contained file that opens read-only anywhere.
    let switched = match copied {
        Ok(_) => standalone(&partial).await,
        Err(e) => Err(e),
    };
    let checked = match switched {
        Ok(()) => check(&partial).await,
        Err(e) => Err(e),
    };
    let summary = match checked.and_then(|s| sync(&partial).map(|()| s)) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    sync(dest)?;
    Ok(summary)
}

/// Switches the database `file` to a rollback journal.
async fn standalone(file: &Path) -> Result<(), String> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .journal_mode(SqliteJournalMode::Delete);
    let failed = |e: sqlx::Error| format!("{}: {e}", file.display());
    SqliteConnection::connect_with(&options)
        .await
        .map_err(failed)?
        .close()
        .await
        .map_err(failed)
}

/// Puts the backup `file` in place of the database at `database_url`, after checking it: a
/// broken or foreign file is refused and nothing changes. The database must not exist unless
/// `replace` (then the server must be stopped: its old write-ahead log is removed).
pub async fn restore(file: &Path, database_url: &str, replace: bool) -> Result<Summary, String> {
    let summary = check(file).await?;
    let target = database_path(database_url)?;
    if target.exists() && !replace {
        return Err(format!(
            "a database exists at {}; stop the server and pass --replace to overwrite it",
            target.display()
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let partial = with_suffix(&target, ".restoring");
    std::fs::copy(file, &partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    sync(&partial)?;
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&target, stale));
    }
    std::fs::rename(&partial, &target).map_err(|e| format!("{}: {e}", target.display()))?;
    sync(&target)?;
    Ok(summary)
}
