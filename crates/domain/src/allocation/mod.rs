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
mod engine;
mod error;
mod explain;
mod fairness;
pub mod lottery;

pub use apportion::{Quota, Share, hamilton};
pub use engine::allocate;
pub use error::AllocationError;
pub use explain::{Explain, Side, change, explain};
pub use fairness::{fairness, percent};
pub use lottery::{Seed, lottery_rank, parse_seed, pseudonym, seed_commitment, unit_tie_key};

use crate::Lang;
use crate::devices::DeviceKind;
use crate::donations::Earmark;
use crate::units::SchoolLevel;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
