//! Biên bản tiếp nhận: the minutes of the Board receiving donated devices, in the
//! administrative format of Nghị định 30/2020/NĐ-CP, with the serials in an appendix.

use crate::layout::{Align, BlockLine, Column, Layout, Rule, Style, leading, mm};
use domain::money::Dong;
use time::Date;

/// The letterhead's bodies and the place name before the date.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// "SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK NÔNG"
    pub parent_body: String,
    /// "BAN TIẾP NHẬN, ĐIỀU PHỐI MÁY TÍNH"
    pub issuing_body: String,
    /// "Đắk Nông", written before ", ngày … tháng … năm …".
    pub place_name: String,
}

/// One party of the minutes.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub representative: String,
    pub position: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Tax code (organisation) or identity number (person).
    pub tax_code: Option<String>,
}

/// One line of the table of devices.
#[derive(Debug, Clone)]
pub struct ReceiptLine {
    /// "Máy tính bảng Samsung Galaxy Tab A8 LTE"
    pub description: String,
    pub quantity: u32,
    /// "Mới", "Đã qua sử dụng"
    pub condition: String,
    pub unit_value: Dong,
    /// Serial numbers, with the IMEI when there is one.
    pub serials: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct ReceiptMinutes {
    pub letterhead: Letterhead,
    /// "12/BB-BTNĐP"
    pub number: String,
    pub date: Date,
    /// Where the devices were handed over.
    pub place: String,
    /// The programme's name, for "Về việc …".
    pub programme: String,
    pub giver: Party,
    pub receiver: Party,
    pub lines: Vec<ReceiptLine>,
    pub note: Option<String>,
}

/// "ngày 05 tháng 3 năm 2022": days below 10 and the months January and February take
/// a leading zero (Nghị định 30/2020, Phụ lục I).
pub fn date_in_words(d: Date) -> String {
    let month = u8::from(d.month());
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// `1.234.567` without the currency sign, for table cells whose header names the unit.
pub fn amount(v: Dong) -> String {
    v.to_string().trim_end_matches(" đ").to_string()
}

const BODY: f32 = 13.0;
const TABLE: f32 = 11.5;

pub(crate) fn party(l: &mut Layout, heading: &str, p: &Party) {
    l.space(3.0);
    l.labelled(heading, Style::Bold, &p.name, Style::Bold, BODY, mm(10.0));
    let rows = [
        ("- Đại diện:", Some(p.representative.clone())),
        ("- Chức vụ:", p.position.clone()),
        ("- Địa chỉ:", p.address.clone()),
        ("- Điện thoại:", p.phone.clone()),
        ("- Mã số thuế/Số định danh:", p.tax_code.clone()),
    ];
    for (label, value) in rows {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            l.labelled(label, Style::Regular, &v, Style::Regular, BODY, mm(10.0));
        }
    }
}

/// The top of an administrative document (Nghị định 30/2020, Phụ lục I): the issuing
/// bodies with the short rule on the left, the national motto on the right, then the
/// number and the place and date.
pub(crate) fn heading(l: &mut Layout, head: &Letterhead, number: &str, date: Date) {
    let (x0, x1) = (l.left - mm(10.0), l.right + mm(5.0));
    l.columns(
        &[
            BlockLine::new(head.parent_body.to_uppercase(), Style::Regular, 12.0),
            BlockLine::new(head.issuing_body.to_uppercase(), Style::Bold, 12.0).rule(Rule::Short),
        ],
        &[
            BlockLine::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Style::Bold, 12.0),
            BlockLine::new("Độc lập - Tự do - Hạnh phúc", Style::Bold, 13.0).rule(Rule::Underline),
        ],
        0.465,
        x0,
        x1,
    );
    l.space(6.0);
    l.columns(
        &[BlockLine::new(
            format!("Số: {number}"),
            Style::Regular,
            13.0,
        )],
        &[BlockLine::new(
            format!("{}, {}", head.place_name, date_in_words(date)),
            Style::Italic,
            13.0,
        )],
        0.465,
        x0,
        x1,
    );
}

/// Two signature blocks side by side: the title, "(Ký, ghi rõ họ tên)", room to sign,
/// the name.
pub(crate) fn signatures(l: &mut Layout, left: (&str, &str), right: (&str, &str)) {
    let sign = |(title, name): (&str, &str)| {
        vec![
            BlockLine::new(title, Style::Bold, BODY),
            BlockLine::new("(Ký, ghi rõ họ tên)", Style::Italic, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(name, Style::Bold, BODY),
        ]
    };
    let (x0, x1) = (l.left, l.right);
    l.columns(&sign(left), &sign(right), 0.5, x0, x1);
}

/// The minutes as PDF bytes, ready to print on A4.
pub fn receipt_minutes(m: &ReceiptMinutes) -> Vec<u8> {
    let mut l = Layout::new();
    heading(&mut l, &m.letterhead, &m.number, m.date);
    l.space(16.0);
    l.paragraph("BIÊN BẢN", Style::Bold, 14.0, Align::Center, 0.0);
    l.paragraph(
        &format!("Về việc tiếp nhận thiết bị ủng hộ {}", m.programme),
        Style::Bold,
        14.0,
        Align::Center,
        0.0,
    );
    l.space(10.0);
    l.paragraph(
        &format!(
            "Hôm nay, {}, tại {}, chúng tôi gồm:",
            date_in_words(m.date),
            m.place
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    party(&mut l, "I. BÊN GIAO (bên ủng hộ):", &m.giver);
    party(&mut l, "II. BÊN NHẬN:", &m.receiver);
    l.space(3.0);
    l.paragraph(
        &format!(
            "Hai bên thống nhất bàn giao và tiếp nhận thiết bị ủng hộ {} như sau:",
            m.programme
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(4.0);
    let columns = [
        ("TT", 5.0, Align::Center),
        ("Tên thiết bị, mẫu máy", 27.0, Align::Left),
        ("ĐVT", 7.0, Align::Center),
        ("Số lượng", 9.0, Align::Right),
        ("Tình trạng", 12.0, Align::Center),
        ("Đơn giá (đồng)", 14.0, Align::Right),
        ("Thành tiền (đồng)", 16.0, Align::Right),
    ]
    .map(|(h, w, a)| Column {
        width: w,
        header: h.to_string(),
        align: a,
    });
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut total = Dong::ZERO;
    let mut count: u64 = 0;
    for (i, line) in m.lines.iter().enumerate() {
        let value = Dong(line.unit_value.0.saturating_mul(i64::from(line.quantity)));
        total = total.checked_add(value).unwrap_or(Dong(i64::MAX));
        count += u64::from(line.quantity);
        rows.push(vec![
            (i + 1).to_string(),
            line.description.clone(),
            "Chiếc".into(),
            line.quantity.to_string(),
            line.condition.clone(),
            amount(line.unit_value),
            amount(value),
        ]);
    }
    rows.push(vec![
        String::new(),
        "Tổng cộng".into(),
        String::new(),
        count.to_string(),
        String::new(),
        String::new(),
        amount(total),
    ]);
    l.table(&columns, &rows, TABLE);
    l.space(6.0);
    l.labelled(
        "Tổng giá trị (bằng chữ):",
        Style::Regular,
        &format!("{}.", total.in_words()),
        Style::Italic,
        BODY,
        mm(10.0),
    );
    let has_serials = m.lines.iter().any(|x| !x.serials.is_empty());
    if has_serials {
        l.paragraph(
            "Số sê-ri (và IMEI) của từng thiết bị được ghi tại Phụ lục kèm theo Biên bản này.",
            Style::Regular,
            BODY,
            Align::Justify,
            mm(10.0),
        );
    }
    // Lines whose boxes are not opened at the handover: their serials are scanned at
    // intake (the registry keeps them against the line).
    for (i, line) in m.lines.iter().enumerate() {
        let listed = line.serials.len() as u32;
        if listed < line.quantity {
            let which = if listed == 0 {
                "của các thiết bị".to_string()
            } else {
                format!("của {} thiết bị còn lại", line.quantity - listed)
            };
            l.paragraph(
                &format!("Dòng {}: số sê-ri {which} được ghi khi nhập kho.", i + 1),
                Style::Regular,
                BODY,
                Align::Justify,
                mm(10.0),
            );
        }
    }
    if let Some(note) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        l.labelled(
            "Ghi chú:",
            Style::Regular,
            note,
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    l.paragraph(
        "Bên nhận có trách nhiệm quản lý thiết bị, tổ chức thẩm định theo tiêu chuẩn kỹ thuật tối thiểu và điều phối đến đúng đối tượng thụ hưởng theo quy định của Chương trình.",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    // The closing sentence and the signatures stay on one page: a page with only
    // signatures on it would not be accepted.
    l.ensure(leading(BODY) * 8.0 + 10.0);
    l.paragraph(
        "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, mỗi bên giữ 01 bản./.",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(10.0);
    signatures(
        &mut l,
        ("ĐẠI DIỆN BÊN GIAO", &m.giver.representative),
        ("ĐẠI DIỆN BÊN NHẬN", &m.receiver.representative),
    );
    if has_serials {
        l.new_page();
        l.paragraph("PHỤ LỤC", Style::Bold, 14.0, Align::Center, 0.0);
        l.paragraph(
            "Danh sách số sê-ri, IMEI của thiết bị tiếp nhận",
            Style::Bold,
            BODY,
            Align::Center,
            0.0,
        );
        l.paragraph(
            &format!(
                "(Kèm theo Biên bản số {} {})",
                m.number,
                date_in_words(m.date)
            ),
            Style::Italic,
            BODY,
            Align::Center,
            0.0,
        );
        l.space(8.0);
        let columns = [
            ("STT", 8.0, Align::Center),
            ("Dòng", 9.0, Align::Center),
            ("Thiết bị", 29.0, Align::Left),
            ("Số sê-ri", 27.0, Align::Left),
            ("IMEI", 27.0, Align::Left),
        ]
        .map(|(h, w, a)| Column {
            width: w,
            header: h.to_string(),
            align: a,
        });
        let mut rows = Vec::new();
        let mut n = 0;
        for (i, line) in m.lines.iter().enumerate() {
            for (serial, imei) in &line.serials {
                n += 1;
                rows.push(vec![
                    n.to_string(),
                    (i + 1).to_string(),
                    line.description.clone(),
                    serial.clone(),
                    imei.clone().unwrap_or_default(),
                ]);
            }
        }
        l.table(&columns, &rows, TABLE);
    }
    l.finish(&format!("Biên bản tiếp nhận số {}", m.number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_written_as_decree_30_asks() {
        assert_eq!(
            date_in_words(date!(2022 - 03 - 05)),
            "ngày 05 tháng 3 năm 2022"
        );
        assert_eq!(
            date_in_words(date!(2022 - 02 - 15)),
            "ngày 15 tháng 02 năm 2022"
        );
        assert_eq!(
            date_in_words(date!(2021 - 11 - 30)),
            "ngày 30 tháng 11 năm 2021"
        );
    }
}
