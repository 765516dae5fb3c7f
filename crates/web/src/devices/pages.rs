//! Devices: the registry's counts by state, the device models checked criterion by
//! criterion against the spec profile of their kind, and the spec profiles themselves,
//! which the appraising department (Sở TT&TT) enters and edits, each change audited.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::authz::Action;
use domain::devices::{
    Criterion, DeviceKind, DeviceModel, DeviceState, SpecProfile, Verdict, check_model,
};
use serde::Deserialize;

/// `4 GB`, `1,5 GB`: megabytes as officials write memory.
fn gb(mb: u32, lang: Lang) -> String {
    let tenths = (u64::from(mb) * 10 + 512) / 1024;
    let sep = lang.pick(",", ".");
    if tenths.is_multiple_of(10) {
        format!("{} GB", tenths / 10)
    } else {
        format!("{}{sep}{} GB", tenths / 10, tenths % 10)
    }
}

fn inches(tenths: u32, lang: Lang) -> String {
    let sep = lang.pick(",", ".");
    if tenths.is_multiple_of(10) {
        format!("{} inch", tenths / 10)
    } else {
        format!("{}{sep}{} inch", tenths / 10, tenths % 10)
    }
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b {
        lang.pick("Có", "Yes")
    } else {
        lang.pick("Không", "No")
    }
    .into()
}

/// What the profile requires for a criterion, and what the model has, as text.
fn texts(c: Criterion, m: &DeviceModel, p: &SpecProfile, lang: Lang) -> (String, String) {
    let unknown = || lang.pick("Chưa rõ", "Not stated").to_string();
    let at_least = |v: Option<u32>, f: &dyn Fn(u32) -> String| {
        v.map(|v| format!("≥ {}", f(v))).unwrap_or_default()
    };
    let has = |v: Option<u32>, f: &dyn Fn(u32) -> String| v.map(f).unwrap_or_else(unknown);
    let mp = |v: u32| format!("{v} MP");
    let mah = |v: u32| format!("{} mAh", crate::views::num(i64::from(v)));
    let months = |v: u32| format!("{v} {}", lang.pick("tháng", "months"));
    let cores = |v: u32| v.to_string();
    let g = |v: u32| gb(v, lang);
    let storage = |v: u32| format!("{v} GB");
    let screen = |v: u32| inches(v, lang);
    match c {
        Criterion::Kind => (
            p.kind.label(lang).into(),
            m.kind
                .map(|k| k.label(lang).to_string())
                .unwrap_or_else(unknown),
        ),
        Criterion::CpuCores => (at_least(p.min_cpu_cores, &cores), has(m.cpu_cores, &cores)),
        Criterion::Ram => (at_least(p.min_ram_mb, &g), has(m.ram_mb, &g)),
        Criterion::Storage => (
            at_least(p.min_storage_gb, &storage),
            has(m.storage_gb, &storage),
        ),
        Criterion::Screen => (
            at_least(p.min_screen_tenths, &screen),
            has(m.screen_tenths, &screen),
        ),
        Criterion::Battery => (at_least(p.min_battery_mah, &mah), has(m.battery_mah, &mah)),
        Criterion::FrontCamera => (
            at_least(p.min_front_camera_mp, &mp),
            has(m.front_camera_mp, &mp),
        ),
        Criterion::RearCamera => (
            at_least(p.min_rear_camera_mp, &mp),
            has(m.rear_camera_mp, &mp),
        ),
        Criterion::Os => (p.os_any_of.join(", "), m.os.clone().unwrap_or_else(unknown)),
        Criterion::Wifi => (
            yes_no(true, lang),
            m.wifi.map(|b| yes_no(b, lang)).unwrap_or_else(unknown),
        ),
        Criterion::Lte => (
            yes_no(true, lang),
            m.lte.map(|b| yes_no(b, lang)).unwrap_or_else(unknown),
        ),
        Criterion::Warranty => (
            at_least(p.min_warranty_months, &months),
            has(m.warranty_months, &months),
        ),
    }
}

fn verdict_label(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Pass => lang.pick("Đạt", "Passes"),
        Verdict::Fail => lang.pick("Không đạt", "Fails"),
        Verdict::Unknown => lang.pick("Chưa đủ thông tin", "Not enough information"),
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Unknown => "unknown",
    }
}

pub struct StateLine {
    pub label: &'static str,
    pub count: String,
}

pub struct ModelLine {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub ram: String,
    pub storage: String,
    pub screen: String,
    pub price: String,
    pub devices: String,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
    /// The criteria it fails, or those not stated.
    pub detail: String,
    /// The verdict is against a sample profile (mẫu), not the official figures.
    pub sample: bool,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/index.html")]
struct IndexPage {
    l: Layout,
    can_receive: bool,
    states: Vec<StateLine>,
    total: String,
    models: Vec<ModelLine>,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let lang = ctx.lang;
    let counts = state.store.device_counts().await?;
    let profiles = state.store.spec_profiles().await?;
    let states = DeviceState::ALL
        .into_iter()
        .filter_map(|s| {
            counts.get(&s).map(|n| StateLine {
                label: s.label(lang),
                count: crate::views::num(*n),
            })
        })
        .collect();
    let models = state
        .store
        .device_models()
        .await?
        .into_iter()
        .map(|s| {
            let m = &s.model;
            let profile = m.kind.and_then(|k| profiles.iter().find(|p| p.kind == k));
            let (verdict, class, detail) = match profile {
                None => (
                    lang.pick("Chưa có cấu hình tối thiểu", "No spec profile"),
                    "unknown",
                    String::new(),
                ),
                Some(p) => {
                    let c = check_model(m, p);
                    let wanted = if c.verdict == Verdict::Fail {
                        Verdict::Fail
                    } else {
                        Verdict::Unknown
                    };
                    let detail = c
                        .criteria
                        .iter()
                        .filter(|x| x.verdict == wanted && c.verdict != Verdict::Pass)
                        .map(|x| x.criterion.label(lang))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (
                        verdict_label(c.verdict, lang),
                        verdict_class(c.verdict),
                        detail,
                    )
                }
            };
            ModelLine {
                id: s.id,
                kind: m
                    .kind
                    .map(|k| k.label(lang).to_string())
                    .unwrap_or_default(),
                name: format!("{} {}", m.brand, m.model),
                ram: m.ram_mb.map(|v| gb(v, lang)).unwrap_or_default(),
                storage: m.storage_gb.map(|v| format!("{v} GB")).unwrap_or_default(),
                screen: m.screen_tenths.map(|v| inches(v, lang)).unwrap_or_default(),
                price: m.unit_price.map(|d| d.to_string()).unwrap_or_default(),
                devices: crate::views::num(s.devices),
                verdict,
                verdict_class: class,
                detail,
                sample: profile.is_some_and(|p| p.sample),
            }
        })
        .collect();
    Ok(render(IndexPage {
        l: ctx.layout(texts::tr(ctx.lang).nav_devices),
        can_receive: actor.can(Action::ReceiveDevices),
        states,
        total: crate::views::num(counts.values().sum::<i64>()),
        models,
    })
    .into_response())
}

pub struct CheckLine {
    pub criterion: &'static str,
    pub required: String,
    pub actual: String,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
}

#[derive(askama::Template)]
#[template(path = "devices/templates/model.html")]
struct ModelPage {
    l: Layout,
    name: String,
    kind: String,
    cpu: String,
    price: String,
    profile_name: String,
    profile_sample: bool,
    verdict: &'static str,
    verdict_class: &'static str,
    lines: Vec<CheckLine>,
    /// Other areas' sections about this model (after-care's defect rate).
    panels: Vec<crate::areas::StudentPanel>,
}

pub async fn model(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let m = state
        .store
        .device_model(id)
        .await?
        .ok_or(AppError::Domain(domain::DomainError::NotFound))?;
    let profiles = state.store.spec_profiles().await?;
    let p = m
        .kind
        .and_then(|k| profiles.into_iter().find(|p| p.kind == k));
    let (verdict, class, lines, profile_name, sample) = match &p {
        None => (
            lang.pick("Chưa có cấu hình tối thiểu", "No spec profile"),
            "unknown",
            Vec::new(),
            String::new(),
            false,
        ),
        Some(p) => {
            let c = check_model(&m, p);
            let lines = c
                .criteria
                .iter()
                .map(|x| {
                    let (required, actual) = texts(x.criterion, &m, p, lang);
                    CheckLine {
                        criterion: x.criterion.label(lang),
                        required,
                        actual,
                        verdict: verdict_label(x.verdict, lang),
                        verdict_class: verdict_class(x.verdict),
                    }
                })
                .collect();
            (
                verdict_label(c.verdict, lang),
                verdict_class(c.verdict),
                lines,
                p.name.clone(),
                p.sample,
            )
        }
    };
    let name = format!("{} {}", m.brand, m.model);
    let panels = crate::areas::panels(
        crate::areas::PanelPage::DeviceModel,
        &state,
        &actor,
        id,
        lang,
    )
    .await?;
    Ok(render(ModelPage {
        l: ctx.layout(name.clone()),
        name,
        kind: m
            .kind
            .map(|k| k.label(lang).to_string())
            .unwrap_or_default(),
        cpu: m.cpu.clone().unwrap_or_default(),
        price: m.unit_price.map(|d| d.to_string()).unwrap_or_default(),
        profile_name,
        profile_sample: sample,
        verdict,
        verdict_class: class,
        lines,
        panels,
    })
    .into_response())
}

/// A profile as its form shows it: memory in GB and the screen in inches, as officials
/// write them.
pub struct ProfileView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub sample: bool,
    pub cpu_cores: String,
    pub ram_gb: String,
    pub storage_gb: String,
    pub screen_in: String,
    pub battery_mah: String,
    pub front_mp: String,
    pub rear_mp: String,
    pub os: String,
    pub wifi: bool,
    pub lte: bool,
    pub warranty: String,
    /// Read-only lines for those who cannot edit: criterion and requirement.
    pub lines: Vec<(&'static str, String)>,
    /// The field in error and the message, after a refused save of this profile.
    pub error: Option<(String, String)>,
    /// The name of the field in error (`ram_gb`), or empty.
    pub bad: String,
}

fn opt(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn decimal(tenths: Option<u32>, lang: Lang) -> String {
    tenths
        .map(|t| {
            if t.is_multiple_of(10) {
                (t / 10).to_string()
            } else {
                format!("{}{}{}", t / 10, lang.pick(",", "."), t % 10)
            }
        })
        .unwrap_or_default()
}

fn view(p: &SpecProfile, lang: Lang) -> ProfileView {
    let blank = DeviceModel::default();
    let lines = check_model(&blank, p)
        .criteria
        .iter()
        .filter(|c| c.criterion != Criterion::Kind)
        .map(|c| {
            (
                c.criterion.label(lang),
                texts(c.criterion, &blank, p, lang).0,
            )
        })
        .collect();
    ProfileView {
        kind: p.kind.code(),
        kind_label: p.kind.label(lang),
        name: p.name.clone(),
        sample: p.sample,
        cpu_cores: opt(p.min_cpu_cores),
        ram_gb: decimal(p.min_ram_mb.map(|mb| (mb * 10 + 512) / 1024), lang),
        storage_gb: opt(p.min_storage_gb),
        screen_in: decimal(p.min_screen_tenths, lang),
        battery_mah: opt(p.min_battery_mah),
        front_mp: opt(p.min_front_camera_mp),
        rear_mp: opt(p.min_rear_camera_mp),
        os: p.os_any_of.join("\n"),
        wifi: p.wifi_required,
        lte: p.lte_required,
        warranty: opt(p.min_warranty_months),
        lines,
        error: None,
        bad: String::new(),
    }
}

#[derive(askama::Template)]
#[template(path = "devices/templates/profiles.html")]
struct ProfilesPage {
    l: Layout,
    profiles: Vec<ProfileView>,
    can_edit: bool,
}

async fn profiles_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    error: Option<(String, String)>,
    typed: Option<&ProfileForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let stored = state.store.spec_profiles().await?;
    let mut profiles: Vec<ProfileView> = DeviceKind::ALL
        .into_iter()
        .map(|k| match stored.iter().find(|p| p.kind == k) {
            Some(p) => view(p, lang),
            None => view(&SpecProfile::none(k, k.label(lang)), lang),
        })
        .collect();
    if let Some((field, message)) = &error
        && let Some(p) = profiles.iter_mut().find(|p| field.starts_with(p.kind))
    {
        p.bad = field[p.kind.len() + 1..].to_string();
        p.error = Some((field.clone(), message.clone()));
        // What was typed stays in the form, to be corrected rather than typed again.
        if let Some(f) = typed {
            p.name = f.name.clone();
            p.sample = f.sample.is_some();
            p.cpu_cores = f.cpu_cores.clone();
            p.ram_gb = f.ram_gb.clone();
            p.storage_gb = f.storage_gb.clone();
            p.screen_in = f.screen_in.clone();
            p.battery_mah = f.battery_mah.clone();
            p.front_mp = f.front_mp.clone();
            p.rear_mp = f.rear_mp.clone();
            p.os = f.os.clone();
            p.wifi = f.wifi.is_some();
            p.lte = f.lte.is_some();
            p.warranty = f.warranty.clone();
        }
    }
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        render(ProfilesPage {
            l: ctx.layout(texts::tr(ctx.lang).spec_profiles),
            profiles,
            can_edit: actor.can(Action::EditSpecProfiles),
        }),
    )
        .into_response())
}

pub async fn profiles(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    profiles_page(&state, &ctx, &actor, None, None).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sample: Option<String>,
    #[serde(default)]
    cpu_cores: String,
    #[serde(default)]
    ram_gb: String,
    #[serde(default)]
    storage_gb: String,
    #[serde(default)]
    screen_in: String,
    #[serde(default)]
    battery_mah: String,
    #[serde(default)]
    front_mp: String,
    #[serde(default)]
    rear_mp: String,
    #[serde(default)]
    os: String,
    #[serde(default)]
    wifi: Option<String>,
    #[serde(default)]
    lte: Option<String>,
    #[serde(default)]
    warranty: String,
}

/// A whole number, or empty (no requirement).
fn whole(s: &str) -> Result<Option<u32>, ()> {
    let t = s.trim().replace('.', "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>().map(Some).map_err(|_| ())
}

/// A number with at most one decimal, comma or point, in tenths; or empty.
fn tenths(s: &str) -> Result<Option<u32>, ()> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, "0"));
    if frac.len() > 1 || int.is_empty() {
        return Err(());
    }
    let i: u32 = int.parse().map_err(|_| ())?;
    let f: u32 = frac.parse().map_err(|_| ())?;
    i.checked_mul(10)
        .and_then(|x| x.checked_add(f))
        .map(Some)
        .ok_or(())
}

pub async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(kind): Path<String>,
    Form(f): Form<ProfileForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let kind = DeviceKind::parse(&kind).ok_or(AppError::Domain(domain::DomainError::NotFound))?;
    let bad = |field: &str, vi: &str, en: &str| {
        Some((
            format!("{}-{field}", kind.code()),
            lang.pick(vi, en).to_string(),
        ))
    };
    let mut error = None;
    let mut num = |field: &'static str, v: Result<Option<u32>, ()>| match v {
        Ok(v) => v,
        Err(()) => {
            if error.is_none() {
                error = bad(
                    field,
                    "Hãy nhập một số (hoặc để trống nếu không yêu cầu).",
                    "Enter a number (or leave it empty for no requirement).",
                );
            }
            None
        }
    };
    let cpu = num("cpu_cores", whole(&f.cpu_cores));
    let ram = num("ram_gb", tenths(&f.ram_gb)).map(|t| t * 1024 / 10);
    let storage = num("storage_gb", whole(&f.storage_gb));
    let screen = num("screen_in", tenths(&f.screen_in));
    let battery = num("battery_mah", whole(&f.battery_mah));
    let front = num("front_mp", whole(&f.front_mp));
    let rear = num("rear_mp", whole(&f.rear_mp));
    let warranty = num("warranty", whole(&f.warranty));
    if error.is_none() && f.name.trim().is_empty() {
        error = bad("name", "Hãy đặt tên cho cấu hình.", "Name the profile.");
    }
    if let Some(e) = error {
        return profiles_page(&state, &ctx, &actor, Some(e), Some(&f)).await;
    }
    let p = SpecProfile {
        kind,
        name: f.name.trim().to_string(),
        sample: f.sample.is_some(),
        min_cpu_cores: cpu,
        min_ram_mb: ram,
        min_storage_gb: storage,
        min_screen_tenths: screen,
        min_battery_mah: battery,
        min_front_camera_mp: front,
        min_rear_camera_mp: rear,
        os_any_of: f
            .os
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        wifi_required: f.wifi.is_some(),
        lte_required: f.lte.is_some(),
        min_warranty_months: warranty,
    };
    state.store.save_spec_profile(&actor.audit(), &p).await?;
    Ok(redirect_with_flash(
        "/devices/profiles",
        "profile_saved",
        state.config.secure_cookies(),
    ))
}

#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    serial: String,
}

/// The lookup box: to the device's page by its serial as printed.
pub async fn find(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::extract::Query(q): crate::extract::Query<FindQuery>,
) -> AppResult<Response> {
    let to_page = |s: &str| {
        let enc: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        axum::response::Redirect::to(&format!("/devices/serial/{}", enc.replace('+', "%20")))
            .into_response()
    };
    // By serial or IMEI as printed; else the devices whose serial contains what was
    // typed (one goes straight to its page); else the page saying it is not there.
    if let Some(s) = state.store.find_device(&q.serial).await? {
        return Ok(to_page(&s));
    }
    let typed = domain::devices::serial(&q.serial).unwrap_or_default();
    if typed.is_empty() {
        return Ok(axum::response::Redirect::to("/devices").into_response());
    }
    let found = state.store.devices_matching(&typed, MATCHES + 1).await?;
    match found.as_slice() {
        [] => Ok(to_page(&typed)),
        [(one, _)] => Ok(to_page(one)),
        many => Ok(render(MatchesPage {
            l: ctx.layout(texts::tr(ctx.lang).matches_title),
            typed,
            more: many.len() as i64 > MATCHES,
            matches: many
                .iter()
                .take(MATCHES as usize)
                .map(|(s, st)| (s.clone(), st.label(ctx.lang)))
                .collect(),
        })),
    }
}

/// Matches a partial search lists at most.
const MATCHES: i64 = 50;

#[derive(askama::Template)]
#[template(path = "devices/templates/matches.html")]
struct MatchesPage {
    l: Layout,
    typed: String,
    matches: Vec<(String, &'static str)>,
    more: bool,
}
