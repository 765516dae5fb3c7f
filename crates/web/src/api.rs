//! The JSON API under `/api/v1`: the document's frame (title, authentication), and the
//! whole OpenAPI document, merged from the areas' parts (each area's `api.rs`, generated
//! from its handlers and types by utoipa). A test checks that every API route in the
//! route table is in it.

use crate::error::{AppError, ErrorBody};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "songmaytinh API",
        description = "API JSON của hệ thống quản lý Chương trình “Sóng và máy tính cho em”. \
                       Xác thực bằng khóa API: `Authorization: Bearer smt_…` (tạo ở trang Tài khoản). \
                       Mọi dữ liệu được giới hạn trong phạm vi đơn vị của người dùng. \
                       / JSON API of the “Signal and computers for children” programme. \
                       Authenticate with an API key (`Authorization: Bearer smt_…`, created on the Account page); \
                       every answer is limited to the user's scope.",
        version = "1"
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("api_key" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("smt_ + 40 hex".into());
        components.add_security_scheme("api_key", SecurityScheme::Http(http));
    }
}

/// A query parameter whose value is not one the API knows.
pub fn bad(field: &str, value: &str) -> AppError {
    AppError::BadRequest(format!("{field}={value}"))
}

/// The whole document: the frame and every area's part, in the registry's order.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in crate::areas::AREAS.iter().filter_map(|a| a.api) {
        doc.merge(part());
    }
    doc
}

pub async fn openapi_json() -> Response {
    match document().to_pretty_json() {
        Ok(s) => ([(header::CONTENT_TYPE, "application/json")], s).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}
