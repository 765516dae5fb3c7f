//! Schools' connections: the list of the viewer's scope with its filter and counts, the
//! sheet of schools without Internet for Sở TT&TT, and a school's page with its history
//! and the form that records its connection.

use super::texts::{self, Layout};
use super::{Choice, Tab, choices, tabs};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::{Form, Query};
use crate::files::{with_status, xlsx_attachment};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::response::Response;
use domain::Lang;
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::signal::Connectivity;
use serde::Deserialize;
use sheets::table::{Cell, TableWriter};
use store::StoreError;
use store::signal::{NewConnection, SchoolConnection};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    kind: String,
}

pub struct SchoolLine {
    pub code: String,
    pub name: String,
    pub district: String,
    pub commune: String,
    pub kind: &'static str,
    pub detail: String,
    pub class: &'static str,
    pub speed: String,
    pub noted_on: String,
}

pub struct Count {
    pub href: String,
    pub label: &'static str,
    pub n: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "signal/templates/schools.html")]
struct SchoolsPage {
    l: Layout,
    tabs: Vec<Tab>,
    counts: Vec<Count>,
    schools: Vec<SchoolLine>,
    shown: String,
    many_districts: bool,
}

fn kind_code(k: Option<Connectivity>) -> &'static str {
    k.map(|k| k.code()).unwrap_or("unknown")
}

fn connection_text(s: &SchoolConnection, lang: Lang) -> String {
    let t = texts::tr(lang);
    let mut out = match s.kind {
        Some(k) => k.label(lang).to_string(),
        None => t.unknown.to_string(),
    };
    if let Some(p) = &s.provider {
        out.push_str(&format!(" · {p}"));
    }
    if s.kind.is_some() && !s.recorded {
        out.push_str(&format!(" ({})", t.from_list));
    }
    out
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let all = state.store.school_connections(&actor.scope).await?;
    let filter = q.kind.trim();
    let kinds: [(&str, &'static str); 5] = [
        ("", t.all),
        ("none", t.without_internet),
        ("mobile", t.mobile_only),
        ("fixed", t.fixed_line),
        ("unknown", t.unknown),
    ];
    let counts = kinds
        .iter()
        .map(|(code, label)| Count {
            href: if code.is_empty() {
                "/signal".to_string()
            } else {
                format!("/signal?kind={code}")
            },
            label,
            n: num(all
                .iter()
                .filter(|s| code.is_empty() || kind_code(s.kind) == *code)
                .count() as i64),
            current: *code == filter,
        })
        .collect();
    let schools: Vec<SchoolLine> = all
        .iter()
        .filter(|s| filter.is_empty() || kind_code(s.kind) == filter)
        .map(|s| SchoolLine {
            code: s.code.clone(),
            name: s.name.clone(),
            district: s.district.clone(),
            commune: s.commune.clone().unwrap_or_default(),
            kind: s.kind.map(|k| k.label(lang)).unwrap_or(t.unknown),
            detail: {
                let mut d: Vec<String> = s.provider.iter().cloned().collect();
                if s.kind.is_some() && !s.recorded {
                    d.push(t.from_list.to_string());
                }
                d.join(" · ")
            },
            class: kind_code(s.kind),
            speed: s.speed_mbps.map(num).unwrap_or_default(),
            noted_on: s.noted_on.map(format_date).unwrap_or_default(),
        })
        .collect();
    Ok(render(SchoolsPage {
        l: ctx.layout(t.schools_title),
        tabs: tabs(lang, "/signal"),
        counts,
        shown: num(schools.len() as i64),
        many_districts: schools.iter().any(|s| s.district != schools[0].district),
        schools,
    }))
}

/// The schools of the viewer's scope without Internet, as Sở TT&TT takes them.
pub async fn without_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let all = state.store.school_connections(&actor.scope).await?;
    let mut w = TableWriter::new(
        "Truong chua co Internet",
        &format!("{} (ngày {})", t.sheet_title, format_date(today())),
        &[
            ("STT", 6.0),
            (lang.pick("Mã trường", "School code"), 12.0),
            (lang.pick("Tên trường", "School"), 40.0),
            (t.district, 22.0),
            (t.commune, 24.0),
            (t.noted_on, 14.0),
            (t.note, 30.0),
        ],
    )
    .map_err(AppError::internal)?;
    let mut n = 0;
    for s in all.iter().filter(|s| s.kind == Some(Connectivity::None)) {
        n += 1;
        let noted = s.noted_on.map(format_date).unwrap_or_default();
        let note = if s.recorded { "" } else { t.from_list };
        w.push(&[
            Cell::Number(n),
            Cell::Text(&s.code),
            Cell::Text(&s.name),
            Cell::Text(&s.district),
            Cell::Text(s.commune.as_deref().unwrap_or("")),
            Cell::Text(&noted),
            Cell::Text(note),
        ])
        .map_err(AppError::internal)?;
    }
    Ok(xlsx_attachment(
        "truong-chua-co-internet.xlsx",
        w.finish().map_err(AppError::internal)?,
    ))
}

pub struct HistoryLine {
    pub kind: &'static str,
    pub speed: String,
    pub provider: String,
    pub note: String,
    pub noted_on: String,
    pub by: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ConnectionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    speed: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    noted_on: String,
    #[serde(default)]
    note: String,
}

#[derive(askama::Template)]
#[template(path = "signal/templates/school.html")]
struct SchoolPage {
    l: Layout,
    code: String,
    name: String,
    district: String,
    current: String,
    history: Vec<HistoryLine>,
    can_edit: bool,
    kinds: Vec<Choice>,
    f: ConnectionForm,
    problems: Vec<String>,
}

async fn school_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    f: ConnectionForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let unit = state
        .store
        .unit_by_code(code)
        .await?
        .filter(|u| u.kind == domain::units::UnitKind::School && actor.sees(&u.path))
        .ok_or_else(AppError::not_found)?;
    let now = state.store.school_connections(&unit.path).await?;
    let current = now
        .first()
        .map(|s| connection_text(s, lang))
        .unwrap_or_else(|| t.unknown.to_string());
    let history = state
        .store
        .connectivity_history(unit.id)
        .await?
        .into_iter()
        .map(|h| HistoryLine {
            kind: h.kind.label(lang),
            speed: h.speed_mbps.map(num).unwrap_or_default(),
            provider: h.provider.unwrap_or_default(),
            note: h.note.unwrap_or_default(),
            noted_on: format_date(h.noted_on),
            by: h.recorded_by,
        })
        .collect();
    let status = crate::views::form_status(&problems);
    let kinds = choices(
        Connectivity::ALL.iter().map(|k| (k.code(), k.label(lang))),
        &f.kind,
    );
    Ok(with_status(
        status,
        render(SchoolPage {
            l: ctx.layout(unit.name.clone()),
            code: unit.code.to_string(),
            name: unit.name.clone(),
            district: unit.parent_name.clone().unwrap_or_default(),
            current,
            history,
            can_edit: actor.can(Action::EditConnectivity),
            kinds,
            f,
            problems,
        }),
    ))
}

pub async fn school(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let f = ConnectionForm {
        noted_on: format_date(today()),
        ..ConnectionForm::default()
    };
    school_page(&state, &ctx, &actor, &code, f, Vec::new()).await
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(code): Path<String>,
    Form(f): Form<ConnectionForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut problems = Vec::new();
    let kind = Connectivity::parse(&f.kind);
    if kind.is_none() {
        problems.push(t.choose_connection.to_string());
    }
    let speed = match f.speed.trim() {
        "" => Some(None),
        s => s.replace('.', "").parse::<i64>().ok().map(Some),
    };
    if speed.is_none() {
        problems.push(format!("{}: {}", t.speed, t.bad_speed));
    }
    let noted_on = parse_date(&f.noted_on);
    if noted_on.is_none() {
        problems.push(format!("{}: {}", t.noted_on, t.bad_date));
    }
    let (Some(kind), Some(speed), Some(noted_on)) = (kind, speed, noted_on) else {
        return school_page(&state, &ctx, &actor, &code, f, problems).await;
    };
    let unit = state
        .store
        .unit_by_code(&code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let c = NewConnection {
        school_id: unit.id,
        kind,
        speed_mbps: speed,
        provider: Some(f.provider.clone()),
        note: Some(f.note.clone()),
        noted_on,
    };
    match state.store.record_connectivity(&actor.audit(), &c).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/signal/schools/{code}"),
            "connectivity_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let page =
                school_page(&state, &ctx, &actor, &code, f, vec![e.message(ctx.lang)]).await?;
            Ok(with_status(status, page))
        }
        Err(e) => Err(e.into()),
    }
}
