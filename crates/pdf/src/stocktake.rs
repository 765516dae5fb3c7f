//! Biên bản kiểm kê: what a stocktake found at a place (the counts, the serials missing
//! and those found where the registry did not expect them), in the administrative
//! format of Nghị định 30/2020/NĐ-CP, for the people who counted to sign.

use crate::layout::{Align, Column, Layout, Style, mm};
use crate::receipt::{Letterhead, date_in_words, heading, signatures};
use time::Date;

/// A stocktake as its minutes print it.
#[derive(Debug, Clone)]
pub struct StocktakeMinutes {
    pub letterhead: Letterhead,
    /// The record's number in the registry.
    pub number: i64,
    pub date: Date,
    /// "Kho Ban điều phối", "Trường THCS Nguyễn Du".
    pub place: String,
    /// Who counted (the person who recorded the stocktake).
    pub counted_by: String,
    pub expected: usize,
    pub scanned: usize,
    pub matched: usize,
    pub missing: Vec<String>,
    /// A serial found where it was not expected, and where the registry has it.
    pub unexpected: Vec<(String, String)>,
}

const BODY: f32 = 13.0;
const TABLE: f32 = 11.5;

/// The minutes as PDF bytes, ready to print on A4.
pub fn stocktake_minutes(m: &StocktakeMinutes) -> Vec<u8> {
    let mut l = Layout::new();
    heading(
        &mut l,
        &m.letterhead,
        &format!("{}/BB-KK", m.number),
        m.date,
    );
    l.space(16.0);
    l.paragraph("BIÊN BẢN", Style::Bold, 14.0, Align::Center, 0.0);
    l.paragraph(
        &format!("Kiểm kê thiết bị tại {}", m.place),
        Style::Bold,
        14.0,
        Align::Center,
        0.0,
    );
    l.space(10.0);
    l.paragraph(
        &format!(
            "Hôm nay, {}, tại {}, người kiểm kê là {} đã quét số sê-ri của từng thiết bị có tại chỗ và đối chiếu với sổ theo dõi thiết bị. Kết quả như sau:",
            date_in_words(m.date),
            m.place,
            m.counted_by
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    for (label, n) in [
        ("- Số thiết bị sổ theo dõi ghi tại đây:", m.expected),
        ("- Số thiết bị đã quét:", m.scanned),
        ("- Khớp với sổ:", m.matched),
        ("- Có trong sổ nhưng không tìm thấy:", m.missing.len()),
        ("- Tìm thấy nhưng sổ không ghi tại đây:", m.unexpected.len()),
    ] {
        l.labelled(
            label,
            Style::Regular,
            &n.to_string(),
            Style::Bold,
            BODY,
            mm(10.0),
        );
    }
    let columns = |rows: &[(&str, f32)]| -> Vec<Column> {
        rows.iter()
            .map(|(h, w)| Column {
                width: *w,
                header: h.to_string(),
                align: if *h == "STT" {
                    Align::Center
                } else {
                    Align::Left
                },
            })
            .collect()
    };
    if !m.missing.is_empty() {
        l.space(6.0);
        l.paragraph(
            "I. Thiết bị có trong sổ nhưng không tìm thấy",
            Style::Bold,
            BODY,
            Align::Left,
            mm(10.0),
        );
        let rows: Vec<Vec<String>> = m
            .missing
            .iter()
            .enumerate()
            .map(|(i, s)| vec![(i + 1).to_string(), s.clone()])
            .collect();
        l.table(&columns(&[("STT", 10.0), ("Số sê-ri", 90.0)]), &rows, TABLE);
    }
    if !m.unexpected.is_empty() {
        l.space(6.0);
        l.paragraph(
            "II. Thiết bị tìm thấy nhưng sổ không ghi tại đây",
            Style::Bold,
            BODY,
            Align::Left,
            mm(10.0),
        );
        let rows: Vec<Vec<String>> = m
            .unexpected
            .iter()
            .enumerate()
            .map(|(i, (s, w))| vec![(i + 1).to_string(), s.clone(), w.clone()])
            .collect();
        l.table(
            &columns(&[("STT", 10.0), ("Số sê-ri", 35.0), ("Sổ theo dõi ghi", 55.0)]),
            &rows,
            TABLE,
        );
    }
    l.space(8.0);
    l.paragraph(
        "Những người kiểm kê cùng ký dưới đây xác nhận kết quả trên./.",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(10.0);
    signatures(
        &mut l,
        ("NGƯỜI KIỂM KÊ", &m.counted_by),
        ("ĐẠI DIỆN NƠI KIỂM KÊ", " "),
    );
    l.finish(&format!("Biên bản kiểm kê số {}", m.number))
}
