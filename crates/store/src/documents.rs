//! Kept files (documents): a student's evidence, a scanned deed of gift, an appraisal
//! report, each kept with its SHA-256 under its owner, in one table for every area
//! (migration 0007 folded `evidence_files` into it). Printed minutes (`bien_ban`) are
//! made from the records, not kept here. The same bytes twice under one owner are kept
//! once; a file read back is checked against its digest.

use crate::db::{Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::digest::sha256_hex;
use serde::Serialize;
use serde_json::json;

/// A kept file (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub owner_kind: String,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: Millis,
}

/// Whose a kept file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentOwner {
    /// Evidence of a student's tier (certificate photo, death record).
    Student(i64),
    Donation(i64),
    Appraisal(i64),
    /// A document of a step of a tender package (its plan, award, contract, minutes…).
    Procurement(i64),
    /// Materials of a training session (tập huấn).
    Training(i64),
}

impl DocumentOwner {
    /// The owner's kind as stored (`documents.owner_kind`).
    pub fn kind(self) -> &'static str {
        match self {
            DocumentOwner::Student(_) => "student",
            DocumentOwner::Donation(_) => "donation",
            DocumentOwner::Appraisal(_) => "appraisal",
            DocumentOwner::Procurement(_) => "procurement",
            DocumentOwner::Training(_) => "training",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            DocumentOwner::Student(id)
            | DocumentOwner::Donation(id)
            | DocumentOwner::Appraisal(id)
            | DocumentOwner::Procurement(id)
            | DocumentOwner::Training(id) => id,
        }
    }

    fn exists_sql(self) -> &'static str {
        match self {
            DocumentOwner::Student(_) => "SELECT id FROM students WHERE id = $1",
            DocumentOwner::Donation(_) => "SELECT id FROM donations WHERE id = $1",
            DocumentOwner::Appraisal(_) => "SELECT id FROM appraisals WHERE id = $1",
            DocumentOwner::Procurement(_) => "SELECT id FROM procurement_packages WHERE id = $1",
            DocumentOwner::Training(_) => "SELECT id FROM trainings WHERE id = $1",
        }
    }
}

/// An uploaded file's name as kept: no path, no control characters, at most 200
/// characters, `default` when nothing is left.
pub fn clean_file_name(raw: &str, default: &str) -> String {
    let name: String = raw
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.trim().is_empty() {
        default.to_string()
    } else {
        name
    }
}

/// A file to keep: its name as sent, the name to use when it has none, its type (the
/// caller has checked it by the bytes) and its bytes.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub default_name: &'a str,
    pub content_type: &'a str,
    pub data: Vec<u8>,
}

/// What the audit entry of a newly kept file says beyond the file itself.
pub(crate) struct Note {
    pub summary: String,
    /// The unit it concerns, so that scoped readers find it.
    pub unit_id: Option<i64>,
    /// More details (the owner's round, say), merged into the entry's changes.
    pub extra: serde_json::Value,
}

/// Keeps a file under its owner in the caller's transaction, with its audit entry; the
/// same bytes twice under one owner are kept once (and audited once). Returns its id.
pub(crate) async fn keep(
    tx: &mut Tx,
    actor: &AuditActor,
    owner: DocumentOwner,
    file: Upload<'_>,
    note: impl FnOnce(&str) -> Note,
) -> Result<i64> {
    let exists: Option<i64> = q(owner.exists_sql())
        .bind(owner.id())
        .scalar_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(DomainError::NotFound.into());
    }
    let sha256 = sha256_hex(&file.data);
    let size = file.data.len() as i64;
    let name = clean_file_name(file.file_name, file.default_name);
    let same: Option<i64> =
        q("SELECT id FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND sha256 = $3")
            .bind(owner.kind())
            .bind(owner.id())
            .bind(sha256.clone())
            .scalar_optional(&mut *tx)
            .await?;
    if let Some(id) = same {
        return Ok(id);
    }
    let id: i64 = q("INSERT INTO documents (owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(owner.kind())
        .bind(owner.id())
        .bind(name.clone())
        .bind(file.content_type)
        .bind(size)
        .bind(sha256.clone())
        .bind(file.data)
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut *tx)
        .await?;
    let note = note(&name);
    let mut changes = json!({
        "owner": owner.kind(), "owner_id": owner.id(), "sha256": sha256, "size": size,
        "content_type": file.content_type,
    });
    if let (Some(c), serde_json::Value::Object(extra)) = (changes.as_object_mut(), note.extra) {
        c.extend(extra);
    }
    audit::append(
        tx,
        actor,
        AuditEvent {
            entity: Entity::Document,
            entity_id: Some(id.to_string()),
            action: "upload",
            summary: note.summary,
            unit_id: note.unit_id,
            changes: Some(changes),
            personal: None,
        },
    )
    .await?;
    Ok(id)
}

impl Store {
    /// Keeps a file with a donation or an appraisal, with its SHA-256; the caller has
    /// checked the type by the bytes. The same bytes twice are kept once.
    pub async fn add_document(
        &self,
        actor: &AuditActor,
        owner: DocumentOwner,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let file = Upload {
            file_name,
            default_name: "tai-lieu",
            content_type,
            data,
        };
        let id = keep(&mut tx, actor, owner, file, |name| Note {
            summary: format!(
                "Đính kèm tài liệu \"{name}\" ({} #{})",
                owner.kind(),
                owner.id()
            ),
            unit_id: None,
            extra: serde_json::Value::Null,
        })
        .await?;
        tx.commit().await?;
        Ok(id)
    }
    /// The files kept under an owner, oldest first; `uploaded_by` is the person's full
    /// name where the account exists.
    pub async fn documents(&self, owner: DocumentOwner) -> Result<Vec<Document>> {
        Ok(q(
            "SELECT d.id, d.owner_kind, d.owner_id, d.file_name, d.content_type, d.size, d.sha256,
                     COALESCE(u.full_name, d.uploaded_by) AS uploaded_by, d.uploaded_at
                FROM documents d LEFT JOIN users u ON u.username = d.uploaded_by
               WHERE d.owner_kind = $1 AND d.owner_id = $2 ORDER BY d.id",
        )
        .bind(owner.kind())
        .bind(owner.id())
        .fetch_all(self.pool())
        .await?)
    }

    /// A file of an owner, with its bytes, checked against its SHA-256.
    pub async fn document(
        &self,
        owner: DocumentOwner,
        id: i64,
    ) -> Result<Option<(Document, Vec<u8>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            meta: Document,
            data: Vec<u8>,
        }
        let r: Option<Row> = q("SELECT id, owner_kind, owner_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at, data
                                  FROM documents WHERE id = $1 AND owner_kind = $2 AND owner_id = $3")
            .bind(id)
            .bind(owner.kind())
            .bind(owner.id())
            .fetch_optional(self.pool())
            .await?;
        match r {
            Some(r) if sha256_hex(&r.data) != r.meta.sha256 => {
                Err(StoreError::corrupt("documents", "sha256", r.meta.sha256))
            }
            Some(r) => Ok(Some((r.meta, r.data))),
            None => Ok(None),
        }
    }
}
