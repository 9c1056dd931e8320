//! The staff console: its frame (side navigation, role gate) and its sections. Sections that
//! later issues fill are real routes already, so links and bookmarks stay stable.

pub mod pages;
pub mod today;
mod today_view;

pub use pages::{ComingSoon, ConsoleHome, ConsoleLayout, Section};
