//! User management for administrators: list, create, edit, reset password, unlock.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Form;
use crate::extract::Query;
use crate::gate::{Actor, TargetUser};
use crate::state::AppState;
use crate::views::Opt;
use crate::views::{Ctx, FieldErrors, Pager, redirect_with_flash, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::users::{Role, Username, check_new_password};
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::users::{NewUser, User, UserChanges, UserFilter};

fn role_opts(lang: Lang, cur: &str) -> Vec<Opt> {
    Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.code(),
            label: r.label(lang),
            selected: r.code() == cur,
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    page: Option<i64>,
}

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: &'static str,
    pub unit: String,
    pub active: bool,
}

#[derive(askama::Template)]
#[template(path = "users/templates/admin/index.html")]
struct IndexPage {
    l: Layout,
    q: String,
    roles: Vec<Opt>,
    rows: Vec<UserLine>,
    pager: Pager,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = UserFilter {
        role: Role::parse(&q.role).ok(),
        search: Some(text::fold(&q.q)).filter(|s| !s.is_empty()),
    };
    let page = state
        .store
        .list_users(&actor.scope, &filter, q.page.unwrap_or(1), 50)
        .await?;
    let pairs = [("q", q.q.clone()), ("role", q.role.clone())];
    Ok(render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).users_title),
        roles: role_opts(ctx.lang, &q.role),
        rows: page
            .items
            .iter()
            .map(|u| UserLine {
                id: u.id,
                username: u.username.to_string(),
                full_name: u.full_name.clone(),
                role: u.role.label(ctx.lang),
                unit: format!("{} ({})", u.unit_name, u.unit_code),
                active: u.active,
            })
            .collect(),
        pager: Pager::new("/admin/users", &pairs, page.page, page.pages(), page.total),
        q: q.q,
    }))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    password: String,
}

#[derive(askama::Template)]
#[template(path = "users/templates/admin/new.html")]
struct NewPage {
    l: Layout,
    f: NewUserForm,
    roles: Vec<Opt>,
    /// The units of the scope, as the unit field offers them: (code, name).
    units: Vec<(String, String)>,
    errors: FieldErrors,
    created: Option<(i64, String, String)>,
}

/// Every unit of the administrator's scope, for the unit field to offer by name.
async fn unit_choices(state: &AppState, actor: &Actor) -> AppResult<Vec<(String, String)>> {
    let filter = store::units::UnitFilter::default();
    let mut out = Vec::new();
    for page in 1..=20 {
        let p = state
            .store
            .list_units(&actor.scope, &filter, page, 500)
            .await?;
        let n = p.items.len();
        out.extend(p.items.into_iter().map(|u| (u.code.to_string(), u.name)));
        if n < 500 {
            break;
        }
    }
    Ok(out)
}

/// The unit field's text as a unit code: a code, the offered "name (code)", or a name
/// that one unit of the scope has.
async fn unit_code_of(state: &AppState, actor: &Actor, typed: &str) -> AppResult<String> {
    let t = typed.trim();
    if let Some(code) = t
        .strip_suffix(')')
        .and_then(|x| x.rsplit_once('('))
        .map(|(_, c)| c.trim())
    {
        return Ok(code.to_string());
    }
    if t.is_empty() || t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(t.to_string());
    }
    let filter = store::units::UnitFilter {
        search: Some(text::fold(t)),
        ..Default::default()
    };
    let found = state.store.list_units(&actor.scope, &filter, 1, 2).await?;
    Ok(match found.items.as_slice() {
        [one] => one.code.to_string(),
        _ => t.to_string(),
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let f = NewUserForm {
        role: "truong".into(),
        ..Default::default()
    };
    Ok(render(NewPage {
        l: ctx.layout(texts::tr(ctx.lang).new_user),
        roles: role_opts(ctx.lang, &f.role),
        units: unit_choices(&state, &actor).await?,
        f,
        errors: FieldErrors::default(),
        created: None,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut field_err =
        |e: DomainError| errors.push((e.field().unwrap_or("username"), e.message(ctx.lang)));
    let username = Username::parse(&f.username).map_err(&mut field_err).ok();
    let role = Role::parse(&f.role).map_err(&mut field_err).ok();
    let generated = f.password.is_empty();
    let password = if generated {
        store::passwords::generate_password()
    } else {
        f.password.clone()
    };
    if !generated && let Err(e) = check_new_password(&password, f.username.trim()) {
        errors.push(("password", e.message(ctx.lang)));
    }
    let units = unit_choices(&state, &actor).await?;
    let (Some(username), Some(role), true) = (username, role, errors.is_empty()) else {
        return Ok(invalid(&ctx, f, units, errors));
    };
    let hash = store::passwords::hash_password(&password).await?;
    let new = NewUser {
        username,
        full_name: f.full_name.clone(),
        role,
        unit_code: unit_code_of(&state, &actor, &f.unit).await?,
        password_hash: hash,
        must_change_password: true,
    };
    match state
        .store
        .create_user(&actor.audit(), Some(&actor.scope), new)
        .await
    {
        Ok(user) => {
            let shown = if generated { password } else { String::new() };
            let page = NewPage {
                l: ctx.layout(texts::tr(ctx.lang).new_user),
                roles: role_opts(ctx.lang, "truong"),
                units,
                f: NewUserForm {
                    role: "truong".into(),
                    ..Default::default()
                },
                errors: FieldErrors::default(),
                created: Some((user.id, user.username.to_string(), shown)),
            };
            Ok((StatusCode::CREATED, render(page)).into_response())
        }
        Err(StoreError::Domain(e)) => {
            let field = e.field().unwrap_or("username");
            let msg = e.message(ctx.lang);
            Ok(invalid(&ctx, f, units, vec![(field, msg)]))
        }
        Err(e) => Err(e.into()),
    }
}

fn invalid(
    ctx: &Ctx,
    f: NewUserForm,
    units: Vec<(String, String)>,
    errors: Vec<(&'static str, String)>,
) -> Response {
    let page = NewPage {
        l: ctx.layout(texts::tr(ctx.lang).new_user),
        roles: role_opts(ctx.lang, &f.role),
        units,
        f,
        errors: errors.into(),
        created: None,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
}

#[derive(askama::Template)]
#[template(path = "users/templates/admin/detail.html")]
struct DetailPage {
    l: Layout,
    u: User,
    role_label: &'static str,
    roles: Vec<Opt>,
    locked: Option<String>,
    errors: FieldErrors,
    new_password: Option<String>,
    is_self: bool,
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    u: User,
    errors: FieldErrors,
    new_password: Option<String>,
) -> AppResult<DetailPage> {
    let locked = state.store.login_wait(u.username.as_str()).await?;
    Ok(DetailPage {
        l: ctx.layout(u.username.to_string()),
        role_label: u.role.label(ctx.lang),
        roles: role_opts(ctx.lang, u.role.code()),
        locked: locked.map(crate::views::when),
        errors,
        new_password,
        is_self: actor.user.id == u.id,
        u,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUser(u): TargetUser,
) -> AppResult<Response> {
    Ok(render(
        detail_page(&state, &ctx, &actor, u, FieldErrors::default(), None).await?,
    ))
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUser(u): TargetUser,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    let role = match Role::parse(&f.role) {
        Ok(r) => r,
        Err(e) => {
            let page = detail_page(
                &state,
                &ctx,
                &actor,
                u,
                vec![("role", e.message(ctx.lang))].into(),
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response());
        }
    };
    let changes = UserChanges {
        full_name: Some(f.full_name),
        role: Some(role),
        unit_code: Some(f.unit.trim().to_string()),
        active: Some(f.active.is_some()),
    };
    match state
        .store
        .update_user(&actor.audit(), Some(&actor.scope), u.id, changes)
        .await
    {
        Ok(_) => {
            state.forget_user(u.id);
            Ok(redirect_with_flash(
                &format!("/admin/users/{}", u.id),
                "user_saved",
                state.config.secure_cookies(),
            ))
        }
        Err(StoreError::Domain(e)) => {
            let field = e.field().unwrap_or("role");
            let page = detail_page(
                &state,
                &ctx,
                &actor,
                u,
                vec![(field, e.message(ctx.lang))].into(),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUser(u): TargetUser,
) -> AppResult<Response> {
    let password = store::passwords::generate_password();
    let hash = store::passwords::hash_password(&password).await?;
    state
        .store
        .set_password(&actor.audit(), u.id, hash, true, None)
        .await?;
    state.forget_user(u.id);
    let fresh = state.store.user_by_id(u.id).await?.unwrap_or(u);
    Ok(render(
        detail_page(
            &state,
            &ctx,
            &actor,
            fresh,
            FieldErrors::default(),
            Some(password),
        )
        .await?,
    ))
}

pub async fn unlock(
    State(state): State<AppState>,
    actor: Actor,
    TargetUser(u): TargetUser,
) -> AppResult<Response> {
    state.store.unlock_user(&actor.audit(), u.id).await?;
    Ok(redirect_with_flash(
        &format!("/admin/users/{}", u.id),
        "unlocked",
        state.config.secure_cookies(),
    ))
}
