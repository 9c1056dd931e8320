//! Integrations: how the shop's other systems reach the program. API keys (made by owners in
//! the console, shown once, stored hashed, scoped, revocable) let a till or a web shop find
//! members, record purchases and refunds and redeem codes over the versioned JSON API the
//! server serves under `/api/v1`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod exports;
pub mod import;
pub mod pages;
pub mod partners;
pub mod types;
pub mod webhooks;

pub use pages::ApiKeysPage;
pub use types::{ApiKeyInfo, Scope};
