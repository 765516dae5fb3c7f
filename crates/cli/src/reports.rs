//! Reports from the command line: `report progress --unit CODE [--from D --to D] --out
//! FILE.xlsx|FILE.pdf`, the same file the web's report page gives (the same figures, the
//! same checkpoint of the audit log printed at its foot).

use crate::audit::LogKeyArgs;
use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use domain::reports::{Period, Stage};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Command {
    /// Báo cáo (reports)
    #[command(subcommand)]
    Report(ReportCommand),
    /// Ẩn danh dữ liệu cá nhân của học sinh, người giám hộ khi chương trình đã kết thúc; không hoàn tác được (anonymise a closed program's personal data, irreversibly)
    Anonymise {
        /// Mã số chương trình (xem: songmaytinh program list)
        #[arg(long)]
        program: i64,
        /// Xác nhận: thao tác không hoàn tác được
        #[arg(long)]
        yes: bool,
        /// Kết quả dạng JSON: {program_id, students, flags, handovers, signatures, documents, personal}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Báo cáo tiến độ tiếp nhận, bàn giao của một đơn vị (Công văn 5052), ra tệp .xlsx hoặc .pdf (a unit's progress report)
    Progress {
        /// Mã đơn vị: tỉnh (67), phòng giáo dục (663) hoặc trường
        #[arg(long)]
        unit: String,
        /// Từ ngày (dd/mm/yyyy)
        #[arg(long)]
        from: Option<String>,
        /// Đến ngày (dd/mm/yyyy)
        #[arg(long)]
        to: Option<String>,
        /// Tệp ra: .xlsx hoặc .pdf
        #[arg(long)]
        out: PathBuf,
        /// Người lập báo cáo (in ở chữ ký)
        #[arg(long, default_value = "")]
        by: String,
        /// Kết quả dạng JSON: {unit, period, file, sha256, checkpoint_size, totals}
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        key: LogKeyArgs,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Command::Report(r) => progress(r, db, out).await,
        Command::Anonymise { program, yes, json } => anonymise(program, yes, json, db, out).await,
    }
}

async fn anonymise(program: i64, yes: bool, json: bool, db: &str, out: &Out) -> Result<ExitCode> {
    if !yes {
        out.error(
            "Ẩn danh không hoàn tác được: tên, mã, ngày sinh của học sinh, người giám hộ, chữ ký và tệp minh chứng sẽ bị thay thế vĩnh viễn. Sao lưu trước (songmaytinh backup), rồi chạy lại với --yes.",
            "Anonymising cannot be undone: students' names, codes and birth dates, guardians, signatures and evidence files are replaced for good. Back up first (songmaytinh backup), then run again with --yes.",
        );
        return Ok(ExitCode::FAILURE);
    }
    let store = open(db, 2).await?;
    let actor = store::AuditActor::system("cli:anonymise");
    match store.anonymise_program(&actor, program).await {
        Ok(n) => {
            if json {
                println!("{}", serde_json::to_string(&n)?);
            } else {
                out.info(
                    &format!(
                        "Đã ẩn danh chương trình {program}: {} học sinh, {} biên bản giao cho học sinh, {} tệp minh chứng, {} mục dữ liệu cá nhân trong nhật ký. Số liệu tổng hợp giữ nguyên; nhật ký vẫn kiểm tra được (songmaytinh audit verify).",
                        n.students, n.signatures, n.documents, n.personal
                    ),
                    &format!(
                        "Anonymised program {program}: {} students, {} student handover minutes, {} evidence files, {} personal details in the log. Every total stays; the log still verifies (songmaytinh audit verify).",
                        n.students, n.signatures, n.documents, n.personal
                    ),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(store::StoreError::Domain(e)) => {
            out.error(&e.message(domain::Lang::Vi), &e.message(domain::Lang::En));
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

async fn progress(cmd: ReportCommand, db: &str, out: &Out) -> Result<ExitCode> {
    let ReportCommand::Progress {
        unit,
        from,
        to,
        out: file,
        by,
        json,
        key,
    } = cmd;
    let as_pdf = match file
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("pdf") => true,
        Some("xlsx") => false,
        _ => {
            out.error(
                &format!("Tệp ra {} phải có đuôi .xlsx hoặc .pdf.", file.display()),
                &format!("The output {} must end in .xlsx or .pdf.", file.display()),
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let day = |s: &Option<String>, field: &str| -> Option<Option<time::Date>> {
        match s.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(s) => out.date_arg(s, field).map(Some),
        }
    };
    let (Some(from), Some(to)) = (day(&from, "Từ ngày"), day(&to, "Đến ngày")) else {
        return Ok(ExitCode::FAILURE);
    };
    let period = match Period::new(from, to) {
        Ok(p) => p,
        Err(e) => {
            out.error(&e.message(domain::Lang::Vi), &e.message(domain::Lang::En));
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = open(db, 2).await?;
    let Some(u) = store.unit_by_code(unit.trim()).await? else {
        out.error(
            &format!("Không có đơn vị mã {unit}."),
            &format!("There is no unit with code {unit}."),
        );
        return Ok(ExitCode::FAILURE);
    };
    if u.kind == domain::units::UnitKind::Department {
        out.error(
            &format!(
                "{} là một sở, ngành: báo cáo của tỉnh lấy mã tỉnh, của phòng giáo dục lấy mã huyện.",
                u.name
            ),
            &format!(
                "{} is a department: report on the province or a district by its code.",
                u.name
            ),
        );
        return Ok(ExitCode::FAILURE);
    }
    let Some(program) = store.report_program(None).await? else {
        out.error(
            "Chưa có chương trình nào để báo cáo.",
            "There is no program to report on yet.",
        );
        return Ok(ExitCode::FAILURE);
    };
    let signer = key.signer()?;
    let by = by.trim();
    let (report, bytes) =
        web::reports::document(&store, &u, &program, period, Some(&signer), by, as_pdf)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    // Written whole beside the target, then moved into place: never half a file.
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(&bytes)?;
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, &file).with_context(|| {
        format!(
            "không ghi được tệp {} (cannot write the file)",
            file.display()
        )
    })?;
    let cp = store.log_checkpoint(&signer).await?;
    let sha = domain::digest::sha256_hex(&bytes);
    if json {
        let totals: serde_json::Map<String, serde_json::Value> = Stage::ALL
            .iter()
            .map(|s| (s.code().to_string(), json!(report.total.get(*s))))
            .collect();
        println!(
            "{}",
            json!({
                "unit": report.unit_code,
                "period": {"from": from.map(domain::dates::format_date), "to": to.map(domain::dates::format_date)},
                "file": file.display().to_string(),
                "sha256": sha,
                "checkpoint_size": cp.size,
                "totals": totals,
            })
        );
    } else {
        let n = |s| domain::money::group_thousands(report.total.get(s));
        out.info(
            &format!(
                "Đã ghi {}: {} – {} học sinh được đề xuất, {} được duyệt, {} được phân bổ, {} đã nhận máy, {} đã nhập CSDL ngành. Nhật ký tại {} mục. SHA-256 {}",
                file.display(),
                report.unit_name,
                n(Stage::Surveyed),
                n(Stage::Approved),
                n(Stage::Allocated),
                n(Stage::Handed),
                n(Stage::InCsdl),
                domain::money::group_thousands(cp.size as i64),
                sha
            ),
            &format!(
                "Wrote {}: {} – {} listed, {} approved, {} allocated, {} handed over, {} in the sector database. The log at {} entries. SHA-256 {}",
                file.display(),
                report.unit_name,
                n(Stage::Surveyed),
                n(Stage::Approved),
                n(Stage::Allocated),
                n(Stage::Handed),
                n(Stage::InCsdl),
                cp.size,
                sha
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A new file in `dir` only this process writes.
fn tempfile_in(dir: &std::path::Path) -> Result<(PathBuf, std::fs::File)> {
    for _ in 0..8 {
        let path = dir.join(format!(
            ".songmaytinh-report-{}.part",
            store::passwords::random_token(8)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "không ghi được vào thư mục {} (cannot write there)",
                        dir.display()
                    )
                });
            }
        }
    }
    anyhow::bail!("không tạo được tệp tạm (cannot make a temporary file)")
}
