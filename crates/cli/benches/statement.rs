//! Benchmark of a bank statement's import, as `docs/PERFORMANCE.md` reports it: a
//! 100,000-line statement as Vietcombank exports it (title rows, the column numbers, a
//! "Tổng" row and the closing balance), read by the statement reader, then imported and
//! matched through `Store::import_statement` on SQLite: every line's key checked against
//! earlier statements, every line stored, the pledges named by their code in the note
//! matched and each posted as its gift's ledger entry with its audit entry. Beside it, in
//! the same run, the floor for reading: the same bytes parsed by the `csv` crate alone.
//!
//!     cargo bench -p songmaytinh --bench statement
//!
//! `SMT_STATEMENT_LINES` (default 100,000) and `SMT_STATEMENT_PLEDGES` (default 5,000, the
//! lines that carry a waiting pledge's code) set the sizes.

use domain::ledger::BANK;
use domain::ledger::gifts::{Channel, NewGift};
use domain::money::Dong;
use std::fmt::Write;
use std::time::Instant;
use store::testing::TestDb;
use time::macros::date;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn vnd(n: i64) -> String {
    domain::money::Dong(n)
        .to_string()
        .trim_end_matches(" đ")
        .to_string()
}

#[tokio::main]
async fn main() {
    let lines = env("SMT_STATEMENT_LINES", 100_000);
    let pledges = env("SMT_STATEMENT_PLEDGES", 5_000).min(lines);
    let db = TestDb::sqlite().await;
    let store = &db.store;
    let actor = store::testing::system();
    let donor = store
        .save_donor(
            &actor,
            None,
            &store::testing::organisation("Nhà tài trợ thử"),
        )
        .await
        .unwrap();
    eprintln!("recording {pledges} pledges…");
    let mut codes = Vec::with_capacity(pledges);
    for i in 0..pledges {
        let g = NewGift {
            donor_id: donor,
            amount: Dong(100_000 + (i % 50) as i64 * 10_000),
            channel: Channel::Direct,
            date: date!(2026 - 09 - 01),
            publish_name: false,
            earmark: Default::default(),
            note: None,
        };
        let id = store.record_gift(&actor, &g, None).await.unwrap();
        codes.push((
            store.gift(id).await.unwrap().unwrap().pledge_code,
            g.amount.0,
        ));
    }
    // The statement: pledged transfers spread among ordinary ones, a fee now and then.
    let opening: i64 = 1_000_000_000;
    let mut balance = opening;
    let (mut debits, mut credits) = (0i64, 0i64);
    let mut body = String::with_capacity(lines * 120);
    let every = (lines / pledges.max(1)).max(1);
    let mut next_pledge = 0;
    for i in 0..lines {
        let day = 1 + (i * 29 / lines.max(1)) as u8;
        let (debit, credit, note) = if i % every == 0 && next_pledge < codes.len() {
            let (code, amount) = &codes[next_pledge];
            next_pledge += 1;
            (0, *amount, format!("{code} UNG HO MAY TINH CHO EM"))
        } else if i % 97 == 96 {
            (11_000, 0, "PHI DICH VU SMS BANKING".to_string())
        } else {
            (
                0,
                50_000 + (i % 37) as i64 * 5_000,
                format!("MBVCB.{i}.NGUYEN VAN A chuyen tien ung ho hoc sinh"),
            )
        };
        balance += credit - debit;
        debits += debit;
        credits += credit;
        let _ = writeln!(
            body,
            "{},{:02}/09/2026,FT2625{i:07},{},{},\"{}\",{note}",
            i + 1,
            day,
            if debit > 0 {
                format!("\"{}\"", vnd(debit))
            } else {
                String::new()
            },
            if credit > 0 {
                format!("\"{}\"", vnd(credit))
            } else {
                String::new()
            },
            vnd(balance),
        );
    }
    let csv = format!(
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - CHI NHÁNH ĐẮK NÔNG,,,,,,\n\
         SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT,,,,,,\n\
         Số dư đầu kỳ:,,,,\"{}\",,\n\
         STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\n\
         (1),(2),(3),(4),(5),(6),(7)\n\
         {body}Tổng,,,\"{}\",\"{}\",,\n\
         Số dư cuối kỳ:,,,,\"{}\",,\n",
        vnd(opening),
        vnd(debits),
        vnd(credits),
        vnd(balance)
    );
    let bytes = csv.into_bytes();
    eprintln!(
        "statement: {lines} lines, {} MiB",
        bytes.len() / 1024 / 1024
    );

    // The floor: the bytes parsed as CSV and nothing else.
    let t = Instant::now();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut n = 0usize;
    for r in rdr.records() {
        n += r.unwrap().len();
    }
    let floor = t.elapsed().as_secs_f64();
    assert!(n > 0);

    let t = Instant::now();
    let st = sheets::statements::read_statement(
        std::io::Cursor::new(&bytes),
        &sheets::reader::Limits::default(),
    )
    .unwrap_or_else(|e| panic!("the statement reads: {:?}", e.first()));
    let read = t.elapsed().as_secs_f64();
    assert_eq!(st.lines.len(), lines);
    let input = web::ledger::statements::input_of(&st, BANK, "sao-ke-100k.csv", &bytes);
    let t = Instant::now();
    let c = store.import_statement(&actor, &input).await.unwrap();
    let import = t.elapsed().as_secs_f64();
    assert_eq!(c.matched as usize, pledges, "{c:?}");
    // Importing it again changes nothing.
    let t = Instant::now();
    let again = store.import_statement(&actor, &input).await.unwrap();
    let replay = t.elapsed().as_secs_f64();
    assert!(again.replayed);
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
    println!(
        "| engine | lines | matched (posted) | floor: csv parse (s) | read (s) | import and match (s) | **read + import (s)** | again (s) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| SQLite | {lines} | {} | {floor:.2} | {read:.2} | {import:.2} | **{:.2}** | {replay:.3} |",
        c.matched,
        read + import
    );
}
