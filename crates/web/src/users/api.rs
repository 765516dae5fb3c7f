//! The users of the JSON API: who the caller is, and user accounts for administrators.

use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::Json as JsonIn;
use crate::extract::Query;
use crate::gate::{Actor, TargetUser};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dates::rfc3339_millis;
use domain::users::{Role, Username, check_new_password};
use serde::{Deserialize, Serialize};
use store::users::{NewUser, User, UserFilter};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(me, users_list, user_create, user_get), components(schemas(MeOut, UserOut, UserPage, NewUserIn, CreatedUserOut)), tags((name = "users", description = "Người dùng / users")))]
pub struct Api;

/// The user the request acts as.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    /// `admin`, `so_gddt`, `ban_dieu_phoi`, `phong_gddt`, `truong`, `so_tttt`, `so_tai_chinh`, `mttq`, `ubnd_tinh`.
    pub role: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Code of the unit whose subtree this user sees.
    pub scope_unit_code: String,
    pub must_change_password: bool,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, actor: Actor) -> AppResult<Json<MeOut>> {
    let summary = state.scope_summary(&actor.scope).await?;
    let scope_code = summary
        .unit
        .as_ref()
        .map(|u| u.code.to_string())
        .unwrap_or_default();
    let u = &actor.user;
    Ok(Json(MeOut {
        id: u.id,
        username: u.username.to_string(),
        full_name: u.full_name.clone(),
        role: u.role.code().into(),
        unit_code: u.unit_code.clone(),
        unit_name: u.unit_name.clone(),
        scope_unit_code: scope_code,
        must_change_password: u.must_change_password,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_code: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: String,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id,
            username: u.username.to_string(),
            full_name: u.full_name.clone(),
            role: u.role.code().into(),
            unit_code: u.unit_code.clone(),
            active: u.active,
            must_change_password: u.must_change_password,
            created_at: rfc3339_millis(u.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Search in usernames and names, accents and case ignored.
    #[serde(default, deserialize_with = "crate::api::empty_as_none")]
    q: Option<String>,
    /// Only users of this role.
    #[param(schema_with = roles)]
    role: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<i64>,
    /// Rows a page, at most 500.
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<i64>,
}

fn roles() -> utoipa::openapi::schema::Object {
    crate::api::codes(Role::ALL.map(Role::code))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
pub async fn users_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<UserQuery>,
) -> AppResult<Json<UserPage>> {
    let role = crate::api::code_param(&Role::ALL, Role::code, "role", q.role.as_deref())?;
    let filter = UserFilter {
        role,
        search: q.q.as_deref().map(text::fold),
    };
    let (page, per_page) = crate::api::paging(q.page, q.per_page, 500)?;
    let page = state
        .store
        .list_users(&actor.scope, &filter, page, per_page)
        .await?;
    Ok(Json(UserPage {
        items: page.items.iter().map(UserOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody)))]
pub async fn user_get(TargetUser(u): TargetUser) -> Json<UserOut> {
    Json(UserOut::from(&u))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserIn {
    /// Lower-case letters, digits, `.`, `_`, `-`; starts with a letter or digit; 3 to 64.
    #[schema(pattern = "^[a-z0-9][a-z0-9._-]{2,63}$")]
    pub username: String,
    /// The person's name as it is written, 1 to 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub full_name: String,
    #[schema(schema_with = roles)]
    pub role: String,
    /// Code of the unit the user belongs to (404 when none in your scope has it).
    #[schema(min_length = 1, max_length = 64)]
    pub unit_code: String,
    /// Omit to have a temporary password generated (returned once). At least 10
    /// characters, not the username, not one character repeated.
    #[schema(min_length = 10, max_length = 256)]
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUserOut {
    pub user: UserOut,
    /// The generated temporary password, present only when none was sent.
    pub generated_password: Option<String>,
}

/// A refusal named by the body's own fields (`password`, `unit_code`), not the form's.
fn in_body(e: impl Into<AppError>) -> AppError {
    match e.into() {
        AppError::Domain(d) => match d.field() {
            Some("new_password") => AppError::DomainField(d, "password"),
            Some("unit") => AppError::DomainField(d, "unit_code"),
            _ => AppError::Domain(d),
        },
        other => other,
    }
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserIn,
    responses((status = 201, body = CreatedUserOut), (status = 404, body = ErrorBody, description = "No unit has `unit_code` in your scope"),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn user_create(
    State(state): State<AppState>,
    actor: Actor,
    JsonIn(body): JsonIn<NewUserIn>,
) -> AppResult<Response> {
    create_user(state, actor, body).await.map_err(in_body)
}

async fn create_user(state: AppState, actor: Actor, body: NewUserIn) -> AppResult<Response> {
    let username = Username::parse(&body.username)?;
    // The API takes the name as it will be kept: the form forgives case and spaces.
    if username.as_str() != body.username {
        return Err(domain::DomainError::Users(domain::users::UsersError::InvalidUsername).into());
    }
    let role = Role::parse(&body.role)?;
    let (password, generated) = match body.password {
        Some(p) => {
            check_new_password(&p, username.as_str())?;
            (p, false)
        }
        None => (store::passwords::generate_password(), true),
    };
    let hash = store::passwords::hash_password(&password).await?;
    let user = state
        .store
        .create_user(
            &actor.audit(),
            Some(&actor.scope),
            NewUser {
                username,
                full_name: body.full_name,
                role,
                unit_code: body.unit_code,
                password_hash: hash,
                must_change_password: true,
            },
        )
        .await?;
    let out = CreatedUserOut {
        user: UserOut::from(&user),
        generated_password: generated.then_some(password),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
