//! Login sessions, stored in the database so that any app server can serve any user.
//! The cookie holds a random token; the table holds only its SHA-256.

use crate::db::q;
use crate::error::Result;
use crate::passwords::random_token;
use crate::users::{User, UserRow, user_cols};
use crate::{Store, StoreError};
use domain::dates::{Millis, now_millis};
use domain::digest::sha256_hex;

/// How long sessions live: an absolute limit and an idle limit.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub max_age_ms: Millis,
    pub idle_ms: Millis,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            max_age_ms: 12 * 3600 * 1000,
            idle_ms: 2 * 3600 * 1000,
        }
    }
}

/// A session just opened: the token goes into the cookie, once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Millis,
}

/// An open session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub csrf_token: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub user: User,
}

/// Seen-times are written at most this often, so reading pages does not write.
const TOUCH_EVERY_MS: Millis = 60_000;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    csrf_token: String,
    s_created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Store {
    pub async fn create_session(
        &self,
        user_id: i64,
        policy: SessionPolicy,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<NewSession> {
        let token = random_token(32);
        let csrf_token = random_token(32);
        let now = now_millis();
        let expires_at = now + policy.max_age_ms;
        q("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
           VALUES ($1, $2, $3, $4, $4, $5, $6, $7)")
            .bind(sha256_hex(token.as_bytes()))
            .bind(user_id)
            .bind(csrf_token.clone())
            .bind(now)
            .bind(expires_at)
            .bind(ip.map(|s| s.chars().take(64).collect::<String>()))
            .bind(user_agent.map(|s| s.chars().take(300).collect::<String>()))
            .execute(self.pool())
            .await?;
        Ok(NewSession {
            token,
            csrf_token,
            expires_at,
        })
    }

    /// The session a cookie token names, if it is open: not expired, not idle too long,
    /// its user active. Expired sessions are deleted on sight.
    pub async fn session(&self, token: &str, policy: SessionPolicy) -> Result<Option<Session>> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let id_hash = sha256_hex(token.as_bytes());
        let row: Option<SessionRow> = q(concat!(
            "SELECT s.id_hash, s.csrf_token, s.created_at AS s_created_at, s.last_seen_at, s.expires_at, ",
            user_cols!(),
            " FROM sessions s JOIN users a ON a.id = s.user_id JOIN units n ON n.id = a.unit_id WHERE s.id_hash = $1"
        ))
        .bind(id_hash.clone())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = now_millis();
        if row.expires_at <= now || row.last_seen_at + policy.idle_ms <= now {
            q("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(self.pool())
                .await?;
            return Ok(None);
        }
        let user = User::try_from(row.user)?;
        if !user.active {
            return Ok(None);
        }
        if now - row.last_seen_at > TOUCH_EVERY_MS {
            q("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(row.id_hash.clone())
                .execute(self.pool())
                .await?;
        }
        Ok(Some(Session {
            id_hash: row.id_hash,
            csrf_token: row.csrf_token,
            created_at: row.s_created_at,
            expires_at: row.expires_at,
            user,
        }))
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        q("DELETE FROM sessions WHERE id_hash = $1")
            .bind(sha256_hex(token.as_bytes()))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes sessions past their absolute or idle limit. Returns how many.
    pub async fn purge_sessions(&self, policy: SessionPolicy) -> Result<u64> {
        let now = now_millis();
        Ok(
            q("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(now)
                .bind(now - policy.idle_ms)
                .execute(self.pool())
                .await?,
        )
    }

    /// How many sessions a user has open (for tests and the account page).
    pub async fn session_count(&self, user_id: i64) -> Result<i64> {
        q("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .scalar(self.pool())
            .await
            .map_err(StoreError::from)
    }
}
