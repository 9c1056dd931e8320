//! Members: the customer's side of the app (home with balance and activity) and the look-up
//! staff use to find a member at the counter.

pub mod api;
pub mod pages;

pub use api::{FindMember, MemberCard, find_member};
pub use pages::HomePage;
