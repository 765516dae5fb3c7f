//! The audit trail for administrators: recent entries and a check of the chain.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Ctx, render};
use axum::extract::State;
use axum::response::Response;
use domain::audit::{Entity, action_label};
use serde::Deserialize;
use store::audit::AuditFilter;

const PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    before: Option<i64>,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    sessions: String,
}

/// An entry as the page shows it: people by name, actions in words.
struct Line {
    seq: i64,
    at: String,
    who: String,
    role: String,
    object: String,
    action: String,
    code: String,
    entity_id: Option<String>,
    summary: String,
}

#[derive(askama::Template)]
#[template(path = "audit/templates/index.html")]
struct IndexPage {
    l: Layout,
    entries: Vec<Line>,
    /// (code, label, selected)
    entities: Vec<(&'static str, &'static str, bool)>,
    q: ListQuery,
    error: Option<String>,
    older: Option<String>,
}

/// The first instant of a `dd/mm/yyyy` day in Vietnam, `days` days later.
fn day_start(s: &str, days: i64) -> Result<Option<i64>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = domain::dates::parse_date(s).ok_or(())?;
    let start = d
        .midnight()
        .assume_offset(domain::dates::VIETNAM)
        .checked_add(time::Duration::days(days))
        .ok_or(())?;
    Ok(Some((start.unix_timestamp_nanos() / 1_000_000) as i64))
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let tr = texts::tr(lang);
    let entity = Entity::ALL.into_iter().find(|e| e.code() == q.entity);
    let (since, until) = (day_start(&q.since, 0), day_start(&q.until, 1));
    let (filter, error) = match (since, until) {
        (Ok(since), Ok(until)) => (
            AuditFilter {
                entity,
                who: Some(q.who.clone()),
                since,
                until,
                sessions: !q.sessions.is_empty(),
            },
            None,
        ),
        _ => (AuditFilter::default(), Some(tr.bad_date.to_string())),
    };
    let found = state.store.audit_search(&filter, q.before, PAGE).await?;
    let older = (found.len() as i64 == PAGE).then(|| {
        let last = found.last().map(|e| e.seq).unwrap_or(0);
        let mut url = form_urlencoded::Serializer::new(String::new());
        url.append_pair("before", &last.to_string());
        for (k, v) in [
            ("entity", &q.entity),
            ("who", &q.who),
            ("since", &q.since),
            ("until", &q.until),
            ("sessions", &q.sessions),
        ] {
            if !v.is_empty() {
                url.append_pair(k, v);
            }
        }
        format!("/admin/audit?{}", url.finish())
    });
    let entries = found
        .into_iter()
        .map(|e| {
            let object = Entity::parse(&e.entity)
                .map(|x| x.label(lang).to_string())
                .unwrap_or_else(|| e.entity.clone());
            Line {
                seq: e.seq,
                at: crate::views::when(e.at),
                who: e
                    .actor_name
                    .clone()
                    .unwrap_or_else(|| crate::views::person(&e.actor, lang)),
                role: e
                    .actor_role
                    .as_deref()
                    .and_then(|r| domain::users::Role::parse(r).ok())
                    .map(|r| r.label(lang).to_string())
                    .unwrap_or_default(),
                action: action_label(&e.action, lang)
                    .map(str::to_string)
                    .unwrap_or_else(|| e.action.clone()),
                code: format!("{}.{}", e.entity, e.action),
                object,
                entity_id: e.entity_id,
                summary: e.summary,
            }
        })
        .collect();
    Ok(render(IndexPage {
        l: ctx.layout(tr.audit_title),
        entities: Entity::ALL
            .into_iter()
            .map(|e| (e.code(), e.label(lang), Some(e) == entity))
            .collect(),
        entries,
        q,
        error,
        older,
    }))
}

#[derive(askama::Template)]
#[template(path = "audit/templates/verify.html")]
struct VerifyPage {
    l: Layout,
    ok: bool,
    checked: String,
    head_hash: String,
    erased: String,
    problem: Option<String>,
    missing_triggers: Vec<&'static str>,
}

pub async fn verify(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let v = state.store.verify_audit(|_, _| {}).await?;
    let (_, head_hash) = state.store.audit_head().await?;
    let (problem, erased) = match &v.chain {
        Ok(s) => (None, s.erased_personal as i64),
        Err(b) => (Some(b.message(ctx.lang)), 0),
    };
    Ok(render(VerifyPage {
        l: ctx.layout(texts::tr(ctx.lang).verify_chain),
        ok: v.ok(),
        checked: crate::views::num(v.checked as i64),
        head_hash,
        erased: crate::views::num(erased),
        problem,
        missing_triggers: v.missing_triggers,
    }))
}
