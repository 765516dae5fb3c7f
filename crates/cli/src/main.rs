//! The `songmaytinh` command: a thin shell over the store and the web app. Each command
//! acts as a system actor, audited like any user.

mod demo;
mod donations;
mod output;

/// mimalloc: the server allocates many small strings per request; glibc's malloc showed up
/// as the largest user-space cost in profiles of the dashboard benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::Lang;
use domain::students::StudentsError;
use domain::units::UnitsError;
use domain::users::{Role, Username, check_new_password};
use output::{Out, fail};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use store::units::{ImportOptions, ImportSource};
use store::users::NewUser;
use store::{AuditActor, OpenOptions, Store, StoreError};

#[derive(Parser)]
#[command(
    name = "songmaytinh",
    version,
    about = "Quản lý Chương trình “Sóng và máy tính cho em” (runs the “Signal and computers for children” programme)"
)]
struct Cli {
    /// Cơ sở dữ liệu: tệp SQLite hoặc postgres://… (database: a SQLite file or a PostgreSQL URL)
    #[arg(
        long,
        global = true,
        env = "SONGMAYTINH_DB",
        default_value = "sqlite://./songmaytinh.db"
    )]
    db: String,
    /// Ngôn ngữ thông báo: vi hoặc en (language of messages)
    #[arg(long, global = true, env = "SONGMAYTINH_LANG", default_value = "vi")]
    lang: String,
    /// Nhật ký dạng text hoặc json (log format)
    #[arg(long, global = true, env = "SONGMAYTINH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Chạy máy chủ web (serve the web app)
    Serve(ServeArgs),
    /// Tạo cơ sở dữ liệu mẫu Đắk Nông và chạy thử tại http://127.0.0.1:8080 (seed a demo and serve it)
    Demo(DemoArgs),
    /// Cập nhật cấu trúc cơ sở dữ liệu (apply pending migrations)
    Migrate,
    /// Quản lý người dùng (users)
    #[command(subcommand)]
    User(UserCommand),
    /// Nhập dữ liệu từ tệp (import data from a file)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Nhật ký thay đổi (audit trail)
    #[command(subcommand)]
    Audit(AuditCommand),
    /// In danh sách học sinh đã lưu (print stored students)
    Students {
        /// Mã trường (school code)
        #[arg(long)]
        school: Option<String>,
        /// Mã đợt khảo sát; mặc định là đợt đang mở (round id; default: the open round)
        #[arg(long)]
        round: Option<i64>,
        /// Dạng JSON (JSON lines of students)
        #[arg(long)]
        json: bool,
    },
    /// Rà soát trùng lặp toàn tỉnh: cùng mã học sinh hoặc có thể cùng một người (find duplicate students across the province)
    Dedup {
        /// Mã đợt khảo sát; mặc định là đợt đang mở (round id; default: the open round)
        #[arg(long)]
        round: Option<i64>,
        /// Dạng JSON: {"groups": [{"students": [...], "reason", "score"}]}
        #[arg(long)]
        json: bool,
    },
    /// Chương trình, đối tượng và đợt khảo sát (programs, tiers, rounds)
    #[command(subcommand)]
    Program(ProgramCommand),
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
    /// Nhà tài trợ (donors)
    #[command(subcommand)]
    Donor(donations::DonorCommand),
    /// Tiếp nhận thiết bị ủng hộ và biên bản tiếp nhận (devices received in kind, receipt minutes)
    #[command(subcommand)]
    Donation(donations::DonationCommand),
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
        result: donations::VerdictArg,
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
    /// Sao lưu cơ sở dữ liệu SQLite đang chạy (consistent online copy of the SQLite database)
    Backup {
        /// Tệp sao lưu, chưa tồn tại (the backup file; must not exist)
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Địa chỉ lắng nghe (address to listen on)
    #[arg(long, env = "SONGMAYTINH_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Địa chỉ người dùng truy cập; https:// bật cookie Secure (public URL; https enables Secure cookies)
    #[arg(long, env = "SONGMAYTINH_PUBLIC_URL")]
    public_url: Option<String>,
    /// Số kết nối tối đa tới cơ sở dữ liệu (database pool size)
    #[arg(long, env = "SONGMAYTINH_DB_POOL", default_value_t = 16)]
    db_pool: u32,
    /// Số giây mỗi máy chủ nhớ phiên, khóa API và số liệu tổng quan; 0 để tắt (seconds this server caches sessions, API keys and dashboard counts; 0 disables)
    #[arg(long, env = "SONGMAYTINH_CACHE_SECS", default_value_t = 5)]
    cache_secs: u64,
}

#[derive(Args)]
struct DemoArgs {
    /// Tệp SQLite mẫu (the demo database file)
    #[arg(long, default_value = "./songmaytinh-demo.db")]
    file: PathBuf,
    /// Địa chỉ lắng nghe (address to listen on)
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Chỉ tạo dữ liệu, không chạy máy chủ (seed only)
    #[arg(long)]
    no_serve: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Thêm người dùng; mật khẩu đọc từ stdin hoặc được tạo và in ra một lần (add a user; password from stdin or generated and printed once)
    Add {
        #[arg(long)]
        username: String,
        /// admin, so_gddt, ban_dieu_phoi, phong_gddt, truong, so_tttt, so_tai_chinh, mttq, ubnd_tinh
        #[arg(long)]
        role: String,
        /// Mã đơn vị (unit code)
        #[arg(long)]
        unit: String,
        /// Họ và tên (full name); mặc định là tên đăng nhập
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DeviceModelCommand {
    /// Khai báo mẫu thiết bị từ tệp JSON (declare a device model from a JSON file:
    /// {"kind": "tablet", "brand", "model", "ram_mb", "storage_gb", "screen_tenths", ...})
    Add { file: PathBuf },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Nhập danh sách số sê-ri/IMEI thiết bị của nhà cung cấp hoặc nhà tài trợ; có lỗi thì không ghi gì (register a list of device serials, all or nothing)
    Devices {
        file: PathBuf,
        /// Mã mẫu thiết bị (device model id)
        #[arg(long)]
        model: i64,
        /// Nguồn: số biên bản tiếp nhận hoặc số hợp đồng, ví dụ donation:01/BB-TN (source reference)
        #[arg(long)]
        source: String,
        /// Chỉ kiểm tra, không ghi (check only, write nothing)
        #[arg(long)]
        dry_run: bool,
        /// Kết quả dạng JSON: {imported, rejected, errors: [{row, code, message}]}
        #[arg(long)]
        json: bool,
    },
    /// Nhập danh sách học sinh của một trường từ .xlsx, .xls, .ods hoặc .csv (import a school's list of students)
    Students {
        file: PathBuf,
        /// Mã trường (school code)
        #[arg(long)]
        school: String,
        /// Mã đợt khảo sát; mặc định là đợt đang mở (round id; default: the open round)
        #[arg(long)]
        round: Option<i64>,
        /// Chỉ kiểm tra, không ghi (check only, write nothing)
        #[arg(long)]
        dry_run: bool,
        /// Kết quả dạng JSON (JSON report)
        #[arg(long)]
        json: bool,
    },
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

#[derive(Subcommand)]
enum ProgramCommand {
    /// Tạo Chương trình 2022 của Đắk Nông với ba đối tượng và đợt 1 (create the 2022 programme with its tiers and round 1)
    #[command(name = "seed-2022")]
    Seed2022,
    /// Liệt kê chương trình và đợt (list programmes and rounds)
    List,
    /// In mô tả chương trình 2022 dạng JSON, làm mẫu cho chiến dịch mới (print the 2022 programme as JSON, a template for the next campaign)
    Spec,
    /// Tạo chương trình mới từ tệp JSON: đối tượng, ngày, đợt đầu tiên (create a programme from a JSON description)
    Create { file: PathBuf },
    /// Mở thêm một đợt khảo sát (add a survey round)
    AddRound {
        /// Mã chương trình (programme code)
        #[arg(long)]
        program: String,
        /// Tên đợt, ví dụ "Đợt 2" (round name)
        #[arg(long)]
        name: String,
        /// Ngày mở, dd/mm/yyyy (opening date)
        #[arg(long)]
        opens: String,
        /// Ngày đóng, dd/mm/yyyy (closing date)
        #[arg(long)]
        closes: String,
    },
    /// Đóng một đợt khảo sát (close a round)
    CloseRound { id: i64 },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Kiểm tra toàn bộ chuỗi nhật ký (verify the whole chain)
    Verify {
        #[arg(long)]
        json: bool,
    },
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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::parse(&cli.lang).unwrap_or_default();
    let out = Out { lang };
    match run(cli, out).await {
        Ok(code) => code,
        Err(e) => {
            fail(lang, &e);
            ExitCode::FAILURE
        }
    }
}

async fn open(url: &str, pool: u32) -> Result<Store> {
    Store::open(
        url,
        &OpenOptions {
            max_connections: pool,
            ..OpenOptions::default()
        },
    )
    .await
    .with_context(|| {
        format!(
            "không mở được cơ sở dữ liệu {} (cannot open the database)",
            redact(url)
        )
    })
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn run(cli: Cli, out: Out) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(a) => {
            let _logs = init_logs(cli.log_format);
            let store = open(&cli.db, a.db_pool).await?;
            let config = web::WebConfig {
                public_url: a.public_url.unwrap_or_else(|| format!("http://{}", a.bind)),
                cache_ttl: std::time::Duration::from_secs(a.cache_secs),
                ..web::WebConfig::default()
            };
            serve(store, config, &a.bind).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => {
            let _logs = init_logs(cli.log_format);
            let url = format!("sqlite://{}", a.file.display());
            let fresh = !a.file.exists();
            let store = open(&url, 8).await?;
            if fresh {
                demo::seed(&store, &out).await?;
            } else {
                out.info(
                    &format!("Dùng lại dữ liệu mẫu có sẵn: {}", a.file.display()),
                    &format!("Reusing the demo database {}", a.file.display()),
                );
            }
            demo::print_logins(&store, &out).await?;
            if a.no_serve {
                return Ok(ExitCode::SUCCESS);
            }
            let config = web::WebConfig {
                public_url: format!("http://{}", a.bind),
                ..web::WebConfig::default()
            };
            serve(store, config, &a.bind).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store = Store::open(
                &cli.db,
                &OpenOptions {
                    migrate: false,
                    ..OpenOptions::default()
                },
            )
            .await
            .with_context(|| format!("không mở được cơ sở dữ liệu {}", redact(&cli.db)))?;
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
        Command::User(UserCommand::Add {
            username,
            role,
            unit,
            full_name,
            json,
        }) => {
            let store = open(&cli.db, 2).await?;
            user_add(&store, &out, username, role, unit, full_name, json).await
        }
        Command::Import(ImportCommand::Units {
            file,
            dry_run,
            json,
        }) => {
            let store = open(&cli.db, 2).await?;
            import_units(&store, &out, file, dry_run, json).await
        }
        Command::Import(ImportCommand::Students {
            file,
            school,
            round,
            dry_run,
            json,
        }) => {
            let store = open(&cli.db, 4).await?;
            import_students(&store, &out, file, school, round, dry_run, json).await
        }
        Command::Import(ImportCommand::Households {
            file,
            year,
            dry_run,
            json,
        }) => {
            let store = open(&cli.db, 2).await?;
            import_households(&store, &out, file, year, dry_run, json).await
        }
        Command::Students {
            school,
            round,
            json,
        } => {
            let store = open(&cli.db, 2).await?;
            print_students(&store, &out, school, round, json).await
        }
        Command::Dedup { round, json } => {
            let store = open(&cli.db, 2).await?;
            dedup(&store, &out, round, json).await
        }
        Command::Stocktake {
            file,
            school,
            unit,
            json,
        } => {
            let store = open(&cli.db, 2).await?;
            stocktake(&store, &out, file, school, unit, json).await
        }
        Command::Donor(cmd) => {
            let store = open(&cli.db, 2).await?;
            donations::donor(&store, &out, cmd).await
        }
        Command::Donation(cmd) => {
            let store = open(&cli.db, 2).await?;
            donations::donation(&store, &out, cmd).await
        }
        Command::Appraise {
            model,
            batch,
            result,
            date,
            notes,
            json,
        } => {
            let store = open(&cli.db, 2).await?;
            donations::appraise(&store, &out, model, batch, result, date, notes, json).await
        }
        Command::StockIn { model, batch } => {
            let store = open(&cli.db, 2).await?;
            donations::stock_in(&store, &out, model, &batch).await
        }
        Command::DeviceModel(DeviceModelCommand::Add { file }) => {
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
            let store = open(&cli.db, 2).await?;
            let id = store
                .create_device_model(&AuditActor::system("cli"), &model)
                .await?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Devices {
            file,
            model,
            source,
            dry_run,
            json,
        }) => {
            let store = open(&cli.db, 2).await?;
            import_devices(&store, &out, file, model, &source, dry_run, json).await
        }
        Command::Program(ProgramCommand::Seed2022) => {
            let store = open(&cli.db, 2).await?;
            let (p, r) = demo::seed_program(&store, &AuditActor::system("cli")).await?;
            out.info(
                &format!("Đã tạo chương trình #{p} và đợt khảo sát #{r}."),
                &format!("Created programme #{p} and survey round #{r}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Program(ProgramCommand::Spec) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&domain::students::programs::ProgramSpec::of_2022())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Program(ProgramCommand::Create { file }) => {
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!(
                    "không đọc được tệp {} (cannot read the file)",
                    file.display()
                )
            })?;
            let spec: domain::students::programs::ProgramSpec = match serde_json::from_str(&text) {
                Ok(s) => s,
                Err(e) => {
                    out.error(
                        &format!(
                            "Tệp JSON không hợp lệ, dòng {}, cột {}: {e}",
                            e.line(),
                            e.column()
                        ),
                        &format!(
                            "Invalid JSON at line {}, column {}: {e}",
                            e.line(),
                            e.column()
                        ),
                    );
                    return Ok(ExitCode::FAILURE);
                }
            };
            let checked = spec.check()?;
            let store = open(&cli.db, 2).await?;
            let (p, r) = store
                .create_program_from(&AuditActor::system("cli"), &checked)
                .await?;
            out.info(
                &format!(
                    "Đã tạo chương trình #{p} ({}) và đợt khảo sát #{r}.",
                    checked.code
                ),
                &format!(
                    "Created programme #{p} ({}) and survey round #{r}.",
                    checked.code
                ),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Program(ProgramCommand::AddRound {
            program,
            name,
            opens,
            closes,
        }) => {
            let date = |s: &str| {
                domain::dates::parse_date(s).ok_or_else(|| {
                    domain::DomainError::Students(StudentsError::InvalidProgram {
                        reason: format!("\"{s}\" không phải ngày dd/mm/yyyy"),
                    })
                })
            };
            let (opens, closes) = (date(&opens)?, date(&closes)?);
            let store = open(&cli.db, 2).await?;
            let id = store
                .add_round(&AuditActor::system("cli"), &program, &name, opens, closes)
                .await?;
            out.info(
                &format!("Đã mở đợt khảo sát #{id}."),
                &format!("Opened survey round #{id}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Program(ProgramCommand::CloseRound { id }) => {
            let store = open(&cli.db, 2).await?;
            store
                .set_round_open(&AuditActor::system("cli"), id, false)
                .await?;
            out.info(
                &format!("Đã đóng đợt khảo sát #{id}."),
                &format!("Closed survey round #{id}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Program(ProgramCommand::List) => {
            let store = open(&cli.db, 2).await?;
            for p in store.programs().await? {
                println!("{}\t{}\t{} → {}", p.id, p.name, p.starts_on, p.ends_on);
            }
            for r in store.rounds().await? {
                println!(
                    "  đợt {}\t{}\t{} → {}\t{}",
                    r.id,
                    r.name,
                    r.opens_on,
                    r.closes_on,
                    if r.open { "đang mở" } else { "đã đóng" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { json }) => {
            let store = open(&cli.db, 2).await?;
            audit_verify(&store, &out, json).await
        }
        Command::Backup { out: path } => {
            let store = open(&cli.db, 2).await?;
            match store.backup_sqlite(&path).await {
                Ok(bytes) => {
                    out.info(
                        &format!("Đã sao lưu {} byte vào {}.", bytes, path.display()),
                        &format!("Backed up {} bytes to {}.", bytes, path.display()),
                    );
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

async fn serve(store: Store, config: web::WebConfig, bind: &str) -> Result<()> {
    let app = web::Application::build(store.clone(), config.clone(), bind)
        .await
        .with_context(|| format!("không lắng nghe được tại {bind} (cannot listen)"))?;
    tracing::info!(addr = %app.local_addr(), engine = store.engine().name(), "serving");
    // Expired sessions are removed hourly by whichever server gets there.
    let purger = store.clone();
    let policy = config.sessions;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match purger.purge_sessions(policy).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
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

async fn user_add(
    store: &Store,
    out: &Out,
    username: String,
    role: String,
    unit: String,
    full_name: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let username = Username::parse(&username)?;
    let role = Role::parse(&role)?;
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (store::passwords::generate_password(), true)
    } else {
        let mut s = String::new();
        stdin.lock().take(4096).read_to_string(&mut s)?;
        let p = s.lines().next().unwrap_or("").to_string();
        if p.is_empty() {
            (store::passwords::generate_password(), true)
        } else {
            check_new_password(&p, username.as_str())?;
            (p, false)
        }
    };
    let hash = store::passwords::hash_password(&password).await?;
    let user = store
        .create_user(
            &AuditActor::system("cli"),
            None,
            NewUser {
                full_name: full_name.unwrap_or_else(|| username.to_string()),
                username,
                role,
                unit_code: unit,
                password_hash: hash,
                must_change_password: generated,
            },
        )
        .await?;
    if json {
        let v = serde_json::json!({
            "id": user.id, "username": user.username, "role": user.role, "unit": user.unit_code,
            "generated_password": generated.then_some(&password),
        });
        println!("{v}");
    } else {
        out.info(
            &format!(
                "Đã tạo người dùng {} ({}) thuộc {} – {}.",
                user.username,
                user.role.code(),
                user.unit_code,
                user.unit_name
            ),
            &format!(
                "Created user {} ({}) in {} – {}.",
                user.username,
                user.role.code(),
                user.unit_code,
                user.unit_name
            ),
        );
        if generated {
            out.info(
                "Mật khẩu tạm thời (chỉ hiện một lần; phải đổi khi đăng nhập lần đầu):",
                "Temporary password (shown once; must be changed at first login):",
            );
            println!("{password}");
        }
    }
    Ok(ExitCode::SUCCESS)
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

async fn import_students(
    store: &Store,
    out: &Out,
    file: PathBuf,
    school: String,
    round: Option<i64>,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let unit = store.unit_by_code(&school).await?.ok_or_else(|| {
        domain::DomainError::Units(UnitsError::UnknownUnit {
            code: school.clone(),
        })
    })?;
    let sha256 = std::fs::File::open(&file)
        .and_then(domain::digest::sha256_stream)
        .with_context(|| {
            format!(
                "không đọc được tệp {} (cannot read the file)",
                file.display()
            )
        })?;
    let input = std::fs::File::open(&file).with_context(|| {
        format!(
            "không đọc được tệp {} (cannot read the file)",
            file.display()
        )
    })?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !json {
        out.info(
            &format!("Đang đọc {}…", file.display()),
            &format!("Reading {}…", file.display()),
        );
    }
    let req = web::students::imports::ImportRequest {
        school: &unit,
        round_id: round,
        file_name: &name,
        sha256,
        dry_run,
        lang: out.lang,
    };
    let result = web::students::imports::import_students(
        store,
        &AuditActor::system("cli"),
        &req,
        std::io::BufReader::new(input),
    )
    .await;
    let (report, outcome) = match result {
        Ok(x) => x,
        Err(web::imports::ImportError::File(e)) => {
            out.error(&e.message_vi, &e.message_en);
            return Ok(ExitCode::FAILURE);
        }
        Err(web::imports::ImportError::NotASchool(code)) => {
            out.error(
                &format!("Đơn vị {code} không phải là trường."),
                &format!("Unit {code} is not a school."),
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(web::imports::ImportError::Store(e)) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    for e in &report.errors {
        match &e.column {
            Some(c) => eprintln!(
                "{} {}, {} \"{}\": {} [{}]",
                out.pick("dòng", "row"),
                e.row,
                out.pick("cột", "column"),
                c,
                e.message,
                e.code
            ),
            None => eprintln!(
                "{} {}: {} [{}]",
                out.pick("dòng", "row"),
                e.row,
                e.message,
                e.code
            ),
        }
    }
    let (vi, en) = if dry_run {
        ("Kiểm tra xong, chưa ghi gì", "Checked, nothing written")
    } else {
        ("Đã nhập", "Imported")
    };
    out.info(
        &format!(
            "{vi}: tiêu đề ở dòng {}, {} dòng học sinh — {} hợp lệ, {} bị từ chối, {} dòng khác bỏ qua; {} ghi mới hoặc cập nhật, {} không đổi.",
            report.header_row, report.data_rows, report.imported, report.rejected, report.skipped, outcome.written, outcome.unchanged
        ),
        &format!(
            "{en}: header on row {}, {} student rows — {} valid, {} rejected, {} other rows skipped; {} written, {} unchanged.",
            report.header_row, report.data_rows, report.imported, report.rejected, report.skipped, outcome.written, outcome.unchanged
        ),
    );
    if outcome.duplicate_codes > 0 {
        out.info(
            &format!(
                "{} học sinh có mã trùng với trường khác: đã đánh dấu để rà soát trùng lặp.",
                outcome.duplicate_codes
            ),
            &format!(
                "{} students share a code with another school: flagged for de-duplication.",
                outcome.duplicate_codes
            ),
        );
    }
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
    let rows: Vec<store::devices::SerialRow> = list
        .lines
        .into_iter()
        .map(|l| store::devices::SerialRow {
            row: l.row,
            serial: l.serial,
            imei: l.imei,
        })
        .collect();
    let report = store
        .register_devices(
            &AuditActor::system("cli"),
            model,
            source,
            &rows,
            out.lang,
            dry_run,
        )
        .await?;
    let refused = report.rejected > 0;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for e in &report.errors {
            eprintln!(
                "{} {}: {} [{}]",
                out.pick("dòng", "row"),
                e.row,
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
            out.info(
                &format!(
                    "{} {} thiết bị (tiêu đề ở dòng {}, {} dòng khác bỏ qua).",
                    if dry_run {
                        "Kiểm tra xong"
                    } else {
                        "Đã tiếp nhận"
                    },
                    report.imported,
                    list.header_row,
                    list.skipped
                ),
                &format!(
                    "{} {} devices (header on row {}, {} other rows skipped).",
                    if dry_run { "Checked" } else { "Registered" },
                    report.imported,
                    list.header_row,
                    list.skipped
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

async fn print_students(
    store: &Store,
    out: &Out,
    school: Option<String>,
    round: Option<i64>,
    json: bool,
) -> Result<ExitCode> {
    let round = store.round_or_current(round).await?;
    let (within, school_id) = match &school {
        Some(code) => {
            let u = store.unit_by_code(code).await?.ok_or_else(|| {
                domain::DomainError::Units(UnitsError::UnknownUnit { code: code.clone() })
            })?;
            (u.path.clone(), Some(u.id))
        }
        None => (domain::units::UnitPath::everything(), None),
    };
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    // JSON: one array, written a page at a time.
    let mut first = true;
    if json {
        let _ = write!(stdout, "[");
    }
    let n = store
        .each_student(&within, Some(round.id), school_id, |page| {
            for s in page {
                if json {
                    let v = serde_json::json!({
                        "code": s.student_code, "name": s.full_name, "dob": s.dob, "gender": s.gender.map(|g| g.code()),
                        "tier": s.tier_code, "school": s.school_code, "status": s.review, "flags": s.flags,
                    });
                    let _ = write!(stdout, "{}\n{v}", if first { "" } else { "," });
                    first = false;
                } else {
                    let _ = writeln!(
                        stdout,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        s.student_code.as_deref().unwrap_or("-"),
                        s.full_name,
                        s.dob,
                        s.tier_code,
                        s.school_code,
                        s.review
                    );
                }
            }
            Ok(())
        })
        .await?;
    if json {
        let _ = writeln!(stdout, "\n]");
    }
    if !json {
        out.info(&format!("{n} học sinh."), &format!("{n} students."));
    }
    Ok(ExitCode::SUCCESS)
}

async fn dedup(store: &Store, out: &Out, round: Option<i64>, json: bool) -> Result<ExitCode> {
    let round = store.round_or_current(round).await?;
    let show_progress = !json && std::io::stderr().is_terminal();
    let run = store
        .run_dedup(&AuditActor::system("cli"), round.id, |n| {
            if show_progress {
                eprint!(
                    "\r{}",
                    out.pick(
                        &format!("Đã đọc {n} học sinh…"),
                        &format!("Read {n} students…")
                    )
                );
            }
        })
        .await?;
    if show_progress {
        eprintln!();
    }
    let ids: Vec<i64> = run.groups.iter().flat_map(|g| g.ids.clone()).collect();
    let labels: std::collections::HashMap<i64, String> =
        store.student_labels(&ids).await?.into_iter().collect();
    let label = |id: &i64| labels.get(id).cloned().unwrap_or_else(|| format!("#{id}"));
    if json {
        let groups: Vec<_> = run
            .groups
            .iter()
            .map(|g| {
                serde_json::json!({
                    "students": g.ids.iter().map(label).collect::<Vec<_>>(),
                    "reason": g.reason, "score": g.score,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "groups": groups }));
        return Ok(ExitCode::SUCCESS);
    }
    for g in &run.groups {
        println!(
            "{}\t{:.2}\t{}",
            match g.reason {
                domain::dedup::Reason::SameCode => out.pick("cùng mã", "same code"),
                domain::dedup::Reason::SamePerson => out.pick("có thể cùng người", "same person"),
            },
            g.score,
            g.ids.iter().map(label).collect::<Vec<_>>().join(", ")
        );
    }
    out.info(
        &format!(
            "Đã rà soát {} học sinh của đợt {}: {} nhóm cần xem xét; {} cảnh báo mới.",
            run.students,
            round.id,
            run.groups.len(),
            run.flagged
        ),
        &format!(
            "Compared {} students of round {}: {} groups to review; {} new flags.",
            run.students,
            round.id,
            run.groups.len(),
            run.flagged
        ),
    );
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(store: &Store, out: &Out, json: bool) -> Result<ExitCode> {
    let show_progress = !json && std::io::stderr().is_terminal();
    let v = store
        .verify_audit(|done, total| {
            if show_progress {
                eprint!(
                    "\r{}",
                    out.pick(
                        &format!("Đã kiểm tra {done}/{total} mục…"),
                        &format!("Checked {done}/{total} entries…")
                    )
                );
            }
        })
        .await?;
    if show_progress {
        eprintln!();
    }
    let (head_seq, head_hash) = store.audit_head().await?;
    if json {
        let err = v.chain.as_ref().err();
        println!(
            "{}",
            serde_json::json!({
                "ok": v.ok(), "entries_checked": v.checked, "head_seq": head_seq, "head_hash": head_hash,
                "broken_at": err.map(|b| b.seq()), "problem_code": err.map(|b| b.code()),
                "problem": err.map(|b| b.message(out.lang)), "missing_triggers": v.missing_triggers,
            })
        );
    } else {
        match &v.chain {
            Ok(s) => out.info(
                &format!(
                    "Chuỗi nhật ký hợp lệ: {} mục, mã băm cuối {}.",
                    s.entries, s.last_hash
                ),
                &format!(
                    "The audit chain holds: {} entries, last hash {}.",
                    s.entries, s.last_hash
                ),
            ),
            Err(b) => out.error(&b.message(Lang::Vi), &b.message(Lang::En)),
        }
        if v.chain.as_ref().is_ok_and(|s| s.erased_personal > 0) {
            let n = v.chain.as_ref().map(|s| s.erased_personal).unwrap_or(0);
            out.info(
                &format!("{n} mục đã xóa dữ liệu cá nhân theo thời hạn lưu trữ."),
                &format!("{n} entries had their personal data erased by retention."),
            );
        }
        if !v.missing_triggers.is_empty() {
            let list = v.missing_triggers.join(", ");
            out.error(
                &format!("Bảo vệ chỉ-ghi-thêm đã bị gỡ khỏi cơ sở dữ liệu: thiếu {list}."),
                &format!(
                    "The append-only protection was removed from the database: missing {list}."
                ),
            );
        }
    }
    if v.ok() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
