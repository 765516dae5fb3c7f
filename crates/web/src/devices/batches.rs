//! Delivered batches and their appraisal: the appraising department (Sở TT&TT) records
//! pass or fail per model and per batch, with notes, date and documents; the Board puts
//! the batches that passed in stock. A device that has not passed can go nowhere.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::{Accept, kept_file_type};
use crate::files::{DocumentLine, MAX_DOCUMENT_BYTES, document_lines, send_document};
use crate::files::{TooLarge, read_field, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::authz::Action;
use domain::dates::{format_date, today};
use domain::devices::appraisals::{Appraisal, Verdict};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::documents::DocumentOwner;

pub struct BatchLine {
    pub model_id: i64,
    pub source: String,
    /// The source in words ("biên bản tiếp nhận 12/BB-BTNĐP").
    pub source_label: String,
    pub received: String,
    pub appraised: String,
    pub rejected: String,
    pub in_stock: String,
    pub total: String,
    pub verdict: String,
    pub verdict_class: &'static str,
    pub waiting: bool,
    pub stockable: bool,
}

pub struct ModelBlock {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub verdict: String,
    pub verdict_class: &'static str,
    pub batches: Vec<BatchLine>,
}

pub struct AppraisalLine {
    pub id: i64,
    pub model: String,
    pub target: String,
    /// A batch reference (shown as code) rather than "the model".
    pub is_batch: bool,
    pub verdict: String,
    pub verdict_class: &'static str,
    pub on: String,
    pub notes: String,
    pub devices: String,
    pub by: String,
    pub documents: Vec<DocumentLine>,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/batches.html")]
struct BatchesPage {
    l: Layout,
    models: Vec<ModelBlock>,
    appraisals: Vec<AppraisalLine>,
    can_appraise: bool,
    can_stock: bool,
    today: String,
    error: Option<String>,
}

fn class(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Pass) => "pass",
        Some(Verdict::Fail) => "fail",
        None => "unknown",
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let waiting_label = lang.pick("Chưa thẩm định", "Not appraised");
    let label = |v: Option<Verdict>| {
        v.map(|v| v.label(lang).to_string())
            .unwrap_or_else(|| waiting_label.to_string())
    };
    let mut models: BTreeMap<(String, i64), ModelBlock> = BTreeMap::new();
    let mut names = std::collections::HashMap::new();
    for b in state.store.batches().await? {
        names.insert(b.model_id, b.model_name.clone());
        let block = models
            .entry((b.model_name.clone(), b.model_id))
            .or_insert_with(|| ModelBlock {
                id: b.model_id,
                name: b.model_name.clone(),
                kind: b.kind.label(lang).to_string(),
                verdict: label(b.model_verdict),
                verdict_class: class(b.model_verdict),
                batches: Vec::new(),
            });
        block.batches.push(BatchLine {
            model_id: b.model_id,
            source: b.source.clone(),
            source_label: domain::devices::source_label(&b.source, lang),
            received: num(b.received),
            appraised: num(b.appraised),
            rejected: num(b.rejected),
            in_stock: num(b.in_stock),
            total: num(b.total),
            // A batch of a model that failed is rejected with it.
            verdict: match (b.batch_verdict, b.model_verdict) {
                (None, Some(Verdict::Fail)) => lang
                    .pick("Không đạt (theo mẫu máy)", "Failed (with its model)")
                    .to_string(),
                (v, _) => label(v),
            },
            verdict_class: class(b.batch_verdict.or(match b.model_verdict {
                Some(Verdict::Fail) => Some(Verdict::Fail),
                _ => None,
            })),
            waiting: b.received > 0,
            stockable: b.appraised > 0,
        });
    }
    for m in state.store.device_models().await? {
        names
            .entry(m.id)
            .or_insert_with(|| format!("{} {}", m.model.brand, m.model.model));
    }
    let mut appraisals = Vec::new();
    for a in state.store.appraisals(None).await?.into_iter().take(100) {
        appraisals.push(AppraisalLine {
            id: a.id,
            model: names.get(&a.model_id).cloned().unwrap_or_default(),
            is_batch: a.source.is_some(),
            target: a
                .source
                .as_deref()
                .map(|s| domain::devices::source_label(s, lang))
                .unwrap_or_else(|| lang.pick("Mẫu máy", "The model").to_string()),
            verdict: a.verdict.label(lang).to_string(),
            verdict_class: class(Some(a.verdict)),
            on: format_date(a.appraised_on),
            notes: a.notes.clone().unwrap_or_default(),
            devices: num(a.devices),
            by: a.appraised_by.clone(),
            documents: document_lines(
                state
                    .store
                    .documents(DocumentOwner::Appraisal(a.id))
                    .await?,
                lang,
            ),
        });
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(with_status(
        status,
        render(BatchesPage {
            l: ctx.layout(texts::tr(ctx.lang).batches),
            models: models.into_values().collect(),
            appraisals,
            can_appraise: actor.can(Action::AppraiseDevices),
            can_stock: actor.can(Action::ReceiveDevices),
            today: format_date(today()),
            error,
        })
        .into_response(),
    ))
}

pub async fn batches(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    page(&state, &ctx, &actor, None).await
}

/// The appraisal form: text fields and an optional report, in one multipart body.
pub async fn appraise(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut fields = std::collections::HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("").to_string();
            match read_field(&mut field, MAX_DOCUMENT_BYTES).await? {
                Err(TooLarge) => too_large = true,
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => file = Some((fname, bytes)),
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let refuse = |msg: String| async { page(&state, &ctx, &actor, Some(msg)).await };
    if too_large {
        return refuse(format!(
            "{} {} MB.",
            lang.pick(
                "Tệp lớn hơn giới hạn",
                "The file is larger than the limit of"
            ),
            MAX_DOCUMENT_BYTES / 1024 / 1024
        ))
        .await;
    }
    let content_type = match &file {
        None => None,
        Some((_, bytes)) => match kept_file_type(bytes, Accept::Document) {
            Ok(t) => Some(t),
            Err(found) => {
                return refuse(format!(
                    "{} ({found}).",
                    lang.pick(
                        "Biên bản thẩm định chỉ nhận tệp PDF, ảnh, Word hoặc Excel",
                        "An appraisal report must be a PDF, a photo, Word or Excel"
                    )
                ))
                .await;
            }
        },
    };
    let Ok(model_id) = get("model_id").parse::<i64>() else {
        return Err(AppError::BadRequest(
            lang.pick("Thiếu mẫu thiết bị.", "The device model is missing.")
                .into(),
        ));
    };
    let Some(verdict) = Verdict::parse(&get("verdict")) else {
        return refuse(
            lang.pick(
                "Hãy chọn kết quả: đạt hoặc không đạt.",
                "Choose the result: pass or fail.",
            )
            .into(),
        )
        .await;
    };
    let Some(on) = domain::dates::parse_date(&get("appraised_on")) else {
        return refuse(
            lang.pick(
                "Ngày thẩm định cần có dạng dd/mm/yyyy.",
                "The appraisal date reads dd/mm/yyyy.",
            )
            .into(),
        )
        .await;
    };
    let source = get("source");
    let a = Appraisal {
        model_id,
        source: (!source.is_empty()).then_some(source),
        verdict,
        appraised_on: on,
        notes: Some(get("notes")),
    };
    let outcome = match state.store.appraise(&actor.audit(), &a).await {
        Ok(o) => o,
        Err(store::StoreError::Domain(e))
            if !matches!(e, DomainError::NotFound | DomainError::Forbidden) =>
        {
            return refuse(e.message(lang)).await;
        }
        Err(e) => return Err(e.into()),
    };
    if let (Some((name, bytes)), Some(t)) = (file, content_type) {
        let name = if name.trim().is_empty() {
            "bien-ban-tham-dinh".to_string()
        } else {
            name
        };
        state
            .store
            .add_document(
                &actor.audit(),
                DocumentOwner::Appraisal(outcome.id),
                &name,
                t,
                bytes,
            )
            .await?;
    }
    state.forget_devices();
    Ok(redirect_with_flash(
        "/devices/batches",
        "appraisal_saved",
        state.config.secure_cookies(),
    ))
}

#[derive(Deserialize)]
pub struct StockInForm {
    #[serde(default)]
    model_id: String,
    #[serde(default)]
    source: String,
}

pub async fn stock_in(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<StockInForm>,
) -> AppResult<Response> {
    let Ok(model_id) = f.model_id.trim().parse::<i64>() else {
        return Err(AppError::BadRequest(
            ctx.lang
                .pick("Thiếu mẫu thiết bị.", "The device model is missing.")
                .into(),
        ));
    };
    match state
        .store
        .stock_in(&actor.audit(), model_id, f.source.trim())
        .await
    {
        Ok(_) => Ok({
            state.forget_devices();
            redirect_with_flash(
                "/devices/batches",
                "stocked_in",
                state.config.secure_cookies(),
            )
        }),
        Err(store::StoreError::Domain(e))
            if !matches!(e, DomainError::NotFound | DomainError::Forbidden) =>
        {
            page(&state, &ctx, &actor, Some(e.message(ctx.lang))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn appraisal_document(
    State(state): State<AppState>,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    send_document(&state, DocumentOwner::Appraisal(id), doc).await
}
