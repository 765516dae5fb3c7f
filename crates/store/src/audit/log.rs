//! The audit trail as a verifiable log (domain::audit::merkle, docs/adr/0026): the leaves
//! are the chain's entries in order, read in pages so that a tree of millions is hashed in
//! flat memory; roots and proofs for any size up to the head; signed checkpoints kept for
//! ever, at most one per tree size, and checked again against the entries.

use crate::Store;
use crate::db::q;
use crate::error::{Result, StoreError};
use crate::students::programs::iso;
use domain::audit::checkpoint::{Checkpoint, LogSigner, LogVerifier};
use domain::audit::merkle::{
    Compact, Hash, audit_leaf, consistency_ranges, inclusion_ranges, node_hash,
};
use domain::dates::{Millis, now_millis, today};
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// Leaves per tile: a proof reads at most about two tiles' leaves, whatever the log's size.
pub const TILE: u64 = 1024;

/// The roots of the log's complete tiles, as this server has hashed them.
#[derive(Default)]
pub struct LogTiles {
    done: std::sync::RwLock<Arc<Vec<Hash>>>,
    fill: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for LogTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.done.read().map(|d| d.len()).unwrap_or(0);
        write!(f, "LogTiles({n})")
    }
}

/// Whether leaves [a, a + n) are a power-of-two run of whole tiles among the first
/// `tiles` (its root is then the perfect tree over those tiles' roots).
fn tiled(a: u64, n: u64, tiles: u64) -> bool {
    n >= TILE && n.is_power_of_two() && a.is_multiple_of(TILE) && (a + n) / TILE <= tiles
}

/// The leaf ranges needed for the root of [a, b), splitting as RFC 9162's MTH does.
fn plan(a: u64, b: u64, tiles: u64, need: &mut Vec<Range<u64>>) {
    let n = b - a;
    if n == 0 || tiled(a, n, tiles) {
        return;
    }
    if n <= TILE {
        need.push(a..b);
        return;
    }
    let k = 1u64 << (63 - (n - 1).leading_zeros());
    plan(a, a + k, tiles, need);
    plan(a + k, b, tiles, need);
}

/// MTH(D[a:b]) from whole tiles and the leaves read ([`plan`]).
fn mth(a: u64, b: u64, tiles: &[Hash], leaves: &[(u64, Vec<Hash>)]) -> Option<Hash> {
    let n = b - a;
    if tiled(a, n, tiles.len() as u64) {
        let mut level: Vec<Hash> = tiles[(a / TILE) as usize..((a + n) / TILE) as usize].to_vec();
        while level.len() > 1 {
            level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        return level.first().copied();
    }
    if n <= TILE {
        let i = leaves
            .partition_point(|(start, _)| *start <= a)
            .checked_sub(1)?;
        let (start, v) = &leaves[i];
        let from = (a - start) as usize;
        let run = v.get(from..from + n as usize)?;
        return Some(domain::audit::merkle::root_of(run));
    }
    let k = 1u64 << (63 - (n - 1).leading_zeros());
    Some(node_hash(
        &mth(a, a + k, tiles, leaves)?,
        &mth(a + k, b, tiles, leaves)?,
    ))
}

/// Leaves are read this many at a time.
const PAGE: i64 = 10_000;

/// An entry's audit path (RFC 9162 §2.1.3), as `audit prove` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InclusionProof {
    pub seq: i64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub path: Vec<String>,
    pub root: String,
}

/// A consistency proof between two sizes (RFC 9162 §2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: String,
    pub new_root: String,
    pub proof: Vec<String>,
}

/// A stored checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub root: String,
    pub note: String,
    /// The day it was signed (yyyy-mm-dd).
    pub signed_on: String,
    pub created_at: Millis,
}

/// What checking the stored checkpoints found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointCheck {
    pub checked: u64,
    /// Sizes whose note does not verify with the key or whose root is not the tree's.
    pub failed: Vec<u64>,
}

fn hexes(h: &[Hash]) -> Vec<String> {
    h.iter().map(hex::encode).collect()
}

fn out_of_range(what: &str, size: u64, head: u64) -> StoreError {
    StoreError::Unsupported(format!(
        "{what} {size} vượt quá số mục của nhật ký ({head}) ({what} beyond the log's {head} entries)"
    ))
}

impl Store {
    /// How many entries the log holds.
    pub async fn log_size(&self) -> Result<u64> {
        let n: i64 = q("SELECT seq FROM audit_head WHERE id = 1")
            .scalar(self.pool())
            .await?;
        Ok(n.max(0) as u64)
    }

    /// Feeds the leaves of `span` (leaf indices) to `f`, in order, a page at a time.
    async fn log_leaves(&self, span: Range<u64>, mut f: impl FnMut(u64, Hash)) -> Result<()> {
        let mut next = span.start;
        while next < span.end {
            let rows: Vec<(i64, String)> =
                q("SELECT seq, hash FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3")
                    .bind(next as i64)
                    .bind(span.end as i64)
                    .bind(PAGE)
                    .fetch_all(self.pool())
                    .await?;
            if rows.is_empty() {
                break;
            }
            for (seq, hash) in rows {
                // Entry `seq` is leaf `seq − 1`; a gap means rows are missing.
                if seq as u64 != next + 1 {
                    return Err(StoreError::corrupt("audit_log", "seq", seq.to_string()));
                }
                let leaf = audit_leaf(&hash)
                    .ok_or_else(|| StoreError::corrupt("audit_log", "hash", hash.clone()))?;
                f(next, leaf);
                next += 1;
            }
        }
        if next < span.end {
            return Err(StoreError::corrupt("audit_log", "seq", next.to_string()));
        }
        Ok(())
    }

    /// The roots of `runs` (ranges of leaves): whole tiles from this server's tile
    /// cache, the rest from the leaves they cover, read once.
    async fn log_runs(&self, runs: &[Range<u64>]) -> Result<Vec<Hash>> {
        let end = runs.iter().map(|r| r.end).max().unwrap_or(0);
        let tiles = self.log_tiles(end / TILE).await?;
        let mut need = Vec::new();
        for r in runs {
            plan(r.start, r.end, tiles.len() as u64, &mut need);
        }
        need.sort_by_key(|r| r.start);
        let mut spans: Vec<Range<u64>> = Vec::new();
        for r in need {
            match spans.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => spans.push(r),
            }
        }
        let mut leaves: Vec<(u64, Vec<Hash>)> = Vec::with_capacity(spans.len());
        for span in spans {
            let mut v = Vec::with_capacity((span.end - span.start) as usize);
            self.log_leaves(span.clone(), |_, leaf| v.push(leaf))
                .await?;
            if v.len() as u64 != span.end - span.start {
                return Err(StoreError::corrupt("audit_log", "seq", "missing leaves"));
            }
            leaves.push((span.start, v));
        }
        runs.iter()
            .map(|r| {
                mth(r.start, r.end, &tiles, &leaves)
                    .ok_or_else(|| StoreError::corrupt("audit_log", "seq", "missing leaves"))
            })
            .collect()
    }

    /// The roots of the first `n` tiles (each [`TILE`] leaves), kept by this server:
    /// leaves never change (the table refuses it), so a tile once hashed stays; the ones
    /// missing are hashed in one pass.
    async fn log_tiles(&self, n: u64) -> Result<Arc<Vec<Hash>>> {
        let kept = || {
            self.tiles
                .done
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
        };
        let have = kept();
        if have.len() as u64 >= n {
            return Ok(have);
        }
        let _filling = self.tiles.fill.lock().await;
        let have = kept();
        if have.len() as u64 >= n {
            return Ok(have);
        }
        let mut all: Vec<Hash> = have.as_ref().clone();
        let mut tile = Vec::with_capacity(TILE as usize);
        self.log_leaves(all.len() as u64 * TILE..n * TILE, |_, leaf| {
            tile.push(leaf);
            if tile.len() as u64 == TILE {
                all.push(domain::audit::merkle::root_of(&tile));
                tile.clear();
            }
        })
        .await?;
        let all = Arc::new(all);
        *self.tiles.done.write().unwrap_or_else(|p| p.into_inner()) = all.clone();
        Ok(all)
    }

    /// The root of the tree of the first `size` entries.
    pub async fn log_root(&self, size: u64) -> Result<Hash> {
        let head = self.log_size().await?;
        if size > head {
            return Err(out_of_range("cỡ cây", size, head));
        }
        if size == 0 {
            return Ok(Compact::default().root());
        }
        Ok(self.log_runs(std::slice::from_ref(&(0..size))).await?[0])
    }

    /// The audit path of entry `seq` in the tree of `size` entries (the whole log when
    /// `None`).
    pub async fn log_inclusion(&self, seq: i64, size: Option<u64>) -> Result<InclusionProof> {
        let head = self.log_size().await?;
        let size = size.unwrap_or(head);
        if size > head {
            return Err(out_of_range("cỡ cây", size, head));
        }
        if seq < 1 || seq as u64 > size {
            return Err(StoreError::Unsupported(format!(
                "Mục số {seq} không thuộc cây {size} mục (entry {seq} is not in the tree of {size})"
            )));
        }
        let index = seq as u64 - 1;
        // The leaf itself and the whole tree's root come from the same reads.
        let mut runs = inclusion_ranges(index, size);
        runs.push(index..index + 1);
        runs.push(0..size);
        let mut hashes = self.log_runs(&runs).await?;
        let root = hashes.pop().unwrap_or_default();
        let leaf = hashes.pop().unwrap_or_default();
        Ok(InclusionProof {
            seq,
            leaf_index: index,
            tree_size: size,
            leaf_hash: hex::encode(leaf),
            path: hexes(&hashes),
            root: hex::encode(root),
        })
    }

    /// The proof that the tree of `old` entries is a prefix of the tree of `new`.
    pub async fn log_consistency(&self, old: u64, new: u64) -> Result<ConsistencyProof> {
        let head = self.log_size().await?;
        if new > head {
            return Err(out_of_range("cỡ cây", new, head));
        }
        if old > new {
            return Err(StoreError::Unsupported(format!(
                "Cây cũ {old} mục lớn hơn cây mới {new} mục (the old tree is larger than the new)"
            )));
        }
        // The two roots come from the same reads as the proof.
        let mut runs = consistency_ranges(old, new);
        runs.push(0..new);
        let mut proof = self.log_runs(&runs).await?;
        let new_root = proof.pop().unwrap_or_default();
        let old_root = if old == 0 {
            Compact::default().root()
        } else {
            self.log_runs(std::slice::from_ref(&(0..old))).await?[0]
        };
        Ok(ConsistencyProof {
            old_size: old,
            new_size: new,
            old_root: hex::encode(old_root),
            new_root: hex::encode(new_root),
            proof: hexes(&proof),
        })
    }

    /// Signs a checkpoint of the whole log with `signer` and keeps it; a size already
    /// signed gives back the note kept for it (a checkpoint, once published, stays).
    pub async fn log_checkpoint(&self, signer: &LogSigner) -> Result<StoredCheckpoint> {
        let size = self.log_size().await?;
        if let Some(c) = self.stored_checkpoint(size).await? {
            return Ok(c);
        }
        let root = self.log_root(size).await?;
        let note = Checkpoint {
            origin: signer.name().to_string(),
            size,
            root,
        }
        .sign(signer);
        let signed_on = iso(today());
        q(
            "INSERT INTO log_checkpoints (size, root, note, signed_on, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (size) DO NOTHING",
        )
        .bind(size as i64)
        .bind(hex::encode(root))
        .bind(note)
        .bind(signed_on)
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        // Another server may have signed the same size at the same moment: its note is the
        // one kept, and both are valid.
        self.stored_checkpoint(size)
            .await?
            .ok_or_else(|| StoreError::corrupt("log_checkpoints", "size", size.to_string()))
    }

    /// Today's checkpoint: the one signed today if there is one, otherwise a new one of
    /// the whole log. At most one a day is kept this way (the server calls it daily);
    /// `audit checkpoint` signs the current size whenever asked.
    pub async fn log_daily_checkpoint(&self, signer: &LogSigner) -> Result<StoredCheckpoint> {
        let today = iso(today());
        if let Some(last) = self.checkpoints(1).await?.into_iter().next()
            && last.signed_on == today
        {
            return Ok(last);
        }
        self.log_checkpoint(signer).await
    }

    pub async fn stored_checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>> {
        let row: Option<(i64, String, String, String, i64)> = q(
            "SELECT size, root, note, signed_on, created_at FROM log_checkpoints WHERE size = $1",
        )
        .bind(size as i64)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(stored))
    }

    /// The stored checkpoints, the largest first.
    pub async fn checkpoints(&self, limit: i64) -> Result<Vec<StoredCheckpoint>> {
        let rows: Vec<(i64, String, String, String, i64)> = q(
            "SELECT size, root, note, signed_on, created_at FROM log_checkpoints ORDER BY size DESC LIMIT $1",
        )
        .bind(limit.clamp(1, 100_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(stored).collect())
    }

    /// Checks every stored checkpoint: its note verifies with `verifier` and states the
    /// root the entries give for its size — in one pass over the entries.
    pub async fn verify_checkpoints(&self, verifier: &LogVerifier) -> Result<CheckpointCheck> {
        let mut all = self.checkpoints(100_000).await?;
        all.sort_by_key(|c| c.size);
        let head = self.log_size().await?;
        let mut failed = Vec::new();
        let mut c = Compact::default();
        let mut roots = std::collections::BTreeMap::new();
        let sizes: std::collections::BTreeSet<u64> = all.iter().map(|c| c.size).collect();
        if sizes.contains(&0) {
            roots.insert(0, c.root());
        }
        let end = all.last().map(|c| c.size.min(head)).unwrap_or(0);
        self.log_leaves(0..end, |i, leaf| {
            c.push(leaf);
            if sizes.contains(&(i + 1)) {
                roots.insert(i + 1, c.root());
            }
        })
        .await?;
        for cp in &all {
            let ok = Checkpoint::open(&cp.note, verifier).is_ok_and(|n| {
                n.size == cp.size
                    && hex::encode(n.root) == cp.root
                    && roots.get(&cp.size).is_some_and(|r| *r == n.root)
            });
            if !ok {
                failed.push(cp.size);
            }
        }
        Ok(CheckpointCheck {
            checked: all.len() as u64,
            failed,
        })
    }
}

fn stored(
    (size, root, note, signed_on, created_at): (i64, String, String, String, i64),
) -> StoredCheckpoint {
    StoredCheckpoint {
        size: size as u64,
        root,
        note,
        signed_on,
        created_at,
    }
}

/// The origin (and key name) a new log key gets when none is configured.
pub const DEFAULT_ORIGIN: &str = "songmaytinh/audit-log";

/// The log's signing key from `path`, made (32 random bytes, named `origin`) and written
/// with mode 0600 when the file does not exist. The key lives outside the database, so
/// that whoever can only write to the database cannot sign a rewritten history.
pub fn log_key(path: &std::path::Path, origin: &str) -> Result<LogSigner> {
    use std::io::Write;
    let bad = |why: String| StoreError::Unsupported(why);
    match std::fs::read_to_string(path) {
        Ok(text) => LogSigner::parse(&text).map_err(|e| {
            bad(format!(
                "Tệp khóa ký nhật ký {} không đọc được: {e} (the log key file cannot be read)",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            crate::passwords::fill_random(&mut seed);
            let signer = LogSigner::from_seed(origin, seed).map_err(|e| {
                bad(format!(
                    "Tên nhật ký «{origin}» không hợp lệ: {e} (the log's origin is not a valid key name)"
                ))
            })?;
            // Written whole to a private temporary file, then linked into place: two
            // processes starting at once never read half a key, and the first one wins.
            let tmp = path.with_extension(format!("tmp-{}", crate::passwords::random_token(6)));
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let mut f = o.open(&tmp)?;
            f.write_all(format!("{}\n", signer.private_text()).as_bytes())?;
            f.sync_all()?;
            drop(f);
            let linked = std::fs::hard_link(&tmp, path);
            let _ = std::fs::remove_file(&tmp);
            match linked {
                Ok(()) => Ok(signer),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => log_key(path, origin),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
