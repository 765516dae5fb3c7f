//! The demo's devices: spec profiles, models, and a contract delivery appraised and in
//! the Board's stock.

use anyhow::Result;
use domain::Lang;
use store::{AuditActor, Store};

/// The sample spec profiles (labelled as samples), three device models (one meeting
/// every criterion, one short of RAM, one whose battery is not stated), and a contract
/// delivery of the first, appraised and in stock. Returns the first model's id.
pub async fn seed(store: &Store, actor: &AuditActor) -> Result<i64> {
    use domain::devices::appraisals::{Appraisal, Verdict};
    use domain::devices::{DeviceKind, DeviceModel, luhn_digit};
    for p in domain::devices::sample_profiles() {
        store.save_spec_profile(actor, &p).await?;
    }
    let tab = DeviceModel {
        kind: Some(DeviceKind::Tablet),
        brand: "Samsung".into(),
        model: "Galaxy Tab A8 LTE".into(),
        cpu: Some("Unisoc T618".into()),
        cpu_cores: Some(8),
        ram_mb: Some(4096),
        storage_gb: Some(64),
        screen_tenths: Some(105),
        battery_mah: Some(7040),
        front_camera_mp: Some(5),
        rear_camera_mp: Some(8),
        os: Some("Android 11".into()),
        wifi: Some(true),
        lte: Some(true),
        warranty_months: Some(12),
        unit_price: Some(domain::money::Dong(5_490_000)),
    };
    let good = store.create_device_model(actor, &tab).await?;
    store
        .create_device_model(
            actor,
            &DeviceModel {
                model: "Galaxy Tab A7 Lite".into(),
                cpu_cores: Some(8),
                ram_mb: Some(2048),
                storage_gb: Some(32),
                screen_tenths: Some(87),
                battery_mah: Some(5100),
                rear_camera_mp: Some(8),
                front_camera_mp: Some(2),
                unit_price: Some(domain::money::Dong(3_290_000)),
                ..tab.clone()
            },
        )
        .await?;
    store
        .create_device_model(
            actor,
            &DeviceModel {
                kind: Some(DeviceKind::Laptop),
                brand: "Lenovo".into(),
                model: "IdeaPad 3 14ITL6".into(),
                cpu: Some("Intel Core i3-1115G4".into()),
                cpu_cores: Some(2),
                ram_mb: Some(8192),
                storage_gb: Some(256),
                screen_tenths: Some(140),
                battery_mah: None,
                front_camera_mp: Some(1),
                rear_camera_mp: None,
                os: Some("Windows 11 Home".into()),
                wifi: Some(true),
                lte: Some(false),
                warranty_months: Some(24),
                unit_price: Some(domain::money::Dong(11_990_000)),
            },
        )
        .await?;
    let rows: Vec<store::devices::SerialRow> = (0..40)
        .map(|i| {
            let body = format!("35209900{:06}", 1000 + i);
            let digits: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
            store::devices::SerialRow {
                row: i + 2,
                serial: format!("R9TT{:06}", 41_000 + i),
                imei: Some(format!("{body}{}", luhn_digit(&digits))),
            }
        })
        .collect();
    let contract = "contract:05/2022/HĐ-SGDĐT";
    let batch = domain::devices::Batch::contract("05/2022/HĐ-SGDĐT")?;
    store
        .register_devices(actor, good, &batch, &rows, Lang::Vi, false)
        .await?;
    let on = time::macros::date!(2022 - 03 - 10);
    let appraise = |model_id, source: Option<&str>, verdict, notes: &str| Appraisal {
        model_id,
        source: source.map(str::to_string),
        verdict,
        appraised_on: on,
        notes: Some(notes.to_string()),
    };
    let sttttt = AuditActor::system("demo-so-tttt");
    store
        .appraise(
            &sttttt,
            &appraise(good, None, Verdict::Pass, "Đạt mọi tiêu chí của hồ sơ mẫu."),
        )
        .await?;
    store
        .appraise(
            &sttttt,
            &appraise(
                good,
                Some(contract),
                Verdict::Pass,
                "Kiểm tra 40/40 máy: đủ phụ kiện, tem bảo hành.",
            ),
        )
        .await?;
    store.stock_in(actor, good, contract).await?;
    Ok(good)
}
