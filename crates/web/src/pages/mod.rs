//! HTML pages, one module per area.

pub mod account;
pub mod audit;
pub mod auth;
pub mod batches;
pub mod dashboard;
pub mod dedup;
pub mod devices;
pub mod donations;
pub mod households;
pub mod scan;
pub mod student_import;
pub mod student_record;
pub mod students;
pub mod units;
pub mod users;
