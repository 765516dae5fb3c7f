//! Signal (sóng) in the web: each school's Internet connection with its history and the
//! list of schools without Internet for the Department of Information and
//! Communications (`.xlsx`); dead zones (vùng lõm sóng) reported by schools and offices,
//! moved on to the carriers and to coverage by Sở TT&TT, sorted by the students affected
//! and exported per carrier; students' data SIMs, masked outside the student's school;
//! the online-learning platforms, the recommended ones published on the portal.

mod platforms;
mod schools;
mod sims;
pub mod texts;
mod zones;

use crate::areas::{Area, MenuEntry, WorkItem};
use crate::error::AppResult;
use crate::gate::Actor;
use crate::routes::{Access, Route, Target, route};
use crate::state::AppState;
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::{self, *};
use futures_util::future::BoxFuture;

pub const AREA: Area = Area {
    name: "signal",
    routes,
    menu: &[MenuEntry {
        href: "/signal",
        label: |l| texts::tr(l).nav_signal,
        needs: Some(ViewSignal),
        position: 46,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work),
    panels: &[(crate::areas::PanelPage::Report, report_panel)],
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewSignal, Target::None);
    vec![
        route(Method::GET, "/signal", view(), get(schools::index)),
        route(
            Method::GET,
            "/signal/truong-chua-co-internet.xlsx",
            view(),
            get(schools::without_xlsx),
        ),
        route(
            Method::GET,
            "/signal/schools/{code}",
            Allow(ViewSignal, Target::UnitCode),
            get(schools::school),
        ),
        route(
            Method::POST,
            "/signal/schools/{code}",
            Allow(EditConnectivity, Target::UnitCode),
            post(schools::record),
        ),
        route(Method::GET, "/signal/zones", view(), get(zones::index)),
        route(
            Method::GET,
            "/signal/zones/new",
            Allow(ReportDeadZones, Target::None),
            get(zones::new_zone),
        ),
        route(
            Method::POST,
            "/signal/zones",
            Allow(ReportDeadZones, Target::None),
            post(zones::create),
        ),
        route(
            Method::GET,
            "/signal/zones/vung-lom-song.xlsx",
            view(),
            get(zones::xlsx),
        ),
        route(Method::GET, "/signal/zones/{id}", view(), get(zones::zone)),
        route(
            Method::POST,
            "/signal/zones/{id}/steps",
            Allow(ManageDeadZones, Target::None),
            post(zones::advance),
        ),
        route(Method::GET, "/signal/sims", view(), get(sims::index)),
        route(
            Method::POST,
            "/signal/sims",
            Allow(ManageSims, Target::None),
            post(sims::record),
        ),
        route(
            Method::GET,
            "/signal/platforms",
            view(),
            get(platforms::index),
        ),
        route(
            Method::POST,
            "/signal/platforms",
            Allow(ManagePlatforms, Target::None),
            post(platforms::save),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "connectivity_saved" => t.connectivity_saved,
        "zone_saved" => t.zone_saved,
        "zone_moved" => t.zone_moved,
        "sim_saved" => t.sim_saved,
        "platform_saved" => t.platform_saved,
        _ => return None,
    })
}

/// The dashboard's figures: the zones not covered yet (Sở TT&TT's work), the schools
/// without Internet, and the SIMs whose package a school still has to record.
fn work<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        if !actor.can(Action::ViewSignal) {
            return Ok(Vec::new());
        }
        let group = t.nav_signal;
        let zones = state.store.dead_zones(&actor.scope, None).await?;
        let open = zones
            .iter()
            .filter(|z| z.status != domain::signal::ZoneStatus::Covered)
            .count() as i64;
        let schools = state.store.school_connections(&actor.scope).await?;
        let without = schools
            .iter()
            .filter(|s| s.kind == Some(domain::signal::Connectivity::None))
            .count() as i64;
        let mut out = vec![
            WorkItem {
                todo: actor.can(Action::ManageDeadZones),
                n: open,
                label: t.work_zones_open.to_string(),
                href: "/signal/zones".to_string(),
                group,
            },
            WorkItem {
                todo: false,
                n: without,
                label: t.work_schools_without.to_string(),
                href: "/signal?kind=none".to_string(),
                group,
            },
        ];
        if actor.can(Action::ManageSims) {
            out.push(WorkItem {
                todo: true,
                n: state.store.sims_to_record(&actor.scope).await?.len() as i64,
                label: t.work_sims.to_string(),
                href: "/signal/sims".to_string(),
                group,
            });
        }
        Ok(out)
    })
}

pub use crate::views::{Choice, Tab, choices};

/// The tabs of the area's pages.
pub fn tabs(lang: Lang, current: &str) -> Vec<Tab> {
    let t = texts::tr(lang);
    crate::views::tabs(
        &[
            ("/signal", t.tab_schools),
            ("/signal/zones", t.tab_zones),
            ("/signal/sims", t.tab_sims),
            ("/signal/platforms", t.tab_platforms),
        ],
        current,
    )
}

/// The signal side's figures on a unit's progress report: its schools without Internet,
/// the dead zones not covered yet and the students they cut off, the data SIMs running.
fn report_panel<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    unit: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<crate::areas::StudentPanel>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewSignal) {
            return Ok(None);
        }
        let t = texts::tr(lang);
        let Some(u) = state.store.unit_by_id(unit).await? else {
            return Ok(None);
        };
        let scope = u.scope();
        let schools = state.store.school_connections(&scope).await?;
        let without = schools
            .iter()
            .filter(|s| s.kind == Some(domain::signal::Connectivity::None))
            .count() as i64;
        let zones = state.store.dead_zones(&scope, None).await?;
        let open: Vec<_> = zones
            .iter()
            .filter(|z| z.status != domain::signal::ZoneStatus::Covered)
            .collect();
        let sims = state
            .store
            .sim_counts(&scope, domain::dates::today())
            .await?;
        let n = crate::views::num;
        Ok(Some(crate::areas::StudentPanel {
            heading: t.nav_signal,
            lines: vec![
                t.report_schools
                    .replace("{n}", &n(without))
                    .replace("{of}", &n(schools.len() as i64)),
                t.report_zones
                    .replace("{open}", &n(open.len() as i64))
                    .replace("{all}", &n(zones.len() as i64))
                    .replace(
                        "{students}",
                        &n(open.iter().map(|z| z.students).sum::<i64>()),
                    ),
                t.report_sims
                    .replace("{n}", &n(sims.iter().map(|c| c.total).sum::<i64>()))
                    .replace("{active}", &n(sims.iter().map(|c| c.active).sum::<i64>())),
            ],
            link: Some(("/signal/zones".to_string(), t.tab_zones)),
        }))
    })
}
