//! Benchmarks of the students' lists, as `docs/PERFORMANCE.md` reports them:
//!
//! - import of a 1,000,000-row CSV into SQLite, beside the time to only read and check it;
//! - the same for a 100,000-row `.xlsx`;
//! - de-duplication of 2,000,000 students, beside the time to only read them.
//!
//! Each measurement runs in a child process of this binary, so that its peak memory
//! (the kernel's high-water mark of resident memory) is its own.
//!
//!     cargo bench -p songmaytinh --bench students
//!
//! Sizes can be lowered for a quick run: `SMT_BENCH_CSV_ROWS`, `SMT_BENCH_XLSX_ROWS`,
//! `SMT_BENCH_DEDUP_STUDENTS`; `SMT_BENCH_RUNS` (3) is how many times each import and
//! its read-only phase run, reported as the median and the range.

mod common;

use common::{child, peak_mib};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;
use store::{AuditActor, OpenOptions, Store};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Y", "H'", "K'", "Lường", "Giàng", "Nông", "Triệu",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Anh", "Kim", "Thu", "Hồng",
    "Xuân", "Công", "Gia", "Bảo", "Đình", "Mỹ",
];
const GIVEN: &[&str] = &[
    "An", "Anh", "Bảo", "Bình", "Châu", "Chi", "Cường", "Dung", "Duy", "Giang", "Hà", "Hải",
    "Hạnh", "Hằng", "Hiếu", "Hoa", "Hoàng", "Hùng", "Huy", "Hương", "Khang", "Khánh", "Khoa",
    "Lan", "Linh", "Long", "Mai", "Mạnh", "Minh", "My", "Nam", "Ngân", "Ngọc", "Nhung", "Phong",
    "Phúc", "Phương", "Quân", "Quang", "Quỳnh", "Sơn", "Tài", "Tâm", "Thảo", "Thắng", "Thành",
    "Thiện", "Thọ", "Thủy", "Tiến", "Trang", "Trung", "Tuấn", "Tú", "Uyên", "Việt", "Vy", "Yến",
];
const TIERS: &[&str] = &[
    "Hộ nghèo",
    "HN",
    "(i)",
    "Hộ cận nghèo",
    "HCN",
    "(iii)",
    "Mồ côi do Covid-19",
];

/// A small deterministic generator (xorshift), so every run writes the same files.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn name(&mut self) -> String {
        format!(
            "{} {} {}",
            self.pick(FAMILY),
            self.pick(MIDDLE),
            self.pick(GIVEN)
        )
    }
    /// Born 2006–2015: of school age at the 2022 round.
    fn dob(&mut self) -> (i32, u8, u8) {
        (
            2006 + self.below(10) as i32,
            1 + self.below(12) as u8,
            1 + self.below(28) as u8,
        )
    }
}

fn bench_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-students");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn write_csv(path: &Path, rows: usize) {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    writeln!(w, "UBND HUYỆN ĐẮK MIL").unwrap();
    writeln!(w, "DANH SÁCH HỌC SINH ĐỀ NGHỊ HỖ TRỢ MÁY TÍNH").unwrap();
    writeln!(w).unwrap();
    writeln!(
        w,
        "STT,Họ và tên,Ngày sinh,Giới tính,Lớp,Mã định danh học sinh,Thôn,Xã,Họ tên cha/mẹ/người giám hộ,Đối tượng,Số giấy chứng nhận hộ nghèo/cận nghèo"
    )
    .unwrap();
    let mut rng = Rng(0x5eed_2022);
    for i in 0..rows {
        let (y, m, d) = rng.dob();
        let gender = if rng.below(2) == 0 { "Nam" } else { "Nữ" };
        let tier = rng.pick(TIERS);
        writeln!(
            w,
            "{},{},{d:02}/{m:02}/{y},{gender},{}A,67{:08},Thôn {},Xã Đắk Lao,{},{tier},{}/GCN-UBND",
            i + 1,
            rng.name(),
            1 + rng.below(9),
            i,
            1 + rng.below(12),
            rng.name(),
            rng.below(1000)
        )
        .unwrap();
    }
    w.flush().unwrap();
}

fn write_xlsx(path: &Path, rows: usize) {
    use sheets::export::{ListHeading, ListRow, ListWriter};
    let mut w = ListWriter::new(ListHeading {
        parent: "Phòng GD&ĐT huyện Đắk Mil".into(),
        unit: "Trường THCS Nguyễn Du".into(),
        subtitle: "Chương trình \"Sóng và máy tính cho em\" – Đợt 1".into(),
        place: "Đắk Mil".into(),
        date: time::macros::date!(2022 - 02 - 15),
        with_school: false,
    })
    .unwrap();
    let mut rng = Rng(0x0005_eed0);
    for i in 0..rows {
        let (y, m, d) = rng.dob();
        let rank = 1 + rng.below(3) as usize;
        w.push(&ListRow {
            name: rng.name(),
            dob: time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).ok(),
            gender: if rng.below(2) == 0 { "Nam" } else { "Nữ" }.into(),
            ethnicity: "Kinh".into(),
            class_name: format!("{}A", 1 + rng.below(9)),
            code: format!("67{:08}", i),
            village: format!("Thôn {}", 1 + rng.below(12)),
            commune: "Xã Đắk Lao".into(),
            parent_name: rng.name(),
            tier: ["(i)", "(ii)", "(iii)"][rank - 1].into(),
            tier_rank: rank,
            ..Default::default()
        })
        .unwrap();
    }
    std::fs::write(path, w.finish().unwrap()).unwrap();
}

/// The province's units with `schools` test schools (`6766xxxx`) and the 2022 program.
async fn fresh_store(db: &Path, schools: usize) -> Store {
    common::province_store(db, "6766", schools).await
}

/// The runtime of the server and of the CLI: two workers, as on the 2-core machine.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Only read and check the file: the parse cost of an import.
fn phase_parse(file: &Path) -> serde_json::Value {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (round, tiers) = rt.block_on(async {
        let store = fresh_store(&file.with_extension("parse.db"), 0).await;
        let round = store.current_round().await.unwrap().unwrap();
        let tiers = store.tiers(round.program_id).await.unwrap();
        (round, tiers)
    });
    let start = Instant::now();
    let input = std::io::BufReader::new(std::fs::File::open(file).unwrap());
    let summary = sheets::students::check_student_list(
        input,
        &sheets::reader::Limits::default(),
        &round,
        &tiers,
        |_| ControlFlow::Continue(()),
    )
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    serde_json::json!({ "rows": summary.accepted + summary.rejected, "accepted": summary.accepted, "secs": secs, "peak_mib": peak_mib() })
}

/// The whole import, as `songmaytinh import students` runs it, into a fresh database.
fn phase_import(file: &Path) -> serde_json::Value {
    runtime().block_on(async {
        let store = fresh_store(&file.with_extension("db"), 1).await;
        let school = store.unit_by_code("67660000").await.unwrap().unwrap();
        let req = web::students::imports::ImportRequest {
            school: &school,
            round_id: None,
            file_name: "bench",
            sha256: String::new(),
            dry_run: false,
            read_first: false,
            lang: domain::Lang::Vi,
        };
        let start = Instant::now();
        let input = std::io::BufReader::new(std::fs::File::open(file).unwrap());
        let (report, outcome) =
            web::students::imports::import_students(&store, &AuditActor::system("bench"), &req, input)
                .await
                .unwrap();
        let secs = start.elapsed().as_secs_f64();
        serde_json::json!({ "rows": report.data_rows, "written": outcome.written, "secs": secs, "peak_mib": peak_mib() })
    })
}

/// Fills a database with `n` students over 400 schools, about 1% of them listed twice
/// (another school, another code or none, sometimes a typo).
fn phase_dedup_seed(db: &Path, n: usize) -> serde_json::Value {
    use domain::students::{Gender, StudentCode, StudentDraft};
    use store::students::{ImportCounts, ImportMsg, ImportRow, ImportTarget};
    runtime().block_on(async {
        let schools = 400;
        let store = fresh_store(db, schools).await;
        let round = store.current_round().await.unwrap().unwrap();
        let tiers = store.tiers(round.program_id).await.unwrap();
        let mut rng = Rng(0xd0d0_2022);
        let per_school = n / schools;
        let start = Instant::now();
        let mut planted = 0u64;
        for s in 0..schools {
            let school = store
                .unit_by_code(&format!("6766{s:04}"))
                .await
                .unwrap()
                .unwrap();
            let (tx, rx) = tokio::sync::mpsc::channel(4);
            let target = ImportTarget {
                round_id: round.id,
                school_id: school.id,
                file_name: format!("seed-{s}"),
                sha256: String::new(),
                dry_run: false,
                // The run that follows finds them all at once.
                find_duplicates: false,
            };
            let mut rows: Vec<StudentDraft> = Vec::with_capacity(per_school);
            for i in 0..per_school {
                let (y, m, d) = rng.dob();
                let t = &tiers[rng.below(3) as usize];
                let mut draft = StudentDraft {
                    code: StudentCode::parse(&format!("67{:08}", s * per_school + i)).ok(),
                    full_name: rng.name(),
                    dob: time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d)
                        .unwrap(),
                    gender: Some(if rng.below(2) == 0 {
                        Gender::Nam
                    } else {
                        Gender::Nu
                    }),
                    ethnicity: None,
                    class_name: Some(format!("{}A", 1 + rng.below(9))),
                    village: Some(format!("Thôn {}", 1 + rng.below(12))),
                    commune: Some(format!("Xã {}", rng.below(71))),
                    parent_name: Some(rng.name()),
                    tier_id: t.id,
                    tier_rank: t.rank,
                    certificate_no: None,
                    note: None,
                };
                // About 1 in 100: a child listed twice, under another code.
                if i > 0 && s > 0 && rng.below(100) == 0 {
                    let prev: &StudentDraft = &rows[rng.below(rows.len() as u64) as usize];
                    draft = prev.clone();
                    draft.code = StudentCode::parse(&format!("68{:08}", s * per_school + i)).ok();
                    planted += 1;
                }
                rows.push(draft);
            }
            let counts = ImportCounts {
                header_row: 1,
                data_rows: per_school,
                imported: per_school,
                rejected: 0,
                skipped: 0,
            };
            let actor = AuditActor::system("bench");
            let write = store.import_students(&actor, target, rx);
            let send = async move {
                let numbered: Vec<ImportRow> = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| ImportRow::new(i, d))
                    .collect();
                for chunk in numbered.chunks(2000) {
                    tx.send(ImportMsg::Rows(chunk.to_vec())).await.ok();
                }
                tx.send(ImportMsg::Done(counts)).await.ok();
            };
            let (w, _) = tokio::join!(write, send);
            w.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        serde_json::json!({ "students": schools * per_school, "planted": planted, "secs": secs })
    })
}

fn phase_dedup(db: &Path, read_only: bool) -> serde_json::Value {
    runtime().block_on(async {
        let store = Store::open(
            &format!("sqlite://{}", db.display()),
            &OpenOptions::default(),
        )
        .await
        .unwrap();
        let round = store.current_round().await.unwrap().unwrap();
        let start = Instant::now();
        if read_only {
            let mut n = 0usize;
            let read = store
                .scan_records(round.id, |batch, _| n += batch.len())
                .await
                .unwrap();
            assert_eq!(read as usize, n);
            let secs = start.elapsed().as_secs_f64();
            return serde_json::json!({ "students": read, "secs": secs, "peak_mib": peak_mib() });
        }
        let run = store
            .run_dedup(&AuditActor::system("bench"), round.id, |_| {})
            .await
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let same_person = run
            .groups
            .iter()
            .filter(|g| g.reason == domain::dedup::Reason::SamePerson)
            .count();
        serde_json::json!({ "students": run.students, "groups": run.groups.len(), "same_person": same_person, "secs": secs, "peak_mib": peak_mib() })
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--phase") {
        let phase = args[pos + 1].as_str();
        let path = PathBuf::from(&args[pos + 2]);
        let v = match phase {
            "parse" => phase_parse(&path),
            "import" => phase_import(&path),
            "dedup-seed" => phase_dedup_seed(&path, args[pos + 3].parse().unwrap()),
            "dedup-read" => phase_dedup(&path, true),
            "dedup" => phase_dedup(&path, false),
            other => panic!("unknown phase {other}"),
        };
        println!("{v}");
        return;
    }
    let dir = bench_dir();
    let csv_rows = env_usize("SMT_BENCH_CSV_ROWS", 1_000_000);
    let xlsx_rows = env_usize("SMT_BENCH_XLSX_ROWS", 100_000);
    let dedup_n = env_usize("SMT_BENCH_DEDUP_STUDENTS", 2_000_000);
    println!(
        "| benchmark | rows | read and check only | import | rows/s (import) | peak memory (import) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let csv = dir.join(format!("students-{csv_rows}.csv"));
    if !csv.exists() {
        write_csv(&csv, csv_rows);
    }
    let xlsx = dir.join(format!("students-{xlsx_rows}.xlsx"));
    if !xlsx.exists() {
        write_xlsx(&xlsx, xlsx_rows);
    }
    // Each phase runs `runs` times, alternating, and the median is reported with the
    // range: identical runs on a shared 2-core machine differ by a quarter.
    let runs = env_usize("SMT_BENCH_RUNS", 3).max(1);
    for (label, file) in [("CSV", &csv), ("xlsx", &xlsx)] {
        let f = file.to_str().unwrap();
        let (mut parse, mut import) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            parse.push(child(&["--phase", "parse", f]));
            import.push(child(&["--phase", "import", f]));
        }
        let rows = import[0]["rows"].as_f64().unwrap();
        let secs = |v: &[serde_json::Value]| -> Vec<f64> {
            let mut s: Vec<f64> = v.iter().map(|x| x["secs"].as_f64().unwrap()).collect();
            s.sort_by(f64::total_cmp);
            s
        };
        let peak = |v: &[serde_json::Value]| {
            v.iter()
                .map(|x| x["peak_mib"].as_f64().unwrap())
                .fold(0.0, f64::max)
        };
        let (p, i) = (secs(&parse), secs(&import));
        let median = |s: &[f64]| s[s.len() / 2];
        let range = |s: &[f64]| {
            if s.len() > 1 {
                format!(" ({:.2}–{:.2})", s[0], s[s.len() - 1])
            } else {
                String::new()
            }
        };
        println!(
            "| {label} import into SQLite | {} | {:.2} s{} ({:.0} MiB) | {:.2} s{} | {:.0} | {:.0} MiB |",
            rows,
            median(&p),
            range(&p),
            peak(&parse),
            median(&i),
            range(&i),
            rows / median(&i),
            peak(&import)
        );
    }
    let db = dir.join(format!("dedup-{dedup_n}.db"));
    let seed = child(&[
        "--phase",
        "dedup-seed",
        db.to_str().unwrap(),
        &dedup_n.to_string(),
    ]);
    let read = child(&["--phase", "dedup-read", db.to_str().unwrap()]);
    let run = child(&["--phase", "dedup", db.to_str().unwrap()]);
    println!();
    println!(
        "| benchmark | students | read only | de-duplication | groups (same person) | peak memory |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| dedup over SQLite | {} | {:.2} s ({:.0} MiB) | {:.2} s | {} ({}) | {:.0} MiB |",
        run["students"],
        read["secs"].as_f64().unwrap(),
        read["peak_mib"].as_f64().unwrap(),
        run["secs"].as_f64().unwrap(),
        run["groups"],
        run["same_person"],
        run["peak_mib"].as_f64().unwrap()
    );
    println!();
    println!(
        "(seeded {} students with {} planted copies in {:.1} s)",
        seed["students"],
        seed["planted"],
        seed["secs"].as_f64().unwrap()
    );
}
