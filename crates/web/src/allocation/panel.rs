//! What allocation says on a student's page: why the student has a device reserved, or
//! where they wait and how many devices their unit still needs.

use crate::areas::StudentPanel;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::allocation::{self, RunStatus};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

pub fn student<'a>(
    state: &'a AppState,
    _actor: &'a Actor,
    student: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<StudentPanel>>> {
    async move {
        let Some((run, line)) = state.store.student_allocation(student).await? else {
            return Ok(None);
        };
        let t = super::texts::tr(lang);
        let kind = line
            .device_kind
            .as_deref()
            .and_then(domain::devices::DeviceKind::parse)
            .map(|k| k.label(lang).to_lowercase())
            .unwrap_or_default();
        let why = allocation::explain(
            &allocation::Explain {
                rule: &line.rule,
                device: line.device.as_deref().map(|d| (d, kind.as_str())),
                tier: &line.tier_code,
                unit: &line.unit_name,
                other_kind: line.other_kind,
                queue_position: line.queue_position,
                devices_short: line.devices_short,
                executed: run.status == RunStatus::Executed,
            },
            lang,
        );
        let mut status = format!("{} {} · {}", t.run_no, run.id, run.status.label(lang));
        if let Some(no) = &run.decision_no {
            status.push_str(&format!(" · {} {no}", t.decision));
        }
        Ok(Some(StudentPanel {
            heading: t.nav_allocation,
            lines: vec![why, status],
            link: Some((format!("/allocation/{}", run.id), t.see_run)),
        }))
    }
    .boxed()
}
