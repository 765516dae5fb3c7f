//! Handover from the command line: a set of minutes printed as PDF, and a school's CSDL
//! ngành sheet in the default column set or in one given as a file (the Ministry's
//! template is not public: the columns are data, see the README).

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use domain::handover::csdl::Columns;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Command {
    /// Bàn giao thiết bị: in biên bản, xuất tệp CSDL ngành (handover: print minutes, export the sector database sheet)
    #[command(subcommand)]
    Handover(Step),
}

#[derive(Subcommand)]
pub enum Step {
    /// In một biên bản bàn giao ra tệp PDF (print a set of handover minutes as PDF)
    Minutes {
        /// Số hiệu biên bản trong hệ thống (the minutes' id)
        id: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Xuất tệp CSDL ngành của một trường: thiết bị đã bàn giao cho học sinh (export a school's sector database sheet)
    Csdl {
        /// Mã trường (the school's code)
        #[arg(long)]
        school: String,
        #[arg(long)]
        out: PathBuf,
        /// Bộ cột: mỗi dòng “trường<TAB>tiêu đề” (a column set: one `field<TAB>header` per line)
        #[arg(long)]
        columns: Option<PathBuf>,
        /// Dạng JSON: {"school", "rows", "entered", "file"}
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let store = open(db, 2).await?;
    let Command::Handover(step) = cmd;
    match step {
        Step::Minutes { id, out: path } => {
            let Some((_, bytes)) = web::handover::minutes::minutes_pdf(&store, id).await? else {
                bail!(
                    "{}",
                    out.pick(
                        &format!("Không có biên bản bàn giao số hiệu {id}."),
                        &format!("No handover minutes with id {id}.")
                    )
                );
            };
            std::fs::write(&path, bytes).with_context(|| path.display().to_string())?;
            out.info(
                &format!("Đã in biên bản vào {}.", path.display()),
                &format!("The minutes are in {}.", path.display()),
            );
            Ok(ExitCode::SUCCESS)
        }
        Step::Csdl {
            school,
            out: path,
            columns,
            json,
        } => {
            let columns = match columns {
                Some(f) => {
                    let text =
                        std::fs::read_to_string(&f).with_context(|| f.display().to_string())?;
                    Columns::parse(&text).map_err(|e| {
                        anyhow::anyhow!(
                            "{}: {e}",
                            out.pick("Bộ cột CSDL ngành chưa đúng", "The column set is not right")
                        )
                    })?
                }
                None => Columns::default_set(),
            };
            let Some(unit) = store.unit_by_code(&school).await? else {
                bail!(
                    "{}",
                    out.pick(
                        &format!("Không có trường mã {school}."),
                        &format!("No school has code {school}.")
                    )
                );
            };
            let rows = store.csdl_rows(unit.id).await?;
            let lines: Vec<_> = rows.iter().map(web::handover::csdl::line).collect();
            let bytes = sheets::csdl::write_csdl(&columns, &lines)?;
            std::fs::write(&path, bytes).with_context(|| path.display().to_string())?;
            let entered = rows.iter().filter(|r| r.entered_at.is_some()).count();
            if json {
                println!(
                    "{}",
                    serde_json::json!({"school": school, "rows": rows.len(), "entered": entered, "file": path.display().to_string()})
                );
            } else {
                out.info(
                    &format!(
                        "{} — {} thiết bị đã bàn giao cho học sinh, {entered} đã nhập CSDL ngành: {}.",
                        unit.name,
                        rows.len(),
                        path.display()
                    ),
                    &format!(
                        "{} — {} devices handed to students, {entered} entered in the sector database: {}.",
                        unit.name,
                        rows.len(),
                        path.display()
                    ),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
