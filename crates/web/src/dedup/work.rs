//! The dedup area's part of the dashboard: the open groups of the user's scope.

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
        if !actor.can(Action::ReviewDuplicates) {
            return Ok(Vec::new());
        }
        let Some(round) = state.store.current_round().await? else {
            return Ok(Vec::new());
        };
        let t = texts::tr(lang);
        let open = state
            .store
            .dedup_groups(&actor.scope, round.id, 1, 1)
            .await?
            .total;
        Ok(vec![WorkItem {
            todo: true,
            n: open,
            label: t.dedup_groups_waiting.to_string(),
            href: format!("/dedup?round={}", round.id),
            group: t.nav_dedup,
        }])
    })
}
