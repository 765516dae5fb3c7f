//! What procurement refuses, and how each refusal is said.

use crate::error::AreaError;
use crate::money::Dong;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcurementError {
    /// A field of a package, bid, contract, delivery, invoice or payment that is missing
    /// or wrong, and why.
    Invalid {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A contract whose value is not its quantity times its unit price.
    ContractValue {
        quantity: i64,
        unit_price: Dong,
        value: Dong,
    },
    /// A step taken out of order (a contract before the award, a bid after it, …).
    OutOfOrder { step_vi: String, step_en: String },
    /// A number already used: a package code, a contract number, an invoice of the same
    /// supplier, a delivery of the same contract.
    Duplicate {
        field: &'static str,
        what_vi: &'static str,
        what_en: &'static str,
        number: String,
    },
    /// A payment above what may be paid now.
    PaymentTooLarge {
        asked: Dong,
        allowed: Dong,
        reason_vi: &'static str,
        reason_en: &'static str,
    },
    /// A payment before any accepted delivery, on a contract without an advance.
    NoAdvance,
    /// A payment already approved or rejected.
    PaymentDecided,
    /// More devices accepted or registered than the contract or delivery holds.
    QuantityExceeded {
        what_vi: &'static str,
        what_en: &'static str,
        limit: i64,
        asked: i64,
    },
}

fn say(lang: Lang, vi: String, en: String) -> String {
    if lang == Lang::Vi { vi } else { en }
}

impl AreaError for ProcurementError {
    fn code(&self) -> &'static str {
        use ProcurementError::*;
        match self {
            Invalid { .. } => "invalid_procurement",
            ContractValue { .. } => "contract_value_mismatch",
            OutOfOrder { .. } => "procurement_out_of_order",
            Duplicate { .. } => "procurement_duplicate",
            PaymentTooLarge { .. } => "payment_too_large",
            NoAdvance => "payment_before_acceptance",
            PaymentDecided => "payment_decided",
            QuantityExceeded { .. } => "quantity_exceeded",
        }
    }

    fn field(&self) -> Option<&'static str> {
        use ProcurementError::*;
        match self {
            Invalid { field, .. } | Duplicate { field, .. } => Some(field),
            ContractValue { .. } => Some("value"),
            PaymentTooLarge { .. } | NoAdvance => Some("amount"),
            QuantityExceeded { .. } => Some("quantity"),
            OutOfOrder { .. } | PaymentDecided => None,
        }
    }

    fn kind(&self) -> ErrorKind {
        use ProcurementError::*;
        match self {
            Invalid { .. } | ContractValue { .. } => ErrorKind::Invalid,
            _ => ErrorKind::Conflict,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use ProcurementError::*;
        match self {
            Invalid {
                reason_vi,
                reason_en,
                ..
            } => say(
                lang,
                format!("Chưa ghi được: {reason_vi}."),
                format!("Not saved: {reason_en}."),
            ),
            ContractValue {
                quantity,
                unit_price,
                value,
            } => {
                let product = unit_price.0.checked_mul(*quantity).map(Dong);
                let product = product.map(|d| d.to_string()).unwrap_or_default();
                say(
                    lang,
                    format!(
                        "Giá trị hợp đồng {value} không bằng số lượng × đơn giá ({quantity} × {unit_price} = {product})."
                    ),
                    format!(
                        "The contract value {value} is not quantity × unit price ({quantity} × {unit_price} = {product})."
                    ),
                )
            }
            OutOfOrder { step_vi, step_en } => say(
                lang,
                format!("Chưa thể thực hiện bước này: {step_vi}."),
                format!("This step cannot be taken yet: {step_en}."),
            ),
            Duplicate {
                what_vi,
                what_en,
                number,
                ..
            } => say(
                lang,
                format!("{what_vi} số {number} đã được ghi trước đó: không ghi trùng."),
                format!("{what_en} {number} was already recorded: not saved twice."),
            ),
            PaymentTooLarge {
                asked,
                allowed,
                reason_vi,
                reason_en,
            } => say(
                lang,
                format!("Số tiền {asked} vượt mức được thanh toán {allowed} ({reason_vi})."),
                format!("{asked} is more than the {allowed} that may be paid ({reason_en})."),
            ),
            NoAdvance => lang
                .pick(
                    "Chưa có đợt hàng nào được nghiệm thu và hợp đồng không có điều khoản tạm ứng: chưa được thanh toán.",
                    "No delivery has been accepted and the contract provides no advance: nothing may be paid yet.",
                )
                .into(),
            PaymentDecided => lang
                .pick(
                    "Đề nghị thanh toán này đã được duyệt hoặc từ chối trước đó.",
                    "This payment request was already approved or rejected.",
                )
                .into(),
            QuantityExceeded {
                what_vi,
                what_en,
                limit,
                asked,
            } => say(
                lang,
                format!("{what_vi} chỉ còn {limit} thiết bị, không thể ghi {asked}."),
                format!("{what_en} has only {limit} devices left, {asked} cannot be recorded."),
            ),
        }
    }
}

impl From<ProcurementError> for DomainError {
    fn from(e: ProcurementError) -> Self {
        DomainError::Procurement(e)
    }
}
