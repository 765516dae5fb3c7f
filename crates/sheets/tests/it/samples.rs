//! The sample lists of `data/samples/` read as their README says.

use domain::students::programs::{Round, tiers_2022};
use serde_json::Value;
use sheets::reader::Limits;
use sheets::students::{Checked, check_student_list};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use text::Encoding;

fn expected() -> Value {
    serde_json::from_str(include_str!("../../../../data/samples/expected.json")).unwrap()
}

fn round() -> Round {
    domain::students::programs::round_1_2022()
}

fn tiers() -> Vec<domain::students::programs::Tier> {
    tiers_2022()
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            t.id = i as i64 + 1;
            t
        })
        .collect()
}

struct Read {
    summary: sheets::students::CheckSummary,
    accepted: Vec<(String, i32, Encoding)>,
    all_encodings: Vec<Encoding>,
    errors: Vec<(usize, String)>,
    encodings: BTreeMap<&'static str, usize>,
}

fn read(file: &str) -> Read {
    let bytes = std::fs::read(format!(
        "{}/../../data/samples/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut accepted = Vec::new();
    let mut errors = Vec::new();
    let mut all_encodings = Vec::new();
    let summary = check_student_list(
        std::io::Cursor::new(bytes),
        &Limits::default(),
        &round(),
        &tiers(),
        |c| {
            match c {
                Checked::Accepted {
                    draft,
                    name_encoding,
                    ..
                } => {
                    all_encodings.push(name_encoding);
                    accepted.push((draft.full_name, draft.tier_rank, name_encoding))
                }
                Checked::Rejected {
                    errors: e,
                    name_encoding,
                    ..
                } => {
                    all_encodings.push(name_encoding);
                    errors.extend(e.into_iter().map(|e| (e.row, e.code.to_string())))
                }
            }
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let mut encodings = BTreeMap::new();
    for e in &all_encodings {
        let k = match e {
            Encoding::Nfc => "nfc",
            Encoding::Nfd => "nfd",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
        };
        *encodings.entry(k).or_default() += 1;
    }
    Read {
        summary,
        accepted,
        all_encodings,
        errors,
        encodings,
    }
}

#[test]
fn school_a_reads_as_its_readme_says() {
    let want = &expected()["a"];
    let r = read("h1_truong_a.xlsx");
    assert_eq!(
        r.summary.header_row as u64,
        want["header_row"].as_u64().unwrap()
    );
    assert_eq!(
        r.summary.data_rows as u64,
        want["data_rows"].as_u64().unwrap()
    );
    assert_eq!(
        r.summary.accepted as u64,
        want["imported"].as_u64().unwrap()
    );
    assert_eq!(
        r.summary.rejected as u64,
        want["rejected"].as_u64().unwrap()
    );
    let want_errors: Vec<(usize, String)> = want["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap() as usize,
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(r.errors, want_errors);
    let names: Vec<&str> = r.accepted.iter().map(|(n, ..)| n.as_str()).collect();
    let want_names: Vec<&str> = want["names_nfc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names, want_names);
    let tiers = |rank: i32| r.accepted.iter().filter(|(_, t, _)| *t == rank).count() as u64;
    assert_eq!(
        (tiers(1), tiers(2), tiers(3)),
        (
            want["tiers"]["i"].as_u64().unwrap(),
            want["tiers"]["ii"].as_u64().unwrap(),
            want["tiers"]["iii"].as_u64().unwrap()
        )
    );
    assert_eq!(
        r.summary.skipped, 4,
        "the numbering row and three signature rows (empty rows are not counted)"
    );
    // Names of all 75 data rows, by the encoding each cell was found in.
    assert_eq!(r.all_encodings.len(), 75);
    for k in ["nfc", "nfd", "tcvn3"] {
        assert_eq!(
            *r.encodings.get(k).unwrap_or(&0) as u64,
            want["encodings"][k].as_u64().unwrap(),
            "{k}"
        );
    }
}

#[test]
fn school_b_in_tcvn3_reads_whole() {
    let want = &expected()["b"];
    let r = read("h2_truong_b_tcvn3.xlsx");
    assert_eq!(
        r.summary.header_row as u64,
        want["header_row"].as_u64().unwrap()
    );
    assert_eq!(
        r.summary.accepted as u64,
        want["imported"].as_u64().unwrap()
    );
    assert_eq!(r.summary.rejected, 0, "{:?}", r.errors);
    let names: Vec<&str> = r.accepted.iter().map(|(n, ..)| n.as_str()).collect();
    let want_names: Vec<&str> = want["names_nfc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names, want_names);
    assert!(
        r.accepted.iter().all(
            |(n, ..)| n.chars().all(|c| !('\u{80}'..='\u{ff}').contains(&c)
                || "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ".contains(c))
        ),
        "all NFC Vietnamese"
    );
    let _ = r.encodings;
}
