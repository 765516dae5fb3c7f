//! Giấy xác nhận: the Department's acknowledgement of a cash gift, in the administrative
//! layout the receipt minutes use (Nghị định 30/2020/NĐ-CP), with the amount in figures
//! and in words, and the verification code the donor can enter on the public portal.

use crate::layout::{Align, BlockLine, Layout, Style, leading, mm};
use crate::receipt::{Letterhead, heading};
use domain::money::Dong;
use time::Date;

#[derive(Debug, Clone)]
pub struct Acknowledgement {
    pub letterhead: Letterhead,
    /// "UH7K3Q9XD/GXN"
    pub number: String,
    /// The day it is issued.
    pub date: Date,
    pub programme: String,
    /// "Công ty TNHH Cà phê Đức Lập", or the person's name.
    pub donor_name: String,
    pub donor_address: Option<String>,
    pub amount: Dong,
    pub received_on: Date,
    /// "Chuyển khoản vào tài khoản của Sở", "Qua Ủy ban MTTQ tỉnh".
    pub channel: String,
    pub bank_ref: Option<String>,
    /// The pledge code the transfer note carried.
    pub pledge_code: String,
    /// `ABCD-EFGH-J`.
    pub verification_code: String,
    /// Where the donor checks the code: "https://…/cong-khai".
    pub portal: String,
    /// The signer's title and name ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Trần Văn Bình").
    pub signer_title: String,
    pub signer_name: String,
}

const BODY: f32 = 13.0;

/// The acknowledgement as PDF bytes, one A4 page.
pub fn acknowledgement(a: &Acknowledgement) -> Vec<u8> {
    let mut l = Layout::new();
    heading(&mut l, &a.letterhead, &a.number, a.date);
    l.space(18.0);
    l.paragraph("GIẤY XÁC NHẬN", Style::Bold, 15.0, Align::Center, 0.0);
    l.paragraph(
        &format!("Tiếp nhận tiền ủng hộ {}", a.programme),
        Style::Bold,
        14.0,
        Align::Center,
        0.0,
    );
    l.space(12.0);
    l.paragraph(
        &format!(
            "{} xác nhận đã tiếp nhận khoản tiền ủng hộ {} của:",
            a.letterhead.parent_body, a.programme
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(3.0);
    let rows: Vec<(&str, String, Style)> = [
        ("- Nhà tài trợ:", Some(a.donor_name.clone()), Style::Bold),
        ("- Địa chỉ:", a.donor_address.clone(), Style::Regular),
        ("- Số tiền:", Some(a.amount.to_string()), Style::Bold),
        (
            "- Bằng chữ:",
            Some(format!("{}.", a.amount.in_words())),
            Style::Italic,
        ),
        (
            "- Ngày nhận:",
            Some(domain::dates::format_date(a.received_on)),
            Style::Regular,
        ),
        ("- Hình thức:", Some(a.channel.clone()), Style::Regular),
        (
            "- Số tham chiếu giao dịch:",
            a.bank_ref.clone(),
            Style::Regular,
        ),
        (
            "- Mã khoản ủng hộ:",
            Some(a.pledge_code.clone()),
            Style::Regular,
        ),
    ]
    .into_iter()
    .filter_map(|(k, v, s)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v, s)))
    .collect();
    for (label, value, style) in &rows {
        l.labelled(label, Style::Regular, value, *style, BODY, mm(10.0));
    }
    l.space(6.0);
    l.paragraph(
        "Khoản tiền trên được ghi vào sổ kế toán của Chương trình, sử dụng đúng mục đích mua sắm máy tính, thiết bị học tập cho học sinh có hoàn cảnh khó khăn và được công khai theo quy định.",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(4.0);
    l.labelled(
        "Mã xác thực:",
        Style::Regular,
        &a.verification_code,
        Style::Bold,
        BODY + 1.0,
        mm(10.0),
    );
    l.paragraph(
        &format!(
            "Nhà tài trợ nhập mã xác thực tại {} để xem khoản ủng hộ đã được sử dụng vào đâu.",
            a.portal
        ),
        Style::Italic,
        BODY - 1.0,
        Align::Justify,
        mm(10.0),
    );
    l.ensure(leading(BODY) * 8.0 + 10.0);
    l.space(14.0);
    let (x0, x1) = (l.left, l.right);
    l.columns(
        &[BlockLine::new(" ", Style::Regular, BODY)],
        &[
            BlockLine::new(a.signer_title.clone(), Style::Bold, BODY),
            BlockLine::new("(Ký, ghi rõ họ tên, đóng dấu)", Style::Italic, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(" ", Style::Regular, BODY),
            BlockLine::new(a.signer_name.clone(), Style::Bold, BODY),
        ],
        0.45,
        x0,
        x1,
    );
    l.finish(&format!("Giấy xác nhận {}", a.number))
}
