//! Trace my donation (`/cong-khai/tra-cuu`) and the statement of cash donations
//! (`/cong-khai/sao-ke`, and as CSV).

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Query;
use crate::files::{csv_attachment, with_status};
use crate::state::AppState;
use crate::views::{Ctx, num, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Lang;
use domain::dates::format_date;
use domain::money::Dong;
use domain::reports::{Period, Stage};
use serde::Deserialize;
use store::portal::TracedGift;

#[derive(Debug, Default, Deserialize)]
pub struct TraceQuery {
    #[serde(default)]
    ma: String,
}

pub struct GiftView {
    pub amount: String,
    pub channel: &'static str,
    pub pledged: String,
    pub received: String,
    pub status: &'static str,
    pub donor: String,
    pub entry: Option<i64>,
    pub earmark: Option<String>,
    pub tier: Option<String>,
    /// What became of it: the unit's progress, or the pool's share.
    pub went: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "portal/templates/trace.html")]
struct TracePage {
    l: Layout,
    typed: String,
    error: Option<&'static str>,
    gifts: Vec<GiftView>,
    packages: Vec<(String, String, String)>,
}

pub async fn trace(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TraceQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let typed = q.ma.trim().to_string();
    let mut page = TracePage {
        l: ctx.layout(t.trace_title),
        typed: typed.chars().take(64).collect(),
        error: None,
        gifts: Vec::new(),
        packages: Vec::new(),
    };
    if typed.chars().count() > 64 {
        page.error = Some(t.trace_too_long);
        return Ok(with_status(StatusCode::BAD_REQUEST, render(page)));
    }
    if typed.is_empty() {
        return Ok(render(page));
    }
    let found = state.store.trace_gifts(&typed).await?;
    if found.is_empty() {
        page.error = Some(t.trace_none);
        return Ok(with_status(StatusCode::NOT_FOUND, render(page)));
    }
    // The pool: what cash was received and what the contracts bought.
    let raised = state.store.cash_received().await?;
    let province = state
        .store
        .scope_unit(&domain::units::UnitPath::everything())
        .await?;
    let program = state.store.report_program(None).await?;
    let (report, unit_price) = match (&province, &program) {
        (Some(u), Some(p)) => {
            let r = state.store.progress_report(u, p, Period::default()).await?;
            let (value, qty) = r
                .packages
                .iter()
                .filter_map(|p| p.contract_value.map(|v| (v.0, p.quantity)))
                .fold((0i64, 0i64), |a, b| (a.0 + b.0, a.1 + b.1));
            (Some(r), (qty > 0).then(|| value / qty))
        }
        _ => (None, None),
    };
    if let Some(r) = &report {
        page.packages = r
            .packages
            .iter()
            .filter(|p| p.contract_value.is_some())
            .map(|p| {
                (
                    format!("{} – {}", p.code, p.name),
                    p.supplier.clone().unwrap_or_default(),
                    format!(
                        "{} · {} {}",
                        p.contract_value.unwrap_or(p.estimate),
                        num(p.delivered),
                        t.device_n.to_lowercase()
                    ),
                )
            })
            .collect();
    }
    let so_far = report.as_ref().map(|r| {
        let districts = r
            .rows
            .iter()
            .filter(|x| x.total.get(Stage::Handed) > 0)
            .count();
        format!(
            "{} {} {} {} {}",
            t.handed_so_far,
            num(r.total.get(Stage::Handed)),
            t.in_districts,
            num(districts as i64),
            t.districts_n
        )
    });
    for g in found {
        let mut v = view(&state, &g, raised, unit_price, &program, lang).await?;
        if g.status == "received"
            && v.earmark.is_none()
            && let Some(s) = &so_far
        {
            v.went.push(s.clone());
        }
        page.gifts.push(v);
    }
    Ok(render(page))
}

async fn view(
    state: &AppState,
    g: &TracedGift,
    raised: Dong,
    unit_price: Option<i64>,
    program: &Option<store::students::programs::Program>,
    lang: Lang,
) -> AppResult<GiftView> {
    let t = texts::tr(lang);
    let mut went = Vec::new();
    let mut earmark = None;
    if let Some(uid) = g.earmark_unit
        && let Some(u) = state.store.unit_by_id(uid).await?
    {
        earmark = Some(u.name.clone());
        if let Some(p) = program {
            let r = state
                .store
                .progress_report(&u, p, Period::default())
                .await?;
            let f = &r.total;
            for s in [Stage::Approved, Stage::Handed, Stage::InCsdl] {
                let n = f.get(s);
                let shown = if (1..domain::reports::suppress::SMALLEST_SHOWN).contains(&n) {
                    lang.pick("dưới 10", "under 10").to_string()
                } else {
                    num(n)
                };
                went.push(format!("{}: {}", s.label(lang), shown));
            }
        }
    }
    if g.status == "received" && earmark.is_none() {
        went.push(t.pooled.to_string());
        if raised.0 > 0 {
            let per_mille = (g.amount.0 as i128 * 1000 / raised.0 as i128) as i64;
            went.push(format!(
                "{} {},{}% {}",
                t.share,
                per_mille / 10,
                per_mille % 10,
                t.share_of
            ));
        }
        if let Some(price) = unit_price.filter(|p| *p > 0) {
            let n = g.amount.0 as f64 / price as f64;
            went.push(format!(
                "{} {} {} ({})",
                t.devices_equiv,
                if n >= 1.0 {
                    num(n.floor() as i64)
                } else {
                    format!("{n:.2}").replace('.', ",")
                },
                t.devices_equiv_tail,
                Dong(price),
            ));
        }
    }
    Ok(GiftView {
        amount: g.amount.to_string(),
        channel: g.channel.label(lang),
        pledged: format_date(g.pledged_on),
        received: g.received_on.map(format_date).unwrap_or_default(),
        status: match g.status {
            "received" => t.st_received,
            "reversed" => t.st_reversed,
            "cancelled" => t.st_cancelled,
            _ => t.st_pledged,
        },
        donor: g.donor.clone().unwrap_or_else(|| t.anonymous.to_string()),
        entry: g.entry_id,
        earmark,
        tier: g.earmark_tier.map(|r| format!("({})", roman(r))),
        went,
    })
}

fn roman(rank: i64) -> &'static str {
    match rank {
        1 => "i",
        2 => "ii",
        3 => "iii",
        4 => "iv",
        _ => "…",
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StatementQuery {
    #[serde(default)]
    q: String,
    /// Read leniently: a page that is not a number is refused with a message.
    #[serde(default)]
    page: String,
}

pub struct LineView {
    pub entry: i64,
    pub date: String,
    pub amount: String,
    pub negative: bool,
    pub donor: String,
    pub channel: &'static str,
    pub reference: String,
    pub account: String,
}

#[derive(askama::Template)]
#[template(path = "portal/templates/statement.html")]
struct StatementPage {
    l: Layout,
    q: String,
    error: Option<&'static str>,
    lines: Vec<LineView>,
    matching: String,
    sum: String,
    ledger_total: String,
    newer: Option<String>,
    older: Option<String>,
}

const PER_PAGE: i64 = 100;

pub async fn statement(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatementQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let search: String = q.q.trim().chars().take(80).collect();
    let page_no = match q.page.trim() {
        "" => Some(1),
        p => p
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n)),
    };
    let ledger_total = state.store.cash_received().await?.to_string();
    let Some(page_no) = page_no else {
        let page = StatementPage {
            l: ctx.layout(t.statement_title),
            q: search,
            error: Some(t.bad_page),
            lines: Vec::new(),
            matching: String::new(),
            sum: String::new(),
            ledger_total,
            newer: None,
            older: None,
        };
        return Ok(with_status(StatusCode::BAD_REQUEST, render(page)));
    };
    let p = state
        .store
        .public_statement(&search, PER_PAGE, (page_no - 1) * PER_PAGE)
        .await?;
    let href = |n: i64| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !search.is_empty() {
            s.append_pair("q", &search);
        }
        s.append_pair("page", &n.to_string());
        format!("/cong-khai/sao-ke?{}", s.finish())
    };
    let lines = p
        .lines
        .iter()
        .map(|l| LineView {
            entry: l.entry_id,
            date: format_date(l.date),
            amount: l.amount.to_string(),
            negative: l.amount.0 < 0,
            donor: l.donor.clone().unwrap_or_else(|| t.anonymous.to_string()),
            channel: l.channel.map(|c| c.label(lang)).unwrap_or(""),
            reference: l.bank_ref.clone().unwrap_or_default(),
            account: l.account.clone().unwrap_or_default(),
        })
        .collect();
    let page = StatementPage {
        l: ctx.layout(t.statement_title),
        error: None,
        lines,
        matching: num(p.matching),
        sum: p.sum.to_string(),
        ledger_total,
        newer: (page_no > 1).then(|| href(page_no - 1)),
        older: (page_no * PER_PAGE < p.matching).then(|| href(page_no + 1)),
        q: search,
    };
    Ok(render(page))
}

/// The whole statement as CSV, read a thousand lines at a time from the database while
/// it is sent.
pub async fn statement_csv(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let lang = ctx.lang;
    let anonymous = texts::tr(lang).anonymous;
    let mut head = csv::Writer::from_writer(Vec::new());
    let _ = head.write_record([
        "entry",
        "date",
        "amount",
        "donor",
        "channel",
        "bank_reference",
        "from_account",
    ]);
    let head = head.into_inner().unwrap_or_default();
    let store = state.store.clone();
    let pages =
        futures_util::stream::unfold((Some(head), 0i64, false), move |(head, after, done)| {
            let store = store.clone();
            async move {
                if let Some(h) = head {
                    return Some((
                        Ok::<_, std::io::Error>(bytes::Bytes::from(h)),
                        (None, after, done),
                    ));
                }
                if done {
                    return None;
                }
                let lines = match store.public_lines_after(after, 1000).await {
                    Ok(l) => l,
                    Err(e) => {
                        return Some((
                            Err(std::io::Error::other(e.to_string())),
                            (None, after, true),
                        ));
                    }
                };
                let last = lines.last().map(|l| l.entry_id)?;
                let mut w = csv::Writer::from_writer(Vec::new());
                for l in &lines {
                    let _ = w.write_record([
                        l.entry_id.to_string().as_str(),
                        &format_date(l.date),
                        &l.amount.0.to_string(),
                        sheets::export::csv_text(l.donor.as_deref().unwrap_or(anonymous)).as_ref(),
                        l.channel.map(|c| c.label(lang)).unwrap_or(""),
                        sheets::export::csv_text(l.bank_ref.as_deref().unwrap_or("")).as_ref(),
                        l.account.as_deref().unwrap_or(""),
                    ]);
                }
                let out = w.into_inner().unwrap_or_default();
                Some((
                    Ok(bytes::Bytes::from(out)),
                    (None, last, lines.len() < 1000),
                ))
            }
        });
    let mut res = csv_attachment(
        "sao-ke-tien-ung-ho.csv",
        axum::body::Body::from_stream(pages),
    );
    let h = res.headers_mut();
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        axum::http::HeaderValue::from_static("*"),
    );
    Ok(res)
}
