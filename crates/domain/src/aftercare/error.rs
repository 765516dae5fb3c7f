//! What the after-care area refuses, and how each refusal is said.

use super::TicketStatus;
use crate::devices::DeviceState;
use crate::error::AreaError;
use crate::{ErrorKind, Lang};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AftercareError {
    /// A repair asked for a device that is not with a student.
    NotWithStudent { serial: String, state: DeviceState },
    /// A device already on an open ticket.
    AlreadyOpen { serial: String, ticket: i64 },
    /// A ticket already closed (twice, or by two officers at once).
    TicketClosed { ticket: i64, status: TicketStatus },
    /// A ticket moved back or to where it is.
    TicketStep {
        from: TicketStatus,
        to: TicketStatus,
    },
    /// A step dated before the day the ticket was reported or last moved.
    DateBefore { day: Date, since: Date },
    /// A training session without a topic's worth of facts: a trainer, or any attendee.
    TrainingIncomplete { field: &'static str },
    /// An attendee count outside 0 to 10 000.
    AttendeeCount,
}

impl AreaError for AftercareError {
    fn code(&self) -> &'static str {
        match self {
            AftercareError::NotWithStudent { .. } => "repair_not_with_student",
            AftercareError::AlreadyOpen { .. } => "repair_already_open",
            AftercareError::TicketClosed { .. } => "repair_ticket_closed",
            AftercareError::TicketStep { .. } => "repair_step",
            AftercareError::DateBefore { .. } => "repair_date_before",
            AftercareError::TrainingIncomplete { .. } => "training_incomplete",
            AftercareError::AttendeeCount => "training_attendee_count",
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some(match self {
            AftercareError::NotWithStudent { .. } | AftercareError::AlreadyOpen { .. } => "serial",
            AftercareError::TicketClosed { .. } | AftercareError::TicketStep { .. } => "status",
            AftercareError::DateBefore { .. } => "date",
            AftercareError::TrainingIncomplete { field } => field,
            AftercareError::AttendeeCount => "students",
        })
    }

    fn kind(&self) -> ErrorKind {
        match self {
            AftercareError::NotWithStudent { .. }
            | AftercareError::AlreadyOpen { .. }
            | AftercareError::TicketClosed { .. }
            | AftercareError::TicketStep { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let d = crate::dates::format_date;
        match (self, lang) {
            (AftercareError::NotWithStudent { serial, state }, Lang::Vi) => format!(
                "Thiết bị {serial} đang ở trạng thái “{}”, không ở với học sinh: chỉ sửa chữa thiết bị đã trao cho học sinh.",
                state.label(Lang::Vi)
            ),
            (AftercareError::NotWithStudent { serial, state }, Lang::En) => format!(
                "Device {serial} is “{}”, not with a student: only devices handed to students are repaired here.",
                state.label(Lang::En)
            ),
            (AftercareError::AlreadyOpen { serial, ticket }, Lang::Vi) => format!(
                "Thiết bị {serial} đã có phiếu sửa chữa số {ticket} chưa đóng."
            ),
            (AftercareError::AlreadyOpen { serial, ticket }, Lang::En) => {
                format!("Device {serial} already has repair ticket no. {ticket}, not closed.")
            }
            (AftercareError::TicketClosed { ticket, status }, Lang::Vi) => format!(
                "Phiếu sửa chữa số {ticket} đã đóng (“{}”): không đóng lại lần nữa.",
                status.label(Lang::Vi)
            ),
            (AftercareError::TicketClosed { ticket, status }, Lang::En) => format!(
                "Repair ticket no. {ticket} is already closed (“{}”): it is not closed again.",
                status.label(Lang::En)
            ),
            (AftercareError::TicketStep { from, to }, Lang::Vi) => format!(
                "Phiếu đang ở bước “{}”: không chuyển sang “{}”.",
                from.label(Lang::Vi),
                to.label(Lang::Vi)
            ),
            (AftercareError::TicketStep { from, to }, Lang::En) => format!(
                "The ticket is at “{}”: it cannot go to “{}”.",
                from.label(Lang::En),
                to.label(Lang::En)
            ),
            (AftercareError::DateBefore { day, since }, Lang::Vi) => format!(
                "Ngày {} trước ngày của bước trước ({}): hãy kiểm tra lại ngày.",
                d(*day),
                d(*since)
            ),
            (AftercareError::DateBefore { day, since }, Lang::En) => format!(
                "The day {} is before that of the previous step ({}): check the date.",
                d(*day),
                d(*since)
            ),
            (AftercareError::TrainingIncomplete { field }, _) => match *field {
                "trainer" => lang.pick(
                    "Ghi tên người tập huấn (báo cáo viên).",
                    "Write the trainer's name.",
                ),
                _ => lang.pick(
                    "Buổi tập huấn cần ít nhất một người tham dự: ghi số giáo viên, phụ huynh, học sinh, hoặc tải danh sách lên.",
                    "A session needs at least one attendee: write the counts of teachers, parents and students, or upload the list.",
                ),
            }
            .to_string(),
            (AftercareError::AttendeeCount, _) => lang
                .pick(
                    "Số người tham dự ghi bằng số, từ 0 đến 10.000.",
                    "Attendee counts are numbers from 0 to 10,000.",
                )
                .to_string(),
        }
    }
}

impl From<AftercareError> for crate::DomainError {
    fn from(e: AftercareError) -> Self {
        crate::DomainError::Aftercare(e)
    }
}
