//! Running the system: `serve`, `demo`, `migrate`, `backup`, `restore`, and the logs of a
//! server.

use crate::database::{open, redact};
use crate::demo;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use store::{OpenOptions, Store, StoreError};

#[derive(Subcommand)]
pub enum Command {
    /// Chạy máy chủ web (serve the web app)
    Serve(ServeArgs),
    /// Tạo cơ sở dữ liệu mẫu Đắk Nông và chạy thử tại http://127.0.0.1:8080 (seed a demo and serve it)
    Demo(DemoArgs),
    /// Cập nhật cấu trúc cơ sở dữ liệu (apply pending migrations)
    Migrate,
}

#[derive(Subcommand)]
pub enum Maintenance {
    /// Sao lưu cơ sở dữ liệu SQLite đang chạy (consistent online copy of the SQLite database)
    Backup {
        /// Tệp sao lưu, chưa tồn tại (the backup file; must not exist)
        #[arg(long)]
        out: PathBuf,
        /// In số dòng của từng bảng và đầu chuỗi nhật ký dạng JSON (print the summary as JSON)
        #[arg(long)]
        json: bool,
    },
    /// Khôi phục bản sao lưu SQLite vào tệp mới ở --db (restore a SQLite backup into the new file --db names)
    Restore {
        /// Tệp sao lưu do lệnh backup tạo (the backup file made by `backup`)
        #[arg(long)]
        from: PathBuf,
        /// In số dòng của từng bảng và đầu chuỗi nhật ký dạng JSON (print the summary as JSON)
        #[arg(long)]
        json: bool,
    },
}

/// What a backup or a restore holds, as the officer reads it, or JSON.
fn print_summary(s: &store::backup::Summary, json: bool, out: &Out) {
    if json {
        println!("{}", serde_json::to_string_pretty(s).unwrap_or_default());
        return;
    }
    let checkpoint = s
        .checkpoint
        .as_ref()
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| "—".into());
    out.info(
        &format!(
            "{} bảng, {} dòng; nhật ký {} mục, mã băm cuối {}; điểm kiểm tra đã ký gần nhất: {}.",
            s.tables.len(),
            s.rows(),
            s.audit_seq,
            s.audit_hash,
            checkpoint
        ),
        &format!(
            "{} tables, {} rows; audit log {} entries, last hash {}; latest signed checkpoint: {}.",
            s.tables.len(),
            s.rows(),
            s.audit_seq,
            s.audit_hash,
            checkpoint
        ),
    );
}

#[derive(Args)]
pub struct ServeArgs {
    /// Địa chỉ lắng nghe (address to listen on)
    #[arg(long, env = "SONGMAYTINH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Địa chỉ người dùng truy cập; https:// bật cookie Secure (public URL; https enables Secure cookies)
    #[arg(long, env = "SONGMAYTINH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Số kết nối tối đa tới cơ sở dữ liệu (database pool size)
    #[arg(long, env = "SONGMAYTINH_DB_POOL", default_value_t = 16)]
    pub db_pool: u32,
    /// Số giây mỗi máy chủ nhớ phiên, khóa API và số liệu tổng quan; 0 để tắt (seconds this server caches sessions, API keys and dashboard counts; 0 disables)
    #[arg(long, env = "SONGMAYTINH_CACHE_SECS", default_value_t = 5)]
    pub cache_secs: u64,
    /// Địa chỉ (CIDR) của máy chủ chuyển tiếp (load balancer) được tin tiêu đề X-Forwarded-For, cách nhau bởi dấu phẩy (proxies whose X-Forwarded-For is trusted, comma-separated CIDRs)
    #[arg(
        long = "trusted-proxy",
        env = "SONGMAYTINH_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Tài khoản nhận tiền ủng hộ của Sở cho mã VietQR: "mã ngân hàng (BIN),số tài khoản,tên chủ tài khoản" (the Department's donations account for VietQR codes: "BIN,number,holder")
    #[arg(long, env = "SONGMAYTINH_DONATIONS_ACCOUNT")]
    pub donations_account: Option<String>,
    /// Tài khoản của Ủy ban MTTQ tỉnh cho chương trình, cùng dạng (the Fatherland Front's account, same form)
    #[arg(long, env = "SONGMAYTINH_MTTQ_ACCOUNT")]
    pub mttq_account: Option<String>,
    #[command(flatten)]
    pub log: crate::audit::LogKeyArgs,
}

/// The demo's receiving accounts (not real ones).
const DEMO_DONATIONS_ACCOUNT: &str = "970436,0631000468888,SO GIAO DUC VA DAO TAO DAK NONG";
const DEMO_MTTQ_ACCOUNT: &str = "970418,63110000123456,UY BAN MTTQ VIET NAM TINH DAK NONG";

/// `BIN,number,holder` as a bank account a VietQR code can be made for, or why not.
fn bank_account(flag: &str, s: &str, out: &Out) -> Option<web::BankAccount> {
    let mut parts = s.splitn(3, ',').map(str::trim);
    let (bin, number, holder) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    let qr = domain::ledger::vietqr::VietQr {
        bin: bin.to_string(),
        account: number.to_string(),
        amount: None,
        note: None,
    };
    match qr.payload() {
        Ok(_) if !holder.is_empty() => Some(web::BankAccount {
            bin: bin.to_string(),
            number: number.to_string(),
            holder: holder.to_string(),
        }),
        Ok(_) => {
            out.error(
                &format!("--{flag}: thiếu tên chủ tài khoản (dạng \"BIN,số tài khoản,tên chủ tài khoản\")."),
                &format!("--{flag}: the holder's name is missing (\"BIN,number,holder\")."),
            );
            None
        }
        Err(e) => {
            out.error(
                &format!("--{flag}: {}", e.message(domain::Lang::Vi)),
                &format!("--{flag}: {}", e.message(domain::Lang::En)),
            );
            None
        }
    }
}

#[derive(Args)]
pub struct DemoArgs {
    /// Tệp SQLite mẫu; mặc định ./songmaytinh-demo.db; hoặc dùng --db để tạo dữ liệu mẫu trong cơ sở dữ liệu khác (the demo SQLite file; or --db for another database)
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Địa chỉ lắng nghe (address to listen on)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Chỉ tạo dữ liệu, không chạy máy chủ (seed only)
    #[arg(long)]
    pub no_serve: bool,
    /// Nhân số học sinh của mỗi danh sách mẫu lên N lần: 4 cho một tỉnh khoảng 20.000 học sinh (N times the students of every generated list: 4 for a province of about 20,000)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub scale: u16,
    #[command(flatten)]
    pub log: crate::audit::LogKeyArgs,
}

/// Where the demo goes without `--file` or `--db`.
pub const DEMO_FILE: &str = "./songmaytinh-demo.db";

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// `named`: the database `--db` (or `SONGMAYTINH_DB`) names, if any; `db`: that or the
/// default.
pub async fn run(
    cmd: Command,
    named: Option<&str>,
    db: &str,
    log_format: LogFormat,
    out: &Out,
) -> Result<ExitCode> {
    match cmd {
        Command::Serve(a) => {
            let mut accounts = [None, None];
            for (i, (flag, value)) in [
                ("donations-account", &a.donations_account),
                ("mttq-account", &a.mttq_account),
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(v) = value {
                    match bank_account(flag, v, out) {
                        Some(acc) => accounts[i] = Some(acc),
                        None => return Ok(ExitCode::from(2)),
                    }
                }
            }
            let [donations_account, mttq_account] = accounts;
            let _logs = init_logs(log_format);
            let log_signer = Some(std::sync::Arc::new(a.log.signer()?));
            let store = open(db, a.db_pool).await?;
            let config = web::WebConfig {
                public_url: a.public_url.unwrap_or_else(|| format!("http://{}", a.bind)),
                cache_ttl: std::time::Duration::from_secs(a.cache_secs),
                trusted_proxies: a.trusted_proxies,
                donations_account,
                mttq_account,
                log_signer,
                ..web::WebConfig::default()
            };
            serve(store, config, &a.bind).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => {
            // The demo goes to `--file`, or to the database `--db` names (PostgreSQL too);
            // never to both.
            let url = match (named, &a.file) {
                (Some(_), Some(_)) => {
                    out.error(
                        "Chọn một nơi cho dữ liệu mẫu: --file (tệp SQLite) hoặc --db (cơ sở dữ liệu), không dùng cả hai.",
                        "Choose one place for the demo: --file (a SQLite file) or --db (a database), not both.",
                    );
                    return Ok(ExitCode::from(2));
                }
                (Some(url), None) => url.to_string(),
                (None, file) => format!(
                    "sqlite://{}",
                    file.as_deref()
                        .unwrap_or(std::path::Path::new(DEMO_FILE))
                        .display()
                ),
            };
            let _logs = init_logs(log_format);
            let store = open(&url, 8).await?;
            // A database that has never recorded anything gets the demo; one that has is
            // used as it is.
            if store.audit_head().await?.0 == 0 {
                demo::seed(&store, out, usize::from(a.scale)).await?;
            } else {
                out.info(
                    &format!("Dùng lại dữ liệu có sẵn: {}", redact(&url)),
                    &format!("Reusing the data already in {}", redact(&url)),
                );
            }
            // The demo's log is signed as a real one is: the key beside, outside the data.
            let signer = std::sync::Arc::new(a.log.signer()?);
            store.log_daily_checkpoint(&signer).await?;
            demo::print_logins(&store, out).await?;
            if a.no_serve {
                return Ok(ExitCode::SUCCESS);
            }
            let config = web::WebConfig {
                public_url: format!("http://{}", a.bind),
                donations_account: bank_account("donations-account", DEMO_DONATIONS_ACCOUNT, out),
                mttq_account: bank_account("mttq-account", DEMO_MTTQ_ACCOUNT, out),
                log_signer: Some(signer),
                ..web::WebConfig::default()
            };
            serve(store, config, &a.bind).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store = Store::open(
                db,
                &OpenOptions {
                    migrate: false,
                    ..OpenOptions::default()
                },
            )
            .await
            .with_context(|| format!("không mở được cơ sở dữ liệu {}", redact(db)))?;
            let pending = store.pending_migrations().await?;
            store.migrate().await?;
            out.info(
                &format!(
                    "Đã cập nhật cơ sở dữ liệu ({pending} bước mới, {}).",
                    store.engine().name()
                ),
                &format!(
                    "Database migrated ({pending} new steps, {}).",
                    store.engine().name()
                ),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn maintain(cmd: Maintenance, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Maintenance::Restore { from, json } => {
            let Some(target) = store::sqlite_path(db).filter(|_| db.starts_with("sqlite:")) else {
                out.error(
                    "Với PostgreSQL, hãy khôi phục bằng pg_restore, ví dụ: createdb songmaytinh_moi && pg_restore --no-owner --dbname=postgres://…/songmaytinh_moi tep-sao-luu.dump",
                    "For PostgreSQL, restore with pg_restore, e.g.: createdb songmaytinh_new && pg_restore --no-owner --dbname=postgres://…/songmaytinh_new backup.dump",
                );
                return Ok(ExitCode::from(2));
            };
            match store::backup::restore_sqlite(&from, std::path::Path::new(target)).await {
                Ok(s) => {
                    if !json {
                        out.info(
                            &format!(
                                "Đã khôi phục {} vào {}; chuỗi nhật ký khớp.",
                                from.display(),
                                target
                            ),
                            &format!(
                                "Restored {} into {}; the audit chain verifies.",
                                from.display(),
                                target
                            ),
                        );
                    }
                    print_summary(&s, json, out);
                    Ok(ExitCode::SUCCESS)
                }
                Err(StoreError::Unsupported(msg)) => {
                    out.error(&msg, &msg);
                    Ok(ExitCode::from(1))
                }
                Err(e) => Err(e.into()),
            }
        }
        Maintenance::Backup { out: path, json } => {
            let store = open(db, 2).await?;
            match store.backup_sqlite(&path).await {
                Ok(bytes) => {
                    if !json {
                        out.info(
                            &format!("Đã sao lưu {} byte vào {}.", bytes, path.display()),
                            &format!("Backed up {} bytes to {}.", bytes, path.display()),
                        );
                    }
                    print_summary(&store::backup::summary_of(&path).await?, json, out);
                    Ok(ExitCode::SUCCESS)
                }
                Err(StoreError::Unsupported(msg)) if store.engine() == store::Engine::Postgres => {
                    out.error(
                        &format!("Với PostgreSQL, hãy sao lưu bằng pg_dump, ví dụ: pg_dump --format=custom --file={} \"$SONGMAYTINH_DB\" ({msg})", path.display()),
                        &format!("For PostgreSQL, back up with pg_dump, e.g.: pg_dump --format=custom --file={} \"$SONGMAYTINH_DB\"", path.display()),
                    );
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// Logs go to stderr through a background writer: a request never waits for a write
/// (the writer blocks rather than drop lines when it falls behind). Keep the guard alive:
/// dropping it flushes.
fn init_logs(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    guard
}

async fn serve(store: Store, config: web::WebConfig, bind: &str) -> Result<()> {
    let app = web::Application::build(store.clone(), config.clone(), bind)
        .await
        .with_context(|| format!("không lắng nghe được tại {bind} (cannot listen)"))?;
    tracing::info!(addr = %app.local_addr(), engine = store.engine().name(), "serving");
    // Expired sessions are removed hourly by whichever server gets there.
    let purger = store.clone();
    let policy = config.sessions;
    let signer = config.log_signer.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match purger.purge_sessions(policy).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            if let Err(e) = purger.purge_login_attempts().await {
                tracing::warn!(error = %e, "purge of old failed logins failed");
            }
            // The day's checkpoint of the audit log, by whichever server gets there first
            // (the same size signed twice keeps the first note).
            if let Some(signer) = &signer {
                match purger.log_daily_checkpoint(signer).await {
                    Ok(c) => tracing::debug!(size = c.size, "log checkpoint"),
                    Err(e) => tracing::warn!(error = %e, "log checkpoint failed"),
                }
            }
        }
    });
    app.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
