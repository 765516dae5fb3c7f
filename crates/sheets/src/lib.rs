//! Office files in and out: bytes become typed rows with the row and column of every
//! problem. No database here.

pub mod attendees;
pub mod csdl;
pub mod devices;
pub mod encoding;
pub mod error;
pub mod export;
pub mod households;
pub mod reader;
pub mod report;
pub mod statements;
pub mod students;
pub mod table;
pub mod units;

pub use error::SheetError;

/// `A`, `B`, … `Z`, `AA` for a 0-based column.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}
