//! Storage side of de-duplication: the records compared (read in birth-date order, a
//! few dates at a time, so memory stays flat), the groups of the last run waiting for a
//! decision, flags on their members, and a person's decision.

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::students::Student;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::dedup::{Group, Reason, Record, code_groups, person_groups};
use domain::students::ListStatus;
use domain::students::StudentsError;
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

impl From<RecordRow> for Record {
    fn from(r: RecordRow) -> Record {
        Record {
            id: r.id,
            code: r.student_code,
            school_id: r.school_id,
            name: r.name_key,
            dob: r.dob,
            commune: r.commune_key,
            parent: r.parent_key,
        }
    }
}

/// What a person decided about a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// One child: keep `keep`, withdraw the others from their lists.
    Same { keep: i64 },
    /// Different children: never propose them together again.
    Different,
}

/// The outcome of a de-duplication run.
#[derive(Debug, Clone)]
pub struct DedupRun {
    pub round_id: i64,
    /// Students compared.
    pub students: u64,
    pub groups: Vec<Group>,
    /// `possible_duplicate` flags added.
    pub flagged: u64,
}

/// A stored group with its members, for a person to decide.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub id: i64,
    pub reason: Reason,
    pub score: f64,
    /// Members inside the reader's scope, with their record.
    pub members: Vec<Student>,
    /// Members outside the reader's scope: only their school is shown.
    pub elsewhere: Vec<String>,
    /// Every member lies in the reader's scope: they may decide.
    pub decidable: bool,
}

/// Rows read per query while scanning.
const SCAN_PAGE: i64 = 20_000;

impl Store {
    /// Finds the duplicate groups among the students of a round (withdrawn ones aside).
    /// Same-code groups come from the database; same-person groups are computed a few
    /// birth dates at a time, since two records are only compared when born the same day.
    /// `progress` is called with the number of students read so far.
    pub async fn find_duplicates(
        &self,
        round_id: i64,
        mut progress: impl FnMut(u64),
    ) -> Result<(Vec<Group>, u64)> {
        let different = self.dedup_different().await?;
        let pairs: Vec<(String, i64)> = q("SELECT student_code, id FROM students
                                           WHERE round_id = $1 AND review <> 'withdrawn' AND student_code IN (
                                                 SELECT student_code FROM students WHERE round_id = $1 AND review <> 'withdrawn'
                                                    AND student_code IS NOT NULL GROUP BY student_code HAVING COUNT(*) > 1)")
            .bind(round_id)
            .fetch_all(self.pool())
            .await?;
        let mut groups = code_groups(pairs.iter().map(|(c, id)| (c.as_str(), *id)), &different);

        let read = self
            .scan_records(round_id, |batch, read| {
                groups.extend(person_groups(batch, &different));
                progress(read);
            })
            .await?;
        groups.sort_by(|a, b| (a.reason as u8, &a.ids).cmp(&(b.reason as u8, &b.ids)));
        Ok((groups, read))
    }

    /// Reads the students of a round (withdrawn ones aside) as de-duplication compares
    /// them, in birth-date order, and hands them over in batches that never split a
    /// birth date, with the number read so far. Memory holds one batch. Returns how many
    /// were read.
    pub async fn scan_records(
        &self,
        round_id: i64,
        mut on_batch: impl FnMut(&[Record], u64),
    ) -> Result<u64> {
        let mut carry: Vec<Record> = Vec::new();
        let (mut after_dob, mut after_id) = (String::new(), 0i64);
        let mut read = 0u64;
        loop {
            // A page after the last one, straight off the (dob, id) index: the row value
            // lets both engines seek it, and `+round_id` keeps SQLite off the round's
            // index, with which it read and sorted the whole round for every page.
            let rows: Vec<RecordRow> = q("SELECT id, student_code, school_id, name_key, dob, commune_key, parent_key
                                           FROM students
                                          WHERE +round_id = $1 AND review <> 'withdrawn' AND (dob, id) > ($2, $3)
                                          ORDER BY dob, id LIMIT $4")
                .bind(round_id)
                .bind(after_dob.clone())
                .bind(after_id)
                .bind(SCAN_PAGE)
                .fetch_all(self.pool())
                .await?;
            let last_page = (rows.len() as i64) < SCAN_PAGE;
            if let Some(last) = rows.last() {
                after_dob = last.dob.clone();
                after_id = last.id;
            }
            read += rows.len() as u64;
            carry.extend(rows.into_iter().map(Record::from));
            if last_page {
                on_batch(&carry, read);
                return Ok(read);
            }
            // Hold back the last birth date: more of it may follow.
            let cut = carry.partition_point(|r| r.dob < after_dob);
            let rest = carry.split_off(cut);
            on_batch(&carry, read);
            carry = rest;
        }
    }

    /// Pairs already decided to be different children (lower id first).
    pub async fn dedup_different(&self) -> Result<HashSet<(i64, i64)>> {
        let rows: Vec<(i64, i64)> =
            q("SELECT student_a, student_b FROM dedup_decisions WHERE decision = 'different'")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Runs de-duplication over a round: finds the groups, replaces the stored groups
    /// of the round with them, flags the members of same-person groups
    /// (`possible_duplicate`; same-code ones are flagged at import) and writes one audit
    /// entry.
    pub async fn run_dedup(
        &self,
        actor: &AuditActor,
        round_id: i64,
        progress: impl FnMut(u64),
    ) -> Result<DedupRun> {
        let (groups, students) = self.find_duplicates(round_id, progress).await?;
        let mut tx = self.pool().begin().await?;
        q("DELETE FROM dedup_group_members WHERE group_id IN (SELECT id FROM dedup_groups WHERE round_id = $1)")
            .bind(round_id)
            .execute(&mut tx)
            .await?;
        q("DELETE FROM dedup_groups WHERE round_id = $1")
            .bind(round_id)
            .execute(&mut tx)
            .await?;
        let now = now_millis();
        for chunk in groups.chunks(200) {
            store_groups(&mut tx, round_id, now, chunk).await?;
        }
        let ids: Vec<i64> = groups
            .iter()
            .filter(|g| g.reason == Reason::SamePerson)
            .flat_map(|g| g.ids.iter().copied())
            .collect();
        let mut flagged = 0;
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
            flagged += query.execute(&mut tx).await?;
        }
        let same_code = groups
            .iter()
            .filter(|g| g.reason == Reason::SameCode)
            .count();
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Dedup,
                entity_id: Some(round_id.to_string()),
                action: "run",
                summary: format!(
                    "Rà soát trùng lặp đợt {round_id}: {students} học sinh, {} nhóm trùng mã, {} nhóm có thể cùng một người",
                    same_code,
                    groups.len() - same_code
                ),
                changes: Some(json!({
                    "round_id": round_id, "students": students, "same_code": same_code,
                    "same_person": groups.len() - same_code, "flagged": flagged,
                })),
                unit_id: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(DedupRun {
            round_id,
            students,
            groups,
            flagged,
        })
    }

    /// Stored groups of a round with at least one member inside `scope`, a page at a
    /// time (same code first).
    pub async fn dedup_groups(
        &self,
        scope: &UnitPath,
        round_id: i64,
        page: i64,
        per_page: i64,
    ) -> Result<crate::db::Page<GroupView>> {
        let (lo, hi) = scope.subtree_range();
        let page = page.max(1);
        let per_page = per_page.clamp(1, 200);
        macro_rules! visible {
            () => {
                "FROM dedup_groups g WHERE g.round_id = $1 AND EXISTS (
                    SELECT 1 FROM dedup_group_members m JOIN students s ON s.id = m.student_id JOIN units u ON u.id = s.school_id
                     WHERE m.group_id = g.id AND u.path >= $2 AND u.path < $3) "
            };
        }
        let total: i64 = q(concat!("SELECT COUNT(*) ", visible!()))
            .bind(round_id)
            .bind(lo.clone())
            .bind(hi.clone())
            .scalar(self.pool())
            .await?;
        let rows: Vec<(i64, String, i64)> = q(concat!(
            "SELECT g.id, g.reason, g.score_pct ",
            visible!(),
            "ORDER BY g.reason, g.id LIMIT $4 OFFSET $5"
        ))
        .bind(round_id)
        .bind(lo)
        .bind(hi)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(self.pool())
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for (id, reason, score) in rows {
            items.push(self.group_view(scope, id, &reason, score).await?);
        }
        Ok(crate::db::Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// One stored group as `scope` sees it.
    pub async fn dedup_group(&self, scope: &UnitPath, id: i64) -> Result<Option<GroupView>> {
        let row: Option<(String, i64)> =
            q("SELECT reason, score_pct FROM dedup_groups WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some((reason, score)) = row else {
            return Ok(None);
        };
        let view = self.group_view(scope, id, &reason, score).await?;
        Ok((!view.members.is_empty()).then_some(view))
    }

    async fn group_view(
        &self,
        scope: &UnitPath,
        id: i64,
        reason: &str,
        score: i64,
    ) -> Result<GroupView> {
        let ids: Vec<(i64,)> =
            q("SELECT student_id FROM dedup_group_members WHERE group_id = $1 ORDER BY student_id")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        let mut members = Vec::new();
        let mut elsewhere = Vec::new();
        for (sid,) in ids {
            if let Some((s, path)) = self.student(sid).await? {
                if scope.contains(&path) {
                    members.push(s);
                } else {
                    elsewhere.push(s.school_name);
                }
            }
        }
        Ok(GroupView {
            id,
            reason: match reason {
                "same_code" => Reason::SameCode,
                "same_person" => Reason::SamePerson,
                other => return Err(StoreError::corrupt("dedup_groups", "reason", other)),
            },
            score: score as f64 / 100.0,
            decidable: elsewhere.is_empty(),
            members,
            elsewhere,
        })
    }

    /// Records a person's decision on a stored group (see [`Store::decide_group`]) and
    /// removes the group.
    pub async fn decide_stored_group(
        &self,
        actor: &AuditActor,
        scope: Option<&UnitPath>,
        group_id: i64,
        decision: Decision,
    ) -> Result<()> {
        let ids: Vec<(i64,)> =
            q("SELECT student_id FROM dedup_group_members WHERE group_id = $1 ORDER BY student_id")
                .bind(group_id)
                .fetch_all(self.pool())
                .await?;
        if ids.is_empty() {
            return Err(DomainError::NotFound.into());
        }
        let ids: Vec<i64> = ids.into_iter().map(|(i,)| i).collect();
        self.decide_group(actor, scope, &ids, decision).await
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
                        return Err(DomainError::Students(StudentsError::ListLocked {
                            status: st,
                        })
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
        // The decided group goes; a withdrawn record leaves the other groups too, and a
        // group left with one member goes.
        let key = members_key(&ids);
        q("DELETE FROM dedup_group_members WHERE group_id IN (SELECT id FROM dedup_groups WHERE members = $1)")
            .bind(key.clone())
            .execute(&mut tx)
            .await?;
        q("DELETE FROM dedup_groups WHERE members = $1")
            .bind(key)
            .execute(&mut tx)
            .await?;
        if let Some(keep) = keep {
            for id in ids.iter().filter(|i| **i != keep) {
                q("DELETE FROM dedup_group_members WHERE student_id = $1")
                    .bind(*id)
                    .execute(&mut tx)
                    .await?;
            }
            q("DELETE FROM dedup_group_members WHERE group_id IN (
                 SELECT group_id FROM dedup_group_members GROUP BY group_id HAVING COUNT(*) < 2)")
            .execute(&mut tx)
            .await?;
            q("DELETE FROM dedup_groups WHERE NOT EXISTS (SELECT 1 FROM dedup_group_members m WHERE m.group_id = dedup_groups.id)")
                .execute(&mut tx)
                .await?;
        }
        // Flags close on the members no other open group still holds.
        let sql = format!(
            "UPDATE student_flags SET resolved_at = $1, resolved_by = $2, resolution = $3
              WHERE kind IN ('duplicate_code', 'possible_duplicate') AND resolved_at IS NULL AND student_id IN ({})
                AND NOT EXISTS (SELECT 1 FROM dedup_group_members m WHERE m.student_id = student_flags.student_id)",
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
                entity: Entity::Dedup,
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
                unit_id: None,
                personal: None,
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

fn members_key(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

async fn store_groups(tx: &mut Tx, round_id: i64, now: i64, groups: &[Group]) -> Result<()> {
    for g in groups {
        // A group already stored with the same members stays as it is.
        let id: Option<i64> = q("INSERT INTO dedup_groups (round_id, reason, score_pct, members, found_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (round_id, members) DO NOTHING RETURNING id")
            .bind(round_id)
            .bind(match g.reason {
                Reason::SameCode => "same_code",
                Reason::SamePerson => "same_person",
            })
            .bind((g.score * 100.0).round() as i64)
            .bind(members_key(&g.ids))
            .bind(now)
            .scalar_optional(&mut *tx)
            .await?;
        let Some(id) = id else { continue };
        let sql = format!(
            "INSERT INTO dedup_group_members (group_id, student_id) VALUES {}",
            (0..g.ids.len())
                .map(|i| format!("($1, ${})", i + 2))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut query = Q::assembled(sql).bind(id);
        for sid in &g.ids {
            query = query.bind(*sid);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

/// What finding a list's duplicates on its import left waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ListDedup {
    /// Open groups with a member on the list.
    pub groups: u64,
    /// Members of same-person groups newly flagged `possible_duplicate`.
    pub flagged: u64,
}

/// The birth dates and codes a school's list decides: its own (live records) and those of
/// every member of a stored group one of its records is in (a record whose date or code
/// changed leaves its old group behind).
const LIST_DATES: &str = "SELECT dob FROM students WHERE school_id = $2 AND round_id = $1 AND review <> 'withdrawn'
     UNION
     SELECT o.dob FROM students s JOIN dedup_group_members m ON m.student_id = s.id
       JOIN dedup_group_members om ON om.group_id = m.group_id JOIN students o ON o.id = om.student_id
      WHERE s.school_id = $2 AND s.round_id = $1";
const LIST_CODES: &str = "SELECT student_code FROM students
      WHERE school_id = $2 AND round_id = $1 AND review <> 'withdrawn' AND student_code IS NOT NULL
     UNION
     SELECT o.student_code FROM students s JOIN dedup_group_members m ON m.student_id = s.id
       JOIN dedup_group_members om ON om.group_id = m.group_id JOIN students o ON o.id = om.student_id
      WHERE s.school_id = $2 AND s.round_id = $1 AND o.student_code IS NOT NULL";

/// Runs `sql` (with `$1` the round and the `{}` a list of placeholders from `$2`) for each
/// chunk of `keys`, and gathers the rows.
async fn by_chunks<T: crate::db::DbRow + Send + Unpin>(
    tx: &mut Tx,
    sql: &str,
    round_id: i64,
    keys: &[String],
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(500) {
        let mut query = Q::assembled(sql.replace("{}", &crate::db::placeholders(1, chunk.len())))
            .bind(round_id);
        for k in chunk {
            query = query.bind(k.clone());
        }
        out.extend(query.fetch_all::<T>(&mut *tx).await?);
    }
    Ok(out)
}

/// Finds, inside an import's transaction, the duplicate groups a school's list takes part
/// in, as a province-wide run would find them: the stored groups of the birth dates and
/// codes the list decides are replaced by the ones found now over the whole round, and
/// new same-person members are flagged. A dry run sees the same, and rolls it back with
/// the import.
pub(crate) async fn refresh_for_list(
    tx: &mut Tx,
    round_id: i64,
    school_id: i64,
) -> Result<ListDedup> {
    let different: HashSet<(i64, i64)> =
        q("SELECT student_a, student_b FROM dedup_decisions WHERE decision = 'different'")
            .fetch_all::<(i64, i64)>(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let column = |rows: Vec<(String,)>| rows.into_iter().map(|(v,)| v).collect::<Vec<_>>();
    let dates = column(
        q(LIST_DATES)
            .bind(round_id)
            .bind(school_id)
            .fetch_all(&mut *tx)
            .await?,
    );
    let codes = column(
        q(LIST_CODES)
            .bind(round_id)
            .bind(school_id)
            .fetch_all(&mut *tx)
            .await?,
    );
    let mut records: Vec<Record> = by_chunks::<RecordRow>(
        tx,
        "SELECT id, student_code, school_id, name_key, dob, commune_key, parent_key FROM students
          WHERE +round_id = $1 AND review <> 'withdrawn' AND dob IN ({})",
        round_id,
        &dates,
    )
    .await?
    .into_iter()
    .map(Record::from)
    .collect();
    records.sort_by(|a, b| (&a.dob, a.id).cmp(&(&b.dob, b.id)));
    let pairs: Vec<(String, i64)> = by_chunks(
        tx,
        "SELECT student_code, id FROM students
          WHERE +round_id = $1 AND review <> 'withdrawn' AND student_code IN ({})",
        round_id,
        &codes,
    )
    .await?;
    let mut groups = code_groups(pairs.iter().map(|(c, id)| (c.as_str(), *id)), &different);
    groups.extend(person_groups(&records, &different));

    // The stored groups these dates and codes decide.
    let mut stale: HashSet<i64> = HashSet::new();
    for (reason, column, keys) in [
        ("same_person", "dob", &dates),
        ("same_code", "student_code", &codes),
    ] {
        let sql = format!(
            "SELECT DISTINCT g.id FROM dedup_groups g JOIN dedup_group_members m ON m.group_id = g.id
               JOIN students s ON s.id = m.student_id
              WHERE g.round_id = $1 AND g.reason = '{reason}' AND s.{column} IN ({{}})"
        );
        let ids: Vec<(i64,)> = by_chunks(tx, &sql, round_id, keys).await?;
        stale.extend(ids.into_iter().map(|(id,)| id));
    }
    let stale: Vec<i64> = stale.into_iter().collect();
    for chunk in stale.chunks(500) {
        let list = crate::db::placeholders(0, chunk.len());
        let mut del_members = Q::assembled(format!(
            "DELETE FROM dedup_group_members WHERE group_id IN ({list})"
        ));
        let mut del_groups = Q::assembled(format!("DELETE FROM dedup_groups WHERE id IN ({list})"));
        for id in chunk {
            del_members = del_members.bind(*id);
            del_groups = del_groups.bind(*id);
        }
        del_members.execute(&mut *tx).await?;
        del_groups.execute(&mut *tx).await?;
    }
    let now = now_millis();
    store_groups(tx, round_id, now, &groups).await?;
    let mut flagged = 0;
    for g in groups.iter().filter(|g| g.reason == Reason::SamePerson) {
        for id in &g.ids {
            flagged += q("INSERT INTO student_flags (student_id, kind, detail, created_at)
                          VALUES ($1, 'possible_duplicate', NULL, $2) ON CONFLICT (student_id, kind) DO NOTHING")
                .bind(*id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    let touching: i64 = q(
        "SELECT COUNT(DISTINCT m.group_id) FROM dedup_group_members m
                            JOIN students s ON s.id = m.student_id
                           WHERE s.school_id = $1 AND s.round_id = $2",
    )
    .bind(school_id)
    .bind(round_id)
    .scalar(&mut *tx)
    .await?;
    Ok(ListDedup {
        groups: touching as u64,
        flagged,
    })
}

impl Store {
    /// Open duplicate groups with a member on a school's list in a round.
    pub async fn open_groups_of_list(&self, round_id: i64, school_id: i64) -> Result<u64> {
        let n: i64 = q("SELECT COUNT(DISTINCT g.id) FROM dedup_groups g
                         JOIN dedup_group_members m ON m.group_id = g.id
                         JOIN students s ON s.id = m.student_id
                        WHERE g.round_id = $1 AND s.school_id = $2")
        .bind(round_id)
        .bind(school_id)
        .scalar(self.pool())
        .await?;
        Ok(n as u64)
    }

    /// When the last province-wide search of a round ran, and who ran it.
    pub async fn last_dedup_run(&self, round_id: i64) -> Result<Option<(i64, String)>> {
        Ok(q("SELECT at, actor FROM audit_log WHERE entity = 'dedup' AND entity_id = $1 AND action = 'run'
              ORDER BY seq DESC LIMIT 1")
            .bind(round_id.to_string())
            .fetch_optional(self.pool())
            .await?)
    }
}
