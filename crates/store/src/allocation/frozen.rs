//! What a run reads and keeps: the inputs of a round now (Board-approved students
//! waiting, devices free in stock with their donors' earmarks), written beside the run's
//! decisions, and read back as the engine's types to recompute it.

use crate::Store;
use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use domain::DomainError;
use domain::allocation::{
    self, AllocationError, Device, Input, Nomination, Outcome, Policy, Rule, Seed, UnitRef,
};
use domain::devices::DeviceKind;
use domain::donations::Earmark;
use domain::units::SchoolLevel;

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

impl DevRow {
    /// The engine's device; `table` names where the kind was read, if it is not one.
    fn device(self, table: &'static str) -> Result<Device> {
        Ok(Device {
            id: self.id,
            kind: DeviceKind::parse(&self.kind)
                .ok_or_else(|| StoreError::corrupt(table, "kind", self.kind.clone()))?,
            earmark: Earmark {
                unit_id: self.earmark_unit_id,
                tier: self.earmark_tier.map(|t| t.clamp(0, 255) as u8),
            },
        })
    }
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
pub(super) const BATCH: usize = 200;

pub(super) async fn read_inputs(tx: &mut Tx, round_id: i64) -> Result<Input> {
    let round: Option<i64> = q("SELECT id FROM rounds WHERE id = $1")
        .bind(round_id)
        .scalar_optional(&mut *tx)
        .await?;
    if round.is_none() {
        return Err(DomainError::Students(domain::students::StudentsError::NoRound).into());
    }
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
        .map(|d| d.device("device_models"))
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

pub(super) async fn write_frozen(tx: &mut Tx, input: &Input, out: &Outcome) -> Result<()> {
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
pub(super) async fn read_frozen(
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
        .map(|d| d.device("allocation_devices"))
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
