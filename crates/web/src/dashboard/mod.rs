//! The dashboard: what the user's scope holds and what their role does.

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
    name: "dashboard",
    routes,
    menu: &[MenuEntry {
        href: "/",
        label: |l| texts::tr(l).nav_dashboard,
        needs: None,
        position: 10,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![route(
        Method::GET,
        "/",
        Allow(ViewDashboard, Target::None),
        get(pages::dashboard),
    )]
}

fn flash(_: &str, _: Lang) -> Option<&'static str> {
    None
}
