//! A training session's attendance sheet (danh sách tham dự tập huấn), read the way the
//! students' lists are: any of the office formats, the header found among the first 40
//! rows by its names in any spelling (legacy TCVN3 and VNI text decoded), a numbering
//! row under it skipped, blank rows counted as skipped. Every bad row is named by row and
//! column; a sheet with any bad row is refused whole.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use crate::students::{is_numbering_row, match_synonym};
use domain::aftercare::AttendeeRole;
use std::io::{Read, Seek};
use std::ops::ControlFlow;
use text::CellDecoder;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Stt,
    Name,
    Role,
    Class,
    Phone,
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Stt => "STT",
            Col::Name => "Họ và tên",
            Col::Role => "Thành phần",
            Col::Class => "Lớp",
            Col::Phone => "Số điện thoại",
        }
    }
}

const SYNONYMS: &[(Col, &[&str])] = &[
    (Col::Stt, &["stt", "tt", "so tt", "so thu tu"]),
    (
        Col::Name,
        &[
            "ho va ten",
            "ho ten",
            "ho ten nguoi tham du",
            "ho va ten nguoi tham du",
            "nguoi tham du",
        ],
    ),
    (
        Col::Role,
        &[
            "thanh phan",
            "doi tuong",
            "vai tro",
            "la",
            "giao vien phu huynh hoc sinh",
            "thanh phan tham du",
        ],
    ),
    (Col::Class, &["lop", "lop hoc", "lop cua con"]),
    (
        Col::Phone,
        &["so dien thoai", "dien thoai", "sdt", "so dt", "dt lien he"],
    ),
];

/// One person on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeLine {
    pub row: usize,
    pub full_name: String,
    pub role: AttendeeRole,
    pub class_name: Option<String>,
    pub phone: Option<String>,
}

/// What a sheet held: its people, and the rows skipped as blank or as numbering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendeeSheet {
    pub attendees: Vec<AttendeeLine>,
    pub skipped: usize,
}

/// The most people one sheet may list.
pub const MAX_ATTENDEES: usize = 5_000;

const HEADER_SEARCH_ROWS: usize = 40;

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a sheet. `Err` holds every problem (the file's, or each bad row's).
pub fn read_attendees<R: Read + Seek>(
    input: R,
    limits: &Limits,
) -> Result<AttendeeSheet, Vec<SheetError>> {
    let mut decoder = CellDecoder::new();
    let mut layout: Option<Vec<(Col, usize, String)>> = None;
    let mut out = AttendeeSheet::default();
    let mut errors: Vec<SheetError> = Vec::new();
    let mut after_header = 0usize;
    let read = for_each_row(input, limits, |row, cells: &[Cell]| {
        let texts: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => decoder.decode(t).0,
                other => other.text(),
            })
            .collect();
        let Some(cols) = &layout else {
            if row > HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            let mut found: Vec<(Col, usize, String)> = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                if let Some(c) = match_synonym(SYNONYMS, t)
                    && !found.iter().any(|(x, ..)| *x == c)
                {
                    found.push((c, i, squash(t)));
                }
            }
            if found.iter().any(|(c, ..)| *c == Col::Name)
                && found.iter().any(|(c, ..)| *c == Col::Role)
            {
                layout = Some(found);
            }
            return ControlFlow::Continue(());
        };
        after_header += 1;
        if after_header <= 3 && is_numbering_row(&texts) {
            out.skipped += 1;
            return ControlFlow::Continue(());
        }
        let col = |c: Col| cols.iter().find(|(x, ..)| *x == c);
        let get = |c: Col| {
            col(c)
                .and_then(|(_, i, _)| texts.get(*i))
                .map(|t| squash(t))
                .unwrap_or_default()
        };
        let header = |c: Col| {
            col(c)
                .map(|(_, _, h)| h.clone())
                .unwrap_or_else(|| c.name().to_string())
        };
        let (name, role) = (get(Col::Name), get(Col::Role));
        if name.is_empty() && role.is_empty() {
            out.skipped += 1;
            return ControlFlow::Continue(());
        }
        if name.is_empty() {
            errors.push(SheetError::new(
                row,
                Some(&header(Col::Name)),
                "attendee_name_missing",
                "thiếu họ và tên người tham dự.",
                "the attendee's name is missing.",
            ));
        } else if name.chars().count() > 200 || name.chars().any(|c| c.is_control()) {
            errors.push(SheetError::new(
                row,
                Some(&header(Col::Name)),
                "attendee_name_invalid",
                "họ và tên dài quá 200 ký tự hoặc có ký tự lạ.",
                "the name is over 200 characters or has stray characters.",
            ));
        }
        let parsed = AttendeeRole::parse(&text::fold(&role));
        if parsed.is_none() {
            let shown: String = role.chars().take(40).collect();
            errors.push(SheetError::new(
                row,
                Some(&header(Col::Role)),
                "attendee_role_unknown",
                format!("không rõ thành phần “{shown}”: ghi Giáo viên, Phụ huynh hoặc Học sinh."),
                format!("unknown attendee “{shown}”: write Giáo viên, Phụ huynh or Học sinh."),
            ));
        }
        let phone = get(Col::Phone);
        let phone = if phone.is_empty() {
            None
        } else {
            match domain::handover::sim_number(&phone) {
                Ok(p) => p,
                Err(_) => {
                    errors.push(SheetError::new(
                        row,
                        Some(&header(Col::Phone)),
                        "attendee_phone_invalid",
                        "số điện thoại không đúng (10 chữ số, bắt đầu bằng 0).",
                        "the phone number is not valid (10 digits starting with 0).",
                    ));
                    None
                }
            }
        };
        if let (Some(role), true) = (parsed, !name.is_empty()) {
            let class = get(Col::Class);
            out.attendees.push(AttendeeLine {
                row,
                full_name: name,
                role,
                class_name: (!class.is_empty()).then_some(class.chars().take(40).collect()),
                phone,
            });
        }
        if out.attendees.len() > MAX_ATTENDEES {
            errors.push(SheetError::new(
                row,
                None,
                "attendees_too_many",
                format!("danh sách dài quá {MAX_ATTENDEES} người: hãy chia buổi tập huấn."),
                format!("the list is longer than {MAX_ATTENDEES} people: split the session."),
            ));
            return ControlFlow::Break(());
        }
        if errors.len() >= 200 {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = read {
        return Err(vec![e]);
    }
    if layout.is_none() {
        return Err(vec![SheetError::new(
            0,
            None,
            "attendees_no_header",
            "Không tìm thấy dòng tiêu đề (cần các cột “Họ và tên” và “Thành phần”) trong 40 dòng đầu.",
            "No header row (with “Họ và tên” and “Thành phần”) in the first 40 rows.",
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

    fn csv(s: &str) -> Cursor<Vec<u8>> {
        Cursor::new(s.as_bytes().to_vec())
    }

    #[test]
    fn a_sheet_as_a_school_writes_it() {
        let sheet = csv("DANH SÁCH THAM DỰ TẬP HUẤN\n\
                         STT,Họ và tên,Thành phần,Lớp,SĐT\n\
                         (1),(2),(3),(4),(5)\n\
                         1,Nguyễn Thị Hoa,Giáo viên,,0912 345 678\n\
                         2,Y Bhin Niê,Phụ huynh,6A,\n\
                         ,,,,\n\
                         3,H'Hen Niê,HS,6A,\n");
        let s = read_attendees(sheet, &Limits::default()).unwrap();
        assert_eq!(s.skipped, 2);
        type Line<'a> = (
            usize,
            &'a str,
            AttendeeRole,
            Option<&'a str>,
            Option<&'a str>,
        );
        let got: Vec<Line> = s
            .attendees
            .iter()
            .map(|a| {
                (
                    a.row,
                    a.full_name.as_str(),
                    a.role,
                    a.class_name.as_deref(),
                    a.phone.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    4,
                    "Nguyễn Thị Hoa",
                    AttendeeRole::Teacher,
                    None,
                    Some("0912345678")
                ),
                (5, "Y Bhin Niê", AttendeeRole::Parent, Some("6A"), None),
                (7, "H'Hen Niê", AttendeeRole::Student, Some("6A"), None),
            ]
        );
    }

    #[test]
    fn bad_rows_are_named_and_the_sheet_refused() {
        let sheet = csv("Họ tên,Đối tượng,Điện thoại\n\
                         Nguyễn Văn A,Giáo viên,\n\
                         ,Phụ huynh,\n\
                         Trần Thị B,Khách mời,\n\
                         Lê C,Học sinh,12345\n");
        let e = read_attendees(sheet, &Limits::default()).unwrap_err();
        let got: Vec<(usize, Option<&str>, &str)> = e
            .iter()
            .map(|e| (e.row, e.column.as_deref(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("Họ tên"), "attendee_name_missing"),
                (4, Some("Đối tượng"), "attendee_role_unknown"),
                (5, Some("Điện thoại"), "attendee_phone_invalid"),
            ]
        );
        assert!(e[1].message_vi.contains("Khách mời"), "{}", e[1].message_vi);
        let e = read_attendees(csv("a,b\n1,2\n"), &Limits::default()).unwrap_err();
        assert_eq!(e[0].code, "attendees_no_header");
    }

    #[test]
    fn legacy_text_is_decoded() {
        // "Giáo viên" and "Phụ huynh" typed in TCVN3 (ABC) fonts.
        let name = "Hå ThÞ Lan";
        let sheet = csv(&format!(
            "Hä vµ tªn,Thµnh phÇn\n{name},Gi¸o viªn\nNguyÔn V¨n B×nh,Phô huynh\n"
        ));
        let s = read_attendees(sheet, &Limits::default()).unwrap();
        assert_eq!(s.attendees.len(), 2, "{s:?}");
        assert_eq!(s.attendees[1].full_name, "Nguyễn Văn Bình");
        assert_eq!(s.attendees[1].role, AttendeeRole::Parent);
    }
}
