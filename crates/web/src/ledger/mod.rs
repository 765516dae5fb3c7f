//! The ledger in the web: the trial balance now or at a date with what each account has
//! reserved, the open commitments, the journal with its filters, and each entry with its
//! postings and what it reverses or settles. Read by the roles that raise, spend, approve
//! and oversee the money; no personal data.

mod pages;
mod texts;
mod work;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::get;
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "ledger",
    routes,
    menu: &[MenuEntry {
        href: "/ledger",
        label: |l| texts::tr(l).nav_ledger,
        needs: Some(ViewLedger),
        position: 40,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work::items),
    student_panel: None,
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewLedger, Target::None);
    vec![
        route(Method::GET, "/ledger", view(), get(pages::index)),
        route(Method::GET, "/ledger/entries", view(), get(pages::entries)),
        route(
            Method::GET,
            "/ledger/entries/{id}",
            view(),
            get(pages::entry),
        ),
    ]
}

fn flash(_code: &str, _lang: Lang) -> Option<&'static str> {
    None
}
