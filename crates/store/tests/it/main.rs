//! The storage tests, one binary: each module is an area, each test runs on SQLite and on
//! PostgreSQL.

mod aftercare;
mod allocation;
mod archive;
mod backup;
mod campaigns;
mod common;
mod devices;
mod donations;
mod handover;
mod ledger;
mod ledger_sim;
mod log;
mod procurement;
mod reports;
mod signal;
mod storage;
mod students;
