//! Contests members share: a period, the ways to enter (a purchase, a referral, a feedback
//! answer, or a click on the contest's public page), a prize (points or a reward code) for a
//! number of winners, and a draw anyone can check.
//!
//! The draw: when the contest is made, 32 random bytes (the seed) are fixed; until the draw
//! only their SHA-256 is shown. At the draw the entrants are listed by member number (the one
//! on their card), each scored `SHA-256("<seed>:<member number>")` (hex), and the lowest
//! scores win, in that order. The list,
//! its SHA-256 and every score are recorded, the seed is published, and [`draw::check`]
//! re-runs the draw from what was recorded to the same winners.

use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod draw;
mod page;
mod public;

pub use page::ContestsPage;
pub use public::ContestPublicPage;

/// How members enter, as stored and posted.
pub const WAYS: [&str; 4] = ["purchase", "referral", "feedback", "page"];

/// What the winners get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prize {
    /// Points, through the ledger.
    Points(i64),
    /// A code for a reward, `(id, name in the reader's language)`.
    Reward(i64, String),
}

/// A finished draw, as anyone may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The seed, now public (64 hex digits).
    pub seed: String,
    /// How many entered.
    pub entrants: i64,
    /// SHA-256 of the entrant list: member numbers in rising order, each followed by a newline.
    pub entrants_hash: String,
}

/// A contest in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contest {
    /// Id.
    pub id: i64,
    /// Its public page: `/contests/<slug>`.
    pub slug: String,
    /// Title, in `language`.
    pub title: String,
    /// What it is about, in `language`.
    pub description: String,
    /// The language of the texts (the reader's, or the contest's main one).
    pub language: String,
    /// First day, shop calendar (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// The ways to enter (of [`WAYS`]).
    pub ways: Vec<String>,
    /// The prize, for each winner.
    pub prize: Prize,
    /// How many win.
    pub winners: i64,
    /// SHA-256 of the seed (published before the draw).
    pub seed_hash: String,
    /// The draw, once made.
    pub drawn: Option<Drawn>,
}

/// Where a contest stands on the shop's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// Before its first day.
    Upcoming,
    /// Between its first and last day.
    Open,
    /// Over, not drawn yet.
    Ended,
    /// Drawn.
    Drawn,
}

impl Contest {
    /// Its stage on `today` (`YYYY-MM-DD`, the shop's calendar).
    pub fn stage(&self, today: &str) -> Stage {
        if self.drawn.is_some() {
            Stage::Drawn
        } else if today < self.starts_on.as_str() {
            Stage::Upcoming
        } else if today <= self.ends_on.as_str() {
            Stage::Open
        } else {
            Stage::Ended
        }
    }
}

/// A contest as its public page shows it to this reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Public {
    /// The contest.
    pub contest: Contest,
    /// Where it stands today.
    pub stage: Stage,
    /// The shop's name.
    pub shop: String,
    /// The page's address.
    pub url: String,
    /// Signed in as a member: whether they entered on this page. `None`: not a member.
    pub entered: Option<bool>,
    /// Whether nobody is signed in (then the page offers to sign in or join).
    pub visitor: bool,
    /// The signed-in member's place among the winners.
    pub won: Option<i64>,
}

/// One winner, for the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Winner {
    /// 1 = the lowest score.
    pub place: i64,
    /// Member id.
    pub member_id: i64,
    /// Preferred name.
    pub name: String,
    /// How they entered (of [`WAYS`]).
    pub how: String,
    /// Their score (64 hex digits).
    pub score: String,
}

/// A contest for the console: as the public sees it, plus who entered and won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Managed {
    /// The contest, in the manager's language.
    pub contest: Contest,
    /// Where it stands today.
    pub stage: Stage,
    /// Entrants so far (before the draw) or at the draw.
    pub entrants: i64,
    /// The winners, once drawn.
    pub winners: Vec<Winner>,
}

/// The result of re-running a draw from what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The recorded list still hashes to the published SHA-256.
    pub list_matches: bool,
    /// Every recorded score is SHA-256 of the seed and the member id.
    pub scores_match: bool,
    /// The lowest scores are the recorded winners, in their places.
    pub winners_match: bool,
    /// Entrants in the recorded list.
    pub entrants: i64,
}

impl Check {
    /// All three hold.
    pub fn same(&self) -> bool {
        self.list_matches && self.scores_match && self.winners_match
    }
}
