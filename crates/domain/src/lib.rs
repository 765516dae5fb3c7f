//! Pure rules of the program: units and scope, roles and permissions, audit chain,
//! money and dates. No I/O, no async, no database or web types.

pub mod approval;
pub mod audit;
pub mod authz;
pub mod dates;
pub mod dedup;
pub mod devices;
pub mod donations;
pub mod error;
pub mod lang;
pub mod money;
pub mod programs;
pub mod students;
pub mod units;
pub mod users;

pub use error::DomainError;
pub use lang::Lang;
