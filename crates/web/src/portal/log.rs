//! The verifiable log on the public side: a page that explains it and shows the current
//! checkpoint, and open data with stable URLs, cache headers and an ETag (the SHA-256 of
//! the body): the signed checkpoint as text, every checkpoint as JSON, the verifier key,
//! and proofs. Proofs default to the latest signed checkpoint's size, so that what is
//! served can be checked against what was published.

use super::texts::{self, Layout};
use crate::error::AppResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Ctx, render};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::digest::sha256_hex;
use serde::Deserialize;
use serde_json::json;
use store::audit::log::StoredCheckpoint;
use tokio::sync::Semaphore;

/// Proofs hash up to the whole log: at most two are computed at once on a server, so
/// that a flood of requests cannot take every core.
static PROOFS: Semaphore = Semaphore::const_new(2);

/// The body with `Content-Type`, `Cache-Control`, `ETag` and `X-Content-SHA256`; 304 when
/// the client already holds it.
pub(super) fn open_data(req: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let digest = sha256_hex(body.as_bytes());
    let etag = format!("\"{digest}\"");
    served(req, content_type, body.into(), &etag, &digest, 300)
}

/// A public copy as served: 304 when the client holds it, else its bytes; ETag, the
/// SHA-256 of the body, and caching for `max_age` seconds.
pub(super) fn served(
    req: &HeaderMap,
    content_type: &'static str,
    body: axum::body::Bytes,
    etag: &str,
    digest: &str,
    max_age: u32,
) -> Response {
    let fresh = req
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        h.insert(header::CACHE_CONTROL, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(digest) {
        h.insert("x-content-sha256", v);
    }
    res
}

pub(super) fn problem(status: StatusCode, message: String) -> Response {
    let mut res = (status, json!({ "error": message }).to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    res
}

/// The latest checkpoint: today's, signed now if this server holds the key and none was
/// signed today; otherwise the latest kept.
async fn latest(state: &AppState) -> AppResult<Option<StoredCheckpoint>> {
    if let Some(signer) = &state.config.log_signer {
        return Ok(Some(state.store.log_daily_checkpoint(signer).await?));
    }
    Ok(state.store.checkpoints(1).await?.into_iter().next())
}

pub struct CheckpointLine {
    pub size: u64,
    pub root: String,
    pub signed_on: String,
}

fn line(c: &StoredCheckpoint) -> CheckpointLine {
    CheckpointLine {
        size: c.size,
        root: c.root.clone(),
        signed_on: time::Date::parse(
            &c.signed_on,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map(domain::dates::format_date)
        .unwrap_or_else(|_| c.signed_on.clone()),
    }
}

#[derive(askama::Template)]
#[template(path = "portal/templates/log.html")]
struct LogPage {
    l: Layout,
    current: Option<CheckpointLine>,
    note: Option<String>,
    origin: Option<String>,
    key: Option<String>,
    history: Vec<CheckpointLine>,
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let current = latest(&state).await?;
    let history = state.store.checkpoints(60).await?;
    Ok(render(LogPage {
        l: ctx.layout(texts::tr(ctx.lang).log_title),
        origin: current
            .as_ref()
            .and_then(|c| c.note.lines().next().map(str::to_string)),
        note: current.as_ref().map(|c| c.note.clone()),
        current: current.as_ref().map(line),
        key: state
            .config
            .log_signer
            .as_ref()
            .map(|s| s.verifier().text()),
        history: history.iter().map(line).collect(),
    }))
}

pub async fn checkpoint(
    State(state): State<AppState>,
    ctx: Ctx,
    req: HeaderMap,
) -> AppResult<Response> {
    Ok(match latest(&state).await? {
        Some(c) => open_data(&req, "text/plain; charset=utf-8", c.note),
        None => problem(
            StatusCode::NOT_FOUND,
            texts::tr(ctx.lang).no_checkpoint.into(),
        ),
    })
}

pub async fn checkpoints(State(state): State<AppState>, req: HeaderMap) -> AppResult<Response> {
    let all = state.store.checkpoints(10_000).await?;
    let body = json!({
        "checkpoints": all.iter().map(|c| json!({
            "size": c.size, "root": c.root, "signed_on": c.signed_on, "note": c.note,
        })).collect::<Vec<_>>(),
    });
    Ok(open_data(
        &req,
        "application/json; charset=utf-8",
        body.to_string(),
    ))
}

pub async fn key(State(state): State<AppState>, ctx: Ctx, req: HeaderMap) -> Response {
    match &state.config.log_signer {
        Some(s) => open_data(
            &req,
            "text/plain; charset=utf-8",
            format!("{}\n", s.verifier().text()),
        ),
        None => problem(StatusCode::NOT_FOUND, texts::tr(ctx.lang).no_key.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct InclusionQuery {
    #[serde(default)]
    seq: String,
    #[serde(default)]
    size: String,
}

/// A whole number from a query parameter, or the message naming it.
fn number(name: &str, v: &str, lang: Lang) -> Result<Option<u64>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u64>()
        .map(Some)
        .map_err(|_| format!("{} ({name}).", texts::tr(lang).bad_number))
}

/// The size proofs are made for: the one asked, or the latest checkpoint's.
async fn size_or_latest(
    state: &AppState,
    asked: Option<u64>,
    lang: Lang,
) -> AppResult<Result<u64, Response>> {
    if let Some(s) = asked {
        return Ok(Ok(s));
    }
    Ok(match latest(state).await? {
        Some(c) => Ok(c.size),
        None => Err(problem(
            StatusCode::NOT_FOUND,
            texts::tr(lang).no_checkpoint.into(),
        )),
    })
}

pub async fn inclusion(
    State(state): State<AppState>,
    ctx: Ctx,
    req: HeaderMap,
    Query(q): Query<InclusionQuery>,
) -> AppResult<Response> {
    let (seq, size) = match (
        number("seq", &q.seq, ctx.lang),
        number("size", &q.size, ctx.lang),
    ) {
        (Ok(Some(seq)), Ok(size)) => (seq, size),
        (Ok(None), _) => {
            return Ok(problem(
                StatusCode::BAD_REQUEST,
                format!("{} (seq).", texts::tr(ctx.lang).bad_number),
            ));
        }
        (Err(m), _) | (_, Err(m)) => return Ok(problem(StatusCode::BAD_REQUEST, m)),
    };
    let size = match size_or_latest(&state, size, ctx.lang).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let _permit = PROOFS.acquire().await;
    match state
        .store
        .log_inclusion(i64::try_from(seq).unwrap_or(i64::MAX), Some(size))
        .await
    {
        Ok(p) => Ok(open_data(
            &req,
            "application/json; charset=utf-8",
            serde_json::to_string(&p).unwrap_or_default(),
        )),
        Err(store::StoreError::Unsupported(m)) => Ok(problem(StatusCode::BAD_REQUEST, m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ConsistencyQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn consistency(
    State(state): State<AppState>,
    ctx: Ctx,
    req: HeaderMap,
    Query(q): Query<ConsistencyQuery>,
) -> AppResult<Response> {
    let (from, to) = match (
        number("from", &q.from, ctx.lang),
        number("to", &q.to, ctx.lang),
    ) {
        (Ok(Some(from)), Ok(to)) => (from, to),
        (Ok(None), _) => {
            return Ok(problem(
                StatusCode::BAD_REQUEST,
                format!("{} (from).", texts::tr(ctx.lang).bad_number),
            ));
        }
        (Err(m), _) | (_, Err(m)) => return Ok(problem(StatusCode::BAD_REQUEST, m)),
    };
    let to = match size_or_latest(&state, to, ctx.lang).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let _permit = PROOFS.acquire().await;
    match state.store.log_consistency(from, to).await {
        Ok(p) => Ok(open_data(
            &req,
            "application/json; charset=utf-8",
            serde_json::to_string(&p).unwrap_or_default(),
        )),
        Err(store::StoreError::Unsupported(m)) => Ok(problem(StatusCode::BAD_REQUEST, m)),
        Err(e) => Err(e.into()),
    }
}
