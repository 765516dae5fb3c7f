//! Devices in kind: donors, receipts by the Board with their lines and serials (registered
//! in the same transaction as the receipt), documents kept with their SHA-256, and the
//! appraisal of models and delivered batches that moves devices out of `received`.

use crate::db::{Q, Tx, q};
use crate::devices::{SerialError, SerialRow, insert_devices};
use crate::error::{Result, StoreError};
use crate::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::dates::{Millis, now_millis, today};
use domain::devices::{DeviceKind, DeviceState};
use domain::donations::{
    Appraisal, Condition, Donation, Donor, DonorKind, Earmark, Verdict, source_of_minutes,
};
use domain::money::Dong;
use domain::units::UnitKind;
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use time::Date;

/// A donor as listed, with what they gave so far.
#[derive(Debug, Clone, Serialize)]
pub struct DonorRow {
    pub id: i64,
    pub donor: Donor,
    pub donations: i64,
    pub devices: i64,
    pub total_value: Dong,
}

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

/// A file kept with a donation or an appraisal (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub owner_kind: String,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentOwner {
    Donation(i64),
    Appraisal(i64),
}

impl DocumentOwner {
    fn parts(self) -> (&'static str, i64) {
        match self {
            DocumentOwner::Donation(id) => ("donation", id),
            DocumentOwner::Appraisal(id) => ("appraisal", id),
        }
    }
}

/// A recorded appraisal.
#[derive(Debug, Clone, Serialize)]
pub struct AppraisalRow {
    pub id: i64,
    pub model_id: i64,
    pub source: Option<String>,
    pub verdict: Verdict,
    pub appraised_on: Date,
    pub notes: Option<String>,
    /// Devices whose state it changed.
    pub devices: i64,
    pub appraised_by: String,
    pub created_at: Millis,
}

/// What an appraisal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppraisalOutcome {
    pub id: i64,
    pub devices: u64,
}

/// A delivered batch: the devices of one model from one source, by state, with the
/// latest appraisal of the batch and of its model.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub model_id: i64,
    pub model_name: String,
    pub kind: DeviceKind,
    pub source: String,
    pub received: i64,
    pub appraised: i64,
    pub rejected: i64,
    pub in_stock: i64,
    pub total: i64,
    pub model_verdict: Option<Verdict>,
    pub batch_verdict: Option<Verdict>,
}

#[derive(sqlx::FromRow)]
struct DonorDb {
    id: i64,
    kind: String,
    name: String,
    contact_person: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    tax_code: Option<String>,
    publish_name: bool,
    earmark_unit_id: Option<i64>,
    earmark_tier: Option<i64>,
}

const DONOR_COLS: &str = "d.id, d.kind, d.name, d.contact_person, d.phone, d.email, d.address, d.tax_code, d.publish_name, d.earmark_unit_id, d.earmark_tier";

impl DonorDb {
    fn donor(self) -> Result<(i64, Donor)> {
        let kind = DonorKind::parse(&self.kind)
            .ok_or_else(|| StoreError::corrupt("donors", "kind", self.kind.clone()))?;
        Ok((
            self.id,
            Donor {
                kind,
                name: self.name,
                contact_person: self.contact_person,
                phone: self.phone,
                email: self.email,
                address: self.address,
                tax_code: self.tax_code,
                publish_name: self.publish_name,
                earmark: Earmark {
                    unit_id: self.earmark_unit_id,
                    tier: self.earmark_tier.and_then(|v| u8::try_from(v).ok()),
                },
            },
        ))
    }
}

/// What of a donor the audit chain may hold: nothing that identifies a person.
fn donor_public(d: &Donor) -> serde_json::Value {
    json!({
        "kind": d.kind.code(),
        "name": (d.kind == DonorKind::Organisation).then_some(&d.name),
        "publish_name": d.publish_name,
        "earmark": d.earmark,
    })
}

/// The rest, kept beside the chain.
fn donor_private(d: &Donor) -> serde_json::Value {
    json!({
        "name": d.name, "contact_person": d.contact_person, "phone": d.phone, "email": d.email,
        "address": d.address, "tax_code": d.tax_code,
    })
}

/// An uploaded file's name as kept: no path, no control characters, at most 200
/// characters, `default` when nothing is left.
pub(crate) fn clean_file_name(raw: &str, default: &str) -> String {
    let name: String = raw
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.trim().is_empty() {
        default.to_string()
    } else {
        name
    }
}

/// The latest verdict of a model (`source` None) or of a batch.
async fn latest_verdict(
    tx: &mut Tx,
    model_id: i64,
    source: Option<&str>,
) -> Result<Option<Verdict>> {
    let v: Option<String> = match source {
        None => q("SELECT verdict FROM appraisals WHERE model_id = $1 AND source IS NULL ORDER BY id DESC LIMIT 1")
            .bind(model_id)
            .scalar_optional(&mut *tx)
            .await?,
        Some(s) => q("SELECT verdict FROM appraisals WHERE model_id = $1 AND source = $2 ORDER BY id DESC LIMIT 1")
            .bind(model_id)
            .bind(s.to_string())
            .scalar_optional(&mut *tx)
            .await?,
    };
    Ok(v.as_deref().and_then(Verdict::parse))
}

/// Moves every device of a model (and batch) from one state to another, with an event
/// each; the database's trigger checks each change. Returns how many moved.
async fn move_batch(
    tx: &mut Tx,
    actor: &AuditActor,
    model_id: i64,
    source: Option<&str>,
    from: DeviceState,
    to: DeviceState,
    note: &str,
) -> Result<u64> {
    let now = now_millis();
    let batch = if source.is_some() {
        " AND source = $7"
    } else {
        ""
    };
    let with_source = |query: Q| match source {
        Some(s) => query.bind(s.to_string()),
        None => query,
    };
    let sql = format!(
        "INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
         SELECT id, state, $3, holder_kind, holder_id, $4, $5, $6 FROM devices
          WHERE model_id = $1 AND state = $2{batch}"
    );
    with_source(
        Q::assembled(sql)
            .bind(model_id)
            .bind(from.code())
            .bind(to.code())
            .bind(actor.name.clone())
            .bind(note.to_string())
            .bind(now),
    )
    .execute(&mut *tx)
    .await?;
    let batch = if source.is_some() {
        " AND source = $5"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE devices SET state = $3, state_changed_at = $4 WHERE model_id = $1 AND state = $2{batch}"
    );
    Ok(with_source(
        Q::assembled(sql)
            .bind(model_id)
            .bind(from.code())
            .bind(to.code())
            .bind(now),
    )
    .execute(&mut *tx)
    .await?)
}

async fn model_name(store: &Store, model_id: i64) -> Result<String> {
    let name: Option<(String, String)> = q("SELECT brand, model FROM device_models WHERE id = $1")
        .bind(model_id)
        .fetch_optional(store.pool())
        .await?;
    let (b, m) = name.ok_or(DomainError::UnknownModel { id: model_id })?;
    Ok(format!("{b} {m}"))
}

impl Store {
    /// Records a donor (`id` None) or changes one; audited with the values before.
    pub async fn save_donor(&self, actor: &AuditActor, id: Option<i64>, d: &Donor) -> Result<i64> {
        let d = d.checked()?;
        if let Some(unit) = d.earmark.unit_id {
            // A gift is earmarked for a district (its schools) or one school.
            let kind = self.unit_by_id(unit).await?.map(|u| u.kind);
            if !matches!(kind, Some(UnitKind::District | UnitKind::School)) {
                return Err(DomainError::InvalidDonor {
                    field: "earmark_unit",
                    reason_vi: "chỉ định được một huyện hoặc một trường có trong danh mục".into(),
                    reason_en: "the earmark names a district or a school in the list of units"
                        .into(),
                }
                .into());
            }
        }
        if let Some(tier) = d.earmark.tier {
            let known: Option<i64> = q("SELECT id FROM tiers WHERE rank = $1 LIMIT 1")
                .bind(i64::from(tier))
                .scalar_optional(self.pool())
                .await?;
            if known.is_none() {
                return Err(DomainError::InvalidDonor {
                    field: "earmark_tier",
                    reason_vi: "đối tượng ưu tiên không có trong chương trình".into(),
                    reason_en: "the program has no such tier".into(),
                }
                .into());
            }
        }
        let before = match id {
            Some(id) => Some(self.donor(id).await?.ok_or(DomainError::NotFound)?),
            None => None,
        };
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let bind = |query: Q| {
            query
                .bind(d.kind.code())
                .bind(d.name.clone())
                .bind(d.contact_person.clone())
                .bind(d.phone.clone())
                .bind(d.email.clone())
                .bind(d.address.clone())
                .bind(d.tax_code.clone())
                .bind(d.publish_name)
                .bind(d.earmark.unit_id)
                .bind(d.earmark.tier.map(i64::from))
                .bind(now)
        };
        let id = match id {
            None => {
                bind(q("INSERT INTO donors (kind, name, contact_person, phone, email, address, tax_code, publish_name,
                                            earmark_unit_id, earmark_tier, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"))
                .scalar(&mut tx)
                .await?
            }
            Some(id) => {
                bind(q("UPDATE donors SET kind = $1, name = $2, contact_person = $3, phone = $4, email = $5, address = $6,
                               tax_code = $7, publish_name = $8, earmark_unit_id = $9, earmark_tier = $10, updated_at = $11
                         WHERE id = $12"))
                .bind(id)
                .execute(&mut tx)
                .await?;
                id
            }
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "donor",
                entity_id: Some(id.to_string()),
                action: if before.is_some() { "update" } else { "create" },
                summary: match d.kind {
                    DonorKind::Organisation => format!("Nhà tài trợ {}", d.name),
                    DonorKind::Person => format!("Nhà tài trợ cá nhân #{id}"),
                },
                unit_id: None,
                changes: Some(json!({"before": before.as_ref().map(donor_public), "after": donor_public(&d)})),
                // A person's name and anyone's contacts stay beside the chain, erasable.
                personal: Some(json!({"before": before.as_ref().map(donor_private), "after": donor_private(&d)})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn donor(&self, id: i64) -> Result<Option<Donor>> {
        let sql = format!("SELECT {DONOR_COLS} FROM donors d WHERE d.id = $1");
        let row: Option<DonorDb> = Q::assembled(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.donor().map(|(_, d)| d)).transpose()
    }

    /// Every donor with the number of receipts, devices and their declared value.
    pub async fn donors(&self) -> Result<Vec<DonorRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            d: DonorDb,
            n_donations: i64,
            n_devices: i64,
            value: i64,
        }
        let sql = format!(
            "SELECT {DONOR_COLS},
                    CAST((SELECT COUNT(*) FROM donations x WHERE x.donor_id = d.id) AS BIGINT) AS n_donations,
                    CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM donation_items i JOIN donations x ON x.id = i.donation_id
                           WHERE x.donor_id = d.id) AS BIGINT) AS n_devices,
                    CAST((SELECT COALESCE(SUM(x.total_value), 0) FROM donations x WHERE x.donor_id = d.id) AS BIGINT) AS value
               FROM donors d ORDER BY d.name, d.id"
        );
        let rows: Vec<Row> = Q::assembled(sql).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                let (id, donor) = r.d.donor()?;
                Ok(DonorRow {
                    id,
                    donor,
                    donations: r.n_donations,
                    devices: r.n_devices,
                    total_value: Dong(r.value),
                })
            })
            .collect()
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
        let donor = self
            .donor(d.donor_id)
            .await?
            .ok_or_else(|| DomainError::InvalidDonation {
                field: "donor",
                reason_vi: "chưa chọn nhà tài trợ (hoặc nhà tài trợ không còn)".into(),
                reason_en: "no donor chosen (or the donor no longer exists)".into(),
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
            return Err(DomainError::DuplicateMinutesNo { no: d.minutes_no }.into());
        }
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
            return Ok(DonationOutcome {
                id: None,
                devices: 0,
                errors,
            });
        }
        let total = d
            .total_value()
            .ok_or_else(|| DomainError::InvalidDonation {
                field: "items",
                reason_vi: "tổng giá trị quá lớn".into(),
                reason_en: "the total value is too large".into(),
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
                    DomainError::DuplicateMinutesNo { no: d.minutes_no.clone() }
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
                &clean[offset..offset + n],
            )
            .await?;
            offset += n;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "donation",
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
        let Some(r): Option<Row> = q("SELECT id, donor_id, minutes_no, received_on, place, donor_rep_name, donor_rep_position,
                                             board_rep_name, board_rep_position, note, total_value, recorded_by, created_at
                                        FROM donations WHERE id = $1")
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

    /// Keeps a file with a donation or an appraisal, with its SHA-256; the caller has
    /// checked the type by the bytes. The same bytes twice are kept once.
    pub async fn add_document(
        &self,
        actor: &AuditActor,
        owner: DocumentOwner,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<i64> {
        let (kind, owner_id) = owner.parts();
        let table = if kind == "donation" {
            "donations"
        } else {
            "appraisals"
        };
        let exists: Option<i64> = Q::assembled(format!("SELECT id FROM {table} WHERE id = $1"))
            .bind(owner_id)
            .scalar_optional(self.pool())
            .await?;
        if exists.is_none() {
            return Err(DomainError::NotFound.into());
        }
        let sha = crate::passwords::sha256_hex(&data);
        let mut tx = self.pool().begin().await?;
        let same: Option<i64> =
            q("SELECT id FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND sha256 = $3")
                .bind(kind)
                .bind(owner_id)
                .bind(sha.clone())
                .scalar_optional(&mut tx)
                .await?;
        if let Some(id) = same {
            return Ok(id);
        }
        let name = clean_file_name(file_name, "tai-lieu");
        let size = data.len() as i64;
        let id: i64 = q("INSERT INTO documents (owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(kind)
            .bind(owner_id)
            .bind(name.clone())
            .bind(content_type)
            .bind(size)
            .bind(sha.clone())
            .bind(data)
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "document",
                entity_id: Some(id.to_string()),
                action: "upload",
                summary: format!("Đính kèm tài liệu \"{name}\" ({kind} #{owner_id})"),
                unit_id: None,
                changes: Some(json!({"owner": kind, "owner_id": owner_id, "sha256": sha, "size": size, "content_type": content_type})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn documents(&self, owner: DocumentOwner) -> Result<Vec<Document>> {
        let (kind, id) = owner.parts();
        Ok(q("SELECT id, owner_kind, owner_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at
                FROM documents WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id")
            .bind(kind)
            .bind(id)
            .fetch_all(self.pool())
            .await?)
    }

    /// A document of an owner, with its bytes.
    pub async fn document(
        &self,
        owner: DocumentOwner,
        id: i64,
    ) -> Result<Option<(Document, Vec<u8>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            meta: Document,
            data: Vec<u8>,
        }
        let (kind, owner_id) = owner.parts();
        let r: Option<Row> = q("SELECT id, owner_kind, owner_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at, data
                                  FROM documents WHERE id = $1 AND owner_kind = $2 AND owner_id = $3")
            .bind(id)
            .bind(kind)
            .bind(owner_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(r.map(|r| (r.meta, r.data)))
    }

    /// Records an appraisal and applies it: a failed model rejects every device of it
    /// still waiting; a batch passes only when its model has passed, and moves its
    /// waiting devices to `appraised` (pass) or `rejected` (fail).
    pub async fn appraise(&self, actor: &AuditActor, a: &Appraisal) -> Result<AppraisalOutcome> {
        let a = a.checked(today())?;
        let name = model_name(self, a.model_id).await?;
        let mut tx = self.pool().begin().await?;
        let target = match a.verdict {
            Verdict::Pass => DeviceState::Appraised,
            Verdict::Fail => DeviceState::Rejected,
        };
        let note = format!(
            "Thẩm định {}: {}",
            a.source.as_deref().unwrap_or("mẫu máy"),
            a.verdict.label(Lang::Vi)
        );
        let moved = match (&a.source, a.verdict) {
            (None, Verdict::Pass) => 0,
            (None, Verdict::Fail) => {
                move_batch(
                    &mut tx,
                    actor,
                    a.model_id,
                    None,
                    DeviceState::Received,
                    target,
                    &note,
                )
                .await?
            }
            (Some(source), verdict) => {
                if verdict == Verdict::Pass
                    && latest_verdict(&mut tx, a.model_id, None).await? != Some(Verdict::Pass)
                {
                    return Err(DomainError::ModelNotAppraised { model: name }.into());
                }
                let n = move_batch(
                    &mut tx,
                    actor,
                    a.model_id,
                    Some(source),
                    DeviceState::Received,
                    target,
                    &note,
                )
                .await?;
                if n == 0 {
                    return Err(DomainError::NothingToAppraise {
                        source: source.clone(),
                    }
                    .into());
                }
                n
            }
        };
        let id: i64 = q("INSERT INTO appraisals (model_id, source, verdict, appraised_on, notes, devices, appraised_by, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(a.model_id)
            .bind(a.source.clone())
            .bind(a.verdict.code())
            .bind(iso(a.appraised_on))
            .bind(a.notes.clone())
            .bind(moved as i64)
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "appraisal",
                entity_id: Some(id.to_string()),
                action: a.verdict.code(),
                summary: format!(
                    "Thẩm định {name}{}: {} ({moved} thiết bị)",
                    a.source.as_deref().map(|s| format!(", lô {s}")).unwrap_or_default(),
                    a.verdict.label(Lang::Vi)
                ),
                unit_id: None,
                changes: Some(json!({"model_id": a.model_id, "source": a.source, "verdict": a.verdict.code(),
                                     "appraised_on": iso(a.appraised_on), "notes": a.notes, "devices": moved})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AppraisalOutcome { id, devices: moved })
    }

    /// Appraisals of a model (all of them when `None`), newest first.
    pub async fn appraisals(&self, model_id: Option<i64>) -> Result<Vec<AppraisalRow>> {
        type R = (
            i64,
            i64,
            Option<String>,
            String,
            String,
            Option<String>,
            i64,
            String,
            i64,
        );
        let sql = "SELECT id, model_id, source, verdict, appraised_on, notes, devices, appraised_by, created_at FROM appraisals";
        let rows: Vec<R> = match model_id {
            Some(m) => {
                Q::assembled(format!("{sql} WHERE model_id = $1 ORDER BY id DESC"))
                    .bind(m)
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                Q::assembled(format!("{sql} ORDER BY id DESC"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.into_iter()
            .map(
                |(id, model_id, source, verdict, on, notes, devices, by, at)| {
                    Ok(AppraisalRow {
                        id,
                        model_id,
                        source,
                        verdict: Verdict::parse(&verdict).ok_or_else(|| {
                            StoreError::corrupt("appraisals", "verdict", verdict.clone())
                        })?,
                        appraised_on: parse_iso(&on, "appraisals", "appraised_on")?,
                        notes,
                        devices,
                        appraised_by: by,
                        created_at: at,
                    })
                },
            )
            .collect()
    }

    /// Puts the appraised devices of a batch in the Board's stock.
    pub async fn stock_in(&self, actor: &AuditActor, model_id: i64, source: &str) -> Result<u64> {
        let name = model_name(self, model_id).await?;
        let mut tx = self.pool().begin().await?;
        let n = move_batch(
            &mut tx,
            actor,
            model_id,
            Some(source),
            DeviceState::Appraised,
            DeviceState::InStock,
            "Nhập kho",
        )
        .await?;
        if n == 0 {
            return Err(DomainError::NothingToAppraise {
                source: source.to_string(),
            }
            .into());
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "devices",
                entity_id: Some(source.to_string()),
                action: "stock_in",
                summary: format!("Nhập kho {n} thiết bị {name}, lô {source}"),
                unit_id: None,
                changes: Some(json!({"model_id": model_id, "source": source, "count": n})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Every delivered batch with its devices by state and the latest verdicts.
    pub async fn batches(&self) -> Result<Vec<Batch>> {
        type R = (i64, String, String, String, String, i64, i64, i64, i64, i64);
        let rows: Vec<R> = q("SELECT d.model_id, m.kind, m.brand, m.model, d.source,
                    CAST(SUM(CASE WHEN d.state = 'received' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'appraised' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'rejected' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'in_stock' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(COUNT(*) AS BIGINT)
               FROM devices d JOIN device_models m ON m.id = d.model_id
              GROUP BY d.model_id, m.kind, m.brand, m.model, d.source
              ORDER BY d.source, m.brand, m.model")
        .fetch_all(self.pool())
        .await?;
        let verdicts: Vec<(i64, Option<String>, String)> =
            q("SELECT model_id, source, verdict FROM appraisals ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut latest = std::collections::HashMap::new();
        for (m, s, v) in verdicts {
            latest.insert((m, s), Verdict::parse(&v));
        }
        rows.into_iter()
            .map(
                |(
                    model_id,
                    kind,
                    brand,
                    model,
                    source,
                    received,
                    appraised,
                    rejected,
                    in_stock,
                    total,
                )| {
                    Ok(Batch {
                        model_id,
                        model_name: format!("{brand} {model}"),
                        kind: DeviceKind::parse(&kind).ok_or_else(|| {
                            StoreError::corrupt("device_models", "kind", kind.clone())
                        })?,
                        model_verdict: latest.get(&(model_id, None)).copied().flatten(),
                        batch_verdict: latest
                            .get(&(model_id, Some(source.clone())))
                            .copied()
                            .flatten(),
                        source,
                        received,
                        appraised,
                        rejected,
                        in_stock,
                        total,
                    })
                },
            )
            .collect()
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
