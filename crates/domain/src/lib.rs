//! Pure rules of the program: units and scope, roles and permissions, audit chain,
//! money and dates, and one folder per area of the program. No I/O, no async, no
//! database or web types.

pub mod aftercare;
pub mod allocation;
pub mod archive;
pub mod audit;
pub mod authz;
pub mod dates;
pub mod dedup;
pub mod devices;
pub mod digest;
pub mod donations;
pub mod error;
pub mod handover;
pub mod lang;
pub mod ledger;
pub mod money;
pub mod procurement;
pub mod reports;
pub mod signal;
pub mod students;
pub mod units;
pub mod users;

pub use error::{DomainError, ErrorKind, RowIssue};
pub use lang::Lang;
