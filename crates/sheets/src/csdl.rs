//! The CSDL ngành sheet of a school: the devices handed to its students in the columns
//! the sector database takes (the column set is data, `domain::handover::csdl`), and the
//! same sheet read back with the "entered" column filled in by the school.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use domain::handover::csdl::{Columns, Field, entered_mark};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::io::{Read, Seek};
use std::ops::ControlFlow;

/// One device with a student, as the sheet writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsdlLine {
    pub student_code: String,
    pub school_code: String,
    pub device_kind: String,
    pub serial: String,
    pub imei: String,
    /// dd/mm/yyyy
    pub received_on: String,
    pub source: String,
    pub donor_or_supplier: String,
    pub entered: bool,
}

impl CsdlLine {
    fn value(&self, f: Field) -> &str {
        match f {
            Field::StudentCode => &self.student_code,
            Field::SchoolCode => &self.school_code,
            Field::DeviceKind => &self.device_kind,
            Field::Serial => &self.serial,
            Field::Imei => &self.imei,
            Field::ReceivedOn => &self.received_on,
            Field::Source => &self.source,
            Field::DonorOrSupplier => &self.donor_or_supplier,
            Field::Entered => {
                if self.entered {
                    "x"
                } else {
                    ""
                }
            }
        }
    }
}

/// The sheet: the header in row 1, one row per device, every cell text (codes keep their
/// leading zeros; nothing is a formula).
pub fn write_csdl(columns: &Columns, lines: &[CsdlLine]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("CSDL nganh")?;
    let head = Format::new()
        .set_bold()
        .set_font_name("Times New Roman")
        .set_font_size(12);
    let cell = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
        .set_num_format("@");
    for (c, (field, header)) in columns.0.iter().enumerate() {
        let width = match field {
            Field::DonorOrSupplier => 34.0,
            Field::Serial | Field::Imei | Field::StudentCode => 18.0,
            Field::Entered => 20.0,
            _ => 14.0,
        };
        ws.set_column_width(c as u16, width)?;
        ws.write_string_with_format(0, c as u16, header, &head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, line) in lines.iter().enumerate() {
        for (c, (field, _)) in columns.0.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, line.value(*field), &cell)?;
        }
    }
    book.save_to_buffer()
}

/// A row of the sheet sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlMarkRow {
    pub row: usize,
    pub serial: String,
    pub entered: bool,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Reads a sheet sent back: finds the header row (within the first ten rows) by the
/// serial's and the mark's headers, then one mark per row. Every bad row is named (row
/// and column); a row without a serial and without a mark is skipped, as blank.
pub fn read_csdl_marks<R: Read + Seek>(
    input: R,
    columns: &Columns,
    limits: &Limits,
) -> Result<Vec<CsdlMarkRow>, Vec<SheetError>> {
    let serial_h = columns
        .header(Field::Serial)
        .unwrap_or("Số sê-ri")
        .to_string();
    let mark_h = columns
        .header(Field::Entered)
        .unwrap_or("Đã nhập CSDL ngành")
        .to_string();
    let mut at: Option<(usize, usize)> = None;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let read = for_each_row(input, limits, |row, cells: &[Cell]| {
        let Some((si, mi)) = at else {
            let texts: Vec<String> = cells.iter().map(|c| norm(&c.text())).collect();
            let find = |h: &str| texts.iter().position(|t| *t == norm(h));
            if let (Some(s), Some(m)) = (find(&serial_h), find(&mark_h)) {
                at = Some((s, m));
            } else if row >= 10 {
                return ControlFlow::Break(());
            }
            return ControlFlow::Continue(());
        };
        let get = |i: usize| cells.get(i).map(Cell::text).unwrap_or_default();
        let (raw_serial, raw_mark) = (get(si), get(mi));
        if raw_serial.trim().is_empty() && raw_mark.trim().is_empty() {
            return ControlFlow::Continue(());
        }
        let serial = match domain::devices::serial(&raw_serial) {
            Ok(s) => s,
            Err(_) => {
                errors.push(SheetError::new(
                    row,
                    Some(&serial_h),
                    "csdl_serial_missing",
                    "thiếu số sê-ri của thiết bị.",
                    "the device's serial is missing.",
                ));
                return ControlFlow::Continue(());
            }
        };
        match entered_mark(&raw_mark, row, &mark_h) {
            Ok(entered) => out.push(CsdlMarkRow {
                row,
                serial,
                entered,
            }),
            Err(_) => errors.push(SheetError::new(
                row,
                Some(&mark_h),
                "csdl_mark_invalid",
                "ghi “x” nếu dòng đã nhập vào CSDL ngành, để trống nếu chưa.",
                "write “x” when the row is entered in the sector database, leave it empty if not.",
            )),
        }
        if errors.len() >= 200 {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = read {
        return Err(vec![e]);
    }
    if at.is_none() {
        return Err(vec![SheetError::new(
            0,
            None,
            "csdl_columns",
            format!(
                "Tệp không có hai cột “{serial_h}” và “{mark_h}”: hãy dùng tệp đã tải xuống từ hệ thống."
            ),
            format!(
                "The file has no “{serial_h}” and “{mark_h}” columns: use the file downloaded from the system."
            ),
        )]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn lines() -> Vec<CsdlLine> {
        vec![
            CsdlLine {
                student_code: "0671000012".into(),
                school_code: "67663001".into(),
                device_kind: "Máy tính bảng".into(),
                serial: "TAB00001".into(),
                imei: "356938035643809".into(),
                received_on: "05/09/2022".into(),
                source: "Tài trợ".into(),
                donor_or_supplier: "=HYPERLINK(\"x\")".into(),
                entered: false,
            },
            CsdlLine {
                serial: "TAB00002".into(),
                entered: true,
                ..Default::default()
            },
        ]
    }

    fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for_each_row(Cursor::new(bytes), &Limits::default(), |_, cells| {
            out.push(cells.iter().map(Cell::text).collect());
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn the_export_has_the_columns_of_the_set_in_order_and_text_only() {
        let c = Columns::default_set();
        let bytes = write_csdl(&c, &lines()).unwrap();
        let r = rows(&bytes);
        assert_eq!(r[0][0], "Mã học sinh");
        assert_eq!(r[0][3], "Số sê-ri");
        assert_eq!(r[1][0], "0671000012", "leading zero kept");
        assert_eq!(
            r[1][7], "=HYPERLINK(\"x\")",
            "written as text, not a formula"
        );
        assert_eq!(r[2][8], "x");
        // A custom set: its headers, its order.
        let custom = Columns::parse("serial\tSerial\nentered\tDone\nschool_code\tSchool").unwrap();
        let r = rows(&write_csdl(&custom, &lines()).unwrap());
        assert_eq!(r[0], vec!["Serial", "Done", "School"]);
        assert_eq!(r[1], vec!["TAB00001", "", "67663001"]);
    }

    #[test]
    fn the_sheet_sent_back_reads_its_marks_and_names_bad_rows() {
        let c = Columns::default_set();
        let mut l = lines();
        l[0].entered = true;
        let bytes = write_csdl(&c, &l).unwrap();
        let marks = read_csdl_marks(Cursor::new(&bytes), &c, &Limits::default()).unwrap();
        assert_eq!(
            marks,
            vec![
                CsdlMarkRow {
                    row: 2,
                    serial: "TAB00001".into(),
                    entered: true
                },
                CsdlMarkRow {
                    row: 3,
                    serial: "TAB00002".into(),
                    entered: true
                },
            ]
        );
        let csv =
            "Mã học sinh,Số sê-ri,Đã nhập CSDL ngành\n1,TAB00001,x\n2,,x\n3,TAB00003,có lẽ\n,,\n";
        let errs =
            read_csdl_marks(Cursor::new(csv.as_bytes()), &c, &Limits::default()).unwrap_err();
        let named: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.code)).collect();
        assert_eq!(
            named,
            vec![(3, "csdl_serial_missing"), (4, "csdl_mark_invalid")]
        );
        let wrong = "Họ tên,Lớp\nA,6A\n";
        let errs =
            read_csdl_marks(Cursor::new(wrong.as_bytes()), &c, &Limits::default()).unwrap_err();
        assert_eq!(errs[0].code, "csdl_columns");
        let not_a_sheet = b"\x00\x01\x02garbage";
        assert!(read_csdl_marks(Cursor::new(&not_a_sheet[..]), &c, &Limits::default()).is_err());
    }
}
