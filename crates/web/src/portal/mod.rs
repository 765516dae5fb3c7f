//! The public side (cổng công khai), no login: the province's figures by district and
//! tier with small counts hidden, devices, money, packages and the donors who agreed to be
//! named; a donor's own gift traced by its verification code or bank reference; the
//! statement of cash donations; the same figures as open data (JSON with its schema, CSV,
//! OCDS); and the verifiable audit log — the signed checkpoints, the key that checks them,
//! inclusion and consistency proofs. Nothing here reads a student: the figures are counts,
//! the log's leaves are the chain's hashes.

mod figures;
mod home;
mod log;
mod money;
mod texts;

use crate::areas::Area;
use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::routing::get;
use domain::Lang;

pub const AREA: Area = Area {
    name: "portal",
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
        route(Method::GET, "/cong-khai", Access::Public, get(home::page)),
        route(
            Method::GET,
            "/cong-khai/tra-cuu",
            Access::Public,
            get(money::trace),
        ),
        route(
            Method::GET,
            "/cong-khai/sao-ke",
            Access::Public,
            get(money::statement),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu",
            Access::Public,
            get(home::data),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu/tong-hop.json",
            Access::Open,
            get(home::figures_json),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu/tong-hop.schema.json",
            Access::Open,
            get(home::schema),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu/tong-hop.csv",
            Access::Open,
            get(home::figures_csv),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu/sao-ke.csv",
            Access::Open,
            get(money::statement_csv),
        ),
        route(
            Method::GET,
            "/cong-khai/du-lieu/mua-sam.json",
            Access::Open,
            get(home::ocds),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky",
            Access::Public,
            get(log::page),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky/checkpoint",
            Access::Open,
            get(log::checkpoint),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky/checkpoints.json",
            Access::Open,
            get(log::checkpoints),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky/key",
            Access::Open,
            get(log::key),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky/inclusion.json",
            Access::Open,
            get(log::inclusion),
        ),
        route(
            Method::GET,
            "/cong-khai/nhat-ky/consistency.json",
            Access::Open,
            get(log::consistency),
        ),
    ]
}

fn flash(_: &str, _: Lang) -> Option<&'static str> {
    None
}
