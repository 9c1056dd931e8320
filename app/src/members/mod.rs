//! Members: the customer's side of the app (home with balance and activity) and the look-up
//! staff use to find a member at the counter.

pub mod api;
pub mod countries;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod phone;

pub use api::{FindMembers, MemberCard, find_members};
pub use pages::HomePage;
