//! Staff accounts: owners create them, give them a role and disable them. Signing in is the
//! accounts domain's; this domain only manages who works here.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

pub use api::{
    CreateStaff, SetStaffDisabled, StaffMember, create_staff, list_staff, set_staff_disabled,
};
pub use pages::StaffPage;
