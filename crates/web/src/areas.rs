//! The areas of the program, each a folder in every layer, and the web layer's one
//! registry of them. An area's `mod.rs` gives its routes with their rules, its menu
//! entries, the texts of its one-time messages and its part of the OpenAPI document;
//! the router, the menu, the flash messages, the API document and the route × role test
//! read them from here. Adding an area adds its folder and one line to [`AREAS`].

use crate::gate::Actor;
use crate::routes::Route;
use crate::views::NavItem;
use domain::Lang;
use domain::authz::Action;

/// One area as the web layer sees it.
pub struct Area {
    pub name: &'static str,
    /// Every route of the area, each with its rule.
    pub routes: fn() -> Vec<Route>,
    pub menu: &'static [MenuEntry],
    /// Pages of this area shown under another area's menu entry: (path prefix, entry).
    pub menu_parent: &'static [(&'static str, &'static str)],
    /// The text of a one-time message (flash) code this area sets after a form.
    pub flash: fn(&str, Lang) -> Option<&'static str>,
    /// This area's part of the OpenAPI document, if it has API routes.
    pub api: Option<fn() -> utoipa::openapi::OpenApi>,
    /// What this area gives the dashboard for this user: the work waiting for them and
    /// the progress of what they follow, each figure linking to its list.
    pub work: Option<WorkFn>,
    /// What this area says on another area's page (a student's, a donor's, a device
    /// model's, a tender package's), without touching that area: a heading and lines,
    /// for the record whose id the page shows.
    pub panels: &'static [(PanelPage, PanelFn)],
}

/// The pages other areas add a section to, each about one record by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelPage {
    /// A student's page (the students area's).
    Student,
    /// A donor's page (the donations area's).
    Donor,
    /// A device model's page, where appraisal decides (the devices area's).
    DeviceModel,
    /// A tender package's page, where procurement decides (the procurement area's).
    Package,
    /// A unit's progress report (the reports area's), for the unit's id.
    Report,
}

/// An area's section of another area's page (see [`Area::panels`]).
pub type PanelFn = for<'a> fn(
    &'a crate::state::AppState,
    &'a Actor,
    i64,
    Lang,
) -> futures_util::future::BoxFuture<
    'a,
    crate::error::AppResult<Option<StudentPanel>>,
>;

/// A section of a student's page from another area.
#[derive(Debug, Clone)]
pub struct StudentPanel {
    pub heading: &'static str,
    pub lines: Vec<String>,
    /// A page with more, and its link's text.
    pub link: Option<(String, &'static str)>,
}

/// Every area's section of a page about record `id`, in the areas' order.
pub async fn panels(
    page: PanelPage,
    state: &crate::state::AppState,
    actor: &Actor,
    id: i64,
    lang: Lang,
) -> crate::error::AppResult<Vec<StudentPanel>> {
    let mut out = Vec::new();
    for area in AREAS {
        for (on, f) in area.panels {
            if *on == page
                && let Some(p) = f(state, actor, id, lang).await?
            {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// Every area's section of the student's page.
pub async fn student_panels(
    state: &crate::state::AppState,
    actor: &Actor,
    student: i64,
    lang: Lang,
) -> crate::error::AppResult<Vec<StudentPanel>> {
    panels(PanelPage::Student, state, actor, student, lang).await
}

/// Every area's section of a donor's page.
pub async fn donor_panels(
    state: &crate::state::AppState,
    actor: &Actor,
    donor: i64,
    lang: Lang,
) -> crate::error::AppResult<Vec<StudentPanel>> {
    panels(PanelPage::Donor, state, actor, donor, lang).await
}

/// An area's part of the dashboard (see [`Area::work`]).
pub type WorkFn =
    for<'a> fn(
        &'a crate::state::AppState,
        &'a Actor,
        Lang,
    ) -> futures_util::future::BoxFuture<'a, crate::error::AppResult<Vec<WorkItem>>>;

/// One figure of the dashboard.
#[derive(Debug, Clone)]
pub struct WorkItem {
    /// Work waiting for this user (a to-do), or a figure of progress.
    pub todo: bool,
    pub n: i64,
    pub label: String,
    /// The list the figure counts.
    pub href: String,
    /// Where the figure belongs on the dashboard: its heading (the area's own word).
    pub group: &'static str,
}

/// An entry of the main menu.
pub struct MenuEntry {
    pub href: &'static str,
    pub label: fn(Lang) -> &'static str,
    /// Shown to users whose role permits this action; `None`: to everyone signed in.
    pub needs: Option<Action>,
    /// Where it stands in the menu, lowest first.
    pub position: u16,
}

/// Every area. The order is the OpenAPI document's order of tags.
pub const AREAS: &[&Area] = &[
    &crate::units::AREA,
    &crate::users::AREA,
    &crate::audit::AREA,
    &crate::students::AREA,
    &crate::households::AREA,
    &crate::dedup::AREA,
    &crate::devices::AREA,
    &crate::donations::AREA,
    &crate::allocation::AREA,
    &crate::handover::AREA,
    &crate::ledger::AREA,
    &crate::procurement::AREA,
    &crate::archive::AREA,
    &crate::portal::AREA,
    &crate::reports::AREA,
    &crate::signal::AREA,
    &crate::aftercare::AREA,
    &crate::dashboard::AREA,
];

/// Every area's routes.
pub fn routes() -> Vec<Route> {
    AREAS.iter().flat_map(|a| (a.routes)()).collect()
}

/// The main menu for this user on this page.
pub fn menu(actor: &Actor, path: &str, lang: Lang) -> Vec<NavItem> {
    let parent = AREAS
        .iter()
        .flat_map(|a| a.menu_parent.iter())
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, entry)| *entry);
    let mut entries: Vec<&MenuEntry> = AREAS
        .iter()
        .flat_map(|a| a.menu.iter())
        .filter(|e| e.needs.is_none_or(|action| actor.can(action)))
        .collect();
    entries.sort_by_key(|e| e.position);
    entries
        .into_iter()
        .map(|e| NavItem {
            href: e.href,
            label: (e.label)(lang),
            current: if e.href == "/" {
                path == "/"
            } else {
                path.starts_with(e.href) || parent == Some(e.href)
            },
        })
        .collect()
}

/// The text of a one-time message code, from the area that sets it.
pub fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    AREAS.iter().find_map(|a| (a.flash)(code, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_menu_places_are_unique() {
        let names: HashSet<_> = AREAS.iter().map(|a| a.name).collect();
        assert_eq!(names.len(), AREAS.len());
        let entries: Vec<_> = AREAS.iter().flat_map(|a| a.menu.iter()).collect();
        let places: HashSet<_> = entries.iter().map(|e| e.position).collect();
        let hrefs: HashSet<_> = entries.iter().map(|e| e.href).collect();
        assert_eq!((places.len(), hrefs.len()), (entries.len(), entries.len()));
    }

    #[test]
    fn every_flash_code_has_one_area() {
        for code in [
            "unit_saved",
            "password_changed",
            "imported",
            "households_imported",
            "dedup_decided",
            "devices_registered",
            "donation_saved",
        ] {
            let owners = AREAS
                .iter()
                .filter(|a| (a.flash)(code, Lang::Vi).is_some())
                .count();
            assert_eq!(owners, 1, "{code}");
        }
        assert_eq!(flash("no_such_code", Lang::Vi), None);
    }
}
