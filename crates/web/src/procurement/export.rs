//! The spending: every payment Finance approved, as CSV (UTF-8 with a byte-order mark) and
//! as a workbook; text never opens as a formula.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::Ctx;
use axum::extract::State;
use axum::response::Response;
use domain::Lang;
use domain::dates::format_date;
use sheets::export::csv_text;
use sheets::table::{Cell, TableWriter};
use store::procurement::PaymentRecord;

fn columns(lang: Lang) -> [(&'static str, f64); 10] {
    [
        (lang.pick("Ngày chi", "Paid on"), 12.0),
        (lang.pick("Gói thầu", "Package"), 12.0),
        (lang.pick("Số hợp đồng", "Contract"), 18.0),
        (lang.pick("Nhà cung cấp", "Supplier"), 36.0),
        (lang.pick("Loại", "Kind"), 12.0),
        (lang.pick("Số tiền (đồng)", "Amount (đồng)"), 16.0),
        (lang.pick("Chi từ tài khoản", "Paid from"), 10.0),
        (lang.pick("Hóa đơn", "Invoice"), 18.0),
        (lang.pick("Người duyệt", "Approved by"), 22.0),
        (lang.pick("Bút toán", "Ledger entry"), 10.0),
    ]
}

/// A payment's cells as text (the amount in whole đồng, no grouping).
fn texts(y: &PaymentRecord, lang: Lang) -> [String; 10] {
    [
        y.decided_on.map(format_date).unwrap_or_default(),
        y.package_code.clone(),
        y.contract_no.clone(),
        y.supplier.clone(),
        y.kind.label(lang).to_string(),
        y.amount.0.to_string(),
        y.account.clone(),
        y.invoice_no.clone().unwrap_or_default(),
        crate::views::person(y.decided_by.as_deref().unwrap_or(""), lang),
        y.entry_id.map(|e| e.to_string()).unwrap_or_default(),
    ]
}

pub async fn spending_csv(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let head: Vec<&str> = columns(lang).iter().map(|(h, _)| *h).collect();
    w.write_record(&head).map_err(AppError::internal)?;
    for y in state.store.procurement_spending().await? {
        let cells: Vec<String> = texts(&y, lang)
            .iter()
            .map(|t| csv_text(t).into_owned())
            .collect();
        w.write_record(&cells).map_err(AppError::internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    Ok(crate::files::csv_attachment(
        "chi-mua-sam.csv",
        axum::body::Body::from(bytes),
    ))
}

pub async fn spending_xlsx(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut w = TableWriter::new(
        lang.pick("Chi mua sắm", "Spending"),
        lang.pick(
            "CÁC KHOẢN ĐÃ CHI CHO NHÀ CUNG CẤP – Chương trình \"Sóng và máy tính cho em\"",
            "PAYMENTS TO SUPPLIERS – \"Signal and computers for children\"",
        ),
        &columns(lang),
    )
    .map_err(AppError::internal)?;
    for y in state.store.procurement_spending().await? {
        let t = texts(&y, lang);
        let mut cells: Vec<Cell> = t.iter().map(|s| Cell::Text(s)).collect();
        cells[5] = Cell::Number(y.amount.0);
        w.push(&cells).map_err(AppError::internal)?;
    }
    Ok(crate::files::xlsx_attachment(
        "chi-mua-sam.xlsx",
        w.finish().map_err(AppError::internal)?,
    ))
}
