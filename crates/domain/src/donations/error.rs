//! What the donations' rules refuse (donors, receipts in kind), and how each refusal is said.

use crate::error::AreaError;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DonationsError {
    /// A donor that cannot be recorded, and why.
    InvalidDonor {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A donation (receipt) that cannot be recorded, and why.
    InvalidDonation {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A receipt minutes number already used.
    DuplicateMinutesNo { no: String },
}

impl AreaError for DonationsError {
    fn code(&self) -> &'static str {
        use DonationsError::*;
        match self {
            InvalidDonor { .. } => "invalid_donor",
            InvalidDonation { .. } => "invalid_donation",
            DuplicateMinutesNo { .. } => "duplicate_minutes_no",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    fn field(&self) -> Option<&'static str> {
        use DonationsError::*;
        Some(match self {
            InvalidDonor { field, .. } | InvalidDonation { field, .. } => field,
            DuplicateMinutesNo { .. } => "minutes_no",
        })
    }

    fn kind(&self) -> ErrorKind {
        ErrorKind::Invalid
    }

    fn message(&self, lang: Lang) -> String {
        use DonationsError::*;
        let vi = lang == Lang::Vi;
        match self {
            InvalidDonor {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Thông tin nhà tài trợ chưa đúng: {reason_vi}.")
                } else {
                    format!("The donor's details are not right: {reason_en}.")
                }
            }
            InvalidDonation {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Biên bản tiếp nhận chưa ghi được: {reason_vi}.")
                } else {
                    format!("The receipt cannot be recorded: {reason_en}.")
                }
            }
            DuplicateMinutesNo { no } => {
                if vi {
                    format!("Số biên bản {no} đã được dùng cho một lần tiếp nhận khác.")
                } else {
                    format!("Minutes number {no} is already used by another receipt.")
                }
            }
        }
    }
}

impl From<DonationsError> for DomainError {
    fn from(e: DonationsError) -> Self {
        DomainError::Donations(e)
    }
}
