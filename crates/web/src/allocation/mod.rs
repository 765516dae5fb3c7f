//! Allocation runs in the web: the runs of each round, a run's shares with the arithmetic
//! behind each unit's and the fairness check, and the Board's steps (draft, approve under a
//! decision, execute, discard). No student's data is shown here.

mod pages;
mod panel;
mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "allocation",
    routes,
    menu: &[MenuEntry {
        href: "/allocation",
        label: |l| texts::tr(l).nav_allocation,
        needs: Some(ViewAllocations),
        position: 35,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: None,
    panels: &[(crate::areas::PanelPage::Student, panel::student)],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/allocation",
            Allow(ViewAllocations, Target::None),
            get(pages::index),
        ),
        route(
            Method::POST,
            "/allocation",
            Allow(Allocate, Target::None),
            post(pages::draft),
        ),
        route(
            Method::GET,
            "/allocation/{id}",
            Allow(ViewAllocations, Target::None),
            get(pages::run),
        ),
        route(
            Method::POST,
            "/allocation/{id}/approve",
            Allow(Allocate, Target::None),
            post(pages::approve),
        ),
        route(
            Method::POST,
            "/allocation/{id}/execute",
            Allow(Allocate, Target::None),
            post(pages::execute),
        ),
        route(
            Method::POST,
            "/allocation/{id}/discard",
            Allow(Allocate, Target::None),
            post(pages::discard),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "run_drafted" => t.run_drafted,
        "run_approved" => t.run_approved,
        "run_executed" => t.run_executed,
        "run_discarded" => t.run_discarded,
        _ => return None,
    })
}
