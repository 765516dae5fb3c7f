//! The units of the JSON API: units and schools in the caller's scope.

use crate::api::code_param;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use domain::dates::rfc3339_millis;
use domain::units::{InternetStatus, SchoolLevel, UnitKind};
use serde::{Deserialize, Serialize};
use store::units::{Unit, UnitFilter, UnitOrder};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(units_list, unit_get), components(schemas(UnitOut, UnitPage)), tags((name = "units", description = "Đơn vị và trường học / units and schools")))]
pub struct Api;

/// A unit or school.
#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub code: String,
    pub name: String,
    /// `country`, `province`, `department`, `district`, `commune`, `school`.
    pub kind: String,
    /// For departments: `so_gddt`, `so_tttt`, `so_tai_chinh`, `mttq`, `ubnd_tinh`, `other`.
    pub agency: Option<String>,
    /// The administrative type as written: tỉnh, huyện, thành phố, xã, phường, thị trấn.
    pub admin_type: Option<String>,
    pub parent_code: Option<String>,
    pub parent_name: Option<String>,
    /// For schools: `tieu_hoc`, `thcs`, `thpt`, `th_thcs`, `thcs_thpt`, `gdtx`, `khac`.
    pub school_level: Option<String>,
    pub commune_name: Option<String>,
    /// For schools: `connected`, `weak`, `none`, `unknown`.
    pub internet: Option<String>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

impl From<&Unit> for UnitOut {
    fn from(u: &Unit) -> Self {
        UnitOut {
            code: u.code.to_string(),
            name: u.name.clone(),
            kind: u.kind.code().into(),
            agency: u.agency.map(|a| a.code().into()),
            admin_type: u.admin_type.clone(),
            parent_code: u.parent_code.clone(),
            parent_name: u.parent_name.clone(),
            school_level: u.school_level.map(|l| l.code().into()),
            commune_name: u.commune_name.clone(),
            internet: u.internet.map(|i| i.code().into()),
            updated_at: rfc3339_millis(u.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Search in names and codes, accents and case ignored.
    #[serde(default, deserialize_with = "crate::api::empty_as_none")]
    q: Option<String>,
    /// `district`, `commune`, `school`, …
    #[param(schema_with = kinds)]
    kind: Option<String>,
    /// School level code.
    #[param(schema_with = levels)]
    level: Option<String>,
    /// Internet status code.
    #[param(schema_with = internets)]
    internet: Option<String>,
    /// Only units directly under this unit code (404 when none in your scope has it).
    #[serde(default, deserialize_with = "crate::api::empty_as_none")]
    parent: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<i64>,
    /// Rows a page, at most 500.
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<i64>,
}

fn kinds() -> utoipa::openapi::schema::Object {
    crate::api::codes(UnitKind::ALL.map(UnitKind::code))
}

fn levels() -> utoipa::openapi::schema::Object {
    crate::api::codes(SchoolLevel::ALL.map(SchoolLevel::code))
}

fn internets() -> utoipa::openapi::schema::Object {
    crate::api::codes(InternetStatus::ALL.map(InternetStatus::code))
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery),
    responses((status = 200, body = UnitPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "`parent` names no unit in your scope")))]
pub async fn units_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<UnitQuery>,
) -> AppResult<Json<UnitPage>> {
    let kind = code_param(&UnitKind::ALL, UnitKind::code, "kind", q.kind.as_deref())?;
    let school_level = code_param(
        &SchoolLevel::ALL,
        SchoolLevel::code,
        "level",
        q.level.as_deref(),
    )?;
    let internet = code_param(
        &InternetStatus::ALL,
        InternetStatus::code,
        "internet",
        q.internet.as_deref(),
    )?;
    let parent_id = match q.parent.as_deref() {
        Some(code) => match state.store.unit_by_code(code).await? {
            Some(u) if actor.sees(&u.path) => Some(u.id),
            _ => return Err(AppError::not_found()),
        },
        None => None,
    };
    let filter = UnitFilter {
        kind,
        school_level,
        internet,
        parent_id,
        search: q.q.as_deref().map(text::fold),
        order: UnitOrder::Code,
    };
    let (page, per_page) = crate::api::paging(q.page, q.per_page, 500)?;
    let page = state
        .store
        .list_units(&actor.scope, &filter, page, per_page)
        .await?;
    Ok(Json(UnitPage {
        items: page.items.iter().map(UnitOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 200, body = UnitOut), (status = 404, body = ErrorBody, description = "No such unit in your scope")))]
pub async fn unit_get(TargetUnit(u): TargetUnit) -> Json<UnitOut> {
    Json(UnitOut::from(&u))
}
