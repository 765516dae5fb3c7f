//! The engine: queues by tier and unit, earmark pools, the general pool's Hamilton shares,
//! device kinds, waiting positions and the result lines. See the module above for the rules.

use super::*;
use crate::DomainError;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    // Each student's unit index, by a binary search among the few units (cheaper than a
    // hash lookup millions of times); the last one found is tried first (students come
    // grouped by school).
    let mut by_id: Vec<(i64, u32)> = unit_ix.iter().map(|(&id, &i)| (id, i)).collect();
    by_id.sort_unstable();
    let find = |id: i64| {
        by_id
            .binary_search_by_key(&id, |p| p.0)
            .ok()
            .map(|k| by_id[k].1)
    };
    let mut nu: Vec<u32> = Vec::with_capacity(n);
    let mut last: Option<(i64, u32)> = None;
    for x in noms {
        let found = match last {
            Some((id, u)) if id == x.unit => Some(u),
            _ => find(x.unit),
        };
        let Some(u) = found else {
            return Err(AllocationError::UnknownUnit {
                student: x.student,
                unit: x.unit,
            }
            .into());
        };
        last = Some((x.unit, u));
        nu.push(u);
    }
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
    if !input.devices.windows(2).all(|w| w[0].id < w[1].id) {
        let mut ids: Vec<i64> = input.devices.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(AllocationError::DuplicateDevice { device: w[0] }.into());
        }
    }

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
    // Bits an approval's rank needs: the queues' keys below are 64 bits.
    let rank_bits = (u64::BITS - (approvals.len() as u64).leading_zeros()).min(62);
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
    // Within a queue the tier is the same: each student's packed key narrows to 64 bits
    // (evidence, the approval's rank, the lottery's first bits), half the memory to sort;
    // equal narrow keys are ordered in full by `within`, so the order is the same.
    let narrow = |p: u128| -> u64 {
        let unverified = ((p >> 119) & 1) as u64;
        let approved = ((p >> 64) as u64) & ((1u64 << 55) - 1);
        let lot = p as u64;
        (unverified << 63) | (approved << (63 - rank_bits)) | (lot >> (rank_bits + 1))
    };
    let mut keyed: Vec<(u64, u32)> = vec![(0, 0); n];
    let mut next = starts.clone();
    for (i, &p) in pri.iter().enumerate() {
        let b = bucket_of(i);
        keyed[next[b]] = (narrow(p), i as u32);
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
        rule_of: vec![WAITING; n],
        marks: Vec::new(),
        students_in_order,
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

/// What one thread's part of the lines counted: demand and served per unit, demand and
/// served per tier, lines written.
type PartCounts = (Vec<u64>, Vec<u64>, [(u64, u64); 256], usize);

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
    /// Each student's rule as a small code: [`WAITING`], [`WHOLE`], [`QUOTA`], or
    /// [`EARMARK`] + the index of the earmark in `marks` (two bytes, not a `Rule`, per
    /// student: millions of them).
    rule_of: Vec<u16>,
    marks: Vec<Earmark>,
    /// The nominations come in student order: the lines need no sort.
    students_in_order: bool,
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
        let (whole_code, share_code) = match &mark {
            Some(m) => {
                self.marks.push(m.clone());
                let code = EARMARK + (self.marks.len() - 1) as u16;
                (code, code)
            }
            None => (WHOLE, QUOTA),
        };
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
                let mut list = Vec::with_capacity(b - a);
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
                        self.rule_of[s] = whole_code;
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
                        self.rule_of[s] = share_code;
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
        // own part of one buffer: the kernel zeroes the fresh pages in the thread that
        // touches them, the larger cost for millions of lines), with each part's counts.
        let n = noms.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |p| p.get())
            .clamp(1, 8);
        let chunk = n.div_ceil(threads).max(1);
        let mut lines: Vec<Line> = Vec::with_capacity(n);
        let counts: Vec<PartCounts> = std::thread::scope(|sc| {
            let rule = &rule;
            let (nu, device_of, rule_of, other_kind) =
                (self.nu, &self.device_of, &self.rule_of, &self.other_kind);
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
                            let u = nu[s] as usize;
                            demand[u] += 1;
                            let t = &mut tiers[x.tier as usize];
                            t.0 += 1;
                            let device = (device_of[s] != NONE)
                                .then(|| input.devices[device_of[s] as usize].id);
                            if device.is_some() {
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
                                queue_position: None,
                                devices_short: None,
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
        // Waiting students: their place in their unit's queue of their tier, and how many
        // devices their unit needs before their turn (written in place: lines are in the
        // nominations' order here).
        let mut ahead = vec![0u32; n_units];
        for (&(_, u), &(a, b)) in self.queues.iter() {
            let mut k = 0u32;
            for &s in &self.order[a..b] {
                let s = s as usize;
                if self.device_of[s] == NONE {
                    k += 1;
                    lines[s].queue_position = Some(k);
                    lines[s].devices_short = Some(ahead[u as usize] + k);
                }
            }
            ahead[u as usize] += k;
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
