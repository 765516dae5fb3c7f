//! Configuration of the web app and the state every handler shares.

use crate::routes::Access;
use axum::http::Method;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use store::sessions::SessionPolicy;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address users type, e.g. `https://maytinh.sogddt.daknong.gov.vn`. With
    /// `https`, cookies are marked `Secure`.
    pub public_url: String,
    pub sessions: SessionPolicy,
    /// Requests taking longer are cut off with 408.
    pub request_timeout: Duration,
    /// Largest request body accepted (forms, uploads).
    pub body_limit: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            sessions: SessionPolicy::default(),
            request_timeout: Duration::from_secs(30),
            body_limit: 16 * 1024 * 1024,
        }
    }
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// The route table's rules, by method and path pattern: what the gate enforces.
    pub rules: Arc<HashMap<(Method, &'static str), Access>>,
}
