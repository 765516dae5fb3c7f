//! What the handover's rules refuse (a device that is not the giver's, a serial of another
//! batch, a missing guardian or signature, a confirmation twice), and how each is said.

use crate::error::AreaError;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoverError {
    /// No serial was scanned or chosen.
    NoSerials,
    /// More serials than one set of minutes covers.
    TooMany { max: usize },
    /// A serial the registry does not have.
    UnknownSerial { serial: String },
    /// A device that is not in the giver's hands (its state and holder are shown).
    NotWithGiver { serial: String, held: String },
    /// A device the executed allocation gives to another unit, school or student.
    AllocatedElsewhere { serial: String, to: String },
    /// A device already on another set of minutes waiting for confirmation.
    InAnotherBatch { serial: String, number: String },
    /// The same serial twice in one list.
    Repeated { serial: String },
    /// A student with no device allocated to them by an executed run.
    NotAllocated,
    /// A student who already holds a device of the program.
    AlreadyHolds { serial: String },
    /// The receiver is not the kind the step hands to (a school given to a district, …).
    WrongReceiver,
    /// The guardian's (or the receiving officer's) name is missing or too long.
    SignerNameMissing,
    /// The guardian's relation to the student is not one of the listed ones.
    RelationInvalid,
    /// An identity number that is not 12 digits (CCCD) or 9 digits (the old CMND).
    IdNumberInvalid,
    /// No signature drawn and no signed scan.
    SignatureEmpty,
    /// A drawn signature that is not what the signing pad sends, or too large.
    SignatureInvalid,
    /// The handover is not waiting for this step (confirmed twice, cancelled, …).
    HandoverState { status: String },
    /// A return without its reason.
    ReturnReasonMissing,
    /// A SIM's phone number that is not a Vietnamese mobile number.
    SimNumberInvalid,
    /// A row of the CSDL sheet sent back, and what is wrong with it.
    CsdlRow {
        row: usize,
        column: String,
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// The CSDL sheet sent back has no column of serials or none of the mark.
    CsdlColumns { missing: String },
}

impl AreaError for HandoverError {
    fn code(&self) -> &'static str {
        use HandoverError::*;
        match self {
            NoSerials => "handover_no_serials",
            TooMany { .. } => "handover_too_many",
            UnknownSerial { .. } => "handover_unknown_serial",
            NotWithGiver { .. } => "handover_not_with_giver",
            AllocatedElsewhere { .. } => "handover_allocated_elsewhere",
            InAnotherBatch { .. } => "handover_in_another_batch",
            Repeated { .. } => "handover_repeated_serial",
            NotAllocated => "handover_not_allocated",
            AlreadyHolds { .. } => "handover_already_holds",
            WrongReceiver => "handover_wrong_receiver",
            SignerNameMissing => "signer_name_missing",
            RelationInvalid => "relation_invalid",
            IdNumberInvalid => "id_number_invalid",
            SignatureEmpty => "signature_empty",
            SignatureInvalid => "signature_invalid",
            HandoverState { .. } => "handover_state",
            ReturnReasonMissing => "return_reason_missing",
            SimNumberInvalid => "sim_number_invalid",
            CsdlRow { .. } => "csdl_row",
            CsdlColumns { .. } => "csdl_columns",
        }
    }

    fn field(&self) -> Option<&'static str> {
        use HandoverError::*;
        match self {
            NoSerials
            | TooMany { .. }
            | UnknownSerial { .. }
            | NotWithGiver { .. }
            | AllocatedElsewhere { .. }
            | InAnotherBatch { .. }
            | Repeated { .. } => Some("serials"),
            SignerNameMissing => Some("signer_name"),
            RelationInvalid => Some("relation"),
            IdNumberInvalid => Some("id_number"),
            SignatureEmpty | SignatureInvalid => Some("signature"),
            ReturnReasonMissing => Some("reason"),
            SimNumberInvalid => Some("sim_number"),
            CsdlRow { .. } | CsdlColumns { .. } => Some("file"),
            _ => None,
        }
    }

    fn kind(&self) -> ErrorKind {
        use HandoverError::*;
        match self {
            NotWithGiver { .. }
            | AllocatedElsewhere { .. }
            | InAnotherBatch { .. }
            | NotAllocated
            | AlreadyHolds { .. }
            | HandoverState { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use HandoverError::*;
        let vi = lang == Lang::Vi;
        let say = |v: String, e: String| if vi { v } else { e };
        match self {
            NoSerials => lang
                .pick(
                    "Chưa có số sê-ri nào: hãy quét hoặc gõ số sê-ri của từng thiết bị.",
                    "No serial yet: scan or type each device's serial number.",
                )
                .to_string(),
            TooMany { max } => say(
                format!("Một biên bản ghi nhiều nhất {max} thiết bị: hãy chia thành nhiều đợt."),
                format!("One set of minutes covers at most {max} devices: split the batch."),
            ),
            UnknownSerial { serial } => say(
                format!("Không có thiết bị nào mang số sê-ri {serial} trong sổ thiết bị."),
                format!("No device in the registry has serial {serial}."),
            ),
            NotWithGiver { serial, held } => say(
                format!("Thiết bị {serial} không ở bên giao: {held}."),
                format!("Device {serial} is not with the giver: {held}."),
            ),
            AllocatedElsewhere { serial, to } => say(
                format!("Thiết bị {serial} được phân bổ cho {to}, không phải cho bên nhận này."),
                format!("Device {serial} is allocated to {to}, not to this receiver."),
            ),
            InAnotherBatch { serial, number } => say(
                format!("Thiết bị {serial} đã có trong biên bản số {number} đang chờ xác nhận."),
                format!("Device {serial} is already on minutes {number}, waiting for confirmation."),
            ),
            Repeated { serial } => say(
                format!("Số sê-ri {serial} được quét hai lần."),
                format!("Serial {serial} was scanned twice."),
            ),
            NotAllocated => lang
                .pick(
                    "Học sinh này chưa được phân bổ thiết bị trong lượt phân bổ đã thực hiện.",
                    "No executed run allocates a device to this student.",
                )
                .to_string(),
            AlreadyHolds { serial } => say(
                format!("Học sinh này đã nhận thiết bị {serial} của chương trình."),
                format!("This student already holds device {serial} of the program."),
            ),
            WrongReceiver => lang
                .pick(
                    "Bên nhận không đúng bước bàn giao này.",
                    "The receiver does not fit this handover step.",
                )
                .to_string(),
            SignerNameMissing => lang
                .pick(
                    "Cần ghi họ và tên người nhận (tối đa 100 ký tự).",
                    "The receiving person's full name is required (at most 100 characters).",
                )
                .to_string(),
            RelationInvalid => lang
                .pick(
                    "Hãy chọn quan hệ của người nhận với học sinh.",
                    "Choose the receiving person's relation to the student.",
                )
                .to_string(),
            IdNumberInvalid => lang
                .pick(
                    "Số định danh (căn cước) gồm 12 chữ số, hoặc 9 chữ số với chứng minh nhân dân cũ.",
                    "An identity number has 12 digits, or 9 with the old identity card.",
                )
                .to_string(),
            SignatureEmpty => lang
                .pick(
                    "Chưa có chữ ký: hãy ký vào khung, hoặc tải lên bản quét biên bản đã ký.",
                    "No signature yet: sign in the box, or upload a scan of the signed minutes.",
                )
                .to_string(),
            SignatureInvalid => lang
                .pick(
                    "Chữ ký gửi lên không đọc được: hãy xoá và ký lại.",
                    "The signature sent cannot be read: clear it and sign again.",
                )
                .to_string(),
            HandoverState { status } => say(
                format!("Biên bản đang ở trạng thái “{status}”, không làm được bước này."),
                format!("The minutes are “{status}”: this step cannot be taken."),
            ),
            ReturnReasonMissing => lang
                .pick(
                    "Cần ghi lý do thu hồi thiết bị.",
                    "The reason for the return is required.",
                )
                .to_string(),
            SimNumberInvalid => lang
                .pick(
                    "Số thuê bao của SIM phải là số di động Việt Nam gồm 10 chữ số, bắt đầu bằng 0.",
                    "The SIM's number must be a Vietnamese mobile number of 10 digits starting with 0.",
                )
                .to_string(),
            CsdlRow {
                row,
                column,
                reason_vi,
                reason_en,
            } => say(
                format!("Dòng {row}, cột “{column}”: {reason_vi}"),
                format!("Row {row}, column “{column}”: {reason_en}"),
            ),
            CsdlColumns { missing } => say(
                format!("Tệp gửi lại thiếu cột “{missing}”: hãy dùng tệp đã tải xuống từ hệ thống."),
                format!("The file sent back has no “{missing}” column: use the file downloaded from the system."),
            ),
        }
    }
}

impl From<HandoverError> for DomainError {
    fn from(e: HandoverError) -> Self {
        DomainError::Handover(e)
    }
}
