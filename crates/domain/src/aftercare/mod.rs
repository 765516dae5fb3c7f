//! After-care (bảo hành, sửa chữa): when a device's warranty ends, and how often each
//! model and each supplier fails — what appraisal and procurement weigh before the next
//! purchase.

use std::collections::BTreeMap;
use time::{Date, Month};

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
    let mut by_model: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut by_supplier: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for d in devices {
        for (map, key) in [(&mut by_model, d.model), (&mut by_supplier, d.supplier)] {
            let e = map.entry(key).or_default();
            e.0 += 1;
            e.1 += i64::from(d.faulty);
        }
    }
    let rates = |m: BTreeMap<&str, (i64, i64)>| {
        let mut v: Vec<DefectRate> = m
            .into_iter()
            .map(|(k, (n, f))| DefectRate {
                key: k.to_string(),
                devices: n,
                faulty: f,
                per_mille: f * 1000 / n.max(1),
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
    use time::macros::date;

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
    }
}
