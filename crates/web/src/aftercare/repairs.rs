//! Repair tickets: the list of the viewer's scope, open ones first, with the form that
//! opens one for a device a student of the scope holds; a ticket's page with its
//! warranty and the form that sends it to the repairer or closes it.

use super::texts::{self, Layout};
use super::{Choice, Tab, tabs};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::response::Response;
use domain::Lang;
use domain::aftercare::TicketStatus;
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::devices::Holder;
use serde::Deserialize;
use store::StoreError;
use store::aftercare::{NewTicket, TicketRecord};

/// How many tickets the list shows.
const LISTED: i64 = 300;

pub struct TicketLine {
    pub id: i64,
    pub serial: String,
    pub model: String,
    pub student: String,
    pub school: String,
    pub fault: String,
    pub reported_on: String,
    pub warranty: String,
    pub warranty_class: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub status_on: String,
    pub vendor: String,
    pub resolution: String,
    pub reported_by: String,
}

fn line(t: &TicketRecord, names: bool, lang: Lang) -> TicketLine {
    let tx = texts::tr(lang);
    let (warranty, class) = match (t.in_warranty(), t.warranty_end) {
        (Some(true), Some(e)) => (format!("{} ({})", tx.in_warranty, format_date(e)), "ok"),
        (Some(false), Some(e)) => (
            format!("{} ({})", tx.out_of_warranty, format_date(e)),
            "warning",
        ),
        _ => (tx.warranty_unknown.to_string(), "unknown"),
    };
    TicketLine {
        id: t.id,
        serial: t.serial.clone(),
        model: t.model.clone(),
        student: if names {
            t.student_name.clone()
        } else {
            String::new()
        },
        school: t.school.clone(),
        fault: t.fault.clone(),
        reported_on: format_date(t.reported_on),
        warranty,
        warranty_class: class,
        status: t.status.label(lang),
        status_code: t.status.code(),
        status_on: format_date(t.status_on),
        vendor: t.vendor.clone().unwrap_or_default(),
        resolution: t.resolution.clone().unwrap_or_default(),
        reported_by: if names {
            t.reported_by.clone()
        } else {
            String::new()
        },
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct TicketForm {
    #[serde(default)]
    serial: String,
    #[serde(default)]
    fault: String,
    #[serde(default)]
    reported_by: String,
    #[serde(default)]
    reported_on: String,
    #[serde(default)]
    vendor: String,
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/repairs.html")]
struct RepairsPage {
    l: Layout,
    tabs: Vec<Tab>,
    tickets: Vec<TicketLine>,
    can_open: bool,
    f: TicketForm,
    problems: Vec<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: TicketForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let names = actor.can(Action::ViewStudents);
    let tickets = state
        .store
        .repair_tickets(&actor.scope, LISTED)
        .await?
        .iter()
        .map(|t| line(t, names, lang))
        .collect();
    let status = crate::views::form_status(&problems);
    Ok(with_status(
        status,
        render(RepairsPage {
            l: ctx.layout(texts::tr(lang).repairs_title),
            tabs: tabs(lang, "/aftercare/repairs"),
            tickets,
            can_open: actor.can(Action::ManageRepairs),
            f,
            problems,
        }),
    ))
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let f = TicketForm {
        reported_on: format_date(today()),
        ..TicketForm::default()
    };
    list_page(&state, &ctx, &actor, f, Vec::new()).await
}

pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<TicketForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let mut problems = Vec::new();
    if f.fault.trim().is_empty() {
        problems.push(t.fault_required.to_string());
    }
    let reported_on = parse_date(&f.reported_on);
    if reported_on.is_none() {
        problems.push(format!(
            "{}: {}",
            t.reported_on,
            lang.pick(
                "ngày không đúng dạng ngày/tháng/năm",
                "the date is not day/month/year"
            )
        ));
    }
    // The device, if it is with a student: that student must be of the viewer's scope.
    let serial = state.store.find_device(&f.serial).await?;
    let in_scope = match &serial {
        None => false,
        Some(s) => match state.store.device(s).await?.map(|d| d.holder) {
            Some(Holder::Student(id)) => state
                .store
                .student(id)
                .await?
                .is_some_and(|(_, path)| actor.sees(&path)),
            // Not with a student: the store says where it is.
            Some(_) => true,
            None => false,
        },
    };
    if !in_scope {
        problems.push(t.device_not_found.to_string());
    }
    let (Some(serial), Some(reported_on), true) = (serial, reported_on, problems.is_empty()) else {
        return list_page(&state, &ctx, &actor, f, problems).await;
    };
    let ticket = NewTicket {
        serial,
        fault: f.fault.clone(),
        reported_by: f.reported_by.clone(),
        reported_on,
        vendor: Some(f.vendor.clone()),
    };
    match state.store.open_repair(&actor.audit(), &ticket).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/aftercare/repairs/{id}"),
            "ticket_opened",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let p = list_page(&state, &ctx, &actor, f, vec![e.message(lang)]).await?;
            Ok(with_status(status, p))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    resolution: String,
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/repair.html")]
struct TicketPage {
    l: Layout,
    t: TicketLine,
    names: bool,
    closed: bool,
    can_move: bool,
    next: Vec<Choice>,
    f: StepForm,
    problems: Vec<String>,
}

async fn ticket_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    f: StepForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = state
        .store
        .repair_ticket(id)
        .await?
        .filter(|t| actor.sees(&t.school_path))
        .ok_or_else(AppError::not_found)?;
    let names = actor.can(Action::ViewStudents);
    let next = TicketStatus::ALL
        .iter()
        .filter(|s| **s > t.status)
        .map(|s| Choice {
            value: s.code().to_string(),
            label: s.label(lang).to_string(),
            selected: s.code() == f.status,
        })
        .collect();
    let status = crate::views::form_status(&problems);
    let texts = texts::tr(lang);
    Ok(with_status(
        status,
        render(TicketPage {
            l: ctx.layout(format!("{} {}", texts.ticket, t.id)),
            closed: t.status.is_closed(),
            can_move: actor.can(Action::ManageRepairs),
            t: line(&t, names, lang),
            names,
            next,
            f,
            problems,
        }),
    ))
}

pub async fn ticket(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let f = StepForm {
        day: format_date(today()),
        ..StepForm::default()
    };
    ticket_page(&state, &ctx, &actor, id, f, Vec::new()).await
}

pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    state
        .store
        .repair_ticket(id)
        .await?
        .filter(|t| actor.sees(&t.school_path))
        .ok_or_else(AppError::not_found)?;
    let mut problems = Vec::new();
    let to = TicketStatus::parse(&f.status);
    if to.is_none() {
        problems.push(format!("{}: —", t.next_step));
    }
    let day = parse_date(&f.day);
    if day.is_none() {
        problems.push(format!(
            "{}: {}",
            t.day,
            lang.pick(
                "ngày không đúng dạng ngày/tháng/năm",
                "the date is not day/month/year"
            )
        ));
    }
    let (Some(to), Some(day)) = (to, day) else {
        return ticket_page(&state, &ctx, &actor, id, f, problems).await;
    };
    match state
        .store
        .repair_step(
            &actor.audit(),
            id,
            to,
            day,
            Some(&f.vendor),
            Some(&f.resolution),
        )
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/aftercare/repairs/{id}"),
            "ticket_moved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let p = ticket_page(&state, &ctx, &actor, id, f, vec![e.message(lang)]).await?;
            Ok(with_status(status, p))
        }
        Err(e) => Err(e.into()),
    }
}
