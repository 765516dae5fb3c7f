//! The appraisal (thẩm định) of device models and delivered batches by the Department of
//! Information and Communications: its verdict, and what a valid appraisal records.

use crate::devices::DevicesError;
use crate::donations::clean;
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use time::Date;

/// The result of an appraisal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim() {
            "pass" | "dat" | "đạt" => Some(Verdict::Pass),
            "fail" | "khong_dat" | "không đạt" => Some(Verdict::Fail),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Pass => lang.pick("Đạt", "Passed"),
            Verdict::Fail => lang.pick("Không đạt", "Failed"),
        }
    }
}

/// An appraisal by the appraising department: of a model (its specification and a sample
/// device), or of one delivered batch of a model (`source` set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    pub model_id: i64,
    /// The batch: the registry source of the delivery ("donation:12/BB-BTNĐP").
    #[serde(default)]
    pub source: Option<String>,
    pub verdict: Verdict,
    pub appraised_on: Date,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Appraisal {
    pub fn checked(&self, today: Date) -> Result<Appraisal, DomainError> {
        if self.appraised_on > today {
            return Err(DomainError::Devices(DevicesError::InvalidAppraisal {
                field: "appraised_on",
                reason_vi: "ngày thẩm định ở tương lai",
                reason_en: "the appraisal date is in the future",
            }));
        }
        let notes = clean(&self.notes);
        if self.verdict == Verdict::Fail && notes.is_none() {
            return Err(DomainError::Devices(DevicesError::InvalidAppraisal {
                field: "notes",
                reason_vi: "kết quả không đạt cần ghi rõ lý do",
                reason_en: "a failed appraisal needs its reasons",
            }));
        }
        Ok(Appraisal {
            model_id: self.model_id,
            source: clean(&self.source),
            verdict: self.verdict,
            appraised_on: self.appraised_on,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn failed_appraisal_needs_reasons() {
        let a = Appraisal {
            model_id: 1,
            source: Some(" ".into()),
            verdict: Verdict::Fail,
            appraised_on: date!(2022 - 03 - 15),
            notes: None,
        };
        let today = date!(2022 - 12 - 31);
        assert_eq!(a.checked(today).unwrap_err().field(), Some("notes"));
        let ok = Appraisal {
            notes: Some("RAM 2 GB".into()),
            ..a
        }
        .checked(today)
        .unwrap();
        assert_eq!(ok.source, None);
    }
}
