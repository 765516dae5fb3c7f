//! Importing a commune's register of poor and near-poor households from a file, all or
//! nothing, and checking the round's claims of those tiers against it. Shared by the
//! command line and the web upload.

use domain::Lang;
use serde::Serialize;
use sheets::reader::Limits;
use std::io::{Read, Seek};
use store::{AuditActor, Store, StoreError};

use crate::imports::{ImportError, ReportError};

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
    .map_err(ImportError::Reader)?
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
