//! Perks: members-only offers (with per-member and total limits), next-visit discounts issued
//! after a qualifying purchase, punch cards that issue a reward code when full, and referrals
//! that pay both members once on the new member's first qualifying purchase. Offers and
//! coupons are applied at the counter as part of recording a purchase.

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod pages;
mod public;
mod settings_api;
pub mod types;

pub use admin::OffersPage;
pub use public::OfferPublicPage;
