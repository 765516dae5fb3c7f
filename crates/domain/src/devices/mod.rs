//! Devices: their kinds, the identifiers on the box (serial, IMEI), the only state changes
//! the registry allows and who holds a device in each state. Models and their check
//! against a spec profile are in `models`, appraisals in `appraisals`.

pub mod appraisals;
mod error;
pub mod models;
pub use error::DevicesError;
pub use models::{
    Criterion, CriterionCheck, DeviceModel, ModelCheck, SpecProfile, Verdict, check_model,
    sample_profiles,
};

use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Where devices being registered come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// A line of a recorded receipt (biên bản tiếp nhận) whose serials are scanned at
    /// intake: its `donation_items` id.
    ReceiptLine(i64),
    /// A purchase contract, by its number as written (a contract recorded before
    /// procurement kept its records, or one signed outside it).
    Contract(String),
    /// A delivery recorded under a procurement contract: its `procurement_deliveries` id.
    /// Its devices take the contract's model and number, and no more than the delivery.
    Delivery(i64),
}

impl Batch {
    /// A contract by its number: 3 to 60 characters, no control character.
    pub fn contract(no: &str) -> Result<Batch, DomainError> {
        let no = no.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = no.chars().count();
        if !(3..=60).contains(&n) || no.chars().any(char::is_control) {
            return Err(DevicesError::InvalidContract.into());
        }
        Ok(Batch::Contract(no))
    }
}

/// The registry's source of a device (`donation:<minutes no>`, `contract:<no>`) in words.
pub fn source_label(source: &str, lang: Lang) -> String {
    if let Some(no) = source.strip_prefix("donation:") {
        format!("{} {no}", lang.pick("biên bản tiếp nhận", "receipt"))
    } else if let Some(no) = source.strip_prefix("contract:") {
        format!("{} {no}", lang.pick("hợp đồng", "contract"))
    } else {
        source.to_string()
    }
}

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Laptop,
    Tablet,
    Desktop,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 3] = [DeviceKind::Laptop, DeviceKind::Tablet, DeviceKind::Desktop];

    pub fn code(self) -> &'static str {
        match self {
            DeviceKind::Laptop => "laptop",
            DeviceKind::Tablet => "tablet",
            DeviceKind::Desktop => "desktop",
        }
    }

    pub fn parse(s: &str) -> Option<DeviceKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DeviceKind::Laptop => lang.pick("Máy tính xách tay", "Laptop"),
            DeviceKind::Tablet => lang.pick("Máy tính bảng", "Tablet"),
            DeviceKind::Desktop => lang.pick("Máy tính để bàn", "Desktop"),
        }
    }
}

/// A serial number as printed on the device: trimmed, upper case, inner spaces removed
/// (scanners and hand typing differ in nothing else).
pub fn serial(raw: &str) -> Result<String, DomainError> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if s.is_empty() {
        return Err(DomainError::Devices(DevicesError::MissingSerial));
    }
    Ok(s)
}

/// An IMEI: 15 digits, the last one the Luhn check digit of the first 14.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Imei(String);

impl Imei {
    pub fn parse(raw: &str) -> Result<Imei, DomainError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let invalid = || {
            DomainError::Devices(DevicesError::InvalidImei {
                value: raw.trim().to_string(),
            })
        };
        if s.len() != 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        if luhn_digit(&digits[..14]) != digits[14] {
            return Err(invalid());
        }
        Ok(Imei(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check digit of `body` (digits, most significant first).
pub fn luhn_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Where a device is in its life. The registry allows only the changes of
/// [`DeviceState::can_become`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// Received by the Board (donation) or delivered under a contract, not yet appraised.
    Received,
    /// Passed appraisal; waiting to be put in stock.
    Appraised,
    /// Failed appraisal: never allocated.
    Rejected,
    /// In the Board's stock, free to allocate.
    InStock,
    /// Allocated to a district office or a unit directly under the Sở, still in stock.
    Allocated,
    /// Handed to the district office or direct unit.
    WithUnit,
    /// Handed to the school.
    WithSchool,
    /// Handed to the student, with signed minutes.
    WithStudent,
    UnderRepair,
    Defective,
    Lost,
    /// Given back (by a student, a school or a unit); goes back to stock.
    Returned,
}

impl DeviceState {
    pub const ALL: [DeviceState; 12] = [
        DeviceState::Received,
        DeviceState::Appraised,
        DeviceState::Rejected,
        DeviceState::InStock,
        DeviceState::Allocated,
        DeviceState::WithUnit,
        DeviceState::WithSchool,
        DeviceState::WithStudent,
        DeviceState::UnderRepair,
        DeviceState::Defective,
        DeviceState::Lost,
        DeviceState::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeviceState::Received => "received",
            DeviceState::Appraised => "appraised",
            DeviceState::Rejected => "rejected",
            DeviceState::InStock => "in_stock",
            DeviceState::Allocated => "allocated",
            DeviceState::WithUnit => "with_unit",
            DeviceState::WithSchool => "with_school",
            DeviceState::WithStudent => "with_student",
            DeviceState::UnderRepair => "under_repair",
            DeviceState::Defective => "defective",
            DeviceState::Lost => "lost",
            DeviceState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<DeviceState> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DeviceState::Received => lang.pick("Đã tiếp nhận, chờ thẩm định", "Received"),
            DeviceState::Appraised => lang.pick("Đạt thẩm định", "Appraised"),
            DeviceState::Rejected => lang.pick("Không đạt thẩm định", "Rejected"),
            DeviceState::InStock => lang.pick("Trong kho", "In stock"),
            DeviceState::Allocated => lang.pick("Đã phân bổ", "Allocated"),
            DeviceState::WithUnit => lang.pick("Đã giao phòng GD&ĐT/đơn vị", "With the unit"),
            DeviceState::WithSchool => lang.pick("Đã giao trường", "With the school"),
            DeviceState::WithStudent => lang.pick("Đã trao học sinh", "With the student"),
            DeviceState::UnderRepair => lang.pick("Đang sửa chữa", "Under repair"),
            DeviceState::Defective => lang.pick("Hỏng", "Defective"),
            DeviceState::Lost => lang.pick("Mất", "Lost"),
            DeviceState::Returned => lang.pick("Đã thu hồi", "Returned"),
        }
    }

    /// The only changes the registry allows.
    pub fn can_become(self, to: DeviceState) -> bool {
        use DeviceState::*;
        matches!(
            (self, to),
            (Received, Appraised | Rejected)
                | (Appraised, InStock)
                | (InStock, Allocated | UnderRepair | Defective | Lost)
                | (Allocated, WithUnit | InStock)
                | (WithUnit, WithSchool | Returned | Defective | Lost)
                | (WithSchool, WithStudent | Returned | Defective | Lost)
                | (WithStudent, Returned | UnderRepair | Defective | Lost)
                | (UnderRepair, WithStudent | Returned | Defective)
                | (Defective, UnderRepair)
                | (Lost, Returned)
                | (Returned, InStock)
        )
    }

    /// The kind of holder a device in this state has; `None`: whoever had it keeps it
    /// (a device breaks or goes to repair where it is).
    pub fn holder_kind(self) -> Option<HolderKind> {
        use DeviceState::*;
        Some(match self {
            Received | Appraised | Rejected | InStock | Allocated | Returned => HolderKind::Board,
            WithUnit => HolderKind::Unit,
            WithSchool => HolderKind::School,
            WithStudent => HolderKind::Student,
            Lost => HolderKind::Nobody,
            UnderRepair | Defective => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolderKind {
    Board,
    Unit,
    School,
    Student,
    Nobody,
}

/// Who has a device: the Board's store, a unit (district office or direct unit), a
/// school, a student (by their record's id), or nobody (lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Holder {
    Board,
    Unit(i64),
    School(i64),
    Student(i64),
    Nobody,
}

impl Holder {
    pub fn kind(self) -> HolderKind {
        match self {
            Holder::Board => HolderKind::Board,
            Holder::Unit(_) => HolderKind::Unit,
            Holder::School(_) => HolderKind::School,
            Holder::Student(_) => HolderKind::Student,
            Holder::Nobody => HolderKind::Nobody,
        }
    }
}

/// A device's state and holder, changed only through [`Tracked::change`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracked {
    pub serial: String,
    pub state: DeviceState,
    pub holder: Holder,
}

impl Tracked {
    pub fn received(serial: String) -> Tracked {
        Tracked {
            serial,
            state: DeviceState::Received,
            holder: Holder::Board,
        }
    }

    /// The device after a change to `to`, held by `holder`; refused when the change is not
    /// allowed or the holder does not fit the new state.
    pub fn change(&self, to: DeviceState, holder: Holder) -> Result<Tracked, DomainError> {
        let refuse = || {
            DomainError::Devices(DevicesError::ImpossibleTransition {
                serial: self.serial.clone(),
                from: self.state,
                to,
            })
        };
        let fits = match to.holder_kind() {
            None => holder == self.holder,
            Some(kind) => holder.kind() == kind,
        };
        // A repaired device goes back to the student who had it, not to another.
        let back_from_repair =
            self.state == DeviceState::UnderRepair && to == DeviceState::WithStudent;
        if !self.state.can_become(to) || !fits || (back_from_repair && holder != self.holder) {
            return Err(refuse());
        }
        Ok(Tracked {
            serial: self.serial.clone(),
            state: to,
            holder,
        })
    }
}

/// The registry's rules over many devices, in memory: serials are unique and each device
/// has one state and one holder. The store keeps the same rules in the database; this
/// model is what property tests drive.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    devices: HashMap<String, Tracked>,
}

impl Registry {
    /// Registers a received device; a serial already known is refused.
    pub fn receive(&mut self, raw_serial: &str) -> Result<&Tracked, DomainError> {
        let s = serial(raw_serial)?;
        if self.devices.contains_key(&s) {
            return Err(DomainError::Devices(DevicesError::DuplicateSerial {
                serial: s,
            }));
        }
        Ok(self
            .devices
            .entry(s.clone())
            .or_insert_with(|| Tracked::received(s)))
    }

    /// Changes a device; on refusal nothing changes.
    pub fn change(
        &mut self,
        serial: &str,
        to: DeviceState,
        holder: Holder,
    ) -> Result<&Tracked, DomainError> {
        let d = self.devices.get_mut(serial).ok_or(DomainError::NotFound)?;
        *d = d.change(to, holder)?;
        Ok(d)
    }

    pub fn get(&self, serial: &str) -> Option<&Tracked> {
        self.devices.get(serial)
    }

    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    pub fn devices(&self) -> impl Iterator<Item = &Tracked> {
        self.devices.values()
    }

    /// Devices per state.
    pub fn counts(&self) -> BTreeMap<DeviceState, usize> {
        let mut out = BTreeMap::new();
        for d in self.devices.values() {
            *out.entry(d.state).or_insert(0) += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn imei_needs_fifteen_digits_and_its_luhn_digit() {
        assert_eq!(
            Imei::parse("49015420323751 8").unwrap().as_str(),
            "490154203237518"
        );
        assert_eq!(
            Imei::parse("35-209900-176148-1").unwrap().as_str(),
            "352099001761481"
        );
        for bad in [
            "490154203237517",
            "49015420323751",
            "4901542032375180",
            "49015420323751A",
            "",
        ] {
            let e = Imei::parse(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_imei", "{bad}");
            assert!(e.message(Lang::Vi).contains("Luhn"));
        }
    }

    #[test]
    fn serials_are_compared_as_printed() {
        assert_eq!(serial("  5cd 1234xyz ").unwrap(), "5CD1234XYZ");
        assert_eq!(serial("   ").unwrap_err().code(), "missing_serial");
    }

    #[test]
    fn a_rejected_device_never_reaches_a_student() {
        let d = Tracked::received("SN1".into())
            .change(DeviceState::Rejected, Holder::Board)
            .unwrap();
        for to in DeviceState::ALL {
            assert!(d.change(to, Holder::Student(7)).is_err());
            assert!(d.change(to, Holder::Board).is_err(), "{to:?}");
        }
        let e = d
            .change(DeviceState::WithStudent, Holder::Student(7))
            .unwrap_err();
        assert_eq!(e.code(), "impossible_transition");
        assert!(e.message(Lang::Vi).contains("Không đạt thẩm định"));
    }

    #[test]
    fn the_whole_way_to_a_student_and_back_to_stock() {
        use DeviceState::*;
        let mut d = Tracked::received("SN2".into());
        for (to, h) in [
            (Appraised, Holder::Board),
            (InStock, Holder::Board),
            (Allocated, Holder::Board),
            (WithUnit, Holder::Unit(3)),
            (WithSchool, Holder::School(9)),
            (WithStudent, Holder::Student(42)),
            (UnderRepair, Holder::Student(42)),
        ] {
            d = d.change(to, h).unwrap();
        }
        // Back from repair to the same student only.
        assert!(d.change(WithStudent, Holder::Student(43)).is_err());
        d = d.change(WithStudent, Holder::Student(42)).unwrap();
        d = d.change(Returned, Holder::Board).unwrap();
        d = d.change(InStock, Holder::Board).unwrap();
        assert_eq!((d.state, d.holder), (InStock, Holder::Board));
    }

    fn any_holder() -> impl Strategy<Value = Holder> {
        prop_oneof![
            Just(Holder::Board),
            (1i64..4).prop_map(Holder::Unit),
            (1i64..4).prop_map(Holder::School),
            (1i64..6).prop_map(Holder::Student),
            Just(Holder::Nobody),
        ]
    }

    #[derive(Debug, Clone)]
    enum Op {
        Receive(u8),
        /// Any change, mostly refused.
        Change(u8, DeviceState, Holder),
        /// One of the changes the device's state allows, with a fitting holder: takes
        /// devices all the way to students and back.
        Allowed(u8, usize, i64),
    }

    fn any_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => (0u8..12).prop_map(Op::Receive),
            3 => (0u8..12, 0usize..8, 1i64..4).prop_map(|(s, i, id)| Op::Allowed(s, i, id)),
            1 => (0u8..12, proptest::sample::select(DeviceState::ALL.to_vec()), any_holder())
                .prop_map(|(s, to, h)| Op::Change(s, to, h)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Random sequences of receipts and changes: only allowed changes happen, a refused
        /// one changes nothing, a serial is registered once, every device has exactly one
        /// holder fitting its state, and counts by state always add up to the registry.
        #[test]
        fn the_registry_keeps_its_invariants(ops in proptest::collection::vec(any_op(), 1..200)) {
            let mut reg = Registry::default();
            for op in ops {
                match op {
                    Op::Receive(n) => {
                        let s = format!("SN{n}");
                        let known = reg.get(&s).is_some();
                        let before = reg.len();
                        let r = reg.receive(&s.to_lowercase());
                        prop_assert_eq!(r.is_err(), known);
                        prop_assert_eq!(reg.len(), before + usize::from(!known));
                    }
                    Op::Allowed(n, i, id) => {
                        let s = format!("SN{n}");
                        let Some(d) = reg.get(&s).cloned() else { continue };
                        let next: Vec<DeviceState> =
                            DeviceState::ALL.into_iter().filter(|t| d.state.can_become(*t)).collect();
                        if next.is_empty() {
                            continue;
                        }
                        let to = next[i % next.len()];
                        let h = match to.holder_kind() {
                            None => d.holder,
                            Some(HolderKind::Board) => Holder::Board,
                            Some(HolderKind::Unit) => Holder::Unit(id),
                            Some(HolderKind::School) => Holder::School(id),
                            Some(HolderKind::Nobody) => Holder::Nobody,
                            Some(HolderKind::Student) if d.state == DeviceState::UnderRepair => d.holder,
                            Some(HolderKind::Student) => Holder::Student(id),
                        };
                        let r = reg.change(&s, to, h).cloned();
                        if d.state == DeviceState::UnderRepair && to == DeviceState::WithStudent
                            && d.holder.kind() != HolderKind::Student
                        {
                            prop_assert!(r.is_err());
                            prop_assert_eq!(reg.get(&s), Some(&d));
                        } else {
                            let after = r.expect("an allowed change with a fitting holder");
                            prop_assert_eq!(after.state, to);
                            prop_assert_eq!(after.holder, h);
                        }
                    }
                    Op::Change(n, to, h) => {
                        let s = format!("SN{n}");
                        let before = reg.get(&s).cloned();
                        let r = reg.change(&s, to, h).cloned();
                        match (before, r) {
                            (None, r) => prop_assert!(r.is_err()),
                            (Some(b), Ok(after)) => {
                                prop_assert!(b.state.can_become(to));
                                prop_assert_eq!(after.state, to);
                                prop_assert_eq!(after.holder, h);
                            }
                            (Some(b), Err(_)) => prop_assert_eq!(reg.get(&s), Some(&b)),
                        }
                    }
                }
                let counts = reg.counts();
                prop_assert_eq!(counts.values().sum::<usize>(), reg.len());
                for d in reg.devices() {
                    match d.state.holder_kind() {
                        Some(k) => prop_assert_eq!(d.holder.kind(), k),
                        None => prop_assert!(d.holder != Holder::Nobody),
                    }
                }
            }
        }
    }
}
