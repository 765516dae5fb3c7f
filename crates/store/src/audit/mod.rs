//! The one path that writes the audit trail, and the walk that verifies it.
//!
//! [`append`] is the only code that inserts into `audit_log`; it runs inside the caller's
//! transaction, so an entry exists exactly when its change does. Appenders serialise on
//! the single `audit_head` row, which keeps the chain linear across app servers.

pub mod log;

use crate::db::{Pool, Q, Tx, q, value_rows};
use crate::{Result, Store};
use domain::audit::Entity;
use domain::audit::{
    AuditRecord, ChainBreak, ChainSummary, ChainVerifier, entry_hash, personal_hash,
};
use domain::dates::{Millis, now_millis};
use domain::users::Role;
use serde::Serialize;

/// Who made a change: a user, or the system acting for a command-line operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<i64>,
    pub name: String,
    pub role: Option<Role>,
}

impl AuditActor {
    pub fn user(id: i64, username: &str, role: Role) -> AuditActor {
        AuditActor {
            user_id: Some(id),
            name: username.to_string(),
            role: Some(role),
        }
    }

    /// The command line, named after the operating-system account that ran it.
    pub fn system(what: &str) -> AuditActor {
        let os_user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_default();
        let name = if os_user.is_empty() {
            format!("system:{what}")
        } else {
            format!("system:{what}:{os_user}")
        };
        AuditActor {
            user_id: None,
            name,
            role: None,
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub entity: Entity,
    pub entity_id: Option<String>,
    pub action: &'static str,
    /// A short human sentence, in Vietnamese, without personal data of students.
    pub summary: String,
    /// The unit the change concerns, so scoped readers can find it.
    pub unit_id: Option<i64>,
    /// Non-personal details (JSON), chained.
    pub changes: Option<serde_json::Value>,
    /// Personal details (JSON), kept beside the chain; only their salted hash is chained.
    pub personal: Option<serde_json::Value>,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    crate::passwords::fill_random(&mut buf);
    hex::encode(buf)
}

/// Appends `ev` to the chain inside `tx`. Returns the entry's sequence number.
pub async fn append(tx: &mut Tx, actor: &AuditActor, ev: AuditEvent) -> Result<i64> {
    let seqs = append_many(tx, actor, vec![ev]).await?;
    Ok(seqs[0])
}

/// Appends `evs` to the chain inside `tx`, in order, with one move of the head and
/// multi-row inserts (an import that records thousands of changes). Returns their
/// sequence numbers.
pub async fn append_many(
    tx: &mut Tx,
    actor: &AuditActor,
    evs: Vec<AuditEvent>,
) -> Result<Vec<i64>> {
    if evs.is_empty() {
        return Ok(Vec::new());
    }
    let n = evs.len() as i64;
    // The head moves by n at once; its hash is still the last entry's.
    let (last, mut prev): (i64, String) =
        q("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n)
            .fetch_one(&mut *tx)
            .await?;
    let first = last - n + 1;
    let at = now_millis();
    let mut rows = Vec::with_capacity(evs.len());
    let mut personals = Vec::new();
    for (i, ev) in evs.into_iter().enumerate() {
        let seq = first + i as i64;
        let personal = ev.personal.map(|p| {
            let salt = random_hex(16);
            let data = p.to_string();
            let hash = personal_hash(&salt, &data);
            (salt, data, hash)
        });
        let rec = AuditRecord {
            seq,
            at,
            actor: actor.name.clone(),
            actor_user_id: actor.user_id,
            actor_role: actor.role.map(|r| r.code().to_string()),
            unit_id: ev.unit_id,
            entity: ev.entity.code().to_string(),
            entity_id: ev.entity_id,
            action: ev.action.to_string(),
            summary: ev.summary,
            changes: ev.changes.map(|c| c.to_string()),
            personal_hash: personal.as_ref().map(|(_, _, h)| h.clone()),
        };
        let hash = entry_hash(&prev, &rec);
        if let Some((salt, data, _)) = personal {
            personals.push((seq, salt, data));
        }
        rows.push((rec, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    const COLUMNS: usize = 14;
    for chunk in rows.chunks(100) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, actor_user_id, actor_role, unit_id, entity, entity_id, action, summary, changes, personal_hash, prev_hash, hash)
             VALUES {}",
            value_rows(chunk.len(), COLUMNS)
        );
        let mut query = Q::assembled(sql);
        for (rec, prev, hash) in chunk {
            query = query
                .bind(rec.seq)
                .bind(rec.at)
                .bind(rec.actor.clone())
                .bind(rec.actor_user_id)
                .bind(rec.actor_role.clone())
                .bind(rec.unit_id)
                .bind(rec.entity.clone())
                .bind(rec.entity_id.clone())
                .bind(rec.action.clone())
                .bind(rec.summary.clone())
                .bind(rec.changes.clone())
                .bind(rec.personal_hash.clone())
                .bind(prev.clone())
                .bind(hash.clone());
        }
        query.execute(&mut *tx).await?;
    }
    for chunk in personals.chunks(100) {
        let sql = format!(
            "INSERT INTO audit_personal (seq, salt, data) VALUES {}",
            value_rows(chunk.len(), 3)
        );
        let mut query = Q::assembled(sql);
        for (seq, salt, data) in chunk {
            query = query.bind(*seq).bind(salt.clone()).bind(data.clone());
        }
        query.execute(&mut *tx).await?;
    }
    q("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev)
        .execute(&mut *tx)
        .await?;
    Ok((first..=last).collect())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    at: i64,
    actor: String,
    actor_user_id: Option<i64>,
    actor_role: Option<String>,
    unit_id: Option<i64>,
    entity: String,
    entity_id: Option<String>,
    action: String,
    summary: String,
    changes: Option<String>,
    personal_hash: Option<String>,
    prev_hash: String,
    hash: String,
    p_salt: Option<String>,
    p_data: Option<String>,
}

impl EntryRow {
    fn record(&self) -> AuditRecord {
        AuditRecord {
            seq: self.seq,
            at: self.at,
            actor: self.actor.clone(),
            actor_user_id: self.actor_user_id,
            actor_role: self.actor_role.clone(),
            unit_id: self.unit_id,
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            action: self.action.clone(),
            summary: self.summary.clone(),
            changes: self.changes.clone(),
            personal_hash: self.personal_hash.clone(),
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// `Ok` with what was checked, or the first entry that does not match.
    pub chain: std::result::Result<ChainSummary, ChainBreak>,
    /// Entries checked before the result (all of them when the chain holds).
    pub checked: u64,
    /// Append-only triggers that are missing: someone removed the database's refusal.
    pub missing_triggers: Vec<&'static str>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.chain.is_ok() && self.missing_triggers.is_empty()
    }
}

const TRIGGERS: &[&str] = &[
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_head_no_delete",
    "ledger_entries_balanced",
    "ledger_entries_no_update",
    "ledger_entries_no_delete",
    "ledger_postings_no_update",
    "ledger_postings_no_delete",
    "log_checkpoints_no_update",
    "log_checkpoints_no_delete",
];
const PAGE: i64 = 5_000;

/// One audit entry as shown to an administrator.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Millis,
    pub actor: String,
    pub actor_role: Option<String>,
    pub unit_id: Option<i64>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    pub summary: String,
    pub changes: Option<String>,
    pub hash: String,
}

/// What the audit page asks for: all of it by default, logins and logouts apart.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<Entity>,
    /// A username, or part of a person's full name (accents and case as stored).
    pub who: Option<String>,
    /// From this instant, up to (not including) `until`.
    pub since: Option<Millis>,
    pub until: Option<Millis>,
    /// Logins and logouts flood the trail: shown only when asked.
    pub sessions: bool,
}

/// An entry as the audit page lists it: with the full name of the person who acted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditLine {
    pub seq: i64,
    pub at: Millis,
    pub actor: String,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    pub summary: String,
}

impl Store {
    /// Entries matching `f`, newest first, older than `before`.
    pub async fn audit_search(
        &self,
        f: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditLine>> {
        let spelled = f
            .entity
            .map(|e| (e.code(), e.legacy().first().copied().unwrap_or(e.code())));
        let who = f.who.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let like = who.map(|w| format!("%{}%", crate::db::like_escape(w)));
        Ok(q("SELECT a.seq, a.at, a.actor, u.full_name AS actor_name, a.actor_role, a.entity, a.entity_id, a.action, a.summary
                FROM audit_log a LEFT JOIN users u ON u.username = a.actor
               WHERE a.seq < $1 AND ($2 IS NULL OR a.entity = $2 OR a.entity = $3)
                 AND ($4 IS NULL OR a.actor = $4 OR u.full_name LIKE $5 ESCAPE '\\')
                 AND ($6 IS NULL OR a.at >= $6) AND ($7 IS NULL OR a.at < $7)
                 AND ($8 OR a.action NOT IN ('login', 'logout'))
               ORDER BY a.seq DESC LIMIT $9")
            .bind(before.unwrap_or(i64::MAX))
            .bind(spelled.map(|s| s.0))
            .bind(spelled.map(|s| s.1))
            .bind(who.map(str::to_string))
            .bind(like)
            .bind(f.since)
            .bind(f.until)
            .bind(f.sessions)
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await?)
    }

    /// Walks the whole chain in pages of a few thousand entries (memory stays flat),
    /// then checks the head and the append-only triggers. `progress` is called after
    /// each page with the number of entries checked so far.
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(&self, mut progress: impl FnMut(u64, i64)) -> Result<Verification> {
        let total: i64 = q("SELECT seq FROM audit_head WHERE id = 1")
            .scalar(self.pool())
            .await?;
        let mut v = ChainVerifier::new();
        let mut after = 0i64;
        let mut checked = 0u64;
        loop {
            let rows: Vec<EntryRow> = q("SELECT l.seq, l.at, l.actor, l.actor_user_id, l.actor_role, l.unit_id, l.entity, l.entity_id,
                        l.action, l.summary, l.changes, l.personal_hash, l.prev_hash, l.hash,
                        p.salt AS p_salt, p.data AS p_data
                   FROM audit_log l LEFT JOIN audit_personal p ON p.seq = l.seq
                  WHERE l.seq > $1 ORDER BY l.seq LIMIT $2")
                .bind(after)
                .bind(PAGE)
                .fetch_all(self.pool())
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for r in &rows {
                let personal = match (&r.p_salt, &r.p_data) {
                    (Some(s), Some(d)) => Some((s.as_str(), d.as_str())),
                    _ => None,
                };
                if let Err(b) = v.check(&r.record(), &r.prev_hash, &r.hash, personal) {
                    return Ok(Verification {
                        chain: Err(b),
                        checked,
                        missing_triggers: self.missing_triggers().await?,
                    });
                }
                checked += 1;
            }
            progress(checked, total);
        }
        let (head_seq, head_hash): (i64, String) =
            q("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
        Ok(Verification {
            chain: v.finish(head_seq, &head_hash),
            checked,
            missing_triggers: self.missing_triggers().await?,
        })
    }

    async fn missing_triggers(&self) -> Result<Vec<&'static str>> {
        let sql = match self.pool() {
            Pool::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'trigger'",
            Pool::Postgres(_) => "SELECT tgname::TEXT FROM pg_trigger WHERE NOT tgisinternal",
        };
        let present: Vec<(String,)> = q(sql).fetch_all(self.pool()).await?;
        Ok(TRIGGERS
            .iter()
            .copied()
            .filter(|t| !present.iter().any(|(p,)| p == t))
            .collect())
    }

    /// The newest entries first, `limit` at a time, optionally about one entity.
    pub async fn audit_entries(
        &self,
        before: Option<i64>,
        limit: i64,
        entity: Option<Entity>,
    ) -> Result<Vec<AuditEntry>> {
        // An entity's entries under its current spelling and its older one.
        let spelled = entity.map(|e| (e.code(), e.legacy().first().copied().unwrap_or(e.code())));
        Ok(q("SELECT seq, at, actor, actor_role, unit_id, entity, entity_id, action, summary, changes, hash
                FROM audit_log
               WHERE seq < $1 AND ($2 IS NULL OR entity = $2 OR entity = $3)
               ORDER BY seq DESC LIMIT $4")
            .bind(before.unwrap_or(i64::MAX))
            .bind(spelled.map(|s| s.0))
            .bind(spelled.map(|s| s.1))
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await?)
    }

    /// The personal details kept beside an entry (JSON), if any. Only for readers
    /// entitled to the data the entry concerns.
    pub async fn audit_personal(&self, seq: i64) -> Result<Option<String>> {
        Ok(q("SELECT data FROM audit_personal WHERE seq = $1")
            .bind(seq)
            .scalar_optional(self.pool())
            .await?)
    }

    /// The head of the chain: how many entries and the last hash. Publishing it (in a
    /// report, say) lets anyone later prove the history before it was not rewritten.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        Ok(q("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?)
    }
}
