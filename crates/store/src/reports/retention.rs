//! Retention: when a program is closed, `anonymise_program` replaces the personal data of
//! its students and guardians with placeholders that cannot be turned back — names,
//! student codes, birth dates, villages, parents, certificate numbers, notes and reasons,
//! guardians' names and identity numbers, phone numbers, drawn and scanned signatures, the
//! frozen minutes' text, evidence files, and the personal details kept beside the audit
//! chain — and keeps every count, amount, tier, school and device history. One
//! transaction, once per program, recorded in the audit trail. The chain and the signed
//! checkpoints still verify: the personal details were only ever chained by their salted
//! hash (ADR 0004), and the frozen records keep the SHA-256 of what they held.

use crate::Store;
use crate::audit::{self, AuditActor, AuditEvent};
use crate::db::q;
use crate::error::{Result, StoreError};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::reports::ReportsError;
use serde::Serialize;

/// What a run replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Anonymised {
    pub program_id: i64,
    pub students: u64,
    pub flags: u64,
    pub handovers: u64,
    pub signatures: u64,
    pub documents: u64,
    /// Personal details beside the audit chain, erased.
    pub personal: u64,
}

/// A blank 1×1 PNG: a drawn signature's picture once it is gone (the column may not be
/// empty for drawn signatures).
const BLANK_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0xb5, 0x1c, 0x0c,
    0x02, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0x00, 0x00,
    0x00, 0x06, 0x00, 0x02, 0x30, 0x81, 0xd0, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];
const BLANK_SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>"#;

/// The students of a program, as a subquery on `$1`.
const STUDENTS: &str =
    "SELECT s.id FROM students s JOIN rounds r ON r.id = s.round_id WHERE r.program_id = $1";

impl Store {
    /// Replaces the personal data of a closed program's students and guardians (see the
    /// module's documentation). Refused, changing nothing, for a program with an open
    /// round or one already anonymised.
    pub async fn anonymise_program(
        &self,
        actor: &AuditActor,
        program_id: i64,
    ) -> Result<Anonymised> {
        let refuse = |e: ReportsError| StoreError::Domain(DomainError::Reports(e));
        let mut tx = self.pool().begin().await?;
        // Serialise with every other writer: the audit head first.
        q("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut tx)
            .await?;
        let program: Option<(String,)> = q("SELECT name FROM programs WHERE id = $1")
            .bind(program_id)
            .fetch_optional(&mut tx)
            .await?;
        let Some((name,)) = program else {
            return Err(refuse(ReportsError::NoSuchProgram { id: program_id }));
        };
        let done: Option<(i64,)> = q("SELECT started_at FROM retention_runs WHERE program_id = $1")
            .bind(program_id)
            .fetch_optional(&mut tx)
            .await?;
        if let Some((at,)) = done {
            return Err(refuse(ReportsError::AlreadyAnonymised {
                program: name,
                on: domain::dates::local_date(at),
            }));
        }
        let open: Vec<(String,)> =
            q("SELECT name FROM rounds WHERE program_id = $1 AND status = 'open' ORDER BY id")
                .bind(program_id)
                .fetch_all(&mut tx)
                .await?;
        if !open.is_empty() {
            return Err(refuse(ReportsError::RoundsOpen {
                program: name,
                rounds: open.into_iter().map(|(r,)| r).collect(),
            }));
        }
        let now = now_millis();
        q("INSERT INTO retention_runs (program_id, started_by, started_at) VALUES ($1, $2, $3)")
            .bind(program_id)
            .bind(&actor.name)
            .bind(now)
            .execute(&mut tx)
            .await?;

        let mut n = Anonymised {
            program_id,
            ..Anonymised::default()
        };
        // The personal details beside the chain, first (they are found through the rows).
        n.personal = crate::db::Q::assembled(format!(
            "DELETE FROM audit_personal WHERE seq IN (
                SELECT l.seq FROM audit_log l
                 WHERE (l.entity = 'student' AND l.entity_id IN (SELECT CAST(x.id AS TEXT) FROM ({STUDENTS}) x))
                    OR (l.entity = 'student_flag' AND l.entity_id IN (
                        SELECT CAST(f.id AS TEXT) FROM student_flags f WHERE f.student_id IN ({STUDENTS})))
                    OR (l.entity = 'nomination_list' AND l.entity_id IN (
                        SELECT CAST(nl.id AS TEXT) FROM nomination_lists nl JOIN rounds r ON r.id = nl.round_id
                         WHERE r.program_id = $1))
                    OR (l.entity = 'handover' AND l.entity_id IN (
                        SELECT CAST(h.id AS TEXT) FROM handovers h WHERE h.student_id IN ({STUDENTS})))
                    OR (l.entity = 'student_sim' AND l.entity_id IN (
                        SELECT CAST(m.id AS TEXT) FROM student_sims m WHERE m.student_id IN ({STUDENTS})))
                    OR (l.entity = 'repair_ticket' AND l.entity_id IN (
                        SELECT CAST(t.id AS TEXT) FROM repair_tickets t WHERE t.student_id IN ({STUDENTS}))))"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        n.students = crate::db::Q::assembled(format!(
            "UPDATE students SET
                full_name = 'Đã ẩn danh', name_key = 'an-danh-' || CAST(id AS TEXT), student_code = NULL,
                dob = '1900-01-01', gender = NULL, ethnicity = NULL, class_name = NULL, village = NULL,
                commune = NULL, commune_key = NULL, parent_name = NULL, parent_key = NULL,
                certificate_no = NULL, note = NULL, return_reason = NULL, source_row = NULL
              WHERE id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        n.flags = crate::db::Q::assembled(format!(
            "UPDATE student_flags SET detail = NULL, resolution = NULL WHERE student_id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        n.documents = crate::db::Q::assembled(format!(
            "UPDATE documents SET file_name = 'da-an-danh', data = $2, size = 0
              WHERE owner_kind = 'student' AND owner_id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .bind(Vec::<u8>::new())
        .execute(&mut tx)
        .await?;
        n.handovers = crate::db::Q::assembled(format!(
            "UPDATE handovers SET sim_number = NULL, reason = CASE WHEN reason IS NULL THEN NULL ELSE 'Đã ẩn danh' END
              WHERE student_id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        // A student's data SIM number and who reported their device's fault.
        crate::db::Q::assembled(format!(
            "UPDATE student_sims SET phone = 'an-danh-' || CAST(id AS TEXT) WHERE student_id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        crate::db::Q::assembled(format!(
            "UPDATE repair_tickets SET reported_by = 'Đã ẩn danh' WHERE student_id IN ({STUDENTS})"
        ))
        .bind(program_id)
        .execute(&mut tx)
        .await?;
        n.signatures = crate::db::Q::assembled(format!(
            "UPDATE handover_signatures SET
                signer_name = 'Đã ẩn danh', signer_position = NULL, id_number = NULL, strokes = NULL,
                svg = CASE WHEN how = 'drawn' THEN $2 ELSE NULL END,
                png = CASE WHEN how = 'drawn' THEN $3 ELSE NULL END,
                scan = CASE WHEN how = 'scan' THEN $4 ELSE NULL END,
                minutes_text = 'Biên bản đã được ẩn danh khi chương trình kết thúc. SHA-256 của bản gốc: ' || minutes_sha256
              WHERE handover_id IN (SELECT h.id FROM handovers h WHERE h.student_id IN ({STUDENTS}))"
        ))
        .bind(program_id)
        .bind(BLANK_SVG)
        .bind(BLANK_PNG.to_vec())
        .bind(Vec::<u8>::new())
        .execute(&mut tx)
        .await?;
        q("UPDATE retention_runs SET finished_at = $2, students = $3, signatures = $4, documents = $5, personal = $6
            WHERE program_id = $1")
            .bind(program_id)
            .bind(now_millis())
            .bind(n.students as i64)
            .bind(n.signatures as i64)
            .bind(n.documents as i64)
            .bind(n.personal as i64)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Program,
                entity_id: Some(program_id.to_string()),
                action: "anonymise",
                summary: format!(
                    "Ẩn danh dữ liệu cá nhân của {name}: {} học sinh, {} biên bản giao cho học sinh, {} tệp minh chứng",
                    n.students, n.signatures, n.documents
                ),
                unit_id: None,
                changes: Some(serde_json::to_value(&n).unwrap_or_default()),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
