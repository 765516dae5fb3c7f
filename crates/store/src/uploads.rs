//! Files uploaded from the web and kept for a day between their preview and their
//! confirmation (a school's list, a household register).

use crate::Store;
use crate::db::q;
use crate::error::Result;
use domain::dates::now_millis;

/// A file uploaded in the web and waiting for its confirmation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingUpload {
    pub id: String,
    pub kind: String,
    pub user_id: i64,
    pub target: String,
    pub file_name: String,
    pub sha256: String,
    pub data: Vec<u8>,
    pub created_at: i64,
}

/// Uploads older than this are forgotten.
const UPLOAD_TTL_MS: i64 = 24 * 3600 * 1000;

impl Store {
    /// Keeps an uploaded file until the user confirms it (any server can take the
    /// confirmation). Returns its id.
    pub async fn put_upload(
        &self,
        kind: &str,
        user_id: i64,
        target: &str,
        file_name: &str,
        data: &[u8],
    ) -> Result<String> {
        let id = crate::passwords::random_token(16);
        let now = now_millis();
        q("DELETE FROM pending_uploads WHERE created_at < $1")
            .bind(now - UPLOAD_TTL_MS)
            .execute(self.pool())
            .await?;
        q("INSERT INTO pending_uploads (id, kind, user_id, target, file_name, sha256, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id.clone())
            .bind(kind)
            .bind(user_id)
            .bind(target)
            .bind(file_name)
            .bind(domain::digest::sha256_hex(data))
            .bind(data.to_vec())
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(id)
    }

    /// The user's pending upload for `target`, if it is still there.
    pub async fn upload(
        &self,
        id: &str,
        user_id: i64,
        kind: &str,
        target: &str,
    ) -> Result<Option<PendingUpload>> {
        Ok(q("SELECT id, kind, user_id, target, file_name, sha256, data, created_at FROM pending_uploads
               WHERE id = $1 AND user_id = $2 AND kind = $3 AND target = $4 AND created_at >= $5")
            .bind(id)
            .bind(user_id)
            .bind(kind)
            .bind(target)
            .bind(now_millis() - UPLOAD_TTL_MS)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn drop_upload(&self, id: &str) -> Result<()> {
        q("DELETE FROM pending_uploads WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
