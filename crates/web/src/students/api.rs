//! Students in the JSON API: the nominations in the caller's scope and counts by school.

use crate::api::bad;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::Query;
use crate::gate::Actor;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use domain::dates::rfc3339_millis;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(students_list, student_counts), components(schemas(StudentOut, StudentPage, SchoolCountOut, StudentCountsOut)), tags((name = "students", description = "Học sinh đề nghị hỗ trợ / students proposed for a computer")))]
pub struct Api;

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
    #[serde(default, deserialize_with = "crate::api::empty_as_none")]
    school: Option<String>,
    /// Only this tier (its code in the round's programme: `i`, `ii`, `iii` in 2022); a code
    /// the programme has not gives an empty page.
    #[param(pattern = "^[a-z0-9]{1,8}$")]
    tier: Option<String>,
    /// Only rows in this review state.
    #[param(schema_with = reviews)]
    review: Option<String>,
    /// Only rows with this open flag.
    #[param(schema_with = flags)]
    flag: Option<String>,
    /// Search in names and codes, accents and case ignored.
    #[serde(default, deserialize_with = "crate::api::empty_as_none")]
    q: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<i64>,
    /// Rows a page, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    per_page: Option<i64>,
}

/// The review states a row can be in.
const REVIEWS: [&str; 4] = ["pending", "returned", "approved", "withdrawn"];
/// The flags a row can carry.
const FLAGS: [&str; 5] = [
    "duplicate_code",
    "possible_duplicate",
    "already_served",
    "household_missing",
    "household_category",
];

fn reviews() -> utoipa::openapi::schema::Object {
    crate::api::codes(REVIEWS)
}

fn flags() -> utoipa::openapi::schema::Object {
    crate::api::codes(FLAGS)
}

/// The round asked for (404 when there is none), or the open one (422 when none is open).
async fn round_of(
    state: &AppState,
    round: Option<i64>,
) -> AppResult<domain::students::programs::Round> {
    match round {
        Some(id) => state
            .store
            .rounds()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(AppError::not_found),
        None => Ok(state.store.round_or_current(None).await?),
    }
}

#[utoipa::path(get, path = "/api/v1/students", tag = "students", params(StudentQuery),
    responses((status = 200, body = StudentPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "The role sees counts only"),
              (status = 404, body = ErrorBody, description = "No such round, or `school` names no school in your scope")))]
pub async fn students_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<StudentQuery>,
) -> AppResult<Json<StudentPage>> {
    let round = round_of(&state, q.round).await?;
    let school_id = match q.school.as_deref() {
        Some(code) => match state.store.unit_by_code(code).await? {
            Some(u) if actor.sees(&u.path) => Some(u.id),
            _ => return Err(AppError::not_found()),
        },
        None => None,
    };
    let tier_id = match q.tier.as_deref() {
        Some(code)
            if !(1..=8).contains(&code.len())
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            return Err(bad("tier", code));
        }
        // A tier the programme has not: nobody is in it.
        Some(code) => Some(
            state
                .store
                .tiers(round.program_id)
                .await?
                .into_iter()
                .find(|t| t.code == code)
                .map(|t| t.id)
                .unwrap_or(-1),
        ),
        None => None,
    };
    if let Some(r) = q.review.as_deref()
        && !REVIEWS.contains(&r)
    {
        return Err(bad("review", r));
    }
    if let Some(f) = q.flag.as_deref()
        && !FLAGS.contains(&f)
    {
        return Err(bad("flag", f));
    }
    let filter = store::students::StudentFilter {
        round_id: Some(round.id),
        school_id,
        tier_id,
        review: q.review.clone(),
        flag: q.flag.clone(),
        search: q.q.as_deref().map(text::fold).filter(|s| !s.is_empty()),
        evidence: None,
    };
    let (page, per_page) = crate::api::paging(q.page, q.per_page, 1000)?;
    let page = state
        .store
        .list_students(&actor.scope, &filter, page, per_page)
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
    /// Where the school's list stands: `not_started` (no list and no student yet),
    /// `draft`, `submitted`, `returned`, `approved`, `board_approved`.
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
    responses((status = 200, body = StudentCountsOut), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "No such round")))]
pub async fn student_counts(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<CountsQuery>,
) -> AppResult<Json<StudentCountsOut>> {
    let round = round_of(&state, q.round).await?;
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
                status: c.standing().code().to_string(),
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
