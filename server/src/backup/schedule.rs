//! Scheduled backups: one copy per period (`REGULARS_BACKUP_HOURS`) in a directory
//! (`REGULARS_BACKUP_DIR`), the newest `REGULARS_BACKUP_KEEP` kept. A copy is named by the
//! start of its period, so the job is idempotent: run twice in one period, or again after a
//! restart, it finds its file and does nothing. Time is a value passed in.

use std::path::{Path, PathBuf};

use app::db::Stamp;

/// What the scheduler does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Where the copies go (created if missing).
    pub dir: PathBuf,
    /// One copy per this many hours.
    pub every_hours: u64,
    /// How many copies to keep (the newest).
    pub keep: u64,
}

/// What every scheduled copy's name starts with; only such files are ever deleted.
const PREFIX: &str = "regulars-";

/// The copy for the period `now` falls in: `regulars-20261207T060000Z.db`.
pub fn file_for(schedule: &Schedule, now: Stamp) -> PathBuf {
    let period = i64::try_from(schedule.every_hours.clamp(1, 8_760)).unwrap_or(24) * 3600;
    let at = Stamp::from_unix(now.unix().div_euclid(period) * period);
    let name = at.to_string();
    // `2026-12-07T06:00:00Z` → `20261207T060000Z`: sorts by time and is a file name anywhere.
    let compact: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    schedule.dir.join(format!("{PREFIX}{compact}.db"))
}

/// Makes this period's copy unless it exists, then deletes all but the newest `keep` copies.
/// Returns the copy made, if one was.
pub async fn run(
    database_url: &str,
    schedule: &Schedule,
    now: Stamp,
) -> Result<Option<(PathBuf, super::Summary)>, String> {
    let file = file_for(schedule, now);
    if file.exists() {
        return Ok(None);
    }
    std::fs::create_dir_all(&schedule.dir)
        .map_err(|e| format!("{}: {e}", schedule.dir.display()))?;
    let summary = super::backup(database_url, &file).await?;
    prune(
        &schedule.dir,
        usize::try_from(schedule.keep.max(1)).unwrap_or(1),
    )?;
    Ok(Some((file, summary)))
}

/// Whether a file name is a scheduled copy's: `regulars-`, `YYYYMMDDTHHMMSSZ`, `.db`.
fn is_copy(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix(PREFIX)
        .and_then(|n| n.strip_suffix(".db"))
    else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 8 || i == 15 || c.is_ascii_digit())
}

/// Deletes all but the newest `keep` scheduled copies in `dir` (by name, which is by time);
/// other files are left alone.
fn prune(dir: &Path, keep: usize) -> Result<(), String> {
    let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_copy))
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(keep);
    for old in &copies[..excess] {
        std::fs::remove_file(old).map_err(|e| format!("{}: {e}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_named_by_the_start_of_its_period() {
        let s = Schedule {
            dir: "/b".into(),
            every_hours: 6,
            keep: 3,
        };
        let name = |at: Stamp| file_for(&s, at).display().to_string();
        assert_eq!(
            name(Stamp::utc(2026, 12, 7, 11, 59, 59)),
            "/b/regulars-20261207T060000Z.db"
        );
        assert_eq!(
            name(Stamp::utc(2026, 12, 7, 12, 0, 0)),
            "/b/regulars-20261207T120000Z.db"
        );
        assert!(is_copy("regulars-20261207T120000Z.db"));
        assert!(!is_copy("regulars-manual.db"));
        assert!(!is_copy("regulars-20261207T120000Z.db.partial"));
    }
}
