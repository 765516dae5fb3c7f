//! The dashboard: what the user's scope holds and what their role does.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, render};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use domain::units::UnitKind;
use domain::users::Role;
use std::sync::Arc;
use store::audit::AuditEntry;
use store::units::Unit;

pub struct Card {
    pub n: String,
    pub label: &'static str,
    pub href: String,
}

pub struct Row {
    pub label: &'static str,
    pub n: String,
    pub href: String,
    pub class: &'static str,
}

#[derive(askama::Template)]
#[template(path = "dashboard/templates/dashboard.html")]
struct DashboardPage {
    l: Layout,
    full_name: String,
    role_label: &'static str,
    unit_name: String,
    scope_name: String,
    cards: Vec<Card>,
    levels: Vec<Row>,
    internet: Vec<Row>,
    duties: &'static [&'static str],
    school: Option<Unit>,
    users_by_role: Vec<Row>,
    audit_head: Option<(String, String)>,
    recent: Vec<AuditEntry>,
    /// Each area's figures, as its cache holds them.
    work: Vec<AreaWork>,
    any_todo: bool,
    /// The funnel of the viewer's scope, as the report counts it, and the money chart for
    /// those who follow the ledger.
    funnel_svg: Option<String>,
    money_svg: Option<String>,
}

/// An area's figures, as its cache holds them, and the heading of its progress (none
/// when it only has work waiting).
pub struct AreaWork {
    pub items: Arc<Vec<crate::areas::WorkItem>>,
    pub progress: Option<&'static str>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let key = (ctx.csrf.clone(), ctx.lang, ctx.path_and_query.clone());
    // A fresh page is served as it is; an expired one is computed again by one request
    // while the others arriving meanwhile are served the expired page (under load, every
    // request of a busy user recomputed it at once: GET / p99 2.3 s at 64 connections).
    let mut _refresh = None;
    if ctx.flash.is_none() {
        match state.caches.dashboards.get_with_age(&key) {
            Some((html, true)) => return Ok(Html(html).into_response()),
            Some((html, false)) => match state.caches.dashboards.claim(&key) {
                Some(claim) => _refresh = Some(claim),
                None => return Ok(Html(html).into_response()),
            },
            None => {}
        }
    }
    let t = texts::tr(ctx.lang);
    let lang = ctx.lang;
    // Counts change when units do, rarely: this server keeps them a few seconds.
    let summary = state.scope_summary(&actor.scope).await?;
    let counts = &summary.counts;

    let mut cards = Vec::new();
    for (kind, label, href) in [
        (UnitKind::District, t.districts, "/units?kind=district"),
        (UnitKind::Commune, t.communes, "/units?kind=commune"),
        (UnitKind::School, t.schools, "/schools"),
        (
            UnitKind::Department,
            t.departments,
            "/units?kind=department",
        ),
    ] {
        let n = counts.of_kind(kind);
        if n > 0 {
            cards.push(Card {
                n: num(n),
                label,
                href: href.to_string(),
            });
        }
    }
    // The devices' work waiting, for those who follow devices.
    if actor.can(domain::authz::Action::ViewDevices) {
        let devices = state.device_counts().await?;
        for (st, label, href) in [
            (
                domain::devices::DeviceState::Received,
                t.card_devices_waiting,
                "/devices/batches",
            ),
            (
                domain::devices::DeviceState::InStock,
                t.card_devices_in_stock,
                "/devices",
            ),
            (
                domain::devices::DeviceState::Allocated,
                t.card_devices_allocated,
                "/allocation",
            ),
        ] {
            cards.push(Card {
                n: num(devices.get(&st).copied().unwrap_or(0)),
                label,
                href: href.to_string(),
            });
        }
    }
    let levels = counts
        .schools_by_level
        .iter()
        .map(|(level, n)| Row {
            label: level.label(lang),
            n: num(*n),
            href: format!("/schools?level={}", level.code()),
            class: "",
        })
        .collect();
    let internet = counts
        .schools_by_internet
        .iter()
        .map(|(i, n)| Row {
            label: i.label(lang),
            n: num(*n),
            href: format!("/schools?internet={}", i.code()),
            class: i.code(),
        })
        .collect();

    // A school's scope is the school itself.
    let school = if actor.user.role == Role::Truong {
        summary.unit.clone()
    } else {
        None
    };
    let (users_by_role, audit_head, recent) = if actor.user.role == Role::Admin {
        let a = state.admin_summary(&actor.scope).await?;
        let users = a
            .users_by_role
            .iter()
            .map(|(r, n)| Row {
                label: r.label(lang),
                n: num(*n),
                href: format!("/admin/users?role={}", r.code()),
                class: "",
            })
            .collect();
        (
            users,
            Some((num(a.audit_head.0), a.audit_head.1.clone())),
            a.recent.clone(),
        )
    } else {
        (Vec::new(), None, Vec::new())
    };
    // What each area gives: the work waiting for this user first, then progress.
    let mut work = Vec::new();
    for area in crate::areas::AREAS {
        if let Some(f) = area.work {
            let items = state.work_of(area.name, f, &actor, lang).await?;
            let progress = items.iter().find(|w| !w.todo).map(|w| w.group);
            work.push(AreaWork { items, progress });
        }
    }
    let any_todo = work.iter().any(|a| a.items.iter().any(|w| w.todo));
    let chart_key = (
        actor.scope.as_str().to_string(),
        lang,
        actor.can(domain::authz::Action::ViewLedger),
    );
    let charts = match state.caches.charts.get(&chart_key) {
        Some(c) => c,
        None => {
            let c = Arc::new(funnel(&state, &actor, lang).await?);
            state.caches.charts.put(chart_key, c.clone());
            c
        }
    };
    let (funnel_svg, money_svg) = (charts.0.clone(), charts.1.clone());
    let page = DashboardPage {
        funnel_svg,
        money_svg,
        work,
        any_todo,
        l: ctx.layout(t.dashboard_title),
        full_name: actor.user.full_name.clone(),
        role_label: actor.user.role.label(lang),
        unit_name: format!("{} ({})", actor.user.unit_name, actor.user.unit_code),
        scope_name: summary
            .unit
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        cards,
        levels,
        internet,
        duties: texts::role_duties(actor.user.role, lang),
        school,
        users_by_role,
        audit_head,
        recent,
    };
    if ctx.flash.is_some() {
        return Ok(render(page));
    }
    let html = axum::body::Bytes::from(askama::Template::render(&page)?);
    state.caches.dashboards.put(key, html.clone());
    Ok(Html(html).into_response())
}

/// The scope's funnel (the same figures as its report) and, for those who follow the
/// ledger, money in and out; nothing before a program exists.
async fn funnel(
    state: &AppState,
    actor: &Actor,
    lang: domain::Lang,
) -> AppResult<(Option<String>, Option<String>)> {
    let Some(program) = state.store.report_program(None).await? else {
        return Ok((None, None));
    };
    let Some(unit) = state.store.scope_unit(&actor.scope).await? else {
        return Ok((None, None));
    };
    let r = state
        .store
        .progress_report(&unit, &program, Default::default())
        .await?;
    let school = (unit.kind == UnitKind::School).then(|| unit.code.as_str().to_string());
    let t = crate::reports::texts::tr(lang);
    let funnel = crate::charts::bars(
        t.funnel,
        &crate::reports::funnel_bars(&r.total, school.as_deref(), lang),
    );
    let money = match &r.money {
        Some(m) if actor.can(domain::authz::Action::ViewLedger) => {
            let mut b = vec![
                crate::charts::Bar::new(t.raised, m.raised.0 / 1_000_000).link("/gifts"),
                crate::charts::Bar::new(t.budget, m.budget.0 / 1_000_000).link("/ledger"),
                crate::charts::Bar::new(t.contracted, m.contracted.0 / 1_000_000)
                    .link("/procurement"),
                crate::charts::Bar::new(t.spent, m.spent.0 / 1_000_000)
                    .link("/procurement/payments")
                    .class("spent"),
            ];
            for x in &mut b {
                x.shown = Some(format!("{} tr đ", num(x.value)));
            }
            Some(crate::charts::bars(t.money_chart, &b))
        }
        _ => None,
    };
    Ok((Some(funnel), money))
}
