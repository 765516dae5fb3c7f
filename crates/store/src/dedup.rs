//! Storage side of de-duplication: the records to compare (read in pages), the
//! decisions already taken, flags on the groups found, and a person's decision.

use crate::db::{Q, q};
use crate::error::Result;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::dates::now_millis;
use domain::dedup::{Group, Reason, Record};
use domain::students::ListStatus;
use domain::units::UnitPath;
use serde_json::json;
use std::collections::HashSet;

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    student_code: Option<String>,
    school_id: i64,
    name_key: String,
    dob: String,
    commune_key: Option<String>,
    parent_key: Option<String>,
}

/// What a person decided about a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// One child: keep `keep`, withdraw the others from their lists.
    Same { keep: i64 },
    /// Different children: never propose them together again.
    Different,
}

impl Store {
    /// Every student of a subtree in a round (withdrawn ones aside), as de-duplication
    /// compares them, read in pages.
    pub async fn dedup_records(
        &self,
        within: &UnitPath,
        round_id: Option<i64>,
    ) -> Result<Vec<Record>> {
        let (lo, hi) = within.subtree_range();
        let mut out = Vec::new();
        let mut after = 0i64;
        loop {
            let rows: Vec<RecordRow> = q("SELECT s.id, s.student_code, s.school_id, s.name_key, s.dob, s.commune_key, s.parent_key
                                            FROM students s JOIN units u ON u.id = s.school_id
                                           WHERE u.path >= $1 AND u.path < $2 AND ($3 IS NULL OR s.round_id = $3)
                                             AND s.review <> 'withdrawn' AND s.id > $4
                                           ORDER BY s.id LIMIT 20000")
                .bind(lo.clone())
                .bind(hi.clone())
                .bind(round_id)
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            out.extend(rows.into_iter().map(|r| Record {
                id: r.id,
                code: r.student_code,
                school_id: r.school_id,
                name: r.name_key,
                dob: r.dob,
                commune: r.commune_key,
                parent: r.parent_key,
            }));
        }
        Ok(out)
    }

    /// Pairs already decided to be different children (lower id first).
    pub async fn dedup_different(&self) -> Result<HashSet<(i64, i64)>> {
        let rows: Vec<(i64, i64)> =
            q("SELECT student_a, student_b FROM dedup_decisions WHERE decision = 'different'")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Flags the members of same-person groups (`possible_duplicate`); same-code groups
    /// are flagged at import. Returns how many flags were added.
    pub async fn flag_groups(&self, groups: &[Group]) -> Result<u64> {
        let ids: Vec<i64> = groups
            .iter()
            .filter(|g| g.reason == Reason::SamePerson)
            .flat_map(|g| g.ids.iter().copied())
            .collect();
        let mut added = 0;
        let now = now_millis();
        for chunk in ids.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO student_flags (student_id, kind, detail, created_at) VALUES ",
            );
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${}, 'possible_duplicate', NULL, $1)", i + 2));
            }
            sql.push_str(" ON CONFLICT (student_id, kind) DO NOTHING");
            let mut query = Q::assembled(sql).bind(now);
            for id in chunk {
                query = query.bind(*id);
            }
            added += query.execute(self.pool()).await?;
        }
        Ok(added)
    }

    /// Records a person's decision on a group, with its audit entry. With `scope`, every
    /// student of the group must lie inside it; a withdrawn student's list must be
    /// editable.
    pub async fn decide_group(
        &self,
        actor: &AuditActor,
        scope: Option<&UnitPath>,
        ids: &[i64],
        decision: Decision,
    ) -> Result<()> {
        let mut ids: Vec<i64> = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() < 2 {
            return Err(DomainError::NotFound.into());
        }
        let mut tx = self.pool().begin().await?;
        let sql = format!(
            "SELECT s.id, u.path, COALESCE(l.status, 'draft') FROM students s JOIN units u ON u.id = s.school_id
               LEFT JOIN nomination_lists l ON l.round_id = s.round_id AND l.school_id = s.school_id
              WHERE s.id IN ({})",
            crate::db::placeholders(0, ids.len())
        );
        let mut query = Q::assembled(sql);
        for id in &ids {
            query = query.bind(*id);
        }
        let members: Vec<(i64, String, String)> = query.fetch_all(&mut tx).await?;
        if members.len() != ids.len() {
            return Err(DomainError::NotFound.into());
        }
        if let Some(scope) = scope
            && members
                .iter()
                .any(|(_, path, _)| UnitPath::parse(path).is_none_or(|p| !scope.contains(&p)))
        {
            return Err(DomainError::NotFound.into());
        }
        let now = now_millis();
        let (kind, keep) = match decision {
            Decision::Same { keep } => {
                if !ids.contains(&keep) {
                    return Err(DomainError::NotFound.into());
                }
                for (id, _, status) in members.iter().filter(|(id, ..)| *id != keep) {
                    let st = ListStatus::parse(status).unwrap_or(ListStatus::Draft);
                    if !st.editable() {
                        return Err(DomainError::ListLocked {
                            status: st.label(domain::Lang::Vi).to_string(),
                        }
                        .into());
                    }
                    q("UPDATE students SET review = 'withdrawn', return_reason = $1, updated_at = $2 WHERE id = $3")
                        .bind(format!("Trùng với học sinh #{keep}"))
                        .bind(now)
                        .bind(*id)
                        .execute(&mut tx)
                        .await?;
                }
                ("same", Some(keep))
            }
            Decision::Different => ("different", None),
        };
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                q("INSERT INTO dedup_decisions (student_a, student_b, decision, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (student_a, student_b) DO UPDATE SET decision = excluded.decision, decided_by = excluded.decided_by,
                   decided_at = excluded.decided_at")
                    .bind(*a)
                    .bind(*b)
                    .bind(kind)
                    .bind(actor.name.clone())
                    .bind(now)
                    .execute(&mut tx)
                    .await?;
            }
        }
        let sql = format!(
            "UPDATE student_flags SET resolved_at = $1, resolved_by = $2, resolution = $3
              WHERE kind IN ('duplicate_code', 'possible_duplicate') AND resolved_at IS NULL AND student_id IN ({})",
            crate::db::placeholders(3, ids.len())
        );
        let mut query = Q::assembled(sql)
            .bind(now)
            .bind(actor.name.clone())
            .bind(format!("dedup:{kind}"));
        for id in &ids {
            query = query.bind(*id);
        }
        query.execute(&mut tx).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: "dedup",
                entity_id: Some(
                    ids.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                action: kind,
                summary: match keep {
                    Some(k) => format!(
                        "Xác định {} hồ sơ là cùng một học sinh; giữ #{k}, rút các hồ sơ còn lại",
                        ids.len()
                    ),
                    None => format!("Xác định {} hồ sơ là các học sinh khác nhau", ids.len()),
                },
                changes: Some(json!({ "students": ids, "decision": kind, "keep": keep })),
                ..AuditEvent::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Student codes (or `#id` for students without one) by id, for printing groups.
    pub async fn student_labels(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, student_code FROM students WHERE id IN ({})",
                crate::db::placeholders(0, chunk.len())
            );
            let mut query = Q::assembled(sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows: Vec<(i64, Option<String>)> = query.fetch_all(self.pool()).await?;
            out.extend(
                rows.into_iter()
                    .map(|(id, c)| (id, c.unwrap_or_else(|| format!("#{id}")))),
            );
        }
        Ok(out)
    }
}
