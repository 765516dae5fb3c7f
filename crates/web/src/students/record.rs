//! One student: the record with its flags and evidence, entry and edit one at a time
//! (checked by the same rules as a spreadsheet row), withdrawal from the list, evidence
//! files checked by content, and the audited resolution of a flag.

use super::pages::{flag_label, review_shown};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::{Accept, DocumentLine, MAX_EVIDENCE_BYTES, document_lines, kept_file_type};
use crate::files::{TooLarge, inline_file, read_file, with_status};
use crate::gate::{Actor, TargetStudent, TargetUnit};
use crate::state::AppState;
use crate::views::iso_to_vn;
use crate::views::{Ctx, FieldErrors, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::students::StudentsError;
use domain::students::programs::{Round, Tier};
use domain::students::{DobCell, StudentDraft, StudentFields};
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::students::Student;
use store::units::Unit;

pub struct FlagLine {
    pub kind: String,
    pub label: &'static str,
}

#[derive(askama::Template)]
#[template(path = "students/templates/detail.html")]
struct DetailPage {
    l: Layout,
    s: Student,
    round: Round,
    dob: String,
    gender: &'static str,
    tier: String,
    tier_evidence: String,
    review: &'static str,
    /// The badge's colour: `draft` for a row of a list not sent yet.
    review_class: String,
    flags: Vec<FlagLine>,
    evidence: Vec<DocumentLine>,
    can_edit: bool,
    can_resolve: bool,
    error: Option<String>,
    /// What other areas say of the student (allocation, handover, …).
    panels: Vec<crate::areas::StudentPanel>,
}

async fn round_of(state: &AppState, id: i64) -> AppResult<Round> {
    state.store.round(id).await?.ok_or_else(AppError::not_found)
}

async fn list_editable(state: &AppState, s: &Student) -> AppResult<bool> {
    let info = state.store.list_info(s.round_id, s.school_id).await?;
    Ok(info.status.editable())
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    s: Student,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let round = round_of(state, s.round_id).await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let tier = tiers.iter().find(|t| t.id == s.tier_id);
    let editable = list_editable(state, &s).await?;
    let (review, review_class) = review_shown(&s.review, editable, lang);
    let evidence = state.store.evidence_files(s.id).await?;
    let panels = crate::areas::student_panels(state, actor, s.id, lang).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = DetailPage {
        l: ctx.layout(s.full_name.clone()),
        dob: iso_to_vn(&s.dob),
        gender: s.gender.map(|g| g.label(lang)).unwrap_or(""),
        tier: tier
            .map(|t| format!("({}) {}", t.code, t.label_in(lang)))
            .unwrap_or_default(),
        tier_evidence: tier
            .map(|t| t.evidence_in(lang).to_string())
            .unwrap_or_default(),
        review,
        review_class,
        flags: s
            .flags
            .iter()
            .map(|k| FlagLine {
                kind: k.clone(),
                label: flag_label(k, lang),
            })
            .collect(),
        evidence: document_lines(evidence, lang),
        can_edit: actor.can(Action::EditStudents) && editable && s.review != "withdrawn",
        can_resolve: actor.can(Action::ReviewDuplicates),
        error,
        panels,
        round,
        s,
    };
    Ok((status, render(page)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
) -> AppResult<Response> {
    detail_page(&state, &ctx, &actor, s, None).await
}

/// The student form as typed (every field text, so that a refused form comes back as
/// the official typed it).
#[derive(Deserialize, Default, Clone)]
pub struct StudentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub dob: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub class_name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub parent_name: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default)]
    pub has_device: String,
    #[serde(default)]
    pub note: String,
    /// The record's `updated_at` when the form was opened (edits only).
    #[serde(default)]
    pub seen: String,
}

impl StudentForm {
    fn of(s: &Student) -> StudentForm {
        StudentForm {
            name: s.full_name.clone(),
            dob: iso_to_vn(&s.dob),
            gender: s.gender.map(|g| g.code().to_string()).unwrap_or_default(),
            ethnicity: s.ethnicity.clone().unwrap_or_default(),
            class_name: s.class_name.clone().unwrap_or_default(),
            code: s.student_code.clone().unwrap_or_default(),
            village: s.village.clone().unwrap_or_default(),
            commune: s.commune.clone().unwrap_or_default(),
            parent_name: s.parent_name.clone().unwrap_or_default(),
            tier: s.tier_id.to_string(),
            certificate_no: s.certificate_no.clone().unwrap_or_default(),
            has_device: String::new(),
            note: s.note.clone().unwrap_or_default(),
            seen: s.updated_at.to_string(),
        }
    }

    /// Checks the form by the rules of a spreadsheet row.
    fn check(
        &self,
        round: &Round,
        tiers: &[Tier],
        lang: Lang,
    ) -> Result<StudentDraft, FieldErrors> {
        let tier = tiers.iter().find(|t| t.id.to_string() == self.tier);
        let tier_text = tier.map(|t| format!("({})", t.code)).unwrap_or_default();
        let fields = StudentFields {
            name: text::nfc(&self.name),
            dob: if self.dob.trim().is_empty() {
                Some(DobCell::Missing)
            } else {
                Some(DobCell::Text(self.dob.trim().to_string()))
            },
            gender_folded: match self.gender.as_str() {
                "male" | "nam" => Some("nam".into()),
                "female" | "nu" => Some("nu".into()),
                _ => None,
            },
            female_mark: None,
            ethnicity: text::nfc(&self.ethnicity),
            class_name: text::nfc(&self.class_name),
            code: self.code.trim().to_string(),
            village: text::nfc(&self.village),
            commune: text::nfc(&self.commune),
            parent_name: text::nfc(&self.parent_name),
            tier_folded: text::fold(&tier_text),
            tier_raw: tier_text,
            certificate_no: text::nfc(&self.certificate_no),
            has_device_folded: if self.has_device == "yes" {
                "co".into()
            } else {
                String::new()
            },
            note: text::nfc(&self.note),
        };
        StudentDraft::check(&fields, round, tiers).map_err(|errs| {
            FieldErrors(
                errs.into_iter()
                    .map(|(field, e)| (field, e.message(lang)))
                    .collect(),
            )
        })
    }
}

pub struct TierOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "students/templates/form.html")]
struct FormPage {
    l: Layout,
    school: Unit,
    round: Round,
    /// `None` for a new student.
    id: Option<i64>,
    f: StudentForm,
    tiers: Vec<TierOption>,
    errors: FieldErrors,
}

fn tier_options(tiers: &[Tier], selected: &str, lang: Lang) -> Vec<TierOption> {
    tiers
        .iter()
        .map(|t| TierOption {
            value: t.id.to_string(),
            label: format!("({}) {}", t.code, t.label_in(lang)),
            selected: t.id.to_string() == selected,
        })
        .collect()
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    school: Unit,
    round: Round,
    id: Option<i64>,
    f: StudentForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let tiers = state.store.tiers(round.program_id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match id {
        None => texts::tr(ctx.lang).add_student.to_string(),
        Some(_) => format!("{}: {}", texts::tr(ctx.lang).edit_student, f.name),
    };
    Ok((
        status,
        render(FormPage {
            l: ctx.layout(title),
            tiers: tier_options(&tiers, &f.tier, ctx.lang),
            school,
            round,
            id,
            f,
            errors,
        }),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    round: Option<i64>,
}

fn school_only(u: &Unit) -> AppResult<()> {
    if u.kind == domain::units::UnitKind::School {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    TargetUnit(u): TargetUnit,
    crate::extract::Query(q): crate::extract::Query<RoundQuery>,
) -> AppResult<Response> {
    school_only(&u)?;
    let round = state.store.round_or_current(q.round).await?;
    form_page(
        &state,
        &ctx,
        u,
        round,
        None,
        StudentForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// A refused save: the domain's reason next to its field, the form as typed.
fn save_error(e: DomainError, lang: Lang) -> Result<FieldErrors, AppError> {
    match e {
        DomainError::Forbidden | DomainError::NotFound => Err(e.into()),
        e => Ok(FieldErrors(vec![(
            e.field().unwrap_or("form"),
            e.message(lang),
        )])),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    crate::extract::Query(q): crate::extract::Query<RoundQuery>,
    Form(f): Form<StudentForm>,
) -> AppResult<Response> {
    school_only(&u)?;
    let round = state.store.round_or_current(q.round).await?;
    let tiers = state.store.tiers(round.program_id).await?;
    let draft = match f.check(&round, &tiers, ctx.lang) {
        Ok(d) => d,
        Err(errors) => return form_page(&state, &ctx, u, round, None, f, errors).await,
    };
    match state
        .store
        .save_student(&actor.audit(), round.id, u.id, None, &draft)
        .await
    {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/students/{id}"),
            "student_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) => {
            let errors = save_error(e, ctx.lang)?;
            form_page(&state, &ctx, u, round, None, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    TargetStudent(s): TargetStudent,
) -> AppResult<Response> {
    let round = round_of(&state, s.round_id).await?;
    let school = state
        .store
        .unit_by_code(&s.school_code)
        .await?
        .ok_or_else(AppError::not_found)?;
    form_page(
        &state,
        &ctx,
        school,
        round,
        Some(s.id),
        StudentForm::of(&s),
        FieldErrors::default(),
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    Form(f): Form<StudentForm>,
) -> AppResult<Response> {
    let round = round_of(&state, s.round_id).await?;
    let school = state
        .store
        .unit_by_code(&s.school_code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let tiers = state.store.tiers(round.program_id).await?;
    let draft = match f.check(&round, &tiers, ctx.lang) {
        Ok(d) => d,
        Err(errors) => return form_page(&state, &ctx, school, round, Some(s.id), f, errors).await,
    };
    let seen: i64 = f.seen.trim().parse().unwrap_or(0);
    match state
        .store
        .save_student(
            &actor.audit(),
            round.id,
            s.school_id,
            Some((s.id, seen)),
            &draft,
        )
        .await
    {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/students/{id}"),
            "student_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) => {
            let errors = save_error(e, ctx.lang)?;
            form_page(&state, &ctx, school, round, Some(s.id), f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    match state
        .store
        .withdraw_student(&actor.audit(), s.id, &f.reason)
        .await
    {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/students/{}", s.id),
            "student_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(
            e @ (DomainError::ReasonRequired
            | DomainError::Students(StudentsError::ListLocked { .. })),
        )) => detail_page(&state, &ctx, &actor, s, Some(e.message(ctx.lang))).await,
        Err(e) => Err(e.into()),
    }
}

/// Resolving a flag is an override: a reason is required and audited.
pub async fn resolve_flag(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    Path((_, kind)): Path<(i64, String)>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    if f.reason.trim().is_empty() {
        let msg = DomainError::ReasonRequired.message(ctx.lang);
        return detail_page(&state, &ctx, &actor, s, Some(msg)).await;
    }
    state
        .store
        .resolve_flag(&actor.audit(), s.id, &kind, &f.reason)
        .await?;
    Ok(redirect_with_flash(
        &format!("/students/{}", s.id),
        "flag_resolved",
        state.config.secure_cookies(),
    ))
}

pub async fn upload_evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    mut multipart: Multipart,
) -> AppResult<Response> {
    // Read in chunks and stop at the limit, never holding more than it.
    let (file, too_large) =
        match read_file(&mut multipart, MAX_EVIDENCE_BYTES, "minh-chung").await? {
            Ok(f) => (f, false),
            Err(TooLarge) => (None, true),
        };
    let refuse = |e: DomainError| e.message(ctx.lang);
    let error = if too_large {
        Some(refuse(DomainError::Students(
            StudentsError::EvidenceTooLarge {
                max_mb: MAX_EVIDENCE_BYTES / 1024 / 1024,
            },
        )))
    } else {
        match &file {
            None => Some(
                ctx.lang
                    .pick("Chưa chọn tệp.", "No file was chosen.")
                    .to_string(),
            ),
            Some((_, bytes)) => kept_file_type(bytes, Accept::PhotoOrPdf)
                .err()
                .map(|found| refuse(DomainError::Students(StudentsError::EvidenceType { found }))),
        }
    };
    if let Some(msg) = error {
        let status = if too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = detail_page(&state, &ctx, &actor, s, Some(msg)).await?;
        return Ok(with_status(status, page));
    }
    let Some((name, bytes)) = file else {
        return Err(AppError::BadRequest("file".into()));
    };
    let kind = kept_file_type(&bytes, Accept::PhotoOrPdf)
        .map_err(|found| DomainError::Students(StudentsError::EvidenceType { found }))?;
    state
        .store
        .add_evidence(&actor.audit(), s.id, &name, kind, bytes)
        .await?;
    Ok(redirect_with_flash(
        &format!("/students/{}", s.id),
        "evidence_saved",
        state.config.secure_cookies(),
    ))
}

#[derive(serde::Deserialize)]
pub struct RemoveEvidenceForm {
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    reason: String,
}

/// Removing an evidence file before the list is sent on: a reason, kept in the audit.
pub async fn remove_evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetStudent(s): TargetStudent,
    Form(f): Form<RemoveEvidenceForm>,
) -> AppResult<Response> {
    let Ok(doc) = f.evidence.trim().parse::<i64>() else {
        let msg = ctx
            .lang
            .pick("Hãy chọn tệp cần gỡ.", "Choose the file to remove.");
        let page = detail_page(&state, &ctx, &actor, s, Some(msg.to_string())).await?;
        return Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page));
    };
    if f.reason.trim().is_empty() {
        let msg = DomainError::ReasonRequired.message(ctx.lang);
        let page = detail_page(&state, &ctx, &actor, s, Some(msg)).await?;
        return Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    match state
        .store
        .remove_evidence(&actor.audit(), s.id, doc, f.reason.trim())
        .await
    {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/students/{}", s.id),
            "evidence_removed",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e @ DomainError::Students(StudentsError::ListLocked { .. }))) => {
            let page = detail_page(&state, &ctx, &actor, s, Some(e.message(ctx.lang))).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn evidence(
    State(state): State<AppState>,
    TargetStudent(s): TargetStudent,
    Path((_, evidence_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (meta, data) = state
        .store
        .evidence_file(s.id, evidence_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(inline_file(&meta.file_name, &meta.content_type, data))
}
