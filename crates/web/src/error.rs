//! The web layer's one error type and its one mapping to HTTP. 4xx are mapped
//! explicitly; 5xx are logged with their cause chain and shown only as a generic message
//! with the request id. Pages and the JSON API share the mapping: the error travels in
//! the response's extensions and `render_errors` writes it as HTML or JSON.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{DomainError, ErrorKind, Lang};
use serde::Serialize;
use store::StoreError;

#[derive(Debug)]
pub enum AppError {
    Domain(DomainError),
    /// A domain error about a field a request names otherwise (the API's `password`
    /// where the form's is `new_password`).
    DomainField(DomainError, &'static str),
    /// Not logged in, or the session ended.
    Unauthenticated,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// Input that cannot be parsed at all (a malformed form or query).
    BadRequest(String),
    /// An import's rows, each with its problem.
    Rows(Vec<RowProblem>),
    /// The address exists, for other methods (listed in the `Allow` header).
    MethodNotAllowed(String),
    /// The database is busy with other writers; nothing was written (503, try again).
    Busy,
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// A row's problem in both languages; the answer carries it in the caller's.
#[derive(Debug, Clone)]
pub struct RowProblem {
    pub row: usize,
    pub column: Option<String>,
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl RowProblem {
    pub fn in_lang(&self, lang: Lang) -> RowError {
        RowError {
            row: self.row,
            column: self.column.clone(),
            code: self.code.to_string(),
            message: match lang {
                Lang::Vi => self.message_vi.clone(),
                Lang::En => self.message_en.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub code: String,
    pub message: String,
}

/// What a client is told about an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
    pub field: Option<&'static str>,
    pub rows: Vec<RowProblem>,
}

impl ErrorInfo {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.message_vi,
            Lang::En => &self.message_en,
        }
    }
}

/// The JSON error body of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `forbidden`, `not_found`, `invalid_username`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    pub request_id: String,
}

pub(crate) fn domain_status(e: &DomainError) -> StatusCode {
    match e.kind() {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Gone => StatusCode::GONE,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
    }
}

impl AppError {
    pub fn not_found() -> AppError {
        AppError::Domain(DomainError::NotFound)
    }

    pub fn forbidden() -> AppError {
        AppError::Domain(DomainError::Forbidden)
    }

    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(e))
    }

    pub fn info(&self) -> ErrorInfo {
        let plain = |status, code, vi: &str, en: &str| ErrorInfo {
            status,
            code,
            message_vi: vi.to_string(),
            message_en: en.to_string(),
            field: None,
            rows: Vec::new(),
        };
        match self {
            AppError::Domain(e) => ErrorInfo {
                status: domain_status(e),
                code: e.code(),
                message_vi: e.message(Lang::Vi),
                message_en: e.message(Lang::En),
                field: e.field(),
                rows: Vec::new(),
            },
            AppError::DomainField(e, field) => ErrorInfo {
                field: Some(field),
                ..AppError::Domain(e.clone()).info()
            },
            AppError::Unauthenticated => plain(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Bạn cần đăng nhập (hoặc gửi khóa API) để dùng chức năng này.",
                "Log in (or send an API key) to use this.",
            ),
            AppError::Csrf => plain(
                StatusCode::FORBIDDEN,
                "csrf",
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
                "The form expired or is invalid. Reload the page and try again.",
            ),
            AppError::BadRequest(detail) => ErrorInfo {
                status: StatusCode::BAD_REQUEST,
                code: "bad_request",
                message_vi: format!("Yêu cầu không hợp lệ: {detail}"),
                message_en: format!("Invalid request: {detail}"),
                field: None,
                rows: Vec::new(),
            },
            AppError::Rows(rows) => ErrorInfo {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid_rows",
                message_vi: format!("{} dòng có lỗi; chưa ghi dữ liệu nào.", rows.len()),
                message_en: format!("{} rows have problems; nothing was written.", rows.len()),
                field: None,
                rows: rows.clone(),
            },
            AppError::MethodNotAllowed(_) => plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Địa chỉ này không nhận yêu cầu kiểu này (ví dụ: mở trực tiếp một địa chỉ chỉ dùng để gửi biểu mẫu).",
                "This address does not take this kind of request (for example, opening an address that only receives a form).",
            ),
            AppError::Busy => plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Hệ thống đang bận ghi dữ liệu khác nên chưa lưu được yêu cầu của bạn. Vui lòng thử lại sau ít giây.",
                "The system is busy writing other data and has not saved your request. Please try again in a few seconds.",
            ),
            AppError::Internal(_) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Hệ thống gặp sự cố. Vui lòng thử lại; nếu vẫn lỗi, báo quản trị viên kèm mã yêu cầu.",
                "The system had a problem. Please try again; if it persists, tell an administrator the request id.",
            ),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Domain(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => AppError::Domain(d),
            StoreError::Busy => AppError::Busy,
            StoreError::Rows(rows) => AppError::Rows(
                rows.into_iter()
                    .map(|r| RowProblem {
                        row: r.row,
                        column: Some(r.field.to_string()),
                        code: r.error.code(),
                        message_vi: r.error.message(Lang::Vi),
                        message_en: r.error.message(Lang::En),
                    })
                    .collect(),
            ),
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(Box::new(e))
    }
}

fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %cause_chain(e.as_ref()), "internal error");
        }
        let info = self.info();
        let mut res = info.status.into_response();
        if info.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let AppError::MethodNotAllowed(allow) = &self
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            res.headers_mut().insert(header::ALLOW, v);
        }
        if matches!(self, AppError::Busy) {
            tracing::warn!("database busy: answered 503");
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res.extensions_mut().insert(info);
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Writes the body of every error response: JSON under `/api/`, an HTML page elsewhere.
/// Runs outside the router, so it also covers the gate's refusals and the 404 fallback.
pub async fn render_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let lang = if is_api {
        crate::gate::api_lang_of(req.headers())
    } else {
        crate::gate::lang_of(req.headers())
    };
    let rid = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut res = next.run(req).await;
    let Some(info) = res.extensions_mut().remove::<ErrorInfo>() else {
        return res;
    };
    let status = info.status;
    let mut out = if is_api {
        let body = ErrorBody {
            error: ErrorDetail {
                code: info.code.to_string(),
                message: info.message(lang).to_string(),
                field: info.field.map(str::to_string),
                rows: info.rows.iter().map(|r| r.in_lang(lang)).collect(),
                request_id: rid,
            },
        };
        (status, axum::Json(body)).into_response()
    } else {
        let t = crate::i18n::tr(lang);
        let message = match status {
            StatusCode::FORBIDDEN if info.code == "forbidden" => t.error_forbidden.to_string(),
            StatusCode::NOT_FOUND => t.error_not_found.to_string(),
            _ => info.message(lang).to_string(),
        };
        let viewer = res.extensions_mut().remove::<crate::gate::ErrorViewer>();
        let (actor, csrf) = match viewer {
            Some(v) => (Some(v.actor), v.csrf),
            None => (None, String::new()),
        };
        let ctx = crate::views::Ctx {
            lang,
            actor,
            csrf,
            flash: None,
            path: String::new(),
            path_and_query: "/".into(),
            request_id: rid.clone(),
        };
        let page = ErrorPage {
            l: ctx.layout(t.error_title),
            heading: t.error_title,
            code: info.code,
            message,
            request_id: rid,
        };
        (status, crate::views::render(page)).into_response()
    };
    // Keep headers the error set (WWW-Authenticate, cookies).
    for (k, v) in res.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().append(k.clone(), v.clone());
        }
    }
    out
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: crate::views::Layout,
    heading: &'static str,
    code: &'static str,
    message: String,
    request_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use domain::RowIssue;
    use domain::units::UnitsError;
    use tower::ServiceExt;

    async fn rows_answer(accept_language: &str) -> serde_json::Value {
        let app = Router::new()
            .route(
                "/api/rows",
                get(|| async {
                    AppError::from(StoreError::Rows(vec![RowIssue {
                        row: 3,
                        field: "code",
                        error: DomainError::Units(UnitsError::InvalidUnitCode {
                            value: "x y".into(),
                        }),
                    }]))
                }),
            )
            .layer(axum::middleware::from_fn(render_errors));
        let res = app
            .oneshot(
                axum::http::Request::get("/api/rows")
                    .header(header::ACCEPT_LANGUAGE, accept_language)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn row_errors_come_in_the_language_the_caller_asks_for() {
        let en = rows_answer("en-US,en;q=0.9,vi;q=0.5").await;
        assert_eq!(en["error"]["rows"][0]["row"], 3);
        let msg = en["error"]["rows"][0]["message"].as_str().unwrap();
        assert!(msg.starts_with("Unit code \"x y\" is invalid"), "{msg}");
        assert!(
            en["error"]["message"]
                .as_str()
                .unwrap()
                .contains("nothing was written")
        );
        let vi = rows_answer("vi,en;q=0.8").await;
        let msg = vi["error"]["rows"][0]["message"].as_str().unwrap();
        assert!(msg.starts_with("Mã đơn vị \"x y\" không hợp lệ"), "{msg}");
    }
}
