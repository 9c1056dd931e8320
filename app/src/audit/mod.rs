//! The audit log: an append-only record of everything staff change (settings, adjustments,
//! refunds, goodwill and codes given on cases, staff accounts). Every domain writes to it
//! through [`db::record`] in its own transaction; owners and managers read it at
//! `/console/audit`, filtered and paged, and download it as CSV (`/console/audit.csv`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

pub use page::AuditLogPage;
