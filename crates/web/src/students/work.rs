//! The students area's part of the dashboard: for a school, what its list still needs;
//! for an office, the lists waiting for its review and the schools not started; for the
//! Board, the lists waiting for it; for everyone who follows the survey, where the
//! schools' lists stand.

use super::texts;
use crate::areas::WorkItem;
use crate::error::AppResult;
use crate::gate::Actor;
use crate::state::AppState;
use domain::Lang;
use domain::authz::Action;
use domain::students::ListStatus;
use domain::students::approval::reviewer;
use domain::users::Role;
use futures_util::future::BoxFuture;
use store::students::Standing;

pub fn items<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
) -> BoxFuture<'a, AppResult<Vec<WorkItem>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewStudentCounts) {
            return Ok(Vec::new());
        }
        let t = texts::tr(lang);
        let Some(round) = state.store.current_round().await? else {
            return Ok(Vec::new());
        };
        let r = round.id;
        let mut out = Vec::new();
        let todo = |n: i64, label: &str, href: String| WorkItem {
            todo: true,
            n,
            label: label.to_string(),
            href,
            group: t.nav_students,
        };
        if actor.user.role == Role::Truong {
            let code = &actor.user.unit_code;
            let Some(school) = state.store.unit_by_code(code).await? else {
                return Ok(out);
            };
            let info = state.store.list_info(r, school.id).await?;
            let s = state
                .store
                .list_summaries(r, &school.path, &[], Some(school.id))
                .await?
                .into_iter()
                .next();
            let (rows, returned, bare) = s
                .map(|s| (s.rows, s.returned, s.without_evidence))
                .unwrap_or((0, 0, 0));
            let page = format!("/students/school/{code}?round={r}");
            if info.status.editable() {
                if rows == 0 {
                    out.push(todo(
                        0,
                        t.work_no_students,
                        format!("/students/school/{code}/import?round={r}"),
                    ));
                } else {
                    out.push(todo(
                        rows,
                        t.work_not_submitted,
                        format!("/students/school/{code}/confirm?action=submit&round={r}"),
                    ));
                }
                if returned > 0 {
                    out.push(todo(
                        returned,
                        t.work_returned_rows,
                        format!("{page}&status=returned"),
                    ));
                }
                if bare > 0 {
                    out.push(todo(
                        bare,
                        t.work_no_evidence,
                        format!("{page}&evidence=none"),
                    ));
                }
            }
            out.push(WorkItem {
                todo: false,
                n: rows,
                label: format!("{}: {}", t.work_list_is, info.status.label(lang)),
                href: page,
                group: t.nav_students,
            });
            return Ok(out);
        }

        let standings = state.store.list_standings(&actor.scope, r).await?;
        let count = |want: &dyn Fn(Standing, bool) -> bool| -> i64 {
            standings
                .iter()
                .filter(|(s, direct, _)| want(*s, *direct))
                .map(|(.., n)| n)
                .sum()
        };
        let role = actor.user.role;
        if matches!(role, Role::PhongGddt | Role::SoGddt) {
            let mine = |direct: bool| reviewer(direct) == role;
            out.push(todo(
                count(&|s, d| mine(d) && s == Standing::List(ListStatus::Submitted)),
                t.work_lists_to_review,
                format!("/students?round={r}&status=submitted"),
            ));
            out.push(todo(
                count(&|s, d| mine(d) && s == Standing::NotStarted),
                t.work_not_started,
                format!("/students?round={r}&status=not_started"),
            ));
        }
        if actor.can(Action::ApproveAggregate) {
            out.push(todo(
                count(&|s, _| s == Standing::List(ListStatus::Approved)),
                t.work_lists_for_board,
                format!("/students/board-approve?round={r}"),
            ));
        }
        out.push(WorkItem {
            todo: false,
            n: state.store.students_in(&actor.scope, r).await?,
            label: t.total_students.to_string(),
            href: format!("/students?round={r}"),
            group: t.nav_students,
        });
        // Those who follow the whole province see each district's progress.
        if actor.can(Action::ApproveAggregate) || role == Role::UbndTinh {
            for (code, name, schools, approved) in
                state.store.approved_by_parent(&actor.scope, r).await?
            {
                out.push(WorkItem {
                    todo: false,
                    n: approved,
                    label: format!(
                        "{name}: {} {}",
                        t.work_approved_of,
                        crate::views::num(schools)
                    ),
                    href: format!("/students?round={r}&district={code}"),
                    group: t.nav_students,
                });
            }
        }
        for s in Standing::ALL {
            out.push(WorkItem {
                todo: false,
                n: count(&|x, _| x == s),
                label: format!("{}: {}", t.work_schools, s.label(lang)),
                href: format!("/students?round={r}&status={}", s.code()),
                group: t.nav_students,
            });
        }
        Ok(out)
    })
}
