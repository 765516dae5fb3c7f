//! The demo's finished round: a pilot round in Đắk Glong and Tuy Đức whose lists the Board approved,
//! a delivery of laptops for it, and a run drafted, approved under a decision and executed
//! (its devices reserved for the students), so the allocation pages and the device counts
//! show a real run. The seed is fixed so that every fresh demo draws the same.

use super::students;
use anyhow::{Context, Result};
use domain::Lang;
use domain::allocation::Policy;
use domain::devices::appraisals::{Appraisal, Verdict};
use domain::devices::luhn_digit;
use store::{AuditActor, Store};

/// The pilot's lottery seed: SHA-256 of "Sóng và máy tính cho em — thí điểm Đắk Glong".
fn seed() -> [u8; 32] {
    let hex = domain::digest::sha256_hex("Sóng và máy tính cho em — thí điểm Đắk Glong".as_bytes());
    domain::allocation::parse_seed(&hex).expect("64 hex digits")
}

pub async fn seed_pilot(store: &Store, actor: &AuditActor) -> Result<usize> {
    let program = store
        .programs()
        .await?
        .into_iter()
        .next()
        .context("the demo programme")?;
    let round_id = store
        .add_round(
            actor,
            &program.code,
            "Đợt thí điểm Đắk Glong – Tuy Đức",
            time::macros::date!(2022 - 01 - 26),
            time::macros::date!(2022 - 01 - 31),
        )
        .await?;
    let round = store.round(round_id).await?.context("the pilot round")?;
    let lists = students::seed_pilot_lists(store, actor, round, &["661", "667"]).await?;

    // The laptops bought for the pilot: contract 03/2022/HĐ-SGDĐT, appraised, in stock.
    let laptop = store
        .device_models()
        .await?
        .into_iter()
        .find(|m| m.model.model == "IdeaPad 3 14ITL6")
        .context("the demo laptop model")?
        .id;
    let rows: Vec<store::devices::SerialRow> = (0..120)
        .map(|i| {
            let body = format!("86120400{:06}", 2000 + i);
            let digits: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
            store::devices::SerialRow {
                row: i + 2,
                serial: format!("PF3LK{:05}", 10_000 + i),
                imei: Some(format!("{body}{}", luhn_digit(&digits))),
            }
        })
        .collect();
    let batch = domain::devices::Batch::contract("03/2022/HĐ-SGDĐT")?;
    store
        .register_devices(actor, laptop, &batch, &rows, Lang::Vi, false)
        .await?;
    let sttttt = AuditActor::system("demo-so-tttt");
    let on = time::macros::date!(2022 - 03 - 05);
    for source in [None, Some("contract:03/2022/HĐ-SGDĐT")] {
        store
            .appraise(
                &sttttt,
                &Appraisal {
                    model_id: laptop,
                    source: source.map(str::to_string),
                    verdict: Verdict::Pass,
                    appraised_on: on,
                    notes: Some("Kiểm tra 120/120 máy: đạt cấu hình tối thiểu.".into()),
                },
            )
            .await?;
    }
    store
        .stock_in(actor, laptop, "contract:03/2022/HĐ-SGDĐT")
        .await?;

    // The Board's run: drafted, approved under its decision, executed.
    let board = store
        .user_by_username("ban_dieu_phoi")
        .await?
        .context("demo user ban_dieu_phoi")?
        .audit_actor();
    let (run, _) = store
        .draft_allocation(&board, round_id, Some(seed()), Policy::default())
        .await?;
    store
        .approve_allocation(&board, run.id, "27/QĐ-BĐP", "15/03/2022")
        .await?;
    store.execute_allocation(&board, run.id).await?;
    store.set_round_open(actor, round_id, false).await?;
    Ok(lists)
}
