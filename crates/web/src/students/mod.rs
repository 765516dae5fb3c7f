//! Students on schools' lists (nominations): counts for every role, a school's list and
//! its approval steps, the import of a school's file, one student's record with its
//! evidence, and the students of the JSON API.

pub mod api;
mod export;
mod import;
pub mod imports;
mod pages;
mod record;
mod steps;
mod texts;
mod work;

pub use pages::{flag_label, review_label};

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use Target::{StudentId, UnitCode};
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "students",
    routes,
    menu: &[MenuEntry {
        href: "/students",
        label: |l| texts::tr(l).nav_students,
        needs: None,
        position: 20,
    }],
    menu_parent: &[],
    flash,
    api: Some(<api::Api as utoipa::OpenApi>::openapi),
    work: Some(work::items),
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/students",
            Allow(ViewStudentCounts, Target::None),
            get(pages::index),
        ),
        route(
            Method::GET,
            "/students/board-approve",
            Allow(ApproveAggregate, Target::None),
            get(steps::board_confirm),
        ),
        route(
            Method::POST,
            "/students/board-approve",
            Allow(ApproveAggregate, Target::None),
            post(steps::board_approve),
        ),
        route(
            Method::GET,
            "/students/school/{code}",
            Allow(ViewStudents, UnitCode),
            get(pages::school),
        ),
        // The list's steps post to the list's own address, so that a refused step is
        // shown again where the list is.
        route(
            Method::POST,
            "/students/school/{code}",
            Allow(ActOnLists, UnitCode),
            post(steps::act),
        ),
        route(
            Method::GET,
            "/students/school/{code}/confirm",
            Allow(ActOnLists, UnitCode),
            get(steps::confirm_form),
        ),
        route(
            Method::POST,
            "/students/school/{code}/confirm",
            Allow(ActOnLists, UnitCode),
            post(steps::confirm_do),
        ),
        route(
            Method::GET,
            "/students/school/{code}/import",
            Allow(EditStudents, UnitCode),
            get(import::form),
        ),
        route(
            Method::POST,
            "/students/school/{code}/import",
            Allow(EditStudents, UnitCode),
            post(import::upload),
        ),
        route(
            Method::POST,
            "/students/school/{code}/uploads/{id}/confirm",
            Allow(EditStudents, UnitCode),
            post(import::confirm),
        ),
        route(
            Method::GET,
            "/students/school/{code}/new",
            Allow(EditStudents, UnitCode),
            get(record::new_form),
        ),
        route(
            Method::POST,
            "/students/school/{code}/new",
            Allow(EditStudents, UnitCode),
            post(record::create),
        ),
        route(
            Method::GET,
            "/students/school/{code}/export.xlsx",
            Allow(ViewStudents, UnitCode),
            get(export::export_school),
        ),
        route(
            Method::GET,
            "/students/export.xlsx",
            Allow(ViewStudents, Target::None),
            get(export::export_scope),
        ),
        route(
            Method::GET,
            "/students/{id}",
            Allow(ViewStudents, StudentId),
            get(record::detail),
        ),
        route(
            Method::GET,
            "/students/{id}/edit",
            Allow(EditStudents, StudentId),
            get(record::edit_form),
        ),
        route(
            Method::POST,
            "/students/{id}",
            Allow(EditStudents, StudentId),
            post(record::save),
        ),
        route(
            Method::POST,
            "/students/{id}/withdraw",
            Allow(EditStudents, StudentId),
            post(record::withdraw),
        ),
        route(
            Method::POST,
            "/students/{id}/evidence",
            Allow(EditStudents, StudentId),
            post(record::upload_evidence),
        ),
        route(
            Method::GET,
            "/students/{id}/evidence/{evidence}",
            Allow(ViewStudents, StudentId),
            get(record::evidence),
        ),
        route(
            Method::POST,
            "/students/{id}/remove-evidence",
            Allow(EditStudents, StudentId),
            post(record::remove_evidence),
        ),
        route(
            Method::POST,
            "/students/{id}/flags/{kind}/resolve",
            Allow(ReviewDuplicates, StudentId),
            post(record::resolve_flag),
        ),
        route(
            Method::GET,
            "/api/v1/students",
            Allow(ViewStudents, Target::None),
            get(api::students_list),
        ),
        route(
            Method::GET,
            "/api/v1/students/counts",
            Allow(ViewStudentCounts, Target::None),
            get(api::student_counts),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "list_saved" => t.list_saved,
        "board_approved" => t.board_approved,
        "imported" => t.imported_done,
        "student_saved" => t.student_saved,
        "flag_resolved" => t.flag_resolved,
        "evidence_saved" => t.evidence_saved,
        "evidence_removed" => t.evidence_removed,
        _ => return None,
    })
}
