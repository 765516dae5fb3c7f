//! The engine: queues by tier and unit, earmark pools, the general pool's Hamilton shares,
//! device kinds, waiting positions and the result lines. See the module above for the rules.

use super::*;
use crate::DomainError;
use rustc_hash::FxHashSet;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

const NONE: u32 = u32::MAX;
const WAITING: u16 = 0;
const WHOLE: u16 = 1;
const QUOTA: u16 = 2;
const EARMARK: u16 = 3;

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
    // Each student's unit index: from a table indexed by unit id when the ids are close
    // together (as a database gives them), else by a binary search among the few units.
    let mut by_id: Vec<(i64, u32)> = unit_ix.iter().map(|(&id, &i)| (id, i)).collect();
    by_id.sort_unstable();
    let (lo, hi) = match (by_id.first(), by_id.last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => (0, -1),
    };
    let dense: Vec<u32> = if hi >= lo && ((hi - lo) as u128) < 1 << 20 {
        let mut t = vec![NONE; (hi - lo + 1) as usize];
        for &(id, i) in &by_id {
            t[(id - lo) as usize] = i;
        }
        t
    } else {
        Vec::new()
    };
    let find = |id: i64| -> Option<u32> {
        if !dense.is_empty() {
            if id < lo || id > hi {
                return None;
            }
            let u = dense[(id - lo) as usize];
            return (u != NONE).then_some(u);
        }
        by_id
            .binary_search_by_key(&id, |p| p.0)
            .ok()
            .map(|k| by_id[k].1)
    };
    let policy = &input.policy;
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(8);
    let chunk = n.div_ceil(threads).max(1);
    // One pass over the nominations on every core: each student's unit index, the tiers
    // present, the distinct approval times (a few thousand at most: lists are approved
    // whole) and the first student of an unknown unit in each part.
    let mut nu: Vec<u32> = vec![0; n];
    type Scan = ([bool; 256], FxHashSet<i64>, Option<(i64, i64)>);
    let scans: Vec<Scan> = std::thread::scope(|s| {
        let handles: Vec<_> = nu
            .chunks_mut(chunk)
            .zip(noms.chunks(chunk))
            .map(|(out, part)| {
                let find = &find;
                s.spawn(move || {
                    let mut seen = [false; 256];
                    let mut times = FxHashSet::default();
                    let mut unknown = None;
                    for (o, x) in out.iter_mut().zip(part) {
                        seen[x.tier as usize] = true;
                        if policy.earliest_approval_first {
                            times.insert(x.approved_at);
                        }
                        match find(x.unit) {
                            Some(u) => *o = u,
                            None => {
                                unknown = Some((x.student, x.unit));
                                break;
                            }
                        }
                    }
                    (seen, times, unknown)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a thread reading the nominations"))
            .collect()
    });
    let mut seen = [false; 256];
    let mut approvals: FxHashSet<i64> = FxHashSet::default();
    for (part_seen, times, unknown) in scans {
        if let Some((student, unit)) = unknown {
            return Err(AllocationError::UnknownUnit { student, unit }.into());
        }
        for (a, b) in seen.iter_mut().zip(part_seen) {
            *a |= b;
        }
        approvals.extend(times);
    }
    let mut approvals: Vec<i64> = approvals.into_iter().collect();
    approvals.sort_unstable();
    let tiers: BTreeSet<u8> = (0..=255u8).filter(|&t| seen[t as usize]).collect();
    // Ids in strictly increasing order (as the store reads them) are unique; otherwise
    // a sorted copy finds a repeat.
    let students_in_order = noms.windows(2).all(|w| w[0].student < w[1].student);
    if !students_in_order {
        let mut ids: Vec<i64> = noms.iter().map(|x| x.student).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(AllocationError::DuplicateStudent { student: w[0] }.into());
        }
    }
    let devices_in_order = input.devices.windows(2).all(|w| w[0].id < w[1].id);
    if !devices_in_order {
        let mut ids: Vec<i64> = input.devices.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(AllocationError::DuplicateDevice { device: w[0] }.into());
        }
    }

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
    // The same order packed in one 64-bit key per student, from the top: the tier's
    // index, evidence, the rank of the approval time, then the lottery rank's first bits
    // in what is left. Millions sort by it without chasing each student's record; equal
    // keys fall back to `within`, so the order is the full one. The lottery ranks are
    // hashed on every core; each student's wanted device kind is read on the way.
    let mut tier_ix = [0u64; 256];
    for (i, t) in tiers.iter().enumerate() {
        tier_ix[*t as usize] = i as u64;
    }
    let bits = |count: usize| u64::BITS - (count as u64).leading_zeros();
    let tier_bits = bits(tiers.len().saturating_sub(1));
    let rank_bits = bits(approvals.len()).min(62 - tier_bits);
    let lot_bits = 63 - tier_bits - rank_bits;
    let pack = |x: &Nomination| -> u64 {
        let unverified = u64::from(policy.evidence_first && !x.evidence_verified);
        let approved = if policy.earliest_approval_first {
            approvals.binary_search(&x.approved_at).unwrap_or(0) as u64
        } else {
            0
        };
        let lot = lottery_rank(&input.seed, input.run, &x.key);
        let lot = u64::from_be_bytes(lot[..8].try_into().expect("8 bytes"));
        let tier = if tier_bits == 0 {
            0
        } else {
            tier_ix[x.tier as usize] << (64 - tier_bits)
        };
        tier | (unverified << (63 - tier_bits)) | (approved << lot_bits) | (lot >> (64 - lot_bits))
    };
    let mut key: Vec<u64> = vec![0; n];
    let mut want: Vec<Option<DeviceKind>> = vec![None; n];
    std::thread::scope(|s| {
        for ((out, wants), part) in key
            .chunks_mut(chunk)
            .zip(want.chunks_mut(chunk))
            .zip(noms.chunks(chunk))
        {
            let pack = &pack;
            s.spawn(move || {
                for ((o, w), x) in out.iter_mut().zip(wants.iter_mut()).zip(part) {
                    *o = pack(x);
                    *w = policy.kind_for(x.level);
                }
            });
        }
    });
    drop(approvals);
    let by_key = |a: usize, b: usize| key[a].cmp(&key[b]).then_with(|| within(a, b));
    // Students by (tier, unit) with a counting sort, then each queue (a few thousand
    // students at most) sorted by its keys; equal keys fall back to `within`.
    // Dense buckets: tier index × units + unit.
    let n_units = units.len().max(1);
    let n_buckets = tiers.len() * n_units;
    let bucket_of = |i: usize| tier_ix[noms[i].tier as usize] as usize * n_units + nu[i] as usize;
    let mut starts = vec![0usize; n_buckets + 1];
    for i in 0..n {
        starts[bucket_of(i) + 1] += 1;
    }
    for b in 0..n_buckets {
        starts[b + 1] += starts[b];
    }
    let mut keyed: Vec<(u64, u32)> = vec![(0, 0); n];
    let mut next = starts.clone();
    for (i, &k) in key.iter().enumerate() {
        let b = bucket_of(i);
        keyed[next[b]] = (k, i as u32);
        next[b] += 1;
    }
    drop(next);
    // The queues sort apart on every core: the buckets are cut into one run of whole
    // buckets per thread, of about the same number of students.
    let sort_bucket = |q: &mut [(u64, u32)]| {
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
    };
    std::thread::scope(|sc| {
        let mut rest: &mut [(u64, u32)] = &mut keyed;
        let mut b = 0;
        let per_thread = n.div_ceil(threads).max(1);
        while b < n_buckets {
            let first = b;
            while b < n_buckets && starts[b + 1] - starts[first] < per_thread {
                b += 1;
            }
            let last = (b + 1).min(n_buckets);
            b = last;
            let (mine, tail) = rest.split_at_mut(starts[last] - starts[first]);
            rest = tail;
            let (starts, sort_bucket) = (&starts, &sort_bucket);
            sc.spawn(move || {
                for q in first..last {
                    let (a, z) = (starts[q] - starts[first], starts[q + 1] - starts[first]);
                    sort_bucket(&mut mine[a..z]);
                }
            });
        }
    });
    let order: Vec<u32> = keyed.iter().map(|k| k.1).collect();
    drop(keyed);
    // Queues: the buckets with students, by (tier, unit).
    let mut queues: BTreeMap<(u8, u32), usize> = BTreeMap::new();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (ti, &t) in tiers.iter().enumerate() {
        for u in 0..n_units {
            let b = ti * n_units + u;
            if starts[b + 1] > starts[b] {
                queues.insert((t, u as u32), ranges.len());
                ranges.push((starts[b], starts[b + 1]));
            }
        }
    }

    let mut st = State {
        input,
        nu: &nu,
        order: &order,
        queues: &queues,
        cursor: ranges.iter().map(|r| r.0).collect(),
        taken: vec![0; ranges.len()],
        ranges: &ranges,
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
        by_key: &by_key,
        key: &key,
        want: &want,
        outcome: (0..n).map(|_| AtomicU64::new(0)).collect(),
        rule_of: vec![WAITING; n],
        marks: Vec::new(),
        students_in_order,
        devices_in_order,
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
    // The pools decide on one core. Meanwhile another touches the memory of the result
    // lines (a few hundred megabytes for millions of students), so that the kernel
    // supplies its pages there and not while the lines are written.
    let mut lines: Vec<Line> = Vec::with_capacity(n);
    let unassigned = std::thread::scope(|sc| {
        let spare = &mut lines.spare_capacity_mut()[..n];
        sc.spawn(move || {
            let per_page = (4096 / std::mem::size_of::<Line>()).max(1);
            for slot in spare.iter_mut().step_by(per_page) {
                slot.write(Line {
                    student: 0,
                    tier: 0,
                    unit: 0,
                    school: 0,
                    device: None,
                    rule: Rule::Waiting,
                    other_kind: false,
                    queue_position: None,
                    devices_short: None,
                });
            }
        });
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
        unassigned
    });

    Ok(st.finish(lines, unassigned))
}

/// What one thread's part of the lines counted: demand and served per unit, demand and
/// served per tier, lines written.
type PartCounts = (Vec<u64>, Vec<u64>, [(u64, u64); 256], usize);

/// A unit's arithmetic in the general pool: the whole demand of the tiers served in
/// full, and its share of the tier where devices ran out.
type UnitArith = (u64, Option<(Share, PartialTier)>);

/// What a run holds while it decides.
struct State<'a, W: Fn(usize, usize) -> Ordering> {
    /// Students in priority order (tier, then the order within a unit), whatever the unit.
    by_key: &'a W,
    /// Each student's packed key (see `allocate`).
    key: &'a [u64],
    /// The device kind each student's school level gets first.
    want: &'a [Option<DeviceKind>],
    input: &'a Input,
    nu: &'a [u32],
    order: &'a [u32],
    /// Each queue's index in `ranges`, `cursor` and `taken`, by (tier, unit).
    queues: &'a BTreeMap<(u8, u32), usize>,
    /// Each queue's students: a range of `order`.
    ranges: &'a [(usize, usize)],
    /// Each queue's first student who may still wait (every one before is served).
    cursor: Vec<usize>,
    /// How many of each queue's students are served.
    taken: Vec<u32>,
    tiers: &'a BTreeSet<u8>,
    units: &'a [&'a UnitRef],
    ties: &'a [[u8; 32]],
    unit_ix: &'a HashMap<i64, u32>,
    /// The unit of each school an earmark names.
    school_unit: HashMap<i64, u32>,
    /// For a served student, their device's id; for a waiting one, once the run is
    /// decided, their place (see `finish`). Which of the two is told by `rule_of`.
    /// (Atomic so that the queues are walked on every core; relaxed: threads of a scope.)
    outcome: Vec<AtomicU64>,
    /// Each student's rule as a small code: [`WAITING`], [`WHOLE`], [`QUOTA`], or
    /// [`EARMARK`] + the index of the earmark in `marks` (two bytes, not a `Rule`, per
    /// student: millions of them).
    rule_of: Vec<u16>,
    marks: Vec<Earmark>,
    /// The nominations come in student order: the lines need no sort.
    students_in_order: bool,
    /// The devices come in id order: their indexes sort as their ids.
    devices_in_order: bool,
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
        let mut selected: Vec<u32> = Vec::new();
        // The arithmetic is kept for the general pool only.
        let mut arith: Vec<UnitArith> = if mark.is_none() {
            vec![(0, None); n_units]
        } else {
            Vec::new()
        };
        let mut partial_tier = None;
        let (whole_code, share_code) = match &mark {
            Some(m) => {
                self.marks.push(m.clone());
                let code = EARMARK + (self.marks.len() - 1) as u16;
                (code, code)
            }
            None => (WHOLE, QUOTA),
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
        // An earmark for a school: only its students in its unit's queues.
        let school = mark
            .as_ref()
            .and_then(|m| m.unit_id)
            .filter(|id| !self.unit_ix.contains_key(id));
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
            // The waiting, eligible students of the tier, per unit, counted: the queue
            // less those served (an earmark for a school reads and counts that school's
            // students in its unit's queue).
            let range = match only_unit {
                Some(u) => (tier, u)..=(tier, u),
                None => (tier, 0)..=(tier, u32::MAX),
            };
            // (unit, queue, eligible students waiting)
            let mut lists: Vec<(u32, usize, u64)> = Vec::new();
            for (&(_, u), &q) in self.queues.range(range) {
                let waiting = match school {
                    Some(id) => {
                        let b = self.ranges[q].1;
                        self.order[self.cursor[q]..b]
                            .iter()
                            .filter(|&&s| {
                                let s = s as usize;
                                self.rule_of[s] == WAITING && noms[s].school == id
                            })
                            .count() as u64
                    }
                    None => {
                        let (a, b) = self.ranges[q];
                        (b - a) as u64 - u64::from(self.taken[q])
                    }
                };
                if waiting > 0 {
                    lists.push((u, q, waiting));
                }
            }
            let total: u64 = lists.iter().map(|l| l.2).sum();
            if total == 0 {
                continue;
            }
            let general = mark.is_none();
            if left >= total {
                for &(u, q, waiting) in &lists {
                    if general {
                        arith[u as usize].0 += waiting;
                    }
                    self.take(q, waiting, school, whole_code, &mut selected);
                }
                left -= total;
            } else {
                let claimants: Vec<(u64, [u8; 32])> = lists
                    .iter()
                    .map(|&(u, _, waiting)| (waiting, self.ties[u as usize]))
                    .collect();
                let shares = hamilton(left, &claimants);
                for (&(u, q, waiting), share) in lists.iter().zip(&shares) {
                    if general {
                        arith[u as usize].1 = Some((
                            *share,
                            PartialTier {
                                tier,
                                devices: left,
                                total,
                                demand: waiting,
                            },
                        ));
                    }
                    self.take(q, share.seats, school, share_code, &mut selected);
                }
                partial_tier = Some(tier);
                left = 0;
            }
        }
        // Devices to the students chosen: the kind their school's level gets first,
        // then any; students in priority order, devices of a kind in id order.
        let devices = &self.input.devices;
        let mut keyed: Vec<(u64, u32)> = selected
            .iter()
            .map(|&s| (self.key[s as usize], s))
            .collect();
        keyed.sort_unstable();
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                j += 1;
            }
            if j - i > 1 {
                keyed[i..j].sort_by(|a, b| (self.by_key)(a.1 as usize, b.1 as usize));
            }
            i = j;
        }
        let selected: Vec<u32> = keyed.into_iter().map(|k| k.1).collect();
        // Each kind's devices in id order (the input's order when its ids increase, as the
        // store reads them), taken from the front.
        let mut sorted = devs;
        if self.devices_in_order {
            sorted.sort();
        } else {
            sorted.sort_by_key(|&d| devices[d].id);
        }
        let mut by_kind: BTreeMap<DeviceKind, (Vec<usize>, usize)> = BTreeMap::new();
        for d in sorted {
            by_kind.entry(devices[d].kind).or_default().0.push(d);
        }
        let pop = |q: &mut (Vec<usize>, usize)| -> Option<usize> {
            let d = q.0.get(q.1).copied()?;
            q.1 += 1;
            Some(d)
        };
        let mut pending = Vec::new();
        for &s in &selected {
            match self.want[s as usize]
                .and_then(|k| by_kind.get_mut(&k))
                .and_then(pop)
            {
                Some(d) => {
                    self.outcome[s as usize].store(devices[d].id as u64, AtomicOrdering::Relaxed)
                }
                None => pending.push(s),
            }
        }
        for s in pending {
            let d = by_kind
                .values_mut()
                .find_map(pop)
                .expect("a pool selects no more students than it has devices");
            self.outcome[s as usize].store(devices[d].id as u64, AtomicOrdering::Relaxed);
            self.other_kind[s as usize] = self.want[s as usize].is_some();
        }
        if mark.is_some() {
            for &s in &selected {
                self.earmarked[self.nu[s as usize] as usize] += 1;
            }
        }
        self.pools.push(PoolSummary {
            earmark: mark.clone(),
            devices: (selected.len() + by_kind.values().map(|q| q.0.len() - q.1).sum::<usize>())
                as u64,
            served: selected.len() as u64,
            partial_tier,
        });
        if mark.is_none() {
            self.general = Some(arith);
        }
        by_kind
            .into_values()
            .flat_map(|(q, head)| q.into_iter().skip(head))
            .collect()
    }

    /// Takes the first `k` waiting students of queue `q` (of one school only, if given),
    /// in queue order, under the rule `code`.
    fn take(&mut self, q: usize, k: u64, school: Option<i64>, code: u16, out: &mut Vec<u32>) {
        let noms = &self.input.nominations;
        let end = self.ranges[q].1;
        let mut left = k;
        let mut i = self.cursor[q];
        while left > 0 && i < end {
            let s = self.order[i] as usize;
            if self.rule_of[s] == WAITING && school.is_none_or(|id| noms[s].school == id) {
                self.rule_of[s] = code;
                out.push(s as u32);
                left -= 1;
            }
            i += 1;
        }
        debug_assert_eq!(left, 0, "a queue holds the students it counted");
        self.taken[q] += (k - left) as u32;
        let mut c = self.cursor[q];
        while c < end && self.rule_of[self.order[c] as usize] != WAITING {
            c += 1;
        }
        self.cursor[q] = c;
    }

    /// The outcome: `lines` is empty, with room for a line per student.
    fn finish(self, mut lines: Vec<Line>, mut unassigned: Vec<usize>) -> Outcome {
        let input = self.input;
        let noms = &input.nominations;
        let n_units = self.units.len();
        let marks = &self.marks;
        let rule = |code: u16| -> Rule {
            match code {
                WAITING => Rule::Waiting,
                WHOLE => Rule::WholeTier,
                QUOTA => Rule::Quota,
                k => {
                    let m = &marks[(k - EARMARK) as usize];
                    Rule::Earmark {
                        unit: m.unit_id,
                        tier: m.tier,
                    }
                }
            }
        };
        // The lines, in the nominations' order, built on every core (each thread writes its
        // own part of the buffer touched while the pools decided), with each part's counts.
        let n = noms.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |p| p.get())
            .clamp(1, 8);
        let chunk = n.div_ceil(threads).max(1);
        // Waiting students: their place in their unit's queue of their tier, and how many
        // devices their unit needs before their turn (every waiting student of a higher
        // tier in the unit first), as `place << 32 | short` in `outcome` (where a served
        // student's device is). Each queue's start is known from the counts, so the
        // queues are walked on every core.
        let mut ahead = vec![0u32; n_units];
        let mut walks: Vec<(usize, u32)> = Vec::with_capacity(self.ranges.len());
        for (&(_, u), &q) in self.queues.iter() {
            let (a, b) = self.ranges[q];
            walks.push((q, ahead[u as usize]));
            ahead[u as usize] += (b - a) as u32 - self.taken[q];
        }
        std::thread::scope(|sc| {
            let per = walks.len().div_ceil(threads).max(1);
            for part in walks.chunks(per) {
                let (outcome, order, ranges, rule_of) =
                    (&self.outcome, self.order, self.ranges, &self.rule_of);
                sc.spawn(move || {
                    for &(q, before) in part {
                        let (a, b) = ranges[q];
                        let mut k = 0u32;
                        for &s in &order[a..b] {
                            if rule_of[s as usize] == WAITING {
                                k += 1;
                                let v = (u64::from(k) << 32) | u64::from(before + k);
                                outcome[s as usize].store(v, AtomicOrdering::Relaxed);
                            }
                        }
                    }
                });
            }
        });
        debug_assert!(lines.is_empty() && lines.capacity() >= n);
        let counts: Vec<PartCounts> = std::thread::scope(|sc| {
            let rule = &rule;
            let (nu, rule_of, other_kind, outcome) =
                (self.nu, &self.rule_of, &self.other_kind, &self.outcome);
            let handles: Vec<_> = lines.spare_capacity_mut()[..n]
                .chunks_mut(chunk)
                .enumerate()
                .map(|(c, out)| {
                    sc.spawn(move || {
                        let mut demand = vec![0u64; n_units];
                        let mut served = vec![0u64; n_units];
                        let mut tiers = [(0u64, 0u64); 256];
                        let base = c * chunk;
                        for (k, slot) in out.iter_mut().enumerate() {
                            let s = base + k;
                            let x = &noms[s];
                            let got = outcome[s].load(AtomicOrdering::Relaxed);
                            let waiting = rule_of[s] == WAITING;
                            let u = nu[s] as usize;
                            demand[u] += 1;
                            let t = &mut tiers[x.tier as usize];
                            t.0 += 1;
                            let device = (!waiting).then_some(got as i64);
                            if !waiting {
                                served[u] += 1;
                                t.1 += 1;
                            }
                            slot.write(Line {
                                student: x.student,
                                tier: x.tier,
                                unit: x.unit,
                                school: x.school,
                                device,
                                rule: rule(rule_of[s]),
                                other_kind: other_kind[s],
                                queue_position: waiting.then_some((got >> 32) as u32),
                                devices_short: waiting.then_some(got as u32),
                            });
                        }
                        (demand, served, tiers, out.len())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a line-building thread"))
                .collect()
        });
        let written: usize = counts.iter().map(|c| c.3).sum();
        assert_eq!(written, n, "every line written");
        // SAFETY: the chunks of the first `n` spare slots cover them all (asserted just
        // above), each written once with `MaybeUninit::write` by the thread that had it.
        unsafe { lines.set_len(n) };
        let mut demand = vec![0u64; n_units];
        let mut served = vec![0u64; n_units];
        let mut tiers = [(0u64, 0u64); 256];
        for (d, sv, t, _) in counts {
            for u in 0..n_units {
                demand[u] += d[u];
                served[u] += sv[u];
            }
            for (a, b) in tiers.iter_mut().zip(t.iter()) {
                a.0 += b.0;
                a.1 += b.1;
            }
        }
        if !self.students_in_order {
            lines.sort_by_key(|l| l.student);
        }
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
