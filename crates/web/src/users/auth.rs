//! Logging in and out, and the language switch.

use super::texts::{self, Layout};
use crate::client::ClientAddr;
use crate::cookies;
use crate::error::AppError;
use crate::extract::Form;
use crate::extract::Query;
use crate::gate::{Actor, Via};
use crate::state::AppState;
use crate::views::{Ctx, render, safe_next};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::users::UsersError;
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;

#[derive(askama::Template)]
#[template(path = "users/templates/login.html")]
struct LoginPage {
    l: Layout,
    error: Option<String>,
    notice: Option<&'static str>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    logged_out: Option<String>,
    expired: Option<String>,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.actor.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let t = texts::tr(ctx.lang);
    let notice = match (&q.logged_out, &q.expired) {
        (Some(_), _) => Some(t.logged_out),
        (None, Some(_)) => Some(t.session_expired),
        _ => None,
    };
    render(LoginPage {
        l: ctx.layout(t.login_title),
        error: None,
        notice,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    client: ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let username = f.username.trim().to_string();
    let source = client.text();
    match state
        .store
        .authenticate(&username, &f.password, &source)
        .await
    {
        Ok(user) => {
            // A new session for every login; the browser's previous one ends.
            if let Some(old) = cookies::get(&headers, cookies::SESSION) {
                state
                    .caches
                    .sessions
                    .remove(&domain::digest::sha256_hex(old.as_bytes()));
                if let Err(e) = state.store.delete_session(old).await {
                    return AppError::from(e).into_response();
                }
            }
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok());
            let ip = client.0.map(|a| a.to_string());
            let session = match state
                .store
                .create_session(user.id, state.config.sessions, ip.as_deref(), ua)
                .await
            {
                Ok(s) => s,
                Err(e) => return AppError::from(e).into_response(),
            };
            tracing::info!(user = user.username.as_str(), "logged in");
            let to = if user.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            let mut res = Redirect::to(&to).into_response();
            let secure = state.config.secure_cookies();
            let max_age = state.config.sessions.max_age_ms / 1000;
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::set(cookies::SESSION, &session.token, Some(max_age), secure),
            );
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::clear(cookies::PRE_CSRF, secure),
            );
            res
        }
        Err(StoreError::Domain(e)) => {
            tracing::warn!(user = username.as_str(), reason = e.code(), "login refused");
            let status = match e {
                DomainError::Users(UsersError::LoginBackoff { .. }) => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                _ => StatusCode::UNAUTHORIZED,
            };
            let t = texts::tr(ctx.lang);
            let page = LoginPage {
                l: ctx.layout(t.login_title),
                error: Some(e.message(ctx.lang)),
                notice: None,
                username,
                next,
            };
            (status, render(page)).into_response()
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, actor: Actor, headers: HeaderMap) -> Response {
    if let (Via::Session { id_hash }, Some(token)) =
        (&actor.via, cookies::get(&headers, cookies::SESSION))
    {
        state.caches.sessions.remove(id_hash);
        if let Err(e) = state.store.delete_session(token).await {
            return AppError::from(e).into_response();
        }
    }
    let mut res = Redirect::to("/login?logged_out=1").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(cookies::SESSION, state.config.secure_cookies()),
    );
    res
}

pub async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let mut res = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let cookie = cookies::set(
        cookies::LANG,
        lang.code(),
        Some(365 * 24 * 3600),
        state.config.secure_cookies(),
    );
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
