//! Training sessions: the list of the viewer's scope with its totals, the form that
//! records one held by the viewer's unit, a session's page with its attendance sheet
//! (read whole; a sheet with a bad row is refused, each bad row named, nothing written)
//! and its materials.

use super::texts::{self, Layout};
use super::{Choice, Tab, tabs};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::files::{Accept, TooLarge, kept_file_type, read_field, send_document, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use domain::Lang;
use domain::aftercare::{TrainingTopic, attendee_count};
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use serde::Deserialize;
use std::io::Cursor;
use store::StoreError;
use store::aftercare::{Attendee, NewTraining, TrainingRecord};
use store::documents::DocumentOwner;

/// The largest attendance sheet read.
const MAX_SHEET_BYTES: usize = 5 * 1024 * 1024;
/// The largest material kept.
const MAX_MATERIAL_BYTES: usize = 20 * 1024 * 1024;

pub struct TrainingLine {
    pub id: i64,
    pub held_on: String,
    pub unit: String,
    pub topic: &'static str,
    pub trainer: String,
    pub teachers: String,
    pub parents: String,
    pub students: String,
}

fn line(t: &TrainingRecord, lang: Lang) -> TrainingLine {
    TrainingLine {
        id: t.id,
        held_on: format_date(t.held_on),
        unit: t.unit.clone(),
        topic: t.topic.label(lang),
        trainer: t.trainer.clone(),
        teachers: num(t.teachers),
        parents: num(t.parents),
        students: num(t.students),
    }
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/trainings.html")]
struct TrainingsPage {
    l: Layout,
    tabs: Vec<Tab>,
    trainings: Vec<TrainingLine>,
    totals: (String, String, String),
    can_record: bool,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let lang = ctx.lang;
    let all = state.store.trainings(&actor.scope).await?;
    let sum = |f: fn(&TrainingRecord) -> i64| num(all.iter().map(f).sum::<i64>());
    Ok(render(TrainingsPage {
        l: ctx.layout(texts::tr(lang).trainings_title),
        tabs: tabs(lang, "/aftercare"),
        totals: (sum(|t| t.teachers), sum(|t| t.parents), sum(|t| t.students)),
        trainings: all.iter().map(|t| line(t, lang)).collect(),
        can_record: actor.can(Action::ManageTrainings),
    }))
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct TrainingForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    trainer: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    teachers: String,
    #[serde(default)]
    parents: String,
    #[serde(default)]
    students: String,
    #[serde(default)]
    note: String,
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/training_new.html")]
struct NewTrainingPage {
    l: Layout,
    unit: String,
    topics: Vec<Choice>,
    f: TrainingForm,
    problems: Vec<String>,
}

fn form_page(ctx: &Ctx, actor: &Actor, f: TrainingForm, problems: Vec<String>) -> Response {
    let lang = ctx.lang;
    let topics = TrainingTopic::ALL
        .iter()
        .map(|t| Choice {
            value: t.code().to_string(),
            label: t.label(lang).to_string(),
            selected: t.code() == f.topic,
        })
        .collect();
    let status = crate::views::form_status(&problems);
    with_status(
        status,
        render(NewTrainingPage {
            l: ctx.layout(texts::tr(lang).new_training),
            unit: actor.user.unit_name.clone(),
            topics,
            f,
            problems,
        }),
    )
}

pub async fn new_training(ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let f = TrainingForm {
        held_on: format_date(today()),
        ..TrainingForm::default()
    };
    Ok(form_page(&ctx, &actor, f, Vec::new()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<TrainingForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let mut problems = Vec::new();
    let held_on = parse_date(&f.held_on);
    if held_on.is_none() {
        problems.push(format!(
            "{}: {}",
            t.held_on,
            lang.pick(
                "ngày không đúng dạng ngày/tháng/năm",
                "the date is not day/month/year"
            )
        ));
    }
    let topic = TrainingTopic::parse(&f.topic);
    if topic.is_none() {
        problems.push(format!("{}: —", t.topic));
    }
    let mut count = |raw: &str, label: &str| match attendee_count(raw) {
        Ok(n) => Some(n),
        Err(e) => {
            problems.push(format!(
                "{label}: {}",
                domain::DomainError::from(e).message(lang)
            ));
            None
        }
    };
    let (teachers, parents, students) = (
        count(&f.teachers, t.teachers),
        count(&f.parents, t.parents),
        count(&f.students, t.students),
    );
    let (Some(held_on), Some(topic), Some(teachers), Some(parents), Some(students)) =
        (held_on, topic, teachers, parents, students)
    else {
        return Ok(form_page(&ctx, &actor, f, problems));
    };
    let n = NewTraining {
        unit_id: actor.user.unit_id,
        held_on,
        topic,
        trainer: f.trainer.clone(),
        place: Some(f.place.clone()),
        teachers,
        parents,
        students,
        note: Some(f.note.clone()),
    };
    match state.store.record_training(&actor.audit(), &n, &[]).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/aftercare/trainings/{id}"),
            "training_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            Ok(with_status(
                status,
                form_page(&ctx, &actor, f, vec![e.message(lang)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct AttendeeLine {
    pub name: String,
    pub role: &'static str,
    pub class: String,
}

pub struct DocLine {
    pub href: String,
    pub name: String,
    pub size: String,
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/training.html")]
struct TrainingPage {
    l: Layout,
    t: TrainingLine,
    place: String,
    note: String,
    total: String,
    named: i64,
    names_shown: bool,
    attendees: Vec<AttendeeLine>,
    documents: Vec<DocLine>,
    can_manage: bool,
    problems: Vec<String>,
}

async fn training_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (t, list, _) = state
        .store
        .training(id)
        .await?
        .filter(|(_, _, path)| actor.sees(path))
        .ok_or_else(AppError::not_found)?;
    let names_shown = actor.can(Action::ViewStudents);
    let documents = state
        .store
        .documents(DocumentOwner::Training(id))
        .await?
        .into_iter()
        .map(|d| DocLine {
            href: format!("/aftercare/trainings/{id}/materials/{}", d.id),
            name: d.file_name,
            size: format!("{} KB", num((d.size + 1023) / 1024)),
        })
        .collect();
    let status = crate::views::form_status(&problems);
    Ok(with_status(
        status,
        render(TrainingPage {
            l: ctx.layout(format!(
                "{} {}",
                t.topic.label(lang),
                format_date(t.held_on)
            )),
            place: t.place.clone().unwrap_or_default(),
            note: t.note.clone().unwrap_or_default(),
            total: num(t.attendees()),
            named: t.named,
            names_shown,
            attendees: if names_shown {
                list.iter()
                    .map(|a| AttendeeLine {
                        name: a.full_name.clone(),
                        role: a.role.label(lang),
                        class: a.class_name.clone().unwrap_or_default(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            t: line(&t, lang),
            documents,
            can_manage: actor.can(Action::ManageTrainings),
            problems,
        }),
    ))
}

pub async fn training(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    training_page(&state, &ctx, &actor, id, Vec::new()).await
}

/// Refuses, as not found, a session outside the viewer's scope.
async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    state
        .store
        .training(id)
        .await?
        .filter(|(_, _, path)| actor.sees(path))
        .map(|_| ())
        .ok_or_else(AppError::not_found)
}

/// The one file of a multipart form, bounded; `Err` the problem to show.
async fn the_file(
    multipart: &mut Multipart,
    max: usize,
    lang: Lang,
) -> AppResult<Result<(String, Vec<u8>), String>> {
    let t = texts::tr(lang);
    let mut file = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() != Some("file") {
            // The token and any other small field: read and let go.
            let _ = read_field(&mut field, 1024).await?;
            continue;
        }
        let name = field.file_name().unwrap_or("tep").to_string();
        match read_field(&mut field, max).await? {
            Err(TooLarge) => {
                return Ok(Err(format!("{} {} MB.", t.too_large, max / 1024 / 1024)));
            }
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => file = Some((name, bytes)),
        }
    }
    Ok(file.ok_or_else(|| t.no_file.to_string()))
}

pub async fn attendees(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    visible(&state, &actor, id).await?;
    let (name, bytes) = match the_file(&mut multipart, MAX_SHEET_BYTES, lang).await? {
        Ok(f) => f,
        Err(p) => return training_page(&state, &ctx, &actor, id, vec![p]).await,
    };
    let limits = sheets::reader::Limits {
        max_rows: 20_000,
        ..sheets::reader::Limits::default()
    };
    let sheet = match sheets::attendees::read_attendees(Cursor::new(bytes), &limits) {
        Ok(s) => s,
        Err(errors) => {
            let mut problems = vec![t.sheet_refused.to_string()];
            problems.extend(errors.iter().map(|e| sheet_error(e, lang)));
            return training_page(&state, &ctx, &actor, id, problems).await;
        }
    };
    let list: Vec<Attendee> = sheet
        .attendees
        .into_iter()
        .map(|a| Attendee {
            row: a.row,
            full_name: a.full_name,
            role: a.role,
            class_name: a.class_name,
            phone: a.phone,
        })
        .collect();
    let file_name = store::documents::clean_file_name(&name, "tham-du");
    match state
        .store
        .import_attendees(&actor.audit(), id, &list, &file_name)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/aftercare/trainings/{id}"),
            "attendees_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            training_page(&state, &ctx, &actor, id, vec![e.message(lang)]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A sheet's problem as an official reads it: its row, its column, what is wrong.
fn sheet_error(e: &sheets::SheetError, lang: Lang) -> String {
    match lang {
        Lang::Vi => e.to_string(),
        Lang::En => match &e.column {
            Some(c) if e.row > 0 => format!("Row {}, column “{c}”: {}", e.row, e.message_en),
            _ if e.row > 0 => format!("Row {}: {}", e.row, e.message_en),
            _ => e.message_en.clone(),
        },
    }
}

pub async fn material(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    visible(&state, &actor, id).await?;
    let (name, bytes) = match the_file(&mut multipart, MAX_MATERIAL_BYTES, lang).await? {
        Ok(f) => f,
        Err(p) => return training_page(&state, &ctx, &actor, id, vec![p]).await,
    };
    let content_type = match kept_file_type(&bytes, Accept::Document) {
        Ok(c) => c,
        Err(p) => return training_page(&state, &ctx, &actor, id, vec![p]).await,
    };
    state
        .store
        .add_document(
            &actor.audit(),
            DocumentOwner::Training(id),
            &name,
            content_type,
            bytes,
        )
        .await?;
    Ok(redirect_with_flash(
        &format!("/aftercare/trainings/{id}"),
        "material_saved",
        state.config.secure_cookies(),
    ))
}

pub async fn material_file(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    visible(&state, &actor, id).await?;
    send_document(&state, DocumentOwner::Training(id), doc).await
}
