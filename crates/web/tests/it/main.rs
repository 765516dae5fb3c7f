//! The web tests, one binary: the real app on a real database (SQLite and PostgreSQL),
//! driven over HTTP and, for the browser tests, through Chromium.

#![allow(dead_code)]

extern crate songmaytinh_web as web;

#[macro_use]
mod common;

mod allocation;
mod approval;
mod authz;
mod browser;
mod devices;
mod donations;
mod flows;
mod handover;
mod ledger;
mod portal;
mod procurement;
mod reports;
mod schemathesis;
mod signal;
mod students;
