//! The runs of allocation and a run's page; the Board's steps post to the run's own
//! address and come back to its page, with the refusal in words when there is one.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render, when};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::allocation::{self, Policy, RunStatus};
use domain::authz::Action;
use domain::{DomainError, Lang};
use serde::Deserialize;
use std::collections::HashMap;
use store::StoreError;
use store::allocation::Run;

pub struct RunRow {
    pub id: i64,
    pub round: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub devices: String,
    pub served: String,
    pub waiting: String,
    pub created: String,
    pub decision: String,
}

pub struct RoundOpt {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "allocation/templates/index.html")]
struct IndexPage {
    l: Layout,
    runs: Vec<RunRow>,
    rounds: Vec<RoundOpt>,
    can_allocate: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct IndexQuery {
    round: Option<i64>,
}

fn run_row(r: &Run, rounds: &HashMap<i64, String>, lang: Lang) -> RunRow {
    RunRow {
        id: r.id,
        round: rounds.get(&r.round_id).cloned().unwrap_or_default(),
        status: r.status.label(lang),
        status_code: r.status.code(),
        devices: num(r.devices),
        served: num(r.served),
        waiting: num(r.waiting),
        created: when(r.created_at),
        decision: r
            .decision_no
            .clone()
            .unwrap_or_else(|| texts::tr(lang).no_decision_yet.to_string()),
    }
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    round: Option<i64>,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let rounds = state.store.rounds().await?;
    let names: HashMap<i64, String> = rounds.iter().map(|r| (r.id, r.name.clone())).collect();
    let current = round.or_else(|| rounds.first().map(|r| r.id));
    let runs = state.store.allocation_runs(None).await?;
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    Ok((
        status,
        render(IndexPage {
            l: ctx.layout(texts::tr(ctx.lang).nav_allocation),
            runs: runs.iter().map(|r| run_row(r, &names, ctx.lang)).collect(),
            rounds: rounds
                .iter()
                .map(|r| RoundOpt {
                    id: r.id,
                    name: r.name.clone(),
                    selected: Some(r.id) == current,
                })
                .collect(),
            can_allocate: actor.can(Action::Allocate),
            error,
        }),
    )
        .into_response())
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<IndexQuery>,
) -> AppResult<Response> {
    index_page(&state, &ctx, &actor, q.round, None).await
}

#[derive(Deserialize)]
pub struct DraftForm {
    round: i64,
}

pub async fn draft(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<DraftForm>,
) -> AppResult<Response> {
    match state
        .store
        .draft_allocation(&actor.audit(), f.round, None, Policy::default())
        .await
    {
        Ok((run, _)) => Ok(redirect_with_flash(
            &format!("/allocation/{}", run.id),
            "run_drafted",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            index_page(
                &state,
                &ctx,
                &actor,
                Some(f.round),
                Some((status, e.message(ctx.lang))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct TierLine {
    pub code: String,
    pub label: String,
    pub demand: String,
    pub served: String,
}

pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub demand: String,
    pub earmarked: String,
    pub quota: String,
    pub floor: String,
    pub remainder_rank: String,
    pub extra: bool,
    pub served: String,
    /// The arithmetic in words: "6 + 10 × 6 / 14 = 10,2857".
    pub arithmetic: String,
}

pub struct FairLine {
    pub scope: String,
    pub expected: String,
    pub actual: String,
    pub warn: bool,
}

#[derive(askama::Template)]
#[template(path = "allocation/templates/run.html")]
struct RunPage {
    l: Layout,
    run: Run,
    round: String,
    status: &'static str,
    created: String,
    approved: String,
    executed: String,
    decision_date: String,
    tiers: Vec<TierLine>,
    units: Vec<UnitLine>,
    fairness: Vec<FairLine>,
    unassigned: String,
    can_allocate: bool,
    is_draft: bool,
    is_approved: bool,
    error: Option<String>,
    /// What the approval form said, shown again with its refusal.
    typed_no: String,
    typed_date: String,
    compared: Option<Compared>,
}

/// The run beside the one before it: totals, the units whose share moved, and (for the
/// roles that see students) who gains and who loses, with why.
pub struct Compared {
    pub other: i64,
    pub devices: String,
    pub served: String,
    pub notes: Vec<&'static str>,
    pub units: Vec<(String, i64, i64, String)>,
    pub gains: usize,
    pub losses: usize,
    pub students: Option<Vec<ChangedStudent>>,
}

pub struct ChangedStudent {
    pub code: String,
    pub school: String,
    pub tier: String,
    pub gains: bool,
    pub why: String,
}

async fn run_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    run_page_typed(state, ctx, actor, id, error, ("", "")).await
}

async fn run_page_typed(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<(StatusCode, String)>,
    typed: (&str, &str),
) -> AppResult<Response> {
    let lang = ctx.lang;
    let run = state
        .store
        .allocation_run(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let round = state.store.round(run.round_id).await?;
    let tiers = match &round {
        Some(r) => state.store.tiers(r.program_id).await?,
        None => Vec::new(),
    };
    let tier_of: HashMap<u8, (String, String)> = tiers
        .iter()
        .map(|t| {
            (
                t.rank.clamp(0, 255) as u8,
                (t.code.clone(), t.label_in(lang).to_string()),
            )
        })
        .collect();
    let mut names = HashMap::new();
    for u in &run.summary.units {
        if let Some(unit) = state.store.unit_by_id(u.unit).await? {
            names.insert(u.unit, unit.name);
        }
    }
    let tier_code = |rank: u8| {
        tier_of
            .get(&rank)
            .map(|t| t.0.clone())
            .unwrap_or_else(|| rank.to_string())
    };
    let quota_text = |q: allocation::Quota| match lang {
        Lang::Vi => q.to_4dp_vi(),
        Lang::En => q.to_4dp(),
    };
    let units = run
        .summary
        .units
        .iter()
        .map(|u| {
            let whole = u.quota.floor();
            let arithmetic = match u.partial {
                Some(p) => {
                    let full = u
                        .quota
                        .num
                        .saturating_sub(u128::from(p.devices) * u128::from(p.demand))
                        / u.quota.den.max(1);
                    format!(
                        "{} + {} × {} / {} = {} ({} ({}))",
                        num(full as i64),
                        num(p.devices as i64),
                        num(p.demand as i64),
                        num(p.total as i64),
                        quota_text(u.quota),
                        texts::tr(lang).tier_out,
                        tier_code(p.tier)
                    )
                }
                None => format!("{} ({})", num(whole as i64), texts::tr(lang).tier_all),
            };
            UnitLine {
                code: u.code.clone(),
                name: names
                    .get(&u.unit)
                    .cloned()
                    .unwrap_or_else(|| u.code.clone()),
                demand: num(u.demand as i64),
                earmarked: num(u.earmarked as i64),
                quota: quota_text(u.quota),
                floor: num(u.floor as i64),
                remainder_rank: u.remainder_rank.map(|r| r.to_string()).unwrap_or_default(),
                extra: u.extra,
                served: num(u.served as i64),
                arithmetic,
            }
        })
        .collect();
    let unit_name = |code: &str| {
        run.summary
            .units
            .iter()
            .find(|u| u.code == code)
            .and_then(|u| names.get(&u.unit).cloned())
            .unwrap_or_else(|| code.to_string())
    };
    let fairness = run
        .summary
        .fairness
        .iter()
        .map(|f| {
            let scope = if let Some(code) = f.scope.strip_prefix("unit:") {
                unit_name(code)
            } else if let Some(t) = f.scope.strip_prefix("tier:") {
                let rank: u8 = t.parse().unwrap_or(0);
                format!("{} ({})", texts::tr(lang).tier, tier_code(rank))
            } else {
                f.scope.clone()
            };
            FairLine {
                scope,
                expected: allocation::percent(f.expected_bp, lang),
                actual: allocation::percent(f.actual_bp, lang),
                warn: f.warn,
            }
        })
        .collect();
    let tier_lines = run
        .summary
        .tiers
        .iter()
        .map(|t| {
            let (code, label) = tier_of
                .get(&t.tier)
                .cloned()
                .unwrap_or_else(|| (t.tier.to_string(), String::new()));
            TierLine {
                code,
                label,
                demand: num(t.demand as i64),
                served: num(t.served as i64),
            }
        })
        .collect();
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    let t = texts::tr(lang);
    let mut people: HashMap<String, String> = HashMap::new();
    for who in [
        Some(&run.created_by),
        run.approved_by.as_ref(),
        run.executed_by.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if !people.contains_key(who) {
            let name = match state.store.user_by_username(who).await? {
                Some(u) => u.full_name,
                // A command run on the server or the demo's seeding.
                None if who.starts_with("system") => lang
                    .pick("hệ thống (dòng lệnh)", "the system (command line)")
                    .to_string(),
                None => who.clone(),
            };
            people.insert(who.clone(), name);
        }
    }
    let person = |who: &Option<String>| {
        who.as_ref()
            .map(|w| people.get(w).cloned().unwrap_or_else(|| w.clone()))
            .unwrap_or_default()
    };
    let compared = match state.store.previous_run(run.id).await? {
        Some(other) => {
            let c = state.store.compare_runs(run.id, other, lang).await?;
            let mut notes = Vec::new();
            if c.same_inputs {
                notes.push(t.cmp_same_inputs);
            } else {
                notes.push(t.cmp_other_inputs);
            }
            notes.push(if c.same_seed {
                t.cmp_same_seed
            } else {
                t.cmp_other_seed
            });
            if !c.same_policy {
                notes.push(t.cmp_other_policy);
            }
            let sees = actor.can(Action::ViewStudents);
            Some(Compared {
                other,
                devices: format!("{} → {}", num(c.devices.0), num(c.devices.1)),
                served: format!("{} → {}", num(c.served.0), num(c.served.1)),
                notes,
                units: c
                    .units
                    .iter()
                    .map(|u| {
                        let d = u.after - u.before;
                        (
                            u.name.clone(),
                            u.before,
                            u.after,
                            if d > 0 {
                                format!("+{d}")
                            } else {
                                d.to_string()
                            },
                        )
                    })
                    .collect(),
                gains: c.gains(),
                losses: c.losses(),
                students: sees.then(|| {
                    c.changes
                        .iter()
                        .take(300)
                        .map(|x| ChangedStudent {
                            code: x.student.clone(),
                            school: x.school.clone(),
                            tier: x.tier_code.clone(),
                            gains: x.gains,
                            why: x.why.clone(),
                        })
                        .collect()
                }),
            })
        }
        None => None,
    };
    Ok((
        status,
        render(RunPage {
            compared,
            l: ctx.layout(format!("{} {}", t.run_no, run.id)),
            round: round.map(|r| r.name).unwrap_or_default(),
            status: run.status.label(lang),
            created: format!(
                "{} {} {}",
                when(run.created_at),
                t.by,
                person(&Some(run.created_by.clone()))
            ),
            approved: run
                .approved_at
                .map(|a| format!("{} {} {}", when(a), t.by, person(&run.approved_by)))
                .unwrap_or_default(),
            executed: run
                .executed_at
                .map(|a| format!("{} {} {}", when(a), t.by, person(&run.executed_by)))
                .unwrap_or_default(),
            decision_date: run
                .decision_date
                .as_deref()
                .map(crate::views::iso_to_vn)
                .unwrap_or_default(),
            tiers: tier_lines,
            units,
            fairness,
            unassigned: num(run.summary.unassigned.len() as i64),
            can_allocate: actor.can(Action::Allocate),
            is_draft: run.status == RunStatus::Draft,
            is_approved: run.status == RunStatus::Approved,
            error,
            typed_no: typed.0.to_string(),
            typed_date: typed.1.to_string(),
            run,
        }),
    )
        .into_response())
}

pub async fn run(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    run_page(&state, &ctx, &actor, id, None).await
}

/// A step's answer: back to the run's page with a message, or the page with the refusal.
async fn after_step(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    result: Result<Run, StoreError>,
    flash: &'static str,
) -> AppResult<Response> {
    match result {
        Ok(_) => {
            state.forget_devices();
            Ok(redirect_with_flash(
                &format!("/allocation/{id}"),
                flash,
                state.config.secure_cookies(),
            ))
        }
        Err(StoreError::Domain(e)) if !matches!(e, DomainError::NotFound) => {
            let status = domain_status(&e);
            run_page(state, ctx, actor, id, Some((status, e.message(ctx.lang)))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    decision_no: String,
    #[serde(default)]
    decision_date: String,
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<String>,
    Form(f): Form<ApproveForm>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    match state
        .store
        .approve_allocation(&actor.audit(), id, &f.decision_no, &f.decision_date)
        .await
    {
        Err(StoreError::Domain(e)) if !matches!(e, DomainError::NotFound) => {
            let status = domain_status(&e);
            run_page_typed(
                &state,
                &ctx,
                &actor,
                id,
                Some((status, e.message(ctx.lang))),
                (&f.decision_no, &f.decision_date),
            )
            .await
        }
        r => after_step(&state, &ctx, &actor, id, r, "run_approved").await,
    }
}

#[derive(Deserialize)]
pub struct ExecuteForm {
    #[serde(default)]
    confirm: String,
}

pub async fn execute(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<String>,
    Form(f): Form<ExecuteForm>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    if f.confirm != "yes" {
        let msg = ctx
            .lang
            .pick(
                "Hãy đánh dấu ô xác nhận trước khi thực hiện phân bổ.",
                "Tick the confirmation before executing the run.",
            )
            .to_string();
        return run_page(
            &state,
            &ctx,
            &actor,
            id,
            Some((StatusCode::UNPROCESSABLE_ENTITY, msg)),
        )
        .await;
    }
    let r = state.store.execute_allocation(&actor.audit(), id).await;
    after_step(&state, &ctx, &actor, id, r, "run_executed").await
}

pub async fn discard(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    let r = state.store.discard_allocation(&actor.audit(), id).await;
    after_step(&state, &ctx, &actor, id, r, "run_discarded").await
}
