//! Allocation runs: the inputs a run reads (approved students waiting, devices free in the
//! Board's stock, donors' earmarks), a draft with its frozen inputs and its seed's
//! commitment, approval under a decision number, execution (devices reserved), and
//! verification by recomputing a stored run. The engine is `domain::allocation`.

pub mod compare;
mod frozen;
mod steps;

use crate::Store;
use crate::db::{Q, q};
use crate::error::{Result, StoreError};
use domain::allocation::{Input, Policy, RunStatus, Summary};
use serde::Serialize;

/// A stored run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub id: i64,
    pub round_id: i64,
    pub previous_id: Option<i64>,
    pub status: RunStatus,
    pub policy: Policy,
    /// The seed, once the run is approved (hidden in a draft).
    pub seed: Option<String>,
    pub seed_commitment: String,
    pub inputs_sha256: String,
    pub outcome_sha256: String,
    pub devices: i64,
    pub served: i64,
    pub waiting: i64,
    pub summary: Summary,
    pub decision_no: Option<String>,
    pub decision_date: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
    pub executed_by: Option<String>,
    pub executed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct RunRow {
    id: i64,
    round_id: i64,
    previous_id: Option<i64>,
    status: String,
    policy: String,
    seed: String,
    seed_commitment: String,
    inputs_sha256: String,
    outcome_sha256: String,
    devices: i64,
    served: i64,
    waiting: i64,
    summary: String,
    decision_no: Option<String>,
    decision_date: Option<String>,
    created_by: String,
    created_at: i64,
    approved_by: Option<String>,
    approved_at: Option<i64>,
    executed_by: Option<String>,
    executed_at: Option<i64>,
}

pub(super) const RUN_COLUMNS: &str = "SELECT id, round_id, previous_id, status, policy, seed, seed_commitment, inputs_sha256, outcome_sha256, devices, served, waiting, summary, decision_no, decision_date, created_by, created_at, approved_by, approved_at, executed_by, executed_at FROM allocation_runs";

impl TryFrom<RunRow> for Run {
    type Error = StoreError;
    fn try_from(r: RunRow) -> Result<Run> {
        let status = RunStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("allocation_runs", "status", r.status.clone()))?;
        let policy = serde_json::from_str(&r.policy)
            .map_err(|_| StoreError::corrupt("allocation_runs", "policy", r.policy.clone()))?;
        let summary = serde_json::from_str(&r.summary)
            .map_err(|_| StoreError::corrupt("allocation_runs", "summary", "…"))?;
        Ok(Run {
            id: r.id,
            round_id: r.round_id,
            previous_id: r.previous_id,
            seed: (status != RunStatus::Draft).then_some(r.seed),
            status,
            policy,
            seed_commitment: r.seed_commitment,
            inputs_sha256: r.inputs_sha256,
            outcome_sha256: r.outcome_sha256,
            devices: r.devices,
            served: r.served,
            waiting: r.waiting,
            summary,
            decision_no: r.decision_no,
            decision_date: r.decision_date,
            created_by: r.created_by,
            created_at: r.created_at,
            approved_by: r.approved_by,
            approved_at: r.approved_at,
            executed_by: r.executed_by,
            executed_at: r.executed_at,
        })
    }
}

/// One student's line of a stored run, with the codes people read.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RunLine {
    pub student_id: i64,
    /// The student code, or `#<id>` when the school gave none.
    pub student: String,
    pub tier: i64,
    pub tier_code: String,
    pub unit_id: i64,
    pub unit: String,
    pub unit_name: String,
    pub school_id: i64,
    pub school: String,
    pub school_name: String,
    pub device_id: Option<i64>,
    pub device: Option<String>,
    pub device_kind: Option<String>,
    pub rule: String,
    pub earmark_unit: Option<i64>,
    pub earmark_tier: Option<i64>,
    pub other_kind: bool,
    pub queue_position: Option<i64>,
    pub devices_short: Option<i64>,
}

/// What `allocation verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub run: i64,
    pub inputs_match: bool,
    pub outcome_match: bool,
    /// Up to 20 differences, in words.
    pub differences: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.inputs_match && self.outcome_match && self.differences.is_empty()
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RunInputs {
    round_id: i64,
    inputs_sha256: String,
}

impl Store {
    /// What a run of the round would read now: its units, the students waiting and the
    /// devices free. Refused while any of the round's lists is not approved by the Board.
    pub async fn allocation_inputs(&self, round_id: i64) -> Result<Input> {
        let mut tx = self.pool().begin().await?;
        let input = frozen::read_inputs(&mut tx, round_id).await?;
        tx.commit().await?;
        Ok(input)
    }

    pub async fn allocation_run(&self, id: i64) -> Result<Option<Run>> {
        let row: Option<RunRow> = Q::assembled(format!("{RUN_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(Run::try_from).transpose()
    }

    /// The runs, newest first (of one round, or all).
    pub async fn allocation_runs(&self, round_id: Option<i64>) -> Result<Vec<Run>> {
        let rows: Vec<RunRow> = match round_id {
            Some(r) => {
                Q::assembled(format!(
                    "{RUN_COLUMNS} WHERE round_id = $1 ORDER BY id DESC"
                ))
                .bind(r)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                Q::assembled(format!("{RUN_COLUMNS} ORDER BY id DESC LIMIT 200"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.into_iter().map(Run::try_from).collect()
    }

    /// A run's lines, by student id (of one unit, or all).
    pub async fn allocation_lines(
        &self,
        run_id: i64,
        unit_id: Option<i64>,
    ) -> Result<Vec<RunLine>> {
        let (filter, arg) = match unit_id {
            Some(u) => ("AND al.unit_id = $2", Some(u)),
            None => ("", None),
        };
        lines_where(self, run_id, filter, arg).await
    }

    /// The student's line in the run in force: the newest executed run that lists them,
    /// else the newest draft or approved run.
    pub async fn student_allocation(&self, student_id: i64) -> Result<Option<(Run, RunLine)>> {
        let run: Option<i64> = q("SELECT al.run_id FROM allocation_lines al JOIN allocation_runs r ON r.id = al.run_id
                                   WHERE al.student_id = $1 AND r.status <> 'discarded'
                                   ORDER BY CASE WHEN r.status = 'executed' THEN 0 ELSE 1 END, r.id DESC LIMIT 1")
            .bind(student_id)
            .scalar_optional(self.pool())
            .await?;
        let Some(run_id) = run else { return Ok(None) };
        let Some(run) = self.allocation_run(run_id).await? else {
            return Ok(None);
        };
        let line = lines_where(self, run_id, "AND al.student_id = $2", Some(student_id))
            .await?
            .pop();
        Ok(line.map(|l| (run, l)))
    }
}

/// A run's lines with the codes and names people read, `filter` narrowing them by `$2`.
async fn lines_where(
    store: &Store,
    run_id: i64,
    filter: &'static str,
    arg: Option<i64>,
) -> Result<Vec<RunLine>> {
    let sql = format!(
        "SELECT al.student_id, COALESCE(s.student_code, '#' || CAST(s.id AS TEXT)) AS student,
                al.tier, t.code AS tier_code, al.unit_id, u.code AS unit, u.name AS unit_name,
                al.school_id, sc.code AS school, sc.name AS school_name,
                al.device_id, d.serial AS device, m.kind AS device_kind, al.rule, al.earmark_unit,
                al.earmark_tier, al.other_kind, al.queue_position, al.devices_short
           FROM allocation_lines al
           JOIN students s ON s.id = al.student_id
           JOIN tiers t ON t.id = s.tier_id
           JOIN units u ON u.id = al.unit_id
           JOIN units sc ON sc.id = al.school_id
           LEFT JOIN devices d ON d.id = al.device_id
           LEFT JOIN device_models m ON m.id = d.model_id
          WHERE al.run_id = $1 {filter}
          ORDER BY al.student_id"
    );
    let mut query = Q::assembled(sql).bind(run_id);
    if let Some(a) = arg {
        query = query.bind(a);
    }
    Ok(query.fetch_all(store.pool()).await?)
}
