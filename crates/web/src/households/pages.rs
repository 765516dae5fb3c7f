//! The communes' registers of poor and near-poor households: what is registered in the
//! user's scope (counts only), and the import of a register (upload, preview with every
//! refused row, confirm), after which every tier-(i)/(ii) claim is checked again.

use super::imports::{HouseholdReport, HouseholdRequest, import_households};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::gate::Actor;
use crate::imports::ImportError;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use store::households::RegisterCount;

pub struct CountLine {
    pub district: String,
    pub commune: String,
    pub year: i64,
    pub ngheo: String,
    pub can_ngheo: String,
}

#[derive(askama::Template)]
#[template(path = "households/templates/index.html")]
struct IndexPage {
    l: Layout,
    rows: Vec<CountLine>,
    can_import: bool,
    year: i32,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "households/templates/preview.html")]
struct PreviewPage {
    l: Layout,
    file_name: String,
    report: HouseholdReport,
    upload_id: Option<String>,
    year: i32,
}

async fn default_year(state: &AppState) -> AppResult<i32> {
    Ok(match state.store.current_round().await? {
        Some(r) => r.opens_on.year(),
        None => domain::dates::today().year(),
    })
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    error: Option<String>,
) -> AppResult<Response> {
    let counts: Vec<RegisterCount> = state.store.register_counts(&actor.scope).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(IndexPage {
            l: ctx.layout(texts::tr(ctx.lang).nav_households),
            rows: counts
                .into_iter()
                .map(|c| CountLine {
                    district: c.district,
                    commune: c.commune,
                    year: c.year,
                    ngheo: crate::views::num(c.ngheo),
                    can_ngheo: crate::views::num(c.can_ngheo),
                })
                .collect(),
            can_import: actor.can(Action::ManageHouseholds),
            year: default_year(state).await?,
            error,
        }),
    )
        .into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    index_page(&state, &ctx, &actor, None).await
}

/// The upload: read and checked without writing, shown as a preview.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut year = default_year(&state).await?;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("ho-ngheo").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            Some("year") => {
                let t = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
                if let Ok(y) = t.trim().parse::<i32>()
                    && (2000..=2100).contains(&y)
                {
                    year = y;
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let msg = ctx.lang.pick("Chưa chọn tệp.", "No file was chosen.");
        return index_page(&state, &ctx, &actor, Some(msg.into())).await;
    };
    let sha256 = domain::digest::sha256_hex(&bytes);
    let req = HouseholdRequest {
        scope: &actor.scope,
        file_name: &name,
        sha256,
        year,
        dry_run: true,
        lang: ctx.lang,
    };
    match import_households(
        &state.store,
        &actor.audit(),
        &req,
        std::io::Cursor::new(bytes.clone()),
    )
    .await
    {
        Ok(report) => {
            let upload_id = if report.errors.is_empty() {
                Some(
                    state
                        .store
                        .put_upload(
                            "households",
                            actor.user.id,
                            &year.to_string(),
                            &name,
                            &bytes,
                        )
                        .await?,
                )
            } else {
                None
            };
            let status = if upload_id.is_some() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                render(PreviewPage {
                    l: ctx.layout(texts::tr(ctx.lang).preview_title),
                    file_name: name,
                    report,
                    upload_id,
                    year,
                }),
            )
                .into_response())
        }
        Err(ImportError::File(e)) => {
            let msg = ctx.lang.pick(&e.message_vi, &e.message_en).to_string();
            index_page(&state, &ctx, &actor, Some(msg)).await
        }
        Err(ImportError::NotASchool(_)) => Err(AppError::not_found()),
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(ImportError::Reader(e)) => Err(AppError::internal(e)),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((id, year)): Path<(String, i32)>,
) -> AppResult<Response> {
    let up = state
        .store
        .upload(&id, actor.user.id, "households", &year.to_string())
        .await?
        .ok_or(AppError::Domain(domain::DomainError::UploadExpired))?;
    let req = HouseholdRequest {
        scope: &actor.scope,
        file_name: &up.file_name,
        sha256: up.sha256.clone(),
        year,
        dry_run: false,
        lang: ctx.lang,
    };
    match import_households(
        &state.store,
        &actor.audit(),
        &req,
        std::io::Cursor::new(up.data),
    )
    .await
    {
        Ok(report) if report.errors.is_empty() => {
            state.store.drop_upload(&id).await?;
            Ok(redirect_with_flash(
                "/households",
                "households_imported",
                state.config.secure_cookies(),
            ))
        }
        Ok(report) => Err(AppError::BadRequest(
            report
                .errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        )),
        Err(ImportError::File(e)) => Err(AppError::BadRequest(
            ctx.lang.pick(&e.message_vi, &e.message_en).to_string(),
        )),
        Err(ImportError::NotASchool(_)) => Err(AppError::not_found()),
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(ImportError::Reader(e)) => Err(AppError::internal(e)),
    }
}
