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
    /// The Department's account that receives donations, shown as a VietQR code.
    pub donations_account: Option<BankAccount>,
    /// The Fatherland Front's account for the program.
    pub mttq_account: Option<BankAccount>,
    /// The key that signs the audit log's checkpoints (from a file outside the database);
    /// without it the portal serves the checkpoints already stored and signs none.
    pub log_signer: Option<Arc<domain::audit::checkpoint::LogSigner>>,
}

/// A bank account a VietQR code pays into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// The bank's six-digit NAPAS BIN (Vietcombank 970436, BIDV 970418, …).
    pub bin: String,
    pub number: String,
    /// The holder's name as the bank prints it.
    pub holder: String,
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
            donations_account: None,
            mttq_account: None,
            log_signer: None,
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
    pub work: TtlCache<WorkKey, Arc<Vec<crate::areas::WorkItem>>>,
    /// The dashboard as rendered for a session, by (session's CSRF token, language,
    /// address): the figures behind it are cached anyway, so within the same time the
    /// page they make is the same. Pages with a one-off message are never kept.
    pub dashboards: TtlCache<(String, domain::Lang, String), axum::body::Bytes>,
    /// The charts a dashboard draws from its scope's report, by (scope path, language,
    /// whether the viewer follows the ledger): the funnel and the money chart.
    pub charts: TtlCache<(String, domain::Lang, bool), Arc<DashboardCharts>>,
    /// The figures being computed again in the background (see [`AppState::work_of`]).
    pub work_refreshing: std::sync::Mutex<std::collections::HashSet<WorkKey>>,
    /// Held while a session missing from the cache is read (and touched): requests of
    /// one session arriving together when its entry expires read it once.
    pub session_first: tokio::sync::Mutex<()>,
    /// Held while a scope's counts missing from the cache are read.
    pub scope_first: tokio::sync::Mutex<()>,
    /// Held while the device counts missing from the cache are read.
    pub devices_first: tokio::sync::Mutex<()>,
    /// Held while figures nobody has yet are computed, so that a crowd arriving at once
    /// computes them once.
    pub work_first: tokio::sync::Mutex<()>,
    /// Public pages and open data as last made, by (address, language), with the size of
    /// the audit log they were made at: served as they are while the log has not grown,
    /// which this server checks at most once per `public_check` (every change is audited,
    /// so a change on any server is seen within it). See [`AppState::public_copy`].
    pub public: std::sync::RwLock<HashMap<(String, domain::Lang), Arc<PublicCopy>>>,
    pub public_check: Duration,
    /// Held while a public copy is made again: a crowd arriving at once makes it once.
    pub public_first: tokio::sync::Mutex<()>,
}

/// A dashboard's funnel and money charts (SVG), when it has them.
pub type DashboardCharts = (Option<String>, Option<String>);

/// A public page or file as last made.
pub struct PublicCopy {
    pub log_size: u64,
    pub checked: std::time::Instant,
    pub body: axum::body::Bytes,
    pub etag: String,
    pub sha256: String,
}

/// (area, user id, language).
pub type WorkKey = (&'static str, i64, domain::Lang);

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
            dashboards: TtlCache::new(ttl, 10_000),
            charts: TtlCache::new(ttl, 10_000),
            work_refreshing: Default::default(),
            work_first: tokio::sync::Mutex::new(()),
            session_first: tokio::sync::Mutex::new(()),
            scope_first: tokio::sync::Mutex::new(()),
            devices_first: tokio::sync::Mutex::new(()),
            public: Default::default(),
            public_check: ttl.min(Duration::from_secs(1)),
            public_first: tokio::sync::Mutex::new(()),
        }
    }
}

impl AppState {
    /// The public copy of `key` (an address) in `lang`: the one kept while the audit log
    /// has not grown since it was made, else `make()` again. Several servers on one
    /// database each keep their own and agree within `public_check`.
    pub async fn public_copy<F, Fut>(
        &self,
        key: &str,
        lang: domain::Lang,
        make: F,
    ) -> crate::error::AppResult<Arc<PublicCopy>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = crate::error::AppResult<axum::body::Bytes>>,
    {
        let k = (key.to_string(), lang);
        let kept = |s: &Self| {
            s.caches
                .public
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(&k)
                .cloned()
        };
        if let Some(c) = kept(self)
            && c.checked.elapsed() < self.caches.public_check
        {
            return Ok(c);
        }
        let _first = self.caches.public_first.lock().await;
        // Another request may have made it while this one waited.
        if let Some(c) = kept(self)
            && c.checked.elapsed() < self.caches.public_check
        {
            return Ok(c);
        }
        let size = self.store.log_size().await?;
        let copy = match kept(self) {
            Some(c) if c.log_size == size => Arc::new(PublicCopy {
                log_size: size,
                checked: std::time::Instant::now(),
                body: c.body.clone(),
                etag: c.etag.clone(),
                sha256: c.sha256.clone(),
            }),
            _ => {
                let body = make().await?;
                let sha256 = domain::digest::sha256_hex(&body);
                Arc::new(PublicCopy {
                    log_size: size,
                    checked: std::time::Instant::now(),
                    etag: format!("\"{sha256}\""),
                    sha256,
                    body,
                })
            }
        };
        self.caches
            .public
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(k, copy.clone());
        Ok(copy)
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
        self.caches.dashboards.clear();
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
        let _one = self.caches.scope_first.lock().await;
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

    /// A session the cache does not hold, read from the store once however many of its
    /// requests arrive together, and kept.
    pub async fn fill_session(
        &self,
        token_hash: &str,
        token: &str,
        policy: &store::users::sessions::SessionPolicy,
        now: i64,
    ) -> Result<Option<Arc<CachedSession>>, store::StoreError> {
        let _one = self.caches.session_first.lock().await;
        if let Some(hit) = self
            .caches
            .sessions
            .get(&token_hash.to_string())
            .filter(|s| s.expires_at > now)
        {
            return Ok(Some(hit));
        }
        let found = self.store.session(token, *policy).await?.map(|s| {
            Arc::new(CachedSession {
                user: Arc::new(s.user),
                csrf_token: s.csrf_token,
                id_hash: s.id_hash,
                expires_at: s.expires_at,
            })
        });
        if let Some(s) = &found {
            self.caches.sessions.put(token_hash.to_string(), s.clone());
        }
        Ok(found)
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
        let _one = self.caches.devices_first.lock().await;
        if let Some(hit) = self.caches.devices.get(&()) {
            return Ok(hit);
        }
        let c = Arc::new(self.store.device_counts().await?);
        self.caches.devices.put((), c.clone());
        Ok(c)
    }

    /// An area's dashboard figures for this user, from this server's cache or computed.
    /// Figures past their time are still served while one task computes them again in
    /// the background: a crowd of requests never computes the same figures at once, and
    /// never waits for them (figures are at most twice the cache time old). Figures
    /// nobody has yet are computed once, the others waiting for them.
    pub async fn work_of(
        &self,
        area: &'static str,
        f: crate::areas::WorkFn,
        actor: &crate::gate::Actor,
        lang: domain::Lang,
    ) -> crate::error::AppResult<Arc<Vec<crate::areas::WorkItem>>> {
        if self.config.cache_ttl.is_zero() {
            return Ok(Arc::new(f(self, actor, lang).await?));
        }
        let key = (area, actor.user.id, lang);
        match self.caches.work.get_with_age(&key) {
            Some((v, true)) => return Ok(v),
            Some((v, false)) => {
                let first = self
                    .caches
                    .work_refreshing
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key);
                if first {
                    let (state, actor) = (self.clone(), actor.clone());
                    tokio::spawn(async move {
                        if let Ok(items) = f(&state, &actor, lang).await {
                            state.caches.work.put(key, Arc::new(items));
                        }
                        state
                            .caches
                            .work_refreshing
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .remove(&key);
                    });
                }
                return Ok(v);
            }
            None => {}
        }
        let _one = self.caches.work_first.lock().await;
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
        self.caches.dashboards.clear();
    }

    /// Forgets cached device counts after devices changed through this server.
    pub fn forget_devices(&self) {
        self.caches.devices.clear();
        self.caches.work.clear();
        self.caches.dashboards.clear();
    }

    /// Forgets cached counts after units changed.
    pub fn forget_units(&self) {
        self.caches.scopes.clear();
        self.caches.admin.clear();
        self.caches.dashboards.clear();
    }
}
