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

#[derive(Debug, Clone, Default)]
pub struct SerialList {
    pub header_row: usize,
    pub lines: Vec<SerialLine>,
    /// Rows after the header that are not devices (blank, column numbers, totals,
    /// signatures).
    pub skipped: usize,
}

const HEADER_SEARCH_ROWS: usize = 40;

/// Text that can be a serial or an IMEI: letters, digits and `-/._` once spaces are
/// gone. A total or a signature line ("Tổng cộng", "Người lập") is not.
fn looks_like_identifier(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
        && t.chars().any(|c| c.is_ascii_digit())
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
        if after_header <= 3 && is_numbering_row(&texts) {
            out.skipped += 1;
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
        let serial_ok = looks_like_identifier(&serial);
        let imei_ok = imei.as_deref().is_some_and(looks_like_identifier);
        if !serial_ok && !imei_ok {
            out.skipped += 1;
            return ControlFlow::Continue(());
        }
        out.lines.push(SerialLine {
            row,
            // A row with an IMEI but a text in the serial cell keeps the text, so that
            // the registry names it; an empty serial is refused there as missing.
            serial: if serial_ok || !serial.is_empty() {
                serial
            } else {
                String::new()
            },
            imei,
        });
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
        assert_eq!(l.skipped, 4);
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
