//! Procurement under the Law on Bidding: a tender package (gói thầu) with its selection
//! method, estimate, funding and its numbers on the national e-procurement system; the
//! dated thresholds that say which method fits which value; bids and their evaluation; the
//! award; the contract whose value is its quantity times its unit price; deliveries,
//! acceptance, invoices and payments, with the rules that keep the money honest:
//!
//! - a payment never takes what was paid past the contract's value;
//! - nothing is paid before a delivery is accepted, unless the contract provides an
//!   advance, and an advance never exceeds what the contract provides;
//! - an advance is paid only before the first acceptance, and is recovered from the
//!   first accepted deliveries, so that what is paid
//!   against deliveries never exceeds what was accepted;
//! - an invoice number is used once per supplier, and its VAT adds up.
//!
//! The store keeps the same rules again in CHECK constraints on the contract's running
//! totals (docs/adr/0023-procurement.md). The OCDS release package is made in `ocds`.

mod error;
pub mod ocds;
#[cfg(test)]
mod tests;

pub use error::ProcurementError;

use crate::money::Dong;
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use time::Date;

/// A field of a procurement step that is missing or wrong, and why.
pub fn invalid(field: &'static str, vi: &str, en: &str) -> DomainError {
    ProcurementError::Invalid {
        field,
        reason_vi: vi.into(),
        reason_en: en.into(),
    }
    .into()
}

/// The contractor selection methods of the Law on Bidding (Luật Đấu thầu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Đấu thầu rộng rãi: anyone may bid.
    OpenBidding,
    /// Đấu thầu hạn chế: only invited bidders.
    LimitedBidding,
    /// Chỉ định thầu: one contractor appointed, within a threshold.
    DirectAppointment,
    /// Chào hàng cạnh tranh: quotations for common goods, within a threshold.
    CompetitiveQuotation,
    /// Mua sắm trực tiếp: a repeat of an earlier contract's goods.
    DirectProcurement,
    /// Tự thực hiện: the owner does it itself.
    SelfPerformance,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::OpenBidding,
        Method::LimitedBidding,
        Method::DirectAppointment,
        Method::CompetitiveQuotation,
        Method::DirectProcurement,
        Method::SelfPerformance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Method::OpenBidding => "dau_thau_rong_rai",
            Method::LimitedBidding => "dau_thau_han_che",
            Method::DirectAppointment => "chi_dinh_thau",
            Method::CompetitiveQuotation => "chao_hang_canh_tranh",
            Method::DirectProcurement => "mua_sam_truc_tiep",
            Method::SelfPerformance => "tu_thuc_hien",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.code() == s.trim())
    }

    /// The name the law gives it, in Vietnamese (also what OCDS's
    /// `procurementMethodDetails` carries).
    pub fn name_vi(self) -> &'static str {
        match self {
            Method::OpenBidding => "Đấu thầu rộng rãi",
            Method::LimitedBidding => "Đấu thầu hạn chế",
            Method::DirectAppointment => "Chỉ định thầu",
            Method::CompetitiveQuotation => "Chào hàng cạnh tranh",
            Method::DirectProcurement => "Mua sắm trực tiếp",
            Method::SelfPerformance => "Tự thực hiện",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(
            self.name_vi(),
            match self {
                Method::OpenBidding => "Open bidding",
                Method::LimitedBidding => "Limited bidding",
                Method::DirectAppointment => "Direct appointment",
                Method::CompetitiveQuotation => "Competitive quotation",
                Method::DirectProcurement => "Direct procurement (repeat order)",
                Method::SelfPerformance => "Self-performance",
            },
        )
    }

    /// OCDS's closed `method` codelist: who could take part.
    pub fn ocds(self) -> &'static str {
        match self {
            Method::OpenBidding | Method::CompetitiveQuotation => "open",
            Method::LimitedBidding => "limited",
            Method::DirectAppointment | Method::DirectProcurement | Method::SelfPerformance => {
                "direct"
            }
        }
    }

    /// Whether bids are invited and evaluated (the others name their contractor).
    pub fn takes_bids(self) -> bool {
        matches!(
            self,
            Method::OpenBidding | Method::LimitedBidding | Method::CompetitiveQuotation
        )
    }
}

/// Where a package's money comes from, and so which account pays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    /// The province's budget allocation: paid from the State Treasury account.
    Budget,
    /// Donations: paid from the Department's donations account.
    Donations,
    /// Both: each payment says which account it is paid from.
    Mixed,
}

impl Funding {
    pub const ALL: [Funding; 3] = [Funding::Budget, Funding::Donations, Funding::Mixed];

    pub fn code(self) -> &'static str {
        match self {
            Funding::Budget => "budget",
            Funding::Donations => "donations",
            Funding::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<Funding> {
        Funding::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Funding::Budget => lang.pick("Ngân sách tỉnh", "Province budget"),
            Funding::Donations => lang.pick("Nguồn vận động, ủng hộ", "Donations"),
            Funding::Mixed => lang.pick("Ngân sách và nguồn vận động", "Budget and donations"),
        }
    }

    /// The accounts a payment may come from.
    pub fn accounts(self) -> &'static [&'static str] {
        use crate::ledger::{BANK, TREASURY};
        match self {
            Funding::Budget => &[TREASURY],
            Funding::Donations => &[BANK],
            Funding::Mixed => &[TREASURY, BANK],
        }
    }
}

/// A threshold of the law as a dated rule: from `valid_from`, a package under `method`
/// may be worth at most `max_value`. Decrees change them; the Department edits the rules
/// rather than the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdRule {
    pub method: Method,
    pub max_value: Dong,
    pub valid_from: Date,
    /// The decree or circular it comes from.
    pub legal_basis: String,
}

/// The rule in force for `method` on `on`: the latest that started on or before it.
pub fn rule_in_force(rules: &[ThresholdRule], method: Method, on: Date) -> Option<&ThresholdRule> {
    rules
        .iter()
        .filter(|r| r.method == method && r.valid_from <= on)
        .max_by_key(|r| r.valid_from)
}

/// Why a package's method does not fit its value, when it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodWarning {
    pub method: Method,
    pub estimate: Dong,
    pub max_value: Dong,
    pub legal_basis: String,
}

impl MethodWarning {
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::Vi {
            format!(
                "Giá gói thầu {} vượt hạn mức {} của hình thức {} theo {}: cần xem lại hình thức lựa chọn nhà thầu.",
                self.estimate,
                self.max_value,
                self.method.name_vi().to_lowercase(),
                self.legal_basis
            )
        } else {
            format!(
                "The package's estimate {} is above the {} allowed for {} under {}: review the selection method.",
                self.estimate,
                self.max_value,
                self.method.label(Lang::En).to_lowercase(),
                self.legal_basis
            )
        }
    }
}

/// A warning when `method` does not fit `estimate` under the rules in force on `on`.
pub fn method_warning(
    rules: &[ThresholdRule],
    method: Method,
    estimate: Dong,
    on: Date,
) -> Option<MethodWarning> {
    let rule = rule_in_force(rules, method, on)?;
    (estimate > rule.max_value).then(|| MethodWarning {
        method,
        estimate,
        max_value: rule.max_value,
        legal_basis: rule.legal_basis.clone(),
    })
}

/// The thresholds the program starts with, for goods bought from the recurrent budget.
/// They are the Department's to check and edit (`/procurement/thresholds`).
pub fn default_rules() -> Vec<ThresholdRule> {
    use time::macros::date;
    let rule = |method, max: i64, valid_from, basis: &str| ThresholdRule {
        method,
        max_value: Dong(max),
        valid_from,
        legal_basis: basis.into(),
    };
    vec![
        rule(
            Method::DirectAppointment,
            100_000_000,
            date!(2014 - 08 - 15),
            "Nghị định 63/2014/NĐ-CP",
        ),
        rule(
            Method::CompetitiveQuotation,
            5_000_000_000,
            date!(2014 - 08 - 15),
            "Nghị định 63/2014/NĐ-CP",
        ),
        rule(
            Method::DirectAppointment,
            300_000_000,
            date!(2024 - 02 - 27),
            "Nghị định 24/2024/NĐ-CP",
        ),
        rule(
            Method::CompetitiveQuotation,
            10_000_000_000,
            date!(2024 - 02 - 27),
            "Nghị định 24/2024/NĐ-CP",
        ),
    ]
}

/// A text field: trimmed, spaces collapsed, 1..=max characters, no control characters.
pub fn text(
    raw: &str,
    field: &'static str,
    max: usize,
    vi: &str,
    en: &str,
) -> Result<String, DomainError> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = t.chars().count();
    if n == 0 {
        return Err(invalid(
            field,
            &format!("cần ghi {vi}"),
            &format!("{en} is required"),
        ));
    }
    if n > max || t.chars().any(char::is_control) {
        return Err(invalid(
            field,
            &format!("{vi} dài quá {max} ký tự"),
            &format!("{en} is longer than {max} characters"),
        ));
    }
    Ok(t)
}

/// A number on the national e-procurement system (muasamcong.mpi.gov.vn): `prefix`
/// (`PL` for a selection plan, `IB` for a bidding notice) and 8 to 12 digits, with an
/// optional version `-00`. Written in any case, with spaces.
pub fn system_number(raw: &str, prefix: &str, field: &'static str) -> Result<String, DomainError> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let ok = t.strip_prefix(prefix).is_some_and(|rest| {
        let (digits, version) = rest.split_once('-').unwrap_or((rest, ""));
        (8..=12).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (version.is_empty()
                || (version.len() == 2 && version.bytes().all(|b| b.is_ascii_digit())))
            && !(rest.contains('-') && version.is_empty())
    });
    if !ok {
        let (vi, en) = if prefix == "PL" {
            ("số kế hoạch lựa chọn nhà thầu", "the selection plan number")
        } else {
            ("số thông báo mời thầu", "the bidding notice number")
        };
        return Err(invalid(
            field,
            &format!(
                "{vi} trên Hệ thống mạng đấu thầu quốc gia có dạng {prefix} và 8 đến 12 chữ số, ví dụ {prefix}2600012345"
            ),
            &format!(
                "{en} on the national e-procurement system is {prefix} and 8 to 12 digits, e.g. {prefix}2600012345"
            ),
        ));
    }
    Ok(t)
}

/// A Vietnamese tax code (mã số thuế): 10 digits, or 10 digits, a dash and 3 digits for
/// a branch.
pub fn tax_code(raw: &str) -> Result<String, DomainError> {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (main, branch) = t.split_once('-').unwrap_or((&t, ""));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(main, 10) || !(branch.is_empty() && !t.contains('-') || digits(branch, 3)) {
        return Err(invalid(
            "tax_code",
            "mã số thuế gồm 10 chữ số (chi nhánh: 10 chữ số, gạch ngang, 3 chữ số)",
            "a tax code is 10 digits (a branch: 10 digits, a dash, 3 digits)",
        ));
    }
    Ok(t)
}

/// An amount of money that must be above zero.
pub fn positive(amount: Dong, field: &'static str) -> Result<Dong, DomainError> {
    if amount.0 <= 0 {
        return Err(invalid(
            field,
            "số tiền phải là số nguyên đồng lớn hơn 0",
            "the amount must be a whole number of đồng above 0",
        ));
    }
    Ok(amount)
}

/// A new tender package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPackage {
    /// The package's own code in the plan (e.g. `GT01-2026`).
    pub code: String,
    pub name: String,
    pub method: Method,
    pub estimate: Dong,
    pub funding: Funding,
    /// Devices to buy.
    pub quantity: i64,
    pub plan_no: Option<String>,
    pub plan_decision: Option<String>,
    pub plan_date: Date,
    /// When selection should start and the contract end (free text as plans say it:
    /// "Quý IV/2026").
    pub schedule: String,
}

impl NewPackage {
    pub fn checked(&self) -> Result<NewPackage, DomainError> {
        let code = text(&self.code, "code", 40, "mã gói thầu", "the package code")?;
        let name = text(&self.name, "name", 300, "tên gói thầu", "the package name")?;
        positive(self.estimate, "estimate")?;
        if self.quantity <= 0 || self.quantity > 1_000_000 {
            return Err(invalid(
                "quantity",
                "số lượng thiết bị phải từ 1 đến 1.000.000",
                "the number of devices must be 1 to 1,000,000",
            ));
        }
        let plan_no = match self
            .plan_no
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(system_number(p, "PL", "plan_no")?),
            None => None,
        };
        let plan_decision = match self
            .plan_decision
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(text(
                d,
                "plan_decision",
                80,
                "số quyết định phê duyệt kế hoạch",
                "the plan's decision number",
            )?),
            None => None,
        };
        let schedule = if self.schedule.trim().is_empty() {
            String::new()
        } else {
            text(&self.schedule, "schedule", 200, "tiến độ", "the schedule")?
        };
        Ok(NewPackage {
            code,
            name,
            plan_no,
            plan_decision,
            schedule,
            ..self.clone()
        })
    }
}

/// A bid as opened (biên bản mở thầu) and evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBid {
    pub bidder: String,
    pub tax_code: String,
    pub price: Dong,
    pub submitted_on: Date,
    /// `None` until evaluated; `Some(false)` with a reason when disqualified.
    pub valid: bool,
    pub reason: Option<String>,
}

impl NewBid {
    pub fn checked(&self) -> Result<NewBid, DomainError> {
        let bidder = text(
            &self.bidder,
            "bidder",
            200,
            "tên nhà thầu",
            "the bidder's name",
        )?;
        let tax_code = tax_code(&self.tax_code)?;
        positive(self.price, "price")?;
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|r| text(r, "reason", 500, "lý do", "the reason"))
            .transpose()?;
        if !self.valid && reason.is_none() {
            return Err(invalid(
                "reason",
                "hồ sơ dự thầu không hợp lệ cần ghi lý do",
                "a bid found not valid needs its reason",
            ));
        }
        Ok(NewBid {
            bidder,
            tax_code,
            reason: if self.valid { None } else { reason },
            ..self.clone()
        })
    }
}

/// The bid to award among `bids` (price, valid): the lowest valid price, the earliest
/// recorded on a tie (goods are evaluated by lowest price here). Returns its index.
pub fn lowest_valid(bids: &[(Dong, bool)]) -> Option<usize> {
    bids.iter()
        .enumerate()
        .filter(|(_, (_, valid))| *valid)
        .min_by_key(|(i, (price, _))| (*price, *i))
        .map(|(i, _)| i)
}

/// A contract as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContract {
    pub number: String,
    pub supplier: String,
    pub tax_code: String,
    pub quantity: i64,
    pub unit_price: Dong,
    pub value: Dong,
    pub signed_on: Date,
    pub delivery_deadline: Date,
    pub warranty_months: i64,
    /// The most the contract lets be paid before acceptance (0 when none).
    pub advance: Dong,
}

impl NewContract {
    pub fn checked(&self) -> Result<NewContract, DomainError> {
        let number = text(
            &self.number,
            "number",
            60,
            "số hợp đồng",
            "the contract number",
        )?;
        let supplier = text(
            &self.supplier,
            "supplier",
            200,
            "tên nhà cung cấp",
            "the supplier's name",
        )?;
        let tax_code = tax_code(&self.tax_code)?;
        if self.quantity <= 0 || self.quantity > 1_000_000 {
            return Err(invalid(
                "quantity",
                "số lượng phải từ 1 đến 1.000.000",
                "the quantity must be 1 to 1,000,000",
            ));
        }
        positive(self.unit_price, "unit_price")?;
        positive(self.value, "value")?;
        if self.unit_price.0.checked_mul(self.quantity) != Some(self.value.0) {
            return Err(ProcurementError::ContractValue {
                quantity: self.quantity,
                unit_price: self.unit_price,
                value: self.value,
            }
            .into());
        }
        if self.delivery_deadline < self.signed_on {
            return Err(invalid(
                "delivery_deadline",
                "hạn giao hàng không được trước ngày ký hợp đồng",
                "the delivery deadline cannot be before the signing date",
            ));
        }
        if !(0..=120).contains(&self.warranty_months) {
            return Err(invalid(
                "warranty_months",
                "thời gian bảo hành từ 0 đến 120 tháng",
                "the warranty is 0 to 120 months",
            ));
        }
        if self.advance.0 < 0 || self.advance > self.value {
            return Err(invalid(
                "advance",
                "tiền tạm ứng không được âm hay vượt giá trị hợp đồng",
                "the advance cannot be negative or above the contract's value",
            ));
        }
        Ok(NewContract {
            number,
            supplier,
            tax_code,
            ..self.clone()
        })
    }
}

/// A contract's running totals, in đồng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContractMoney {
    pub value: Dong,
    /// The most that may be advanced.
    pub advance_limit: Dong,
    /// Accepted deliveries, at the unit price.
    pub accepted: Dong,
    /// Advances paid.
    pub advanced: Dong,
    /// Advances set off against accepted deliveries.
    pub recovered: Dong,
    /// Paid against accepted deliveries.
    pub paid: Dong,
}

/// What a payment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// Tạm ứng: before acceptance, within the contract's advance.
    Advance,
    /// Thanh toán: against accepted deliveries and an invoice.
    Payment,
}

impl PaymentKind {
    pub fn code(self) -> &'static str {
        match self {
            PaymentKind::Advance => "advance",
            PaymentKind::Payment => "payment",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentKind> {
        match s.trim() {
            "advance" => Some(PaymentKind::Advance),
            "payment" => Some(PaymentKind::Payment),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PaymentKind::Advance => lang.pick("Tạm ứng", "Advance"),
            PaymentKind::Payment => lang.pick("Thanh toán", "Payment"),
        }
    }
}

impl ContractMoney {
    /// All cash that left for this contract.
    pub fn cash_out(&self) -> Dong {
        Dong(self.advanced.0 + self.paid.0)
    }

    /// What may still be paid against accepted deliveries.
    pub fn payable(&self) -> Dong {
        Dong(self.accepted.0 - self.recovered.0 - self.paid.0)
    }

    /// What may still be advanced.
    pub fn advanceable(&self) -> Dong {
        Dong((self.advance_limit.0 - self.advanced.0).min(self.value.0 - self.cash_out().0))
    }

    /// The advance set off when `amount` more is accepted: what is still outstanding of
    /// the advances, up to the amount.
    pub fn recovery_on(&self, amount: Dong) -> Dong {
        Dong((self.advanced.0 - self.recovered.0).min(amount.0).max(0))
    }

    /// The totals after `amount` more is accepted.
    pub fn accept(&self, amount: Dong) -> Result<ContractMoney, DomainError> {
        let accepted = self.accepted.0 + amount.0;
        if amount.0 <= 0 || accepted > self.value.0 {
            return Err(invalid(
                "quantity",
                "giá trị nghiệm thu phải lớn hơn 0 và không vượt giá trị hợp đồng",
                "what is accepted must be above 0 and within the contract's value",
            ));
        }
        Ok(ContractMoney {
            accepted: Dong(accepted),
            recovered: Dong(self.recovered.0 + self.recovery_on(amount).0),
            ..*self
        })
    }

    /// Whether `amount` may be paid now as `kind`; the totals after it.
    pub fn pay(&self, kind: PaymentKind, amount: Dong) -> Result<ContractMoney, DomainError> {
        positive(amount, "amount")?;
        let over_value = self.cash_out().0 + amount.0 > self.value.0;
        match kind {
            PaymentKind::Advance => {
                if self.advance_limit.0 == 0 {
                    return Err(ProcurementError::NoAdvance.into());
                }
                if self.accepted.0 > 0 {
                    return Err(ProcurementError::OutOfOrder {
                        step_vi: "đã có hàng được nghiệm thu, không tạm ứng thêm mà thanh toán theo khối lượng nghiệm thu".into(),
                        step_en: "deliveries were already accepted: pay for what was accepted instead of advancing more".into(),
                    }
                    .into());
                }
                if amount > self.advanceable() || over_value {
                    return Err(ProcurementError::PaymentTooLarge {
                        asked: amount,
                        allowed: self.advanceable().max(Dong::ZERO),
                        reason_vi: "mức tạm ứng hợp đồng cho phép còn lại",
                        reason_en: "what is left of the contract's advance",
                    }
                    .into());
                }
                Ok(ContractMoney {
                    advanced: Dong(self.advanced.0 + amount.0),
                    ..*self
                })
            }
            PaymentKind::Payment => {
                if self.accepted.0 == 0 {
                    return Err(ProcurementError::NoAdvance.into());
                }
                if amount > self.payable() || over_value {
                    return Err(ProcurementError::PaymentTooLarge {
                        asked: amount,
                        allowed: self.payable().max(Dong::ZERO),
                        reason_vi: "giá trị đã nghiệm thu trừ tạm ứng đã thu hồi và đã thanh toán",
                        reason_en: "accepted, less advances recovered and payments made",
                    }
                    .into());
                }
                Ok(ContractMoney {
                    paid: Dong(self.paid.0 + amount.0),
                    ..*self
                })
            }
        }
    }

    /// The invariants the database keeps too.
    pub fn holds(&self) -> bool {
        let v = self.value.0;
        (0..=v).contains(&self.accepted.0)
            && (0..=self.advance_limit.0).contains(&self.advanced.0)
            && (0..=self.advanced.0).contains(&self.recovered.0)
            && self.paid.0 >= 0
            && self.paid.0 + self.recovered.0 <= self.accepted.0
            && self.advanced.0 + self.paid.0 <= v
    }
}

/// The VAT rates an invoice may carry (percent).
pub const VAT_RATES: [i64; 4] = [0, 5, 8, 10];

/// An invoice (hóa đơn GTGT) for a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvoice {
    /// Số hóa đơn, with its symbol if written (`1C26TAA 0000128`).
    pub number: String,
    pub date: Date,
    pub before_vat: Dong,
    pub vat_rate: i64,
    pub vat: Dong,
    pub total: Dong,
}

impl NewInvoice {
    /// The VAT of `before` at `rate` percent, rounded to the nearest đồng.
    pub fn vat_of(before: Dong, rate: i64) -> Dong {
        Dong((before.0 * rate + 50) / 100)
    }

    pub fn checked(&self) -> Result<NewInvoice, DomainError> {
        let number = text(
            &self.number,
            "number",
            40,
            "số hóa đơn",
            "the invoice number",
        )?;
        positive(self.before_vat, "before_vat")?;
        if !VAT_RATES.contains(&self.vat_rate) {
            return Err(invalid(
                "vat_rate",
                "thuế suất GTGT là 0%, 5%, 8% hoặc 10%",
                "the VAT rate is 0%, 5%, 8% or 10%",
            ));
        }
        let expected = NewInvoice::vat_of(self.before_vat, self.vat_rate);
        if self.vat.0 < 0 || self.vat.0.abs_diff(expected.0) > 1 {
            return Err(invalid(
                "vat",
                &format!(
                    "tiền thuế GTGT {} không khớp thuế suất {}% của {} (phải là {expected})",
                    self.vat, self.vat_rate, self.before_vat
                ),
                &format!(
                    "the VAT {} does not match {}% of {} (it should be {expected})",
                    self.vat, self.vat_rate, self.before_vat
                ),
            ));
        }
        if self.before_vat.checked_add(self.vat) != Some(self.total) {
            return Err(invalid(
                "total",
                &format!(
                    "tổng tiền thanh toán phải bằng tiền hàng cộng thuế ({} + {} )",
                    self.before_vat, self.vat
                ),
                &format!(
                    "the total must be the amount plus VAT ({} + {})",
                    self.before_vat, self.vat
                ),
            ));
        }
        Ok(NewInvoice {
            number,
            ..self.clone()
        })
    }
}

/// Where a package stands, from what has been recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Planned,
    Tendering,
    Awarded,
    Contracted,
    Delivered,
    Completed,
    Cancelled,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Planned => "planned",
            Stage::Tendering => "tendering",
            Stage::Awarded => "awarded",
            Stage::Contracted => "contracted",
            Stage::Delivered => "delivered",
            Stage::Completed => "completed",
            Stage::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        [
            Stage::Planned,
            Stage::Tendering,
            Stage::Awarded,
            Stage::Contracted,
            Stage::Delivered,
            Stage::Completed,
            Stage::Cancelled,
        ]
        .into_iter()
        .find(|st| st.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Planned => lang.pick("Đã có kế hoạch", "Planned"),
            Stage::Tendering => lang.pick("Đang lựa chọn nhà thầu", "Tendering"),
            Stage::Awarded => lang.pick("Đã phê duyệt kết quả", "Awarded"),
            Stage::Contracted => lang.pick("Đã ký hợp đồng", "Contracted"),
            Stage::Delivered => lang.pick("Đã nghiệm thu toàn bộ", "Fully accepted"),
            Stage::Completed => lang.pick("Đã thanh toán xong", "Paid in full"),
            Stage::Cancelled => lang.pick("Đã hủy", "Cancelled"),
        }
    }

    /// OCDS's `tender.status`.
    pub fn ocds_tender_status(self) -> &'static str {
        match self {
            Stage::Planned => "planned",
            Stage::Tendering => "active",
            Stage::Cancelled => "cancelled",
            _ => "complete",
        }
    }
}
