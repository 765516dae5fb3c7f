//! After-care (bảo hành, sửa chữa): when a device's warranty ends, and how often each
//! model and each supplier fails — what appraisal and procurement weigh before the next
//! purchase.

mod error;

pub use error::AftercareError;

use crate::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Month};

/// What a training session (tập huấn) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingTopic {
    Use,
    Care,
    Warranty,
    Software,
}

impl TrainingTopic {
    pub const ALL: [TrainingTopic; 4] = [
        TrainingTopic::Use,
        TrainingTopic::Care,
        TrainingTopic::Warranty,
        TrainingTopic::Software,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TrainingTopic::Use => "use",
            TrainingTopic::Care => "care",
            TrainingTopic::Warranty => "warranty",
            TrainingTopic::Software => "software",
        }
    }

    pub fn parse(s: &str) -> Option<TrainingTopic> {
        TrainingTopic::ALL
            .into_iter()
            .find(|t| t.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TrainingTopic::Use => lang.pick(
                "Sử dụng thiết bị, học trực tuyến",
                "Using the device, learning online",
            ),
            TrainingTopic::Care => lang.pick("Bảo quản, giữ gìn thiết bị", "Caring for the device"),
            TrainingTopic::Warranty => lang.pick("Bảo hành, sửa chữa", "Warranty and repairs"),
            TrainingTopic::Software => lang.pick(
                "Phần mềm, an toàn trên mạng",
                "Software and staying safe online",
            ),
        }
    }
}

/// Who attended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeRole {
    Teacher,
    Parent,
    Student,
}

impl AttendeeRole {
    pub const ALL: [AttendeeRole; 3] = [
        AttendeeRole::Teacher,
        AttendeeRole::Parent,
        AttendeeRole::Student,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AttendeeRole::Teacher => "teacher",
            AttendeeRole::Parent => "parent",
            AttendeeRole::Student => "student",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AttendeeRole::Teacher => lang.pick("Giáo viên", "Teacher"),
            AttendeeRole::Parent => lang.pick("Phụ huynh", "Parent"),
            AttendeeRole::Student => lang.pick("Học sinh", "Student"),
        }
    }

    /// A code, or what an attendance sheet writes, folded without its marks (`text::fold`):
    /// "GV", "phu huynh", "cha me HS".
    pub fn parse(s: &str) -> Option<AttendeeRole> {
        let f = text_key(s);
        Some(match f.as_str() {
            "teacher"
            | "gv"
            | "giao vien"
            | "can bo giao vien"
            | "cbgv"
            | "giao vien chu nhiem"
            | "gvcn" => AttendeeRole::Teacher,
            "parent" | "ph" | "phu huynh" | "cha me" | "cha me hs" | "cha me hoc sinh"
            | "phu huynh hoc sinh" | "phhs" | "nguoi giam ho" => AttendeeRole::Parent,
            "student" | "hs" | "hoc sinh" => AttendeeRole::Student,
            _ => return None,
        })
    }
}

/// Lower-case letters and digits, words kept apart by one space (the caller folds the
/// Vietnamese marks away first: `text::fold`).
fn text_key(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// Where a repair ticket stands. A ticket opens when the device is taken from its
/// student (the device goes under repair), may be sent to the vendor, and closes once:
/// repaired (the device goes back to the same student) or not repairable (defective).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    AtVendor,
    Repaired,
    Unrepairable,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::Open,
        TicketStatus::AtVendor,
        TicketStatus::Repaired,
        TicketStatus::Unrepairable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::AtVendor => "at_vendor",
            TicketStatus::Repaired => "repaired",
            TicketStatus::Unrepairable => "unrepairable",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketStatus::Open => lang.pick("Đã thu máy, chờ sửa", "Collected, waiting for repair"),
            TicketStatus::AtVendor => lang.pick("Đang ở nhà cung cấp", "At the vendor"),
            TicketStatus::Repaired => {
                lang.pick("Đã sửa, trả học sinh", "Repaired, back with the student")
            }
            TicketStatus::Unrepairable => lang.pick("Không sửa được", "Not repairable"),
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, TicketStatus::Repaired | TicketStatus::Unrepairable)
    }

    /// The ticket moved to `to` on `day`, the last step having been on `since`: a closed
    /// ticket is not moved again, a ticket is not moved back, nor dated before its last
    /// step.
    pub fn step(
        self,
        ticket: i64,
        to: TicketStatus,
        day: Date,
        since: Date,
    ) -> Result<TicketStatus, AftercareError> {
        if self.is_closed() {
            return Err(AftercareError::TicketClosed {
                ticket,
                status: self,
            });
        }
        if to <= self {
            return Err(AftercareError::TicketStep { from: self, to });
        }
        if day < since {
            return Err(AftercareError::DateBefore { day, since });
        }
        Ok(to)
    }
}

/// An attendee count as typed: empty is 0.
pub fn attendee_count(raw: &str) -> Result<i64, AftercareError> {
    let t = raw.trim().replace('.', "");
    if t.is_empty() {
        return Ok(0);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=10_000).contains(&n) => Ok(n),
        _ => Err(AftercareError::AttendeeCount),
    }
}

/// The last day a warranty of `months` from `start` covers: the same day `months` later,
/// minus one; a start on a day the later month lacks (31 January + 1 month) ends on that
/// month's last day. `start` = the day the device was accepted or received.
pub fn warranty_end(start: Date, months: u32) -> Date {
    if months == 0 {
        return start;
    }
    let total = start.year() as i64 * 12 + (u8::from(start.month()) as i64 - 1) + months as i64;
    let (year, month0) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u8);
    let month = Month::try_from(month0 + 1).unwrap_or(Month::December);
    let last = time::util::days_in_month(month, year);
    if start.day() > last {
        // The anniversary does not exist: cover the month to its end.
        return Date::from_calendar_date(year, month, last).unwrap_or(start);
    }
    Date::from_calendar_date(year, month, start.day())
        .map(|d| d.previous_day().unwrap_or(d))
        .unwrap_or(start)
}

/// One device as the defect rates count it: its model, its supplier (the contract's, or
/// the donor for a gift), and whether it ever had a fault ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InService<'a> {
    pub model: &'a str,
    pub supplier: &'a str,
    pub faulty: bool,
}

/// How often a group of devices failed: devices, those with at least one fault, and the
/// share in tenths of a percent, rounded down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefectRate {
    pub key: String,
    pub devices: i64,
    pub faulty: i64,
    pub per_mille: i64,
}

impl DefectRate {
    /// "3,4%".
    pub fn percent(&self) -> String {
        format!("{},{}%", self.per_mille / 10, self.per_mille % 10)
    }
}

/// Defect rates per model and per supplier, each sorted by rate (highest first), then
/// by name. A device with several tickets counts once.
pub fn defect_rates<'a>(
    devices: impl IntoIterator<Item = InService<'a>>,
) -> (Vec<DefectRate>, Vec<DefectRate>) {
    defect_rates_counted(
        devices
            .into_iter()
            .map(|d| (d.model, d.supplier, 1, i64::from(d.faulty))),
    )
}

/// The same from groups already counted (a database's `GROUP BY model, supplier`):
/// (model, supplier, devices, faulty devices).
pub fn defect_rates_counted<'a>(
    groups: impl IntoIterator<Item = (&'a str, &'a str, i64, i64)>,
) -> (Vec<DefectRate>, Vec<DefectRate>) {
    let mut by_model: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut by_supplier: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (model, supplier, n, faulty) in groups {
        for (map, key) in [(&mut by_model, model), (&mut by_supplier, supplier)] {
            let e = map.entry(key).or_default();
            e.0 += n;
            e.1 += faulty;
        }
    }
    let rates = |m: BTreeMap<&str, (i64, i64)>| {
        let mut v: Vec<DefectRate> = m
            .into_iter()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(k, (n, f))| DefectRate {
                key: k.to_string(),
                devices: n,
                faulty: f,
                per_mille: f * 1000 / n,
            })
            .collect();
        v.sort_by(|a, b| b.per_mille.cmp(&a.per_mille).then(a.key.cmp(&b.key)));
        v
    };
    (rates(by_model), rates(by_supplier))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AreaError;
    use time::macros::date;

    #[test]
    fn a_ticket_closes_once_and_goes_forward() {
        let (d1, d2) = (date!(2022 - 10 - 03), date!(2022 - 10 - 10));
        let s = TicketStatus::Open;
        let s = s.step(7, TicketStatus::AtVendor, d2, d1).unwrap();
        assert_eq!(
            s.step(7, TicketStatus::Open, d2, d2),
            Err(AftercareError::TicketStep {
                from: TicketStatus::AtVendor,
                to: TicketStatus::Open
            })
        );
        assert!(matches!(
            s.step(7, TicketStatus::Repaired, d1, d2),
            Err(AftercareError::DateBefore { .. })
        ));
        let closed = s.step(7, TicketStatus::Repaired, d2, d2).unwrap();
        let e = closed
            .step(7, TicketStatus::Unrepairable, d2, d2)
            .unwrap_err();
        assert_eq!(e.code(), "repair_ticket_closed");
        assert!(
            e.message(Lang::Vi).contains("số 7"),
            "{}",
            e.message(Lang::Vi)
        );
        // Straight from open to closed, without the vendor.
        assert!(
            TicketStatus::Open
                .step(1, TicketStatus::Unrepairable, d1, d1)
                .is_ok()
        );
    }

    #[test]
    fn attendee_roles_and_counts_as_sheets_write_them() {
        assert_eq!(AttendeeRole::parse("GV"), Some(AttendeeRole::Teacher));
        assert_eq!(AttendeeRole::parse("Phu huynh"), Some(AttendeeRole::Parent));
        assert_eq!(AttendeeRole::parse("Cha me HS"), Some(AttendeeRole::Parent));
        assert_eq!(
            AttendeeRole::parse(" hoc sinh "),
            Some(AttendeeRole::Student)
        );
        assert_eq!(AttendeeRole::parse("khach"), None);
        assert_eq!(attendee_count(""), Ok(0));
        assert_eq!(attendee_count("1.200"), Ok(1200));
        assert!(attendee_count("-3").is_err() && attendee_count("mười").is_err());
        for t in TrainingTopic::ALL {
            assert_eq!(TrainingTopic::parse(t.code()), Some(t));
        }
        for t in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(t.code()), Some(t));
        }
    }

    #[test]
    fn warranty_ends_the_day_before_its_anniversary() {
        assert_eq!(
            warranty_end(date!(2022 - 09 - 05), 12),
            date!(2023 - 09 - 04)
        );
        assert_eq!(
            warranty_end(date!(2022 - 09 - 01), 24),
            date!(2024 - 08 - 31)
        );
        assert_eq!(
            warranty_end(date!(2022 - 01 - 01), 12),
            date!(2022 - 12 - 31)
        );
        // No 31 February: the month is covered to its end (a leap year too).
        assert_eq!(
            warranty_end(date!(2022 - 01 - 31), 1),
            date!(2022 - 02 - 28)
        );
        assert_eq!(
            warranty_end(date!(2023 - 01 - 31), 13),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            warranty_end(date!(2022 - 11 - 15), 3),
            date!(2023 - 02 - 14)
        );
        assert_eq!(
            warranty_end(date!(2022 - 05 - 10), 0),
            date!(2022 - 05 - 10)
        );
        assert_eq!(
            warranty_end(date!(2022 - 05 - 10), 120),
            date!(2032 - 05 - 09)
        );
    }

    #[test]
    fn defect_rates_against_a_hand_count() {
        // Counted by hand: Tab A8 — 5 devices, 2 faulty (40,0%); Vostro — 3 devices, 0;
        // IdeaPad — 2 devices, 1 faulty (50,0%). Supplier Miền Núi sold the Tab A8s and one
        // IdeaPad: 6 devices, 3 faulty (50,0%); Tây Nguyên the Vostros and one IdeaPad: 4
        // devices, 0 faulty. A device with two tickets counts once (it is one row here).
        let rows = [
            ("Tab A8", "Miền Núi", true),
            ("Tab A8", "Miền Núi", false),
            ("Tab A8", "Miền Núi", true),
            ("Tab A8", "Miền Núi", false),
            ("Tab A8", "Miền Núi", false),
            ("Vostro", "Tây Nguyên", false),
            ("Vostro", "Tây Nguyên", false),
            ("Vostro", "Tây Nguyên", false),
            ("IdeaPad", "Miền Núi", true),
            ("IdeaPad", "Tây Nguyên", false),
        ];
        let (models, suppliers) = defect_rates(rows.iter().map(|(m, s, f)| InService {
            model: m,
            supplier: s,
            faulty: *f,
        }));
        let m: Vec<(&str, i64, i64, i64)> = models
            .iter()
            .map(|r| (r.key.as_str(), r.devices, r.faulty, r.per_mille))
            .collect();
        assert_eq!(
            m,
            vec![
                ("IdeaPad", 2, 1, 500),
                ("Tab A8", 5, 2, 400),
                ("Vostro", 3, 0, 0)
            ]
        );
        let s: Vec<(&str, i64, i64, i64)> = suppliers
            .iter()
            .map(|r| (r.key.as_str(), r.devices, r.faulty, r.per_mille))
            .collect();
        assert_eq!(s, vec![("Miền Núi", 6, 3, 500), ("Tây Nguyên", 4, 0, 0)]);
        assert_eq!(models[1].percent(), "40,0%");
        // One faulty of three: 333 per mille, rounded down.
        let (m, _) = defect_rates([
            InService {
                model: "X",
                supplier: "S",
                faulty: true,
            },
            InService {
                model: "X",
                supplier: "S",
                faulty: false,
            },
            InService {
                model: "X",
                supplier: "S",
                faulty: false,
            },
        ]);
        assert_eq!((m[0].per_mille, m[0].percent()), (333, "33,3%".to_string()));
        assert_eq!(defect_rates(std::iter::empty()), (vec![], vec![]));
        // Counted in groups (as a database does), the same rates.
        let grouped = defect_rates_counted([
            ("Tab A8", "Miền Núi", 5, 2),
            ("Vostro", "Tây Nguyên", 3, 0),
            ("IdeaPad", "Miền Núi", 1, 1),
            ("IdeaPad", "Tây Nguyên", 1, 0),
        ]);
        assert_eq!(grouped, (models, suppliers));
    }
}
