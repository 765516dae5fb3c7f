//! Units and schools: the tree's browser, the unit form (the one write path is the store's
//! `import_units`, here with one row), and the units of the JSON API.

pub mod api;
mod pages;
mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use Target::UnitCode;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "units",
    routes,
    menu: &[
        MenuEntry {
            href: "/units",
            label: |l| texts::tr(l).nav_units,
            needs: Some(BrowseUnits),
            position: 40,
        },
        MenuEntry {
            href: "/schools",
            label: |l| texts::tr(l).nav_schools,
            needs: Some(BrowseUnits),
            position: 50,
        },
    ],
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
            "/units",
            Allow(BrowseUnits, Target::None),
            get(pages::index),
        ),
        route(
            Method::GET,
            "/units/new",
            Allow(ManageUnits, Target::None),
            get(pages::new_form),
        ),
        route(
            Method::POST,
            "/units",
            Allow(ManageUnits, Target::None),
            post(pages::create),
        ),
        route(
            Method::GET,
            "/units/{code}",
            Allow(ViewUnit, UnitCode),
            get(pages::detail),
        ),
        route(
            Method::GET,
            "/units/{code}/edit",
            Allow(ManageUnits, UnitCode),
            get(pages::edit_form),
        ),
        route(
            Method::POST,
            "/units/{code}",
            Allow(ManageUnits, UnitCode),
            post(pages::update),
        ),
        route(
            Method::GET,
            "/schools",
            Allow(BrowseUnits, Target::None),
            get(pages::schools),
        ),
        route(
            Method::GET,
            "/api/v1/units",
            Allow(BrowseUnits, Target::None),
            get(api::units_list),
        ),
        route(
            Method::GET,
            "/api/v1/units/{code}",
            Allow(ViewUnit, UnitCode),
            get(api::unit_get),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "unit_saved" => t.unit_saved,
        _ => return None,
    })
}
