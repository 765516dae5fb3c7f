//! A report's figures as data: what the store reads and what the spreadsheet, the PDF, the
//! pages and the open data render.

use super::{Funnel, Period};
use crate::money::Dong;
use serde::Serialize;

/// A tier as a report heads its column.
#[derive(Debug, Clone, Serialize)]
pub struct TierHead {
    pub rank: i64,
    pub code: String,
    pub label: String,
    pub label_en: Option<String>,
}

/// A row of the funnel: a district office (or the Sở, for the schools directly under it)
/// when the report is of the province; a school when it is of a district.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    /// The row stands for the schools directly under the Sở.
    pub direct: bool,
    /// One funnel per tier, in the order of [`ProgressReport::tiers`].
    pub by_tier: Vec<Funnel>,
    pub total: Funnel,
}

/// Where the devices are (now), and how many entered the registry in the period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeviceFigures {
    pub received_donated: i64,
    pub received_bought: i64,
    /// Received, waiting for appraisal or appraised, not yet in stock.
    pub awaiting_appraisal: i64,
    pub in_stock: i64,
    pub allocated: i64,
    pub with_unit: i64,
    pub with_school: i64,
    pub with_student: i64,
    pub under_repair: i64,
    pub out_of_use: i64,
}

/// Money, for a report of the whole province (the ledger is the Department's).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MoneyFigures {
    /// Cash donations received (account 4311), reversals netted.
    pub raised: Dong,
    /// Budget allocated (4612).
    pub budget: Dong,
    /// Spent on devices (6111).
    pub spent: Dong,
    /// At the end of the period: in the bank and the treasury (1121, 1122).
    pub held: Dong,
    /// At the end of the period: received by the Front, not yet transferred (1388).
    pub held_by_mttq: Dong,
    /// Contracts signed in the period, their value.
    pub contracted: Dong,
    pub contracts: i64,
    /// Still reserved by contracts now (the ledger's pending amounts).
    pub committed_now: Dong,
    /// Donations in kind received in the period: receipts, devices, value.
    pub in_kind_receipts: i64,
    pub in_kind_devices: i64,
    pub in_kind_value: Dong,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub stage: crate::procurement::Stage,
    pub quantity: i64,
    pub estimate: Dong,
    pub supplier: Option<String>,
    pub contract_value: Option<Dong>,
    pub delivered: i64,
    pub paid: Dong,
}

/// A donor and what they gave in the period.
#[derive(Debug, Clone, Serialize)]
pub struct DonorLine {
    pub id: i64,
    pub name: String,
    /// Whether the donor agreed to be named in public.
    pub publish_name: bool,
    pub cash: Dong,
    pub in_kind_value: Dong,
    pub devices: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    /// The report covers the whole province: devices at the Board, money, packages and
    /// donors are in it.
    pub whole_province: bool,
    pub program_id: i64,
    pub program_name: String,
    #[serde(skip)]
    pub period: Period,
    pub tiers: Vec<TierHead>,
    pub rows: Vec<ReportRow>,
    pub by_tier: Vec<Funnel>,
    pub total: Funnel,
    pub devices: DeviceFigures,
    pub money: Option<MoneyFigures>,
    pub packages: Vec<PackageLine>,
    pub donors: Vec<DonorLine>,
}

impl ProgressReport {
    pub fn tier_index(&self, rank: i64) -> Option<usize> {
        self.tiers.iter().position(|t| t.rank == rank)
    }
}
