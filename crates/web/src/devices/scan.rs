//! Pages a barcode scanner types into: serial intake for a delivered batch (each scan
//! counted, a repeat or a known serial beeps), the stocktake (kiểm kê) of a place, and
//! one device's history looked up by its serial.

use super::options::{ModelOption, model_options, parse_serial_lines};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Query};
use crate::files::{TooLarge, read_field, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dates::format_millis;
use domain::devices::{Batch, DevicesError};
use domain::devices::{DeviceState, Holder};
use domain::units::UnitsError;
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::devices::{Place, SerialRow};

#[derive(Deserialize, Default, Clone)]
pub struct IntakeForm {
    #[serde(default)]
    model_id: String,
    /// `item:<receipt line id>`, `delivery:<delivery id>` or `contract`.
    #[serde(default)]
    batch: String,
    /// The contract's number, when `batch` is `contract`.
    #[serde(default)]
    contract_no: String,
    #[serde(default)]
    serials: String,
}

/// A batch the page offers: a receipt line with devices still to scan.
struct BatchOption {
    value: String,
    label: String,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/intake.html")]
struct IntakePage {
    l: Layout,
    f: IntakeForm,
    models: Vec<ModelOption>,
    batches: Vec<BatchOption>,
    error: Option<String>,
    bad: String,
    problems: Vec<String>,
}

async fn batch_options(state: &AppState, lang: Lang) -> AppResult<Vec<BatchOption>> {
    // Deliveries under recorded contracts first (procurement's), then receipt lines.
    let deliveries = state
        .store
        .deliveries_to_scan()
        .await?
        .into_iter()
        .map(|d| BatchOption {
            value: format!("delivery:{}", d.delivery_id),
            label: format!(
                "{} {} · {} {} ({}): {} · {} {}/{}",
                lang.pick("Hợp đồng", "Contract"),
                d.contract_no,
                lang.pick("giao hàng", "delivery"),
                d.delivery_no,
                d.supplier,
                d.model,
                lang.pick("đã nhập", "registered"),
                d.registered,
                d.quantity
            ),
        });
    Ok(deliveries
        .chain(
            state
                .store
                .receipt_lines_to_scan()
                .await?
                .into_iter()
                .map(|l| BatchOption {
                    value: format!("item:{}", l.item_id),
                    label: format!(
                        "{} {} ({}, {}) · {} {}: {} · {} {}/{}",
                        lang.pick("Biên bản", "Receipt"),
                        l.minutes_no,
                        l.donor,
                        crate::views::iso_to_vn(&l.received_on),
                        lang.pick("dòng", "line"),
                        l.line_no,
                        l.model,
                        lang.pick("đã nhập", "registered"),
                        l.registered,
                        l.quantity
                    ),
                }),
        )
        .collect())
}

async fn intake_page(
    state: &AppState,
    ctx: &Ctx,
    f: IntakeForm,
    error: Option<(&str, String)>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let status = if error.is_some() || !problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (bad, error) = match error {
        Some((f, m)) => (f.to_string(), Some(m)),
        None => (String::new(), None),
    };
    Ok(with_status(
        status,
        render(IntakePage {
            l: ctx.layout(texts::tr(ctx.lang).intake),
            f,
            models: model_options(state, ctx.lang).await?,
            batches: batch_options(state, ctx.lang).await?,
            error,
            bad,
            problems,
        })
        .into_response(),
    ))
}

/// The batch a link preselects (`?batch=delivery:7` from a procurement delivery).
#[derive(Deserialize, Default)]
pub struct IntakeQuery {
    #[serde(default)]
    batch: String,
}

pub async fn intake(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<IntakeQuery>,
) -> AppResult<Response> {
    let f = IntakeForm {
        batch: q.batch.chars().take(40).collect(),
        ..IntakeForm::default()
    };
    intake_page(&state, &ctx, f, None, Vec::new()).await
}

/// The model and the batch of an intake, or the field in error and why. A receipt
/// line brings its model when none is chosen.
async fn model_and_batch(
    state: &AppState,
    f: &IntakeForm,
    lang: Lang,
) -> AppResult<Result<(i64, Batch), (&'static str, String)>> {
    let batch = match f.batch.trim() {
        "contract" => match Batch::contract(&f.contract_no) {
            Ok(b) => b,
            Err(e) => return Ok(Err(("contract_no", e.message(lang)))),
        },
        b => match (
            b.strip_prefix("item:")
                .and_then(|id| id.parse::<i64>().ok()),
            b.strip_prefix("delivery:")
                .and_then(|id| id.parse::<i64>().ok()),
        ) {
            (Some(id), _) => Batch::ReceiptLine(id),
            (_, Some(id)) => Batch::Delivery(id),
            _ => {
                let e = DomainError::Devices(DevicesError::UnknownBatch);
                return Ok(Err(("batch", e.message(lang))));
            }
        },
    };
    let model_id = match (f.model_id.trim().parse::<i64>(), &batch) {
        (Ok(id), _) => id,
        (Err(_), Batch::ReceiptLine(item)) => {
            match state
                .store
                .receipt_lines_to_scan()
                .await?
                .into_iter()
                .find(|l| l.item_id == *item)
            {
                Some(l) => l.model_id,
                None => {
                    let e = DomainError::Devices(DevicesError::UnknownBatch);
                    return Ok(Err(("batch", e.message(lang))));
                }
            }
        }
        (Err(_), Batch::Delivery(d)) => {
            match state
                .store
                .deliveries_to_scan()
                .await?
                .into_iter()
                .find(|l| l.delivery_id == *d)
            {
                Some(l) => l.model_id,
                None => {
                    let e = DomainError::Devices(DevicesError::UnknownBatch);
                    return Ok(Err(("batch", e.message(lang))));
                }
            }
        }
        (Err(_), Batch::Contract(_)) => {
            return Ok(Err((
                "model_id",
                lang.pick("Hãy chọn mẫu thiết bị.", "Choose the device model.")
                    .to_string(),
            )));
        }
    };
    Ok(Ok((model_id, batch)))
}

/// Serials scanned or pasted into the page.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<IntakeForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (model_id, batch) = match model_and_batch(&state, &f, lang).await? {
        Ok(x) => x,
        Err(e) => return intake_page(&state, &ctx, f, Some(e), Vec::new()).await,
    };
    let rows: Vec<SerialRow> = parse_serial_lines(&f.serials)
        .into_iter()
        .enumerate()
        .map(|(i, s)| SerialRow {
            row: i + 1,
            serial: s.serial,
            imei: s.imei,
        })
        .collect();
    if rows.is_empty() {
        let msg = lang
            .pick("Chưa quét số sê-ri nào.", "No serial has been scanned.")
            .to_string();
        return intake_page(&state, &ctx, f, Some(("serials", msg)), Vec::new()).await;
    }
    let target = Intake {
        model_id,
        batch: &batch,
        row: ("Dòng", "Line"),
    };
    register_rows(&state, &ctx, &actor, f, &target, rows).await
}

/// A supplier's or donor's list (.xlsx, .xls, .ods, .csv) uploaded with its model and batch.
pub async fn register_file(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mut multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut f = IntakeForm::default();
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => match read_field(&mut field, state.config.body_limit).await? {
                Err(TooLarge) => too_large = true,
                Ok(b) if b.is_empty() => {}
                Ok(b) => file = Some(b),
            },
            "model_id" => f.model_id = field.text().await.map_err(bad)?,
            "batch" => f.batch = field.text().await.map_err(bad)?,
            "contract_no" => f.contract_no = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    let (model_id, batch) = match model_and_batch(&state, &f, lang).await? {
        Ok(x) => x,
        Err(e) => return intake_page(&state, &ctx, f, Some(e), Vec::new()).await,
    };
    let Some(bytes) = file.filter(|_| !too_large) else {
        let msg = if too_large {
            format!(
                "{} {} MB.",
                lang.pick(
                    "Tệp lớn hơn giới hạn",
                    "The file is larger than the limit of"
                ),
                state.config.body_limit / 1024 / 1024
            )
        } else {
            lang.pick("Chưa chọn tệp.", "No file was chosen.")
                .to_string()
        };
        return intake_page(&state, &ctx, f, Some(("file", msg)), Vec::new()).await;
    };
    // Reading a spreadsheet is CPU work: off the async threads.
    let list = tokio::task::spawn_blocking(move || {
        sheets::devices::read_serials(
            std::io::Cursor::new(bytes),
            &sheets::reader::Limits::default(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(Box::new(e)))?;
    let list = match list {
        Ok(l) => l,
        Err(e) => {
            let msg = lang.pick(&e.message_vi, &e.message_en).to_string();
            return intake_page(&state, &ctx, f, Some(("file", msg)), Vec::new()).await;
        }
    };
    // Every row: a device, refused with its reason, or skipped with why.
    if !list.rejected.is_empty() {
        let problems = list
            .rejected
            .iter()
            .map(|e| {
                format!(
                    "{} {}, {} {}: {}",
                    lang.pick("Dòng", "Row"),
                    e.row,
                    lang.pick("cột", "column"),
                    e.column.as_deref().unwrap_or("-"),
                    lang.pick(&e.message_vi, &e.message_en)
                )
            })
            .collect();
        return intake_page(&state, &ctx, f, None, problems).await;
    }
    if list.lines.is_empty() {
        let msg = format!(
            "{} ({}: {})",
            DomainError::Devices(DevicesError::NoDevices).message(lang),
            lang.pick("bỏ qua", "skipped"),
            list.skipped.why(lang)
        );
        return intake_page(&state, &ctx, f, Some(("file", msg)), Vec::new()).await;
    }
    let rows: Vec<SerialRow> = list
        .lines
        .into_iter()
        .map(|l| SerialRow {
            row: l.row,
            serial: l.serial,
            imei: l.imei,
        })
        .collect();
    let target = Intake {
        model_id,
        batch: &batch,
        row: ("Dòng trong tệp", "Row of the file"),
    };
    register_rows(&state, &ctx, &actor, f, &target, rows).await
}

/// Where registered serials go, and how their rows are named in messages.
struct Intake<'a> {
    model_id: i64,
    batch: &'a Batch,
    row: (&'static str, &'static str),
}

async fn register_rows(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: IntakeForm,
    to: &Intake<'_>,
    rows: Vec<SerialRow>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    match state
        .store
        .register_devices(&actor.audit(), to.model_id, to.batch, &rows, lang, false)
        .await
    {
        Ok(r) if r.rejected == 0 => {
            state.forget_devices();
            Ok(redirect_with_flash(
                "/devices/batches",
                "devices_registered",
                state.config.secure_cookies(),
            ))
        }
        Ok(r) => {
            let problems = r
                .errors
                .into_iter()
                .map(|e| format!("{} {}: {}", lang.pick(to.row.0, to.row.1), e.row, e.message))
                .collect();
            intake_page(state, ctx, f, None, problems).await
        }
        Err(store::StoreError::Domain(
            e @ DomainError::Devices(
                DevicesError::UnknownModel { .. }
                | DevicesError::UnknownBatch
                | DevicesError::BatchModel { .. }
                | DevicesError::BatchFull { .. }
                | DevicesError::DeliveryFull { .. },
            ),
        )) => {
            let field = match e {
                DomainError::Devices(
                    DevicesError::UnknownModel { .. } | DevicesError::BatchModel { .. },
                ) => "model_id",
                _ => "batch",
            };
            intake_page(state, ctx, f, Some((field, e.message(lang))), Vec::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CheckQuery {
    #[serde(default)]
    serial: String,
}

/// What the registry knows of a scanned serial, for the scanner page.
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CheckQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let found = match state.store.device(&q.serial).await {
        Ok(d) => d,
        Err(store::StoreError::Domain(DomainError::Devices(DevicesError::MissingSerial))) => None,
        Err(e) => return Err(e.into()),
    };
    let body = match found {
        Some(d) => serde_json::json!({
            "serial": d.serial,
            "known": true,
            "state": d.state.code(),
            "message": format!("{} ({})", lang.pick("đã có trong sổ theo dõi", "already in the registry"), d.state.label(lang)),
        }),
        None => {
            serde_json::json!({"serial": domain::devices::serial(&q.serial).unwrap_or_default(), "known": false})
        }
    };
    Ok(Json(body).into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct StocktakeForm {
    #[serde(default)]
    place: String,
    #[serde(default)]
    serials: String,
}

pub struct UnexpectedLine {
    pub serial: String,
    pub where_: String,
    /// The registry has the serial (elsewhere); otherwise it has never been registered.
    pub known: bool,
}

impl StocktakeResult {
    /// Scanned serials the registry has elsewhere.
    pub fn elsewhere(&self) -> impl Iterator<Item = &UnexpectedLine> {
        self.unexpected.iter().filter(|u| u.known)
    }
    /// Scanned serials the registry does not have at all.
    pub fn unknown(&self) -> impl Iterator<Item = &UnexpectedLine> {
        self.unexpected.iter().filter(|u| !u.known)
    }
}

pub struct StocktakeResult {
    pub expected: String,
    pub scanned: String,
    pub matched: String,
    pub missing: Vec<String>,
    pub unexpected: Vec<UnexpectedLine>,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/stocktake.html")]
struct StocktakePage {
    l: Layout,
    f: StocktakeForm,
    place_name: String,
    result: Option<StocktakeResult>,
    error: Option<String>,
    /// The kept stocktake shown (its number, who counted and when).
    kept: Option<(i64, String)>,
    /// The latest kept stocktakes: (number, place, when, missing, unexpected).
    recent: Vec<(i64, String, String, usize, usize)>,
}

async fn recent_stocktakes(
    state: &AppState,
) -> AppResult<Vec<(i64, String, String, usize, usize)>> {
    Ok(state
        .store
        .stocktakes(20)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.place_name,
                format_millis(r.taken_at),
                r.found.missing.len(),
                r.found.unexpected.len(),
            )
        })
        .collect())
}

pub async fn stocktake_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    Ok(render(StocktakePage {
        l: ctx.layout(texts::tr(ctx.lang).stocktake),
        f: StocktakeForm::default(),
        place_name: String::new(),
        result: None,
        error: None,
        kept: None,
        recent: recent_stocktakes(&state).await?,
    })
    .into_response())
}

/// What a kept stocktake found, in words (where each unexpected serial is, as the
/// registry has it now).
async fn result_of(
    state: &AppState,
    r: &store::devices::Stocktake,
    lang: Lang,
) -> AppResult<StocktakeResult> {
    let mut unexpected = Vec::with_capacity(r.unexpected.len());
    for u in &r.unexpected {
        unexpected.push(UnexpectedLine {
            serial: u.serial.clone(),
            known: u.state.is_some(),
            where_: match (u.state, u.holder) {
                (Some(s), Some(h)) => {
                    format!("{} · {}", s.label(lang), holder_text(state, h, lang).await?)
                }
                _ => lang
                    .pick("Không có trong sổ theo dõi", "Not in the registry")
                    .into(),
            },
        });
    }
    Ok(StocktakeResult {
        expected: num(r.expected as i64),
        scanned: num(r.scanned as i64),
        matched: num(r.matched as i64),
        missing: r.missing.clone(),
        unexpected,
    })
}

/// A kept stocktake, to print or look back on.
pub async fn stocktake_record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let rec = state
        .store
        .stocktake_record(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let result = result_of(&state, &rec.found, ctx.lang).await?;
    Ok(render(StocktakePage {
        l: ctx.layout(texts::tr(ctx.lang).stocktake),
        f: StocktakeForm::default(),
        place_name: rec.place_name.clone(),
        result: Some(result),
        error: None,
        kept: Some((
            rec.id,
            format!("{} · {}", rec.taken_by, format_millis(rec.taken_at)),
        )),
        recent: recent_stocktakes(&state).await?,
    })
    .into_response())
}

/// The stocktake's minutes (biên bản kiểm kê) as PDF.
pub async fn stocktake_pdf(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let rec = state
        .store
        .stocktake_record(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let province = state.store.province_place_name().await?;
    let result = result_of(&state, &rec.found, Lang::Vi).await?;
    let minutes = pdf::StocktakeMinutes {
        letterhead: crate::views::board_letterhead(&province),
        number: rec.id,
        date: domain::dates::from_millis(rec.taken_at).date(),
        place: rec.place_name.clone(),
        counted_by: crate::views::person(&rec.taken_by, Lang::Vi),
        expected: rec.found.expected,
        scanned: rec.found.scanned,
        matched: rec.found.matched,
        missing: rec.found.missing.clone(),
        unexpected: result
            .unexpected
            .into_iter()
            .map(|u| (u.serial, u.where_))
            .collect(),
    };
    let bytes = tokio::task::spawn_blocking(move || pdf::stocktake_minutes(&minutes))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    Ok(crate::files::inline_file(
        &format!("bien-ban-kiem-ke-{id}.pdf"),
        "application/pdf",
        bytes,
    ))
}

/// Who holds a device, in words; a student is never named here.
async fn holder_text(state: &AppState, h: Holder, lang: Lang) -> AppResult<String> {
    Ok(match h {
        Holder::Board => lang.pick("Kho Ban điều phối", "The Board's store").into(),
        Holder::Nobody => lang.pick("Không ai giữ", "Nobody").into(),
        Holder::Unit(id) | Holder::School(id) => match state.store.unit_by_id(id).await? {
            Some(u) => format!("{} ({})", u.name, u.code),
            None => format!("#{id}"),
        },
        Holder::Student(_) => lang.pick("Học sinh", "A student").into(),
    })
}

pub async fn stocktake(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<StocktakeForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let code = f.place.trim();
    let (place, place_name) = if code.is_empty() {
        (
            Place::Board,
            lang.pick("Kho Ban điều phối", "The Board's store")
                .to_string(),
        )
    } else {
        match state.store.unit_by_code(code).await? {
            Some(u) if u.kind == domain::units::UnitKind::School => (Place::School(u.id), u.name),
            Some(u) => (Place::Unit(u.id), u.name),
            None => {
                let msg = DomainError::Units(UnitsError::UnknownUnit {
                    code: code.to_string(),
                })
                .message(lang);
                return Ok(with_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(StocktakePage {
                        l: ctx.layout(texts::tr(ctx.lang).stocktake),
                        f,
                        place_name: String::new(),
                        result: None,
                        error: Some(msg),
                        kept: None,
                        recent: recent_stocktakes(&state).await?,
                    })
                    .into_response(),
                ));
            }
        }
    };
    let scans: Vec<String> = parse_serial_lines(&f.serials)
        .into_iter()
        .map(|s| s.serial)
        .collect();
    let r = state.store.stocktake(place, &scans).await?;
    // Kept as found, so that it can be printed, signed and looked back on.
    let id = state
        .store
        .save_stocktake(&actor.audit(), place, &place_name, &r)
        .await?;
    Ok(axum::response::Redirect::to(&format!("/devices/stocktakes/{id}")).into_response())
}

pub struct EventLine {
    pub at: String,
    pub from: String,
    pub to: String,
    pub holder: String,
    pub actor: String,
    pub note: String,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/serial.html")]
struct SerialPage {
    l: Layout,
    serial: String,
    state: String,
    holder: String,
    events: Vec<EventLine>,
}

fn state_label(code: &str, lang: Lang) -> String {
    DeviceState::parse(code)
        .map(|s| s.label(lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

pub async fn serial(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(serial): Path<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let d = match state.store.device(&serial).await {
        Ok(Some(d)) => d,
        Ok(None)
        | Err(store::StoreError::Domain(DomainError::Devices(DevicesError::MissingSerial))) => {
            return Err(AppError::not_found());
        }
        Err(e) => return Err(e.into()),
    };
    let mut events = Vec::new();
    for e in state.store.device_history(&d.serial).await? {
        let holder = match (e.holder_kind.as_str(), e.holder_id) {
            ("board", _) => Holder::Board,
            ("unit", Some(id)) => Holder::Unit(id),
            ("school", Some(id)) => Holder::School(id),
            ("student", Some(id)) => Holder::Student(id),
            _ => Holder::Nobody,
        };
        events.push(EventLine {
            at: format_millis(e.at),
            from: e
                .from_state
                .as_deref()
                .map(|s| state_label(s, lang))
                .unwrap_or_default(),
            to: state_label(&e.to_state, lang),
            holder: holder_text(&state, holder, lang).await?,
            actor: e.actor,
            note: e.note.unwrap_or_default(),
        });
    }
    Ok(render(SerialPage {
        l: ctx.layout(d.serial.clone()),
        serial: d.serial.clone(),
        state: d.state.label(lang).to_string(),
        holder: holder_text(&state, d.holder, lang).await?,
        events,
    })
    .into_response())
}
