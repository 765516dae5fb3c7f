//! The archive's one page: the search form and a page of records.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Query;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, render};
use axum::extract::State;
use axum::response::Response;
use domain::archive::{DocKind, Search};
use domain::dates::{format_date, local_date, parse_date};
use serde::Deserialize;

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ArchiveQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Read leniently: a page that is not a number is the first.
    #[serde(default)]
    page: String,
}

pub struct KindOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct RecordLine {
    pub kind: &'static str,
    pub origin: &'static str,
    pub prints: i64,
    pub number: String,
    pub date: String,
    pub title: String,
    pub file_name: String,
    pub size: String,
    pub sha256: String,
    pub sha_short: String,
    pub link: String,
}

#[derive(askama::Template)]
#[template(path = "archive/templates/index.html")]
struct IndexPage {
    l: Layout,
    q: String,
    kinds: Vec<KindOption>,
    from: String,
    to: String,
    error: Option<&'static str>,
    total: i64,
    records: Vec<RecordLine>,
    newer: Option<String>,
    older: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ArchiveQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = texts::tr(lang);
    let mut error = None;
    let mut day = |s: &str| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            error = Some(t.bad_date);
        }
        d
    };
    let (from, to) = (day(&q.from), day(&q.to));
    let kind = DocKind::parse(q.kind.trim());
    let text: String = q.q.trim().chars().take(200).collect();
    let search = Search {
        text: (!text.is_empty()).then(|| text.clone()),
        kind,
        from,
        to,
    };
    let page = q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let found = state
        .store
        .archive_search(&actor.scope, &search, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let link = |p: i64| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        if !text.is_empty() {
            ser.append_pair("q", &text);
        }
        if let Some(k) = kind {
            ser.append_pair("kind", k.code());
        }
        if let Some(d) = from {
            ser.append_pair("from", &format_date(d));
        }
        if let Some(d) = to {
            ser.append_pair("to", &format_date(d));
        }
        ser.append_pair("page", &p.to_string());
        format!("/archive?{}", ser.finish())
    };
    let records = found
        .records
        .into_iter()
        .map(|r| RecordLine {
            kind: r.kind.label(lang),
            origin: r.origin.label(lang),
            prints: r.prints,
            number: r.number.unwrap_or_default(),
            date: format_date(r.date.unwrap_or_else(|| local_date(r.at))),
            title: r.title,
            file_name: r.file_name,
            size: crate::files::size_text(r.size),
            sha_short: format!("{}…", &r.sha256[..r.sha256.len().min(16)]),
            sha256: r.sha256,
            link: r.link,
        })
        .collect();
    Ok(render(IndexPage {
        l: ctx.layout(t.nav_archive),
        q: text.clone(),
        kinds: DocKind::ALL
            .into_iter()
            .map(|k| KindOption {
                code: k.code(),
                label: k.label(lang),
                selected: Some(k) == kind,
            })
            .collect(),
        from: q.from.trim().chars().take(20).collect(),
        to: q.to.trim().chars().take(20).collect(),
        error,
        older: (page * PER_PAGE < found.total).then(|| link(page + 1)),
        newer: (page > 1).then(|| link(page - 1)),
        total: found.total,
        records,
    }))
}
