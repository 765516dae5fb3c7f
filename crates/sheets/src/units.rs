//! The units file: one unit per line, parents by code. The shipped Đắk Nông file has
//! `level,code,name,parent,kind`; schools may add `school_level`, `commune`, `internet`,
//! and departments `agency`. Headers may also be written in Vietnamese.

use crate::SheetError;
use domain::Lang;
use domain::units::{UnitDraft, UnitFields};
use std::io::Read;

/// One line of the units file, trimmed and in NFC; meaning is checked by the domain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitLine {
    /// 1-based line number in the file (the header is line 1).
    pub row: usize,
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent: String,
    /// The administrative type as written (tỉnh, huyện, thành phố, xã, phường…).
    pub kind: String,
    pub school_level: String,
    pub commune: String,
    pub internet: String,
    pub agency: String,
}

/// A units file read: its lines and its headers as written.
#[derive(Debug, Clone, Default)]
pub struct UnitFile {
    pub lines: Vec<UnitLine>,
    /// (field, header as written in the file).
    headers: Vec<(&'static str, String)>,
}

impl UnitFile {
    /// The header the file uses for a field, so messages name the column the official sees.
    pub fn header(&self, field: &str) -> String {
        self.headers
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| field.to_string())
    }

    /// Checks every line's fields; all problems of all lines, or the drafts with their rows.
    pub fn drafts(&self) -> Result<Vec<(usize, UnitDraft)>, Vec<SheetError>> {
        let mut out = Vec::with_capacity(self.lines.len());
        let mut errors = Vec::new();
        for l in &self.lines {
            let fields = UnitFields {
                level: &l.level,
                code: &l.code,
                name: &l.name,
                parent: &l.parent,
                admin_type: &l.kind,
                agency: &l.agency,
                school_level: &l.school_level,
                commune: &l.commune,
                internet: &l.internet,
            };
            match UnitDraft::parse(&fields, &text::fold(&l.name)) {
                Ok(d) => out.push((l.row, d)),
                Err(errs) => errors.extend(errs.into_iter().map(|(field, e)| {
                    SheetError::new(
                        l.row,
                        Some(&self.header(field)),
                        e.code(),
                        e.message(Lang::Vi),
                        e.message(Lang::En),
                    )
                })),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Level,
    Code,
    Name,
    Parent,
    Kind,
    SchoolLevel,
    Commune,
    Internet,
    Agency,
}

impl Col {
    fn from_header(h: &str) -> Option<Col> {
        let f = text::fold(h);
        let f = f.replace(['_', '-'], " ");
        Some(match f.trim() {
            "level" | "cap" | "cap don vi" => Col::Level,
            "code" | "ma" | "ma don vi" => Col::Code,
            "name" | "ten" | "ten don vi" => Col::Name,
            "parent" | "ma cap tren" | "don vi cap tren" | "cap tren" => Col::Parent,
            "kind" | "loai" | "loai hinh" => Col::Kind,
            "school level" | "cap hoc" => Col::SchoolLevel,
            "commune" | "xa" | "ma xa" | "xa phuong" => Col::Commune,
            "internet" | "ket noi internet" => Col::Internet,
            "agency" | "co quan" => Col::Agency,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Col::Level => "level",
            Col::Code => "code",
            Col::Name => "name",
            Col::Parent => "parent",
            Col::Kind => "kind",
            Col::SchoolLevel => "school_level",
            Col::Commune => "commune",
            Col::Internet => "internet",
            Col::Agency => "agency",
        }
    }
}

/// Most units a file may hold: a whole country has about 60,000 schools and communes.
pub const MAX_UNIT_LINES: usize = 200_000;
const MAX_CELL_BYTES: usize = 1_000;
/// A units file is small; anything larger is not one.
pub const MAX_FILE_BYTES: u64 = 50_000_000;

/// Reads a units CSV. All problems are returned together so an official can fix the file
/// in one pass; the caller writes nothing unless the list is empty.
pub fn read_units_csv<R: Read>(input: R) -> Result<UnitFile, Vec<SheetError>> {
    let mut bytes = Vec::new();
    if let Err(e) = input.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        return Err(vec![SheetError::new(
            0,
            None,
            "unreadable",
            format!("Không đọc được tệp: {e}."),
            format!("The file cannot be read: {e}."),
        )]);
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![SheetError::new(
            0,
            None,
            "file_too_large",
            format!("Tệp đơn vị lớn hơn {} MB.", MAX_FILE_BYTES / 1_000_000),
            format!(
                "The units file is larger than {} MB.",
                MAX_FILE_BYTES / 1_000_000
            ),
        )]);
    }
    // One encoding for the whole file: UTF-8 (with or without its mark), UTF-16 (read as
    // UTF-8) or Windows-1258. Anything else is refused below, cell by cell.
    let encoding = crate::encoding::detect(&mut std::io::Cursor::new(&bytes[..]))
        .unwrap_or(crate::encoding::TextEncoding::Utf8);
    if encoding.is_utf16() {
        let mut utf8 = Vec::new();
        let read = crate::encoding::Utf16ToUtf8::new(std::io::Cursor::new(&bytes[..]), encoding)
            .read_to_end(&mut utf8);
        if read.is_ok() {
            bytes = utf8;
        }
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        bytes = rest.to_vec();
    }
    // The csv reader skips blank lines without counting them; officials need the line
    // number their editor shows, so lines are counted from byte offsets.
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // A record's position may point at the blank lines before it: step over them.
    let line_at = |offset: u64| {
        let mut at = offset as usize;
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        newlines.partition_point(|&n| n < at) + 1
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    let mut columns: Option<Vec<(Option<Col>, String)>> = None;
    let mut record = csv::ByteRecord::new();
    let mut row = 0usize;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map(|p| line_at(p.byte())).unwrap_or(row + 1);
                errors.push(SheetError::new(
                    at,
                    None,
                    "malformed_csv",
                    "Tệp CSV bị lỗi định dạng (dấu ngoặc kép không đóng hoặc ký tự lạ).",
                    "The CSV file is malformed (an unclosed quote or a stray character).",
                ));
                break;
            }
        }
        row = record
            .position()
            .map(|p| line_at(p.byte()))
            .unwrap_or(row + 1);
        let mut cells = Vec::with_capacity(record.len());
        let mut bad = false;
        for (i, raw) in record.iter().enumerate() {
            let raw = if row == 1 && i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let col_name = columns
                .as_ref()
                .and_then(|c| c.get(i))
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| format!("#{}", i + 1));
            let decoded = match encoding {
                crate::encoding::TextEncoding::Windows1258 => {
                    Ok(crate::encoding::decode(raw, encoding))
                }
                _ => std::str::from_utf8(raw).map(str::to_string),
            };
            match decoded.as_deref() {
                Ok(s) if s.len() <= MAX_CELL_BYTES => cells.push(text::nfc(s.trim())),
                Ok(_) => {
                    errors.push(SheetError::new(
                        row,
                        Some(&col_name),
                        "cell_too_long",
                        format!("Ô dài quá {MAX_CELL_BYTES} byte."),
                        format!("The cell is longer than {MAX_CELL_BYTES} bytes."),
                    ));
                    bad = true;
                }
                Err(_) => {
                    errors.push(SheetError::new(
                        row,
                        Some(&col_name),
                        "not_utf8",
                        "Ô không phải văn bản UTF-8 (tệp không phải UTF-8, UTF-16 hay Windows-1258): hãy lưu tệp dạng \"CSV UTF-8\".",
                        "The cell is not UTF-8 text (the file is not UTF-8, UTF-16 or Windows-1258): save it as \"CSV UTF-8\".",
                    ));
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let Some(cols) = &columns else {
            let cols: Vec<(Option<Col>, String)> = cells
                .iter()
                .map(|h| (Col::from_header(h), h.clone()))
                .collect();
            for need in [Col::Level, Col::Code, Col::Name, Col::Parent] {
                if !cols.iter().any(|(c, _)| *c == Some(need)) {
                    errors.push(SheetError::new(
                        row,
                        Some(need.name()),
                        "missing_column",
                        format!("Thiếu cột \"{}\" ở dòng tiêu đề.", need.name()),
                        format!("The header has no \"{}\" column.", need.name()),
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            columns = Some(cols);
            continue;
        };
        if lines.len() >= MAX_UNIT_LINES {
            errors.push(SheetError::new(
                row,
                None,
                "too_many_rows",
                format!("Tệp có quá {MAX_UNIT_LINES} đơn vị."),
                format!("The file has more than {MAX_UNIT_LINES} units."),
            ));
            break;
        }
        let mut line = UnitLine {
            row,
            ..UnitLine::default()
        };
        for (i, cell) in cells.into_iter().enumerate() {
            let Some((Some(col), _)) = cols.get(i) else {
                continue;
            };
            let slot = match col {
                Col::Level => &mut line.level,
                Col::Code => &mut line.code,
                Col::Name => &mut line.name,
                Col::Parent => &mut line.parent,
                Col::Kind => &mut line.kind,
                Col::SchoolLevel => &mut line.school_level,
                Col::Commune => &mut line.commune,
                Col::Internet => &mut line.internet,
                Col::Agency => &mut line.agency,
            };
            *slot = cell;
        }
        lines.push(line);
    }
    if columns.is_none() && errors.is_empty() {
        errors.push(SheetError::new(
            1,
            None,
            "empty_file",
            "Tệp không có dữ liệu.",
            "The file is empty.",
        ));
    }
    let headers = columns
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(c, h)| c.map(|c| (c.name(), h)))
        .collect();
    if errors.is_empty() {
        Ok(UnitFile { lines, headers })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_dak_nong_shape() {
        let csv = "level,code,name,parent,kind\nprovince,67,Tỉnh Đắk Nông,,tỉnh\n\ncommune,,Xã Đắk Gằn,663,xã\n";
        let lines = read_units_csv(csv.as_bytes()).unwrap().lines;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].row, 2);
        assert_eq!(lines[1].row, 4);
        assert_eq!(lines[1].name, "Xã Đắk Gằn");
        assert_eq!(lines[1].parent, "663");
    }

    #[test]
    fn vietnamese_headers_bom_and_nfd() {
        let nfd = "Xa\u{303} \u{110}a\u{306}\u{301}k Ga\u{306}\u{300}n";
        let csv = format!("\u{feff}Cấp,Mã,Tên đơn vị,Mã cấp trên,Cấp học\nxã,x1,{nfd},663,\n");
        let lines = read_units_csv(csv.as_bytes()).unwrap().lines;
        assert_eq!(lines[0].name, "Xã Đắk Gằn");
        assert_eq!(lines[0].code, "x1");
    }

    #[test]
    fn names_missing_columns() {
        let errs = read_units_csv("level,name\nprovince,X\n".as_bytes()).unwrap_err();
        let cols: Vec<_> = errs.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(cols, vec!["code", "parent"]);
        assert!(
            errs.iter()
                .all(|e| e.row == 1 && e.code == "missing_column")
        );
    }

    #[test]
    fn names_the_row_and_column_of_bad_bytes() {
        let mut bytes = b"level,code,name,parent\nprovince,67,".to_vec();
        bytes.extend_from_slice(&[0xC0, 0x80]);
        bytes.extend_from_slice(b",\n");
        let errs = read_units_csv(&bytes[..]).unwrap_err();
        assert_eq!(errs[0].row, 2);
        assert_eq!(errs[0].column.as_deref(), Some("name"));
        assert_eq!(errs[0].code, "not_utf8");
    }

    #[test]
    fn drafts_name_the_column_as_written() {
        let csv = "Cấp,Mã,Tên,Mã cấp trên,Kết nối Internet\nxã,x1,Xã A,663,\ntrường,t1,,663,hỏng\n";
        let errs = read_units_csv(csv.as_bytes())
            .unwrap()
            .drafts()
            .unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|e| (e.row, e.column.clone().unwrap(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "Tên".to_string(), "invalid_unit_name"),
                (3, "Kết nối Internet".to_string(), "invalid_internet_status")
            ]
        );
    }

    #[test]
    fn the_shipped_dak_nong_file_reads() {
        let f = read_units_csv(&include_bytes!("../../../data/dak-nong-units.csv")[..]).unwrap();
        let drafts = f.drafts().unwrap();
        assert_eq!(drafts.len(), 80);
    }

    #[test]
    fn empty_file_is_refused() {
        assert_eq!(read_units_csv(&b""[..]).unwrap_err()[0].code, "empty_file");
    }
}
