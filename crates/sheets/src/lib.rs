//! Office files in and out: bytes become typed rows with the row and column of every
//! problem. No database here.

pub mod error;
pub mod units;

pub use error::SheetError;
