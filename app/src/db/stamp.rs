//! Times and dates as the database holds them, typed: [`Stamp`] (a UTC instant to the second,
//! stored as `2026-11-23T20:06:00Z`) and [`Day`] (a calendar date, stored as `2026-11-23`).
//!
//! Both are bound and read as these types, never as strings built by hand; their one text form
//! is fixed width, so the database compares and orders them correctly as text, and so would
//! PostgreSQL (`timestamptz`/`date` read the same literals). All arithmetic is jiff's.

use std::{
    fmt,
    ops::{Add, Sub},
    str::FromStr,
};

use jiff::{SignedDuration, Span, Timestamp, civil::Date, tz::TimeZone};
use sqlx::{
    Decode, Encode, Sqlite, Type,
    encode::IsNull,
    error::BoxDynError,
    sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef},
};

/// A UTC instant, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(Timestamp);

/// A calendar date (no time zone; the shop's, where it matters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

/// Not a time or date in the database's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTime(pub String);

impl fmt::Display for BadTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a time: {:?}", self.0)
    }
}

impl std::error::Error for BadTime {}

impl Stamp {
    /// The system clock's now (code under test uses [`super::Clock`]).
    pub fn now() -> Self {
        Self::from(Timestamp::now())
    }

    /// The instant `secs` seconds after 1970-01-01 UTC (clamped to jiff's range).
    pub fn from_unix(secs: i64) -> Self {
        Self(Timestamp::from_second(secs).unwrap_or(if secs < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        }))
    }

    /// The instant at a UTC wall-clock time (a constant where the values are; for tests and
    /// fixed dates). Panics on an impossible date at compile time when used in a constant.
    pub const fn utc(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> Self {
        // Days from 1970-01-01 to the date on the proleptic Gregorian calendar.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Self(Timestamp::constant(
            days * 86_400 + hour * 3_600 + minute * 60 + second,
            0,
        ))
    }

    /// Seconds since 1970-01-01 UTC.
    pub fn unix(self) -> i64 {
        self.0.as_second()
    }

    /// The jiff instant.
    pub fn jiff(self) -> Timestamp {
        self.0
    }

    /// This instant on the wall clock of `zone`.
    pub fn in_zone(self, zone: &TimeZone) -> jiff::Zoned {
        self.0.to_zoned(zone.clone())
    }

    /// Whole calendar months later (negative: earlier), on UTC's calendar, the day clamped to
    /// the target month's length (31 January + 1 month = 28 or 29 February).
    pub fn plus_months(self, months: i64) -> Self {
        self.in_zone(&TimeZone::UTC)
            .checked_add(Span::new().months(months))
            .map_or(self, |z| Self(z.timestamp()))
    }

    /// Whole days (of 24 hours) later; negative: earlier.
    pub fn plus_days(self, days: i64) -> Self {
        self + SignedDuration::from_hours(days.saturating_mul(24))
    }

    /// `secs` seconds later (earlier when negative).
    pub fn plus_secs(self, secs: i64) -> Self {
        self + SignedDuration::from_secs(secs)
    }

    /// The UTC day, `YYYY-MM-DD`.
    pub fn utc_day(self) -> String {
        self.to_string().chars().take(10).collect()
    }
}

/// `n` days of 24 hours.
pub const fn days(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n.saturating_mul(86_400))
}

/// `n` hours.
pub const fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n.saturating_mul(3_600))
}

/// `n` seconds.
pub const fn seconds(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// `n` minutes.
pub const fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n.saturating_mul(60))
}

impl From<Timestamp> for Stamp {
    /// Drops the fraction of a second, as the database does.
    fn from(t: Timestamp) -> Self {
        Self::from_unix(t.as_second())
    }
}

impl Add<SignedDuration> for Stamp {
    type Output = Self;

    /// Saturating at the ends of the representable range.
    fn add(self, d: SignedDuration) -> Self {
        self.0.checked_add(d).map_or_else(
            |_| {
                if d.is_negative() {
                    Self(Timestamp::MIN)
                } else {
                    Self(Timestamp::MAX)
                }
            },
            Self,
        )
    }
}

impl Sub<SignedDuration> for Stamp {
    type Output = Self;

    fn sub(self, d: SignedDuration) -> Self {
        self + -d
    }
}

impl Sub for Stamp {
    type Output = SignedDuration;

    fn sub(self, other: Self) -> SignedDuration {
        self.0.duration_since(other.0)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl FromStr for Stamp {
    type Err = BadTime;

    /// RFC 3339 with any offset (the database's form is UTC with `Z`).
    fn from_str(s: &str) -> Result<Self, BadTime> {
        s.parse::<Timestamp>()
            .map(Self::from)
            .map_err(|_| BadTime(s.to_owned()))
    }
}

impl Day {
    /// The jiff date.
    pub fn jiff(self) -> Date {
        self.0
    }

    /// Whole days later; negative: earlier (unchanged past the end of the calendar).
    pub fn plus_days(self, days: i64) -> Self {
        self.0
            .checked_add(Span::new().days(days))
            .map_or(self, Self)
    }

    /// Weekday, 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u8 {
        u8::try_from(self.0.weekday().to_monday_one_offset()).unwrap_or(1)
    }

    /// The Monday of this date's week.
    pub fn monday(self) -> Self {
        self.plus_days(-i64::from(self.0.weekday().to_monday_zero_offset()))
    }

    /// The first moment of this date on the wall clock of `zone`, as a UTC instant.
    pub fn start_in(self, zone: &TimeZone) -> Option<Stamp> {
        self.0
            .to_zoned(zone.clone())
            .ok()
            .map(|z| Stamp::from(z.timestamp()))
    }
}

impl From<Date> for Day {
    fn from(d: Date) -> Self {
        Self(d)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%d"))
    }
}

impl FromStr for Day {
    type Err = BadTime;

    /// Exactly `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, BadTime> {
        if s.len() != 10 {
            return Err(BadTime(s.to_owned()));
        }
        s.parse::<Date>()
            .map(Self)
            .map_err(|_| BadTime(s.to_owned()))
    }
}

/// Both are TEXT in SQLite, in their one fixed-width form.
macro_rules! as_text {
    ($t:ty) => {
        impl Type<Sqlite> for $t {
            fn type_info() -> SqliteTypeInfo {
                <String as Type<Sqlite>>::type_info()
            }

            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <String as Type<Sqlite>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Sqlite> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut Vec<SqliteArgumentValue<'q>>,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<'q, Sqlite>>::encode(self.to_string(), buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $t {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<&str as Decode<'r, Sqlite>>::decode(value)?.parse()?)
            }
        }
    };
}

as_text!(Stamp);
as_text!(Day);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Stamp {
        s.parse().expect("stamp")
    }

    #[test]
    fn stamps_have_one_utc_form_to_the_second() {
        assert_eq!(
            at("2026-11-23T21:06:05+01:00").to_string(),
            "2026-11-23T20:06:05Z"
        );
        assert_eq!(
            at("2026-11-23T20:06:05.987Z").to_string(),
            "2026-11-23T20:06:05Z"
        );
        assert_eq!(Stamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Stamp::utc(1970, 1, 1, 0, 0, 0), Stamp::from_unix(0));
        assert_eq!(
            Stamp::utc(2028, 2, 29, 23, 59, 59),
            at("2028-02-29T23:59:59Z")
        );
        assert_eq!(Stamp::utc(2000, 3, 1, 12, 0, 0), at("2000-03-01T12:00:00Z"));
        assert_eq!(
            Stamp::utc(1969, 12, 31, 0, 0, 0),
            at("1969-12-31T00:00:00Z")
        );
        assert!("2026-11-23".parse::<Stamp>().is_err());
        assert!("yesterday".parse::<Stamp>().is_err());
        assert_eq!(at("2026-11-23T23:30:00-01:00").utc_day(), "2026-11-24");
    }

    #[test]
    fn months_days_and_durations_move_on_the_calendar() {
        let t = at("2026-01-31T10:00:00Z");
        assert_eq!(t.plus_months(1), at("2026-02-28T10:00:00Z"));
        assert_eq!(t.plus_months(12), at("2027-01-31T10:00:00Z"));
        assert_eq!(
            at("2026-03-31T10:00:00Z").plus_months(-1),
            at("2026-02-28T10:00:00Z")
        );
        assert_eq!(t.plus_months(-12), at("2025-01-31T10:00:00Z"));
        assert_eq!(t.plus_days(1), at("2026-02-01T10:00:00Z"));
        assert_eq!(
            t - SignedDuration::from_mins(30),
            at("2026-01-31T09:30:00Z")
        );
        assert_eq!(
            at("2026-02-01T10:00:00Z") - t,
            SignedDuration::from_hours(24)
        );
        assert_eq!(
            Stamp::from_unix(i64::MAX).plus_days(1),
            Stamp::from_unix(i64::MAX)
        );
    }

    #[test]
    fn days_are_exactly_ten_characters_and_know_their_week() {
        let d: Day = "2026-12-03".parse().expect("day");
        assert_eq!(d.weekday(), 4, "a Thursday");
        assert_eq!(d.monday().to_string(), "2026-11-30");
        assert_eq!(d.plus_days(29).to_string(), "2027-01-01");
        assert!("2026-12-3".parse::<Day>().is_err());
        assert!("2026-02-30".parse::<Day>().is_err());
        let stockholm = TimeZone::get("Europe/Stockholm").expect("zone");
        assert_eq!(
            d.start_in(&stockholm).map(|s| s.to_string()).as_deref(),
            Some("2026-12-02T23:00:00Z")
        );
    }
}
