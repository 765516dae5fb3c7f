//! A run compared with another of the same round (a draft with the run before it): what
//! changed in the run's totals and inputs, each unit's devices before and after, and every
//! student whose result changed, with why.

use super::RunLine;
use crate::Store;
use crate::error::Result;
use domain::DomainError;
use domain::allocation::Side;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One unit's devices in each run.
#[derive(Debug, Clone, Serialize)]
pub struct UnitChange {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub before: i64,
    pub after: i64,
}

/// A student whose result changed.
#[derive(Debug, Clone, Serialize)]
pub struct StudentChange {
    pub student_id: i64,
    /// The student code (or `#id`).
    pub student: String,
    pub unit: String,
    pub school: String,
    pub tier_code: String,
    /// Served in this run and not before (or newly served).
    pub gains: bool,
    /// Why, in words.
    pub why: String,
}

/// Two runs side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub run: i64,
    pub other: i64,
    pub devices: (i64, i64),
    pub served: (i64, i64),
    pub waiting: (i64, i64),
    pub same_inputs: bool,
    pub same_seed: bool,
    pub same_policy: bool,
    pub units: Vec<UnitChange>,
    pub changes: Vec<StudentChange>,
}

impl Comparison {
    pub fn gains(&self) -> usize {
        self.changes.iter().filter(|c| c.gains).count()
    }

    pub fn losses(&self) -> usize {
        self.changes.iter().filter(|c| !c.gains).count()
    }
}

fn side(l: &RunLine) -> Side<'_> {
    Side {
        rule: &l.rule,
        served: l.device_id.is_some(),
        queue_position: l.queue_position,
    }
}

impl Store {
    /// The run before `run` in its round that it is best compared with: the newest other
    /// run drafted before it that was not discarded.
    pub async fn previous_run(&self, run: i64) -> Result<Option<i64>> {
        let this = self
            .allocation_run(run)
            .await?
            .ok_or(DomainError::NotFound)?;
        Ok(self
            .allocation_runs(Some(this.round_id))
            .await?
            .into_iter()
            .filter(|r| r.id < run && r.status != domain::allocation::RunStatus::Discarded)
            .map(|r| r.id)
            .max())
    }

    /// `run` compared with `other` (the earlier one), in the words of `lang`.
    pub async fn compare_runs(
        &self,
        run: i64,
        other: i64,
        lang: domain::Lang,
    ) -> Result<Comparison> {
        let a = self
            .allocation_run(other)
            .await?
            .ok_or(DomainError::NotFound)?;
        let b = self
            .allocation_run(run)
            .await?
            .ok_or(DomainError::NotFound)?;
        if a.round_id != b.round_id {
            return Err(DomainError::NotFound.into());
        }
        let before = self.allocation_lines(other, None).await?;
        let after = self.allocation_lines(run, None).await?;
        let before_by: HashMap<i64, &RunLine> = before.iter().map(|l| (l.student_id, l)).collect();
        let after_by: HashMap<i64, &RunLine> = after.iter().map(|l| (l.student_id, l)).collect();
        let mut units: BTreeMap<String, UnitChange> = BTreeMap::new();
        for (lines, is_after) in [(&before, false), (&after, true)] {
            for l in lines.iter() {
                let u = units.entry(l.unit.clone()).or_insert_with(|| UnitChange {
                    unit_id: l.unit_id,
                    code: l.unit.clone(),
                    name: l.unit_name.clone(),
                    before: 0,
                    after: 0,
                });
                if l.device_id.is_some() {
                    if is_after {
                        u.after += 1;
                    } else {
                        u.before += 1;
                    }
                }
            }
        }
        let mut changes = Vec::new();
        let mut ids: Vec<i64> = before_by.keys().chain(after_by.keys()).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let (bl, al) = (before_by.get(&id).copied(), after_by.get(&id).copied());
            let Some(why) = domain::allocation::change(bl.map(side), al.map(side), lang) else {
                continue;
            };
            let l = al.or(bl).expect("one side");
            let gains = al.is_some_and(|x| x.device_id.is_some());
            changes.push(StudentChange {
                student_id: id,
                student: l.student.clone(),
                unit: l.unit_name.clone(),
                school: l.school_name.clone(),
                tier_code: l.tier_code.clone(),
                gains,
                why,
            });
        }
        Ok(Comparison {
            run,
            other,
            devices: (a.devices, b.devices),
            served: (a.served, b.served),
            waiting: (a.waiting, b.waiting),
            same_inputs: a.inputs_sha256 == b.inputs_sha256,
            same_seed: a.seed_commitment == b.seed_commitment,
            same_policy: a.policy == b.policy,
            units: units
                .into_values()
                .filter(|u| u.before != u.after)
                .collect(),
            changes,
        })
    }
}
