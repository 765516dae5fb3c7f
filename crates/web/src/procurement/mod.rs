//! Procurement in the web: the tender packages with their stage and money, a package's
//! page that walks it step by step from its plan to its last payment (each step's form
//! appears when it is the next one and the viewer may take it), the printed acceptance
//! minutes, the dated thresholds, and Finance's queue of payment requests. Province-level
//! records about organisations only: no personal data.

mod export;
mod pages;
mod steps;
mod texts;
mod work;

pub use pages::minutes_pdf;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "procurement",
    routes,
    menu: &[MenuEntry {
        href: "/procurement",
        label: |l| texts::tr(l).nav_procurement,
        needs: Some(ViewProcurement),
        position: 39,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work::items),
    panels: &[],
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewProcurement, Target::None);
    let manage = || Allow(ManageProcurement, Target::None);
    let approve = || Allow(ApprovePayments, Target::None);
    vec![
        route(Method::GET, "/procurement", view(), get(pages::index)),
        route(
            Method::GET,
            "/procurement/new",
            manage(),
            get(pages::new_package),
        ),
        route(Method::POST, "/procurement", manage(), post(steps::create)),
        route(
            Method::GET,
            "/procurement/ocds.json",
            view(),
            get(pages::ocds),
        ),
        route(
            Method::GET,
            "/procurement/spending.csv",
            view(),
            get(export::spending_csv),
        ),
        route(
            Method::GET,
            "/procurement/spending.xlsx",
            view(),
            get(export::spending_xlsx),
        ),
        route(
            Method::GET,
            "/procurement/thresholds",
            view(),
            get(pages::thresholds),
        ),
        route(
            Method::POST,
            "/procurement/thresholds",
            manage(),
            post(steps::threshold),
        ),
        route(
            Method::GET,
            "/procurement/payments",
            view(),
            get(pages::payments),
        ),
        route(
            Method::POST,
            "/procurement/payments/{id}",
            approve(),
            post(steps::decide),
        ),
        route(
            Method::GET,
            "/procurement/{id}",
            view(),
            get(pages::package),
        ),
        route(
            Method::POST,
            "/procurement/{id}/selection",
            manage(),
            post(steps::selection),
        ),
        route(
            Method::POST,
            "/procurement/{id}/bids",
            manage(),
            post(steps::bid),
        ),
        route(
            Method::POST,
            "/procurement/{id}/award",
            manage(),
            post(steps::award),
        ),
        route(
            Method::POST,
            "/procurement/{id}/contract",
            manage(),
            post(steps::contract),
        ),
        route(
            Method::POST,
            "/procurement/{id}/deliveries",
            manage(),
            post(steps::delivery),
        ),
        route(
            Method::POST,
            "/procurement/{id}/deliveries/{d}/acceptance",
            manage(),
            post(steps::accept),
        ),
        route(
            Method::GET,
            "/procurement/{id}/deliveries/{d}/bien-ban-nghiem-thu.pdf",
            view(),
            get(pages::acceptance_pdf),
        ),
        route(
            Method::POST,
            "/procurement/{id}/invoices",
            manage(),
            post(steps::invoice),
        ),
        route(
            Method::POST,
            "/procurement/{id}/payments",
            manage(),
            post(steps::request),
        ),
        route(
            Method::POST,
            "/procurement/{id}/close",
            manage(),
            post(steps::close),
        ),
        route(
            Method::POST,
            "/procurement/{id}/cancel",
            manage(),
            post(steps::cancel),
        ),
        route(
            Method::POST,
            "/procurement/{id}/documents",
            manage(),
            post(steps::document),
        ),
        route(
            Method::GET,
            "/procurement/{id}/documents/{doc}",
            view(),
            get(pages::document),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "package_saved" => t.package_saved,
        "procurement_step" => t.step_saved,
        "payment_requested" => t.payment_requested,
        "payment_decided" => t.payment_decided,
        "threshold_saved" => t.threshold_saved,
        "procurement_document" => t.document_saved,
        _ => return None,
    })
}
