//! Possible duplicates across the province, for a person to decide.

mod pages;
mod texts;
mod work;

use crate::areas::Area;
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "dedup",
    routes,
    menu: &[],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work::items),
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/dedup",
            Allow(ReviewDuplicates, Target::None),
            get(pages::index),
        ),
        route(
            Method::POST,
            "/dedup/run",
            Allow(ReviewDuplicates, Target::None),
            post(pages::run),
        ),
        route(
            Method::POST,
            "/dedup/{id}",
            Allow(ReviewDuplicates, Target::None),
            post(pages::decide),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "dedup_started" => t.dedup_started,
        "dedup_running" => t.dedup_running,
        "dedup_decided" => t.dedup_decided,
        _ => return None,
    })
}
