//! The route table: every route with the rule the gate enforces for it, the areas' routes
//! concatenated (`areas::routes`). The router is built from this table, and the route ×
//! role test reads it, so a route cannot exist without a rule.

use crate::state::AppState;
use crate::{api, assets, ops};
use axum::http::Method;
use axum::routing::{MethodRouter, get};
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

use Access::Open;

pub fn route(
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

/// Every route of the app: the house's own (probes, static files, the API document)
/// and every area's.
pub fn table() -> Vec<Route> {
    let mut table = vec![
        route(Method::GET, "/healthz", Open, get(ops::healthz)),
        route(Method::GET, "/readyz", Open, get(ops::readyz)),
        route(Method::GET, "/static/{file}", Open, get(assets::serve)),
        route(
            Method::GET,
            "/api/v1/openapi.json",
            Open,
            get(api::openapi_json),
        ),
    ];
    table.extend(crate::areas::routes());
    table
}
