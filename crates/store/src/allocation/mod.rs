//! Allocation runs: the inputs a run reads (approved students waiting, devices free in the
//! Board's stock, donors' earmarks), a draft with its frozen inputs and its seed's
//! commitment, approval under a decision number, execution (devices reserved), and
//! verification by recomputing a stored run. The engine is `domain::allocation`.

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::allocation::{
    self, AllocationError, Device, Input, Nomination, Outcome, Policy, Rule, RunStatus, Seed,
    Summary, UnitRef,
};
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::devices::DeviceKind;
use domain::donations::Earmark;
use domain::units::SchoolLevel;
use serde::Serialize;
use serde_json::json;

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
struct RunRow {
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

const RUN_COLUMNS: &str = "SELECT id, round_id, previous_id, status, policy, seed, seed_commitment, inputs_sha256, outcome_sha256, devices, served, waiting, summary, decision_no, decision_date, created_by, created_at, approved_by, approved_at, executed_by, executed_at FROM allocation_runs";

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
struct RunInputs {
    round_id: i64,
    inputs_sha256: String,
}

#[derive(sqlx::FromRow)]
struct NomRow {
    id: i64,
    student_code: Option<String>,
    name_key: String,
    dob: String,
    rank: i64,
    school_id: i64,
    unit_id: i64,
    unit_code: String,
    school_level: Option<String>,
    board_at: Option<i64>,
    verified: i64,
}

#[derive(sqlx::FromRow)]
struct DevRow {
    id: i64,
    kind: String,
    earmark_unit_id: Option<i64>,
    earmark_tier: Option<i64>,
}

/// The waiting, Board-approved students of a round. A school's unit is its district office,
/// or the school itself when it is directly under the Sở. Evidence counts as verified when
/// a file is kept for the student and no household flag is open.
const NOMINATIONS: &str = "SELECT s.id, s.student_code, s.name_key, s.dob, t.rank, s.school_id,
        CASE WHEN p.kind = 'district' THEN p.id ELSE sc.id END AS unit_id,
        CASE WHEN p.kind = 'district' THEN p.code ELSE sc.code END AS unit_code,
        sc.school_level, l.board_at,
        CASE WHEN EXISTS (SELECT 1 FROM documents e WHERE e.owner_kind = 'student' AND e.owner_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM student_flags f WHERE f.student_id = s.id
                              AND f.kind LIKE 'household%' AND f.resolved_at IS NULL)
             THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS verified
   FROM students s
   JOIN nomination_lists l ON l.round_id = s.round_id AND l.school_id = s.school_id
   JOIN tiers t ON t.id = s.tier_id
   JOIN units sc ON sc.id = s.school_id
   LEFT JOIN units p ON p.id = sc.parent_id
  WHERE s.round_id = $1 AND l.status = 'board_approved' AND s.review = 'approved'
    AND s.served = FALSE
    AND NOT EXISTS (SELECT 1 FROM student_flags f WHERE f.student_id = s.id
                    AND f.kind = 'already_served' AND f.resolved_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM allocation_lines al JOIN allocation_runs r ON r.id = al.run_id
                    WHERE al.student_id = s.id AND r.status = 'executed' AND al.device_id IS NOT NULL)
  ORDER BY s.id";

/// Devices free to allocate: in the Board's stock, with their donors' earmarks.
const DEVICES: &str = "SELECT d.id, m.kind, dn.earmark_unit_id, dn.earmark_tier
   FROM devices d
   JOIN device_models m ON m.id = d.model_id
   LEFT JOIN donation_items di ON di.id = d.donation_item_id
   LEFT JOIN donations dd ON dd.id = di.donation_id
   LEFT JOIN donors dn ON dn.id = dd.donor_id
  WHERE d.state = 'in_stock'
  ORDER BY d.id";

/// How many rows one multi-row insert writes.
const BATCH: usize = 200;

impl Store {
    /// What a run of the round would read now: its units, the students waiting and the
    /// devices free. Refused while any of the round's lists is not approved by the Board.
    pub async fn allocation_inputs(&self, round_id: i64) -> Result<Input> {
        let mut tx = self.pool().begin().await?;
        let input = read_inputs(&mut tx, round_id).await?;
        tx.commit().await?;
        Ok(input)
    }

    /// Drafts a run of the round: reads its inputs, draws (or takes) a seed, allocates,
    /// and keeps inputs, decisions and the seed's commitment, all in one transaction.
    pub async fn draft_allocation(
        &self,
        actor: &AuditActor,
        round_id: i64,
        seed: Option<Seed>,
        policy: Policy,
    ) -> Result<(Run, Outcome)> {
        let seed = seed.unwrap_or_else(|| {
            let mut s = [0u8; 32];
            crate::passwords::fill_random(&mut s);
            s
        });
        let mut tx = self.pool().begin().await?;
        let mut input = read_inputs(&mut tx, round_id).await?;
        if input.nominations.is_empty() || input.devices.is_empty() {
            return Err(DomainError::from(AllocationError::NothingToAllocate {
                devices: input.devices.len() as u64,
                students: input.nominations.len() as u64,
            })
            .into());
        }
        input.seed = seed;
        input.policy = policy;
        let previous: Option<i64> =
            q("SELECT MAX(id) FROM allocation_runs WHERE round_id = $1 AND status = 'executed'")
                .bind(round_id)
                .scalar(&mut tx)
                .await?;
        let now = now_millis();
        let policy_json = serde_json::to_string(&input.policy).expect("a policy serialises");
        let run_id: i64 = q("INSERT INTO allocation_runs (round_id, previous_id, status, policy, seed, seed_commitment, inputs_sha256, outcome_sha256, devices, served, waiting, summary, created_by, created_at)
                             VALUES ($1, $2, 'draft', $3, $4, $5, $6, '', 0, 0, 0, '{}', $7, $8) RETURNING id")
            .bind(round_id)
            .bind(previous)
            .bind(policy_json)
            .bind(hex::encode(seed))
            .bind(allocation::seed_commitment(&seed))
            .bind(input.digest())
            .bind(actor.name.clone())
            .bind(now)
            .scalar(&mut tx)
            .await?;
        input.run = run_id;
        // The engine is pure and CPU-bound: off the async workers.
        let (input, outcome) = tokio::task::spawn_blocking(move || {
            let out = allocation::allocate(&input);
            (input, out)
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        let outcome = outcome?;
        write_frozen(&mut tx, &input, &outcome).await?;
        q("UPDATE allocation_runs SET outcome_sha256 = $1, devices = $2, served = $3, waiting = $4, summary = $5 WHERE id = $6")
            .bind(outcome.digest())
            .bind(outcome.devices() as i64)
            .bind(outcome.served() as i64)
            .bind(outcome.waiting() as i64)
            .bind(serde_json::to_string(&outcome.summary()).expect("a summary serialises"))
            .bind(run_id)
            .execute(&mut tx)
            .await?;
        let warnings = outcome.fairness.iter().filter(|f| f.warn).count();
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Allocation,
                entity_id: Some(run_id.to_string()),
                action: "draft",
                summary: format!(
                    "Dự thảo phân bổ số {run_id} (đợt {round_id}): {} thiết bị, {} học sinh được nhận, {} chờ; cam kết hạt giống {}",
                    outcome.devices(),
                    outcome.served(),
                    outcome.waiting(),
                    allocation::seed_commitment(&seed)
                ),
                unit_id: None,
                changes: Some(json!({"round": round_id, "inputs_sha256": input.digest(),
                    "outcome_sha256": outcome.digest(), "seed_commitment": allocation::seed_commitment(&seed),
                    "devices": outcome.devices(), "served": outcome.served(), "waiting": outcome.waiting(),
                    "fairness_warnings": warnings})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        let run = self
            .allocation_run(run_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        Ok((run, outcome))
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
              WHERE al.run_id = $1 {}
              ORDER BY al.student_id",
            if unit_id.is_some() {
                "AND al.unit_id = $2"
            } else {
                ""
            }
        );
        let mut query = Q::assembled(sql).bind(run_id);
        if let Some(u) = unit_id {
            query = query.bind(u);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// The student's line in the latest run that lists them (executed runs first).
    pub async fn student_allocation(&self, student_id: i64) -> Result<Option<(Run, RunLine)>> {
        let run: Option<i64> = q("SELECT al.run_id FROM allocation_lines al JOIN allocation_runs r ON r.id = al.run_id
                                   WHERE al.student_id = $1 AND r.status <> 'discarded'
                                   ORDER BY CASE WHEN r.status = 'executed' AND al.device_id IS NOT NULL THEN 0 ELSE 1 END, r.id DESC LIMIT 1")
            .bind(student_id)
            .scalar_optional(self.pool())
            .await?;
        let Some(run_id) = run else { return Ok(None) };
        let Some(run) = self.allocation_run(run_id).await? else {
            return Ok(None);
        };
        let line = self
            .allocation_lines(run_id, None)
            .await?
            .into_iter()
            .find(|l| l.student_id == student_id);
        Ok(line.map(|l| (run, l)))
    }

    /// Approves a draft under a decision (Quyết định số …); the seed is shown from now on.
    pub async fn approve_allocation(
        &self,
        actor: &AuditActor,
        run_id: i64,
        decision_no: &str,
        decision_date: &str,
    ) -> Result<Run> {
        let no = decision_no.split_whitespace().collect::<Vec<_>>().join(" ");
        if no.is_empty() {
            return Err(DomainError::from(AllocationError::DecisionNoMissing).into());
        }
        let date = domain::dates::parse_date(decision_date)
            .ok_or(DomainError::from(AllocationError::DecisionDateInvalid))?;
        let mut tx = self.pool().begin().await?;
        let status = run_status(&mut tx, run_id).await?;
        let n = q("UPDATE allocation_runs SET status = 'approved', decision_no = $1, decision_date = $2, approved_by = $3, approved_at = $4
                    WHERE id = $5 AND status = 'draft'")
            .bind(no.clone())
            .bind(date.to_string())
            .bind(actor.name.clone())
            .bind(now_millis())
            .bind(run_id)
            .execute(&mut tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "allocation_runs_decision_no_key", || {
                    DomainError::from(AllocationError::DecisionNoUsed { no: no.clone() })
                })
            })?;
        if n != 1 {
            return Err(refuse_state(status));
        }
        let seed: String = q("SELECT seed FROM allocation_runs WHERE id = $1")
            .bind(run_id)
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Allocation,
                entity_id: Some(run_id.to_string()),
                action: "approve_run",
                summary: format!(
                    "Phê duyệt phân bổ số {run_id} theo Quyết định số {no} ngày {}; hạt giống {seed}",
                    domain::dates::format_date(date)
                ),
                unit_id: None,
                changes: Some(json!({"decision_no": no, "decision_date": date.to_string(), "seed": seed})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.allocation_run(run_id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Discards a draft (a later draft replaces it).
    pub async fn discard_allocation(&self, actor: &AuditActor, run_id: i64) -> Result<Run> {
        let mut tx = self.pool().begin().await?;
        let status = run_status(&mut tx, run_id).await?;
        let n =
            q("UPDATE allocation_runs SET status = 'discarded' WHERE id = $1 AND status = 'draft'")
                .bind(run_id)
                .execute(&mut tx)
                .await?;
        if n != 1 {
            return Err(refuse_state(status));
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Allocation,
                entity_id: Some(run_id.to_string()),
                action: "discard",
                summary: format!("Hủy dự thảo phân bổ số {run_id}"),
                unit_id: None,
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.allocation_run(run_id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Executes an approved run: its devices leave the free stock (in stock → allocated,
    /// each change an event), reserved for the students the run names. Refused when the
    /// devices or students changed since the draft (its inputs would not be the same).
    pub async fn execute_allocation(&self, actor: &AuditActor, run_id: i64) -> Result<Run> {
        let mut tx = self.pool().begin().await?;
        let status = run_status(&mut tx, run_id).await?;
        if status != RunStatus::Approved {
            return Err(refuse_state(status));
        }
        let r: RunInputs = q("SELECT round_id, inputs_sha256 FROM allocation_runs WHERE id = $1")
            .bind(run_id)
            .fetch_one(&mut tx)
            .await?;
        // What the run decided from must still be what there is.
        let now_inputs = read_inputs(&mut tx, r.round_id).await?;
        if now_inputs.digest() != r.inputs_sha256 {
            return Err(DomainError::from(AllocationError::InputsChanged).into());
        }
        drop(now_inputs);
        // Executed once: a second officer executing at the same moment finds it done.
        let n = q(
            "UPDATE allocation_runs SET status = 'executed', executed_by = $1, executed_at = $2
                    WHERE id = $3 AND status = 'approved'",
        )
        .bind(actor.name.clone())
        .bind(now_millis())
        .bind(run_id)
        .execute(&mut tx)
        .await?;
        if n != 1 {
            return Err(refuse_state(RunStatus::Executed));
        }
        let now = now_millis();
        let moved = q("UPDATE devices SET state = 'allocated', state_changed_at = $1
                        WHERE state = 'in_stock' AND id IN (SELECT device_id FROM allocation_lines WHERE run_id = $2 AND device_id IS NOT NULL)")
            .bind(now)
            .bind(run_id)
            .execute(&mut tx)
            .await?;
        let reserved: i64 =
            q("SELECT COUNT(*) FROM allocation_lines WHERE run_id = $1 AND device_id IS NOT NULL")
                .bind(run_id)
                .scalar(&mut tx)
                .await?;
        if moved as i64 != reserved {
            return Err(DomainError::from(AllocationError::InputsChanged).into());
        }
        q("INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
           SELECT device_id, 'in_stock', 'allocated', 'board', NULL, $1, $2, $3
             FROM allocation_lines WHERE run_id = $4 AND device_id IS NOT NULL")
            .bind(actor.name.clone())
            .bind(format!("Phân bổ số {run_id}"))
            .bind(now)
            .bind(run_id)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Allocation,
                entity_id: Some(run_id.to_string()),
                action: "execute",
                summary: format!(
                    "Thực hiện phân bổ số {run_id}: giữ {reserved} thiết bị cho học sinh"
                ),
                unit_id: None,
                changes: Some(json!({"reserved": reserved})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.allocation_run(run_id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Recomputes a stored run from its recorded inputs and compares it with what is
    /// stored: the inputs' digest, every line, and the outcome's digest.
    pub async fn verify_allocation(&self, run_id: i64) -> Result<Verification> {
        let row: RunRow = Q::assembled(format!("{RUN_COLUMNS} WHERE id = $1"))
            .bind(run_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(DomainError::NotFound)?;
        let seed = allocation::parse_seed(&row.seed)
            .ok_or_else(|| StoreError::corrupt("allocation_runs", "seed", row.seed.clone()))?;
        let policy: Policy = serde_json::from_str(&row.policy)
            .map_err(|_| StoreError::corrupt("allocation_runs", "policy", row.policy.clone()))?;
        let (input, stored) = read_frozen(self, run_id, seed, policy).await?;
        let inputs_match = input.digest() == row.inputs_sha256;
        let (input, outcome) = tokio::task::spawn_blocking(move || {
            let out = allocation::allocate(&input);
            (input, out)
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        drop(input);
        let outcome = outcome?;
        let mut differences = Vec::new();
        for (a, b) in outcome.lines.iter().zip(&stored) {
            if a != b && differences.len() < 20 {
                differences.push(format!(
                    "học sinh số {}: tính lại được {}, sổ ghi {}",
                    a.student,
                    describe(a),
                    describe(b)
                ));
            }
        }
        if outcome.lines.len() != stored.len() {
            differences.push(format!(
                "tính lại được {} dòng, sổ ghi {} dòng",
                outcome.lines.len(),
                stored.len()
            ));
        }
        Ok(Verification {
            run: run_id,
            inputs_match,
            outcome_match: outcome.digest() == row.outcome_sha256,
            differences,
        })
    }
}

fn describe(l: &allocation::Line) -> String {
    match l.device {
        Some(d) => format!("thiết bị số {d} ({})", l.rule.code()),
        None => format!("chờ, thứ {}", l.queue_position.unwrap_or(0)),
    }
}

/// The run's status, its row held until the transaction ends (a no-op update locks it on
/// PostgreSQL; SQLite's writer already holds the database): a second officer taking the
/// same step waits, then finds it taken.
async fn run_status(tx: &mut Tx, run_id: i64) -> Result<RunStatus> {
    q("UPDATE allocation_runs SET status = status WHERE id = $1")
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
    let s: Option<String> = q("SELECT status FROM allocation_runs WHERE id = $1")
        .bind(run_id)
        .scalar_optional(&mut *tx)
        .await?;
    let s = s.ok_or(DomainError::NotFound)?;
    RunStatus::parse(&s).ok_or_else(|| StoreError::corrupt("allocation_runs", "status", s))
}

fn refuse_state(status: RunStatus) -> StoreError {
    DomainError::from(AllocationError::RunState {
        status: status.label(domain::Lang::Vi).to_string(),
    })
    .into()
}

async fn read_inputs(tx: &mut Tx, round_id: i64) -> Result<Input> {
    // Every list of the round approved by the Board, or the run waits.
    let open: Vec<String> = q("SELECT sc.name FROM nomination_lists l JOIN units sc ON sc.id = l.school_id
                                WHERE l.round_id = $1 AND l.status <> 'board_approved' ORDER BY sc.code")
        .bind(round_id)
        .fetch_all::<(String,)>(&mut *tx)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    if !open.is_empty() {
        let more = open.len().saturating_sub(5);
        return Err(DomainError::from(AllocationError::ListsNotApproved {
            units: open.into_iter().take(5).collect(),
            more,
        })
        .into());
    }
    let rows: Vec<NomRow> = q(NOMINATIONS).bind(round_id).fetch_all(&mut *tx).await?;
    let mut units: Vec<UnitRef> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let nominations: Vec<Nomination> = rows
        .into_iter()
        .map(|r| {
            if seen.insert(r.unit_id) {
                units.push(UnitRef {
                    id: r.unit_id,
                    code: r.unit_code.clone(),
                });
            }
            let identity = match &r.student_code {
                Some(c) => c.clone(),
                None => format!("{}|{}", r.name_key, r.dob),
            };
            Nomination {
                student: r.id,
                key: allocation::pseudonym(&identity),
                tier: r.rank.clamp(1, 255) as u8,
                school: r.school_id,
                unit: r.unit_id,
                level: r
                    .school_level
                    .as_deref()
                    .and_then(|l| SchoolLevel::parse(l).ok())
                    .unwrap_or(SchoolLevel::Khac),
                approved_at: r.board_at.unwrap_or(0),
                evidence_verified: r.verified != 0,
            }
        })
        .collect();
    let devices: Vec<Device> = q(DEVICES)
        .fetch_all::<DevRow>(&mut *tx)
        .await?
        .into_iter()
        .map(|d| {
            Ok(Device {
                id: d.id,
                kind: DeviceKind::parse(&d.kind)
                    .ok_or_else(|| StoreError::corrupt("device_models", "kind", d.kind.clone()))?,
                earmark: Earmark {
                    unit_id: d.earmark_unit_id,
                    tier: d.earmark_tier.map(|t| t.clamp(0, 255) as u8),
                },
            })
        })
        .collect::<Result<_>>()?;
    Ok(Input {
        run: 0,
        seed: [0; 32],
        policy: Policy::default(),
        units,
        nominations,
        devices,
    })
}

async fn write_frozen(tx: &mut Tx, input: &Input, out: &Outcome) -> Result<()> {
    let run = input.run;
    for chunk in input.units.chunks(BATCH) {
        let mut sql = String::from("INSERT INTO allocation_units (run_id, unit_id, code) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
        }
        let mut query = Q::assembled(sql);
        for u in chunk {
            query = query.bind(run).bind(u.id).bind(u.code.clone());
        }
        query.execute(&mut *tx).await?;
    }
    for chunk in input.devices.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO allocation_devices (run_id, device_id, kind, earmark_unit, earmark_tier) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 5;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        let mut query = Q::assembled(sql);
        for d in chunk {
            query = query
                .bind(run)
                .bind(d.id)
                .bind(d.kind.code().to_string())
                .bind(d.earmark.unit_id)
                .bind(d.earmark.tier.map(i64::from));
        }
        query.execute(&mut *tx).await?;
    }
    // Inputs and decisions side by side, matched by student id (both sorted by it).
    let mut noms: Vec<&Nomination> = input.nominations.iter().collect();
    noms.sort_by_key(|n| n.student);
    const COLS: usize = 16;
    for (nc, lc) in noms.chunks(BATCH).zip(out.lines.chunks(BATCH)) {
        let mut sql = String::from(
            "INSERT INTO allocation_lines (run_id, student_id, pseudonym, tier, school_id, unit_id, school_level, approved_at, evidence_verified, device_id, rule, earmark_unit, earmark_tier, other_kind, queue_position, devices_short) VALUES ",
        );
        for i in 0..nc.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..COLS {
                if c > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", i * COLS + c + 1));
            }
            sql.push(')');
        }
        let mut query = Q::assembled(sql);
        for (n, l) in nc.iter().zip(lc) {
            debug_assert_eq!(n.student, l.student);
            let (eu, et) = match &l.rule {
                Rule::Earmark { unit, tier } => (*unit, tier.map(i64::from)),
                _ => (None, None),
            };
            query = query
                .bind(run)
                .bind(n.student)
                .bind(hex::encode(n.key))
                .bind(i64::from(n.tier))
                .bind(n.school)
                .bind(n.unit)
                .bind(n.level.code().to_string())
                .bind(n.approved_at)
                .bind(n.evidence_verified)
                .bind(l.device)
                .bind(l.rule.code().to_string())
                .bind(eu)
                .bind(et)
                .bind(l.other_kind)
                .bind(l.queue_position.map(i64::from))
                .bind(l.devices_short.map(i64::from));
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct FrozenLine {
    student_id: i64,
    pseudonym: String,
    tier: i64,
    school_id: i64,
    unit_id: i64,
    school_level: String,
    approved_at: i64,
    evidence_verified: bool,
    device_id: Option<i64>,
    rule: String,
    earmark_unit: Option<i64>,
    earmark_tier: Option<i64>,
    other_kind: bool,
    queue_position: Option<i64>,
    devices_short: Option<i64>,
}

/// A stored run's inputs and its stored lines, as the engine's types.
async fn read_frozen(
    store: &Store,
    run_id: i64,
    seed: Seed,
    policy: Policy,
) -> Result<(Input, Vec<allocation::Line>)> {
    let units: Vec<UnitRef> =
        q("SELECT unit_id, code FROM allocation_units WHERE run_id = $1 ORDER BY unit_id")
            .bind(run_id)
            .fetch_all::<(i64, String)>(store.pool())
            .await?
            .into_iter()
            .map(|(id, code)| UnitRef { id, code })
            .collect();
    let devices: Vec<Device> = q("SELECT device_id AS id, kind, earmark_unit AS earmark_unit_id, earmark_tier FROM allocation_devices WHERE run_id = $1 ORDER BY device_id")
        .bind(run_id)
        .fetch_all::<DevRow>(store.pool())
        .await?
        .into_iter()
        .map(|d| {
            Ok(Device {
                id: d.id,
                kind: DeviceKind::parse(&d.kind)
                    .ok_or_else(|| StoreError::corrupt("allocation_devices", "kind", d.kind.clone()))?,
                earmark: Earmark {
                    unit_id: d.earmark_unit_id,
                    tier: d.earmark_tier.map(|t| t.clamp(0, 255) as u8),
                },
            })
        })
        .collect::<Result<_>>()?;
    let rows: Vec<FrozenLine> = q("SELECT student_id, pseudonym, tier, school_id, unit_id, school_level, approved_at, evidence_verified, device_id, rule, earmark_unit, earmark_tier, other_kind, queue_position, devices_short
                                    FROM allocation_lines WHERE run_id = $1 ORDER BY student_id")
        .bind(run_id)
        .fetch_all(store.pool())
        .await?;
    let mut nominations = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let key: [u8; 32] = hex::decode(&r.pseudonym)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                StoreError::corrupt("allocation_lines", "pseudonym", r.pseudonym.clone())
            })?;
        nominations.push(Nomination {
            student: r.student_id,
            key,
            tier: r.tier.clamp(0, 255) as u8,
            school: r.school_id,
            unit: r.unit_id,
            level: SchoolLevel::parse(&r.school_level).unwrap_or(SchoolLevel::Khac),
            approved_at: r.approved_at,
            evidence_verified: r.evidence_verified,
        });
        let rule = match r.rule.as_str() {
            "earmark" => Rule::Earmark {
                unit: r.earmark_unit,
                tier: r.earmark_tier.map(|t| t.clamp(0, 255) as u8),
            },
            "whole_tier" => Rule::WholeTier,
            "quota" => Rule::Quota,
            _ => Rule::Waiting,
        };
        lines.push(allocation::Line {
            student: r.student_id,
            tier: r.tier.clamp(0, 255) as u8,
            unit: r.unit_id,
            school: r.school_id,
            device: r.device_id,
            rule,
            other_kind: r.other_kind,
            queue_position: r.queue_position.map(|p| p.clamp(0, u32::MAX as i64) as u32),
            devices_short: r.devices_short.map(|p| p.clamp(0, u32::MAX as i64) as u32),
        });
    }
    Ok((
        Input {
            run: run_id,
            seed,
            policy,
            units,
            nominations,
            devices,
        },
        lines,
    ))
}
