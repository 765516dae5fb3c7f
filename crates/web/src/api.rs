//! The JSON API under `/api/v1`: the document's frame (title, authentication), and the
//! whole OpenAPI document, merged from the areas' parts (each area's `api.rs`, generated
//! from its handlers and types by utoipa). A test checks that every API route in the
//! route table is in it.

use crate::error::{AppError, AppResult, ErrorBody};
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
                       Thông báo lỗi (`message`) bằng tiếng Việt; gửi `Accept-Language: en` để nhận tiếng Anh; \
                       `code` và `field` không đổi theo ngôn ngữ. \
                       / JSON API of the “Signal and computers for children” programme. \
                       Authenticate with an API key (`Authorization: Bearer smt_…`, created on the Account page); \
                       every answer is limited to the user's scope. Error messages are in Vietnamese; \
                       send `Accept-Language: en` for English (`code` and `field` do not change).",
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

/// An empty query value (`?role=`) means the same as none.
pub fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = <Option<String> as serde::Deserialize>::deserialize(d)?;
    Ok(v.filter(|s| !s.trim().is_empty()))
}

/// The schema of a string parameter that takes one of `values`.
pub fn codes(values: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values))
        .build()
}

/// A parameter that must be one of the codes its schema lists (`all` with `code`), or
/// absent; anything else, even a word the forms accept, is a bad request.
pub fn code_param<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    field: &str,
    value: Option<&str>,
) -> AppResult<Option<T>> {
    value
        .map(|v| {
            all.iter()
                .copied()
                .find(|x| code(*x) == v)
                .ok_or_else(|| bad(field, v))
        })
        .transpose()
}

/// The highest page number a listing takes (its schema says so too).
pub const MAX_PAGE: i64 = 1_000_000;

/// The page and page size asked for, within what the schema declares (a page from 1 to
/// [`MAX_PAGE`], a size from 1 to `max`): anything else is a bad request, not clamped.
pub fn paging(page: Option<i64>, per_page: Option<i64>, max: i64) -> AppResult<(i64, i64)> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(100.min(max));
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(bad("page", &page.to_string()));
    }
    if !(1..=max).contains(&per_page) {
        return Err(bad("per_page", &per_page.to_string()));
    }
    Ok((page, per_page))
}

/// Every operation documents what every operation can answer: 400 (a malformed request),
/// 401 (no or a wrong key), 403 (not for this role), 422 (a rule refused it), 503 (the
/// database busy), and 404 when its path names a record.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        let common = [
            (
                "400",
                "Yêu cầu không đúng định dạng / a malformed request (a parameter out of range, a body that is not the JSON described)",
            ),
            (
                "401",
                "Thiếu hoặc sai khóa API / no API key, or a wrong one",
            ),
            ("403", "Vai trò không được làm việc này / not for this role"),
            (
                "422",
                "Quy tắc của chương trình từ chối / refused by a rule of the programme",
            ),
            (
                "503",
                "Cơ sở dữ liệu đang bận, thử lại sau / the database is busy, try again shortly (Retry-After)",
            ),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path.ends_with("/openapi.json") {
                continue;
            }
            let names_a_record = path.contains('{');
            for op in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut op.responses.responses;
                for (code, what) in common {
                    responses
                        .entry(code.to_string())
                        .or_insert_with(|| error(what).into());
                }
                if names_a_record {
                    responses.entry("404".to_string()).or_insert_with(|| {
                        error("Không có hoặc ngoài phạm vi / none, or outside your scope").into()
                    });
                }
            }
        }
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
    CommonResponses.modify(&mut doc);
    doc
}

pub async fn openapi_json() -> Response {
    match document().to_pretty_json() {
        Ok(s) => ([(header::CONTENT_TYPE, "application/json")], s).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}
