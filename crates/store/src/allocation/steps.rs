//! The Board's steps on a run: draft (inputs frozen, seed committed), approve under a
//! decision, discard, execute (devices reserved), and verification by recomputing. Each
//! step locks the run's row first, so two officers taking it at once: one succeeds.

use super::frozen::{read_frozen, read_inputs, write_frozen};
use super::{RUN_COLUMNS, Run, RunInputs, RunRow, Verification};
use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::allocation::{self, AllocationError, Outcome, Policy, RunStatus, Seed};
use domain::audit::Entity;
use domain::dates::now_millis;
use serde_json::json;

impl Store {
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
        let (inputs_sha256, commitment) = (input.digest(), allocation::seed_commitment(&seed));
        let run_id: i64 = q("INSERT INTO allocation_runs (round_id, previous_id, status, policy, seed, seed_commitment, inputs_sha256, outcome_sha256, devices, served, waiting, summary, created_by, created_at)
                             VALUES ($1, $2, 'draft', $3, $4, $5, $6, '', 0, 0, 0, '{}', $7, $8) RETURNING id")
            .bind(round_id)
            .bind(previous)
            .bind(policy_json)
            .bind(hex::encode(seed))
            .bind(commitment.clone())
            .bind(inputs_sha256.clone())
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
        let outcome_sha256 = outcome.digest();
        q("UPDATE allocation_runs SET outcome_sha256 = $1, devices = $2, served = $3, waiting = $4, summary = $5 WHERE id = $6")
            .bind(outcome_sha256.clone())
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
                    commitment
                ),
                unit_id: None,
                changes: Some(json!({"round": round_id, "inputs_sha256": inputs_sha256,
                    "outcome_sha256": outcome_sha256, "seed_commitment": commitment,
                    "devices": outcome.devices(), "served": outcome.served(), "waiting": outcome.waiting(),
                    "fairness_warnings": warnings})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok((self.run_after_step(run_id).await?, outcome))
    }

    /// The run as a step left it.
    async fn run_after_step(&self, id: i64) -> Result<Run> {
        self.allocation_run(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
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
        self.run_after_step(run_id).await
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
        self.run_after_step(run_id).await
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
        self.run_after_step(run_id).await
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
