//! Students a school proposes (nominations): the fields of one row checked one by one,
//! and the statuses of a nomination and of a school's list.

pub mod approval;
mod error;
pub mod programs;
pub use error::StudentsError;

use crate::DomainError;
use crate::dates::parse_date;
use crate::students::programs::{Round, Tier};
use crate::users::UsersError;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// Student identifier: 10 digits (sector database, mã định danh học sinh) or 12 digits
/// (citizen identity number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StudentCode(String);

impl StudentCode {
    pub fn parse(s: &str) -> Result<StudentCode, DomainError> {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if (t.len() == 10 || t.len() == 12) && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(StudentCode(t))
        } else {
            Err(DomainError::Students(StudentsError::InvalidStudentCode {
                value: s.trim().chars().take(40).collect(),
            }))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as a number, for compact sets of codes seen.
    pub fn as_u64(&self) -> u64 {
        self.0.parse().unwrap_or(0)
    }
}

impl fmt::Display for StudentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Nam,
    Nu,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Nam => "nam",
            Gender::Nu => "nu",
        }
    }

    /// From a folded `Giới tính` cell.
    pub fn parse(folded: &str) -> Option<Gender> {
        match folded.trim() {
            "nam" | "m" | "male" | "trai" => Some(Gender::Nam),
            "nu" | "f" | "female" | "gai" => Some(Gender::Nu),
            _ => None,
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Gender::Nam => lang.pick("Nam", "Male"),
            Gender::Nu => lang.pick("Nữ", "Female"),
        }
    }
}

/// Whether a folded `Đã có máy tính` / `Có máy tính chưa?` cell says the student has a
/// computer: Có, x, rồi, đã có. Không, Chưa and an empty cell say not.
pub fn says_yes(folded: &str) -> bool {
    matches!(
        folded.trim(),
        "co" | "x" | "roi" | "da co" | "yes" | "y" | "1" | "co roi" | "v" | "✓" | "true"
    )
}

/// A date of birth as a cell holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DobCell {
    Missing,
    Date(Date),
    Text(String),
}

/// Whole years from `dob` to `on`.
pub fn age_on(dob: Date, on: Date) -> i32 {
    let mut years = on.year() - dob.year();
    if (on.month() as u8, on.day()) < (dob.month() as u8, dob.day()) {
        years -= 1;
    }
    years
}

pub const MIN_AGE: i32 = 5;
pub const MAX_AGE: i32 = 22;

/// One row of a school's list, as text read from the file (already Unicode NFC), with
/// `folded` versions of the cells that are matched rather than stored.
#[derive(Debug, Clone, Default)]
pub struct StudentFields {
    pub name: String,
    pub dob: Option<DobCell>,
    pub gender_folded: Option<String>,
    /// The `Nữ` column: marked for a girl.
    pub female_mark: Option<bool>,
    pub ethnicity: String,
    pub class_name: String,
    pub code: String,
    pub village: String,
    pub commune: String,
    pub parent_name: String,
    pub tier_folded: String,
    pub tier_raw: String,
    pub certificate_no: String,
    pub has_device_folded: String,
    pub note: String,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentDraft {
    pub code: Option<StudentCode>,
    pub full_name: String,
    pub dob: Date,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub class_name: Option<String>,
    pub village: Option<String>,
    pub commune: Option<String>,
    pub parent_name: Option<String>,
    pub tier_id: i64,
    pub tier_rank: i32,
    pub certificate_no: Option<String>,
    pub note: Option<String>,
}

/// `s` with its whitespace collapsed to single spaces and trimmed, cut to `max`
/// characters.
fn squeeze(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    // Fewer bytes than `max` are fewer characters.
    if out.len() > max
        && let Some((at, _)) = out.char_indices().nth(max)
    {
        out.truncate(at);
    }
    out
}

/// An optional field: `None` when blank, else at most [`MAX_FIELD_CHARS`] characters.
fn opt(s: &str) -> Option<String> {
    let t = squeeze(s, MAX_FIELD_CHARS);
    (!t.is_empty()).then_some(t)
}

pub const MAX_FIELD_CHARS: usize = 300;

impl StudentDraft {
    /// Checks one row against the round and the program's tiers. Every problem is
    /// returned with the field it is in (`name`, `dob`, `tier`, `code`, `has_device`).
    pub fn check(
        f: &StudentFields,
        round: &Round,
        tiers: &[Tier],
    ) -> Result<StudentDraft, Vec<(&'static str, DomainError)>> {
        Self::check_with(
            f,
            round,
            &crate::students::programs::TierMatcher::new(tiers),
        )
    }

    /// [`StudentDraft::check`] with the tiers' aliases prepared once (a whole file).
    pub fn check_with(
        f: &StudentFields,
        round: &Round,
        tiers: &crate::students::programs::TierMatcher<'_>,
    ) -> Result<StudentDraft, Vec<(&'static str, DomainError)>> {
        let mut errs = Vec::new();
        let name = squeeze(&f.name, usize::MAX);
        if name.is_empty() {
            errs.push(("name", DomainError::Students(StudentsError::MissingName)));
        } else if name.chars().count() > MAX_FIELD_CHARS {
            errs.push(("name", DomainError::Users(UsersError::InvalidFullName)));
        }
        let dob = match &f.dob {
            None | Some(DobCell::Missing) => {
                errs.push(("dob", DomainError::Students(StudentsError::MissingDob)));
                None
            }
            Some(DobCell::Date(d)) => Some(*d),
            Some(DobCell::Text(t)) => match parse_date(t) {
                Some(d) => Some(d),
                None => {
                    errs.push((
                        "dob",
                        DomainError::Students(StudentsError::InvalidDob {
                            value: t.chars().take(40).collect(),
                        }),
                    ));
                    None
                }
            },
        };
        if let Some(d) = dob {
            let age = age_on(d, round.opens_on);
            if !(MIN_AGE..=MAX_AGE).contains(&age) {
                errs.push((
                    "dob",
                    DomainError::Students(StudentsError::DobOutOfRange { age }),
                ));
            }
        }
        let code = match f.code.trim() {
            "" => None,
            c => StudentCode::parse(c)
                .map_err(|e| errs.push(("code", e)))
                .ok(),
        };
        let tier = tiers.find(&f.tier_folded);
        if tier.is_none() {
            errs.push((
                "tier",
                DomainError::Students(StudentsError::UnknownTier {
                    value: f.tier_raw.trim().chars().take(80).collect(),
                }),
            ));
        }
        if says_yes(&f.has_device_folded) {
            errs.push((
                "has_device",
                DomainError::Students(StudentsError::AlreadyHasDevice),
            ));
        }
        let gender = match (&f.gender_folded, f.female_mark) {
            (Some(g), _) => Gender::parse(g),
            (None, Some(true)) => Some(Gender::Nu),
            (None, Some(false)) => Some(Gender::Nam),
            (None, None) => None,
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        let (Some(dob), Some(tier)) = (dob, tier) else {
            return Err(errs);
        };
        Ok(StudentDraft {
            code,
            full_name: name,
            dob,
            gender,
            ethnicity: opt(&f.ethnicity),
            class_name: opt(&f.class_name),
            village: opt(&f.village),
            commune: opt(&f.commune),
            parent_name: opt(&f.parent_name),
            tier_id: tier.id,
            tier_rank: tier.rank,
            certificate_no: opt(&f.certificate_no),
            note: opt(&f.note),
        })
    }
}

/// Where a school's list stands in the approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    /// The school is preparing it.
    Draft,
    /// Sent to the district office (or the Sở for direct units).
    Submitted,
    /// Sent back with reasons on some rows.
    Returned,
    /// Approved by the district office: locked.
    Approved,
    /// Approved by the Board in the aggregate: locked.
    BoardApproved,
}

impl ListStatus {
    pub fn code(self) -> &'static str {
        match self {
            ListStatus::Draft => "draft",
            ListStatus::Submitted => "submitted",
            ListStatus::Returned => "returned",
            ListStatus::Approved => "approved",
            ListStatus::BoardApproved => "board_approved",
        }
    }

    pub fn parse(s: &str) -> Option<ListStatus> {
        [
            ListStatus::Draft,
            ListStatus::Submitted,
            ListStatus::Returned,
            ListStatus::Approved,
            ListStatus::BoardApproved,
        ]
        .into_iter()
        .find(|l| l.code() == s)
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            ListStatus::Draft => lang.pick("Đang lập", "Draft"),
            ListStatus::Submitted => lang.pick("Đã gửi duyệt", "Submitted"),
            ListStatus::Returned => lang.pick("Bị trả lại", "Returned"),
            ListStatus::Approved => lang.pick("Đã duyệt", "Approved"),
            ListStatus::BoardApproved => {
                lang.pick("Ban điều phối đã duyệt", "Approved by the Board")
            }
        }
    }

    /// Whether the school may change rows: only while drafting or after a return.
    pub fn editable(self) -> bool {
        matches!(self, ListStatus::Draft | ListStatus::Returned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::students::programs::tiers_2022;
    use time::macros::date;

    proptest::proptest! {
        #[test]
        fn squeeze_collapses_then_cuts(s in "[a-zA-Zàễ \t\n\u{a0}]{0,40}", max in 0usize..12) {
            let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(squeeze(&s, max), collapsed.chars().take(max).collect::<String>());
            proptest::prop_assert_eq!(squeeze(&s, usize::MAX), collapsed);
        }
    }

    #[test]
    fn codes_are_10_or_12_digits() {
        assert!(StudentCode::parse("6716613186").is_ok());
        assert!(StudentCode::parse(" 067 123 456 789 ").is_ok());
        assert!(StudentCode::parse("67ABC12").is_err());
        assert!(StudentCode::parse("123456789").is_err());
        assert!(StudentCode::parse("12345678901").is_err());
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(date!(2009 - 09 - 17), date!(2022 - 02 - 01)), 12);
        assert_eq!(age_on(date!(2009 - 02 - 01), date!(2022 - 02 - 01)), 13);
        assert_eq!(age_on(date!(1985 - 05 - 12), date!(2022 - 02 - 01)), 36);
    }

    fn round() -> Round {
        crate::students::programs::round_1_2022()
    }

    #[test]
    fn a_row_reports_every_problem() {
        let tiers = tiers_2022();
        let f = StudentFields {
            name: " ".into(),
            dob: Some(DobCell::Text("31/02/2011".into())),
            code: "67ABC12".into(),
            tier_folded: "gia dinh kho khan".into(),
            tier_raw: "Gia đình khó khăn".into(),
            has_device_folded: "co".into(),
            ..Default::default()
        };
        let errs = StudentDraft::check(&f, &round(), &tiers).unwrap_err();
        let codes: Vec<_> = errs.iter().map(|(_, e)| e.code()).collect();
        assert_eq!(
            codes,
            vec![
                "missing_name",
                "invalid_dob",
                "invalid_student_code",
                "unknown_tier",
                "already_has_device"
            ]
        );
    }

    #[test]
    fn a_good_row() {
        let tiers = tiers_2022();
        let f = StudentFields {
            name: "Nguyễn  Đức Việt".into(),
            dob: Some(DobCell::Date(date!(2009 - 09 - 17))),
            code: "6716613186".into(),
            tier_folded: "hn".into(),
            female_mark: Some(false),
            has_device_folded: "khong".into(),
            ..Default::default()
        };
        let d = StudentDraft::check(&f, &round(), &tiers).unwrap();
        assert_eq!(d.full_name, "Nguyễn Đức Việt");
        assert_eq!(d.tier_rank, 1);
        assert_eq!(d.gender, Some(Gender::Nam));
        let old = StudentFields {
            dob: Some(DobCell::Date(date!(1985 - 05 - 12))),
            ..f
        };
        let errs = StudentDraft::check(&old, &round(), &tiers).unwrap_err();
        assert_eq!(errs[0].1.code(), "dob_out_of_range");
    }
}
