//! A school's list, or a whole scope's, as the `.xlsx` an office prints and signs.

use super::pages::{RoundQuery, review_label};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use crate::views::Ctx;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::students::programs::Round;
use store::units::Unit;

/// A place name as the signature line writes it: `Huyện Đắk Mil` → `Đắk Mil`.
fn place_of(name: &str) -> String {
    for prefix in [
        "Thành phố ",
        "Huyện ",
        "Thị xã ",
        "Tỉnh ",
        "Xã ",
        "Phường ",
        "Thị trấn ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    name.to_string()
}

/// The heading of an exported list of `unit`.
async fn heading(
    state: &AppState,
    unit: &Unit,
    round: &Round,
    with_school: bool,
) -> AppResult<sheets::export::ListHeading> {
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?,
        None => None,
    };
    let parent_line = match &parent {
        Some(p) if p.agency.is_none() => format!("UBND {}", p.name),
        Some(p) => p.name.clone(),
        None => String::new(),
    };
    // The place: the district (or province) the unit is in.
    let mut place = unit.name.clone();
    let mut at = Some(unit.clone());
    while let Some(u) = at {
        if matches!(
            u.kind,
            domain::units::UnitKind::District | domain::units::UnitKind::Province
        ) {
            place = u.name.clone();
            break;
        }
        at = match u.parent_id {
            Some(id) => state.store.unit_by_id(id).await?,
            None => None,
        };
    }
    Ok(sheets::export::ListHeading {
        parent: parent_line,
        unit: unit.name.clone(),
        subtitle: format!("Chương trình \"Sóng và máy tính cho em\" – {}", round.name),
        place: place_of(&place),
        date: domain::dates::today(),
        with_school,
    })
}

/// Writes the students of `within` (one school, or a whole scope) to `.xlsx`.
async fn export_list(
    state: &AppState,
    unit: &Unit,
    round: &Round,
    school_id: Option<i64>,
    lang: Lang,
) -> AppResult<Response> {
    let head = heading(state, unit, round, school_id.is_none()).await?;
    let mut w = sheets::export::ListWriter::new(head).map_err(AppError::internal)?;
    let mut failed = None;
    state
        .store
        .each_student(&unit.path, Some(round.id), school_id, |page| {
            for s in page.iter().filter(|s| s.review != "withdrawn") {
                let row = sheets::export::ListRow {
                    name: s.full_name.clone(),
                    dob: time::Date::parse(
                        &s.dob,
                        time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .ok(),
                    gender: s.gender.map(|g| g.label(Lang::Vi)).unwrap_or("").into(),
                    ethnicity: s.ethnicity.clone().unwrap_or_default(),
                    class_name: s.class_name.clone().unwrap_or_default(),
                    code: s.student_code.clone().unwrap_or_default(),
                    village: s.village.clone().unwrap_or_default(),
                    commune: s.commune.clone().unwrap_or_default(),
                    parent_name: s.parent_name.clone().unwrap_or_default(),
                    tier: format!("({})", s.tier_code),
                    tier_rank: usize::try_from(s.tier_rank).unwrap_or(0),
                    certificate_no: s.certificate_no.clone().unwrap_or_default(),
                    note: s.note.clone().unwrap_or_default(),
                    school: s.school_name.clone(),
                    review: review_label(&s.review, lang).into(),
                };
                if let Err(e) = w.push(&row) {
                    failed = Some(e);
                }
            }
            Ok(())
        })
        .await?;
    if let Some(e) = failed {
        return Err(AppError::internal(e));
    }
    let bytes = w.finish().map_err(AppError::internal)?;
    let name = format!(
        "danh-sach-hoc-sinh-{}-dot-{}.xlsx",
        text::slug(&unit.name),
        round.id
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `/students/school/{code}/export.xlsx`: one school's list.
pub async fn export_school(
    State(state): State<AppState>,
    ctx: Ctx,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    let round = state.store.round_or_current(q.round).await?;
    export_list(&state, &u, &round, Some(u.id), ctx.lang).await
}

/// `/students/export.xlsx`: every list of the user's scope, with each row's school.
pub async fn export_scope(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    let round = state.store.round_or_current(q.round).await?;
    let unit = state
        .store
        .unit_by_code(&actor.user.unit_code)
        .await?
        .ok_or_else(AppError::not_found)?;
    // The scope's root (the Department's users see the province).
    let root = if unit.path == actor.scope {
        unit
    } else {
        let id = actor.scope.ids().last().ok_or_else(AppError::not_found)?;
        state
            .store
            .unit_by_id(id)
            .await?
            .ok_or_else(AppError::not_found)?
    };
    export_list(&state, &root, &round, None, ctx.lang).await
}
