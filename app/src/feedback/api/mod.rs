//! Feedback server functions: a form (public by its link, or the shop's first for members),
//! submitting (members and visitors; rate-limited per IP, with a honeypot), the staff inbox,
//! one case (staff, or its own member), acting on a case, a member's reply, a member's own
//! feedback, and the quality numbers.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use serde::{Deserialize, Serialize};

use super::types::{Asks, CaseStatus, Category, FeedbackSettings};
use crate::error::AppError;

/// A form's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormTexts {
    /// Language code.
    pub language: String,
    /// Title.
    pub title: String,
    /// A line under it.
    pub intro: String,
    /// The choice question (empty: none).
    pub choice_question: String,
    /// Its options.
    pub choice_options: Vec<String>,
}

/// A form as shown in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormView {
    /// Id.
    pub id: i64,
    /// Internal name.
    pub name: String,
    /// Public link part.
    pub slug: String,
    /// What it asks.
    pub asks: Asks,
    /// Its location, if any.
    pub location_id: Option<i64>,
    /// Open for answers.
    pub active: bool,
    /// The texts shown.
    pub texts: FormTexts,
    /// The texts are the default language's: this language has none.
    pub fallback: bool,
    /// Languages with no texts (the editor shows them).
    pub missing: Vec<String>,
}

/// A form with every language's texts, for the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEdit {
    /// Id.
    pub id: i64,
    /// Internal name.
    pub name: String,
    /// Public link part.
    pub slug: String,
    /// What it asks.
    pub asks: Asks,
    /// Its location, if any.
    pub location_id: Option<i64>,
    /// Open for answers.
    pub active: bool,
    /// The texts of each language that has them.
    pub texts: Vec<FormTexts>,
    /// Languages with no texts (they see the default language's).
    pub missing: Vec<String>,
}

/// The feedback setup page: the case rule and every form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackSetup {
    /// When a case opens, its deadline, its assignee, the default language.
    pub settings: FeedbackSettings,
    /// Every form.
    pub forms: Vec<FormEdit>,
    /// Where the public links point (`REGULARS_BASE_URL`).
    pub base_url: String,
}

/// Something to pick by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Who and where cases can go, and what can be given: for the inbox filters and case controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Directory {
    /// Active staff accounts.
    pub staff: Vec<Named>,
    /// Locations.
    pub locations: Vec<Named>,
    /// Active rewards (a reward code can be given on resolving a case).
    pub rewards: Vec<Named>,
}

/// A case in the inbox (read from the database, then completed with what depends on the time
/// and the shop's time zone).
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: CaseStatus,
    /// Past its deadline and not resolved.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub overdue: bool,
    /// High priority.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub high: bool,
    /// Opened for a member whose tier carries priority service.
    pub priority_service: bool,
    /// Deadline (UTC).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub due_at: String,
    /// Deadline in the shop's time zone (`YYYY-MM-DD HH:MM`).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub due_local: String,
    /// Opened (UTC).
    pub created_at: String,
    /// First reply or resolution (UTC).
    pub first_response_at: Option<String>,
    /// Resolved (UTC).
    pub resolved_at: Option<String>,
    /// What was done.
    pub resolution: Option<String>,
    /// The member, if the feedback was a member's.
    pub member_id: Option<i64>,
    /// Who gave the feedback.
    pub customer: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Assignee.
    pub assignee_id: Option<i64>,
    /// Assignee's name.
    pub assignee: Option<String>,
    /// Location.
    pub location_id: Option<i64>,
    /// Location name.
    pub location: Option<String>,
    /// NPS answer.
    pub nps: Option<i64>,
    /// CSAT answer.
    pub csat: Option<i64>,
    /// Category.
    pub category: Option<Category>,
    /// Their words.
    pub body: String,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// `opened`, `again` (further feedback that joined the case), `note`, `reply`, `member_reply`, `status`, `assigned`, `resolved`, `goodwill`.
    pub kind: String,
    /// Who (staff views only).
    pub who: Option<String>,
    /// Text, status name, assignee or points.
    pub body: String,
    /// When, in the shop's time zone (`YYYY-MM-DD HH:MM`).
    pub at: String,
}

/// A case with its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    /// The case.
    pub case: CaseRow,
    /// What happened, oldest first.
    pub timeline: Vec<CaseEvent>,
}

/// A member's own feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFeedback {
    /// Id.
    pub id: i64,
    /// NPS answer.
    pub nps: Option<i64>,
    /// CSAT answer.
    pub csat: Option<i64>,
    /// Their words.
    pub body: String,
    /// When (UTC).
    pub created_at: String,
    /// The case it opened (without internal notes).
    pub case: Option<CaseDetail>,
}

/// NPS, CSAT and volume for one week, location or category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRow {
    /// The week's Monday, the location or the category.
    pub key: String,
    /// NPS.
    pub nps: Option<i64>,
    /// CSAT percent.
    pub csat: Option<i64>,
    /// Answers.
    pub count: i64,
}

/// The quality dashboard's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quality {
    /// NPS over the period.
    pub nps: Option<i64>,
    /// CSAT percent over the period.
    pub csat: Option<i64>,
    /// True when a form asks for satisfaction (or an answer in the period gave it): without,
    /// the page leaves CSAT out instead of showing a column of dashes.
    pub asks_csat: bool,
    /// Answers.
    pub count: i64,
    /// By week.
    pub by_week: Vec<WeekRow>,
    /// By location.
    pub by_location: Vec<WeekRow>,
    /// By category.
    pub by_category: Vec<WeekRow>,
    /// Median minutes to first response.
    pub median_first_response_min: Option<i64>,
    /// Median minutes to resolution.
    pub median_resolution_min: Option<i64>,
    /// Percent of resolved cases resolved by their deadline.
    pub resolved_in_time_pct: Option<i64>,
    /// Open cases past their deadline (now).
    pub open_overdue: i64,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    /// The feedback's id.
    pub feedback_id: i64,
    /// The case it opened, if any.
    pub case_id: Option<i64>,
}

mod cases;
mod member;
mod setup;

pub use cases::*;
pub use member::*;
pub use setup::*;
