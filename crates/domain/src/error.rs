//! The domain's one error type. Each area has its own enum (`units::UnitsError`,
//! `students::StudentsError`, …) in its own folder, nested here; every error has a stable
//! snake_case `code()` that tests and JSON use, the form `field()` it belongs next to, a
//! message in Vietnamese (English available), and the `kind()` of refusal it is, which the
//! web layer maps to an HTTP status. Adding an area adds one variant and one arm of `area`.

use crate::Lang;
use crate::aftercare::AftercareError;
use crate::allocation::AllocationError;
use crate::devices::DevicesError;
use crate::donations::DonationsError;
use crate::handover::HandoverError;
use crate::ledger::LedgerError;
use crate::procurement::ProcurementError;
use crate::reports::ReportsError;
use crate::signal::SignalError;
use crate::students::StudentsError;
use crate::units::UnitsError;
use crate::users::UsersError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    Units(UnitsError),
    Users(UsersError),
    Students(StudentsError),
    Devices(DevicesError),
    Donations(DonationsError),
    Allocation(AllocationError),
    Handover(HandoverError),
    Ledger(LedgerError),
    Procurement(ProcurementError),
    Reports(ReportsError),
    Signal(SignalError),
    Aftercare(AftercareError),
    /// Someone else saved the record since it was opened.
    StaleEdit,
    /// A reason is required (returning a row, reopening a list, an override).
    ReasonRequired,
    /// An uploaded file waiting for confirmation is gone (expired or already used).
    UploadExpired,
    NotFound,
    Forbidden,
}

/// A problem with one row of an import, in the words the row's file uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    pub row: usize,
    /// The field (`parent`, `code`, …); the caller maps it to the file's own header.
    pub field: &'static str,
    pub error: DomainError,
}

/// What kind of refusal an error is, whatever its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input breaks a rule (the default).
    Invalid,
    NotFound,
    Forbidden,
    /// Wrong credentials.
    Unauthenticated,
    /// The record's state or another record stands in the way.
    Conflict,
    TooManyRequests,
    /// Something that existed is gone (an expired upload).
    Gone,
    TooLarge,
    UnsupportedType,
}

/// One area's errors, as [`DomainError`] reads them: each area's enum implements it.
pub(crate) trait AreaError {
    fn code(&self) -> &'static str;
    fn field(&self) -> Option<&'static str>;
    fn kind(&self) -> ErrorKind;
    fn message(&self, lang: Lang) -> String;
}

impl DomainError {
    fn area(&self) -> Option<&dyn AreaError> {
        use DomainError::*;
        Some(match self {
            Units(e) => e,
            Users(e) => e,
            Students(e) => e,
            Devices(e) => e,
            Donations(e) => e,
            Allocation(e) => e,
            Handover(e) => e,
            Ledger(e) => e,
            Procurement(e) => e,
            Reports(e) => e,
            Signal(e) => e,
            Aftercare(e) => e,
            StaleEdit | ReasonRequired | UploadExpired | NotFound | Forbidden => return None,
        })
    }

    pub fn code(&self) -> &'static str {
        if let Some(e) = self.area() {
            return e.code();
        }
        match self {
            DomainError::StaleEdit => "stale_edit",
            DomainError::ReasonRequired => "reason_required",
            DomainError::UploadExpired => "upload_expired",
            DomainError::Forbidden => "forbidden",
            _ => "not_found",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    pub fn field(&self) -> Option<&'static str> {
        self.area().and_then(|e| e.field())
    }

    pub fn kind(&self) -> ErrorKind {
        if let Some(e) = self.area() {
            return e.kind();
        }
        match self {
            DomainError::StaleEdit => ErrorKind::Conflict,
            DomainError::ReasonRequired => ErrorKind::Invalid,
            DomainError::UploadExpired => ErrorKind::Gone,
            DomainError::Forbidden => ErrorKind::Forbidden,
            _ => ErrorKind::NotFound,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        if let Some(e) = self.area() {
            return e.message(lang);
        }
        match self {
            DomainError::StaleEdit => lang.pick("Hồ sơ vừa được người khác sửa: hãy tải lại trang và sửa lại.", "Someone else changed this record: reload the page and edit again."),
            DomainError::ReasonRequired => lang.pick("Cần ghi lý do.", "A reason is required."),
            DomainError::UploadExpired => lang.pick("Tệp đã tải lên không còn (quá 24 giờ hoặc đã nhập): vui lòng tải lại.", "The uploaded file is gone (older than 24 hours or already imported): upload it again."),
            DomainError::Forbidden => lang.pick("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
            _ => lang.pick("Không tìm thấy.", "Not found."),
        }
        .into()
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Vi))
    }
}

impl std::error::Error for DomainError {}
