//! Receipts in kind (tiếp nhận hiện vật): the Board's receipts with their lines and
//! serials, registered in the same transaction as the receipt, and what their minutes
//! (biên bản tiếp nhận) print.

mod donors;

pub use donors::DonorRow;

use crate::db::q;
use crate::devices::CleanSerial;
use crate::devices::{SerialError, SerialRow, insert_devices, model_name};
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::{Millis, now_millis, today};
use domain::devices::DeviceKind;
use domain::donations::DonationsError;
use domain::donations::{Condition, Donation, Donor, DonorKind, source_of_minutes};
use domain::money::Dong;
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use time::Date;

/// The files kept with receipts in kind, for the archive (`crate::archive`): dated and
/// numbered by their receipt's minutes.
pub(crate) const ARCHIVE: &str = "SELECT 'uploaded' AS origin, 'other' AS kind, dn.minutes_no AS number,
        dn.received_on AS doc_date, 'Hồ sơ kèm biên bản nhận hàng của ' || dr.name AS title,
        '/donations/' || CAST(dn.id AS TEXT) || '/documents/' || CAST(d.id AS TEXT) AS link,
        NULL AS unit_id, NULL AS unit2_id, d.file_name AS file_name, d.size AS size, d.sha256 AS sha256,
        1 AS prints, d.uploaded_at AS at
   FROM documents d JOIN donations dn ON dn.id = d.owner_id JOIN donors dr ON dr.id = dn.donor_id
  WHERE d.owner_kind = 'donation'";

/// A problem with one serial of a receipt: the line of the receipt and the serial's
/// position in that line (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonationError {
    pub line: usize,
    pub row: usize,
    pub code: &'static str,
    pub message: String,
}

/// What recording a receipt did: the receipt and its devices, or nothing and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonationOutcome {
    pub id: Option<i64>,
    pub devices: usize,
    pub errors: Vec<DonationError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DonationSummary {
    pub id: i64,
    pub minutes_no: String,
    pub received_on: Date,
    pub donor_id: i64,
    pub donor_name: String,
    pub devices: i64,
    pub total_value: Dong,
}

/// One line of a recorded receipt, with its model's name and its serials.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRecord {
    pub id: i64,
    pub line_no: i64,
    pub model_id: i64,
    pub kind: DeviceKind,
    pub model_name: String,
    pub quantity: i64,
    pub condition: Condition,
    pub unit_value: Dong,
    pub serials: Vec<(String, Option<String>)>,
}

/// A recorded receipt with everything its minutes print.
#[derive(Debug, Clone, Serialize)]
pub struct DonationRecord {
    pub id: i64,
    pub minutes_no: String,
    pub received_on: Date,
    pub place: String,
    pub donor_id: i64,
    pub donor: Donor,
    pub donor_rep_name: String,
    pub donor_rep_position: Option<String>,
    pub board_rep_name: String,
    pub board_rep_position: Option<String>,
    pub note: Option<String>,
    pub total_value: Dong,
    pub recorded_by: String,
    pub created_at: Millis,
    pub items: Vec<ItemRecord>,
}

impl DonationRecord {
    pub fn source(&self) -> String {
        source_of_minutes(&self.minutes_no)
    }
}

impl Store {
    /// The serials of every line of a receipt checked against each other and the
    /// registry: the problems by line and position, and the clean serials in order.
    pub(crate) async fn receipt_serials(
        &self,
        d: &Donation,
        lang: Lang,
    ) -> Result<(Vec<DonationError>, Vec<CleanSerial>)> {
        // One list of serials over all lines, so that a serial repeated across lines is
        // caught too; row k of the list is serial `pos` of line `line`.
        let mut rows = Vec::new();
        let mut place = Vec::new();
        for (li, item) in d.items.iter().enumerate() {
            for (si, s) in item.serials.iter().enumerate() {
                rows.push(SerialRow {
                    row: rows.len() + 1,
                    serial: s.serial.clone(),
                    imei: s.imei.clone(),
                });
                place.push((li + 1, si + 1));
            }
        }
        let (report, clean) = self.check_serials(&rows, lang).await?;
        if report.rejected > 0 {
            let errors = report
                .errors
                .into_iter()
                .map(|SerialError { row, code, message }| {
                    let (line, pos) = place[row - 1];
                    DonationError {
                        line,
                        row: pos,
                        code,
                        message: format!(
                            "{} {line}, {} {pos}: {message}",
                            lang.pick("Dòng", "Line"),
                            lang.pick("thiết bị thứ", "device")
                        ),
                    }
                })
                .collect();
            return Ok((errors, Vec::new()));
        }
        Ok((Vec::new(), clean))
    }

    /// What a receipt's serials would be refused for, writing nothing (the receipt
    /// form shows them with its other problems, in one round).
    pub async fn receipt_serial_problems(
        &self,
        d: &Donation,
        lang: Lang,
    ) -> Result<Vec<DonationError>> {
        Ok(self.receipt_serials(d, lang).await?.0)
    }

    /// Records a receipt and registers its devices in one transaction: all of it, or
    /// nothing with every problem named (line and serial).
    pub async fn record_donation(
        &self,
        actor: &AuditActor,
        d: &Donation,
        lang: Lang,
    ) -> Result<DonationOutcome> {
        let d = d.checked(today())?;
        let donor = self.donor(d.donor_id).await?.ok_or_else(|| {
            DomainError::Donations(DonationsError::InvalidDonation {
                field: "donor",
                reason_vi: "chưa chọn nhà tài trợ (hoặc nhà tài trợ không còn)".into(),
                reason_en: "no donor chosen (or the donor no longer exists)".into(),
            })
        })?;
        let mut names = Vec::with_capacity(d.items.len());
        for item in &d.items {
            names.push(model_name(self, item.model_id).await?);
        }
        let taken: Option<i64> = q("SELECT id FROM donations WHERE minutes_no = $1")
            .bind(d.minutes_no.clone())
            .scalar_optional(self.pool())
            .await?;
        if taken.is_some() {
            return Err(DomainError::Donations(DonationsError::DuplicateMinutesNo {
                no: d.minutes_no,
            })
            .into());
        }
        let (errors, clean) = self.receipt_serials(&d, lang).await?;
        if !errors.is_empty() {
            return Ok(DonationOutcome {
                id: None,
                devices: 0,
                errors,
            });
        }
        let total = d.total_value().ok_or_else(|| {
            DomainError::Donations(DonationsError::InvalidDonation {
                field: "items",
                reason_vi: "tổng giá trị quá lớn".into(),
                reason_en: "the total value is too large".into(),
            })
        })?;
        let source = d.source();
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let id: i64 = q("INSERT INTO donations (donor_id, minutes_no, received_on, place, donor_rep_name, donor_rep_position,
                                                board_rep_name, board_rep_position, note, total_value, recorded_by, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(d.donor_id)
            .bind(d.minutes_no.clone())
            .bind(iso(d.received_on))
            .bind(d.place.clone())
            .bind(d.donor_rep.name.clone())
            .bind(d.donor_rep.position.clone())
            .bind(d.board_rep.name.clone())
            .bind(d.board_rep.position.clone())
            .bind(d.note.clone())
            .bind(total.0)
            .bind(actor.name.clone())
            .bind(now)
            .scalar(&mut tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "donations_minutes_no_key", || {
                    DomainError::Donations(DonationsError::DuplicateMinutesNo { no: d.minutes_no.clone() })
                })
            })?;
        let mut offset = 0;
        for (li, item) in d.items.iter().enumerate() {
            let item_id: i64 = q("INSERT INTO donation_items (donation_id, line_no, model_id, quantity, condition, unit_value)
                                  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(id)
                .bind((li + 1) as i64)
                .bind(item.model_id)
                .bind(i64::from(item.quantity))
                .bind(item.condition.code())
                .bind(item.unit_value.0)
                .scalar(&mut tx)
                .await?;
            let n = item.serials.len();
            insert_devices(
                self,
                &mut tx,
                actor,
                item.model_id,
                &source,
                Some(item_id),
                None,
                &clean[offset..offset + n],
            )
            .await?;
            offset += n;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Donation,
                entity_id: Some(id.to_string()),
                action: "receive",
                summary: format!(
                    "Tiếp nhận {} thiết bị của {} theo biên bản {}",
                    clean.len(),
                    match donor.kind {
                        DonorKind::Organisation => donor.name.clone(),
                        DonorKind::Person => format!("nhà tài trợ cá nhân #{}", d.donor_id),
                    },
                    d.minutes_no
                ),
                unit_id: None,
                changes: Some(json!({
                    "minutes_no": d.minutes_no, "donor_id": d.donor_id, "received_on": iso(d.received_on),
                    "total_value": total.0, "devices": clean.len(),
                    "items": d.items.iter().zip(&names).map(|(i, n)| json!({
                        "model": n, "quantity": i.quantity, "condition": i.condition.code(), "unit_value": i.unit_value.0,
                    })).collect::<Vec<_>>(),
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(DonationOutcome {
            id: Some(id),
            devices: clean.len(),
            errors: Vec::new(),
        })
    }

    /// Receipts, newest first.
    pub async fn donations(&self) -> Result<Vec<DonationSummary>> {
        let rows: Vec<(i64, String, String, i64, String, i64, i64)> = q(
            "SELECT x.id, x.minutes_no, x.received_on, x.donor_id, d.name,
                    CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM donation_items i WHERE i.donation_id = x.id) AS BIGINT),
                    x.total_value
               FROM donations x JOIN donors d ON d.id = x.donor_id
              ORDER BY x.received_on DESC, x.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, no, on, donor_id, name, n, value)| {
                Ok(DonationSummary {
                    id,
                    minutes_no: no,
                    received_on: parse_iso(&on, "donations", "received_on")?,
                    donor_id,
                    donor_name: name,
                    devices: n,
                    total_value: Dong(value),
                })
            })
            .collect()
    }

    /// The id of the receipt with this minutes number.
    pub async fn donation_id(&self, minutes_no: &str) -> Result<Option<i64>> {
        Ok(q("SELECT id FROM donations WHERE minutes_no = $1")
            .bind(minutes_no.trim().to_string())
            .scalar_optional(self.pool())
            .await?)
    }

    /// A receipt with its donor, lines and serials.
    pub async fn donation(&self, id: i64) -> Result<Option<DonationRecord>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            donor_id: i64,
            minutes_no: String,
            received_on: String,
            place: String,
            donor_rep_name: String,
            donor_rep_position: Option<String>,
            board_rep_name: String,
            board_rep_position: Option<String>,
            note: Option<String>,
            total_value: i64,
            recorded_by: String,
            created_at: i64,
        }
        // `recorded_by`: the person's full name where the account exists.
        let Some(r): Option<Row> = q("SELECT x.id, x.donor_id, x.minutes_no, x.received_on, x.place, x.donor_rep_name, x.donor_rep_position,
                                             x.board_rep_name, x.board_rep_position, x.note, x.total_value,
                                             COALESCE(u.full_name, x.recorded_by) AS recorded_by, x.created_at
                                        FROM donations x LEFT JOIN users u ON u.username = x.recorded_by WHERE x.id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let donor = self.donor(r.donor_id).await?.ok_or(DomainError::NotFound)?;
        type ItemRow = (i64, i64, i64, String, String, String, i64, String, i64);
        let items: Vec<ItemRow> = q(
            "SELECT i.id, i.line_no, i.model_id, m.kind, m.brand, m.model, i.quantity, i.condition, i.unit_value
               FROM donation_items i JOIN device_models m ON m.id = i.model_id
              WHERE i.donation_id = $1 ORDER BY i.line_no",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(items.len());
        for (item_id, line_no, model_id, kind, brand, model, quantity, condition, unit_value) in
            items
        {
            let serials: Vec<(String, Option<String>)> =
                q("SELECT serial, imei FROM devices WHERE donation_item_id = $1 ORDER BY id")
                    .bind(item_id)
                    .fetch_all(self.pool())
                    .await?;
            out.push(ItemRecord {
                id: item_id,
                line_no,
                model_id,
                kind: DeviceKind::parse(&kind)
                    .ok_or_else(|| StoreError::corrupt("device_models", "kind", kind.clone()))?,
                model_name: format!("{brand} {model}"),
                quantity,
                condition: Condition::parse(&condition).ok_or_else(|| {
                    StoreError::corrupt("donation_items", "condition", condition.clone())
                })?,
                unit_value: Dong(unit_value),
                serials,
            });
        }
        Ok(Some(DonationRecord {
            id: r.id,
            minutes_no: r.minutes_no,
            received_on: parse_iso(&r.received_on, "donations", "received_on")?,
            place: r.place,
            donor_id: r.donor_id,
            donor,
            donor_rep_name: r.donor_rep_name,
            donor_rep_position: r.donor_rep_position,
            board_rep_name: r.board_rep_name,
            board_rep_position: r.board_rep_position,
            note: r.note,
            total_value: Dong(r.total_value),
            recorded_by: r.recorded_by,
            created_at: r.created_at,
            items: out,
        }))
    }

    /// The province's name as a place ("Đắk Nông" for the root unit "Tỉnh Đắk Nông").
    pub async fn province_place_name(&self) -> Result<String> {
        let name: Option<String> =
            q("SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                .scalar_optional(self.pool())
                .await?;
        let name = name.unwrap_or_default();
        Ok(["Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(&name)
            .to_string())
    }
}
