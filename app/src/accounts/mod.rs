//! Accounts: who someone is (email, password, preferred name, language, consents), signing in
//! and out, sessions and their expiry, roles. Every other domain asks this one who is calling.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod join;
#[cfg(feature = "ssr")]
mod limits;
pub mod pages;
#[cfg(feature = "ssr")]
mod password;
#[cfg(feature = "ssr")]
pub mod session;
pub mod two_factor;
pub mod types;

pub use api::{ChangePassword, SetLanguage, SignIn, SignOut, SignUp, current_account};
pub use components::{Auth, provide_auth, use_auth};
#[cfg(feature = "ssr")]
pub use limits::{Limits, RateLimiter};
pub use pages::{ChangePasswordPage, SignInPage, SignOutButton, SignUpPage, SignUpSentPage};
#[cfg(feature = "ssr")]
pub use password::Hasher;
pub use two_factor::{SignInCodePage, TwoFactorPage, TwoFactorRule};
pub use types::{
    CurrentUser, Email, IntoFieldError, Password, PreferredName, Role, check_email, check_name,
    check_password,
};
