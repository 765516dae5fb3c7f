//! What allocation refuses (inputs the engine cannot decide from, runs out of turn), and
//! how each refusal is said.

use crate::error::AreaError;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationError {
    /// More nominations or devices than one run decides (over four billion).
    TooLarge,
    DuplicateUnit {
        id: i64,
    },
    UnknownUnit {
        student: i64,
        unit: i64,
    },
    DuplicateStudent {
        student: i64,
    },
    DuplicateDevice {
        device: i64,
    },
    /// Lists of the round not yet approved by the Board: the units named.
    ListsNotApproved {
        units: Vec<String>,
        more: usize,
    },
    /// No device free to allocate, or no student waiting.
    NothingToAllocate {
        devices: u64,
        students: u64,
    },
    /// A seed that is not 64 hex digits.
    InvalidSeed,
    /// The run is not in the state the step needs (approved twice, executed twice, …).
    RunState {
        status: String,
    },
    DecisionNoMissing,
    DecisionDateInvalid,
    DecisionNoUsed {
        no: String,
    },
    /// Since the draft, a device left the stock or a student was served: draft again.
    InputsChanged,
}

impl AreaError for AllocationError {
    fn code(&self) -> &'static str {
        use AllocationError::*;
        match self {
            TooLarge => "allocation_too_large",
            DuplicateUnit { .. } => "allocation_duplicate_unit",
            UnknownUnit { .. } => "allocation_unknown_unit",
            DuplicateStudent { .. } => "allocation_duplicate_student",
            DuplicateDevice { .. } => "allocation_duplicate_device",
            ListsNotApproved { .. } => "lists_not_approved",
            NothingToAllocate { .. } => "nothing_to_allocate",
            InvalidSeed => "invalid_seed",
            RunState { .. } => "run_state",
            DecisionNoMissing => "decision_no_missing",
            DecisionDateInvalid => "decision_date_invalid",
            DecisionNoUsed { .. } => "decision_no_used",
            InputsChanged => "allocation_inputs_changed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        use AllocationError::*;
        match self {
            InvalidSeed => Some("seed"),
            DecisionNoMissing | DecisionNoUsed { .. } => Some("decision_no"),
            DecisionDateInvalid => Some("decision_date"),
            _ => None,
        }
    }

    fn kind(&self) -> ErrorKind {
        use AllocationError::*;
        match self {
            ListsNotApproved { .. }
            | NothingToAllocate { .. }
            | RunState { .. }
            | InputsChanged => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use AllocationError::*;
        let vi = lang == Lang::Vi;
        match self {
            TooLarge => lang
                .pick(
                    "Một lượt phân bổ không xử lý quá bốn tỉ dòng.",
                    "One run decides at most four billion rows.",
                )
                .to_string(),
            DuplicateUnit { id } => {
                if vi {
                    format!("Đơn vị số {id} được liệt kê hai lần.")
                } else {
                    format!("Unit {id} is listed twice.")
                }
            }
            UnknownUnit { student, unit } => {
                if vi {
                    format!("Học sinh số {student} thuộc đơn vị số {unit} không có trong lượt phân bổ.")
                } else {
                    format!("Student {student} belongs to unit {unit}, which the run does not list.")
                }
            }
            DuplicateStudent { student } => {
                if vi {
                    format!("Học sinh số {student} được liệt kê hai lần.")
                } else {
                    format!("Student {student} is listed twice.")
                }
            }
            DuplicateDevice { device } => {
                if vi {
                    format!("Thiết bị số {device} được liệt kê hai lần.")
                } else {
                    format!("Device {device} is listed twice.")
                }
            }
            ListsNotApproved { units, more } => {
                let list = units.join(", ");
                let more_vi = if *more > 0 {
                    format!(" và {more} đơn vị khác")
                } else {
                    String::new()
                };
                let more_en = if *more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                if vi {
                    format!(
                        "Chưa phân bổ được: danh sách của {list}{more_vi} chưa được Ban điều phối duyệt."
                    )
                } else {
                    format!("Cannot allocate yet: the lists of {list}{more_en} are not approved by the Board.")
                }
            }
            NothingToAllocate { devices, students } => {
                if vi {
                    format!(
                        "Không có gì để phân bổ: {devices} thiết bị trong kho, {students} học sinh đang chờ."
                    )
                } else {
                    format!("Nothing to allocate: {devices} devices in stock, {students} students waiting.")
                }
            }
            InvalidSeed => lang
                .pick(
                    "Hạt giống bốc thăm phải gồm đúng 64 chữ số thập lục phân.",
                    "The seed must be exactly 64 hexadecimal digits.",
                )
                .to_string(),
            RunState { status } => {
                if vi {
                    format!("Lượt phân bổ đang ở trạng thái “{status}”, không làm được bước này.")
                } else {
                    format!("The run is “{status}”: this step cannot be taken.")
                }
            }
            DecisionNoMissing => lang
                .pick(
                    "Cần ghi số quyết định phê duyệt phân bổ.",
                    "The number of the approving decision is required.",
                )
                .to_string(),
            DecisionDateInvalid => lang
                .pick(
                    "Ngày quyết định chưa đúng: ghi theo dạng ngày/tháng/năm, ví dụ 15/08/2022.",
                    "The decision's date is not right: write it day/month/year, e.g. 15/08/2022.",
                )
                .to_string(),
            DecisionNoUsed { no } => {
                if vi {
                    format!("Quyết định số {no} đã được dùng cho một lượt phân bổ khác.")
                } else {
                    format!("Decision {no} is already used by another run.")
                }
            }
            InputsChanged => lang
                .pick(
                    "Kho thiết bị hoặc danh sách học sinh đã thay đổi từ khi lập dự thảo: hãy lập dự thảo mới.",
                    "Devices or students changed since the draft: draft the run again.",
                )
                .to_string(),
        }
    }
}

impl From<AllocationError> for DomainError {
    fn from(e: AllocationError) -> Self {
        DomainError::Allocation(e)
    }
}
