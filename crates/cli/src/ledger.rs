//! The ledger from the command line: `ledger balance`, `ledger verify`, and `vietqr` for
//! posters and banners.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use domain::ledger::vietqr::{VietQr, ascii_note, bank_name};
use domain::money::Dong;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Command {
    /// Sổ cái: số dư, kiểm tra (the ledger: balances, verification)
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Mã VietQR chuyển khoản cho áp phích, băng rôn (a VietQR bank-transfer code)
    Vietqr {
        /// Mã ngân hàng NAPAS, 6 chữ số (Vietcombank 970436, BIDV 970418, VietinBank 970415, Agribank 970405)
        #[arg(long)]
        bin: String,
        /// Số tài khoản nhận
        #[arg(long)]
        account: String,
        /// Số tiền (đồng), để trống cho mã người chuyển tự điền
        #[arg(long)]
        amount: Option<String>,
        /// Nội dung chuyển khoản (bỏ dấu, tối đa 25 ký tự)
        #[arg(long)]
        note: Option<String>,
        /// Ghi mã QR ra tệp SVG
        #[arg(long)]
        svg: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// `import statement`: a bank statement, matched to the pledges.
#[derive(Subcommand)]
pub enum Import {
    /// Nhập sao kê ngân hàng và đối chiếu với các khoản cam kết; số dư không khớp thì không ghi gì (import a bank statement and match it to the pledges)
    Statement {
        file: PathBuf,
        /// Tài khoản của sao kê: 1121 (tài khoản tiếp nhận ủng hộ của Sở) hoặc 1388 (của Ủy ban MTTQ tỉnh)
        #[arg(long, default_value = "1121")]
        account: String,
        /// Kết quả dạng JSON: {statement, replayed, lines, already_seen, matched, proposed, unmatched, outgoing, skipped}
        #[arg(long)]
        json: bool,
    },
}

pub async fn import(cmd: Import, db: &str, out: &Out) -> Result<ExitCode> {
    let Import::Statement {
        file,
        account,
        json,
    } = cmd;
    let size = std::fs::metadata(&file)
        .with_context(|| {
            format!(
                "không đọc được tệp {} (cannot read the file)",
                file.display()
            )
        })?
        .len();
    // Refused before it is read: memory stays bounded whatever the file.
    if size > web::ledger::statements::MAX_STATEMENT_BYTES as u64 {
        out.error(
            "Tệp sao kê lớn hơn 32 MB.",
            "The statement file is larger than 32 MB.",
        );
        return Ok(ExitCode::FAILURE);
    }
    let bytes = std::fs::read(&file).with_context(|| {
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
    let st = match sheets::statements::read_statement(
        std::io::Cursor::new(&bytes),
        &sheets::reader::Limits::default(),
    ) {
        Ok(st) => st,
        Err(errors) => {
            out.row_errors(&errors, json);
            return Ok(ExitCode::FAILURE);
        }
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let store = open(db, 2).await?;
    let input = web::ledger::statements::input_of(&st, account.trim(), &name, &bytes);
    let c = store
        .import_statement(&store::AuditActor::system("cli"), &input)
        .await?;
    if json {
        println!("{}", serde_json::to_string(&c)?);
    } else if c.replayed {
        out.info(
            "Sao kê này đã được nhập trước đó: không có gì thay đổi.",
            "This statement was imported before: nothing changed.",
        );
    } else {
        out.info(
            &format!(
                "Đã nhập sao kê số {}: {} giao dịch ({} đã có từ sao kê khác), {} khớp theo mã và đã ghi sổ, {} chờ xác nhận, {} chưa khớp, {} tiền ra; bỏ qua {} dòng không phải giao dịch.",
                c.statement, c.lines, c.already_seen, c.matched, c.proposed, c.unmatched, c.outgoing, c.skipped
            ),
            &format!(
                "Imported statement {}: {} lines ({} already in another statement), {} matched by code and posted, {} to confirm, {} not matched, {} money out; {} rows that are not transactions skipped.",
                c.statement, c.lines, c.already_seen, c.matched, c.proposed, c.unmatched, c.outgoing, c.skipped
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Bảng cân đối tài khoản (trial balance), hiện tại hoặc đến hết một ngày
    Balance {
        /// Đến hết ngày (dd/mm/yyyy)
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Tính lại số dư từ từng dòng bút toán và so với sổ (recompute and compare)
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Command::Ledger(LedgerCommand::Balance { at, json }) => {
            let at = match at {
                Some(s) => match out.date_arg(&s, "Ngày") {
                    Some(d) => Some(d),
                    None => return Ok(ExitCode::from(2)),
                },
                None => None,
            };
            let store = open(db, 2).await?;
            let tb = store.trial_balance(at, out.lang).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tb)?);
            } else {
                println!(
                    "{:<6} {:<62} {:>22} {:>22} {:>22}",
                    out.pick("Số TK", "Code"),
                    out.pick("Tên tài khoản", "Account"),
                    out.pick("Phát sinh Nợ", "Debits"),
                    out.pick("Phát sinh Có", "Credits"),
                    out.pick("Số dư", "Balance"),
                );
                for a in &tb.accounts {
                    let name: String = a.name.chars().take(62).collect();
                    println!(
                        "{:<6} {:<62} {:>22} {:>22} {:>22}",
                        a.code,
                        name,
                        a.debits.to_string(),
                        a.credits.to_string(),
                        a.balance.to_string()
                    );
                }
                println!(
                    "{:<6} {:<62} {:>22} {:>22}",
                    "",
                    out.pick("Cộng", "Total"),
                    tb.total_debits.to_string(),
                    tb.total_credits.to_string()
                );
            }
            Ok(if tb.is_balanced() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Ledger(LedgerCommand::Verify { json }) => {
            let store = open(db, 2).await?;
            let problems = store.ledger_verify().await?;
            let entries = store.ledger_entry_count().await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"ok": problems.is_empty(), "entries": entries, "problems": problems})
                );
            } else if problems.is_empty() {
                out.info(
                    &format!(
                        "Sổ cái khớp: {entries} bút toán, số dư mọi tài khoản bằng tổng các dòng."
                    ),
                    &format!(
                        "The ledger holds: {entries} entries, every balance equals its postings."
                    ),
                );
            } else {
                for p in &problems {
                    out.error(p, p);
                }
            }
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Vietqr {
            bin,
            account,
            amount,
            note,
            svg,
            json,
        } => {
            let amount = match amount {
                Some(s) => {
                    match Dong::parse(&s) {
                        Some(d) => Some(d),
                        None => {
                            out.error(
                            &format!("Số tiền \"{s}\" không hợp lệ: cần số nguyên đồng, ví dụ 500.000."),
                            &format!("\"{s}\" is not an amount: a whole number of đồng, say 500.000."),
                        );
                            return Ok(ExitCode::from(2));
                        }
                    }
                }
                None => None,
            };
            let q = VietQr {
                bin: bin.trim().to_string(),
                account: account.trim().to_string(),
                amount,
                note: note.clone(),
            };
            let payload = q.payload()?;
            if let Some(path) = &svg {
                std::fs::write(path, q.svg(320)?)?;
            }
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "payload": payload, "bin": q.bin, "bank": bank_name(&q.bin), "account": q.account,
                        "amount": amount, "note": note.as_deref().map(ascii_note),
                        "svg": svg.as_ref().map(|p| p.display().to_string()),
                    })
                );
            } else {
                println!("{payload}");
                if let Some(path) = &svg {
                    out.info(
                        &format!("Đã ghi mã QR vào {}.", path.display()),
                        &format!("QR code written to {}.", path.display()),
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
