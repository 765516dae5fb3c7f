//! Procurement's records as the pages read them, and the reads.

use crate::documents::Document;
use crate::error::{Result, StoreError};
use crate::students::programs::parse_iso;
use domain::Lang;
use domain::dates::Millis;
use domain::money::Dong;
use domain::procurement::{ContractMoney, Funding, Method, PaymentKind, Stage};
use serde::Serialize;
use time::Date;

fn date(s: &str, table: &'static str, column: &'static str) -> Result<Date> {
    parse_iso(s, table, column)
}

pub(crate) fn opt_date(
    s: Option<String>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<Date>> {
    s.as_deref().map(|d| date(d, table, column)).transpose()
}

/// The step a kept document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Plan,
    Notice,
    BidOpening,
    Evaluation,
    Award,
    Contract,
    Delivery,
    Acceptance,
    Invoice,
    Payment,
    Other,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Step::Plan,
        Step::Notice,
        Step::BidOpening,
        Step::Evaluation,
        Step::Award,
        Step::Contract,
        Step::Delivery,
        Step::Acceptance,
        Step::Invoice,
        Step::Payment,
        Step::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Plan => "plan",
            Step::Notice => "notice",
            Step::BidOpening => "bid_opening",
            Step::Evaluation => "evaluation",
            Step::Award => "award",
            Step::Contract => "contract",
            Step::Delivery => "delivery",
            Step::Acceptance => "acceptance",
            Step::Invoice => "invoice",
            Step::Payment => "payment",
            Step::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Step::Plan => lang.pick(
                "Quyết định phê duyệt kế hoạch lựa chọn nhà thầu",
                "Selection plan decision",
            ),
            Step::Notice => lang.pick(
                "Thông báo mời thầu, hồ sơ mời thầu",
                "Bidding notice and documents",
            ),
            Step::BidOpening => lang.pick("Biên bản mở thầu", "Bid opening minutes"),
            Step::Evaluation => {
                lang.pick("Báo cáo đánh giá hồ sơ dự thầu", "Bid evaluation report")
            }
            Step::Award => lang.pick(
                "Quyết định phê duyệt kết quả lựa chọn nhà thầu",
                "Award decision",
            ),
            Step::Contract => lang.pick("Hợp đồng", "Contract"),
            Step::Delivery => lang.pick("Biên bản giao hàng", "Delivery note"),
            Step::Acceptance => lang.pick("Biên bản nghiệm thu", "Acceptance minutes"),
            Step::Invoice => lang.pick("Hóa đơn", "Invoice"),
            Step::Payment => lang.pick("Chứng từ thanh toán", "Payment voucher"),
            Step::Other => lang.pick("Tài liệu khác", "Other document"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub method: Method,
    pub estimate: Dong,
    pub funding: Funding,
    pub quantity: i64,
    pub model_id: Option<i64>,
    pub model: Option<String>,
    pub plan_no: Option<String>,
    pub plan_decision: Option<String>,
    pub plan_date: Date,
    pub schedule: String,
    pub notice_no: Option<String>,
    pub notice_date: Option<Date>,
    pub bid_closing: Option<Date>,
    pub award_no: Option<String>,
    pub award_date: Option<Date>,
    pub award_bid_id: Option<i64>,
    pub award_value: Option<Dong>,
    pub stage: Stage,
    pub cancel_reason: Option<String>,
    pub updated_at: Millis,
}

pub(crate) const PACKAGE_SELECT: &str = "SELECT p.id, p.code, p.name, p.method, p.estimate, p.funding, p.quantity, p.model_id,
            CASE WHEN m.id IS NULL THEN NULL ELSE m.brand || ' ' || m.model END AS model,
            p.plan_no, p.plan_decision, p.plan_date, p.schedule, p.notice_no, p.notice_date, p.bid_closing,
            p.award_no, p.award_date, p.award_bid_id, p.award_value, p.stage, p.cancel_reason, p.updated_at
       FROM procurement_packages p LEFT JOIN device_models m ON m.id = p.model_id";

#[derive(sqlx::FromRow)]
pub(crate) struct PackageRow {
    id: i64,
    code: String,
    name: String,
    method: String,
    estimate: i64,
    funding: String,
    quantity: i64,
    model_id: Option<i64>,
    model: Option<String>,
    plan_no: Option<String>,
    plan_decision: Option<String>,
    plan_date: String,
    schedule: String,
    notice_no: Option<String>,
    notice_date: Option<String>,
    bid_closing: Option<String>,
    award_no: Option<String>,
    award_date: Option<String>,
    award_bid_id: Option<i64>,
    award_value: Option<i64>,
    stage: String,
    cancel_reason: Option<String>,
    updated_at: i64,
}

impl PackageRow {
    pub(crate) fn record(self) -> Result<PackageRecord> {
        const T: &str = "procurement_packages";
        Ok(PackageRecord {
            id: self.id,
            method: Method::parse(&self.method)
                .ok_or_else(|| StoreError::corrupt(T, "method", self.method.clone()))?,
            funding: Funding::parse(&self.funding)
                .ok_or_else(|| StoreError::corrupt(T, "funding", self.funding.clone()))?,
            stage: Stage::parse(&self.stage)
                .ok_or_else(|| StoreError::corrupt(T, "stage", self.stage.clone()))?,
            plan_date: date(&self.plan_date, T, "plan_date")?,
            notice_date: opt_date(self.notice_date, T, "notice_date")?,
            bid_closing: opt_date(self.bid_closing, T, "bid_closing")?,
            award_date: opt_date(self.award_date, T, "award_date")?,
            code: self.code,
            name: self.name,
            estimate: Dong(self.estimate),
            quantity: self.quantity,
            model_id: self.model_id,
            model: self.model,
            plan_no: self.plan_no,
            plan_decision: self.plan_decision,
            schedule: self.schedule,
            notice_no: self.notice_no,
            award_no: self.award_no,
            award_bid_id: self.award_bid_id,
            award_value: self.award_value.map(Dong),
            cancel_reason: self.cancel_reason,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BidRecord {
    pub id: i64,
    pub bidder: String,
    pub tax_code: String,
    pub price: Dong,
    pub submitted_on: Date,
    pub valid: bool,
    pub reason: Option<String>,
}

pub(crate) const BIDS_SELECT: &str =
    "SELECT id, bidder, tax_code, price, submitted_on, valid, reason
       FROM procurement_bids WHERE package_id = $1 ORDER BY id";

#[derive(sqlx::FromRow)]
pub(crate) struct BidRow {
    id: i64,
    bidder: String,
    tax_code: String,
    price: i64,
    submitted_on: String,
    valid: bool,
    reason: Option<String>,
}

impl BidRow {
    pub(crate) fn record(self) -> Result<BidRecord> {
        Ok(BidRecord {
            id: self.id,
            submitted_on: date(&self.submitted_on, "procurement_bids", "submitted_on")?,
            bidder: self.bidder,
            tax_code: self.tax_code,
            price: Dong(self.price),
            valid: self.valid,
            reason: self.reason,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractRecord {
    pub id: i64,
    pub package_id: i64,
    pub package_code: String,
    pub number: String,
    pub supplier: String,
    pub tax_code: String,
    pub model_id: i64,
    pub model: String,
    pub quantity: i64,
    pub unit_price: Dong,
    pub value: Dong,
    pub signed_on: Date,
    pub delivery_deadline: Date,
    pub warranty_months: i64,
    pub delivered_qty: i64,
    pub accepted_qty: i64,
    pub money: ContractMoney,
    pub pending_entry: i64,
    pub release_entry: Option<i64>,
    /// What is still reserved of the contract's value in the ledger.
    pub commitment_left: Dong,
}

pub(crate) const CONTRACT_SELECT: &str = "SELECT c.id, c.package_id, p.code AS package_code, c.number, c.supplier, c.tax_code,
            c.model_id, m.brand || ' ' || m.model AS model, c.quantity, c.unit_price, c.value, c.signed_on,
            c.delivery_deadline, c.warranty_months, c.advance_limit, c.delivered_qty, c.accepted_qty, c.accepted,
            c.advanced, c.recovered, c.paid, c.pending_entry, c.release_entry,
            l.amount - l.posted - l.released AS commitment_left
       FROM procurement_contracts c JOIN procurement_packages p ON p.id = c.package_id
       JOIN device_models m ON m.id = c.model_id JOIN ledger_pending l ON l.entry_id = c.pending_entry";

#[derive(sqlx::FromRow)]
pub(crate) struct ContractRow {
    id: i64,
    package_id: i64,
    package_code: String,
    number: String,
    supplier: String,
    tax_code: String,
    model_id: i64,
    model: String,
    quantity: i64,
    unit_price: i64,
    value: i64,
    signed_on: String,
    delivery_deadline: String,
    warranty_months: i64,
    advance_limit: i64,
    delivered_qty: i64,
    accepted_qty: i64,
    accepted: i64,
    advanced: i64,
    recovered: i64,
    paid: i64,
    pending_entry: i64,
    release_entry: Option<i64>,
    commitment_left: i64,
}

impl ContractRow {
    pub(crate) fn record(self) -> Result<ContractRecord> {
        const T: &str = "procurement_contracts";
        Ok(ContractRecord {
            id: self.id,
            package_id: self.package_id,
            package_code: self.package_code,
            signed_on: date(&self.signed_on, T, "signed_on")?,
            delivery_deadline: date(&self.delivery_deadline, T, "delivery_deadline")?,
            number: self.number,
            supplier: self.supplier,
            tax_code: self.tax_code,
            model_id: self.model_id,
            model: self.model,
            quantity: self.quantity,
            unit_price: Dong(self.unit_price),
            value: Dong(self.value),
            warranty_months: self.warranty_months,
            delivered_qty: self.delivered_qty,
            accepted_qty: self.accepted_qty,
            money: ContractMoney {
                value: Dong(self.value),
                advance_limit: Dong(self.advance_limit),
                accepted: Dong(self.accepted),
                advanced: Dong(self.advanced),
                recovered: Dong(self.recovered),
                paid: Dong(self.paid),
            },
            pending_entry: self.pending_entry,
            release_entry: self.release_entry,
            commitment_left: Dong(self.commitment_left),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptanceRecord {
    pub id: i64,
    pub minutes_no: String,
    pub accepted_on: Date,
    pub quantity: i64,
    pub amount: Dong,
    pub recovery: Dong,
    pub members: String,
    pub entry_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    pub id: i64,
    pub contract_id: i64,
    pub delivery_no: String,
    pub delivered_on: Date,
    pub quantity: i64,
    pub note: String,
    /// Its devices whose serials are in the registry.
    pub registered: i64,
    pub acceptance: Option<AcceptanceRecord>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DeliveryRow {
    id: i64,
    contract_id: i64,
    delivery_no: String,
    delivered_on: String,
    quantity: i64,
    note: String,
    registered: i64,
    a_id: Option<i64>,
    minutes_no: Option<String>,
    accepted_on: Option<String>,
    a_quantity: Option<i64>,
    amount: Option<i64>,
    recovery: Option<i64>,
    members: Option<String>,
    entry_id: Option<i64>,
}

pub(crate) const DELIVERY_SELECT: &str = "SELECT d.id, d.contract_id, d.delivery_no, d.delivered_on, d.quantity, d.note,
            (SELECT COUNT(*) FROM devices v WHERE v.delivery_id = d.id) AS registered,
            a.id AS a_id, a.minutes_no, a.accepted_on, a.quantity AS a_quantity, a.amount, a.recovery, a.members, a.entry_id
       FROM procurement_deliveries d LEFT JOIN procurement_acceptances a ON a.delivery_id = d.id";

impl DeliveryRow {
    pub(crate) fn record(self) -> Result<DeliveryRecord> {
        const T: &str = "procurement_acceptances";
        let acceptance = match (self.a_id, self.minutes_no, self.accepted_on) {
            (Some(id), Some(minutes_no), Some(on)) => Some(AcceptanceRecord {
                id,
                minutes_no,
                accepted_on: date(&on, T, "accepted_on")?,
                quantity: self.a_quantity.unwrap_or(0),
                amount: Dong(self.amount.unwrap_or(0)),
                recovery: Dong(self.recovery.unwrap_or(0)),
                members: self.members.unwrap_or_default(),
                entry_id: self.entry_id.unwrap_or(0),
            }),
            _ => None,
        };
        Ok(DeliveryRecord {
            id: self.id,
            contract_id: self.contract_id,
            delivered_on: date(&self.delivered_on, "procurement_deliveries", "delivered_on")?,
            delivery_no: self.delivery_no,
            quantity: self.quantity,
            note: self.note,
            registered: self.registered,
            acceptance,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InvoiceRecord {
    pub id: i64,
    pub number: String,
    pub invoice_date: String,
    pub before_vat: i64,
    pub vat_rate: i64,
    pub vat: i64,
    pub total: i64,
    pub paid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Requested,
    Approved,
    Rejected,
}

impl PaymentStatus {
    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Requested => "requested",
            PaymentStatus::Approved => "approved",
            PaymentStatus::Rejected => "rejected",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<PaymentStatus> {
        [
            PaymentStatus::Requested,
            PaymentStatus::Approved,
            PaymentStatus::Rejected,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PaymentStatus::Requested => lang.pick("Chờ Sở Tài chính duyệt", "Waiting for Finance"),
            PaymentStatus::Approved => lang.pick("Đã duyệt, đã chi", "Approved and paid"),
            PaymentStatus::Rejected => lang.pick("Bị từ chối", "Rejected"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    pub id: i64,
    pub contract_id: i64,
    pub contract_no: String,
    pub package_id: i64,
    pub package_code: String,
    pub supplier: String,
    pub kind: PaymentKind,
    pub amount: Dong,
    pub account: String,
    pub invoice_id: Option<i64>,
    pub invoice_no: Option<String>,
    pub requested_on: Date,
    pub note: String,
    pub status: PaymentStatus,
    /// Who asked and who decided, by their full names where the accounts exist.
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<Date>,
    pub reason: Option<String>,
    pub entry_id: Option<i64>,
}

pub(crate) const PAYMENT_SELECT: &str = "SELECT y.id, y.contract_id, c.number AS contract_no, c.package_id, p.code AS package_code,
            c.supplier, y.kind, y.amount, y.account, y.invoice_id, i.number AS invoice_no, y.requested_on, y.note, y.status,
            COALESCE(ur.full_name, y.requested_by) AS requested_by, COALESCE(ud.full_name, y.decided_by) AS decided_by,
            y.decided_on, y.reason, y.entry_id
       FROM procurement_payments y JOIN procurement_contracts c ON c.id = y.contract_id
       JOIN procurement_packages p ON p.id = c.package_id
       LEFT JOIN procurement_invoices i ON i.id = y.invoice_id
       LEFT JOIN users ur ON ur.username = y.requested_by LEFT JOIN users ud ON ud.username = y.decided_by";

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentRow {
    id: i64,
    contract_id: i64,
    contract_no: String,
    package_id: i64,
    package_code: String,
    supplier: String,
    kind: String,
    amount: i64,
    account: String,
    invoice_id: Option<i64>,
    invoice_no: Option<String>,
    requested_on: String,
    note: String,
    status: String,
    requested_by: String,
    decided_by: Option<String>,
    decided_on: Option<String>,
    reason: Option<String>,
    entry_id: Option<i64>,
}

impl PaymentRow {
    pub(crate) fn record(self) -> Result<PaymentRecord> {
        const T: &str = "procurement_payments";
        Ok(PaymentRecord {
            id: self.id,
            kind: PaymentKind::parse(&self.kind)
                .ok_or_else(|| StoreError::corrupt(T, "kind", self.kind.clone()))?,
            status: PaymentStatus::parse(&self.status)
                .ok_or_else(|| StoreError::corrupt(T, "status", self.status.clone()))?,
            requested_on: date(&self.requested_on, T, "requested_on")?,
            decided_on: opt_date(self.decided_on, T, "decided_on")?,
            contract_id: self.contract_id,
            contract_no: self.contract_no,
            package_id: self.package_id,
            package_code: self.package_code,
            supplier: self.supplier,
            amount: Dong(self.amount),
            account: self.account,
            invoice_id: self.invoice_id,
            invoice_no: self.invoice_no,
            note: self.note,
            requested_by: self.requested_by,
            decided_by: self.decided_by,
            reason: self.reason,
            entry_id: self.entry_id,
        })
    }
}

/// A kept document of a package, with its step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepDocument {
    pub document: Document,
    pub step: Step,
    pub number: Option<String>,
    pub date: Option<Date>,
}

/// A delivery whose serials are still to scan, as the intake page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DeliveryToScan {
    pub delivery_id: i64,
    pub delivery_no: String,
    pub contract_no: String,
    pub supplier: String,
    pub model_id: i64,
    pub model: String,
    pub quantity: i64,
    pub registered: i64,
}

/// The money of every contract together, for the dashboard and the ledger's readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ProcurementTotals {
    pub packages: i64,
    pub contracts: i64,
    pub contracted: Dong,
    pub accepted: Dong,
    /// Cash out: advances and payments.
    pub paid: Dong,
    /// Still reserved in the ledger.
    pub committed: Dong,
    pub waiting_payments: i64,
}
