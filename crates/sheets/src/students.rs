//! A school's list of students as offices make it: title rows, a header found by its
//! column names (any order, any wording from the synonyms, accents and case ignored),
//! perhaps a second header row under merged cells and a row of column numbers, data rows,
//! then signatures. Each row becomes `StudentFields` for the domain to check.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use domain::students::StudentsError;
use domain::students::programs::normalise;
use domain::students::{DobCell, StudentFields};
use std::io::{Read, Seek};
use std::ops::ControlFlow;
use text::{CellDecoder, Encoding};

/// The columns a list may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Stt,
    Name,
    Dob,
    Gender,
    Female,
    Ethnicity,
    Class,
    Code,
    Village,
    Commune,
    Address,
    Parent,
    Tier,
    Certificate,
    HasDevice,
    Note,
}

impl Field {
    /// The column name used in error reports when the file's own header is not known.
    pub fn name(self) -> &'static str {
        match self {
            Field::Stt => "STT",
            Field::Name => "Họ và tên",
            Field::Dob => "Ngày sinh",
            Field::Gender => "Giới tính",
            Field::Female => "Nữ",
            Field::Ethnicity => "Dân tộc",
            Field::Class => "Lớp",
            Field::Code => "Mã định danh học sinh",
            Field::Village => "Thôn/Bon/Buôn",
            Field::Commune => "Xã/Phường/Thị trấn",
            Field::Address => "Địa chỉ",
            Field::Parent => "Họ tên cha/mẹ/người giám hộ",
            Field::Tier => "Đối tượng",
            Field::Certificate => "Số giấy chứng nhận hộ nghèo/cận nghèo",
            Field::HasDevice => "Đã có máy tính",
            Field::Note => "Ghi chú",
        }
    }
}

/// Header synonyms, normalised (folded, punctuation as spaces). A trailing `*` matches
/// any header that starts with the words before it.
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::Stt, &["stt", "tt", "so tt", "so thu tu"]),
    (
        Field::Name,
        &[
            "ho va ten",
            "ho ten",
            "ho ten hoc sinh",
            "ho va ten hoc sinh",
            "ten hoc sinh",
            "hoc sinh",
        ],
    ),
    (
        Field::Dob,
        &[
            "ngay sinh",
            "ngay thang nam sinh",
            "sinh ngay",
            "ngay sinh dd mm yyyy",
            "ngay thang nam sinh dd mm yyyy",
        ],
    ),
    (
        Field::Gender,
        &["gioi tinh", "gioi", "phai", "gioi tinh nam nu"],
    ),
    (Field::Female, &["nu"]),
    (Field::Ethnicity, &["dan toc"]),
    (Field::Class, &["lop", "lop hoc"]),
    (
        Field::Code,
        &[
            "ma dinh danh hoc sinh",
            "ma dinh danh",
            "ma hs",
            "ma hoc sinh",
            "ma so hoc sinh",
            "so dinh danh",
            "ma dinh danh ca nhan",
            "so cccd",
            "cccd",
            "ma dinh danh*",
        ],
    ),
    (
        Field::Village,
        &[
            "thon",
            "thon bon buon",
            "thon buon",
            "thon bon",
            "thon to",
            "ap",
            "to dan pho",
            "thon xom",
        ],
    ),
    (
        Field::Commune,
        &[
            "xa",
            "xa phuong thi tran",
            "xa phuong",
            "phuong xa",
            "xa thi tran",
        ],
    ),
    (
        Field::Address,
        &[
            "dia chi",
            "dia chi thon xa",
            "noi o",
            "cho o hien nay",
            "dia chi thuong tru",
            "dia chi*",
        ],
    ),
    (
        Field::Parent,
        &[
            "phu huynh",
            "ho ten phu huynh",
            "ho ten cha me",
            "cha me",
            "nguoi giam ho",
            "ho ten cha*",
            "ho ten me*",
            "ho ten bo*",
            "ho ten phu huynh*",
            "ten cha me*",
        ],
    ),
    (
        Field::Tier,
        &[
            "doi tuong",
            "thuoc doi tuong",
            "dien doi tuong",
            "doi tuong uu tien",
            "dien",
            "doi tuong thu huong",
            "thuoc dien",
        ],
    ),
    (
        Field::Certificate,
        &[
            "so giay chung nhan*",
            "so so ho*",
            "so gcn*",
            "so chung nhan*",
        ],
    ),
    (
        Field::HasDevice,
        &[
            "da co may tinh",
            "co may tinh chua",
            "co may tinh",
            "da co thiet bi",
            "da co may",
            "co thiet bi hoc truc tuyen chua",
        ],
    ),
    (Field::Note, &["ghi chu"]),
];

fn match_header(text: &str) -> Option<Field> {
    match_synonym(SYNONYMS, text)
}

/// The field whose synonyms name a header cell: exact names first, then the names
/// ending in `*` as prefixes of whole words.
pub(crate) fn match_synonym<F: Copy>(table: &[(F, &[&str])], text: &str) -> Option<F> {
    let h = normalise(&text::fold(text));
    if h.is_empty() {
        return None;
    }
    for (field, names) in table {
        if names.iter().any(|n| !n.ends_with('*') && *n == h) {
            return Some(*field);
        }
    }
    for (field, names) in table {
        if names.iter().any(|n| {
            n.strip_suffix('*')
                .is_some_and(|p| h.starts_with(p) && h[p.len()..].starts_with(' '))
        }) {
            return Some(*field);
        }
    }
    None
}

/// Where the header is and which column holds what.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// 1-based row of the (first) header row.
    pub header_row: usize,
    /// (field, 0-based column, header text as written, decoded).
    pub columns: Vec<(Field, usize, String)>,
}

impl Layout {
    fn col(&self, f: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(x, ..)| *x == f)
            .map(|(_, c, _)| *c)
    }

    /// The header as the file writes it, for error messages.
    pub fn header(&self, f: Field) -> String {
        self.columns
            .iter()
            .find(|(x, ..)| *x == f)
            .map(|(_, _, h)| h.clone())
            .unwrap_or_else(|| f.name().to_string())
    }

    fn from_row(row: usize, cells: &[String]) -> Layout {
        let mut columns: Vec<(Field, usize, String)> = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if let Some(f) = match_header(c)
                && !columns.iter().any(|(x, ..)| *x == f)
            {
                columns.push((f, i, c.trim().to_string()));
            }
        }
        Layout {
            header_row: row,
            columns,
        }
    }

    fn score(&self) -> usize {
        if self.col(Field::Name).is_none() {
            return 0;
        }
        self.columns.len()
    }

    /// A second header row under merged cells ("Địa chỉ" over "Thôn" and "Xã"): its
    /// names fill columns the first row left empty or only named in general.
    fn merge_subheader(&mut self, cells: &[String]) -> bool {
        let mut merged = false;
        for (i, c) in cells.iter().enumerate() {
            let Some(f) = match_header(c) else { continue };
            let taken_here = self.columns.iter().position(|(_, col, _)| *col == i);
            let general = taken_here.is_some_and(|p| self.columns[p].0 == Field::Address);
            if (taken_here.is_none() || general) && !self.columns.iter().any(|(x, ..)| *x == f) {
                if let Some(p) = taken_here {
                    self.columns.remove(p);
                }
                self.columns.push((f, i, c.trim().to_string()));
                merged = true;
            }
        }
        merged
    }
}

/// A row of column numbers under the header: `(1) (2) (3)…` or `1 2 3…` or `A B C…`.
pub(crate) fn is_numbering_row(cells: &[String]) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
    filled.len() >= 3
        && filled.iter().all(|c| {
            let t = c.trim().trim_start_matches('(').trim_end_matches(')');
            (!t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()))
                || (t.len() == 1 && t.bytes().all(|b| b.is_ascii_alphabetic()))
        })
}

/// One data row, ready for the domain's checks.
#[derive(Debug, Clone)]
pub struct StudentRow {
    /// The spreadsheet's 1-based row number.
    pub row: usize,
    pub fields: StudentFields,
    /// How the name cell was encoded (for reports and tests).
    pub name_encoding: Encoding,
}

/// What reading the list found.
#[derive(Debug, Clone, Default)]
pub struct ListSummary {
    pub layout: Layout,
    pub data_rows: usize,
    /// Rows after the header that are not data (blank, column numbers, signatures).
    pub skipped: usize,
    /// The encoding a CSV was read in (decided for the whole file).
    pub encoding: Option<crate::encoding::TextEncoding>,
}

const HEADER_SEARCH_ROWS: usize = 40;

enum State {
    /// Looking for the header among the first rows.
    Searching,
    /// The header was found; the next row may complete it.
    JustAfterHeader,
    Data {
        after_header: usize,
    },
}

fn cell_text(decoder: &mut CellDecoder, c: &Cell) -> (String, Encoding) {
    match c {
        Cell::Text(t) => decoder.decode(t),
        other => (other.text(), Encoding::Nfc),
    }
}

/// Student codes typed as numbers lose their leading zero: 9 or 11 digits get it back.
fn code_text(c: &Cell) -> String {
    match c {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
            let s = format!("{}", *n as u64);
            if s.len() == 9 || s.len() == 11 {
                format!("0{s}")
            } else {
                s
            }
        }
        other => other.text(),
    }
}

/// Excel serial day numbers in a date column without a date format (1900 system).
fn serial_date(n: f64) -> Option<time::Date> {
    if !(1.0..=80_000.0).contains(&n) || n.fract() != 0.0 {
        return None;
    }
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    base.checked_add(time::Duration::days(n as i64))
}

fn missing_columns(layout: &Layout) -> Option<SheetError> {
    let missing: Vec<&str> = [Field::Name, Field::Dob, Field::Tier]
        .into_iter()
        .filter(|f| layout.col(*f).is_none())
        .map(Field::name)
        .collect();
    (!missing.is_empty()).then(|| {
        SheetError::new(
            layout.header_row,
            None,
            "missing_column",
            format!("Dòng tiêu đề thiếu cột: {}.", missing.join(", ")),
            format!("The header has no column for: {}.", missing.join(", ")),
        )
    })
}

/// Reads a school's list, calling `on_row` for each data row in file order.
pub fn read_student_list<R: Read + Seek>(
    input: R,
    limits: &Limits,
    mut on_row: impl FnMut(&Layout, StudentRow) -> ControlFlow<()>,
) -> Result<ListSummary, SheetError> {
    let mut decoder = CellDecoder::new();
    let mut state = State::Searching;
    let mut layout = Layout::default();
    let mut counts = (0usize, 0usize);
    let mut error: Option<SheetError> = None;
    let kind = for_each_row(input, limits, |row, cells| match &mut state {
        State::Searching => {
            if row > HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            let texts: Vec<String> = cells.iter().map(|c| cell_text(&mut decoder, c).0).collect();
            let candidate = Layout::from_row(row, &texts);
            if candidate.score() >= 3 {
                layout = candidate;
                state = State::JustAfterHeader;
            }
            ControlFlow::Continue(())
        }
        State::JustAfterHeader => {
            let texts: Vec<String> = cells.iter().map(|c| cell_text(&mut decoder, c).0).collect();
            let merged = layout.merge_subheader(&texts);
            if let Some(e) = missing_columns(&layout) {
                error = Some(e);
                return ControlFlow::Break(());
            }
            state = State::Data { after_header: 1 };
            if merged {
                return ControlFlow::Continue(());
            }
            if is_numbering_row(&texts) {
                counts.1 += 1;
                return ControlFlow::Continue(());
            }
            data_row(&mut decoder, &layout, row, cells, &mut counts, &mut on_row)
        }
        State::Data { after_header } => {
            *after_header += 1;
            if *after_header <= 3 {
                let texts: Vec<String> =
                    cells.iter().map(|c| cell_text(&mut decoder, c).0).collect();
                if is_numbering_row(&texts) {
                    counts.1 += 1;
                    return ControlFlow::Continue(());
                }
            }
            data_row(&mut decoder, &layout, row, cells, &mut counts, &mut on_row)
        }
    })?;
    if let Some(e) = error {
        return Err(e);
    }
    if layout.header_row == 0 {
        return Err(SheetError::new(
            0,
            None,
            "no_header",
            "Không tìm thấy dòng tiêu đề (cần các cột Họ và tên, Ngày sinh, Đối tượng…) trong 40 dòng đầu.",
            "No header row (with Họ và tên, Ngày sinh, Đối tượng…) in the first 40 rows.",
        ));
    }
    if let (State::JustAfterHeader, Some(e)) = (&state, missing_columns(&layout)) {
        return Err(e);
    }
    Ok(ListSummary {
        layout,
        data_rows: counts.0,
        skipped: counts.1,
        encoding: kind.encoding,
    })
}

fn data_row(
    decoder: &mut CellDecoder,
    layout: &Layout,
    row: usize,
    cells: &[Cell],
    counts: &mut (usize, usize),
    on_row: &mut impl FnMut(&Layout, StudentRow) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let get = |f: Field| {
        layout
            .col(f)
            .and_then(|c| cells.get(c))
            .unwrap_or(&Cell::Empty)
    };
    let (name, name_encoding) = cell_text(decoder, get(Field::Name));
    let has = |f: Field| !get(f).is_empty();
    if name.trim().is_empty() || !(has(Field::Stt) || has(Field::Dob) || has(Field::Code)) {
        counts.1 += 1;
        return ControlFlow::Continue(());
    }
    counts.0 += 1;
    let mut text = |f: Field| cell_text(decoder, get(f)).0;
    let dob = match get(Field::Dob) {
        Cell::Empty => DobCell::Missing,
        Cell::Date(d) => DobCell::Date(*d),
        Cell::Number(n) => serial_date(*n)
            .map(DobCell::Date)
            .unwrap_or_else(|| DobCell::Text(Cell::Number(*n).text())),
        Cell::Text(t) if t.trim().is_empty() => DobCell::Missing,
        other => DobCell::Text(other.text()),
    };
    let (mut village, mut commune) = (text(Field::Village), text(Field::Commune));
    if village.is_empty() && commune.is_empty() {
        let address = text(Field::Address);
        match address.rsplit_once(',') {
            Some((v, c)) => {
                village = v.trim().to_string();
                commune = c.trim().to_string();
            }
            None => village = address.trim().to_string(),
        }
    }
    let tier_raw = text(Field::Tier);
    let gender = layout
        .col(Field::Gender)
        .map(|_| text::fold(&text(Field::Gender)));
    let female = layout.col(Field::Female).map(|_| {
        let v = text::fold(&text(Field::Female));
        !(v.is_empty() || v == "0" || v == "khong" || v == "-")
    });
    let fields = StudentFields {
        name,
        dob: Some(dob),
        gender_folded: gender,
        female_mark: female,
        ethnicity: text(Field::Ethnicity),
        class_name: text(Field::Class),
        code: code_text(get(Field::Code)),
        village,
        commune,
        parent_name: text(Field::Parent),
        tier_folded: text::fold(&tier_raw),
        tier_raw,
        certificate_no: text(Field::Certificate),
        has_device_folded: text::fold(&text(Field::HasDevice)),
        note: text(Field::Note),
    };
    on_row(
        layout,
        StudentRow {
            row,
            fields,
            name_encoding,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_as_offices_write_them() {
        for (h, f) in [
            ("Họ và tên", Field::Name),
            ("Họ tên học sinh", Field::Name),
            ("HỌ VÀ TÊN", Field::Name),
            ("Ngày sinh", Field::Dob),
            ("Ngày, tháng, năm sinh", Field::Dob),
            ("Mã định danh học sinh", Field::Code),
            ("Mã HS", Field::Code),
            ("Đối tượng", Field::Tier),
            ("Thuộc đối tượng", Field::Tier),
            ("Họ tên cha/mẹ/người giám hộ", Field::Parent),
            ("Số giấy chứng nhận hộ nghèo/cận nghèo", Field::Certificate),
            ("Số sổ hộ nghèo/cận nghèo", Field::Certificate),
            ("Đã có máy tính", Field::HasDevice),
            ("Có máy tính chưa?", Field::HasDevice),
            ("Địa chỉ (thôn, xã)", Field::Address),
            ("Thôn/Bon/Buôn", Field::Village),
            ("Xã/Phường/Thị trấn", Field::Commune),
            ("  Giới   tính ", Field::Gender),
            ("Nữ", Field::Female),
            ("TT", Field::Stt),
        ] {
            assert_eq!(match_header(h), Some(f), "{h}");
        }
        assert_eq!(match_header("Tên trường"), None);
        assert_eq!(match_header(""), None);
    }

    #[test]
    fn csv_with_title_lines_and_either_separator() {
        for sep in [",", ";", "\t"] {
            let csv = format!(
                "UBND HUYỆN ĐẮK MIL\nTRƯỜNG THCS NGUYỄN DU\n\nSTT{sep}Họ và tên{sep}Ngày sinh{sep}Đối tượng\n1{sep}Nguyễn Văn An{sep}01/02/2010{sep}HN\n"
            );
            let mut rows = Vec::new();
            let s = read_student_list(
                std::io::Cursor::new(csv.into_bytes()),
                &Limits::default(),
                |_, r| {
                    rows.push(r);
                    ControlFlow::Continue(())
                },
            )
            .unwrap();
            assert_eq!((s.layout.header_row, rows.len()), (4, 1), "{sep:?}");
            assert_eq!(rows[0].row, 5);
            assert_eq!(rows[0].fields.name, "Nguyễn Văn An");
        }
    }

    #[test]
    fn numbering_rows() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(is_numbering_row(&s(&["(1)", "(2)", "(3)", "(4)"])));
        assert!(is_numbering_row(&s(&["1", "2", "3", ""])));
        assert!(is_numbering_row(&s(&["A", "B", "C"])));
        assert!(!is_numbering_row(&s(&["1", "Nguyễn Văn A", "12/3/2010"])));
    }
}

/// A row after the domain's checks: accepted, or rejected with every problem.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one row at a time: boxing would only add an allocation
pub enum Checked {
    Accepted {
        row: usize,
        draft: domain::students::StudentDraft,
        name_encoding: Encoding,
    },
    Rejected {
        row: usize,
        errors: Vec<SheetError>,
        name_encoding: Encoding,
    },
}

/// What checking a list found, besides its rows.
#[derive(Debug, Clone, Default)]
pub struct CheckSummary {
    pub header_row: usize,
    pub data_rows: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
    /// The encoding a CSV was read in.
    pub encoding: Option<crate::encoding::TextEncoding>,
}

fn field_of(domain_field: &str) -> Field {
    match domain_field {
        "name" => Field::Name,
        "dob" => Field::Dob,
        "code" => Field::Code,
        "tier" => Field::Tier,
        "has_device" => Field::HasDevice,
        _ => Field::Note,
    }
}

/// Reads a list and checks every row against the round and the tiers; a student code
/// already seen on an earlier row of the file rejects the later row (`duplicate_in_file`).
/// Memory stays flat: only the codes seen are kept.
pub fn check_student_list<R: Read + Seek>(
    input: R,
    limits: &Limits,
    round: &domain::students::programs::Round,
    tiers: &[domain::students::programs::Tier],
    mut on_row: impl FnMut(Checked) -> ControlFlow<()>,
) -> Result<CheckSummary, SheetError> {
    use domain::Lang;
    use domain::students::{StudentCode, StudentDraft};
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut accepted = 0;
    let mut rejected = 0;
    let matcher = domain::students::programs::TierMatcher::new(tiers);
    let summary = read_student_list(input, limits, |layout, r| {
        let result = StudentDraft::check_with(&r.fields, round, &matcher);
        let checked = match result {
            Ok(draft) => {
                let dup = draft.code.as_ref().and_then(|c| {
                    let key = c.as_u64();
                    match seen.get(&key) {
                        Some(first) => Some((c.clone(), *first)),
                        None => {
                            seen.insert(key, r.row);
                            None
                        }
                    }
                });
                match dup {
                    Some((code, first_row)) => {
                        let e = domain::DomainError::Students(StudentsError::DuplicateInFile {
                            code: code.to_string(),
                            first_row,
                        });
                        Checked::Rejected {
                            row: r.row,
                            name_encoding: r.name_encoding,
                            errors: vec![SheetError::new(
                                r.row,
                                Some(&layout.header(Field::Code)),
                                e.code(),
                                e.message(Lang::Vi),
                                e.message(Lang::En),
                            )],
                        }
                    }
                    None => Checked::Accepted {
                        row: r.row,
                        draft,
                        name_encoding: r.name_encoding,
                    },
                }
            }
            Err(errs) => {
                // A rejected row's code still counts as seen, so a later copy is flagged.
                if let Ok(c) = StudentCode::parse(&r.fields.code) {
                    seen.entry(c.as_u64()).or_insert(r.row);
                }
                Checked::Rejected {
                    row: r.row,
                    name_encoding: r.name_encoding,
                    errors: errs
                        .into_iter()
                        .map(|(f, e)| {
                            SheetError::new(
                                r.row,
                                Some(&layout.header(field_of(f))),
                                e.code(),
                                e.message(Lang::Vi),
                                e.message(Lang::En),
                            )
                        })
                        .collect(),
                }
            }
        };
        match &checked {
            Checked::Accepted { .. } => accepted += 1,
            Checked::Rejected { .. } => rejected += 1,
        }
        on_row(checked)
    })?;
    Ok(CheckSummary {
        header_row: summary.layout.header_row,
        data_rows: summary.data_rows,
        accepted,
        rejected,
        skipped: summary.skipped,
        encoding: summary.encoding,
    })
}
