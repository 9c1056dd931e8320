//! The audit log: an append-only record of everything staff change. Later issues add the
//! console page that reads it; every domain writes to it through [`db::record`].

#[cfg(feature = "ssr")]
pub mod db;
