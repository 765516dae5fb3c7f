//! Students on schools' lists: counts for every role, a school's list with the actions
//! of the approval chain for the roles that run it.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use crate::views::iso_to_vn;
use crate::views::{Ctx, Pager, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Lang;
use domain::authz::Action;
use domain::students::ListStatus;
use domain::students::approval::{BLOCKING_FLAGS, ListAction, transition};
use domain::students::programs::{Round, Tier};
use domain::users::Role;
use serde::Deserialize;
use store::students::lists::{ListInfo, ListSummary};
use store::students::{SchoolCounts, Standing, Student, StudentFilter};
use store::units::Unit;

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    pub(super) round: Option<i64>,
    page: Option<i64>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    flag: String,
    /// The review state of a row (school page), or a list's standing (index).
    #[serde(default)]
    status: String,
    /// `none` or `some`: rows without or with an evidence file.
    #[serde(default)]
    evidence: String,
    /// The code of the district office (or the Sở) whose schools to show.
    #[serde(default)]
    district: String,
}

pub struct TierCol {
    pub rank: i64,
    pub label: String,
    pub code: String,
}

pub struct CountRow {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub by_tier: Vec<String>,
    pub total: String,
}

/// A district office (or the Sở) with its schools' standings.
pub struct DistrictRow {
    pub code: String,
    pub name: String,
    /// Schools per standing, in [`Standing::ALL`]'s order.
    pub by_standing: Vec<String>,
    pub students: String,
}

/// A standing with how many schools are in it, and the link that lists them.
pub struct StandingCard {
    pub code: &'static str,
    pub label: &'static str,
    pub n: String,
    pub href: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "students/templates/index.html")]
struct IndexPage {
    l: Layout,
    round: Round,
    rounds: Vec<Round>,
    tiers: Vec<TierCol>,
    rows: Vec<CountRow>,
    pager: Pager,
    totals: Vec<String>,
    grand_total: String,
    cards: Vec<StandingCard>,
    standings: Vec<(&'static str, &'static str)>,
    districts: Vec<DistrictRow>,
    district: String,
    status: String,
    waiting_board: i64,
    can_open: bool,
    can_board: bool,
    can_dedup: bool,
    can_households: bool,
}

fn tier_cols(tiers: &[Tier], lang: Lang) -> Vec<TierCol> {
    tiers
        .iter()
        .map(|t| TierCol {
            rank: i64::from(t.rank),
            label: format!("({}) {}", t.code, t.label_in(lang)),
            code: t.code.clone(),
        })
        .collect()
}

/// Schools per page on the index.
const SCHOOLS_PER_PAGE: usize = 50;

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if actor.user.role == Role::Truong {
        return Ok(
            Redirect::to(&format!("/students/school/{}", actor.user.unit_code)).into_response(),
        );
    }
    let lang = ctx.lang;
    let round = state.store.round_or_current(q.round).await?;
    let rounds = state.store.rounds().await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let counts: Vec<SchoolCounts> = state.store.student_counts(&actor.scope, round.id).await?;
    let cols = tier_cols(&tiers, lang);
    let standing = Standing::parse(&q.status);
    // The district offices (and the Sở) of the scope, in the order their schools come.
    let mut parents: Vec<(i64, String)> = Vec::new();
    for c in &counts {
        if let Some(p) = c.parent_id
            && !parents.iter().any(|(id, _)| *id == p)
        {
            parents.push((p, c.parent_name.clone()));
        }
    }
    parents.sort_by(|a, b| a.1.cmp(&b.1));
    let mut districts = Vec::new();
    for (id, name) in &parents {
        let mine: Vec<&SchoolCounts> = counts.iter().filter(|c| c.parent_id == Some(*id)).collect();
        let code = state
            .store
            .unit_by_id(*id)
            .await?
            .map(|u| u.code.to_string())
            .unwrap_or_default();
        districts.push(DistrictRow {
            code,
            name: name.clone(),
            by_standing: Standing::ALL
                .iter()
                .map(|s| {
                    crate::views::num(mine.iter().filter(|c| c.standing() == *s).count() as i64)
                })
                .collect(),
            students: crate::views::num(mine.iter().map(|c| c.total()).sum::<i64>()),
        });
    }
    let district_id = districts
        .iter()
        .position(|d| d.code == q.district)
        .map(|i| parents[i].0);
    let in_district = |c: &&SchoolCounts| district_id.is_none_or(|d| c.parent_id == Some(d));
    let base_pairs = |status: &str| {
        let mut v = vec![("round", round.id.to_string())];
        if district_id.is_some() {
            v.push(("district", q.district.clone()));
        }
        if !status.is_empty() {
            v.push(("status", status.to_string()));
        }
        v
    };
    let cards = Standing::ALL
        .iter()
        .map(|s| StandingCard {
            code: s.code(),
            label: s.label(lang),
            n: crate::views::num(
                counts
                    .iter()
                    .filter(in_district)
                    .filter(|c| c.standing() == *s)
                    .count() as i64,
            ),
            href: crate::views::page_href("/students", &base_pairs(s.code()), 1),
            current: standing == Some(*s),
        })
        .collect();
    let shown: Vec<&SchoolCounts> = counts
        .iter()
        .filter(in_district)
        .filter(|c| standing.is_none_or(|s| c.standing() == s))
        .collect();
    let mut totals = vec![0i64; cols.len()];
    let mut grand = 0;
    for c in &shown {
        for (i, t) in cols.iter().enumerate() {
            totals[i] += c.of_rank(t.rank);
        }
        grand += c.total();
    }
    let pages = shown.len().div_ceil(SCHOOLS_PER_PAGE).max(1) as i64;
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let rows = shown
        .iter()
        .skip((page as usize - 1) * SCHOOLS_PER_PAGE)
        .take(SCHOOLS_PER_PAGE)
        .map(|c| CountRow {
            code: c.school_code.clone(),
            name: c.school_name.clone(),
            parent: c.parent_name.clone(),
            status: c.standing().label(lang),
            status_code: c.standing().code(),
            by_tier: cols
                .iter()
                .map(|t| crate::views::num(c.of_rank(t.rank)))
                .collect(),
            total: crate::views::num(c.total()),
        })
        .collect();
    let waiting_board = counts
        .iter()
        .filter(|c| c.status == Some(ListStatus::Approved))
        .count() as i64;
    Ok(render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).students_title),
        pager: Pager::new(
            "/students",
            &base_pairs(&q.status),
            page,
            pages,
            shown.len() as i64,
        ),
        totals: totals.into_iter().map(crate::views::num).collect(),
        grand_total: crate::views::num(grand),
        tiers: cols,
        rows,
        cards,
        standings: Standing::ALL
            .iter()
            .map(|s| (s.code(), s.label(lang)))
            .collect(),
        districts: if parents.len() > 1 {
            districts
        } else {
            Vec::new()
        },
        district: if district_id.is_some() {
            q.district.clone()
        } else {
            String::new()
        },
        status: standing.map(|s| s.code().to_string()).unwrap_or_default(),
        waiting_board,
        can_open: actor.can(Action::ViewStudents),
        can_board: actor.can(Action::ApproveAggregate),
        can_dedup: actor.can(Action::ReviewDuplicates),
        can_households: actor.can(Action::ViewHouseholds),
        rounds,
        round,
    }))
}

pub struct StudentLine {
    pub id: i64,
    pub row: String,
    pub code: String,
    pub name: String,
    pub dob: String,
    pub gender: &'static str,
    pub class_name: String,
    pub tier: String,
    pub review: &'static str,
    pub review_code: String,
    pub reason: String,
    pub flags: Vec<&'static str>,
    pub evidence: i64,
}

pub fn flag_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "duplicate_code" => lang.pick("Trùng mã với trường khác", "Same code at another school"),
        "possible_duplicate" => lang.pick("Có thể trùng người", "Possibly the same child"),
        "already_served" => lang.pick("Đã nhận máy", "Already received a device"),
        "household_missing" => lang.pick(
            "Không có trong danh sách hộ nghèo/cận nghèo",
            "Not in the household register",
        ),
        "household_category" => lang.pick(
            "Khác loại hộ trong danh sách",
            "Another category in the register",
        ),
        _ => lang.pick("Cảnh báo khác", "Other flag"),
    }
}

/// A row's review as shown, and its badge's class: on a list the school has not sent
/// yet, a pending row waits for nobody ("Chưa gửi duyệt", `draft`).
pub fn review_shown(review: &str, list_editable: bool, lang: Lang) -> (&'static str, String) {
    if list_editable && review == "pending" {
        (lang.pick("Chưa gửi duyệt", "Not submitted"), "draft".into())
    } else {
        (review_label(review, lang), review.to_string())
    }
}

pub fn review_label(review: &str, lang: Lang) -> &'static str {
    match review {
        "approved" => lang.pick("Đã duyệt", "Approved"),
        "returned" => lang.pick("Bị trả lại", "Returned"),
        "withdrawn" => lang.pick("Đã rút", "Withdrawn"),
        _ => lang.pick("Chờ duyệt", "Pending"),
    }
}

fn line(s: &Student, tiers: &[Tier], lang: Lang) -> StudentLine {
    StudentLine {
        id: s.id,
        row: s.source_row.map(|r| r.to_string()).unwrap_or_default(),
        code: s.student_code.clone().unwrap_or_default(),
        name: s.full_name.clone(),
        dob: iso_to_vn(&s.dob),
        gender: s.gender.map(|g| g.label(lang)).unwrap_or(""),
        class_name: s.class_name.clone().unwrap_or_default(),
        tier: tiers
            .iter()
            .find(|t| t.id == s.tier_id)
            .map(|t| format!("({})", t.code))
            .unwrap_or_default(),
        review: review_label(&s.review, lang),
        review_code: s.review.clone(),
        reason: s.return_reason.clone().unwrap_or_default(),
        flags: s.flags.iter().map(|f| flag_label(f, lang)).collect(),
        evidence: s.evidence_files,
    }
}

/// The actions the user may take on the list now.
pub struct Actions {
    pub submit: bool,
    pub review: bool,
    pub reopen: bool,
    pub edit: bool,
}

fn actions(actor: &Actor, info: &ListInfo) -> Actions {
    let may = |a: ListAction| {
        actor.can(Action::ActOnLists)
            && transition(actor.user.role, a, info.status, info.direct_unit).is_ok()
    };
    Actions {
        submit: may(ListAction::Submit),
        review: may(ListAction::Approve),
        reopen: may(ListAction::Reopen),
        edit: actor.can(Action::EditStudents) && info.status.editable(),
    }
}

#[derive(askama::Template)]
#[template(path = "students/templates/school.html")]
struct SchoolPage {
    l: Layout,
    school: Unit,
    round: Round,
    info: ListInfo,
    status: &'static str,
    status_code: &'static str,
    acts: Actions,
    rows: Vec<StudentLine>,
    pager: Pager,
    q: String,
    review_filter: String,
    evidence_filter: String,
    flag_filter: String,
    reviews: Vec<(&'static str, &'static str)>,
    flag_kinds: Vec<(&'static str, &'static str)>,
    summary: Option<ListSummary>,
    /// What the tiers' short codes stand for.
    tier_legend: String,
    error: Option<String>,
    csrf: String,
}

/// The review states a school's rows can be filtered by.
const REVIEWS: [&str; 4] = ["pending", "returned", "approved", "withdrawn"];

pub(super) async fn school_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    school: Unit,
    q: &RoundQuery,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let round = state.store.round_or_current(q.round).await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let info = state.store.list_info(round.id, school.id).await?;
    let review = REVIEWS
        .iter()
        .find(|r| **r == q.status)
        .map(|r| r.to_string());
    let evidence = match q.evidence.as_str() {
        "none" => Some(false),
        "some" => Some(true),
        _ => None,
    };
    let flag = BLOCKING_FLAGS
        .iter()
        .find(|f| **f == q.flag)
        .map(|f| f.to_string());
    let filter = StudentFilter {
        round_id: Some(round.id),
        school_id: Some(school.id),
        search: Some(text::fold(&q.q)).filter(|s| !s.is_empty()),
        review: review.clone(),
        flag: flag.clone(),
        evidence,
        ..Default::default()
    };
    let page = state
        .store
        .list_students(&school.path, &filter, q.page.unwrap_or(1), 50)
        .await?;
    let summary = state
        .store
        .list_summaries(round.id, &school.path, &[], Some(school.id))
        .await?
        .into_iter()
        .next();
    let path = format!("/students/school/{}", school.code);
    let pairs = [
        ("round", q.round.map(|r| r.to_string()).unwrap_or_default()),
        ("q", q.q.clone()),
        ("status", review.clone().unwrap_or_default()),
        ("evidence", q.evidence.clone()),
        ("flag", flag.clone().unwrap_or_default()),
    ];
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let pagex = SchoolPage {
        l: ctx.layout(school.name.clone()),
        status: info.status.label(lang),
        status_code: info.status.code(),
        acts: actions(actor, &info),
        rows: page
            .items
            .iter()
            .map(|s| {
                let mut l = line(s, &tiers, lang);
                (l.review, l.review_code) = review_shown(&s.review, info.status.editable(), lang);
                l
            })
            .collect(),
        pager: Pager::new(&path, &pairs, page.page, page.pages(), page.total),
        q: q.q.clone(),
        review_filter: review.unwrap_or_default(),
        evidence_filter: match evidence {
            Some(false) => "none".into(),
            Some(true) => "some".into(),
            None => String::new(),
        },
        flag_filter: flag.unwrap_or_default(),
        reviews: REVIEWS
            .iter()
            .map(|r| (*r, review_label(r, lang)))
            .collect(),
        flag_kinds: BLOCKING_FLAGS
            .iter()
            .map(|f| (*f, flag_label(f, lang)))
            .collect(),
        summary,
        tier_legend: tiers
            .iter()
            .map(|t| format!("({}) {}", t.code, t.label_in(lang)))
            .collect::<Vec<_>>()
            .join(" · "),
        error,
        csrf: ctx.csrf.clone(),
        info,
        round,
        school,
    };
    Ok((status, render(pagex)).into_response())
}

pub async fn school(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    if u.kind != domain::units::UnitKind::School {
        return Err(AppError::not_found());
    }
    school_page(&state, &ctx, &actor, u, &q, None).await
}
