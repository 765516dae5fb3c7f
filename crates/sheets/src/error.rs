//! A problem in an input file, named by row and column.

/// `row` is the 1-based line or spreadsheet row an official sees; `column` the header
/// as written in the file, when the problem is in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub row: usize,
    pub column: Option<String>,
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl SheetError {
    pub fn new(
        row: usize,
        column: Option<&str>,
        code: &'static str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> SheetError {
        SheetError {
            row,
            column: column.map(str::to_string),
            code,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }
}

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "Dòng {}, cột \"{}\": {}", self.row, c, self.message_vi),
            None => write!(f, "Dòng {}: {}", self.row, self.message_vi),
        }
    }
}
