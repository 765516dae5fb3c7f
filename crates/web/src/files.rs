//! Files in and out of pages: one uploaded file read in chunks up to a limit (never held
//! beyond it), a stored file sent back safely, and a page answered with another status.

use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A file larger than the limit was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// The bytes of one multipart field, stopping at `max`.
pub async fn read_field(field: &mut Field<'_>, max: usize) -> AppResult<Result<Vec<u8>, TooLarge>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if bytes.len() + chunk.len() > max {
            return Ok(Err(TooLarge));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Ok(bytes))
}

/// The form's `file` field: its name and bytes, `None` when no file was chosen.
pub async fn read_file(
    multipart: &mut Multipart,
    max: usize,
    default_name: &str,
) -> AppResult<Result<Option<(String, Vec<u8>)>, TooLarge>> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(default_name)
            .to_string();
        return Ok(match read_field(&mut field, max).await? {
            Err(TooLarge) => Err(TooLarge),
            Ok(bytes) if bytes.is_empty() => Ok(None),
            Ok(bytes) => Ok(Some((name, bytes))),
        });
    }
    Ok(Ok(None))
}

/// A stored file sent back inline with its own name, never cached by a shared machine or
/// a proxy, and never run as a page.
pub fn inline_file(file_name: &str, content_type: &str, data: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    let disposition = format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    );
    let mut res = data.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; object-src 'self'"),
    );
    res
}

/// The same response with another status (a page re-shown with a refusal).
pub fn with_status(status: StatusCode, res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    parts.status = status;
    Response::from_parts(parts, body)
}
