//! Students from the command line: `import students`, `students`, and the programmes,
//! tiers and rounds of the survey (`program …`).

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use domain::students::StudentsError;
use domain::units::UnitsError;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Import {
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
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Chương trình, đối tượng và đợt khảo sát (programs, tiers, rounds)
    #[command(subcommand)]
    Program(ProgramCommand),
}

#[derive(Subcommand)]
pub enum ProgramCommand {
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

pub async fn import(cmd: Import, db: &str, out: &Out) -> Result<ExitCode> {
    let Import::Students {
        file,
        school,
        round,
        dry_run,
        json,
    } = cmd;
    let store = open(db, 4).await?;
    import_students(&store, out, file, school, round, dry_run, json).await
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Command::Students {
            school,
            round,
            json,
        } => {
            let store = open(db, 2).await?;
            print_students(&store, out, school, round, json).await
        }
        Command::Program(cmd) => program(cmd, db, out).await,
    }
}

async fn program(cmd: ProgramCommand, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        ProgramCommand::Seed2022 => {
            let store = open(db, 2).await?;
            let (p, r) = crate::demo::seed_program(&store, &AuditActor::system("cli")).await?;
            out.info(
                &format!("Đã tạo chương trình #{p} và đợt khảo sát #{r}."),
                &format!("Created programme #{p} and survey round #{r}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        ProgramCommand::Spec => {
            println!(
                "{}",
                serde_json::to_string_pretty(&domain::students::programs::ProgramSpec::of_2022())?
            );
            Ok(ExitCode::SUCCESS)
        }
        ProgramCommand::Create { file } => {
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
            let store = open(db, 2).await?;
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
        ProgramCommand::AddRound {
            program,
            name,
            opens,
            closes,
        } => {
            let date = |s: &str| {
                domain::dates::parse_date(s).ok_or_else(|| {
                    domain::DomainError::Students(StudentsError::InvalidProgram {
                        reason: format!("\"{s}\" không phải ngày dd/mm/yyyy"),
                    })
                })
            };
            let (opens, closes) = (date(&opens)?, date(&closes)?);
            let store = open(db, 2).await?;
            let id = store
                .add_round(&AuditActor::system("cli"), &program, &name, opens, closes)
                .await?;
            out.info(
                &format!("Đã mở đợt khảo sát #{id}."),
                &format!("Opened survey round #{id}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        ProgramCommand::CloseRound { id } => {
            let store = open(db, 2).await?;
            store
                .set_round_open(&AuditActor::system("cli"), id, false)
                .await?;
            out.info(
                &format!("Đã đóng đợt khảo sát #{id}."),
                &format!("Closed survey round #{id}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        ProgramCommand::List => {
            let store = open(db, 2).await?;
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
        read_first: false,
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
        Err(web::imports::ImportError::Reader(e)) => return Err(e.into()),
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
    if let Some(e) = report.encoding {
        out.info(
            &format!("Tệp CSV đọc theo bảng mã {}.", e.label()),
            &format!("The CSV file was read as {}.", e.label()),
        );
    }
    let (vi, en) = if dry_run {
        ("Kiểm tra xong, chưa ghi gì", "Checked, nothing written")
    } else {
        ("Đã nhập", "Imported")
    };
    out.info(
        &format!(
            "{vi}: tiêu đề ở dòng {}, {} dòng học sinh — {} hợp lệ, {} bị từ chối, {} dòng khác bỏ qua; {} dòng mới, {} dòng được sửa, {} không đổi.",
            report.header_row, report.data_rows, report.imported, report.rejected, report.skipped, outcome.inserted, outcome.written - outcome.inserted, outcome.unchanged
        ),
        &format!(
            "{en}: header on row {}, {} student rows — {} valid, {} rejected, {} other rows skipped; {} new, {} changed, {} unchanged.",
            report.header_row, report.data_rows, report.imported, report.rejected, report.skipped, outcome.inserted, outcome.written - outcome.inserted, outcome.unchanged
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
    if outcome.dedup.groups > 0 {
        out.info(
            &format!(
                "Danh sách có trong {} nhóm có thể trùng lặp, cần quyết định trước khi duyệt.",
                outcome.dedup.groups
            ),
            &format!(
                "The list is in {} possible duplicate groups, to be decided before approval.",
                outcome.dedup.groups
            ),
        );
    }
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
