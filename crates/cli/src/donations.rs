//! Devices in kind from the command line: donors, receipts (with serials inline or from a
//! donor's spreadsheet), the printable receipt minutes, appraisal and stocking in.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use domain::dates::format_date;
use domain::donations::{Condition, Donation, DonationItem, Donor, ItemSerial, Signatory};
use domain::money::Dong;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Command {
    /// Nhà tài trợ (donors)
    #[command(subcommand)]
    Donor(DonorCommand),
    /// Tiếp nhận thiết bị ủng hộ và biên bản tiếp nhận (devices received in kind, receipt minutes)
    #[command(subcommand)]
    Donation(DonationCommand),
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let store = open(db, 2).await?;
    match cmd {
        Command::Donor(cmd) => donor(&store, out, cmd).await,
        Command::Donation(cmd) => donation(&store, out, cmd).await,
    }
}

#[derive(Subcommand)]
pub enum DonorCommand {
    /// Thêm nhà tài trợ từ tệp JSON (add a donor from a JSON file:
    /// {"kind": "organisation"|"person", "name", "phone", "tax_code", "publish_name", "earmark": {"unit_id", "tier"}})
    Add { file: PathBuf },
    /// Danh sách nhà tài trợ (list donors)
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum DonationCommand {
    /// Ghi biên bản tiếp nhận và đăng ký các thiết bị; có lỗi thì không ghi gì (record a receipt
    /// and register its devices, all or nothing). JSON: {"donor_id", "minutes_no", "received_on":
    /// "dd/mm/yyyy", "place", "donor_rep": {"name", "position"}, "board_rep": {...}, "items":
    /// [{"model_id", "condition": "new"|"used", "unit_value", "serials": [...] or "serials_file": "list.xlsx"}]}
    Add {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách biên bản tiếp nhận (list receipts)
    List {
        #[arg(long)]
        json: bool,
    },
    /// In biên bản tiếp nhận ra PDF (print the receipt minutes as PDF)
    Minutes {
        /// Số biên bản, ví dụ 12/BB-BTNĐP (the minutes number)
        minutes_no: String,
        /// Tệp PDF (the PDF file to write)
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Deserialize)]
struct DonationFile {
    donor_id: i64,
    minutes_no: String,
    received_on: String,
    place: String,
    donor_rep: Signatory,
    board_rep: Signatory,
    #[serde(default)]
    note: Option<String>,
    items: Vec<ItemFile>,
}

#[derive(Deserialize)]
struct ItemFile {
    model_id: i64,
    #[serde(default)]
    quantity: Option<u32>,
    condition: String,
    /// A number or text such as "4.990.000".
    unit_value: serde_json::Value,
    #[serde(default)]
    serials: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    serials_file: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(
    out: &Out,
    file: &Path,
    what_vi: &str,
    what_en: &str,
) -> Result<Option<T>> {
    let text = std::fs::read_to_string(file).with_context(|| {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    })?;
    match serde_json::from_str(&text) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            out.error(
                &format!("Tệp JSON {what_vi} không hợp lệ: {e}"),
                &format!("The {what_en} JSON is not valid: {e}"),
            );
            Ok(None)
        }
    }
}

fn resolve(out: &Out, base: &Path, f: DonationFile) -> Result<Option<Donation>> {
    let Some(received_on) = out.date_arg(&f.received_on, "Ngày tiếp nhận") else {
        return Ok(None);
    };
    let mut items = Vec::with_capacity(f.items.len());
    for (i, it) in f.items.into_iter().enumerate() {
        let line = i + 1;
        let Some(condition) = Condition::parse(&it.condition) else {
            out.error(
                &format!(
                    "Dòng {line}: tình trạng \"{}\" phải là new (mới) hoặc used (đã qua sử dụng).",
                    it.condition
                ),
                &format!(
                    "Line {line}: condition \"{}\" must be new or used.",
                    it.condition
                ),
            );
            return Ok(None);
        };
        let unit_value = match &it.unit_value {
            serde_json::Value::Number(n) => n.as_i64().map(Dong),
            serde_json::Value::String(s) => Dong::parse(s),
            _ => None,
        };
        let Some(unit_value) = unit_value else {
            out.error(
                &format!(
                    "Dòng {line}: giá trị \"{}\" không phải số tiền đồng.",
                    it.unit_value
                ),
                &format!(
                    "Line {line}: value \"{}\" is not an amount in đồng.",
                    it.unit_value
                ),
            );
            return Ok(None);
        };
        let serials: Vec<ItemSerial> = match (it.serials, it.serials_file) {
            (Some(list), None) => list
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => ItemSerial {
                        serial: s,
                        imei: None,
                    },
                    other => serde_json::from_value(other.clone()).unwrap_or(ItemSerial {
                        serial: other.to_string(),
                        imei: None,
                    }),
                })
                .collect(),
            (None, Some(path)) => {
                let path = if path.is_relative() {
                    base.join(path)
                } else {
                    path
                };
                let input = std::fs::File::open(&path).with_context(|| {
                    format!(
                        "không đọc được tệp {} (cannot read the file)",
                        path.display()
                    )
                })?;
                match sheets::devices::read_serials(
                    std::io::BufReader::new(input),
                    &sheets::reader::Limits::default(),
                ) {
                    Ok(list) => list
                        .lines
                        .into_iter()
                        .map(|l| ItemSerial {
                            serial: l.serial,
                            imei: l.imei,
                        })
                        .collect(),
                    Err(e) => {
                        out.error(
                            &format!("Dòng {line}, tệp {}: {}", path.display(), e.message_vi),
                            &format!("Line {line}, file {}: {}", path.display(), e.message_en),
                        );
                        return Ok(None);
                    }
                }
            }
            _ => {
                out.error(
                    &format!(
                        "Dòng {line}: cần đúng một trong hai: \"serials\" hoặc \"serials_file\"."
                    ),
                    &format!("Line {line}: give exactly one of \"serials\" or \"serials_file\"."),
                );
                return Ok(None);
            }
        };
        items.push(DonationItem {
            model_id: it.model_id,
            quantity: it.quantity.unwrap_or(serials.len() as u32),
            condition,
            unit_value,
            serials,
        });
    }
    Ok(Some(Donation {
        donor_id: f.donor_id,
        minutes_no: f.minutes_no,
        received_on,
        place: f.place,
        donor_rep: f.donor_rep,
        board_rep: f.board_rep,
        note: f.note,
        items,
    }))
}

pub async fn donor(store: &Store, out: &Out, cmd: DonorCommand) -> Result<ExitCode> {
    match cmd {
        DonorCommand::Add { file } => {
            let Some(d) = read_json::<Donor>(out, &file, "nhà tài trợ", "donor")? else {
                return Ok(ExitCode::FAILURE);
            };
            let id = store
                .save_donor(&AuditActor::system("cli"), None, &d)
                .await?;
            println!("{id}");
        }
        DonorCommand::List { json } => {
            let rows = store.donors().await?;
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in rows {
                    println!(
                        "#{}\t{}\t{}\t{} {}\t{} {}\t{}",
                        r.id,
                        r.donor.name,
                        r.donor.kind.label(out.lang),
                        r.donations,
                        out.pick("biên bản", "receipts"),
                        r.devices,
                        out.pick("thiết bị", "devices"),
                        r.total_value
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn donation(store: &Store, out: &Out, cmd: DonationCommand) -> Result<ExitCode> {
    match cmd {
        DonationCommand::Add { file, json } => {
            let Some(f) = read_json::<DonationFile>(out, &file, "biên bản tiếp nhận", "receipt")?
            else {
                return Ok(ExitCode::FAILURE);
            };
            let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
            let Some(d) = resolve(out, &base, f)? else {
                return Ok(ExitCode::FAILURE);
            };
            if !json {
                let n: usize = d.items.iter().map(|i| i.serials.len()).sum();
                out.info(
                    &format!("Đang kiểm tra {n} số sê-ri…"),
                    &format!("Checking {n} serials…"),
                );
            }
            let outcome = store
                .record_donation(&AuditActor::system("cli"), &d, out.lang)
                .await?;
            if json {
                println!("{}", serde_json::to_string(&outcome)?);
            } else {
                for e in &outcome.errors {
                    eprintln!("{} [{}]", e.message, e.code);
                }
                match outcome.id {
                    Some(id) => out.info(
                        &format!(
                            "Đã ghi biên bản {} (#{id}): {} thiết bị chờ thẩm định.",
                            d.minutes_no, outcome.devices
                        ),
                        &format!(
                            "Recorded receipt {} (#{id}): {} devices awaiting appraisal.",
                            d.minutes_no, outcome.devices
                        ),
                    ),
                    None => out.error(
                        &format!(
                            "{} lỗi: chưa ghi biên bản và thiết bị nào.",
                            outcome.errors.len()
                        ),
                        &format!("{} problems: nothing was recorded.", outcome.errors.len()),
                    ),
                }
            }
            Ok(if outcome.id.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        DonationCommand::List { json } => {
            let rows = store.donations().await?;
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in rows {
                    println!(
                        "#{}\t{}\t{}\t{}\t{} {}\t{}",
                        r.id,
                        r.minutes_no,
                        format_date(r.received_on),
                        r.donor_name,
                        r.devices,
                        out.pick("thiết bị", "devices"),
                        r.total_value
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DonationCommand::Minutes {
            minutes_no,
            out: path,
        } => {
            let id = store.donation_id(&minutes_no).await?;
            let Some(id) = id else {
                out.error(
                    &format!("Không có biên bản tiếp nhận số {minutes_no}."),
                    &format!("There is no receipt numbered {minutes_no}."),
                );
                return Ok(ExitCode::FAILURE);
            };
            let p = web::donations::bien_ban::receipt_minutes_pdf(store, id)
                .await?
                .context("the receipt disappeared")?;
            store
                .archive_print(
                    &AuditActor::system("donation-minutes"),
                    &p.issued,
                    &p.file_name,
                    &p.bytes,
                )
                .await?;
            std::fs::write(&path, p.bytes).with_context(|| {
                format!(
                    "không ghi được tệp {} (cannot write the file)",
                    path.display()
                )
            })?;
            out.info(
                &format!("Đã ghi {}.", path.display()),
                &format!("Wrote {}.", path.display()),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
