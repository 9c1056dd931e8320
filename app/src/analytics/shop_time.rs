//! The shop's time zone inside SQLite: `shop_offsets` lists the zone's UTC offset from each
//! transition on, so triggers and views find a purchase's local day with one key look-up
//! (`purchase_days`). [`sync`] fills it for the zone in the program settings and rebuilds the
//! roll-ups kept in shop time whenever that zone is not the one it was filled for: at every
//! start (after the migrations) and when the settings change.

use jiff::{Timestamp, tz::TimeZone};
use sqlx::SqliteConnection;

use crate::db::Stamp;

/// Transitions are listed up to this year (later instants keep the last offset).
const LAST_YEAR: i16 = 2200;

/// The first row: every instant before the zone's first listed transition.
const BEGINNING: &str = "0000-01-01T00:00:00Z";

/// `(from, offset in seconds)` for `zone`, the first from the beginning of time, then one per
/// transition up to [`LAST_YEAR`]; an unknown zone is UTC.
pub fn offsets(zone: &str) -> Vec<(String, i32)> {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let start = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
    let end = jiff::civil::date(LAST_YEAR, 1, 1)
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX);
    // Before 1970 the offset of 1970 (no shop has purchases from then).
    let mut out = vec![(BEGINNING.to_owned(), tz.to_offset(start).seconds())];
    for t in tz.following(start) {
        if t.timestamp() >= end {
            break;
        }
        let offset = t.offset().seconds();
        // A transition that changes only the abbreviation or DST flag keeps the offset.
        if out.last().map(|(_, o)| *o) != Some(offset) {
            out.push((
                Stamp::from_unix(t.timestamp().as_second()).to_string(),
                offset,
            ));
        }
    }
    out
}

/// Makes the shop-time roll-ups follow the zone in the program settings: when `shop_offsets`
/// was filled for another zone (or never), refills it and rebuilds those roll-ups, inside the
/// caller's write transaction. Returns whether it did.
pub async fn sync(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM program_settings WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or_else(|| "UTC".to_owned());
    let filled: String = sqlx::query_scalar("SELECT zone FROM shop_offsets_zone WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    if zone == filled {
        return Ok(false);
    }
    sqlx::query("DELETE FROM shop_offsets")
        .execute(&mut *conn)
        .await?;
    for (from, offset) in offsets(&zone) {
        sqlx::query("INSERT INTO shop_offsets (from_utc, offset_s) VALUES ($1, $2)")
            .bind(from)
            .bind(offset)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE shop_offsets_zone SET zone = $1 WHERE id = 1")
        .bind(&zone)
        .execute(&mut *conn)
        .await?;
    super::rollups::rebuild_tables(conn, |t| t.shop_time).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_the_zone() {
        let utc = offsets("UTC");
        assert_eq!(utc, vec![(BEGINNING.to_owned(), 0)]);
        let riga = offsets("Europe/Riga");
        // Summer time in 2026 starts on 29 March at 01:00 UTC (+3) and ends on 25 October
        // at 01:00 UTC (+2).
        let at = |from: &str| riga.iter().find(|(f, _)| f == from).map(|(_, o)| *o);
        assert_eq!(at("2026-03-29T01:00:00Z"), Some(3 * 3600));
        assert_eq!(at("2026-10-25T01:00:00Z"), Some(2 * 3600));
        // Sorted, and each row changes the offset.
        assert!(riga.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 != w[1].1));
        // Up to the last year listed, not beyond.
        assert!(riga.last().is_some_and(|(f, _)| f.as_str() < "2200"));
        assert!(riga.iter().any(|(f, _)| f.starts_with("2199-")));
        // An unknown zone is UTC.
        assert_eq!(offsets("Nowhere/Atlantis"), utc);
    }
}
