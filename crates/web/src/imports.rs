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
use store::{AuditActor, Store, StoreError};
use tokio::sync::mpsc;

/// At most this many row problems are listed; the counts stay exact.
pub const MAX_LISTED_ERRORS: usize = 10_000;
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportError {
    /// The spreadsheet's 1-based row.
    pub row: usize,
    /// The column's header as the file writes it.
    pub column: Option<String>,
    pub code: String,
    pub message: String,
}

/// Why an import did not happen.
#[derive(Debug)]
pub enum ImportError {
    /// The file itself was refused (not a spreadsheet, no header, too large…).
    File(sheets::SheetError),
    /// The school code names no school.
    NotASchool(String),
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
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
    let (read, errors) = parse
        .await
        .map_err(|e| ImportError::Store(StoreError::Unsupported(e.to_string())))?;
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

/// The report of a household register import (`import households --json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct HouseholdReport {
    pub header_row: usize,
    /// Households read from the file.
    pub households: usize,
    /// Rows refused; when there is any, nothing is written.
    pub rejected: usize,
    pub skipped: usize,
    /// Households written or changed (0 when refused or a dry run).
    pub written: u64,
    pub unchanged: u64,
    pub communes: u64,
    /// The current round's tier-(i)/(ii) claims checked against the registers.
    pub check: store::households::HouseholdCheck,
    pub errors: Vec<ReportError>,
}

/// What register to import and where.
#[derive(Debug, Clone)]
pub struct HouseholdRequest<'a> {
    /// Communes must lie inside this subtree (the importer's scope).
    pub scope: &'a domain::units::UnitPath,
    pub file_name: &'a str,
    pub sha256: String,
    /// The year of rows without a year column.
    pub year: i32,
    pub dry_run: bool,
    pub lang: Lang,
}

/// Reads a commune's (or a district's) register of poor and near-poor households and
/// stores it, all or nothing: a row with a problem, or a commune outside `scope`, writes
/// nothing and is reported. `year` is used for rows without a year column.
pub async fn import_households<R: Read + Seek + Send + 'static>(
    store: &Store,
    actor: &AuditActor,
    req: &HouseholdRequest<'_>,
    input: R,
) -> Result<HouseholdReport, ImportError> {
    let (lang, year) = (req.lang, req.year);
    let register = tokio::task::spawn_blocking(move || {
        sheets::households::read_register(input, &Limits::default())
    })
    .await
    .map_err(|e| ImportError::Store(StoreError::Unsupported(e.to_string())))?
    .map_err(ImportError::File)?;
    let message = |e: &sheets::SheetError| ReportError {
        row: e.row,
        column: e.column.clone(),
        code: e.code.to_string(),
        message: lang.pick(&e.message_vi, &e.message_en).to_string(),
    };
    let mut report = HouseholdReport {
        header_row: register.header_row,
        households: register.rows.len(),
        rejected: register.errors.len(),
        skipped: register.skipped,
        errors: register.errors.iter().map(message).collect(),
        ..Default::default()
    };
    if !register.errors.is_empty() {
        return Ok(report);
    }
    let commune_column = register.commune_column.clone();
    let drafts = register
        .rows
        .into_iter()
        .map(|r| store::households::HouseholdDraft {
            row: r.row,
            head_name: r.head_name,
            members: r.members,
            village: r.village,
            commune: r.commune,
            district: r.district,
            category: r.category,
            certificate_no: r.certificate_no,
            year: r.year.unwrap_or(year),
        })
        .collect();
    match store
        .import_households(
            actor,
            req.scope,
            (req.file_name, &req.sha256),
            drafts,
            req.dry_run,
        )
        .await
    {
        Ok(done) => {
            report.written = done.written;
            report.unchanged = done.unchanged;
            report.communes = done.communes;
            report.check = done.check;
            Ok(report)
        }
        Err(StoreError::Rows(issues)) => {
            report.rejected = issues.len();
            report.errors = issues
                .iter()
                .map(|i| ReportError {
                    row: i.row,
                    column: Some(commune_column.clone()),
                    code: i.error.code().to_string(),
                    message: i.error.message(lang),
                })
                .collect();
            Ok(report)
        }
        Err(e) => Err(e.into()),
    }
}
