//! Benchmark of the allocation engine, as `docs/PERFORMANCE.md` reports it: one run over
//! 2,000,000 approved students and 1,000,000 devices (700 units, three tiers, a few
//! earmarks), beside the time to load its inputs from a file and beside a plain
//! sort-and-assign of the same records (sort the students by tier and approval, give the
//! devices in order) in the same kind of process. Each phase runs in a child process so
//! that its peak memory is its own.
//!
//!     cargo bench -p songmaytinh --bench allocation
//!
//! `SMT_BENCH_NOMINATIONS` and `SMT_BENCH_DEVICES` lower the sizes for a quick run.

mod common;

use common::{child, peak_mib};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use domain::allocation::{Device, Input, Nomination, Policy, UnitRef, allocate, pseudonym};
use domain::devices::DeviceKind;
use domain::donations::Earmark;
use domain::units::SchoolLevel;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

const UNITS: i64 = 700;

/// The inputs as tab-separated lines: `n student tier school unit level approved verified`
/// and `d id kind earmark_unit earmark_tier`. Deterministic (a linear congruential walk).
fn write_inputs(path: &Path, noms: u64, devs: u64) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    for i in 0..noms {
        let unit = next() as i64 % UNITS;
        let school = 10_000 + unit * 20 + next() as i64 % 20;
        let tier = 1 + (next() % 3) as u8;
        let level = if school % 3 == 0 { "tieu_hoc" } else { "thcs" };
        let day = 1_650_000_000_000 + (next() % 60) as i64 * 86_400_000;
        let verified = next() % 10 != 0;
        writeln!(
            w,
            "n\t{}\t{tier}\t{school}\t{}\t{level}\t{day}\t{verified}",
            1 + i,
            1_000 + unit
        )
        .unwrap();
    }
    for i in 0..devs {
        let kind = if next() % 3 == 0 { "tablet" } else { "laptop" };
        // One device in fifty earmarked: to a unit, or to a tier.
        let (eu, et) = match next() % 100 {
            0 => ((1_000 + next() as i64 % UNITS).to_string(), String::new()),
            1 => (String::new(), (1 + next() % 3).to_string()),
            _ => (String::new(), String::new()),
        };
        writeln!(w, "d\t{}\t{kind}\t{eu}\t{et}", 1 + i).unwrap();
    }
}

fn load(path: &Path) -> Input {
    let r = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut nominations = Vec::new();
    let mut devices = Vec::new();
    for line in r.lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] == "n" {
            let student: i64 = f[1].parse().unwrap();
            nominations.push(Nomination {
                student,
                key: pseudonym(f[1]),
                tier: f[2].parse().unwrap(),
                school: f[3].parse().unwrap(),
                unit: f[4].parse().unwrap(),
                level: if f[5] == "tieu_hoc" {
                    SchoolLevel::TieuHoc
                } else {
                    SchoolLevel::Thcs
                },
                approved_at: f[6].parse().unwrap(),
                evidence_verified: f[7] == "true",
            });
        } else {
            devices.push(Device {
                id: f[1].parse().unwrap(),
                kind: DeviceKind::parse(f[2]).unwrap(),
                earmark: Earmark {
                    unit_id: f[3].parse().ok(),
                    tier: f[4].parse().ok(),
                },
            });
        }
    }
    Input {
        run: 1,
        seed: [42; 32],
        policy: Policy::default(),
        units: (0..UNITS)
            .map(|u| UnitRef {
                id: 1_000 + u,
                code: format!("{:03}", 600 + u),
            })
            .collect(),
        nominations,
        devices,
    }
}

fn phase(name: &str, file: &Path) -> serde_json::Value {
    let start = Instant::now();
    let input = load(file);
    let load_secs = start.elapsed().as_secs_f64();
    match name {
        "load" => serde_json::json!({
            "nominations": input.nominations.len(), "devices": input.devices.len(),
            "secs": load_secs, "peak_mib": peak_mib()}),
        "allocate" => {
            let start = Instant::now();
            let out = allocate(&input).unwrap();
            let secs = start.elapsed().as_secs_f64();
            let peak = peak_mib();
            // The outcome's digest (after the clock): the same inputs give the same bytes,
            // whatever version of the engine (a change that moves one device shows here).
            let digest = if std::env::var_os("SMT_BENCH_DIGEST").is_some() {
                out.digest()
            } else {
                String::new()
            };
            serde_json::json!({"served": out.served(), "waiting": out.waiting(),
                "unassigned": out.unassigned.len(), "secs": secs, "peak_mib": peak,
                "outcome_sha256": digest})
        }
        "plain" => {
            // The floor: sort by tier then approval, then give the devices in order.
            let start = Instant::now();
            let mut noms = input.nominations;
            noms.sort_unstable_by_key(|n| (n.tier, n.approved_at, n.student));
            let given: Vec<(i64, i64)> = noms
                .iter()
                .zip(&input.devices)
                .map(|(n, d)| (n.student, d.id))
                .collect();
            let secs = start.elapsed().as_secs_f64();
            serde_json::json!({"served": given.len(), "secs": secs, "peak_mib": peak_mib()})
        }
        _ => panic!("unknown phase {name}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--phase") {
        let out = phase(&args[i + 1], Path::new(&args[i + 2]));
        println!("{out}");
        return;
    }
    let noms: u64 = std::env::var("SMT_BENCH_NOMINATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let devs: u64 = std::env::var("SMT_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // `SMT_BENCH_KEEP=DIR` keeps the inputs there (to profile one phase:
    // `perf record <bench binary> --phase allocate DIR/inputs.tsv`).
    let keep = std::env::var_os("SMT_BENCH_KEEP");
    let dir = keep
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("smt-bench-alloc-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("inputs.tsv");
    eprintln!("writing {noms} nominations and {devs} devices…");
    write_inputs(&file, noms, devs);
    let f = file.to_str().unwrap();
    let load = child(&["--phase", "load", f]);
    let alloc = child(&["--phase", "allocate", f]);
    let plain = child(&["--phase", "plain", f]);
    if keep.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "nominations": noms, "devices": devs,
            "load": load, "allocate": alloc, "plain_sort_and_assign": plain,
        }))
        .unwrap()
    );
}
