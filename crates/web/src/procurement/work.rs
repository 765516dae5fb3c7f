//! Procurement's part of the dashboard: Finance's requests to approve, the buyers'
//! deliveries to accept, and the packages under way.

use super::texts;
use crate::areas::WorkItem;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::authz::Action;
use futures_util::future::BoxFuture;

pub fn items<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        if !actor.can(Action::ViewProcurement) {
            return Ok(Vec::new());
        }
        let totals = state.store.procurement_totals().await?;
        let group = t.nav_procurement;
        let mut out = vec![WorkItem {
            todo: actor.can(Action::ApprovePayments),
            n: totals.waiting_payments,
            label: t.work_waiting.to_string(),
            href: "/procurement/payments".to_string(),
            group,
        }];
        if actor.can(Action::ManageProcurement) {
            let to_accept = state.store.deliveries_to_accept().await?;
            out.push(WorkItem {
                todo: true,
                n: to_accept,
                label: t.work_to_accept.to_string(),
                href: "/procurement".to_string(),
                group,
            });
        }
        out.push(WorkItem {
            todo: false,
            n: totals.packages,
            label: t.work_packages.to_string(),
            href: "/procurement".to_string(),
            group,
        });
        Ok(out)
    })
}
