//! After-care (sau bàn giao) in the web: training sessions with their attendance sheets
//! and materials; repair tickets that take a device from its student into repair and
//! back to the same student; the defect rates per model and supplier, also shown on the
//! device model's page (appraisal) and the tender package's page (procurement).

mod defects;
mod repairs;
pub mod texts;
mod trainings;

use crate::areas::{Area, MenuEntry, PanelPage, WorkItem};
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
    name: "aftercare",
    routes,
    menu: &[MenuEntry {
        href: "/aftercare",
        label: |l| texts::tr(l).nav_aftercare,
        needs: Some(ViewAftercare),
        position: 47,
    }],
    menu_parent: &[],
    flash,
    api: None,
    work: Some(work),
    panels: &[
        (PanelPage::DeviceModel, defects::model_panel),
        (PanelPage::Package, defects::package_panel),
        (PanelPage::Report, report_panel),
    ],
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewAftercare, Target::None);
    let train = || Allow(ManageTrainings, Target::None);
    let repair = || Allow(ManageRepairs, Target::None);
    vec![
        route(Method::GET, "/aftercare", view(), get(trainings::index)),
        route(
            Method::GET,
            "/aftercare/trainings/new",
            train(),
            get(trainings::new_training),
        ),
        route(
            Method::POST,
            "/aftercare/trainings",
            train(),
            post(trainings::create),
        ),
        route(
            Method::GET,
            "/aftercare/trainings/{id}",
            view(),
            get(trainings::training),
        ),
        route(
            Method::POST,
            "/aftercare/trainings/{id}/attendees",
            train(),
            post(trainings::attendees),
        ),
        route(
            Method::POST,
            "/aftercare/trainings/{id}/materials",
            train(),
            post(trainings::material),
        ),
        route(
            Method::GET,
            "/aftercare/trainings/{id}/materials/{doc}",
            view(),
            get(trainings::material_file),
        ),
        route(
            Method::GET,
            "/aftercare/repairs",
            view(),
            get(repairs::index),
        ),
        route(
            Method::POST,
            "/aftercare/repairs",
            repair(),
            post(repairs::open),
        ),
        route(
            Method::GET,
            "/aftercare/repairs/{id}",
            view(),
            get(repairs::ticket),
        ),
        route(
            Method::POST,
            "/aftercare/repairs/{id}/steps",
            repair(),
            post(repairs::step),
        ),
        route(
            Method::GET,
            "/aftercare/defects",
            view(),
            get(defects::index),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "training_saved" => t.training_saved,
        "attendees_saved" => t.attendees_saved,
        "material_saved" => t.material_saved,
        "ticket_opened" => t.ticket_opened,
        "ticket_moved" => t.ticket_moved,
        _ => return None,
    })
}

fn work<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        if !actor.can(Action::ViewAftercare) {
            return Ok(Vec::new());
        }
        let group = t.nav_aftercare;
        let open = state
            .store
            .repair_tickets(&actor.scope, 10_000)
            .await?
            .iter()
            .filter(|t| !t.status.is_closed())
            .count() as i64;
        let sessions = state.store.trainings(&actor.scope).await?.len() as i64;
        Ok(vec![
            WorkItem {
                todo: actor.can(Action::ManageRepairs),
                n: open,
                label: t.work_open.to_string(),
                href: "/aftercare/repairs".to_string(),
                group,
            },
            WorkItem {
                todo: false,
                n: sessions,
                label: t.work_trainings.to_string(),
                href: "/aftercare".to_string(),
                group,
            },
        ])
    })
}

pub use crate::views::{Choice, Tab};

/// The tabs of the area's pages.
pub fn tabs(lang: Lang, current: &str) -> Vec<Tab> {
    let t = texts::tr(lang);
    crate::views::tabs(
        &[
            ("/aftercare", t.tab_trainings),
            ("/aftercare/repairs", t.tab_repairs),
            ("/aftercare/defects", t.tab_defects),
        ],
        current,
    )
}

/// After-care's figures on a unit's progress report: the training sessions and who
/// attended, the repair tickets open and closed.
fn report_panel<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    unit: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<crate::areas::StudentPanel>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewAftercare) {
            return Ok(None);
        }
        let t = texts::tr(lang);
        let Some(u) = state.store.unit_by_id(unit).await? else {
            return Ok(None);
        };
        let scope = u.scope();
        let sessions = state.store.trainings(&scope).await?;
        let tickets = state.store.repair_tickets(&scope, 100_000).await?;
        let n = crate::views::num;
        let sum = |f: fn(&store::aftercare::TrainingRecord) -> i64| {
            n(sessions.iter().map(f).sum::<i64>())
        };
        let open = tickets.iter().filter(|t| !t.status.is_closed()).count() as i64;
        let repaired = tickets
            .iter()
            .filter(|t| t.status == domain::aftercare::TicketStatus::Repaired)
            .count() as i64;
        Ok(Some(crate::areas::StudentPanel {
            heading: t.nav_aftercare,
            lines: vec![
                t.report_trainings
                    .replace("{n}", &n(sessions.len() as i64))
                    .replace("{teachers}", &sum(|s| s.teachers))
                    .replace("{parents}", &sum(|s| s.parents))
                    .replace("{students}", &sum(|s| s.students)),
                t.report_tickets
                    .replace("{n}", &n(tickets.len() as i64))
                    .replace("{open}", &n(open))
                    .replace("{repaired}", &n(repaired)),
            ],
            link: Some(("/aftercare/defects".to_string(), t.tab_defects)),
        }))
    })
}
