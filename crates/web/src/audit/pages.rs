//! The audit trail for administrators: recent entries and a check of the chain.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Ctx, render};
use axum::extract::State;
use axum::response::Response;
use domain::audit::Entity;
use serde::Deserialize;
use store::audit::AuditEntry;

const PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    before: Option<i64>,
    #[serde(default)]
    entity: String,
}

#[derive(askama::Template)]
#[template(path = "audit/templates/index.html")]
struct IndexPage {
    l: Layout,
    entries: Vec<AuditEntry>,
    /// (code, label, selected)
    entities: Vec<(&'static str, &'static str, bool)>,
    older: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let entity = Entity::ALL.into_iter().find(|e| e.code() == q.entity);
    let entries = state.store.audit_entries(q.before, PAGE, entity).await?;
    let older = (entries.len() as i64 == PAGE).then(|| {
        let last = entries.last().map(|e| e.seq).unwrap_or(0);
        match entity {
            Some(e) => format!("/admin/audit?before={last}&entity={}", e.code()),
            None => format!("/admin/audit?before={last}"),
        }
    });
    Ok(render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).audit_title),
        entities: Entity::ALL
            .into_iter()
            .map(|e| (e.code(), e.label(ctx.lang), Some(e) == entity))
            .collect(),
        entries,
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
