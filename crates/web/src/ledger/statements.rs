//! Reconciliation in the web: a statement uploaded (the Department's account by the Board
//! and the Sở, the Front's by the Front), the statements with their counts, and the review
//! queue where a person confirms a proposed match, links a line to a waiting pledge of the
//! same amount, or explains it.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::files::{TooLarge, read_file, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render, when};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Action;
use domain::dates::format_date;
use domain::digest::sha256_hex;
use domain::ledger::gifts::Channel;
use domain::ledger::reconcile::Reason;
use domain::money::Dong;
use domain::{DomainError, Lang};
use serde::Deserialize;
use sheets::statements::Statement;
use store::StoreError;
use store::ledger::gifts::GiftFilter;
use store::ledger::statements::{
    InputLine, LineRecord, LineStatus, Resolve, StatementInput, StatementRecord,
};

/// The largest statement file taken (100,000 lines of a bank's export fit well within).
pub const MAX_STATEMENT_BYTES: usize = 32 * 1024 * 1024;

/// A checked statement as the store takes it.
pub fn input_of(st: &Statement, account: &str, file_name: &str, bytes: &[u8]) -> StatementInput {
    StatementInput {
        account: account.to_string(),
        file_name: file_name.to_string(),
        sha256: sha256_hex(bytes),
        opening: st.opening,
        closing: st.closing,
        lines: st
            .lines
            .iter()
            .map(|l| InputLine {
                row: l.row as i64,
                date: l.date,
                reference: l.reference.clone(),
                debit: l.debit,
                credit: l.credit,
                balance: l.balance,
                description: l.description.clone(),
            })
            .collect(),
        skipped: st.skipped.total() as i64,
    }
}

pub struct StatementLine {
    pub id: i64,
    pub file_name: String,
    pub account: String,
    pub period: String,
    pub opening: String,
    pub closing: String,
    pub lines: i64,
    pub matched: i64,
    pub proposed: i64,
    pub unmatched: i64,
    pub outgoing: i64,
    pub imported: String,
}

fn statement_line(s: &StatementRecord) -> StatementLine {
    StatementLine {
        id: s.id,
        file_name: s.file_name.clone(),
        account: s.account.clone(),
        period: match (s.first_day, s.last_day) {
            (Some(a), Some(b)) => format!("{} – {}", format_date(a), format_date(b)),
            _ => String::new(),
        },
        opening: s.opening.to_string(),
        closing: s.closing.to_string(),
        lines: s.counts.lines,
        matched: s.counts.matched,
        proposed: s.counts.proposed,
        unmatched: s.counts.unmatched,
        outgoing: s.counts.outgoing,
        imported: when(s.imported_at),
    }
}

pub struct QueueLine {
    pub id: i64,
    pub statement_id: i64,
    pub row: i64,
    pub date: String,
    pub reference: String,
    pub amount: String,
    pub incoming: bool,
    pub description: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub why: String,
    pub gift_id: Option<i64>,
    pub gift_code: Option<String>,
    pub explanation: Option<String>,
    pub entry_id: Option<i64>,
    /// Whether the viewer reconciles this line's account.
    pub mine: bool,
}

fn queue_line(l: &LineRecord, lang: Lang, actor: &Actor) -> QueueLine {
    let why = match l.reason.as_deref() {
        Some("outgoing") => lang
            .pick(
                "tiền ra (phí, chi trả): cần giải trình",
                "money out (fees, payments): to explain",
            )
            .to_string(),
        Some(code) => [
            Reason::NoPledge,
            Reason::AmountDiffers,
            Reason::CodeNotWaiting,
            Reason::Ambiguous,
        ]
        .into_iter()
        .find(|r| r.code() == code)
        .map(|r| r.label(lang).to_string())
        .unwrap_or_default(),
        None => String::new(),
    };
    QueueLine {
        id: l.id,
        statement_id: l.statement_id,
        row: l.row,
        date: format_date(l.date),
        reference: l.reference.clone(),
        amount: if l.credit.0 > 0 {
            format!("+{}", l.credit)
        } else {
            format!("−{}", l.debit)
        },
        incoming: l.credit.0 > 0,
        description: l.description.clone(),
        status: l.status.label(lang),
        status_code: match l.status {
            LineStatus::Matched => "matched",
            LineStatus::Proposed => "proposed",
            LineStatus::Unmatched => "unmatched",
            LineStatus::Explained => "explained",
        },
        why,
        gift_id: l.gift_id,
        gift_code: l.gift_code.clone(),
        explanation: l.explanation.clone(),
        entry_id: l.entry_id,
        mine: actor.can(Action::RecordMoney)
            && Channel::statement_account(actor.user.role) == Some(l.account.as_str()),
    }
}

pub struct PledgeOpt {
    pub id: i64,
    pub label: String,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/reconciliation.html")]
struct IndexPage {
    l: Layout,
    can_import: bool,
    statements: Vec<StatementLine>,
    queue: Vec<QueueLine>,
    pledges: Vec<PledgeOpt>,
    problems: Vec<String>,
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    problems: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let statements = state
        .store
        .statements()
        .await?
        .iter()
        .map(statement_line)
        .collect();
    let queue = state
        .store
        .statement_lines(None)
        .await?
        .iter()
        .map(|l| queue_line(l, ctx.lang, actor))
        .collect();
    let pledges = state
        .store
        .gifts(&GiftFilter {
            received: Some(false),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|g| PledgeOpt {
            id: g.id,
            label: format!("{} · {} · {}", g.pledge_code, g.donor_name, g.amount),
        })
        .collect();
    let page = render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).nav_reconciliation),
        can_import: actor.can(Action::RecordMoney)
            && Channel::statement_account(actor.user.role).is_some(),
        statements,
        queue,
        pledges,
        problems,
    });
    Ok(with_status(status, page))
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    index_page(&state, &ctx, &actor, Vec::new(), StatusCode::OK).await
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let Some(account) = Channel::statement_account(actor.user.role) else {
        return Err(AppError::Domain(DomainError::Forbidden));
    };
    let (name, bytes) = match read_file(&mut multipart, MAX_STATEMENT_BYTES, "sao-ke.xlsx").await? {
        Err(TooLarge) => {
            let msg = format!(
                "{} {} MB.",
                t.file_too_large,
                MAX_STATEMENT_BYTES / 1024 / 1024
            );
            return index_page(
                &state,
                &ctx,
                &actor,
                vec![msg],
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
        Ok(None) => {
            return index_page(
                &state,
                &ctx,
                &actor,
                vec![t.no_file.to_string()],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Ok(Some(f)) => f,
    };
    let read = sheets::statements::read_statement(
        std::io::Cursor::new(&bytes),
        &sheets::reader::Limits::default(),
    );
    let st = match read {
        Ok(st) => st,
        Err(errors) => {
            let msgs = errors
                .iter()
                .take(50)
                .map(|e| {
                    let msg = ctx.lang.pick(&e.message_vi, &e.message_en).to_string();
                    match (e.row, e.column.as_deref()) {
                        (0, _) => msg,
                        (r, Some(c)) => format!("{} {r}, {} {c}: {msg}", t.row, t.column),
                        (r, None) => format!("{} {r}: {msg}", t.row),
                    }
                })
                .collect();
            return index_page(&state, &ctx, &actor, msgs, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let input = input_of(&st, account, &name, &bytes);
    match state.store.import_statement(&actor.audit(), &input).await {
        Ok(c) => Ok(redirect_with_flash(
            &format!("/reconciliation/{}", c.statement),
            if c.replayed {
                "statement_again"
            } else {
                "statement_imported"
            },
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            index_page(&state, &ctx, &actor, vec![e.message(ctx.lang)], status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/statement.html")]
struct StatementPage {
    l: Layout,
    s: StatementLine,
    sha256: String,
    lines: Vec<QueueLine>,
    credits: String,
    debits: String,
}

pub async fn statement(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = state
        .store
        .statement(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lines = state.store.statement_lines(Some(id)).await?;
    let credits = Dong(lines.iter().map(|l| l.credit.0).sum());
    let debits = Dong(lines.iter().map(|l| l.debit.0).sum());
    Ok(render(StatementPage {
        l: ctx.layout(format!("{} {}", texts::tr(ctx.lang).statement, s.file_name)),
        sha256: s.sha256.clone(),
        credits: credits.to_string(),
        debits: debits.to_string(),
        lines: lines
            .iter()
            .map(|l| queue_line(l, ctx.lang, &actor))
            .collect(),
        s: statement_line(&s),
    }))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    gift: String,
    #[serde(default)]
    text: String,
}

pub async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    // Each side reconciles its own account's statements.
    let line = state.store.statement_line(id).await?;
    if Channel::statement_account(actor.user.role) != Some(line.account.as_str()) {
        return Err(AppError::Domain(DomainError::Forbidden));
    }
    let action = match f.action.as_str() {
        "confirm" => Resolve::Confirm,
        "link" => match f.gift.trim().parse() {
            Ok(gift) => Resolve::Link { gift },
            Err(_) => {
                return index_page(
                    &state,
                    &ctx,
                    &actor,
                    vec![t.choose_pledge.to_string()],
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
        "explain" => Resolve::Explain { text: f.text },
        _ => return Err(AppError::BadRequest("action".into())),
    };
    match state.store.resolve_line(&actor.audit(), id, action).await {
        Ok(_) => Ok(redirect_with_flash(
            "/reconciliation#queue",
            "line_resolved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            index_page(&state, &ctx, &actor, vec![e.message(ctx.lang)], status).await
        }
        Err(e) => Err(e.into()),
    }
}
