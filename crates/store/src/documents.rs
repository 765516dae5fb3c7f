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
}

impl DocumentOwner {
    /// The owner's kind as stored (`documents.owner_kind`).
    pub fn kind(self) -> &'static str {
        match self {
            DocumentOwner::Student(_) => "student",
            DocumentOwner::Donation(_) => "donation",
            DocumentOwner::Appraisal(_) => "appraisal",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            DocumentOwner::Student(id)
            | DocumentOwner::Donation(id)
            | DocumentOwner::Appraisal(id) => id,
        }
    }

    fn exists_sql(self) -> &'static str {
        match self {
            DocumentOwner::Student(_) => "SELECT id FROM students WHERE id = $1",
            DocumentOwner::Donation(_) => "SELECT id FROM donations WHERE id = $1",
            DocumentOwner::Appraisal(_) => "SELECT id FROM appraisals WHERE id = $1",
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

/// A file as [`keep`] kept it.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub id: i64,
    /// False when the owner already had these bytes (nothing was written).
    pub new: bool,
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// Keeps a file under its owner in the caller's transaction; the caller has checked the
/// type by the bytes and writes its own audit entry when the file is new.
pub(crate) async fn keep(
    tx: &mut Tx,
    actor: &AuditActor,
    owner: DocumentOwner,
    file_name: &str,
    default_name: &str,
    content_type: &str,
    data: Vec<u8>,
) -> Result<Kept> {
    let exists: Option<i64> = q(owner.exists_sql())
        .bind(owner.id())
        .scalar_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(DomainError::NotFound.into());
    }
    let sha256 = sha256_hex(&data);
    let size = data.len() as i64;
    let name = clean_file_name(file_name, default_name);
    let same: Option<i64> =
        q("SELECT id FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND sha256 = $3")
            .bind(owner.kind())
            .bind(owner.id())
            .bind(sha256.clone())
            .scalar_optional(&mut *tx)
            .await?;
    if let Some(id) = same {
        return Ok(Kept {
            id,
            new: false,
            name,
            sha256,
            size,
        });
    }
    let id: i64 = q("INSERT INTO documents (owner_kind, owner_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(owner.kind())
        .bind(owner.id())
        .bind(name.clone())
        .bind(content_type)
        .bind(size)
        .bind(sha256.clone())
        .bind(data)
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut *tx)
        .await?;
    Ok(Kept {
        id,
        new: true,
        name,
        sha256,
        size,
    })
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
        let k = keep(
            &mut tx,
            actor,
            owner,
            file_name,
            "tai-lieu",
            content_type,
            data,
        )
        .await?;
        if !k.new {
            return Ok(k.id);
        }
        let (kind, owner_id) = (owner.kind(), owner.id());
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Document,
                entity_id: Some(k.id.to_string()),
                action: "upload",
                summary: format!("Đính kèm tài liệu \"{}\" ({kind} #{owner_id})", k.name),
                unit_id: None,
                changes: Some(json!({"owner": kind, "owner_id": owner_id, "sha256": k.sha256, "size": k.size, "content_type": content_type})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(k.id)
    }

    /// The files kept under an owner, oldest first.
    pub async fn documents(&self, owner: DocumentOwner) -> Result<Vec<Document>> {
        Ok(q("SELECT id, owner_kind, owner_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at
                FROM documents WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id")
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
