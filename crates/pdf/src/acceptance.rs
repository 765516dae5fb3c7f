//! Biên bản nghiệm thu: the minutes of the Board accepting a delivery under a purchase
//! contract, in the administrative layout the receipt minutes use (Nghị định
//! 30/2020/NĐ-CP): the contract and delivery it concerns, the acceptance board, the goods
//! accepted with their value in figures and in words, and the conclusion.

use crate::layout::{Align, Column, Layout, Style, mm};
use crate::receipt::{Letterhead, Party, amount, date_in_words, heading, party, signatures};
use domain::money::Dong;
use time::Date;

#[derive(Debug, Clone)]
pub struct AcceptanceMinutes {
    pub letterhead: Letterhead,
    /// "NT-01/15/2026/HĐ-SGDĐT"
    pub number: String,
    pub date: Date,
    pub place: String,
    /// "15/2026/HĐ-SGDĐT"
    pub contract_no: String,
    pub contract_signed_on: Date,
    /// "GT01-2026 – Mua sắm 2.000 máy tính bảng cho học sinh"
    pub package: String,
    /// "GH-01", and the day it came.
    pub delivery_no: String,
    pub delivered_on: Date,
    pub supplier: Party,
    pub buyer: Party,
    /// The acceptance board, as written ("Ông Trần Văn Bình – Trưởng ban; …").
    pub members: String,
    /// "Máy tính bảng Samsung Galaxy Tab A8"
    pub goods: String,
    pub delivered: i64,
    pub accepted: i64,
    pub unit_price: Dong,
    /// Their serials are in the registry: how many, first and last.
    pub serials: (i64, Option<String>, Option<String>),
    pub warranty_months: i64,
    /// The advance set off against this acceptance, if any.
    pub recovery: Dong,
}

const BODY: f32 = 13.0;

/// The minutes as PDF bytes, ready to print on A4.
pub fn acceptance_minutes(m: &AcceptanceMinutes) -> Vec<u8> {
    let mut l = Layout::new();
    heading(&mut l, &m.letterhead, &m.number, m.date);
    l.space(16.0);
    l.paragraph("BIÊN BẢN NGHIỆM THU", Style::Bold, 14.0, Align::Center, 0.0);
    l.paragraph(
        &format!(
            "Hàng hóa giao theo Hợp đồng số {} ký ngày {}",
            m.contract_no,
            domain::dates::format_date(m.contract_signed_on)
        ),
        Style::Bold,
        13.0,
        Align::Center,
        0.0,
    );
    l.space(10.0);
    for p in [
        format!(
            "Căn cứ Hợp đồng số {} của gói thầu {};",
            m.contract_no, m.package
        ),
        format!(
            "Căn cứ biên bản giao hàng {} ngày {};",
            m.delivery_no,
            domain::dates::format_date(m.delivered_on)
        ),
    ] {
        l.paragraph(&p, Style::Italic, BODY, Align::Justify, mm(10.0));
    }
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
    party(&mut l, "I. BÊN GIAO HÀNG (nhà cung cấp):", &m.supplier);
    party(&mut l, "II. BÊN NHẬN HÀNG (chủ đầu tư):", &m.buyer);
    l.labelled(
        "Hội đồng nghiệm thu:",
        Style::Bold,
        &m.members,
        Style::Regular,
        BODY,
        mm(10.0),
    );
    l.space(3.0);
    l.paragraph(
        "Hai bên cùng kiểm tra số lượng, chủng loại, tình trạng và số sê-ri của hàng hóa, thống nhất nghiệm thu như sau:",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(4.0);
    let columns = [
        ("TT", 5.0, Align::Center),
        ("Tên hàng hóa", 27.0, Align::Left),
        ("ĐVT", 7.0, Align::Center),
        ("Số lượng giao", 10.0, Align::Right),
        ("Số lượng đạt", 10.0, Align::Right),
        ("Đơn giá (đồng)", 14.0, Align::Right),
        ("Thành tiền (đồng)", 17.0, Align::Right),
    ]
    .map(|(h, w, a)| Column {
        width: w,
        header: h.to_string(),
        align: a,
    });
    let value = Dong(m.unit_price.0.saturating_mul(m.accepted));
    let rows = vec![
        vec![
            "1".into(),
            m.goods.clone(),
            "Chiếc".into(),
            amount(Dong(m.delivered)),
            amount(Dong(m.accepted)),
            amount(m.unit_price),
            amount(value),
        ],
        vec![
            String::new(),
            "Tổng cộng".into(),
            String::new(),
            amount(Dong(m.delivered)),
            amount(Dong(m.accepted)),
            String::new(),
            amount(value),
        ],
    ];
    l.table(&columns, &rows, 11.0);
    l.space(6.0);
    l.labelled(
        "Giá trị nghiệm thu (bằng chữ):",
        Style::Regular,
        &format!("{}.", value.in_words()),
        Style::Italic,
        BODY,
        mm(10.0),
    );
    let (n, first, last) = &m.serials;
    let serials = match (first, last) {
        (Some(a), Some(b)) if a != b => {
            format!(
                "{} thiết bị đã được quét số sê-ri vào sổ theo dõi thiết bị, từ {a} đến {b}.",
                amount(Dong(*n))
            )
        }
        (Some(a), _) => {
            format!(
                "{} thiết bị đã được quét số sê-ri vào sổ theo dõi thiết bị ({a}).",
                amount(Dong(*n))
            )
        }
        _ => "Chưa có thiết bị nào được quét số sê-ri.".into(),
    };
    l.paragraph(
        &format!("- Số sê-ri: {serials}"),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.paragraph(
        &format!(
            "- Bảo hành: {} tháng kể từ ngày nghiệm thu theo hợp đồng.",
            m.warranty_months
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    if m.recovery.0 > 0 {
        l.paragraph(
            &format!(
                "- Thu hồi tạm ứng: {} được trừ vào giá trị nghiệm thu này.",
                m.recovery
            ),
            Style::Regular,
            BODY,
            Align::Justify,
            mm(10.0),
        );
    }
    l.paragraph(
        &format!(
            "Kết luận: hàng hóa đúng chủng loại, đạt yêu cầu của hợp đồng; đồng ý nghiệm thu {} chiếc{}. Biên bản lập thành 04 bản có giá trị như nhau, mỗi bên giữ 02 bản.",
            amount(Dong(m.accepted)),
            if m.accepted < m.delivered {
                format!(
                    ", {} chiếc không đạt được trả lại bên giao",
                    amount(Dong(m.delivered - m.accepted))
                )
            } else {
                String::new()
            }
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(14.0);
    signatures(
        &mut l,
        ("ĐẠI DIỆN BÊN GIAO", &m.supplier.representative),
        ("ĐẠI DIỆN BÊN NHẬN", &m.buyer.representative),
    );
    l.finish(&format!("Biên bản nghiệm thu {}", m.number))
}
