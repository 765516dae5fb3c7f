//! Benchmark of the device registry, as `docs/PERFORMANCE.md` reports it: registering
//! 100,000 serials (with IMEIs) from one supplier's file into SQLite, beside the time to
//! only read the file. Each phase runs in a child process so that its peak memory is its
//! own.
//!
//!     cargo bench -p songmaytinh --bench devices
//!
//! `SMT_BENCH_SERIALS` lowers the size for a quick run.

mod common;

use common::{child, peak_mib};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use store::{AuditActor, OpenOptions, Store};

/// A supplier's list: title rows, a header, then serials and valid IMEIs.
fn write_csv(path: &Path, n: usize) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "CÔNG TY CỔ PHẦN THIẾT BỊ GIÁO DỤC").unwrap();
    writeln!(w, "DANH SÁCH MÁY GIAO THEO HỢP ĐỒNG 05/2022/HĐ-SGDĐT").unwrap();
    writeln!(w, "STT,Tên máy,Số Serial,IMEI").unwrap();
    for i in 0..n {
        let body = format!("35209900{:06}", i % 1_000_000);
        let digits: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
        let check = domain::devices::luhn_digit(&digits);
        writeln!(w, "{},Galaxy Tab A8,R58T{:08},{body}{check}", i + 1, i).unwrap();
    }
    writeln!(w, ",Tổng cộng,{n} máy,").unwrap();
}

fn read(file: &Path) -> Vec<store::devices::SerialRow> {
    let list = sheets::devices::read_serials(
        std::io::BufReader::new(std::fs::File::open(file).unwrap()),
        &sheets::reader::Limits::default(),
    )
    .unwrap();
    list.lines
        .into_iter()
        .map(|l| store::devices::SerialRow {
            row: l.row,
            serial: l.serial,
            imei: l.imei,
        })
        .collect()
}

fn phase(name: &str, file: &Path) -> serde_json::Value {
    if name == "read" {
        let start = Instant::now();
        let rows = read(file);
        let secs = start.elapsed().as_secs_f64();
        return serde_json::json!({"rows": rows.len(), "secs": secs, "peak_mib": peak_mib()});
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if name == "minutes" {
        // One receipt of 1,000 devices (the appendix lists every serial): record it, then
        // print its minutes as the web's download does.
        return rt.block_on(async {
            let store = common::fresh_sqlite(&file.with_extension("minutes.db")).await;
            let sys = AuditActor::system("bench");
            let model = store::testing::add_tablet(&store).await;
            use domain::donations::*;
            let donor = store
                .save_donor(
                    &sys,
                    None,
                    &store::testing::organisation("Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông"),
                )
                .await
                .unwrap();
            let serials: Vec<ItemSerial> = read(file)
                .into_iter()
                .take(1_000)
                .map(|r| ItemSerial {
                    serial: r.serial,
                    imei: r.imei,
                })
                .collect();
            let n = serials.len();
            let out = store
                .record_donation(
                    &sys,
                    &Donation {
                        donor_id: donor,
                        minutes_no: "12/BB-BTNĐP".into(),
                        received_on: time::macros::date!(2022 - 03 - 05),
                        place: "Gia Nghĩa".into(),
                        donor_rep: Signatory {
                            name: "Nguyễn Thị Hồng Nhung".into(),
                            position: None,
                        },
                        board_rep: Signatory {
                            name: "Trần Văn Bình".into(),
                            position: None,
                        },
                        note: None,
                        items: vec![DonationItem {
                            model_id: model,
                            quantity: n as u32,
                            condition: Condition::New,
                            unit_value: domain::money::Dong(4_990_000),
                            serials,
                        }],
                    },
                    domain::Lang::Vi,
                )
                .await
                .unwrap();
            let start = Instant::now();
            let pdf = web::donations::bien_ban::receipt_minutes_pdf(&store, out.id.unwrap())
                .await
                .unwrap()
                .unwrap();
            let secs = start.elapsed().as_secs_f64();
            serde_json::json!({"rows": n, "secs": secs, "bytes": pdf.bytes.len(), "peak_mib": peak_mib()})
        });
    }
    if name == "stocktake" {
        return rt.block_on(async {
            let db = file.with_extension("db");
            let store = Store::open(
                &format!("sqlite://{}", db.display()),
                &OpenOptions::default(),
            )
            .await
            .unwrap();
            // The scanner saw all but 1% of the devices, and 1% it should not have.
            let mut scans: Vec<String> = read(file).into_iter().map(|r| r.serial).collect();
            let n = scans.len();
            scans.truncate(n - n / 100);
            scans.extend((0..n / 100).map(|i| format!("UNKNOWN-{i}")));
            let start = Instant::now();
            let t = store
                .stocktake(store::devices::Place::Board, &scans)
                .await
                .unwrap();
            let secs = start.elapsed().as_secs_f64();
            assert_eq!((t.missing.len(), t.unexpected.len()), (n / 100, n / 100));
            serde_json::json!({"rows": scans.len(), "secs": secs, "peak_mib": peak_mib()})
        });
    }
    rt.block_on(async {
        let store = common::fresh_sqlite(&file.with_extension("db")).await;
        let sys = AuditActor::system("bench");
        let model = store::testing::add_tablet(&store).await;
        let start = Instant::now();
        let rows = read(file);
        let report = store
            .register_devices(
                &sys,
                model,
                &domain::devices::Batch::Contract("05/2022/HĐ-SGDĐT".into()),
                &rows,
                domain::Lang::Vi,
                false,
            )
            .await
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(report.imported, rows.len(), "{:?}", report.errors.first());
        serde_json::json!({"rows": report.imported, "secs": secs, "peak_mib": peak_mib()})
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--phase") {
        println!("{}", phase(&args[pos + 1], &PathBuf::from(&args[pos + 2])));
        return;
    }
    let n: usize = std::env::var("SMT_BENCH_SERIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/bench-devices");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("serials-{n}.csv"));
    if !file.exists() {
        write_csv(&file, n);
    }
    let f = file.to_str().unwrap();
    let read = child(&["--phase", "read", f]);
    let register = child(&["--phase", "register", f]);
    let stocktake = child(&["--phase", "stocktake", f]);
    let minutes = child(&["--phase", "minutes", f]);
    let secs = register["secs"].as_f64().unwrap();
    println!("| benchmark | serials | read only | register | serials/s | peak memory |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| register serials into SQLite | {n} | {:.2} s ({:.0} MiB) | {secs:.2} s | {:.0} | {:.0} MiB |",
        read["secs"].as_f64().unwrap(),
        read["peak_mib"].as_f64().unwrap(),
        n as f64 / secs,
        register["peak_mib"].as_f64().unwrap(),
    );
    let st = stocktake["secs"].as_f64().unwrap();
    println!(
        "| stocktake of the Board's store against the registry | {} scans | — | {st:.2} s | {:.0} | {:.0} MiB |",
        stocktake["rows"],
        stocktake["rows"].as_f64().unwrap() / st,
        stocktake["peak_mib"].as_f64().unwrap(),
    );
    let ms = minutes["secs"].as_f64().unwrap();
    println!(
        "| receipt minutes PDF (appendix of every serial) | {} serials | — | {ms:.2} s ({} KiB) | {:.0} | {:.0} MiB |",
        minutes["rows"],
        minutes["bytes"].as_u64().unwrap() / 1024,
        minutes["rows"].as_f64().unwrap() / ms,
        minutes["peak_mib"].as_f64().unwrap(),
    );
}
