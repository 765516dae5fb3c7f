//! The browser of units and schools, and the unit form (the one write path is the
//! store's `import_units`, here with one row).

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::extract::Query;
use crate::gate::{Actor, TargetUnit};
use crate::state::AppState;
use crate::views::{Ctx, FieldErrors, Pager, redirect_with_flash, render};
use crate::views::{Opt, opts};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::units::UnitsError;
use domain::units::{Agency, InternetStatus, SchoolLevel, UnitDraft, UnitFields, UnitKind};
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::units::{ImportOptions, Unit, UnitFilter, UnitOrder};

const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    internet: String,
    /// A unit code: only what lies under it (a district, say).
    #[serde(default)]
    under: String,
    page: Option<i64>,
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("kind", self.kind.clone()),
            ("level", self.level.clone()),
            ("internet", self.internet.clone()),
            ("under", self.under.clone()),
        ]
    }

    fn filter(&self) -> UnitFilter {
        UnitFilter {
            kind: UnitKind::parse(&self.kind).ok(),
            school_level: SchoolLevel::parse(&self.level).ok(),
            internet: (!self.internet.is_empty())
                .then(|| InternetStatus::parse(&self.internet).ok())
                .flatten(),
            parent_id: None,
            search: Some(text::fold(&self.q)).filter(|s| !s.is_empty()),
            order: UnitOrder::KindName,
        }
    }
}

/// One line of a unit list.
pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: String,
    pub commune: String,
    pub level: String,
    pub internet: Option<(&'static str, &'static str)>,
}

fn line(u: &Unit, lang: Lang) -> UnitLine {
    let kind = match (&u.admin_type, u.kind) {
        (Some(a), UnitKind::District | UnitKind::Commune | UnitKind::Province) => capitalise(a),
        _ => u.kind.label(lang).to_string(),
    };
    UnitLine {
        code: u.code.to_string(),
        name: u.name.clone(),
        kind,
        parent: u.parent_name.clone().unwrap_or_default(),
        commune: u.commune_name.clone().unwrap_or_default(),
        level: u
            .school_level
            .map(|l| l.label(lang).to_string())
            .unwrap_or_default(),
        internet: u.internet.map(|i| (i.code(), i.label(lang))),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(askama::Template)]
#[template(path = "units/templates/index.html")]
struct IndexPage {
    l: Layout,
    heading: String,
    root: Option<Unit>,
    q: String,
    kinds: Vec<Opt>,
    rows: Vec<UnitLine>,
    pager: Pager,
    can_manage: bool,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let root_id = actor.scope.ids().last().unwrap_or(actor.user.unit_id);
    let root = state.store.unit_by_id(root_id).await?;
    let mut filter = q.filter();
    // Without a search, browse the tree from the top of one's scope, one level at a time.
    if filter.search.is_none() && filter.kind.is_none() {
        filter.parent_id = Some(root_id);
    }
    let page = state
        .store
        .list_units(&actor.scope, &filter, q.page.unwrap_or(1), PER_PAGE)
        .await?;
    let kinds = opts(
        &UnitKind::ALL[1..],
        |k| k.code(),
        |k| k.label(ctx.lang),
        &q.kind,
    );
    Ok(render(IndexPage {
        l: ctx.layout(t.units_title),
        heading: t.units_title.to_string(),
        rows: page.items.iter().map(|u| line(u, ctx.lang)).collect(),
        pager: Pager::new("/units", &q.pairs(), page.page, page.pages(), page.total),
        root,
        q: q.q.clone(),
        kinds,
        can_manage: actor.can(Action::ManageUnits),
    }))
}

#[derive(askama::Template)]
#[template(path = "units/templates/schools.html")]
struct SchoolsPage {
    l: Layout,
    q: ListQuery,
    levels: Vec<Opt>,
    internets: Vec<Opt>,
    districts: Vec<(String, String, bool)>,
    rows: Vec<UnitLine>,
    pager: Pager,
}

pub async fn schools(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut filter = q.filter();
    filter.kind = Some(UnitKind::School);
    filter.order = UnitOrder::Code;
    // Narrow to a managing unit inside one's scope; outside it, the filter finds nothing.
    let within = match state.store.unit_by_code(&q.under).await? {
        Some(u) if actor.sees(&u.path) => u.path,
        _ => actor.scope.clone(),
    };
    let page = state
        .store
        .list_units(&within, &filter, q.page.unwrap_or(1), PER_PAGE)
        .await?;
    let district_filter = UnitFilter {
        kind: Some(UnitKind::District),
        ..UnitFilter::default()
    };
    let districts = state
        .store
        .list_units(&actor.scope, &district_filter, 1, 200)
        .await?
        .items
        .into_iter()
        .map(|u| (u.code.to_string(), u.name, false))
        .map(|(c, n, _)| {
            let sel = c == q.under;
            (c, n, sel)
        })
        .collect();
    Ok(render(SchoolsPage {
        l: ctx.layout(t.schools_title),
        levels: opts(
            &SchoolLevel::ALL,
            |k| k.code(),
            |k| k.label(ctx.lang),
            &q.level,
        ),
        internets: opts(
            &InternetStatus::ALL,
            |k| k.code(),
            |k| k.label(ctx.lang),
            &q.internet,
        ),
        districts,
        rows: page.items.iter().map(|u| line(u, ctx.lang)).collect(),
        pager: Pager::new("/schools", &q.pairs(), page.page, page.pages(), page.total),
        q,
    }))
}

pub struct Crumb {
    pub name: String,
    pub href: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "units/templates/detail.html")]
struct DetailPage {
    l: Layout,
    u: Unit,
    kind_label: String,
    agency: Option<&'static str>,
    crumbs: Vec<Crumb>,
    children: Vec<UnitLine>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let crumbs = state
        .store
        .ancestors(&u)
        .await?
        .into_iter()
        .map(|a| Crumb {
            href: actor.sees(&a.path).then(|| format!("/units/{}", a.code)),
            name: a.name,
        })
        .collect();
    let filter = UnitFilter {
        parent_id: Some(u.id),
        ..q.filter()
    };
    let page = state
        .store
        .list_units(&u.path, &filter, q.page.unwrap_or(1), PER_PAGE)
        .await?;
    let path = format!("/units/{}", u.code);
    let kind_label = line(&u, ctx.lang).kind;
    Ok(render(DetailPage {
        l: ctx.layout(u.name.clone()),
        agency: u.agency.map(|a| a.label(ctx.lang)),
        kind_label,
        crumbs,
        children: page.items.iter().map(|c| line(c, ctx.lang)).collect(),
        pager: Pager::new(&path, &q.pairs(), page.page, page.pages(), page.total),
        q: q.q.clone(),
        can_manage: actor.can(Action::ManageUnits),
        u,
    }))
}

/// The unit form's fields as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    level: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    admin_type: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    school_level: String,
    #[serde(default)]
    commune: String,
    #[serde(default)]
    internet: String,
}

#[derive(askama::Template)]
#[template(path = "units/templates/form.html")]
struct FormPage {
    l: Layout,
    editing: bool,
    action: String,
    cancel: String,
    f: UnitForm,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    levels: Vec<Opt>,
    internets: Vec<Opt>,
    agencies: Vec<Opt>,
}

fn form_page(
    ctx: &Ctx,
    editing: bool,
    action: String,
    cancel: String,
    f: UnitForm,
    errors: FieldErrors,
) -> FormPage {
    let t = texts::tr(ctx.lang);
    let lang = ctx.lang;
    FormPage {
        l: ctx.layout(if editing { t.edit_unit } else { t.new_unit }),
        editing,
        action,
        cancel,
        kinds: opts(&UnitKind::ALL, |k| k.code(), |k| k.label(lang), &f.level),
        levels: opts(
            &SchoolLevel::ALL,
            |k| k.code(),
            |k| k.label(lang),
            &f.school_level,
        ),
        internets: opts(
            &InternetStatus::ALL,
            |k| k.code(),
            |k| k.label(lang),
            &f.internet,
        ),
        agencies: opts(&Agency::ALL, |k| k.code(), |k| k.label(lang), &f.agency),
        f,
        errors,
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_form(ctx: Ctx, Query(q): Query<NewQuery>) -> Response {
    let f = UnitForm {
        parent: q.parent.unwrap_or_default(),
        level: "school".into(),
        ..UnitForm::default()
    };
    let cancel = if f.parent.is_empty() {
        "/units".to_string()
    } else {
        format!("/units/{}", f.parent)
    };
    render(form_page(
        &ctx,
        false,
        "/units".into(),
        cancel,
        f,
        FieldErrors::default(),
    ))
}

pub async fn edit_form(ctx: Ctx, TargetUnit(u): TargetUnit) -> Response {
    let f = UnitForm {
        level: u.kind.code().into(),
        code: u.code.to_string(),
        name: u.name.clone(),
        parent: u.parent_code.clone().unwrap_or_default(),
        admin_type: u.admin_type.clone().unwrap_or_default(),
        agency: u.agency.map(|a| a.code().to_string()).unwrap_or_default(),
        school_level: u
            .school_level
            .map(|l| l.code().to_string())
            .unwrap_or_default(),
        commune: u.commune_name.clone().unwrap_or_default(),
        internet: u.internet.map(|i| i.code().to_string()).unwrap_or_default(),
    };
    render(form_page(
        &ctx,
        true,
        format!("/units/{}", u.code),
        format!("/units/{}", u.code),
        f,
        FieldErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<UnitForm>,
) -> Response {
    save(&state, &ctx, &actor, None, f).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    TargetUnit(u): TargetUnit,
    Form(mut f): Form<UnitForm>,
) -> Response {
    f.code = u.code.to_string();
    save(&state, &ctx, &actor, Some(u), f).await
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    existing: Option<Unit>,
    f: UnitForm,
) -> Response {
    let editing = existing.is_some();
    let (action, cancel) = match &existing {
        Some(u) => (format!("/units/{}", u.code), format!("/units/{}", u.code)),
        None => ("/units".to_string(), "/units".to_string()),
    };
    let fields = UnitFields {
        level: &f.level,
        code: &f.code,
        name: &f.name,
        parent: &f.parent,
        admin_type: &f.admin_type,
        agency: &f.agency,
        school_level: &f.school_level,
        commune: &f.commune,
        internet: &f.internet,
    };
    let invalid = |errors: Vec<(&'static str, String)>| {
        let page = form_page(
            ctx,
            editing,
            action.clone(),
            cancel.clone(),
            f.clone(),
            errors.into(),
        );
        (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
    };
    let draft = match UnitDraft::parse(&fields, &text::fold(&f.name)) {
        Ok(d) => d,
        Err(errs) => {
            return invalid(
                errs.into_iter()
                    .map(|(k, e)| (k, e.message(ctx.lang)))
                    .collect(),
            );
        }
    };
    if !editing && let Some(code) = &draft.code {
        match state.store.unit_by_code(code.as_str()).await {
            Ok(Some(_)) => {
                let e = DomainError::Units(UnitsError::DuplicateUnitCode {
                    code: code.to_string(),
                });
                return invalid(vec![("code", e.message(ctx.lang))]);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let parent_code = draft.parent.clone();
    let name = text::slug(&draft.name);
    let code = draft
        .code
        .as_ref()
        .map(|c| c.to_string())
        .or_else(|| parent_code.map(|p| format!("{p}-{name}")));
    match state
        .store
        .import_units(
            &actor.audit(),
            vec![(1, draft)],
            ImportOptions {
                scope: Some(&actor.scope),
                ..Default::default()
            },
        )
        .await
    {
        Ok(_) => {
            state.forget_units();
            let to = code
                .map(|c| format!("/units/{c}"))
                .unwrap_or_else(|| "/units".into());
            redirect_with_flash(&to, "unit_saved", state.config.secure_cookies())
        }
        Err(StoreError::Rows(issues)) => invalid(
            issues
                .into_iter()
                .map(|i| {
                    let msg = match i.error {
                        DomainError::Forbidden => texts::tr(ctx.lang).error_forbidden.to_string(),
                        e => e.message(ctx.lang),
                    };
                    (i.field, msg)
                })
                .collect(),
        ),
        Err(e) => AppError::from(e).into_response(),
    }
}
