//! The province-wide duplicate search on a generated province, for the comparison with
//! Splink that `bench/matching/run.sh` makes (`docs/PERFORMANCE.md`).
//!
//!     cargo bench -p songmaytinh --bench matching -- --input province.csv --output ours_groups.csv
//!
//! The province (`bench/matching/generate.py`) is read from its CSV and stored through
//! the store's import, one import per school, with the row's `record_id` kept in the
//! student's note; then `Store::run_dedup` runs, timed, exactly as the Board's button
//! runs it; the groups it stores are written as `record_id,group_id`. The truth columns
//! of the CSV (`cluster_id`, `kind`) are never read.

mod common;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use domain::students::{Gender, StudentCode, StudentDraft};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use store::AuditActor;
use store::students::{ImportCounts, ImportMsg, ImportRow, ImportTarget};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The province's students by school code, in file order.
fn read_province(path: &PathBuf) -> BTreeMap<String, Vec<StudentDraft>> {
    let mut reader = csv::Reader::from_path(path).expect("province.csv");
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (rid, code, name, gender, dob, school, class, village, commune, parent) = (
        col("record_id"),
        col("student_code"),
        col("full_name"),
        col("gender"),
        col("dob"),
        col("school_code"),
        col("class_name"),
        col("village"),
        col("commune"),
        col("parent_name"),
    );
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut by_school: BTreeMap<String, Vec<StudentDraft>> = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let draft = StudentDraft {
            code: opt(&row[code]).map(|c| StudentCode::parse(&c).expect("student_code")),
            full_name: row[name].to_string(),
            dob: time::Date::parse(&row[dob], &format).expect("dob"),
            gender: Gender::parse(&text::fold(&row[gender])),
            ethnicity: None,
            class_name: opt(&row[class]),
            village: opt(&row[village]),
            commune: opt(&row[commune]),
            parent_name: opt(&row[parent]),
            tier_id: 0,
            tier_rank: 0,
            certificate_no: None,
            note: Some(row[rid].to_string()),
        };
        by_school
            .entry(row[school].to_string())
            .or_default()
            .push(draft);
    }
    by_school
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (arg(&args, "--input"), arg(&args, "--output")) else {
        // `cargo bench --workspace` runs every bench without arguments: nothing to do.
        eprintln!("usage: matching --input province.csv --output ours_groups.csv [--db FILE]");
        return;
    };
    let db = arg(&args, "--db")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(&output).with_extension("db"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let load = Instant::now();
        let province = read_province(&PathBuf::from(&input));
        // The schools under bench codes of their own (the generated codes may meet real
        // ones): the search never looks at a school's code.
        let store = common::province_store(&db, "6769", province.len()).await;
        let sys = AuditActor::system("bench");
        let round = store.current_round().await.unwrap().unwrap();
        let tiers = store.tiers(round.program_id).await.unwrap();
        let mut read = 0usize;
        for (s, (_, rows)) in province.into_iter().enumerate() {
            let school = store
                .unit_by_code(&format!("6769{s:04}"))
                .await
                .unwrap()
                .unwrap();
            let (tx, rx) = tokio::sync::mpsc::channel(4);
            let target = ImportTarget {
                round_id: round.id,
                school_id: school.id,
                file_name: format!("province-{s}"),
                sha256: String::new(),
                dry_run: false,
                find_duplicates: false,
            };
            let n = rows.len();
            read += n;
            let counts = ImportCounts {
                header_row: 1,
                data_rows: n,
                imported: n,
                rejected: 0,
                skipped: 0,
            };
            let tier = &tiers[0];
            let numbered: Vec<ImportRow> = rows
                .into_iter()
                .enumerate()
                .map(|(i, mut d)| {
                    d.tier_id = tier.id;
                    d.tier_rank = tier.rank;
                    ImportRow::new(i, d)
                })
                .collect();
            let write = store.import_students(&sys, target, rx);
            let send = async move {
                for chunk in numbered.chunks(2000) {
                    tx.send(ImportMsg::Rows(chunk.to_vec())).await.ok();
                }
                tx.send(ImportMsg::Done(counts)).await.ok();
            };
            let (w, _) = tokio::join!(write, send);
            w.unwrap();
        }
        let load_secs = load.elapsed().as_secs_f64();

        let start = Instant::now();
        let run = store.run_dedup(&sys, round.id, |_| {}).await.unwrap();
        let dedup_secs = start.elapsed().as_secs_f64();

        let stored = record_ids(&db).await;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&output).unwrap());
        writeln!(out, "record_id,group_id").unwrap();
        for (g, group) in run.groups.iter().enumerate() {
            for id in &group.ids {
                writeln!(out, "{},{}", stored[id], g + 1).unwrap();
            }
        }
        out.flush().unwrap();
        println!(
            "{}",
            serde_json::json!({
                "records": read,
                "stored": stored.len(),
                "students": run.students,
                "groups": run.groups.len(),
                "load_secs": load_secs,
                "dedup_secs": dedup_secs,
                "peak_mib": common::peak_mib(),
            })
        );
    });
}

/// Each stored student's `record_id`, kept in its note.
async fn record_ids(db: &std::path::Path) -> std::collections::HashMap<i64, String> {
    use sqlx::Row;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("SELECT id, note FROM students")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .collect()
}
