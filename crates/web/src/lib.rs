//! The web layer: HTML pages and the JSON API over one gate. `build_app` returns the
//! router; `Application` binds it (port 0 in tests) and serves until told to stop.

pub mod api;
pub mod areas;
pub mod assets;
pub mod cache;
pub mod charts;
pub mod client;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod files;
pub mod gate;
pub mod i18n;
pub mod imports;
pub mod ops;
pub mod routes;
pub mod state;
pub mod views;

// The areas, one folder each (see `areas`).
pub mod aftercare;
pub mod allocation;
pub mod archive;
pub mod audit;
pub mod dashboard;
pub mod dedup;
pub mod devices;
pub mod donations;
pub mod handover;
pub mod households;
pub mod ledger;
pub mod portal;
pub mod procurement;
pub mod reports;
pub mod signal;
pub mod students;
pub mod units;
pub mod users;

pub use state::{AppState, BankAccount, WebConfig};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use store::Store;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole app as a router, built from the route table.
pub fn build_app(store: Store, config: WebConfig) -> Router {
    let table = routes::table();
    let rules: HashMap<_, _> = table
        .iter()
        .map(|r| ((r.method.clone(), r.path), r.access))
        .collect();
    let state = AppState {
        store,
        caches: Arc::new(state::Caches::new(config.cache_ttl)),
        config: Arc::new(config.clone()),
        rules: Arc::new(rules),
        jobs: Arc::new(state::Jobs::default()),
    };
    let mut router: Router<AppState> = Router::new();
    for r in table {
        router = router.route(r.path, r.handler);
    }
    let csp = HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    // Behind https, browsers are told to come back over https only (a year; the
    // province's other sites are not ours to include).
    let hsts = config
        .secure_cookies()
        .then(|| HeaderValue::from_static("max-age=31536000"));
    router
        .route_layer(from_fn_with_state(state.clone(), gate::gate))
        .fallback(gate::fallback)
        .with_state(state)
        .layer(from_fn(error::render_errors))
        .layer(CsrfLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
                .layer(RequestBodyLimitLayer::new(config.body_limit))
        // Extractors (multipart uploads) take the same limit, not axum's 2 MB default.
        .layer(axum::extract::DefaultBodyLimit::max(config.body_limit))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(tower::util::option_layer(hsts.map(|v| {
            SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, v)
        })))
        .layer(CatchPanicLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::new()))
}

/// Request ids: a random prefix per process and a counter, `3f9c2a1b-0000002a`. Unique
/// across servers without a random draw (a system call) per request.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        RequestIds {
            prefix: store::passwords::random_token(4).into(),
            next: Arc::new(0.into()),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:08x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The app bound to a listener.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `addr` (`127.0.0.1:0` picks a free port, as tests do).
    pub async fn build(
        store: Store,
        config: WebConfig,
        addr: &str,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Application {
            listener,
            router: build_app(store, config),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
