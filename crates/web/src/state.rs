//! Configuration of the web app and the state every handler shares.

use crate::cache::TtlCache;
use crate::routes::Access;
use axum::http::Method;
use domain::users::Role;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use store::audit::AuditEntry;
use store::units::ScopeCounts;
use store::units::Unit;
use store::users::User;
use store::users::sessions::SessionPolicy;

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
    /// How long this server trusts what it read about a session, an API key or a
    /// dashboard's counts before reading it again (zero: never cache).
    pub cache_ttl: Duration,
    /// The proxies (load balancers) whose `X-Forwarded-For` names the client; nobody
    /// else's is read.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            sessions: SessionPolicy::default(),
            request_timeout: Duration::from_secs(30),
            body_limit: 16 * 1024 * 1024,
            cache_ttl: Duration::from_secs(5),
            trusted_proxies: Vec::new(),
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
    pub caches: Arc<Caches>,
    pub jobs: Arc<Jobs>,
}

/// Long work a page starts and this server runs in the background.
#[derive(Default)]
pub struct Jobs {
    /// A de-duplication run is under way.
    pub dedup_running: std::sync::atomic::AtomicBool,
}

/// What this server remembers for a few seconds (see `cache.rs`).
pub struct Caches {
    /// By the SHA-256 of the session token.
    pub sessions: TtlCache<String, Arc<CachedSession>>,
    /// By the SHA-256 of the API key: the user and the key's id.
    pub api_keys: TtlCache<String, (Arc<User>, i64)>,
    /// By scope path: the scope's top unit and the counts below it.
    pub scopes: TtlCache<String, Arc<ScopeSummary>>,
    /// By scope path: what an administrator's dashboard adds.
    pub admin: TtlCache<String, Arc<AdminSummary>>,
    /// The registry's devices per state (one entry).
    pub devices: TtlCache<(), Arc<std::collections::BTreeMap<domain::devices::DeviceState, i64>>>,
    /// Each area's dashboard figures for a user, by (area, user, language).
    pub work: TtlCache<(&'static str, i64, domain::Lang), Arc<Vec<crate::areas::WorkItem>>>,
}

/// A session as the gate needs it.
pub struct CachedSession {
    pub user: Arc<User>,
    pub csrf_token: String,
    pub id_hash: String,
    pub expires_at: i64,
}

pub struct ScopeSummary {
    pub unit: Option<Unit>,
    pub counts: ScopeCounts,
}

pub struct AdminSummary {
    pub users_by_role: Vec<(Role, i64)>,
    pub audit_head: (i64, String),
    pub recent: Vec<AuditEntry>,
}

impl Caches {
    pub fn new(ttl: Duration) -> Caches {
        Caches {
            sessions: TtlCache::new(ttl, 100_000),
            api_keys: TtlCache::new(ttl, 10_000),
            scopes: TtlCache::new(ttl, 10_000),
            admin: TtlCache::new(ttl, 1_000),
            devices: TtlCache::new(ttl, 1),
            work: TtlCache::new(ttl, 10_000),
        }
    }
}

impl AppState {
    /// Forgets what this server cached about a user's sessions and keys: after a password
    /// change, a role or unit change, disabling, or revoking a key.
    pub fn forget_user(&self, user_id: i64) {
        self.caches
            .sessions
            .remove_where(|_, s| s.user.id == user_id);
        self.caches
            .api_keys
            .remove_where(|_, (u, _)| u.id == user_id);
        self.caches.admin.clear();
    }

    /// The scope's top unit and counts, from this server's cache or the database.
    pub async fn scope_summary(
        &self,
        scope: &domain::units::UnitPath,
    ) -> Result<Arc<ScopeSummary>, store::StoreError> {
        let key = scope.as_str().to_string();
        if let Some(hit) = self.caches.scopes.get(&key) {
            return Ok(hit);
        }
        let unit = match scope.ids().last() {
            Some(id) => self.store.unit_by_id(id).await?,
            None => None,
        };
        let counts = self.store.scope_counts(scope).await?;
        let s = Arc::new(ScopeSummary { unit, counts });
        self.caches.scopes.put(key, s.clone());
        Ok(s)
    }

    /// Users by role, the audit head and the latest entries, for an administrator.
    pub async fn admin_summary(
        &self,
        scope: &domain::units::UnitPath,
    ) -> Result<Arc<AdminSummary>, store::StoreError> {
        let key = scope.as_str().to_string();
        if let Some(hit) = self.caches.admin.get(&key) {
            return Ok(hit);
        }
        let s = Arc::new(AdminSummary {
            users_by_role: self.store.user_counts(scope).await?,
            audit_head: self.store.audit_head().await?,
            recent: self.store.audit_entries(None, 5, None).await?,
        });
        self.caches.admin.put(key, s.clone());
        Ok(s)
    }

    /// Devices per state, from this server's cache or the database.
    pub async fn device_counts(
        &self,
    ) -> Result<Arc<std::collections::BTreeMap<domain::devices::DeviceState, i64>>, store::StoreError>
    {
        if let Some(hit) = self.caches.devices.get(&()) {
            return Ok(hit);
        }
        let c = Arc::new(self.store.device_counts().await?);
        self.caches.devices.put((), c.clone());
        Ok(c)
    }

    /// An area's dashboard figures for this user, from this server's cache or computed.
    pub async fn work_of(
        &self,
        area: &'static str,
        f: crate::areas::WorkFn,
        actor: &crate::gate::Actor,
        lang: domain::Lang,
    ) -> crate::error::AppResult<Arc<Vec<crate::areas::WorkItem>>> {
        let key = (area, actor.user.id, lang);
        if let Some(hit) = self.caches.work.get(&key) {
            return Ok(hit);
        }
        let items = Arc::new(f(self, actor, lang).await?);
        self.caches.work.put(key, items.clone());
        Ok(items)
    }

    /// Forgets cached dashboard figures after lists, duplicates or devices changed
    /// through this server.
    pub fn forget_work(&self) {
        self.caches.work.clear();
    }

    /// Forgets cached device counts after devices changed through this server.
    pub fn forget_devices(&self) {
        self.caches.devices.clear();
        self.caches.work.clear();
    }

    /// Forgets cached counts after units changed.
    pub fn forget_units(&self) {
        self.caches.scopes.clear();
        self.caches.admin.clear();
    }
}
