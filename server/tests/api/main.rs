//! HTTP tests: the real router on port 0, a fresh SQLite file per test, server functions called
//! as the plain POSTs they are.

mod accounts;
mod analytics;
mod audit;
mod backup;
mod bad_input;
mod brand;
mod campaigns;
mod crash;
mod feedback;
mod helpers;
mod integrations;
mod ledger;
mod members;
mod my_data;
mod perks;
mod program;
mod rendering;
mod rewards;
mod security;
mod sessions;
mod social;
mod staff;
mod temp_dir;
mod texts;
