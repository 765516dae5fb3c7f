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
