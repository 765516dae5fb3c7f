//! Any office sheet, row by row: `.xlsx` (streamed), `.xls`, `.ods`, `.csv`. The format
//! is recognised by content, never by name. Hostile files (not a spreadsheet, password
//! protected, zip bombs, endless rows, giant cells) are refused with a clear reason,
//! reading no more than the limits allow.

use crate::SheetError;
use crate::encoding::TextEncoding;
use calamine::{Data, DataRef, Reader};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use time::{Date, Month};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: numbers without a needless `.0`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => domain::dates::format_date(*d),
            Cell::Bool(b) => {
                if *b {
                    "x".into()
                } else {
                    String::new()
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// What a file may hold before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_rows: usize,
    pub max_columns: usize,
    /// Excel's own limit is 32,767 characters.
    pub max_cell_chars: usize,
    /// Largest uncompressed part of a zip-based file (xlsx, ods).
    pub max_part_bytes: u64,
    /// Largest uncompressed total of a zip-based file.
    pub max_unzipped_bytes: u64,
    /// Largest shared-strings part of an xlsx (held in memory).
    pub max_shared_strings_bytes: u64,
    /// Most cells an `.ods` may expand to: its sheet is read whole into memory (about
    /// 60 bytes a cell), and one row or cell can say it repeats a million times.
    pub max_ods_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: 2_000_000,
            max_columns: 200,
            max_cell_chars: 32_767,
            max_part_bytes: 2 << 30,
            max_unzipped_bytes: 3 << 30,
            max_shared_strings_bytes: 256 << 20,
            max_ods_cells: 2_000_000,
        }
    }
}

fn refuse(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> SheetError {
    SheetError::new(0, None, code, vi, en)
}

fn not_a_sheet() -> SheetError {
    refuse(
        "not_a_spreadsheet",
        "Tệp không phải bảng tính (.xlsx, .xls, .ods hoặc .csv).",
        "The file is not a spreadsheet (.xlsx, .xls, .ods or .csv).",
    )
}

fn password() -> SheetError {
    refuse(
        "password_protected",
        "Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi gửi lại.",
        "The file is password protected: remove the password and send it again.",
    )
}

/// Recognises the format from the first bytes.
pub fn sniff<R: Read + Seek>(r: &mut R) -> Result<Format, SheetError> {
    let mut head = [0u8; 8];
    let n = r.read(&mut head).map_err(io)?;
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") {
        // xlsx or ods: the zip's contents tell.
        let mut zip = zip::ZipArchive::new(&mut *r).map_err(|_| not_a_sheet())?;
        let is_ods = zip.by_name("mimetype").ok().is_some_and(|mut f| {
            let mut s = String::new();
            let _ = (&mut f).take(100).read_to_string(&mut s);
            s.contains("opendocument.spreadsheet")
        });
        let is_xlsx = (0..zip.len()).any(|i| {
            zip.name_for_index(i)
                .is_some_and(|n| n.is_ok_and(|n| n.starts_with("xl/")))
        });
        drop(zip);
        r.seek(SeekFrom::Start(0)).map_err(io)?;
        return if is_ods {
            Ok(Format::Ods)
        } else if is_xlsx {
            Ok(Format::Xlsx)
        } else {
            Err(not_a_sheet())
        };
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream;
        // its directory sits near the start.
        let mut first = Vec::with_capacity(64 << 10);
        (&mut *r)
            .take(1 << 20)
            .read_to_end(&mut first)
            .map_err(io)?;
        r.seek(SeekFrom::Start(0)).map_err(io)?;
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if first.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(password());
        }
        return Ok(Format::Xls);
    }
    if head.starts_with(b"%PDF-") {
        return Err(refuse(
            "not_a_spreadsheet",
            "Tệp này là PDF, không phải bảng tính: hãy gửi tệp Excel (.xlsx, .xls), .ods hoặc .csv của danh sách.",
            "This file is a PDF, not a spreadsheet: send the list's Excel (.xlsx, .xls), .ods or .csv file.",
        ));
    }
    // Text: CSV if the first kilobytes look like text in some encoding. UTF-16 has a zero
    // byte in every other place; any other file with many control bytes is binary (a
    // photo, say). A stray control byte in a text is refused later, naming its cell.
    let mut sample = vec![0u8; 4096];
    let n = r.read(&mut sample).map_err(io)?;
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    let sample = &sample[..n];
    if n == 0 {
        return Err(not_a_sheet());
    }
    let utf16 = sample.starts_with(b"\xFF\xFE")
        || sample.starts_with(b"\xFE\xFF")
        || crate::encoding::detect(&mut std::io::Cursor::new(sample)).is_ok_and(|e| e.is_utf16());
    let control = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    if !utf16 && control * 50 > n {
        return Err(not_a_sheet());
    }
    Ok(Format::Csv)
}

fn io(e: std::io::Error) -> SheetError {
    refuse(
        "unreadable",
        format!("Không đọc được tệp: {e}."),
        format!("The file cannot be read: {e}."),
    )
}

/// Refuses zip bombs before any part is decompressed, from the sizes the archive declares.
fn check_zip<R: Read + Seek>(r: &mut R, limits: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(&mut *r).map_err(|_| not_a_sheet())?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| not_a_sheet())?;
        let size = f.size();
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        total = total.saturating_add(size);
        let ratio = size / f.compressed_size().max(1);
        let too_big = size > limits.max_part_bytes
            || (name.ends_with("sharedStrings.xml") && size > limits.max_shared_strings_bytes)
            || total > limits.max_unzipped_bytes
            || (ratio > 1000 && size > (64 << 20));
        if too_big {
            return Err(refuse(
                "zip_bomb",
                "Tệp nén bất thường (dung lượng giải nén quá lớn): không đọc.",
                "The file unpacks to an abnormal size: refused.",
            ));
        }
    }
    drop(zip);
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(())
}

/// Measures an `.ods`'s first sheet as calamine would expand it, before it does: its rows
/// (every row a `number-rows-repeated` says, between the first and the last with a
/// value) times its width (up to the last cell with a value, `number-columns-repeated`
/// counted). Refuses a sheet over the row limit or the cell budget, reading the XML as a
/// stream and stopping as soon as it knows.
fn check_ods<R: Read + Seek>(r: &mut R, limits: &Limits) -> Result<(), SheetError> {
    use quick_xml::events::{BytesStart, Event};
    let mut zip = zip::ZipArchive::new(&mut *r).map_err(|_| not_a_sheet())?;
    let content = zip.by_name("content.xml").map_err(|_| not_a_sheet())?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let corrupt = || {
        refuse(
            "corrupt_file",
            "Tệp bảng tính bị hỏng.",
            "The spreadsheet is damaged.",
        )
    };
    let repeats = |e: &BytesStart<'_>, name: &str| -> Result<usize, SheetError> {
        match e.try_get_attribute(name).map_err(|_| corrupt())? {
            Some(a) => a.value.trim().parse::<usize>().map_err(|_| corrupt()),
            None => Ok(1),
        }
    };
    let is_cell = |n: &str| n == "table:table-cell" || n == "table:covered-table-cell";
    let (mut in_table, mut row, mut first, mut last, mut width) = (false, 0usize, None, 0, 0);
    let (mut row_repeats, mut col, mut row_end) = (1usize, 0usize, 0usize);
    let (mut cell_repeats, mut cell_value) = (1usize, false);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| corrupt())? {
            Event::Start(e) if e.name().as_ref() == "table:table" => in_table = true,
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Start(e) if in_table && e.name().as_ref() == "table:table-row" => {
                row_repeats = repeats(&e, "table:number-rows-repeated")?;
                (col, row_end) = (0, 0);
            }
            Event::Empty(e) if in_table && e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(repeats(&e, "table:number-rows-repeated")?);
            }
            Event::Start(e) if in_table && is_cell(e.name().as_ref()) => {
                cell_repeats = repeats(&e, "table:number-columns-repeated")?;
                cell_value = e
                    .try_get_attribute("office:value-type")
                    .map_err(|_| corrupt())?
                    .is_some();
            }
            Event::Text(t) if in_table && !t.trim_ascii().is_empty() => {
                cell_value = true;
            }
            Event::End(e) if in_table && is_cell(e.name().as_ref()) => {
                col = col.saturating_add(cell_repeats);
                if cell_value {
                    row_end = col;
                }
                (cell_repeats, cell_value) = (1, false);
            }
            Event::Empty(e) if in_table && is_cell(e.name().as_ref()) => {
                col = col.saturating_add(repeats(&e, "table:number-columns-repeated")?);
                if e.try_get_attribute("office:value-type")
                    .map_err(|_| corrupt())?
                    .is_some()
                {
                    row_end = col;
                }
            }
            Event::End(e) if in_table && e.name().as_ref() == "table:table-row" => {
                if row_end > 0 {
                    first.get_or_insert(row);
                    last = row.saturating_add(row_repeats - 1);
                    width = width.max(row_end);
                }
                row = row.saturating_add(row_repeats);
                if let Some(first) = first {
                    if last >= limits.max_rows {
                        return Err(too_many_rows(limits));
                    }
                    let cells = (last - first + 1).saturating_mul(width);
                    if cells > limits.max_ods_cells {
                        return Err(refuse(
                            "too_many_cells",
                            format!(
                                "Bảng tính .ods khai báo hơn {} ô (các dòng hoặc cột lặp lại): quá lớn để đọc. Hãy xóa các dòng, cột thừa hoặc lưu thành .xlsx.",
                                limits.max_ods_cells
                            ),
                            format!(
                                "The .ods sheet declares more than {} cells (repeated rows or columns): too large to read. Delete the extra rows and columns or save it as .xlsx.",
                                limits.max_ods_cells
                            ),
                        ));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    drop(xml);
    drop(zip);
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(())
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Option<Date> {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    Date::from_calendar_date(i32::from(y), Month::try_from(m).ok()?, d).ok()
}

fn from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty | DataRef::Error(_) => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt)
            .map(Cell::Date)
            .unwrap_or(Cell::Number(dt.as_f64())),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt)
            .map(Cell::Date)
            .unwrap_or(Cell::Number(dt.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

fn too_many_rows(limits: &Limits) -> SheetError {
    refuse(
        "too_many_rows",
        format!(
            "Tệp có quá {} dòng: hãy chia thành nhiều tệp.",
            limits.max_rows
        ),
        format!("The file has more than {} rows: split it.", limits.max_rows),
    )
}

fn check_cells(row: usize, cells: &[Cell], limits: &Limits) -> Result<(), SheetError> {
    for (i, c) in cells.iter().enumerate() {
        if let Cell::Text(t) = c
            && t.chars()
                .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}')
        {
            return Err(SheetError::new(
                row,
                Some(&crate::column_letter(i)),
                "control_character",
                "Ô có ký tự điều khiển (như NUL) không phải chữ: hãy gõ lại ô này.",
                "The cell holds a control character (such as NUL), not text: type it again.",
            ));
        }
        if let Cell::Text(t) = c
            && t.chars().count() > limits.max_cell_chars
        {
            return Err(SheetError::new(
                row,
                Some(&crate::column_letter(i)),
                "cell_too_long",
                format!("Ô quá dài (hơn {} ký tự).", limits.max_cell_chars),
                format!(
                    "The cell is longer than {} characters.",
                    limits.max_cell_chars
                ),
            ));
        }
    }
    Ok(())
}

/// What a file was: its format, and for a text file the encoding it was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    pub format: Format,
    pub encoding: Option<TextEncoding>,
}

/// Calls `f` with each row of the first worksheet (1-based row number, cells from column
/// A). Empty rows may be skipped. `f` may stop the reading early.
pub fn for_each_row<R: Read + Seek>(
    mut input: R,
    limits: &Limits,
    mut f: impl FnMut(usize, &[Cell]) -> ControlFlow<()>,
) -> Result<FileKind, SheetError> {
    let format = sniff(&mut input)?;
    let mut encoding = None;
    match format {
        Format::Xlsx => {
            check_zip(&mut input, limits)?;
            let mut wb: calamine::Xlsx<_> =
                calamine::Xlsx::new(BufReader::new(input)).map_err(|e| match e {
                    calamine::XlsxError::Password => password(),
                    _ => not_a_sheet(),
                })?;
            let name = wb.sheet_names().first().cloned().ok_or_else(not_a_sheet)?;
            let mut reader = wb
                .worksheet_cells_reader(&name)
                .map_err(|_| not_a_sheet())?;
            if reader.dimensions().end.0 as usize >= limits.max_rows {
                return Err(too_many_rows(limits));
            }
            let mut current: Option<u32> = None;
            let mut cells: Vec<Cell> = Vec::new();
            loop {
                let next = reader.next_cell().map_err(|_| {
                    refuse(
                        "corrupt_file",
                        "Tệp bảng tính bị hỏng.",
                        "The spreadsheet is damaged.",
                    )
                })?;
                let Some(cell) = next else { break };
                let (r, c) = cell.get_position();
                if current != Some(r) {
                    if let Some(prev) = current {
                        let row = prev as usize + 1;
                        check_cells(row, &cells, limits)?;
                        if f(row, &cells).is_break() {
                            return Ok(FileKind { format, encoding });
                        }
                    }
                    if r as usize >= limits.max_rows {
                        return Err(too_many_rows(limits));
                    }
                    current = Some(r);
                    cells.clear();
                }
                let c = c as usize;
                if c >= limits.max_columns {
                    continue;
                }
                if cells.len() <= c {
                    cells.resize(c + 1, Cell::Empty);
                }
                cells[c] = from_ref(cell.get_value());
            }
            if let Some(prev) = current {
                let row = prev as usize + 1;
                check_cells(row, &cells, limits)?;
                let _ = f(row, &cells);
            }
        }
        Format::Xls | Format::Ods => {
            if format == Format::Ods {
                check_zip(&mut input, limits)?;
                check_ods(&mut input, limits)?;
            }
            let range = match format {
                Format::Xls => {
                    let mut wb: calamine::Xls<_> = calamine::Xls::new(BufReader::new(input))
                        .map_err(|e| match e {
                            calamine::XlsError::Password => password(),
                            _ => not_a_sheet(),
                        })?;
                    let name = wb.sheet_names().first().cloned().ok_or_else(not_a_sheet)?;
                    wb.worksheet_range(&name).map_err(|_| not_a_sheet())?
                }
                _ => {
                    let mut wb: calamine::Ods<_> =
                        calamine::Ods::new(BufReader::new(input)).map_err(|_| not_a_sheet())?;
                    let name = wb.sheet_names().first().cloned().ok_or_else(not_a_sheet)?;
                    wb.worksheet_range(&name).map_err(|_| not_a_sheet())?
                }
            };
            let (r0, c0) = range.start().unwrap_or((0, 0));
            if range.height() >= limits.max_rows {
                return Err(too_many_rows(limits));
            }
            let mut cells = Vec::new();
            for (i, row) in range.rows().enumerate() {
                cells.clear();
                cells.resize(c0 as usize, Cell::Empty);
                cells.extend(row.iter().take(limits.max_columns).map(from_data));
                let n = r0 as usize + i + 1;
                check_cells(n, &cells, limits)?;
                if f(n, &cells).is_break() {
                    break;
                }
            }
        }
        Format::Csv => {
            let enc = crate::encoding::detect(&mut input).map_err(io)?;
            encoding = Some(enc);
            if enc.is_utf16() {
                read_csv(
                    crate::encoding::Utf16ToUtf8::new(input, enc),
                    TextEncoding::Utf8,
                    limits,
                    f,
                )?
            } else {
                read_csv(input, enc, limits, f)?
            }
        }
    }
    Ok(FileKind { format, encoding })
}

/// Stops a line (a CSV record) from growing without bound: a record longer than this is
/// not a school list.
const MAX_LINE_BYTES: usize = 16 << 20;

/// Newlines seen so far: (byte offset, preceded by `\r`). Shared with the CSV loop to
/// turn a record's byte offset into the line number an editor shows (the csv reader does
/// not count blank lines).
type Newlines = std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, bool)>>>;

struct LineGuard<R> {
    inner: R,
    since_newline: usize,
    offset: u64,
    last: u8,
    newlines: Newlines,
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut nl = self.newlines.borrow_mut();
        for b in &buf[..n] {
            if *b == b'\n' {
                self.since_newline = 0;
                nl.push_back((self.offset, self.last == b'\r'));
            } else {
                self.since_newline += 1;
                if self.since_newline > MAX_LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "line too long",
                    ));
                }
            }
            self.last = *b;
            self.offset += 1;
        }
        Ok(n)
    }
}

/// Line counting for the CSV loop.
struct Lines {
    newlines: Newlines,
    before: usize,
}

impl Lines {
    /// The 1-based line of a record starting at `byte` (which may point at the blank
    /// lines before it).
    fn line_of(&mut self, byte: u64) -> usize {
        let mut nl = self.newlines.borrow_mut();
        while nl.front().is_some_and(|(o, _)| *o < byte) {
            nl.pop_front();
            self.before += 1;
        }
        let mut line = self.before + 1;
        let mut pos = byte;
        // Blank lines: a newline right here, or a `\r\n` starting here.
        for &(o, crlf) in nl.iter() {
            if o == pos || (crlf && o == pos + 1) {
                line += 1;
                pos = o + 1;
            } else {
                break;
            }
        }
        line
    }
}

fn read_csv<R: Read>(
    input: R,
    enc: TextEncoding,
    limits: &Limits,
    mut f: impl FnMut(usize, &[Cell]) -> ControlFlow<()>,
) -> Result<(), SheetError> {
    let newlines: Newlines = Default::default();
    let mut lines = Lines {
        newlines: newlines.clone(),
        before: 0,
    };
    let guard = LineGuard {
        inner: input,
        since_newline: 0,
        offset: 0,
        last: 0,
        newlines,
    };
    let mut buffered = BufReader::with_capacity(1 << 16, guard);
    // The separator by the first lines (title lines above the header have none): Excel
    // in Vietnamese locales writes `;`. A comma wins a tie.
    let first = buffered.fill_buf().map_err(io)?;
    let head: Vec<&[u8]> = first.split(|b| *b == b'\n').take(50).collect();
    let mut delim = b',';
    let mut best = 0usize;
    for d in [b',', b';', b'\t'] {
        let n: usize = head
            .iter()
            .map(|l| l.iter().filter(|b| **b == d).count())
            .sum();
        if n > best {
            (delim, best) = (d, n);
        }
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(buffered);
    let mut record = csv::ByteRecord::new();
    let mut row = 0usize;
    let mut cells: Vec<Cell> = Vec::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(row + 1);
                let too_long = matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData);
                return Err(if too_long {
                    SheetError::new(
                        line,
                        None,
                        "cell_too_long",
                        "Một dòng của tệp dài bất thường.",
                        "A line of the file is abnormally long.",
                    )
                } else {
                    SheetError::new(
                        line,
                        None,
                        "malformed_csv",
                        "Tệp CSV bị lỗi định dạng.",
                        "The CSV file is malformed.",
                    )
                });
            }
        }
        // csv counts lines without the blank ones; officials count every line.
        row = record
            .position()
            .map(|p| lines.line_of(p.byte()))
            .unwrap_or(row + 1);
        if row > limits.max_rows {
            return Err(too_many_rows(limits));
        }
        cells.clear();
        for (i, field) in record.iter().enumerate().take(limits.max_columns) {
            let mut field = field;
            if i == 0 && row == 1 {
                field = field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field);
            }
            if field.is_empty() {
                cells.push(Cell::Empty);
                continue;
            }
            let utf8 = !matches!(enc, TextEncoding::Windows1252 | TextEncoding::Windows1258);
            if utf8 && std::str::from_utf8(field).is_err() {
                return Err(SheetError::new(
                    row,
                    Some(&crate::column_letter(i)),
                    "not_utf8",
                    format!(
                        "Ô không phải văn bản {} như phần đầu của tệp: hãy lưu lại tệp dạng \"CSV UTF-8\".",
                        enc.label()
                    ),
                    format!(
                        "The cell is not {} text like the start of the file: save the file again as \"CSV UTF-8\".",
                        enc.label()
                    ),
                ));
            }
            cells.push(Cell::Text(crate::encoding::decode(field, enc)));
        }
        check_cells(row, &cells, limits)?;
        if f(row, &cells).is_break() {
            break;
        }
    }
    Ok(())
}
