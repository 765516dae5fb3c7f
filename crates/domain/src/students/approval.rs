//! The approval chain of a school's list: who may do what, when, and what it leads to.
//!
//! school submits → district office (or the Sở for units directly under it) approves, or
//! returns rows with reasons → the Board approves the aggregate. Approved lists are
//! locked; reopening is explicit, needs a reason, and is audited.

use crate::DomainError;
use crate::students::ListStatus;
use crate::students::StudentsError;
use crate::users::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListAction {
    Submit,
    Approve,
    Return,
    BoardApprove,
    Reopen,
}

impl ListAction {
    pub fn code(self) -> &'static str {
        match self {
            ListAction::Submit => "submit",
            ListAction::Approve => "approve",
            ListAction::Return => "return",
            ListAction::BoardApprove => "board_approve",
            ListAction::Reopen => "reopen",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            ListAction::Submit => lang.pick("Gửi duyệt", "Submit"),
            ListAction::Approve => lang.pick("Phê duyệt", "Approve"),
            ListAction::Return => lang.pick("Trả lại", "Return"),
            ListAction::BoardApprove => lang.pick("Ban điều phối phê duyệt", "Board approval"),
            ListAction::Reopen => lang.pick("Mở lại", "Reopen"),
        }
    }
}

/// Who reviews a school's list: the Sở for units directly under it, else the district
/// (or commune) education office above the school.
pub fn reviewer(direct_unit: bool) -> Role {
    if direct_unit {
        Role::SoGddt
    } else {
        Role::PhongGddt
    }
}

/// Whether `role` may take `action` on a list in `status` (scope is checked elsewhere),
/// and the status it leads to.
pub fn transition(
    role: Role,
    action: ListAction,
    status: ListStatus,
    direct_unit: bool,
) -> Result<ListStatus, DomainError> {
    use ListAction::*;
    use ListStatus::*;
    let wrong = || DomainError::Students(StudentsError::WrongListStatus { status });
    let allowed = match action {
        Submit => role == Role::Truong,
        Approve | Return => role == reviewer(direct_unit),
        BoardApprove => role == Role::BanDieuPhoi,
        Reopen => match status {
            Approved => role == reviewer(direct_unit) || role == Role::BanDieuPhoi,
            BoardApproved => role == Role::BanDieuPhoi,
            _ => true,
        },
    };
    if !allowed {
        return Err(DomainError::Forbidden);
    }
    match (action, status) {
        (Submit, Draft | Returned) => Ok(Submitted),
        (Approve, Submitted) => Ok(Approved),
        (Return, Submitted) => Ok(Returned),
        (BoardApprove, Approved) => Ok(BoardApproved),
        (Reopen, Approved | BoardApproved) => Ok(Draft),
        _ => Err(wrong()),
    }
}

/// Flags that stop a nomination until they are resolved (with a reason) or the row is
/// returned.
pub const BLOCKING_FLAGS: &[&str] = &[
    "duplicate_code",
    "possible_duplicate",
    "already_served",
    "household_missing",
    "household_category",
];

#[cfg(test)]
mod tests {
    use super::*;
    use ListAction::*;
    use ListStatus::*;

    #[test]
    fn the_chain() {
        assert_eq!(
            transition(Role::Truong, Submit, Draft, false),
            Ok(Submitted)
        );
        assert_eq!(
            transition(Role::PhongGddt, Return, Submitted, false),
            Ok(Returned)
        );
        assert_eq!(
            transition(Role::Truong, Submit, Returned, false),
            Ok(Submitted)
        );
        assert_eq!(
            transition(Role::PhongGddt, Approve, Submitted, false),
            Ok(Approved)
        );
        assert_eq!(
            transition(Role::BanDieuPhoi, BoardApprove, Approved, false),
            Ok(BoardApproved)
        );
        assert_eq!(
            transition(Role::BanDieuPhoi, Reopen, BoardApproved, false),
            Ok(Draft)
        );
    }

    #[test]
    fn the_right_reviewer() {
        assert_eq!(
            transition(Role::SoGddt, Approve, Submitted, false),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            transition(Role::SoGddt, Approve, Submitted, true),
            Ok(Approved)
        );
        assert_eq!(
            transition(Role::PhongGddt, Approve, Submitted, true),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            transition(Role::Truong, Approve, Submitted, false),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            transition(Role::PhongGddt, Reopen, BoardApproved, false),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn only_from_the_right_status() {
        assert!(matches!(
            transition(Role::Truong, Submit, Approved, false),
            Err(DomainError::Students(StudentsError::WrongListStatus { .. }))
        ));
        assert!(matches!(
            transition(Role::PhongGddt, Approve, Draft, false),
            Err(DomainError::Students(StudentsError::WrongListStatus { .. }))
        ));
        assert!(matches!(
            transition(Role::BanDieuPhoi, BoardApprove, Submitted, false),
            Err(DomainError::Students(StudentsError::WrongListStatus { .. }))
        ));
        assert!(matches!(
            transition(Role::PhongGddt, Reopen, Draft, false),
            Err(DomainError::Students(StudentsError::WrongListStatus { .. }))
        ));
    }
}
