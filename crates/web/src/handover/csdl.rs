//! A school's CSDL ngành page: the devices with its students in the sector database's
//! columns, the sheet to download, and the marks of the rows entered (ticked here, or the
//! sheet sent back with its last column filled in).

use super::giver_of;
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::{TooLarge, read_file};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::Lang;
use domain::devices::{DeviceKind, Holder};
use domain::handover::csdl::Columns;
use store::StoreError;
use store::handover::csdl::{CsdlMark, CsdlRow};

/// A school's sheet sent back: at most this many bytes and rows.
const MAX_SHEET_BYTES: usize = 5 * 1024 * 1024;
const MAX_SHEET_ROWS: usize = 20_000;

fn school_of(actor: &Actor) -> AppResult<i64> {
    match giver_of(actor) {
        Some(Holder::School(id)) => Ok(id),
        _ => Err(AppError::not_found()),
    }
}

pub struct Row {
    pub serial: String,
    pub name: String,
    pub class: String,
    pub code: String,
    pub device: &'static str,
    pub received: String,
    pub source: String,
    pub entered: bool,
}

#[derive(askama::Template)]
#[template(path = "handover/templates/csdl.html")]
struct Page {
    l: Layout,
    rows: Vec<Row>,
    left: usize,
    problems: Vec<String>,
}

fn date_of(ms: Option<i64>) -> String {
    ms.map(|m| domain::dates::format_date(domain::dates::local_date(m)))
        .unwrap_or_default()
}

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    problems: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let school = school_of(actor)?;
    let rows: Vec<Row> = state
        .store
        .csdl_rows(school)
        .await?
        .into_iter()
        .map(|r| Row {
            device: DeviceKind::parse(&r.kind)
                .map(|k| k.label(lang))
                .unwrap_or(""),
            received: date_of(r.received_at),
            source: r.donor_or_supplier(),
            entered: r.entered_at.is_some(),
            serial: r.serial,
            name: r.full_name,
            class: r.class_name.unwrap_or_default(),
            code: r.student_code.unwrap_or_default(),
        })
        .collect();
    let left = rows.iter().filter(|r| !r.entered).count();
    let page = render(Page {
        l: ctx.layout(texts::tr(lang).csdl),
        rows,
        left,
        problems,
    });
    Ok(crate::files::with_status(status, page))
}

pub async fn page(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    page_with(&state, &ctx, &actor, Vec::new(), StatusCode::OK).await
}

/// The ticks of the page: every serial shown, and the ones ticked.
pub async fn tick(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let school = school_of(&actor)?;
    let ticked: std::collections::HashSet<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "entered")
        .map(|(_, v)| v.as_str())
        .collect();
    let marks: Vec<CsdlMark> = pairs
        .iter()
        .filter(|(k, _)| k == "shown")
        .enumerate()
        .map(|(i, (_, serial))| CsdlMark {
            row: i + 1,
            serial: serial.clone(),
            entered: ticked.contains(serial.as_str()),
        })
        .collect();
    apply(&state, &ctx, &actor, school, &marks, "tick").await
}

async fn apply(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    school: i64,
    marks: &[CsdlMark],
    how: &'static str,
) -> AppResult<Response> {
    let lang = ctx.lang;
    match state
        .store
        .mark_csdl(&actor.audit(), school, marks, how)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            "/handover/csdl",
            "csdl_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Rows(rows)) => {
            let problems = rows.iter().map(|r| r.error.message(lang)).collect();
            page_with(
                state,
                ctx,
                actor,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// One row of the CSDL ngành sheet (the command line writes the same sheet).
pub fn line(r: &CsdlRow) -> sheets::csdl::CsdlLine {
    sheets::csdl::CsdlLine {
        student_code: r.student_code.clone().unwrap_or_default(),
        school_code: r.school_code.clone(),
        device_kind: DeviceKind::parse(&r.kind)
            .map(|k| k.label(Lang::Vi).to_string())
            .unwrap_or_default(),
        serial: r.serial.clone(),
        imei: r.imei.clone().unwrap_or_default(),
        received_on: date_of(r.received_at),
        source: r.source_word().to_string(),
        donor_or_supplier: r.donor_or_supplier(),
        entered: r.entered_at.is_some(),
    }
}

/// The school's sheet in the default column set.
pub async fn export(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let school = school_of(&actor)?;
    let rows = state.store.csdl_rows(school).await?;
    let lines: Vec<_> = rows.iter().map(line).collect();
    let bytes =
        sheets::csdl::write_csdl(&Columns::default_set(), &lines).map_err(AppError::internal)?;
    let name = format!("csdl-nganh-{}.xlsx", actor.user.unit_code);
    Ok(crate::files::xlsx_attachment(&name, bytes))
}

/// The sheet sent back: every row read, every bad one named, nothing written unless all
/// are right.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let school = school_of(&actor)?;
    let refuse = |msg: String| {
        page_with(
            &state,
            &ctx,
            &actor,
            vec![msg],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let bytes = match read_file(&mut multipart, MAX_SHEET_BYTES, "csdl.xlsx").await? {
        Err(TooLarge) => {
            return refuse(format!(
                "{} {} MB.",
                lang.pick(
                    "Tệp lớn hơn giới hạn",
                    "The file is larger than the limit of"
                ),
                MAX_SHEET_BYTES / 1024 / 1024
            ))
            .await;
        }
        Ok(None) => {
            return refuse(
                lang.pick("Hãy chọn tệp để gửi.", "Choose a file to send.")
                    .into(),
            )
            .await;
        }
        Ok(Some((_, bytes))) => bytes,
    };
    let limits = sheets::reader::Limits {
        max_rows: MAX_SHEET_ROWS,
        max_columns: 60,
        max_cell_chars: 1_000,
        max_part_bytes: 64 << 20,
        max_unzipped_bytes: 96 << 20,
        max_shared_strings_bytes: 16 << 20,
        max_ods_cells: 1_200_000,
    };
    let columns = Columns::default_set();
    let read = tokio::task::spawn_blocking(move || {
        sheets::csdl::read_csdl_marks(std::io::Cursor::new(bytes), &columns, &limits)
    })
    .await
    .map_err(AppError::internal)?;
    let marks = match read {
        Ok(m) => m,
        Err(errors) => {
            let problems = errors
                .iter()
                .map(|e| {
                    let msg = if lang == Lang::Vi {
                        &e.message_vi
                    } else {
                        &e.message_en
                    };
                    match (&e.column, e.row) {
                        (Some(c), r) if r > 0 => format!(
                            "{} {r}, {} “{c}”: {msg}",
                            lang.pick("Dòng", "Row"),
                            lang.pick("cột", "column")
                        ),
                        (_, r) if r > 0 => format!("{} {r}: {msg}", lang.pick("Dòng", "Row")),
                        _ => msg.clone(),
                    }
                })
                .collect();
            return page_with(
                &state,
                &ctx,
                &actor,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let marks: Vec<CsdlMark> = marks
        .into_iter()
        .map(|m| CsdlMark {
            row: m.row,
            serial: m.serial,
            entered: m.entered,
        })
        .collect();
    apply(&state, &ctx, &actor, school, &marks, "upload").await
}
