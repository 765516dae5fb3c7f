//! The SQLite writer of a school's list: the rows go to SQLite directly, through
//! rusqlite on the import's own transaction, instead of through sqlx (ADR 0013).
//!
//! Through sqlx every value of a batch statement is copied into an argument list, handed
//! to the connection's worker thread and bound there, and the batch upserts made SQLite
//! journal every page they touched in a temporary file; for a large list that doubled
//! SQLite's own work (docs/PERFORMANCE.md). Here values are bound straight from the draft,
//! rows go in by `INSERT OR IGNORE` of 100 rows, and only rows already stored take the
//! upsert.
//!
//! The connection is borrowed from sqlx with its lock held
//! ([`LockedSqliteHandle`](sqlx::sqlite::LockedSqliteHandle)),
//! so no other code touches it meanwhile; the rows are written by the task that holds
//! the lock, synchronously (a chunk at a time, never across an `await`), so that
//! cancelling the import can never leave SQLite in use after the lock is released.

use super::import::{Keys, NCOLS, upsert_sql};
use crate::error::Result;
use crate::students::programs::iso;
use crate::students::{ImportCounts, ImportMsg, ImportOutcome, ImportRow, ImportTarget};
use domain::dates::now_millis;
use domain::students::StudentDraft;
use rusqlite::Connection;
use sqlx::SqliteConnection;
use tokio::sync::mpsc;

/// The values every row of one import shares.
#[derive(Clone, Copy)]
struct Fixed {
    round_id: i64,
    school_id: i64,
    import_id: i64,
}

/// Writes the rows as they arrive and returns the file's counts once the reader sent
/// them (`None` if it stopped before). Each row is matched by student code within the
/// school and round, or by name and birth date when it has no code, exactly as the
/// batch statements of PostgreSQL do (`students::upsert_sql`).
pub(crate) async fn write_students(
    conn: &mut SqliteConnection,
    target: &ImportTarget,
    import_id: i64,
    rx: &mut mpsc::Receiver<ImportMsg>,
    outcome: &mut ImportOutcome,
) -> Result<Option<ImportCounts>> {
    let fixed = Fixed {
        round_id: target.round_id,
        school_id: target.school_id,
        import_id,
    };
    let sql = Sql::new();
    let mut locked = conn.lock_handle().await?;
    let handle = locked.as_raw_handle();
    // SAFETY: the handle is a live connection, locked out of sqlx's worker by `locked`
    // until `locked` is dropped; `locked` is declared first, so it is dropped after `db`,
    // also when this future is cancelled. `db` is used by one thread at a time (it is
    // `Send`, not `Sync`). `from_handle` does not take ownership: dropping `db` finalizes
    // our statements, never the connection.
    let db = unsafe { Connection::from_handle(handle.as_ptr()) }?;
    while let Some(msg) = rx.recv().await {
        match msg {
            ImportMsg::Rows(rows) => {
                let (rows, changed) = in_place(|| write_chunk(&db, &sql, fixed, rows))?;
                outcome.written += changed;
                outcome.unchanged += rows - changed;
            }
            ImportMsg::Done(c) => return Ok(Some(c)),
        }
    }
    Ok(None)
}

/// Runs blocking work on this task's thread, telling a multi-threaded runtime to move
/// its other tasks elsewhere meanwhile.
fn in_place<T>(f: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Rows per insert statement: enough to spread a statement's fixed cost (its cursors on
/// the table, five indexes and four parents), few enough for a short statement.
const ROWS: usize = 100;

/// The statements of a chunk: inserts that skip a row already stored, of [`ROWS`] rows
/// and of one, and the two upserts of a row already stored (by code, or by name and
/// birth date).
struct Sql {
    many: String,
    one: String,
    coded: String,
    plain: String,
}

impl Sql {
    fn new() -> Sql {
        let ignore = |sql: String| sql.replacen("INSERT INTO", "INSERT OR IGNORE INTO", 1);
        Sql {
            many: positional(&ignore(upsert_sql(ROWS, None))),
            one: positional(&ignore(upsert_sql(1, None))),
            coded: positional(&upsert_sql(1, Some(true))),
            plain: positional(&upsert_sql(1, Some(false))),
        }
    }
}

/// `$1, $2, …` (each once, in order) as SQLite's anonymous `?`: SQLite looks a named
/// parameter up among those already seen, so preparing a statement of 2,100 of them
/// compares their names 2 million times.
fn positional(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes one message's rows; returns (rows, rows inserted or changed).
///
/// Rows go in by `INSERT OR IGNORE` of [`ROWS`] rows at a time, which spreads a
/// statement's fixed cost over many rows. Such a statement keeps a statement journal (a
/// copy of each page it is about to change, to undo itself if a foreign key fails), which
/// [`crate::db::Pool::begin_bulk`] keeps in memory. A statement that inserted fewer rows
/// than it carried met rows already stored: each of its rows then goes through the
/// upsert, which changes a stored row only where it differs (and finds the rows just
/// inserted equal), so the outcome is that of upserting every row in order.
fn write_chunk(
    db: &Connection,
    sql: &Sql,
    fixed: Fixed,
    rows: Vec<ImportRow>,
) -> Result<(u64, u64)> {
    // Prepared once per import, kept by `db` between chunks.
    let mut many = db.prepare_cached(&sql.many)?;
    let mut one = db.prepare_cached(&sql.one)?;
    let mut coded = db.prepare_cached(&sql.coded)?;
    let mut plain = db.prepare_cached(&sql.plain)?;
    let now = now_millis();
    let total = rows.len() as u64;
    let mut changed = 0u64;
    fn values(fixed: Fixed, now: i64, r: &ImportRow) -> Values<'_> {
        Values {
            fixed,
            row: r.row,
            now,
            draft: &r.draft,
            keys: r.keys(),
        }
    }
    for batch in rows.chunks(ROWS) {
        let st = if batch.len() == ROWS {
            &mut many
        } else {
            &mut one
        };
        let mut inserted = 0;
        if batch.len() == ROWS {
            for (i, r) in batch.iter().enumerate() {
                values(fixed, now, r).bind(st, i * NCOLS)?;
            }
            inserted += st.raw_execute()?;
        } else {
            for r in batch {
                values(fixed, now, r).bind(st, 0)?;
                inserted += st.raw_execute()?;
            }
        }
        changed += inserted as u64;
        if inserted < batch.len() {
            for r in batch {
                let upsert = if r.draft.code.is_some() {
                    &mut coded
                } else {
                    &mut plain
                };
                values(fixed, now, r).bind(upsert, 0)?;
                changed += upsert.raw_execute()? as u64;
            }
        }
    }
    Ok((total, changed))
}

/// One row's values, bound in the order of `students::COLUMNS` after `offset` others.
struct Values<'a> {
    fixed: Fixed,
    row: usize,
    now: i64,
    draft: &'a StudentDraft,
    keys: &'a Keys,
}

impl Values<'_> {
    fn bind(&self, st: &mut rusqlite::Statement<'_>, offset: usize) -> rusqlite::Result<()> {
        let (d, k) = (self.draft, self.keys);
        let at = |i: usize| offset + i;
        st.raw_bind_parameter(at(1), self.fixed.round_id)?;
        st.raw_bind_parameter(at(2), self.fixed.school_id)?;
        st.raw_bind_parameter(at(3), d.code.as_ref().map(|c| c.as_str()))?;
        st.raw_bind_parameter(at(4), &d.full_name)?;
        st.raw_bind_parameter(at(5), &k.name_key)?;
        st.raw_bind_parameter(at(6), iso(d.dob))?;
        st.raw_bind_parameter(at(7), d.gender.map(|g| g.code()))?;
        st.raw_bind_parameter(at(8), &d.ethnicity)?;
        st.raw_bind_parameter(at(9), &d.class_name)?;
        st.raw_bind_parameter(at(10), &d.village)?;
        st.raw_bind_parameter(at(11), &d.commune)?;
        st.raw_bind_parameter(at(12), &k.commune_key)?;
        st.raw_bind_parameter(at(13), &d.parent_name)?;
        st.raw_bind_parameter(at(14), &k.parent_key)?;
        st.raw_bind_parameter(at(15), d.tier_id)?;
        st.raw_bind_parameter(at(16), &d.certificate_no)?;
        st.raw_bind_parameter(at(17), &d.note)?;
        st.raw_bind_parameter(at(18), self.fixed.import_id)?;
        st.raw_bind_parameter(at(19), self.row as i64)?;
        st.raw_bind_parameter(at(20), self.now)?;
        st.raw_bind_parameter(at(21), self.now)?;
        Ok(())
    }
}
