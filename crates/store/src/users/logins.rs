//! Logging in: the password check and the back-off after failures (ADR 0018). Failures
//! count per name typed and per place (the client's address): a wrong guess from one place
//! makes that name wait there only, the same for a name no account has, so the answer
//! never tells which names exist and an attacker cannot lock the owner out from
//! elsewhere. Across all places, many failures in an hour make the name wait a minute at
//! most. The name is kept as its SHA-256: a password typed into the name field is never
//! stored.

use crate::db::{Tx, q};
use crate::error::Result;
use crate::users::User;
use crate::{AuditEvent, Store, audit, passwords};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::digest::sha256_hex;
use domain::users::{UsersError, login_backoff_millis};

/// Failures of one name from every place within this window count together.
const WINDOW_MS: Millis = 3600 * 1000;
/// So many failures of one name within the window, from anywhere, make it wait…
pub const NAME_FAILURES_PER_WINDOW: i64 = 50;
/// …this long after the last one, wherever the next attempt comes from.
const NAME_WAIT_MS: Millis = 60 * 1000;
/// Failures older than this are forgotten.
const FORGET_MS: Millis = 24 * 3600 * 1000;

/// The name as counted: trimmed, lower case, hashed.
fn name_hash(username: &str) -> String {
    sha256_hex(username.trim().to_lowercase().as_bytes())
}

/// Forgets every failure of a name (its owner logged in, or an administrator lifted the
/// wait).
pub(crate) async fn forget_failures(tx: &mut Tx, username: &str) -> Result<()> {
    q("DELETE FROM login_attempts WHERE name_hash = $1")
        .bind(name_hash(username))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Store {
    /// Checks a username and password coming from `source` (the client's address). A
    /// wrong username costs as much time as a wrong password and gets the same answers,
    /// back-off included. During a wait, attempts are refused without checking the
    /// password. A successful login forgets the name's failures and is audited.
    #[tracing::instrument(skip(self, password))]
    pub async fn authenticate(&self, username: &str, password: &str, source: &str) -> Result<User> {
        let now = now_millis();
        let key = name_hash(username);
        let here: Option<(i64, Option<i64>, i64)> = q(
            "SELECT failures, locked_until, last_at FROM login_attempts WHERE name_hash = $1 AND source = $2",
        )
        .bind(key.clone())
        .bind(source)
        .fetch_optional(self.pool())
        .await?;
        if let Some(until) = here.and_then(|h| h.1).filter(|u| *u > now) {
            return Err(DomainError::Users(UsersError::LoginBackoff { until }).into());
        }
        let (recent, last): (i64, Option<i64>) = q(
            "SELECT CAST(COALESCE(SUM(failures), 0) AS BIGINT), MAX(last_at) FROM login_attempts
              WHERE name_hash = $1 AND last_at > $2",
        )
        .bind(key.clone())
        .bind(now - WINDOW_MS)
        .fetch_one(self.pool())
        .await?;
        if recent >= NAME_FAILURES_PER_WINDOW
            && let Some(until) = last.map(|l| l + NAME_WAIT_MS).filter(|u| *u > now)
        {
            return Err(DomainError::Users(UsersError::LoginBackoff { until }).into());
        }
        let user = self.user_by_username(username).await?;
        let ok = match &user {
            Some(u) => passwords::verify_password(password, &u.password_hash).await,
            None => {
                passwords::verify_password(password, passwords::decoy_hash()).await;
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            // Failures of long ago start again from one.
            let failures = match here {
                Some((f, _, last_at)) if now - last_at < FORGET_MS => f + 1,
                _ => 1,
            };
            let until = login_backoff_millis(failures as u32).map(|w| now + w);
            q(
                "INSERT INTO login_attempts (name_hash, source, failures, locked_until, last_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (name_hash, source) DO UPDATE
                  SET failures = excluded.failures, locked_until = excluded.locked_until,
                      last_at = excluded.last_at",
            )
            .bind(key)
            .bind(source)
            .bind(failures)
            .bind(until)
            .bind(now)
            .execute(self.pool())
            .await?;
            return Err(match until {
                Some(until) => DomainError::Users(UsersError::LoginBackoff { until }),
                None => DomainError::Users(UsersError::InvalidCredentials),
            }
            .into());
        };
        if !user.active {
            return Err(DomainError::Users(UsersError::AccountDisabled).into());
        }
        let mut tx = self.pool().begin().await?;
        forget_failures(&mut tx, user.username.as_str()).await?;
        audit::append(
            &mut tx,
            &user.audit_actor(),
            AuditEvent {
                entity: Entity::User,
                entity_id: Some(user.username.to_string()),
                action: "login",
                summary: format!("{} đăng nhập", user.username),
                unit_id: Some(user.unit_id),
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Until when a name must wait before its next attempt from somewhere, if it must
    /// (for the administrator's view of an account).
    pub async fn login_wait(&self, username: &str) -> Result<Option<Millis>> {
        let now = now_millis();
        let until: Option<i64> = q(
            "SELECT MAX(locked_until) FROM login_attempts WHERE name_hash = $1 AND locked_until > $2",
        )
        .bind(name_hash(username))
        .bind(now)
        .scalar(self.pool())
        .await?;
        Ok(until)
    }

    /// Removes failures nobody needs any more; returns how many.
    pub async fn purge_login_attempts(&self) -> Result<u64> {
        Ok(q("DELETE FROM login_attempts WHERE last_at < $1")
            .bind(now_millis() - FORGET_MS)
            .execute(self.pool())
            .await?)
    }
}
