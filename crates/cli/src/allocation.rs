//! Allocation from the command line: `allocate` drafts a run (or computes one without
//! keeping it), `allocation RUN` prints its lines, `allocation verify|approve|execute RUN`.

use crate::database::open;
use crate::output::Out;
use anyhow::Result;
use clap::Subcommand;
use domain::allocation::{self, Outcome, Policy};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Command {
    /// Lập dự thảo phân bổ thiết bị cho một đợt (draft an allocation run of a round)
    Allocate {
        /// Mã đợt khảo sát (round id)
        #[arg(long)]
        round: i64,
        /// Hạt giống bốc thăm, 64 chữ số thập lục phân; mặc định rút ngẫu nhiên (the lottery seed, 64 hex digits; default: drawn)
        #[arg(long)]
        seed: Option<String>,
        /// Chỉ tính, không lưu (compute without keeping the run)
        #[arg(long)]
        dry_run: bool,
        /// Dạng JSON: {"run", "devices", "served", "waiting", "by_tier", "by_unit"}
        #[arg(long)]
        json: bool,
    },
    /// Xem, kiểm tra, phê duyệt hoặc thực hiện một lượt phân bổ (show, verify, approve or execute a run)
    #[command(args_conflicts_with_subcommands = true)]
    Allocation {
        #[command(subcommand)]
        step: Option<Step>,
        /// Số lượt phân bổ (the run's number)
        run: Option<i64>,
        /// Dạng JSON: một dòng mỗi học sinh {student, tier, unit, school, device, reason, queue_position}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum Step {
    /// Tính lại lượt phân bổ từ dữ liệu đầu vào đã lưu và so sánh (recompute a stored run and compare)
    Verify {
        run: i64,
        #[arg(long)]
        json: bool,
    },
    /// Phê duyệt dự thảo theo quyết định (approve a draft under a decision)
    Approve {
        run: i64,
        /// Số quyết định, ví dụ 123/QĐ-SGDĐT (the decision's number)
        #[arg(long)]
        decision: String,
        /// Ngày quyết định, dd/mm/yyyy (the decision's date)
        #[arg(long)]
        date: String,
    },
    /// Thực hiện lượt đã phê duyệt: giữ máy cho học sinh (execute an approved run: reserve the devices)
    Execute { run: i64 },
    /// So sánh một lượt với lượt trước: ai được thêm, ai không còn được, vì sao (compare a run with the one before it: who gains, who loses, why)
    Compare {
        run: i64,
        /// Lượt để so sánh; mặc định lượt trước trong cùng đợt (the run to compare with; default: the one before it)
        #[arg(long)]
        with: Option<i64>,
        /// Dạng JSON: {"run", "other", "devices", "served", "gains", "losses", "units", "changes"}
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let store = open(db, 2).await?;
    let actor = AuditActor::system("cli");
    match cmd {
        Command::Allocate {
            round,
            seed,
            dry_run,
            json,
        } => allocate(&store, &actor, out, round, seed, dry_run, json).await,
        Command::Allocation {
            step: Some(Step::Verify { run, json }),
            ..
        } => verify(&store, out, run, json).await,
        Command::Allocation {
            step:
                Some(Step::Approve {
                    run,
                    decision,
                    date,
                }),
            ..
        } => {
            let r = store
                .approve_allocation(&actor, run, &decision, &date)
                .await?;
            out.info(
                &format!(
                    "Đã phê duyệt lượt phân bổ số {run} theo Quyết định số {decision}. Hạt giống bốc thăm: {}",
                    r.seed.unwrap_or_default()
                ),
                &format!("Run {run} approved under decision {decision}."),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Allocation {
            step: Some(Step::Execute { run }),
            ..
        } => {
            let r = store.execute_allocation(&actor, run).await?;
            out.info(
                &format!(
                    "Đã thực hiện lượt phân bổ số {run}: giữ {} thiết bị cho học sinh.",
                    r.served
                ),
                &format!("Run {run} executed: {} devices reserved.", r.served),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Allocation {
            step: Some(Step::Compare { run, with, json }),
            ..
        } => compare(&store, out, run, with, json).await,
        Command::Allocation {
            step: None,
            run: Some(run),
            json,
        } => lines(&store, out, run, json).await,
        Command::Allocation {
            step: None,
            run: None,
            ..
        } => {
            out.error(
                "cần ghi số lượt phân bổ, ví dụ: songmaytinh allocation 3 --json",
                "name the run, e.g. songmaytinh allocation 3 --json",
            );
            Ok(ExitCode::from(2))
        }
    }
}

/// Tier codes by rank, for the round's programme.
async fn tier_codes(store: &Store, round_id: i64) -> Result<HashMap<u8, String>> {
    let round = store
        .round(round_id)
        .await?
        .ok_or(store::StoreError::Domain(domain::DomainError::Students(
            domain::students::StudentsError::NoRound,
        )))?;
    Ok(store
        .tiers(round.program_id)
        .await?
        .into_iter()
        .map(|t| (t.rank.clamp(0, 255) as u8, t.code))
        .collect())
}

async fn allocate(
    store: &Store,
    actor: &AuditActor,
    out: &Out,
    round: i64,
    seed: Option<String>,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let seed = match seed {
        Some(s) => match allocation::parse_seed(&s) {
            Some(s) => Some(s),
            None => {
                return Err(store::StoreError::Domain(
                    allocation::AllocationError::InvalidSeed.into(),
                )
                .into());
            }
        },
        None => None,
    };
    let tiers = tier_codes(store, round).await?;
    let (run_id, outcome) = if dry_run {
        let mut input = store.allocation_inputs(round).await?;
        input.seed = seed.unwrap_or([0; 32]);
        input.policy = Policy::default();
        (
            None,
            allocation::allocate(&input).map_err(store::StoreError::Domain)?,
        )
    } else {
        let (run, outcome) = store
            .draft_allocation(actor, round, seed, Policy::default())
            .await?;
        (Some(run.id), outcome)
    };
    if json {
        println!("{}", summary_json(run_id, &outcome, &tiers));
    } else {
        print_summary(out, run_id, &outcome, &tiers);
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_json(run: Option<i64>, o: &Outcome, tiers: &HashMap<u8, String>) -> Value {
    let mut by_tier = Map::new();
    for t in &o.tiers {
        let code = tiers
            .get(&t.tier)
            .cloned()
            .unwrap_or_else(|| t.tier.to_string());
        by_tier.insert(code, json!({"demand": t.demand, "served": t.served}));
    }
    let mut by_unit = Map::new();
    for u in &o.units {
        by_unit.insert(
            u.code.clone(),
            json!({"demand": u.demand, "quota": u.total_quota().to_4dp(), "served": u.served,
                   "earmarked": u.earmarked}),
        );
    }
    json!({
        "run": run, "devices": o.devices(), "served": o.served(), "waiting": o.waiting(),
        "by_tier": by_tier, "by_unit": by_unit,
        "fairness_warnings": o.fairness.iter().filter(|f| f.warn).map(|f| &f.scope).collect::<Vec<_>>(),
    })
}

fn print_summary(out: &Out, run: Option<i64>, o: &Outcome, tiers: &HashMap<u8, String>) {
    let lang = out.lang;
    match run {
        Some(id) => out.info(
            &format!("Đã lập dự thảo phân bổ số {id}."),
            &format!("Drafted run {id}."),
        ),
        None => out.info(
            "Chỉ tính thử, không lưu lượt phân bổ.",
            "Computed only; nothing kept.",
        ),
    }
    println!(
        "{}: {}  {}: {}  {}: {}",
        out.pick("Thiết bị", "Devices"),
        o.devices(),
        out.pick("Được nhận", "Served"),
        o.served(),
        out.pick("Đang chờ", "Waiting"),
        o.waiting()
    );
    for t in &o.tiers {
        println!(
            "  {} ({}): {}/{}",
            out.pick("Diện", "Tier"),
            tiers.get(&t.tier).cloned().unwrap_or_default(),
            t.served,
            t.demand
        );
    }
    println!(
        "{}\t{}\t{}\t{}\t{}",
        out.pick("Đơn vị", "Unit"),
        out.pick("Số chờ", "Demand"),
        out.pick("Định mức", "Quota"),
        out.pick("Được nhận", "Served"),
        out.pick("Trong đó theo nhà tài trợ", "Earmarked")
    );
    for u in &o.units {
        let q = u.total_quota();
        println!(
            "{}\t{}\t{}\t{}\t{}",
            u.code,
            u.demand,
            if lang == domain::Lang::Vi {
                q.to_4dp_vi()
            } else {
                q.to_4dp()
            },
            u.served,
            u.earmarked
        );
    }
    for f in o.fairness.iter().filter(|f| f.warn) {
        out.info(
            &format!(
                "Cảnh báo công bằng {}: tỉ lệ thực tế {} so với dự kiến {} (lệch quá 3 điểm phần trăm).",
                f.scope,
                allocation::percent(f.actual_bp, lang),
                allocation::percent(f.expected_bp, lang)
            ),
            &format!(
                "Fairness warning {}: {} against {} expected (more than 3 points apart).",
                f.scope,
                allocation::percent(f.actual_bp, lang),
                allocation::percent(f.expected_bp, lang)
            ),
        );
    }
}

async fn lines(store: &Store, out: &Out, run_id: i64, json: bool) -> Result<ExitCode> {
    let Some(run) = known(store, out, run_id).await? else {
        return Ok(ExitCode::FAILURE);
    };
    let lines = store.allocation_lines(run_id, None).await?;
    let executed = run.status == domain::allocation::RunStatus::Executed;
    // Written through one buffer; a reader that stops early (`| head`) ends the output.
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    for l in &lines {
        let kind = l
            .device_kind
            .as_deref()
            .and_then(domain::devices::DeviceKind::parse)
            .map(|k| k.label(out.lang).to_lowercase())
            .unwrap_or_default();
        let reason = allocation::explain(
            &allocation::Explain {
                rule: &l.rule,
                device: l.device.as_deref().map(|d| (d, kind.as_str())),
                tier: &l.tier_code,
                unit: &l.unit_name,
                other_kind: l.other_kind,
                queue_position: l.queue_position,
                devices_short: l.devices_short,
                executed,
            },
            out.lang,
        );
        let written = if json {
            writeln!(
                w,
                "{}",
                json!({"student": l.student, "tier": l.tier_code, "unit": l.unit, "school": l.school,
                       "device": l.device, "rule": l.rule, "reason": reason,
                       "queue_position": l.queue_position})
            )
        } else {
            writeln!(
                w,
                "{}\t{}\t{}\t{}\t{}",
                l.student,
                l.tier_code,
                l.school,
                l.device.as_deref().unwrap_or("—"),
                reason
            )
        };
        match written {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            other => other?,
        }
    }
    match w.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The run, or a refusal naming it.
async fn known(store: &Store, out: &Out, run: i64) -> Result<Option<store::allocation::Run>> {
    let r = store.allocation_run(run).await?;
    if r.is_none() {
        out.error(
            &format!("không có lượt phân bổ số {run}."),
            &format!("there is no allocation run {run}."),
        );
    }
    Ok(r)
}

async fn verify(store: &Store, out: &Out, run: i64, json: bool) -> Result<ExitCode> {
    if known(store, out, run).await?.is_none() {
        return Ok(ExitCode::FAILURE);
    }
    let v = store.verify_allocation(run).await?;
    if json {
        println!("{}", serde_json::to_string(&v)?);
    } else if v.ok() {
        out.info(
            &format!("Lượt phân bổ số {run} khớp: tính lại từ dữ liệu đầu vào đã lưu cho đúng kết quả đã lưu."),
            &format!("Run {run} matches: recomputed from its stored inputs, it gives the stored result."),
        );
    } else {
        out.error(
            &format!(
                "Lượt phân bổ số {run} KHÔNG khớp (dữ liệu đầu vào {}, kết quả {}).",
                if v.inputs_match {
                    "khớp"
                } else {
                    "đã bị sửa"
                },
                if v.outcome_match { "khớp" } else { "khác" }
            ),
            &format!(
                "Run {run} does NOT match (inputs {}, outcome {}).",
                if v.inputs_match { "match" } else { "changed" },
                if v.outcome_match {
                    "matches"
                } else {
                    "differs"
                }
            ),
        );
        for d in &v.differences {
            eprintln!("  {d}");
        }
    }
    Ok(if v.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn compare(
    store: &Store,
    out: &Out,
    run: i64,
    with: Option<i64>,
    json: bool,
) -> Result<ExitCode> {
    let other = match with {
        Some(o) => o,
        None => match store.previous_run(run).await? {
            Some(o) => o,
            None => {
                out.info(
                    &format!("Lượt phân bổ số {run} không có lượt nào trước nó trong cùng đợt."),
                    &format!("Run {run} has no run before it in its round."),
                );
                return Ok(ExitCode::FAILURE);
            }
        },
    };
    let c = store.compare_runs(run, other, out.lang).await?;
    if json {
        println!(
            "{}",
            json!({
                "run": c.run,
                "other": c.other,
                "devices": [c.devices.0, c.devices.1],
                "served": [c.served.0, c.served.1],
                "same_inputs": c.same_inputs,
                "same_seed": c.same_seed,
                "gains": c.gains(),
                "losses": c.losses(),
                "units": c.units.iter().map(|u| json!({"unit": u.code, "before": u.before, "after": u.after})).collect::<Vec<_>>(),
                "changes": c.changes.iter().map(|x| json!({"student": x.student, "gains": x.gains, "why": x.why})).collect::<Vec<_>>(),
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut w = std::io::stdout().lock();
    writeln!(
        w,
        "{} {run} / {other}: {} {} → {}, {} {} → {}; {} {}, {} {}",
        out.pick("Lượt", "Run"),
        out.pick("thiết bị", "devices"),
        c.devices.0,
        c.devices.1,
        out.pick("được nhận", "served"),
        c.served.0,
        c.served.1,
        c.gains(),
        out.pick("học sinh được thêm", "gain"),
        c.losses(),
        out.pick("học sinh không còn được", "lose")
    )?;
    for u in &c.units {
        writeln!(w, "  {} {}: {} → {}", u.code, u.name, u.before, u.after)?;
    }
    for x in &c.changes {
        writeln!(w, "  {} ({}) {}", x.student, x.school, x.why)?;
    }
    Ok(ExitCode::SUCCESS)
}
