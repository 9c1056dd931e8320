//! Loyalty: the points ledger (append-only movements, cached balances that never go below
//! zero, idempotent changes), purchases and refunds at the counter, earning rules, expiry and
//! tiers, and the member's view of all of it.

pub mod api;
pub mod components;
pub mod counter_page;
mod counter_parts;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod engine;
mod guest_parts;
pub mod pages;
pub mod program_api;
pub mod program_page;
mod program_preview;
pub mod rules;
pub mod types;

pub use api::{
    AdjustPoints, MemberPoints, RedeemPoints, adjust_points, member_history, member_points,
    redeem_points,
};
pub use components::{BalanceCard, MovementTable, StandingCard};
pub use counter_page::CounterPage;
pub use pages::PointsHistoryPage;
pub use program_page::ProgramPage;
pub use types::{Movement, MovementKind, PointsSummary};
