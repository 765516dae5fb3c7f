//! Students' lists written to `.xlsx` in the table shape offices use (the same columns as
//! the lists schools send, so an exported list imports again unchanged): the unit's
//! heading, the title, the header and its row of column numbers, one row per student,
//! totals by tier and the signature block.
//!
//! Rows are pushed one at a time into a worksheet in "constant memory" mode: a list of a
//! whole province is written without holding it in memory.

use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use time::Date;

/// Who the list belongs to and what it is.
#[derive(Debug, Clone)]
pub struct ListHeading {
    /// The unit above (`UBND HUYỆN ĐẮK MIL`, `SỞ GIÁO DỤC VÀ ĐÀO TẠO`).
    pub parent: String,
    /// The unit the list is of (a school, a district office, the Department).
    pub unit: String,
    /// `Chương trình "Sóng và máy tính cho em" – Đợt 1`.
    pub subtitle: String,
    /// Where and when, for the signature block: `Đắk Mil`.
    pub place: String,
    pub date: Date,
    /// Whether a column with each student's school is added (lists of several schools).
    pub with_school: bool,
}

/// One student as the list prints them.
#[derive(Debug, Clone, Default)]
pub struct ListRow {
    pub name: String,
    pub dob: Option<Date>,
    pub gender: String,
    pub ethnicity: String,
    pub class_name: String,
    pub code: String,
    pub village: String,
    pub commune: String,
    pub parent_name: String,
    /// `(i)`, `(ii)`, `(iii)`.
    pub tier: String,
    pub tier_rank: usize,
    pub certificate_no: String,
    pub note: String,
    pub school: String,
    /// The row's review (`Đã duyệt`, `Chờ duyệt`, …).
    pub review: String,
}

const HEADERS: [&str; 14] = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Lớp",
    "Mã định danh học sinh",
    "Thôn/Bon/Buôn",
    "Xã/Phường/Thị trấn",
    "Họ tên cha/mẹ/người giám hộ",
    "Đối tượng",
    "Số giấy chứng nhận hộ nghèo/cận nghèo",
    "Đã có máy tính",
    "Ghi chú",
];
const WIDTHS: [f64; 14] = [
    5.0, 26.0, 11.0, 8.0, 9.0, 6.0, 14.0, 14.0, 18.0, 24.0, 9.0, 16.0, 9.0, 16.0,
];

/// The first row of students (0-based): title block, blank, header, column numbers.
const FIRST_DATA_ROW: u32 = 8;

/// Writes a list row by row; [`ListWriter::finish`] adds the totals and signatures and
/// returns the file's bytes.
pub struct ListWriter {
    book: Workbook,
    heading: ListHeading,
    row: u32,
    by_tier: Vec<usize>,
    cols: u16,
    cell: Format,
    center: Format,
    date: Format,
}

fn font(f: Format) -> Format {
    f.set_font_name("Times New Roman").set_font_size(12)
}

fn sheet(book: &mut Workbook) -> Result<&mut Worksheet, XlsxError> {
    book.worksheet_from_index(0)
}

impl ListWriter {
    pub fn new(heading: ListHeading) -> Result<ListWriter, XlsxError> {
        let mut book = Workbook::new();
        let cols = if heading.with_school { 16 } else { 14 };
        let last = cols - 1;
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name("Danh sách")?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(6, 7)?;
        for (i, w) in WIDTHS.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        if heading.with_school {
            ws.set_column_width(14, 26.0)?;
            ws.set_column_width(15, 12.0)?;
        }
        let bold_center = font(Format::new().set_bold().set_align(FormatAlign::Center));
        let plain_center = font(Format::new().set_align(FormatAlign::Center));
        let italic_center = font(Format::new().set_italic().set_align(FormatAlign::Center));
        let half = last / 2;
        ws.merge_range(0, 0, 0, half, &heading.parent.to_uppercase(), &plain_center)?;
        ws.merge_range(
            0,
            half + 1,
            0,
            last,
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            &bold_center,
        )?;
        ws.merge_range(1, 0, 1, half, &heading.unit.to_uppercase(), &bold_center)?;
        ws.merge_range(
            1,
            half + 1,
            1,
            last,
            "Độc lập - Tự do - Hạnh phúc",
            &bold_center,
        )?;
        ws.merge_range(
            3,
            0,
            3,
            last,
            "DANH SÁCH HỌC SINH ĐỀ NGHỊ HỖ TRỢ MÁY TÍNH",
            &font(
                Format::new()
                    .set_bold()
                    .set_align(FormatAlign::Center)
                    .set_font_size(14),
            ),
        )?;
        ws.merge_range(4, 0, 4, last, &heading.subtitle, &italic_center)?;
        let head = font(
            Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_border(FormatBorder::Thin),
        );
        let numbers = font(
            Format::new()
                .set_italic()
                .set_align(FormatAlign::Center)
                .set_border(FormatBorder::Thin),
        );
        let mut headers: Vec<&str> = HEADERS.to_vec();
        if heading.with_school {
            headers.extend(["Trường", "Xét duyệt"]);
        }
        ws.set_row_height(6, 48)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_string_with_format(6, i as u16, *h, &head)?;
        }
        for i in 0..headers.len() {
            ws.write_string_with_format(7, i as u16, format!("({})", i + 1), &numbers)?;
        }
        let cell = font(
            Format::new()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
        );
        let center = cell.clone().set_align(FormatAlign::Center);
        let date = center.clone().set_num_format("dd/mm/yyyy");
        Ok(ListWriter {
            book,
            heading,
            row: FIRST_DATA_ROW,
            by_tier: Vec::new(),
            cols,
            cell,
            center,
            date,
        })
    }

    /// Adds one student.
    pub fn push(&mut self, r: &ListRow) -> Result<(), XlsxError> {
        let n = (self.row - FIRST_DATA_ROW + 1) as f64;
        let row = self.row;
        let (cell, center, date) = (self.cell.clone(), self.center.clone(), self.date.clone());
        let with_school = self.heading.with_school;
        let ws = sheet(&mut self.book)?;
        ws.write_number_with_format(row, 0, n, &center)?;
        ws.write_string_with_format(row, 1, &r.name, &cell)?;
        match r.dob {
            Some(d) => {
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())?;
                ws.write_datetime_with_format(row, 2, &d, &date)?;
            }
            None => {
                ws.write_blank(row, 2, &date)?;
            }
        }
        let texts: [(&str, &Format); 11] = [
            (&r.gender, &center),
            (&r.ethnicity, &center),
            (&r.class_name, &center),
            (&r.code, &center),
            (&r.village, &cell),
            (&r.commune, &cell),
            (&r.parent_name, &cell),
            (&r.tier, &center),
            (&r.certificate_no, &cell),
            ("Chưa", &center),
            (&r.note, &cell),
        ];
        for (i, (t, f)) in texts.into_iter().enumerate() {
            ws.write_string_with_format(row, 3 + i as u16, t, f)?;
        }
        if with_school {
            ws.write_string_with_format(row, 14, &r.school, &cell)?;
            ws.write_string_with_format(row, 15, &r.review, &center)?;
        }
        if r.tier_rank > 0 {
            if self.by_tier.len() < r.tier_rank {
                self.by_tier.resize(r.tier_rank, 0);
            }
            self.by_tier[r.tier_rank - 1] += 1;
        }
        self.row += 1;
        Ok(())
    }

    /// Students written so far.
    pub fn len(&self) -> usize {
        (self.row - FIRST_DATA_ROW) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the totals and the signature block and returns the file.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        let total = self.len();
        let tiers: Vec<String> = self
            .by_tier
            .iter()
            .enumerate()
            .map(|(i, n)| format!("({}) {n}", roman(i + 1)))
            .collect();
        let row = self.row + 1;
        let last = self.cols - 1;
        let half = last / 2;
        let h = self.heading.clone();
        let bold = font(Format::new().set_bold());
        let bold_center = font(Format::new().set_bold().set_align(FormatAlign::Center));
        let italic_center = font(Format::new().set_italic().set_align(FormatAlign::Center));
        let ws = sheet(&mut self.book)?;
        ws.merge_range(
            row,
            0,
            row,
            last,
            &format!(
                "Tổng cộng: {total} học sinh{}",
                if tiers.is_empty() {
                    String::new()
                } else {
                    format!(" — đối tượng {}", tiers.join("; "))
                }
            ),
            &bold,
        )?;
        ws.merge_range(
            row + 2,
            half + 1,
            row + 2,
            last,
            &format!(
                "{}, ngày {:02} tháng {:02} năm {}",
                h.place,
                h.date.day(),
                h.date.month() as u8,
                h.date.year()
            ),
            &italic_center,
        )?;
        ws.merge_range(row + 3, 0, row + 3, half, "NGƯỜI LẬP BIỂU", &bold_center)?;
        ws.merge_range(
            row + 3,
            half + 1,
            row + 3,
            last,
            "THỦ TRƯỞNG ĐƠN VỊ",
            &bold_center,
        )?;
        ws.merge_range(
            row + 4,
            0,
            row + 4,
            half,
            "(Ký, ghi rõ họ tên)",
            &italic_center,
        )?;
        ws.merge_range(
            row + 4,
            half + 1,
            row + 4,
            last,
            "(Ký tên, đóng dấu)",
            &italic_center,
        )?;
        self.book.save_to_buffer()
    }
}

fn roman(n: usize) -> &'static str {
    match n {
        1 => "i",
        2 => "ii",
        3 => "iii",
        4 => "iv",
        5 => "v",
        _ => "…",
    }
}

/// A text value as a CSV export writes it: one that a spreadsheet would take for a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return; OWASP's "CSV
/// injection") gets a leading apostrophe, so that it opens as the text it is. Every CSV
/// export writes its text cells through this. (`.xlsx` exports write text cells, never
/// formulas, and need no such guard.)
pub fn csv_text(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{Cell, Limits, for_each_row};
    use std::io::Cursor;
    use std::ops::ControlFlow;
    use time::macros::date;

    fn rows() -> Vec<ListRow> {
        vec![
            ListRow {
                name: "Nguyễn Thị Ánh".into(),
                dob: Some(date!(2010 - 03 - 09)),
                gender: "Nữ".into(),
                ethnicity: "Kinh".into(),
                class_name: "6A".into(),
                code: "6716613186".into(),
                village: "Thôn 4".into(),
                commune: "Xã Đắk Lao".into(),
                parent_name: "Nguyễn Văn Việt".into(),
                tier: "(i)".into(),
                tier_rank: 1,
                certificate_no: "580/GCN-UBND".into(),
                ..Default::default()
            },
            ListRow {
                name: "Điểu K'Thuận".into(),
                dob: Some(date!(2012 - 11 - 30)),
                gender: "Nam".into(),
                ethnicity: "M'Nông".into(),
                class_name: "4B".into(),
                village: "Bon Bu Sir".into(),
                commune: "Thị trấn Kiến Đức".into(),
                tier: "(iii)".into(),
                tier_rank: 3,
                note: "Mẹ mất 08/2021".into(),
                ..Default::default()
            },
        ]
    }

    fn heading(with_school: bool) -> ListHeading {
        ListHeading {
            parent: "Phòng GD&ĐT huyện Đắk Mil".into(),
            unit: "Trường THCS Nguyễn Du".into(),
            subtitle: "Chương trình \"Sóng và máy tính cho em\" – Đợt 1".into(),
            place: "Đắk Mil".into(),
            date: date!(2022 - 02 - 15),
            with_school,
        }
    }

    /// The file as text, one line per non-empty row, as the reader sees it.
    fn read_back(bytes: Vec<u8>) -> Vec<String> {
        let mut out = Vec::new();
        for_each_row(Cursor::new(bytes), &Limits::default(), |row, cells| {
            let texts: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    Cell::Date(d) => format!("date:{d}"),
                    other => other.text(),
                })
                .collect();
            if texts.iter().any(|t| !t.is_empty()) {
                let line = texts.join(" | ");
                out.push(format!("{row}: {}", line.trim_end_matches([' ', '|'])));
            }
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn a_school_list_in_the_official_shape() {
        let mut w = ListWriter::new(heading(false)).unwrap();
        for r in rows() {
            w.push(&r).unwrap();
        }
        assert_eq!(w.len(), 2);
        insta::assert_snapshot!(read_back(w.finish().unwrap()).join("\n"));
    }

    #[test]
    fn a_district_list_names_each_school() {
        let mut w = ListWriter::new(heading(true)).unwrap();
        for mut r in rows() {
            r.school = "Trường THCS Nguyễn Du".into();
            r.review = "Đã duyệt".into();
            w.push(&r).unwrap();
        }
        let text = read_back(w.finish().unwrap());
        assert!(text[4].contains("Trường | Xét duyệt"), "{text:?}");
        assert!(
            text[6].ends_with("Trường THCS Nguyễn Du | Đã duyệt"),
            "{text:?}"
        );
    }

    #[test]
    fn the_export_imports_again_unchanged() {
        let mut w = ListWriter::new(heading(false)).unwrap();
        for r in rows() {
            w.push(&r).unwrap();
        }
        let bytes = w.finish().unwrap();
        let mut rows = Vec::new();
        let summary =
            crate::students::read_student_list(Cursor::new(bytes), &Limits::default(), |_, r| {
                rows.push(r);
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(summary.layout.header_row, 7);
        assert_eq!((summary.data_rows, summary.skipped > 0), (2, true));
        let names: Vec<&str> = rows.iter().map(|r| r.fields.name.as_str()).collect();
        assert_eq!(names, ["Nguyễn Thị Ánh", "Điểu K'Thuận"]);
        assert_eq!(rows[0].row, 9);
        assert_eq!(rows[0].fields.code, "6716613186");
        assert!(matches!(
            rows[0].fields.dob,
            Some(domain::students::DobCell::Date(d)) if d == date!(2010 - 03 - 09)
        ));
        assert_eq!(rows[1].fields.tier_raw, "(iii)");
        assert_eq!(rows[1].fields.gender_folded.as_deref(), Some("nam"));
    }

    #[test]
    fn csv_text_never_opens_as_a_formula() {
        for (v, want) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "'=HYPERLINK(\"http://evil\",\"x\")",
            ),
            ("+84 905 123 456", "'+84 905 123 456"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("Nguyễn Văn An", "Nguyễn Văn An"),
            ("", ""),
        ] {
            assert_eq!(csv_text(v), want, "{v:?}");
        }
    }
}
