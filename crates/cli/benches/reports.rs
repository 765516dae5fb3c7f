//! Benchmarks of issue 15, as `docs/PERFORMANCE.md` reports them:
//!
//! - the progress report (Công văn 5052) of a province of `SMT_REPORT_STUDENTS` students
//!   (default 200,000) spread over the Đắk Nông schools, a fifth of them allocated and
//!   half of those handed over, beside its floor: the bare `GROUP BY school, tier` over
//!   the same students;
//! - an inclusion proof in a log of `SMT_LOG_ENTRIES` entries (default 1,000,000): the
//!   first (which hashes the server's tile cache once), then 200 at random entries, beside
//!   the floor: reading one tile's leaves bare.
//!
//! SQLite, and PostgreSQL when `TEST_POSTGRES_URL` names one (smaller by default:
//! `SMT_REPORT_STUDENTS_PG`, `SMT_LOG_ENTRIES_PG`).
//!
//!     cargo bench -p songmaytinh --bench reports

use domain::reports::Period;
use std::time::Instant;
use store::testing::TestDb;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn report(db: &TestDb, n: usize) -> (f64, f64) {
    let store = &db.store;
    store::testing::seed_units(store).await;
    store::testing::seed_program(store).await;
    let round = store.current_round().await.unwrap().unwrap();
    let tiers: Vec<i64> = store
        .tiers(round.program_id)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let root = store.unit_by_code("67").await.unwrap().unwrap();
    let mut schools = Vec::new();
    for page in 1.. {
        let p = store
            .list_units(
                &root.path,
                &store::units::UnitFilter {
                    kind: Some(domain::units::UnitKind::School),
                    ..Default::default()
                },
                page,
                500,
            )
            .await
            .unwrap();
        let done = p.items.len() < 500;
        schools.extend(p.items.iter().map(|u| u.id));
        if done {
            break;
        }
    }
    // Students, written bare in batches (the import's own cost is measured elsewhere).
    let now = domain::dates::now_millis();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let school = schools[i % schools.len()];
                let tier = tiers[(i / 7) % tiers.len()];
                let review = if i % 5 == 4 { "pending" } else { "approved" };
                format!(
                    "({}, {school}, 'HS{i:07}', 'Học Sinh {i}', 'hoc sinh {i}', '2011-05-01', {tier}, '{review}', FALSE, {now}, {now})",
                    round.id
                )
            })
            .collect();
        store::testing::raw_in_transaction(
            store,
            &[format!(
                "INSERT INTO students (round_id, school_id, student_code, full_name, name_key, dob, tier_id, review, served, created_at, updated_at) VALUES {}",
                rows.join(",")
            )],
        )
        .await
        .unwrap();
    }
    let program = store.report_program(None).await.unwrap().unwrap();
    // Warm the connection and the page cache once, then time.
    store
        .progress_report(&root, &program, Period::default())
        .await
        .unwrap();
    let t = Instant::now();
    let r = store
        .progress_report(&root, &program, Period::default())
        .await
        .unwrap();
    let took = t.elapsed().as_secs_f64();
    assert_eq!(r.total.get(domain::reports::Stage::Surveyed), n as i64);
    let t = Instant::now();
    store::testing::raw_in_transaction(
        store,
        &["SELECT school_id, tier_id, COUNT(*), SUM(CASE WHEN review = 'approved' THEN 1 ELSE 0 END) FROM students GROUP BY school_id, tier_id".to_string()],
    )
    .await
    .unwrap();
    (took, t.elapsed().as_secs_f64())
}

async fn proofs(db: &TestDb, n: usize) -> (f64, f64, f64, f64, f64) {
    let store = &db.store;
    let mut done = 0;
    while done < n {
        let k = (n - done).min(10_000);
        store::testing::audit_entries(store, k).await;
        done += k;
        if done % 100_000 == 0 {
            eprint!("\r  {done}/{n}");
        }
    }
    eprintln!();
    let size = store.log_size().await.unwrap();
    let t = Instant::now();
    store.log_inclusion(1, None).await.unwrap();
    let first = t.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let seq = (x % size) as i64 + 1;
        let t = Instant::now();
        let p = store.log_inclusion(seq, None).await.unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(p.tree_size, size);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let t = Instant::now();
    store::testing::raw_in_transaction(
        store,
        &["SELECT hash FROM audit_log WHERE seq > 500000 AND seq <= 501024".to_string()],
    )
    .await
    .unwrap();
    (
        first,
        times[100],
        times[180],
        times[199],
        t.elapsed().as_secs_f64(),
    )
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ms = |s: f64| format!("{:.1} ms", s * 1000.0);
    println!(
        "{:<9} {:>9} {:>12} {:>12}",
        "engine", "students", "report", "floor"
    );
    let runs: Vec<(&str, Option<TestDb>, usize)> = vec![
        (
            "sqlite",
            Some(rt.block_on(TestDb::sqlite())),
            env("SMT_REPORT_STUDENTS", 200_000),
        ),
        (
            "postgres",
            rt.block_on(TestDb::postgres()),
            env("SMT_REPORT_STUDENTS_PG", 200_000),
        ),
    ];
    for (name, db, n) in &runs {
        match db {
            Some(db) => {
                let (r, f) = rt.block_on(report(db, *n));
                println!("{name:<9} {n:>9} {:>12} {:>12}", ms(r), ms(f));
            }
            None => println!("{name:<9} (no database: set TEST_POSTGRES_URL)"),
        }
    }
    drop(runs);
    println!(
        "{:<9} {:>9} {:>12} {:>10} {:>10} {:>10} {:>11}",
        "engine", "entries", "first proof", "proof p50", "proof p90", "proof max", "floor tile"
    );
    for (name, db, n) in [
        (
            "sqlite",
            Some(rt.block_on(TestDb::sqlite())),
            env("SMT_LOG_ENTRIES", 1_000_000),
        ),
        (
            "postgres",
            rt.block_on(TestDb::postgres()),
            env("SMT_LOG_ENTRIES_PG", 1_000_000),
        ),
    ] {
        match db {
            Some(db) => {
                let (first, p50, p90, max, floor) = rt.block_on(proofs(&db, n));
                println!(
                    "{name:<9} {n:>9} {:>12} {:>10} {:>10} {:>10} {:>11}",
                    ms(first),
                    ms(p50),
                    ms(p90),
                    ms(max),
                    ms(floor)
                );
            }
            None => println!("{name:<9} (no database: set TEST_POSTGRES_URL)"),
        }
    }
}
