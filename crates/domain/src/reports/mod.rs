//! Reports: the program's figures for a unit and a period, the stages of the funnel they
//! are counted in, and the rule that keeps small counts of children out of what is
//! published ([`suppress`]).

mod error;
pub mod figures;
pub mod suppress;

pub use error::ReportsError;

use crate::Lang;
use time::Date;

/// The stages a student passes through, in order: listed by a school, approved up the
/// chain, given a device by an executed allocation, handed the device under signed
/// minutes, the device entered in the education sector database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Surveyed,
    Approved,
    Allocated,
    Handed,
    InCsdl,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Surveyed,
        Stage::Approved,
        Stage::Allocated,
        Stage::Handed,
        Stage::InCsdl,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Surveyed => "surveyed",
            Stage::Approved => "approved",
            Stage::Allocated => "allocated",
            Stage::Handed => "handed_over",
            Stage::InCsdl => "in_csdl",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Surveyed => lang.pick("Được đề xuất", "Listed"),
            Stage::Approved => lang.pick("Được duyệt", "Approved"),
            Stage::Allocated => lang.pick("Được phân bổ máy", "Allocated a device"),
            Stage::Handed => lang.pick("Đã nhận máy", "Handed over"),
            Stage::InCsdl => lang.pick("Đã nhập CSDL ngành", "In the sector database"),
        }
    }
}

/// Counts of students at each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel(pub [i64; 5]);

impl serde::Serialize for Funnel {
    /// As an object keyed by the stages' codes: `{"surveyed": 12, "approved": 10, …}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(5))?;
        for st in Stage::ALL {
            m.serialize_entry(st.code(), &self.get(st))?;
        }
        m.end()
    }
}

impl Funnel {
    pub fn get(&self, s: Stage) -> i64 {
        self.0[s as usize]
    }

    pub fn add(&mut self, s: Stage, n: i64) {
        self.0[s as usize] += n;
    }

    pub fn plus(&mut self, other: &Funnel) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}

/// The days a report covers, both ends included; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    /// A period whose start is not after its end.
    pub fn new(from: Option<Date>, to: Option<Date>) -> Result<Period, PeriodError> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(PeriodError { from: f, to: t });
        }
        Ok(Period { from, to })
    }

    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }

    /// The period as milliseconds since the epoch in Vietnam's time (UTC+7), the first
    /// millisecond of `from` to the last of `to`, for timestamps.
    pub fn millis(&self) -> (i64, i64) {
        const DAY: i64 = 86_400_000;
        const OFFSET: i64 = 7 * 3_600_000;
        let at = |d: Date| (d.to_julian_day() as i64 - 2_440_588) * DAY - OFFSET;
        (
            self.from.map(at).unwrap_or(i64::MIN),
            self.to.map(|t| at(t) + DAY - 1).unwrap_or(i64::MAX),
        )
    }

    /// The period as ISO days (`yyyy-mm-dd`), for the dates the database keeps as text.
    pub fn iso(&self) -> (String, String) {
        let f = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        (
            self.from.map(f).unwrap_or_else(|| "0000-01-01".into()),
            self.to.map(f).unwrap_or_else(|| "9999-12-31".into()),
        )
    }

    /// "từ 01/01/2022 đến 31/12/2022", "đến 31/12/2022", "toàn bộ chương trình".
    pub fn describe(&self, lang: Lang) -> String {
        let d = crate::dates::format_date;
        match (self.from, self.to) {
            (None, None) => lang
                .pick("từ đầu chương trình", "since the program began")
                .into(),
            (Some(f), None) => format!("{} {}", lang.pick("từ", "from"), d(f)),
            (None, Some(t)) => format!("{} {}", lang.pick("đến", "up to"), d(t)),
            (Some(f), Some(t)) => format!(
                "{} {} {} {}",
                lang.pick("từ", "from"),
                d(f),
                lang.pick("đến", "to"),
                d(t)
            ),
        }
    }
}

/// A period that ends before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub from: Date,
    pub to: Date,
}

impl PeriodError {
    pub fn message(&self, lang: Lang) -> String {
        let d = crate::dates::format_date;
        match lang {
            Lang::Vi => format!(
                "Ngày bắt đầu {} sau ngày kết thúc {}: hãy chọn lại khoảng thời gian.",
                d(self.from),
                d(self.to)
            ),
            Lang::En => format!(
                "The start date {} is after the end date {}: choose the period again.",
                d(self.from),
                d(self.to)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_covers_its_whole_days_in_vietnam() {
        let p = Period::new(Some(date!(2022 - 01 - 01)), Some(date!(2022 - 01 - 31))).unwrap();
        let (lo, hi) = p.millis();
        // 2022-01-01 00:00 +07:00 is 2021-12-31 17:00 UTC.
        assert_eq!(lo, 1_640_970_000_000);
        assert_eq!(hi, 1_640_970_000_000 + 31 * 86_400_000 - 1);
        assert!(p.contains(date!(2022 - 01 - 31)));
        assert!(!p.contains(date!(2022 - 02 - 01)));
        assert_eq!(p.iso(), ("2022-01-01".into(), "2022-01-31".into()));
        assert_eq!(
            p.describe(Lang::Vi),
            "từ 01/01/2022 đến 31/12/2022".replace("31/12", "31/01")
        );
        let e = Period::new(Some(date!(2022 - 02 - 01)), Some(date!(2022 - 01 - 01))).unwrap_err();
        assert!(e.message(Lang::Vi).contains("01/02/2022"));
        assert!(Period::new(None, None).unwrap().is_open());
    }
}

/// A bank account number in a transfer's description, masked as a public statement
/// shows it: the first run of eight or more digits, all but its last four replaced by
/// `*` (`0071000123456` → `*********3456`).
pub fn masked_account(description: &str) -> Option<String> {
    let bytes = description.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &description[start..i];
            if run.len() >= 8 {
                let keep = &run[run.len() - 4..];
                return Some(format!("{}{keep}", "*".repeat(run.len() - 4)));
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod mask_tests {
    use super::masked_account;

    #[test]
    fn account_numbers_keep_their_last_four_digits() {
        assert_eq!(
            masked_account("MBVCB.123 tu TK 0071000123456 NGUYEN VAN A ung ho").as_deref(),
            Some("*********3456")
        );
        assert_eq!(masked_account("FT2209 so tien 500000"), None);
        assert_eq!(
            masked_account("Đắk Nông 12345678").as_deref(),
            Some("****5678")
        );
        assert_eq!(masked_account(""), None);
    }
}
