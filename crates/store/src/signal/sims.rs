//! Students' data SIMs: a SIM goes with the device the student holds (recorded with it,
//! and with the handover that gave it, when it came in the handover), a carrier, a
//! package and its dates. The number is personal data of a child's family: the store
//! returns it, the web masks it outside the student's school.

use crate::db::q;
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::{format_date, now_millis};
use domain::devices::DeviceState;
use domain::signal::{Carrier, SignalError};
use domain::units::UnitPath;
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSim {
    pub student_id: i64,
    pub carrier: Carrier,
    pub package: String,
    pub phone: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SimRecord {
    pub id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub school_id: i64,
    pub school: String,
    pub carrier: Carrier,
    pub package: String,
    pub phone: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub serial: String,
    pub device_state: DeviceState,
    /// The device is still with the student (with them or under repair for them).
    pub with_device: bool,
    #[serde(skip)]
    pub school_path: String,
}

/// A SIM given in a handover whose package is not recorded yet: the school's next step.
#[derive(Debug, Clone, Serialize)]
pub struct SimToRecord {
    pub handover_id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub school: String,
    pub carrier: Option<String>,
    pub phone: String,
}

/// SIMs of one unit (a district, or a school when the scope is a district's).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SimCount {
    pub unit: String,
    pub by_carrier: BTreeMap<Carrier, i64>,
    pub total: i64,
    /// Whose package is running on the day counted.
    pub active: i64,
}

impl Store {
    /// Records a student's data SIM with the device they hold; refused when they hold
    /// none, or when the number is another student's.
    pub async fn record_sim(&self, actor: &AuditActor, s: &NewSim) -> Result<i64> {
        let package = s.package.split_whitespace().collect::<Vec<_>>().join(" ");
        if package.is_empty() {
            return Err(SignalError::Missing { field: "package" }.into());
        }
        let phone = domain::handover::sim_number(&s.phone)
            .map_err(DomainError::from)?
            .ok_or(SignalError::Missing { field: "phone" })?;
        if s.ends_on.is_some_and(|e| e < s.starts_on) {
            return Err(SignalError::SimDates.into());
        }
        let mut tx = self.pool().begin().await?;
        let student: Option<(i64, String)> =
            q("SELECT school_id, full_name FROM students WHERE id = $1")
                .bind(s.student_id)
                .fetch_optional(&mut tx)
                .await?;
        let (school_id, name) = student.ok_or(DomainError::NotFound)?;
        let device: Option<(i64, String)> = q(
            "SELECT id, serial FROM devices
              WHERE holder_kind = 'student' AND holder_id = $1 AND state IN ('with_student', 'under_repair')
              ORDER BY id LIMIT 1",
        )
        .bind(s.student_id)
        .fetch_optional(&mut tx)
        .await?;
        let (device_id, serial) = device.ok_or(SignalError::SimWithoutDevice)?;
        let taken: Option<i64> = q("SELECT student_id FROM student_sims WHERE phone = $1")
            .bind(phone.clone())
            .scalar_optional(&mut tx)
            .await?;
        if taken.is_some() {
            return Err(SignalError::SimTaken.into());
        }
        let handover: Option<i64> = q(
            "SELECT MAX(h.id) FROM handovers h JOIN handover_items i ON i.handover_id = h.id
              WHERE h.step = 'to_student' AND h.status = 'confirmed' AND h.student_id = $1 AND i.device_id = $2",
        )
        .bind(s.student_id)
        .bind(device_id)
        .scalar(&mut tx)
        .await?;
        let id: i64 = q(
            "INSERT INTO student_sims (student_id, school_id, device_id, handover_id, carrier, package, phone, starts_on, ends_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(s.student_id)
        .bind(school_id)
        .bind(device_id)
        .bind(handover)
        .bind(s.carrier.code())
        .bind(package.clone())
        .bind(phone.clone())
        .bind(iso(s.starts_on))
        .bind(s.ends_on.map(iso))
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::StudentSim,
                entity_id: Some(id.to_string()),
                action: "record_sim",
                summary: format!(
                    "SIM {} gói {package} đi kèm thiết bị {serial}, từ {}",
                    s.carrier.name(),
                    format_date(s.starts_on)
                ),
                unit_id: Some(school_id),
                changes: Some(json!({
                    "student": s.student_id, "device": serial, "carrier": s.carrier.code(),
                    "package": package, "starts_on": iso(s.starts_on),
                    "ends_on": s.ends_on.map(iso), "handover": handover,
                })),
                // The number and the child's name are kept apart from the chain's text.
                personal: Some(json!({"phone": phone, "student_name": name})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The SIMs of `scope`'s schools, by school then student's name.
    pub async fn sims(&self, scope: &UnitPath) -> Result<Vec<SimRecord>> {
        let (lo, hi) = scope.subtree_range();
        type Row = (
            i64,
            i64,
            String,
            i64,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            Option<i64>,
            String,
        );
        let rows: Vec<Row> = q(
            "SELECT m.id, m.student_id, s.full_name, m.school_id, u.name, m.carrier, m.package, m.phone,
                    m.starts_on, m.ends_on, d.serial, d.state, d.holder_kind, d.holder_id, u.path
               FROM student_sims m
               JOIN students s ON s.id = m.student_id
               JOIN units u ON u.id = m.school_id
               JOIN devices d ON d.id = m.device_id
              WHERE u.path >= $1 AND u.path < $2
              ORDER BY u.name, s.name_key, m.id",
        )
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let state = DeviceState::parse(&r.11)
                    .ok_or_else(|| StoreError::corrupt("devices", "state", r.11.clone()))?;
                let with_device = r.12 == "student"
                    && r.13 == Some(r.1)
                    && matches!(state, DeviceState::WithStudent | DeviceState::UnderRepair);
                Ok(SimRecord {
                    id: r.0,
                    student_id: r.1,
                    student_name: r.2,
                    school_id: r.3,
                    school: r.4,
                    carrier: Carrier::parse(&r.5).ok_or_else(|| {
                        StoreError::corrupt("student_sims", "carrier", r.5.clone())
                    })?,
                    package: r.6,
                    phone: r.7,
                    starts_on: parse_iso(&r.8, "student_sims", "starts_on")?,
                    ends_on: r
                        .9
                        .as_deref()
                        .map(|d| parse_iso(d, "student_sims", "ends_on"))
                        .transpose()?,
                    serial: r.10,
                    device_state: state,
                    with_device,
                    school_path: r.14,
                })
            })
            .collect()
    }

    /// SIMs given in handovers of `scope` whose package is not recorded yet, for students
    /// who still hold their device.
    pub async fn sims_to_record(&self, scope: &UnitPath) -> Result<Vec<SimToRecord>> {
        let (lo, hi) = scope.subtree_range();
        let rows: Vec<(i64, i64, String, String, Option<String>, String)> = q(
            "SELECT h.id, h.student_id, s.full_name, u.name, h.sim_carrier, h.sim_number
               FROM handovers h
               JOIN students s ON s.id = h.student_id
               JOIN units u ON u.id = h.receiver_unit_id
              WHERE h.step = 'to_student' AND h.status = 'confirmed' AND h.sim_number IS NOT NULL
                AND u.path >= $1 AND u.path < $2
                AND NOT EXISTS (SELECT 1 FROM student_sims m WHERE m.handover_id = h.id OR m.phone = h.sim_number)
                AND EXISTS (SELECT 1 FROM devices d WHERE d.holder_kind = 'student' AND d.holder_id = h.student_id
                                                     AND d.state IN ('with_student', 'under_repair'))
              ORDER BY u.name, s.name_key",
        )
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SimToRecord {
                handover_id: r.0,
                student_id: r.1,
                student_name: r.2,
                school: r.3,
                carrier: r.4,
                phone: r.5,
            })
            .collect())
    }

    /// SIMs counted by the units under `scope` (its districts for the province, its
    /// schools for a district), by carrier, and those running on `day`.
    pub async fn sim_counts(&self, scope: &UnitPath, day: Date) -> Result<Vec<SimCount>> {
        let sims = self.sims(scope).await?;
        let depth = scope.depth();
        let (lo, hi) = scope.subtree_range();
        let names: BTreeMap<i64, String> =
            q("SELECT id, name FROM units WHERE path >= $1 AND path < $2")
                .bind(lo)
                .bind(hi)
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .collect();
        let mut by: BTreeMap<String, SimCount> = BTreeMap::new();
        for s in sims.iter().filter(|s| s.with_device) {
            // The school's ancestor one level below the scope (the school at the bottom).
            let unit = UnitPath::parse(&s.school_path)
                .and_then(|p| p.ids().nth(depth))
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| s.school.clone());
            let c = by.entry(unit.clone()).or_insert_with(|| SimCount {
                unit,
                ..SimCount::default()
            });
            *c.by_carrier.entry(s.carrier).or_default() += 1;
            c.total += 1;
            if s.starts_on <= day && s.ends_on.is_none_or(|e| e >= day) {
                c.active += 1;
            }
        }
        Ok(by.into_values().collect())
    }
}

impl SimRecord {
    /// "Viettel · gói ST70K, 05/09/2022 – 04/09/2023".
    pub fn package_text(&self, lang: Lang) -> String {
        let until = self
            .ends_on
            .map(format_date)
            .unwrap_or_else(|| lang.pick("không thời hạn", "open-ended").to_string());
        format!(
            "{} · {} {}, {} – {until}",
            self.carrier.name(),
            lang.pick("gói", "package"),
            self.package,
            format_date(self.starts_on)
        )
    }
}
