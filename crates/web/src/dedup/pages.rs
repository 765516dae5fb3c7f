//! Possible duplicates for a person to decide: the groups of the last de-duplication run
//! that touch the user's scope, a run started in the background, and the decision on a
//! group (one child: keep one record, withdraw the others; different children: never
//! asked again).

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Query};
use crate::gate::Actor;
use crate::state::AppState;
use crate::students::review_label;
use crate::views::iso_to_vn;
use crate::views::{Ctx, Pager, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dedup::Reason;
use domain::students::StudentsError;
use domain::students::programs::Round;
use domain::{DomainError, Lang};
use serde::Deserialize;
use std::sync::atomic::Ordering;
use store::StoreError;
use store::dedup::{Decision, GroupView};

#[derive(Deserialize, Default)]
pub struct DedupQuery {
    round: Option<i64>,
    page: Option<i64>,
}

pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub dob: String,
    pub school: String,
    pub school_code: String,
    pub class_name: String,
    pub commune: String,
    pub parent: String,
    pub tier: String,
    pub review: &'static str,
}

pub struct GroupLine {
    pub id: i64,
    pub reason: &'static str,
    pub score: String,
    pub members: Vec<MemberLine>,
    pub elsewhere: Vec<String>,
    pub decidable: bool,
}

fn group_line(g: &GroupView, lang: Lang) -> GroupLine {
    GroupLine {
        id: g.id,
        reason: match g.reason {
            Reason::SameCode => lang.pick(
                "Cùng mã định danh ở nhiều trường",
                "The same student id at several schools",
            ),
            Reason::SamePerson => lang.pick(
                "Có thể cùng một học sinh (họ tên, ngày sinh, xã hoặc cha mẹ trùng khớp)",
                "Possibly one child (name, birth date, commune or parent agree)",
            ),
        },
        score: format!("{}%", (g.score * 100.0).round() as i64),
        members: g
            .members
            .iter()
            .map(|s| MemberLine {
                id: s.id,
                name: s.full_name.clone(),
                code: s.student_code.clone().unwrap_or_default(),
                dob: iso_to_vn(&s.dob),
                school: s.school_name.clone(),
                school_code: s.school_code.clone(),
                class_name: s.class_name.clone().unwrap_or_default(),
                commune: s.commune.clone().unwrap_or_default(),
                parent: s.parent_name.clone().unwrap_or_default(),
                tier: format!("({})", s.tier_code),
                review: review_label(&s.review, lang),
            })
            .collect(),
        elsewhere: g.elsewhere.clone(),
        decidable: g.decidable,
    }
}

#[derive(askama::Template)]
#[template(path = "dedup/templates/index.html")]
struct DedupPage {
    l: Layout,
    round: Round,
    groups: Vec<GroupLine>,
    pager: Pager,
    running: bool,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    q: &DedupQuery,
    error: Option<String>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(q.round).await?;
    let groups = state
        .store
        .dedup_groups(&actor.scope, round.id, q.page.unwrap_or(1), 20)
        .await?;
    let pairs = [("round", round.id.to_string())];
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(DedupPage {
            l: ctx.layout(texts::tr(ctx.lang).nav_dedup),
            groups: groups
                .items
                .iter()
                .map(|g| group_line(g, ctx.lang))
                .collect(),
            pager: Pager::new("/dedup", &pairs, groups.page, groups.pages(), groups.total),
            running: state.jobs.dedup_running.load(Ordering::Relaxed),
            error,
            round,
        }),
    )
        .into_response())
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<DedupQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &actor, &q, None).await
}

#[derive(Deserialize)]
pub struct RunForm {
    round: Option<i64>,
}

/// Starts a run over the whole round in the background (one at a time per server).
pub async fn run(
    State(state): State<AppState>,
    actor: Actor,
    Form(f): Form<RunForm>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(f.round).await?;
    let to = format!("/dedup?round={}", round.id);
    if state
        .jobs
        .dedup_running
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Ok(redirect_with_flash(
            &to,
            "dedup_running",
            state.config.secure_cookies(),
        ));
    }
    let jobs = state.jobs.clone();
    let store = state.store.clone();
    let who = actor.audit();
    tokio::spawn(async move {
        match store.run_dedup(&who, round.id, |_| {}).await {
            Ok(r) => tracing::info!(
                round = round.id,
                students = r.students,
                groups = r.groups.len(),
                "dedup run finished"
            ),
            Err(e) => tracing::error!(round = round.id, error = %e, "dedup run failed"),
        }
        jobs.dedup_running.store(false, Ordering::Release);
    });
    Ok(redirect_with_flash(
        &to,
        "dedup_started",
        state.config.secure_cookies(),
    ))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    keep: Option<i64>,
    round: Option<i64>,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let decision = match (f.decision.as_str(), f.keep) {
        ("same", Some(keep)) => Decision::Same { keep },
        ("same", None) => {
            return Err(AppError::BadRequest(
                ctx.lang
                    .pick("Hãy chọn hồ sơ cần giữ lại.", "Choose the record to keep.")
                    .into(),
            ));
        }
        ("different", _) => Decision::Different,
        (other, _) => return Err(AppError::BadRequest(format!("decision={other}"))),
    };
    let q = DedupQuery {
        round: f.round,
        page: None,
    };
    match state
        .store
        .decide_stored_group(&actor.audit(), Some(&actor.scope), id, decision)
        .await
    {
        Ok(()) => {
            state.forget_work();
            Ok(redirect_with_flash(
                &format!(
                    "/dedup{}",
                    f.round.map(|r| format!("?round={r}")).unwrap_or_default()
                ),
                "dedup_decided",
                state.config.secure_cookies(),
            ))
        }
        Err(StoreError::Domain(e @ DomainError::Students(StudentsError::ListLocked { .. }))) => {
            page(&state, &ctx, &actor, &q, Some(e.message(ctx.lang))).await
        }
        Err(e) => Err(e.into()),
    }
}
