//! Devices from the command line: device models, a supplier's or donor's list of serials
//! (`import devices`), stocktake, the appraisal of a model or a batch, and stock-in.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use domain::dates::today;
use domain::devices::appraisals::{Appraisal, Verdict};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use store::{AuditActor, Store};

/// What `import devices --json` prints: every row of the file is imported, rejected (in
/// `errors`, with its row and column) or skipped (counted by why).
#[derive(serde::Serialize)]
struct DevicesReport {
    imported: usize,
    rejected: usize,
    skipped: usize,
    skipped_why: sheets::devices::Skipped,
    errors: Vec<RowProblem>,
}

#[derive(serde::Serialize)]
struct RowProblem {
    row: usize,
    column: Option<String>,
    code: String,
    message: String,
}

#[derive(Subcommand)]
pub enum Import {
    /// Nhập danh sách số sê-ri/IMEI thiết bị của nhà cung cấp hoặc nhà tài trợ; có lỗi thì không ghi gì (register a list of device serials, all or nothing)
    Devices {
        file: PathBuf,
        /// Mã mẫu thiết bị (device model id)
        #[arg(long)]
        model: i64,
        /// Lô hàng: donation:<số biên bản tiếp nhận đã ghi> hoặc contract:<số hợp đồng> (the batch: a recorded receipt or a contract)
        #[arg(long)]
        source: String,
        /// Chỉ kiểm tra, không ghi (check only, write nothing)
        #[arg(long)]
        dry_run: bool,
        /// Kết quả dạng JSON: {imported, rejected, errors: [{row, code, message}]}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum Command {
    /// Kiểm kê: so danh sách quét mã vạch với sổ theo dõi thiết bị (stocktake: compare scanned serials with the registry)
    Stocktake {
        /// Tệp quét: một số sê-ri mỗi dòng, hoặc bảng có cột Số serial (scans: one serial per line, or a table with a serial column)
        file: PathBuf,
        /// Kiểm kê tại trường (mã trường); mặc định là kho của Ban điều phối (at a school; default: the Board's store)
        #[arg(long, conflicts_with = "unit")]
        school: Option<String>,
        /// Kiểm kê tại phòng GD&ĐT hoặc đơn vị (mã đơn vị) (at a district office or unit)
        #[arg(long)]
        unit: Option<String>,
        /// Kết quả dạng JSON (JSON report)
        #[arg(long)]
        json: bool,
    },
    /// Mẫu thiết bị: hãng, model, cấu hình (device models)
    #[command(subcommand, name = "device-model")]
    DeviceModel(DeviceModelCommand),
    /// Ghi kết quả thẩm định mẫu máy hoặc lô hàng (record the appraisal of a model or a delivered batch)
    Appraise {
        /// Mã mẫu thiết bị (device model id)
        #[arg(long)]
        model: i64,
        /// Lô hàng, ví dụ donation:12/BB-BTNĐP; bỏ trống để thẩm định mẫu máy (the batch; omit to appraise the model)
        #[arg(long)]
        batch: Option<String>,
        /// Kết quả (verdict)
        #[arg(long, value_enum)]
        result: VerdictArg,
        /// Ngày thẩm định dd/mm/yyyy; mặc định hôm nay (date; default today)
        #[arg(long)]
        date: Option<String>,
        /// Nhận xét; bắt buộc khi không đạt (notes; required for a failure)
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Nhập kho các thiết bị đã thẩm định đạt của một lô (put a batch's appraised devices in stock)
    StockIn {
        #[arg(long)]
        model: i64,
        #[arg(long)]
        batch: String,
    },
}

#[derive(Subcommand)]
pub enum DeviceModelCommand {
    /// Khai báo mẫu thiết bị từ tệp JSON (declare a device model from a JSON file:
    /// {"kind": "tablet", "brand", "model", "ram_mb", "storage_gb", "screen_tenths", ...})
    Add { file: PathBuf },
}

pub async fn import(cmd: Import, db: &str, out: &Out) -> Result<ExitCode> {
    let Import::Devices {
        file,
        model,
        source,
        dry_run,
        json,
    } = cmd;
    let store = open(db, 2).await?;
    import_devices(&store, out, file, model, &source, dry_run, json).await
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Command::Stocktake {
            file,
            school,
            unit,
            json,
        } => {
            let store = open(db, 2).await?;
            stocktake(&store, out, file, school, unit, json).await
        }
        Command::DeviceModel(DeviceModelCommand::Add { file }) => add_model(db, out, file).await,
        Command::Appraise {
            model,
            batch,
            result,
            date,
            notes,
            json,
        } => {
            let store = open(db, 2).await?;
            appraise(&store, out, model, batch, result, date, notes, json).await
        }
        Command::StockIn { model, batch } => {
            let store = open(db, 2).await?;
            stock_in(&store, out, model, &batch).await
        }
    }
}

async fn add_model(db: &str, out: &Out, file: PathBuf) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&file).with_context(|| {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    })?;
    let model: domain::devices::DeviceModel = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            out.error(
                &format!("Tệp JSON mẫu thiết bị không hợp lệ: {e}"),
                &format!("The device model JSON is not valid: {e}"),
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = open(db, 2).await?;
    let id = store
        .create_device_model(&AuditActor::system("cli"), &model)
        .await?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VerdictArg {
    /// Đạt
    Pass,
    /// Không đạt
    Fail,
}

#[allow(clippy::too_many_arguments)]
pub async fn appraise(
    store: &Store,
    out: &Out,
    model: i64,
    batch: Option<String>,
    verdict: VerdictArg,
    date: Option<String>,
    notes: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let appraised_on = match date {
        Some(s) => match out.date_arg(&s, "Ngày thẩm định") {
            Some(d) => d,
            None => return Ok(ExitCode::FAILURE),
        },
        None => today(),
    };
    let a = Appraisal {
        model_id: model,
        source: batch,
        verdict: match verdict {
            VerdictArg::Pass => Verdict::Pass,
            VerdictArg::Fail => Verdict::Fail,
        },
        appraised_on,
        notes,
    };
    let outcome = store.appraise(&AuditActor::system("cli"), &a).await?;
    if json {
        println!("{}", serde_json::to_string(&outcome)?);
    } else {
        out.info(
            &format!(
                "Đã ghi kết quả thẩm định #{}: {} ({} thiết bị).",
                outcome.id,
                a.verdict.label(domain::Lang::Vi),
                outcome.devices
            ),
            &format!(
                "Recorded appraisal #{}: {} ({} devices).",
                outcome.id,
                a.verdict.label(domain::Lang::En),
                outcome.devices
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn stock_in(store: &Store, out: &Out, model: i64, batch: &str) -> Result<ExitCode> {
    let n = store
        .stock_in(&AuditActor::system("cli"), model, batch)
        .await?;
    out.info(
        &format!("Đã nhập kho {n} thiết bị."),
        &format!("Put {n} devices in stock."),
    );
    Ok(ExitCode::SUCCESS)
}

/// The serials of a scan file: a table with a serial column, or one serial per line
/// (what a scanner writes).
fn read_scans(file: &Path) -> Result<Vec<String>> {
    let cannot = || {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    };
    let input = std::fs::File::open(file).with_context(cannot)?;
    match sheets::devices::read_serials(
        std::io::BufReader::new(input),
        &sheets::reader::Limits::default(),
    ) {
        Ok(list) => Ok(list.lines.into_iter().map(|l| l.serial).collect()),
        Err(e) if e.code == "no_header" => {
            let text = std::fs::read_to_string(file).with_context(cannot)?;
            Ok(text
                .lines()
                .map(|l| {
                    l.split([',', ';', '\t'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string()
                })
                .filter(|l| !l.is_empty())
                .collect())
        }
        Err(e) => anyhow::bail!("{}", e.message_vi),
    }
}

async fn stocktake(
    store: &Store,
    out: &Out,
    file: PathBuf,
    school: Option<String>,
    unit: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let place = match school.as_deref().or(unit.as_deref()) {
        None => store::devices::Place::Board,
        Some(code) => {
            let Some(u) = store.unit_by_code(code).await? else {
                out.error(
                    &format!("Không có đơn vị mã {code}."),
                    &format!("There is no unit {code}."),
                );
                return Ok(ExitCode::FAILURE);
            };
            let is_school = u.kind == domain::units::UnitKind::School;
            if school.is_some() != is_school {
                out.error(
                    &format!(
                        "Đơn vị {code} ({}) không phải {}.",
                        u.name,
                        if is_school {
                            "phòng GD&ĐT hay đơn vị"
                        } else {
                            "trường học"
                        }
                    ),
                    &format!(
                        "Unit {code} ({}) is not {}.",
                        u.name,
                        if is_school {
                            "an office or unit"
                        } else {
                            "a school"
                        }
                    ),
                );
                return Ok(ExitCode::FAILURE);
            }
            if is_school {
                store::devices::Place::School(u.id)
            } else {
                store::devices::Place::Unit(u.id)
            }
        }
    };
    let scans = read_scans(&file)?;
    let t = store.stocktake(place, &scans).await?;
    if json {
        println!("{}", serde_json::to_string(&t)?);
    } else {
        for s in &t.missing {
            println!("{}\t{s}", out.pick("thiếu", "missing"));
        }
        for u in &t.unexpected {
            let where_ = match u.state {
                None => out
                    .pick("không có trong sổ theo dõi", "not in the registry")
                    .to_string(),
                Some(st) => st.label(out.lang).to_string(),
            };
            println!("{}\t{}\t{where_}", out.pick("thừa", "unexpected"), u.serial);
        }
        out.info(
            &format!(
                "Kiểm kê: sổ theo dõi có {}, quét được {}, khớp {}, thiếu {}, thừa {}.",
                t.expected,
                t.scanned,
                t.matched,
                t.missing.len(),
                t.unexpected.len()
            ),
            &format!(
                "Stocktake: {} expected, {} scanned, {} matched, {} missing, {} unexpected.",
                t.expected,
                t.scanned,
                t.matched,
                t.missing.len(),
                t.unexpected.len()
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_devices(
    store: &Store,
    out: &Out,
    file: PathBuf,
    model: i64,
    source: &str,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    // The batch: a recorded receipt with a line of this model still to register, or a
    // purchase contract by its number.
    let batch = if let Some(no) = source.trim().strip_prefix("donation:") {
        store
            .receipt_line_for(no, model)
            .await?
            .map(domain::devices::Batch::ReceiptLine)
    } else if let Some(no) = source.trim().strip_prefix("contract:") {
        domain::devices::Batch::contract(no).ok()
    } else {
        None
    };
    let Some(batch) = batch else {
        out.error(
            &format!(
                "Không có lô hàng \"{source}\": ghi donation:<số biên bản tiếp nhận đã ghi, còn máy của mẫu này chưa nhập> hoặc contract:<số hợp đồng>."
            ),
            &format!(
                "No batch \"{source}\": write donation:<a recorded receipt with devices of this model still to register> or contract:<contract number>."
            ),
        );
        return Ok(ExitCode::FAILURE);
    };
    let input = std::fs::File::open(&file).with_context(|| {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    })?;
    if !json {
        out.info(
            &format!("Đang đọc {}…", file.display()),
            &format!("Reading {}…", file.display()),
        );
    }
    let list = match sheets::devices::read_serials(
        std::io::BufReader::new(input),
        &sheets::reader::Limits::default(),
    ) {
        Ok(l) => l,
        Err(e) => {
            out.error(&e.message_vi, &e.message_en);
            return Ok(ExitCode::FAILURE);
        }
    };
    // Every row: a device, refused with its reason, or skipped with why.
    let skipped_why = list.skipped.why(out.lang);
    let mut report = DevicesReport {
        imported: 0,
        rejected: list.rejected.len(),
        skipped: list.skipped.total(),
        skipped_why: list.skipped,
        errors: list
            .rejected
            .iter()
            .map(|e| RowProblem {
                row: e.row,
                column: e.column.clone(),
                code: e.code.to_string(),
                message: out.pick(&e.message_vi, &e.message_en).to_string(),
            })
            .collect(),
    };
    if list.rejected.is_empty() && list.lines.is_empty() {
        let e = domain::DomainError::Devices(domain::devices::DevicesError::NoDevices);
        if json {
            println!("{}", serde_json::to_string(&report)?);
        }
        out.error(
            &format!(
                "{} ({} dòng bỏ qua: {skipped_why}).",
                e.message(domain::Lang::Vi).trim_end_matches('.'),
                report.skipped
            ),
            &format!(
                "{} ({} rows skipped: {skipped_why}).",
                e.message(domain::Lang::En).trim_end_matches('.'),
                report.skipped
            ),
        );
        return Ok(ExitCode::FAILURE);
    }
    if list.rejected.is_empty() {
        let rows: Vec<store::devices::SerialRow> = list
            .lines
            .into_iter()
            .map(|l| store::devices::SerialRow {
                row: l.row,
                serial: l.serial,
                imei: l.imei,
            })
            .collect();
        let r = store
            .register_devices(
                &AuditActor::system("cli"),
                model,
                &batch,
                &rows,
                out.lang,
                dry_run,
            )
            .await?;
        report.imported = r.imported;
        report.rejected = r.rejected;
        report
            .errors
            .extend(r.errors.into_iter().map(|e| RowProblem {
                row: e.row,
                column: None,
                code: e.code.to_string(),
                message: e.message,
            }));
    }
    let refused = report.rejected > 0;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for e in &report.errors {
            eprintln!(
                "{} {}{}: {} [{}]",
                out.pick("dòng", "row"),
                e.row,
                e.column
                    .as_deref()
                    .map(|c| format!(", {} {c}", out.pick("cột", "column")))
                    .unwrap_or_default(),
                e.message,
                e.code
            );
        }
        if refused {
            out.error(
                &format!(
                    "{} dòng bị từ chối: không ghi thiết bị nào.",
                    report.rejected
                ),
                &format!(
                    "{} rows refused: no device was registered.",
                    report.rejected
                ),
            );
        } else {
            let skipped = if report.skipped > 0 {
                format!("; {} {skipped_why}", out.pick("bỏ qua", "skipped"))
            } else {
                String::new()
            };
            out.info(
                &format!(
                    "{} {} thiết bị (tiêu đề ở dòng {}{skipped}).",
                    if dry_run {
                        "Kiểm tra xong"
                    } else {
                        "Đã tiếp nhận"
                    },
                    report.imported,
                    list.header_row,
                ),
                &format!(
                    "{} {} devices (header on row {}{skipped}).",
                    if dry_run { "Checked" } else { "Registered" },
                    report.imported,
                    list.header_row,
                ),
            );
        }
    }
    Ok(if refused {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
