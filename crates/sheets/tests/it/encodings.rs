//! CSV files in every encoding offices save them in: each file's encoding decided once,
//! said in the summary, and every name read as the sample's README says.

use serde_json::Value;
use sheets::encoding::TextEncoding;
use sheets::reader::{Cell, Limits, for_each_row};
use sheets::students::{Checked, check_student_list};
use std::io::Cursor;
use std::ops::ControlFlow;
use unicode_normalization::UnicodeNormalization;

fn sample(file: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/samples/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn expected_names(which: &str) -> Vec<String> {
    let all: Value =
        serde_json::from_str(include_str!("../../../../data/samples/expected.json")).unwrap();
    all[which]["names_nfc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// A sample spreadsheet as the CSV text Excel would save: its cells as they are.
fn as_csv(file: &str) -> String {
    let mut out = String::new();
    for_each_row(Cursor::new(sample(file)), &Limits::default(), |_, cells| {
        let line: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Empty => String::new(),
                c => {
                    let t = c.text();
                    if t.contains([',', '"', '\n']) {
                        format!("\"{}\"", t.replace('"', "\"\""))
                    } else {
                        t
                    }
                }
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

/// What a file's bytes decode to in an 8-bit code page, inverted: a char to its byte.
fn encoder(enc: TextEncoding) -> impl Fn(char) -> Option<u8> {
    let table: Vec<(char, u8)> = (0x80u8..=0xFF)
        .filter_map(|b| {
            let s = sheets::encoding::decode(&[b], enc);
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if c != '\u{FFFD}' => Some((c, b)),
                _ => None,
            }
        })
        .collect();
    move |c| {
        if c.is_ascii() {
            Some(c as u8)
        } else {
            table.iter().find(|(t, _)| *t == c).map(|(_, b)| *b)
        }
    }
}

/// Windows-1258 as Vietnamese Windows writes it: â ê ô ơ ư ă đ precomposed, tones as
/// separate marks.
fn cp1258(text: &str) -> Vec<u8> {
    let enc = encoder(TextEncoding::Windows1258);
    let tone = |c: char| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}');
    let mut out = Vec::new();
    let text: String = text.nfc().collect();
    for ch in text.chars() {
        let parts: Vec<char> = ch.to_string().nfd().collect();
        let base: String = parts
            .iter()
            .filter(|c| !tone(**c))
            .collect::<String>()
            .nfc()
            .collect();
        for c in base
            .chars()
            .chain(parts.iter().copied().filter(|c| tone(*c)))
        {
            out.push(enc(c).unwrap_or_else(|| panic!("{c:?} in Windows-1258")));
        }
    }
    out
}

fn names_of(bytes: Vec<u8>) -> (Vec<String>, Option<TextEncoding>) {
    let mut names = Vec::new();
    let round = domain::students::programs::round_1_2022();
    let tiers: Vec<_> = domain::students::programs::tiers_2022()
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            t.id = i as i64 + 1;
            t
        })
        .collect();
    let summary = check_student_list(
        Cursor::new(bytes),
        &Limits::default(),
        &round,
        &tiers,
        |c| {
            if let Checked::Accepted { draft, .. } = c {
                names.push(draft.full_name);
            }
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    (names, summary.encoding)
}

#[test]
fn unicode_lists_in_every_form_excel_saves() {
    let csv = as_csv("h1_truong_a.xlsx");
    let want = expected_names("a");
    let utf16 = |le: bool, bom: bool| -> Vec<u8> {
        let mut b: Vec<u8> = if bom {
            if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            }
        } else {
            Vec::new()
        };
        for u in csv.encode_utf16() {
            b.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        b
    };
    for (what, bytes, enc) in [
        ("UTF-8", csv.clone().into_bytes(), TextEncoding::Utf8),
        (
            "UTF-8 with BOM",
            [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat(),
            TextEncoding::Utf8Bom,
        ),
        (
            "UTF-16 LE with BOM",
            utf16(true, true),
            TextEncoding::Utf16Le,
        ),
        (
            "UTF-16 BE with BOM",
            utf16(false, true),
            TextEncoding::Utf16Be,
        ),
        (
            "UTF-16 LE without BOM",
            utf16(true, false),
            TextEncoding::Utf16Le,
        ),
    ] {
        let (names, found) = names_of(bytes);
        assert_eq!(found, Some(enc), "{what}");
        assert_eq!(names, want, "{what}");
    }
}

#[test]
fn a_list_saved_on_vietnamese_windows_is_windows_1258() {
    // The sample's names (Windows-1258 cannot hold its few VNI-font cells as they are).
    let want = expected_names("a");
    let mut csv = String::from("STT,Họ và tên,Ngày sinh,Đối tượng\r\n");
    for (i, n) in want.iter().enumerate() {
        csv.push_str(&format!("{},{n},01/02/2010,Hộ nghèo\r\n", i + 1));
    }
    let (names, found) = names_of(cp1258(&csv));
    assert_eq!(found, Some(TextEncoding::Windows1258));
    assert_eq!(names, want);
}

#[test]
fn a_tcvn3_list_saved_as_csv_reads_as_windows_1252_then_decodes() {
    let csv = as_csv("h2_truong_b_tcvn3.xlsx");
    let enc = encoder(TextEncoding::Windows1252);
    let bytes: Vec<u8> = csv
        .chars()
        .map(|c| enc(c).unwrap_or_else(|| panic!("{c:?} in Windows-1252")))
        .collect();
    let (names, found) = names_of(bytes);
    assert_eq!(found, Some(TextEncoding::Windows1252));
    assert_eq!(names, expected_names("b"));
}

#[test]
fn bytes_no_encoding_explains_are_read_as_windows_1252_and_said() {
    let (names, found) = names_of(
        b"STT,Ho va ten,Ngay sinh,Doi tuong\n1,Nguy\xE1n V\xFF\xFEn A,01/02/2010,HN\n".to_vec(),
    );
    assert_eq!(found, Some(TextEncoding::Windows1252));
    assert_eq!(names.len(), 1);
}

#[test]
fn a_nul_in_a_csv_cell_names_its_cell_and_a_pdf_says_what_it_is() {
    let mut csv = b"STT,H\xE1\xBB\x8D v\xC3\xA0 t\xC3\xAAn,Ng\xC3\xA0y sinh,\xC4\x90\xE1\xBB\x91i t\xC6\xB0\xE1\xBB\xA3ng\n".to_vec();
    csv.extend_from_slice(b"1,Nguy\x00n A,01/02/2010,HN\n");
    let e = check_student_list(
        Cursor::new(csv),
        &Limits::default(),
        &domain::students::programs::round_1_2022(),
        &domain::students::programs::tiers_2022(),
        |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.row, e.column.as_deref()),
        ("control_character", 2, Some("B"))
    );
    let e = check_student_list(
        Cursor::new(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec()),
        &Limits::default(),
        &domain::students::programs::round_1_2022(),
        &domain::students::programs::tiers_2022(),
        |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert_eq!(e.code, "not_a_spreadsheet");
    assert!(e.message_vi.contains("PDF"), "{}", e.message_vi);
}

#[test]
fn a_cell_not_in_the_encoding_the_file_began_in_is_refused_by_name() {
    // The encoding is decided from the file's first megabyte; a cell further down that
    // is not UTF-8 is named, not read as something else.
    let mut csv = String::from("STT,Họ và tên,Ngày sinh,Đối tượng\n");
    let mut i = 0;
    while csv.len() < (sheets::encoding::DETECT_BYTES as usize) + 1000 {
        i += 1;
        csv.push_str(&format!("{i},Nguyễn Văn Số {i},01/02/2010,HN\n"));
    }
    let mut bytes = csv.into_bytes();
    bytes.extend_from_slice(format!("{},", i + 1).as_bytes());
    bytes.extend_from_slice(b"Nguy\xE1n V\xFF\xFEn A,01/02/2010,HN\n");
    let e = check_student_list(
        Cursor::new(bytes),
        &Limits::default(),
        &domain::students::programs::round_1_2022(),
        &domain::students::programs::tiers_2022(),
        |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.row, e.column.as_deref()),
        ("not_utf8", i + 2, Some("B"))
    );
    assert!(e.message_vi.contains("UTF-8"), "{}", e.message_vi);
}
