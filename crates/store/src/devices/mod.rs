//! The serial-level device registry: models, registration of serials all or nothing,
//! state changes checked by the domain and again by the database (a trigger over
//! `device_transitions`), each one dated, attributed and audited.

pub mod appraisals;

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::devices::DevicesError;
use domain::devices::{
    self, DeviceKind, DeviceModel, DeviceState, Holder, Imei, SpecProfile, Tracked,
};
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

fn holder_parts(h: Holder) -> (&'static str, Option<i64>) {
    match h {
        Holder::Board => ("board", None),
        Holder::Unit(id) => ("unit", Some(id)),
        Holder::School(id) => ("school", Some(id)),
        Holder::Student(id) => ("student", Some(id)),
        Holder::Nobody => ("nobody", None),
    }
}

fn holder_from(kind: &str, id: Option<i64>) -> Result<Holder> {
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
pub(crate) async fn insert_devices(
    store: &Store,
    tx: &mut Tx,
    actor: &AuditActor,
    model_id: i64,
    source: &str,
    donation_item_id: Option<i64>,
    clean: &[CleanSerial],
) -> Result<()> {
    let now = now_millis();
    for chunk in clean.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO devices (serial, imei, model_id, source, donation_item_id, state, holder_kind, holder_id, state_changed_at, created_at) VALUES ",
        );
        let tail = chunk.len() * 2;
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 2;
            sql.push_str(&format!(
                "(${}, ${}, ${m}, ${s}, ${d}, 'received', 'board', NULL, ${t}, ${t})",
                b + 1,
                b + 2,
                m = tail + 1,
                s = tail + 2,
                d = tail + 3,
                t = tail + 4,
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

impl Store {
    /// Declares a device model; brand and model are unique together.
    pub async fn create_device_model(&self, actor: &AuditActor, m: &DeviceModel) -> Result<i64> {
        let kind = m.check()?;
        let name = format!("{} {}", m.brand.trim(), m.model.trim());
        let mut tx = self.pool().begin().await?;
        let id: i64 = q("INSERT INTO device_models (kind, brand, model, cpu, cpu_cores, ram_mb, storage_gb, screen_tenths,
                              battery_mah, front_camera_mp, rear_camera_mp, os, wifi, lte, warranty_months, unit_price, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id")
            .bind(kind.code())
            .bind(m.brand.trim().to_string())
            .bind(m.model.trim().to_string())
            .bind(m.cpu.clone())
            .bind(m.cpu_cores.map(i64::from))
            .bind(m.ram_mb.map(i64::from))
            .bind(m.storage_gb.map(i64::from))
            .bind(m.screen_tenths.map(i64::from))
            .bind(m.battery_mah.map(i64::from))
            .bind(m.front_camera_mp.map(i64::from))
            .bind(m.rear_camera_mp.map(i64::from))
            .bind(m.os.clone())
            .bind(m.wifi)
            .bind(m.lte)
            .bind(m.warranty_months.map(i64::from))
            .bind(m.unit_price.map(|d| d.0))
            .bind(now_millis())
            .scalar(&mut tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "device_models_brand_model_key", || {
                    DomainError::Devices(DevicesError::DuplicateDeviceModel { name: name.clone() })
                })
            })?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::DeviceModel,
                entity_id: Some(id.to_string()),
                action: "create",
                summary: format!(
                    "Khai báo mẫu thiết bị {} {}",
                    m.brand.trim(),
                    m.model.trim()
                ),
                unit_id: None,
                changes: Some(serde_json::to_value(m).unwrap_or_default()),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The kind of a model, if it exists.
    pub async fn device_model_kind(&self, id: i64) -> Result<Option<DeviceKind>> {
        let kind: Option<String> = q("SELECT kind FROM device_models WHERE id = $1")
            .bind(id)
            .scalar_optional(self.pool())
            .await?;
        Ok(kind.as_deref().and_then(DeviceKind::parse))
    }

    /// Registers the serials of a list as received devices of `model_id` from `source`,
    /// all or nothing: a missing serial, a bad IMEI, a serial or IMEI repeated in the
    /// list or already in the registry refuses the list, every problem named by its row.
    pub async fn register_devices(
        &self,
        actor: &AuditActor,
        model_id: i64,
        source: &str,
        rows: &[SerialRow],
        lang: Lang,
        dry_run: bool,
    ) -> Result<RegisterReport> {
        if self.device_model_kind(model_id).await?.is_none() {
            return Err(DomainError::Devices(DevicesError::UnknownModel { id: model_id }).into());
        }
        let (mut report, clean) = self.check_serials(rows, lang).await?;
        if report.rejected > 0 || dry_run {
            report.imported = if report.rejected > 0 { 0 } else { clean.len() };
            return Ok(report);
        }
        let mut tx = self.pool().begin().await?;
        insert_devices(self, &mut tx, actor, model_id, source, None, &clean).await?;
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
        let s = devices::serial(serial)?;
        let mut tx = self.pool().begin().await?;
        let row: DeviceRow =
            q("SELECT id, serial, state, holder_kind, holder_id FROM devices WHERE serial = $1")
                .bind(s)
                .fetch_optional(&mut tx)
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
        .execute(&mut tx)
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
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
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
                changes: Some(json!({"from": before.state.code(), "to": to.code(), "holder": kind, "note": note})),
                personal: None,
            },
        )
        .await?;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

impl Store {
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

#[derive(sqlx::FromRow)]
struct ModelRow {
    id: i64,
    kind: String,
    brand: String,
    model: String,
    cpu: Option<String>,
    cpu_cores: Option<i64>,
    ram_mb: Option<i64>,
    storage_gb: Option<i64>,
    screen_tenths: Option<i64>,
    battery_mah: Option<i64>,
    front_camera_mp: Option<i64>,
    rear_camera_mp: Option<i64>,
    os: Option<String>,
    wifi: Option<bool>,
    lte: Option<bool>,
    warranty_months: Option<i64>,
    unit_price: Option<i64>,
}

fn small(v: Option<i64>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

impl ModelRow {
    fn model(self) -> (i64, DeviceModel) {
        (
            self.id,
            DeviceModel {
                kind: DeviceKind::parse(&self.kind),
                brand: self.brand,
                model: self.model,
                cpu: self.cpu,
                cpu_cores: small(self.cpu_cores),
                ram_mb: small(self.ram_mb),
                storage_gb: small(self.storage_gb),
                screen_tenths: small(self.screen_tenths),
                battery_mah: small(self.battery_mah),
                front_camera_mp: small(self.front_camera_mp),
                rear_camera_mp: small(self.rear_camera_mp),
                os: self.os,
                wifi: self.wifi,
                lte: self.lte,
                warranty_months: small(self.warranty_months),
                unit_price: self.unit_price.map(domain::money::Dong),
            },
        )
    }
}

const MODEL_COLUMNS: &str = "id, kind, brand, model, cpu, cpu_cores, ram_mb, storage_gb, screen_tenths, battery_mah, \
     front_camera_mp, rear_camera_mp, os, wifi, lte, warranty_months, unit_price";

#[derive(sqlx::FromRow)]
struct ProfileRow {
    kind: String,
    name: String,
    sample: bool,
    min_cpu_cores: Option<i64>,
    min_ram_mb: Option<i64>,
    min_storage_gb: Option<i64>,
    min_screen_tenths: Option<i64>,
    min_battery_mah: Option<i64>,
    min_front_camera_mp: Option<i64>,
    min_rear_camera_mp: Option<i64>,
    os_any_of: String,
    wifi_required: bool,
    lte_required: bool,
    min_warranty_months: Option<i64>,
}

/// A device model with how many devices of it the registry holds per state.
#[derive(Debug, Clone)]
pub struct ModelSummary {
    pub id: i64,
    pub model: DeviceModel,
    pub devices: i64,
}

impl Store {
    /// Every model, by brand and model, with its number of devices.
    pub async fn device_models(&self) -> Result<Vec<ModelSummary>> {
        let rows: Vec<ModelRow> = Q::assembled(format!(
            "SELECT {MODEL_COLUMNS} FROM device_models ORDER BY brand, model"
        ))
        .fetch_all(self.pool())
        .await?;
        let counts: Vec<(i64, i64)> = q("SELECT model_id, COUNT(*) FROM devices GROUP BY model_id")
            .fetch_all(self.pool())
            .await?;
        let counts: HashMap<i64, i64> = counts.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|r| {
                let (id, model) = r.model();
                ModelSummary {
                    id,
                    devices: counts.get(&id).copied().unwrap_or(0),
                    model,
                }
            })
            .collect())
    }

    pub async fn device_model(&self, id: i64) -> Result<Option<DeviceModel>> {
        let row: Option<ModelRow> = Q::assembled(format!(
            "SELECT {MODEL_COLUMNS} FROM device_models WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.model().1))
    }

    /// The spec profiles, one per kind of device that has one.
    pub async fn spec_profiles(&self) -> Result<Vec<SpecProfile>> {
        let rows: Vec<ProfileRow> = q("SELECT kind, name, sample, min_cpu_cores, min_ram_mb, min_storage_gb, min_screen_tenths,
                                              min_battery_mah, min_front_camera_mp, min_rear_camera_mp, os_any_of,
                                              wifi_required, lte_required, min_warranty_months
                                         FROM spec_profiles ORDER BY kind")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SpecProfile {
                    kind: DeviceKind::parse(&r.kind).ok_or_else(|| {
                        StoreError::corrupt("spec_profiles", "kind", r.kind.clone())
                    })?,
                    name: r.name,
                    sample: r.sample,
                    min_cpu_cores: small(r.min_cpu_cores),
                    min_ram_mb: small(r.min_ram_mb),
                    min_storage_gb: small(r.min_storage_gb),
                    min_screen_tenths: small(r.min_screen_tenths),
                    min_battery_mah: small(r.min_battery_mah),
                    min_front_camera_mp: small(r.min_front_camera_mp),
                    min_rear_camera_mp: small(r.min_rear_camera_mp),
                    os_any_of: r
                        .os_any_of
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect(),
                    wifi_required: r.wifi_required,
                    lte_required: r.lte_required,
                    min_warranty_months: small(r.min_warranty_months),
                })
            })
            .collect()
    }

    /// Saves the profile of a kind of device (replacing the one there was), audited with
    /// what it was before.
    pub async fn save_spec_profile(&self, actor: &AuditActor, p: &SpecProfile) -> Result<()> {
        let before = self
            .spec_profiles()
            .await?
            .into_iter()
            .find(|x| x.kind == p.kind);
        let mut tx = self.pool().begin().await?;
        let n = |v: Option<u32>| v.map(i64::from);
        q("INSERT INTO spec_profiles (kind, name, sample, min_cpu_cores, min_ram_mb, min_storage_gb, min_screen_tenths,
                                      min_battery_mah, min_front_camera_mp, min_rear_camera_mp, os_any_of, wifi_required,
                                      lte_required, min_warranty_months, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (kind) DO UPDATE SET name = excluded.name, sample = excluded.sample,
               min_cpu_cores = excluded.min_cpu_cores, min_ram_mb = excluded.min_ram_mb,
               min_storage_gb = excluded.min_storage_gb, min_screen_tenths = excluded.min_screen_tenths,
               min_battery_mah = excluded.min_battery_mah, min_front_camera_mp = excluded.min_front_camera_mp,
               min_rear_camera_mp = excluded.min_rear_camera_mp, os_any_of = excluded.os_any_of,
               wifi_required = excluded.wifi_required, lte_required = excluded.lte_required,
               min_warranty_months = excluded.min_warranty_months, updated_at = excluded.updated_at")
            .bind(p.kind.code())
            .bind(p.name.trim().to_string())
            .bind(p.sample)
            .bind(n(p.min_cpu_cores))
            .bind(n(p.min_ram_mb))
            .bind(n(p.min_storage_gb))
            .bind(n(p.min_screen_tenths))
            .bind(n(p.min_battery_mah))
            .bind(n(p.min_front_camera_mp))
            .bind(n(p.min_rear_camera_mp))
            .bind(p.os_any_of.join("\n"))
            .bind(p.wifi_required)
            .bind(p.lte_required)
            .bind(n(p.min_warranty_months))
            .bind(now_millis())
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::SpecProfile,
                entity_id: Some(p.kind.code().to_string()),
                action: if before.is_some() { "update" } else { "create" },
                summary: format!("Cấu hình tối thiểu: {}", p.name.trim()),
                unit_id: None,
                changes: Some(json!({"before": before, "after": p})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A model's brand and name, for messages and minutes.
pub(crate) async fn model_name(store: &Store, model_id: i64) -> Result<String> {
    let name: Option<(String, String)> = q("SELECT brand, model FROM device_models WHERE id = $1")
        .bind(model_id)
        .fetch_optional(store.pool())
        .await?;
    let (b, m) = name.ok_or(DomainError::Devices(DevicesError::UnknownModel {
        id: model_id,
    }))?;
    Ok(format!("{b} {m}"))
}
