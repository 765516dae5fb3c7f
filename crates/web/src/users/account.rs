//! One's own account: profile, password, API keys.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::gate::{Actor, Via};
use crate::state::AppState;
use crate::views::{Ctx, FieldErrors, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::users::UsersError;
use domain::users::check_new_password;
use serde::Deserialize;
use store::StoreError;
use store::users::api_keys::ApiKey;

#[derive(askama::Template)]
#[template(path = "users/templates/account/show.html")]
struct AccountPage {
    l: Layout,
    a: Actor,
    role_label: &'static str,
    keys: Vec<ApiKey>,
    new_key: Option<String>,
    key_error: Option<String>,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    actor: Actor,
    new_key: Option<String>,
    key_error: Option<String>,
) -> AppResult<Response> {
    let keys = state.store.api_keys_of(actor.user.id).await?;
    let status = if key_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        l: ctx.layout(texts::tr(ctx.lang).account_title),
        role_label: actor.user.role.label(ctx.lang),
        a: actor,
        keys,
        new_key,
        key_error,
    };
    Ok((status, render(page)).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    account_page(&state, &ctx, actor, None, None).await
}

#[derive(askama::Template)]
#[template(path = "users/templates/account/password.html")]
struct PasswordPage {
    l: Layout,
    forced: bool,
    errors: FieldErrors,
}

pub async fn password_form(ctx: Ctx, actor: Actor) -> Response {
    render(PasswordPage {
        l: ctx.layout(texts::tr(ctx.lang).change_password),
        forced: actor.user.must_change_password,
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut push =
        |e: DomainError| errors.push((e.field().unwrap_or("new_password"), e.message(ctx.lang)));
    if !state
        .store
        .check_password(actor.user.id, &f.current_password)
        .await?
    {
        push(DomainError::Users(UsersError::WrongCurrentPassword));
    }
    if let Err(e) = check_new_password(&f.new_password, actor.user.username.as_str()) {
        push(e);
    } else if f.new_password == f.current_password {
        push(DomainError::Users(UsersError::WeakPassword {
            min_len: domain::users::MIN_PASSWORD_LEN,
        }));
    }
    if f.new_password != f.confirm_password {
        push(DomainError::Users(UsersError::PasswordConfirmationMismatch));
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            l: ctx.layout(texts::tr(ctx.lang).change_password),
            forced: actor.user.must_change_password,
            errors: errors.into(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response());
    }
    let hash = store::passwords::hash_password(&f.new_password).await?;
    let keep = match &actor.via {
        Via::Session { id_hash } => Some(id_hash.as_str()),
        Via::ApiKey { .. } => None,
    };
    state
        .store
        .set_password(&actor.audit(), actor.user.id, hash, false, keep)
        .await?;
    state.forget_user(actor.user.id);
    Ok(redirect_with_flash(
        "/account",
        "password_changed",
        state.config.secure_cookies(),
    ))
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
}

pub async fn create_api_key(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<KeyForm>,
) -> AppResult<Response> {
    match state
        .store
        .create_api_key(&actor.audit(), &actor.user, &f.name)
        .await
    {
        Ok((_, secret)) => account_page(&state, &ctx, actor, Some(secret), None).await,
        Err(StoreError::Domain(e)) => {
            account_page(&state, &ctx, actor, None, Some(e.message(ctx.lang))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_api_key(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::not_found())?;
    state
        .store
        .revoke_api_key(&actor.audit(), &actor.user, id)
        .await?;
    state.forget_user(actor.user.id);
    Ok(redirect_with_flash(
        "/account",
        "api_key_revoked",
        state.config.secure_cookies(),
    ))
}
