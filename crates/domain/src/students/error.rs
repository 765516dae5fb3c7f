//! What the students' rules refuse (a nomination's fields, programmes and rounds, a school's
//! list, evidence), and how each refusal is said.

use crate::error::AreaError;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StudentsError {
    MissingName,
    MissingDob,
    InvalidDob {
        value: String,
    },
    /// Age outside 5–22 at the round's start.
    DobOutOfRange {
        age: i32,
    },
    UnknownTier {
        value: String,
    },
    AlreadyHasDevice,
    InvalidStudentCode {
        value: String,
    },
    /// The same student code on an earlier row of the same file.
    DuplicateInFile {
        code: String,
        first_row: usize,
    },
    /// No survey round is open (or the one named does not exist).
    NoRound,
    /// The school's list is submitted or approved: it cannot change.
    ListLocked {
        status: crate::students::ListStatus,
    },
    /// The action does not fit where the list stands (approving a draft, say).
    WrongListStatus {
        status: crate::students::ListStatus,
    },
    /// A list with no student cannot be submitted.
    EmptyList,
    /// Nothing was left to approve: every list chosen was approved already (a second
    /// click) or is no longer waiting.
    NothingToApprove,
    /// Rows with open flags (duplicates, already served, household) stop an approval.
    OpenFlags {
        rows: usize,
    },
    /// The school's list in this round already has a student with this code (or this
    /// name and birth date).
    DuplicateStudent {
        code: String,
    },
    /// An evidence file is not a photo or a PDF (by its content).
    EvidenceType {
        found: String,
    },
    /// An evidence file is larger than the limit.
    EvidenceTooLarge {
        max_mb: usize,
    },
    /// A program description (tiers, dates, round) that cannot be used, and why.
    InvalidProgram {
        reason: String,
    },
}

impl AreaError for StudentsError {
    fn code(&self) -> &'static str {
        use StudentsError::*;
        match self {
            MissingName => "missing_name",
            MissingDob => "missing_dob",
            InvalidDob { .. } => "invalid_dob",
            DobOutOfRange { .. } => "dob_out_of_range",
            UnknownTier { .. } => "unknown_tier",
            AlreadyHasDevice => "already_has_device",
            InvalidStudentCode { .. } => "invalid_student_code",
            DuplicateInFile { .. } => "duplicate_in_file",
            NoRound => "no_round",
            ListLocked { .. } => "list_locked",
            WrongListStatus { .. } => "wrong_list_status",
            EmptyList => "empty_list",
            NothingToApprove => "nothing_to_approve",
            OpenFlags { .. } => "open_flags",
            DuplicateStudent { .. } => "duplicate_student",
            EvidenceType { .. } => "evidence_type",
            EvidenceTooLarge { .. } => "evidence_too_large",
            InvalidProgram { .. } => "invalid_program",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    fn field(&self) -> Option<&'static str> {
        use StudentsError::*;
        Some(match self {
            MissingName => "name",
            MissingDob | InvalidDob { .. } | DobOutOfRange { .. } => "dob",
            UnknownTier { .. } => "tier",
            AlreadyHasDevice => "has_device",
            InvalidStudentCode { .. } | DuplicateInFile { .. } | DuplicateStudent { .. } => "code",
            EvidenceType { .. } | EvidenceTooLarge { .. } => "file",
            _ => return None,
        })
    }

    fn kind(&self) -> ErrorKind {
        use StudentsError::*;
        match self {
            ListLocked { .. }
            | WrongListStatus { .. }
            | EmptyList
            | NothingToApprove
            | OpenFlags { .. }
            | DuplicateStudent { .. } => ErrorKind::Conflict,
            EvidenceTooLarge { .. } => ErrorKind::TooLarge,
            EvidenceType { .. } => ErrorKind::UnsupportedType,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use StudentsError::*;
        let vi = lang == Lang::Vi;
        match self {
            MissingName => lang
                .pick(
                    "Thiếu họ và tên học sinh.",
                    "The student's name is missing.",
                )
                .into(),
            MissingDob => lang
                .pick("Thiếu ngày sinh.", "The date of birth is missing.")
                .into(),
            InvalidDob { value } => {
                if vi {
                    format!(
                        "Ngày sinh \"{value}\" không hợp lệ (ghi ngày/tháng/năm, ví dụ 17/09/2009)."
                    )
                } else {
                    format!(
                        "The date of birth \"{value}\" is not a date (write day/month/year, e.g. 17/09/2009)."
                    )
                }
            }
            DobOutOfRange { age } => {
                if vi {
                    format!(
                        "Tuổi tính đến đầu đợt là {age}, ngoài khoảng 5–22 tuổi: kiểm tra lại năm sinh."
                    )
                } else {
                    format!(
                        "The age at the start of the round is {age}, outside 5–22: check the year of birth."
                    )
                }
            }
            UnknownTier { value } => {
                if value.is_empty() {
                    lang.pick(
                        "Chưa ghi đối tượng (hộ nghèo, hộ cận nghèo, mồ côi do Covid-19).",
                        "The tier is missing (poor, near-poor, orphaned by Covid-19).",
                    )
                    .into()
                } else if vi {
                    format!(
                        "Không nhận ra đối tượng \"{value}\" (hộ nghèo, hộ cận nghèo, mồ côi do Covid-19)."
                    )
                } else {
                    format!(
                        "\"{value}\" is not a tier of the programme (poor, near-poor, orphaned by Covid-19)."
                    )
                }
            }
            AlreadyHasDevice => lang
                .pick(
                    "Học sinh đã có máy tính: không thuộc diện hỗ trợ.",
                    "The student already has a computer: not eligible.",
                )
                .into(),
            InvalidStudentCode { value } => {
                if vi {
                    format!(
                        "Mã học sinh \"{value}\" không hợp lệ: cần 10 chữ số (mã định danh) hoặc 12 chữ số (số CCCD)."
                    )
                } else {
                    format!(
                        "Student code \"{value}\" is invalid: 10 digits (sector id) or 12 digits (citizen id)."
                    )
                }
            }
            DuplicateInFile { code, first_row } => {
                if vi {
                    format!("Mã học sinh {code} đã có ở dòng {first_row} của tệp.")
                } else {
                    format!("Student code {code} already appears on row {first_row} of the file.")
                }
            }
            NoRound => lang
                .pick(
                    "Chưa có đợt khảo sát nào đang mở (hoặc không có đợt này).",
                    "No survey round is open (or there is no such round).",
                )
                .into(),
            ListLocked { status } => {
                let status = status.label(lang);
                if vi {
                    format!(
                        "Danh sách đã ở trạng thái \"{status}\": không thể sửa. Cần mở lại danh sách trước."
                    )
                } else {
                    format!("The list is \"{status}\": it cannot change. Reopen it first.")
                }
            }
            WrongListStatus { status } => {
                let status = status.label(lang);
                if vi {
                    format!(
                        "Danh sách đang ở trạng thái \"{status}\": không thực hiện được thao tác này."
                    )
                } else {
                    format!("The list is \"{status}\": this action does not apply.")
                }
            }
            EmptyList => lang
                .pick(
                    "Danh sách chưa có học sinh nào: nhập tệp hoặc thêm học sinh trước khi gửi duyệt.",
                    "The list has no student yet: import a file or add students before submitting it.",
                )
                .to_string(),
            NothingToApprove => lang
                .pick(
                    "Không còn danh sách nào chờ phê duyệt: các danh sách đã chọn đã được duyệt hoặc không còn chờ duyệt.",
                    "Nothing was left to approve: the lists chosen were approved already or no longer wait.",
                )
                .to_string(),
            OpenFlags { rows } => {
                if vi {
                    format!(
                        "Còn {rows} học sinh có cảnh báo chưa xử lý (trùng lặp, đã nhận máy, hộ nghèo không khớp): xử lý hoặc trả lại các dòng này trước khi duyệt."
                    )
                } else {
                    format!(
                        "{rows} students have open flags (duplicates, already served, household mismatch): resolve or return those rows before approving."
                    )
                }
            }
            DuplicateStudent { code } => {
                if vi {
                    format!("Danh sách của trường trong đợt này đã có học sinh {code}.")
                } else {
                    format!("The school's list in this round already has student {code}.")
                }
            }
            EvidenceType { found } => {
                if vi {
                    format!(
                        "Tệp minh chứng phải là ảnh (JPEG, PNG, WebP, HEIC) hoặc PDF; tệp này là {found}."
                    )
                } else {
                    format!(
                        "Evidence must be a photo (JPEG, PNG, WebP, HEIC) or a PDF; this file is {found}."
                    )
                }
            }
            EvidenceTooLarge { max_mb } => {
                if vi {
                    format!(
                        "Tệp minh chứng lớn hơn {max_mb} MB: hãy chụp lại ở độ phân giải thấp hơn."
                    )
                } else {
                    format!(
                        "The evidence file is larger than {max_mb} MB: take the photo at a lower resolution."
                    )
                }
            }
            InvalidProgram { reason } => {
                if vi {
                    format!("Mô tả chương trình không dùng được: {reason}.")
                } else {
                    format!("The program description cannot be used: {reason}.")
                }
            }
        }
    }
}

impl From<StudentsError> for DomainError {
    fn from(e: StudentsError) -> Self {
        DomainError::Students(e)
    }
}
