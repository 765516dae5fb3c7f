//! The public side (cổng công khai), no login: for now the verifiable audit log — the
//! current signed checkpoint and every one kept, the key that checks them, and inclusion
//! and consistency proofs as open data. Nothing here reads personal data: the log's
//! leaves are the chain's hashes.

mod log;
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
    student_panel: None,
    donor_panel: None,
};

fn routes() -> Vec<Route> {
    vec![
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
