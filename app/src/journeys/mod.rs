//! Journeys: messages that go out by themselves when something happens to a member — they
//! join, their birthday comes, their points are about to expire, they move up a tier or may
//! lose it, they stop buying (win-back), a purchase gives them a next-visit discount or it is about to
//! end, their points reach a reward, staff answer their feedback, or an offer for them starts. A journey job looks at who crossed the trigger's moment since it last looked,
//! enters them (once per occasion, under the journey's re-entry rule) and writes their
//! message to the outbox in the same transaction; a share of the entries is kept as a
//! control group and gets nothing, so the journey's results can say what the message
//! changed. A member whose message still waits (quiet hours) when they reach the journey's
//! goal — a purchase — leaves the journey and the message is dropped. A journey's messages
//! per language are a campaign of its own, written and previewed like any campaign but never
//! sent as one.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
mod occasions;
mod page;
pub mod rules;
mod rules_card;
mod step_page;
pub mod steps;

pub use api::*;
pub use page::{JourneyPage, JourneysPage};
pub use step_page::StepPage;

use crate::{
    campaigns::Campaign,
    error::{AppError, Msg, whole_number},
    loyalty::rules::Currency,
};

/// What starts a journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A number of days after the member's email was confirmed (text messages: after they
    /// joined).
    Welcome,
    /// A number of days before the member's points expire (once per expiry day).
    PointsExpiring,
    /// On the member's birthday (or a number of days before), on their own calendar (their
    /// time zone, or else the shop's).
    Birthday,
    /// A number of days after the member moved up to a tier above the first.
    TierReached,
    /// A number of days before the member's tier is reviewed, when the points they have
    /// earned in the period so far would not keep it.
    TierAtRisk,
    /// A number of days after the member's last purchase.
    WinBack,
    /// A number of days after a purchase gave the member a next-visit discount (while it is
    /// unused).
    CouponIssued,
    /// A number of days before the member's unused next-visit discount ends.
    CouponEnding,
    /// A number of days after the member's points reached the price of a reward (the
    /// journey's own reward, or else the cheapest one on offer) and while they still have
    /// them.
    RewardInReach,
    /// A number of days after staff replied on the member's feedback case or resolved it.
    CaseAnswered,
    /// On the day a members' offer the member may use starts (or a number of days before);
    /// the message names that offer.
    OfferStarting,
}

impl Trigger {
    /// Every trigger, in the order the console lists them.
    pub const ALL: [Trigger; 11] = [
        Trigger::Welcome,
        Trigger::PointsExpiring,
        Trigger::Birthday,
        Trigger::TierReached,
        Trigger::TierAtRisk,
        Trigger::WinBack,
        Trigger::CouponIssued,
        Trigger::CouponEnding,
        Trigger::RewardInReach,
        Trigger::CaseAnswered,
        Trigger::OfferStarting,
    ];

    /// As stored and in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Welcome => "welcome",
            Trigger::PointsExpiring => "points_expiring",
            Trigger::Birthday => "birthday",
            Trigger::TierReached => "tier_reached",
            Trigger::TierAtRisk => "tier_at_risk",
            Trigger::WinBack => "win_back",
            Trigger::CouponIssued => "coupon_issued",
            Trigger::CouponEnding => "coupon_ending",
            Trigger::RewardInReach => "reward_in_reach",
            Trigger::CaseAnswered => "case_answered",
            Trigger::OfferStarting => "offer_starting",
        }
    }

    /// The days a journey may wait after (or before) its event.
    pub fn wait_range(self) -> RangeInclusive<i64> {
        match self {
            Trigger::Welcome => 0..=MAX_DAYS,
            Trigger::PointsExpiring | Trigger::TierAtRisk => 1..=90,
            Trigger::Birthday
            | Trigger::TierReached
            | Trigger::CouponIssued
            | Trigger::RewardInReach
            | Trigger::CaseAnswered
            | Trigger::OfferStarting => 0..=30,
            Trigger::CouponEnding => 1..=30,
            Trigger::WinBack => 1..=MAX_DAYS,
        }
    }

    /// Whether a purchase is the journey's goal: a member who buys while their message
    /// waits leaves the journey (everything but the greetings and notices: birthday, tier
    /// reached, a reward in reach, an answered case).
    pub fn goal_is_purchase(self) -> bool {
        !matches!(
            self,
            Trigger::Birthday
                | Trigger::TierReached
                | Trigger::RewardInReach
                | Trigger::CaseAnswered
        )
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Longest wait, re-entry or attribution window, in days.
pub const MAX_DAYS: i64 = 365;
/// Largest control group, in percent of entries.
pub const MAX_HOLDOUT: i64 = 50;

/// A journey's settings as staff set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Whether members enter it now.
    pub enabled: bool,
    /// Days after the trigger's event (win-back: the last purchase; welcome: joining) or
    /// before it (birthday, points expiring).
    pub wait_days: i64,
    /// Days after an entry before the member may enter again (`None`: once ever).
    pub reentry_days: Option<i64>,
    /// Percent of entries kept as the control group.
    pub holdout_pct: i64,
    /// Days after a message in which a purchase counts for it.
    pub window_days: i64,
}

impl Settings {
    /// Parses the form's fields (as typed) for a journey on `trigger`; each bad one is that
    /// field's error.
    pub fn parse(
        trigger: Trigger,
        enabled: bool,
        wait_days: &str,
        reentry_days: &str,
        holdout_pct: &str,
        window_days: &str,
    ) -> Result<Self, AppError> {
        let days =
            |field: &str, raw: &str| whole_number(field, raw, 1..=MAX_DAYS, Msg::DaysInvalid);
        Ok(Self {
            enabled,
            wait_days: whole_number(
                "wait_days",
                wait_days,
                trigger.wait_range(),
                Msg::WaitInvalid,
            )?,
            reentry_days: match reentry_days.trim() {
                "" => None,
                raw => Some(days("reentry_days", raw)?),
            },
            holdout_pct: whole_number(
                "holdout_pct",
                holdout_pct,
                0..=MAX_HOLDOUT,
                Msg::HoldoutInvalid,
            )?,
            window_days: days("window_days", window_days)?,
        })
    }
}

pub use crate::campaigns::results::Results;

/// A journey as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    /// Its trigger.
    pub trigger: Trigger,
    /// Settings.
    pub settings: Settings,
    /// Its messages (the campaign that holds them).
    pub campaign: Campaign,
    /// What it brought (its first message).
    pub results: Results,
    /// Its steps after the first message.
    pub steps: Vec<steps::Step>,
    /// The shop's currency.
    pub currency: Currency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_each_field_and_name_the_bad_one() {
        const WB: Trigger = Trigger::WinBack;
        let ok = Settings::parse(WB, true, " 45 ", "", "10", "5").expect("valid");
        assert_eq!(
            ok,
            Settings {
                enabled: true,
                wait_days: 45,
                reentry_days: None,
                holdout_pct: 10,
                window_days: 5
            }
        );
        assert_eq!(
            Settings::parse(WB, false, "1", "365", "0", "365")
                .expect("valid")
                .reentry_days,
            Some(365)
        );
        let field = |r: Result<Settings, AppError>| match r {
            Err(AppError::Validation { field, message_key }) => (field, message_key),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Settings::parse(WB, true, "0", "", "10", "5")),
            ("wait_days".into(), Msg::WaitInvalid)
        );
        assert_eq!(
            field(Settings::parse(WB, true, "30", "366", "10", "5")),
            ("reentry_days".into(), Msg::DaysInvalid)
        );
        assert_eq!(
            field(Settings::parse(WB, true, "30", "", "51", "5")),
            ("holdout_pct".into(), Msg::HoldoutInvalid)
        );
        assert_eq!(
            field(Settings::parse(WB, true, "30", "", "-1", "5")),
            ("holdout_pct".into(), Msg::HoldoutInvalid)
        );
        assert_eq!(
            field(Settings::parse(WB, true, "30", "", "10", "five")),
            ("window_days".into(), Msg::DaysInvalid)
        );
    }

    #[test]
    fn triggers_round_trip_their_stored_form() {
        for t in Trigger::ALL {
            assert_eq!(Trigger::parse(t.as_str()), Some(t));
        }
        assert_eq!(Trigger::parse("anniversary"), None);
    }

    #[test]
    fn each_trigger_has_its_own_wait_range() {
        let wait = |t: Trigger, raw: &str| Settings::parse(t, true, raw, "", "10", "5");
        // Welcome and birthday may go on the day; win-back needs a day without a purchase.
        assert_eq!(wait(Trigger::Welcome, "0").map(|s| s.wait_days), Ok(0));
        assert_eq!(wait(Trigger::Birthday, "30").map(|s| s.wait_days), Ok(30));
        assert_eq!(
            wait(Trigger::PointsExpiring, "90").map(|s| s.wait_days),
            Ok(90)
        );
        for (t, bad) in [
            (Trigger::WinBack, "0"),
            (Trigger::Birthday, "31"),
            (Trigger::PointsExpiring, "0"),
            (Trigger::PointsExpiring, "91"),
            (Trigger::Welcome, "366"),
            (Trigger::CouponEnding, "0"),
            (Trigger::CouponIssued, "31"),
            (Trigger::CaseAnswered, "31"),
        ] {
            assert_eq!(
                wait(t, bad),
                Err(AppError::Validation {
                    field: "wait_days".into(),
                    message_key: Msg::WaitInvalid
                }),
                "{t:?} {bad}"
            );
        }
        assert!(!Trigger::Birthday.goal_is_purchase());
        assert!(!Trigger::TierReached.goal_is_purchase());
        assert!(Trigger::WinBack.goal_is_purchase());
        assert!(Trigger::CouponEnding.goal_is_purchase());
        assert!(!Trigger::CaseAnswered.goal_is_purchase());
        assert_eq!(wait(Trigger::CouponIssued, "0").map(|s| s.wait_days), Ok(0));
    }
}
