//! The education sector database (CSDL ngành): the devices a school has handed to its
//! students, in the shape the sector database takes, and which rows the school has entered
//! there (ticked on the page, or sent back in the exported sheet).

use crate::db::q;
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, RowIssue, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::handover::HandoverError;
use serde::Serialize;
use serde_json::json;

/// One device with a student of the school, as the export writes it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CsdlRow {
    pub device_id: i64,
    pub student_id: i64,
    pub student_code: Option<String>,
    pub full_name: String,
    pub class_name: Option<String>,
    pub school_code: String,
    pub kind: String,
    pub serial: String,
    pub imei: Option<String>,
    /// When the student's minutes were signed.
    pub received_at: Option<i64>,
    /// `donation:<minutes>` or `contract:<no>`
    pub source: String,
    pub donor: Option<String>,
    /// When the school marked it entered.
    pub entered_at: Option<i64>,
}

impl CsdlRow {
    /// "Tài trợ" or "Hợp đồng mua sắm".
    pub fn source_word(&self) -> &'static str {
        if self.source.starts_with("contract:") {
            "Hợp đồng mua sắm"
        } else {
            "Tài trợ"
        }
    }

    /// The donor's name, or the contract the device was bought under.
    pub fn donor_or_supplier(&self) -> String {
        match (&self.donor, self.source.strip_prefix("contract:")) {
            (Some(d), _) => d.clone(),
            (None, Some(no)) => format!("Hợp đồng số {no}"),
            (None, None) => domain::devices::source_label(&self.source, domain::Lang::Vi),
        }
    }
}

/// One row of a sheet sent back: its row number, the serial and whether it is marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlMark {
    pub row: usize,
    pub serial: String,
    pub entered: bool,
}

/// What a sheet sent back changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CsdlApplied {
    pub marked: u64,
    pub unmarked: u64,
    pub unchanged: u64,
}

impl Store {
    /// The devices with the school's students, by class and name.
    pub async fn csdl_rows(&self, school: i64) -> Result<Vec<CsdlRow>> {
        Ok(q(
            "SELECT d.id AS device_id, s.id AS student_id, s.student_code, s.full_name, s.class_name,
                    u.code AS school_code, m.kind, d.serial, d.imei,
                    (SELECT MAX(h.confirmed_at) FROM handovers h JOIN handover_items i ON i.handover_id = h.id
                      WHERE i.device_id = d.id AND h.student_id = s.id AND h.step = 'to_student'
                        AND h.status = 'confirmed') AS received_at,
                    d.source, dn.name AS donor, c.entered_at
               FROM devices d
               JOIN students s ON s.id = d.holder_id
               JOIN units u ON u.id = s.school_id
               JOIN device_models m ON m.id = d.model_id
               LEFT JOIN donation_items di ON di.id = d.donation_item_id
               LEFT JOIN donations dd ON dd.id = di.donation_id
               LEFT JOIN donors dn ON dn.id = dd.donor_id
               LEFT JOIN csdl_entries c ON c.device_id = d.id
              WHERE d.holder_kind = 'student' AND d.state IN ('with_student', 'under_repair', 'defective')
                AND s.school_id = $1
              ORDER BY s.class_name, s.name_key, s.id",
        )
        .bind(school)
        .fetch_all(self.pool())
        .await?)
    }

    /// Marks (or unmarks) rows of the school as entered in CSDL ngành. Every serial must be
    /// one of the school's rows, or nothing is written and each stray one is named with
    /// its row.
    pub async fn mark_csdl(
        &self,
        actor: &AuditActor,
        school: i64,
        marks: &[CsdlMark],
        how: &'static str,
    ) -> Result<CsdlApplied> {
        let rows = self.csdl_rows(school).await?;
        let by_serial: std::collections::HashMap<&str, &CsdlRow> =
            rows.iter().map(|r| (r.serial.as_str(), r)).collect();
        let mut issues = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in marks {
            if !by_serial.contains_key(m.serial.as_str()) {
                issues.push(RowIssue {
                    row: m.row,
                    field: "serial",
                    error: HandoverError::CsdlRow {
                        row: m.row,
                        column: "Số sê-ri".into(),
                        reason_vi: "thiết bị này không ở với học sinh nào của trường.",
                        reason_en: "this device is not with a student of the school.",
                    }
                    .into(),
                });
            } else if !seen.insert(m.serial.as_str()) {
                issues.push(RowIssue {
                    row: m.row,
                    field: "serial",
                    error: HandoverError::Repeated {
                        serial: m.serial.clone(),
                    }
                    .into(),
                });
            }
        }
        if !issues.is_empty() {
            return Err(StoreError::Rows(issues));
        }
        let mut tx = self.pool().begin().await?;
        let now = now_millis();
        let mut applied = CsdlApplied::default();
        let mut marked = Vec::new();
        let mut unmarked = Vec::new();
        for m in marks {
            let row = by_serial[m.serial.as_str()];
            match (m.entered, row.entered_at.is_some()) {
                (true, false) => {
                    q("INSERT INTO csdl_entries (device_id, school_id, how, entered_by, entered_at)
                       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO NOTHING")
                    .bind(row.device_id)
                    .bind(school)
                    .bind(how)
                    .bind(actor.name.clone())
                    .bind(now)
                    .execute(&mut tx)
                    .await?;
                    applied.marked += 1;
                    marked.push(m.serial.clone());
                }
                (false, true) => {
                    q("DELETE FROM csdl_entries WHERE device_id = $1")
                        .bind(row.device_id)
                        .execute(&mut tx)
                        .await?;
                    applied.unmarked += 1;
                    unmarked.push(m.serial.clone());
                }
                _ => applied.unchanged += 1,
            }
        }
        if applied.marked + applied.unmarked == 0 {
            return Ok(applied);
        }
        let code: String = q("SELECT code FROM units WHERE id = $1")
            .bind(school)
            .scalar(&mut tx)
            .await?;
        for (action, serials) in [("enter_csdl", &marked), ("unmark_csdl", &unmarked)] {
            if serials.is_empty() {
                continue;
            }
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    entity: Entity::CsdlEntry,
                    entity_id: Some(code.clone()),
                    action,
                    summary: if action == "enter_csdl" {
                        format!(
                            "Trường {code} đã nhập {} thiết bị vào CSDL ngành",
                            serials.len()
                        )
                    } else {
                        format!(
                            "Trường {code} bỏ đánh dấu {} thiết bị đã nhập CSDL ngành",
                            serials.len()
                        )
                    },
                    unit_id: Some(school),
                    changes: Some(json!({"serials": serials, "how": how})),
                    personal: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(applied)
    }

    /// The school's id for a device with one of its students, if it is.
    pub async fn csdl_school_of(&self, serial: &str) -> Result<Option<i64>> {
        let s = domain::devices::serial(serial).map_err(|_| DomainError::NotFound)?;
        Ok(q(
            "SELECT s.school_id FROM devices d JOIN students s ON s.id = d.holder_id
               WHERE d.serial = $1 AND d.holder_kind = 'student'",
        )
        .bind(s)
        .scalar_optional(self.pool())
        .await?)
    }
}
