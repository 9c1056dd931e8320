//! Rewards: a catalog of things members take for points, each giving a single-use code that
//! staff use at the counter (once: a second use is refused with when and where it was used).

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod pages;
pub mod types;

pub use pages::{RewardsPage, UseCodeForm};
