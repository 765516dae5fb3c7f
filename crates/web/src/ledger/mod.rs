//! The ledger in the web: the trial balance now or at a date with what each account has
//! reserved, the open commitments, the journal with its filters, and each entry with its
//! postings and what it reverses or settles. Read by the roles that raise, spend, approve
//! and oversee the money; no personal data.

mod campaigns;
mod export;
mod gifts;
mod pages;
pub mod statements;
mod texts;
mod work;

use crate::areas::{Area, MenuEntry};
use crate::routes::{Access, Route, Target, route};
use Access::Allow;
use axum::http::Method;
use axum::routing::{get, post};
use domain::Lang;
use domain::authz::Action::*;

pub const AREA: Area = Area {
    name: "ledger",
    routes,
    menu: &[MenuEntry {
        href: "/ledger",
        label: |l| texts::tr(l).nav_money,
        needs: Some(ViewLedger),
        position: 38,
    }],
    menu_parent: &[
        ("/gifts", "/ledger"),
        ("/reconciliation", "/ledger"),
        ("/campaigns", "/ledger"),
    ],
    flash,
    api: None,
    work: Some(work::items),
    panels: &[(crate::areas::PanelPage::Donor, gifts::donor_panel)],
};

fn routes() -> Vec<Route> {
    let view = || Allow(ViewLedger, Target::None);
    let record = || Allow(RecordMoney, Target::None);
    vec![
        route(Method::GET, "/ledger", view(), get(pages::index)),
        route(Method::GET, "/ledger/entries", view(), get(pages::entries)),
        route(
            Method::GET,
            "/ledger/entries/{id}",
            view(),
            get(pages::entry),
        ),
        route(
            Method::GET,
            "/ledger/entries.csv",
            view(),
            get(export::journal),
        ),
        route(Method::GET, "/campaigns", view(), get(campaigns::index)),
        route(
            Method::GET,
            "/campaigns/new",
            record(),
            get(campaigns::new_campaign),
        ),
        route(
            Method::POST,
            "/campaigns",
            record(),
            post(campaigns::create),
        ),
        route(
            Method::GET,
            "/campaigns/{id}",
            view(),
            get(campaigns::campaign),
        ),
        route(Method::GET, "/gifts", view(), get(gifts::gifts)),
        route(Method::GET, "/gifts.csv", view(), get(export::gifts)),
        route(Method::GET, "/gifts.xlsx", view(), get(export::gifts_xlsx)),
        route(
            Method::GET,
            "/ledger/entries.xlsx",
            view(),
            get(export::journal_xlsx),
        ),
        route(Method::GET, "/gifts/new", record(), get(gifts::new_gift)),
        route(Method::POST, "/gifts", record(), post(gifts::create_gift)),
        route(
            Method::POST,
            "/gifts/transfers",
            record(),
            post(gifts::transfer),
        ),
        route(Method::GET, "/gifts/{id}", view(), get(gifts::gift)),
        route(
            Method::POST,
            "/gifts/{id}/receive",
            record(),
            post(gifts::receive),
        ),
        route(
            Method::GET,
            "/gifts/{id}/giay-xac-nhan.pdf",
            view(),
            get(gifts::acknowledgement),
        ),
        route(
            Method::GET,
            "/reconciliation",
            view(),
            get(statements::index),
        ),
        route(
            Method::POST,
            "/reconciliation",
            record(),
            post(statements::upload),
        ),
        route(
            Method::GET,
            "/reconciliation/{id}",
            view(),
            get(statements::statement),
        ),
        route(
            Method::POST,
            "/reconciliation/lines/{id}",
            record(),
            post(statements::resolve),
        ),
    ]
}

fn flash(code: &str, lang: Lang) -> Option<&'static str> {
    let t = texts::tr(lang);
    Some(match code {
        "gift_saved" => t.gift_saved,
        "gift_received" => t.gift_received,
        "transfer_saved" => t.transfer_saved,
        "statement_imported" => t.statement_imported,
        "statement_again" => t.statement_again,
        "line_resolved" => t.line_resolved,
        "campaign_saved" => t.campaign_saved,
        _ => return None,
    })
}
