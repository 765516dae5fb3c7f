//! The route table: every route with the rule the gate enforces for it. The router is
//! built from this table, and the route × role test reads it, so a route cannot exist
//! without a rule.

use crate::state::AppState;
use crate::{api, assets, ops, pages};
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use domain::authz::Action;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, and who they are is never looked up: probes, static files, the OpenAPI
    /// document, the language switch.
    Open,
    /// Anyone; a logged-in user is recognised (the login page sends them home).
    Public,
    /// Any logged-in user, for their own account.
    SignedIn,
    /// Users whose role permits the action, on a target inside their scope.
    Allow(Action, Target),
}

/// What a route is about, read from its path, for the scope check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing in particular (lists are bounded by scope in their queries).
    None,
    /// The unit whose code is the `{code}` path parameter.
    UnitCode,
    /// The user whose id is the `{id}` path parameter (their unit is the target).
    UserId,
    /// The student whose id is the `{id}` path parameter (their school is the target).
    StudentId,
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub(crate) handler: MethodRouter<AppState>,
}

use Access::{Allow, Open, Public, SignedIn};
use Action::*;
use Target::{StudentId, UnitCode, UserId};

fn route(
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        access,
        handler,
    }
}

/// Every route of the app.
pub fn table() -> Vec<Route> {
    let none = Target::None;
    vec![
        // Sign-in, language, operations, static files.
        route(Method::GET, "/login", Public, get(pages::auth::login_page)),
        route(Method::POST, "/login", Public, post(pages::auth::login)),
        route(Method::POST, "/logout", SignedIn, post(pages::auth::logout)),
        route(
            Method::GET,
            "/lang/{code}",
            Open,
            get(pages::auth::switch_lang),
        ),
        route(Method::GET, "/healthz", Open, get(ops::healthz)),
        route(Method::GET, "/readyz", Open, get(ops::readyz)),
        route(Method::GET, "/static/{file}", Open, get(assets::serve)),
        // Pages.
        route(
            Method::GET,
            "/",
            Allow(ViewDashboard, none),
            get(pages::dashboard::dashboard),
        ),
        route(
            Method::GET,
            "/units",
            Allow(BrowseUnits, none),
            get(pages::units::index),
        ),
        route(
            Method::GET,
            "/units/new",
            Allow(ManageUnits, none),
            get(pages::units::new_form),
        ),
        route(
            Method::POST,
            "/units",
            Allow(ManageUnits, none),
            post(pages::units::create),
        ),
        route(
            Method::GET,
            "/units/{code}",
            Allow(ViewUnit, UnitCode),
            get(pages::units::detail),
        ),
        route(
            Method::GET,
            "/units/{code}/edit",
            Allow(ManageUnits, UnitCode),
            get(pages::units::edit_form),
        ),
        route(
            Method::POST,
            "/units/{code}",
            Allow(ManageUnits, UnitCode),
            post(pages::units::update),
        ),
        route(
            Method::GET,
            "/schools",
            Allow(BrowseUnits, none),
            get(pages::units::schools),
        ),
        route(
            Method::GET,
            "/students",
            Allow(ViewStudentCounts, none),
            get(pages::students::index),
        ),
        route(
            Method::POST,
            "/students/board-approve",
            Allow(ApproveAggregate, none),
            post(pages::students::board_approve),
        ),
        route(
            Method::GET,
            "/students/school/{code}",
            Allow(ViewStudents, UnitCode),
            get(pages::students::school),
        ),
        route(
            Method::POST,
            "/students/school/{code}/action",
            Allow(ActOnLists, UnitCode),
            post(pages::students::act),
        ),
        route(
            Method::GET,
            "/students/school/{code}/import",
            Allow(EditStudents, UnitCode),
            get(pages::student_import::form),
        ),
        route(
            Method::POST,
            "/students/school/{code}/import",
            Allow(EditStudents, UnitCode),
            post(pages::student_import::upload),
        ),
        route(
            Method::POST,
            "/students/school/{code}/uploads/{id}/confirm",
            Allow(EditStudents, UnitCode),
            post(pages::student_import::confirm),
        ),
        route(
            Method::GET,
            "/students/school/{code}/new",
            Allow(EditStudents, UnitCode),
            get(pages::student_record::new_form),
        ),
        route(
            Method::POST,
            "/students/school/{code}/new",
            Allow(EditStudents, UnitCode),
            post(pages::student_record::create),
        ),
        route(
            Method::GET,
            "/students/school/{code}/export.xlsx",
            Allow(ViewStudents, UnitCode),
            get(pages::students::export_school),
        ),
        route(
            Method::GET,
            "/students/export.xlsx",
            Allow(ViewStudents, none),
            get(pages::students::export_scope),
        ),
        route(
            Method::GET,
            "/students/{id}",
            Allow(ViewStudents, StudentId),
            get(pages::student_record::detail),
        ),
        route(
            Method::GET,
            "/students/{id}/edit",
            Allow(EditStudents, StudentId),
            get(pages::student_record::edit_form),
        ),
        route(
            Method::POST,
            "/students/{id}",
            Allow(EditStudents, StudentId),
            post(pages::student_record::save),
        ),
        route(
            Method::POST,
            "/students/{id}/withdraw",
            Allow(EditStudents, StudentId),
            post(pages::student_record::withdraw),
        ),
        route(
            Method::POST,
            "/students/{id}/evidence",
            Allow(EditStudents, StudentId),
            post(pages::student_record::upload_evidence),
        ),
        route(
            Method::GET,
            "/students/{id}/evidence/{evidence}",
            Allow(ViewStudents, StudentId),
            get(pages::student_record::evidence),
        ),
        route(
            Method::POST,
            "/students/{id}/flags/{kind}/resolve",
            Allow(ReviewDuplicates, StudentId),
            post(pages::student_record::resolve_flag),
        ),
        route(
            Method::GET,
            "/dedup",
            Allow(ReviewDuplicates, none),
            get(pages::dedup::index),
        ),
        route(
            Method::POST,
            "/dedup/run",
            Allow(ReviewDuplicates, none),
            post(pages::dedup::run),
        ),
        route(
            Method::POST,
            "/dedup/{id}",
            Allow(ReviewDuplicates, none),
            post(pages::dedup::decide),
        ),
        route(
            Method::GET,
            "/households",
            Allow(ViewHouseholds, none),
            get(pages::households::index),
        ),
        route(
            Method::POST,
            "/households/import",
            Allow(ManageHouseholds, none),
            post(pages::households::upload),
        ),
        route(
            Method::POST,
            "/households/uploads/{id}/{year}/confirm",
            Allow(ManageHouseholds, none),
            post(pages::households::confirm),
        ),
        route(
            Method::GET,
            "/devices",
            Allow(ViewDevices, none),
            get(pages::devices::index),
        ),
        route(
            Method::GET,
            "/devices/models/{id}",
            Allow(ViewDevices, none),
            get(pages::devices::model),
        ),
        route(
            Method::GET,
            "/devices/profiles",
            Allow(ViewDevices, none),
            get(pages::devices::profiles),
        ),
        route(
            Method::POST,
            "/devices/profiles/{kind}",
            Allow(EditSpecProfiles, none),
            post(pages::devices::save_profile),
        ),
        route(
            Method::GET,
            "/devices/batches",
            Allow(ViewDevices, none),
            get(pages::batches::batches),
        ),
        route(
            Method::POST,
            "/devices/appraisals",
            Allow(AppraiseDevices, none),
            post(pages::batches::appraise),
        ),
        route(
            Method::GET,
            "/devices/appraisals/{id}/documents/{doc}",
            Allow(ViewDevices, none),
            get(pages::batches::appraisal_document),
        ),
        route(
            Method::POST,
            "/devices/batches/stock-in",
            Allow(ReceiveDevices, none),
            post(pages::batches::stock_in),
        ),
        route(
            Method::GET,
            "/devices/intake",
            Allow(ReceiveDevices, none),
            get(pages::scan::intake),
        ),
        route(
            Method::POST,
            "/devices/intake",
            Allow(ReceiveDevices, none),
            post(pages::scan::register),
        ),
        route(
            Method::POST,
            "/devices/intake/file",
            Allow(ReceiveDevices, none),
            post(pages::scan::register_file),
        ),
        route(
            Method::GET,
            "/devices/intake/check",
            Allow(ReceiveDevices, none),
            get(pages::scan::check),
        ),
        route(
            Method::GET,
            "/devices/stocktake",
            Allow(ViewDevices, none),
            get(pages::scan::stocktake_form),
        ),
        route(
            Method::POST,
            "/devices/stocktake",
            Allow(ViewDevices, none),
            post(pages::scan::stocktake),
        ),
        route(
            Method::GET,
            "/devices/find",
            Allow(ViewDevices, none),
            get(pages::devices::find),
        ),
        route(
            Method::GET,
            "/devices/serial/{serial}",
            Allow(ViewDevices, none),
            get(pages::scan::serial),
        ),
        route(
            Method::GET,
            "/donors",
            Allow(ViewDevices, none),
            get(pages::donations::donors),
        ),
        route(
            Method::GET,
            "/donors/new",
            Allow(ReceiveDevices, none),
            get(pages::donations::new_donor),
        ),
        route(
            Method::POST,
            "/donors",
            Allow(ReceiveDevices, none),
            post(pages::donations::create_donor),
        ),
        route(
            Method::GET,
            "/donors/{id}",
            Allow(ViewDevices, none),
            get(pages::donations::donor),
        ),
        route(
            Method::POST,
            "/donors/{id}",
            Allow(ReceiveDevices, none),
            post(pages::donations::update_donor),
        ),
        route(
            Method::GET,
            "/donations",
            Allow(ViewDevices, none),
            get(pages::donations::donations),
        ),
        route(
            Method::GET,
            "/donations/new",
            Allow(ReceiveDevices, none),
            get(pages::donations::new_donation),
        ),
        route(
            Method::POST,
            "/donations",
            Allow(ReceiveDevices, none),
            post(pages::donations::create_donation),
        ),
        route(
            Method::GET,
            "/donations/{id}",
            Allow(ViewDevices, none),
            get(pages::donations::donation),
        ),
        route(
            Method::GET,
            "/donations/{id}/bien-ban.pdf",
            Allow(ViewDevices, none),
            get(pages::donations::minutes_pdf),
        ),
        route(
            Method::POST,
            "/donations/{id}/documents",
            Allow(ReceiveDevices, none),
            post(pages::donations::upload_document),
        ),
        route(
            Method::GET,
            "/donations/{id}/documents/{doc}",
            Allow(ViewDevices, none),
            get(pages::donations::document),
        ),
        route(Method::GET, "/account", SignedIn, get(pages::account::show)),
        route(
            Method::GET,
            "/account/password",
            SignedIn,
            get(pages::account::password_form),
        ),
        route(
            Method::POST,
            "/account/password",
            SignedIn,
            post(pages::account::change_password),
        ),
        route(
            Method::POST,
            "/account/api-keys",
            SignedIn,
            post(pages::account::create_api_key),
        ),
        route(
            Method::POST,
            "/account/api-keys/{id}/revoke",
            SignedIn,
            post(pages::account::revoke_api_key),
        ),
        route(
            Method::GET,
            "/admin/users",
            Allow(ViewUsers, none),
            get(pages::users::index),
        ),
        route(
            Method::GET,
            "/admin/users/new",
            Allow(ManageUsers, none),
            get(pages::users::new_form),
        ),
        route(
            Method::POST,
            "/admin/users",
            Allow(ManageUsers, none),
            post(pages::users::create),
        ),
        route(
            Method::GET,
            "/admin/users/{id}",
            Allow(ViewUsers, UserId),
            get(pages::users::detail),
        ),
        route(
            Method::POST,
            "/admin/users/{id}",
            Allow(ManageUsers, UserId),
            post(pages::users::update),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/reset-password",
            Allow(ManageUsers, UserId),
            post(pages::users::reset_password),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/unlock",
            Allow(ManageUsers, UserId),
            post(pages::users::unlock),
        ),
        route(
            Method::GET,
            "/admin/audit",
            Allow(ViewAudit, none),
            get(pages::audit::index),
        ),
        route(
            Method::GET,
            "/admin/audit/verify",
            Allow(ViewAudit, none),
            get(pages::audit::verify),
        ),
        // JSON API.
        route(
            Method::GET,
            "/api/v1/openapi.json",
            Open,
            get(api::openapi_json),
        ),
        route(Method::GET, "/api/v1/me", SignedIn, get(api::me)),
        route(
            Method::GET,
            "/api/v1/units",
            Allow(BrowseUnits, none),
            get(api::units_list),
        ),
        route(
            Method::GET,
            "/api/v1/units/{code}",
            Allow(ViewUnit, UnitCode),
            get(api::unit_get),
        ),
        route(
            Method::GET,
            "/api/v1/users",
            Allow(ViewUsers, none),
            get(api::users_list),
        ),
        route(
            Method::POST,
            "/api/v1/users",
            Allow(ManageUsers, none),
            post(api::user_create),
        ),
        route(
            Method::GET,
            "/api/v1/users/{id}",
            Allow(ViewUsers, UserId),
            get(api::user_get),
        ),
        route(
            Method::GET,
            "/api/v1/audit/verify",
            Allow(ViewAudit, none),
            get(api::audit_verify),
        ),
        route(
            Method::GET,
            "/api/v1/students",
            Allow(ViewStudents, none),
            get(api::students_list),
        ),
        route(
            Method::GET,
            "/api/v1/students/counts",
            Allow(ViewStudentCounts, none),
            get(api::student_counts),
        ),
    ]
}
