//! What the ledger refuses, and how each refusal is said.

use crate::error::AreaError;
use crate::money::Dong;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// Fewer than two postings.
    TooFewPostings,
    /// A posting's amount is zero or negative (line is 1-based).
    NonPositiveAmount { line: usize },
    /// Debits and credits differ.
    Unbalanced { debits: Dong, credits: Dong },
    /// The sum of the postings does not fit in the ledger's integers.
    TooLarge,
    /// One account on both sides of an entry.
    SameAccountBothSides { account: String },
    /// An account code the chart does not have.
    UnknownAccount { code: String },
    /// The entry would take a guarded account below zero.
    WouldGoNegative {
        account: String,
        name: String,
        available: Dong,
        asked: Dong,
    },
    /// The idempotency key was already used for a different entry.
    KeyReused { key: String },
    /// A pending amount that does not exist (or is not pending).
    NoSuchPending { id: i64 },
    /// A pending amount already released, or fully posted.
    PendingResolved { id: i64 },
    /// Posting more than what is left of a pending amount.
    PendingExceeded {
        id: i64,
        remaining: Dong,
        asked: Dong,
    },
    /// An entry that cannot be reversed, and why.
    NotReversible { id: i64, already: bool },
    /// A cash gift or pledge that cannot be recorded, and why.
    InvalidGift {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A campaign that cannot be set up, and why.
    InvalidCampaign {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A campaign whose period shares days with another that counts the same gifts.
    CampaignClash {
        other: String,
        from: time::Date,
        to: time::Date,
    },
    /// A gift already marked received.
    GiftAlreadyReceived { code: String },
    /// A pledge or verification code that matches no gift.
    UnknownCode { code: String },
    /// Bank details a VietQR code cannot be made from.
    InvalidBankDetails {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
    /// A field of the entry (key, date, memo) that is missing or wrong.
    InvalidEntry {
        field: &'static str,
        reason_vi: String,
        reason_en: String,
    },
}

impl AreaError for LedgerError {
    fn code(&self) -> &'static str {
        use LedgerError::*;
        match self {
            TooFewPostings => "too_few_postings",
            NonPositiveAmount { .. } => "non_positive_amount",
            Unbalanced { .. } => "unbalanced_entry",
            TooLarge => "amount_too_large",
            SameAccountBothSides { .. } => "same_account_both_sides",
            UnknownAccount { .. } => "unknown_account",
            WouldGoNegative { .. } => "account_would_go_negative",
            KeyReused { .. } => "idempotency_key_reused",
            NoSuchPending { .. } => "no_such_pending",
            PendingResolved { .. } => "pending_resolved",
            PendingExceeded { .. } => "pending_exceeded",
            NotReversible { .. } => "not_reversible",
            InvalidEntry { .. } => "invalid_entry",
            InvalidBankDetails { .. } => "invalid_bank_details",
            InvalidGift { .. } => "invalid_gift",
            InvalidCampaign { .. } => "invalid_campaign",
            CampaignClash { .. } => "campaign_clash",
            GiftAlreadyReceived { .. } => "gift_already_received",
            UnknownCode { .. } => "unknown_code",
        }
    }

    fn field(&self) -> Option<&'static str> {
        use LedgerError::*;
        Some(match self {
            TooFewPostings | Unbalanced { .. } | SameAccountBothSides { .. } | TooLarge => {
                "postings"
            }
            NonPositiveAmount { .. } | PendingExceeded { .. } | WouldGoNegative { .. } => "amount",
            UnknownAccount { .. } => "account",
            KeyReused { .. } => "key",
            InvalidEntry { field, .. }
            | InvalidBankDetails { field, .. }
            | InvalidGift { field, .. }
            | InvalidCampaign { field, .. } => field,
            CampaignClash { .. } => "starts_on",
            UnknownCode { .. } => "code",
            GiftAlreadyReceived { .. } => return None,
            NoSuchPending { .. } | PendingResolved { .. } | NotReversible { .. } => return None,
        })
    }

    fn kind(&self) -> ErrorKind {
        use LedgerError::*;
        match self {
            WouldGoNegative { .. }
            | KeyReused { .. }
            | PendingResolved { .. }
            | PendingExceeded { .. }
            | NotReversible { .. }
            | GiftAlreadyReceived { .. }
            | CampaignClash { .. } => ErrorKind::Conflict,
            NoSuchPending { .. } | UnknownCode { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use LedgerError::*;
        let vi = lang == Lang::Vi;
        match self {
            TooFewPostings => lang
                .pick(
                    "Bút toán cần ít nhất hai dòng: một bên Nợ và một bên Có.",
                    "An entry needs at least two postings: a debit and a credit.",
                )
                .into(),
            NonPositiveAmount { line } => {
                if vi {
                    format!("Dòng {line}: số tiền phải là số nguyên đồng lớn hơn 0.")
                } else {
                    format!("Line {line}: the amount must be a whole number of đồng above 0.")
                }
            }
            Unbalanced { debits, credits } => {
                if vi {
                    format!(
                        "Bút toán không cân: tổng bên Nợ {debits}, tổng bên Có {credits}, chênh lệch {}.",
                        Dong(debits.0.abs_diff(credits.0) as i64)
                    )
                } else {
                    format!(
                        "The entry does not balance: debits {debits}, credits {credits}, a difference of {}.",
                        Dong(debits.0.abs_diff(credits.0) as i64)
                    )
                }
            }
            TooLarge => lang
                .pick(
                    "Số tiền quá lớn để ghi sổ.",
                    "The amount is too large for the ledger.",
                )
                .into(),
            SameAccountBothSides { account } => {
                if vi {
                    format!("Tài khoản {account} không thể vừa ở bên Nợ vừa ở bên Có.")
                } else {
                    format!("Account {account} cannot be both debited and credited.")
                }
            }
            UnknownAccount { code } => {
                if vi {
                    format!("Không có tài khoản {code} trong hệ thống tài khoản của chương trình.")
                } else {
                    format!("The program's chart of accounts has no account {code}.")
                }
            }
            WouldGoNegative {
                account,
                name,
                available,
                asked,
            } => {
                if vi {
                    format!(
                        "Tài khoản {account} – {name} chỉ còn {available}, không đủ cho {asked}: số dư không được âm."
                    )
                } else {
                    format!(
                        "Account {account} – {name} has only {available} left, not enough for {asked}: its balance cannot go below zero."
                    )
                }
            }
            KeyReused { key } => {
                if vi {
                    format!(
                        "Mã chống ghi trùng {key} đã được dùng cho một bút toán khác nội dung: không ghi."
                    )
                } else {
                    format!(
                        "Idempotency key {key} was already used for a different entry: nothing posted."
                    )
                }
            }
            NoSuchPending { id } => {
                if vi {
                    format!("Không có khoản tạm giữ số {id}.")
                } else {
                    format!("There is no pending amount number {id}.")
                }
            }
            PendingResolved { id } => {
                if vi {
                    format!("Khoản tạm giữ số {id} đã được tất toán hoặc giải phóng trước đó.")
                } else {
                    format!("Pending amount {id} was already settled or released.")
                }
            }
            PendingExceeded {
                id,
                remaining,
                asked,
            } => {
                if vi {
                    format!(
                        "Khoản tạm giữ số {id} chỉ còn {remaining}, không thể ghi {asked}: không được vượt giá trị đã cam kết."
                    )
                } else {
                    format!(
                        "Pending amount {id} has only {remaining} left, {asked} cannot be posted: it may not exceed what was committed."
                    )
                }
            }
            NotReversible { id, already } => match (vi, already) {
                (true, true) => format!("Bút toán số {id} đã được đảo trước đó."),
                (true, false) => format!(
                    "Bút toán số {id} không đảo được: chỉ đảo bút toán đã ghi sổ thông thường (khoản tạm giữ thì giải phóng)."
                ),
                (false, true) => format!("Entry {id} was already reversed."),
                (false, false) => format!(
                    "Entry {id} cannot be reversed: only ordinary posted entries are (a pending amount is released instead)."
                ),
            },
            InvalidGift {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Khoản ủng hộ chưa ghi được: {reason_vi}.")
                } else {
                    format!("The gift cannot be recorded: {reason_en}.")
                }
            }
            InvalidCampaign {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Chưa tạo được đợt vận động: {reason_vi}.")
                } else {
                    format!("The campaign cannot be set up: {reason_en}.")
                }
            }
            CampaignClash { other, from, to } => {
                let (from, to) = (
                    crate::dates::format_date(*from),
                    crate::dates::format_date(*to),
                );
                if vi {
                    format!(
                        "Thời gian trùng với đợt vận động «{other}» ({from} – {to}): hai đợt cùng tính một khoản ủng hộ. Hãy chọn thời gian không trùng."
                    )
                } else {
                    format!(
                        "The period overlaps the campaign “{other}” ({from} – {to}): both would count the same gifts. Choose dates that do not overlap."
                    )
                }
            }
            GiftAlreadyReceived { code } => {
                if vi {
                    format!(
                        "Khoản ủng hộ {code} đã được ghi nhận là đã nhận tiền trước đó: không ghi lại."
                    )
                } else {
                    format!("Gift {code} was already marked as received: nothing posted again.")
                }
            }
            UnknownCode { code } => {
                if vi {
                    format!(
                        "Không có khoản ủng hộ nào mang mã {code}. Hãy kiểm tra lại mã trên giấy xác nhận hoặc nội dung chuyển khoản."
                    )
                } else {
                    format!(
                        "No gift carries code {code}. Check the code on the acknowledgement or in the transfer note."
                    )
                }
            }
            InvalidBankDetails {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Chưa tạo được mã VietQR: {reason_vi}.")
                } else {
                    format!("No VietQR code can be made: {reason_en}.")
                }
            }
            InvalidEntry {
                reason_vi,
                reason_en,
                ..
            } => {
                if vi {
                    format!("Bút toán chưa ghi được: {reason_vi}.")
                } else {
                    format!("The entry cannot be posted: {reason_en}.")
                }
            }
        }
    }
}

impl From<LedgerError> for DomainError {
    fn from(e: LedgerError) -> Self {
        DomainError::Ledger(e)
    }
}
