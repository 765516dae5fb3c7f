//! Backups. SQLite: a consistent copy of the live database (`VACUUM INTO`), taken
//! while the server keeps running. PostgreSQL: `pg_dump` does this better than we could.

use crate::db::{Pool, q};
use crate::{Result, Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the SQLite database to `out`, which must not exist.
    pub async fn backup_sqlite(&self, out: &Path) -> Result<u64> {
        match self.pool() {
            Pool::Postgres(_) => Err(StoreError::Unsupported(
                "PostgreSQL: dùng pg_dump --format=custom --file=FILE \"$SONGMAYTINH_DB\" (use pg_dump)".into(),
            )),
            Pool::Sqlite(_) => {
                if out.exists() {
                    return Err(StoreError::Unsupported(format!(
                        "Tệp {} đã tồn tại; chọn tên khác (the file exists).",
                        out.display()
                    )));
                }
                let target = out.to_str().ok_or_else(|| StoreError::Unsupported("đường dẫn không phải UTF-8".into()))?;
                // Private like the database itself: SQLite writes into an empty file.
                crate::create_private(target)?;
                q("VACUUM INTO $1").bind(target).execute(self.pool()).await?;
                Ok(std::fs::metadata(out)?.len())
            }
        }
    }
}

/// What a database holds, to compare a backup and its restore: the rows of every table,
/// the audit chain's head and the latest signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub tables: std::collections::BTreeMap<String, i64>,
    pub audit_seq: i64,
    pub audit_hash: String,
    /// The size and text of the newest kept checkpoint, if any.
    pub checkpoint: Option<(u64, String)>,
}

impl Summary {
    pub fn rows(&self) -> i64 {
        self.tables.values().sum()
    }
}

impl Store {
    /// Every table's rows (the migrations' own bookkeeping aside), the audit head and
    /// the newest checkpoint.
    pub async fn summary(&self) -> Result<Summary> {
        let names: Vec<String> = match self.pool() {
            Pool::Sqlite(_) => q(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE '_sqlx%' ORDER BY name",
            )
            .fetch_all::<(String,)>(self.pool())
            .await?,
            Pool::Postgres(_) => {
                q(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
                    AND tablename NOT LIKE '_sqlx%' ORDER BY tablename",
                )
                .fetch_all::<(String,)>(self.pool())
                .await?
            }
        }
        .into_iter()
        .map(|(n,)| n)
        .collect();
        let mut tables = std::collections::BTreeMap::new();
        for name in names {
            // Names come from the catalogue; quoted as identifiers all the same.
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let n: i64 = crate::db::Q::assembled(format!("SELECT COUNT(*) FROM \"{name}\""))
                .scalar(self.pool())
                .await?;
            tables.insert(name, n);
        }
        let (audit_seq, audit_hash) = self.audit_head().await?;
        let checkpoint = self
            .checkpoints(1)
            .await?
            .into_iter()
            .next()
            .map(|c| (c.size, c.note));
        Ok(Summary {
            tables,
            audit_seq,
            audit_hash,
            checkpoint,
        })
    }
}

/// What a SQLite file holds (a backup, say), opened without changing it.
pub async fn summary_of(path: &Path) -> Result<Summary> {
    let store = Store::open(
        &format!("sqlite://{}", path.display()),
        &crate::OpenOptions {
            max_connections: 1,
            migrate: false,
            create_if_missing: false,
            read_only: true,
            ..crate::OpenOptions::default()
        },
    )
    .await?;
    let s = store.summary().await;
    store.pool().close().await;
    s
}

/// Restores a SQLite backup (made by [`Store::backup_sqlite`]) to `to`, which must not
/// exist: the file is checked to be a SQLite database whose pages are sound and whose
/// audit chain verifies, copied beside `to`, and moved into place only then. Returns what
/// the restored database holds.
pub async fn restore_sqlite(from: &Path, to: &Path) -> Result<Summary> {
    use std::io::Read;
    let refuse = |vi: String, en: &str| StoreError::Unsupported(format!("{vi} ({en})"));
    if to.exists() {
        return Err(refuse(
            format!("Tệp {} đã tồn tại; khôi phục vào một tệp mới", to.display()),
            "the target exists; restore into a new file",
        ));
    }
    let mut head = [0u8; 16];
    let read = std::fs::File::open(from).and_then(|mut f| f.read_exact(&mut head));
    if read.is_err() || &head != b"SQLite format 3\0" {
        return Err(refuse(
            format!("Tệp {} không phải bản sao lưu SQLite", from.display()),
            "not a SQLite backup",
        ));
    }
    let part = to.with_extension("dang-khoi-phuc");
    let _ = std::fs::remove_file(&part);
    std::fs::copy(from, &part)?;
    // Private like the database itself: it holds children's personal data.
    #[cfg(unix)]
    std::fs::set_permissions(&part, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    let url = format!("sqlite://{}", part.display());
    let checked = async {
        let store = Store::open(
            &url,
            &crate::OpenOptions {
                max_connections: 2,
                migrate: false,
                create_if_missing: false,
                ..crate::OpenOptions::default()
            },
        )
        .await?;
        let ok: String = q("PRAGMA integrity_check").scalar(store.pool()).await?;
        if ok != "ok" {
            return Err(refuse(
                format!("Bản sao lưu bị hỏng: {ok}"),
                "the backup is damaged",
            ));
        }
        let v = store.verify_audit(|_, _| {}).await?;
        if !v.ok() {
            return Err(refuse(
                "Chuỗi nhật ký của bản sao lưu không khớp: không khôi phục".to_string(),
                "the backup's audit chain does not verify",
            ));
        }
        let s = store.summary().await?;
        store.pool().close().await;
        Ok(s)
    }
    .await;
    match checked {
        Ok(s) => {
            for ext in ["dang-khoi-phuc-wal", "dang-khoi-phuc-shm"] {
                let _ = std::fs::remove_file(to.with_extension(ext));
            }
            std::fs::rename(&part, to)?;
            Ok(s)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}
