//! The journal and the cash gifts as CSV (UTF-8 with a byte-order mark, so that a
//! spreadsheet opens the Vietnamese right). The journal streams a page of entries at a
//! time, so that a million entries never sit in memory at once; every text cell goes
//! through `sheets::export::csv_text`, so that none opens as a formula.

use crate::error::AppResult;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::response::Response;
use domain::Lang;
use domain::dates::{format_date, parse_date};
use domain::ledger::{CHART, Side, account};
use serde::Deserialize;
use sheets::export::csv_text;
use store::ledger::EntryFilter;
use store::ledger::gifts::{GiftFilter, GiftStatus};

const PAGE: i64 = 2_000;

/// The journal's columns, one line per posting, and their widths in a spreadsheet.
fn journal_columns(lang: Lang) -> [(&'static str, f64); 8] {
    [
        (lang.pick("Số bút toán", "Entry"), 10.0),
        (lang.pick("Ngày", "Date"), 12.0),
        (lang.pick("Loại", "Kind"), 18.0),
        (lang.pick("Nội dung", "Description"), 50.0),
        (lang.pick("Số hiệu TK", "Account"), 10.0),
        (lang.pick("Tên tài khoản", "Account name"), 36.0),
        (lang.pick("Nợ", "Debit"), 16.0),
        (lang.pick("Có", "Credit"), 16.0),
    ]
}

/// The cash gifts' columns.
fn gift_columns(lang: Lang) -> [(&'static str, f64); 10] {
    [
        (lang.pick("Mã khoản ủng hộ", "Gift code"), 14.0),
        (lang.pick("Ngày cam kết", "Pledged on"), 12.0),
        (lang.pick("Ngày nhận", "Received on"), 12.0),
        (lang.pick("Nhà tài trợ", "Donor"), 36.0),
        (lang.pick("Công khai tên", "Name published"), 10.0),
        (lang.pick("Hình thức", "Channel"), 22.0),
        (lang.pick("Số tiền (đồng)", "Amount (đồng)"), 16.0),
        (lang.pick("Tình trạng", "Status"), 12.0),
        (lang.pick("Số tham chiếu", "Bank reference"), 18.0),
        (lang.pick("Bút toán", "Ledger entry"), 10.0),
    ]
}

fn row(fields: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let cells: Vec<String> = fields.iter().map(|f| csv_text(f).into_owned()).collect();
    let _ = w.write_record(&cells);
    w.into_inner().unwrap_or_default()
}

#[derive(Deserialize, Default)]
pub struct JournalQuery {
    #[serde(default)]
    account: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl JournalQuery {
    /// The journal page's filters: a known account, the dates that parse.
    fn filter(&self) -> EntryFilter {
        EntryFilter {
            account: CHART
                .iter()
                .find(|a| a.code == self.account.trim())
                .map(|a| a.code.to_string()),
            from: parse_date(&self.from),
            to: parse_date(&self.to),
            ..Default::default()
        }
    }
}

/// The journal, one line per posting, newest entry first, with the filters of its page.
pub async fn journal(
    State(state): State<AppState>,
    ctx: crate::views::Ctx,
    Query(q): Query<JournalQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let filter = q.filter();
    let mut head = b"\xEF\xBB\xBF".to_vec();
    head.extend(row(&journal_columns(lang).map(|(h, _)| h)));
    let store = state.store.clone();
    let pages = futures_util::stream::unfold(
        (Some(head), None::<i64>, false),
        move |(head, before, done)| {
            let store = store.clone();
            let filter = filter.clone();
            async move {
                if let Some(h) = head {
                    return Some((
                        Ok::<_, std::io::Error>(Bytes::from(h)),
                        (None, before, done),
                    ));
                }
                if done {
                    return None;
                }
                let page = match store.ledger_entries(&filter, before, PAGE).await {
                    Ok(p) => p,
                    Err(e) => {
                        return Some((
                            Err(std::io::Error::other(e.to_string())),
                            (None, before, true),
                        ));
                    }
                };
                let last = page.last().map(|e| e.id);
                let mut out = Vec::new();
                for e in &page {
                    for p in &e.postings {
                        let amount = p.amount.0.to_string();
                        let (d, c) = match p.side {
                            Side::Debit => (amount.as_str(), ""),
                            Side::Credit => ("", amount.as_str()),
                        };
                        out.extend(row(&[
                            &e.id.to_string(),
                            &format_date(e.date),
                            e.kind.label(lang),
                            &e.memo,
                            &p.account,
                            account(&p.account).map(|a| a.name(lang)).unwrap_or(""),
                            d,
                            c,
                        ]));
                    }
                }
                let finished = (page.len() as i64) < PAGE;
                if out.is_empty() {
                    return None;
                }
                Some((Ok(Bytes::from(out)), (None, last, finished)))
            }
        },
    );
    Ok(crate::files::csv_attachment(
        "nhat-ky-chung.csv",
        Body::from_stream(pages),
    ))
}

/// The journal as a workbook, with the filters of its page: read a page of entries at a
/// time into a sheet kept in constant memory.
pub async fn journal_xlsx(
    State(state): State<AppState>,
    ctx: crate::views::Ctx,
    Query(q): Query<JournalQuery>,
) -> AppResult<Response> {
    use sheets::table::{Cell, TableWriter};
    let lang = ctx.lang;
    let filter = q.filter();
    let mut w = TableWriter::new(
        lang.pick("Nhật ký chung", "Journal"),
        lang.pick(
            "NHẬT KÝ CHUNG – Chương trình \"Sóng và máy tính cho em\"",
            "JOURNAL – \"Signal and computers for children\"",
        ),
        &journal_columns(lang),
    )
    .map_err(crate::error::AppError::internal)?;
    let mut before = None;
    loop {
        let page = state.store.ledger_entries(&filter, before, PAGE).await?;
        for e in &page {
            let (id, day) = (e.id.to_string(), format_date(e.date));
            for p in &e.postings {
                let (d, c) = match p.side {
                    Side::Debit => (Cell::Number(p.amount.0), Cell::Empty),
                    Side::Credit => (Cell::Empty, Cell::Number(p.amount.0)),
                };
                w.push(&[
                    Cell::Text(&id),
                    Cell::Text(&day),
                    Cell::Text(e.kind.label(lang)),
                    Cell::Text(&e.memo),
                    Cell::Text(&p.account),
                    Cell::Text(account(&p.account).map(|a| a.name(lang)).unwrap_or("")),
                    d,
                    c,
                ])
                .map_err(crate::error::AppError::internal)?;
            }
        }
        if (page.len() as i64) < PAGE {
            break;
        }
        before = page.last().map(|e| e.id);
    }
    Ok(crate::files::xlsx_attachment(
        "nhat-ky-chung.xlsx",
        w.finish().map_err(crate::error::AppError::internal)?,
    ))
}

/// Every cash gift and pledge as a workbook.
pub async fn gifts_xlsx(
    State(state): State<AppState>,
    ctx: crate::views::Ctx,
) -> AppResult<Response> {
    use sheets::table::{Cell, TableWriter};
    let lang = ctx.lang;
    let mut w = TableWriter::new(
        lang.pick("Tiền ủng hộ", "Cash gifts"),
        lang.pick(
            "DANH SÁCH TIỀN ỦNG HỘ – Chương trình \"Sóng và máy tính cho em\"",
            "CASH GIFTS – \"Signal and computers for children\"",
        ),
        &gift_columns(lang),
    )
    .map_err(crate::error::AppError::internal)?;
    for g in state.store.gifts(&GiftFilter::default()).await? {
        let (pledged, received) = (
            format_date(g.pledged_on),
            g.received_on.map(format_date).unwrap_or_default(),
        );
        let entry = g.entry_id.map(|e| e.to_string()).unwrap_or_default();
        w.push(&[
            Cell::Text(&g.pledge_code),
            Cell::Text(&pledged),
            Cell::Text(&received),
            Cell::Text(&g.donor_name),
            Cell::Text(if g.publish_name {
                lang.pick("Có", "Yes")
            } else {
                lang.pick("Không", "No")
            }),
            Cell::Text(g.channel.label(lang)),
            Cell::Number(g.amount.0),
            Cell::Text(match g.status {
                GiftStatus::Received => lang.pick("Đã nhận", "Received"),
                GiftStatus::Pledged => lang.pick("Đã cam kết", "Pledged"),
            }),
            Cell::Text(g.bank_ref.as_deref().unwrap_or("")),
            Cell::Text(&entry),
        ])
        .map_err(crate::error::AppError::internal)?;
    }
    Ok(crate::files::xlsx_attachment(
        "tien-ung-ho.xlsx",
        w.finish().map_err(crate::error::AppError::internal)?,
    ))
}

/// Every cash gift and pledge.
pub async fn gifts(State(state): State<AppState>, ctx: crate::views::Ctx) -> AppResult<Response> {
    let lang: Lang = ctx.lang;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(row(&gift_columns(lang).map(|(h, _)| h)));
    for g in state.store.gifts(&GiftFilter::default()).await? {
        out.extend(row(&[
            &g.pledge_code,
            &format_date(g.pledged_on),
            &g.received_on.map(format_date).unwrap_or_default(),
            &g.donor_name,
            if g.publish_name {
                lang.pick("Có", "Yes")
            } else {
                lang.pick("Không", "No")
            },
            g.channel.label(lang),
            &g.amount.0.to_string(),
            match g.status {
                GiftStatus::Received => lang.pick("Đã nhận", "Received"),
                GiftStatus::Pledged => lang.pick("Đã cam kết", "Pledged"),
            },
            g.bank_ref.as_deref().unwrap_or(""),
            &g.entry_id.map(|e| e.to_string()).unwrap_or_default(),
        ]));
    }
    Ok(crate::files::csv_attachment(
        "tien-ung-ho.csv",
        Body::from(out),
    ))
}
