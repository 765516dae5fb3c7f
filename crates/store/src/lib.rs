//! Storage on SQLite (embedded default) or PostgreSQL (scale-out): migrations per
//! engine, one [`Store`] handle, one folder of queries per area. Every write runs in one
//! transaction together with its audit entry.

pub mod aftercare;
pub mod allocation;
pub mod archive;
pub mod audit;
pub mod backup;
pub mod db;
pub mod dedup;
pub mod devices;
pub mod documents;
pub mod donations;
pub mod error;
pub mod handover;
pub mod households;
pub mod ledger;
pub mod passwords;
pub mod portal;
pub mod procurement;
pub mod reports;
pub mod signal;
pub mod students;
pub mod units;
pub mod uploads;
pub mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditActor, AuditEvent};
pub use db::Engine;
pub use error::{Result, RowIssue, StoreError};

use db::{Pool, q};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How to open the database. The engine is chosen by the URL: `postgres://` or
/// `postgresql://` is PostgreSQL, anything else is a SQLite file (`sqlite://path`,
/// `sqlite:path` or a plain path).
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub max_connections: u32,
    pub migrate: bool,
    pub create_if_missing: bool,
    /// How long a SQLite writer waits for another writer before the store says it is
    /// busy ([`StoreError::Busy`]).
    pub busy_timeout: Duration,
    /// SQLite: open the file read-only, its journal mode untouched (a backup being read).
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            max_connections: 8,
            migrate: true,
            create_if_missing: true,
            busy_timeout: Duration::from_secs(10),
            read_only: false,
        }
    }
}

/// Which engine a database URL names.
pub fn engine_of(url: &str) -> Engine {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Engine::Postgres
    } else {
        Engine::Sqlite
    }
}

/// The SQLite file a URL names, if it names one.
pub fn sqlite_path(url: &str) -> Option<&str> {
    if engine_of(url) == Engine::Postgres {
        return None;
    }
    let p = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    Some(p.split('?').next().unwrap_or(p))
}

/// Creates an empty SQLite file readable by its owner only (0600), if there is none: it
/// holds children's personal data. SQLite gives its journal files the same permissions.
pub(crate) fn create_private(path: &str) -> std::io::Result<()> {
    if path == ":memory:" || path.is_empty() || std::path::Path::new(path).exists() {
        return Ok(());
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Run on each new PostgreSQL connection: while a statement runs, the server checks every
/// two seconds that the client is still there, and ends the statement (rolling back its
/// transaction, releasing its locks) when it is not. Without it, the statement of a server
/// or command killed mid-import runs on to its end with its locks held, and whoever comes
/// next waits for it. The setting exists from PostgreSQL 14; older servers skip it.
const CHECK_CLIENT: &str = "DO $$ BEGIN
    PERFORM set_config('client_connection_check_interval', '2s', false);
  EXCEPTION WHEN undefined_object THEN NULL;
  END $$";

/// The database: a pool on one engine.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// The audit log's tile roots this server has hashed (see `audit::log`).
    tiles: std::sync::Arc<audit::log::LogTiles>,
}

impl Store {
    pub async fn open(url: &str, opts: &OpenOptions) -> Result<Store> {
        let pool = match engine_of(url) {
            Engine::Postgres => Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute(CHECK_CLIENT).await.map(|_| ())
                        })
                    })
                    .connect(url)
                    .await?,
            ),
            Engine::Sqlite => {
                let path = sqlite_path(url).unwrap_or(url);
                if opts.create_if_missing && !opts.read_only {
                    create_private(path)?;
                }
                let conn = SqliteConnectOptions::from_str("sqlite://")?
                    .filename(path)
                    .create_if_missing(opts.create_if_missing && !opts.read_only)
                    .read_only(opts.read_only);
                let conn = if opts.read_only {
                    conn
                } else {
                    conn.journal_mode(SqliteJournalMode::Wal)
                };
                let conn = conn
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // 32 MiB of page cache per connection, taken only as used (the default
                    // is 2 MiB): an import into a large table touches index pages all over
                    // the file, and a small cache spills and rereads them (1,000,000 rows:
                    // 32.8 s with 2 MiB, 22 s with 64 MiB; docs/PERFORMANCE.md).
                    .pragma("cache_size", "-32768")
                    .busy_timeout(opts.busy_timeout);
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(opts.max_connections)
                        .min_connections(1)
                        .acquire_timeout(Duration::from_secs(10))
                        .connect_with(conn)
                        .await?,
                )
            }
        };
        let store = Store {
            pool,
            tiles: Default::default(),
        };
        if opts.migrate {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Applies the engine's pending migrations. Safe to run from several servers at
    /// once: the migrator takes a lock.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Applies the engine's migrations up to `version` only: for tests of a migration on
    /// a database the earlier ones made.
    #[doc(hidden)]
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run_to(version, p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run_to(version, p).await?,
        }
        Ok(())
    }

    /// Migrations known to this build that the database has not applied yet.
    pub async fn pending_migrations(&self) -> Result<usize> {
        let (exists, known) = match &self.pool {
            Pool::Sqlite(_) => (
                q(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                ),
                &SQLITE_MIGRATIONS,
            ),
            Pool::Postgres(_) => (
                q(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
                ),
                &POSTGRES_MIGRATIONS,
            ),
        };
        let applied: Vec<i64> = if exists.scalar::<i64>(&self.pool).await? == 0 {
            Vec::new()
        } else {
            q("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all::<(i64,)>(&self.pool)
                .await?
                .into_iter()
                .map(|(v,)| v)
                .collect()
        };
        Ok(known
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    pub fn engine(&self) -> Engine {
        self.pool.engine()
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// For readiness probes: the database answers.
    pub async fn ping(&self) -> Result<()> {
        q("SELECT seq FROM audit_head WHERE id = 1")
            .scalar::<i64>(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}
