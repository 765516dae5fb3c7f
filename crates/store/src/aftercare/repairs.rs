//! Repair tickets (phiếu bảo hành, sửa chữa). Opening one takes the device from its
//! student into repair; closing it puts the device back with the same student
//! (repaired) or marks it defective (not repairable) — each a registry transition in the
//! ticket's own transaction, so a ticket and its device never disagree. The warranty's
//! end is computed from the contract (its months from the acceptance, or the delivery)
//! or from the model's months from the day a donation was received (or, for a device
//! registered before either was recorded, from the day it entered the registry).

use crate::db::{Tx, q};
use crate::devices::change_in;
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::aftercare::{AftercareError, DefectRate, TicketStatus, warranty_end};
use domain::audit::Entity;
use domain::dates::{format_date, now_millis};
use domain::devices::{DeviceState, Holder};
use domain::units::UnitPath;
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    /// The device's serial or IMEI.
    pub serial: String,
    pub fault: String,
    /// Who reported it: the student, a parent, a teacher (a name, as said).
    pub reported_by: String,
    pub reported_on: Date,
    pub vendor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TicketRecord {
    pub id: i64,
    pub serial: String,
    pub model: String,
    pub student_id: i64,
    pub student_name: String,
    pub school_id: i64,
    pub school: String,
    pub fault: String,
    pub reported_by: String,
    pub reported_on: Date,
    pub warranty_end: Option<Date>,
    pub vendor: Option<String>,
    pub status: TicketStatus,
    pub status_on: Date,
    pub resolution: Option<String>,
    #[serde(skip)]
    pub school_path: UnitPath,
}

impl TicketRecord {
    /// Whether the fault was reported within the warranty (`None`: its end is unknown).
    pub fn in_warranty(&self) -> Option<bool> {
        self.warranty_end.map(|e| self.reported_on <= e)
    }
}

type TicketRow = (
    i64,
    String,
    String,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);

const TICKET_SELECT: &str = "SELECT t.id, d.serial, m.brand || ' ' || m.model, t.student_id, s.full_name, t.school_id, u.name,
        t.fault, t.reported_by, t.reported_on, t.warranty_end, t.vendor, t.status, t.status_on, t.resolution, u.path
   FROM repair_tickets t
   JOIN devices d ON d.id = t.device_id
   JOIN device_models m ON m.id = d.model_id
   JOIN students s ON s.id = t.student_id
   JOIN units u ON u.id = t.school_id";

fn ticket_record(r: TicketRow) -> Result<TicketRecord> {
    let date = |s: &str, c: &'static str| parse_iso(s, "repair_tickets", c);
    Ok(TicketRecord {
        id: r.0,
        serial: r.1,
        model: r.2,
        student_id: r.3,
        student_name: r.4,
        school_id: r.5,
        school: r.6,
        fault: r.7,
        reported_by: r.8,
        reported_on: date(&r.9, "reported_on")?,
        warranty_end: r
            .10
            .as_deref()
            .map(|d| date(d, "warranty_end"))
            .transpose()?,
        vendor: r.11,
        status: TicketStatus::parse(&r.12)
            .ok_or_else(|| StoreError::corrupt("repair_tickets", "status", r.12.clone()))?,
        status_on: date(&r.13, "status_on")?,
        resolution: r.14,
        school_path: UnitPath::parse(&r.15)
            .ok_or_else(|| StoreError::corrupt("units", "path", r.15.clone()))?,
    })
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// The warranty's end for a device: its contract's months from the first acceptance of
/// its delivery (or the delivery), or its model's months from its donation's receipt.
async fn device_warranty(tx: &mut Tx, device: i64) -> Result<Option<Date>> {
    type Row = (
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        i64,
    );
    let row: Option<Row> = q(
        "SELECT c.warranty_months,
                COALESCE((SELECT MIN(a.accepted_on) FROM procurement_acceptances a WHERE a.delivery_id = d.delivery_id), dl.delivered_on),
                m.warranty_months, dn.received_on, d.created_at
           FROM devices d
           JOIN device_models m ON m.id = d.model_id
           LEFT JOIN procurement_deliveries dl ON dl.id = d.delivery_id
           LEFT JOIN procurement_contracts c ON c.id = dl.contract_id
           LEFT JOIN donation_items di ON di.id = d.donation_item_id
           LEFT JOIN donations dn ON dn.id = di.donation_id
          WHERE d.id = $1",
    )
    .bind(device)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((contract_months, contract_start, model_months, received, registered)) = row else {
        return Ok(None);
    };
    let start = |s: &str| parse_iso(s, "devices", "warranty_start");
    let (months, from) = match (contract_months, contract_start, received) {
        (Some(m), Some(s), _) => (Some(m), start(&s)?),
        (_, _, Some(r)) => (model_months, start(&r)?),
        // Registered before its contract or receipt was recorded here: the model's
        // months from the day it entered the registry.
        _ => (model_months, domain::dates::local_date(registered)),
    };
    Ok(months.map(|m| warranty_end(from, m.clamp(0, 240) as u32)))
}

impl Store {
    /// Opens a ticket for a device a student holds, and takes the device into repair.
    /// Refused, nothing changed, when the device is not with a student or already has
    /// an open ticket.
    pub async fn open_repair(&self, actor: &AuditActor, t: &NewTicket) -> Result<i64> {
        let fault = clean(Some(&t.fault)).ok_or(DomainError::ReasonRequired)?;
        let reported_by = clean(Some(&t.reported_by)).unwrap_or_else(|| actor.name.clone());
        let serial = self
            .find_device(&t.serial)
            .await?
            .ok_or(DomainError::NotFound)?;
        let mut tx = self.pool().begin().await?;
        let (device_id, state, holder_kind, holder_id): (i64, String, String, Option<i64>) =
            q("SELECT id, state, holder_kind, holder_id FROM devices WHERE serial = $1")
                .bind(serial.clone())
                .fetch_one(&mut tx)
                .await?;
        let state = DeviceState::parse(&state)
            .ok_or_else(|| StoreError::corrupt("devices", "state", state.clone()))?;
        let open: Option<i64> = q(
            "SELECT id FROM repair_tickets WHERE device_id = $1 AND status IN ('open', 'at_vendor')",
        )
        .bind(device_id)
        .scalar_optional(&mut tx)
        .await?;
        if let Some(ticket) = open {
            return Err(AftercareError::AlreadyOpen { serial, ticket }.into());
        }
        let student = match (state, holder_kind.as_str(), holder_id) {
            (DeviceState::WithStudent, "student", Some(s)) => s,
            _ => return Err(AftercareError::NotWithStudent { serial, state }.into()),
        };
        let school: i64 = q("SELECT school_id FROM students WHERE id = $1")
            .bind(student)
            .scalar(&mut tx)
            .await?;
        let warranty = device_warranty(&mut tx, device_id).await?;
        let vendor = clean(t.vendor.as_deref());
        let now = now_millis();
        let id: i64 = q(
            "INSERT INTO repair_tickets (device_id, student_id, school_id, fault, reported_by, reported_on, warranty_end, vendor,
                                         status, status_on, resolution, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $6, NULL, $9, $10, $10) RETURNING id",
        )
        .bind(device_id)
        .bind(student)
        .bind(school)
        .bind(fault.clone())
        .bind(reported_by.clone())
        .bind(iso(t.reported_on))
        .bind(warranty.map(iso))
        .bind(vendor.clone())
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await?;
        change_in(
            &mut tx,
            actor,
            &serial,
            DeviceState::UnderRepair,
            Holder::Student(student),
            Some(&format!("Phiếu sửa chữa số {id}")),
        )
        .await?;
        let in_warranty = warranty.map(|w| t.reported_on <= w);
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::RepairTicket,
                entity_id: Some(id.to_string()),
                action: "open_repair",
                summary: format!(
                    "Phiếu sửa chữa số {id}: thiết bị {serial}, {fault} (báo ngày {}){}",
                    format_date(t.reported_on),
                    match in_warranty {
                        Some(true) => ", còn bảo hành",
                        Some(false) => ", hết bảo hành",
                        None => "",
                    }
                ),
                unit_id: Some(school),
                changes: Some(json!({
                    "device": serial, "student": student, "fault": fault,
                    "reported_on": iso(t.reported_on), "warranty_end": warranty.map(iso),
                    "vendor": vendor,
                })),
                personal: Some(json!({"reported_by": reported_by})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a ticket on: to the vendor, or closed — repaired (the device back with the
    /// same student) or not repairable (the device defective). A closed ticket is not
    /// moved again; two officers closing one at once, the second is told it is closed.
    pub async fn repair_step(
        &self,
        actor: &AuditActor,
        id: i64,
        to: TicketStatus,
        day: Date,
        vendor: Option<&str>,
        resolution: Option<&str>,
    ) -> Result<TicketRecord> {
        let t = self.repair_ticket(id).await?.ok_or(DomainError::NotFound)?;
        t.status.step(id, to, day, t.status_on)?;
        let vendor = clean(vendor);
        let resolution = clean(resolution);
        let mut tx = self.pool().begin().await?;
        let n = q(
            "UPDATE repair_tickets SET status = $1, status_on = $2, vendor = COALESCE($3, vendor),
                    resolution = COALESCE($4, resolution), updated_at = $5
              WHERE id = $6 AND status = $7",
        )
        .bind(to.code())
        .bind(iso(day))
        .bind(vendor.clone())
        .bind(resolution.clone())
        .bind(now_millis())
        .bind(id)
        .bind(t.status.code())
        .execute(&mut tx)
        .await?;
        if n != 1 {
            drop(tx);
            // Someone moved it meanwhile: say where it is now.
            let now = self.repair_ticket(id).await?.ok_or(DomainError::NotFound)?;
            return Err(now
                .status
                .step(id, to, day, now.status_on)
                .err()
                .map_or(StoreError::Domain(DomainError::StaleEdit), |e| {
                    StoreError::Domain(e.into())
                }));
        }
        let note = format!("Phiếu sửa chữa số {id}");
        match to {
            TicketStatus::Repaired => {
                change_in(
                    &mut tx,
                    actor,
                    &t.serial,
                    DeviceState::WithStudent,
                    Holder::Student(t.student_id),
                    Some(&note),
                )
                .await?;
            }
            TicketStatus::Unrepairable => {
                change_in(
                    &mut tx,
                    actor,
                    &t.serial,
                    DeviceState::Defective,
                    Holder::Student(t.student_id),
                    Some(&note),
                )
                .await?;
            }
            TicketStatus::Open | TicketStatus::AtVendor => {}
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::RepairTicket,
                entity_id: Some(id.to_string()),
                action: "repair_step",
                summary: format!(
                    "Phiếu sửa chữa số {id} (thiết bị {}): {} → {} ngày {}",
                    t.serial,
                    t.status.label(Lang::Vi),
                    to.label(Lang::Vi),
                    format_date(day)
                ),
                unit_id: Some(t.school_id),
                changes: Some(json!({
                    "from": t.status.code(), "to": to.code(), "day": iso(day),
                    "vendor": vendor, "resolution": resolution,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.repair_ticket(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn repair_ticket(&self, id: i64) -> Result<Option<TicketRecord>> {
        let row: Option<TicketRow> =
            crate::db::Q::assembled(format!("{TICKET_SELECT} WHERE t.id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(ticket_record).transpose()
    }

    /// The tickets of `scope`'s schools, open ones first, the latest first.
    pub async fn repair_tickets(&self, scope: &UnitPath, limit: i64) -> Result<Vec<TicketRecord>> {
        let (lo, hi) = scope.subtree_range();
        let rows: Vec<TicketRow> = crate::db::Q::assembled(format!(
            "{TICKET_SELECT} WHERE u.path >= $1 AND u.path < $2
              ORDER BY CASE WHEN t.status IN ('open', 'at_vendor') THEN 0 ELSE 1 END, t.reported_on DESC, t.id DESC
              LIMIT $3"
        ))
        .bind(lo)
        .bind(hi)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(ticket_record).collect()
    }

    /// A device's tickets, the latest first.
    pub async fn device_tickets(&self, serial: &str) -> Result<Vec<TicketRecord>> {
        let rows: Vec<TicketRow> = crate::db::Q::assembled(format!(
            "{TICKET_SELECT} WHERE d.serial = $1 ORDER BY t.id DESC"
        ))
        .bind(serial.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(ticket_record).collect()
    }

    /// Defect rates per model and per supplier over every device that has reached a
    /// student: the share that had at least one repair ticket. The supplier is the
    /// contract's, or the donor for a gift (found by the device's delivery or receipt
    /// line, else by the contract or minutes number it was registered under); counted by
    /// the database, group by group.
    pub async fn defect_rates(&self) -> Result<(Vec<DefectRate>, Vec<DefectRate>)> {
        let rows: Vec<(String, Option<String>, i64, i64)> = q(
            "SELECT model, supplier, COUNT(*), SUM(faulty) FROM (
               SELECT m.brand || ' ' || m.model AS model,
                      COALESCE(c.supplier, dr.name, c2.supplier, dr2.name,
                               CASE WHEN d.source LIKE 'contract:%' THEN 'Hợp đồng ' || substr(d.source, 10)
                                    WHEN d.source LIKE 'donation:%' THEN 'Biên bản tiếp nhận ' || substr(d.source, 10)
                               END) AS supplier,
                      CASE WHEN EXISTS (SELECT 1 FROM repair_tickets t WHERE t.device_id = d.id) THEN 1 ELSE 0 END AS faulty
                 FROM devices d
                 JOIN device_models m ON m.id = d.model_id
                 LEFT JOIN procurement_deliveries dl ON dl.id = d.delivery_id
                 LEFT JOIN procurement_contracts c ON c.id = dl.contract_id
                 LEFT JOIN donation_items di ON di.id = d.donation_item_id
                 LEFT JOIN donations dn ON dn.id = di.donation_id
                 LEFT JOIN donors dr ON dr.id = dn.donor_id
                 LEFT JOIN procurement_contracts c2 ON d.delivery_id IS NULL AND d.source = 'contract:' || c2.number
                 LEFT JOIN donations dn2 ON d.donation_item_id IS NULL AND d.source = 'donation:' || dn2.minutes_no
                 LEFT JOIN donors dr2 ON dr2.id = dn2.donor_id
                WHERE EXISTS (SELECT 1 FROM device_events e WHERE e.device_id = d.id AND e.to_state = 'with_student')
             ) x GROUP BY model, supplier",
        )
        .fetch_all(self.pool())
        .await?;
        let unknown = "Không rõ nguồn";
        Ok(domain::aftercare::defect_rates_counted(rows.iter().map(
            |(m, s, n, f)| (m.as_str(), s.as_deref().unwrap_or(unknown), *n, *f),
        )))
    }
}
