//! Printed minutes (biên bản) and other administrative papers as PDF: A4, the Nghị định
//! 30/2020 layout, and a bundled Times-compatible font (Tinos, SIL OFL 1.1) that has every
//! Vietnamese letter, so that nothing is fetched and every office prints the same page.

pub mod acceptance;
pub mod acknowledgement;
pub mod handover;
pub mod layout;
pub mod receipt;
pub mod report;
pub mod stocktake;

pub use acceptance::{AcceptanceMinutes, acceptance_minutes};
pub use acknowledgement::{Acknowledgement, acknowledgement};
pub use handover::{HandoverLine, HandoverMinutes, PenSignature, handover_minutes};
pub use receipt::{Letterhead, Party, ReceiptLine, ReceiptMinutes, receipt_minutes};
pub use report::{ReportPaper, progress_report};
pub use stocktake::{StocktakeMinutes, stocktake_minutes};

/// Every letter of Vietnamese, lower and upper case, precomposed (NFC).
pub const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ\
AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";
