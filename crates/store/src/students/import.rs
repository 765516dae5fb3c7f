//! A school's list written from its file: rows streamed from the reading thread in
//! batches (SQLite through the bulk writer, PostgreSQL in multi-row statements), the
//! list's flags set after, all in one transaction with its audit entry.

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::students::programs::iso;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::students::StudentsError;
use domain::students::{ListStatus, StudentDraft};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

/// What a file import sends the store: rows in batches, then the file's counts. The
/// import commits only after `Done`; a closed channel without it rolls everything back.
#[derive(Debug)]
pub enum ImportMsg {
    Rows(Vec<ImportRow>),
    Done(ImportCounts),
}

/// A row of a file on its way to the store: its spreadsheet row, the draft, and the
/// folded keys stored beside it, computed when the row is made (on the reading thread,
/// not the writing one).
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub row: usize,
    pub draft: StudentDraft,
    keys: Keys,
}

impl ImportRow {
    pub fn new(row: usize, draft: StudentDraft) -> ImportRow {
        let keys = Keys::of(&draft);
        ImportRow { row, draft, keys }
    }

    pub(crate) fn keys(&self) -> &Keys {
        &self.keys
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub header_row: usize,
    pub data_rows: usize,
    pub imported: usize,
    pub rejected: usize,
    pub skipped: usize,
}

/// Where an import goes.
#[derive(Debug, Clone)]
pub struct ImportTarget {
    pub round_id: i64,
    pub school_id: i64,
    pub file_name: String,
    pub sha256: String,
    /// Run everything, then roll back.
    pub dry_run: bool,
    /// Find the duplicate groups the list is in as it is written (what every import
    /// of the web and the CLI does); off only where a province-wide run follows at once
    /// (the benchmark's seeding of millions of rows).
    pub find_duplicates: bool,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Rows inserted or changed.
    pub written: u64,
    /// Of `written`, the rows new to the list (the others changed a stored row).
    pub inserted: u64,
    /// Rows already stored exactly so.
    pub unchanged: u64,
    /// Students of this list whose code another school also listed.
    pub duplicate_codes: u64,
    /// Students of this list who already received a device.
    pub already_served: u64,
    /// The list's tier-(i)/(ii) claims checked against the household registers.
    pub households: crate::households::HouseholdCheck,
    /// The duplicate groups the list is in, found as it was imported.
    pub dedup: crate::dedup::ListDedup,
}

const COLUMNS: &str = "round_id, school_id, student_code, full_name, name_key, dob, gender, ethnicity, class_name, village, \
     commune, commune_key, parent_name, parent_key, tier_id, certificate_no, note, import_id, source_row, created_at, updated_at";
pub(crate) const NCOLS: usize = 21;
/// Rows per statement: 21 × 400 = 8,400 parameters, under both engines' limits. Larger
/// batches were measured and gain nothing: the cost is per row, not per statement.
const BATCH: usize = 400;

const UPDATE: &str = "full_name = excluded.full_name, name_key = excluded.name_key, dob = excluded.dob, gender = excluded.gender, \
     ethnicity = excluded.ethnicity, class_name = excluded.class_name, village = excluded.village, commune = excluded.commune, \
     commune_key = excluded.commune_key, parent_name = excluded.parent_name, parent_key = excluded.parent_key, \
     tier_id = excluded.tier_id, certificate_no = excluded.certificate_no, note = excluded.note, \
     import_id = excluded.import_id, source_row = excluded.source_row, updated_at = excluded.updated_at, \
     review = CASE WHEN students.review = 'returned' THEN 'pending' ELSE students.review END";

const CHANGED: &str = "students.full_name IS DISTINCT FROM excluded.full_name OR students.dob IS DISTINCT FROM excluded.dob \
     OR students.gender IS DISTINCT FROM excluded.gender OR students.ethnicity IS DISTINCT FROM excluded.ethnicity \
     OR students.class_name IS DISTINCT FROM excluded.class_name OR students.village IS DISTINCT FROM excluded.village \
     OR students.commune IS DISTINCT FROM excluded.commune OR students.parent_name IS DISTINCT FROM excluded.parent_name \
     OR students.tier_id IS DISTINCT FROM excluded.tier_id OR students.certificate_no IS DISTINCT FROM excluded.certificate_no \
     OR students.note IS DISTINCT FROM excluded.note OR students.student_code IS DISTINCT FROM excluded.student_code";

/// An insert of `rows` rows; with `upsert`, a row already stored (matched by code when
/// `Some(true)`, by name and birth date when `Some(false)`) is updated if it differs.
pub(crate) fn upsert_sql(rows: usize, upsert: Option<bool>) -> String {
    let mut sql = String::with_capacity(64 + rows * NCOLS * 6);
    sql.push_str("INSERT INTO students (");
    sql.push_str(COLUMNS);
    sql.push_str(") VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        sql.push_str(&crate::db::placeholders(r * NCOLS, NCOLS));
        sql.push(')');
    }
    match upsert {
        None => return sql,
        Some(true) => sql.push_str(" ON CONFLICT (round_id, school_id, student_code) DO UPDATE SET "),
        Some(false) => sql.push_str(
            " ON CONFLICT (round_id, school_id, name_key, dob) WHERE student_code IS NULL DO UPDATE SET ",
        ),
    }
    sql.push_str(UPDATE);
    sql.push_str(" WHERE ");
    sql.push_str(CHANGED);
    sql
}

pub(crate) fn key(s: &str) -> String {
    text::fold(s)
}

/// The folded forms stored beside a student's name, commune and parent's name, for
/// matching and de-duplication.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub name_key: String,
    pub commune_key: Option<String>,
    pub parent_key: Option<String>,
}

impl Keys {
    pub fn of(d: &StudentDraft) -> Keys {
        Keys {
            name_key: key(&d.full_name),
            commune_key: d.commune.as_deref().map(text::place_key),
            parent_key: d.parent_name.as_deref().map(key),
        }
    }
}

/// Binds a draft's columns in the order every statement on `students` lists them:
/// student_code, full_name, name_key, dob, gender, ethnicity, class_name, village,
/// commune, commune_key, parent_name, parent_key, tier_id, certificate_no, note. The
/// draft's text is moved into the statement.
pub(crate) fn bind_draft(query: Q, d: StudentDraft) -> Q {
    let keys = Keys::of(&d);
    bind_draft_keyed(query, d, keys)
}

/// [`bind_draft`] with the keys already folded.
fn bind_draft_keyed(query: Q, d: StudentDraft, keys: Keys) -> Q {
    let Keys {
        name_key,
        commune_key,
        parent_key,
    } = keys;
    query
        .bind(d.code.as_ref().map(|c| c.to_string()))
        .bind(d.full_name)
        .bind(name_key)
        .bind(iso(d.dob))
        .bind(d.gender.map(|g| g.code()))
        .bind(d.ethnicity)
        .bind(d.class_name)
        .bind(d.village)
        .bind(d.commune)
        .bind(commune_key)
        .bind(d.parent_name)
        .bind(parent_key)
        .bind(d.tier_id)
        .bind(d.certificate_no)
        .bind(d.note)
}

/// The statement writing a batch of rows; the rows' text is moved into it.
fn batch_query(
    target: &ImportTarget,
    import_id: i64,
    rows: Vec<ImportRow>,
    coded: bool,
) -> (Q, u64) {
    let now = now_millis();
    let n = rows.len() as u64;
    let mut query = Q::assembled(upsert_sql(rows.len(), Some(coded)));
    for ImportRow { row, draft, keys } in rows {
        query = bind_draft_keyed(
            query.bind(target.round_id).bind(target.school_id),
            draft,
            keys,
        )
        .bind(import_id)
        .bind(row as i64)
        .bind(now)
        .bind(now);
    }
    (query, n)
}

/// Writes the rows as they arrive, in statements of [`BATCH`] rows; the next statement
/// is prepared while the database runs the last. Returns the file's counts once the
/// reader sent them, `None` if it stopped before.
async fn write_batches(
    tx: &mut Tx,
    target: &ImportTarget,
    import_id: i64,
    rx: &mut mpsc::Receiver<ImportMsg>,
    outcome: &mut ImportOutcome,
) -> Result<Option<ImportCounts>> {
    let mut counts = None;
    // One statement runs on the database's thread while the next is prepared here.
    let mut running: Option<(Q, u64)> = None;
    let record = |outcome: &mut ImportOutcome, rows: u64, changed: u64| {
        outcome.written += changed;
        outcome.unchanged += rows - changed;
    };
    while let Some(msg) = rx.recv().await {
        match msg {
            ImportMsg::Rows(rows) => {
                let (coded, plain): (Vec<_>, Vec<_>) =
                    rows.into_iter().partition(|r| r.draft.code.is_some());
                for (part, with_code) in [(coded, true), (plain, false)] {
                    for chunk in distinct_chunks(part) {
                        let prepare = async { batch_query(target, import_id, chunk, with_code) };
                        let next = match running.take() {
                            Some((q, rows)) => {
                                let (done, next) = tokio::join!(q.execute(&mut *tx), prepare);
                                record(outcome, rows, done?);
                                next
                            }
                            None => prepare.await,
                        };
                        running = Some(next);
                    }
                }
            }
            ImportMsg::Done(c) => {
                counts = Some(c);
                break;
            }
        }
    }
    if let Some((q, rows)) = running.take() {
        let done = q.execute(&mut *tx).await?;
        record(outcome, rows, done);
    }
    Ok(counts)
}

/// Splits rows into statements of at most [`BATCH`] rows in which no row repeats the key
/// of another (its code, or its name and birth date): PostgreSQL refuses to update one
/// row twice in a statement, so a repeat starts the next one and, as on SQLite, the later
/// row is written over the earlier.
fn distinct_chunks(rows: Vec<ImportRow>) -> Vec<Vec<ImportRow>> {
    let mut chunks = Vec::new();
    let mut chunk: Vec<ImportRow> = Vec::new();
    let mut keys = std::collections::HashSet::new();
    for r in rows {
        let k = match &r.draft.code {
            Some(c) => (c.to_string(), None),
            None => (r.keys.name_key.clone(), Some(r.draft.dob)),
        };
        if chunk.len() == BATCH || keys.contains(&k) {
            chunks.push(std::mem::take(&mut chunk));
            keys.clear();
        }
        keys.insert(k);
        chunk.push(r);
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// The list of a school in a round, created as a draft the first time it is touched.
pub(crate) async fn list_status(tx: &mut Tx, round_id: i64, school_id: i64) -> Result<ListStatus> {
    q("INSERT INTO nomination_lists (round_id, school_id, status, updated_at) VALUES ($1, $2, 'draft', $3)
       ON CONFLICT (round_id, school_id) DO NOTHING")
        .bind(round_id)
        .bind(school_id)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
    let s: String = q("SELECT status FROM nomination_lists WHERE round_id = $1 AND school_id = $2")
        .bind(round_id)
        .bind(school_id)
        .scalar(&mut *tx)
        .await?;
    ListStatus::parse(&s).ok_or_else(|| StoreError::corrupt("nomination_lists", "status", s))
}

/// Records of a round listed by schools ordered before (after) a school, counted up to a
/// limit: two ranges of the round's index that never read the school's own rows.
const OTHERS_BELOW: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM students
                              WHERE round_id = $1 AND school_id < $2 LIMIT $3) t";
const OTHERS_ABOVE: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM students
                              WHERE round_id = $1 AND school_id > $2 LIMIT $3) t";

/// Flags ($1 time, $2 school, $3 round) driven from the school's rows: for each, another
/// school's record with its code?
const DUP_FROM_MINE: &str = "INSERT INTO student_flags (student_id, kind, detail, created_at)
     SELECT x.id, 'duplicate_code', NULL, $1
       FROM students a
       JOIN students x ON x.student_code = a.student_code AND +x.round_id = a.round_id
                      AND x.review <> 'withdrawn'
      WHERE a.school_id = $2 AND a.round_id = $3 AND a.review <> 'withdrawn' AND a.student_code IS NOT NULL
        AND EXISTS (SELECT 1 FROM students b
                     WHERE b.student_code = a.student_code AND +b.round_id = a.round_id
                       AND b.school_id <> a.school_id AND b.review <> 'withdrawn')
     ON CONFLICT (student_id, kind) DO NOTHING";

/// The same flags driven from the other schools' records (those ordered before the
/// school, then after it): for each, a record of the school with its code?
const DUP_FROM_OTHERS_BELOW: &str = "INSERT INTO student_flags (student_id, kind, detail, created_at)
     SELECT DISTINCT x.id, 'duplicate_code', NULL, $1
       FROM students b CROSS JOIN students a CROSS JOIN students x
      WHERE b.round_id = $3 AND b.school_id < $2 AND b.review <> 'withdrawn' AND b.student_code IS NOT NULL
        AND a.student_code = b.student_code AND +a.round_id = b.round_id AND +a.school_id = $2
        AND a.review <> 'withdrawn'
        AND x.student_code = a.student_code AND +x.round_id = a.round_id AND x.review <> 'withdrawn'
     ON CONFLICT (student_id, kind) DO NOTHING";
const DUP_FROM_OTHERS_ABOVE: &str = "INSERT INTO student_flags (student_id, kind, detail, created_at)
     SELECT DISTINCT x.id, 'duplicate_code', NULL, $1
       FROM students b CROSS JOIN students a CROSS JOIN students x
      WHERE b.round_id = $3 AND b.school_id > $2 AND b.review <> 'withdrawn' AND b.student_code IS NOT NULL
        AND a.student_code = b.student_code AND +a.round_id = b.round_id AND +a.school_id = $2
        AND a.review <> 'withdrawn'
        AND x.student_code = a.student_code AND +x.round_id = a.round_id AND x.review <> 'withdrawn'
     ON CONFLICT (student_id, kind) DO NOTHING";

/// Flags, for this school's list, codes another school also listed and students who
/// already received a device. Returns (duplicates, served).
pub(crate) async fn flag_list(tx: &mut Tx, round_id: i64, school_id: i64) -> Result<(u64, u64)> {
    let now = now_millis();
    // Every record of the round sharing a code with this school's list and listed by
    // another school, read from the smaller side: the school's own rows, or the other
    // schools' (a first large list in an empty round reads nothing). `+` keeps the
    // planner on the code index where the other index would read the whole round.
    let mine: i64 = q("SELECT COUNT(*) FROM students WHERE round_id = $1 AND school_id = $2")
        .bind(round_id)
        .bind(school_id)
        .scalar(&mut *tx)
        .await?;
    let mut others = 0i64;
    for sql in [OTHERS_BELOW, OTHERS_ABOVE] {
        others += q(sql)
            .bind(round_id)
            .bind(school_id)
            .bind(mine + 1 - others)
            .scalar::<i64>(&mut *tx)
            .await?;
    }
    let from_others: &[&'static str] = &[DUP_FROM_OTHERS_BELOW, DUP_FROM_OTHERS_ABOVE];
    let from_mine: &[&'static str] = &[DUP_FROM_MINE];
    for sql in if others < mine {
        from_others
    } else {
        from_mine
    } {
        q(sql)
            .bind(now)
            .bind(school_id)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
    }
    // Students of the list whose code a served student has, read from the served ones
    // (a partial index holds only them).
    q(
        "INSERT INTO student_flags (student_id, kind, detail, created_at)
       SELECT DISTINCT s.id, 'already_served', NULL, $1
         FROM students o CROSS JOIN students s
        WHERE o.served = TRUE AND s.student_code = o.student_code
          AND +s.school_id = $2 AND +s.round_id = $3 AND s.served = FALSE
       ON CONFLICT (student_id, kind) DO NOTHING",
    )
    .bind(now)
    .bind(school_id)
    .bind(round_id)
    .execute(&mut *tx)
    .await?;
    let count = |kind: &'static str| {
        q(
            "SELECT COUNT(*) FROM student_flags f JOIN students s ON s.id = f.student_id
            WHERE s.school_id = $1 AND s.round_id = $2 AND f.kind = $3 AND f.resolved_at IS NULL",
        )
        .bind(school_id)
        .bind(round_id)
        .bind(kind)
    };
    let d: i64 = count("duplicate_code").scalar(&mut *tx).await?;
    let s: i64 = count("already_served").scalar(&mut *tx).await?;
    Ok((d as u64, s as u64))
}

/// How many rows the list has, withdrawn ones included.
async fn list_size(tx: &mut Tx, target: &ImportTarget) -> Result<i64> {
    Ok(
        q("SELECT COUNT(*) FROM students WHERE round_id = $1 AND school_id = $2")
            .bind(target.round_id)
            .bind(target.school_id)
            .scalar(&mut *tx)
            .await?,
    )
}

impl Store {
    /// Writes a school's list as it arrives in batches, in one transaction with one audit
    /// entry for the file (its name and SHA-256, no personal data). Rows are matched by
    /// student code within the school and round (or by name and birth date when there is
    /// no code), so importing a file again changes nothing. The list must be editable.
    #[tracing::instrument(skip_all, fields(round = target.round_id, school = target.school_id, dry_run = target.dry_run))]
    pub async fn import_students(
        &self,
        actor: &AuditActor,
        target: ImportTarget,
        mut rx: mpsc::Receiver<ImportMsg>,
    ) -> Result<ImportOutcome> {
        let mut tx = self.pool().begin_bulk().await?;
        let outcome = self.import_in(&mut tx, actor, &target, &mut rx).await;
        let reset = tx.end_bulk().await;
        // The import's own error first: a failed reset of a failed import says less.
        let outcome = outcome?;
        reset?;
        if !target.dry_run {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    async fn import_in(
        &self,
        tx: &mut Tx,
        actor: &AuditActor,
        target: &ImportTarget,
        rx: &mut mpsc::Receiver<ImportMsg>,
    ) -> Result<ImportOutcome> {
        let status = list_status(&mut *tx, target.round_id, target.school_id).await?;
        if !status.editable() {
            return Err(DomainError::Students(StudentsError::ListLocked { status }).into());
        }
        let now = now_millis();
        let import_id: i64 = q("INSERT INTO student_imports (round_id, school_id, file_name, sha256, header_row, data_rows,
                                    imported, rejected, skipped, actor, created_at)
                                VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, $5, $6) RETURNING id")
            .bind(target.round_id)
            .bind(target.school_id)
            .bind(target.file_name.clone())
            .bind(target.sha256.clone())
            .bind(actor.name.clone())
            .bind(now)
            .scalar(&mut *tx)
            .await?;
        let mut outcome = ImportOutcome::default();
        let before = list_size(tx, target).await?;
        let counts = match tx {
            Tx::Sqlite(conn) => {
                super::bulk::write_students(conn, target, import_id, rx, &mut outcome).await?
            }
            Tx::Postgres(_) => write_batches(tx, target, import_id, rx, &mut outcome).await?,
        };
        let Some(c) = counts else {
            return Err(StoreError::Incomplete);
        };
        tx.refresh_statistics(crate::db::Table::Students, c.imported as u64)
            .await?;
        // Rows are only ever added or updated by an import, never removed.
        outcome.inserted = (list_size(tx, target).await? - before).max(0) as u64;
        q("UPDATE student_imports SET header_row = $1, data_rows = $2, imported = $3, rejected = $4, skipped = $5 WHERE id = $6")
            .bind(c.header_row as i64)
            .bind(c.data_rows as i64)
            .bind(c.imported as i64)
            .bind(c.rejected as i64)
            .bind(c.skipped as i64)
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        let (d, s) = flag_list(&mut *tx, target.round_id, target.school_id).await?;
        outcome.households =
            crate::households::check_in_tx(&mut *tx, target.round_id, Some(target.school_id))
                .await?;
        outcome.duplicate_codes = d;
        outcome.already_served = s;
        if target.find_duplicates {
            outcome.dedup =
                crate::dedup::refresh_for_list(&mut *tx, target.round_id, target.school_id).await?;
        }
        let school_code: String = q("SELECT code FROM units WHERE id = $1")
            .bind(target.school_id)
            .scalar(&mut *tx)
            .await?;
        audit::append(
            tx,
            actor,
            AuditEvent {
                entity: Entity::StudentImport,
                entity_id: Some(import_id.to_string()),
                action: "import",
                summary: format!(
                    "Nhập danh sách học sinh \"{}\" cho trường {}: {} dòng hợp lệ, {} bị từ chối, {} ghi mới/cập nhật",
                    target.file_name, school_code, c.imported, c.rejected, outcome.written
                ),
                unit_id: Some(target.school_id),
                changes: Some(json!({
                    "file": target.file_name, "sha256": target.sha256, "round_id": target.round_id, "school": school_code,
                    "counts": c, "written": outcome.written, "inserted": outcome.inserted, "unchanged": outcome.unchanged,
                    "duplicate_codes": outcome.duplicate_codes, "already_served": outcome.already_served,
                    "dedup_groups": outcome.dedup.groups,
                })),
                personal: None,
            },
        )
        .await?;
        Ok(outcome)
    }
}
