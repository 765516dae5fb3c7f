//! Vietnamese text: legacy encodings (TCVN3, VNI) detected per cell and turned into
//! Unicode NFC, folding for matching and search (accents, case and spacing ignored).

pub mod fold;
pub mod legacy;

pub use fold::{fold, nfc, place_key, slug};
pub use legacy::{CellDecoder, Encoding, to_unicode};
