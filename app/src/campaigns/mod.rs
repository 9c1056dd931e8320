//! Campaigns: segments of members (typed rules), messages per language rendered from staff's
//! templates, and sending through the outbox (one row per recipient, written in one
//! transaction; workers in the server deliver them). Consent, double opt-in and suppressions
//! are checked when a campaign is queued and again when each message is sent.

use serde::{Deserialize, Serialize};

pub mod ab;
mod ab_card;
#[cfg(feature = "ssr")]
pub mod ab_db;
pub mod api;
#[cfg(feature = "ssr")]
mod audience;
#[cfg(feature = "ssr")]
mod campaign_db;
mod campaign_page;
#[cfg(feature = "ssr")]
pub mod db;
pub mod letters;
mod letters_page;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
mod messages_db;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod poster;
#[cfg(feature = "ssr")]
pub mod prefs;
pub mod prefs_api;
pub mod results;
#[cfg(feature = "ssr")]
pub mod results_db;
mod results_view;
pub mod rules;
pub mod segment_api;
pub mod send_api;
#[cfg(feature = "ssr")]
mod sending;
pub mod sms;
mod sms_parts;
#[cfg(feature = "ssr")]
pub mod sql;
#[cfg(feature = "ssr")]
pub mod template;

pub use api::*;
pub(crate) use campaign_page::{MessagesSection, PreviewSection};
pub use letters_page::LettersPage;
pub use pages::{CampaignPage, CampaignsPage, SegmentsPage};
pub use prefs_api::*;
pub use prefs_page::{ConfirmEmailPage, PreferencesPage};
pub(crate) use results_view::ResultsView;
pub use rules::{Channel, Rule, RuleForm};
pub use segment_api::*;
pub use send_api::*;

mod prefs_page;

/// The variables a message may use (`{{ preferred_name }}`).
pub const VARIABLES: [&str; 12] = [
    "preferred_name",
    "points",
    "tier",
    "expiring_points",
    "expiring_on",
    "discount_percent",
    "discount_until",
    "shop",
    "portal_url",
    "preferences_url",
    "offer",
    "reward",
];

/// What is wrong with a template (see `template::check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// Not valid template syntax (the engine's own words, in English).
    Syntax { detail: String },
    /// A variable that is not one of the known ones.
    Unknown { name: String },
    /// It stopped rendering (too much work, or a runtime error).
    Render { detail: String },
}

/// A saved segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// AND (true) or OR (false).
    pub match_all: bool,
    /// Its rules.
    pub rules: Vec<Rule>,
}

/// A member in a segment's sample.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleMember {
    /// Account id.
    pub id: i64,
    /// Preferred name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Language code.
    pub language: String,
}

/// How many members a segment holds now, and some of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// Members matching.
    pub count: i64,
    /// Of those, reachable by email marketing (consent, confirmed, not suppressed).
    pub email_reachable: i64,
    /// The first few.
    pub sample: Vec<SampleMember>,
}

/// A segment's editor: the segment (none: new) and what its selects offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentEditor {
    /// Saved segments.
    pub segments: Vec<Segment>,
    /// Tiers (id, name).
    pub tiers: Vec<(i64, String)>,
    /// Locations (id, name).
    pub locations: Vec<(i64, String)>,
}

/// What saving (or counting) a segment answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentSaved {
    /// The saved segment's id (`None`: only counted).
    pub id: Option<i64>,
    /// Its members now.
    pub preview: Preview,
}

/// Where a campaign is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written.
    Draft,
    /// Waiting for its time.
    Scheduled,
    /// Queued; workers are sending.
    Sending,
    /// Held (by staff, or by itself after too many failures).
    Paused,
    /// Stopped for good; unsent messages dropped.
    Cancelled,
    /// Every message sent or failed.
    Finished,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Scheduled,
        Status::Sending,
        Status::Paused,
        Status::Cancelled,
        Status::Finished,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Sending => "sending",
            Status::Paused => "paused",
            Status::Cancelled => "cancelled",
            Status::Finished => "finished",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether its messages and segment may still change.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Scheduled)
    }
}

/// The message in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Language code.
    pub language: String,
    /// Subject (email).
    pub subject: String,
    /// The first line phones show after the subject (email).
    pub preheader: String,
    /// The text.
    pub body: String,
    /// Problems per field (`subject`, `preheader`, `body`).
    pub problems: Vec<(String, Problem)>,
}

/// Where a campaign's messages are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Waiting to be sent (or being sent).
    pub queued: i64,
    /// Accepted by the mail server or gateway.
    pub sent: i64,
    /// Given up on.
    pub failed: i64,
    /// Not sent: consent withdrawn or address suppressed by sending time.
    pub suppressed: i64,
    /// Dropped by a cancel.
    pub cancelled: i64,
    /// Messages whose short links were clicked at least once.
    pub clicked: i64,
    /// Text messages the gateway reported delivered to the phone.
    pub delivered: i64,
}

impl Progress {
    /// Every message the campaign queued.
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed + self.suppressed + self.cancelled
    }
}

/// A campaign as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Name (staff only).
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Its segment.
    pub segment_id: Option<i64>,
    /// The segment's name.
    pub segment_name: Option<String>,
    /// Status.
    pub status: Status,
    /// When it is to go, in the shop's time (`YYYY-MM-DD HH:MM`).
    pub send_at: Option<String>,
    /// The shop's default language (the fallback).
    pub default_language: String,
    /// The messages written.
    pub messages: Vec<Message>,
    /// Languages without a message (members using them get the default's).
    pub missing: Vec<String>,
    /// Where sending is.
    pub progress: Progress,
    /// The offer its messages talk about (`{{ offer.title }}`, `{{ offer.url }}`).
    pub offer_id: Option<i64>,
    /// The reward they talk about (`{{ reward.title }}`, `{{ reward.url }}`).
    pub reward_id: Option<i64>,
    /// Offers to choose from: `(id, title)`.
    pub offers: Vec<(i64, String)>,
    /// Rewards to choose from: `(id, name)`.
    pub rewards: Vec<(i64, String)>,
    /// Percent of the reachable members kept as the control group when it is sent.
    pub holdout_pct: i64,
    /// Days after a message in which a purchase counts for it.
    pub window_days: i64,
    /// What it brought so far.
    pub results: results::Results,
    /// The shop's currency.
    pub currency: crate::loyalty::rules::Currency,
    /// Its A/B test.
    pub ab: ab::Test,
    /// The campaign this is variant B of, with its name (`None`: a campaign of its own).
    pub variant_of: Option<(i64, String)>,
}

/// A campaign in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Status.
    pub status: Status,
    /// Where sending is.
    pub progress: Progress,
}

/// A message rendered for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// The language used (the member's, or the fallback).
    pub language: String,
    /// Subject.
    pub subject: String,
    /// Preheader.
    pub preheader: String,
    /// The HTML part.
    pub html: String,
    /// The plain-text part.
    pub text: String,
}

/// Longest campaign or segment name.
pub const MAX_NAME: usize = 80;
/// Longest subject.
pub const MAX_SUBJECT: usize = 150;
/// Longest preheader.
pub const MAX_PREHEADER: usize = 150;
/// Longest body.
pub const MAX_BODY: usize = 20_000;
/// Longest text-message body (as written, before variables: ten parts of plain text).
pub const MAX_SMS_BODY: usize = 1_530;
/// The version of the consent texts shown on sign-up and My data (bumped when they change;
/// stored with each consent event beside a hash of the exact words).
pub const CONSENT_TEXT_VERSION: &str = "2026-12-04";
