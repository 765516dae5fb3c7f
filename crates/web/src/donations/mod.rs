//! Devices given in kind: donors (their contacts seen only by the Board), receipts with
//! their serials all or nothing, the printable receipt minutes and the documents kept
//! with each receipt. Its pages sit under the devices' menu entry.

pub mod bien_ban;
mod donors;
pub(crate) mod receipts;
mod texts;

use crate::areas::Area;
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "donations",
    routes,
    menu: &[],
    menu_parent: &[("/donations", "/devices"), ("/donors", "/devices")],
    flash,
    api: None,
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/donors",
            Allow(ViewDevices, Target::None),
            get(donors::donors),
        ),
        route(
            Method::GET,
            "/donors/new",
            Allow(ReceiveDevices, Target::None),
            get(donors::new_donor),
        ),
        route(
            Method::POST,
            "/donors",
            Allow(ReceiveDevices, Target::None),
            post(donors::create_donor),
        ),
        route(
            Method::GET,
            "/donors/{id}",
            Allow(ViewDevices, Target::None),
            get(donors::donor),
        ),
        route(
            Method::POST,
            "/donors/{id}",
            Allow(ReceiveDevices, Target::None),
            post(donors::update_donor),
        ),
        route(
            Method::GET,
            "/donations",
            Allow(ViewDevices, Target::None),
            get(receipts::donations),
        ),
        route(
            Method::GET,
            "/donations/new",
            Allow(ReceiveDevices, Target::None),
            get(receipts::new_donation),
        ),
        route(
            Method::POST,
            "/donations",
            Allow(ReceiveDevices, Target::None),
            post(receipts::create_donation),
        ),
        route(
            Method::GET,
            "/donations/{id}",
            Allow(ViewDevices, Target::None),
            get(receipts::donation),
        ),
        route(
            Method::GET,
            "/donations/{id}/bien-ban.pdf",
            Allow(ViewDevices, Target::None),
            get(receipts::minutes_pdf),
        ),
        route(
            Method::POST,
            "/donations/{id}/documents",
            Allow(ReceiveDevices, Target::None),
            post(receipts::upload_document),
        ),
        route(
            Method::GET,
            "/donations/{id}/documents/{doc}",
            Allow(ViewDevices, Target::None),
            get(receipts::document),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "donor_saved" => t.donor_saved,
        "donation_saved" => t.donation_saved,
        "document_saved" => t.document_saved,
        _ => return None,
    })
}
