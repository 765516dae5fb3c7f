//! The audit trail for administrators: recent entries, a check of the chain, and the
//! check in the JSON API.

pub mod api;
mod pages;
mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::get;
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "audit",
    routes,
    menu: &[MenuEntry {
        href: "/admin/audit",
        label: |l| texts::tr(l).nav_audit,
        needs: Some(ViewAudit),
        position: 70,
    }],
    menu_parent: &[],
    flash,
    api: Some(<api::Api as utoipa::OpenApi>::openapi),
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/admin/audit",
            Allow(ViewAudit, Target::None),
            get(pages::index),
        ),
        route(
            Method::GET,
            "/admin/audit/verify",
            Allow(ViewAudit, Target::None),
            get(pages::verify),
        ),
        route(
            Method::GET,
            "/api/v1/audit/verify",
            Allow(ViewAudit, Target::None),
            get(api::audit_verify),
        ),
    ]
}

fn flash(_: &str, _: Lang) -> Option<&'static str> {
    None
}
