//! The communes' registers of poor and near-poor households (danh sách hộ nghèo, hộ cận
//! nghèo) as the communes publish them: title rows, a header found by its column names,
//! perhaps a row of column numbers, one household per row, signatures below. The
//! category is a column (`Hộ nghèo`, `HCN`, …) or two columns marked `x`. Text in
//! TCVN3/VNI is converted per cell like the schools' lists.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use crate::students::{is_numbering_row, match_synonym};
use domain::students::programs::HouseholdCategory;
use std::io::{Read, Seek};
use std::ops::ControlFlow;
use text::CellDecoder;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Stt,
    Head,
    Members,
    Village,
    Commune,
    District,
    Category,
    Ngheo,
    CanNgheo,
    Certificate,
    Year,
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Stt => "STT",
            Col::Head => "Họ và tên chủ hộ",
            Col::Members => "Thành viên trong hộ",
            Col::Village => "Thôn, bon, buôn",
            Col::Commune => "Xã, phường, thị trấn",
            Col::District => "Huyện, thành phố",
            Col::Category => "Loại hộ",
            Col::Ngheo => "Hộ nghèo",
            Col::CanNgheo => "Hộ cận nghèo",
            Col::Certificate => "Số giấy chứng nhận",
            Col::Year => "Năm",
        }
    }
}

const SYNONYMS: &[(Col, &[&str])] = &[
    (Col::Stt, &["stt", "tt", "so tt", "so thu tu"]),
    (
        Col::Head,
        &[
            "ho va ten chu ho",
            "ho ten chu ho",
            "chu ho",
            "ten chu ho",
            "ho ten chu ho*",
        ],
    ),
    (
        Col::Members,
        &[
            "thanh vien",
            "thanh vien trong ho",
            "cac thanh vien",
            "ho ten thanh vien",
            "ho ten cac thanh vien",
            "nhan khau",
            "thanh vien*",
            "ho ten cac thanh vien*",
        ],
    ),
    (
        Col::Village,
        &[
            "thon",
            "thon bon buon",
            "thon buon",
            "thon bon",
            "thon to",
            "to dan pho",
        ],
    ),
    (
        Col::Commune,
        &[
            "xa",
            "xa phuong thi tran",
            "xa phuong",
            "phuong xa",
            "xa thi tran",
        ],
    ),
    (
        Col::District,
        &[
            "huyen",
            "huyen thanh pho",
            "huyen thi xa thanh pho",
            "huyen tp",
        ],
    ),
    (
        Col::Category,
        &[
            "loai ho",
            "phan loai",
            "phan loai ho",
            "ho ngheo ho can ngheo",
            "ho ngheo can ngheo",
            "dien",
            "thuoc dien",
            "doi tuong",
        ],
    ),
    (Col::Ngheo, &["ho ngheo", "ngheo"]),
    (Col::CanNgheo, &["ho can ngheo", "can ngheo"]),
    (
        Col::Certificate,
        &[
            "so giay chung nhan",
            "so gcn",
            "ma ho",
            "so chung nhan",
            "so giay chung nhan*",
            "so so*",
        ],
    ),
    (Col::Year, &["nam", "nam cong nhan", "nam ra soat"]),
];

/// One household of a register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRow {
    /// The spreadsheet's 1-based row.
    pub row: usize,
    pub head_name: String,
    pub members: Vec<String>,
    pub village: String,
    pub commune: String,
    pub district: String,
    pub category: HouseholdCategory,
    pub certificate_no: String,
    pub year: Option<i32>,
}

/// What reading a register found: the households and every rejected row.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub header_row: usize,
    pub rows: Vec<HouseholdRow>,
    pub errors: Vec<SheetError>,
    /// Rows after the header that are not households (blank, numbers, signatures).
    pub skipped: usize,
    /// The commune column's header as the file writes it.
    pub commune_column: String,
}

struct Layout {
    header_row: usize,
    columns: Vec<(Col, usize, String)>,
}

impl Layout {
    fn from_row(row: usize, cells: &[String]) -> Layout {
        let mut columns: Vec<(Col, usize, String)> = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if let Some(f) = match_synonym(SYNONYMS, c)
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

    fn col(&self, f: Col) -> Option<usize> {
        self.columns
            .iter()
            .find(|(x, ..)| *x == f)
            .map(|(_, c, _)| *c)
    }

    fn header(&self, f: Col) -> String {
        self.columns
            .iter()
            .find(|(x, ..)| *x == f)
            .map(|(_, _, h)| h.clone())
            .unwrap_or_else(|| f.name().to_string())
    }

    fn usable(&self) -> bool {
        self.col(Col::Head).is_some()
            && (self.col(Col::Category).is_some()
                || self.col(Col::Ngheo).is_some()
                || self.col(Col::CanNgheo).is_some())
    }
}

const HEADER_SEARCH_ROWS: usize = 40;

fn marked(t: &str) -> bool {
    let f = text::fold(t);
    !(f.is_empty() || f == "0" || f == "khong" || f == "-")
}

fn split_members(s: &str) -> Vec<String> {
    s.split([',', ';', '\n', '\r'])
        .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|m| {
            m.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
                .trim()
                .to_string()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// Reads a register. The file is refused as a whole (`Err`) when it is not a
/// spreadsheet or has no header; rows with problems are listed in `errors`.
pub fn read_register<R: Read + Seek>(input: R, limits: &Limits) -> Result<Register, SheetError> {
    let mut decoder = CellDecoder::new();
    let mut layout: Option<Layout> = None;
    let mut out = Register::default();
    let mut after_header = 0usize;
    for_each_row(input, limits, |row, cells| {
        let texts: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => decoder.decode(t).0,
                other => other.text(),
            })
            .collect();
        let Some(l) = &layout else {
            if row > HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            let candidate = Layout::from_row(row, &texts);
            if candidate.usable() {
                layout = Some(candidate);
            }
            return ControlFlow::Continue(());
        };
        after_header += 1;
        if after_header <= 3 && is_numbering_row(&texts) {
            out.skipped += 1;
            return ControlFlow::Continue(());
        }
        let get = |f: Col| {
            l.col(f)
                .and_then(|c| texts.get(c))
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        };
        let head = get(Col::Head);
        let has_any = !get(Col::Stt).is_empty()
            || !get(Col::Category).is_empty()
            || !get(Col::Certificate).is_empty()
            || marked(&get(Col::Ngheo))
            || marked(&get(Col::CanNgheo));
        if head.is_empty() || !has_any {
            out.skipped += 1;
            return ControlFlow::Continue(());
        }
        let category = if l.col(Col::Category).is_some() {
            let raw = get(Col::Category);
            match HouseholdCategory::parse(&text::fold(&raw)) {
                Some(c) => c,
                None => {
                    out.errors.push(SheetError::new(
                        row,
                        Some(&l.header(Col::Category)),
                        "unknown_category",
                        format!("Không rõ loại hộ \"{raw}\": ghi Hộ nghèo (HN) hoặc Hộ cận nghèo (HCN)."),
                        format!("Unknown household category \"{raw}\": write Hộ nghèo (HN) or Hộ cận nghèo (HCN)."),
                    ));
                    return ControlFlow::Continue(());
                }
            }
        } else {
            match (marked(&get(Col::Ngheo)), marked(&get(Col::CanNgheo))) {
                (true, false) => HouseholdCategory::Ngheo,
                (false, true) => HouseholdCategory::CanNgheo,
                (both, _) => {
                    let (vi, en) = if both {
                        (
                            "Đánh dấu cả hộ nghèo và hộ cận nghèo.",
                            "Marked both poor and near-poor.",
                        )
                    } else {
                        (
                            "Chưa đánh dấu hộ nghèo hay hộ cận nghèo.",
                            "Marked neither poor nor near-poor.",
                        )
                    };
                    out.errors.push(SheetError::new(
                        row,
                        Some(&l.header(Col::Ngheo)),
                        "unknown_category",
                        vi,
                        en,
                    ));
                    return ControlFlow::Continue(());
                }
            }
        };
        let year = match get(Col::Year) {
            y if y.is_empty() => None,
            y => match y.parse::<i32>() {
                Ok(v) if (2000..=2100).contains(&v) => Some(v),
                _ => {
                    out.errors.push(SheetError::new(
                        row,
                        Some(&l.header(Col::Year)),
                        "invalid_year",
                        format!("Năm \"{y}\" không hợp lệ (ví dụ 2022)."),
                        format!("Year \"{y}\" is not valid (e.g. 2022)."),
                    ));
                    return ControlFlow::Continue(());
                }
            },
        };
        if head.chars().count() > 300 {
            out.errors.push(SheetError::new(
                row,
                Some(&l.header(Col::Head)),
                "invalid_name",
                "Họ tên chủ hộ quá dài.",
                "The head's name is too long.",
            ));
            return ControlFlow::Continue(());
        }
        out.rows.push(HouseholdRow {
            row,
            members: split_members(&get(Col::Members)),
            head_name: head,
            village: get(Col::Village),
            commune: get(Col::Commune),
            district: get(Col::District),
            category,
            certificate_no: get(Col::Certificate),
            year,
        });
        ControlFlow::Continue(())
    })?;
    match layout {
        Some(l) => {
            out.header_row = l.header_row;
            out.commune_column = l.header(Col::Commune);
            Ok(out)
        }
        None => Err(SheetError::new(
            0,
            None,
            "no_header",
            "Không tìm thấy dòng tiêu đề (cần cột Họ tên chủ hộ và Loại hộ hoặc Hộ nghèo/Hộ cận nghèo) trong 40 dòng đầu.",
            "No header row (with Họ tên chủ hộ and Loại hộ, or Hộ nghèo/Hộ cận nghèo) in the first 40 rows.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(csv: &str) -> Register {
        read_register(Cursor::new(csv.as_bytes().to_vec()), &Limits::default()).unwrap()
    }

    #[test]
    fn a_commune_register_with_a_category_column() {
        let r = read(
            "UBND XÃ ĐẮK LAO,,,,,,
DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2022,,,,,,
,,,,,,
STT,Họ và tên chủ hộ,Thành viên trong hộ,Thôn,Xã,Phân loại,Số GCN
(1),(2),(3),(4),(5),(6),(7)
1,Nguyễn Văn Việt,\"Nguyễn Thị Lan; Nguyễn Đức Việt, Nguyễn Văn An\",Thôn 4,Xã Đắk Lao,HN,580/GCN-UBND
2,Lê Văn Hùng,,Thôn 2,Xã Đắk Lao,Cận nghèo,12/GCN
3,Trần Văn Bé,,Thôn 2,Xã Đắk Lao,Khá giả,
,,,,,,
,Người lập biểu,,,,,
",
        );
        assert_eq!(r.header_row, 4);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].row, 6);
        assert_eq!(
            r.rows[0].members,
            ["Nguyễn Thị Lan", "Nguyễn Đức Việt", "Nguyễn Văn An"]
        );
        assert_eq!(r.rows[0].category, HouseholdCategory::Ngheo);
        assert_eq!(r.rows[1].category, HouseholdCategory::CanNgheo);
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].row, r.errors[0].code), (8, "unknown_category"));
        assert_eq!(r.errors[0].column.as_deref(), Some("Phân loại"));
        assert!(r.errors[0].message_vi.contains("Khá giả"));
        assert_eq!(r.skipped, 3);
    }

    #[test]
    fn a_register_with_marked_columns_and_a_year() {
        let r = read(
            "TT,Chủ hộ,Hộ nghèo,Hộ cận nghèo,Năm,Xã
1,Điểu K'Thuận,x,,2021,Thị trấn Kiến Đức
2,H'Bia,,x,2022,Thị trấn Kiến Đức
3,Y Sơn,x,x,2022,Thị trấn Kiến Đức
4,Lò Văn A,,x,20222,Thị trấn Kiến Đức
",
        );
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].year, Some(2021));
        assert_eq!(r.rows[1].category, HouseholdCategory::CanNgheo);
        let codes: Vec<(usize, &str)> = r.errors.iter().map(|e| (e.row, e.code)).collect();
        assert_eq!(codes, [(4, "unknown_category"), (5, "invalid_year")]);
    }

    #[test]
    fn no_header_is_refused() {
        let e = read_register(Cursor::new(b"a,b\n1,2\n".to_vec()), &Limits::default()).unwrap_err();
        assert_eq!(e.code, "no_header");
    }
}
