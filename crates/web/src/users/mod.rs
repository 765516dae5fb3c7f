//! Users: logging in and out and the language switch, one's own account (password, API
//! keys), user management for administrators, and the users of the JSON API.

mod account;
mod admin;
pub mod api;
mod auth;
mod texts;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::{Allow, Open, Public, SignedIn};
use Target::UserId;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "users",
    routes,
    menu: &[
        MenuEntry {
            href: "/admin/users",
            label: |l| texts::tr(l).nav_users,
            needs: Some(ViewUsers),
            position: 60,
        },
        MenuEntry {
            href: "/account",
            label: |l| texts::tr(l).nav_account,
            needs: None,
            position: 80,
        },
    ],
    menu_parent: &[],
    flash,
    api: Some(<api::Api as utoipa::OpenApi>::openapi),
    work: None,
    panels: &[],
};

fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/login", Public, get(auth::login_page)),
        route(Method::POST, "/login", Public, post(auth::login)),
        route(Method::POST, "/logout", SignedIn, post(auth::logout)),
        route(Method::GET, "/lang/{code}", Open, get(auth::switch_lang)),
        route(Method::GET, "/account", SignedIn, get(account::show)),
        route(
            Method::GET,
            "/account/password",
            SignedIn,
            get(account::password_form),
        ),
        route(
            Method::POST,
            "/account/password",
            SignedIn,
            post(account::change_password),
        ),
        route(
            Method::POST,
            "/account/api-keys",
            SignedIn,
            post(account::create_api_key),
        ),
        route(
            Method::POST,
            "/account/api-keys/{id}/revoke",
            SignedIn,
            post(account::revoke_api_key),
        ),
        route(
            Method::GET,
            "/admin/users",
            Allow(ViewUsers, Target::None),
            get(admin::index),
        ),
        route(
            Method::GET,
            "/admin/users/new",
            Allow(ManageUsers, Target::None),
            get(admin::new_form),
        ),
        route(
            Method::POST,
            "/admin/users",
            Allow(ManageUsers, Target::None),
            post(admin::create),
        ),
        route(
            Method::GET,
            "/admin/users/{id}",
            Allow(ViewUsers, UserId),
            get(admin::detail),
        ),
        route(
            Method::POST,
            "/admin/users/{id}",
            Allow(ManageUsers, UserId),
            post(admin::update),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/reset-password",
            Allow(ManageUsers, UserId),
            post(admin::reset_password),
        ),
        route(
            Method::POST,
            "/admin/users/{id}/unlock",
            Allow(ManageUsers, UserId),
            post(admin::unlock),
        ),
        route(Method::GET, "/api/v1/me", SignedIn, get(api::me)),
        route(
            Method::GET,
            "/api/v1/users",
            Allow(ViewUsers, Target::None),
            get(api::users_list),
        ),
        route(
            Method::POST,
            "/api/v1/users",
            Allow(ManageUsers, Target::None),
            post(api::user_create),
        ),
        route(
            Method::GET,
            "/api/v1/users/{id}",
            Allow(ViewUsers, UserId),
            get(api::user_get),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "password_changed" => t.password_changed,
        "api_key_revoked" => t.api_key_revoked,
        "user_saved" => t.user_saved,
        "unlocked" => t.unlocked,
        _ => return None,
    })
}
