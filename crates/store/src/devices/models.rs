//! Device models as declared and the spec profiles they are checked against.

use crate::db::{Q, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::devices::DevicesError;
use domain::devices::{DeviceKind, DeviceModel, SpecProfile};
use serde_json::json;
use std::collections::HashMap;

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
