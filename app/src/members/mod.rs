//! Members: the customer's side of the app (home with balance and activity), the look-up
//! staff use to find a member at the counter, and the customer profiles of the console.

pub mod address;
pub mod api;
pub mod console_pages;
pub mod countries;
#[cfg(feature = "ssr")]
pub mod db;
pub mod my_data;
mod my_data_page;
#[cfg(feature = "ssr")]
pub mod own_data;
pub mod pages;
pub mod phone;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod profile_db;
mod profile_parts;
#[cfg(feature = "ssr")]
pub mod search;

pub use api::{FindMembers, MemberCard, find_members};
pub use console_pages::{MemberProfilePage, MembersPage};
pub use my_data_page::MyDataPage;
pub use pages::HomePage;
