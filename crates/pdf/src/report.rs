//! Báo cáo kết quả tiếp nhận, bàn giao máy tính (Công văn 5052/BGDĐT-CNTT): the devices
//! received, the students who received them by tier, those waiting, the devices entered
//! in the sector database; for the province, the money raised, committed and spent, the
//! procurement packages and the donors. Ends with the audit log's signed checkpoint the
//! figures were read at, so anyone can later prove the records behind them unchanged.

use crate::layout::{Align, Column, Layout, Style, mm};
use crate::receipt::{Letterhead, heading, signatures};
use domain::money::Dong;
use domain::reports::figures::ProgressReport;
use domain::reports::{Funnel, Stage};
use time::Date;

/// What is printed around the figures.
#[derive(Debug, Clone)]
pub struct ReportPaper {
    pub letterhead: Letterhead,
    pub date: Date,
    /// "đến 31/12/2022".
    pub period: String,
    /// "01/12/2026 14:05".
    pub made_at: String,
    pub made_by: String,
    /// The signed checkpoint text (C2SP tlog-checkpoint), when the server has a key.
    pub checkpoint: Option<String>,
}

const BODY: f32 = 13.0;
const TABLE: f32 = 10.5;

fn n(v: i64) -> String {
    domain::money::group_thousands(v)
}

fn col(width: f32, header: &str, align: Align) -> Column {
    Column {
        width,
        header: header.to_string(),
        align,
    }
}

fn funnel_cells(f: &Funnel) -> Vec<String> {
    let waiting = (f.get(Stage::Allocated) - f.get(Stage::Handed)).max(0);
    vec![
        n(f.get(Stage::Surveyed)),
        n(f.get(Stage::Approved)),
        n(f.get(Stage::Allocated)),
        n(f.get(Stage::Handed)),
        n(waiting),
        n(f.get(Stage::InCsdl)),
    ]
}

fn funnel_columns(first: &str) -> Vec<Column> {
    let mut c = vec![
        col(7.0, "STT", Align::Center),
        col(38.0, first, Align::Left),
    ];
    for h in [
        "Đề xuất",
        "Được duyệt",
        "Được phân bổ",
        "Đã nhận máy",
        "Chờ nhận máy",
        "Đã nhập CSDL",
    ] {
        c.push(col(12.5, h, Align::Right));
    }
    c
}

fn section(l: &mut Layout, title: &str) {
    l.space(8.0);
    l.paragraph(title, Style::Bold, BODY, Align::Left, 0.0);
    l.space(2.0);
}

fn line(l: &mut Layout, label: &str, value: &str) {
    l.labelled(label, Style::Regular, value, Style::Bold, BODY, mm(5.0));
}

fn money(d: Dong) -> String {
    format!("{} đồng", n(d.0))
}

/// The report as PDF bytes, A4.
pub fn progress_report(r: &ProgressReport, p: &ReportPaper) -> Vec<u8> {
    let mut l = Layout::new();
    heading(&mut l, &p.letterhead, "……/BC", p.date);
    l.space(14.0);
    l.paragraph("BÁO CÁO", Style::Bold, 14.0, Align::Center, 0.0);
    l.paragraph(
        &format!(
            "Kết quả tiếp nhận, bàn giao máy tính cho học sinh – {}",
            r.program_name
        ),
        Style::Bold,
        14.0,
        Align::Center,
        0.0,
    );
    l.paragraph(
        &format!("{} – số liệu {}", r.unit_name, p.period),
        Style::Italic,
        BODY,
        Align::Center,
        0.0,
    );
    l.paragraph(
        "(Theo hướng dẫn tại Công văn số 5052/BGDĐT-CNTT của Bộ Giáo dục và Đào tạo)",
        Style::Italic,
        11.0,
        Align::Center,
        0.0,
    );

    section(&mut l, "I. Học sinh theo đơn vị");
    let first = if r.whole_province {
        "Đơn vị"
    } else {
        "Trường"
    };
    let mut rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let name = if row.direct {
                "Các trường trực thuộc Sở".to_string()
            } else {
                row.name.clone()
            };
            let mut v = vec![(i + 1).to_string(), name];
            v.extend(funnel_cells(&row.total));
            v
        })
        .collect();
    let mut total = vec![String::new(), "Tổng cộng".to_string()];
    total.extend(funnel_cells(&r.total));
    rows.push(total);
    l.table(&funnel_columns(first), &rows, TABLE);

    section(&mut l, "II. Học sinh theo đối tượng ưu tiên");
    let mut rows: Vec<Vec<String>> = r
        .tiers
        .iter()
        .zip(&r.by_tier)
        .enumerate()
        .map(|(i, (t, f))| {
            let mut v = vec![(i + 1).to_string(), format!("({}) {}", t.code, t.label)];
            v.extend(funnel_cells(f));
            v
        })
        .collect();
    let mut total = vec![String::new(), "Tổng cộng".to_string()];
    total.extend(funnel_cells(&r.total));
    rows.push(total);
    l.table(&funnel_columns("Đối tượng"), &rows, TABLE);

    section(&mut l, "III. Thiết bị");
    let d = &r.devices;
    if r.whole_province {
        line(&mut l, "- Tiếp nhận từ ủng hộ:", &n(d.received_donated));
        line(&mut l, "- Tiếp nhận từ mua sắm:", &n(d.received_bought));
        line(
            &mut l,
            "- Chờ thẩm định, nhập kho:",
            &n(d.awaiting_appraisal),
        );
        line(&mut l, "- Trong kho, chưa phân bổ:", &n(d.in_stock));
        line(&mut l, "- Đã phân bổ, chờ bàn giao:", &n(d.allocated));
    } else {
        line(&mut l, "- Đã nhận từ cấp trên:", &n(d.received_donated));
    }
    line(&mut l, "- Tại phòng giáo dục, đơn vị:", &n(d.with_unit));
    line(
        &mut l,
        "- Tại trường, chờ giao học sinh:",
        &n(d.with_school),
    );
    line(&mut l, "- Học sinh đang sử dụng:", &n(d.with_student));
    line(&mut l, "- Đang bảo hành, sửa chữa:", &n(d.under_repair));
    line(
        &mut l,
        "- Hỏng, mất, bị loại, đã thu hồi:",
        &n(d.out_of_use),
    );

    if let Some(m) = &r.money {
        section(&mut l, "IV. Kinh phí");
        line(&mut l, "- Tiền ủng hộ đã nhận:", &money(m.raised));
        line(&mut l, "- Kinh phí ngân sách được giao:", &money(m.budget));
        line(
            &mut l,
            &format!("- Hợp đồng đã ký ({}):", n(m.contracts)),
            &money(m.contracted),
        );
        line(&mut l, "- Đã chi mua sắm:", &money(m.spent));
        line(
            &mut l,
            "- Còn cam kết theo hợp đồng:",
            &money(m.committed_now),
        );
        line(&mut l, "- Số dư tài khoản cuối kỳ:", &money(m.held));
        line(
            &mut l,
            "- Ủy ban MTTQ tỉnh đang giữ, chưa chuyển:",
            &money(m.held_by_mttq),
        );
        line(
            &mut l,
            &format!(
                "- Ủng hộ bằng hiện vật ({} biên bản, {} thiết bị):",
                n(m.in_kind_receipts),
                n(m.in_kind_devices)
            ),
            &money(m.in_kind_value),
        );
    }
    if !r.packages.is_empty() {
        section(&mut l, "V. Gói thầu mua sắm");
        let rows: Vec<Vec<String>> = r
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    (i + 1).to_string(),
                    format!("{} – {}", p.code, p.name),
                    p.stage.label(domain::Lang::Vi).to_string(),
                    p.supplier.clone().unwrap_or_default(),
                    n(p.contract_value.unwrap_or(p.estimate).0),
                    n(p.paid.0),
                ]
            })
            .collect();
        l.table(
            &[
                col(9.0, "STT", Align::Center),
                col(36.0, "Gói thầu", Align::Left),
                col(16.0, "Giai đoạn", Align::Left),
                col(22.0, "Nhà thầu", Align::Left),
                col(22.0, "Giá trị (đồng)", Align::Right),
                col(22.0, "Đã chi (đồng)", Align::Right),
            ],
            &rows,
            TABLE,
        );
    }
    if !r.donors.is_empty() {
        section(&mut l, "VI. Nhà tài trợ");
        let rows: Vec<Vec<String>> = r
            .donors
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.name.clone(),
                    n(d.cash.0),
                    n(d.devices),
                    n(d.in_kind_value.0),
                ]
            })
            .collect();
        l.table(
            &[
                col(7.0, "STT", Align::Center),
                col(50.0, "Nhà tài trợ", Align::Left),
                col(20.0, "Tiền (đồng)", Align::Right),
                col(12.0, "Thiết bị", Align::Right),
                col(20.0, "Giá trị hiện vật (đồng)", Align::Right),
            ],
            &rows,
            TABLE,
        );
    }
    l.space(10.0);
    signatures(
        &mut l,
        ("NGƯỜI LẬP BÁO CÁO", &p.made_by),
        ("THỦ TRƯỞNG ĐƠN VỊ", ""),
    );
    l.space(10.0);
    l.paragraph(
        &format!(
            "Số liệu đọc từ hệ thống lúc {}. Nhật ký kiểm toán tại thời điểm lập báo cáo (kiểm tra tại trang Nhật ký công khai):",
            p.made_at
        ),
        Style::Italic,
        10.0,
        Align::Left,
        0.0,
    );
    match &p.checkpoint {
        Some(c) => {
            for text in c.lines() {
                l.paragraph(text, Style::Regular, 8.5, Align::Left, 0.0);
            }
        }
        None => l.paragraph(
            "(máy chủ chưa có khóa ký nhật ký)",
            Style::Italic,
            10.0,
            Align::Left,
            0.0,
        ),
    }
    l.finish("Báo cáo kết quả tiếp nhận, bàn giao máy tính")
}
