//! API keys for the JSON API: one user may hold several, each shown once at creation
//! and stored only as its SHA-256.

use crate::db::q;
use crate::error::Result;
use crate::passwords::random_token;
use crate::users::{User, UserRow, user_cols};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::digest::sha256_hex;
use domain::users::UsersError;
use serde::Serialize;
use serde_json::json;

/// Keys look like `smt_` followed by 40 hex digits (160 random bits).
pub const KEY_PREFIX: &str = "smt_";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

#[derive(sqlx::FromRow)]
struct KeyUserRow {
    key_id: i64,
    key_last_used_at: Option<i64>,
    #[sqlx(flatten)]
    user: UserRow,
}

const TOUCH_EVERY_MS: Millis = 60_000;

impl Store {
    /// Creates a key for `user`; returns it with the secret, which is never shown again.
    pub async fn create_api_key(
        &self,
        actor: &AuditActor,
        user: &User,
        name: &str,
    ) -> Result<(ApiKey, String)> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::Users(UsersError::InvalidApiKeyName).into());
        }
        let secret = format!("{KEY_PREFIX}{}", random_token(20));
        let prefix: String = secret.chars().take(KEY_PREFIX.len() + 6).collect();
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let key: ApiKey = q("INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)
                             RETURNING id, user_id, name, prefix, created_at, last_used_at, revoked_at")
            .bind(user.id)
            .bind(name.clone())
            .bind(prefix.clone())
            .bind(sha256_hex(secret.as_bytes()))
            .bind(now)
            .fetch_one(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::ApiKey,
                entity_id: Some(key.id.to_string()),
                action: "create",
                summary: format!("Tạo khóa API \"{name}\" ({prefix}…) cho {}", user.username),
                unit_id: Some(user.unit_id),
                changes: Some(json!({ "user": user.username, "name": name, "prefix": prefix })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok((key, secret))
    }

    pub async fn api_keys_of(&self, user_id: i64) -> Result<Vec<ApiKey>> {
        Ok(q(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
               WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Revokes one of `user`'s keys. Revoking twice is harmless.
    pub async fn revoke_api_key(&self, actor: &AuditActor, user: &User, key_id: i64) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let n = q("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now_millis())
            .bind(key_id)
            .bind(user.id)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            let exists: i64 = q("SELECT COUNT(*) FROM api_keys WHERE id = $1 AND user_id = $2")
                .bind(key_id)
                .bind(user.id)
                .scalar(&mut tx)
                .await?;
            return if exists == 0 {
                Err(DomainError::NotFound.into())
            } else {
                Ok(())
            };
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::ApiKey,
                entity_id: Some(key_id.to_string()),
                action: "revoke",
                summary: format!("Thu hồi khóa API #{key_id} của {}", user.username),
                unit_id: Some(user.unit_id),
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active user an API key belongs to, if the key is valid and not revoked.
    pub async fn api_key_user(&self, secret: &str) -> Result<Option<(User, i64)>> {
        if !secret.starts_with(KEY_PREFIX) || secret.len() != KEY_PREFIX.len() + 40 {
            return Ok(None);
        }
        let row: Option<KeyUserRow> = q(concat!(
            "SELECT k.id AS key_id, k.last_used_at AS key_last_used_at, ",
            user_cols!(),
            " FROM api_keys k JOIN users a ON a.id = k.user_id JOIN units n ON n.id = a.unit_id
              WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
        ))
        .bind(sha256_hex(secret.as_bytes()))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = User::try_from(row.user)?;
        if !user.active {
            return Ok(None);
        }
        let now = now_millis();
        if row
            .key_last_used_at
            .is_none_or(|t| now - t > TOUCH_EVERY_MS)
        {
            q("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.key_id)
                .execute(self.pool())
                .await?;
        }
        Ok(Some((user, row.key_id)))
    }
}
