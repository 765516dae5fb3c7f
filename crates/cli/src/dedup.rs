//! Province-wide de-duplication from the command line: `dedup`.

use crate::database::open;
use crate::output::Out;
use anyhow::Result;
use clap::Subcommand;
use std::io::IsTerminal;
use std::process::ExitCode;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Command {
    /// Rà soát trùng lặp toàn tỉnh: cùng mã học sinh hoặc có thể cùng một người (find duplicate students across the province)
    Dedup {
        /// Mã đợt khảo sát; mặc định là đợt đang mở (round id; default: the open round)
        #[arg(long)]
        round: Option<i64>,
        /// Dạng JSON: {"groups": [{"students": [...], "reason", "score"}]}
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let Command::Dedup { round, json } = cmd;
    let store = open(db, 2).await?;
    dedup(&store, out, round, json).await
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
