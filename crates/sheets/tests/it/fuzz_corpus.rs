//! The fuzzing corpus (`fuzz/corpus/`) replayed on every test run: each input the fuzzer
//! kept, and each that once crashed a reader (`fuzz/corpus/*/crash-*`, kept after the fix),
//! goes through the same readers and parsers as `fuzz/fuzz_targets/`, which must answer
//! without panicking. Fuzzing itself runs from `bench/fuzz.sh`.

use std::io::Cursor;
use std::ops::ControlFlow;
use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_sheets_corpus_reads_without_a_panic() {
    let limits = sheets::reader::Limits {
        max_rows: 2_000,
        max_columns: 60,
        max_cell_chars: 2_000,
        max_part_bytes: 4 << 20,
        max_unzipped_bytes: 8 << 20,
        max_shared_strings_bytes: 2 << 20,
        max_ods_cells: 20_000,
    };
    let files = corpus("sheets");
    assert!(files.len() >= 5, "the corpus is committed: {}", files.len());
    for (path, data) in files {
        let data = data.as_slice();
        let r = std::panic::catch_unwind(|| {
            let _ = sheets::students::read_student_list(Cursor::new(data), &limits, |_, _| {
                ControlFlow::Continue(())
            });
            let _ = sheets::households::read_register(Cursor::new(data), &limits);
            let _ = sheets::devices::read_serials(Cursor::new(data), &limits);
            let _ = sheets::statements::read_statement(Cursor::new(data), &limits);
            let _ = sheets::attendees::read_attendees(Cursor::new(data), &limits);
            let _ = sheets::units::read_units_csv(Cursor::new(data));
        });
        assert!(r.is_ok(), "{} made a reader panic", path.display());
    }
}

#[test]
fn the_parsers_corpus_parses_without_a_panic() {
    let files = corpus("parsers");
    assert!(files.len() >= 5, "the corpus is committed: {}", files.len());
    let tiers = domain::students::programs::tiers_2022();
    for (path, data) in files {
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        let r = std::panic::catch_unwind(|| {
            let _ = domain::dates::parse_date(s);
            let _ = domain::money::Dong::parse(s);
            let _ = sheets::statements::parse_amount(s);
            let _ = domain::students::StudentCode::parse(s);
            let _ = domain::handover::sim_number(s);
            let _ = domain::signal::Carrier::parse(s);
            let _ = domain::signal::platform_url(s);
            let _ = domain::aftercare::attendee_count(s);
            let _ = domain::students::programs::match_tier(&tiers, &text::fold(s));
            let _ = text::place_key(s);
            let _ = text::slug(s);
            let (u, _) = text::to_unicode(s);
            let _ = text::legacy::decode_tcvn3(s);
            let _ = text::legacy::decode_vni(s);
            let _ = text::CellDecoder::new().decode(&u);
        });
        assert!(r.is_ok(), "{} made a parser panic", path.display());
    }
}
