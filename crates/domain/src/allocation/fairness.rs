//! The fairness check of a run, recomputed from its lines alone.

use super::{FAIRNESS_THRESHOLD_BP, Fairness, Outcome};
use crate::Lang;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

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
    // (Millions of lines: a fast hash for the few thousand (unit, tier) pairs.)
    let mut per_unit: FxHashMap<(i64, u8), u64> = FxHashMap::default();
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
