//! Defect rates per model and per supplier (computed in the domain, counted by the
//! store): the page, and the sections they add where appraisal (a device model's page)
//! and procurement (a tender package's page) decide.

use super::texts::{self, Layout};
use super::{Tab, tabs};
use crate::areas::StudentPanel;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, render};
use axum::extract::State;
use axum::response::Response;
use domain::Lang;
use domain::aftercare::DefectRate;
use domain::authz::Action;
use futures_util::future::BoxFuture;

pub struct RateLine {
    pub key: String,
    pub devices: String,
    pub faulty: String,
    pub rate: String,
    pub per_mille: i64,
}

fn lines(v: &[DefectRate]) -> Vec<RateLine> {
    v.iter()
        .map(|r| RateLine {
            key: r.key.clone(),
            devices: num(r.devices),
            faulty: num(r.faulty),
            rate: r.percent(),
            per_mille: r.per_mille,
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "aftercare/templates/defects.html")]
struct DefectsPage {
    l: Layout,
    tabs: Vec<Tab>,
    models: Vec<RateLine>,
    suppliers: Vec<RateLine>,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (models, suppliers) = state.store.defect_rates().await?;
    Ok(render(DefectsPage {
        l: ctx.layout(texts::tr(ctx.lang).defects_title),
        tabs: tabs(ctx.lang, "/aftercare/defects"),
        models: lines(&models),
        suppliers: lines(&suppliers),
    }))
}

fn fill(template: &str, r: &DefectRate, supplier: &str) -> String {
    template
        .replace("{devices}", &num(r.devices))
        .replace("{faulty}", &num(r.faulty))
        .replace("{rate}", &r.percent())
        .replace("{supplier}", supplier)
}

/// The defect rate of the model on its page.
pub fn model_panel<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    model: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<StudentPanel>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewAftercare) {
            return Ok(None);
        }
        let t = texts::tr(lang);
        let Some(m) = state.store.device_model(model).await? else {
            return Ok(None);
        };
        let name = format!("{} {}", m.brand, m.model);
        let (models, _) = state.store.defect_rates().await?;
        let line = match models.iter().find(|r| r.key == name) {
            Some(r) => fill(t.panel_model, r, ""),
            None => t.panel_model_none.to_string(),
        };
        Ok(Some(StudentPanel {
            heading: t.panel_heading,
            lines: vec![line],
            link: Some(("/aftercare/defects".to_string(), t.panel_link)),
        }))
    })
}

/// The defect rates of the package's bidders (and its contract's supplier), as
/// suppliers of devices already with students, where the award is decided.
pub fn package_panel<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    package: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<StudentPanel>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewAftercare) {
            return Ok(None);
        }
        let t = texts::tr(lang);
        let mut names: Vec<String> = state
            .store
            .procurement_bids(package)
            .await?
            .into_iter()
            .map(|b| b.bidder)
            .collect();
        if let Some(c) = state.store.procurement_contract(package).await? {
            names.push(c.supplier);
        }
        let key = |s: &str| text::fold(s);
        names.sort_by_key(|n| key(n));
        names.dedup_by_key(|n| key(n));
        let (_, suppliers) = state.store.defect_rates().await?;
        let lines: Vec<String> = names
            .iter()
            .map(|n| {
                suppliers
                    .iter()
                    .find(|r| key(&r.key) == key(n))
                    .map(|r| fill(t.panel_supplier, r, n))
                    .unwrap_or_else(|| t.panel_supplier_none.replace("{supplier}", n))
            })
            .collect();
        if lines.is_empty() {
            return Ok(None);
        }
        Ok(Some(StudentPanel {
            heading: t.panel_heading,
            lines,
            link: Some(("/aftercare/defects".to_string(), t.panel_link)),
        }))
    })
}
