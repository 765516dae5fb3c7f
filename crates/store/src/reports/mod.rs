//! The program's figures for a unit and a period, read in one place so that a report, the
//! dashboard and the public portal count the same things the same way: the funnel of
//! students by unit and tier, the devices, the money, the procurement packages and the
//! donors.
//!
//! What the period bounds: the lists are a standing (students listed and approved are
//! counted as the lists stand); allocation by the day its run was executed, handover by
//! the day the minutes were signed, the sector database by the day of entry, devices by
//! the day they entered the registry, money by the ledger entry's date, contracts by the
//! day they were signed.

use crate::Store;
use crate::db::q;
use crate::error::Result;
use crate::students::programs::Program;
use crate::units::Unit;
use domain::money::Dong;
pub mod retention;

pub use domain::reports::figures::*;
use domain::reports::{Funnel, Period, Stage};
use domain::units::UnitPath;
use std::collections::{BTreeMap, HashMap};

type Counted = Vec<(i64, i64, i64)>;

impl Store {
    /// The program a report is of when none is named: the current round's, else the
    /// newest.
    pub async fn report_program(&self, id: Option<i64>) -> Result<Option<Program>> {
        let programs = self.programs().await?;
        if let Some(id) = id {
            return Ok(programs.into_iter().find(|p| p.id == id));
        }
        if let Some(r) = self.current_round().await?
            && let Some(p) = programs.iter().find(|p| p.id == r.program_id)
        {
            return Ok(Some(p.clone()));
        }
        Ok(programs.into_iter().max_by_key(|p| p.id))
    }

    /// The figures of `unit`'s subtree for `program` over `period`.
    pub async fn progress_report(
        &self,
        unit: &Unit,
        program: &Program,
        period: Period,
    ) -> Result<ProgressReport> {
        let scope = &unit.path;
        let (lo, hi) = scope.subtree_range();
        let (t0, t1) = period.millis();
        let (d0, d1) = period.iso();
        let whole_province = unit.parent_id.is_none();
        let tiers: Vec<TierHead> = self
            .tiers(program.id)
            .await?
            .into_iter()
            .map(|t| TierHead {
                rank: t.rank as i64,
                code: t.code,
                label: t.label,
                label_en: t.label_en,
            })
            .collect();

        // The schools of the scope and the row each belongs to.
        let schools: Vec<(i64, String)> =
            q("SELECT id, path FROM units WHERE kind = 'school' AND path >= $1 AND path < $2")
                .bind(&lo)
                .bind(&hi)
                .fetch_all(self.pool())
                .await?;
        let depth = scope.depth();
        let mut row_of: HashMap<i64, i64> = HashMap::with_capacity(schools.len());
        for (id, path) in &schools {
            let row = UnitPath::parse(path)
                .and_then(|p| p.ids().nth(depth))
                .unwrap_or(*id);
            row_of.insert(*id, row);
        }

        let listed: Vec<(i64, i64, i64, Option<i64>)> = q(
            "SELECT s.school_id, t.rank, COUNT(*), CAST(SUM(CASE WHEN s.review = 'approved' THEN 1 ELSE 0 END) AS BIGINT)
               FROM students s JOIN tiers t ON t.id = s.tier_id JOIN rounds r ON r.id = s.round_id
               JOIN units u ON u.id = s.school_id
              WHERE r.program_id = $3 AND s.review <> 'withdrawn' AND u.path >= $1 AND u.path < $2
              GROUP BY s.school_id, t.rank",
        )
        .bind(&lo)
        .bind(&hi)
        .bind(program.id)
        .fetch_all(self.pool())
        .await?;
        let allocated: Counted = q("SELECT s.school_id, t.rank, COUNT(DISTINCT al.student_id)
               FROM allocation_lines al JOIN allocation_runs r ON r.id = al.run_id
               JOIN rounds ro ON ro.id = r.round_id
               JOIN students s ON s.id = al.student_id JOIN tiers t ON t.id = s.tier_id
               JOIN units u ON u.id = s.school_id
              WHERE r.status = 'executed' AND al.device_id IS NOT NULL AND ro.program_id = $3
                AND r.executed_at BETWEEN $4 AND $5 AND u.path >= $1 AND u.path < $2
              GROUP BY s.school_id, t.rank")
        .bind(&lo)
        .bind(&hi)
        .bind(program.id)
        .bind(t0)
        .bind(t1)
        .fetch_all(self.pool())
        .await?;
        let handed: Counted = q(
            "SELECT s.school_id, t.rank, COUNT(DISTINCT i.device_id)
               FROM handovers h JOIN handover_items i ON i.handover_id = h.id AND i.status = 'received'
               JOIN students s ON s.id = h.student_id JOIN tiers t ON t.id = s.tier_id
               JOIN rounds ro ON ro.id = s.round_id JOIN units u ON u.id = s.school_id
              WHERE h.step = 'to_student' AND h.status = 'confirmed' AND ro.program_id = $3
                AND h.confirmed_at BETWEEN $4 AND $5 AND u.path >= $1 AND u.path < $2
              GROUP BY s.school_id, t.rank",
        )
        .bind(&lo)
        .bind(&hi)
        .bind(program.id)
        .bind(t0)
        .bind(t1)
        .fetch_all(self.pool())
        .await?;
        let in_csdl: Counted = q(
            "SELECT s.school_id, t.rank, COUNT(DISTINCT c.device_id)
               FROM csdl_entries c
               JOIN handover_items i ON i.device_id = c.device_id AND i.status = 'received'
               JOIN handovers h ON h.id = i.handover_id AND h.step = 'to_student' AND h.status = 'confirmed'
               JOIN students s ON s.id = h.student_id JOIN tiers t ON t.id = s.tier_id
               JOIN rounds ro ON ro.id = s.round_id JOIN units u ON u.id = s.school_id
              WHERE ro.program_id = $3 AND c.entered_at BETWEEN $4 AND $5
                AND u.path >= $1 AND u.path < $2
              GROUP BY s.school_id, t.rank",
        )
        .bind(&lo)
        .bind(&hi)
        .bind(program.id)
        .bind(t0)
        .bind(t1)
        .fetch_all(self.pool())
        .await?;

        // Add up by row and tier.
        let nt = tiers.len();
        let mut by_row: BTreeMap<i64, Vec<Funnel>> = BTreeMap::new();
        let tier_at: HashMap<i64, usize> =
            tiers.iter().enumerate().map(|(i, t)| (t.rank, i)).collect();
        let mut add = |school: i64, rank: i64, stage: Stage, n: i64| {
            let (Some(row), Some(ti)) = (row_of.get(&school), tier_at.get(&rank)) else {
                return;
            };
            by_row
                .entry(*row)
                .or_insert_with(|| vec![Funnel::default(); nt])[*ti]
                .add(stage, n);
        };
        for (school, rank, n, approved) in listed {
            add(school, rank, Stage::Surveyed, n);
            add(school, rank, Stage::Approved, approved.unwrap_or(0));
        }
        for (stage, rows) in [
            (Stage::Allocated, allocated),
            (Stage::Handed, handed),
            (Stage::InCsdl, in_csdl),
        ] {
            for (school, rank, n) in rows {
                add(school, rank, stage, n);
            }
        }
        // Every row unit is listed, those with nothing yet too.
        let mut row_ids: Vec<i64> = row_of.values().copied().collect();
        row_ids.sort_unstable();
        row_ids.dedup();
        let mut rows = Vec::with_capacity(row_ids.len());
        for id in row_ids {
            let Some(u) = self.unit_by_id(id).await? else {
                continue;
            };
            let by_tier = by_row
                .remove(&id)
                .unwrap_or_else(|| vec![Funnel::default(); nt]);
            let mut total = Funnel::default();
            by_tier.iter().for_each(|f| total.plus(f));
            rows.push(ReportRow {
                unit_id: u.id,
                code: u.code.as_str().to_string(),
                direct: u.kind == domain::units::UnitKind::Department,
                name: u.name,
                by_tier,
                total,
            });
        }
        rows.sort_by(|a, b| a.direct.cmp(&b.direct).then(a.code.cmp(&b.code)));
        let mut by_tier = vec![Funnel::default(); nt];
        let mut total = Funnel::default();
        for r in &rows {
            for (a, b) in by_tier.iter_mut().zip(&r.by_tier) {
                a.plus(b);
            }
            total.plus(&r.total);
        }

        let devices = self
            .report_devices(&lo, &hi, whole_province, t0, t1)
            .await?;
        let (money, packages, donors) = if whole_province {
            (
                Some(self.report_money(&d0, &d1).await?),
                self.report_packages().await?,
                self.report_donors(&d0, &d1).await?,
            )
        } else {
            (None, Vec::new(), Vec::new())
        };
        Ok(ProgressReport {
            unit_id: unit.id,
            unit_code: unit.code.as_str().to_string(),
            unit_name: unit.name.clone(),
            whole_province,
            program_id: program.id,
            program_name: program.name.clone(),
            period,
            tiers,
            rows,
            by_tier,
            total,
            devices,
            money,
            packages,
            donors,
        })
    }

    async fn report_devices(
        &self,
        lo: &str,
        hi: &str,
        whole_province: bool,
        t0: i64,
        t1: i64,
    ) -> Result<DeviceFigures> {
        // Devices held inside the scope: by a unit or school of it, or by one of its
        // students; those at the Board (or nobody's) count for the province only.
        let states: Vec<(String, i64)> = q("SELECT d.state, COUNT(*) FROM devices d
               LEFT JOIN units hu ON d.holder_kind IN ('unit', 'school') AND hu.id = d.holder_id
               LEFT JOIN students s ON d.holder_kind = 'student' AND s.id = d.holder_id
               LEFT JOIN units su ON su.id = s.school_id
              WHERE (hu.path >= $1 AND hu.path < $2) OR (su.path >= $1 AND su.path < $2)
                 OR ($3 AND d.holder_kind IN ('board', 'nobody'))
              GROUP BY d.state")
        .bind(lo)
        .bind(hi)
        .bind(whole_province)
        .fetch_all(self.pool())
        .await?;
        let mut f = DeviceFigures::default();
        for (st, n) in states {
            match st.as_str() {
                "received" | "appraised" => f.awaiting_appraisal += n,
                "in_stock" => f.in_stock += n,
                "allocated" => f.allocated += n,
                "with_unit" => f.with_unit += n,
                "with_school" => f.with_school += n,
                "with_student" => f.with_student += n,
                "under_repair" => f.under_repair += n,
                "defective" | "lost" | "rejected" | "returned" => f.out_of_use += n,
                _ => {}
            }
        }
        if whole_province {
            let (donated, bought): (Option<i64>, Option<i64>) = q(
                "SELECT CAST(SUM(CASE WHEN source LIKE 'donation:%' THEN 1 ELSE 0 END) AS BIGINT),
                        CAST(SUM(CASE WHEN source LIKE 'contract:%' THEN 1 ELSE 0 END) AS BIGINT)
                   FROM devices WHERE created_at BETWEEN $1 AND $2",
            )
            .bind(t0)
            .bind(t1)
            .fetch_one(self.pool())
            .await?;
            f.received_donated = donated.unwrap_or(0);
            f.received_bought = bought.unwrap_or(0);
        } else {
            // A district's devices received: what was signed for at its units and schools.
            let (n,): (i64,) = q("SELECT COUNT(DISTINCT i.device_id) FROM handovers h
                   JOIN handover_items i ON i.handover_id = h.id AND i.status = 'received'
                   JOIN units u ON u.id = h.receiver_unit_id
                  WHERE h.step IN ('to_unit', 'to_school') AND h.status = 'confirmed'
                    AND h.confirmed_at BETWEEN $3 AND $4 AND u.path >= $1 AND u.path < $2
                    AND (h.giver_unit_id IS NULL OR h.giver_unit_id NOT IN
                         (SELECT id FROM units WHERE path >= $1 AND path < $2))")
            .bind(lo)
            .bind(hi)
            .bind(t0)
            .bind(t1)
            .fetch_one(self.pool())
            .await?;
            f.received_donated = n;
        }
        Ok(f)
    }

    async fn report_money(&self, d0: &str, d1: &str) -> Result<MoneyFigures> {
        let sums: Vec<(String, String, i64)> = q(
            "SELECT account, side, CAST(SUM(amount) AS BIGINT) FROM ledger_postings
              WHERE counts AND entry_date BETWEEN $1 AND $2 GROUP BY account, side",
        )
        .bind(d0)
        .bind(d1)
        .fetch_all(self.pool())
        .await?;
        let to_end: Vec<(String, String, i64)> = q(
            "SELECT account, side, CAST(SUM(amount) AS BIGINT) FROM ledger_postings
              WHERE counts AND entry_date <= $1 GROUP BY account, side",
        )
        .bind(d1)
        .fetch_all(self.pool())
        .await?;
        let net = |rows: &[(String, String, i64)], accounts: &[&str], credit_normal: bool| {
            let mut n = 0i64;
            for (acc, side, sum) in rows {
                if accounts.contains(&acc.as_str()) {
                    if (side == "credit") == credit_normal {
                        n += sum;
                    } else {
                        n -= sum;
                    }
                }
            }
            Dong(n)
        };
        let (contracts, contracted): (i64, Option<i64>) = q(
            "SELECT COUNT(*), CAST(SUM(value) AS BIGINT) FROM procurement_contracts WHERE signed_on BETWEEN $1 AND $2",
        )
        .bind(d0)
        .bind(d1)
        .fetch_one(self.pool())
        .await?;
        let (receipts, kind_devices, kind_value): (i64, Option<i64>, Option<i64>) = q(
            "SELECT COUNT(*), CAST(SUM((SELECT SUM(quantity) FROM donation_items i WHERE i.donation_id = d.id)) AS BIGINT),
                    CAST(SUM(total_value) AS BIGINT)
               FROM donations d WHERE received_on BETWEEN $1 AND $2",
        )
        .bind(d0)
        .bind(d1)
        .fetch_one(self.pool())
        .await?;
        Ok(MoneyFigures {
            raised: net(&sums, &["4311"], true),
            budget: net(&sums, &["4612"], true),
            spent: net(&sums, &["6111"], false),
            held: net(&to_end, &["1121", "1122"], false),
            held_by_mttq: net(&to_end, &["1388"], false),
            contracted: Dong(contracted.unwrap_or(0)),
            contracts,
            committed_now: self.procurement_totals().await?.committed,
            in_kind_receipts: receipts,
            in_kind_devices: kind_devices.unwrap_or(0),
            in_kind_value: Dong(kind_value.unwrap_or(0)),
        })
    }

    async fn report_packages(&self) -> Result<Vec<PackageLine>> {
        let mut out = Vec::new();
        for p in self.procurement_packages().await? {
            let c = self.procurement_contract(p.id).await?;
            out.push(PackageLine {
                id: p.id,
                code: p.code,
                name: p.name,
                stage: p.stage,
                quantity: p.quantity,
                estimate: p.estimate,
                supplier: c.as_ref().map(|c| c.supplier.clone()),
                contract_value: c.as_ref().map(|c| c.value),
                delivered: c.as_ref().map(|c| c.delivered_qty).unwrap_or(0),
                paid: c
                    .as_ref()
                    .map(|c| Dong(c.money.advanced.0 + c.money.paid.0))
                    .unwrap_or(Dong(0)),
            });
        }
        out.sort_by_key(|p| p.id);
        Ok(out)
    }

    async fn report_donors(&self, d0: &str, d1: &str) -> Result<Vec<DonorLine>> {
        let cash: Vec<(i64, String, bool, i64)> = q(
            "SELECT o.id, o.name, o.publish_name, CAST(SUM(g.amount) AS BIGINT)
               FROM cash_gifts g JOIN donors o ON o.id = g.donor_id
               JOIN ledger_entries e ON e.id = g.entry_id
              WHERE g.status = 'received' AND e.entry_date BETWEEN $1 AND $2
                AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
              GROUP BY o.id, o.name, o.publish_name",
        )
        .bind(d0)
        .bind(d1)
        .fetch_all(self.pool())
        .await?;
        let kind: Vec<(i64, String, bool, i64, Option<i64>)> = q(
            "SELECT o.id, o.name, o.publish_name, CAST(SUM(d.total_value) AS BIGINT),
                    CAST(SUM((SELECT SUM(quantity) FROM donation_items i WHERE i.donation_id = d.id)) AS BIGINT)
               FROM donations d JOIN donors o ON o.id = d.donor_id
              WHERE d.received_on BETWEEN $1 AND $2
              GROUP BY o.id, o.name, o.publish_name",
        )
        .bind(d0)
        .bind(d1)
        .fetch_all(self.pool())
        .await?;
        let mut by: BTreeMap<i64, DonorLine> = BTreeMap::new();
        for (id, name, publish_name, amount) in cash {
            by.entry(id)
                .or_insert_with(|| DonorLine {
                    id,
                    name,
                    publish_name,
                    cash: Dong(0),
                    in_kind_value: Dong(0),
                    devices: 0,
                })
                .cash = Dong(amount);
        }
        for (id, name, publish_name, value, devices) in kind {
            let d = by.entry(id).or_insert_with(|| DonorLine {
                id,
                name,
                publish_name,
                cash: Dong(0),
                in_kind_value: Dong(0),
                devices: 0,
            });
            d.in_kind_value = Dong(value);
            d.devices = devices.unwrap_or(0);
        }
        let mut out: Vec<DonorLine> = by.into_values().collect();
        out.sort_by(|a, b| {
            (b.cash.0 + b.in_kind_value.0)
                .cmp(&(a.cash.0 + a.in_kind_value.0))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}

impl Store {
    /// The unit a scope is of: its last unit, or for the whole tree the first root.
    pub async fn scope_unit(&self, scope: &UnitPath) -> Result<Option<Unit>> {
        match scope.ids().last() {
            Some(id) => self.unit_by_id(id).await,
            None => {
                let id: Option<(i64,)> =
                    q("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                        .fetch_optional(self.pool())
                        .await?;
                match id {
                    Some((id,)) => self.unit_by_id(id).await,
                    None => Ok(None),
                }
            }
        }
    }
}
