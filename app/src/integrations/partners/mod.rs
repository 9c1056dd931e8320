//! Partner retailers: other businesses where members earn the shop's points and pay with them,
//! each at its own rates. A partner's own API key records what happens there (scope
//! `partner`); the points land in the shop's ledger with the partner as their source, and a
//! monthly settlement says what each side owes: the partner pays for the points it gave, the
//! shop pays for the points spent there.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod types;

pub use pages::PartnersPage;
pub use types::{Partner, Rates, SettlementLine};
