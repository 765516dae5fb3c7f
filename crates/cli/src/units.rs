//! Units from the command line: `import units`.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use domain::Lang;
use std::path::PathBuf;
use std::process::ExitCode;
use store::units::{ImportOptions, ImportSource};
use store::{AuditActor, Store, StoreError};

#[derive(Subcommand)]
pub enum Import {
    /// Nhập cây đơn vị từ CSV: level,code,name,parent[,kind,school_level,commune,internet,agency] (import units)
    Units {
        file: PathBuf,
        /// Chỉ kiểm tra, không ghi (check only, write nothing)
        #[arg(long)]
        dry_run: bool,
        /// Kết quả dạng JSON (JSON report)
        #[arg(long)]
        json: bool,
    },
}

pub async fn import(cmd: Import, db: &str, out: &Out) -> Result<ExitCode> {
    let Import::Units {
        file,
        dry_run,
        json,
    } = cmd;
    let store = open(db, 2).await?;
    import_units(&store, out, file, dry_run, json).await
}

async fn import_units(
    store: &Store,
    out: &Out,
    file: PathBuf,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let bytes = std::fs::read(&file).with_context(|| {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    })?;
    let sha256 = domain::digest::sha256_hex(&bytes);
    let parsed = sheets::units::read_units_csv(&bytes[..]).and_then(|f| f.drafts().map(|d| (f, d)));
    let (sheet, drafts) = match parsed {
        Ok(x) => x,
        Err(errors) => {
            out.row_errors(&errors, json);
            return Ok(ExitCode::FAILURE);
        }
    };
    let source = ImportSource {
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256,
    };
    let n = drafts.len();
    match store
        .import_units(
            &AuditActor::system("cli"),
            drafts,
            ImportOptions {
                scope: None,
                source: Some(source),
                dry_run,
            },
        )
        .await
    {
        Ok(s) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "rows": n, "created": s.created, "updated": s.updated, "unchanged": s.unchanged, "dry_run": dry_run, "errors": [] })
                );
            } else {
                let (vi, en) = if dry_run {
                    ("Kiểm tra xong, chưa ghi gì", "Checked, nothing written")
                } else {
                    ("Đã nhập", "Imported")
                };
                out.info(
                    &format!(
                        "{vi}: {n} dòng — {} mới, {} cập nhật, {} không đổi.",
                        s.created, s.updated, s.unchanged
                    ),
                    &format!(
                        "{en}: {n} rows — {} new, {} updated, {} unchanged.",
                        s.created, s.updated, s.unchanged
                    ),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Rows(issues)) => {
            let errors: Vec<sheets::SheetError> = issues
                .into_iter()
                .map(|i| {
                    sheets::SheetError::new(
                        i.row,
                        Some(&sheet.header(i.field)),
                        i.error.code(),
                        i.error.message(Lang::Vi),
                        i.error.message(Lang::En),
                    )
                })
                .collect();
            out.row_errors(&errors, json);
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}
