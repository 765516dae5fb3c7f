//! Any table to `.xlsx`: a title, a header row, then rows of text and whole numbers
//! (money in đồng, counts), pushed one at a time into a worksheet in "constant memory"
//! mode, so that a journal of a million postings is never held in memory as cells. Text is
//! always written as a string, never as a formula, whatever it starts with.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One cell of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    /// A whole number (đồng, a count), shown with thousands grouped.
    Number(i64),
    Empty,
}

pub struct TableWriter {
    book: Workbook,
    row: u32,
    cols: u16,
    text: Format,
    number: Format,
}

const FIRST_ROW: u32 = 3;

impl TableWriter {
    /// A workbook of one sheet named `sheet`, with `title` above the header; each column
    /// its header and width (in characters).
    pub fn new(
        sheet: &str,
        title: &str,
        columns: &[(&str, f64)],
    ) -> Result<TableWriter, XlsxError> {
        let mut book = Workbook::new();
        let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(FIRST_ROW - 1, FIRST_ROW - 1)?;
        for (i, (_, w)) in columns.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        ws.write_string_with_format(
            0,
            0,
            title,
            &font(Format::new().set_bold().set_font_size(14)),
        )?;
        let head = font(
            Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin),
        );
        for (i, (h, _)) in columns.iter().enumerate() {
            ws.write_string_with_format(FIRST_ROW - 1, i as u16, *h, &head)?;
        }
        Ok(TableWriter {
            book,
            row: FIRST_ROW,
            cols: columns.len() as u16,
            text: font(Format::new().set_border(FormatBorder::Thin)),
            number: font(
                Format::new()
                    .set_num_format("#,##0")
                    .set_border(FormatBorder::Thin),
            ),
        })
    }

    /// One row; cells beyond the header's columns are left out.
    pub fn push(&mut self, cells: &[Cell<'_>]) -> Result<(), XlsxError> {
        let row = self.row;
        let (text, number) = (self.text.clone(), self.number.clone());
        let ws = self.book.worksheet_from_index(0)?;
        for (i, c) in cells.iter().take(self.cols as usize).enumerate() {
            let col = i as u16;
            match c {
                Cell::Text(t) => {
                    ws.write_string_with_format(row, col, *t, &text)?;
                }
                Cell::Number(n) => {
                    ws.write_number_with_format(row, col, *n as f64, &number)?;
                }
                Cell::Empty => {
                    ws.write_blank(row, col, &text)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn len(&self) -> usize {
        (self.row - FIRST_ROW) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.book.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{Cell as Read, Limits, for_each_row};
    use std::io::Cursor;
    use std::ops::ControlFlow;

    /// What is written reads back, text as text (a leading `=` stays text), numbers as
    /// numbers, in order.
    #[test]
    fn a_table_reads_back() {
        let mut w = TableWriter::new(
            "Nhật ký",
            "Nhật ký chung",
            &[("Số", 8.0), ("Nội dung", 40.0), ("Nợ", 16.0)],
        )
        .unwrap();
        w.push(&[
            Cell::Number(1),
            Cell::Text("Ủng hộ học sinh vùng cao"),
            Cell::Number(1_500_000),
        ])
        .unwrap();
        w.push(&[
            Cell::Number(2),
            Cell::Text("=HYPERLINK(\"x\")"),
            Cell::Empty,
        ])
        .unwrap();
        assert_eq!(w.len(), 2);
        let bytes = w.finish().unwrap();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for_each_row(
            Cursor::new(bytes),
            &Limits::default(),
            |_, cells: &[Read]| {
                rows.push(cells.iter().map(Read::text).collect());
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        assert_eq!(rows[0][0], "Nhật ký chung");
        assert_eq!(rows[1], ["Số", "Nội dung", "Nợ"]);
        assert_eq!(rows[2][1], "Ủng hộ học sinh vùng cao");
        assert_eq!(rows[2][2], "1500000");
        assert_eq!(rows[3][1], "=HYPERLINK(\"x\")");
    }
}
