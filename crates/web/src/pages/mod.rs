//! HTML pages, one module per area.

pub mod account;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod dedup;
pub mod devices;
pub mod households;
pub mod student_import;
pub mod student_record;
pub mod students;
pub mod units;
pub mod users;
