//! A school hands each student the device the executed allocation gave them, with the
//! guardian's name, relation and signature (and the SIM that goes with it), and takes a
//! device back with a reason, signed the same way.

use super::confirm::{SignedForm, read_signed};
use super::giver_of;
use super::pages::{device_label, relations};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::gate::{Actor, TargetStudent};
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render, when};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::devices::{DeviceState, Holder};
use domain::handover::{HandoverError, Relation, Signer};
use domain::{DomainError, Lang};
use store::StoreError;
use store::handover::{StudentHandover, StudentReturn};

pub struct StudentRow {
    pub id: i64,
    pub name: String,
    pub class: String,
    pub code: String,
    pub serial: String,
    pub device: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub ready: bool,
    pub handover_id: Option<i64>,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/students.html")]
struct ListPage {
    l: Layout,
    school: String,
    rows: Vec<StudentRow>,
    ready: usize,
    handed: usize,
}

fn school_of(actor: &Actor) -> AppResult<i64> {
    match giver_of(actor) {
        Some(Holder::School(id)) => Ok(id),
        _ => Err(AppError::not_found()),
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let school = school_of(&actor)?;
    let rows: Vec<StudentRow> = state
        .store
        .students_to_hand(school)
        .await?
        .into_iter()
        .map(|s| {
            let st = s.state();
            let (label, code) = match st {
                Some(DeviceState::WithSchool) => (t.ready, "ready"),
                Some(DeviceState::WithStudent) if s.handover_id.is_some() => {
                    (t.with_student, "handed")
                }
                Some(DeviceState::Allocated | DeviceState::WithUnit) => (t.not_arrived, "coming"),
                Some(other) => (other.label(lang), "other"),
                None => ("", "other"),
            };
            StudentRow {
                id: s.student_id,
                name: s.full_name,
                class: s.class_name.unwrap_or_default(),
                code: s.student_code.unwrap_or_default(),
                serial: s.serial,
                device: domain::devices::DeviceKind::parse(&s.kind)
                    .map(|k| k.label(lang))
                    .unwrap_or(""),
                state: label,
                state_code: code,
                ready: st == Some(DeviceState::WithSchool),
                handover_id: s.handover_id,
            }
        })
        .collect();
    // What waits for the school first: the devices ready to hand, then those on their way.
    let mut rows = rows;
    rows.sort_by_key(|r| match r.state_code {
        "ready" => 0,
        "coming" => 1,
        _ => 2,
    });
    let ready = rows.iter().filter(|r| r.ready).count();
    let handed = rows.iter().filter(|r| r.state_code == "handed").count();
    Ok(render(ListPage {
        l: ctx.layout(t.students),
        school: actor.user.unit_name.clone(),
        rows,
        ready,
        handed,
    }))
}

/// What the form keeps when refused.
#[derive(Default, Clone)]
pub struct StudentValues {
    pub serial: String,
    pub guardian: String,
    pub relation: String,
    pub id_number: String,
    pub sim_carrier: String,
    pub sim_number: String,
    pub reason: String,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/student.html")]
struct StudentPage {
    l: Layout,
    sid: i64,
    name: String,
    class: String,
    code: String,
    expected: Option<(String, String, bool)>,
    holds: Option<String>,
    past: Vec<(i64, String, &'static str, String)>,
    relations: Vec<(&'static str, &'static str, bool)>,
    carriers: &'static [&'static str],
    f: StudentValues,
    error: Option<String>,
    bad: &'static str,
}

pub const CARRIERS: &[&str] = &[
    "Viettel",
    "VNPT-VinaPhone",
    "MobiFone",
    "Vietnamobile",
    "Gmobile",
    "Itelecom",
];

async fn student_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    s: &store::students::Student,
    f: StudentValues,
    error: Option<(StatusCode, String, &'static str)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let school = school_of(actor)?;
    if s.school_id != school {
        return Err(AppError::not_found());
    }
    let t = texts::tr(lang);
    let planned = state
        .store
        .students_to_hand(school)
        .await?
        .into_iter()
        .find(|x| x.student_id == s.id);
    let expected = planned.as_ref().map(|p| {
        (
            p.serial.clone(),
            device_label(&p.kind, "", "", lang),
            p.state() == Some(DeviceState::WithSchool),
        )
    });
    let holds = state.store.device_of_student(s.id).await?;
    let past = state
        .store
        .handovers_of_student(s.id)
        .await?
        .into_iter()
        .map(|h| {
            (
                h.id,
                h.number,
                h.step.label(lang),
                when(h.confirmed_at.unwrap_or(h.created_at)),
            )
        })
        .collect();
    let (status, error, bad) = match error {
        Some((st, e, b)) => (st, Some(e), b),
        None => (StatusCode::OK, None, ""),
    };
    let page = render(StudentPage {
        l: ctx.layout(format!("{} · {}", t.hand, s.full_name)),
        sid: s.id,
        name: s.full_name.clone(),
        class: s.class_name.clone().unwrap_or_default(),
        code: s.student_code.clone().unwrap_or_default(),
        expected,
        holds,
        past,
        relations: relations(lang, &f.relation),
        carriers: CARRIERS,
        f,
        error,
        bad,
    });
    Ok(crate::files::with_status(status, page))
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
) -> AppResult<Response> {
    student_page(&state, &ctx, &actor, &s, StudentValues::default(), None).await
}

fn values(form: &SignedForm) -> StudentValues {
    StudentValues {
        serial: form.get("serial"),
        guardian: form.get("guardian"),
        relation: form.get("relation"),
        id_number: form.get("id_number"),
        sim_carrier: form.get("sim_carrier"),
        sim_number: form.get("sim_number"),
        reason: form.get("reason"),
    }
}

/// The guardian as the form names them; refused naming the field.
fn guardian(f: &StudentValues) -> Result<Signer, (HandoverError, &'static str)> {
    let name = domain::handover::person_name(&f.guardian).map_err(|e| (e, "guardian"))?;
    let relation =
        Relation::parse(&f.relation).ok_or((HandoverError::RelationInvalid, "relation"))?;
    let id_number = domain::handover::id_number(&f.id_number).map_err(|e| (e, "id_number"))?;
    Ok(Signer {
        name,
        position: None,
        relation: Some(relation),
        id_number,
    })
}

fn refusal(e: StoreError, lang: Lang) -> Result<(StatusCode, String, &'static str), StoreError> {
    match e {
        StoreError::Domain(d) if d != DomainError::NotFound => {
            let bad = d.field().unwrap_or("");
            let bad = match bad {
                "serials" => "serial",
                other => other,
            };
            Ok((crate::error::domain_status(&d), d.message(lang), bad))
        }
        other => Err(other),
    }
}

pub async fn hand(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let school = school_of(&actor)?;
    let form = read_signed(multipart).await?;
    let f = values(&form);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let signer = match guardian(&f) {
        Ok(g) => g,
        Err((e, bad)) => {
            let msg = DomainError::from(e).message(lang);
            return student_page(&state, &ctx, &actor, &s, f, Some((unprocessable, msg, bad)))
                .await;
        }
    };
    if f.serial.trim().is_empty() {
        let msg = DomainError::from(HandoverError::NoSerials).message(lang);
        return student_page(
            &state,
            &ctx,
            &actor,
            &s,
            f,
            Some((unprocessable, msg, "serial")),
        )
        .await;
    }
    let signature = match form.signature(lang) {
        Ok(sig) => sig,
        Err((msg, bad)) => {
            return student_page(&state, &ctx, &actor, &s, f, Some((unprocessable, msg, bad)))
                .await;
        }
    };
    let req = StudentHandover {
        school,
        student: s.id,
        serial: f.serial.clone(),
        signer,
        signature,
        sim_carrier: Some(f.sim_carrier.clone()).filter(|c| !c.is_empty()),
        sim_number: Some(f.sim_number.clone()).filter(|c| !c.is_empty()),
    };
    match state.store.hand_to_student(&actor.audit(), &req).await {
        Ok(h) => Ok(redirect_with_flash(
            &format!("/handover/{}", h.id),
            "student_signed",
            state.config.secure_cookies(),
        )),
        Err(e) => {
            let err = refusal(e, lang)?;
            student_page(&state, &ctx, &actor, &s, f, Some(err)).await
        }
    }
}

pub async fn give_back(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let school = school_of(&actor)?;
    let form = read_signed(multipart).await?;
    let f = values(&form);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if f.reason.is_empty() {
        let msg = DomainError::from(HandoverError::ReturnReasonMissing).message(lang);
        return student_page(
            &state,
            &ctx,
            &actor,
            &s,
            f,
            Some((unprocessable, msg, "reason")),
        )
        .await;
    }
    let signer = match guardian(&f) {
        Ok(g) => g,
        Err((e, bad)) => {
            let msg = DomainError::from(e).message(lang);
            return student_page(&state, &ctx, &actor, &s, f, Some((unprocessable, msg, bad)))
                .await;
        }
    };
    let signature = match form.signature(lang) {
        Ok(sig) => sig,
        Err((msg, bad)) => {
            return student_page(&state, &ctx, &actor, &s, f, Some((unprocessable, msg, bad)))
                .await;
        }
    };
    let req = StudentReturn {
        school,
        student: s.id,
        reason: f.reason.chars().take(500).collect(),
        signer,
        signature,
    };
    match state.store.return_device(&actor.audit(), &req).await {
        Ok(h) => Ok(redirect_with_flash(
            &format!("/handover/{}", h.id),
            "device_returned",
            state.config.secure_cookies(),
        )),
        Err(e) => {
            let err = refusal(e, lang)?;
            student_page(&state, &ctx, &actor, &s, f, Some(err)).await
        }
    }
}
