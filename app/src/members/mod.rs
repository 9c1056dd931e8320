//! Members: the customer's side of the app. For now the home page; balance, tier, offers and
//! history arrive with the loyalty issues.

pub mod pages;

pub use pages::HomePage;
