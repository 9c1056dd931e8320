//! A journey's steps after its first message. Each waits a number of days after the step
//! before it went (the first message, or the step above: a message once sent, a tag once
//! put on), checks who goes on, and sends a message of its own or puts a tag on the member.
//! A member the condition does not let through stops there; in a journey whose goal is a
//! purchase, a member who bought since entering leaves it at the next step (and a step's
//! message still waiting is dropped, as the first one's is).

use serde::{Deserialize, Serialize};

use super::Results;
use crate::error::{AppError, Msg, whole_number};

/// Most steps after the first message.
pub const MAX_STEPS: i64 = 5;
/// Longest wait before a step, in days.
pub const MAX_STEP_WAIT: i64 = 90;

/// Who goes on at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Everyone still in the journey.
    Always,
    /// Those who bought nothing since entering.
    NoPurchase,
    /// Those who clicked no link in the journey's messages to them so far.
    NotClicked,
    /// Those who clicked one.
    Clicked,
    /// Those who opened none of the journey's messages to them so far (an email's image
    /// never loaded, no link clicked).
    NotOpened,
    /// Those who opened one (its image loaded, or a link in it clicked).
    Opened,
}

impl Condition {
    /// Every condition, in the order the form lists them.
    pub const ALL: [Condition; 6] = [
        Condition::Always,
        Condition::NoPurchase,
        Condition::NotClicked,
        Condition::Clicked,
        Condition::NotOpened,
        Condition::Opened,
    ];

    /// As stored and in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Always => "always",
            Condition::NoPurchase => "no_purchase",
            Condition::NotClicked => "not_clicked",
            Condition::Clicked => "clicked",
            Condition::NotOpened => "not_opened",
            Condition::Opened => "opened",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a step does for those who go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Sends the step's own message (written per language like the first).
    Send,
    /// Puts this tag on the member (as staff would on their profile).
    Tag(String),
}

/// A step as staff set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSettings {
    /// Days after the step before it went.
    pub wait_days: i64,
    /// Who goes on.
    pub condition: Condition,
    /// What it does.
    pub action: Action,
}

impl StepSettings {
    /// Parses the form's fields as typed (`action`: `send` or `tag`; `tag` only read for a
    /// tag); each bad one is that field's error.
    pub fn parse(
        wait_days: &str,
        condition: &str,
        action: &str,
        tag: &str,
    ) -> Result<Self, AppError> {
        let wait_days = whole_number("wait_days", wait_days, 1..=MAX_STEP_WAIT, Msg::WaitInvalid)?;
        let condition = Condition::parse(condition.trim())
            .ok_or_else(|| AppError::field("condition", Msg::ChoiceInvalid))?;
        let action = match action.trim() {
            "send" => Action::Send,
            "tag" => Action::Tag(
                crate::members::profile::clean_tag(tag)
                    .ok_or_else(|| AppError::field("tag", Msg::TagInvalid))?,
            ),
            _ => return Err(AppError::field("action", Msg::ChoiceInvalid)),
        };
        Ok(Self {
            wait_days,
            condition,
            action,
        })
    }
}

/// A step as the journey's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// 1 for the step after the first message, and so on.
    pub position: i64,
    /// Settings.
    pub settings: StepSettings,
    /// The campaign holding its messages.
    pub campaign_id: i64,
    /// Whether its messages are ready to go (one in the shop's language, no problems):
    /// members wait at a message step until they are.
    pub ready: bool,
    /// What it did: `entered` counts the members who reached it, the message figures are
    /// its own message's.
    pub results: Results,
    /// Members the condition stopped.
    pub stopped: i64,
    /// Members it tagged.
    pub tagged: i64,
    /// Members it could not reach on the journey's channel (no address any more).
    pub unreachable: i64,
    /// The journey's window: days after a message in which a purchase counts for it.
    pub window_days: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_settings_parse_each_field_and_name_the_bad_one() {
        assert_eq!(
            StepSettings::parse(" 7 ", "no_purchase", "send", "ignored"),
            Ok(StepSettings {
                wait_days: 7,
                condition: Condition::NoPurchase,
                action: Action::Send
            })
        );
        assert_eq!(
            StepSettings::parse("90", "clicked", "tag", "  Came  Back ").map(|s| s.action),
            Ok(Action::Tag("came back".into()))
        );
        let field = |r: Result<StepSettings, AppError>| match r {
            Err(AppError::Validation { field, message_key }) => (field, message_key),
            other => panic!("{other:?}"),
        };
        let long = "x".repeat(41);
        for (args, want) in [
            (["0", "always", "send", ""], ("wait_days", Msg::WaitInvalid)),
            (
                ["91", "always", "send", ""],
                ("wait_days", Msg::WaitInvalid),
            ),
            (
                ["3", "replied", "send", ""],
                ("condition", Msg::ChoiceInvalid),
            ),
            (["3", "always", "call", ""], ("action", Msg::ChoiceInvalid)),
            (["3", "always", "tag", "  "], ("tag", Msg::TagInvalid)),
            (
                ["3", "always", "tag", long.as_str()],
                ("tag", Msg::TagInvalid),
            ),
        ] {
            let [w, c, a, t] = args;
            assert_eq!(
                field(StepSettings::parse(w, c, a, t)),
                (want.0.into(), want.1),
                "{args:?}"
            );
        }
    }

    #[test]
    fn conditions_round_trip_their_stored_form() {
        for c in Condition::ALL {
            assert_eq!(Condition::parse(c.as_str()), Some(c));
        }
        assert_eq!(Condition::parse("opened"), Some(Condition::Opened));
        assert_eq!(Condition::parse("replied"), None);
    }
}
