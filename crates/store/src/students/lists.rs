//! Storage of the approval chain: each school's list in a round, its actions (submit,
//! approve, return with reasons, Board approval, reopen) and the resolution of flags.
//! Every action is one transaction with its audit entry.

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::students::ListStatus;
use domain::students::StudentsError;
use domain::students::approval::{BLOCKING_FLAGS, ListAction, transition};
use domain::units::{Agency, UnitPath};
use domain::users::Role;
use serde::Serialize;
use serde_json::json;

/// A school's list in a round and who did what to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListInfo {
    pub round_id: i64,
    pub school_id: i64,
    pub status: ListStatus,
    pub submitted_at: Option<Millis>,
    pub submitted_by: Option<String>,
    pub decided_at: Option<Millis>,
    pub decided_by: Option<String>,
    pub board_at: Option<Millis>,
    pub board_by: Option<String>,
    pub note: Option<String>,
    /// The school is directly under the Sở: the Sở reviews it.
    pub direct_unit: bool,
}

/// Who did each step, by their full name when they are a user (the list keeps the
/// username the audit trail names).
macro_rules! people {
    () => {
        "COALESCE(su.full_name, l.submitted_by) AS submitted_by, COALESCE(du.full_name, l.decided_by) AS decided_by,
         COALESCE(bu.full_name, l.board_by) AS board_by"
    };
}
macro_rules! people_join {
    () => {
        "LEFT JOIN users su ON su.username = l.submitted_by LEFT JOIN users du ON du.username = l.decided_by
         LEFT JOIN users bu ON bu.username = l.board_by"
    };
}

#[derive(sqlx::FromRow)]
struct ListRow {
    status: Option<String>,
    submitted_at: Option<i64>,
    submitted_by: Option<String>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    board_at: Option<i64>,
    board_by: Option<String>,
    note: Option<String>,
    parent_agency: Option<String>,
}

/// What a list holds, for the one about to approve or submit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSummary {
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    /// The district office (or the Sở) above the school.
    pub parent_name: String,
    pub status: ListStatus,
    /// Students on the list (withdrawn ones aside).
    pub rows: i64,
    /// Of them, returned to the school with a reason.
    pub returned: i64,
    /// Of them, with no evidence file.
    pub without_evidence: i64,
    /// Of them, with an open blocking flag (duplicate, already served, household).
    pub flagged: i64,
    /// Open duplicate groups with a member on the list.
    pub open_groups: i64,
}

/// One step on a school's list: the action, the rows returned with their reasons (for
/// `Return`) and the note (required for `Reopen`).
#[derive(Debug, Clone, Copy)]
pub struct ListStep<'a> {
    pub action: ListAction,
    pub rows: &'a [RowReason],
    pub note: Option<&'a str>,
}

impl ListStep<'_> {
    /// An action without returned rows or note.
    pub fn plain(action: ListAction) -> ListStep<'static> {
        ListStep {
            action,
            rows: &[],
            note: None,
        }
    }
}

/// A row returned with its reason.
#[derive(Debug, Clone)]
pub struct RowReason {
    pub student_id: i64,
    pub reason: String,
}

fn reason_ok(s: &str) -> Result<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() || t.chars().count() > 1000 {
        Err(DomainError::ReasonRequired.into())
    } else {
        Ok(t)
    }
}

async fn list_in_tx(tx: &mut Tx, round_id: i64, school_id: i64) -> Result<ListInfo> {
    q("INSERT INTO nomination_lists (round_id, school_id, status, updated_at) VALUES ($1, $2, 'draft', $3)
       ON CONFLICT (round_id, school_id) DO NOTHING")
        .bind(round_id)
        .bind(school_id)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
    let r: ListRow = q(concat!("SELECT l.status, l.submitted_at, ", people!(), ", l.decided_at, l.board_at, l.note,
                               p.agency AS parent_agency
                          FROM nomination_lists l JOIN units s ON s.id = l.school_id LEFT JOIN units p ON p.id = s.parent_id ",
                          people_join!(), "
                         WHERE l.round_id = $1 AND l.school_id = $2"))
        .bind(round_id)
        .bind(school_id)
        .fetch_one(&mut *tx)
        .await?;
    info(round_id, school_id, r)
}

fn info(round_id: i64, school_id: i64, r: ListRow) -> Result<ListInfo> {
    let status = r.status.as_deref().unwrap_or("draft");
    Ok(ListInfo {
        round_id,
        school_id,
        status: ListStatus::parse(status)
            .ok_or_else(|| StoreError::corrupt("nomination_lists", "status", status))?,
        submitted_at: r.submitted_at,
        submitted_by: r.submitted_by,
        decided_at: r.decided_at,
        decided_by: r.decided_by,
        board_at: r.board_at,
        board_by: r.board_by,
        note: r.note,
        direct_unit: r.parent_agency.as_deref() == Some(Agency::SoGddt.code()),
    })
}

impl Store {
    /// A school's list in a round (a draft if nothing was done yet).
    pub async fn list_info(&self, round_id: i64, school_id: i64) -> Result<ListInfo> {
        let r: ListRow = q(concat!("SELECT l.status, l.submitted_at, ", people!(), ", l.decided_at, l.board_at, l.note,
                                   p.agency AS parent_agency
                              FROM units s LEFT JOIN units p ON p.id = s.parent_id
                              LEFT JOIN nomination_lists l ON l.school_id = s.id AND l.round_id = $1 ",
                              people_join!(), "
                             WHERE s.id = $2"))
            .bind(round_id)
            .bind(school_id)
            .fetch_one(self.pool())
            .await?;
        info(round_id, school_id, r)
    }

    /// Takes a step on a school's list. `role` is the actor's role (the domain decides
    /// whether it may). Approving needs every row free of open blocking flags.
    pub async fn list_action(
        &self,
        actor: &AuditActor,
        role: Role,
        round_id: i64,
        school_id: i64,
        step: ListStep<'_>,
    ) -> Result<ListInfo> {
        let ListStep { action, rows, note } = step;
        let mut tx = self.pool().begin().await?;
        let before = list_in_tx(&mut tx, round_id, school_id).await?;
        let after = transition(role, action, before.status, before.direct_unit)?;
        let now = now_millis();
        let note = match action {
            ListAction::Reopen => Some(reason_ok(note.unwrap_or(""))?),
            _ => note.map(reason_ok).transpose()?,
        };
        match action {
            ListAction::Submit => {
                let n: i64 = q("SELECT COUNT(*) FROM students WHERE round_id = $1 AND school_id = $2 AND review <> 'withdrawn'")
                    .bind(round_id)
                    .bind(school_id)
                    .scalar(&mut tx)
                    .await?;
                if n == 0 {
                    return Err(DomainError::Students(StudentsError::EmptyList).into());
                }
                q("UPDATE students SET review = 'pending', updated_at = $1 WHERE round_id = $2 AND school_id = $3 AND review = 'returned'")
                    .bind(now)
                    .bind(round_id)
                    .bind(school_id)
                    .execute(&mut tx)
                    .await?;
                q("UPDATE nomination_lists SET status = $1, submitted_at = $2, submitted_by = $3, updated_at = $2
                    WHERE round_id = $4 AND school_id = $5")
                    .bind(after.code())
                    .bind(now)
                    .bind(actor.name.clone())
                    .bind(round_id)
                    .bind(school_id)
                    .execute(&mut tx)
                    .await?;
            }
            ListAction::Approve => {
                let blocked = open_flag_rows(&mut tx, round_id, school_id).await?;
                if blocked > 0 {
                    return Err(DomainError::Students(StudentsError::OpenFlags {
                        rows: blocked as usize,
                    })
                    .into());
                }
                q(
                    "UPDATE students SET review = 'approved', return_reason = NULL, updated_at = $1
                    WHERE round_id = $2 AND school_id = $3 AND review IN ('pending', 'approved')",
                )
                .bind(now)
                .bind(round_id)
                .bind(school_id)
                .execute(&mut tx)
                .await?;
                decide(
                    &mut tx,
                    after,
                    now,
                    actor,
                    round_id,
                    school_id,
                    note.as_deref(),
                )
                .await?;
            }
            ListAction::Return => {
                if rows.is_empty() {
                    return Err(DomainError::ReasonRequired.into());
                }
                for r in rows {
                    let reason = reason_ok(&r.reason)?;
                    let n = q("UPDATE students SET review = 'returned', return_reason = $1, updated_at = $2
                                WHERE id = $3 AND round_id = $4 AND school_id = $5")
                        .bind(reason)
                        .bind(now)
                        .bind(r.student_id)
                        .bind(round_id)
                        .bind(school_id)
                        .execute(&mut tx)
                        .await?;
                    if n == 0 {
                        return Err(DomainError::NotFound.into());
                    }
                }
                decide(
                    &mut tx,
                    after,
                    now,
                    actor,
                    round_id,
                    school_id,
                    note.as_deref(),
                )
                .await?;
            }
            ListAction::BoardApprove => {
                q("UPDATE nomination_lists SET status = $1, board_at = $2, board_by = $3, updated_at = $2
                    WHERE round_id = $4 AND school_id = $5")
                    .bind(after.code())
                    .bind(now)
                    .bind(actor.name.clone())
                    .bind(round_id)
                    .bind(school_id)
                    .execute(&mut tx)
                    .await?;
            }
            ListAction::Reopen => {
                q("UPDATE nomination_lists SET status = $1, note = $2, decided_at = NULL, decided_by = NULL, board_at = NULL,
                        board_by = NULL, updated_at = $3 WHERE round_id = $4 AND school_id = $5")
                    .bind(after.code())
                    .bind(note.clone())
                    .bind(now)
                    .bind(round_id)
                    .bind(school_id)
                    .execute(&mut tx)
                    .await?;
                q("UPDATE students SET review = 'pending', updated_at = $1 WHERE round_id = $2 AND school_id = $3 AND review = 'approved'")
                    .bind(now)
                    .bind(round_id)
                    .bind(school_id)
                    .execute(&mut tx)
                    .await?;
            }
        }
        let school_code: String = q("SELECT code FROM units WHERE id = $1")
            .bind(school_id)
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::NominationList,
                entity_id: Some(format!("{round_id}/{school_code}")),
                action: action.code(),
                summary: format!(
                    "{} danh sách của trường {school_code} (đợt {round_id}): {} → {}",
                    action.label(domain::Lang::Vi),
                    before.status.label(domain::Lang::Vi),
                    after.label(domain::Lang::Vi)
                ),
                unit_id: Some(school_id),
                changes: Some(json!({
                    "from": before.status, "to": after, "note": note,
                    "returned_rows": rows.iter().map(|r| r.student_id).collect::<Vec<_>>(),
                })),
                // Reasons may name a child: kept beside the chain.
                personal: (!rows.is_empty()).then(|| {
                    json!(
                        rows.iter()
                            .map(|r| json!({"student_id": r.student_id, "reason": r.reason}))
                            .collect::<Vec<_>>()
                    )
                }),
            },
        )
        .await?;
        let info = list_in_tx(&mut tx, round_id, school_id).await?;
        tx.commit().await?;
        Ok(info)
    }

    /// The Board approves the lists of a subtree the district offices (or the Sở)
    /// approved in a round: all of them, or those of `only` among them. Each list is its
    /// own step with its audit entry. Returns how many lists; when none was waiting (a
    /// second click, or a selection approved meanwhile) says so.
    pub async fn board_approve(
        &self,
        actor: &AuditActor,
        role: Role,
        round_id: i64,
        within: &UnitPath,
        only: Option<&[i64]>,
    ) -> Result<usize> {
        let (lo, hi) = within.subtree_range();
        let schools: Vec<(i64,)> = q("SELECT l.school_id FROM nomination_lists l JOIN units u ON u.id = l.school_id
                                       WHERE l.round_id = $1 AND l.status = 'approved' AND u.path >= $2 AND u.path < $3
                                       ORDER BY u.code")
            .bind(round_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?;
        let chosen: Vec<i64> = schools
            .into_iter()
            .map(|(id,)| id)
            .filter(|id| only.is_none_or(|only| only.contains(id)))
            .collect();
        if chosen.is_empty() {
            return Err(DomainError::Students(StudentsError::NothingToApprove).into());
        }
        for school_id in &chosen {
            self.list_action(
                actor,
                role,
                round_id,
                *school_id,
                ListStep::plain(ListAction::BoardApprove),
            )
            .await?;
        }
        Ok(chosen.len())
    }

    /// What each list of a subtree in a round holds, for the one who is about to act on
    /// it: its live rows, returned rows, rows without an evidence file, rows with an
    /// open blocking flag, and the open duplicate groups it is in. Only lists in one of
    /// `statuses` (all when empty), or only `school`'s.
    pub async fn list_summaries(
        &self,
        round_id: i64,
        within: &UnitPath,
        statuses: &[ListStatus],
        school: Option<i64>,
    ) -> Result<Vec<ListSummary>> {
        let (lo, hi) = within.subtree_range();
        let status_list = statuses
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ");
        let status_cond = if statuses.is_empty() {
            String::new()
        } else {
            format!("AND l.status IN ({status_list})")
        };
        let flags = BLOCKING_FLAGS
            .iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", ");
        type Row = (i64, String, String, String, String, i64, i64, i64, i64, i64);
        let sql = format!(
            "SELECT u.id, u.code, u.name, COALESCE(p.name, ''), l.status,
                    (SELECT COUNT(*) FROM students s WHERE s.school_id = u.id AND s.round_id = $1 AND s.review <> 'withdrawn'),
                    (SELECT COUNT(*) FROM students s WHERE s.school_id = u.id AND s.round_id = $1 AND s.review = 'returned'),
                    (SELECT COUNT(*) FROM students s WHERE s.school_id = u.id AND s.round_id = $1 AND s.review <> 'withdrawn'
                        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.owner_kind = 'student' AND d.owner_id = s.id)),
                    (SELECT COUNT(*) FROM students s WHERE s.school_id = u.id AND s.round_id = $1 AND s.review <> 'withdrawn'
                        AND EXISTS (SELECT 1 FROM student_flags f WHERE f.student_id = s.id AND f.resolved_at IS NULL
                                       AND f.kind IN ({flags}))),
                    (SELECT COUNT(DISTINCT m.group_id) FROM dedup_group_members m JOIN students s ON s.id = m.student_id
                      WHERE s.school_id = u.id AND s.round_id = $1)
               FROM nomination_lists l JOIN units u ON u.id = l.school_id LEFT JOIN units p ON p.id = u.parent_id
              WHERE l.round_id = $1 AND u.path >= $2 AND u.path < $3 AND ($4 IS NULL OR u.id = $4) {status_cond}
              ORDER BY p.name, u.code"
        );
        let rows: Vec<Row> = Q::assembled(sql)
            .bind(round_id)
            .bind(lo)
            .bind(hi)
            .bind(school)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(
                |(id, code, name, parent, status, rows, returned, bare, flagged, groups)| {
                    Ok(ListSummary {
                        school_id: id,
                        school_code: code,
                        school_name: name,
                        parent_name: parent,
                        status: ListStatus::parse(&status).ok_or_else(|| {
                            StoreError::corrupt("nomination_lists", "status", status)
                        })?,
                        rows,
                        returned,
                        without_evidence: bare,
                        flagged,
                        open_groups: groups,
                    })
                },
            )
            .collect()
    }

    /// Lists of a subtree in a round, by status.
    pub async fn list_status_counts(
        &self,
        within: &UnitPath,
        round_id: i64,
    ) -> Result<Vec<(ListStatus, i64)>> {
        let (lo, hi) = within.subtree_range();
        let rows: Vec<(String, i64)> = q("SELECT l.status, COUNT(*) FROM nomination_lists l JOIN units u ON u.id = l.school_id
                                           WHERE l.round_id = $1 AND u.path >= $2 AND u.path < $3 GROUP BY l.status")
            .bind(round_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(s, n)| ListStatus::parse(&s).map(|s| (s, n)))
            .collect())
    }

    /// Resolves an open flag of a student with a reason (an audited override: "not the
    /// same person", "the device was returned", …).
    pub async fn resolve_flag(
        &self,
        actor: &AuditActor,
        student_id: i64,
        kind: &str,
        reason: &str,
    ) -> Result<()> {
        let reason = reason_ok(reason)?;
        let mut tx = self.pool().begin().await?;
        let n = q(
            "UPDATE student_flags SET resolved_at = $1, resolved_by = $2, resolution = $3
                    WHERE student_id = $4 AND kind = $5 AND resolved_at IS NULL",
        )
        .bind(now_millis())
        .bind(actor.name.clone())
        .bind(reason.clone())
        .bind(student_id)
        .bind(kind)
        .execute(&mut tx)
        .await?;
        if n == 0 {
            return Err(DomainError::NotFound.into());
        }
        let school_id: i64 = q("SELECT school_id FROM students WHERE id = $1")
            .bind(student_id)
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::StudentFlag,
                entity_id: Some(format!("{student_id}/{kind}")),
                action: "resolve",
                summary: format!("Xử lý cảnh báo \"{kind}\" của học sinh #{student_id}"),
                unit_id: Some(school_id),
                changes: Some(json!({ "student_id": student_id, "kind": kind })),
                personal: Some(json!({ "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn decide(
    tx: &mut Tx,
    after: ListStatus,
    now: i64,
    actor: &AuditActor,
    round_id: i64,
    school_id: i64,
    note: Option<&str>,
) -> Result<()> {
    q("UPDATE nomination_lists SET status = $1, decided_at = $2, decided_by = $3, note = $4, updated_at = $2
        WHERE round_id = $5 AND school_id = $6")
        .bind(after.code())
        .bind(now)
        .bind(actor.name.clone())
        .bind(note)
        .bind(round_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Rows of the list (not returned, not withdrawn) with an open blocking flag.
async fn open_flag_rows(tx: &mut Tx, round_id: i64, school_id: i64) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(DISTINCT s.id) FROM students s JOIN student_flags f ON f.student_id = s.id
          WHERE s.round_id = $1 AND s.school_id = $2 AND s.review IN ('pending', 'approved')
            AND f.resolved_at IS NULL AND f.kind IN ({})",
        crate::db::placeholders(2, BLOCKING_FLAGS.len())
    );
    let mut query = crate::db::Q::assembled(sql).bind(round_id).bind(school_id);
    for k in BLOCKING_FLAGS {
        query = query.bind(*k);
    }
    Ok(query.scalar(&mut *tx).await?)
}
