//! The ledger's part of the dashboard: raised, committed and spent, in đồng, each linking
//! to the page behind it.

use super::texts;
use crate::areas::WorkItem;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::authz::Action;
use domain::ledger::{BUDGET, DONATIONS, SPENDING};
use futures_util::future::BoxFuture;

pub fn items<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        let t = texts::tr(lang);
        if !actor.can(Action::ViewLedger) {
            return Ok(Vec::new());
        }
        let accounts = state.store.ledger_accounts().await?;
        let bal = |code: &str| {
            accounts
                .iter()
                .find(|a| a.state.code == code)
                .map(|a| a.state.balance().0)
                .unwrap_or(0)
        };
        let committed: i64 = state
            .store
            .ledger_pending()
            .await?
            .iter()
            .map(|p| p.state.remaining().0)
            .sum();
        let group = t.nav_ledger;
        // Those who reconcile see their own account's lines as work; the others follow all.
        let own = domain::ledger::gifts::Channel::statement_account(actor.user.role)
            .filter(|_| actor.can(Action::RecordMoney));
        let unreconciled = state.store.unreconciled_lines(own).await?;
        Ok(vec![
            WorkItem {
                todo: own.is_some(),
                n: unreconciled,
                label: t.work_unreconciled.to_string(),
                href: "/reconciliation#queue".to_string(),
                group,
            },
            WorkItem {
                todo: false,
                n: bal(DONATIONS) + bal(BUDGET),
                label: t.work_raised.to_string(),
                href: "/ledger".to_string(),
                group,
            },
            WorkItem {
                todo: false,
                n: committed,
                label: t.work_committed.to_string(),
                href: "/ledger#commitments".to_string(),
                group,
            },
            WorkItem {
                todo: false,
                n: bal(SPENDING),
                label: t.work_paid.to_string(),
                href: format!("/ledger/entries?account={SPENDING}"),
                group,
            },
        ])
    })
}
