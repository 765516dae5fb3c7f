//! The `songmaytinh` command: it parses the command line and hands each command to its
//! area's file (`units.rs`, `students.rs`, `devices.rs`, …), which calls the same store
//! and web functions the web app does, as a system actor audited like any user.

mod allocation;
mod audit;
mod database;
mod dedup;
mod demo;
mod devices;
mod donations;
mod handover;
mod households;
mod ledger;
mod ops;
mod output;
mod procurement;
mod reports;
mod students;
mod units;
mod users;

/// mimalloc: the server allocates many small strings per request; glibc's malloc showed up
/// as the largest user-space cost in profiles of the dashboard benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Result;
use clap::{Parser, Subcommand};
use domain::Lang;
use output::{Out, fail};
use std::process::ExitCode;

/// The database when neither `--db` nor `SONGMAYTINH_DB` names one.
pub const DEFAULT_DB: &str = "sqlite://./songmaytinh.db";

#[derive(Parser)]
#[command(
    name = "songmaytinh",
    version,
    about = "Quản lý Chương trình “Sóng và máy tính cho em” (runs the “Signal and computers for children” programme)"
)]
struct Cli {
    /// Cơ sở dữ liệu: tệp SQLite hoặc postgres://…; mặc định sqlite://./songmaytinh.db (database: a SQLite file or a PostgreSQL URL)
    #[arg(long, global = true, env = "SONGMAYTINH_DB")]
    db: Option<String>,
    /// Ngôn ngữ thông báo: vi hoặc en (language of messages)
    #[arg(long, global = true, env = "SONGMAYTINH_LANG", default_value = "vi")]
    lang: String,
    /// Nhật ký dạng text hoặc json (log format)
    #[arg(long, global = true, env = "SONGMAYTINH_LOG_FORMAT", value_enum, default_value_t = ops::LogFormat::Text)]
    log_format: ops::LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// Every command, each area's flattened in from its file.
#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Ops(ops::Command),
    #[command(flatten)]
    Users(users::Command),
    /// Nhập dữ liệu từ tệp (import data from a file)
    #[command(subcommand)]
    Import(Import),
    #[command(flatten)]
    Audit(audit::Command),
    #[command(flatten)]
    Students(students::Command),
    #[command(flatten)]
    Dedup(dedup::Command),
    #[command(flatten)]
    Devices(devices::Command),
    #[command(flatten)]
    Donations(donations::Command),
    #[command(flatten)]
    Allocation(allocation::Command),
    #[command(flatten)]
    Handover(handover::Command),
    #[command(flatten)]
    Ledger(ledger::Command),
    #[command(flatten)]
    Reports(reports::Command),
    /// Xuất dữ liệu mở (export open data)
    #[command(subcommand)]
    Export(Export),
    #[command(flatten)]
    Maintenance(ops::Maintenance),
}

/// `export …`: each area's open data, flattened in from its file.
#[derive(Subcommand)]
enum Export {
    #[command(flatten)]
    Procurement(procurement::Export),
}

/// `import …`: each area's import, flattened in from its file.
#[derive(Subcommand)]
enum Import {
    #[command(flatten)]
    Devices(devices::Import),
    #[command(flatten)]
    Students(students::Import),
    #[command(flatten)]
    Households(households::Import),
    #[command(flatten)]
    Units(units::Import),
    #[command(flatten)]
    Ledger(ledger::Import),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::parse(&cli.lang).unwrap_or_default();
    let out = Out { lang };
    match run(cli, &out).await {
        Ok(code) => code,
        Err(e) => {
            fail(lang, &e);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, out: &Out) -> Result<ExitCode> {
    let named = cli.db;
    let db = named.clone().unwrap_or_else(|| DEFAULT_DB.to_string());
    let db = db.as_str();
    match cli.command {
        Command::Ops(c) => ops::run(c, named.as_deref(), db, cli.log_format, out).await,
        Command::Users(c) => users::run(c, db, out).await,
        Command::Import(Import::Devices(c)) => devices::import(c, db, out).await,
        Command::Import(Import::Students(c)) => students::import(c, db, out).await,
        Command::Import(Import::Households(c)) => households::import(c, db, out).await,
        Command::Import(Import::Units(c)) => units::import(c, db, out).await,
        Command::Import(Import::Ledger(c)) => ledger::import(c, db, out).await,
        Command::Audit(c) => audit::run(c, db, out).await,
        Command::Students(c) => students::run(c, db, out).await,
        Command::Dedup(c) => dedup::run(c, db, out).await,
        Command::Devices(c) => devices::run(c, db, out).await,
        Command::Donations(c) => donations::run(c, db, out).await,
        Command::Allocation(c) => allocation::run(c, db, out).await,
        Command::Handover(c) => handover::run(c, db, out).await,
        Command::Ledger(c) => ledger::run(c, db, out).await,
        Command::Reports(c) => reports::run(c, db, out).await,
        Command::Export(Export::Procurement(c)) => procurement::export(c, db, out).await,
        Command::Maintenance(c) => ops::maintain(c, db, out).await,
    }
}
