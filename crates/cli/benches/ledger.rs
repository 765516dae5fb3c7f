//! Benchmark of the ledger, as `docs/PERFORMANCE.md` reports it: 1,000,000 entries posted
//! through the real path (every rule checked, the guarded accounts' totals moved, each
//! entry chained in the audit trail), a thousand per transaction as an import posts them;
//! then the trial balance now (running totals), at a date (summed from the postings), and
//! the full verification (every total recomputed). Beside them, in the same process on
//! the same database, the floors: the same rows inserted bare into a table with no rule,
//! trigger or audit, and the bare `GROUP BY` over the postings. SQLite, and PostgreSQL
//! when `TEST_POSTGRES_URL` names one.
//!
//!     cargo bench -p songmaytinh --bench ledger
//!
//! `SMT_LEDGER_ENTRIES` (default 1,000,000) and `SMT_LEDGER_ENTRIES_PG` (default 100,000)
//! set the sizes.

use domain::Lang;
use domain::ledger::{BANK, DONATIONS, NewEntry, Posting, Request, SPENDING};
use domain::money::Dong;
use std::time::Instant;
use store::testing::TestDb;
use time::macros::date;

const BATCH: usize = 1_000;

fn request(i: usize) -> Request {
    let day = date!(2026 - 01 - 01) + time::Duration::days((i % 365) as i64);
    // Mostly gifts; every 50th a payment out of the bank (the guard's path).
    let (debit, credit, amount) = if i % 50 == 49 {
        (SPENDING, BANK, 100_000 + (i % 7) as i64 * 1_000)
    } else {
        (BANK, DONATIONS, 200_000 + (i % 13) as i64 * 50_000)
    };
    Request::Post(NewEntry {
        key: format!("bench-{i}"),
        date: day,
        memo: format!("Ủng hộ chương trình, giao dịch {i}"),
        postings: vec![
            Posting::debit(debit, Dong(amount)),
            Posting::credit(credit, Dong(amount)),
        ],
        source: None,
    })
}

async fn run(db: &TestDb, n: usize) {
    let store = &db.store;
    let actor = store::testing::system();
    let t = Instant::now();
    let mut done = 0;
    while done < n {
        let batch: Vec<Request> = (done..(done + BATCH).min(n)).map(request).collect();
        store.ledger_post_all(&actor, &batch).await.unwrap();
        done += batch.len();
        if done % 100_000 == 0 {
            eprint!("\r  {done}/{n}");
        }
    }
    eprintln!();
    let post = t.elapsed().as_secs_f64();

    // The floor: the same two postings and one entry row per request, inserted bare.
    store::testing::raw_in_transaction(
        store,
        &["CREATE TABLE floor_postings (entry_id BIGINT, line_no BIGINT, account TEXT, side TEXT, amount BIGINT, entry_date TEXT)".to_string(),
          "CREATE TABLE floor_entries (id BIGINT, idem_key TEXT, memo TEXT, amount BIGINT, entry_date TEXT)".to_string()],
    )
    .await
    .unwrap();
    let t = Instant::now();
    let mut done = 0;
    while done < n {
        let (mut p, mut e) = (Vec::new(), Vec::new());
        for i in done..(done + BATCH).min(n) {
            let Request::Post(x) = request(i) else {
                unreachable!()
            };
            let day = store::students::programs::iso(x.date);
            for (k, leg) in x.postings.iter().enumerate() {
                p.push(format!(
                    "({i}, {k}, '{}', '{}', {}, '{day}')",
                    leg.account,
                    leg.side.code(),
                    leg.amount.0
                ));
            }
            e.push(format!(
                "({i}, '{}', '{}', {}, '{day}')",
                x.key, x.memo, x.postings[0].amount.0
            ));
        }
        store::testing::raw_in_transaction(
            store,
            &[
                format!("INSERT INTO floor_postings VALUES {}", p.join(", ")),
                format!("INSERT INTO floor_entries VALUES {}", e.join(", ")),
            ],
        )
        .await
        .unwrap();
        done += BATCH;
    }
    let floor_post = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let now = store.trial_balance(None, Lang::Vi).await.unwrap();
    let balance_now = t.elapsed().as_secs_f64();
    assert!(now.is_balanced());
    let t = Instant::now();
    let at = store
        .trial_balance(Some(date!(2026 - 12 - 31)), Lang::Vi)
        .await
        .unwrap();
    let balance_at = t.elapsed().as_secs_f64();
    assert_eq!(at, now, "every entry is dated within the year");
    let t = Instant::now();
    store::testing::raw_in_transaction(
        store,
        &["CREATE TABLE floor_sums AS SELECT account, side, SUM(amount) AS s FROM floor_postings GROUP BY account, side".to_string()],
    )
    .await
    .unwrap();
    let floor_sum = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let problems = store.ledger_verify().await.unwrap();
    let verify = t.elapsed().as_secs_f64();
    assert!(problems.is_empty(), "{problems:?}");
    println!(
        "{:<9} {:>9} {:>11.1} {:>9.0} {:>11.1} {:>10.4} {:>10.3} {:>10.3} {:>10.3}",
        db.store.engine().name(),
        n,
        post,
        n as f64 / post,
        floor_post,
        balance_now,
        balance_at,
        floor_sum,
        verify
    );
}

fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!("The ledger: entries posted with audit, then balances (seconds):");
    println!(
        "{:<9} {:>9} {:>11} {:>9} {:>11} {:>10} {:>10} {:>10} {:>10}",
        "engine",
        "entries",
        "post",
        "per s",
        "floor post",
        "bal. now",
        "bal. at",
        "floor sum",
        "verify"
    );
    let db = rt.block_on(TestDb::sqlite());
    rt.block_on(run(&db, env("SMT_LEDGER_ENTRIES", 1_000_000)));
    drop(db);
    match rt.block_on(TestDb::postgres()) {
        Some(db) => rt.block_on(run(&db, env("SMT_LEDGER_ENTRIES_PG", 100_000))),
        None => println!("postgres  (no database: set TEST_POSTGRES_URL)"),
    }
}
