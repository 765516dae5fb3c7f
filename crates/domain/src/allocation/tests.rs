//! The engine's rules as properties over random pools, and fixed cases a reader can follow.
//! The checks here recompute what they assert from the inputs (queue order, quotas) with
//! their own code, not the engine's.

use super::*;
use proptest::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn nom(student: i64, tier: u8, unit: i64, school: i64) -> Nomination {
    Nomination {
        student,
        key: pseudonym(&format!("code-{student}")),
        tier,
        school,
        unit,
        level: SchoolLevel::Thcs,
        approved_at: 1_000,
        evidence_verified: true,
    }
}

fn dev(id: i64, kind: DeviceKind) -> Device {
    Device {
        id,
        kind,
        earmark: Earmark::default(),
    }
}

fn units(codes: &[(i64, &str)]) -> Vec<UnitRef> {
    codes
        .iter()
        .map(|(id, code)| UnitRef {
            id: *id,
            code: code.to_string(),
        })
        .collect()
}

fn input(noms: Vec<Nomination>, devices: Vec<Device>, u: Vec<UnitRef>) -> Input {
    Input {
        run: 1,
        seed: [7; 32],
        policy: Policy::default(),
        units: u,
        nominations: noms,
        devices,
    }
}

fn served_by_unit(out: &Outcome) -> BTreeMap<i64, u64> {
    out.units.iter().map(|u| (u.unit, u.served)).collect()
}

#[test]
fn tiers_go_in_strict_order() {
    // 3 devices; 2 poor students in unit A, 2 near-poor in unit B: both poor first.
    let noms = vec![
        nom(1, 2, 20, 200),
        nom(2, 1, 10, 100),
        nom(3, 2, 20, 200),
        nom(4, 1, 10, 100),
    ];
    let devs = (1..=3).map(|i| dev(i, DeviceKind::Laptop)).collect();
    let out = allocate(&input(noms, devs, units(&[(10, "A"), (20, "B")]))).unwrap();
    let got: Vec<(i64, bool, &Rule)> = out
        .lines
        .iter()
        .map(|l| (l.student, l.device.is_some(), &l.rule))
        .collect();
    assert_eq!(got[1], (2, true, &Rule::WholeTier));
    assert_eq!(got[3], (4, true, &Rule::WholeTier));
    // Tier 2 ran out: one of its two gets the last device, under the unit's quota.
    let tier2: Vec<&Line> = out.lines.iter().filter(|l| l.tier == 2).collect();
    assert_eq!(tier2.iter().filter(|l| l.device.is_some()).count(), 1);
    let waiting = tier2.iter().find(|l| l.device.is_none()).unwrap();
    assert_eq!(waiting.rule, Rule::Waiting);
    assert_eq!(waiting.queue_position, Some(1));
    assert_eq!(waiting.devices_short, Some(1));
    assert_eq!(out.served(), 3);
    assert_eq!(out.waiting(), 1);
    assert!(out.unassigned.is_empty());
}

#[test]
fn within_a_unit_evidence_then_approval_then_lottery() {
    let mut a = nom(1, 1, 10, 100);
    a.evidence_verified = false;
    a.approved_at = 1;
    let mut b = nom(2, 1, 10, 100);
    b.approved_at = 500;
    let mut c = nom(3, 1, 10, 100);
    c.approved_at = 100;
    let d = nom(4, 1, 10, 100);
    let devs = vec![dev(1, DeviceKind::Laptop)];
    let out = allocate(&input(vec![a, b, c, d], devs, units(&[(10, "A")]))).unwrap();
    // c: verified and approved earliest.
    assert_eq!(out.lines[2].device, Some(1));
    let pos: Vec<Option<u32>> = out.lines.iter().map(|l| l.queue_position).collect();
    // Then b (500) and d (1 000), verified; a last (not verified).
    assert_eq!(pos, [Some(3), Some(1), None, Some(2)]);
}

#[test]
fn equal_students_go_by_their_lottery_rank() {
    let noms: Vec<Nomination> = (1..=3).map(|i| nom(i, 1, 10, 100)).collect();
    let out = allocate(&input(
        noms.clone(),
        vec![dev(1, DeviceKind::Laptop)],
        units(&[(10, "A")]),
    ))
    .unwrap();
    let winner = out
        .lines
        .iter()
        .find(|l| l.device.is_some())
        .unwrap()
        .student;
    let best = noms
        .iter()
        .min_by_key(|n| lottery_rank(&[7; 32], 1, &n.key))
        .unwrap()
        .student;
    assert_eq!(winner, best);
}

#[test]
fn the_school_level_picks_the_kind_then_any_device() {
    let mut primary = nom(1, 1, 10, 100);
    primary.level = SchoolLevel::TieuHoc;
    let upper = nom(2, 1, 10, 101);
    let mut upper2 = nom(3, 1, 10, 101);
    upper2.approved_at = 2_000;
    let devs = vec![
        dev(5, DeviceKind::Laptop),
        dev(6, DeviceKind::Tablet),
        dev(7, DeviceKind::Tablet),
    ];
    let out = allocate(&input(
        vec![primary, upper, upper2],
        devs,
        units(&[(10, "A")]),
    ))
    .unwrap();
    let by: BTreeMap<i64, (Option<i64>, bool)> = out
        .lines
        .iter()
        .map(|l| (l.student, (l.device, l.other_kind)))
        .collect();
    assert_eq!(by[&1], (Some(6), false), "a tablet for the primary school");
    assert_eq!(
        by[&2],
        (Some(5), false),
        "the laptop to the earlier upper student"
    );
    assert_eq!(by[&3], (Some(7), true), "no laptop left: a tablet, said so");
}

#[test]
fn earmarked_devices_go_where_their_donors_said() {
    // A donor's 2 tablets for unit B's school 201; unit A has the poorer students.
    let noms = vec![
        nom(1, 1, 10, 100),
        nom(2, 1, 10, 100),
        nom(3, 3, 20, 201),
        nom(4, 3, 20, 202),
        nom(5, 3, 20, 201),
    ];
    let mut devs = vec![dev(1, DeviceKind::Laptop)];
    for id in [2, 3] {
        devs.push(Device {
            id,
            kind: DeviceKind::Laptop,
            earmark: Earmark {
                unit_id: Some(201),
                tier: None,
            },
        });
    }
    let out = allocate(&input(
        noms.clone(),
        devs.clone(),
        units(&[(10, "A"), (20, "B")]),
    ))
    .unwrap();
    let got: BTreeMap<i64, Option<i64>> = out.lines.iter().map(|l| (l.student, l.device)).collect();
    assert!(got[&3].is_some() && got[&5].is_some(), "{got:?}");
    assert_eq!(got[&4], None);
    assert_eq!(got[&1].is_some() as u8 + got[&2].is_some() as u8, 1);
    let b = out.units.iter().find(|u| u.code == "B").unwrap();
    assert_eq!((b.earmarked, b.served), (2, 2));

    // Earmarked for tier 1 in unit B, where nobody is poor: kept for the donor's purpose,
    // or given to the general pool when the policy says so.
    for d in &mut devs[1..] {
        d.earmark = Earmark {
            unit_id: Some(20),
            tier: Some(1),
        };
    }
    let mut inp = input(noms, devs, units(&[(10, "A"), (20, "B")]));
    let out = allocate(&inp).unwrap();
    assert_eq!(out.unassigned, [2, 3]);
    assert_eq!(out.served(), 1);
    inp.policy.unused_earmarked = UnusedEarmarked::General;
    let out = allocate(&inp).unwrap();
    assert!(out.unassigned.is_empty());
    assert_eq!(out.served(), 3);
}

#[test]
fn a_top_up_never_takes_a_device_away_the_alabama_case() {
    // Demands 6, 6 and 2 in one tier. Hamilton over 10 devices gives 4, 4, 2; over 11 it
    // gives 5, 5, 1: the third unit loses a device because supply grew (the Alabama
    // paradox, computed here by a second implementation).
    fn naive(seats: u64, d: &[u64]) -> Vec<u64> {
        let t: u64 = d.iter().sum();
        let mut q: Vec<(u64, u64, usize)> = d
            .iter()
            .enumerate()
            .map(|(i, &x)| (seats * x / t, seats * x % t, i))
            .collect();
        let left = seats - q.iter().map(|x| x.0).sum::<u64>();
        let mut by_rem = q.clone();
        by_rem.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        for x in by_rem.iter().take(left as usize) {
            q[x.2].0 += 1;
        }
        q.iter().map(|x| x.0).collect()
    }
    assert_eq!(naive(10, &[6, 6, 2]), [4, 4, 2]);
    assert_eq!(naive(11, &[6, 6, 2]), [5, 5, 1]);

    let mut noms = Vec::new();
    let mut id = 0;
    for (unit, n) in [(10, 6), (20, 6), (30, 2)] {
        for _ in 0..n {
            id += 1;
            noms.push(nom(id, 1, unit, unit * 10));
        }
    }
    let u = units(&[(10, "A"), (20, "B"), (30, "C")]);
    let first = allocate(&input(
        noms.clone(),
        (1..=10).map(|i| dev(i, DeviceKind::Laptop)).collect(),
        u.clone(),
    ))
    .unwrap();
    assert_eq!(
        served_by_unit(&first).into_values().collect::<Vec<_>>(),
        [4, 4, 2]
    );
    // One more device arrives: the next run shares only it, among those still waiting.
    let waiting: Vec<Nomination> = noms
        .iter()
        .filter(|n| {
            first
                .lines
                .iter()
                .any(|l| l.student == n.student && l.device.is_none())
        })
        .cloned()
        .collect();
    let mut next = input(waiting, vec![dev(11, DeviceKind::Laptop)], u);
    next.run = 2;
    let second = allocate(&next).unwrap();
    let total: Vec<u64> = served_by_unit(&first)
        .iter()
        .map(|(unit, n)| n + served_by_unit(&second).get(unit).copied().unwrap_or(0))
        .collect();
    assert_eq!(total.iter().sum::<u64>(), 11);
    assert_eq!(total[2], 2, "C keeps both devices: {total:?}");
    assert!(total[0] >= 4 && total[1] >= 4);
}

#[test]
fn a_unit_shows_the_arithmetic_of_its_share() {
    let mut noms = Vec::new();
    let mut id = 0;
    for (unit, n) in [(10, 6), (20, 6), (30, 2)] {
        for _ in 0..n {
            id += 1;
            noms.push(nom(id, 1, unit, unit * 10));
        }
    }
    let out = allocate(&input(
        noms,
        (1..=10).map(|i| dev(i, DeviceKind::Laptop)).collect(),
        units(&[(10, "A"), (20, "B"), (30, "C")]),
    ))
    .unwrap();
    let c = &out.units[2];
    assert_eq!(c.quota.to_4dp(), "1.4286");
    assert_eq!(
        (c.floor, c.remainder_rank, c.extra, c.served),
        (1, Some(1), true, 2)
    );
    assert_eq!(
        c.partial,
        Some(PartialTier {
            tier: 1,
            devices: 10,
            total: 14,
            demand: 2
        })
    );
    let a = &out.units[0];
    assert_eq!(
        (a.quota.to_4dp(), a.floor, a.extra),
        ("4.2857".into(), 4, false)
    );
    // Ten devices: one is ten points of share, so the small unit is flagged.
    assert!(out.fairness.iter().any(|f| f.scope == "unit:C" && f.warn));
    assert_eq!(percent(1_429, Lang::Vi), "14,29%");
}

#[test]
fn bad_inputs_are_refused() {
    let u = units(&[(10, "A")]);
    let e = allocate(&input(vec![nom(1, 1, 99, 1)], vec![], u.clone())).unwrap_err();
    assert_eq!(e.code(), "allocation_unknown_unit");
    let e = allocate(&input(
        vec![nom(1, 1, 10, 1), nom(1, 1, 10, 1)],
        vec![],
        u.clone(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "allocation_duplicate_student");
    let e = allocate(&input(
        vec![],
        vec![dev(1, DeviceKind::Laptop), dev(1, DeviceKind::Tablet)],
        u,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "allocation_duplicate_device");
    assert!(e.message(Lang::Vi).contains("hai lần"));
}

#[test]
fn the_digest_of_inputs_ignores_their_order_and_sees_every_field() {
    let noms = vec![nom(1, 1, 10, 100), nom(2, 2, 10, 100)];
    let a = input(
        noms.clone(),
        vec![dev(1, DeviceKind::Laptop)],
        units(&[(10, "A")]),
    );
    let mut b = a.clone();
    b.nominations.reverse();
    b.seed = [9; 32];
    assert_eq!(a.digest(), b.digest(), "order and seed are not inputs");
    b.nominations[0].evidence_verified = false;
    assert_ne!(a.digest(), b.digest());
}

// ---- Properties over random pools ----

#[derive(Debug, Clone)]
struct Pool {
    input: Input,
}

/// What a line says of one student: who, which device, and their place if waiting.
type Facts = (i64, Option<i64>, Option<u32>, Option<u32>);

fn arb_pool() -> impl Strategy<Value = Pool> {
    (
        1usize..=5,
        0usize..=40,
        0usize..=30,
        any::<[u8; 32]>(),
        any::<bool>(),
    )
        .prop_flat_map(|(n_units, n_noms, n_devs, seed, spill)| {
            let noms = prop::collection::vec(
                (
                    1u8..=3,
                    0..n_units,
                    0usize..2,
                    0i64..4,
                    any::<bool>(),
                    any::<bool>(),
                ),
                n_noms,
            );
            let devs = prop::collection::vec(
                (
                    prop::sample::select(DeviceKind::ALL.to_vec()),
                    0u8..10,
                    0..n_units,
                    0usize..2,
                    1u8..=3,
                ),
                n_devs,
            );
            (noms, devs).prop_map(move |(noms, devs)| {
                let units: Vec<UnitRef> = (0..n_units)
                    .map(|u| UnitRef {
                        id: 10 + u as i64,
                        code: format!("U{}", (n_units - u) * 7 % 11),
                    })
                    .collect();
                let nominations = noms
                    .into_iter()
                    .enumerate()
                    .map(
                        |(i, (tier, u, school, day, verified, primary))| Nomination {
                            student: 1_000 + i as i64 * 3,
                            key: pseudonym(&format!("s{i}")),
                            tier,
                            school: 100 + u as i64 * 10 + school as i64,
                            unit: 10 + u as i64,
                            level: if primary {
                                SchoolLevel::TieuHoc
                            } else {
                                SchoolLevel::Thpt
                            },
                            approved_at: day * 86_400_000,
                            evidence_verified: verified,
                        },
                    )
                    .collect();
                let devices = devs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (kind, mark, u, school, tier))| Device {
                        id: 50 + i as i64,
                        kind,
                        earmark: match mark {
                            0 => Earmark {
                                unit_id: Some(10 + u as i64),
                                tier: None,
                            },
                            1 => Earmark {
                                unit_id: Some(100 + u as i64 * 10 + school as i64),
                                tier: Some(tier),
                            },
                            2 => Earmark {
                                unit_id: None,
                                tier: Some(tier),
                            },
                            _ => Earmark::default(),
                        },
                    })
                    .collect();
                let mut policy = Policy::default();
                if spill {
                    policy.unused_earmarked = UnusedEarmarked::General;
                }
                Pool {
                    input: Input {
                        run: 3,
                        seed,
                        policy,
                        units,
                        nominations,
                        devices,
                    },
                }
            })
        })
}

fn matches(m: &Earmark, n: &Nomination) -> bool {
    m.unit_id.is_none_or(|u| n.unit == u || n.school == u) && m.tier.is_none_or(|t| n.tier == t)
}

/// The queue order within a unit and tier, as the policy states it.
fn queue_cmp(inp: &Input, a: &Nomination, b: &Nomination) -> Ordering {
    b.evidence_verified
        .cmp(&a.evidence_verified)
        .then(a.approved_at.cmp(&b.approved_at))
        .then_with(|| {
            lottery_rank(&inp.seed, inp.run, &a.key).cmp(&lottery_rank(&inp.seed, inp.run, &b.key))
        })
        .then(a.student.cmp(&b.student))
}

fn check(inp: &Input, out: &Outcome) -> Result<(), TestCaseError> {
    let noms: HashMap<i64, &Nomination> = inp.nominations.iter().map(|n| (n.student, n)).collect();
    let devs: HashMap<i64, &Device> = inp.devices.iter().map(|d| (d.id, d)).collect();
    prop_assert_eq!(out.lines.len(), inp.nominations.len());

    // Devices conserved, none twice.
    let mut given: Vec<i64> = out.lines.iter().filter_map(|l| l.device).collect();
    let n_given = given.len();
    given.extend(&out.unassigned);
    given.sort();
    let mut all: Vec<i64> = inp.devices.iter().map(|d| d.id).collect();
    all.sort();
    prop_assert_eq!(&given, &all, "every device given once or left");
    prop_assert!(given.windows(2).all(|w| w[0] != w[1]));
    prop_assert_eq!(n_given as u64, out.served());

    // Earmarks honoured: an earmarked device goes to a student its donor named, under
    // its earmark; only a policy that spills lets it go to the general pool.
    let spill = inp.policy.unused_earmarked == UnusedEarmarked::General;
    for l in &out.lines {
        let Some(d) = l.device else {
            prop_assert_eq!(&l.rule, &Rule::Waiting);
            continue;
        };
        let dev = devs[&d];
        match &l.rule {
            Rule::Earmark { unit, tier } => {
                prop_assert_eq!(
                    &dev.earmark,
                    &Earmark {
                        unit_id: *unit,
                        tier: *tier
                    }
                );
                prop_assert!(matches(&dev.earmark, noms[&l.student]));
            }
            Rule::WholeTier | Rule::Quota => {
                prop_assert!(
                    dev.earmark.is_empty() || spill,
                    "earmarked device {} in the general pool",
                    d
                );
            }
            Rule::Waiting => prop_assert!(false, "a waiting student holds a device"),
        }
    }
    if !spill {
        // Kept earmarked devices: no waiting student matches them.
        for d in &out.unassigned {
            let dev = devs[d];
            if !dev.earmark.is_empty() {
                prop_assert!(
                    !out.lines
                        .iter()
                        .any(|l| l.device.is_none() && matches(&dev.earmark, noms[&l.student])),
                    "earmarked device {} left while a named student waits",
                    d
                );
            }
        }
    }

    // The general pool: tier order, and every unit within floor and ceiling of its exact
    // quota in the tier where devices ran out, recomputed here.
    let general_devices = out
        .pools
        .iter()
        .find(|p| p.earmark.is_none())
        .map(|p| p.devices)
        .unwrap_or(0);
    let in_general: Vec<&Line> = out
        .lines
        .iter()
        .filter(|l| !matches!(l.rule, Rule::Earmark { .. }))
        .collect();
    let mut left = general_devices;
    let tiers: BTreeSet<u8> = in_general.iter().map(|l| l.tier).collect();
    for t in tiers {
        let mut demand: BTreeMap<i64, u64> = BTreeMap::new();
        let mut got: BTreeMap<i64, u64> = BTreeMap::new();
        for l in in_general.iter().filter(|l| l.tier == t) {
            *demand.entry(l.unit).or_default() += 1;
            if l.device.is_some() {
                *got.entry(l.unit).or_default() += 1;
            }
        }
        let total: u64 = demand.values().sum();
        let d_t = left.min(total);
        let mut sum = 0;
        for (u, d) in &demand {
            let g = got.get(u).copied().unwrap_or(0);
            let (num, den) = (d_t as u128 * *d as u128, total as u128);
            let (lo, hi) = ((num / den) as u64, num.div_ceil(den) as u64);
            prop_assert!(
                lo <= g && g <= hi,
                "tier {} unit {}: {} outside [{}, {}]",
                t,
                u,
                g,
                lo,
                hi
            );
            sum += g;
        }
        prop_assert_eq!(sum, d_t, "tier {} takes what is left", t);
        if sum < total {
            // Tier order: nobody of a lower tier got a general device.
            prop_assert!(
                in_general.iter().all(|l| l.tier <= t || l.device.is_none()),
                "a lower tier served while tier {} waits",
                t
            );
        }
        left -= d_t;
    }

    // Within a unit and tier, those served by the general pool come first in the queue.
    let mut queues: BTreeMap<(u8, i64), Vec<&Nomination>> = BTreeMap::new();
    for l in &in_general {
        queues
            .entry((l.tier, l.unit))
            .or_default()
            .push(noms[&l.student]);
    }
    let served: HashMap<i64, &Line> = out.lines.iter().map(|l| (l.student, l)).collect();
    for q in queues.values_mut() {
        q.sort_by(|a, b| queue_cmp(inp, a, b));
        let flags: Vec<bool> = q
            .iter()
            .map(|n| served[&n.student].device.is_some())
            .collect();
        prop_assert!(
            flags.windows(2).all(|w| w[0] || !w[1]),
            "served is a prefix of the queue"
        );
    }
    // Waiting students are numbered 1.. in each unit's queue of their tier.
    let mut positions: BTreeMap<(u8, i64), Vec<u32>> = BTreeMap::new();
    for l in out.lines.iter().filter(|l| l.device.is_none()) {
        positions
            .entry((l.tier, l.unit))
            .or_default()
            .push(l.queue_position.unwrap());
    }
    for p in positions.values_mut() {
        p.sort();
        prop_assert_eq!(p.clone(), (1..=p.len() as u32).collect::<Vec<_>>());
    }
    // Per unit: served is earmarked plus general, within a device of the quota.
    for u in &out.units {
        let general = out
            .lines
            .iter()
            .filter(|l| {
                l.unit == u.unit && l.device.is_some() && !matches!(l.rule, Rule::Earmark { .. })
            })
            .count() as u64;
        prop_assert_eq!(u.served, u.earmarked + general);
        prop_assert!(u.quota.floor() <= general && general <= u.quota.ceil());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn random_pools_keep_every_rule(pool in arb_pool()) {
        let inp = &pool.input;
        let out = allocate(inp).unwrap();
        check(inp, &out)?;

        // The same inputs in another order and the same seed: the same bytes.
        let mut shuffled = inp.clone();
        shuffled.nominations.reverse();
        shuffled.devices.reverse();
        shuffled.units.reverse();
        prop_assert_eq!(allocate(&shuffled).unwrap().to_bytes(), out.to_bytes());

        // Unit ids far apart (the engine then finds units by search, not by a table):
        // the same devices to the same students, the same places in the queues.
        let spread_id = |id: i64| if (10..20).contains(&id) { id << 33 } else { id };
        let mut spread = inp.clone();
        spread.units.iter_mut().for_each(|u| u.id = spread_id(u.id));
        spread.nominations.iter_mut().for_each(|n| n.unit = spread_id(n.unit));
        spread.devices.iter_mut().for_each(|d| d.earmark.unit_id = d.earmark.unit_id.map(spread_id));
        let facts = |o: &Outcome| -> Vec<Facts> {
            o.lines.iter().map(|l| (l.student, l.device, l.queue_position, l.devices_short)).collect()
        };
        prop_assert_eq!(facts(&allocate(&spread).unwrap()), facts(&out));

        // A second run over what is left changes nothing.
        let mut again = inp.clone();
        again.run += 1;
        again.nominations.retain(|n| out.lines.iter().any(|l| l.student == n.student && l.device.is_none()));
        again.devices.retain(|d| out.unassigned.contains(&d.id));
        let second = allocate(&again).unwrap();
        prop_assert_eq!(second.served(), 0, "a rerun on unchanged inputs gives nothing new");

        // A top-up of new devices: shares only them, among those still waiting; no unit
        // ends with fewer devices than it had.
        let mut top = again.clone();
        top.devices.extend((0..7).map(|i| dev(9_000 + i, DeviceKind::Laptop)));
        let topped = allocate(&top).unwrap();
        check(&top, &topped)?;
        for u in &out.units {
            let after = u.served + topped.units.iter().find(|x| x.unit == u.unit).map(|x| x.served).unwrap_or(0);
            prop_assert!(after >= u.served);
        }
        prop_assert!(topped.lines.iter().all(|l| l.device.is_none_or(|d| d >= 9_000 || again.devices.iter().any(|x| x.id == d))));
    }

    #[test]
    fn hamilton_gives_floor_or_ceiling_and_leftovers_to_the_largest_remainders(
        seats in 0u64..200,
        demands in prop::collection::vec((0u64..60, any::<[u8; 32]>()), 0..8),
    ) {
        let total: u64 = demands.iter().map(|d| d.0).sum();
        let shares = hamilton(seats, &demands);
        let given: u64 = shares.iter().map(|s| s.seats).sum();
        prop_assert_eq!(given, seats.min(total));
        for (s, (d, _)) in shares.iter().zip(&demands) {
            prop_assert!(s.seats <= *d);
            if seats < total {
                let (lo, hi) = (seats * d / total, (seats * d).div_ceil(total));
                prop_assert!(lo <= s.seats && s.seats <= hi);
            }
        }
        // No unit without an extra seat has a larger remainder than one with it.
        let min_extra = shares.iter().filter(|s| s.extra).map(|s| s.remainder).min();
        let max_plain = shares.iter().filter(|s| !s.extra).map(|s| s.remainder).max();
        if let (Some(a), Some(b)) = (min_extra, max_plain) {
            prop_assert!(a >= b);
        }
    }
}
