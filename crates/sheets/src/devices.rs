//! Suppliers' and donors' lists of devices: a column of serial numbers (and of IMEIs for
//! cellular devices) under a header found by its name, anywhere in the first rows, with
//! title rows above and signatures or totals below. Numbers typed as numbers (an IMEI in
//! an Excel number cell) read back as their digits.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use crate::students::{is_numbering_row, match_synonym};
use std::io::{Read, Seek};
use std::ops::ControlFlow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Serial,
    Imei,
}

const SYNONYMS: &[(Col, &[&str])] = &[
    (
        Col::Serial,
        &[
            "serial",
            "so serial",
            "serial number",
            "serial no",
            "s n",
            "sn",
            "seri",
            "se-ri",
            "so seri",
            "so se-ri",
            "so hieu",
            "so hieu may",
            "so may",
            "serial*",
            "so serial*",
            "so seri*",
            "so se-ri*",
        ],
    ),
    (
        Col::Imei,
        &[
            "imei", "so imei", "ma imei", "imei 1", "imei1", "imei*", "so imei*",
        ],
    ),
];

/// One device of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialLine {
    /// The spreadsheet's 1-based row.
    pub row: usize,
    pub serial: String,
    pub imei: Option<String>,
}

/// Rows after the header that are not devices, counted by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Nothing in the row.
    pub blank: usize,
    /// The row of column numbers under a header: (1), (2), (3)…
    pub column_numbers: usize,
    /// A total, a note or a signature line: words, no serial or IMEI.
    pub totals_and_signatures: usize,
}

impl Skipped {
    pub fn total(&self) -> usize {
        self.blank + self.column_numbers + self.totals_and_signatures
    }

    /// "2 dòng trống, 1 dòng số thứ tự cột, 1 dòng tổng cộng hoặc chữ ký".
    pub fn why(&self, lang: domain::Lang) -> String {
        let parts = [
            (self.blank, lang.pick("dòng trống", "blank")),
            (
                self.column_numbers,
                lang.pick("dòng số thứ tự cột", "column numbers"),
            ),
            (
                self.totals_and_signatures,
                lang.pick(
                    "dòng tổng cộng, ghi chú hoặc chữ ký",
                    "totals, notes or signatures",
                ),
            ),
        ];
        parts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a list holds: every row after the header is a device, refused with its reason,
/// or skipped with why.
#[derive(Debug, Clone, Default)]
pub struct SerialList {
    pub header_row: usize,
    pub lines: Vec<SerialLine>,
    /// Rows whose serial cannot be one, each with its row, column and reason.
    pub rejected: Vec<SheetError>,
    pub skipped: Skipped,
}

const HEADER_SEARCH_ROWS: usize = 40;

/// The longest serial or IMEI a list may give.
pub const MAX_IDENTIFIER_CHARS: usize = 64;

/// Why a non-empty cell cannot be a serial or an IMEI (letters, digits and `-/._` once
/// spaces are gone, at least one digit, at most 64 characters), if it cannot.
fn identifier_problem(s: &str) -> Option<(&'static str, &'static str, &'static str)> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > MAX_IDENTIFIER_CHARS {
        Some((
            "serial_too_long",
            "số sê-ri dài quá 64 ký tự",
            "the serial is longer than 64 characters",
        ))
    } else if !t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
    {
        Some((
            "serial_characters",
            "số sê-ri chỉ gồm chữ không dấu, chữ số và các dấu - / . _",
            "a serial has only unaccented letters, digits and - / . _",
        ))
    } else if !t.chars().any(|c| c.is_ascii_digit()) {
        Some((
            "serial_without_digit",
            "số sê-ri phải có ít nhất một chữ số",
            "a serial has at least one digit",
        ))
    } else {
        None
    }
}

/// Words of a line under a list that is not a device: a total, a note, a signature.
const NOT_A_DEVICE: &[&str] = &[
    "tong cong",
    "tong so",
    "cong so",
    "nguoi lap",
    "ky ten",
    "ky, ghi",
    "ghi ro ho ten",
    "ghi chu",
    "xac nhan",
    "giam doc",
    "thu truong",
    "ke toan",
    "dai dien",
    "ben giao",
    "ben nhan",
];

/// Whether a row whose serial cannot be one is a total, a note or a signature rather
/// than a device: its cells hold words such a line holds ("Tổng cộng: 2 máy").
fn is_total_or_signature(texts: &[String]) -> bool {
    texts.iter().any(|t| {
        let f = text::fold(t);
        NOT_A_DEVICE.iter().any(|w| f.contains(w))
            // "Gia Nghĩa, ngày 05 tháng 3 năm 2022" above the signatures.
            || (f.contains("ngay") && f.contains("thang") && f.contains("nam"))
    })
}

/// Reads a list of serials. The file is refused as a whole when it is not a spreadsheet
/// or has no serial column in its first 40 rows.
pub fn read_serials<R: Read + Seek>(input: R, limits: &Limits) -> Result<SerialList, SheetError> {
    let mut layout: Option<(usize, usize, Option<usize>)> = None;
    let mut out = SerialList::default();
    let mut after_header = 0usize;
    for_each_row(input, limits, |row, cells| {
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        let Some((_, serial_col, imei_col)) = layout else {
            if row > HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            let mut serial = None;
            let mut imei = None;
            for (i, t) in texts.iter().enumerate() {
                match match_synonym(SYNONYMS, t) {
                    Some(Col::Serial) if serial.is_none() => serial = Some(i),
                    Some(Col::Imei) if imei.is_none() => imei = Some(i),
                    _ => {}
                }
            }
            if let Some(s) = serial {
                layout = Some((row, s, imei));
                out.header_row = row;
            }
            return ControlFlow::Continue(());
        };
        after_header += 1;
        if texts.iter().all(|t| t.trim().is_empty()) {
            out.skipped.blank += 1;
            return ControlFlow::Continue(());
        }
        if after_header <= 3 && is_numbering_row(&texts) {
            out.skipped.column_numbers += 1;
            return ControlFlow::Continue(());
        }
        let get = |c: usize| {
            texts
                .get(c)
                .map(|t| t.trim().to_string())
                .unwrap_or_default()
        };
        let serial = get(serial_col);
        let imei = imei_col.map(get).filter(|t| !t.is_empty());
        if serial.is_empty() && imei.is_none() {
            out.skipped.totals_and_signatures += 1;
            return ControlFlow::Continue(());
        }
        if !serial.is_empty()
            && let Some((code, vi, en)) = identifier_problem(&serial)
        {
            if imei.is_none() && is_total_or_signature(&texts) {
                out.skipped.totals_and_signatures += 1;
                return ControlFlow::Continue(());
            }
            let shown: String = serial.chars().take(40).collect();
            let more = if serial.chars().count() > 40 {
                "…"
            } else {
                ""
            };
            out.rejected.push(SheetError::new(
                row,
                Some(&crate::column_letter(serial_col)),
                code,
                format!("Số sê-ri \"{shown}{more}\" không dùng được: {vi}."),
                format!("The serial \"{shown}{more}\" cannot be used: {en}."),
            ));
            return ControlFlow::Continue(());
        }
        // An empty serial beside an IMEI is kept for the registry, which names it as
        // missing; a malformed IMEI too (the registry checks its digits).
        out.lines.push(SerialLine { row, serial, imei });
        ControlFlow::Continue(())
    })?;
    if layout.is_none() {
        return Err(SheetError::new(
            0,
            None,
            "no_header",
            "Không tìm thấy cột số sê-ri (Số serial, S/N) trong 40 dòng đầu của tệp.",
            "No serial number column (Serial, S/N) in the first 40 rows of the file.",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str) -> Result<SerialList, SheetError> {
        read_serials(
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            &Limits::default(),
        )
    }

    #[test]
    fn a_supplier_list_with_titles_numbers_and_totals() {
        let l = read(
            "CÔNG TY TNHH THIẾT BỊ SỐ\nDANH SÁCH MÁY GIAO THEO HỢP ĐỒNG 05/HĐ\n\nSTT,Tên máy,Số Serial,IMEI\n(1),(2),(3),(4)\n1,Galaxy Tab A8,R58R1000A,490154203237518\n2,Galaxy Tab A8, r58r 1000b ,\n,,,\n,Tổng cộng,2 máy,\n,,Người lập biểu,\n",
        )
        .unwrap();
        assert_eq!(l.header_row, 4);
        assert_eq!(
            l.lines,
            vec![
                SerialLine {
                    row: 6,
                    serial: "R58R1000A".into(),
                    imei: Some("490154203237518".into())
                },
                SerialLine {
                    row: 7,
                    serial: "r58r 1000b".into(),
                    imei: None
                },
            ]
        );
        assert_eq!(
            l.skipped,
            Skipped {
                blank: 1,
                column_numbers: 1,
                totals_and_signatures: 2
            }
        );
        assert!(l.rejected.is_empty());
        assert_eq!(
            l.skipped.why(domain::Lang::Vi),
            "1 dòng trống, 1 dòng số thứ tự cột, 2 dòng tổng cộng, ghi chú hoặc chữ ký"
        );
    }

    #[test]
    fn every_row_is_a_device_a_refusal_or_a_skip_with_why() {
        let long = "A1".repeat(2500);
        let csv = format!(
            "STT,Tên máy,Số Serial,IMEI\n1,Tab,R58R1000A,\n2,Tab,{long},\n3,Tab,\"=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\",\n4,Tab,ABCDEF,\n5,Tab,Số 12,\n,,,\n,Tổng cộng,2 máy,\n"
        );
        let l = read(&csv).unwrap();
        assert_eq!(l.lines.len(), 1);
        let refused: Vec<(usize, &str, Option<&str>)> = l
            .rejected
            .iter()
            .map(|e| (e.row, e.code, e.column.as_deref()))
            .collect();
        assert_eq!(
            refused,
            vec![
                (3, "serial_too_long", Some("C")),
                (4, "serial_characters", Some("C")),
                (5, "serial_without_digit", Some("C")),
                (6, "serial_characters", Some("C")),
            ]
        );
        assert!(l.rejected[0].message_vi.contains("dài quá 64 ký tự"));
        assert!(
            l.rejected[0].message_vi.len() < 200,
            "the cell is not repeated whole"
        );
        assert_eq!(l.skipped.total(), 2);
        // Every row after the header has exactly one fate.
        assert_eq!(l.lines.len() + l.rejected.len() + l.skipped.total(), 7);
    }

    #[test]
    fn a_file_without_a_serial_column_is_refused() {
        let e = read("Tên,Số lượng\nTab,3\n").unwrap_err();
        assert_eq!(e.code, "no_header");
        assert!(e.message_vi.contains("sê-ri"));
    }

    #[test]
    fn an_imei_without_a_serial_is_kept_for_the_registry_to_refuse() {
        let l = read("S/N;IMEI\n;352099001761481\n").unwrap();
        assert_eq!(l.lines[0].serial, "");
        assert_eq!(l.lines[0].imei.as_deref(), Some("352099001761481"));
    }
}
