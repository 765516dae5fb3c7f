//! What every import of a file reports: each row's problem in the file's own words, and
//! why an import did not happen. The imports themselves are their areas' (`students::
//! imports`, `households::imports`), shared by the command line and the web upload.

use serde::Serialize;
use store::StoreError;

/// At most this many row problems are listed; the counts stay exact.
pub const MAX_LISTED_ERRORS: usize = 10_000;
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportError {
    /// The spreadsheet's 1-based row.
    pub row: usize,
    /// The column's header as the file writes it.
    pub column: Option<String>,
    pub code: String,
    pub message: String,
}

/// Why an import did not happen.
#[derive(Debug)]
pub enum ImportError {
    /// The file itself was refused (not a spreadsheet, no header, too large…).
    File(sheets::SheetError),
    /// The school code names no school.
    NotASchool(String),
    Store(StoreError),
    /// The thread reading the file failed (a panic: a defect, never the file's fault).
    Reader(tokio::task::JoinError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}
