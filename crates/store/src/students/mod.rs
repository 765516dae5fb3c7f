//! Storage of students on schools' lists (nominations): the streamed import, listings
//! bounded by scope, flags for review, and the approval chain of each school's list.

mod bulk;
pub mod edit;
pub mod lists;
pub mod programs;

use crate::db::{Q, Tx, q};
use crate::error::{Result, StoreError};
use crate::students::programs::iso;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::students::StudentsError;
use domain::students::{Gender, ListStatus, StudentDraft};
use domain::units::UnitPath;
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
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Rows inserted or changed.
    pub written: u64,
    /// Rows already stored exactly so.
    pub unchanged: u64,
    /// Students of this list whose code another school also listed.
    pub duplicate_codes: u64,
    /// Students of this list who already received a device.
    pub already_served: u64,
    /// The list's tier-(i)/(ii) claims checked against the household registers.
    pub households: crate::households::HouseholdCheck,
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
            return Err(DomainError::Students(StudentsError::ListLocked {
                status: status.label(domain::Lang::Vi).to_string(),
            })
            .into());
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
        let counts = match tx {
            Tx::Sqlite(conn) => {
                bulk::write_students(conn, target, import_id, rx, &mut outcome).await?
            }
            Tx::Postgres(_) => write_batches(tx, target, import_id, rx, &mut outcome).await?,
        };
        let Some(c) = counts else {
            return Err(StoreError::Incomplete);
        };
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
                    "counts": c, "written": outcome.written, "unchanged": outcome.unchanged,
                    "duplicate_codes": outcome.duplicate_codes, "already_served": outcome.already_served,
                })),
                personal: None,
            },
        )
        .await?;
        Ok(outcome)
    }
}

/// A stored student, for lists and exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Student {
    pub id: i64,
    pub round_id: i64,
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub student_code: Option<String>,
    pub full_name: String,
    /// `yyyy-mm-dd`.
    pub dob: String,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub class_name: Option<String>,
    pub village: Option<String>,
    pub commune: Option<String>,
    pub parent_name: Option<String>,
    pub tier_id: i64,
    pub tier_code: String,
    pub tier_rank: i64,
    pub certificate_no: Option<String>,
    pub note: Option<String>,
    pub review: String,
    pub return_reason: Option<String>,
    pub served: bool,
    pub source_row: Option<i64>,
    pub flags: Vec<String>,
    pub updated_at: Millis,
}

#[derive(sqlx::FromRow)]
struct StudentRow {
    id: i64,
    round_id: i64,
    school_id: i64,
    school_code: String,
    school_name: String,
    student_code: Option<String>,
    full_name: String,
    dob: String,
    gender: Option<String>,
    ethnicity: Option<String>,
    class_name: Option<String>,
    village: Option<String>,
    commune: Option<String>,
    parent_name: Option<String>,
    tier_id: i64,
    tier_code: String,
    tier_rank: i64,
    certificate_no: Option<String>,
    note: Option<String>,
    review: String,
    return_reason: Option<String>,
    served: bool,
    source_row: Option<i64>,
    updated_at: i64,
}

impl From<StudentRow> for Student {
    fn from(r: StudentRow) -> Student {
        Student {
            id: r.id,
            round_id: r.round_id,
            school_id: r.school_id,
            school_code: r.school_code,
            school_name: r.school_name,
            student_code: r.student_code,
            full_name: r.full_name,
            dob: r.dob,
            gender: r.gender.as_deref().and_then(Gender::parse),
            ethnicity: r.ethnicity,
            class_name: r.class_name,
            village: r.village,
            commune: r.commune,
            parent_name: r.parent_name,
            tier_id: r.tier_id,
            tier_code: r.tier_code,
            tier_rank: r.tier_rank,
            certificate_no: r.certificate_no,
            note: r.note,
            review: r.review,
            return_reason: r.return_reason,
            served: r.served,
            source_row: r.source_row,
            flags: Vec::new(),
            updated_at: r.updated_at,
        }
    }
}

macro_rules! student_select {
    () => {
        "SELECT s.id, s.round_id, s.school_id, u.code AS school_code, u.name AS school_name, s.student_code, s.full_name,
                s.dob, s.gender, s.ethnicity, s.class_name, s.village, s.commune, s.parent_name, s.tier_id,
                t.code AS tier_code, t.rank AS tier_rank, s.certificate_no, s.note, s.review, s.return_reason, s.served,
                s.source_row, s.updated_at
           FROM students s JOIN units u ON u.id = s.school_id JOIN tiers t ON t.id = s.tier_id "
    };
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct StudentFilter {
    pub round_id: Option<i64>,
    pub school_id: Option<i64>,
    pub tier_id: Option<i64>,
    pub review: Option<String>,
    /// Only students with an open flag of this kind.
    pub flag: Option<String>,
    /// Folded text the name or code must contain.
    pub search: Option<String>,
}

impl Store {
    /// Fills in the open flags of each student.
    async fn attach_flags(&self, students: &mut [Student]) -> Result<()> {
        if students.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT student_id, kind FROM student_flags WHERE resolved_at IS NULL AND student_id IN ({}) ORDER BY kind",
            crate::db::placeholders(0, students.len())
        );
        let mut query = Q::assembled(sql);
        for s in students.iter() {
            query = query.bind(s.id);
        }
        let flags: Vec<(i64, String)> = query.fetch_all(self.pool()).await?;
        for (id, kind) in flags {
            if let Some(s) = students.iter_mut().find(|s| s.id == id) {
                s.flags.push(kind);
            }
        }
        Ok(())
    }

    /// Students of schools inside `within`, a page at a time (ordered by school, then
    /// the row of the file).
    pub async fn list_students(
        &self,
        within: &UnitPath,
        filter: &StudentFilter,
        page: i64,
        per_page: i64,
    ) -> Result<crate::db::Page<Student>> {
        let (lo, hi) = within.subtree_range();
        let per_page = per_page.clamp(1, 1000);
        let page = page.max(1);
        let pattern = filter
            .search
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", crate::db::like_escape(s)));
        macro_rules! filtered {
            () => {
                "WHERE u.path >= $1 AND u.path < $2
                   AND ($3 IS NULL OR s.round_id = $3) AND ($4 IS NULL OR s.school_id = $4)
                   AND ($5 IS NULL OR s.tier_id = $5) AND ($6 IS NULL OR s.review = $6)
                   AND ($7 IS NULL OR EXISTS (SELECT 1 FROM student_flags f WHERE f.student_id = s.id AND f.kind = $7 AND f.resolved_at IS NULL))
                   AND ($8 IS NULL OR s.name_key LIKE $8 ESCAPE '\\' OR s.student_code LIKE $8 ESCAPE '\\') "
            };
        }
        let bind = |query: Q| {
            query
                .bind(lo.clone())
                .bind(hi.clone())
                .bind(filter.round_id)
                .bind(filter.school_id)
                .bind(filter.tier_id)
                .bind(filter.review.clone())
                .bind(filter.flag.clone())
                .bind(pattern.clone())
        };
        let total: i64 = bind(q(concat!(
            "SELECT COUNT(*) FROM students s JOIN units u ON u.id = s.school_id ",
            filtered!()
        )))
        .scalar(self.pool())
        .await?;
        let mut items: Vec<Student> = bind(q(concat!(
            student_select!(),
            filtered!(),
            "ORDER BY u.code, s.source_row, s.id LIMIT $9 OFFSET $10"
        )))
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all::<StudentRow>(self.pool())
        .await?
        .into_iter()
        .map(Student::from)
        .collect();
        self.attach_flags(&mut items).await?;
        Ok(crate::db::Page {
            items,
            total,
            page,
            per_page,
        })
    }

    pub async fn student(&self, id: i64) -> Result<Option<(Student, UnitPath)>> {
        #[derive(sqlx::FromRow)]
        struct WithPath {
            #[sqlx(flatten)]
            row: StudentRow,
            path: String,
        }
        let r: Option<WithPath> = q(concat!(
            "SELECT x.*, p.path FROM (",
            student_select!(),
            "WHERE s.id = $1) x JOIN units p ON p.id = x.school_id"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(w) = r else { return Ok(None) };
        let path = UnitPath::parse(&w.path)
            .ok_or_else(|| StoreError::corrupt("units", "path", &w.path))?;
        let mut one = [Student::from(w.row)];
        self.attach_flags(&mut one).await?;
        let [student] = one;
        Ok(Some((student, path)))
    }

    /// Every student of a subtree, in pages of `page` (flat memory), for exports and the
    /// command line. `f` is called once per page.
    pub async fn each_student(
        &self,
        within: &UnitPath,
        round_id: Option<i64>,
        school_id: Option<i64>,
        mut f: impl FnMut(Vec<Student>) -> Result<()>,
    ) -> Result<u64> {
        let (lo, hi) = within.subtree_range();
        let mut after = 0i64;
        let mut n = 0u64;
        loop {
            let rows: Vec<StudentRow> = q(concat!(
                student_select!(),
                "WHERE u.path >= $1 AND u.path < $2 AND ($3 IS NULL OR s.round_id = $3) AND ($4 IS NULL OR s.school_id = $4)
                   AND s.id > $5 ORDER BY s.id LIMIT 2000"
            ))
            .bind(lo.clone())
            .bind(hi.clone())
            .bind(round_id)
            .bind(school_id)
            .bind(after)
            .fetch_all(self.pool())
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            n += rows.len() as u64;
            let mut page: Vec<Student> = rows.into_iter().map(Student::from).collect();
            self.attach_flags(&mut page).await?;
            f(page)?;
        }
        Ok(n)
    }

    /// Students by tier for each school of a subtree in a round.
    pub async fn student_counts(
        &self,
        within: &UnitPath,
        round_id: i64,
    ) -> Result<Vec<SchoolCounts>> {
        let (lo, hi) = within.subtree_range();
        let rows: Vec<(i64, String, String, Option<String>, i64, i64)> =
            q("SELECT u.id, u.code, u.name, l.status, t.rank, COUNT(s.id)
               FROM students s JOIN units u ON u.id = s.school_id JOIN tiers t ON t.id = s.tier_id
               LEFT JOIN nomination_lists l ON l.round_id = s.round_id AND l.school_id = s.school_id
              WHERE u.path >= $1 AND u.path < $2 AND s.round_id = $3
              GROUP BY u.id, u.code, u.name, l.status, t.rank ORDER BY u.code, t.rank")
            .bind(lo)
            .bind(hi)
            .bind(round_id)
            .fetch_all(self.pool())
            .await?;
        let mut out: Vec<SchoolCounts> = Vec::new();
        for (id, code, name, status, rank, n) in rows {
            if out.last().is_none_or(|c| c.school_id != id) {
                out.push(SchoolCounts {
                    school_id: id,
                    school_code: code,
                    school_name: name,
                    status: status
                        .as_deref()
                        .and_then(ListStatus::parse)
                        .unwrap_or(ListStatus::Draft),
                    by_rank: Vec::new(),
                });
            }
            if let Some(last) = out.last_mut() {
                last.by_rank.push((rank, n));
            }
        }
        Ok(out)
    }
}

/// A school's count of students per tier rank, with its list's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolCounts {
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub status: ListStatus,
    pub by_rank: Vec<(i64, i64)>,
}

impl SchoolCounts {
    pub fn total(&self) -> i64 {
        self.by_rank.iter().map(|(_, n)| n).sum()
    }
    pub fn of_rank(&self, rank: i64) -> i64 {
        self.by_rank
            .iter()
            .find(|(r, _)| *r == rank)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

/// A file uploaded in the web and waiting for its confirmation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingUpload {
    pub id: String,
    pub kind: String,
    pub user_id: i64,
    pub target: String,
    pub file_name: String,
    pub sha256: String,
    pub data: Vec<u8>,
    pub created_at: i64,
}

/// Uploads older than this are forgotten.
const UPLOAD_TTL_MS: i64 = 24 * 3600 * 1000;

impl Store {
    /// Keeps an uploaded file until the user confirms it (any server can take the
    /// confirmation). Returns its id.
    pub async fn put_upload(
        &self,
        kind: &str,
        user_id: i64,
        target: &str,
        file_name: &str,
        data: &[u8],
    ) -> Result<String> {
        let id = crate::passwords::random_token(16);
        let now = now_millis();
        q("DELETE FROM pending_uploads WHERE created_at < $1")
            .bind(now - UPLOAD_TTL_MS)
            .execute(self.pool())
            .await?;
        q("INSERT INTO pending_uploads (id, kind, user_id, target, file_name, sha256, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id.clone())
            .bind(kind)
            .bind(user_id)
            .bind(target)
            .bind(file_name)
            .bind(domain::digest::sha256_hex(data))
            .bind(data.to_vec())
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(id)
    }

    /// The user's pending upload for `target`, if it is still there.
    pub async fn upload(
        &self,
        id: &str,
        user_id: i64,
        kind: &str,
        target: &str,
    ) -> Result<Option<PendingUpload>> {
        Ok(q("SELECT id, kind, user_id, target, file_name, sha256, data, created_at FROM pending_uploads
               WHERE id = $1 AND user_id = $2 AND kind = $3 AND target = $4 AND created_at >= $5")
            .bind(id)
            .bind(user_id)
            .bind(kind)
            .bind(target)
            .bind(now_millis() - UPLOAD_TTL_MS)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn drop_upload(&self, id: &str) -> Result<()> {
        q("DELETE FROM pending_uploads WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
