//! Devices: the registry by state, models checked against the spec profiles, delivered
//! batches and their appraisal, serial intake from a scanner, stocktake, lookup by serial.

mod batches;
pub mod options;
mod pages;
mod scan;
mod texts;
mod work;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "devices",
    routes,
    menu: &[MenuEntry {
        href: "/devices",
        label: |l| crate::i18n::tr(l).nav_devices,
        needs: Some(ViewDevices),
        position: 30,
    }],
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
            "/devices",
            Allow(ViewDevices, Target::None),
            get(pages::index),
        ),
        route(
            Method::GET,
            "/devices/models/{id}",
            Allow(ViewDevices, Target::None),
            get(pages::model),
        ),
        route(
            Method::GET,
            "/devices/profiles",
            Allow(ViewDevices, Target::None),
            get(pages::profiles),
        ),
        route(
            Method::POST,
            "/devices/profiles/{kind}",
            Allow(EditSpecProfiles, Target::None),
            post(pages::save_profile),
        ),
        route(
            Method::GET,
            "/devices/batches",
            Allow(ViewDevices, Target::None),
            get(batches::batches),
        ),
        // The appraisal form's own address: a refused appraisal is shown again here.
        route(
            Method::GET,
            "/devices/appraisals",
            Allow(ViewDevices, Target::None),
            get(batches::batches),
        ),
        route(
            Method::POST,
            "/devices/appraisals",
            Allow(AppraiseDevices, Target::None),
            post(batches::appraise),
        ),
        route(
            Method::GET,
            "/devices/appraisals/{id}/documents/{doc}",
            Allow(ViewDevices, Target::None),
            get(batches::appraisal_document),
        ),
        route(
            Method::POST,
            "/devices/batches/stock-in",
            Allow(ReceiveDevices, Target::None),
            post(batches::stock_in),
        ),
        route(
            Method::GET,
            "/devices/intake",
            Allow(ReceiveDevices, Target::None),
            get(scan::intake),
        ),
        route(
            Method::POST,
            "/devices/intake",
            Allow(ReceiveDevices, Target::None),
            post(scan::register),
        ),
        route(
            Method::POST,
            "/devices/intake/file",
            Allow(ReceiveDevices, Target::None),
            post(scan::register_file),
        ),
        route(
            Method::GET,
            "/devices/intake/check",
            Allow(ReceiveDevices, Target::None),
            get(scan::check),
        ),
        route(
            Method::GET,
            "/devices/stocktake",
            Allow(ViewDevices, Target::None),
            get(scan::stocktake_form),
        ),
        route(
            Method::POST,
            "/devices/stocktake",
            Allow(ViewDevices, Target::None),
            post(scan::stocktake),
        ),
        route(
            Method::GET,
            "/devices/stocktakes/{id}",
            Allow(ViewDevices, Target::None),
            get(scan::stocktake_record),
        ),
        route(
            Method::GET,
            "/devices/stocktakes/{id}/bien-ban.pdf",
            Allow(ViewDevices, Target::None),
            get(scan::stocktake_pdf),
        ),
        route(
            Method::GET,
            "/devices/find",
            Allow(ViewDevices, Target::None),
            get(pages::find),
        ),
        route(
            Method::GET,
            "/devices/serial/{serial}",
            Allow(ViewDevices, Target::None),
            get(scan::serial),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "profile_saved" => t.profile_saved,
        "appraisal_saved" => t.appraisal_saved,
        "stocked_in" => t.stocked_in,
        "devices_registered" => t.devices_registered,
        _ => return None,
    })
}
