//! Students on schools' lists: counts for every role, a school's list with the actions
//! of the approval chain for the roles that run it.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Query};
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use crate::views::iso_to_vn;
use crate::views::{Ctx, Pager, redirect_with_flash, render};
use axum::extract::{RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::authz::Action;
use domain::students::approval::{ListAction, transition};
use domain::students::programs::{Round, Tier};
use domain::users::Role;
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::students::lists::{ListInfo, ListStep, RowReason};
use store::students::{SchoolCounts, Student, StudentFilter};
use store::units::Unit;

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    round: Option<i64>,
    page: Option<i64>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    flag: String,
}

pub struct TierCol {
    pub rank: i64,
    pub label: String,
    pub code: String,
}

pub struct CountRow {
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub by_tier: Vec<String>,
    pub total: String,
}

#[derive(askama::Template)]
#[template(path = "students/templates/index.html")]
struct IndexPage {
    l: Layout,
    round: Round,
    rounds: Vec<Round>,
    tiers: Vec<TierCol>,
    rows: Vec<CountRow>,
    totals: Vec<String>,
    grand_total: String,
    statuses: Vec<(String, String)>,
    can_open: bool,
    can_board: bool,
    can_dedup: bool,
    can_households: bool,
}

fn tier_cols(tiers: &[Tier]) -> Vec<TierCol> {
    tiers
        .iter()
        .map(|t| TierCol {
            rank: i64::from(t.rank),
            label: format!("({}) {}", t.code, t.label),
            code: t.code.clone(),
        })
        .collect()
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if actor.user.role == Role::Truong {
        return Ok(
            Redirect::to(&format!("/students/school/{}", actor.user.unit_code)).into_response(),
        );
    }
    let lang = ctx.lang;
    let round = state.store.round_or_current(q.round).await?;
    let rounds = state.store.rounds().await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let counts: Vec<SchoolCounts> = state.store.student_counts(&actor.scope, round.id).await?;
    let cols = tier_cols(&tiers);
    let mut totals = vec![0i64; cols.len()];
    let mut grand = 0;
    let rows = counts
        .iter()
        .map(|c| {
            for (i, t) in cols.iter().enumerate() {
                totals[i] += c.of_rank(t.rank);
            }
            grand += c.total();
            CountRow {
                code: c.school_code.clone(),
                name: c.school_name.clone(),
                status: c.status.label(lang),
                status_code: c.status.code(),
                by_tier: cols
                    .iter()
                    .map(|t| crate::views::num(c.of_rank(t.rank)))
                    .collect(),
                total: crate::views::num(c.total()),
            }
        })
        .collect();
    let statuses = state
        .store
        .list_status_counts(&actor.scope, round.id)
        .await?
        .into_iter()
        .map(|(s, n)| (s.label(lang).to_string(), crate::views::num(n)))
        .collect();
    Ok(render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).students_title),
        totals: totals.into_iter().map(crate::views::num).collect(),
        grand_total: crate::views::num(grand),
        tiers: cols,
        rows,
        statuses,
        can_open: actor.can(Action::ViewStudents),
        can_board: actor.can(Action::ApproveAggregate),
        can_dedup: actor.can(Action::ReviewDuplicates),
        can_households: actor.can(Action::ViewHouseholds),
        rounds,
        round,
    }))
}

pub struct StudentLine {
    pub id: i64,
    pub row: String,
    pub code: String,
    pub name: String,
    pub dob: String,
    pub gender: &'static str,
    pub class_name: String,
    pub tier: String,
    pub review: &'static str,
    pub review_code: String,
    pub reason: String,
    pub flags: Vec<&'static str>,
}

pub fn flag_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "duplicate_code" => lang.pick("Trùng mã với trường khác", "Same code at another school"),
        "possible_duplicate" => lang.pick("Có thể trùng người", "Possibly the same child"),
        "already_served" => lang.pick("Đã nhận máy", "Already received a device"),
        "household_missing" => lang.pick(
            "Không có trong danh sách hộ nghèo/cận nghèo",
            "Not in the household register",
        ),
        "household_category" => lang.pick(
            "Khác loại hộ trong danh sách",
            "Another category in the register",
        ),
        _ => lang.pick("Cảnh báo khác", "Other flag"),
    }
}

pub fn review_label(review: &str, lang: Lang) -> &'static str {
    match review {
        "approved" => lang.pick("Đã duyệt", "Approved"),
        "returned" => lang.pick("Bị trả lại", "Returned"),
        "withdrawn" => lang.pick("Đã rút", "Withdrawn"),
        _ => lang.pick("Chờ duyệt", "Pending"),
    }
}

fn line(s: &Student, tiers: &[Tier], lang: Lang) -> StudentLine {
    StudentLine {
        id: s.id,
        row: s.source_row.map(|r| r.to_string()).unwrap_or_default(),
        code: s.student_code.clone().unwrap_or_default(),
        name: s.full_name.clone(),
        dob: iso_to_vn(&s.dob),
        gender: s.gender.map(|g| g.label(lang)).unwrap_or(""),
        class_name: s.class_name.clone().unwrap_or_default(),
        tier: tiers
            .iter()
            .find(|t| t.id == s.tier_id)
            .map(|t| format!("({})", t.code))
            .unwrap_or_default(),
        review: review_label(&s.review, lang),
        review_code: s.review.clone(),
        reason: s.return_reason.clone().unwrap_or_default(),
        flags: s.flags.iter().map(|f| flag_label(f, lang)).collect(),
    }
}

/// The actions the user may take on the list now.
pub struct Actions {
    pub submit: bool,
    pub review: bool,
    pub reopen: bool,
    pub edit: bool,
}

fn actions(actor: &Actor, info: &ListInfo) -> Actions {
    let may = |a: ListAction| {
        actor.can(Action::ActOnLists)
            && transition(actor.user.role, a, info.status, info.direct_unit).is_ok()
    };
    Actions {
        submit: may(ListAction::Submit),
        review: may(ListAction::Approve),
        reopen: may(ListAction::Reopen),
        edit: actor.can(Action::EditStudents) && info.status.editable(),
    }
}

#[derive(askama::Template)]
#[template(path = "students/templates/school.html")]
struct SchoolPage {
    l: Layout,
    school: Unit,
    round: Round,
    info: ListInfo,
    status: &'static str,
    status_code: &'static str,
    acts: Actions,
    rows: Vec<StudentLine>,
    pager: Pager,
    q: String,
    error: Option<String>,
    csrf: String,
}

async fn school_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    school: Unit,
    q: &RoundQuery,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let round = state.store.round_or_current(q.round).await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let info = state.store.list_info(round.id, school.id).await?;
    let filter = StudentFilter {
        round_id: Some(round.id),
        school_id: Some(school.id),
        search: Some(text::fold(&q.q)).filter(|s| !s.is_empty()),
        flag: Some(q.flag.clone()).filter(|f| !f.is_empty()),
        ..Default::default()
    };
    let page = state
        .store
        .list_students(&school.path, &filter, q.page.unwrap_or(1), 100)
        .await?;
    let path = format!("/students/school/{}", school.code);
    let pairs = [
        ("round", q.round.map(|r| r.to_string()).unwrap_or_default()),
        ("q", q.q.clone()),
        ("flag", q.flag.clone()),
    ];
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let pagex = SchoolPage {
        l: ctx.layout(school.name.clone()),
        status: info.status.label(lang),
        status_code: info.status.code(),
        acts: actions(actor, &info),
        rows: page.items.iter().map(|s| line(s, &tiers, lang)).collect(),
        pager: Pager::new(&path, &pairs, page.page, page.pages(), page.total),
        q: q.q.clone(),
        error,
        csrf: ctx.csrf.clone(),
        info,
        round,
        school,
    };
    Ok((status, render(pagex)).into_response())
}

pub async fn school(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    school_page(&state, &ctx, &actor, u, &q, None).await
}

/// The list action form: `action` and, for a return, `return_{id}` reasons; `note` for
/// a reopen.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let action = match get("action").as_str() {
        "submit" => ListAction::Submit,
        "approve" => ListAction::Approve,
        "return" => ListAction::Return,
        "reopen" => ListAction::Reopen,
        other => return Err(AppError::BadRequest(format!("action={other}"))),
    };
    let rows: Vec<RowReason> = fields
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("return_")?.parse().ok()?;
            (!v.trim().is_empty()).then(|| RowReason {
                student_id: id,
                reason: v.clone(),
            })
        })
        .collect();
    let round = state.store.round_or_current(q.round).await?;
    let note = get("note");
    let note = (!note.trim().is_empty()).then_some(note.as_str());
    match state
        .store
        .list_action(
            &actor.audit(),
            actor.user.role,
            round.id,
            u.id,
            ListStep {
                action,
                rows: &rows,
                note,
            },
        )
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/students/school/{}", u.code),
            "list_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e @ (DomainError::Forbidden | DomainError::NotFound))) => {
            Err(e.into())
        }
        Err(StoreError::Domain(e)) => {
            school_page(&state, &ctx, &actor, u, &q, Some(e.message(ctx.lang))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct BoardForm {
    round: Option<i64>,
}

pub async fn board_approve(
    State(state): State<AppState>,
    actor: Actor,
    Form(f): Form<BoardForm>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(f.round).await?;
    state
        .store
        .board_approve_all(&actor.audit(), actor.user.role, round.id, &actor.scope)
        .await?;
    Ok(redirect_with_flash(
        "/students",
        "list_saved",
        state.config.secure_cookies(),
    ))
}

/// A place name as the signature line writes it: `Huyện Đắk Mil` → `Đắk Mil`.
fn place_of(name: &str) -> String {
    for prefix in [
        "Thành phố ",
        "Huyện ",
        "Thị xã ",
        "Tỉnh ",
        "Xã ",
        "Phường ",
        "Thị trấn ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    name.to_string()
}

/// The heading of an exported list of `unit`.
async fn heading(
    state: &AppState,
    unit: &Unit,
    round: &Round,
    with_school: bool,
) -> AppResult<sheets::export::ListHeading> {
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?,
        None => None,
    };
    let parent_line = match &parent {
        Some(p) if p.agency.is_none() => format!("UBND {}", p.name),
        Some(p) => p.name.clone(),
        None => String::new(),
    };
    // The place: the district (or province) the unit is in.
    let mut place = unit.name.clone();
    let mut at = Some(unit.clone());
    while let Some(u) = at {
        if matches!(
            u.kind,
            domain::units::UnitKind::District | domain::units::UnitKind::Province
        ) {
            place = u.name.clone();
            break;
        }
        at = match u.parent_id {
            Some(id) => state.store.unit_by_id(id).await?,
            None => None,
        };
    }
    Ok(sheets::export::ListHeading {
        parent: parent_line,
        unit: unit.name.clone(),
        subtitle: format!("Chương trình \"Sóng và máy tính cho em\" – {}", round.name),
        place: place_of(&place),
        date: domain::dates::today(),
        with_school,
    })
}

/// Writes the students of `within` (one school, or a whole scope) to `.xlsx`.
async fn export_list(
    state: &AppState,
    unit: &Unit,
    round: &Round,
    school_id: Option<i64>,
    lang: Lang,
) -> AppResult<Response> {
    let head = heading(state, unit, round, school_id.is_none()).await?;
    let mut w = sheets::export::ListWriter::new(head).map_err(AppError::internal)?;
    let mut failed = None;
    state
        .store
        .each_student(&unit.path, Some(round.id), school_id, |page| {
            for s in page.iter().filter(|s| s.review != "withdrawn") {
                let row = sheets::export::ListRow {
                    name: s.full_name.clone(),
                    dob: time::Date::parse(
                        &s.dob,
                        time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .ok(),
                    gender: s.gender.map(|g| g.label(Lang::Vi)).unwrap_or("").into(),
                    ethnicity: s.ethnicity.clone().unwrap_or_default(),
                    class_name: s.class_name.clone().unwrap_or_default(),
                    code: s.student_code.clone().unwrap_or_default(),
                    village: s.village.clone().unwrap_or_default(),
                    commune: s.commune.clone().unwrap_or_default(),
                    parent_name: s.parent_name.clone().unwrap_or_default(),
                    tier: format!("({})", s.tier_code),
                    tier_rank: usize::try_from(s.tier_rank).unwrap_or(0),
                    certificate_no: s.certificate_no.clone().unwrap_or_default(),
                    note: s.note.clone().unwrap_or_default(),
                    school: s.school_name.clone(),
                    review: review_label(&s.review, lang).into(),
                };
                if let Err(e) = w.push(&row) {
                    failed = Some(e);
                }
            }
            Ok(())
        })
        .await?;
    if let Some(e) = failed {
        return Err(AppError::internal(e));
    }
    let bytes = w.finish().map_err(AppError::internal)?;
    let name = format!(
        "danh-sach-hoc-sinh-{}-dot-{}.xlsx",
        text::slug(&unit.name),
        round.id
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `/students/school/{code}/export.xlsx`: one school's list.
pub async fn export_school(
    State(state): State<AppState>,
    ctx: Ctx,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    let round = state.store.round_or_current(q.round).await?;
    export_list(&state, &u, &round, Some(u.id), ctx.lang).await
}

/// `/students/export.xlsx`: every list of the user's scope, with each row's school.
pub async fn export_scope(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(q.round).await?;
    let unit = state
        .store
        .unit_by_code(&actor.user.unit_code)
        .await?
        .ok_or_else(AppError::not_found)?;
    // The scope's root (the Department's users see the province).
    let root = if unit.path == actor.scope {
        unit
    } else {
        let id = actor.scope.ids().last().ok_or_else(AppError::not_found)?;
        state
            .store
            .unit_by_id(id)
            .await?
            .ok_or_else(AppError::not_found)?
    };
    export_list(&state, &root, &round, None, ctx.lang).await
}
