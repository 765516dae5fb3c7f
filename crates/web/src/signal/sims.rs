//! Data SIMs: counts by unit for everyone who follows the program; the list of SIMs
//! with the students' names for the roles that see students, each number masked except
//! for the student's own school; the SIMs given in a handover whose package is still to
//! be recorded, and the form that records one (schools and their offices).

use super::texts::{self, Layout};
use super::{Choice, Tab, choices, tabs};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::{Form, Query};
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::State;
use axum::response::Response;
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::devices::DeviceState;
use domain::signal::{Carrier, masked_phone};
use domain::units::UnitKind;
use domain::users::Role;
use serde::Deserialize;
use store::StoreError;
use store::signal::NewSim;

pub struct CountLine {
    pub unit: String,
    pub carriers: String,
    pub total: String,
    pub active: String,
}

pub struct SimLine {
    pub student: String,
    pub school: String,
    pub phone: String,
    pub package: String,
    pub device: String,
    pub with_device: bool,
}

pub struct ToRecord {
    pub student: String,
    pub school: String,
    pub phone: String,
    pub href: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SimForm {
    #[serde(default)]
    student: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    package: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

#[derive(askama::Template)]
#[template(path = "signal/templates/sims.html")]
struct SimsPage {
    l: Layout,
    tabs: Vec<Tab>,
    counts: Vec<CountLine>,
    sims: Vec<SimLine>,
    names_shown: bool,
    to_record: Vec<ToRecord>,
    can_record: bool,
    students: Vec<Choice>,
    carriers: Vec<Choice>,
    f: SimForm,
    problems: Vec<String>,
}

/// The students the viewer may record a SIM for: those of their school holding a device
/// (a district office records from the handovers' SIMs).
async fn holders(state: &AppState, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    if actor.user.unit_kind != UnitKind::School {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .students_to_hand(actor.user.unit_id)
        .await?
        .into_iter()
        .filter(|s| {
            matches!(
                s.state(),
                Some(DeviceState::WithStudent | DeviceState::UnderRepair)
            )
        })
        .map(|s| {
            let class = s.class_name.map(|c| format!(" ({c})")).unwrap_or_default();
            (
                s.student_id,
                format!("{}{class} · {}", s.full_name, s.serial),
            )
        })
        .collect())
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: SimForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let counts = state
        .store
        .sim_counts(&actor.scope, today())
        .await?
        .into_iter()
        .map(|c| CountLine {
            unit: c.unit,
            carriers: c
                .by_carrier
                .iter()
                .map(|(k, n)| format!("{} {}", k.name(), num(*n)))
                .collect::<Vec<_>>()
                .join(" · "),
            total: num(c.total),
            active: num(c.active),
        })
        .collect();
    let names_shown = actor.can(Action::ViewStudents);
    // The number in full only for the student's own school.
    let school_sees =
        |school_id: i64| actor.user.role == Role::Truong && actor.user.unit_id == school_id;
    let sims = if names_shown {
        state
            .store
            .sims(&actor.scope)
            .await?
            .into_iter()
            .map(|s| SimLine {
                student: s.student_name.clone(),
                school: s.school.clone(),
                phone: if school_sees(s.school_id) {
                    s.phone.clone()
                } else {
                    masked_phone(&s.phone)
                },
                package: s.package_text(lang),
                device: s.serial.clone(),
                with_device: s.with_device,
            })
            .collect()
    } else {
        Vec::new()
    };
    let can_record = actor.can(Action::ManageSims);
    let to_record = if can_record {
        state
            .store
            .sims_to_record(&actor.scope)
            .await?
            .into_iter()
            .map(|s| ToRecord {
                href: format!(
                    "/signal/sims?student={}&carrier={}&phone={}#record",
                    s.student_id,
                    s.carrier
                        .as_deref()
                        .and_then(Carrier::parse)
                        .map(|c| c.code())
                        .unwrap_or(""),
                    s.phone
                ),
                student: s.student_name,
                school: s.school,
                phone: masked_phone(&s.phone),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut holders = if can_record {
        holders(state, actor).await?
    } else {
        Vec::new()
    };
    // A student chosen from the handovers' SIMs is offered even to an office.
    if let Ok(id) = f.student.parse::<i64>()
        && !holders.iter().any(|(h, _)| *h == id)
        && let Some((s, path)) = state.store.student(id).await?
        && actor.sees(&path)
    {
        holders.push((id, s.full_name.clone()));
    }
    let students = holders
        .into_iter()
        .map(|(id, label)| Choice {
            selected: id.to_string() == f.student,
            value: id.to_string(),
            label,
        })
        .collect();
    let carriers = choices(
        Carrier::ALL.iter().map(|c| (c.code(), c.name())),
        &f.carrier,
    );
    let status = crate::views::form_status(&problems);
    Ok(with_status(
        status,
        render(SimsPage {
            l: ctx.layout(t.sims_title),
            tabs: tabs(lang, "/signal/sims"),
            counts,
            sims,
            names_shown,
            to_record,
            can_record,
            students,
            carriers,
            f,
            problems,
        }),
    ))
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(mut f): Query<SimForm>,
) -> AppResult<Response> {
    if f.starts_on.is_empty() {
        f.starts_on = format_date(today());
    }
    f.phone = f.phone.chars().take(20).collect();
    page(&state, &ctx, &actor, f, Vec::new()).await
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<SimForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut problems = Vec::new();
    // The student must be of the viewer's scope.
    let student = match f.student.parse::<i64>() {
        Ok(id) => state
            .store
            .student(id)
            .await?
            .filter(|(_, path)| actor.sees(path))
            .map(|_| id),
        Err(_) => None,
    };
    if student.is_none() {
        problems.push(t.choose_student.to_string());
    }
    let carrier = Carrier::parse(&f.carrier);
    if carrier.is_none() {
        problems.push(t.choose_carrier.to_string());
    }
    let starts_on = parse_date(&f.starts_on);
    if starts_on.is_none() {
        problems.push(format!("{}: {}", t.starts_on, t.bad_date));
    }
    let ends_on = match f.ends_on.trim() {
        "" => Some(None),
        s => parse_date(s).map(Some),
    };
    if ends_on.is_none() {
        problems.push(format!("{}: {}", t.ends_on, t.bad_date));
    }
    let (Some(student_id), Some(carrier), Some(starts_on), Some(ends_on)) =
        (student, carrier, starts_on, ends_on)
    else {
        return page(&state, &ctx, &actor, f, problems).await;
    };
    let s = NewSim {
        student_id,
        carrier,
        package: f.package.clone(),
        phone: f.phone.clone(),
        starts_on,
        ends_on,
    };
    match state.store.record_sim(&actor.audit(), &s).await {
        Ok(_) => Ok(redirect_with_flash(
            "/signal/sims",
            "sim_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let p = page(&state, &ctx, &actor, f, vec![e.message(ctx.lang)]).await?;
            Ok(with_status(status, p))
        }
        Err(StoreError::Domain(_)) => Err(AppError::not_found()),
        Err(e) => Err(e.into()),
    }
}
