//! Importing a school's list from a file: the sheet is read and checked on a blocking
//! thread while the store writes the accepted rows as they come, through a bounded
//! channel, so a million-row file never sits in memory. Shared by the command line and
//! the web upload.

use domain::Lang;
use serde::Serialize;
use sheets::reader::Limits;
use sheets::students::{Checked, check_student_list};
use std::io::{Read, Seek};
use std::ops::ControlFlow;
use store::students::{ImportCounts, ImportMsg, ImportOutcome, ImportRow, ImportTarget};
use store::units::Unit;
use store::{AuditActor, Store};
use tokio::sync::mpsc;

use crate::imports::{ImportError, MAX_LISTED_ERRORS, ReportError};

const ROWS_PER_MESSAGE: usize = 2_000;

/// The report of an import, with exactly the keys the command line's `--json` prints.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StudentReport {
    pub header_row: usize,
    pub data_rows: usize,
    pub imported: usize,
    pub rejected: usize,
    pub skipped: usize,
    /// The encoding a CSV was read in (`utf-8`, `utf-8-bom`, `utf-16-le`, `utf-16-be`,
    /// `windows-1258`, `windows-1252`); absent for spreadsheets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub encoding: Option<sheets::encoding::TextEncoding>,
    pub errors: Vec<ReportError>,
    /// The first rows as they will be stored (names after TCVN3/VNI decoding), for the
    /// office to see that they read right. Not in the JSON report (personal data; the
    /// command line's report keeps its fields).
    #[serde(skip)]
    #[schema(ignore)]
    pub sample: Vec<(usize, domain::students::StudentDraft)>,
    /// Accepted rows by tier rank.
    #[serde(skip)]
    #[schema(ignore)]
    pub by_rank: std::collections::BTreeMap<i32, usize>,
}

/// Rows of a file shown as a sample in the preview.
pub const SAMPLE_ROWS: usize = 8;

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub school: &'a Unit,
    /// `None`: the open round.
    pub round_id: Option<i64>,
    pub file_name: &'a str,
    pub sha256: String,
    /// Check and count everything, write nothing.
    pub dry_run: bool,
    /// Read and check the whole file before the store writes (and, on SQLite, takes the
    /// write lock that every other writer waits for): uploads, whose size the request
    /// limit bounds. The command line streams a file of any size instead, holding only
    /// a few batches.
    pub read_first: bool,
    /// Language of the row messages.
    pub lang: Lang,
}

/// Reads `input` (a school's list), checks it against the round's tiers and writes the
/// accepted rows to the school's list; with `dry_run`, writes nothing. Rejected rows are
/// reported, never stored.
pub async fn import_students<R: Read + Seek + Send + 'static>(
    store: &Store,
    actor: &AuditActor,
    req: &ImportRequest<'_>,
    input: R,
) -> Result<(StudentReport, ImportOutcome), ImportError> {
    let (school, round_id, file_name, dry_run, lang) = (
        req.school,
        req.round_id,
        req.file_name,
        req.dry_run,
        req.lang,
    );
    let sha256 = req.sha256.clone();
    if school.kind != domain::units::UnitKind::School {
        return Err(ImportError::NotASchool(school.code.to_string()));
    }
    let round = store.round_or_current(round_id).await?;
    let tiers = store.tiers(round.program_id).await?;
    let read_first = req.read_first;
    let (tx, rx) = mpsc::channel::<ImportMsg>(4);
    let target = ImportTarget {
        round_id: round.id,
        school_id: school.id,
        file_name: file_name.to_string(),
        sha256,
        dry_run,
        find_duplicates: true,
    };
    let parse = tokio::task::spawn_blocking(move || {
        // Streamed, each batch goes to the store as it is made; read first, they wait
        // here until the whole file is checked.
        let mut held: Vec<ImportMsg> = Vec::new();
        let mut send = |m: ImportMsg| -> bool {
            if read_first {
                held.push(m);
                true
            } else {
                tx.blocking_send(m).is_ok()
            }
        };
        let mut batch = Vec::with_capacity(ROWS_PER_MESSAGE);
        let mut errors: Vec<ReportError> = Vec::new();
        let mut sample = Vec::new();
        let mut by_rank = std::collections::BTreeMap::new();
        let mut stopped = false;
        let result = check_student_list(input, &Limits::default(), &round, &tiers, |c| {
            match c {
                Checked::Accepted { row, draft, .. } => {
                    *by_rank.entry(draft.tier_rank).or_insert(0) += 1;
                    if sample.len() < SAMPLE_ROWS {
                        sample.push((row, draft.clone()));
                    }
                    batch.push(ImportRow::new(row, draft));
                    if batch.len() >= ROWS_PER_MESSAGE
                        && !send(ImportMsg::Rows(std::mem::take(&mut batch)))
                    {
                        // The store gave up (a locked list, say): stop reading.
                        stopped = true;
                        return ControlFlow::Break(());
                    }
                }
                Checked::Rejected { errors: e, .. } => {
                    for e in e {
                        if errors.len() < MAX_LISTED_ERRORS {
                            errors.push(ReportError {
                                row: e.row,
                                column: e.column.clone(),
                                code: e.code.to_string(),
                                message: lang.pick(&e.message_vi, &e.message_en).to_string(),
                            });
                        }
                    }
                }
            }
            ControlFlow::Continue(())
        });
        if let Ok(summary) = &result
            && !stopped
        {
            let counts = ImportCounts {
                header_row: summary.header_row,
                data_rows: summary.data_rows,
                imported: summary.accepted,
                rejected: summary.rejected,
                skipped: summary.skipped,
            };
            send(ImportMsg::Rows(batch));
            send(ImportMsg::Done(counts));
        }
        // `tx` is dropped here: a store still waiting learns the file has ended.
        (result, (errors, sample, by_rank), held)
    });
    let (read, errors, outcome) = if read_first {
        drop(rx);
        let (read, errors, held) = parse.await.map_err(ImportError::Reader)?;
        // A file refused as a whole is never sent, so the store is never asked.
        if read.is_err() {
            (read, errors, None)
        } else {
            let (full, rx) = mpsc::channel::<ImportMsg>(held.len().max(1));
            for m in held {
                let _ = full.try_send(m);
            }
            drop(full);
            let stored = store.import_students(actor, target, rx).await;
            (read, errors, Some(stored))
        }
    } else {
        let stored = store.import_students(actor, target, rx).await;
        let (read, errors, _) = parse.await.map_err(ImportError::Reader)?;
        (read, errors, Some(stored))
    };
    let summary = read.map_err(ImportError::File)?;
    let outcome = outcome.expect("a file read whole was stored")?;
    let (errors, sample, by_rank) = errors;
    let report = StudentReport {
        header_row: summary.header_row,
        data_rows: summary.data_rows,
        imported: summary.accepted,
        rejected: summary.rejected,
        skipped: summary.skipped,
        encoding: summary.encoding,
        errors,
        sample,
        by_rank,
    };
    Ok((report, outcome))
}
