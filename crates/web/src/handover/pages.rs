//! The handover pages: the unit's holdings and work, the minutes a giver draws up by
//! scanning, a set of minutes with its confirmation form, its PDF and its signature.

use super::texts::{self, Layout};
use super::{giver_of, minutes};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::inline_file;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render, when};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::devices::{DeviceKind, DeviceState, Holder};
use domain::handover::{HandoverStatus, Relation, Step};
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::handover::{Handover, HandoverFilter, SignatureFile};

pub struct MinutesRow {
    pub id: i64,
    pub number: String,
    pub step: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub giver: String,
    pub receiver: String,
    pub devices: String,
    pub created: String,
}

pub struct ToHandRow {
    pub unit_id: i64,
    pub name: String,
    pub devices: String,
    pub on_open: String,
    pub any: bool,
}

pub struct HeldRow {
    pub serial: String,
    pub device: String,
    pub state: &'static str,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/index.html")]
struct IndexPage {
    l: Layout,
    holdings: Option<store::handover::Holdings>,
    unit_name: String,
    incoming: Vec<MinutesRow>,
    to_hand: Vec<ToHandRow>,
    can_hand: bool,
    is_school: bool,
    recent: Vec<MinutesRow>,
    held: Vec<HeldRow>,
}

/// The receiver's name as the viewer may see it: a student's only with `ViewStudents`.
fn receiver_label(h: &Handover, actor: &Actor, lang: Lang) -> String {
    match h.step {
        Step::ToStudent | Step::Return if !actor.can(Action::ViewStudents) => {
            lang.pick("Học sinh (ẩn)", "A student (hidden)").to_string()
        }
        Step::ToStudent => h
            .student_name
            .clone()
            .unwrap_or_else(|| lang.pick("Học sinh", "Student").to_string()),
        Step::Return => texts::tr(lang).board.to_string(),
        _ => h.receiver_name.clone(),
    }
}

pub fn minutes_row(h: &Handover, actor: &Actor, lang: Lang) -> MinutesRow {
    MinutesRow {
        id: h.id,
        number: h.number.clone(),
        step: h.step.label(lang),
        status: h.status.label(lang),
        status_code: h.status.code(),
        giver: if h.step == Step::Return {
            if actor.can(Action::ViewStudents) {
                h.student_name
                    .clone()
                    .unwrap_or_else(|| lang.pick("Học sinh", "Student").to_string())
            } else {
                lang.pick("Học sinh (ẩn)", "A student (hidden)").to_string()
            }
        } else {
            h.giver_name.clone()
        },
        receiver: receiver_label(h, actor, lang),
        devices: num(h.devices),
        created: when(h.created_at),
    }
}

pub fn device_label(kind: &str, brand: &str, model: &str, lang: Lang) -> String {
    let k = DeviceKind::parse(kind).map(|k| k.label(lang)).unwrap_or("");
    format!("{k} {brand} {model}").trim().to_string()
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let giver = giver_of(&actor);
    let own_unit = matches!(giver, Some(Holder::Unit(_)) | Some(Holder::School(_)));
    let holdings = if own_unit {
        Some(state.store.holdings(actor.user.unit_id).await?)
    } else {
        None
    };
    let incoming = if own_unit {
        state
            .store
            .handovers(
                &actor.scope,
                &HandoverFilter {
                    status: Some(HandoverStatus::Sent),
                    receiver_unit: Some(actor.user.unit_id),
                    ..Default::default()
                },
                100,
            )
            .await?
            .iter()
            .filter(|h| h.step.confirmed_later())
            .map(|h| minutes_row(h, &actor, lang))
            .collect()
    } else {
        Vec::new()
    };
    let to_hand = match giver {
        Some(g @ (Holder::Board | Holder::Unit(_))) => state
            .store
            .to_hand(g)
            .await?
            .into_iter()
            .map(|t| ToHandRow {
                unit_id: t.unit_id,
                name: t.name,
                devices: num(t.devices),
                on_open: num(t.on_open_minutes),
                any: t.devices > 0,
            })
            .collect(),
        _ => Vec::new(),
    };
    // A school follows its students' minutes here; everyone above follows the minutes
    // between units (a student's are on the school's and the student's pages).
    let school = matches!(giver, Some(Holder::School(_)));
    let recent = state
        .store
        .handovers(&actor.scope, &HandoverFilter::default(), 200)
        .await?
        .iter()
        .filter(|h| school || h.step.confirmed_later())
        .take(50)
        .map(|h| minutes_row(h, &actor, lang))
        .collect();
    let held = if own_unit {
        state
            .store
            .held_devices(actor.user.unit_id, 200)
            .await?
            .into_iter()
            .map(|(p, st)| HeldRow {
                device: device_label(&p.kind, &p.brand, &p.model, lang),
                serial: p.serial,
                state: DeviceState::parse(&st).map(|s| s.label(lang)).unwrap_or(""),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(IndexPage {
        l: ctx.layout(t.nav_handover),
        holdings,
        unit_name: store::handover::office_name(&actor.user.unit_name, actor.user.unit_kind.code()),
        incoming,
        to_hand,
        can_hand: actor.can(Action::HandDevices) && giver.is_some(),
        is_school: matches!(giver, Some(Holder::School(_))),
        recent,
        held,
    }))
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    to: Option<i64>,
    #[serde(default)]
    all: Option<String>,
}

pub struct PackRow {
    pub serial: String,
    pub device: String,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/new.html")]
struct NewPage {
    l: Layout,
    receiver_id: i64,
    receiver_name: String,
    packing: Vec<PackRow>,
    serials: String,
    problems: Vec<String>,
}

/// The receiver of a giver's minutes, if the giver may hand to them.
async fn receiver_for(
    state: &AppState,
    actor: &Actor,
    giver: Holder,
    to: i64,
) -> AppResult<store::units::Unit> {
    let unit = state
        .store
        .unit_by_id(to)
        .await?
        .ok_or_else(AppError::not_found)?;
    let fits = match giver {
        Holder::Board => true,
        Holder::Unit(u) => unit.parent_id == Some(u),
        _ => false,
    };
    if !fits || !actor.sees(&unit.path) && giver != Holder::Board {
        return Err(AppError::not_found());
    }
    Ok(unit)
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    to: i64,
    serials: String,
    problems: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let giver = giver_of(actor).ok_or_else(AppError::not_found)?;
    let unit = receiver_for(state, actor, giver, to).await?;
    let packing: Vec<PackRow> = state
        .store
        .packing_list(giver, unit.id)
        .await?
        .into_iter()
        .map(|p| PackRow {
            device: device_label(&p.kind, &p.brand, &p.model, lang),
            serial: p.serial,
        })
        .collect();
    let t = texts::tr(lang);
    let page = render(NewPage {
        l: ctx.layout(t.new_minutes),
        receiver_id: unit.id,
        receiver_name: store::handover::office_name(&unit.name, unit.kind.code()),
        packing,
        serials,
        problems,
    });
    Ok(crate::files::with_status(status, page))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let Some(to) = q.to else {
        return Ok(axum::response::Redirect::to("/handover").into_response());
    };
    let serials = if q.all.is_some() {
        let giver = giver_of(&actor).ok_or_else(AppError::not_found)?;
        state
            .store
            .packing_list(giver, to)
            .await?
            .into_iter()
            .map(|p| p.serial)
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        String::new()
    };
    new_page(
        &state,
        &ctx,
        &actor,
        to,
        serials,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    to: i64,
    #[serde(default)]
    serials: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let giver = giver_of(&actor).ok_or_else(AppError::not_found)?;
    let unit = receiver_for(&state, &actor, giver, f.to).await?;
    let refuse = |problems: Vec<String>, status| {
        new_page(
            &state,
            &ctx,
            &actor,
            unit.id,
            f.serials.clone(),
            problems,
            status,
        )
    };
    let serials = match domain::handover::scanned_serials(&f.serials) {
        Ok(s) => s,
        Err(e) => {
            let e = DomainError::from(e);
            return refuse(vec![e.message(lang)], StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let new = store::handover::NewHandover {
        giver,
        receiver: unit.id,
        serials,
    };
    match state.store.hand_over(&actor.audit(), &new).await {
        Ok(h) => Ok(redirect_with_flash(
            &format!("/handover/{}", h.id),
            "handover_created",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Rows(rows)) => {
            let problems = rows
                .iter()
                .map(|r| {
                    format!(
                        "{} {}: {}",
                        lang.pick("Dòng", "Line"),
                        r.row,
                        r.error.message(lang)
                    )
                })
                .collect();
            refuse(problems, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Domain(e)) if e != DomainError::NotFound => {
            let status = crate::error::domain_status(&e);
            refuse(vec![e.message(lang)], status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CheckQuery {
    #[serde(default)]
    serial: String,
    to: i64,
}

/// Whether a scanned serial can go on the giver's minutes, for the scanner page.
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<CheckQuery>,
) -> AppResult<Response> {
    let giver = giver_of(&actor).ok_or_else(AppError::not_found)?;
    let refusal = state.store.handover_refusal(giver, q.to, &q.serial).await?;
    let body = match refusal {
        Some(e) => serde_json::json!({
            "serial": domain::devices::serial(&q.serial).unwrap_or_default(),
            "refused": true,
            "message": DomainError::from(e).message(ctx.lang),
        }),
        None => {
            serde_json::json!({"serial": domain::devices::serial(&q.serial).unwrap_or_default(), "refused": false})
        }
    };
    Ok(Json(body).into_response())
}

/// A set of minutes, if the viewer's scope reaches its giver or its receiver.
pub(super) async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<Handover> {
    let h = state
        .store
        .handover(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut units = vec![h.receiver_unit_id];
    units.extend(h.giver_unit_id);
    for u in units {
        if let Some(unit) = state.store.unit_by_id(u).await?
            && actor.sees(&unit.path)
        {
            return Ok(h);
        }
    }
    Err(AppError::not_found())
}

/// Whether the viewer is the receiving side that signs these minutes.
fn receives(h: &Handover, actor: &Actor) -> bool {
    h.step.confirmed_later()
        && h.status == HandoverStatus::Sent
        && actor.can(Action::HandDevices)
        && matches!(giver_of(actor), Some(Holder::Unit(u)) | Some(Holder::School(u)) if u == h.receiver_unit_id)
}

fn gives(h: &Handover, actor: &Actor) -> bool {
    h.status == HandoverStatus::Sent
        && actor.can(Action::HandDevices)
        && giver_of(actor) == Some(h.giver)
}

pub struct ItemRow {
    pub serial: String,
    pub imei: String,
    pub device: String,
    pub status: &'static str,
    pub status_code: String,
}

pub struct SignatureView {
    pub drawn: bool,
    pub signer: String,
    pub position: String,
    pub signed_at: String,
    pub minutes_sha256: String,
    pub template: String,
    pub signature_sha256: String,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/show.html")]
struct ShowPage {
    l: Layout,
    h: MinutesRow,
    hid: i64,
    student_hidden: bool,
    items: Vec<ItemRow>,
    missing: Vec<String>,
    extra: Vec<String>,
    signature: Option<SignatureView>,
    reason: Option<String>,
    sim: Option<String>,
    receives: bool,
    gives: bool,
    f: ConfirmValues,
    error: Option<String>,
    bad: &'static str,
}

/// What the confirmation form keeps when refused.
#[derive(Default, Clone)]
pub struct ConfirmValues {
    pub serials: String,
    pub all_arrived: bool,
    pub signer_name: String,
    pub signer_position: String,
}

fn item_status(code: &str, lang: Lang) -> &'static str {
    match code {
        "received" => lang.pick("Đã nhận", "Received"),
        "missing" => lang.pick("Thiếu khi nhận", "Missing"),
        "cancelled" => lang.pick("Đã huỷ", "Cancelled"),
        _ => lang.pick("Chờ bên nhận", "Waiting"),
    }
}

pub(super) async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    f: ConfirmValues,
    error: Option<(StatusCode, String, &'static str)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let h = visible(state, actor, id).await?;
    let items = state.store.handover_items(id).await?;
    let sig = state.store.handover_signature(id).await?;
    let student_minutes = matches!(h.step, Step::ToStudent | Step::Return);
    let student_hidden = student_minutes && !actor.can(Action::ViewStudents);
    let missing: Vec<String> = items
        .iter()
        .filter(|i| i.status == "missing")
        .map(|i| i.serial.clone())
        .collect();
    let signature = sig
        .as_ref()
        .filter(|_| !student_hidden)
        .map(|s| SignatureView {
            drawn: s.how == "drawn",
            signer: s.signer_name.clone(),
            position: match s.relation() {
                Some(r) => r.label(lang).to_string(),
                None => s.signer_position.clone().unwrap_or_default(),
            },
            signed_at: when(s.signed_at),
            minutes_sha256: s.minutes_sha256.clone(),
            template: s.template_version.clone(),
            signature_sha256: s
                .png_sha256
                .clone()
                .or(s.scan_sha256.clone())
                .unwrap_or_default(),
        });
    let school_sees = giver_of(actor) == Some(Holder::School(h.receiver_unit_id));
    let sim = h.sim_number.as_ref().filter(|_| !student_hidden).map(|n| {
        let n = if school_sees {
            n.clone()
        } else {
            domain::handover::masked_number(n)
        };
        format!("{} {n}", h.sim_carrier.clone().unwrap_or_default())
            .trim()
            .to_string()
    });
    let (status, error, bad) = match error {
        Some((s, e, b)) => (s, Some(e), b),
        None => (StatusCode::OK, None, ""),
    };
    let t = texts::tr(lang);
    let page = render(ShowPage {
        l: ctx.layout(format!("{} {}", t.minutes, h.number)),
        h: minutes_row(&h, actor, lang),
        hid: h.id,
        student_hidden,
        items: items
            .iter()
            .map(|i| ItemRow {
                serial: i.serial.clone(),
                imei: i.imei.clone().unwrap_or_default(),
                device: i.description(lang),
                status: item_status(&i.status, lang),
                status_code: i.status.clone(),
            })
            .collect(),
        missing,
        extra: h.extra.clone(),
        signature,
        reason: h.reason.clone().filter(|_| !student_hidden),
        sim,
        receives: receives(&h, actor),
        gives: gives(&h, actor),
        f,
        error,
        bad,
    });
    Ok(crate::files::with_status(status, page))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    show_page(&state, &ctx, &actor, id, ConfirmValues::default(), None).await
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let h = visible(&state, &actor, id).await?;
    if giver_of(&actor) != Some(h.giver) {
        return Err(AppError::not_found());
    }
    match state.store.cancel_handover(&actor.audit(), id).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/handover/{id}"),
            "handover_cancelled",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e != DomainError::NotFound => {
            let status = crate::error::domain_status(&e);
            let msg = e.message(ctx.lang);
            show_page(
                &state,
                &ctx,
                &actor,
                id,
                ConfirmValues::default(),
                Some((status, msg, "")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The minutes as PDF: unsigned from the record, signed from the frozen text. A student's
/// minutes only for the roles that see students.
pub async fn pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let h = visible(&state, &actor, id).await?;
    if matches!(h.step, Step::ToStudent | Step::Return) && !actor.can(Action::ViewStudents) {
        return Err(AppError::not_found());
    }
    let items = state.store.handover_items(id).await?;
    let sig = state.store.handover_signature(id).await?;
    let mut m = minutes::minutes(&state.store, &h, &items, sig.as_ref()).await?;
    // The SIM's number in full for the school and the family; masked for anyone else.
    if giver_of(&actor) != Some(Holder::School(h.receiver_unit_id))
        && let (Some(sim), Some(n)) = (m.sim.as_mut(), h.sim_number.as_deref())
    {
        *sim = sim.replace(n, &domain::handover::masked_number(n));
    }
    let bytes = tokio::task::spawn_blocking(move || pdf::handover_minutes(&m))
        .await
        .map_err(AppError::internal)?;
    let title = match h.step {
        Step::ToStudent => format!(
            "Bàn giao {} thiết bị cho học sinh của {}",
            h.devices, h.receiver_name
        ),
        Step::Return => format!("Thu hồi {} thiết bị về {}", h.devices, h.receiver_name),
        _ => format!(
            "Bàn giao {} thiết bị: {} → {}",
            h.devices, h.giver_name, h.receiver_name
        ),
    };
    let doc = store::archive::Issued {
        kind: domain::archive::DocKind::Minutes,
        number: Some(h.number.clone()),
        date: Some(domain::dates::local_date(h.created_at)),
        title,
        link: format!("/handover/{id}/pdf"),
        units: [h.giver_unit_id, Some(h.receiver_unit_id)],
    };
    crate::files::issued_pdf(&state, &actor, &doc, &minutes::file_name(&h), bytes).await
}

async fn signature_file(
    state: &AppState,
    actor: &Actor,
    id: i64,
    which: SignatureFile,
) -> AppResult<Response> {
    let h = visible(state, actor, id).await?;
    if matches!(h.step, Step::ToStudent | Step::Return) && !actor.can(Action::ViewStudents) {
        return Err(AppError::not_found());
    }
    let (ctype, bytes) = state
        .store
        .signature_file(id, which)
        .await?
        .ok_or_else(AppError::not_found)?;
    let name = match which {
        SignatureFile::Svg => "chu-ky.svg".to_string(),
        SignatureFile::Png => "chu-ky.png".to_string(),
        SignatureFile::Scan => format!(
            "ban-quet-{}.{}",
            text::fold::slug(&h.number),
            if ctype == "application/pdf" {
                "pdf"
            } else {
                "jpg"
            }
        ),
    };
    Ok(inline_file(&name, &ctype, bytes))
}

pub async fn signature_png(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signature_file(&state, &actor, id, SignatureFile::Png).await
}

pub async fn signature_svg(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signature_file(&state, &actor, id, SignatureFile::Svg).await
}

pub async fn signature_scan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signature_file(&state, &actor, id, SignatureFile::Scan).await
}

/// The relations a guardian may have, for the forms.
pub fn relations(lang: Lang, chosen: &str) -> Vec<(&'static str, &'static str, bool)> {
    Relation::ALL
        .iter()
        .map(|r| (r.code(), r.label(lang), r.code() == chosen))
        .collect()
}
