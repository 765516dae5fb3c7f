//! Benchmark of one large handover, as `docs/PERFORMANCE.md` reports it: the Board lists
//! 500 devices for a district office (every serial checked against the registry, the
//! executed allocation and the open minutes), prints the minutes (PDF), and the office
//! signs for them having scanned all 500 (devices moved, events written, the frozen text
//! and the signature kept, the audit entry chained), then the signed minutes are printed
//! again. Beside it, in the same process on the same database, the floor: the same 500
//! devices' rows updated and 500 event rows inserted in one bare transaction. On SQLite,
//! and on PostgreSQL when `TEST_POSTGRES_URL` names one.
//!
//!     cargo bench -p songmaytinh --bench handover
//!
//! `SMT_BENCH_ROUNDS` sets how many times each engine repeats it (default 5; the median
//! is reported).

use domain::devices::Holder;
use std::time::Instant;
use store::handover::{NewHandover, SignatureInput};
use store::testing::{TestDb, drawn_signature, executed_allocation, officer};

const DEVICES: usize = 500;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn one(db: &TestDb) -> (f64, f64, f64, f64, f64) {
    let store = &db.store;
    // Four schools' lists of 400 students, 1,100 laptops: Đắk Mil's office is sent more
    // than 500 of them by the executed run.
    executed_allocation(store, 400, 0, 1_100).await;
    let office = store
        .unit_by_code("67663001")
        .await
        .unwrap()
        .unwrap()
        .parent_id
        .unwrap();
    let serials: Vec<String> = store
        .packing_list(Holder::Board, office)
        .await
        .unwrap()
        .into_iter()
        .take(DEVICES)
        .map(|p| p.serial)
        .collect();
    assert_eq!(serials.len(), DEVICES, "the office's share");
    let actor = store::testing::system();
    let signature = SignatureInput::Drawn(drawn_signature());

    let t = Instant::now();
    let h = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: serials.clone(),
            },
        )
        .await
        .unwrap();
    let list = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, pdf) = web::handover::minutes::minutes_pdf(store, h.id)
        .await
        .unwrap()
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let print = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let signed = store
        .confirm_handover(
            &actor,
            h.id,
            &serials,
            &officer("Trần Thị Bình"),
            &signature,
        )
        .await
        .unwrap();
    assert_eq!(signed.received, Some(DEVICES as i64));
    let _ = web::handover::minutes::minutes_pdf(store, h.id)
        .await
        .unwrap();
    let confirm = t.elapsed().as_secs_f64();

    // The floor: the same rows written bare, in one transaction.
    let ids: Vec<String> = store
        .handover_items(h.id)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.device_id.to_string())
        .collect();
    let list_sql = ids.join(", ");
    let t = Instant::now();
    let values: Vec<String> = ids
        .iter()
        .map(|d| format!("({d}, 'with_unit', 'with_unit', 'unit', {office}, 'bench', 'floor', 1)"))
        .collect();
    store::testing::raw_in_transaction(
        store,
        &[
            format!("UPDATE devices SET state_changed_at = state_changed_at + 1 WHERE id IN ({list_sql})"),
            format!(
                "INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at) VALUES {}",
                values.join(", ")
            ),
        ],
    )
    .await
    .unwrap();
    let floor = t.elapsed().as_secs_f64();
    (list, print, confirm, list + print + confirm, floor)
}

fn main() {
    let rounds: usize = std::env::var("SMT_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!("{DEVICES}-device handover, Board → district office, median of {rounds} (seconds):");
    println!(
        "{:<11} {:>8} {:>8} {:>8} {:>8} {:>14}",
        "engine", "list", "print", "sign", "total", "floor (bare)"
    );
    for engine in ["sqlite", "postgres"] {
        let mut runs = Vec::new();
        for _ in 0..rounds {
            let db = rt.block_on(async {
                if engine == "sqlite" {
                    Some(TestDb::sqlite().await)
                } else {
                    TestDb::postgres().await
                }
            });
            let Some(db) = db else { break };
            runs.push(rt.block_on(one(&db)));
        }
        if runs.is_empty() {
            println!("{engine:<11} (no database: set TEST_POSTGRES_URL)");
            continue;
        }
        let col = |f: fn(&(f64, f64, f64, f64, f64)) -> f64| median(runs.iter().map(f).collect());
        println!(
            "{engine:<11} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>14.3}",
            col(|r| r.0),
            col(|r| r.1),
            col(|r| r.2),
            col(|r| r.3),
            col(|r| r.4)
        );
    }
}
