//! Dead zones: the table of the viewer's scope sorted by the students affected, filtered
//! by carrier and status; the report form (schools, offices, the Sở, Sở TT&TT); a zone's
//! page with its dated steps and, for Sở TT&TT, the form that moves it on; the sheet for
//! a carrier.

use super::texts::{self, Layout};
use super::{Choice, Tab, choices, tabs};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::{Form, Query};
use crate::files::{with_status, xlsx_attachment};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::response::Response;
use domain::Lang;
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::signal::{Carrier, SignalLevel, ZoneStatus};
use domain::units::UnitKind;
use serde::Deserialize;
use sheets::table::{Cell, TableWriter};
use std::collections::HashMap;
use store::StoreError;
use store::signal::{NewZone, ZoneRecord};
use store::units::UnitFilter;

#[derive(Debug, Default, Deserialize)]
pub struct ZonesQuery {
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    status: String,
}

pub struct ZoneLine {
    pub id: i64,
    pub place: String,
    pub district: String,
    pub carriers: String,
    pub signal: &'static str,
    pub students: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub since: String,
}

fn carriers_text(z: &ZoneRecord) -> String {
    z.carriers
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(z: &ZoneRecord, lang: Lang) -> ZoneLine {
    ZoneLine {
        id: z.id,
        place: z.place(),
        district: z.district.clone(),
        carriers: carriers_text(z),
        signal: z.signal.label(lang),
        students: num(z.students),
        status: z.status.label(lang),
        status_code: z.status.code(),
        since: format_date(z.status_on),
    }
}

#[derive(askama::Template)]
#[template(path = "signal/templates/zones.html")]
struct ZonesPage {
    l: Layout,
    tabs: Vec<Tab>,
    carriers: Vec<Choice>,
    statuses: Vec<Choice>,
    zones: Vec<ZoneLine>,
    affected: String,
    can_report: bool,
    export: String,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ZonesQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let carrier = Carrier::parse(&q.carrier);
    let status = ZoneStatus::parse(&q.status);
    let zones: Vec<ZoneRecord> = state
        .store
        .dead_zones(&actor.scope, carrier)
        .await?
        .into_iter()
        .filter(|z| status.is_none_or(|s| z.status == s))
        .collect();
    let mut carriers = vec![Choice {
        value: String::new(),
        label: t.all_carriers.to_string(),
        selected: carrier.is_none(),
    }];
    carriers.extend(choices(
        Carrier::ALL.iter().map(|c| (c.code(), c.name())),
        carrier.map(|c| c.code()).unwrap_or(""),
    ));
    let mut statuses = vec![Choice {
        value: String::new(),
        label: t.all.to_string(),
        selected: status.is_none(),
    }];
    statuses.extend(choices(
        ZoneStatus::ALL.iter().map(|s| (s.code(), s.label(lang))),
        status.map(|s| s.code()).unwrap_or(""),
    ));
    let affected = num(zones
        .iter()
        .filter(|z| z.status != ZoneStatus::Covered)
        .map(|z| z.students)
        .sum::<i64>());
    Ok(render(ZonesPage {
        l: ctx.layout(t.zones_title),
        tabs: tabs(lang, "/signal/zones"),
        carriers,
        statuses,
        zones: zones.iter().map(|z| line(z, lang)).collect(),
        affected,
        can_report: actor.can(Action::ReportDeadZones),
        export: match carrier {
            Some(c) => format!("/signal/zones/vung-lom-song.xlsx?carrier={}", c.code()),
            None => "/signal/zones/vung-lom-song.xlsx".to_string(),
        },
    }))
}

/// The zones of the viewer's scope (for one carrier, when asked) as a sheet to send.
pub async fn xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ZonesQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let carrier = Carrier::parse(&q.carrier);
    let zones = state.store.dead_zones(&actor.scope, carrier).await?;
    let title = match carrier {
        Some(c) => format!(
            "{} — {} (ngày {})",
            t.zones_sheet_title,
            c.name(),
            format_date(today())
        ),
        None => format!("{} (ngày {})", t.zones_sheet_title, format_date(today())),
    };
    let mut w = TableWriter::new(
        "Vung lom song",
        &title,
        &[
            ("STT", 6.0),
            (t.district, 20.0),
            (t.commune, 22.0),
            (lang.pick("Thôn, bon, buôn", "Village"), 18.0),
            (lang.pick("Vĩ độ", "Latitude"), 11.0),
            (lang.pick("Kinh độ", "Longitude"), 11.0),
            (t.signal, 26.0),
            (t.carriers, 24.0),
            (t.students_affected, 12.0),
            (t.status, 20.0),
            (t.since, 12.0),
        ],
    )
    .map_err(AppError::internal)?;
    for (i, z) in zones.iter().enumerate() {
        let (lat, lon) = z
            .point
            .map(|(a, b)| (degrees(a), degrees(b)))
            .unwrap_or_default();
        let carriers = carriers_text(z);
        let since = format_date(z.status_on);
        w.push(&[
            Cell::Number(i as i64 + 1),
            Cell::Text(&z.district),
            Cell::Text(&z.commune),
            Cell::Text(z.village.as_deref().unwrap_or("")),
            Cell::Text(&lat),
            Cell::Text(&lon),
            Cell::Text(z.signal.label(lang)),
            Cell::Text(&carriers),
            Cell::Number(z.students),
            Cell::Text(z.status.label(lang)),
            Cell::Text(&since),
        ])
        .map_err(AppError::internal)?;
    }
    let name = match carrier {
        Some(c) => format!("vung-lom-song-{}.xlsx", c.code()),
        None => "vung-lom-song.xlsx".to_string(),
    };
    Ok(xlsx_attachment(
        &name,
        w.finish().map_err(AppError::internal)?,
    ))
}

/// Millionths of a degree written as officials read them: `12,520000`.
fn degrees(e6: i64) -> String {
    let sign = if e6 < 0 { "-" } else { "" };
    let a = e6.abs();
    format!("{sign}{},{:06}", a / 1_000_000, a % 1_000_000)
}

#[derive(askama::Template)]
#[template(path = "signal/templates/zone_new.html")]
struct NewZonePage {
    l: Layout,
    districts: Vec<Choice>,
    signals: Vec<Choice>,
    carriers: Vec<(Choice, String)>,
    f: HashMap<String, String>,
    problems: Vec<String>,
}

impl NewZonePage {
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }
}

/// The districts the viewer may report a zone in: those of their scope, or their own
/// school's district.
async fn districts(state: &AppState, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let own = state.store.unit_by_id(actor.user.unit_id).await?;
    if let Some(u) = &own
        && u.kind == UnitKind::School
    {
        let parent = match u.parent_id {
            Some(p) => state.store.unit_by_id(p).await?,
            None => None,
        };
        return Ok(parent
            .filter(|p| p.kind == UnitKind::District)
            .map(|p| vec![(p.id, p.name)])
            .unwrap_or_default());
    }
    let filter = UnitFilter {
        kind: Some(UnitKind::District),
        ..UnitFilter::default()
    };
    let page = state
        .store
        .list_units(&actor.scope, &filter, 1, 500)
        .await?;
    Ok(page.items.into_iter().map(|u| (u.id, u.name)).collect())
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: HashMap<String, String>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let chosen = f.get("district").cloned().unwrap_or_default();
    let districts = districts(state, actor)
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            selected: id.to_string() == chosen,
            value: id.to_string(),
            label: name,
        })
        .collect();
    let signals = choices(
        SignalLevel::ALL.iter().map(|s| (s.code(), s.label(lang))),
        f.get("signal").map(String::as_str).unwrap_or(""),
    );
    let carriers = Carrier::ALL
        .iter()
        .map(|c| {
            let field = format!("carrier_{}", c.code());
            (
                Choice {
                    value: c.code().to_string(),
                    label: c.name().to_string(),
                    selected: f.contains_key(&field),
                },
                field,
            )
        })
        .collect();
    let status = crate::views::form_status(&problems);
    Ok(with_status(
        status,
        render(NewZonePage {
            l: ctx.layout(t.report_zone),
            districts,
            signals,
            carriers,
            f,
            problems,
        }),
    ))
}

pub async fn new_zone(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let mut f = HashMap::new();
    f.insert("opened_on".to_string(), format_date(today()));
    form_page(&state, &ctx, &actor, f, Vec::new()).await
}

/// A decimal number as typed: `12,0046` or `12.0046`.
fn decimal(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let get = |k: &str| {
        f.get(k)
            .map(String::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let mut problems = Vec::new();
    let allowed = districts(&state, &actor).await?;
    let district = get("district")
        .parse::<i64>()
        .ok()
        .filter(|d| allowed.iter().any(|(id, _)| id == d));
    if district.is_none() {
        problems.push(t.choose_district.to_string());
    }
    let signal = SignalLevel::parse(&get("signal"));
    if signal.is_none() {
        problems.push(t.choose_signal.to_string());
    }
    let point = match (get("latitude"), get("longitude")) {
        (a, b) if a.is_empty() && b.is_empty() => Some(None),
        (a, b) => decimal(&a).zip(decimal(&b)).map(Some),
    };
    if point.is_none() {
        problems.push(format!("{}: {}", t.latitude, t.bad_coordinates));
    }
    let opened_on = parse_date(&get("opened_on"));
    if opened_on.is_none() {
        problems.push(format!("{}: {}", t.opened_on, t.bad_date));
    }
    let carriers: Vec<Carrier> = Carrier::ALL
        .into_iter()
        .filter(|c| f.contains_key(&format!("carrier_{}", c.code())))
        .collect();
    let (Some(district_id), Some(signal), Some(point), Some(opened_on)) =
        (district, signal, point, opened_on)
    else {
        return form_page(&state, &ctx, &actor, f, problems).await;
    };
    let z = NewZone {
        district_id,
        commune: get("commune"),
        village: Some(get("village")),
        point,
        carriers,
        signal,
        note: Some(get("note")),
        opened_on,
    };
    match state.store.report_zone(&actor.audit(), &z).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/signal/zones/{id}"),
            "zone_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let page = form_page(&state, &ctx, &actor, f, vec![e.message(ctx.lang)]).await?;
            Ok(with_status(status, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct StepLine {
    pub status: &'static str,
    pub day: String,
    pub note: String,
    pub actor: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    note: String,
}

#[derive(askama::Template)]
#[template(path = "signal/templates/zone.html")]
struct ZonePage {
    l: Layout,
    z: ZoneLine,
    point: Option<(String, String, String)>,
    note: String,
    steps: Vec<StepLine>,
    can_move: bool,
    covered: bool,
    next: Vec<Choice>,
    f: StepForm,
    problems: Vec<String>,
}

async fn zone_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    f: StepForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (z, steps) = state
        .store
        .dead_zone(id)
        .await?
        .filter(|(z, _)| z.seen_from(&actor.scope))
        .ok_or_else(AppError::not_found)?;
    let next: Vec<Choice> = choices(
        ZoneStatus::ALL
            .iter()
            .filter(|s| **s > z.status)
            .map(|s| (s.code(), s.label(lang))),
        &f.status,
    );
    let status = crate::views::form_status(&problems);
    let point = z.point.map(|(a, b)| {
        let (lat, lon) = (degrees(a), degrees(b));
        let url = format!(
            "https://www.openstreetmap.org/?mlat={}&mlon={}#map=14/{}/{}",
            lat.replace(',', "."),
            lon.replace(',', "."),
            lat.replace(',', "."),
            lon.replace(',', ".")
        );
        (lat, lon, url)
    });
    Ok(with_status(
        status,
        render(ZonePage {
            l: ctx.layout(z.place()),
            point,
            note: z.note.clone().unwrap_or_default(),
            covered: z.status == ZoneStatus::Covered,
            can_move: actor.can(Action::ManageDeadZones),
            z: line(&z, lang),
            steps: steps
                .into_iter()
                .map(|s| StepLine {
                    status: s.status.label(lang),
                    day: format_date(s.day),
                    note: s.note.unwrap_or_default(),
                    actor: s.actor,
                })
                .collect(),
            next,
            f,
            problems,
        }),
    ))
}

pub async fn zone(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let f = StepForm {
        day: format_date(today()),
        ..StepForm::default()
    };
    zone_page(&state, &ctx, &actor, id, f, Vec::new()).await
}

pub async fn advance(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    // Only zones the viewer sees can be moved.
    state
        .store
        .dead_zone(id)
        .await?
        .filter(|(z, _)| z.seen_from(&actor.scope))
        .ok_or_else(AppError::not_found)?;
    let mut problems = Vec::new();
    let to = ZoneStatus::parse(&f.status);
    if to.is_none() {
        problems.push(format!("{}: —", t.step));
    }
    let day = parse_date(&f.day);
    if day.is_none() {
        problems.push(format!("{}: {}", t.day, t.bad_date));
    }
    let (Some(to), Some(day)) = (to, day) else {
        return zone_page(&state, &ctx, &actor, id, f, problems).await;
    };
    match state
        .store
        .advance_zone(&actor.audit(), id, to, day, Some(&f.note))
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/signal/zones/{id}"),
            "zone_moved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            let page = zone_page(&state, &ctx, &actor, id, f, vec![e.message(ctx.lang)]).await?;
            Ok(with_status(status, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{decimal, degrees};

    #[test]
    fn coordinates_as_officials_write_them() {
        assert_eq!(degrees(12_520_000), "12,520000");
        assert_eq!(degrees(107_004_600), "107,004600");
        assert_eq!(decimal("12,0046"), Some(12.0046));
        assert_eq!(decimal(" 107.6873 "), Some(107.6873));
        assert_eq!(decimal("NaN"), None);
        assert_eq!(decimal("mười hai"), None);
    }
}
