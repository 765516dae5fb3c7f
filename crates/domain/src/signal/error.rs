//! What the signal area refuses, and how each refusal is said.

use super::ZoneStatus;
use crate::error::AreaError;
use crate::{ErrorKind, Lang};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalError {
    /// A report moved to where it already is, or back.
    Backwards { from: ZoneStatus, to: ZoneStatus },
    /// A step dated before the step it follows.
    DateBefore {
        status: ZoneStatus,
        day: Date,
        previous: ZoneStatus,
        since: Date,
    },
}

impl AreaError for SignalError {
    fn code(&self) -> &'static str {
        match self {
            SignalError::Backwards { .. } => "zone_status_backwards",
            SignalError::DateBefore { .. } => "zone_date_before",
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some(match self {
            SignalError::Backwards { .. } => "status",
            SignalError::DateBefore { .. } => "date",
        })
    }

    fn kind(&self) -> ErrorKind {
        match self {
            SignalError::Backwards { .. } => ErrorKind::Conflict,
            SignalError::DateBefore { .. } => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let d = crate::dates::format_date;
        match (self, lang) {
            (SignalError::Backwards { from, to }, Lang::Vi) => format!(
                "Vùng lõm sóng đang ở bước “{}”: không chuyển về “{}”; chỉ chuyển sang bước sau.",
                from.label(Lang::Vi),
                to.label(Lang::Vi)
            ),
            (SignalError::Backwards { from, to }, Lang::En) => format!(
                "The dead zone is at “{}”: it cannot go to “{}”; only to a later step.",
                from.label(Lang::En),
                to.label(Lang::En)
            ),
            (
                SignalError::DateBefore {
                    status,
                    day,
                    previous,
                    since,
                },
                Lang::Vi,
            ) => format!(
                "Ngày “{}” {} trước ngày của bước “{}” ({}): hãy kiểm tra lại ngày.",
                status.label(Lang::Vi),
                d(*day),
                previous.label(Lang::Vi),
                d(*since)
            ),
            (
                SignalError::DateBefore {
                    status,
                    day,
                    previous,
                    since,
                },
                Lang::En,
            ) => format!(
                "The day of “{}”, {}, is before that of “{}” ({}): check the date.",
                status.label(Lang::En),
                d(*day),
                previous.label(Lang::En),
                d(*since)
            ),
        }
    }
}
