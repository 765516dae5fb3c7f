//! What both benchmarks share: peak memory of this process, running one phase in a
//! child process of the benchmark's own binary, and a fresh SQLite database.

use std::path::Path;
use std::process::Command;
use store::{OpenOptions, Store};

/// The kernel's high-water mark of this process's resident memory, in MiB.
pub fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Runs this binary with `args` (a `--phase`) and reads the JSON line it prints last.
#[allow(dead_code)] // not every benchmark runs its phases in children
pub fn child(args: &[&str]) -> serde_json::Value {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap()
}

/// A new SQLite database at `db` (any earlier one and its WAL removed), migrated.
pub async fn fresh_sqlite(db: &Path) -> Store {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    Store::open(
        &format!("sqlite://{}", db.display()),
        &OpenOptions::default(),
    )
    .await
    .unwrap()
}

/// A new SQLite database with the province's units, `schools` test schools coded
/// `{prefix}0000`, `{prefix}0001`… under the eight districts in turn, and the 2022
/// program with its open round.
#[allow(dead_code)] // not every benchmark seeds a province
pub async fn province_store(db: &Path, prefix: &str, schools: usize) -> Store {
    let store = fresh_sqlite(db).await;
    let sys = store::AuditActor::system("bench");
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/dak-nong-units.csv"
    ))
    .unwrap();
    let mut extra =
        String::from("level,code,name,parent,kind,school_level,commune,internet,agency\n");
    for s in 0..schools {
        extra.push_str(&format!(
            "school,{prefix}{s:04},Trường thử {s},{},,THCS,,có,\n",
            660 + s % 8
        ));
    }
    for bytes in [csv, extra.into_bytes()] {
        let drafts = sheets::units::read_units_csv(&bytes[..])
            .unwrap()
            .drafts()
            .unwrap();
        store
            .import_units(&sys, drafts, Default::default())
            .await
            .unwrap();
    }
    let program = domain::students::programs::ProgramSpec::of_2022()
        .check()
        .unwrap();
    store.create_program_from(&sys, &program).await.unwrap();
    store
}
