//! What the devices' rules refuse (models, serials and IMEIs, state changes, appraisals), and
//! how each refusal is said.

use crate::error::AreaError;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevicesError {
    /// A device model that cannot be declared, and why.
    InvalidDeviceModel {
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// A brand and model already declared.
    DuplicateDeviceModel { name: String },
    /// A device model id that names no model.
    UnknownModel { id: i64 },
    /// A device's serial number is empty.
    MissingSerial,
    /// A list of serials with no device in it.
    NoDevices,
    /// A serial number the registry (or the same file) already has.
    DuplicateSerial { serial: String },
    /// An IMEI that is not 15 digits or whose check digit is wrong.
    InvalidImei { value: String },
    /// A device state change the registry does not allow (handing a rejected device
    /// to a student, say).
    ImpossibleTransition {
        serial: String,
        from: crate::devices::DeviceState,
        to: crate::devices::DeviceState,
    },
    /// An appraisal that cannot be recorded, and why.
    InvalidAppraisal {
        field: &'static str,
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// A batch cannot pass before its model has passed.
    ModelNotAppraised { model: String },
    /// An appraisal of a batch that has no device waiting for it.
    NothingToAppraise { source: String },
    /// A batch that is not a recorded receipt line (or a contract) of the registry.
    UnknownBatch,
    /// Serials scanned for a receipt line of another model.
    BatchModel { model: String },
    /// More devices than the receipt line records.
    BatchFull {
        minutes_no: String,
        line: i64,
        quantity: i64,
        registered: i64,
        adding: i64,
    },
    /// A purchase contract's number that cannot be one.
    InvalidContract,
    /// More devices than a procurement delivery brings.
    DeliveryFull {
        delivery_no: String,
        contract_no: String,
        quantity: i64,
        registered: i64,
        adding: i64,
    },
}

impl AreaError for DevicesError {
    fn code(&self) -> &'static str {
        use DevicesError::*;
        match self {
            InvalidDeviceModel { .. } => "invalid_device_model",
            DuplicateDeviceModel { .. } => "duplicate_device_model",
            UnknownModel { .. } => "unknown_model",
            MissingSerial => "missing_serial",
            NoDevices => "no_devices",
            DuplicateSerial { .. } => "duplicate_serial",
            InvalidImei { .. } => "invalid_imei",
            ImpossibleTransition { .. } => "impossible_transition",
            InvalidAppraisal { .. } => "invalid_appraisal",
            ModelNotAppraised { .. } => "model_not_appraised",
            NothingToAppraise { .. } => "nothing_to_appraise",
            UnknownBatch => "unknown_batch",
            BatchModel { .. } => "batch_model",
            BatchFull { .. } => "batch_full",
            DeliveryFull { .. } => "delivery_full",
            InvalidContract => "invalid_contract",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    fn field(&self) -> Option<&'static str> {
        use DevicesError::*;
        Some(match self {
            MissingSerial | DuplicateSerial { .. } => "serial",
            InvalidImei { .. } => "imei",
            InvalidAppraisal { field, .. } => field,
            ModelNotAppraised { .. }
            | NothingToAppraise { .. }
            | UnknownBatch
            | BatchFull { .. }
            | DeliveryFull { .. } => "source",
            BatchModel { .. } => "model_id",
            InvalidContract => "contract_no",
            _ => return None,
        })
    }

    fn kind(&self) -> ErrorKind {
        ErrorKind::Invalid
    }

    fn message(&self, lang: Lang) -> String {
        use DevicesError::*;
        let vi = lang == Lang::Vi;
        match self {
            InvalidDeviceModel {
                reason_vi,
                reason_en,
            } => {
                if vi {
                    format!("Mẫu thiết bị không hợp lệ: {reason_vi}.")
                } else {
                    format!("The device model is not valid: {reason_en}.")
                }
            }
            DuplicateDeviceModel { name } => {
                if vi {
                    format!("Mẫu thiết bị {name} đã được khai báo.")
                } else {
                    format!("Device model {name} is already declared.")
                }
            }
            UnknownModel { id } => {
                if vi {
                    format!("Không có mẫu thiết bị số {id}: hãy khai báo mẫu thiết bị trước.")
                } else {
                    format!("There is no device model {id}: declare the model first.")
                }
            }
            NoDevices => lang
                .pick(
                    "Danh sách không có thiết bị nào: không ghi gì.",
                    "The list has no device in it: nothing was written.",
                )
                .into(),
            MissingSerial => lang
                .pick(
                    "Thiếu số sê-ri của thiết bị.",
                    "The device's serial number is missing.",
                )
                .into(),
            DuplicateSerial { serial } => {
                if vi {
                    format!(
                        "Số sê-ri {serial} đã có trong sổ theo dõi thiết bị (hoặc lặp lại trong tệp)."
                    )
                } else {
                    format!(
                        "Serial number {serial} is already in the registry (or repeated in the file)."
                    )
                }
            }
            InvalidImei { value } => {
                if vi {
                    format!(
                        "IMEI \"{value}\" không hợp lệ: cần đúng 15 chữ số và chữ số cuối đúng theo thuật toán Luhn."
                    )
                } else {
                    format!(
                        "IMEI \"{value}\" is not valid: it needs exactly 15 digits and a correct Luhn check digit."
                    )
                }
            }
            ImpossibleTransition { serial, from, to } => {
                if vi {
                    format!(
                        "Thiết bị {serial} đang ở trạng thái \"{}\", không thể chuyển sang \"{}\".",
                        from.label(lang),
                        to.label(lang)
                    )
                } else {
                    format!(
                        "Device {serial} is \"{}\"; it cannot become \"{}\".",
                        from.label(lang),
                        to.label(lang)
                    )
                }
            }
            InvalidAppraisal {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Kết quả thẩm định chưa ghi được: {reason_vi}.")
                } else {
                    format!("The appraisal cannot be recorded: {reason_en}.")
                }
            }
            ModelNotAppraised { model } => {
                if vi {
                    format!(
                        "Mẫu {model} chưa được thẩm định đạt: hãy thẩm định mẫu máy trước khi cho lô hàng đạt."
                    )
                } else {
                    format!(
                        "Model {model} has not passed appraisal: appraise the model before passing a batch."
                    )
                }
            }
            NothingToAppraise { source } => {
                let batch = crate::devices::source_label(source, lang);
                if vi {
                    format!("Lô hàng theo {batch} không còn thiết bị nào chờ thẩm định.")
                } else {
                    format!("The batch of {batch} has no device waiting for appraisal.")
                }
            }
            UnknownBatch => lang
                .pick(
                    "Hãy chọn lô hàng trong các biên bản tiếp nhận đã ghi (hoặc hợp đồng mua sắm).",
                    "Choose the batch among the recorded receipts (or a purchase contract).",
                )
                .into(),
            BatchModel { model } => {
                if vi {
                    format!("Dòng biên bản này ghi mẫu {model}: hãy chọn đúng mẫu thiết bị.")
                } else {
                    format!("This receipt line records model {model}: choose that model.")
                }
            }
            BatchFull {
                minutes_no,
                line,
                quantity,
                registered,
                adding,
            } => {
                let left = (quantity - registered).max(0);
                if vi {
                    format!(
                        "Biên bản {minutes_no}, dòng {line} ghi {quantity} thiết bị, đã nhập {registered}: chỉ còn {left}, danh sách có {adding}. Không ghi gì."
                    )
                } else {
                    format!(
                        "Receipt {minutes_no}, line {line} records {quantity} devices, {registered} registered: {left} left, the list has {adding}. Nothing was written."
                    )
                }
            }
            DeliveryFull {
                delivery_no,
                contract_no,
                quantity,
                registered,
                adding,
            } => {
                let left = (quantity - registered).max(0);
                if vi {
                    format!(
                        "Lần giao hàng {delivery_no} của hợp đồng {contract_no} có {quantity} thiết bị, đã nhập {registered}: chỉ còn {left}, danh sách có {adding}. Không ghi gì."
                    )
                } else {
                    format!(
                        "Delivery {delivery_no} of contract {contract_no} brings {quantity} devices, {registered} registered: {left} left, the list has {adding}. Nothing was written."
                    )
                }
            }
            InvalidContract => lang
                .pick(
                    "Số hợp đồng cần từ 3 đến 60 ký tự, ví dụ 05/2022/HĐ-SGDĐT.",
                    "The contract number needs 3 to 60 characters, for example 05/2022/HĐ-SGDĐT.",
                )
                .into(),
        }
    }
}

impl From<DevicesError> for DomainError {
    fn from(e: DevicesError) -> Self {
        DomainError::Devices(e)
    }
}
