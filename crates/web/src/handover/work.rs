//! The handover area's part of the dashboard: devices waiting to be listed for their
//! receivers (the Board's, a district office's), minutes waiting for the receiver's
//! signature, students whose device is at school, and the devices handed over that the
//! school has not yet entered in CSDL ngành.

use super::{giver_of, texts};
use crate::areas::WorkItem;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::authz::Action;
use domain::devices::{DeviceState, Holder};
use futures_util::future::BoxFuture;

pub fn items<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        let mut out = Vec::new();
        if !actor.can(Action::ViewHandovers) {
            return Ok(out);
        }
        let group = t.nav_handover;
        let giver = giver_of(actor).filter(|_| actor.can(Action::HandDevices));
        if let Some(g @ (Holder::Board | Holder::Unit(_))) = giver {
            let waiting: i64 = state
                .store
                .to_hand(g)
                .await?
                .iter()
                .map(|x| x.devices)
                .sum();
            out.push(WorkItem {
                todo: true,
                n: waiting,
                label: t.work_to_hand.to_string(),
                href: "/handover".to_string(),
                group,
            });
        }
        if let Some(Holder::Unit(u) | Holder::School(u)) = giver {
            let (minutes, _) = state.store.waiting_confirmation(u).await?;
            out.push(WorkItem {
                todo: true,
                n: minutes,
                label: t.work_to_confirm.to_string(),
                href: "/handover".to_string(),
                group,
            });
        }
        if let Some(Holder::School(s)) = giver {
            let ready = state
                .store
                .students_to_hand(s)
                .await?
                .iter()
                .filter(|x| x.state() == Some(DeviceState::WithSchool))
                .count();
            out.push(WorkItem {
                todo: true,
                n: ready as i64,
                label: t.work_to_students.to_string(),
                href: "/handover/students".to_string(),
                group,
            });
        }
        let (handed, not_entered) = state.store.handed_counts(&actor.scope).await?;
        out.push(WorkItem {
            todo: false,
            n: handed,
            label: t.work_handed.to_string(),
            href: "/handover".to_string(),
            group,
        });
        out.push(WorkItem {
            todo: matches!(giver, Some(Holder::School(_))),
            n: not_entered,
            label: t.csdl_left.to_string(),
            href: if matches!(giver, Some(Holder::School(_))) {
                "/handover/csdl".to_string()
            } else {
                "/handover".to_string()
            },
            group,
        });
        Ok(out)
    })
}
