//! A school's steps with a student: handing them the device the executed allocation gave
//! them (with its SIM), signed by the guardian at once, and taking a device back with a
//! reason, signed the same way. Each one transaction with its audit entry.

use super::steps::{
    SignatureInput, held_by, issuer, keep_signature, minutes_devices, move_devices, next_number,
    person, unit_name,
};
use super::{Handover, candidates};
use crate::db::{Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{now_millis, today};
use domain::devices::{DeviceState, Holder};
use domain::handover::{self, HandoverError, MinutesText, Signer, Step, TEMPLATE_VERSION};
use serde_json::json;
/// A school handing a student their device.
#[derive(Debug, Clone)]
pub struct StudentHandover {
    pub school: i64,
    pub student: i64,
    pub serial: String,
    pub signer: Signer,
    pub signature: SignatureInput,
    pub sim_carrier: Option<String>,
    pub sim_number: Option<String>,
}

/// A school taking a student's device back.
#[derive(Debug, Clone)]
pub struct StudentReturn {
    pub school: i64,
    pub student: i64,
    pub reason: String,
    pub signer: Signer,
    pub signature: SignatureInput,
}

impl Store {
    /// A school hands a student the device the executed allocation gave them (with its
    /// SIM if any); the guardian signs at once. The student is then served.
    pub async fn hand_to_student(
        &self,
        actor: &AuditActor,
        s: &StudentHandover,
    ) -> Result<Handover> {
        let serial = domain::devices::serial(&s.serial)
            .map_err(|_| DomainError::from(HandoverError::NoSerials))?;
        let mut tx = self.pool().begin().await?;
        let student = lock_student(&mut tx, s.student, s.school).await?;
        let held: Option<String> =
            q("SELECT serial FROM devices WHERE holder_kind = 'student' AND holder_id = $1")
                .bind(s.student)
                .scalar_optional(&mut tx)
                .await?;
        if let Some(held) = held {
            return Err(DomainError::from(HandoverError::AlreadyHolds { serial: held }).into());
        }
        let allocated: Option<i64> = q(
            "SELECT al.device_id FROM allocation_lines al JOIN allocation_runs r ON r.id = al.run_id
              WHERE al.student_id = $1 AND r.status = 'executed' AND al.device_id IS NOT NULL
              ORDER BY r.id DESC LIMIT 1",
        )
        .bind(s.student)
        .scalar_optional(&mut tx)
        .await?;
        if allocated.is_none() {
            return Err(DomainError::from(HandoverError::NotAllocated).into());
        }
        let found = candidates(&mut tx, std::slice::from_ref(&serial)).await?;
        let Some(c) = found.first() else {
            return Err(DomainError::from(HandoverError::UnknownSerial { serial }).into());
        };
        if c.state != "with_school" || c.holder_kind != "school" || c.holder_id != Some(s.school) {
            return Err(DomainError::from(HandoverError::NotWithGiver {
                serial,
                held: held_by(c),
            })
            .into());
        }
        if c.dest_student != Some(s.student) {
            return Err(DomainError::from(HandoverError::AllocatedElsewhere {
                serial,
                to: "một học sinh khác".to_string(),
            })
            .into());
        }
        let sim_number = match &s.sim_number {
            Some(n) => handover::sim_number(n).map_err(DomainError::from)?,
            None => None,
        };
        let year = today().year() as i64;
        let issuer = issuer(&mut tx, Holder::School(s.school)).await?;
        let number = next_number(&mut tx, Step::ToStudent, &issuer, year).await?;
        let now = now_millis();
        let id: i64 = q(
            "INSERT INTO handovers (year, number, step, status, giver_kind, giver_id, receiver_kind,
                    receiver_id, giver_unit_id, receiver_unit_id, student_id, devices, received, missing,
                    sim_carrier, sim_number, created_by, created_at, confirmed_by, confirmed_at)
             VALUES ($1, $2, 'to_student', 'sent', 'school', $3, 'student', $4, $3, $3, $4, 1, 1, 0,
                     $5, $6, $7, $8, $7, $8) RETURNING id",
        )
        .bind(year)
        .bind(number.clone())
        .bind(s.school)
        .bind(s.student)
        .bind(s.sim_carrier.clone().filter(|c| !c.trim().is_empty()))
        .bind(sim_number.clone())
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "handovers_number_key", || DomainError::StaleEdit))?;
        q("INSERT INTO handover_items (handover_id, device_id, status) VALUES ($1, $2, 'received')")
            .bind(id)
            .bind(c.id)
            .execute(&mut tx)
            .await?;
        move_devices(
            &mut tx,
            actor,
            &[c.id],
            DeviceState::WithSchool,
            DeviceState::WithStudent,
            Holder::Student(s.student),
            &format!("Biên bản bàn giao số {number}"),
        )
        .await?;
        let school_name = unit_name(&mut tx, s.school).await?;
        let mut devices = minutes_devices(&mut tx, id, "received").await?;
        for d in &mut devices {
            d.student_code = student.code.clone();
        }
        let minutes = MinutesText {
            template: TEMPLATE_VERSION,
            number: number.clone(),
            step: Step::ToStudent,
            date: domain::dates::format_date(today()),
            giver: school_name,
            giver_person: person(&mut tx, &actor.name).await?,
            receiver: student.label(),
            signer: s.signer.clone(),
            student: Some(student.label()),
            received: devices,
            missing: vec![],
            extra: vec![],
            sim: sim_number.as_ref().map(|n| {
                format!("{} {n}", s.sim_carrier.clone().unwrap_or_default())
                    .trim()
                    .to_string()
            }),
            reason: None,
            signature_sha256: s.signature.sha256(),
        };
        keep_signature(&mut tx, actor, id, &s.signer, &s.signature, &minutes).await?;
        q("UPDATE handovers SET status = 'confirmed' WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        crate::students::edit::mark_served(&mut tx, actor, s.student).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Handover,
                entity_id: Some(id.to_string()),
                action: "confirm",
                summary: format!(
                    "Trường bàn giao thiết bị {} cho học sinh #{} (biên bản số {number})",
                    c.serial, s.student
                ),
                unit_id: Some(s.school),
                changes: Some(json!({
                    "number": number,
                    "serial": c.serial,
                    "student_id": s.student,
                    "minutes_sha256": minutes.sha256(),
                    "signature_sha256": s.signature.sha256(),
                    "template": TEMPLATE_VERSION,
                })),
                personal: Some(json!({
                    "guardian": s.signer.name,
                    "relation": s.signer.relation.map(|r| r.code()),
                    "id_number": s.signer.id_number,
                    "sim_number": sim_number,
                })),
            },
        )
        .await?;
        let h = Store::handover_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(h)
    }

    /// A school takes a student's device back (the student moved away, left school, …):
    /// signed by the guardian with the reason; the device goes back to the Board's books
    /// as returned.
    pub async fn return_device(&self, actor: &AuditActor, r: &StudentReturn) -> Result<Handover> {
        let reason = r.reason.trim().to_string();
        if reason.is_empty() {
            return Err(DomainError::from(HandoverError::ReturnReasonMissing).into());
        }
        let mut tx = self.pool().begin().await?;
        let student = lock_student(&mut tx, r.student, r.school).await?;
        let held: Option<(i64, String)> = q(
            "SELECT id, serial FROM devices WHERE holder_kind = 'student' AND holder_id = $1 AND state = 'with_student'",
        )
        .bind(r.student)
        .fetch_optional(&mut tx)
        .await?;
        let Some((device_id, serial)) = held else {
            return Err(DomainError::from(HandoverError::HandoverState {
                status: "học sinh không giữ thiết bị nào".to_string(),
            })
            .into());
        };
        let year = today().year() as i64;
        let issuer = issuer(&mut tx, Holder::School(r.school)).await?;
        let number = next_number(&mut tx, Step::Return, &issuer, year).await?;
        let now = now_millis();
        let id: i64 = q(
            "INSERT INTO handovers (year, number, step, status, giver_kind, giver_id, receiver_kind,
                    receiver_id, giver_unit_id, receiver_unit_id, student_id, devices, received, missing,
                    reason, created_by, created_at, confirmed_by, confirmed_at)
             VALUES ($1, $2, 'return', 'sent', 'student', $3, 'board', NULL, NULL, $4, $3, 1, 1, 0,
                     $5, $6, $7, $6, $7) RETURNING id",
        )
        .bind(year)
        .bind(number.clone())
        .bind(r.student)
        .bind(r.school)
        .bind(reason.clone())
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "handovers_number_key", || DomainError::StaleEdit))?;
        q("INSERT INTO handover_items (handover_id, device_id, status) VALUES ($1, $2, 'received')")
            .bind(id)
            .bind(device_id)
            .execute(&mut tx)
            .await?;
        move_devices(
            &mut tx,
            actor,
            &[device_id],
            DeviceState::WithStudent,
            DeviceState::Returned,
            Holder::Board,
            &format!("Thu hồi, biên bản số {number}: {reason}"),
        )
        .await?;
        q("DELETE FROM csdl_entries WHERE device_id = $1")
            .bind(device_id)
            .execute(&mut tx)
            .await?;
        let school_name = unit_name(&mut tx, r.school).await?;
        let mut devices = minutes_devices(&mut tx, id, "received").await?;
        for d in &mut devices {
            d.student_code = student.code.clone();
        }
        let minutes = MinutesText {
            template: TEMPLATE_VERSION,
            number: number.clone(),
            step: Step::Return,
            date: domain::dates::format_date(today()),
            giver: student.label(),
            giver_person: r.signer.name.clone(),
            receiver: school_name,
            signer: r.signer.clone(),
            student: Some(student.label()),
            received: devices,
            missing: vec![],
            extra: vec![],
            sim: None,
            reason: Some(reason.clone()),
            signature_sha256: r.signature.sha256(),
        };
        keep_signature(&mut tx, actor, id, &r.signer, &r.signature, &minutes).await?;
        q("UPDATE handovers SET status = 'confirmed' WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Handover,
                entity_id: Some(id.to_string()),
                action: "return_device",
                summary: format!(
                    "Thu hồi thiết bị {serial} của học sinh #{} (biên bản số {number}): {reason}",
                    r.student
                ),
                unit_id: Some(r.school),
                changes: Some(json!({
                    "number": number,
                    "serial": serial,
                    "student_id": r.student,
                    "reason": reason,
                    "minutes_sha256": minutes.sha256(),
                    "signature_sha256": r.signature.sha256(),
                })),
                personal: Some(json!({"guardian": r.signer.name, "relation": r.signer.relation.map(|x| x.code())})),
            },
        )
        .await?;
        let h = Store::handover_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(h)
    }
}

/// A student on the minutes: code, name and class.
struct StudentOnMinutes {
    code: Option<String>,
    name: String,
    class: Option<String>,
}

impl StudentOnMinutes {
    fn label(&self) -> String {
        let mut s = self.name.clone();
        if let Some(c) = &self.class {
            s.push_str(&format!(", lớp {c}"));
        }
        if let Some(code) = &self.code {
            s.push_str(&format!(" (mã {code})"));
        }
        s
    }
}

/// Locks the student's row (a no-op write), so that two officers handing the same student
/// a device at once are served one after the other; the student must be the school's.
async fn lock_student(tx: &mut Tx, student: i64, school: i64) -> Result<StudentOnMinutes> {
    let n = q("UPDATE students SET updated_at = updated_at WHERE id = $1 AND school_id = $2")
        .bind(student)
        .bind(school)
        .execute(&mut *tx)
        .await?;
    if n != 1 {
        return Err(DomainError::NotFound.into());
    }
    let (code, name, class): (Option<String>, String, Option<String>) =
        q("SELECT student_code, full_name, class_name FROM students WHERE id = $1")
            .bind(student)
            .fetch_one(&mut *tx)
            .await?;
    Ok(StudentOnMinutes { code, name, class })
}
