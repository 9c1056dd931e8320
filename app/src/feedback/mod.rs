//! Feedback and service recovery: forms translated per language, submissions from members and
//! visitors, cases opened by low scores with deadlines, an inbox with a timeline per case,
//! goodwill points through the ledger, the member's view of their own cases, and quality
//! numbers.

pub mod api;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod inbox;
pub mod pages;
pub mod quality_page;
mod rules_card;
pub mod setup_page;
mod timeline;

pub use timeline::status_label;
pub mod types;
