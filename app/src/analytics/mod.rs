//! Retention analytics. Their figures come from roll-ups: small tables that summarise the
//! ledger, kept in the transaction of every row they summarise (SQLite triggers, so whatever
//! writes a purchase or refund keeps them), and checked against a full recomputation
//! (`rollups`).

pub mod cohorts;
mod cohorts_page;
pub mod glance;
pub mod glance_page;
pub mod perk_returns;
pub mod points;
#[cfg(feature = "ssr")]
pub mod points_db;
mod points_page;
pub mod program;
#[cfg(feature = "ssr")]
pub mod program_db;
mod program_page;
pub mod rfm;
#[cfg(feature = "ssr")]
pub mod rfm_db;
mod rfm_page;
#[cfg(feature = "ssr")]
pub mod rollups;
pub mod service;
mod service_page;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod shop_time;

pub use cohorts_page::CohortsPage;
pub use glance_page::GlancePage;
pub use points_page::PointsPage;
pub use program_page::ProgramEffectPage;
pub use rfm_page::{RfmPage, group_name};
pub use service_page::ServicePage;
