//! Files in and out of pages: one uploaded file read in chunks up to a limit (never held
//! beyond it), what a file to keep is by its bytes (one sniffer for every kept file), a
//! stored file sent back safely, and a page answered with another status.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use store::documents::DocumentOwner;

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

/// Which kinds of file a place keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Evidence of a tier: a photo (JPEG, PNG, WebP, HEIC) or a PDF.
    PhotoOrPdf,
    /// A document of a receipt or an appraisal: a PDF, a photo or scan (JPEG, PNG, WebP),
    /// a Word or an Excel file.
    Document,
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a file to keep is, by its bytes, when `accept` takes it; else `Err` with what it
/// looks like instead.
pub fn kept_file_type(bytes: &[u8], accept: Accept) -> Result<&'static str, String> {
    let found = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else {
        match infer::get(bytes) {
            Some(t) if matches!(t.mime_type(), "image/heif" | "image/heic") => "image/heic",
            // Office files are zips; which one is in its entries, not always first.
            Some(t)
                if t.mime_type() == "application/zip"
                    || t.mime_type() == DOCX
                    || t.mime_type() == XLSX =>
            {
                office_type(bytes).unwrap_or("application/zip")
            }
            Some(t) => t.mime_type(),
            None if bytes.is_empty() => return Err("tệp rỗng (empty)".into()),
            None => return Err("không rõ (unknown)".into()),
        }
    };
    let ok = match accept {
        Accept::PhotoOrPdf => matches!(
            found,
            "application/pdf" | "image/jpeg" | "image/png" | "image/webp" | "image/heic"
        ),
        Accept::Document => {
            matches!(
                found,
                "application/pdf" | "image/jpeg" | "image/png" | "image/webp"
            ) || found == DOCX
                || found == XLSX
        }
    };
    if ok {
        Ok(found)
    } else {
        Err(found.to_string())
    }
}

/// A Word or an Excel file, by the entries of its zip (only the zip's directory is read).
fn office_type(bytes: &[u8]) -> Option<&'static str> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let has = |name: &str| zip.file_names().any(|n| n.is_ok_and(|n| n == name));
    if !has("[Content_Types].xml") {
        return None;
    }
    if has("xl/workbook.xml") {
        Some(XLSX)
    } else if has("word/document.xml") {
        Some(DOCX)
    } else {
        None
    }
}

/// A kept document at most this large (a scanned deed of gift, an appraisal report).
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// Evidence files larger than this are refused (a phone photo of a certificate is
/// 2–5 MB).
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A kept file as a page lists it.
pub struct DocumentLine {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub sha256: String,
    pub by: String,
    pub at: String,
}

pub(crate) fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// A kept file's type in words.
pub fn kind_text(content_type: &str, lang: Lang) -> String {
    let (vi, en) = match content_type {
        "application/pdf" => ("Tệp PDF", "PDF file"),
        "image/jpeg" => ("Ảnh JPEG", "JPEG photo"),
        "image/png" => ("Ảnh PNG", "PNG image"),
        "image/webp" => ("Ảnh WebP", "WebP image"),
        "image/heic" | "image/heif" => ("Ảnh HEIC", "HEIC photo"),
        t if t.contains("wordprocessingml") || t == "application/msword" => {
            ("Tài liệu Word", "Word document")
        }
        t if t.contains("spreadsheetml") || t == "application/vnd.ms-excel" => {
            ("Bảng tính Excel", "Excel workbook")
        }
        _ => ("Tệp", "File"),
    };
    lang.pick(vi, en).to_string()
}

pub fn document_lines(docs: Vec<store::documents::Document>, lang: Lang) -> Vec<DocumentLine> {
    docs.into_iter()
        .map(|d| DocumentLine {
            id: d.id,
            name: d.file_name,
            kind: kind_text(&d.content_type, lang),
            size: size_text(d.size),
            sha256: d.sha256,
            by: crate::views::person(&d.uploaded_by, lang),
            at: domain::dates::format_millis(d.uploaded_at),
        })
        .collect()
}

/// A kept file of its owner, sent back inline; another owner's id finds nothing.
pub async fn send_document(
    state: &AppState,
    owner: DocumentOwner,
    doc: i64,
) -> AppResult<Response> {
    let (meta, data) = state
        .store
        .document(owner, doc)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(inline_file(&meta.file_name, &meta.content_type, data))
}

/// A document the program printed, sent back inline after it is recorded in the archive
/// (its type, number, date and SHA-256; a reprint of the same bytes only counts). The
/// response carries the digest (`X-Content-SHA256`), so a paper copy can be checked.
pub async fn issued_pdf(
    state: &crate::state::AppState,
    actor: &crate::gate::Actor,
    doc: &store::archive::Issued,
    file_name: &str,
    bytes: Vec<u8>,
) -> crate::error::AppResult<Response> {
    let sha = state
        .store
        .archive_print(&actor.audit(), doc, file_name, &bytes)
        .await?;
    let mut res = inline_file(file_name, "application/pdf", bytes);
    if let Ok(v) = HeaderValue::from_str(&sha) {
        res.headers_mut().insert("x-content-sha256", v);
    }
    Ok(res)
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

/// A generated CSV file (UTF-8, its body whole or streamed) sent as an attachment, never
/// cached by a shared machine.
pub fn csv_attachment(file_name: &str, body: axum::body::Body) -> Response {
    attachment(body.into_response(), file_name, "text/csv; charset=utf-8")
}

fn attachment(mut res: Response, file_name: &str, content_type: &'static str) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// A generated `.xlsx` file sent as an attachment, never cached by a shared machine.
pub fn xlsx_attachment(file_name: &str, bytes: Vec<u8>) -> Response {
    attachment(
        bytes.into_response(),
        file_name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for e in entries {
            w.start_file(*e, o).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn office_files_are_known_by_their_entries_in_any_order() {
        // As Excel and LibreOffice write them: properties first.
        let xlsx = zip_of(&[
            "docProps/app.xml",
            "docProps/core.xml",
            "xl/workbook.xml",
            "[Content_Types].xml",
        ]);
        assert_eq!(kept_file_type(&xlsx, Accept::Document), Ok(XLSX));
        let docx = zip_of(&[
            "docProps/app.xml",
            "word/document.xml",
            "[Content_Types].xml",
        ]);
        assert_eq!(kept_file_type(&docx, Accept::Document), Ok(DOCX));
        assert!(
            kept_file_type(&xlsx, Accept::PhotoOrPdf).is_err(),
            "not as evidence"
        );
        // Any other zip stays a zip, and is refused.
        let other = zip_of(&["readme.txt"]);
        assert_eq!(
            kept_file_type(&other, Accept::Document),
            Err("application/zip".to_string())
        );
        assert_eq!(
            kept_file_type(b"%PDF-1.7 x", Accept::PhotoOrPdf),
            Ok("application/pdf")
        );
        assert!(kept_file_type(b"", Accept::Document).is_err());
    }
}
