//! The program's money in double entry: integer đồng, entries that balance, nothing
//! posted ever changed, two-phase commitments, guarded accounts. The rules follow
//! TigerBeetle's invariants (docs/adr/0022-ledger.md):
//!
//! - an entry has at least two postings, each a positive amount, whose debits equal its
//!   credits, and never debits and credits one account;
//! - a posted entry is never changed: a mistake is undone by a reversing entry;
//! - every request carries an idempotency key: the same key and body gives back the
//!   original entry, the same key with another body is refused;
//! - a pending entry (a contract's commitment) reserves an amount between two accounts;
//!   later entries post part or all of it and one release voids what is left, so that
//!   posted + released never exceeds what was reserved and a release happens once;
//! - a guarded account never goes below zero, counting what is reserved against it
//!   (TigerBeetle's `debits_must_not_exceed_credits`).
//!
//! The store applies these rules in one transaction per request and the database refuses
//! the same things again (triggers and CHECK constraints).

pub mod campaigns;
mod error;
pub mod gifts;
pub mod reconcile;
pub mod vietqr;

pub use error::LedgerError;

use crate::DomainError;
use crate::Lang;
use crate::digest::sha256_hex;
use crate::money::Dong;
use serde::{Deserialize, Serialize};
use time::Date;

/// Which side of an account a posting is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s.trim() {
            "debit" | "no" | "nợ" | "Nợ" | "N" => Some(Side::Debit),
            "credit" | "co" | "có" | "Có" | "C" => Some(Side::Credit),
            _ => None,
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Side::Debit => lang.pick("Nợ", "Debit"),
            Side::Credit => lang.pick("Có", "Credit"),
        }
    }
}

/// An account of the program's chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSpec {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    /// The side its balance grows on (assets and spending: debit; sources: credit).
    pub normal: Side,
    /// Whether its balance may never go below zero.
    pub guarded: bool,
}

impl AccountSpec {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.name_vi, self.name_en)
    }
}

/// The Department's bank account that receives donations.
pub const BANK: &str = "1121";
/// The State Treasury account that holds the budget allocation.
pub const TREASURY: &str = "1122";
/// Cash the Fatherland Front received for the program and has not yet transferred.
pub const HELD_BY_MTTQ: &str = "1388";
/// What is owed to suppliers for accepted deliveries; a contract's commitment is reserved
/// on it (pending credit) until deliveries are accepted.
pub const PAYABLE: &str = "3311";
/// Advances paid to suppliers before acceptance.
pub const ADVANCES: &str = "3312";
/// Donations received in cash.
pub const DONATIONS: &str = "4311";
/// The budget allocated to the program.
pub const BUDGET: &str = "4612";
/// Spending on devices under contracts.
pub const SPENDING: &str = "6111";

/// The chart of accounts, the same rows the migration seeds (a store test compares them).
pub const CHART: &[AccountSpec] = &[
    AccountSpec {
        code: BANK,
        name_vi: "Tiền gửi ngân hàng – tài khoản tiếp nhận ủng hộ của Sở",
        name_en: "Bank – the Department's donations account",
        normal: Side::Debit,
        guarded: true,
    },
    AccountSpec {
        code: TREASURY,
        name_vi: "Tiền gửi Kho bạc – kinh phí ngân sách",
        name_en: "State Treasury – budget funds",
        normal: Side::Debit,
        guarded: true,
    },
    AccountSpec {
        code: HELD_BY_MTTQ,
        name_vi: "Tiền ủng hộ do Ủy ban MTTQ tỉnh tiếp nhận, chưa chuyển về Sở",
        name_en: "Donations held by the Fatherland Front, not yet transferred",
        normal: Side::Debit,
        guarded: true,
    },
    AccountSpec {
        code: PAYABLE,
        name_vi: "Phải trả nhà cung cấp",
        name_en: "Payable to suppliers",
        normal: Side::Credit,
        guarded: true,
    },
    AccountSpec {
        code: ADVANCES,
        name_vi: "Tạm ứng cho nhà cung cấp",
        name_en: "Advances to suppliers",
        normal: Side::Debit,
        guarded: true,
    },
    AccountSpec {
        code: DONATIONS,
        name_vi: "Tiền ủng hộ đã nhận",
        name_en: "Cash donations received",
        normal: Side::Credit,
        guarded: false,
    },
    AccountSpec {
        code: BUDGET,
        name_vi: "Kinh phí ngân sách được giao",
        name_en: "Budget allocated",
        normal: Side::Credit,
        guarded: false,
    },
    AccountSpec {
        code: SPENDING,
        name_vi: "Chi mua sắm máy tính, thiết bị",
        name_en: "Spending on computers and devices",
        normal: Side::Debit,
        guarded: false,
    },
];

pub fn account(code: &str) -> Option<&'static AccountSpec> {
    CHART.iter().find(|a| a.code == code)
}

/// One line of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub account: String,
    pub side: Side,
    pub amount: Dong,
}

impl Posting {
    pub fn debit(account: &str, amount: Dong) -> Posting {
        Posting {
            account: account.to_string(),
            side: Side::Debit,
            amount,
        }
    }

    pub fn credit(account: &str, amount: Dong) -> Posting {
        Posting {
            account: account.to_string(),
            side: Side::Credit,
            amount,
        }
    }
}

/// What a request is about outside the ledger (a pledge, a contract, a payment), so that
/// its page can find its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: String,
    pub id: String,
}

/// A request to the ledger. Its canonical JSON is what a retry is compared by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// An ordinary entry, posted at once.
    Post(NewEntry),
    /// Reserves an amount between one debit and one credit account (a contract's
    /// commitment): counted against guarded accounts, not in the posted balances.
    Reserve(NewEntry),
    /// Posts part or all of what is left of a pending entry, between its two accounts.
    PostPending {
        key: String,
        date: Date,
        memo: String,
        pending: i64,
        amount: Dong,
        #[serde(default)]
        source: Option<Source>,
    },
    /// Releases what is left of a pending entry; once.
    Release {
        key: String,
        date: Date,
        memo: String,
        pending: i64,
    },
    /// Undoes an ordinary posted entry with its mirror image, for a reason.
    Reverse {
        key: String,
        date: Date,
        reason: String,
        entry: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    pub key: String,
    pub date: Date,
    pub memo: String,
    pub postings: Vec<Posting>,
    #[serde(default)]
    pub source: Option<Source>,
}

/// What kind of entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Posted,
    Pending,
    PostPending,
    Release,
    Reversal,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Posted => "posted",
            EntryKind::Pending => "pending",
            EntryKind::PostPending => "post_pending",
            EntryKind::Release => "release",
            EntryKind::Reversal => "reversal",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        [
            EntryKind::Posted,
            EntryKind::Pending,
            EntryKind::PostPending,
            EntryKind::Release,
            EntryKind::Reversal,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EntryKind::Posted => lang.pick("Ghi sổ", "Posted"),
            EntryKind::Pending => lang.pick("Tạm giữ (cam kết)", "Reserved (commitment)"),
            EntryKind::PostPending => {
                lang.pick("Ghi sổ từ khoản tạm giữ", "Posted from a reservation")
            }
            EntryKind::Release => lang.pick("Giải phóng phần còn lại", "Remainder released"),
            EntryKind::Reversal => lang.pick("Bút toán đảo", "Reversal"),
        }
    }

    /// Whether its postings count in the posted balances.
    pub fn moves_balances(self) -> bool {
        matches!(
            self,
            EntryKind::Posted | EntryKind::PostPending | EntryKind::Reversal
        )
    }
}

fn invalid(field: &'static str, vi: &str, en: &str) -> DomainError {
    DomainError::Ledger(LedgerError::InvalidEntry {
        field,
        reason_vi: vi.into(),
        reason_en: en.into(),
    })
}

/// An idempotency key: 1 to 100 printable ASCII characters without spaces.
pub fn check_key(key: &str) -> Result<(), DomainError> {
    if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "key",
            "mã chống ghi trùng cần 1 đến 100 ký tự không dấu, không khoảng trắng",
            "the idempotency key needs 1 to 100 ASCII characters without spaces",
        ));
    }
    Ok(())
}

fn check_memo(memo: &str, field: &'static str) -> Result<String, DomainError> {
    let memo = memo.trim();
    if memo.is_empty() {
        return Err(if field == "reason" {
            invalid(
                "reason",
                "cần ghi lý do đảo bút toán",
                "a reason for the reversal is required",
            )
        } else {
            invalid(
                "memo",
                "cần ghi nội dung bút toán",
                "the entry needs a description",
            )
        });
    }
    if memo.chars().count() > 500 {
        return Err(invalid(
            field,
            "nội dung dài quá 500 ký tự",
            "the text is longer than 500 characters",
        ));
    }
    Ok(memo.to_string())
}

/// Checks an entry's postings: at least two, each positive, debits equal credits, no
/// account on both sides, every account in the chart. Returns the total (the debits).
pub fn check_postings(postings: &[Posting]) -> Result<Dong, DomainError> {
    if postings.len() < 2 {
        return Err(LedgerError::TooFewPostings.into());
    }
    let (mut debits, mut credits) = (Dong::ZERO, Dong::ZERO);
    for (i, p) in postings.iter().enumerate() {
        if p.amount.0 <= 0 {
            return Err(LedgerError::NonPositiveAmount { line: i + 1 }.into());
        }
        if account(&p.account).is_none() {
            return Err(LedgerError::UnknownAccount {
                code: p.account.clone(),
            }
            .into());
        }
        let total = match p.side {
            Side::Debit => &mut debits,
            Side::Credit => &mut credits,
        };
        *total = total.checked_add(p.amount).ok_or(LedgerError::TooLarge)?;
    }
    if debits != credits {
        return Err(LedgerError::Unbalanced { debits, credits }.into());
    }
    for p in postings.iter().filter(|p| p.side == Side::Debit) {
        if postings
            .iter()
            .any(|q| q.side == Side::Credit && q.account == p.account)
        {
            return Err(LedgerError::SameAccountBothSides {
                account: p.account.clone(),
            }
            .into());
        }
    }
    Ok(debits)
}

impl Request {
    pub fn key(&self) -> &str {
        match self {
            Request::Post(e) | Request::Reserve(e) => &e.key,
            Request::PostPending { key, .. }
            | Request::Release { key, .. }
            | Request::Reverse { key, .. } => key,
        }
    }

    pub fn date(&self) -> Date {
        match self {
            Request::Post(e) | Request::Reserve(e) => e.date,
            Request::PostPending { date, .. }
            | Request::Release { date, .. }
            | Request::Reverse { date, .. } => *date,
        }
    }

    pub fn kind(&self) -> EntryKind {
        match self {
            Request::Post(_) => EntryKind::Posted,
            Request::Reserve(_) => EntryKind::Pending,
            Request::PostPending { .. } => EntryKind::PostPending,
            Request::Release { .. } => EntryKind::Release,
            Request::Reverse { .. } => EntryKind::Reversal,
        }
    }

    /// The request with its text trimmed, or the first rule it breaks that needs nothing
    /// but the request itself.
    pub fn checked(&self) -> Result<Request, DomainError> {
        check_key(self.key())?;
        Ok(match self {
            Request::Post(e) | Request::Reserve(e) => {
                check_postings(&e.postings)?;
                if matches!(self, Request::Reserve(_)) && e.postings.len() != 2 {
                    return Err(invalid(
                        "postings",
                        "khoản tạm giữ gồm đúng hai dòng: một tài khoản Nợ và một tài khoản Có",
                        "a reservation has exactly two postings: one debit and one credit account",
                    ));
                }
                let e = NewEntry {
                    memo: check_memo(&e.memo, "memo")?,
                    ..e.clone()
                };
                if matches!(self, Request::Post(_)) {
                    Request::Post(e)
                } else {
                    Request::Reserve(e)
                }
            }
            Request::PostPending {
                key,
                date,
                memo,
                pending,
                amount,
                source,
            } => {
                if amount.0 <= 0 {
                    return Err(LedgerError::NonPositiveAmount { line: 1 }.into());
                }
                Request::PostPending {
                    key: key.clone(),
                    date: *date,
                    memo: check_memo(memo, "memo")?,
                    pending: *pending,
                    amount: *amount,
                    source: source.clone(),
                }
            }
            Request::Release {
                key,
                date,
                memo,
                pending,
            } => Request::Release {
                key: key.clone(),
                date: *date,
                memo: check_memo(memo, "memo")?,
                pending: *pending,
            },
            Request::Reverse {
                key,
                date,
                reason,
                entry,
            } => Request::Reverse {
                key: key.clone(),
                date: *date,
                reason: check_memo(reason, "reason")?,
                entry: *entry,
            },
        })
    }

    /// The SHA-256 of the request's canonical JSON: a retry with the same key must carry
    /// the same body.
    pub fn body_sha256(&self) -> String {
        sha256_hex(
            serde_json::to_string(self)
                .expect("a ledger request serialises")
                .as_bytes(),
        )
    }
}

/// An account's running totals (what the store keeps beside the postings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountState {
    pub code: String,
    pub normal: Side,
    pub guarded: bool,
    pub debits: Dong,
    pub credits: Dong,
    pub debits_pending: Dong,
    pub credits_pending: Dong,
}

/// How a posting changes an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// An ordinary posting.
    Posted,
    /// Reserved by a pending entry.
    Reserve,
    /// Taken out of the reservation and posted.
    PostReserved,
    /// Taken out of the reservation, not posted.
    Release,
}

impl AccountState {
    pub fn new(spec: &AccountSpec) -> AccountState {
        AccountState {
            code: spec.code.to_string(),
            normal: spec.normal,
            guarded: spec.guarded,
            debits: Dong::ZERO,
            credits: Dong::ZERO,
            debits_pending: Dong::ZERO,
            credits_pending: Dong::ZERO,
        }
    }

    /// The posted balance on the account's normal side.
    pub fn balance(&self) -> Dong {
        match self.normal {
            Side::Debit => Dong(self.debits.0 - self.credits.0),
            Side::Credit => Dong(self.credits.0 - self.debits.0),
        }
    }

    /// What a guarded account can still give: its balance less what is reserved against it.
    pub fn available(&self) -> Dong {
        match self.normal {
            Side::Debit => Dong(self.debits.0 - self.credits.0 - self.credits_pending.0),
            Side::Credit => Dong(self.credits.0 - self.debits.0 - self.debits_pending.0),
        }
    }

    /// The account after one posting, or why not (a guarded account going below zero, an
    /// overflow).
    pub fn apply(
        &self,
        side: Side,
        amount: Dong,
        phase: Phase,
    ) -> Result<AccountState, LedgerError> {
        let add = |a: Dong, b: Dong| a.checked_add(b).ok_or(LedgerError::TooLarge);
        let sub = |a: Dong, b: Dong| match a.checked_sub(b) {
            Some(d) if d.0 >= 0 => Ok(d),
            _ => Err(LedgerError::TooLarge),
        };
        let mut next = self.clone();
        let (posted, pending) = match side {
            Side::Debit => (&mut next.debits, &mut next.debits_pending),
            Side::Credit => (&mut next.credits, &mut next.credits_pending),
        };
        match phase {
            Phase::Posted => *posted = add(*posted, amount)?,
            Phase::Reserve => *pending = add(*pending, amount)?,
            Phase::PostReserved => {
                *pending = sub(*pending, amount)?;
                *posted = add(*posted, amount)?;
            }
            Phase::Release => *pending = sub(*pending, amount)?,
        }
        // Only postings against the normal side can break the guard.
        if next.guarded && side != next.normal && next.available().0 < 0 {
            return Err(LedgerError::WouldGoNegative {
                account: self.code.clone(),
                name: account(&self.code)
                    .map(|a| a.name_vi.to_string())
                    .unwrap_or_default(),
                available: self.available(),
                asked: amount,
            });
        }
        Ok(next)
    }
}

/// A pending entry and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingState {
    pub id: i64,
    pub amount: Dong,
    pub posted: Dong,
    pub released: Dong,
    /// Released (whatever was left), or fully posted.
    pub closed: bool,
}

impl PendingState {
    pub fn remaining(&self) -> Dong {
        Dong(self.amount.0 - self.posted.0 - self.released.0)
    }

    /// After posting `amount` of it.
    pub fn post(&self, amount: Dong) -> Result<PendingState, LedgerError> {
        if self.closed {
            return Err(LedgerError::PendingResolved { id: self.id });
        }
        if amount.0 <= 0 {
            return Err(LedgerError::NonPositiveAmount { line: 1 });
        }
        if amount > self.remaining() {
            return Err(LedgerError::PendingExceeded {
                id: self.id,
                remaining: self.remaining(),
                asked: amount,
            });
        }
        let posted = Dong(self.posted.0 + amount.0);
        Ok(PendingState {
            posted,
            closed: posted == self.amount,
            ..self.clone()
        })
    }

    /// After releasing what is left; the amount released.
    pub fn release(&self) -> Result<(PendingState, Dong), LedgerError> {
        if self.closed {
            return Err(LedgerError::PendingResolved { id: self.id });
        }
        let left = self.remaining();
        Ok((
            PendingState {
                released: Dong(self.released.0 + left.0),
                closed: true,
                ..self.clone()
            },
            left,
        ))
    }
}

/// One account's line of a trial balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceLine {
    pub code: String,
    pub name: String,
    pub debits: Dong,
    pub credits: Dong,
    /// On the account's normal side.
    pub balance: Dong,
}

/// Balances of every account at a date; debits and credits always total the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalance {
    pub accounts: Vec<BalanceLine>,
    pub total_debits: Dong,
    pub total_credits: Dong,
}

impl TrialBalance {
    /// From each account's posted debits and credits (in chart order).
    pub fn from_totals(
        totals: impl IntoIterator<Item = (String, Dong, Dong)>,
        lang: Lang,
    ) -> TrialBalance {
        let mut accounts = Vec::new();
        let (mut td, mut tc) = (0i64, 0i64);
        for (code, debits, credits) in totals {
            let spec = account(&code);
            let balance = match spec.map(|s| s.normal) {
                Some(Side::Credit) => Dong(credits.0 - debits.0),
                _ => Dong(debits.0 - credits.0),
            };
            td += debits.0;
            tc += credits.0;
            accounts.push(BalanceLine {
                name: spec.map(|s| s.name(lang).to_string()).unwrap_or_default(),
                code,
                debits,
                credits,
                balance,
            });
        }
        TrialBalance {
            accounts,
            total_debits: Dong(td),
            total_credits: Dong(tc),
        }
    }

    pub fn is_balanced(&self) -> bool {
        self.total_debits == self.total_credits
    }
}

#[cfg(test)]
mod tests;
