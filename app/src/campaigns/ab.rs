//! A/B tests of campaigns: a share of the reachable members gets message A, the same share
//! gets variant B, and after a wait the variant with more clicks (or purchases attributed to
//! it) per message sent goes to everyone else. Variant B is a campaign of its own that only
//! holds B's messages; every message is still a row of the tested campaign.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Msg, whole_number};

/// Largest share of the reachable members each variant is tested on, in percent.
pub const MAX_SHARE: i64 = 25;
/// Longest wait before the winner is chosen, in hours.
pub const MAX_HOURS: i64 = 168;

/// What picks the winner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Messages whose links were clicked, per message sent.
    #[default]
    Clicks,
    /// Messages followed by a purchase within the campaign's window (last touch), per message
    /// sent.
    Purchases,
}

impl Metric {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Clicks => "clicks",
            Metric::Purchases => "purchases",
        }
    }

    /// From the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        [Metric::Clicks, Metric::Purchases]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// A campaign's test as staff set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Percent of the reachable members each variant goes to (0: no test).
    pub share_pct: i64,
    /// Hours after sending before the winner is chosen.
    pub hours: i64,
    /// What picks it.
    pub metric: Metric,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            share_pct: 0,
            hours: 4,
            metric: Metric::Clicks,
        }
    }
}

impl Settings {
    /// Parses the form's fields (empty: the default); each bad one is that field's error.
    pub fn parse(share_pct: &str, hours: &str, metric: &str) -> Result<Self, AppError> {
        let or = |raw: &str, default: i64| match raw.trim() {
            "" => default.to_string(),
            raw => raw.to_owned(),
        };
        Ok(Self {
            share_pct: whole_number(
                "ab_pct",
                &or(share_pct, 0),
                0..=MAX_SHARE,
                Msg::ShareInvalid,
            )?,
            hours: whole_number(
                "ab_hours",
                &or(hours, 4),
                1..=MAX_HOURS,
                Msg::AbHoursInvalid,
            )?,
            metric: match metric.trim() {
                "" => Metric::Clicks,
                m => Metric::parse(m)
                    .ok_or_else(|| AppError::field("ab_metric", Msg::ChoiceInvalid))?,
            },
        })
    }
}

/// What one variant's test messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    /// Test messages sent.
    pub sent: i64,
    /// Of those, clicked.
    pub clicked: i64,
    /// Of those, followed by an attributed purchase.
    pub bought: i64,
}

impl Arm {
    /// The count `metric` looks at.
    pub fn hits(&self, metric: Metric) -> i64 {
        match metric {
            Metric::Clicks => self.clicked,
            Metric::Purchases => self.bought,
        }
    }
}

/// Which variant won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The campaign's own message.
    A,
    /// Variant B.
    B,
}

impl Variant {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::A => "a",
            Variant::B => "b",
        }
    }
}

/// The winner: B only when its rate (hits per message sent) is strictly higher; a tie, or no
/// messages, keeps A (the message written first).
pub fn winner(a: Arm, b: Arm, metric: Metric) -> Variant {
    // b.hits / b.sent > a.hits / a.sent, without division.
    if b.sent > 0 && b.hits(metric) * a.sent.max(1) > a.hits(metric) * b.sent {
        Variant::B
    } else {
        Variant::A
    }
}

/// A campaign's test as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Test {
    /// Its settings.
    pub settings: Settings,
    /// Variant B's campaign, once the test is set up.
    pub variant: Option<i64>,
    /// When the winner is chosen, in the shop's time (`YYYY-MM-DD HH:MM`).
    pub decide_at: Option<String>,
    /// The winner, once chosen (A without a test when too few members were reachable).
    pub winner: Option<Variant>,
    /// Variant A's test messages.
    pub a: Arm,
    /// Variant B's.
    pub b: Arm,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(sent: i64, clicked: i64, bought: i64) -> Arm {
        Arm {
            sent,
            clicked,
            bought,
        }
    }

    #[test]
    fn b_wins_only_with_a_strictly_higher_rate_by_the_chosen_metric() {
        let (a, b) = (arm(20, 2, 3), arm(19, 3, 1));
        assert_eq!(winner(a, b, Metric::Clicks), Variant::B);
        assert_eq!(winner(a, b, Metric::Purchases), Variant::A);
        // 2 of 20 and 1 of 10 are the same rate: A stays.
        assert_eq!(
            winner(arm(20, 2, 0), arm(10, 1, 0), Metric::Clicks),
            Variant::A
        );
        // Nothing sent yet, or nothing clicked: A.
        assert_eq!(
            winner(arm(0, 0, 0), arm(0, 0, 0), Metric::Clicks),
            Variant::A
        );
        assert_eq!(
            winner(arm(5, 0, 0), arm(5, 0, 0), Metric::Clicks),
            Variant::A
        );
        // B sent, A not (all failed): any hit of B wins.
        assert_eq!(
            winner(arm(0, 0, 0), arm(4, 1, 0), Metric::Clicks),
            Variant::B
        );
    }

    #[test]
    fn settings_parse_with_defaults_and_name_the_bad_field() {
        assert_eq!(Settings::parse("", "", ""), Ok(Settings::default()));
        assert_eq!(
            Settings::parse("20", "24", "purchases"),
            Ok(Settings {
                share_pct: 20,
                hours: 24,
                metric: Metric::Purchases
            })
        );
        let field = |r: Result<Settings, AppError>| match r {
            Err(AppError::Validation { field, message_key }) => (field, message_key),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Settings::parse("26", "", "")),
            ("ab_pct".into(), Msg::ShareInvalid)
        );
        assert_eq!(
            field(Settings::parse("10", "0", "")),
            ("ab_hours".into(), Msg::AbHoursInvalid)
        );
        assert_eq!(
            field(Settings::parse("10", "169", "")),
            ("ab_hours".into(), Msg::AbHoursInvalid)
        );
        assert_eq!(
            field(Settings::parse("10", "4", "opens")),
            ("ab_metric".into(), Msg::ChoiceInvalid)
        );
    }
}
