//! The audit trail from the command line: `audit verify`.

use crate::database::open;
use crate::output::Out;
use anyhow::Result;
use clap::Subcommand;
use domain::Lang;
use std::io::IsTerminal;
use std::process::ExitCode;
use store::Store;

#[derive(Subcommand)]
pub enum Command {
    /// Nhật ký thay đổi (audit trail)
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Kiểm tra toàn bộ chuỗi nhật ký (verify the whole chain)
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let Command::Audit(AuditCommand::Verify { json }) = cmd;
    let store = open(db, 2).await?;
    audit_verify(&store, out, json).await
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
