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
    pub errors: Vec<ReportError>,
}

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
    let (tx, rx) = mpsc::channel::<ImportMsg>(4);
    let target = ImportTarget {
        round_id: round.id,
        school_id: school.id,
        file_name: file_name.to_string(),
        sha256,
        dry_run,
    };
    let parse = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(ROWS_PER_MESSAGE);
        let mut errors: Vec<ReportError> = Vec::new();
        let mut stopped = false;
        let result = check_student_list(input, &Limits::default(), &round, &tiers, |c| {
            match c {
                Checked::Accepted { row, draft, .. } => {
                    batch.push(ImportRow::new(row, draft));
                    if batch.len() >= ROWS_PER_MESSAGE
                        && tx
                            .blocking_send(ImportMsg::Rows(std::mem::take(&mut batch)))
                            .is_err()
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
            let _ = tx.blocking_send(ImportMsg::Rows(batch));
            let _ = tx.blocking_send(ImportMsg::Done(counts));
        }
        (result, errors)
    });
    let stored = store.import_students(actor, target, rx).await;
    let (read, errors) = parse.await.map_err(ImportError::Reader)?;
    let summary = read.map_err(ImportError::File)?;
    let outcome = stored?;
    let report = StudentReport {
        header_row: summary.header_row,
        data_rows: summary.data_rows,
        imported: summary.accepted,
        rejected: summary.rejected,
        skipped: summary.skipped,
        errors,
    };
    Ok((report, outcome))
}
