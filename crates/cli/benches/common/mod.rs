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
