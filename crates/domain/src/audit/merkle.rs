//! The audit trail as a Merkle tree in the manner of Certificate Transparency (RFC 9162
//! §2.1, the same hashing as RFC 6962): a leaf is `SHA-256(0x00 ‖ entry)`, a node
//! `SHA-256(0x01 ‖ left ‖ right)`, a tree of `n` leaves is split at the largest power of
//! two below `n`. The entry of audit record `seq` is the 32 bytes of its chain hash (which
//! covers every field of the record and the record before it), and it is leaf `seq − 1`.
//!
//! Proofs are made without holding the tree: [`inclusion_ranges`] and
//! [`consistency_ranges`] say which runs of leaves a proof's hashes are the roots of
//! (RFC 9162's `PATH` and `SUBPROOF`, written over index ranges), and [`RangeHasher`]
//! hashes those runs while the leaves stream past, in memory of the order of the tree's
//! height. Checking uses RFC 9162's own verification algorithms (§2.1.3.2, §2.1.4.2),
//! which share nothing with the way the proofs are made.

use sha2::{Digest, Sha256};
use std::ops::Range;

pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: the hash of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf of an audit record, from its chain hash (hex); `None` when that is not 64
/// hexadecimal characters.
pub fn audit_leaf(chain_hash_hex: &str) -> Option<Hash> {
    let bytes: Hash = hex::decode(chain_hash_hex).ok()?.try_into().ok()?;
    Some(leaf_hash(&bytes))
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The runs of leaves whose roots make the audit path of leaf `index` in the tree of
/// `size` leaves, leaf first (RFC 9162 §2.1.3.1 `PATH(m, D[n])`); empty when the index is
/// not in the tree.
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<Range<u64>> {
    let mut out = Vec::new();
    if index >= size {
        return out;
    }
    // Walk down from the whole tree, noting each sibling; the path lists them from the
    // bottom up.
    let (mut lo, mut hi, mut m) = (0u64, size, index);
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            out.push(lo + k..hi);
            hi = lo + k;
        } else {
            out.push(lo..lo + k);
            lo += k;
            m -= k;
        }
    }
    out.reverse();
    out
}

/// The runs of leaves whose roots make the consistency proof from the tree of `old`
/// leaves to the tree of `new` (RFC 9162 §2.1.4.1 `PROOF(m, D[n])`), in the proof's
/// order; empty when `old` is 0, equal to `new` or larger.
pub fn consistency_ranges(old: u64, new: u64) -> Vec<Range<u64>> {
    let mut out = Vec::new();
    if old == 0 || old >= new {
        return out;
    }
    // SUBPROOF(m, D[lo..hi), whole): iteratively, collecting the right-hand parts, which
    // come out in reverse.
    let (mut lo, mut hi, mut m, mut whole) = (0u64, new, old, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(lo..hi);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            out.push(lo + k..hi);
            hi = lo + k;
        } else {
            out.push(lo..lo + k);
            lo += k;
            m -= k;
            whole = false;
        }
    }
    out.reverse();
    out
}

/// The root of a run of leaves fed in order, in memory of the order of its height: a
/// stack of the roots of complete subtrees, merged as they fill (the "compact range").
#[derive(Debug, Default, Clone)]
pub struct Compact {
    /// (leaves, root) of complete subtrees, largest first.
    stack: Vec<(u64, Hash)>,
}

impl Compact {
    pub fn push(&mut self, leaf: Hash) {
        let mut node = (1u64, leaf);
        while let Some(&(n, h)) = self.stack.last() {
            if n != node.0 {
                break;
            }
            self.stack.pop();
            node = (n * 2, node_hash(&h, &node.1));
        }
        self.stack.push(node);
    }

    pub fn len(&self) -> u64 {
        self.stack.iter().map(|(n, _)| n).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    /// MTH of the leaves pushed: the complete subtrees folded from the right, which is
    /// RFC 9162's split at the largest power of two.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return empty_root();
        };
        for (_, h) in it {
            acc = node_hash(h, &acc);
        }
        acc
    }
}

/// MTH of a list of leaf hashes.
pub fn root_of(leaves: &[Hash]) -> Hash {
    let mut c = Compact::default();
    for l in leaves {
        c.push(*l);
    }
    c.root()
}

/// The roots of a list of disjoint runs of leaves, computed while every leaf of the tree
/// is fed once, in order. The runs may come in any order; the hashes come back in it.
pub struct RangeHasher {
    /// (position in the caller's list, run), sorted by start.
    runs: Vec<(usize, Range<u64>)>,
    next: usize,
    current: Compact,
    out: Vec<Option<Hash>>,
    fed: u64,
}

impl RangeHasher {
    pub fn new(runs: &[Range<u64>]) -> RangeHasher {
        let mut sorted: Vec<(usize, Range<u64>)> = runs.iter().cloned().enumerate().collect();
        sorted.sort_by_key(|(_, r)| r.start);
        RangeHasher {
            out: vec![None; sorted.len()],
            runs: sorted,
            next: 0,
            current: Compact::default(),
            fed: 0,
        }
    }

    /// The leaves the runs need: from the first run's start to the last one's end.
    pub fn span(&self) -> Range<u64> {
        let start = self.runs.first().map(|(_, r)| r.start).unwrap_or(0);
        let end = self.runs.iter().map(|(_, r)| r.end).max().unwrap_or(0);
        start..end.max(start)
    }

    /// Feeds leaf `index`; leaves must come in increasing order without gaps from
    /// [`RangeHasher::span`]'s start.
    pub fn feed(&mut self, index: u64, leaf: Hash) {
        debug_assert!(self.fed == 0 || index == self.fed, "leaves out of order");
        self.fed = index + 1;
        while let Some((pos, run)) = self.runs.get(self.next) {
            if index < run.start {
                return;
            }
            if index < run.end {
                self.current.push(leaf);
                if index + 1 == run.end {
                    self.out[*pos] = Some(self.current.root());
                    self.current = Compact::default();
                    self.next += 1;
                }
                return;
            }
            self.next += 1;
        }
    }

    /// The runs' roots, in the order they were asked for; `None` when a leaf was missing.
    pub fn finish(self) -> Option<Vec<Hash>> {
        self.out.into_iter().collect()
    }
}

/// RFC 9162 §2.1.3.2: whether `path` proves that `leaf` is leaf `index` of the tree of
/// `size` leaves whose root is `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// RFC 9162 §2.1.4.2: whether `proof` proves that the tree of `old` leaves with root
/// `old_root` is a prefix of the tree of `new` leaves with root `new_root`.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old > new {
        return false;
    }
    if old == new {
        return proof.is_empty() && old_root == new_root;
    }
    if old == 0 {
        // The empty tree is a prefix of every tree; RFC 9162 has no proof for it.
        return proof.is_empty();
    }
    if proof.is_empty() {
        return false;
    }
    let mut path: Vec<Hash> = proof.to_vec();
    // An old size that is a power of two is its own subtree: the old root starts the path.
    if old.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let (mut f_n, mut s_n) = (old - 1, new - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    fr == *old_root && sr == *new_root && s_n == 0
}

/// The audit path of leaf `index` from the full list of leaves (tests, small trees).
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Vec<Hash> {
    hash_runs(leaves, &inclusion_ranges(index, leaves.len() as u64))
}

/// The consistency proof from the first `old` leaves to all of them (tests, small trees).
pub fn consistency_proof(leaves: &[Hash], old: u64) -> Vec<Hash> {
    hash_runs(leaves, &consistency_ranges(old, leaves.len() as u64))
}

fn hash_runs(leaves: &[Hash], runs: &[Range<u64>]) -> Vec<Hash> {
    let mut h = RangeHasher::new(runs);
    let span = h.span();
    for i in span {
        h.feed(i, leaves[i as usize]);
    }
    h.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests;
