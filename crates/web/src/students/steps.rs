//! The approval steps on a school's list: submitting and approving, each asked once on
//! its own page with what it sends on; returning rows and reopening from the list's form;
//! and the Board's approval of the lists the offices approved, by district and by choice.

use super::pages::{RoundQuery, school_page};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::DomainError;
use domain::students::ListStatus;
use domain::students::approval::{ListAction, transition};
use domain::students::programs::Round;
use serde::Deserialize;
use store::StoreError;
use store::students::lists::{ListStep, ListSummary, RowReason};
use store::units::Unit;

/// A step the store refused: a list out of reach (or not this role's) answers as such;
/// any rule's refusal is the message to show again on the step's own page.
fn refusal(e: StoreError, lang: domain::Lang) -> AppResult<String> {
    match e {
        StoreError::Domain(e @ (DomainError::Forbidden | DomainError::NotFound)) => Err(e.into()),
        StoreError::Domain(e) => Ok(e.message(lang)),
        e => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "students/templates/confirm.html")]
struct ConfirmPage {
    l: Layout,
    school: Unit,
    round: Round,
    action: &'static str,
    title: &'static str,
    consequence: &'static str,
    summary: ListSummary,
    error: Option<String>,
    last_dedup: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ConfirmQuery {
    round: Option<i64>,
    #[serde(default)]
    action: String,
}

fn confirm_action(code: &str) -> AppResult<ListAction> {
    match code {
        "submit" => Ok(ListAction::Submit),
        "approve" => Ok(ListAction::Approve),
        other => Err(AppError::BadRequest(format!("action={other}"))),
    }
}

async fn confirm_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    school: Unit,
    round: Round,
    action: ListAction,
    error: Option<String>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let info = state.store.list_info(round.id, school.id).await?;
    // Nothing to confirm (not this role's step, a second click, or the list moved on):
    // say why, as the step itself would.
    if error.is_none() {
        transition(actor.user.role, action, info.status, info.direct_unit)?;
    }
    let summary = state
        .store
        .list_summaries(round.id, &school.path, &[], Some(school.id))
        .await?
        .into_iter()
        .next()
        .unwrap_or(ListSummary {
            school_id: school.id,
            school_code: school.code.to_string(),
            school_name: school.name.clone(),
            parent_name: String::new(),
            status: info.status,
            rows: 0,
            returned: 0,
            without_evidence: 0,
            flagged: 0,
            open_groups: 0,
        });
    let last_dedup = state
        .store
        .last_dedup_run(round.id)
        .await?
        .map(|(at, _)| crate::views::when(at));
    let (title, consequence) = match action {
        ListAction::Submit => (t.confirm_submit_title, t.confirm_submit_consequence),
        _ => (t.confirm_approve_title, t.confirm_approve_consequence),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ConfirmPage {
        l: ctx.layout(title),
        action: action.code(),
        title,
        consequence,
        summary,
        error,
        last_dedup,
        school,
        round,
    };
    Ok((status, render(page)).into_response())
}

/// `GET /students/school/{code}/confirm?action=submit|approve`: what submitting or
/// approving the list will send on, asked once before it is done.
pub async fn confirm_form(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    let action = confirm_action(&q.action)?;
    let round = state.store.round_or_current(q.round).await?;
    confirm_page(&state, &ctx, &actor, u, round, action, None).await
}

/// `POST /students/school/{code}/confirm?action=…`: the confirmed step; a refusal is
/// shown on the same page.
pub async fn confirm_do(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    let action = confirm_action(&q.action)?;
    let round = state.store.round_or_current(q.round).await?;
    match state
        .store
        .list_action(
            &actor.audit(),
            actor.user.role,
            round.id,
            u.id,
            ListStep::plain(action),
        )
        .await
    {
        Ok(_) => {
            state.forget_work();
            Ok(redirect_with_flash(
                &format!("/students/school/{}?round={}", u.code, round.id),
                "list_saved",
                state.config.secure_cookies(),
            ))
        }
        Err(e) => {
            let msg = refusal(e, ctx.lang)?;
            confirm_page(&state, &ctx, &actor, u, round, action, Some(msg)).await
        }
    }
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
        // Submitting and approving are asked once, on their own page.
        a @ ("submit" | "approve") => {
            let round = state.store.round_or_current(q.round).await?;
            return Ok(Redirect::to(&format!(
                "/students/school/{}/confirm?action={a}&round={}",
                u.code, round.id
            ))
            .into_response());
        }
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
        Ok(_) => {
            state.forget_work();
            Ok(redirect_with_flash(
                &format!("/students/school/{}", u.code),
                "list_saved",
                state.config.secure_cookies(),
            ))
        }
        Err(e) => {
            let msg = refusal(e, ctx.lang)?;
            school_page(&state, &ctx, &actor, u, &q, Some(msg)).await
        }
    }
}

/// A list about to be approved or submitted, as the confirmation shows it.
pub struct SummaryLine {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub parent: String,
    pub rows: String,
    pub without_evidence: i64,
    pub open_groups: i64,
}

/// The totals of the lists a confirmation covers.
#[derive(Default)]
pub struct SummaryTotals {
    pub lists: i64,
    pub rows: i64,
    pub returned: i64,
    pub without_evidence: i64,
    pub flagged: i64,
    pub open_groups: i64,
}

fn summarize(lists: &[ListSummary]) -> (Vec<SummaryLine>, SummaryTotals) {
    let mut t = SummaryTotals::default();
    let lines = lists
        .iter()
        .map(|s| {
            t.lists += 1;
            t.rows += s.rows;
            t.returned += s.returned;
            t.without_evidence += s.without_evidence;
            t.flagged += s.flagged;
            t.open_groups += s.open_groups;
            SummaryLine {
                school_id: s.school_id,
                code: s.school_code.clone(),
                name: s.school_name.clone(),
                parent: s.parent_name.clone(),
                rows: crate::views::num(s.rows),
                without_evidence: s.without_evidence,
                open_groups: s.open_groups,
            }
        })
        .collect();
    (lines, t)
}

#[derive(askama::Template)]
#[template(path = "students/templates/board.html")]
struct BoardPage {
    l: Layout,
    round: Round,
    lines: Vec<SummaryLine>,
    totals: SummaryTotals,
    districts: Vec<(String, String)>,
    district: String,
    error: Option<String>,
    last_dedup: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    round: Option<i64>,
    #[serde(default)]
    district: String,
}

/// The district offices (and the Sở) of a scope, as (code, name), and the subtree the
/// chosen one (by code) stands for: the whole scope when none or an unknown one.
async fn district_choice(
    state: &AppState,
    actor: &Actor,
    round: &Round,
    district: &str,
) -> AppResult<(Vec<(String, String)>, domain::units::UnitPath, String)> {
    let counts = state.store.student_counts(&actor.scope, round.id).await?;
    let mut ids: Vec<i64> = counts.iter().filter_map(|c| c.parent_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut districts = Vec::new();
    let mut within = actor.scope.clone();
    let mut chosen = String::new();
    for id in ids {
        if let Some(u) = state.store.unit_by_id(id).await? {
            if u.code.as_str() == district && actor.scope.contains(&u.path) {
                within = u.path.clone();
                chosen = district.to_string();
            }
            districts.push((u.code.to_string(), u.name.clone()));
        }
    }
    districts.sort_by(|a, b| a.1.cmp(&b.1));
    Ok((districts, within, chosen))
}

async fn board_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    round: Round,
    district: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let (districts, within, district) = district_choice(state, actor, &round, district).await?;
    let lists = state
        .store
        .list_summaries(round.id, &within, &[ListStatus::Approved], None)
        .await?;
    let (lines, totals) = summarize(&lists);
    let last_dedup = state
        .store
        .last_dedup_run(round.id)
        .await?
        .map(|(at, _)| crate::views::when(at));
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = BoardPage {
        l: ctx.layout(texts::tr(ctx.lang).board_title),
        round,
        lines,
        totals,
        districts,
        district,
        error,
        last_dedup,
    };
    Ok((status, render(page)).into_response())
}

/// `GET /students/board-approve`: what the Board is about to approve (the lists the
/// offices approved, by district), to check and choose before approving.
pub async fn board_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(q.round).await?;
    board_page(&state, &ctx, &actor, round, &q.district, None).await
}

/// `POST /students/board-approve`: approves the lists chosen (`school` ids); with none
/// chosen, or none still waiting, says there was nothing to approve.
pub async fn board_approve(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
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
    let round_id = match get("round").as_str() {
        "" => None,
        r => Some(
            r.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("round={r}")))?,
        ),
    };
    let chosen: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "school")
        .map(|(_, v)| {
            v.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("school={v}")))
        })
        .collect::<AppResult<_>>()?;
    let round = state.store.round_or_current(round_id).await?;
    let district = get("district");
    let (_, within, _) = district_choice(&state, &actor, &round, &district).await?;
    match state
        .store
        .board_approve(
            &actor.audit(),
            actor.user.role,
            round.id,
            &within,
            Some(&chosen),
        )
        .await
    {
        Ok(_) => {
            state.forget_work();
            Ok(redirect_with_flash(
                &format!("/students?round={}", round.id),
                "board_approved",
                state.config.secure_cookies(),
            ))
        }
        Err(e) => {
            let msg = refusal(e, ctx.lang)?;
            board_page(&state, &ctx, &actor, round, &district, Some(msg)).await
        }
    }
}
