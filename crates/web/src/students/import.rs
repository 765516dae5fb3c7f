//! Importing a school's list in the web: upload, a dry run shown as a preview (counts
//! and every rejected row with its reason), then the import on confirmation.

use super::imports::{ImportRequest, StudentReport, import_students};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::imports::ImportError;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::students::programs::Round;
use serde::Deserialize;
use store::units::Unit;

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    round: Option<i64>,
}

#[derive(askama::Template)]
#[template(path = "students/templates/import.html")]
struct UploadPage {
    l: Layout,
    school: Unit,
    round: Round,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "students/templates/preview.html")]
struct PreviewPage {
    l: Layout,
    school: Unit,
    round: Round,
    file_name: String,
    report: StudentReport,
    /// What the dry run would change.
    outcome: store::students::ImportOutcome,
    upload_id: String,
    /// Accepted rows by tier: ("(i) Học sinh thuộc hộ nghèo", n).
    by_tier: Vec<(String, usize)>,
    sample: Vec<SampleLine>,
}

/// A row of the file as it will be stored.
pub struct SampleLine {
    pub row: usize,
    pub name: String,
    pub dob: String,
    pub code: String,
    pub class_name: String,
    pub tier: String,
    pub parent: String,
}

fn editable_school(u: &Unit) -> AppResult<()> {
    if u.kind == domain::units::UnitKind::School {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    editable_school(&u)?;
    let round = state.store.round_or_current(q.round).await?;
    Ok(render(UploadPage {
        l: ctx.layout(texts::tr(ctx.lang).import_title),
        school: u,
        round,
        error: None,
    }))
}

fn target(round: &Round, school: &Unit) -> String {
    format!("{}/{}", round.id, school.id)
}

fn file_error(lang: domain::Lang, e: &sheets::SheetError) -> String {
    lang.pick(&e.message_vi, &e.message_en).to_string()
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    editable_school(&u)?;
    let round = state.store.round_or_current(q.round).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("danh-sach").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let invalid = |msg: String, u: Unit, round: Round| {
        let page = UploadPage {
            l: ctx.layout(texts::tr(ctx.lang).import_title),
            school: u,
            round,
            error: Some(msg),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return invalid(
            ctx.lang
                .pick("Chưa chọn tệp.", "No file was chosen.")
                .to_string(),
            u,
            round,
        );
    };
    let req = ImportRequest {
        school: &u,
        round_id: Some(round.id),
        file_name: &name,
        sha256: domain::digest::sha256_hex(&bytes),
        dry_run: true,
        read_first: true,
        lang: ctx.lang,
    };
    match import_students(
        &state.store,
        &actor.audit(),
        &req,
        std::io::Cursor::new(bytes.clone()),
    )
    .await
    {
        Ok((report, outcome)) => {
            let upload_id = state
                .store
                .put_upload(
                    "students",
                    actor.user.id,
                    &target(&round, &u),
                    &name,
                    &bytes,
                )
                .await?;
            let tiers = state.store.tiers(round.program_id).await?;
            let tier_of = |rank: i32| {
                tiers
                    .iter()
                    .find(|t| t.rank == rank)
                    .map(|t| {
                        (
                            format!("({})", t.code),
                            format!("({}) {}", t.code, t.label_in(ctx.lang)),
                        )
                    })
                    .unwrap_or_default()
            };
            let by_tier = report
                .by_rank
                .iter()
                .map(|(rank, n)| (tier_of(*rank).1, *n))
                .collect();
            let sample = report
                .sample
                .iter()
                .map(|(row, d)| SampleLine {
                    row: *row,
                    name: d.full_name.clone(),
                    dob: crate::views::iso_to_vn(&d.dob.to_string()),
                    code: d.code.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                    class_name: d.class_name.clone().unwrap_or_default(),
                    tier: tier_of(d.tier_rank).0,
                    parent: d.parent_name.clone().unwrap_or_default(),
                })
                .collect();
            Ok(render(PreviewPage {
                by_tier,
                sample,
                l: ctx.layout(texts::tr(ctx.lang).preview_title),
                school: u,
                round,
                file_name: name,
                report,
                outcome,
                upload_id,
            }))
        }
        Err(ImportError::File(e)) => invalid(file_error(ctx.lang, &e), u, round),
        Err(ImportError::NotASchool(_)) => Err(AppError::not_found()),
        Err(ImportError::Store(store::StoreError::Domain(e))) => {
            invalid(e.message(ctx.lang), u, round)
        }
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(ImportError::Reader(e)) => Err(AppError::internal(e)),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    editable_school(&u)?;
    let round = state.store.round_or_current(q.round).await?;
    let up = state
        .store
        .upload(&id, actor.user.id, "students", &target(&round, &u))
        .await?
        .ok_or(AppError::Domain(domain::DomainError::UploadExpired))?;
    let req = ImportRequest {
        school: &u,
        round_id: Some(round.id),
        file_name: &up.file_name,
        sha256: up.sha256.clone(),
        dry_run: false,
        read_first: true,
        lang: ctx.lang,
    };
    match import_students(
        &state.store,
        &actor.audit(),
        &req,
        std::io::Cursor::new(up.data),
    )
    .await
    {
        Ok(_) => {
            state.store.drop_upload(&id).await?;
            state.forget_work();
            Ok(redirect_with_flash(
                &format!("/students/school/{}?round={}", u.code, round.id),
                "imported",
                state.config.secure_cookies(),
            ))
        }
        Err(ImportError::File(e)) => Err(AppError::BadRequest(file_error(ctx.lang, &e))),
        Err(ImportError::NotASchool(_)) => Err(AppError::not_found()),
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(ImportError::Reader(e)) => Err(AppError::internal(e)),
    }
}
