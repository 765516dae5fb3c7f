//! The portal's front page (`/cong-khai`) and its open data (`/cong-khai/du-lieu/…`).

use super::figures::{self, PublicFigures};
use super::log::{open_data, served};
use super::texts::{self, Layout};
use crate::charts::{Bar, bars};
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Ctx, num, render};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::Lang;
use domain::reports::Stage;

pub struct Headline {
    pub n: String,
    pub label: &'static str,
    pub href: &'static str,
}

pub struct MaskedRow {
    pub name: String,
    pub cells: Vec<String>,
    pub total: bool,
}

pub struct MaskedTable {
    pub id: &'static str,
    pub title: &'static str,
    pub rows: Vec<MaskedRow>,
}

pub struct Pair {
    pub label: &'static str,
    pub value: String,
}

pub struct PackageView {
    pub name: String,
    pub stage: &'static str,
    pub supplier: String,
    pub value: String,
    pub paid: String,
}

pub struct DonorView {
    pub name: String,
    pub cash: String,
    pub devices: String,
    pub in_kind: String,
}

/// A recommended online-learning platform, with the decision that recommends it.
pub struct PlatformView {
    pub name: String,
    pub url: String,
    pub provider: String,
    pub purpose: String,
    pub decision: String,
}

#[derive(askama::Template)]
#[template(path = "portal/templates/home.html")]
struct HomePage {
    l: Layout,
    ready: bool,
    program: String,
    headlines: Vec<Headline>,
    funnel_svg: String,
    district_svg: String,
    tier_heads: Vec<String>,
    tier_legend: String,
    tables: Vec<MaskedTable>,
    devices: Vec<Pair>,
    money: Vec<Pair>,
    packages: Vec<PackageView>,
    donors: Vec<DonorView>,
    others: Option<String>,
    platforms: Vec<PlatformView>,
}

fn shown(v: Option<i64>) -> String {
    v.map(num).unwrap_or_else(|| "*".to_string())
}

fn table_title(s: Stage, lang: Lang) -> &'static str {
    match s {
        Stage::Approved => lang.pick(
            "Học sinh được duyệt nhận máy",
            "Students approved for a device",
        ),
        _ => lang.pick("Học sinh đã nhận máy", "Students handed a device"),
    }
}

/// The front page: for visitors not logged in, the copy kept while nothing has changed
/// (made without a form token: it has no form that posts); for officials, made fresh
/// with their menu.
pub async fn page(State(state): State<AppState>, ctx: Ctx, req: HeaderMap) -> AppResult<Response> {
    let lang = ctx.lang;
    if ctx.actor.is_some() || ctx.flash.is_some() {
        return make(&state, &ctx).await.map(render);
    }
    let copy = state
        .public_copy("/cong-khai", lang, || async {
            let page = make(&state, &ctx).await?;
            let mut page = page;
            page.l.csrf = String::new();
            Ok(axum::body::Bytes::from(askama::Template::render(&page)?))
        })
        .await?;
    Ok(served(
        &req,
        "text/html; charset=utf-8",
        copy.body.clone(),
        &copy.etag,
        &copy.sha256,
        60,
    ))
}

async fn make(state: &AppState, ctx: &Ctx) -> AppResult<HomePage> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let Some(f) = figures::gather(state, lang).await? else {
        return Ok(HomePage {
            l: ctx.layout(t.home_title),
            ready: false,
            program: String::new(),
            headlines: Vec::new(),
            funnel_svg: String::new(),
            district_svg: String::new(),
            tier_heads: Vec::new(),
            tier_legend: String::new(),
            tables: Vec::new(),
            devices: Vec::new(),
            money: Vec::new(),
            packages: Vec::new(),
            donors: Vec::new(),
            others: None,
            platforms: Vec::new(),
        });
    };
    let mut page = home(&f, ctx.layout(t.home_title), lang);
    page.platforms = state
        .store
        .platforms(true)
        .await?
        .into_iter()
        .map(|p| PlatformView {
            decision: match (&p.decision_no, p.decision_date) {
                (Some(n), Some(d)) => format!("{n}, {}", domain::dates::format_date(d)),
                _ => String::new(),
            },
            name: p.name,
            url: p.url,
            provider: p.provider,
            purpose: p.purpose,
        })
        .collect();
    Ok(page)
}

fn home(f: &PublicFigures, l: Layout, lang: Lang) -> HomePage {
    let t = texts::tr(lang);
    let r = &f.report;
    let nt = r.tiers.len();
    let handed = f
        .tables
        .iter()
        .find(|(s, _)| *s == Stage::Handed)
        .map(|(_, m)| m);
    let grand = |m: Option<&domain::reports::suppress::Masked>| m.and_then(|m| m.total());
    let money = r.money.clone().unwrap_or_default();
    let headlines = vec![
        Headline {
            n: shown(grand(handed)),
            label: t.handed_students,
            href: "#by-district",
        },
        Headline {
            n: shown(figures::child_count(r.devices.with_student)),
            label: t.devices_with_students,
            href: "#devices",
        },
        Headline {
            n: money.raised.to_string(),
            label: t.cash_received,
            href: "/cong-khai/sao-ke",
        },
        Headline {
            n: money.spent.to_string(),
            label: t.spent,
            href: "#packages",
        },
    ];
    // The funnel of the province: the listed total is the province's (never small in a
    // real program; hidden like any other count when it is).
    let listed = r.total.get(Stage::Surveyed);
    let mut funnel = vec![{
        let mut b = Bar::new(Stage::Surveyed.label(lang), listed);
        if (1..domain::reports::suppress::SMALLEST_SHOWN).contains(&listed) {
            b.shown = Some("*".into());
            b.value = 0;
        }
        b
    }];
    for (s, m) in &f.tables {
        let mut b = Bar::new(s.label(lang), m.total().unwrap_or(0)).class(s.code());
        if m.total().is_none() {
            b.shown = Some("*".into());
        }
        funnel.push(b.link("#by-district"));
    }
    let district_bars: Vec<Bar> = match handed {
        Some(m) => f
            .rows
            .iter()
            .enumerate()
            .map(|(i, (_, name))| {
                let mut b =
                    Bar::new(name.clone(), m.row_total(i).unwrap_or(0)).class("handed_over");
                if m.row_total(i).is_none() {
                    b.shown = Some("*".into());
                    b = b.class("hidden");
                }
                b
            })
            .collect(),
        None => Vec::new(),
    };
    let tables = f
        .tables
        .iter()
        .map(|(s, m)| {
            let mut rows: Vec<MaskedRow> = f
                .rows
                .iter()
                .enumerate()
                .map(|(i, (_, name))| MaskedRow {
                    name: name.clone(),
                    cells: (0..=nt).map(|c| shown(m.shown(i, c))).collect(),
                    total: false,
                })
                .collect();
            rows.push(MaskedRow {
                name: t.total.to_string(),
                cells: (0..=nt).map(|c| shown(m.shown(m.rows(), c))).collect(),
                total: true,
            });
            MaskedTable {
                id: if *s == Stage::Handed {
                    "handed-table"
                } else {
                    "approved-table"
                },
                title: table_title(*s, lang),
                rows,
            }
        })
        .collect();
    let d = &r.devices;
    let devices = vec![
        Pair {
            label: lang.pick("Tiếp nhận từ ủng hộ", "Received as donations"),
            value: num(d.received_donated),
        },
        Pair {
            label: lang.pick("Tiếp nhận từ mua sắm", "Received from purchases"),
            value: num(d.received_bought),
        },
        Pair {
            label: lang.pick("Chờ thẩm định, nhập kho", "Awaiting appraisal"),
            value: num(d.awaiting_appraisal),
        },
        Pair {
            label: lang.pick(
                "Trong kho, đã phân bổ, đang chuyển",
                "In stock, allocated or on the way",
            ),
            value: num(d.in_stock + d.allocated + d.with_unit + d.with_school),
        },
        Pair {
            label: t.devices_with_students,
            value: shown(figures::child_count(d.with_student)),
        },
        Pair {
            label: lang.pick("Đang bảo hành, sửa chữa", "Under repair"),
            value: shown(figures::child_count(d.under_repair)),
        },
    ];
    let money_pairs = vec![
        Pair {
            label: t.cash_received,
            value: money.raised.to_string(),
        },
        Pair {
            label: t.budget,
            value: money.budget.to_string(),
        },
        Pair {
            label: t.contracted,
            value: money.contracted.to_string(),
        },
        Pair {
            label: t.spent,
            value: money.spent.to_string(),
        },
        Pair {
            label: t.committed,
            value: money.committed_now.to_string(),
        },
        Pair {
            label: t.held,
            value: money.held.to_string(),
        },
        Pair {
            label: t.held_by_mttq,
            value: money.held_by_mttq.to_string(),
        },
        Pair {
            label: t.in_kind,
            value: format!(
                "{} ({} {})",
                money.in_kind_value,
                num(money.in_kind_devices),
                t.device_n.to_lowercase()
            ),
        },
    ];
    let packages = r
        .packages
        .iter()
        .map(|p| PackageView {
            name: format!("{} – {}", p.code, p.name),
            stage: p.stage.label(lang),
            supplier: p.supplier.clone().unwrap_or_default(),
            value: p.contract_value.unwrap_or(p.estimate).to_string(),
            paid: p.paid.to_string(),
        })
        .collect();
    let donors = f
        .donors
        .named
        .iter()
        .map(|(n, c, dv, v)| DonorView {
            name: n.clone(),
            cash: c.to_string(),
            devices: num(*dv),
            in_kind: v.to_string(),
        })
        .collect();
    let o = &f.donors.others;
    let others = (o.0 > 0).then(|| {
        format!(
            "{} {}: {} · {} {} · {}",
            num(o.0),
            t.other_donors,
            o.1,
            num(o.2),
            t.device_n.to_lowercase(),
            o.3
        )
    });
    HomePage {
        platforms: Vec::new(),
        l,
        ready: true,
        program: r.program_name.clone(),
        headlines,
        funnel_svg: bars(t.funnel, &funnel),
        district_svg: bars(t.handed_by_district, &district_bars),
        tier_heads: r
            .tiers
            .iter()
            .map(|x| format!("({})", x.code))
            .chain([t.total.to_string()])
            .collect(),
        tier_legend: r
            .tiers
            .iter()
            .map(|x| {
                let label = match lang {
                    Lang::En => x.label_en.clone().unwrap_or_else(|| x.label.clone()),
                    Lang::Vi => x.label.clone(),
                };
                format!("({}) {}", x.code, label)
            })
            .collect::<Vec<_>>()
            .join(" · "),
        tables,
        devices,
        money: money_pairs,
        packages,
        donors,
        others,
    }
}

#[derive(askama::Template)]
#[template(path = "portal/templates/data.html")]
struct DataPage {
    l: Layout,
    files: Vec<(&'static str, &'static str, String)>,
}

/// The open data's index: each file, what it holds, and its SHA-256 now.
pub async fn data(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    // The same copies the files are served from: the SHA-256 listed is the one served.
    let json = figures_copy(&state, lang, false).await?;
    let csv = figures_copy(&state, lang, true).await?;
    let files = vec![
        (
            "/cong-khai/du-lieu/tong-hop.json",
            t.d_figures,
            json.sha256.clone(),
        ),
        (
            "/cong-khai/du-lieu/tong-hop.schema.json",
            t.d_schema,
            domain::digest::sha256_hex(figures::SCHEMA.as_bytes()),
        ),
        (
            "/cong-khai/du-lieu/tong-hop.csv",
            t.d_cells,
            csv.sha256.clone(),
        ),
        (
            "/cong-khai/du-lieu/sao-ke.csv",
            t.d_statement,
            String::new(),
        ),
        ("/cong-khai/du-lieu/mua-sam.json", t.d_ocds, String::new()),
        ("/cong-khai/nhat-ky", t.d_log, String::new()),
    ];
    Ok(render(DataPage {
        l: ctx.layout(t.data_title),
        files,
    }))
}

/// The figures' public copy, as JSON or as CSV.
async fn figures_copy(
    state: &AppState,
    lang: Lang,
    csv: bool,
) -> AppResult<std::sync::Arc<crate::state::PublicCopy>> {
    let key = if csv {
        "/cong-khai/du-lieu/tong-hop.csv"
    } else {
        "/cong-khai/du-lieu/tong-hop.json"
    };
    state
        .public_copy(key, lang, || async {
            let f = figures::gather(state, lang).await?;
            Ok(match (f, csv) {
                (Some(f), true) => figures::to_csv(&f),
                (Some(f), false) => pretty(&figures::to_json(&f, lang)),
                (None, true) => String::new(),
                (None, false) => "{}".to_string(),
            }
            .into())
        })
        .await
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

pub async fn figures_json(
    State(state): State<AppState>,
    ctx: Ctx,
    req: HeaderMap,
) -> AppResult<Response> {
    let copy = figures_copy(&state, ctx.lang, false).await?;
    Ok(served(
        &req,
        "application/json; charset=utf-8",
        copy.body.clone(),
        &copy.etag,
        &copy.sha256,
        300,
    ))
}

pub async fn figures_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    req: HeaderMap,
) -> AppResult<Response> {
    let copy = figures_copy(&state, ctx.lang, true).await?;
    Ok(served(
        &req,
        "text/csv; charset=utf-8",
        copy.body.clone(),
        &copy.etag,
        &copy.sha256,
        300,
    ))
}

pub async fn schema(req: HeaderMap) -> Response {
    open_data(&req, "application/schema+json", figures::SCHEMA.to_string())
}

/// The procurement packages as an OCDS 1.1 release package, public.
pub async fn ocds(State(state): State<AppState>, req: HeaderMap) -> AppResult<Response> {
    let prefix = std::env::var("SONGMAYTINH_OCID_PREFIX")
        .unwrap_or_else(|_| domain::procurement::ocds::DEFAULT_PREFIX.to_string());
    let v = state
        .store
        .ocds_release_package(&prefix, &state.config.public_url)
        .await?;
    Ok(open_data(
        &req,
        "application/json; charset=utf-8",
        pretty(&v),
    ))
}
