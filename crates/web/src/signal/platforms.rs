//! Online-learning platforms: the list everyone reads (the recommended ones, with their
//! decision, also on the public portal) and the Sở's form that adds or edits one.

use super::texts::{self, Layout};
use super::{Tab, tabs};
use crate::error::{AppResult, domain_status};
use crate::extract::{Form, Query};
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::State;
use axum::response::Response;
use domain::authz::Action;
use domain::dates::{format_date, parse_date};
use serde::Deserialize;
use store::StoreError;
use store::signal::Platform;

pub struct PlatformLine {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub provider: String,
    pub purpose: String,
    pub recommended: bool,
    pub decision: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct PlatformForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    recommended: String,
    #[serde(default)]
    decision_no: String,
    #[serde(default)]
    decision_date: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    edit: String,
}

#[derive(askama::Template)]
#[template(path = "signal/templates/platforms.html")]
struct PlatformsPage {
    l: Layout,
    tabs: Vec<Tab>,
    platforms: Vec<PlatformLine>,
    can_manage: bool,
    f: PlatformForm,
    problems: Vec<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: PlatformForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let platforms = state
        .store
        .platforms(false)
        .await?
        .into_iter()
        .map(|p| PlatformLine {
            id: p.id.unwrap_or_default(),
            decision: match (&p.decision_no, p.decision_date) {
                (Some(n), Some(d)) => format!("{n}, {}", format_date(d)),
                (Some(n), None) => n.clone(),
                _ => String::new(),
            },
            name: p.name,
            url: p.url,
            provider: p.provider,
            purpose: p.purpose,
            recommended: p.recommended,
        })
        .collect();
    let status = crate::views::form_status(&problems);
    Ok(with_status(
        status,
        render(PlatformsPage {
            l: ctx.layout(t.platforms_title),
            tabs: tabs(ctx.lang, "/signal/platforms"),
            platforms,
            can_manage: actor.can(Action::ManagePlatforms),
            f,
            problems,
        }),
    ))
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<EditQuery>,
) -> AppResult<Response> {
    // `?edit=ID` fills the form with that platform.
    let mut f = PlatformForm::default();
    if let Ok(id) = q.edit.parse::<i64>()
        && let Some(p) = state
            .store
            .platforms(false)
            .await?
            .into_iter()
            .find(|p| p.id == Some(id))
    {
        f = PlatformForm {
            id: id.to_string(),
            name: p.name,
            url: p.url,
            provider: p.provider,
            purpose: p.purpose,
            recommended: if p.recommended {
                "x".into()
            } else {
                String::new()
            },
            decision_no: p.decision_no.unwrap_or_default(),
            decision_date: p.decision_date.map(format_date).unwrap_or_default(),
        };
    }
    page(&state, &ctx, &actor, f, Vec::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<PlatformForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let decision_date = match f.decision_date.trim() {
        "" => Some(None),
        s => parse_date(s).map(Some),
    };
    let Some(decision_date) = decision_date else {
        let problems = vec![format!("{}: {}", t.decision_date, t.bad_date)];
        return page(&state, &ctx, &actor, f, problems).await;
    };
    let p = Platform {
        id: f.id.parse::<i64>().ok(),
        name: f.name.clone(),
        url: f.url.clone(),
        provider: f.provider.clone(),
        purpose: f.purpose.clone(),
        recommended: !f.recommended.is_empty(),
        decision_no: Some(f.decision_no.clone()),
        decision_date,
    };
    match state.store.save_platform(&actor.audit(), &p).await {
        Ok(_) => Ok(redirect_with_flash(
            "/signal/platforms",
            "platform_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let pg = page(&state, &ctx, &actor, f, vec![e.message(ctx.lang)]).await?;
            Ok(with_status(status, pg))
        }
        Err(e) => Err(e.into()),
    }
}
