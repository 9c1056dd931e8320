//! CSV import of members (with their consents and where those came from) and of past
//! purchases: the owner uploads a file, maps its columns to the program's fields (guessed from
//! the header), checks it (a dry run listing each broken row's problems in the reader's
//! language), then imports it all-or-nothing or skipping bad rows, with a progress bar.
//! Importing the same file again changes nothing.

pub mod api;
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rows;
#[cfg(feature = "ssr")]
pub mod run;
pub mod types;
#[cfg(feature = "ssr")]
pub mod write;

pub use pages::{ImportPage, ImportRunPage};

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// Largest file accepted, bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
