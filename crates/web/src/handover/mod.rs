//! Handover in the web: what a unit or school holds, gave and misses; the minutes a giver
//! draws up by scanning serials (printed to travel with the boxes); the receiving side's
//! confirmation with one drawn signature for the batch; a school handing each student
//! their device with the guardian's signature, and taking it back; the CSDL ngành sheet
//! and its marks. Students' names show only to the roles that see students.

mod confirm;
pub mod csdl;
pub mod minutes;
mod pages;
mod panel;
mod students;
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
    name: "handover",
    routes,
    menu: &[MenuEntry {
        href: "/handover",
        label: |l| texts::tr(l).nav_handover,
        needs: Some(ViewHandovers),
        position: 37,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work::items),
    panels: &[(crate::areas::PanelPage::Student, panel::student)],
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewHandovers, Target::None);
    let hand = || Allow(HandDevices, Target::None);
    let student = || Allow(HandDevices, Target::StudentId);
    vec![
        route(Method::GET, "/handover", view(), get(pages::index)),
        route(Method::POST, "/handover", hand(), post(pages::create)),
        route(Method::GET, "/handover/new", hand(), get(pages::new_form)),
        route(Method::GET, "/handover/check", hand(), get(pages::check)),
        route(Method::GET, "/handover/{id}", view(), get(pages::show)),
        route(Method::GET, "/handover/{id}/pdf", view(), get(pages::pdf)),
        route(
            Method::GET,
            "/handover/{id}/signature.png",
            view(),
            get(pages::signature_png),
        ),
        route(
            Method::GET,
            "/handover/{id}/signature.svg",
            view(),
            get(pages::signature_svg),
        ),
        route(
            Method::GET,
            "/handover/{id}/scan",
            view(),
            get(pages::signature_scan),
        ),
        route(
            Method::POST,
            "/handover/{id}/confirm",
            hand(),
            post(confirm::confirm),
        ),
        route(
            Method::POST,
            "/handover/{id}/cancel",
            hand(),
            post(pages::cancel),
        ),
        route(
            Method::GET,
            "/handover/students",
            hand(),
            get(students::list),
        ),
        route(
            Method::GET,
            "/handover/students/{id}",
            student(),
            get(students::form),
        ),
        route(
            Method::POST,
            "/handover/students/{id}",
            student(),
            post(students::hand),
        ),
        route(
            Method::POST,
            "/handover/students/{id}/return",
            student(),
            post(students::give_back),
        ),
        route(Method::GET, "/handover/csdl", hand(), get(csdl::page)),
        route(Method::POST, "/handover/csdl", hand(), post(csdl::tick)),
        route(
            Method::GET,
            "/handover/csdl.xlsx",
            hand(),
            get(csdl::export),
        ),
        route(
            Method::POST,
            "/handover/csdl/upload",
            hand(),
            post(csdl::upload),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "handover_created" => t.handover_created,
        "handover_confirmed" => t.handover_confirmed,
        "handover_cancelled" => t.handover_cancelled,
        "student_signed" => t.student_signed,
        "device_returned" => t.returned,
        "csdl_saved" => t.csdl_saved,
        _ => return None,
    })
}

/// Who the signed-in user gives as: the Board, a district office, a school; `None` for
/// the roles that only follow.
pub(crate) fn giver_of(actor: &crate::gate::Actor) -> Option<domain::devices::Holder> {
    use domain::devices::Holder;
    use domain::users::Role;
    match actor.user.role {
        Role::BanDieuPhoi => Some(Holder::Board),
        Role::PhongGddt => Some(Holder::Unit(actor.user.unit_id)),
        Role::Truong => Some(Holder::School(actor.user.unit_id)),
        _ => None,
    }
}
