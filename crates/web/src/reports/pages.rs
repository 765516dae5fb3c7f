//! The report page and its two files. The figures come from
//! [`store::Store::progress_report`], the same call the dashboard's funnel and the command
//! line make, so their totals agree for the same scope.

use super::texts::{self, Layout};
use crate::charts::{Bar, bars};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::files::{inline_file, with_status, xlsx_attachment};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Lang;
use domain::audit::checkpoint::LogSigner;
use domain::dates::{format_date, format_millis, now_millis, parse_date, today};
use domain::reports::figures::ProgressReport;
use domain::reports::{Funnel, Period, Stage};
use domain::units::UnitKind;
use serde::Deserialize;
use store::Store;
use store::students::programs::Program;
use store::units::Unit;

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// What the page, the files and the command line print around the figures.
pub struct Paper {
    pub pdf: pdf::ReportPaper,
    pub xlsx: sheets::report::ReportHeading,
}

/// The letterhead, date, period and checkpoint of a report of `unit` made by `made_by`.
/// With a signing key, the log's checkpoint at its current size (signed now if none is
/// kept for that size); without one, the latest kept.
pub async fn paper(
    store: &Store,
    unit: &Unit,
    period: &Period,
    signer: Option<&LogSigner>,
    made_by: &str,
) -> store::Result<Paper> {
    let place = store.province_place_name().await?;
    let letterhead = if unit.parent_id.is_none() {
        crate::views::board_letterhead(&place)
    } else if unit.kind == UnitKind::School {
        pdf::Letterhead {
            parent_body: unit.parent_name.clone().unwrap_or_default(),
            issuing_body: unit.name.clone(),
            place_name: place.clone(),
        }
    } else {
        pdf::Letterhead {
            parent_body: format!("Ủy ban nhân dân {}", lower_first(&unit.name)),
            issuing_body: "Phòng Giáo dục và Đào tạo".to_string(),
            place_name: place.clone(),
        }
    };
    let checkpoint = match signer {
        Some(s) => Some(store.log_checkpoint(s).await?.note),
        None => store
            .checkpoints(1)
            .await?
            .into_iter()
            .next()
            .map(|c| c.note),
    };
    let made_at = format_millis(now_millis());
    let period_text = period.describe(Lang::Vi);
    Ok(Paper {
        xlsx: sheets::report::ReportHeading {
            issuing_body: letterhead.issuing_body.clone(),
            period: period_text.clone(),
            made_at: made_at.clone(),
            made_by: made_by.to_string(),
            checkpoint: checkpoint.clone(),
        },
        pdf: pdf::ReportPaper {
            letterhead,
            date: today(),
            period: period_text,
            made_at,
            made_by: made_by.to_string(),
            checkpoint,
        },
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The report of `unit` as a file: `.xlsx` or `.pdf` bytes.
pub async fn document(
    store: &Store,
    unit: &Unit,
    program: &Program,
    period: Period,
    signer: Option<&LogSigner>,
    made_by: &str,
    as_pdf: bool,
) -> AppResult<(ProgressReport, Vec<u8>)> {
    let report = store.progress_report(unit, program, period).await?;
    let paper = paper(store, unit, &period, signer, made_by).await?;
    let bytes = if as_pdf {
        pdf::progress_report(&report, &paper.pdf)
    } else {
        sheets::report::progress_xlsx(&report, &paper.xlsx).map_err(AppError::internal)?
    };
    Ok((report, bytes))
}

/// The unit, program and period a request asks for, or what is wrong with it.
async fn resolve(
    state: &AppState,
    actor: &Actor,
    q: &ReportQuery,
    lang: Lang,
) -> AppResult<Result<(Unit, Program, Period), String>> {
    let t = texts::tr(lang);
    let day = |s: &str, which: &str| -> Result<Option<time::Date>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        parse_date(s)
            .map(Some)
            .ok_or_else(|| format!("{which}: {} — «{}»", t.bad_date, crate::charts::fit(s, 20)))
    };
    let from = match day(&q.from, t.from) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let to = match day(&q.to, t.to) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let period = match Period::new(from, to) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.message(lang))),
    };
    let code = q.unit.trim();
    let unit = if code.is_empty() {
        state.store.scope_unit(&actor.scope).await?
    } else {
        state
            .store
            .unit_by_code(code)
            .await
            .ok()
            .flatten()
            .filter(|u| actor.scope.contains(&u.path))
            // A department reports nothing of its own: the Sở's figures are the province's.
            .filter(|u| u.kind != UnitKind::Department)
    };
    let Some(unit) = unit else {
        return Ok(Err(t.unknown_unit.to_string()));
    };
    let Some(program) = state.store.report_program(None).await? else {
        return Ok(Err(t.no_program.to_string()));
    };
    Ok(Ok((unit, program, period)))
}

pub struct Cell {
    pub n: String,
    pub href: String,
}

pub struct TableRow {
    pub name: String,
    pub href: Option<String>,
    pub cells: Vec<Cell>,
}

pub struct Pair {
    pub label: &'static str,
    pub value: String,
}

pub struct PackageView {
    pub href: String,
    pub name: String,
    pub stage: &'static str,
    pub supplier: String,
    pub value: String,
    pub paid: String,
}

pub struct DonorView {
    pub href: String,
    pub name: String,
    pub cash: String,
    pub devices: String,
    pub in_kind: String,
}

#[derive(askama::Template)]
#[template(path = "reports/templates/report.html")]
struct ReportPage {
    l: Layout,
    error: Option<String>,
    unit_code: String,
    unit_name: String,
    from: String,
    to: String,
    period: String,
    query: String,
    stage_heads: Vec<&'static str>,
    funnel_svg: String,
    first_col: &'static str,
    rows: Vec<TableRow>,
    total: TableRow,
    tiers_svg: String,
    tiers: Vec<TableRow>,
    devices: Vec<Pair>,
    devices_svg: String,
    money: Vec<Pair>,
    money_svg: String,
    packages: Vec<PackageView>,
    donors: Vec<DonorView>,
    checkpoint: Option<String>,
    /// Other areas' figures for the unit (signal, after-care).
    panels: Vec<crate::areas::StudentPanel>,
}

/// Where each stage's figure leads: the list behind it, within the viewer's scope.
pub fn stage_href(stage: Stage, school: Option<&str>) -> String {
    match (stage, school) {
        (Stage::Surveyed | Stage::Approved, Some(code)) => format!("/students/school/{code}"),
        (Stage::Surveyed | Stage::Approved, None) => "/students".into(),
        (Stage::Allocated, _) => "/allocation".into(),
        (Stage::Handed, Some(_)) => "/handover/students".into(),
        (Stage::InCsdl, Some(_)) => "/handover/csdl".into(),
        (Stage::Handed | Stage::InCsdl, None) => "/handover".into(),
    }
}

const SHOWN: [Stage; 5] = Stage::ALL;

fn cells(f: &Funnel, school: Option<&str>) -> Vec<Cell> {
    let mut out: Vec<Cell> = SHOWN
        .iter()
        .map(|s| Cell {
            n: num(f.get(*s)),
            href: stage_href(*s, school),
        })
        .collect();
    out.insert(
        4,
        Cell {
            n: num((f.get(Stage::Allocated) - f.get(Stage::Handed)).max(0)),
            href: stage_href(Stage::Handed, school),
        },
    );
    out
}

pub fn funnel_bars(f: &Funnel, school: Option<&str>, lang: Lang) -> Vec<Bar> {
    SHOWN
        .iter()
        .map(|s| {
            Bar::new(s.label(lang), f.get(*s))
                .link(stage_href(*s, school))
                .class(s.code())
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let resolved = resolve(&state, &actor, &q, lang).await?;
    let (unit, program, period) = match resolved {
        Ok(x) => x,
        Err(error) => {
            let page = ReportPage {
                l: ctx.layout(t.title),
                error: Some(error),
                unit_code: q.unit.chars().take(40).collect(),
                unit_name: String::new(),
                from: q.from.chars().take(20).collect(),
                to: q.to.chars().take(20).collect(),
                period: String::new(),
                query: String::new(),
                stage_heads: Vec::new(),
                funnel_svg: String::new(),
                first_col: t.unit_col,
                rows: Vec::new(),
                total: TableRow {
                    name: String::new(),
                    href: None,
                    cells: Vec::new(),
                },
                tiers_svg: String::new(),
                tiers: Vec::new(),
                devices: Vec::new(),
                devices_svg: String::new(),
                money: Vec::new(),
                money_svg: String::new(),
                packages: Vec::new(),
                donors: Vec::new(),
                checkpoint: None,
                panels: Vec::new(),
            };
            return Ok(with_status(StatusCode::BAD_REQUEST, render(page)));
        }
    };
    let r = state.store.progress_report(&unit, &program, period).await?;
    let school = (unit.kind == UnitKind::School).then(|| unit.code.as_str().to_string());
    let rows: Vec<TableRow> = r
        .rows
        .iter()
        .map(|x| {
            let is_school = x.unit_id != unit.id && !x.direct && unit.parent_id.is_some();
            let code = is_school.then_some(x.code.as_str());
            TableRow {
                name: if x.direct {
                    t.direct_schools.to_string()
                } else {
                    x.name.clone()
                },
                href: (x.unit_id != unit.id).then(|| {
                    let mut s = format!("/reports?unit={}", urlenc(&x.code));
                    s.push_str(&period_query(&q));
                    s
                }),
                cells: cells(&x.total, code.or(school.as_deref())),
            }
        })
        .collect();
    let total = TableRow {
        name: t.total.to_string(),
        href: None,
        cells: cells(&r.total, school.as_deref()),
    };
    let tiers: Vec<TableRow> = r
        .tiers
        .iter()
        .zip(&r.by_tier)
        .map(|(tier, f)| TableRow {
            name: format!(
                "({}) {}",
                tier.code,
                match lang {
                    Lang::En => tier.label_en.clone().unwrap_or_else(|| tier.label.clone()),
                    Lang::Vi => tier.label.clone(),
                }
            ),
            href: None,
            cells: cells(f, school.as_deref()),
        })
        .collect();
    let tiers_svg = bars(
        t.by_tier,
        &r.tiers
            .iter()
            .zip(&r.by_tier)
            .map(|(tier, f)| {
                Bar::new(
                    format!("({}) {}", tier.code, tier.label),
                    f.get(Stage::Handed),
                )
                .class("handed_over")
            })
            .collect::<Vec<_>>(),
    );
    let d = &r.devices;
    let mut devices = Vec::new();
    let mut pair = |label, n: i64| {
        devices.push(Pair {
            label,
            value: num(n),
        })
    };
    if r.whole_province {
        pair(t.received_donated, d.received_donated);
        pair(t.received_bought, d.received_bought);
        pair(t.awaiting_appraisal, d.awaiting_appraisal);
        pair(t.in_stock, d.in_stock);
        pair(t.allocated, d.allocated);
    } else {
        pair(t.received_from_above, d.received_donated);
    }
    pair(t.with_unit, d.with_unit);
    pair(t.with_school, d.with_school);
    pair(t.with_student, d.with_student);
    pair(t.under_repair, d.under_repair);
    pair(t.out_of_use, d.out_of_use);
    let mut where_bars = Vec::new();
    if r.whole_province {
        where_bars.push(Bar::new(t.in_stock, d.in_stock).link("/devices"));
        where_bars.push(Bar::new(t.allocated, d.allocated).link("/allocation"));
    }
    where_bars.push(Bar::new(t.with_unit, d.with_unit).link("/handover"));
    where_bars.push(Bar::new(t.with_school, d.with_school).link("/handover"));
    where_bars.push(
        Bar::new(t.with_student, d.with_student)
            .link("/handover")
            .class("handed_over"),
    );
    let devices_svg = bars(t.devices, &where_bars);
    let (money, money_svg) = match &r.money {
        Some(m) => {
            let list = vec![
                Pair {
                    label: t.raised,
                    value: m.raised.to_string(),
                },
                Pair {
                    label: t.budget,
                    value: m.budget.to_string(),
                },
                Pair {
                    label: t.contracted,
                    value: format!("{} ({})", m.contracted, num(m.contracts)),
                },
                Pair {
                    label: t.spent,
                    value: m.spent.to_string(),
                },
                Pair {
                    label: t.committed,
                    value: m.committed_now.to_string(),
                },
                Pair {
                    label: t.held,
                    value: m.held.to_string(),
                },
                Pair {
                    label: t.held_by_mttq,
                    value: m.held_by_mttq.to_string(),
                },
                Pair {
                    label: t.in_kind,
                    value: format!(
                        "{} ({} {} {})",
                        m.in_kind_value,
                        num(m.in_kind_receipts),
                        t.receipts_devices,
                        num(m.in_kind_devices)
                    ),
                },
            ];
            let millions = |v: i64| v / 1_000_000;
            let mut b = vec![
                Bar::new(t.raised, millions(m.raised.0)).link("/gifts"),
                Bar::new(t.budget, millions(m.budget.0)).link("/ledger"),
                Bar::new(t.contracted, millions(m.contracted.0)).link("/procurement"),
                Bar::new(t.spent, millions(m.spent.0))
                    .link("/procurement/payments")
                    .class("spent"),
            ];
            for x in &mut b {
                x.shown = Some(format!("{} tr đ", num(x.value)));
            }
            (list, bars(t.money_chart, &b))
        }
        None => (Vec::new(), String::new()),
    };
    let packages = r
        .packages
        .iter()
        .map(|p| PackageView {
            href: format!("/procurement/{}", p.id),
            name: format!("{} – {}", p.code, p.name),
            stage: p.stage.label(lang),
            supplier: p.supplier.clone().unwrap_or_default(),
            value: p.contract_value.unwrap_or(p.estimate).to_string(),
            paid: p.paid.to_string(),
        })
        .collect();
    let donors = r
        .donors
        .iter()
        .map(|d| DonorView {
            href: format!("/donors/{}", d.id),
            name: d.name.clone(),
            cash: d.cash.to_string(),
            devices: num(d.devices),
            in_kind: d.in_kind_value.to_string(),
        })
        .collect();
    let checkpoint = state
        .store
        .checkpoints(1)
        .await?
        .into_iter()
        .next()
        .map(|c| c.note);
    let mut query = format!("unit={}", urlenc(unit.code.as_str()));
    query.push_str(&period_query(&q));
    let panels = crate::areas::panels(
        crate::areas::PanelPage::Report,
        &state,
        &actor,
        unit.id,
        lang,
    )
    .await?;
    let page = ReportPage {
        panels,
        l: ctx.layout(t.title),
        error: None,
        unit_code: unit.code.as_str().to_string(),
        unit_name: unit.name.clone(),
        from: period.from.map(format_date).unwrap_or_default(),
        to: period.to.map(format_date).unwrap_or_default(),
        period: period.describe(lang),
        query,
        stage_heads: {
            let mut h: Vec<&'static str> = SHOWN.iter().map(|s| s.label(lang)).collect();
            h.insert(4, t.waiting);
            h
        },
        funnel_svg: bars(t.funnel, &funnel_bars(&r.total, school.as_deref(), lang)),
        first_col: if r.whole_province || unit.kind != UnitKind::District {
            t.unit_col
        } else {
            t.school_col
        },
        rows,
        total,
        tiers_svg,
        tiers,
        devices,
        devices_svg,
        money,
        money_svg,
        packages,
        donors,
        checkpoint,
    };
    Ok(render(page))
}

fn urlenc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn period_query(q: &ReportQuery) -> String {
    let mut s = String::new();
    for (k, v) in [("from", &q.from), ("to", &q.to)] {
        let v = v.trim();
        if !v.is_empty() {
            s.push_str(&format!("&{k}={}", urlenc(v)));
        }
    }
    s
}

async fn file(
    state: AppState,
    ctx: Ctx,
    actor: Actor,
    q: ReportQuery,
    as_pdf: bool,
) -> AppResult<Response> {
    let (unit, program, period) = match resolve(&state, &actor, &q, ctx.lang).await? {
        Ok(x) => x,
        Err(e) => return Err(AppError::BadRequest(e)),
    };
    let (_, bytes) = document(
        &state.store,
        &unit,
        &program,
        period,
        state.config.log_signer.as_deref(),
        &actor.user.full_name,
        as_pdf,
    )
    .await?;
    let name = format!(
        "bao-cao-tien-do-{}-{}.{}",
        unit.code.as_str(),
        today(),
        if as_pdf { "pdf" } else { "xlsx" }
    );
    Ok(if as_pdf {
        inline_file(&name, "application/pdf", bytes)
    } else {
        xlsx_attachment(&name, bytes)
    })
}

pub async fn xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    file(state, ctx, actor, q, false).await
}

pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    file(state, ctx, actor, q, true).await
}
