//! What reports and retention refuse, and how each refusal is said.

use crate::error::AreaError;
use crate::{ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportsError {
    /// No program with this id.
    NoSuchProgram { id: i64 },
    /// A program whose rounds are not all closed keeps its personal data.
    RoundsOpen {
        program: String,
        rounds: Vec<String>,
    },
    /// The program's personal data was already replaced.
    AlreadyAnonymised { program: String, on: time::Date },
}

impl AreaError for ReportsError {
    fn code(&self) -> &'static str {
        match self {
            ReportsError::NoSuchProgram { .. } => "no_such_program",
            ReportsError::RoundsOpen { .. } => "program_rounds_open",
            ReportsError::AlreadyAnonymised { .. } => "program_already_anonymised",
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some("program")
    }

    fn kind(&self) -> ErrorKind {
        match self {
            ReportsError::NoSuchProgram { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Conflict,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReportsError::NoSuchProgram { id }, Lang::Vi) => {
                format!("Không có chương trình mã số {id}.")
            }
            (ReportsError::NoSuchProgram { id }, Lang::En) => format!("There is no program {id}."),
            (ReportsError::RoundsOpen { program, rounds }, Lang::Vi) => format!(
                "{program} còn đợt đang mở ({}): chỉ ẩn danh dữ liệu của chương trình đã đóng mọi đợt.",
                rounds.join(", ")
            ),
            (ReportsError::RoundsOpen { program, rounds }, Lang::En) => format!(
                "{program} still has open rounds ({}): only a program whose rounds are all closed is anonymised.",
                rounds.join(", ")
            ),
            (ReportsError::AlreadyAnonymised { program, on }, Lang::Vi) => format!(
                "Dữ liệu cá nhân của {program} đã được ẩn danh ngày {}.",
                crate::dates::format_date(*on)
            ),
            (ReportsError::AlreadyAnonymised { program, on }, Lang::En) => format!(
                "The personal data of {program} was anonymised on {}.",
                crate::dates::format_date(*on)
            ),
        }
    }
}
