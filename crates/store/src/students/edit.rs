//! One student at a time: entry and edit from the web, withdrawal from a list, the
//! record of a device received (set by the handover), and evidence files. Every change is
//! one transaction with its audit entry; the child's details go to the personal side of
//! the audit, never into the chain's summary.

use crate::db::{Tx, q};
use crate::documents::{self, Document, DocumentOwner, Note, Upload};
use crate::error::Result;
use crate::students::programs::iso;
use crate::students::{bind_draft, flag_list, list_status};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::students::StudentDraft;
use domain::students::StudentsError;
use serde_json::json;

/// Where a student's list stands, read inside a transaction: round, school and the
/// review of the row.
async fn owner(tx: &mut Tx, id: i64) -> Result<(i64, i64, String, String)> {
    let row: Option<(i64, i64, String, String)> = q(
        "SELECT s.round_id, s.school_id, s.review, u.code FROM students s JOIN units u ON u.id = s.school_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    row.ok_or_else(|| DomainError::NotFound.into())
}

async fn editable(tx: &mut Tx, round_id: i64, school_id: i64) -> Result<()> {
    let status = list_status(tx, round_id, school_id).await?;
    if status.editable() {
        Ok(())
    } else {
        Err(DomainError::Students(StudentsError::ListLocked { status }).into())
    }
}

fn personal(d: &StudentDraft) -> serde_json::Value {
    json!({
        "code": d.code.as_ref().map(|c| c.to_string()), "name": d.full_name, "dob": iso(d.dob),
        "gender": d.gender.map(|g| g.code()), "class": d.class_name, "village": d.village, "commune": d.commune,
        "parent": d.parent_name, "tier_id": d.tier_id, "certificate_no": d.certificate_no, "note": d.note,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Store {
    /// Adds a student to a school's list (`id = None`) or changes one. An edit must
    /// carry the `updated_at` the form was opened with: if someone saved in between, the
    /// edit is refused rather than lost. A returned row goes back to pending. The list
    /// must be editable. Returns the student's id.
    pub async fn save_student(
        &self,
        actor: &AuditActor,
        round_id: i64,
        school_id: i64,
        id: Option<(i64, Millis)>,
        d: &StudentDraft,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        editable(&mut tx, round_id, school_id).await?;
        let now = now_millis();
        let code = d.code.as_ref().map(|c| c.to_string());
        let label = code.clone().unwrap_or_else(|| iso(d.dob));
        let created = id.is_none();
        let written = match id {
            None => {
                bind_draft(
                    q("INSERT INTO students (round_id, school_id, student_code, full_name, name_key, dob, gender, ethnicity,
                            class_name, village, commune, commune_key, parent_name, parent_key, tier_id, certificate_no, note,
                            created_at, updated_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
                       RETURNING id")
                    .bind(round_id)
                    .bind(school_id),
                    d.clone(),
                )
                .bind(now)
                    .scalar::<i64>(&mut tx)
                    .await
            }
            Some((id, seen)) => {
                let (r, s, _, _) = owner(&mut tx, id).await?;
                if (r, s) != (round_id, school_id) {
                    return Err(DomainError::NotFound.into());
                }
                let n = bind_draft(q("UPDATE students SET student_code = $1, full_name = $2, name_key = $3, dob = $4, gender = $5,
                            ethnicity = $6, class_name = $7, village = $8, commune = $9, commune_key = $10, parent_name = $11,
                            parent_key = $12, tier_id = $13, certificate_no = $14, note = $15, updated_at = $16,
                            review = CASE WHEN review = 'returned' THEN 'pending' ELSE review END
                          WHERE id = $17 AND updated_at = $18"), d.clone())
                    .bind(now.max(seen + 1))
                    .bind(id)
                    .bind(seen)
                    .execute(&mut tx)
                    .await;
                match n {
                    Ok(0) => return Err(DomainError::StaleEdit.into()),
                    Ok(_) => Ok(id),
                    Err(e) => Err(e),
                }
            }
        };
        let id = match written {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(
                    DomainError::Students(StudentsError::DuplicateStudent { code: label }).into(),
                );
            }
            Err(e) => return Err(e.into()),
        };
        flag_list(&mut tx, round_id, school_id).await?;
        crate::households::check_in_tx(&mut tx, round_id, Some(school_id)).await?;
        let school_code: String = q("SELECT code FROM units WHERE id = $1")
            .bind(school_id)
            .scalar(&mut tx)
            .await?;
        let (action, verb) = if created {
            ("create", "Thêm")
        } else {
            ("update", "Sửa")
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Student,
                entity_id: Some(id.to_string()),
                action,
                summary: format!(
                    "{verb} học sinh #{id} trong danh sách trường {school_code} (đợt {round_id})"
                ),
                unit_id: Some(school_id),
                changes: Some(
                    json!({ "round_id": round_id, "school": school_code, "student_id": id }),
                ),
                personal: Some(personal(d)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes a student off a school's list (moved away, listed by mistake), with a
    /// reason. The list must be editable.
    pub async fn withdraw_student(&self, actor: &AuditActor, id: i64, reason: &str) -> Result<()> {
        let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(DomainError::ReasonRequired.into());
        }
        let mut tx = self.pool().begin().await?;
        let (round_id, school_id, _, school_code) = owner(&mut tx, id).await?;
        editable(&mut tx, round_id, school_id).await?;
        q("UPDATE students SET review = 'withdrawn', return_reason = $1, updated_at = $2 WHERE id = $3")
            .bind(reason.clone())
            .bind(now_millis())
            .bind(id)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Student,
                entity_id: Some(id.to_string()),
                action: "withdraw",
                summary: format!(
                    "Rút học sinh #{id} khỏi danh sách trường {school_code} (đợt {round_id})"
                ),
                unit_id: Some(school_id),
                changes: Some(
                    json!({ "round_id": round_id, "school": school_code, "student_id": id }),
                ),
                personal: Some(json!({ "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that these students received a device (the handover calls this), and
    /// flags `already_served` every other nomination of the same student code in any
    /// round, so that nobody is served twice without an audited override.
    pub async fn record_served(&self, actor: &AuditActor, ids: &[i64]) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let mut flagged = 0;
        for id in ids {
            flagged += mark_served(&mut tx, actor, *id).await?;
        }
        tx.commit().await?;
        Ok(flagged)
    }

    /// Keeps an evidence file of a student, with its SHA-256. The caller has checked
    /// the content type by the bytes; the same bytes twice are kept once.
    pub async fn add_evidence(
        &self,
        actor: &AuditActor,
        student_id: i64,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let (round_id, school_id, _, school_code) = owner(&mut tx, student_id).await?;
        let file = Upload {
            file_name,
            default_name: "minh-chung",
            content_type,
            data,
        };
        let id = documents::keep(
            &mut tx,
            actor,
            DocumentOwner::Student(student_id),
            file,
            |_| Note {
                summary: format!(
                    "Tải minh chứng cho học sinh #{student_id} của trường {school_code}"
                ),
                unit_id: Some(school_id),
                extra: json!({ "round_id": round_id }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes an evidence file of a student whose list is still open to the school
    /// (drafting or returned), with an audit entry naming the file, its SHA-256 and the
    /// reason; once the list is sent on, the file stays.
    pub async fn remove_evidence(
        &self,
        actor: &AuditActor,
        student_id: i64,
        document_id: i64,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let (round_id, school_id, _, school_code) = owner(&mut tx, student_id).await?;
        editable(&mut tx, round_id, school_id).await?;
        let file: Option<(String, String)> = q(
            "SELECT file_name, sha256 FROM documents WHERE id = $1 AND owner_kind = $2 AND owner_id = $3",
        )
        .bind(document_id)
        .bind(DocumentOwner::Student(student_id).kind())
        .bind(student_id)
        .fetch_optional(&mut tx)
        .await?;
        let Some((name, sha256)) = file else {
            return Err(DomainError::NotFound.into());
        };
        q("DELETE FROM documents WHERE id = $1")
            .bind(document_id)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Document,
                entity_id: Some(document_id.to_string()),
                action: "remove",
                summary: format!(
                    "Gỡ minh chứng \"{name}\" của học sinh #{student_id} trường {school_code}: {reason}"
                ),
                unit_id: Some(school_id),
                changes: Some(json!({
                    "owner": "student", "owner_id": student_id, "round_id": round_id,
                    "sha256": sha256, "reason": reason,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The evidence files of a student, newest first.
    pub async fn evidence_files(&self, student_id: i64) -> Result<Vec<Document>> {
        let mut files = self.documents(DocumentOwner::Student(student_id)).await?;
        files.reverse();
        Ok(files)
    }

    /// One evidence file of a student with its bytes.
    pub async fn evidence_file(
        &self,
        student_id: i64,
        id: i64,
    ) -> Result<Option<(Document, Vec<u8>)>> {
        self.document(DocumentOwner::Student(student_id), id).await
    }
}

/// Marks one student served inside `tx` (a handover's own transaction calls this) and flags
/// `already_served` every other nomination of the same student code. Returns how many
/// nominations were flagged.
pub(crate) async fn mark_served(tx: &mut Tx, actor: &AuditActor, id: i64) -> Result<u64> {
    let now = now_millis();
    let (round_id, school_id, _, school_code) = owner(tx, id).await?;
    q("UPDATE students SET served = TRUE, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let flagged = q("INSERT INTO student_flags (student_id, kind, detail, created_at)
                  SELECT o.id, 'already_served', $1, $2 FROM students o JOIN students s ON s.student_code = o.student_code
                   WHERE s.id = $3 AND o.id <> s.id AND o.served = FALSE
                  ON CONFLICT (student_id, kind) DO NOTHING")
        .bind(format!("{round_id}/{school_code}"))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        tx,
        actor,
        AuditEvent {
            entity: Entity::Student,
            entity_id: Some(id.to_string()),
            action: "served",
            summary: format!(
                "Học sinh #{id} của trường {school_code} đã nhận máy (đợt {round_id})"
            ),
            unit_id: Some(school_id),
            changes: Some(json!({ "round_id": round_id, "school": school_code, "student_id": id })),
            personal: None,
        },
    )
    .await?;
    Ok(flagged)
}
