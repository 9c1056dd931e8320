//! Sending rules for marketing messages (campaigns and journeys), per channel: quiet hours on
//! the shop's clock, when messages wait instead of going out, and a frequency cap, the most
//! messages one member gets in a rolling number of days. Service messages (confirmations,
//! account notices) are exempt from both.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Msg, whole_number};

/// Largest frequency cap (messages).
pub const MAX_CAP: i64 = 50;
/// Longest frequency-cap window (days).
pub const MAX_CAP_DAYS: i64 = 90;

/// One channel's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRules {
    /// Quiet hours: from this whole hour (0–23) on the shop's clock …
    pub quiet_from: Option<i64>,
    /// … until this one (exclusive; across midnight when it is the smaller).
    pub quiet_until: Option<i64>,
    /// At most this many marketing messages per member …
    pub cap: Option<i64>,
    /// … in any this many days.
    pub cap_days: i64,
}

impl Default for ChannelRules {
    fn default() -> Self {
        Self {
            quiet_from: None,
            quiet_until: None,
            cap: None,
            cap_days: 7,
        }
    }
}

/// The rules of both channels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingRules {
    /// Email.
    pub email: ChannelRules,
    /// Text messages.
    pub sms: ChannelRules,
}

impl ChannelRules {
    /// Parses one channel's fields (as typed; `prefix` names them, like `email_`). Quiet
    /// hours need both ends or neither; an empty cap is no cap.
    pub fn parse(
        prefix: &str,
        quiet_from: &str,
        quiet_until: &str,
        cap: &str,
        cap_days: &str,
    ) -> Result<Self, AppError> {
        let hour = |field: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            raw => {
                whole_number(&format!("{prefix}{field}"), raw, 0..=23, Msg::HourInvalid).map(Some)
            }
        };
        let (from, until) = (
            hour("quiet_from", quiet_from)?,
            hour("quiet_until", quiet_until)?,
        );
        if from.is_some() != until.is_some() {
            let missing = if from.is_none() {
                "quiet_from"
            } else {
                "quiet_until"
            };
            return Err(AppError::Validation {
                field: format!("{prefix}{missing}"),
                message_key: Msg::HourInvalid,
            });
        }
        Ok(Self {
            quiet_from: from,
            quiet_until: until,
            cap: match cap.trim() {
                "" => None,
                raw => Some(whole_number(
                    &format!("{prefix}cap"),
                    raw,
                    1..=MAX_CAP,
                    Msg::CapInvalid,
                )?),
            },
            cap_days: whole_number(
                &format!("{prefix}cap_days"),
                cap_days,
                1..=MAX_CAP_DAYS,
                Msg::CapInvalid,
            )?,
        })
    }

    /// Whether `hour` (0–23 on the member's clock) is within the quiet hours.
    pub fn is_quiet(&self, hour: i64) -> bool {
        match (self.quiet_from, self.quiet_until) {
            (Some(from), Some(until)) if from < until => (from..until).contains(&hour),
            (Some(from), Some(until)) if from > until => hour >= from || hour < until,
            _ => false,
        }
    }
}

#[cfg(feature = "ssr")]
pub use db::*;

#[cfg(feature = "ssr")]
mod db {
    use sqlx::SqliteConnection;

    use super::{ChannelRules, SendingRules};
    use crate::db::Stamp;

    /// A stored row: channel, quiet from, quiet until, cap, cap days.
    type Stored = (String, Option<i64>, Option<i64>, Option<i64>, i64);

    /// The rules of both channels.
    pub async fn sending_rules(conn: &mut SqliteConnection) -> Result<SendingRules, sqlx::Error> {
        let rows: Vec<Stored> = sqlx::query_as(
            "SELECT channel, quiet_from, quiet_until, cap, cap_days FROM sending_rules",
        )
        .fetch_all(conn)
        .await?;
        let mut out = SendingRules::default();
        for (channel, quiet_from, quiet_until, cap, cap_days) in rows {
            let r = ChannelRules {
                quiet_from,
                quiet_until,
                cap,
                cap_days,
            };
            match channel.as_str() {
                "sms" => out.sms = r,
                _ => out.email = r,
            }
        }
        Ok(out)
    }

    /// Saves the rules of both channels.
    pub async fn save_sending_rules(
        tx: &mut SqliteConnection,
        rules: &SendingRules,
    ) -> Result<(), sqlx::Error> {
        for (channel, r) in [("email", rules.email), ("sms", rules.sms)] {
            sqlx::query(
                "UPDATE sending_rules SET quiet_from = $1, quiet_until = $2, cap = $3,
                     cap_days = $4 WHERE channel = $5",
            )
            .bind(r.quiet_from)
            .bind(r.quiet_until)
            .bind(r.cap)
            .bind(r.cap_days)
            .bind(channel)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    /// The time zones members live by: the ones they set (read through a partial index) and
    /// the shop's, `shop`, for everyone else; each once.
    pub async fn member_zones(
        conn: &mut SqliteConnection,
        shop: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut zones: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT time_zone FROM users WHERE time_zone IS NOT NULL AND time_zone <> $1",
        )
        .bind(shop)
        .fetch_all(&mut *conn)
        .await?;
        zones.push(shop.to_owned());
        Ok(zones)
    }

    /// The time zones in which marketing messages on `channel` wait at `now` (quiet hours
    /// on each member's own clock): of the shop's zone `shop` (members who set none) and the
    /// zones members set, those whose hour is quiet now. Empty without quiet hours.
    pub async fn quiet_zones(
        conn: &mut SqliteConnection,
        channel: &str,
        shop: &str,
        now: Stamp,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rules = sending_rules(&mut *conn).await?;
        let r = if channel == "sms" {
            rules.sms
        } else {
            rules.email
        };
        if r.quiet_from.is_none() {
            return Ok(Vec::new());
        }
        let mut zones = member_zones(&mut *conn, shop).await?;
        zones.retain(|tz| r.is_quiet(i64::from(now.in_zone(&crate::db::zone(tz)).hour())));
        Ok(zones)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let night = ChannelRules {
            quiet_from: Some(21),
            quiet_until: Some(9),
            ..ChannelRules::default()
        };
        let quiet: Vec<i64> = (0..24).filter(|h| night.is_quiet(*h)).collect();
        assert_eq!(quiet, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23]);
        let lunch = ChannelRules {
            quiet_from: Some(12),
            quiet_until: Some(13),
            ..ChannelRules::default()
        };
        assert_eq!((0..24).filter(|h| lunch.is_quiet(*h)).count(), 1);
        assert!(lunch.is_quiet(12) && !lunch.is_quiet(13));
        assert!((0..24).all(|h| !ChannelRules::default().is_quiet(h)));
    }

    #[test]
    fn rules_parse_name_the_bad_field() {
        assert_eq!(
            ChannelRules::parse("email_", "21", " 8 ", "", "7"),
            Ok(ChannelRules {
                quiet_from: Some(21),
                quiet_until: Some(8),
                cap: None,
                cap_days: 7
            })
        );
        assert_eq!(
            ChannelRules::parse("sms_", "", "", "3", "30").map(|r| (r.cap, r.cap_days)),
            Ok((Some(3), 30))
        );
        let bad = |r: Result<ChannelRules, AppError>| match r {
            Err(AppError::Validation { field, message_key }) => (field, message_key),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            bad(ChannelRules::parse("email_", "24", "8", "", "7")),
            ("email_quiet_from".into(), Msg::HourInvalid)
        );
        assert_eq!(
            bad(ChannelRules::parse("email_", "21", "", "", "7")),
            ("email_quiet_until".into(), Msg::HourInvalid)
        );
        assert_eq!(
            bad(ChannelRules::parse("sms_", "", "", "0", "7")),
            ("sms_cap".into(), Msg::CapInvalid)
        );
        assert_eq!(
            bad(ChannelRules::parse("sms_", "", "", "2", "91")),
            ("sms_cap_days".into(), Msg::CapInvalid)
        );
    }
}
