//! Reports (báo cáo): the program's progress for a unit and a period — the funnel of
//! students by unit and tier drawn as charts, the devices, and for the province the money,
//! packages and donors — as a page whose every figure links to the list behind it, and as
//! `.xlsx` and PDF (Công văn 5052/BGDĐT-CNTT) that print the audit log's checkpoint they
//! were read at. The command line makes the same files (`songmaytinh report progress`).

mod pages;
pub mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::get;
use domain::authz::Action::*;

pub use pages::{document, funnel_bars, paper, stage_href};

pub const AREA: Area = Area {
    name: "reports",
    routes,
    menu: &[MenuEntry {
        href: "/reports",
        label: |l| texts::tr(l).nav_reports,
        needs: Some(ViewDashboard),
        position: 44,
    }],
    menu_parent: &[],
    flash: |_, _| None,
    api: None,
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/reports",
            Allow(ViewDashboard, Target::None),
            get(pages::page),
        ),
        route(
            Method::GET,
            "/reports/progress.xlsx",
            Allow(ViewDashboard, Target::None),
            get(pages::xlsx),
        ),
        route(
            Method::GET,
            "/reports/progress.pdf",
            Allow(ViewDashboard, Target::None),
            get(pages::pdf),
        ),
    ]
}
