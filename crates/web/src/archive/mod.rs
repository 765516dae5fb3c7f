//! The archive (lưu trữ hồ sơ) in the web: one page that finds every paper the program
//! issued or received — decisions, plans, contracts, invoices, minutes, acknowledgements,
//! reports — uploaded or printed, by type, number, date, title or SHA-256, within the
//! viewer's scope, each with its digest and a link that opens it again.

mod pages;
mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::get;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "archive",
    routes,
    menu: &[MenuEntry {
        href: "/archive",
        label: |l| texts::tr(l).nav_archive,
        needs: Some(ViewArchive),
        position: 45,
    }],
    menu_parent: &[],
    flash: |_, _| None,
    api: None,
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![route(
        Method::GET,
        "/archive",
        Allow(ViewArchive, Target::None),
        get(pages::index),
    )]
}
