//! The progress report as `.xlsx`: the same figures as the PDF, one sheet per table,
//! numbers as numbers (an office sums and charts them), text written as text (never a
//! formula), the period and the signed checkpoint of the audit log on the first sheet.

use domain::money::Dong;
use domain::reports::figures::ProgressReport;
use domain::reports::{Funnel, Stage};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// What is written around the figures.
#[derive(Debug, Clone)]
pub struct ReportHeading {
    /// "SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK NÔNG"
    pub issuing_body: String,
    /// "đến 31/12/2022".
    pub period: String,
    pub made_at: String,
    pub made_by: String,
    pub checkpoint: Option<String>,
}

const STAGES: [&str; 6] = [
    "Đề xuất",
    "Được duyệt",
    "Được phân bổ",
    "Đã nhận máy",
    "Chờ nhận máy",
    "Đã nhập CSDL ngành",
];

struct Formats {
    title: Format,
    head: Format,
    cell: Format,
    num: Format,
    bold: Format,
    bold_num: Format,
    note: Format,
}

fn formats() -> Formats {
    let f = || {
        Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12)
    };
    let boxed = |x: Format| x.set_border(FormatBorder::Thin);
    Formats {
        title: f().set_bold().set_font_size(14),
        head: boxed(
            f().set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
        ),
        cell: boxed(f()),
        num: boxed(f().set_num_format("#,##0")),
        bold: boxed(f().set_bold()),
        bold_num: boxed(f().set_bold().set_num_format("#,##0")),
        note: f().set_italic(),
    }
}

fn funnel_values(f: &Funnel) -> [i64; 6] {
    [
        f.get(Stage::Surveyed),
        f.get(Stage::Approved),
        f.get(Stage::Allocated),
        f.get(Stage::Handed),
        (f.get(Stage::Allocated) - f.get(Stage::Handed)).max(0),
        f.get(Stage::InCsdl),
    ]
}

fn funnel_sheet(
    ws: &mut Worksheet,
    fm: &Formats,
    title: &str,
    first: &str,
    rows: &[(String, Funnel)],
    total: &Funnel,
    start: u32,
) -> Result<u32, XlsxError> {
    ws.write_with_format(start, 0, title, &fm.title)?;
    let h = start + 2;
    ws.write_with_format(h, 0, "STT", &fm.head)?;
    ws.write_with_format(h, 1, first, &fm.head)?;
    for (i, s) in STAGES.iter().enumerate() {
        ws.write_with_format(h, 2 + i as u16, *s, &fm.head)?;
    }
    let mut r = h + 1;
    for (i, (name, f)) in rows.iter().enumerate() {
        ws.write_with_format(r, 0, (i + 1) as f64, &fm.cell)?;
        ws.write_string_with_format(r, 1, name, &fm.cell)?;
        for (c, v) in funnel_values(f).iter().enumerate() {
            ws.write_with_format(r, 2 + c as u16, *v as f64, &fm.num)?;
        }
        r += 1;
    }
    ws.write_with_format(r, 0, "", &fm.bold)?;
    ws.write_with_format(r, 1, "Tổng cộng", &fm.bold)?;
    for (c, v) in funnel_values(total).iter().enumerate() {
        ws.write_with_format(r, 2 + c as u16, *v as f64, &fm.bold_num)?;
    }
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 42)?;
    for c in 2..8 {
        ws.set_column_width(c, 14)?;
    }
    Ok(r + 1)
}

fn pairs(
    ws: &mut Worksheet,
    fm: &Formats,
    title: &str,
    lines: &[(String, i64)],
    unit: &str,
) -> Result<(), XlsxError> {
    ws.write_with_format(0, 0, title, &fm.title)?;
    ws.write_with_format(2, 0, "Chỉ tiêu", &fm.head)?;
    ws.write_with_format(2, 1, unit, &fm.head)?;
    for (i, (label, v)) in lines.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, label, &fm.cell)?;
        ws.write_with_format(r, 1, *v as f64, &fm.num)?;
    }
    ws.set_column_width(0, 52)?;
    ws.set_column_width(1, 20)?;
    Ok(())
}

/// The report's workbook bytes.
pub fn progress_xlsx(r: &ProgressReport, h: &ReportHeading) -> Result<Vec<u8>, XlsxError> {
    let fm = formats();
    let mut book = Workbook::new();

    let ws = book.add_worksheet();
    ws.set_name("Theo đơn vị")?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.write_string_with_format(0, 0, h.issuing_body.to_uppercase(), &fm.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Báo cáo kết quả tiếp nhận, bàn giao máy tính – {} – {} – số liệu {}",
            r.program_name, r.unit_name, h.period
        ),
        &fm.title,
    )?;
    let rows: Vec<(String, Funnel)> = r
        .rows
        .iter()
        .map(|x| {
            let name = if x.direct {
                "Các trường trực thuộc Sở".to_string()
            } else {
                x.name.clone()
            };
            (name, x.total)
        })
        .collect();
    let first = if r.whole_province {
        "Đơn vị"
    } else {
        "Trường"
    };
    let mut next = funnel_sheet(
        ws,
        &fm,
        "I. Học sinh theo đơn vị",
        first,
        &rows,
        &r.total,
        3,
    )?;
    next += 1;
    ws.write_string_with_format(
        next,
        0,
        format!("Lập lúc {} bởi {}.", h.made_at, h.made_by),
        &fm.note,
    )?;
    ws.write_string_with_format(
        next + 1,
        0,
        "Nhật ký kiểm toán tại thời điểm lập báo cáo (kiểm tra tại trang Nhật ký công khai):",
        &fm.note,
    )?;
    match &h.checkpoint {
        Some(c) => {
            for (i, text) in c.lines().enumerate() {
                ws.write_string(next + 2 + i as u32, 0, text)?;
            }
        }
        None => {
            ws.write_string(next + 2, 0, "(máy chủ chưa có khóa ký nhật ký)")?;
        }
    }

    let ws = book.add_worksheet();
    ws.set_name("Theo đối tượng")?;
    let rows: Vec<(String, Funnel)> = r
        .tiers
        .iter()
        .zip(&r.by_tier)
        .map(|(t, f)| (format!("({}) {}", t.code, t.label), *f))
        .collect();
    funnel_sheet(
        ws,
        &fm,
        "II. Học sinh theo đối tượng ưu tiên",
        "Đối tượng",
        &rows,
        &r.total,
        0,
    )?;
    // Units by tier: one block per tier.
    let mut at = rows.len() as u32 + 6;
    for (ti, t) in r.tiers.iter().enumerate() {
        let rows: Vec<(String, Funnel)> = r
            .rows
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    x.by_tier.get(ti).copied().unwrap_or_default(),
                )
            })
            .collect();
        let total = r.by_tier.get(ti).copied().unwrap_or_default();
        at = funnel_sheet(
            ws,
            &fm,
            &format!("Đối tượng ({}) {} theo đơn vị", t.code, t.label),
            first,
            &rows,
            &total,
            at,
        )? + 2;
    }

    let d = &r.devices;
    let mut lines = Vec::new();
    if r.whole_province {
        lines.push(("Tiếp nhận từ ủng hộ".to_string(), d.received_donated));
        lines.push(("Tiếp nhận từ mua sắm".to_string(), d.received_bought));
        lines.push(("Chờ thẩm định, nhập kho".to_string(), d.awaiting_appraisal));
        lines.push(("Trong kho, chưa phân bổ".to_string(), d.in_stock));
        lines.push(("Đã phân bổ, chờ bàn giao".to_string(), d.allocated));
    } else {
        lines.push(("Đã nhận từ cấp trên".to_string(), d.received_donated));
    }
    lines.extend([
        ("Tại phòng giáo dục, đơn vị".to_string(), d.with_unit),
        ("Tại trường, chờ giao học sinh".to_string(), d.with_school),
        ("Học sinh đang sử dụng".to_string(), d.with_student),
        ("Đang bảo hành, sửa chữa".to_string(), d.under_repair),
        ("Hỏng, mất, bị loại, đã thu hồi".to_string(), d.out_of_use),
    ]);
    let ws = book.add_worksheet();
    ws.set_name("Thiết bị")?;
    pairs(ws, &fm, "III. Thiết bị", &lines, "Số lượng")?;

    if let Some(m) = &r.money {
        let d = |x: Dong| x.0;
        let lines = vec![
            ("Tiền ủng hộ đã nhận".to_string(), d(m.raised)),
            ("Kinh phí ngân sách được giao".to_string(), d(m.budget)),
            (format!("Hợp đồng đã ký ({})", m.contracts), d(m.contracted)),
            ("Đã chi mua sắm".to_string(), d(m.spent)),
            ("Còn cam kết theo hợp đồng".to_string(), d(m.committed_now)),
            ("Số dư tài khoản cuối kỳ".to_string(), d(m.held)),
            (
                "Ủy ban MTTQ tỉnh đang giữ, chưa chuyển".to_string(),
                d(m.held_by_mttq),
            ),
            (
                format!(
                    "Ủng hộ bằng hiện vật ({} biên bản, {} thiết bị)",
                    m.in_kind_receipts, m.in_kind_devices
                ),
                d(m.in_kind_value),
            ),
        ];
        let ws = book.add_worksheet();
        ws.set_name("Kinh phí")?;
        pairs(ws, &fm, "IV. Kinh phí", &lines, "Số tiền (đồng)")?;
    }
    if !r.packages.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name("Gói thầu")?;
        ws.write_with_format(0, 0, "V. Gói thầu mua sắm", &fm.title)?;
        for (c, t) in [
            "STT",
            "Mã gói",
            "Tên gói thầu",
            "Giai đoạn",
            "Số lượng",
            "Dự toán (đồng)",
            "Nhà thầu",
            "Giá hợp đồng (đồng)",
            "Đã giao",
            "Đã chi (đồng)",
        ]
        .iter()
        .enumerate()
        {
            ws.write_with_format(2, c as u16, *t, &fm.head)?;
        }
        for (i, p) in r.packages.iter().enumerate() {
            let row = 3 + i as u32;
            ws.write_with_format(row, 0, (i + 1) as f64, &fm.cell)?;
            ws.write_string_with_format(row, 1, &p.code, &fm.cell)?;
            ws.write_string_with_format(row, 2, &p.name, &fm.cell)?;
            ws.write_string_with_format(row, 3, p.stage.label(domain::Lang::Vi), &fm.cell)?;
            ws.write_with_format(row, 4, p.quantity as f64, &fm.num)?;
            ws.write_with_format(row, 5, p.estimate.0 as f64, &fm.num)?;
            ws.write_string_with_format(row, 6, p.supplier.as_deref().unwrap_or(""), &fm.cell)?;
            match p.contract_value {
                Some(v) => ws.write_with_format(row, 7, v.0 as f64, &fm.num)?,
                None => ws.write_with_format(row, 7, "", &fm.cell)?,
            };
            ws.write_with_format(row, 8, p.delivered as f64, &fm.num)?;
            ws.write_with_format(row, 9, p.paid.0 as f64, &fm.num)?;
        }
        for (c, w) in [6, 12, 48, 16, 10, 18, 30, 18, 10, 18].iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
    }
    if !r.donors.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name("Nhà tài trợ")?;
        ws.write_with_format(0, 0, "VI. Nhà tài trợ", &fm.title)?;
        for (c, t) in [
            "STT",
            "Nhà tài trợ",
            "Đồng ý công khai tên",
            "Tiền (đồng)",
            "Thiết bị",
            "Giá trị hiện vật (đồng)",
        ]
        .iter()
        .enumerate()
        {
            ws.write_with_format(2, c as u16, *t, &fm.head)?;
        }
        for (i, d) in r.donors.iter().enumerate() {
            let row = 3 + i as u32;
            ws.write_with_format(row, 0, (i + 1) as f64, &fm.cell)?;
            ws.write_string_with_format(row, 1, &d.name, &fm.cell)?;
            ws.write_with_format(
                row,
                2,
                if d.publish_name { "Có" } else { "Không" },
                &fm.cell,
            )?;
            ws.write_with_format(row, 3, d.cash.0 as f64, &fm.num)?;
            ws.write_with_format(row, 4, d.devices as f64, &fm.num)?;
            ws.write_with_format(row, 5, d.in_kind_value.0 as f64, &fm.num)?;
        }
        for (c, w) in [6, 48, 12, 18, 10, 20].iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
    }
    book.save_to_buffer()
}
