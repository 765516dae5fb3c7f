//! The audit trail from the command line: `audit verify` (the chain, and the stored
//! checkpoints when the log key is at hand), and the verifiable log: `audit checkpoint`
//! signs and prints the current checkpoint, `audit public-key` its verifier key,
//! `audit prove` and `audit consistency` print proofs, `audit verify-proof` checks one
//! against a checkpoint with nothing but public data.

use crate::database::open;
use crate::output::Out;
use anyhow::Result;
use clap::Subcommand;
use domain::Lang;
use domain::audit::checkpoint::{Checkpoint, LogSigner, LogVerifier};
use domain::audit::merkle::{self, Hash};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use store::Store;

#[derive(Subcommand)]
pub enum Command {
    /// Nhật ký thay đổi (audit trail)
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// Where the log's signing key is: outside the database.
#[derive(clap::Args, Clone)]
pub struct LogKeyArgs {
    /// Tệp khóa ký nhật ký, tạo mới (quyền 0600) nếu chưa có (the log's signing key file; made on first use)
    #[arg(
        long,
        env = "SONGMAYTINH_LOG_KEY",
        default_value = "./songmaytinh-log.key"
    )]
    pub log_key: PathBuf,
    /// Tên (origin) của nhật ký khi tạo khóa mới (the log's origin for a new key)
    #[arg(long, env = "SONGMAYTINH_LOG_ORIGIN", default_value = store::audit::log::DEFAULT_ORIGIN)]
    pub log_origin: String,
}

impl LogKeyArgs {
    pub fn signer(&self) -> Result<LogSigner> {
        Ok(store::audit::log::log_key(&self.log_key, &self.log_origin)?)
    }
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Kiểm tra toàn bộ chuỗi nhật ký và các điểm kiểm tra đã ký (verify the whole chain and the signed checkpoints)
    Verify {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Ký và in điểm kiểm tra hiện tại của nhật ký (sign and print the log's current checkpoint)
    Checkpoint {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// In khóa công khai để kiểm tra điểm kiểm tra (print the verifier key)
    PublicKey {
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Bằng chứng một mục thuộc cây nhật ký (inclusion proof of entry SEQ)
    Prove {
        /// Số thứ tự của mục (the entry's sequence number)
        seq: i64,
        /// Cỡ cây; mặc định toàn bộ nhật ký (tree size; the whole log by default)
        #[arg(long)]
        size: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Bằng chứng cây cũ là phần đầu của cây mới (consistency proof from OLD to NEW)
    Consistency {
        old: u64,
        /// Mặc định toàn bộ nhật ký (the whole log by default)
        new: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra một bằng chứng với điểm kiểm tra và khóa công khai, không cần cơ sở dữ liệu (check a proof against a checkpoint and a verifier key, without the database)
    VerifyProof {
        /// Tệp JSON của bằng chứng (audit prove/consistency --json)
        #[arg(long)]
        proof: PathBuf,
        /// Tệp điểm kiểm tra đã ký của cây chứa bằng chứng (the signed checkpoint of the proof's tree)
        #[arg(long)]
        checkpoint: PathBuf,
        /// Với bằng chứng nhất quán: điểm kiểm tra của cây cũ (for a consistency proof: the old tree's checkpoint)
        #[arg(long)]
        old_checkpoint: Option<PathBuf>,
        /// Khóa công khai, hoặc tệp chứa nó (the verifier key, or a file holding it)
        #[arg(long)]
        key: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let Command::Audit(cmd) = cmd;
    match cmd {
        AuditCommand::Verify { json, key } => {
            let store = open(db, 2).await?;
            audit_verify(&store, out, json, &key).await
        }
        AuditCommand::Checkpoint { json, key } => {
            let signer = key.signer()?;
            let store = open(db, 2).await?;
            let c = store.log_checkpoint(&signer).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"size": c.size, "root": c.root, "note": c.note,
                        "verifier_key": signer.verifier().text()})
                );
            } else {
                print!("{}", c.note);
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::PublicKey { key } => {
            println!("{}", key.signer()?.verifier().text());
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Prove { seq, size, json } => {
            let store = open(db, 2).await?;
            let p = store.log_inclusion(seq, size).await?;
            if json {
                println!("{}", serde_json::to_string(&p)?);
            } else {
                out.info(
                    &format!(
                        "Mục {} là lá số {} của cây {} mục, gốc {}.",
                        p.seq, p.leaf_index, p.tree_size, p.root
                    ),
                    &format!(
                        "Entry {} is leaf {} of the tree of {} entries, root {}.",
                        p.seq, p.leaf_index, p.tree_size, p.root
                    ),
                );
                println!("leaf_hash {}", p.leaf_hash);
                for h in &p.path {
                    println!("path {h}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Consistency { old, new, json } => {
            let store = open(db, 2).await?;
            let new = match new {
                Some(n) => n,
                None => store.log_size().await?,
            };
            let p = store.log_consistency(old, new).await?;
            if json {
                println!("{}", serde_json::to_string(&p)?);
            } else {
                out.info(
                    &format!(
                        "Cây {} mục (gốc {}) là phần đầu của cây {} mục (gốc {}).",
                        p.old_size, p.old_root, p.new_size, p.new_root
                    ),
                    &format!(
                        "The tree of {} entries (root {}) is a prefix of the tree of {} (root {}).",
                        p.old_size, p.old_root, p.new_size, p.new_root
                    ),
                );
                for h in &p.proof {
                    println!("proof {h}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::VerifyProof {
            proof,
            checkpoint,
            old_checkpoint,
            key,
            json,
        } => verify_proof(
            &proof,
            &checkpoint,
            old_checkpoint.as_deref(),
            &key,
            json,
            out,
        ),
    }
}

/// What a proof file holds: an inclusion proof or a consistency proof, as printed.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ProofFile {
    Inclusion {
        leaf_index: u64,
        tree_size: u64,
        leaf_hash: String,
        path: Vec<String>,
    },
    Consistency {
        old_size: u64,
        new_size: u64,
        proof: Vec<String>,
    },
}

fn hash_of(s: &str) -> Option<Hash> {
    hex::decode(s.trim()).ok()?.try_into().ok()
}

fn verify_proof(
    proof: &Path,
    checkpoint: &Path,
    old_checkpoint: Option<&Path>,
    key: &str,
    json: bool,
    out: &Out,
) -> Result<ExitCode> {
    let key_text = if Path::new(key).is_file() {
        std::fs::read_to_string(key)?
    } else {
        key.to_string()
    };
    let verifier = LogVerifier::parse(&key_text)
        .map_err(|e| anyhow::anyhow!("Khóa công khai không hợp lệ: {e} (not a verifier key)"))?;
    let open_checkpoint = |p: &Path| -> Result<Checkpoint> {
        let note = std::fs::read_to_string(p)?;
        Checkpoint::open(&note, &verifier).map_err(|e| {
            anyhow::anyhow!(
                "Điểm kiểm tra {} không có chữ ký hợp lệ của khóa này: {e} (the checkpoint is not validly signed by this key)",
                p.display()
            )
        })
    };
    let cp = open_checkpoint(checkpoint)?;
    let text = std::fs::read_to_string(proof)?;
    let parsed: ProofFile = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!("Tệp bằng chứng không đúng dạng: {e} (the proof file is not a proof)")
    })?;
    let bad_hash = || {
        anyhow::anyhow!(
            "Bằng chứng có mã băm không hợp lệ (a hash in the proof is not 64 hex characters)"
        )
    };
    let (ok, vi, en) = match parsed {
        ProofFile::Inclusion {
            leaf_index,
            tree_size,
            leaf_hash,
            path,
        } => {
            let leaf = hash_of(&leaf_hash).ok_or_else(bad_hash)?;
            let path: Vec<Hash> = path
                .iter()
                .map(|h| hash_of(h))
                .collect::<Option<_>>()
                .ok_or_else(bad_hash)?;
            let ok = tree_size == cp.size
                && merkle::verify_inclusion(leaf_index, tree_size, &leaf, &path, &cp.root);
            (
                ok,
                format!(
                    "lá số {leaf_index} trong cây {tree_size} mục của điểm kiểm tra {}",
                    cp.size
                ),
                format!(
                    "leaf {leaf_index} in the tree of {tree_size} entries, checkpoint {}",
                    cp.size
                ),
            )
        }
        ProofFile::Consistency {
            old_size,
            new_size,
            proof,
        } => {
            let old_path = old_checkpoint.ok_or_else(|| {
                anyhow::anyhow!("Bằng chứng nhất quán cần cả điểm kiểm tra của cây cũ (--old-checkpoint) (a consistency proof needs the old checkpoint)")
            })?;
            let old = open_checkpoint(old_path)?;
            let proof: Vec<Hash> = proof
                .iter()
                .map(|h| hash_of(h))
                .collect::<Option<_>>()
                .ok_or_else(bad_hash)?;
            let ok = old.size == old_size
                && cp.size == new_size
                && merkle::verify_consistency(old_size, new_size, &old.root, &cp.root, &proof);
            (
                ok,
                format!("cây {old_size} mục là phần đầu của cây {new_size} mục"),
                format!("the tree of {old_size} entries is a prefix of the tree of {new_size}"),
            )
        }
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"ok": ok, "checkpoint_size": cp.size, "origin": cp.origin})
        );
    } else if ok {
        out.info(
            &format!("Bằng chứng hợp lệ: {vi}."),
            &format!("The proof holds: {en}."),
        );
    } else {
        out.error(
            &format!("Bằng chứng KHÔNG hợp lệ: {vi}."),
            &format!("The proof does NOT hold: {en}."),
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn audit_verify(store: &Store, out: &Out, json: bool, key: &LogKeyArgs) -> Result<ExitCode> {
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
    // The stored checkpoints, when the key that signed them is at hand (never made here).
    let checkpoints = if key.log_key.exists() {
        let verifier = key.signer()?.verifier();
        Some(store.verify_checkpoints(&verifier).await?)
    } else {
        None
    };
    let checkpoints_ok = checkpoints.as_ref().is_none_or(|c| c.failed.is_empty());
    if json {
        let err = v.chain.as_ref().err();
        println!(
            "{}",
            serde_json::json!({
                "ok": v.ok() && checkpoints_ok, "entries_checked": v.checked, "head_seq": head_seq, "head_hash": head_hash,
                "broken_at": err.map(|b| b.seq()), "problem_code": err.map(|b| b.code()),
                "problem": err.map(|b| b.message(out.lang)), "missing_triggers": v.missing_triggers,
                "checkpoints_checked": checkpoints.as_ref().map(|c| c.checked),
                "checkpoints_failed": checkpoints.as_ref().map(|c| c.failed.clone()),
            })
        );
    } else {
        match &checkpoints {
            Some(c) if c.failed.is_empty() => out.info(
                &format!("{} điểm kiểm tra đã ký đều khớp với nhật ký.", c.checked),
                &format!("All {} signed checkpoints match the log.", c.checked),
            ),
            Some(c) => {
                let list = c
                    .failed
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                out.error(
                    &format!("Điểm kiểm tra không khớp với nhật ký (cỡ cây {list}): lịch sử đã bị viết lại hoặc chữ ký sai."),
                    &format!("Checkpoints do not match the log (tree sizes {list}): the history was rewritten or the signature is wrong."),
                );
            }
            None => {}
        }
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
    if v.ok() && checkpoints_ok {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
