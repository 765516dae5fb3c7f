//! The ledger's pages: the trial balance with the commitments, the journal, one entry.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{Ctx, render, when};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::dates::{format_date, parse_date};
use domain::ledger::{CHART, Side};
use serde::Deserialize;
use store::ledger::EntryFilter;

pub struct AccountLine {
    pub code: String,
    pub name: String,
    pub debits: String,
    pub credits: String,
    pub balance: String,
    pub reserved: String,
    pub guarded: bool,
    pub negative: bool,
}

pub struct PendingLine {
    pub id: i64,
    pub date: String,
    pub memo: String,
    pub amount: String,
    pub posted: String,
    pub released: String,
    pub remaining: String,
    pub closed: bool,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/index.html")]
struct IndexPage {
    l: Layout,
    at: String,
    at_label: String,
    error: Option<&'static str>,
    accounts: Vec<AccountLine>,
    total_debits: String,
    total_credits: String,
    balanced: bool,
    pending: Vec<PendingLine>,
    entries: i64,
}

#[derive(Deserialize, Default)]
pub struct IndexQuery {
    #[serde(default)]
    at: String,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let at_text = q.at.trim().to_string();
    let (at, error) = if at_text.is_empty() {
        (None, None)
    } else {
        match parse_date(&at_text) {
            Some(d) => (Some(d), None),
            None => (None, Some(t.bad_date)),
        }
    };
    let tb = state.store.trial_balance(at, ctx.lang).await?;
    // What is reserved is today's; at a past date the column shows nothing.
    let live = state.store.ledger_accounts().await?;
    let accounts = tb
        .accounts
        .iter()
        .map(|a| {
            let row = live.iter().find(|r| r.state.code == a.code);
            let spec = CHART.iter().find(|s| s.code == a.code);
            let reserved = row.filter(|_| at.is_none()).map(|r| {
                [
                    (Side::Debit, r.state.debits_pending),
                    (Side::Credit, r.state.credits_pending),
                ]
                .into_iter()
                .filter(|(_, d)| d.0 > 0)
                .map(|(side, d)| format!("{} {d}", side.label(ctx.lang)))
                .collect::<Vec<_>>()
                .join(", ")
            });
            AccountLine {
                code: a.code.clone(),
                name: a.name.clone(),
                debits: a.debits.to_string(),
                credits: a.credits.to_string(),
                balance: a.balance.to_string(),
                reserved: reserved.unwrap_or_default(),
                guarded: spec.is_some_and(|s| s.guarded),
                negative: a.balance.0 < 0,
            }
        })
        .collect();
    let pending = state
        .store
        .ledger_pending()
        .await?
        .into_iter()
        .map(|p| PendingLine {
            id: p.state.id,
            date: format_date(p.date),
            memo: p.memo,
            amount: p.state.amount.to_string(),
            posted: p.state.posted.to_string(),
            released: p.state.released.to_string(),
            remaining: p.state.remaining().to_string(),
            closed: p.state.closed,
        })
        .collect();
    Ok(render(IndexPage {
        l: ctx.layout(t.nav_ledger),
        at_label: match at {
            Some(d) => format!("{} {}", t.at_date.to_lowercase(), format_date(d)),
            None => t.now.to_lowercase(),
        },
        at: if error.is_some() {
            at_text
        } else {
            at.map(format_date).unwrap_or_default()
        },
        error,
        accounts,
        total_debits: tb.total_debits.to_string(),
        total_credits: tb.total_credits.to_string(),
        balanced: tb.is_balanced(),
        pending,
        entries: state.store.ledger_entry_count().await?,
    }))
}

pub struct EntryLine {
    pub id: i64,
    pub date: String,
    pub kind: &'static str,
    pub memo: String,
    pub amount: String,
    pub legs: Vec<Leg>,
}

pub struct Leg {
    pub side: &'static str,
    pub debit: bool,
    pub account: String,
    pub name: String,
    pub amount: String,
}

pub struct AccountOpt {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/entries.html")]
struct EntriesPage {
    l: Layout,
    accounts: Vec<AccountOpt>,
    from: String,
    to: String,
    error: Option<&'static str>,
    entries: Vec<EntryLine>,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EntriesQuery {
    #[serde(default)]
    account: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

const PER_PAGE: i64 = 50;

fn legs(postings: &[domain::ledger::Posting], lang: domain::Lang) -> Vec<Leg> {
    postings
        .iter()
        .map(|p| Leg {
            side: p.side.label(lang),
            debit: p.side == Side::Debit,
            account: p.account.clone(),
            name: domain::ledger::account(&p.account)
                .map(|a| a.name(lang).to_string())
                .unwrap_or_default(),
            amount: p.amount.to_string(),
        })
        .collect()
}

pub async fn entries(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EntriesQuery>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut error = None;
    let mut day = |s: &str| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            error = Some(t.bad_date);
        }
        d
    };
    let (from, to) = (day(&q.from), day(&q.to));
    let account = CHART
        .iter()
        .find(|a| a.code == q.account.trim())
        .map(|a| a.code.to_string());
    let filter = EntryFilter {
        account: account.clone(),
        from,
        to,
        ..Default::default()
    };
    let list = state
        .store
        .ledger_entries(&filter, q.before, PER_PAGE)
        .await?;
    let older = (list.len() as i64 == PER_PAGE).then(|| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        if let Some(a) = &account {
            ser.append_pair("account", a);
        }
        if let Some(d) = from {
            ser.append_pair("from", &format_date(d));
        }
        if let Some(d) = to {
            ser.append_pair("to", &format_date(d));
        }
        if let Some(last) = list.last() {
            ser.append_pair("before", &last.id.to_string());
        }
        format!("/ledger/entries?{}", ser.finish())
    });
    let entries = list
        .iter()
        .map(|e| EntryLine {
            id: e.id,
            date: format_date(e.date),
            kind: e.kind.label(ctx.lang),
            memo: e.memo.clone(),
            amount: e.amount.to_string(),
            legs: legs(&e.postings, ctx.lang),
        })
        .collect();
    Ok(render(EntriesPage {
        l: ctx.layout(t.journal),
        accounts: CHART
            .iter()
            .map(|a| AccountOpt {
                code: a.code,
                name: a.name(ctx.lang),
                selected: account.as_deref() == Some(a.code),
            })
            .collect(),
        from: from.map(format_date).unwrap_or_default(),
        to: to.map(format_date).unwrap_or_default(),
        error,
        entries,
        older,
    }))
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/entry.html")]
struct EntryPage {
    l: Layout,
    e: EntryLine,
    key: String,
    recorded_by: String,
    recorded_at: String,
    reverses: Option<i64>,
    settles: Option<i64>,
    reversed_by: Option<i64>,
    source: Option<String>,
}

pub async fn entry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let e = state
        .store
        .ledger_entry(id)
        .await?
        .ok_or(AppError::Domain(domain::DomainError::NotFound))?;
    let reversed_by = state.store.ledger_reversal_of(id).await?;
    let recorded_by = state
        .store
        .user_by_username(&e.created_by)
        .await?
        .map(|u| u.full_name)
        .unwrap_or_else(|| crate::views::person(&e.created_by, ctx.lang));
    Ok(render(EntryPage {
        l: ctx.layout(format!("{} {}", t.entry_no, e.id)),
        key: e.key.clone(),
        recorded_by,
        recorded_at: when(e.created_at),
        reverses: e.reverses_id,
        settles: e.pending_id,
        reversed_by,
        source: e.source.as_ref().map(|s| format!("{} {}", s.kind, s.id)),
        e: EntryLine {
            id: e.id,
            date: format_date(e.date),
            kind: e.kind.label(ctx.lang),
            memo: e.memo.clone(),
            amount: e.amount.to_string(),
            legs: legs(&e.postings, ctx.lang),
        },
    }))
}
