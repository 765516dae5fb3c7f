//! The JSON API under `/api/v1`. Its OpenAPI document is generated from these handlers
//! and types (utoipa); a test checks that every API route in the route table is in it.

use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::Json as JsonIn;
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit, TargetUser};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::dates::rfc3339_millis;
use domain::units::{InternetStatus, SchoolLevel, UnitKind};
use domain::users::{Role, Username, check_new_password};
use serde::{Deserialize, Serialize};
use store::units::{Unit, UnitFilter, UnitOrder};
use store::users::{NewUser, User, UserFilter};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

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
    paths(me, units_list, unit_get, users_list, user_create, user_get, audit_verify, students_list, student_counts),
    components(schemas(MeOut, UnitOut, UnitPage, UserOut, UserPage, NewUserIn, CreatedUserOut, AuditVerifyOut, ErrorBody,
                      StudentOut, StudentPage, SchoolCountOut, StudentCountsOut)),
    modifiers(&BearerAuth),
    security(("api_key" = [])),
    tags((name = "units", description = "Đơn vị và trường học / units and schools"),
         (name = "users", description = "Người dùng / users"),
         (name = "audit", description = "Nhật ký / audit trail"),
         (name = "students", description = "Học sinh đề nghị hỗ trợ / students proposed for a computer"))
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

pub async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(s) => ([(header::CONTENT_TYPE, "application/json")], s).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// The user the request acts as.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    /// `admin`, `so_gddt`, `ban_dieu_phoi`, `phong_gddt`, `truong`, `so_tttt`, `so_tai_chinh`, `mttq`, `ubnd_tinh`.
    pub role: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Code of the unit whose subtree this user sees.
    pub scope_unit_code: String,
    pub must_change_password: bool,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, actor: Actor) -> AppResult<Json<MeOut>> {
    let summary = state.scope_summary(&actor.scope).await?;
    let scope_code = summary
        .unit
        .as_ref()
        .map(|u| u.code.to_string())
        .unwrap_or_default();
    let u = &actor.user;
    Ok(Json(MeOut {
        id: u.id,
        username: u.username.to_string(),
        full_name: u.full_name.clone(),
        role: u.role.code().into(),
        unit_code: u.unit_code.clone(),
        unit_name: u.unit_name.clone(),
        scope_unit_code: scope_code,
        must_change_password: u.must_change_password,
    }))
}

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
    q: Option<String>,
    /// `district`, `commune`, `school`, …
    kind: Option<String>,
    /// School level code.
    level: Option<String>,
    /// Internet status code.
    internet: Option<String>,
    /// Only units directly under this unit code.
    parent: Option<String>,
    /// 1-based page number.
    page: Option<i64>,
    /// At most 500.
    per_page: Option<i64>,
}

fn bad(field: &str, value: &str) -> AppError {
    AppError::BadRequest(format!("{field}={value}"))
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery),
    responses((status = 200, body = UnitPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn units_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<UnitQuery>,
) -> AppResult<Json<UnitPage>> {
    let kind = q
        .kind
        .as_deref()
        .map(|k| UnitKind::parse(k).map_err(|_| bad("kind", k)))
        .transpose()?;
    let school_level = q
        .level
        .as_deref()
        .map(|k| SchoolLevel::parse(k).map_err(|_| bad("level", k)))
        .transpose()?;
    let internet = q
        .internet
        .as_deref()
        .map(|k| InternetStatus::parse(k).map_err(|_| bad("internet", k)))
        .transpose()?;
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
    let page = state
        .store
        .list_units(
            &actor.scope,
            &filter,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(100),
        )
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

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_code: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: String,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id,
            username: u.username.to_string(),
            full_name: u.full_name.clone(),
            role: u.role.code().into(),
            unit_code: u.unit_code.clone(),
            active: u.active,
            must_change_password: u.must_change_password,
            created_at: rfc3339_millis(u.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
pub async fn users_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<UserQuery>,
) -> AppResult<Json<UserPage>> {
    let role = q.role.as_deref().map(Role::parse).transpose()?;
    let filter = UserFilter {
        role,
        search: q.q.as_deref().map(text::fold),
    };
    let page = state
        .store
        .list_users(
            &actor.scope,
            &filter,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(100),
        )
        .await?;
    Ok(Json(UserPage {
        items: page.items.iter().map(UserOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody)))]
pub async fn user_get(TargetUser(u): TargetUser) -> Json<UserOut> {
    Json(UserOut::from(&u))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserIn {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_code: String,
    /// Omit to have a temporary password generated (returned once).
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUserOut {
    pub user: UserOut,
    /// The generated temporary password, present only when none was sent.
    pub generated_password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserIn,
    responses((status = 201, body = CreatedUserOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn user_create(
    State(state): State<AppState>,
    actor: Actor,
    JsonIn(body): JsonIn<NewUserIn>,
) -> AppResult<Response> {
    let username = Username::parse(&body.username)?;
    let role = Role::parse(&body.role)?;
    let (password, generated) = match body.password {
        Some(p) => {
            check_new_password(&p, username.as_str())?;
            (p, false)
        }
        None => (store::passwords::generate_password(), true),
    };
    let hash = store::passwords::hash_password(&password).await?;
    let user = state
        .store
        .create_user(
            &actor.audit(),
            Some(&actor.scope),
            NewUser {
                username,
                full_name: body.full_name,
                role,
                unit_code: body.unit_code,
                password_hash: hash,
                must_change_password: true,
            },
        )
        .await?;
    let out = CreatedUserOut {
        user: UserOut::from(&user),
        generated_password: generated.then_some(password),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AuditVerifyOut {
    pub ok: bool,
    pub entries_checked: u64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry that does not match, when the chain is broken.
    pub broken_at: Option<i64>,
    pub problem_code: Option<String>,
    pub problem: Option<String>,
    pub missing_triggers: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerifyOut), (status = 403, body = ErrorBody)))]
pub async fn audit_verify(State(state): State<AppState>) -> AppResult<Json<AuditVerifyOut>> {
    let v = state.store.verify_audit(|_, _| {}).await?;
    let (head_seq, head_hash) = state.store.audit_head().await?;
    let err = v.chain.as_ref().err();
    Ok(Json(AuditVerifyOut {
        ok: v.ok(),
        entries_checked: v.checked,
        head_seq,
        head_hash,
        broken_at: err.map(|b| b.seq()),
        problem_code: err.map(|b| b.code().to_string()),
        problem: err.map(|b| b.message(Lang::Vi)),
        missing_triggers: v.missing_triggers.iter().map(|s| s.to_string()).collect(),
    }))
}

/// A student on a school's list. Personal data of a child: only for the roles that run
/// the lists, inside their scope.
#[derive(Serialize, ToSchema)]
pub struct StudentOut {
    pub id: i64,
    /// 10 digits (sector database) or 12 (citizen id); null when the school gave none.
    pub code: Option<String>,
    pub name: String,
    /// `yyyy-mm-dd`.
    pub dob: String,
    /// `male` or `female`.
    pub gender: Option<String>,
    pub class_name: Option<String>,
    pub village: Option<String>,
    pub commune: Option<String>,
    /// `i`, `ii`, `iii`.
    pub tier: String,
    pub tier_rank: i64,
    pub school: String,
    pub round_id: i64,
    /// `pending`, `returned`, `approved`, `withdrawn`.
    pub review: String,
    pub return_reason: Option<String>,
    /// Open flags: `duplicate_code`, `possible_duplicate`, `already_served`,
    /// `household_missing`, `household_category`.
    pub flags: Vec<String>,
    pub updated_at: String,
}

impl From<&store::students::Student> for StudentOut {
    fn from(s: &store::students::Student) -> Self {
        StudentOut {
            id: s.id,
            code: s.student_code.clone(),
            name: s.full_name.clone(),
            dob: s.dob.clone(),
            gender: s.gender.map(|g| g.code().to_string()),
            class_name: s.class_name.clone(),
            village: s.village.clone(),
            commune: s.commune.clone(),
            tier: s.tier_code.clone(),
            tier_rank: s.tier_rank,
            school: s.school_code.clone(),
            round_id: s.round_id,
            review: s.review.clone(),
            return_reason: s.return_reason.clone(),
            flags: s.flags.clone(),
            updated_at: rfc3339_millis(s.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StudentPage {
    pub items: Vec<StudentOut>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentQuery {
    /// Survey round id; the open round when absent.
    round: Option<i64>,
    /// Only this school (code).
    school: Option<String>,
    /// Only this tier (`i`, `ii`, `iii`).
    tier: Option<String>,
    /// Only rows in this review state.
    review: Option<String>,
    /// Only rows with this open flag.
    flag: Option<String>,
    /// Search in names and codes, accents and case ignored.
    q: Option<String>,
    page: Option<i64>,
    /// At most 1000.
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/students", tag = "students", params(StudentQuery),
    responses((status = 200, body = StudentPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "The role sees counts only")))]
pub async fn students_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<StudentQuery>,
) -> AppResult<Json<StudentPage>> {
    let round = state.store.round_or_current(q.round).await?;
    let school_id = match q.school.as_deref() {
        Some(code) => match state.store.unit_by_code(code).await? {
            Some(u) if actor.sees(&u.path) => Some(u.id),
            _ => return Err(AppError::not_found()),
        },
        None => None,
    };
    let tier_id = match q.tier.as_deref() {
        Some(code) => Some(
            state
                .store
                .tiers(round.program_id)
                .await?
                .into_iter()
                .find(|t| t.code == code)
                .ok_or_else(|| bad("tier", code))?
                .id,
        ),
        None => None,
    };
    if let Some(r) = q.review.as_deref()
        && !matches!(r, "pending" | "returned" | "approved" | "withdrawn")
    {
        return Err(bad("review", r));
    }
    let filter = store::students::StudentFilter {
        round_id: Some(round.id),
        school_id,
        tier_id,
        review: q.review.clone(),
        flag: q.flag.clone(),
        search: q.q.as_deref().map(text::fold).filter(|s| !s.is_empty()),
    };
    let page = state
        .store
        .list_students(
            &actor.scope,
            &filter,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(100),
        )
        .await?;
    Ok(Json(StudentPage {
        items: page.items.iter().map(StudentOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// How many students a school proposes, by tier: no personal data.
#[derive(Serialize, ToSchema)]
pub struct SchoolCountOut {
    pub school: String,
    pub name: String,
    /// The list's status: `draft`, `submitted`, `returned`, `approved`, `board_approved`.
    pub status: String,
    /// Students by tier code.
    pub by_tier: std::collections::BTreeMap<String, i64>,
    pub total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StudentCountsOut {
    pub round_id: i64,
    pub round: String,
    pub schools: Vec<SchoolCountOut>,
    pub by_tier: std::collections::BTreeMap<String, i64>,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    /// Survey round id; the open round when absent.
    round: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/students/counts", tag = "students", params(CountsQuery),
    responses((status = 200, body = StudentCountsOut), (status = 401, body = ErrorBody)))]
pub async fn student_counts(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<CountsQuery>,
) -> AppResult<Json<StudentCountsOut>> {
    let round = state.store.round_or_current(q.round).await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let code_of = |rank: i64| {
        tiers
            .iter()
            .find(|t| i64::from(t.rank) == rank)
            .map(|t| t.code.clone())
            .unwrap_or_else(|| rank.to_string())
    };
    let counts = state.store.student_counts(&actor.scope, round.id).await?;
    let mut by_tier = std::collections::BTreeMap::new();
    let schools = counts
        .iter()
        .map(|c| {
            let mut mine = std::collections::BTreeMap::new();
            for (rank, n) in &c.by_rank {
                *mine.entry(code_of(*rank)).or_insert(0) += n;
                *by_tier.entry(code_of(*rank)).or_insert(0) += n;
            }
            SchoolCountOut {
                school: c.school_code.clone(),
                name: c.school_name.clone(),
                status: c.status.code().to_string(),
                by_tier: mine,
                total: c.total(),
            }
        })
        .collect::<Vec<_>>();
    Ok(Json(StudentCountsOut {
        round_id: round.id,
        round: round.name,
        total: schools.iter().map(|s| s.total).sum(),
        schools,
        by_tier,
    }))
}
