//! Handover: devices going down the chain the allocation decided, the Board → a district
//! office or a unit directly under the Department → a school → a student, each step with
//! one set of minutes (biên bản bàn giao) and one signature of the receiving side for the
//! whole batch, and returns the same way. Pure rules: what a step is, who may sign and how,
//! what arrived against what was sent, the minutes' frozen text, the CSDL ngành columns.

pub mod csdl;
mod error;
pub mod signature;

pub use error::HandoverError;

use crate::Lang;
use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most devices one set of minutes covers (a district's share of a large delivery).
pub const MAX_DEVICES: usize = 5_000;

/// The version of the minutes' wording, kept with every signed set so that a later change
/// of wording never changes what someone signed.
pub const TEMPLATE_VERSION: &str = "bien-ban-ban-giao/1";

/// A step of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The Board to a district office or a unit directly under the Department.
    ToUnit,
    /// A district office to one of its schools.
    ToSchool,
    /// A school to a student, signed by the student's guardian.
    ToStudent,
    /// A student's device taken back by the school, with a reason, signed the same way.
    Return,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::ToUnit, Step::ToSchool, Step::ToStudent, Step::Return];

    pub fn code(self) -> &'static str {
        match self {
            Step::ToUnit => "to_unit",
            Step::ToSchool => "to_school",
            Step::ToStudent => "to_student",
            Step::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Step::ToUnit => lang.pick(
                "Ban điều phối giao đơn vị",
                "Board to district office or unit",
            ),
            Step::ToSchool => lang.pick("Phòng GD&ĐT giao trường", "District office to school"),
            Step::ToStudent => lang.pick("Trường giao học sinh", "School to student"),
            Step::Return => lang.pick("Thu hồi từ học sinh", "Returned by a student"),
        }
    }

    /// Whether the receiving side confirms later (a unit or school scans what arrived), or
    /// signs at once (a guardian at the school's desk).
    pub fn confirmed_later(self) -> bool {
        matches!(self, Step::ToUnit | Step::ToSchool)
    }

    /// The title of the minutes: "Về việc …".
    pub fn subject(self) -> &'static str {
        match self {
            Step::Return => "thu hồi thiết bị học tập",
            _ => "bàn giao thiết bị học tập",
        }
    }
}

/// Where a set of minutes stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverStatus {
    /// The giver has listed and printed it; the receiver has not confirmed.
    Sent,
    /// Signed by the receiving side: the devices that arrived moved.
    Confirmed,
    /// Withdrawn by the giver before confirmation: nothing moved.
    Cancelled,
}

impl HandoverStatus {
    pub fn code(self) -> &'static str {
        match self {
            HandoverStatus::Sent => "sent",
            HandoverStatus::Confirmed => "confirmed",
            HandoverStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<HandoverStatus> {
        [
            HandoverStatus::Sent,
            HandoverStatus::Confirmed,
            HandoverStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            HandoverStatus::Sent => lang.pick("Chờ bên nhận xác nhận", "Waiting for the receiver"),
            HandoverStatus::Confirmed => lang.pick("Đã ký nhận", "Signed for"),
            HandoverStatus::Cancelled => lang.pick("Đã huỷ", "Cancelled"),
        }
    }
}

/// The guardian's relation to the student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Father,
    Mother,
    Grandfather,
    Grandmother,
    Sibling,
    /// Another guardian (an aunt, a neighbour the family named, …).
    Guardian,
}

impl Relation {
    pub const ALL: [Relation; 6] = [
        Relation::Father,
        Relation::Mother,
        Relation::Grandfather,
        Relation::Grandmother,
        Relation::Sibling,
        Relation::Guardian,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Father => "father",
            Relation::Mother => "mother",
            Relation::Grandfather => "grandfather",
            Relation::Grandmother => "grandmother",
            Relation::Sibling => "sibling",
            Relation::Guardian => "guardian",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Relation::Father => lang.pick("Cha", "Father"),
            Relation::Mother => lang.pick("Mẹ", "Mother"),
            Relation::Grandfather => lang.pick("Ông", "Grandfather"),
            Relation::Grandmother => lang.pick("Bà", "Grandmother"),
            Relation::Sibling => lang.pick("Anh, chị", "Brother or sister"),
            Relation::Guardian => lang.pick("Người giám hộ khác", "Another guardian"),
        }
    }
}

/// Who signs for the receiving side: an officer of the unit or school (name and position),
/// or a student's guardian (name, relation, identity number if they give one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub name: String,
    pub position: Option<String>,
    pub relation: Option<Relation>,
    pub id_number: Option<String>,
}

/// A person's name as typed: trimmed, inner spaces collapsed, 1–100 characters.
pub fn person_name(raw: &str) -> Result<String, HandoverError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(HandoverError::SignerNameMissing);
    }
    Ok(name)
}

/// An identity number: 12 digits (căn cước) or 9 (the old chứng minh nhân dân), spaces
/// allowed in between; empty is none.
pub fn id_number(raw: &str) -> Result<Option<String>, HandoverError> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !(digits.len() == 12 || digits.len() == 9) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(HandoverError::IdNumberInvalid);
    }
    Ok(Some(digits))
}

/// A SIM's phone number: a Vietnamese mobile number (10 digits starting with 0; +84 or 84
/// in front is read as 0); empty is none.
pub fn sim_number(raw: &str) -> Result<Option<String>, HandoverError> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let local = if let Some(rest) = compact.strip_prefix("+84") {
        format!("0{rest}")
    } else if compact.len() == 11 && compact.starts_with("84") {
        format!("0{}", &compact[2..])
    } else {
        compact
    };
    if local.len() != 10 || !local.starts_with('0') || !local.chars().all(|c| c.is_ascii_digit()) {
        return Err(HandoverError::SimNumberInvalid);
    }
    Ok(Some(local))
}

/// A phone number shown to whoever is not its school: the last three digits.
pub fn masked_number(n: &str) -> String {
    let keep = n.len().saturating_sub(3);
    format!("{}{}", "•".repeat(keep), &n[keep..])
}

/// Serials as scanned: each cleaned the registry's way; a repeat is refused, naming it.
pub fn scanned_serials(raw: &str) -> Result<Vec<String>, HandoverError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for line in raw.split(['\n', '\r', ',', ';']) {
        if line.trim().is_empty() {
            continue;
        }
        let serial = crate::devices::serial(line).map_err(|_| HandoverError::NoSerials)?;
        if !seen.insert(serial.clone()) {
            return Err(HandoverError::Repeated { serial });
        }
        out.push(serial);
    }
    if out.is_empty() {
        return Err(HandoverError::NoSerials);
    }
    if out.len() > MAX_DEVICES {
        return Err(HandoverError::TooMany { max: MAX_DEVICES });
    }
    Ok(out)
}

/// What arrived, against what the minutes list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Arrival {
    /// Listed and scanned on arrival.
    pub received: Vec<String>,
    /// Listed, not scanned: stays with the giver, flagged on the minutes.
    pub missing: Vec<String>,
    /// Scanned, not listed: recorded on the minutes, nothing moves.
    pub extra: Vec<String>,
}

/// Compares the listed serials with the scanned ones; every output keeps the list's order
/// (the extras, the scans' order). Repeats in the scans count once.
pub fn compare(listed: &[String], scanned: &[String]) -> Arrival {
    let scanned_set: BTreeSet<&str> = scanned.iter().map(String::as_str).collect();
    let listed_set: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let mut a = Arrival::default();
    for s in listed {
        if scanned_set.contains(s.as_str()) {
            a.received.push(s.clone());
        } else {
            a.missing.push(s.clone());
        }
    }
    let mut extra_seen = BTreeSet::new();
    for s in scanned {
        if !listed_set.contains(s.as_str()) && extra_seen.insert(s.as_str()) {
            a.extra.push(s.clone());
        }
    }
    a
}

/// One device line of the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinutesDevice {
    pub serial: String,
    pub imei: Option<String>,
    /// "Máy tính bảng Samsung Galaxy Tab A8 LTE"
    pub description: String,
    /// For a student's handover: the student's code on the minutes.
    pub student_code: Option<String>,
}

/// Everything a set of minutes says, in the order it says it: what is frozen and hashed
/// when the receiving side signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinutesText {
    pub template: &'static str,
    pub number: String,
    pub step: Step,
    /// dd/mm/yyyy
    pub date: String,
    pub giver: String,
    pub giver_person: String,
    pub receiver: String,
    pub signer: Signer,
    /// For a student's handover or a return: the student's name and class.
    pub student: Option<String>,
    pub received: Vec<MinutesDevice>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    pub sim: Option<String>,
    pub reason: Option<String>,
    /// The drawn signature's digest, or the signed scan's.
    pub signature_sha256: String,
}

impl MinutesText {
    /// The frozen text: canonical JSON (keys in a fixed order), one line.
    pub fn frozen(&self) -> String {
        serde_json::to_string(self).expect("minutes serialise")
    }

    pub fn sha256(&self) -> String {
        sha256_hex(self.frozen().as_bytes())
    }
}

/// The number of a set of minutes: "<n>/BBBG-<issuer>" (biên bản bàn giao), or
/// "<n>/BBTH-<issuer>" for a return (biên bản thu hồi), the issuer's short code, numbered
/// from 1 each year per issuer and kind.
pub fn minutes_number(n: i64, issuer: &str, step: Step) -> String {
    let kind = if step == Step::Return { "BBTH" } else { "BBBG" };
    format!("{n}/{kind}-{issuer}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn arrival_names_the_missing_and_the_extra() {
        let a = compare(&v(&["A1", "A2", "A3"]), &v(&["A3", "X9", "A1", "X9"]));
        assert_eq!(a.received, v(&["A1", "A3"]));
        assert_eq!(a.missing, v(&["A2"]));
        assert_eq!(a.extra, v(&["X9"]));
        let all = compare(&v(&["A1"]), &v(&["A1"]));
        assert!(all.missing.is_empty() && all.extra.is_empty());
    }

    #[test]
    fn scanned_serials_are_cleaned_and_repeats_refused() {
        assert_eq!(
            scanned_serials(" pf3abc12 \n\nPF3ABC13\r\n").unwrap(),
            v(&["PF3ABC12", "PF3ABC13"])
        );
        assert_eq!(scanned_serials(" \n"), Err(HandoverError::NoSerials));
        assert_eq!(
            scanned_serials("A1\na1"),
            Err(HandoverError::Repeated {
                serial: "A1".into()
            })
        );
    }

    #[test]
    fn names_id_numbers_and_sims() {
        assert_eq!(person_name("  Hà   Thị  Lan ").unwrap(), "Hà Thị Lan");
        assert_eq!(person_name("   "), Err(HandoverError::SignerNameMissing));
        assert_eq!(
            person_name(&"a".repeat(101)),
            Err(HandoverError::SignerNameMissing)
        );
        assert_eq!(
            id_number("067 188 001 234").unwrap().as_deref(),
            Some("067188001234")
        );
        assert_eq!(id_number("").unwrap(), None);
        assert_eq!(
            id_number("24523456").unwrap_err(),
            HandoverError::IdNumberInvalid
        );
        assert_eq!(
            id_number("24523456x").unwrap_err(),
            HandoverError::IdNumberInvalid
        );
        assert_eq!(
            sim_number("+84 912 345 678").unwrap().as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            sim_number("0912.345.678").unwrap().as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            sim_number("12345").unwrap_err(),
            HandoverError::SimNumberInvalid
        );
        assert_eq!(masked_number("0912345678"), "•••••••678");
    }

    #[test]
    fn the_frozen_text_is_stable_and_its_hash_changes_with_any_word() {
        let m = MinutesText {
            template: TEMPLATE_VERSION,
            number: minutes_number(3, "BĐP", Step::ToUnit),
            step: Step::ToUnit,
            date: "05/09/2022".into(),
            giver: "Ban tiếp nhận, điều phối".into(),
            giver_person: "Nguyễn Văn An".into(),
            receiver: "Phòng GD&ĐT huyện Đắk Glong".into(),
            signer: Signer {
                name: "Trần Thị Bình".into(),
                position: Some("Phó Trưởng phòng".into()),
                relation: None,
                id_number: None,
            },
            student: None,
            received: vec![MinutesDevice {
                serial: "PF3ABC12".into(),
                imei: None,
                description: "Máy tính xách tay Lenovo".into(),
                student_code: None,
            }],
            missing: v(&["PF3ABC13"]),
            extra: vec![],
            sim: None,
            reason: None,
            signature_sha256: "ab".repeat(32),
        };
        assert_eq!(m.number, "3/BBBG-BĐP");
        assert_eq!(
            minutes_number(12, "67663001", Step::Return),
            "12/BBTH-67663001"
        );
        assert_eq!(m.frozen(), m.clone().frozen());
        assert_eq!(m.sha256(), sha256_hex(m.frozen().as_bytes()));
        let mut other = m.clone();
        other.missing.clear();
        assert_ne!(other.sha256(), m.sha256());
        assert!(
            m.frozen()
                .starts_with("{\"template\":\"bien-ban-ban-giao/1\",\"number\":\"3/BBBG-BĐP\"")
        );
    }
}
