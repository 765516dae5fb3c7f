//! Household registers from the command line: `import households`.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Import {
    /// Nhập danh sách hộ nghèo, hộ cận nghèo của xã (.xlsx, .xls, .ods, .csv) và đối chiếu các học sinh thuộc đối tượng (i), (ii) (import a poor/near-poor household register)
    Households {
        file: PathBuf,
        /// Năm của danh sách khi tệp không có cột Năm; mặc định là năm của đợt đang mở (year of rows without a year column)
        #[arg(long)]
        year: Option<i32>,
        /// Chỉ kiểm tra, không ghi (check only, write nothing)
        #[arg(long)]
        dry_run: bool,
        /// Kết quả dạng JSON (JSON report)
        #[arg(long)]
        json: bool,
    },
}

pub async fn import(cmd: Import, db: &str, out: &Out) -> Result<ExitCode> {
    let Import::Households {
        file,
        year,
        dry_run,
        json,
    } = cmd;
    let store = open(db, 2).await?;
    import_households(&store, out, file, year, dry_run, json).await
}

async fn import_households(
    store: &Store,
    out: &Out,
    file: PathBuf,
    year: Option<i32>,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let cannot = || {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    };
    let sha256 = std::fs::File::open(&file)
        .and_then(domain::digest::sha256_stream)
        .with_context(cannot)?;
    let input = std::fs::File::open(&file).with_context(cannot)?;
    let year = match year {
        Some(y) => y,
        None => match store.current_round().await? {
            Some(r) => r.opens_on.year(),
            None => domain::dates::today().year(),
        },
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let everything = domain::units::UnitPath::everything();
    let req = web::households::imports::HouseholdRequest {
        scope: &everything,
        file_name: &name,
        sha256,
        year,
        dry_run,
        lang: out.lang,
    };
    let report = match web::households::imports::import_households(
        store,
        &AuditActor::system("cli"),
        &req,
        std::io::BufReader::new(input),
    )
    .await
    {
        Ok(r) => r,
        Err(web::imports::ImportError::File(e)) => {
            out.error(&e.message_vi, &e.message_en);
            return Ok(ExitCode::FAILURE);
        }
        Err(web::imports::ImportError::NotASchool(_)) => return Ok(ExitCode::FAILURE),
        Err(web::imports::ImportError::Store(e)) => return Err(e.into()),
        Err(web::imports::ImportError::Reader(e)) => return Err(e.into()),
    };
    let refused = !report.errors.is_empty();
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(if refused {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    for e in &report.errors {
        eprintln!(
            "{} {}{}: {} [{}]",
            out.pick("dòng", "row"),
            e.row,
            e.column
                .as_deref()
                .map(|c| format!(", {} \"{c}\"", out.pick("cột", "column")))
                .unwrap_or_default(),
            e.message,
            e.code
        );
    }
    if refused {
        out.error(
            &format!("{} dòng có lỗi; chưa ghi dữ liệu nào.", report.errors.len()),
            &format!(
                "{} rows have problems; nothing was written.",
                report.errors.len()
            ),
        );
        return Ok(ExitCode::FAILURE);
    }
    let c = report.check;
    out.info(
        &format!(
            "{}: {} hộ của {} xã (tiêu đề ở dòng {}); {} ghi mới hoặc cập nhật, {} không đổi. Đối chiếu {} học sinh thuộc đối tượng (i), (ii): {} khớp, {} không có trong danh sách, {} khác loại hộ, {} chưa có danh sách của xã.",
            if dry_run { "Kiểm tra xong, chưa ghi gì" } else { "Đã nhập" },
            report.households, report.communes, report.header_row, report.written, report.unchanged,
            c.claims, c.matched, c.missing, c.other_category, c.unverifiable
        ),
        &format!(
            "{}: {} households of {} communes (header on row {}); {} written, {} unchanged. Checked {} tier (i)/(ii) claims: {} matched, {} not in the register, {} of the other category, {} without a register.",
            if dry_run { "Checked, nothing written" } else { "Imported" },
            report.households, report.communes, report.header_row, report.written, report.unchanged,
            c.claims, c.matched, c.missing, c.other_category, c.unverifiable
        ),
    );
    Ok(ExitCode::SUCCESS)
}
