//! Allocation: who among the approved students gets which of the available devices, and
//! why. A pure function of its inputs, a policy and a seed ([`allocate`]): no I/O, no
//! clock, no map or insertion order, no floating point, no library shuffle. The same
//! inputs and seed give the same bytes, so a stored run can be recomputed by anyone.
//!
//! The default policy, every rule a setting of [`Policy`] stored with the run:
//! - devices a donor earmarked (a unit or school, a tier) go first, to the students they
//!   name, by the same rules below within the earmark;
//! - tiers in strict order: no student of a lower tier gets a device of a pool while an
//!   eligible student of a higher tier waits in it;
//! - within the tier where devices run out, units share them in proportion to their
//!   demand by the largest remainders (Hamilton), in integers; equal remainders go by
//!   SHA-256(seed ‖ unit code) ([`lottery::unit_tie_key`]);
//! - within a unit: evidence verified first, then the earliest approval, then the lottery
//!   rank SHA-256(seed ‖ run ‖ pseudonym) ([`lottery::lottery_rank`]);
//! - the device kind follows the school's level (tablets for primary schools, laptops
//!   above), falling back to any device of the pool;
//! - no claw-back: a run only takes devices nobody holds and students still waiting, so
//!   a later run over newly arrived devices never moves what an earlier run gave.

pub mod apportion;
mod error;
pub mod lottery;

pub use apportion::{Quota, Share, hamilton};
pub use error::AllocationError;
pub use lottery::{Seed, lottery_rank, parse_seed, pseudonym, seed_commitment, unit_tie_key};

use crate::devices::DeviceKind;
use crate::donations::Earmark;
use crate::units::SchoolLevel;
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Where a run stands: a draft (its seed hidden behind its commitment), approved by a
/// decision (the seed shown), executed (its devices reserved), or discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Draft,
    Approved,
    Executed,
    Discarded,
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Draft,
        RunStatus::Approved,
        RunStatus::Executed,
        RunStatus::Discarded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RunStatus::Draft => "draft",
            RunStatus::Approved => "approved",
            RunStatus::Executed => "executed",
            RunStatus::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<RunStatus> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RunStatus::Draft => lang.pick("Dự thảo", "Draft"),
            RunStatus::Approved => lang.pick("Đã phê duyệt", "Approved"),
            RunStatus::Executed => lang.pick(
                "Đã thực hiện (máy đã giữ chỗ)",
                "Executed (devices reserved)",
            ),
            RunStatus::Discarded => lang.pick("Đã hủy", "Discarded"),
        }
    }
}

/// The summary a run stores beside its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub units: Vec<UnitShare>,
    pub tiers: Vec<TierShare>,
    pub pools: Vec<PoolSummary>,
    pub unassigned: Vec<i64>,
    pub fairness: Vec<Fairness>,
}

impl Outcome {
    /// Everything but the lines.
    pub fn summary(&self) -> Summary {
        Summary {
            units: self.units.clone(),
            tiers: self.tiers.clone(),
            pools: self.pools.clone(),
            unassigned: self.unassigned.clone(),
            fairness: self.fairness.clone(),
        }
    }
}

impl Rule {
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Earmark { .. } => "earmark",
            Rule::WholeTier => "whole_tier",
            Rule::Quota => "quota",
            Rule::Waiting => "waiting",
        }
    }
}

/// What a student's explanation needs besides their line: names, not ids.
pub struct Explain<'a> {
    pub rule: &'a str,
    /// The device's serial and kind in words, when one was allocated.
    pub device: Option<(&'a str, &'a str)>,
    /// The tier's code (`i`, `ii`, `iii`).
    pub tier: &'a str,
    pub unit: &'a str,
    pub other_kind: bool,
    pub queue_position: Option<i64>,
    pub devices_short: Option<i64>,
    /// The run is executed (devices reserved) rather than a draft or approved.
    pub executed: bool,
}

/// Why a student has a device or waits, in plain words.
pub fn explain(e: &Explain, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let held = if e.executed {
        lang.pick("đã được giữ", "is reserved")
    } else {
        lang.pick(
            "sẽ được giữ khi lượt phân bổ được thực hiện",
            "will be reserved once the run is executed",
        )
    };
    match e.device {
        Some((serial, kind)) => {
            let why = match e.rule {
                "earmark" => lang.pick(
                    "theo mong muốn của nhà tài trợ dành cho đơn vị hoặc đối tượng của em",
                    "as its donor earmarked it for the student's unit or tier",
                ),
                "whole_tier" => lang.pick(
                    "vì đủ máy cho mọi học sinh cùng diện ưu tiên đang chờ",
                    "because there were devices for every waiting student of the tier",
                ),
                _ => lang.pick(
                    "trong phần máy chia cho đơn vị theo tỉ lệ số học sinh cùng diện",
                    "within the unit's share of the tier, in proportion to its demand",
                ),
            };
            let other = if e.other_kind {
                lang.pick(
                    " (không còn loại máy dành cho cấp học của trường nên nhận loại khác)",
                    " (no device of the kind for the school's level was left, so another kind)",
                )
            } else {
                ""
            };
            if vi {
                format!("Được phân bổ {kind} số sê-ri {serial} {why}{other}; máy {held}.")
            } else {
                format!("Allocated a {kind}, serial {serial}, {why}{other}; the device {held}.")
            }
        }
        None => {
            let k = e.queue_position.unwrap_or(0);
            let n = e.devices_short.unwrap_or(0);
            if vi {
                format!(
                    "Đang chờ: đứng thứ {k} trong hàng chờ diện ({}) của {}; đơn vị cần thêm {n} máy nữa thì đến lượt em.",
                    e.tier, e.unit
                )
            } else {
                format!(
                    "Waiting: number {k} in the queue of tier ({}) in {}; the unit needs {n} more devices before the student's turn.",
                    e.tier, e.unit
                )
            }
        }
    }
}

/// What happens to earmarked devices no eligible student is left for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnusedEarmarked {
    /// They wait for a student the donor named (the default: the donor's wish holds).
    Keep,
    /// They join the general pool of the same run.
    General,
}

/// The kind of device a school's level gets first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelKind {
    pub level: SchoolLevel,
    pub kind: DeviceKind,
}

/// The rules of a run, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The layout of the rules (1: this one).
    pub version: u32,
    pub unused_earmarked: UnusedEarmarked,
    /// Within a unit and tier, students whose evidence was verified come first.
    pub evidence_first: bool,
    /// Then those approved earliest.
    pub earliest_approval_first: bool,
    /// The device kind each school level gets first; levels not listed take any.
    pub kinds: Vec<LevelKind>,
}

impl Default for Policy {
    fn default() -> Policy {
        use SchoolLevel::*;
        Policy {
            version: 1,
            unused_earmarked: UnusedEarmarked::Keep,
            evidence_first: true,
            earliest_approval_first: true,
            kinds: [TieuHoc, Thcs, Thpt, ThThcs, ThcsThpt, Gdtx, Khac]
                .into_iter()
                .map(|level| LevelKind {
                    level,
                    kind: if level == TieuHoc {
                        DeviceKind::Tablet
                    } else {
                        DeviceKind::Laptop
                    },
                })
                .collect(),
        }
    }
}

impl Policy {
    pub fn kind_for(&self, level: SchoolLevel) -> Option<DeviceKind> {
        self.kinds.iter().find(|k| k.level == level).map(|k| k.kind)
    }
}

/// A district office or a unit directly under the Department, among which devices are
/// apportioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
}

/// An approved student waiting for a device (a nomination).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    /// The nomination's id (`students.id`).
    pub student: i64,
    /// The student's pseudonym ([`pseudonym`]).
    #[serde(with = "hex32")]
    pub key: [u8; 32],
    /// The tier's rank (1 poor, 2 near-poor, 3 lost a parent to Covid-19).
    pub tier: u8,
    pub school: i64,
    /// The district office or direct unit the school belongs to.
    pub unit: i64,
    pub level: SchoolLevel,
    /// When the Board approved the student's list (milliseconds).
    pub approved_at: i64,
    pub evidence_verified: bool,
}

/// A device free to allocate: in the Board's stock, passed appraisal, held by nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: i64,
    pub kind: DeviceKind,
    /// What its donor asked for (empty: nothing).
    #[serde(default)]
    pub earmark: Earmark,
}

/// Everything a run decides from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub run: i64,
    #[serde(with = "hex32")]
    pub seed: Seed,
    pub policy: Policy,
    pub units: Vec<UnitRef>,
    pub nominations: Vec<Nomination>,
    pub devices: Vec<Device>,
}

impl Input {
    /// The SHA-256 (hex) of the frozen inputs (units, nominations, devices, in id order),
    /// without the seed or the policy: what a draft run records before the seed is shown.
    pub fn digest(&self) -> String {
        let mut units: Vec<&UnitRef> = self.units.iter().collect();
        units.sort_by_key(|u| u.id);
        let mut noms: Vec<&Nomination> = self.nominations.iter().collect();
        noms.sort_by_key(|n| n.student);
        let mut devs: Vec<&Device> = self.devices.iter().collect();
        devs.sort_by_key(|d| d.id);
        let mut h = Sha256::new();
        h.update(b"songmaytinh/allocation-inputs/v1\n");
        for u in units {
            h.update(format!("u\t{}\t{}\n", u.id, u.code).as_bytes());
        }
        for n in noms {
            h.update(
                format!(
                    "n\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    n.student,
                    hex::encode(n.key),
                    n.tier,
                    n.school,
                    n.unit,
                    n.level.code(),
                    n.approved_at,
                    n.evidence_verified
                )
                .as_bytes(),
            );
        }
        for d in devs {
            h.update(
                format!(
                    "d\t{}\t{}\t{}\t{}\n",
                    d.id,
                    d.kind.code(),
                    d.earmark.unit_id.map(|x| x.to_string()).unwrap_or_default(),
                    d.earmark.tier.map(|x| x.to_string()).unwrap_or_default()
                )
                .as_bytes(),
            );
        }
        hex::encode(h.finalize())
    }
}

/// Under which rule a student got a device, or that they wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// A device its donor earmarked for the student's unit or school, tier, or both.
    Earmark { unit: Option<i64>, tier: Option<u8> },
    /// The pool had devices for every waiting student of the tier.
    WholeTier,
    /// The tier where devices ran out: within the unit's share.
    Quota,
    /// No device this run.
    Waiting,
}

/// One student's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub student: i64,
    pub tier: u8,
    pub unit: i64,
    pub school: i64,
    pub device: Option<i64>,
    #[serde(flatten)]
    pub rule: Rule,
    /// A device of another kind than the school's level gets first.
    pub other_kind: bool,
    /// For a waiting student: their place in the unit's queue of their tier, from 1.
    pub queue_position: Option<u32>,
    /// For a waiting student: how many more devices the unit needs before their turn
    /// (every waiting student of a higher tier in the unit, then those ahead in theirs).
    pub devices_short: Option<u32>,
}

/// A unit's share, and the arithmetic behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitShare {
    pub unit: i64,
    pub code: String,
    /// Students waiting at the start of the run.
    pub demand: u64,
    /// Devices from earmarks.
    pub earmarked: u64,
    /// The exact quota of the general pool: the whole demand of every tier it served in
    /// full, plus `devices × demand / total` of the tier where it ran out.
    pub quota: Quota,
    /// The tier where the general pool ran out, its devices and total demand, and the
    /// unit's demand in it (absent when no tier ran out).
    pub partial: Option<PartialTier>,
    /// The floor of the quota.
    pub floor: u64,
    /// The unit's rank by remainder in the tier where devices ran out.
    pub remainder_rank: Option<u32>,
    /// Whether it got one of the leftover devices.
    pub extra: bool,
    /// Devices given: earmarked and general.
    pub served: u64,
}

impl UnitShare {
    /// The unit's whole quota: earmarked devices and its general quota.
    pub fn total_quota(&self) -> Quota {
        self.quota.plus(self.earmarked)
    }
}

/// The tier where a pool ran out of devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialTier {
    pub tier: u8,
    /// Devices left for the tier.
    pub devices: u64,
    /// Students of the tier waiting in all units.
    pub total: u64,
    /// Students of the tier waiting in this unit.
    pub demand: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierShare {
    pub tier: u8,
    pub demand: u64,
    pub served: u64,
}

/// A pool of devices shared by the rules: one per earmark, then the general pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// `None`: the general pool.
    pub earmark: Option<Earmark>,
    pub devices: u64,
    pub served: u64,
    /// The tier where it ran out.
    pub partial_tier: Option<u8>,
}

/// One line of the fairness check: a share beside the share expected, in basis points
/// (1/100 of a percentage point).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fairness {
    /// `unit:<code>` (its share of the devices given) or `tier:<rank>` (the share of
    /// its demand served).
    pub scope: String,
    pub expected_bp: i64,
    pub actual_bp: i64,
    /// More than 3 percentage points apart.
    pub warn: bool,
}

/// The threshold of the fairness check, in basis points.
pub const FAIRNESS_THRESHOLD_BP: i64 = 300;

/// What a run decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// One per nomination, by student id.
    pub lines: Vec<Line>,
    /// By unit code.
    pub units: Vec<UnitShare>,
    /// By rank.
    pub tiers: Vec<TierShare>,
    pub pools: Vec<PoolSummary>,
    /// Devices left, by id (earmarked ones no student was left for, or more devices
    /// than students).
    pub unassigned: Vec<i64>,
    pub fairness: Vec<Fairness>,
}

impl Outcome {
    pub fn devices(&self) -> u64 {
        self.lines.iter().filter(|l| l.device.is_some()).count() as u64
            + self.unassigned.len() as u64
    }

    pub fn served(&self) -> u64 {
        self.lines.iter().filter(|l| l.device.is_some()).count() as u64
    }

    pub fn waiting(&self) -> u64 {
        self.lines.len() as u64 - self.served()
    }

    /// The canonical bytes of the outcome (JSON): what a run stores a digest of and
    /// `allocation verify` compares.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an outcome always serialises")
    }

    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.to_bytes()))
    }
}

const NONE: u32 = u32::MAX;

/// Allocates the input's devices to its nominations by its policy and seed.
pub fn allocate(input: &Input) -> Result<Outcome, DomainError> {
    let noms = &input.nominations;
    let n = noms.len();
    if n >= NONE as usize || input.devices.len() >= NONE as usize {
        return Err(AllocationError::TooLarge.into());
    }
    // Units by code: their order in the summary, their tie keys.
    let mut units: Vec<&UnitRef> = input.units.iter().collect();
    units.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
    let mut unit_ix: HashMap<i64, u32> = HashMap::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        if unit_ix.insert(u.id, i as u32).is_some() {
            return Err(AllocationError::DuplicateUnit { id: u.id }.into());
        }
    }
    let ties: Vec<[u8; 32]> = units
        .iter()
        .map(|u| unit_tie_key(&input.seed, &u.code))
        .collect();
    let mut nu: Vec<u32> = Vec::with_capacity(n);
    for x in noms {
        let Some(&u) = unit_ix.get(&x.unit) else {
            return Err(AllocationError::UnknownUnit {
                student: x.student,
                unit: x.unit,
            }
            .into());
        };
        nu.push(u);
    }
    let mut ids: Vec<i64> = noms.iter().map(|x| x.student).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(AllocationError::DuplicateStudent { student: w[0] }.into());
    }
    drop(ids);
    let mut ids: Vec<i64> = input.devices.iter().map(|d| d.id).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(AllocationError::DuplicateDevice { device: w[0] }.into());
    }
    drop(ids);

    let policy = &input.policy;
    // The order within a unit and tier, in full (the lottery ranks recomputed: only
    // students whose packed keys below are equal are compared this way).
    let within = |a: usize, b: usize| -> Ordering {
        let (x, y) = (&noms[a], &noms[b]);
        let mut o = Ordering::Equal;
        if policy.evidence_first {
            o = y.evidence_verified.cmp(&x.evidence_verified);
        }
        if o == Ordering::Equal && policy.earliest_approval_first {
            o = x.approved_at.cmp(&y.approved_at);
        }
        o.then_with(|| {
            lottery_rank(&input.seed, input.run, &x.key).cmp(&lottery_rank(
                &input.seed,
                input.run,
                &y.key,
            ))
        })
        .then_with(|| x.student.cmp(&y.student))
    };
    // The same order packed in one integer per student (tier, evidence, rank of the
    // approval time, the first 8 bytes of the lottery rank), so that millions sort
    // without chasing each student's record; equal packed keys fall back to `within`.
    // The lottery ranks are hashed on every core.
    let mut approvals: Vec<i64> = noms.iter().map(|x| x.approved_at).collect();
    approvals.sort_unstable();
    approvals.dedup();
    let pack = |x: &Nomination| -> u128 {
        let unverified = u128::from(policy.evidence_first && !x.evidence_verified);
        let approved = if policy.earliest_approval_first {
            approvals.binary_search(&x.approved_at).unwrap_or(0) as u128
        } else {
            0
        };
        let lot = lottery_rank(&input.seed, input.run, &x.key);
        let lot = u64::from_be_bytes(lot[..8].try_into().expect("8 bytes"));
        (u128::from(x.tier) << 120) | (unverified << 119) | (approved << 64) | u128::from(lot)
    };
    let mut pri: Vec<u128> = vec![0; n];
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(8);
    let chunk = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (out, part) in pri.chunks_mut(chunk).zip(noms.chunks(chunk)) {
            let pack = &pack;
            s.spawn(move || {
                for (o, x) in out.iter_mut().zip(part) {
                    *o = pack(x);
                }
            });
        }
    });
    drop(approvals);
    let by_pri = |a: usize, b: usize| pri[a].cmp(&pri[b]).then_with(|| within(a, b));
    // Students by (tier, unit) with a counting sort, then each queue (a few thousand
    // students at most) sorted by its packed keys; equal keys fall back to `within`.
    // Dense buckets: tier index × units + unit.
    let tiers: BTreeSet<u8> = noms.iter().map(|x| x.tier).collect();
    let mut tier_ix = [usize::MAX; 256];
    for (i, t) in tiers.iter().enumerate() {
        tier_ix[*t as usize] = i;
    }
    let n_units = units.len().max(1);
    let n_buckets = tiers.len() * n_units;
    let bucket_of = |i: usize| tier_ix[noms[i].tier as usize] * n_units + nu[i] as usize;
    let mut starts = vec![0usize; n_buckets + 1];
    for i in 0..n {
        starts[bucket_of(i) + 1] += 1;
    }
    for b in 0..n_buckets {
        starts[b + 1] += starts[b];
    }
    let mut keyed: Vec<(u128, u32)> = vec![(0, 0); n];
    let mut next = starts.clone();
    for (i, &p) in pri.iter().enumerate() {
        let b = bucket_of(i);
        keyed[next[b]] = (p, i as u32);
        next[b] += 1;
    }
    drop(next);
    for b in 0..n_buckets {
        let q = &mut keyed[starts[b]..starts[b + 1]];
        q.sort_unstable_by_key(|k| k.0);
        let mut i = 0;
        while i < q.len() {
            let mut j = i + 1;
            while j < q.len() && q[j].0 == q[i].0 {
                j += 1;
            }
            if j - i > 1 {
                q[i..j].sort_by(|a, b| within(a.1 as usize, b.1 as usize));
            }
            i = j;
        }
    }
    let order: Vec<u32> = keyed.iter().map(|k| k.1).collect();
    drop(keyed);
    // Queues: the buckets with students, by (tier, unit).
    let mut queues: BTreeMap<(u8, u32), (usize, usize)> = BTreeMap::new();
    for (ti, &t) in tiers.iter().enumerate() {
        for u in 0..n_units {
            let b = ti * n_units + u;
            if starts[b + 1] > starts[b] {
                queues.insert((t, u as u32), (starts[b], starts[b + 1]));
            }
        }
    }

    let mut st = State {
        input,
        nu: &nu,
        order: &order,
        queues: &queues,
        tiers: &tiers,
        units: &units,
        ties: &ties,
        unit_ix: &unit_ix,
        school_unit: {
            let named: HashSet<i64> = input
                .devices
                .iter()
                .filter_map(|d| d.earmark.unit_id)
                .filter(|id| !unit_ix.contains_key(id))
                .collect();
            if named.is_empty() {
                HashMap::new()
            } else {
                noms.iter()
                    .zip(&nu)
                    .filter(|(x, _)| named.contains(&x.school))
                    .map(|(x, &u)| (x.school, u))
                    .collect()
            }
        },
        by_pri: &by_pri,
        pri: &pri,
        device_of: vec![NONE; n],
        rule_of: vec![Rule::Waiting; n],
        other_kind: vec![false; n],
        earmarked: vec![0; units.len()],
        general: None,
        pools: Vec::new(),
    };

    // Earmarked devices first, one pool per earmark: the most specific first.
    let mut by_mark: BTreeMap<(u8, Option<i64>, Option<u8>), Vec<usize>> = BTreeMap::new();
    let mut general: Vec<usize> = Vec::new();
    for (i, d) in input.devices.iter().enumerate() {
        if d.earmark.is_empty() {
            general.push(i);
        } else {
            let specificity = match (d.earmark.unit_id, d.earmark.tier) {
                (Some(_), Some(_)) => 0,
                (Some(_), None) => 1,
                _ => 2,
            };
            by_mark
                .entry((specificity, d.earmark.unit_id, d.earmark.tier))
                .or_default()
                .push(i);
        }
    }
    let mut unassigned: Vec<usize> = Vec::new();
    for ((_, unit, tier), devs) in by_mark {
        let mark = Earmark {
            unit_id: unit,
            tier,
        };
        let left = st.pool(devs, Some(mark));
        match policy.unused_earmarked {
            UnusedEarmarked::Keep => unassigned.extend(left),
            UnusedEarmarked::General => general.extend(left),
        }
    }
    unassigned.extend(st.pool(general, None));

    Ok(st.finish(unassigned))
}

/// A unit's arithmetic in the general pool: the whole demand of the tiers served in
/// full, and its share of the tier where devices ran out.
type UnitArith = (u64, Option<(Share, PartialTier)>);

/// What a run holds while it decides.
struct State<'a, W: Fn(usize, usize) -> Ordering> {
    /// Students in priority order (tier, then the order within a unit), whatever the unit.
    by_pri: &'a W,
    pri: &'a [u128],
    input: &'a Input,
    nu: &'a [u32],
    order: &'a [u32],
    queues: &'a BTreeMap<(u8, u32), (usize, usize)>,
    tiers: &'a BTreeSet<u8>,
    units: &'a [&'a UnitRef],
    ties: &'a [[u8; 32]],
    unit_ix: &'a HashMap<i64, u32>,
    /// The unit of each school an earmark names.
    school_unit: HashMap<i64, u32>,
    device_of: Vec<u32>,
    rule_of: Vec<Rule>,
    other_kind: Vec<bool>,
    earmarked: Vec<u64>,
    /// The general pool's arithmetic per unit: (whole demand of tiers served in full,
    /// the partial tier's share and its figures).
    general: Option<Vec<UnitArith>>,
    pools: Vec<PoolSummary>,
}

impl<W: Fn(usize, usize) -> Ordering> State<'_, W> {
    /// Shares a pool's devices (indexes into the input's devices) among the students it
    /// may serve; returns the devices left.
    fn pool(&mut self, devs: Vec<usize>, mark: Option<Earmark>) -> Vec<usize> {
        let noms = &self.input.nominations;
        let n_units = self.units.len();
        let mut left = devs.len() as u64;
        let mut selected: Vec<usize> = Vec::new();
        // The arithmetic is kept for the general pool only.
        let mut arith: Vec<UnitArith> = if mark.is_none() {
            vec![(0, None); n_units]
        } else {
            Vec::new()
        };
        let mut partial_tier = None;
        let eligible = |s: usize| -> bool {
            match &mark {
                None => true,
                Some(m) => {
                    m.unit_id
                        .is_none_or(|u| noms[s].unit == u || noms[s].school == u)
                        && m.tier.is_none_or(|t| noms[s].tier == t)
                }
            }
        };
        // The unit whose queues an earmark for a unit or a school reads.
        let only_unit = match mark.as_ref().and_then(|m| m.unit_id) {
            Some(id) => match self.unit_ix.get(&id).or_else(|| self.school_unit.get(&id)) {
                Some(&u) => Some(u),
                // Nobody waits in the unit or school the donor named.
                None => {
                    self.pools.push(PoolSummary {
                        earmark: mark,
                        devices: devs.len() as u64,
                        served: 0,
                        partial_tier: None,
                    });
                    return devs;
                }
            },
            None => None,
        };
        for &tier in self.tiers.iter() {
            if left == 0 {
                break;
            }
            if mark
                .as_ref()
                .and_then(|m| m.tier)
                .is_some_and(|t| t != tier)
            {
                continue;
            }
            // The waiting, eligible students of the tier, per unit, in queue order (an
            // earmark for a unit or school reads that unit's queue only).
            // Only the units with a queue in the tier: (unit, its eligible students).
            let mut lists: Vec<(u32, Vec<usize>)> = Vec::new();
            let range = match only_unit {
                Some(u) => (tier, u)..=(tier, u),
                None => (tier, 0)..=(tier, u32::MAX),
            };
            for (&(_, u), &(a, b)) in self.queues.range(range) {
                let mut list = Vec::new();
                for &s in &self.order[a..b] {
                    let s = s as usize;
                    // A student is in one tier's queue only: chosen at most once per pool.
                    if self.device_of[s] == NONE && eligible(s) {
                        list.push(s);
                    }
                }
                if !list.is_empty() {
                    lists.push((u, list));
                }
            }
            let total: u64 = lists.iter().map(|l| l.1.len() as u64).sum();
            if total == 0 {
                continue;
            }
            let general = mark.is_none();
            if left >= total {
                for (u, list) in &lists {
                    if general {
                        arith[*u as usize].0 += list.len() as u64;
                    }
                    for &s in list {
                        self.rule_of[s] = rule_for(&mark, true);
                        selected.push(s);
                    }
                }
                left -= total;
            } else {
                let claimants: Vec<(u64, [u8; 32])> = lists
                    .iter()
                    .map(|(u, l)| (l.len() as u64, self.ties[*u as usize]))
                    .collect();
                let shares = hamilton(left, &claimants);
                for ((u, list), share) in lists.iter().zip(&shares) {
                    if general {
                        arith[*u as usize].1 = Some((
                            *share,
                            PartialTier {
                                tier,
                                devices: left,
                                total,
                                demand: list.len() as u64,
                            },
                        ));
                    }
                    for &s in &list[..share.seats as usize] {
                        self.rule_of[s] = rule_for(&mark, false);
                        selected.push(s);
                    }
                }
                partial_tier = Some(tier);
                left = 0;
            }
        }
        // Devices to the students chosen: the kind their school's level gets first,
        // then any; students in priority order, devices of a kind in id order.
        let devices = &self.input.devices;
        let mut keyed: Vec<(u128, u32)> =
            selected.iter().map(|&s| (self.pri[s], s as u32)).collect();
        keyed.sort_unstable();
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                j += 1;
            }
            if j - i > 1 {
                keyed[i..j].sort_by(|a, b| (self.by_pri)(a.1 as usize, b.1 as usize));
            }
            i = j;
        }
        let selected: Vec<usize> = keyed.into_iter().map(|k| k.1 as usize).collect();
        let mut by_kind: BTreeMap<DeviceKind, std::collections::VecDeque<usize>> = BTreeMap::new();
        let mut sorted = devs;
        sorted.sort_by_key(|&d| devices[d].id);
        for d in sorted {
            by_kind.entry(devices[d].kind).or_default().push_back(d);
        }
        let mut pending = Vec::new();
        for &s in &selected {
            let want = self.input.policy.kind_for(noms[s].level);
            match want
                .and_then(|k| by_kind.get_mut(&k))
                .and_then(|q| q.pop_front())
            {
                Some(d) => self.device_of[s] = d as u32,
                None => pending.push(s),
            }
        }
        for s in pending {
            let d = by_kind
                .values_mut()
                .find_map(|q| q.pop_front())
                .expect("a pool selects no more students than it has devices");
            self.device_of[s] = d as u32;
            self.other_kind[s] = self.input.policy.kind_for(noms[s].level).is_some();
        }
        for &s in &selected {
            if mark.is_some() {
                self.earmarked[self.nu[s] as usize] += 1;
            }
        }
        self.pools.push(PoolSummary {
            earmark: mark.clone(),
            devices: (selected.len() + by_kind.values().map(|q| q.len()).sum::<usize>()) as u64,
            served: selected.len() as u64,
            partial_tier,
        });
        if mark.is_none() {
            self.general = Some(arith);
        }
        by_kind.into_values().flatten().collect()
    }

    fn finish(self, mut unassigned: Vec<usize>) -> Outcome {
        let input = self.input;
        let noms = &input.nominations;
        let n_units = self.units.len();
        // Waiting students: their place in their unit's queue of their tier.
        let mut position = vec![(0u32, 0u32); noms.len()];
        let mut ahead = vec![0u32; n_units];
        for (&(_, u), &(a, b)) in self.queues.iter() {
            let mut k = 0u32;
            for &s in &self.order[a..b] {
                let s = s as usize;
                if self.device_of[s] == NONE {
                    k += 1;
                    position[s] = (k, ahead[u as usize] + k);
                }
            }
            ahead[u as usize] += k;
        }
        let mut demand = vec![0u64; n_units];
        let mut served = vec![0u64; n_units];
        let mut tiers = [(0u64, 0u64); 256];
        let mut lines: Vec<Line> = Vec::with_capacity(noms.len());
        for (s, x) in noms.iter().enumerate() {
            let u = self.nu[s] as usize;
            demand[u] += 1;
            let t = &mut tiers[x.tier as usize];
            t.0 += 1;
            let device =
                (self.device_of[s] != NONE).then(|| input.devices[self.device_of[s] as usize].id);
            if device.is_some() {
                served[u] += 1;
                t.1 += 1;
            }
            let (pos, short) = position[s];
            lines.push(Line {
                student: x.student,
                tier: x.tier,
                unit: x.unit,
                school: x.school,
                device,
                rule: self.rule_of[s].clone(),
                other_kind: self.other_kind[s],
                queue_position: device.is_none().then_some(pos),
                devices_short: device.is_none().then_some(short),
            });
        }
        lines.sort_by_key(|l| l.student);
        let general = self.general.unwrap_or_else(|| vec![(0, None); n_units]);
        let units: Vec<UnitShare> = self
            .units
            .iter()
            .enumerate()
            .map(|(u, r)| {
                let (whole, part) = general[u];
                let quota = match part {
                    Some((share, _)) => Quota {
                        num: u128::from(whole) * share.quota.den + share.quota.num,
                        den: share.quota.den,
                    },
                    None => Quota::whole(whole),
                };
                UnitShare {
                    unit: r.id,
                    code: r.code.clone(),
                    demand: demand[u],
                    earmarked: self.earmarked[u],
                    quota,
                    partial: part.map(|(_, p)| p),
                    floor: quota.floor(),
                    remainder_rank: part.and_then(|(s, _)| s.rank),
                    extra: part.is_some_and(|(s, _)| s.extra),
                    served: served[u],
                }
            })
            .collect();
        let tiers: Vec<TierShare> = self
            .tiers
            .iter()
            .map(|&tier| TierShare {
                tier,
                demand: tiers[tier as usize].0,
                served: tiers[tier as usize].1,
            })
            .collect();
        unassigned.sort_by_key(|&d| input.devices[d].id);
        let unassigned: Vec<i64> = unassigned.iter().map(|&d| input.devices[d].id).collect();
        let mut out = Outcome {
            lines,
            units,
            tiers,
            pools: self.pools,
            unassigned,
            fairness: Vec::new(),
        };
        out.fairness = fairness(&out);
        out
    }
}

fn rule_for(mark: &Option<Earmark>, whole: bool) -> Rule {
    match mark {
        Some(m) => Rule::Earmark {
            unit: m.unit_id,
            tier: m.tier,
        },
        None if whole => Rule::WholeTier,
        None => Rule::Quota,
    }
}

/// The fairness check, computed from the lines alone, not from the engine's arithmetic:
/// if devices followed tiers in order and demand within a tier, how many would each tier
/// and unit get? Each share beside what it got, flagged when more than 3 percentage points
/// apart (earmarks and small runs do that legitimately; a defect does it too).
pub fn fairness(out: &Outcome) -> Vec<Fairness> {
    let given = out.served();
    let mut rows = Vec::new();
    if given == 0 {
        return rows;
    }
    // Expected devices per tier: tiers in order take what is left.
    let mut left = given;
    let mut expected_tier: BTreeMap<u8, u64> = BTreeMap::new();
    for t in &out.tiers {
        let e = left.min(t.demand);
        expected_tier.insert(t.tier, e);
        left -= e;
    }
    for t in &out.tiers {
        let e = expected_tier[&t.tier];
        let expected_bp = bp(u128::from(e), u128::from(t.demand));
        let actual_bp = bp(u128::from(t.served), u128::from(t.demand));
        rows.push(Fairness {
            scope: format!("tier:{}", t.tier),
            expected_bp,
            actual_bp,
            warn: (expected_bp - actual_bp).abs() > FAIRNESS_THRESHOLD_BP,
        });
    }
    // Expected devices per unit, in millionths: Σ over tiers of the tier's expected
    // devices times the unit's part of the tier's demand.
    let mut per_unit: HashMap<(i64, u8), u64> = HashMap::new();
    let mut code: HashMap<i64, &str> = HashMap::new();
    for u in &out.units {
        code.insert(u.unit, &u.code);
    }
    for l in &out.lines {
        *per_unit.entry((l.unit, l.tier)).or_default() += 1;
    }
    let demand_of: BTreeMap<u8, u64> = out.tiers.iter().map(|t| (t.tier, t.demand)).collect();
    let mut expected_micro: HashMap<i64, u128> = HashMap::new();
    for (&(unit, tier), &d) in &per_unit {
        let e = u128::from(expected_tier[&tier]) * u128::from(d) * 1_000_000
            / u128::from(demand_of[&tier]);
        *expected_micro.entry(unit).or_default() += e;
    }
    for u in &out.units {
        let e = expected_micro.get(&u.unit).copied().unwrap_or(0);
        let expected_bp = bp(e, u128::from(given) * 1_000_000);
        let actual_bp = bp(u128::from(u.served), u128::from(given));
        rows.push(Fairness {
            scope: format!("unit:{}", code[&u.unit]),
            expected_bp,
            actual_bp,
            warn: (expected_bp - actual_bp).abs() > FAIRNESS_THRESHOLD_BP,
        });
    }
    rows
}

/// `num / den` in basis points, rounded half up.
fn bp(num: u128, den: u128) -> i64 {
    if den == 0 {
        return 0;
    }
    ((num * 20_000 + den) / (2 * den)) as i64
}

/// A basis-point figure as a percentage, `12,34%` in Vietnamese.
pub fn percent(bp: i64, lang: Lang) -> String {
    let s = format!("{}.{:02}%", bp / 100, bp % 100);
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let b = hex::decode(&s).map_err(serde::de::Error::custom)?;
        b.try_into()
            .map_err(|_| serde::de::Error::custom("expected 32 bytes"))
    }
}

#[cfg(test)]
mod tests;
