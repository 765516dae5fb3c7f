//! The serial-level device registry: registration of serials all or nothing,
//! state changes checked by the domain and again by the database (a trigger over
//! `device_transitions`), each one dated, attributed and audited; stocktake. Models and
//! spec profiles are in `models`, appraisals in `appraisals`.

pub mod appraisals;
mod models;

pub use models::ModelSummary;
pub(crate) use models::model_name;

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::devices::DevicesError;
use domain::devices::{self, DeviceState, Holder, Imei, Tracked};
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// One line of a serial list: the file's row number and what it says.
#[derive(Debug, Clone)]
pub struct SerialRow {
    pub row: usize,
    pub serial: String,
    pub imei: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SerialError {
    pub row: usize,
    pub code: &'static str,
    pub message: String,
}

/// What a registration did: all rows, or none when any row is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterReport {
    pub imported: usize,
    pub rejected: usize,
    pub errors: Vec<SerialError>,
}

/// Values looked up per statement when checking a file against the registry.
const LOOKUP: usize = 500;
/// Devices per insert: 7 × 400 parameters.
const BATCH: usize = 400;

pub(crate) fn holder_parts(h: Holder) -> (&'static str, Option<i64>) {
    match h {
        Holder::Board => ("board", None),
        Holder::Unit(id) => ("unit", Some(id)),
        Holder::School(id) => ("school", Some(id)),
        Holder::Student(id) => ("student", Some(id)),
        Holder::Nobody => ("nobody", None),
    }
}

pub(crate) fn holder_from(kind: &str, id: Option<i64>) -> Result<Holder> {
    Ok(match (kind, id) {
        ("board", None) => Holder::Board,
        ("nobody", None) => Holder::Nobody,
        ("unit", Some(i)) => Holder::Unit(i),
        ("school", Some(i)) => Holder::School(i),
        ("student", Some(i)) => Holder::Student(i),
        _ => return Err(StoreError::corrupt("devices", "holder_kind", kind)),
    })
}

#[derive(sqlx::FromRow)]
struct DeviceRow {
    id: i64,
    serial: String,
    state: String,
    holder_kind: String,
    holder_id: Option<i64>,
}

impl DeviceRow {
    fn tracked(&self) -> Result<Tracked> {
        Ok(Tracked {
            serial: self.serial.clone(),
            state: DeviceState::parse(&self.state)
                .ok_or_else(|| StoreError::corrupt("devices", "state", self.state.clone()))?,
            holder: holder_from(&self.holder_kind, self.holder_id)?,
        })
    }
}

/// Which of `values` the column `col` of `devices` already holds.
async fn existing(store: &Store, col: &'static str, values: &[&str]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for chunk in values.chunks(LOOKUP) {
        let sql = format!(
            "SELECT {col} FROM devices WHERE {col} IN ({})",
            crate::db::placeholders(0, chunk.len())
        );
        let mut query = Q::assembled(sql);
        for v in chunk {
            query = query.bind(v.to_string());
        }
        let rows: Vec<(String,)> = query.fetch_all(store.pool()).await?;
        found.extend(rows.into_iter().map(|(s,)| s));
    }
    Ok(found)
}

/// One change of a device, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DeviceEvent {
    pub from_state: Option<String>,
    pub to_state: String,
    pub holder_kind: String,
    pub holder_id: Option<i64>,
    pub actor: String,
    pub note: Option<String>,
    pub at: i64,
}

/// A serial and IMEI checked and normalised, with the row it came from.
#[derive(Debug, Clone)]
pub(crate) struct CleanSerial {
    pub serial: String,
    pub imei: Option<String>,
    #[allow(dead_code)]
    pub row: usize,
}

/// Inserts checked serials as received devices held by the Board, each with its first
/// event, in the caller's transaction. A serial registered meanwhile by someone else
/// fails on the unique key and is reported as a duplicate serial.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_devices(
    store: &Store,
    tx: &mut Tx,
    actor: &AuditActor,
    model_id: i64,
    source: &str,
    donation_item_id: Option<i64>,
    delivery_id: Option<i64>,
    clean: &[CleanSerial],
) -> Result<()> {
    let now = now_millis();
    for chunk in clean.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO devices (serial, imei, model_id, source, donation_item_id, delivery_id, state, holder_kind, holder_id, state_changed_at, created_at) VALUES ",
        );
        let tail = chunk.len() * 2;
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 2;
            sql.push_str(&format!(
                "(${}, ${}, ${m}, ${s}, ${d}, ${v}, 'received', 'board', NULL, ${t}, ${t})",
                b + 1,
                b + 2,
                m = tail + 1,
                s = tail + 2,
                d = tail + 3,
                v = tail + 4,
                t = tail + 5,
            ));
        }
        let mut query = Q::assembled(sql);
        for c in chunk {
            query = query.bind(c.serial.clone()).bind(c.imei.clone());
        }
        let inserted = query
            .bind(model_id)
            .bind(source.to_string())
            .bind(donation_item_id)
            .bind(delivery_id)
            .bind(now)
            .execute(&mut *tx)
            .await;
        if let Err(e) = inserted {
            // Registered meanwhile by another request: name the serial, not the key.
            let col = match crate::error::unique_violation(&e) {
                Some("devices_serial_key") => "serial",
                Some("devices_imei_key") => "imei",
                _ => return Err(e.into()),
            };
            let values: Vec<&str> = chunk
                .iter()
                .filter_map(|c| {
                    if col == "serial" {
                        Some(c.serial.as_str())
                    } else {
                        c.imei.as_deref()
                    }
                })
                .collect();
            let taken = existing(store, col, &values).await?;
            return Err(DomainError::Devices(DevicesError::DuplicateSerial {
                serial: taken
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| values.join(", ")),
            })
            .into());
        }
        let sql = format!(
            "INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
             SELECT id, NULL, 'received', 'board', NULL, $1, $2, $3 FROM devices WHERE serial IN ({})",
            crate::db::placeholders(3, chunk.len())
        );
        let mut query = Q::assembled(sql)
            .bind(actor.name.clone())
            .bind(source.to_string())
            .bind(now);
        for c in chunk {
            query = query.bind(c.serial.clone());
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

/// A line of a recorded receipt whose devices are scanned at intake, with how many
/// are in the registry already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReceiptLine {
    pub item_id: i64,
    pub minutes_no: String,
    pub received_on: String,
    pub donor: String,
    pub line_no: i64,
    pub model_id: i64,
    pub model: String,
    pub quantity: i64,
    pub registered: i64,
}

const RECEIPT_LINES: &str = "SELECT i.id AS item_id, x.minutes_no, x.received_on, d.name AS donor, i.line_no, i.model_id,
            m.brand || ' ' || m.model AS model, i.quantity,
            (SELECT COUNT(*) FROM devices v WHERE v.donation_item_id = i.id) AS registered
       FROM donation_items i JOIN donations x ON x.id = i.donation_id JOIN donors d ON d.id = x.donor_id
       JOIN device_models m ON m.id = i.model_id";

/// The receipt line `item_id` as it stands, or `UnknownBatch`.
async fn receipt_line(ex: &mut Tx, item_id: i64) -> Result<ReceiptLine> {
    let line: Option<ReceiptLine> = Q::assembled(format!("{RECEIPT_LINES} WHERE i.id = $1"))
        .bind(item_id)
        .fetch_optional(&mut *ex)
        .await?;
    Ok(line.ok_or(DomainError::Devices(DevicesError::UnknownBatch))?)
}

impl Store {
    /// Receipt lines with devices still to scan, newest receipt first.
    pub async fn receipt_lines_to_scan(&self) -> Result<Vec<ReceiptLine>> {
        let all: Vec<ReceiptLine> = Q::assembled(format!(
            "{RECEIPT_LINES} ORDER BY x.received_on DESC, x.id DESC, i.line_no"
        ))
        .fetch_all(self.pool())
        .await?;
        Ok(all
            .into_iter()
            .filter(|l| l.registered < l.quantity)
            .collect())
    }

    /// The receipt line with room for a registration of `model_id` on the receipt
    /// numbered `minutes_no` (the command line's `donation:<minutes no>`).
    pub async fn receipt_line_for(&self, minutes_no: &str, model_id: i64) -> Result<Option<i64>> {
        Ok(self
            .receipt_lines_to_scan()
            .await?
            .into_iter()
            .find(|l| l.minutes_no == minutes_no.trim() && l.model_id == model_id)
            .map(|l| l.item_id))
    }

    /// Registers the serials of a list as received devices of `model_id` from `batch`,
    /// all or nothing: a missing serial, a bad IMEI, a serial or IMEI repeated in the
    /// list or already in the registry refuses the list, every problem named by its row.
    /// A receipt line takes devices of its model only, and no more than it records.
    pub async fn register_devices(
        &self,
        actor: &AuditActor,
        model_id: i64,
        batch: &devices::Batch,
        rows: &[SerialRow],
        lang: Lang,
        dry_run: bool,
    ) -> Result<RegisterReport> {
        if self.device_model_kind(model_id).await?.is_none() {
            return Err(DomainError::Devices(DevicesError::UnknownModel { id: model_id }).into());
        }
        if rows.is_empty() {
            return Err(DomainError::Devices(DevicesError::NoDevices).into());
        }
        let (mut report, clean) = self.check_serials(rows, lang).await?;
        let mut tx = self.pool().begin().await?;
        let (source, item_id, delivery_id) = match batch {
            devices::Batch::Contract(no) => (format!("contract:{no}"), None, None),
            devices::Batch::Delivery(id) => {
                // Held like a receipt line: two intakes of one delivery count in turn.
                let n = q("UPDATE procurement_deliveries SET quantity = quantity WHERE id = $1")
                    .bind(*id)
                    .execute(&mut tx)
                    .await?;
                let line = self
                    .deliveries_to_scan_in(&mut tx, *id)
                    .await?
                    .filter(|_| n == 1)
                    .ok_or(DomainError::Devices(DevicesError::UnknownBatch))?;
                if line.model_id != model_id {
                    return Err(DomainError::Devices(DevicesError::BatchModel {
                        model: line.model,
                    })
                    .into());
                }
                let adding = clean.len().max(rows.len()) as i64;
                if line.registered + adding > line.quantity {
                    return Err(DomainError::Devices(DevicesError::DeliveryFull {
                        delivery_no: line.delivery_no,
                        contract_no: line.contract_no,
                        quantity: line.quantity,
                        registered: line.registered,
                        adding,
                    })
                    .into());
                }
                (format!("contract:{}", line.contract_no), None, Some(*id))
            }
            devices::Batch::ReceiptLine(id) => {
                // Writing to the line first holds it (a row lock on PostgreSQL, the write
                // lock on SQLite): two intakes of one line are counted one after the other.
                q("UPDATE donation_items SET quantity = quantity WHERE id = $1")
                    .bind(*id)
                    .execute(&mut tx)
                    .await?;
                let line = receipt_line(&mut tx, *id).await?;
                if line.model_id != model_id {
                    return Err(DomainError::Devices(DevicesError::BatchModel {
                        model: line.model,
                    })
                    .into());
                }
                let adding = clean.len().max(rows.len()) as i64;
                if line.registered + adding > line.quantity {
                    return Err(DomainError::Devices(DevicesError::BatchFull {
                        minutes_no: line.minutes_no,
                        line: line.line_no,
                        quantity: line.quantity,
                        registered: line.registered,
                        adding,
                    })
                    .into());
                }
                (
                    domain::donations::source_of_minutes(&line.minutes_no),
                    Some(*id),
                    None,
                )
            }
        };
        let source = source.as_str();
        if report.rejected > 0 || dry_run {
            report.imported = if report.rejected > 0 { 0 } else { clean.len() };
            return Ok(report);
        }
        insert_devices(
            self,
            &mut tx,
            actor,
            model_id,
            source,
            item_id,
            delivery_id,
            &clean,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Device,
                entity_id: Some(source.to_string()),
                action: "register",
                summary: format!("Tiếp nhận {} thiết bị (mẫu {model_id}, nguồn {source})", clean.len()),
                unit_id: None,
                changes: Some(json!({"model_id": model_id, "source": source, "count": clean.len(),
                                     "first": clean.first().map(|c| &c.serial), "last": clean.last().map(|c| &c.serial)})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        report.imported = clean.len();
        Ok(report)
    }

    /// Checks serials against each other and the registry: the problems by row, and the
    /// normalised serials and IMEIs when there are none.
    pub(crate) async fn check_serials(
        &self,
        rows: &[SerialRow],
        lang: Lang,
    ) -> Result<(RegisterReport, Vec<CleanSerial>)> {
        let mut report = RegisterReport::default();
        let mut bad_rows = std::collections::BTreeSet::new();
        let mut refuse = |report: &mut RegisterReport, row: usize, e: DomainError| {
            bad_rows.insert(row);
            report.errors.push(SerialError {
                row,
                code: e.code(),
                message: e.message(lang),
            });
        };
        let mut clean: Vec<CleanSerial> = Vec::with_capacity(rows.len());
        let mut seen_serial: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        let mut seen_imei: HashMap<String, usize> = HashMap::new();
        for r in rows {
            let serial = match devices::serial(&r.serial) {
                Ok(s) => s,
                Err(e) => {
                    refuse(&mut report, r.row, e);
                    continue;
                }
            };
            let imei = match r.imei.as_deref().filter(|s| !s.trim().is_empty()) {
                None => None,
                Some(raw) => match Imei::parse(raw) {
                    Ok(i) => Some(i.as_str().to_string()),
                    Err(e) => {
                        refuse(&mut report, r.row, e);
                        continue;
                    }
                },
            };
            if seen_serial.insert(serial.clone(), r.row).is_some() {
                refuse(
                    &mut report,
                    r.row,
                    DomainError::Devices(DevicesError::DuplicateSerial { serial }),
                );
                continue;
            }
            if let Some(i) = &imei
                && seen_imei.insert(i.clone(), r.row).is_some()
            {
                refuse(
                    &mut report,
                    r.row,
                    DomainError::Devices(DevicesError::DuplicateSerial { serial: i.clone() }),
                );
                continue;
            }
            clean.push(CleanSerial {
                serial,
                imei,
                row: r.row,
            });
        }
        let serials: Vec<&str> = clean.iter().map(|c| c.serial.as_str()).collect();
        for s in existing(self, "serial", &serials).await? {
            refuse(
                &mut report,
                seen_serial[&s],
                DomainError::Devices(DevicesError::DuplicateSerial { serial: s }),
            );
        }
        let imeis: Vec<&str> = clean.iter().filter_map(|c| c.imei.as_deref()).collect();
        for i in existing(self, "imei", &imeis).await? {
            refuse(
                &mut report,
                seen_imei[&i],
                DomainError::Devices(DevicesError::DuplicateSerial { serial: i }),
            );
        }
        report.errors.sort_by_key(|e| e.row);
        report.rejected = bad_rows.len();
        Ok((report, clean))
    }

    /// A device by its serial (as printed; compared normalised).
    pub async fn device(&self, serial: &str) -> Result<Option<Tracked>> {
        let s = devices::serial(serial)?;
        let row: Option<DeviceRow> =
            q("SELECT id, serial, state, holder_kind, holder_id FROM devices WHERE serial = $1")
                .bind(s)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| r.tracked()).transpose()
    }

    /// Changes a device's state and holder, if the domain allows it; the database checks
    /// the change again. Dated, attributed and audited in one transaction.
    pub async fn change_device(
        &self,
        actor: &AuditActor,
        serial: &str,
        to: DeviceState,
        holder: Holder,
        note: Option<&str>,
    ) -> Result<Tracked> {
        let mut tx = self.pool().begin().await?;
        let after = change_in(&mut tx, actor, serial, to, holder, note).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The serial of the device printed with this serial or IMEI, if the registry has it.
    pub async fn find_device(&self, serial_or_imei: &str) -> Result<Option<String>> {
        let Ok(s) = devices::serial(serial_or_imei) else {
            return Ok(None);
        };
        Ok(
            q("SELECT serial FROM devices WHERE serial = $1 OR imei = $1")
                .bind(s)
                .scalar_optional(self.pool())
                .await?,
        )
    }

    /// Devices whose serial or IMEI contains `part` (as the serial rules write it), up
    /// to `limit`, by serial: what a partial search lists.
    pub async fn devices_matching(
        &self,
        part: &str,
        limit: i64,
    ) -> Result<Vec<(String, DeviceState)>> {
        let Ok(s) = devices::serial(part) else {
            return Ok(Vec::new());
        };
        let pattern = format!("%{}%", crate::db::like_escape(&s));
        let rows: Vec<(String, String)> = q("SELECT serial, state FROM devices
                                             WHERE serial LIKE $1 ESCAPE '\\' OR imei LIKE $1 ESCAPE '\\'
                                             ORDER BY serial LIMIT $2")
            .bind(pattern)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(serial, st)| {
                let state = DeviceState::parse(&st)
                    .ok_or_else(|| StoreError::corrupt("devices", "state", st))?;
                Ok((serial, state))
            })
            .collect()
    }

    /// Everything that happened to a device, oldest first.
    pub async fn device_history(&self, serial: &str) -> Result<Vec<DeviceEvent>> {
        let s = devices::serial(serial)?;
        Ok(q(
            "SELECT e.from_state, e.to_state, e.holder_kind, e.holder_id, e.actor, e.note, e.at
                FROM device_events e JOIN devices d ON d.id = e.device_id
               WHERE d.serial = $1 ORDER BY e.id",
        )
        .bind(s)
        .fetch_all(self.pool())
        .await?)
    }

    /// Devices per state, over the whole registry.
    pub async fn device_counts(&self) -> Result<BTreeMap<DeviceState, i64>> {
        let rows: Vec<(String, i64)> = q("SELECT state, COUNT(*) FROM devices GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(s, n)| {
                DeviceState::parse(&s)
                    .map(|st| (st, n))
                    .ok_or_else(|| StoreError::corrupt("devices", "state", s))
            })
            .collect()
    }

    /// The allowed changes as the database enforces them.
    pub async fn device_transitions(&self) -> Result<Vec<(String, String)>> {
        Ok(
            q("SELECT from_state, to_state FROM device_transitions ORDER BY from_state, to_state")
                .fetch_all(self.pool())
                .await?,
        )
    }
}

/// Where a stocktake counts: the Board's store, or what a unit or a school holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Board,
    Unit(i64),
    School(i64),
}

/// A scanned serial the place should not have, and where the registry has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Unexpected {
    pub serial: String,
    /// `None`: the registry does not know this serial.
    pub state: Option<DeviceState>,
    pub holder: Option<Holder>,
}

/// What a stocktake found: the devices the registry expects at the place, those scanned,
/// those expected but not scanned, and those scanned but not expected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stocktake {
    pub expected: usize,
    pub scanned: usize,
    pub matched: usize,
    pub missing: Vec<String>,
    pub unexpected: Vec<Unexpected>,
}

/// A stocktake as it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StocktakeRecord {
    pub id: i64,
    pub place_name: String,
    pub taken_by: String,
    pub taken_at: domain::dates::Millis,
    pub found: Stocktake,
}

#[derive(sqlx::FromRow)]
struct StocktakeRow {
    id: i64,
    place_name: String,
    expected: i64,
    scanned: i64,
    matched: i64,
    missing: String,
    unexpected: String,
    taken_by: String,
    taken_at: i64,
}

impl TryFrom<StocktakeRow> for StocktakeRecord {
    type Error = StoreError;
    fn try_from(r: StocktakeRow) -> Result<StocktakeRecord> {
        let unexpected = serde_json::from_str(&r.unexpected)
            .map_err(|_| StoreError::corrupt("stocktakes", "unexpected", r.unexpected.clone()))?;
        Ok(StocktakeRecord {
            id: r.id,
            place_name: r.place_name,
            taken_by: r.taken_by,
            taken_at: r.taken_at,
            found: Stocktake {
                expected: r.expected as usize,
                scanned: r.scanned as usize,
                matched: r.matched as usize,
                missing: r.missing.lines().map(str::to_string).collect(),
                unexpected,
            },
        })
    }
}

const STOCKTAKE_COLUMNS: &str =
    "SELECT s.id, s.place_name, s.expected, s.scanned, s.matched, s.missing, s.unexpected,
        COALESCE(u.full_name, s.taken_by) AS taken_by, s.taken_at
   FROM stocktakes s LEFT JOIN users u ON u.username = s.taken_by";

impl Store {
    /// Keeps what a stocktake found, with its audit entry (the place and the counts).
    pub async fn save_stocktake(
        &self,
        actor: &AuditActor,
        place: Place,
        place_name: &str,
        found: &Stocktake,
    ) -> Result<i64> {
        let (kind, place_id) = match place {
            Place::Board => ("board", None),
            Place::Unit(i) => ("unit", Some(i)),
            Place::School(i) => ("school", Some(i)),
        };
        let mut tx = self.pool().begin().await?;
        let id: i64 = q("INSERT INTO stocktakes (place_kind, place_id, place_name, expected, scanned, matched, missing, unexpected, taken_by, taken_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(kind)
            .bind(place_id)
            .bind(place_name.to_string())
            .bind(found.expected as i64)
            .bind(found.scanned as i64)
            .bind(found.matched as i64)
            .bind(found.missing.join("\n"))
            .bind(serde_json::to_string(&found.unexpected).unwrap_or_else(|_| "[]".into()))
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Device,
                entity_id: Some(format!("stocktake:{id}")),
                action: "stocktake",
                summary: format!(
                    "Kiểm kê {place_name}: sổ ghi {}, quét {}, khớp {}, thiếu {}, thừa {}",
                    found.expected,
                    found.scanned,
                    found.matched,
                    found.missing.len(),
                    found.unexpected.len()
                ),
                unit_id: place_id,
                changes: Some(json!({"place": kind, "place_id": place_id, "expected": found.expected,
                                     "scanned": found.scanned, "matched": found.matched,
                                     "missing": found.missing.len(), "unexpected": found.unexpected.len()})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A kept stocktake.
    pub async fn stocktake_record(&self, id: i64) -> Result<Option<StocktakeRecord>> {
        let row: Option<StocktakeRow> =
            Q::assembled(format!("{STOCKTAKE_COLUMNS} WHERE s.id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(StocktakeRecord::try_from).transpose()
    }

    /// The latest kept stocktakes, newest first.
    pub async fn stocktakes(&self, limit: i64) -> Result<Vec<StocktakeRecord>> {
        let rows: Vec<StocktakeRow> =
            Q::assembled(format!("{STOCKTAKE_COLUMNS} ORDER BY s.id DESC LIMIT $1"))
                .bind(limit.clamp(1, 200))
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(StocktakeRecord::try_from).collect()
    }

    /// Compares scanned serials with what the registry expects at `place`. Reads only.
    pub async fn stocktake(&self, place: Place, scans: &[String]) -> Result<Stocktake> {
        let (kind, id) = match place {
            Place::Board => ("board", None),
            Place::Unit(i) => ("unit", Some(i)),
            Place::School(i) => ("school", Some(i)),
        };
        let mut expected: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut after = 0i64;
        loop {
            let page: Vec<(i64, String)> = q("SELECT id, serial FROM devices
                                               WHERE holder_kind = $1 AND ($2 IS NULL OR holder_id = $2) AND id > $3
                                               ORDER BY id LIMIT 10000")
                .bind(kind)
                .bind(id)
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            expected.extend(page.into_iter().map(|(_, s)| s));
        }
        let mut scanned: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut unknown_or_elsewhere: Vec<String> = Vec::new();
        for raw in scans {
            let Ok(s) = devices::serial(raw) else {
                continue;
            };
            if scanned.insert(s.clone()) && !expected.contains(&s) {
                unknown_or_elsewhere.push(s);
            }
        }
        let mut out = Stocktake {
            expected: expected.len(),
            scanned: scanned.len(),
            matched: scanned.len() - unknown_or_elsewhere.len(),
            ..Default::default()
        };
        out.missing = expected
            .into_iter()
            .filter(|s| !scanned.contains(s))
            .collect();
        out.missing.sort();
        let mut found: HashMap<String, Tracked> = HashMap::new();
        for chunk in unknown_or_elsewhere.chunks(LOOKUP) {
            let sql = format!(
                "SELECT id, serial, state, holder_kind, holder_id FROM devices WHERE serial IN ({})",
                crate::db::placeholders(0, chunk.len())
            );
            let mut query = Q::assembled(sql);
            for s in chunk {
                query = query.bind(s.clone());
            }
            let rows: Vec<DeviceRow> = query.fetch_all(self.pool()).await?;
            for r in rows {
                found.insert(r.serial.clone(), r.tracked()?);
            }
        }
        unknown_or_elsewhere.sort();
        out.unexpected = unknown_or_elsewhere
            .into_iter()
            .map(|serial| {
                let t = found.get(&serial);
                Unexpected {
                    state: t.map(|t| t.state),
                    holder: t.map(|t| t.holder),
                    serial,
                }
            })
            .collect();
        Ok(out)
    }
}

/// Changes a device's state and holder inside `tx` (see [`Store::change_device`]): the
/// registry's one way to move a device, for areas that move one as part of their own
/// record (a repair ticket).
pub(crate) async fn change_in(
    tx: &mut Tx,
    actor: &AuditActor,
    serial: &str,
    to: DeviceState,
    holder: Holder,
    note: Option<&str>,
) -> Result<Tracked> {
    let s = devices::serial(serial)?;
    let row: DeviceRow =
        q("SELECT id, serial, state, holder_kind, holder_id FROM devices WHERE serial = $1")
            .bind(s)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::NotFound)?;
    let before = row.tracked()?;
    let after = before.change(to, holder)?;
    let (kind, id) = holder_parts(after.holder);
    let now = now_millis();
    let n = q(
        "UPDATE devices SET state = $1, holder_kind = $2, holder_id = $3, state_changed_at = $4
               WHERE id = $5 AND state = $6",
    )
    .bind(to.code())
    .bind(kind)
    .bind(id)
    .bind(now)
    .bind(row.id)
    .bind(before.state.code())
    .execute(&mut *tx)
    .await?;
    if n != 1 {
        return Err(DomainError::StaleEdit.into());
    }
    q("INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(row.id)
        .bind(before.state.code())
        .bind(to.code())
        .bind(kind)
        .bind(id)
        .bind(actor.name.clone())
        .bind(note.map(str::to_string))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::append(
        tx,
        actor,
        AuditEvent {
            entity: Entity::Device,
            entity_id: Some(after.serial.clone()),
            action: "change_state",
            summary: format!(
                "Thiết bị {}: {} → {}",
                after.serial,
                before.state.label(Lang::Vi),
                to.label(Lang::Vi)
            ),
            unit_id: None,
            changes: Some(
                json!({"from": before.state.code(), "to": to.code(), "holder": kind, "note": note}),
            ),
            personal: None,
        },
    )
    .await?;
    Ok(after)
}
