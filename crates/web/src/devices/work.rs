//! The devices area's part of the dashboard: devices received and waiting for their
//! appraisal (the appraising department's work), appraised and waiting to go in stock
//! (the Board's).

use super::texts;
use crate::areas::WorkItem;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::authz::Action;
use domain::devices::DeviceState;
use futures_util::future::BoxFuture;

pub fn items<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        let mut out = Vec::new();
        let wants = [
            (
                Action::AppraiseDevices,
                DeviceState::Received,
                t.work_to_appraise,
            ),
            (
                Action::ReceiveDevices,
                DeviceState::Appraised,
                t.work_to_stock_in,
            ),
        ];
        if !wants.iter().any(|(a, ..)| actor.can(*a)) {
            return Ok(out);
        }
        let counts = state.device_counts().await?;
        for (action, st, label) in wants {
            if actor.can(action) {
                out.push(WorkItem {
                    todo: true,
                    n: counts.get(&st).copied().unwrap_or(0),
                    label: label.to_string(),
                    href: "/devices/batches".to_string(),
                    group: t.nav_devices,
                });
            }
        }
        Ok(out)
    })
}
