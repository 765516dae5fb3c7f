//! What the handover says on a student's page: the device they received, and when, with
//! its minutes; or where their allocated device is on its way.

use crate::areas::StudentPanel;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::allocation::RunStatus;
use domain::devices::DeviceState;
use domain::handover::{HandoverStatus, Step};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

fn date(ms: i64) -> String {
    domain::dates::format_date(domain::dates::local_date(ms))
}

pub fn student<'a>(
    state: &'a AppState,
    _actor: &'a Actor,
    student: i64,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Option<StudentPanel>>> {
    async move {
        let t = super::texts::tr(lang);
        let minutes = state.store.handovers_of_student(student).await?;
        if let Some(h) = minutes
            .iter()
            .find(|h| h.status == HandoverStatus::Confirmed)
        {
            let serial = state
                .store
                .handover_items(h.id)
                .await?
                .first()
                .map(|i| i.serial.clone())
                .unwrap_or_default();
            let template = if h.step == Step::Return {
                t.panel_returned
            } else {
                t.panel_handed
            };
            let line = template
                .replace("{serial}", &serial)
                .replace("{date}", &date(h.confirmed_at.unwrap_or(h.created_at)))
                .replace("{number}", &h.number);
            return Ok(Some(StudentPanel {
                heading: t.nav_handover,
                lines: vec![line],
                link: Some((format!("/handover/{}", h.id), t.minutes)),
            }));
        }
        let Some((run, line)) = state.store.student_allocation(student).await? else {
            return Ok(None);
        };
        let Some(serial) = line.device.filter(|_| run.status == RunStatus::Executed) else {
            return Ok(None);
        };
        let Some(device) = state.store.device(&serial).await? else {
            return Ok(None);
        };
        let place = match device.state {
            DeviceState::Allocated => lang.pick("kho của Ban điều phối", "the Board's store"),
            DeviceState::WithUnit => lang.pick("Phòng Giáo dục và Đào tạo", "the district office"),
            DeviceState::WithSchool => lang.pick(
                "trường, sẵn sàng bàn giao",
                "the school, ready to hand over",
            ),
            other => other.label(lang),
        };
        Ok(Some(StudentPanel {
            heading: t.nav_handover,
            lines: vec![
                t.panel_waiting
                    .replace("{serial}", &serial)
                    .replace("{where}", place),
            ],
            link: (device.state == DeviceState::WithSchool)
                .then(|| (format!("/handover/students/{student}"), t.hand)),
        }))
    }
    .boxed()
}
