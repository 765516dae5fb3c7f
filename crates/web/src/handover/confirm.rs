//! A signed form: the fields of a confirmation, a student's handover or a return, with the
//! signature drawn on the pad (its strokes) or a scan of the signed paper, in one
//! multipart body read within a bound; and the receiving side's confirmation itself.

use super::giver_of;
use super::pages::{ConfirmValues, show_page, visible};
use crate::error::{AppError, AppResult};
use crate::files::{Accept, TooLarge, kept_file_type, read_field};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::devices::Holder;
use domain::handover::signature::{MAX_BYTES, Strokes};
use domain::handover::{HandoverError, Signer};
use domain::{DomainError, Lang};
use std::collections::HashMap;
use store::StoreError;
use store::handover::SignatureInput;

/// A signed scan kept with the minutes: at most this many bytes.
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// What a signed form sent.
pub struct SignedForm {
    pub fields: HashMap<String, String>,
    pub scan: Option<Vec<u8>>,
    pub too_large: bool,
}

impl SignedForm {
    pub fn get(&self, k: &str) -> String {
        self.fields
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// The signature: the scan if one was sent, else the strokes drawn; refused when
    /// neither, or when the scan is not a PDF or a photo.
    pub fn signature(&self, lang: Lang) -> Result<SignatureInput, (String, &'static str)> {
        if self.too_large {
            return Err((
                format!(
                    "{} {} MB.",
                    lang.pick(
                        "Bản quét lớn hơn giới hạn",
                        "The scan is larger than the limit of"
                    ),
                    MAX_SCAN_BYTES / 1024 / 1024
                ),
                "signature",
            ));
        }
        if let Some(bytes) = &self.scan {
            return match kept_file_type(bytes, Accept::PhotoOrPdf) {
                Ok(t) => Ok(SignatureInput::Scan {
                    bytes: bytes.clone(),
                    content_type: t.to_string(),
                }),
                Err(found) => Err((
                    format!(
                        "{} ({found}).",
                        lang.pick(
                            "Bản quét biên bản đã ký phải là tệp PDF hoặc ảnh",
                            "The scan of the signed minutes must be a PDF or a photo"
                        )
                    ),
                    "signature",
                )),
            };
        }
        match Strokes::parse(&self.get("signature")) {
            Ok(s) => Ok(SignatureInput::Drawn(s.drawn())),
            Err(e) => Err((DomainError::from(e).message(lang), "signature")),
        }
    }
}

/// Reads a signed form's fields, the drawn strokes (bounded by the pad's limit) and an
/// optional scan (bounded by [`MAX_SCAN_BYTES`]).
pub async fn read_signed(mut multipart: Multipart) -> AppResult<SignedForm> {
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    let mut form = SignedForm {
        fields: HashMap::new(),
        scan: None,
        too_large: false,
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            match read_field(&mut field, MAX_SCAN_BYTES).await? {
                Err(TooLarge) => form.too_large = true,
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => form.scan = Some(bytes),
            }
            continue;
        }
        let limit = if name == "signature" || name == "serials" {
            MAX_BYTES
        } else {
            4096
        };
        match read_field(&mut field, limit).await? {
            Err(TooLarge) => {
                return Err(AppError::BadRequest(format!("{name}: too large")));
            }
            Ok(bytes) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| AppError::BadRequest(format!("{name}: not UTF-8")))?;
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

/// An officer's name and position for the receiving side.
pub fn officer(form: &SignedForm) -> Result<Signer, HandoverError> {
    let name = domain::handover::person_name(&form.get("signer_name"))?;
    let position = form.get("signer_position");
    Ok(Signer {
        name,
        position: (!position.is_empty()).then(|| position.chars().take(100).collect()),
        relation: None,
        id_number: None,
    })
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let h = visible(&state, &actor, id).await?;
    let mine = matches!(giver_of(&actor), Some(Holder::Unit(u)) | Some(Holder::School(u)) if u == h.receiver_unit_id);
    if !mine || !h.step.confirmed_later() {
        return Err(AppError::not_found());
    }
    let form = read_signed(multipart).await?;
    let values = ConfirmValues {
        serials: form.get("serials"),
        all_arrived: form.get("all_arrived") == "1",
        signer_name: form.get("signer_name"),
        signer_position: form.get("signer_position"),
    };
    let refuse = |msg: String, bad: &'static str, status: StatusCode| {
        show_page(
            &state,
            &ctx,
            &actor,
            id,
            values.clone(),
            Some((status, msg, bad)),
        )
    };
    let scanned: Vec<String> = if values.all_arrived {
        state
            .store
            .handover_items(id)
            .await?
            .into_iter()
            .filter(|i| i.status == "sent")
            .map(|i| i.serial)
            .collect()
    } else if values.serials.trim().is_empty() {
        // Nothing scanned and "all arrived" not ticked: everything would be missing,
        // which is a mistake far more often than a fact.
        return refuse(
            lang.pick(
                "Hãy quét số sê-ri các thiết bị đã nhận, hoặc chọn “Nhận đủ như biên bản”.",
                "Scan the devices received, or tick “All arrived as listed”.",
            )
            .to_string(),
            "serials",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    } else {
        match domain::handover::scanned_serials(&values.serials) {
            Ok(s) => s,
            Err(e) => {
                return refuse(
                    DomainError::from(e).message(lang),
                    "serials",
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    };
    let signer = match officer(&form) {
        Ok(s) => s,
        Err(e) => {
            return refuse(
                DomainError::from(e).message(lang),
                "signer_name",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let signature = match form.signature(lang) {
        Ok(s) => s,
        Err((msg, bad)) => return refuse(msg, bad, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state
        .store
        .confirm_handover(&actor.audit(), id, &scanned, &signer, &signature)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/handover/{id}"),
            "handover_confirmed",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e != DomainError::NotFound => {
            let status = crate::error::domain_status(&e);
            refuse(e.message(lang), "", status).await
        }
        Err(e) => Err(e.into()),
    }
}
