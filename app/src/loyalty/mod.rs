//! Loyalty: the points ledger (append-only movements, cached balances that never go below
//! zero, idempotent changes). Purchases, earning rules, expiry and tiers build on it.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod types;

pub use api::{
    AdjustPoints, MemberPoints, RedeemPoints, adjust_points, member_points, redeem_points,
};
pub use components::{BalanceCard, MovementTable};
pub use pages::CounterPage;
pub use types::{Movement, MovementKind, PointsSummary};
