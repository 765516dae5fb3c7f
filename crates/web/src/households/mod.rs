//! The communes' registers of poor and near-poor households: what is registered, and the
//! import of a register checked against the students who claim those tiers.

pub mod imports;
mod pages;
mod texts;

use crate::areas::Area;
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "households",
    routes,
    menu: &[],
    menu_parent: &[],
    flash,
    api: None,
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/households",
            Allow(ViewHouseholds, Target::None),
            get(pages::index),
        ),
        route(
            Method::POST,
            "/households/import",
            Allow(ManageHouseholds, Target::None),
            post(pages::upload),
        ),
        route(
            Method::POST,
            "/households/uploads/{id}/{year}/confirm",
            Allow(ManageHouseholds, Target::None),
            post(pages::confirm),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "households_imported" => t.households_imported,
        _ => return None,
    })
}
