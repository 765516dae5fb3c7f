//! Vietnamese text: normalisation to NFC and folding for matching and search
//! (accents, case and spacing ignored).

pub mod fold;

pub use fold::{fold, nfc, slug};
