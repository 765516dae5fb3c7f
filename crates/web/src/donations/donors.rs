//! Donors: organisations and people who give devices or money; their contacts are seen
//! only by the Board, which keeps them.

use super::receipts::{DonationLine, line_of};
use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::donations::{Donor, DonorKind, Earmark};
use domain::units::UnitsError;
use domain::{DomainError, Lang};
use serde::Deserialize;

pub struct DonorLine {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub public: bool,
    pub earmark: String,
    pub donations: String,
    pub devices: String,
    pub value: String,
}

#[derive(askama::Template)]
#[template(path = "donations/templates/donors.html")]
struct DonorsPage {
    l: Layout,
    rows: Vec<DonorLine>,
    can_edit: bool,
}

/// "Huyện Đắk Mil · (i) hộ nghèo": what a donor asked their gift to be used for, given the
/// tiers of the current programme.
async fn earmark_text(
    state: &AppState,
    e: &Earmark,
    tiers: &[(u8, String)],
    lang: Lang,
) -> AppResult<String> {
    let mut parts = Vec::new();
    if let Some(id) = e.unit_id {
        parts.push(match state.store.unit_by_id(id).await? {
            Some(u) => u.name,
            None => format!("#{id}"),
        });
    }
    if let Some(rank) = e.tier {
        parts.push(
            tiers
                .iter()
                .find(|(r, _)| *r == rank)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| format!("{} {rank}", lang.pick("Đối tượng", "Tier"))),
        );
    }
    Ok(parts.join(" · "))
}

async fn tiers(state: &AppState, lang: Lang) -> AppResult<Vec<(u8, String)>> {
    let Some(round) = state.store.current_round().await? else {
        return Ok(Vec::new());
    };
    Ok(state
        .store
        .tiers(round.program_id)
        .await?
        .into_iter()
        .filter_map(|t| {
            u8::try_from(t.rank)
                .ok()
                .map(|r| (r, format!("({}) {}", t.code, t.label_in(lang))))
        })
        .collect())
}

pub async fn donors(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let lang = ctx.lang;
    let tiers = tiers(&state, lang).await?;
    let mut rows = Vec::new();
    for r in state.store.donors().await? {
        rows.push(DonorLine {
            id: r.id,
            name: r.donor.name.clone(),
            kind: r.donor.kind.label(lang),
            public: r.donor.publish_name,
            earmark: earmark_text(&state, &r.donor.earmark, &tiers, lang).await?,
            donations: num(r.donations),
            devices: num(r.devices),
            value: r.total_value.to_string(),
        });
    }
    Ok(render(DonorsPage {
        l: ctx.layout(texts::tr(ctx.lang).donors),
        rows,
        can_edit: actor.can(Action::ReceiveDevices),
    })
    .into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct DonorForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    tax_code: String,
    #[serde(default)]
    publish_name: Option<String>,
    #[serde(default)]
    earmark_unit: String,
    #[serde(default)]
    earmark_tier: String,
}

pub(super) fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[derive(askama::Template)]
#[template(path = "donations/templates/donor.html")]
struct DonorPage {
    l: Layout,
    id: Option<i64>,
    f: DonorForm,
    can_edit: bool,
    /// Contacts and tax code: only for those who keep them.
    show_contacts: bool,
    earmark: String,
    tiers: Vec<(String, String)>,
    error: Option<String>,
    bad: String,
    donations: Vec<DonationLine>,
    /// Other areas' sections of the donor's page (the cash they gave).
    panels: Vec<crate::areas::StudentPanel>,
}

fn form_of(d: &Donor, unit_code: String) -> DonorForm {
    DonorForm {
        kind: d.kind.code().into(),
        name: d.name.clone(),
        contact_person: d.contact_person.clone().unwrap_or_default(),
        phone: d.phone.clone().unwrap_or_default(),
        email: d.email.clone().unwrap_or_default(),
        address: d.address.clone().unwrap_or_default(),
        tax_code: d.tax_code.clone().unwrap_or_default(),
        publish_name: d.publish_name.then(|| "1".into()),
        earmark_unit: unit_code,
        earmark_tier: d.earmark.tier.map(|t| t.to_string()).unwrap_or_default(),
    }
}

async fn donor_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Option<i64>,
    typed: Option<DonorForm>,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let stored = match id {
        Some(id) => Some(
            state
                .store
                .donor(id)
                .await?
                .ok_or_else(AppError::not_found)?,
        ),
        None => None,
    };
    let f = match (&typed, &stored) {
        (Some(t), _) => t.clone(),
        (None, Some(d)) => {
            let code = match d.earmark.unit_id {
                Some(u) => state
                    .store
                    .unit_by_id(u)
                    .await?
                    .map(|u| u.code.to_string())
                    .unwrap_or_default(),
                None => String::new(),
            };
            form_of(d, code)
        }
        (None, None) => DonorForm {
            kind: "organisation".into(),
            publish_name: Some("1".into()),
            ..DonorForm::default()
        },
    };
    let tiers = tiers(state, lang).await?;
    let earmark = match &stored {
        Some(d) => earmark_text(state, &d.earmark, &tiers, lang).await?,
        None => String::new(),
    };
    let donations = match id {
        Some(id) => state
            .store
            .donations()
            .await?
            .into_iter()
            .filter(|d| d.donor_id == id)
            .map(|d| line_of(&d))
            .collect(),
        None => Vec::new(),
    };
    let panels = match id {
        Some(id) => crate::areas::donor_panels(state, actor, id, lang).await?,
        None => Vec::new(),
    };
    let title = stored
        .as_ref()
        .map(|d| d.name.clone())
        .unwrap_or_else(|| texts::tr(ctx.lang).donor_new.to_string());
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (bad, error) = error.map(|(f, m)| (f, Some(m))).unwrap_or_default();
    Ok(with_status(
        status,
        render(DonorPage {
            l: ctx.layout(title),
            id,
            f,
            can_edit: actor.can(Action::ReceiveDevices),
            show_contacts: actor.can(Action::ReceiveDevices),
            earmark,
            tiers: tiers.into_iter().map(|(r, l)| (r.to_string(), l)).collect(),
            error,
            bad,
            donations,
            panels,
        })
        .into_response(),
    ))
}

pub async fn new_donor(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    donor_page(&state, &ctx, &actor, None, None, None).await
}

pub async fn donor(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    donor_page(&state, &ctx, &actor, Some(id), None, None).await
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Option<i64>,
    f: DonorForm,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let fail = |field: &str, msg: String| Some((field.to_string(), msg));
    let mut error = None;
    let kind = DonorKind::parse(&f.kind);
    if kind.is_none() {
        error = fail(
            "kind",
            lang.pick(
                "Hãy chọn tổ chức hoặc cá nhân.",
                "Choose organisation or person.",
            )
            .into(),
        );
    }
    let mut unit_id = None;
    if error.is_none() && !f.earmark_unit.trim().is_empty() {
        match state.store.unit_by_code(f.earmark_unit.trim()).await? {
            Some(u) => unit_id = Some(u.id),
            None => {
                error = fail(
                    "earmark_unit",
                    DomainError::Units(UnitsError::UnknownUnit {
                        code: f.earmark_unit.trim().to_string(),
                    })
                    .message(lang),
                )
            }
        }
    }
    let tier = match f.earmark_tier.trim() {
        "" => None,
        t => match t.parse::<u8>() {
            Ok(v) => Some(v),
            Err(_) => {
                error = error.or(fail(
                    "earmark_tier",
                    lang.pick(
                        "Hãy chọn đối tượng trong danh sách.",
                        "Choose a tier from the list.",
                    )
                    .into(),
                ));
                None
            }
        },
    };
    if let Some(e) = error {
        return donor_page(state, ctx, actor, id, Some(f), Some(e)).await;
    }
    let d = Donor {
        kind: kind.unwrap_or(DonorKind::Organisation),
        name: f.name.clone(),
        contact_person: some(&f.contact_person),
        phone: some(&f.phone),
        email: some(&f.email),
        address: some(&f.address),
        tax_code: some(&f.tax_code),
        publish_name: f.publish_name.is_some(),
        earmark: Earmark { unit_id, tier },
    };
    match state.store.save_donor(&actor.audit(), id, &d).await {
        Ok(new_id) => Ok(redirect_with_flash(
            &format!("/donors/{new_id}"),
            "donor_saved",
            state.config.secure_cookies(),
        )),
        Err(store::StoreError::Domain(e)) if e.field().is_some() => {
            let field = e.field().unwrap_or_default();
            donor_page(
                state,
                ctx,
                actor,
                id,
                Some(f),
                Some((field.to_string(), e.message(lang))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_donor(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<DonorForm>,
) -> AppResult<Response> {
    save(&state, &ctx, &actor, None, f).await
}

pub async fn update_donor(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<DonorForm>,
) -> AppResult<Response> {
    save(&state, &ctx, &actor, Some(id), f).await
}
