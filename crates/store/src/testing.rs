//! Test support: a fresh database per test, on SQLite (a temporary file) or on
//! PostgreSQL (a database copied from a migrated template, as crates.io's test_db does).
//!
//! PostgreSQL runs when `TEST_POSTGRES_URL` names a server whose user may create
//! databases; otherwise PostgreSQL tests are skipped with a notice on stderr, or fail
//! when `SONGMAYTINH_REQUIRE_POSTGRES=1` (as in CI).

use crate::{OpenOptions, Store};
use sqlx::{Connection, Executor, PgConnection};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

pub struct TestDb {
    pub store: Store,
    pub url: String,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

fn random_name(prefix: &str) -> String {
    format!("{prefix}{}", crate::passwords::random_token(8))
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The PostgreSQL server for tests, or `None` with a notice (or a panic in CI).
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("SONGMAYTINH_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("SONGMAYTINH_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set");
            }
            static NOTICE: Once = Once::new();
            NOTICE.call_once(|| {
                // Straight to the process's stderr, past the test harness's capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTICE: TEST_POSTGRES_URL is not set: the PostgreSQL half of the storage tests is SKIPPED"
                );
            });
            None
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        Self::sqlite_with(&OpenOptions::default()).await
    }

    /// A fresh SQLite file opened with `opts` (say, without migrating it).
    pub async fn sqlite_with(opts: &OpenOptions) -> TestDb {
        let dir = std::env::temp_dir().join(random_name("songmaytinh-test-"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let store = Store::open(&url, opts).await.expect("open sqlite test db");
        TestDb {
            store,
            url,
            dir: Some(dir),
            pg: None,
        }
    }

    pub async fn postgres() -> Option<TestDb> {
        let admin = postgres_url()?;
        let template = template_name();
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect to TEST_POSTGRES_URL");
        // One process at a time builds the template or copies it.
        conn.execute("SELECT pg_advisory_lock(727200)")
            .await
            .expect("lock");
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(&template)
            .fetch_one(&mut conn)
            .await
            .expect("query pg_database");
        if exists == 0 {
            conn.execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE \"{template}\""
            )))
            .await
            .expect("create template");
            let url = with_database(&admin, &template);
            let s = Store::open(
                &url,
                &OpenOptions {
                    max_connections: 1,
                    ..OpenOptions::default()
                },
            )
            .await
            .expect("migrate template");
            s.close().await;
        }
        let name = random_name("smt_test_");
        conn.execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )))
        .await
        .expect("copy template");
        conn.execute("SELECT pg_advisory_unlock(727200)")
            .await
            .expect("unlock");
        let _ = conn.close().await;
        let url = with_database(&admin, &name);
        let store = Store::open(
            &url,
            &OpenOptions {
                max_connections: 4,
                ..OpenOptions::default()
            },
        )
        .await
        .expect("open postgres test db");
        Some(TestDb {
            store,
            url,
            dir: None,
            pg: Some((admin, name)),
        })
    }
}

/// Named after the migrations, so a changed migration gets a new template.
fn template_name() -> String {
    let mut h = String::new();
    for m in crate::POSTGRES_MIGRATIONS.iter() {
        h.push_str(&hex::encode(&m.checksum[..]));
    }
    format!(
        "smt_tpl_{}",
        &crate::passwords::sha256_hex(h.as_bytes())[..16]
    )
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async: a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut c) = PgConnection::connect(&admin).await {
                            let _ = c
                                .execute(sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                )))
                                .await;
                            let _ = c.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Runs each listed `async fn name(db: &TestDb)` once on SQLite and once on PostgreSQL,
/// as tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! storage_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::testing::TestDb::sqlite().await;
                    super::$name(&db).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::testing::TestDb::postgres().await {
                        super::$name(&db).await;
                    }
                }
            }
        )*
    };
}
