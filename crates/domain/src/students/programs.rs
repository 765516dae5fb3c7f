//! Programs, their priority tiers and their survey rounds: data, not code, so that the
//! next campaign needs no change here. This module holds the rules that read them.

use crate::DomainError;
use crate::students::StudentsError;
use serde::{Deserialize, Serialize};
use time::Date;

/// A priority tier of a program: (i) poor household, (ii) near-poor, (iii) a parent
/// died of Covid-19 in the 2022 plan. `rank` 1 is served first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub id: i64,
    pub rank: i32,
    /// Short code as lists write it: `i`, `ii`, `iii`.
    pub code: String,
    pub label: String,
    /// The evidence the tier needs (certificate, death record).
    pub evidence: String,
    /// The name and the evidence in English, where an administrator wrote them.
    pub label_en: Option<String>,
    pub evidence_en: Option<String>,
    /// Whether a claim must be found in a poor/near-poor household register.
    pub needs_household: Option<HouseholdCategory>,
    /// How offices write the tier, folded (see [`normalise`]).
    pub aliases: Vec<String>,
}

impl Tier {
    /// The tier's name in `lang` (Vietnamese where no English was written).
    pub fn label_in(&self, lang: crate::Lang) -> &str {
        match (lang, &self.label_en) {
            (crate::Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.label,
        }
    }

    /// The evidence the tier needs, in `lang` (Vietnamese where no English was written).
    pub fn evidence_in(&self, lang: crate::Lang) -> &str {
        match (lang, &self.evidence_en) {
            (crate::Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.evidence,
        }
    }
}

/// Poor or near-poor, as the communes' registers say (Nghị định 07/2021/NĐ-CP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdCategory {
    Ngheo,
    CanNgheo,
}

impl HouseholdCategory {
    pub fn code(self) -> &'static str {
        match self {
            HouseholdCategory::Ngheo => "ngheo",
            HouseholdCategory::CanNgheo => "can_ngheo",
        }
    }

    pub fn parse(s: &str) -> Option<HouseholdCategory> {
        match normalise(s).as_str() {
            "ngheo" | "ho ngheo" | "hn" | "i" => Some(HouseholdCategory::Ngheo),
            "can ngheo" | "can_ngheo" | "ho can ngheo" | "hcn" | "ii" => {
                Some(HouseholdCategory::CanNgheo)
            }
            _ => None,
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            HouseholdCategory::Ngheo => lang.pick("Hộ nghèo", "Poor household"),
            HouseholdCategory::CanNgheo => lang.pick("Hộ cận nghèo", "Near-poor household"),
        }
    }
}

/// A survey round (đợt) of a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: i64,
    pub program_id: i64,
    pub name: String,
    pub opens_on: Date,
    pub closes_on: Date,
    pub open: bool,
}

/// Text folded for matching tiers and names: lower case, no accents, punctuation as
/// spaces, single spaces. Expects text folded by `text::fold` or plain ASCII.
pub fn normalise(s: &str) -> String {
    let lowered: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which tier a cell names. `folded` is the cell folded (accents removed). Every alias
/// found (longest first, each part of the text used once) names a tier; a student who
/// fits several tiers counts in the highest. A negation ("không thuộc hộ nghèo") names
/// none.
pub fn match_tier<'a>(tiers: &'a [Tier], folded: &str) -> Option<&'a Tier> {
    TierMatcher::new(tiers).find(folded)
}

/// [`match_tier`] with the aliases prepared once, for the rows of a whole file.
#[derive(Debug, Clone)]
pub struct TierMatcher<'a> {
    tiers: &'a [Tier],
    /// `" alias "`, longest alias first, and the tier's index.
    needles: Vec<(String, usize)>,
    /// Answers already found: a list repeats a handful of ways of writing its tiers.
    memo: std::cell::RefCell<std::collections::HashMap<String, Option<usize>>>,
}

/// Distinct tier texts remembered by one matcher; past this the matcher still answers,
/// it only stops remembering.
const TIER_MEMO: usize = 4096;

impl<'a> TierMatcher<'a> {
    pub fn new(tiers: &'a [Tier]) -> TierMatcher<'a> {
        let mut aliases: Vec<(&str, usize)> = tiers
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                t.aliases
                    .iter()
                    .map(move |a| (a.as_str(), i))
                    .chain(std::iter::once((t.code.as_str(), i)))
            })
            .collect();
        aliases.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        let needles = aliases
            .into_iter()
            .map(|(a, i)| (format!(" {} ", normalise(a)), i))
            .filter(|(n, _)| !n.trim().is_empty())
            .collect();
        TierMatcher {
            tiers,
            needles,
            memo: Default::default(),
        }
    }

    pub fn tiers(&self) -> &'a [Tier] {
        self.tiers
    }

    pub fn find(&self, folded: &str) -> Option<&'a Tier> {
        if let Some(i) = self.memo.borrow().get(folded) {
            return i.map(|i| &self.tiers[i]);
        }
        let found = self.search(folded);
        let mut memo = self.memo.borrow_mut();
        if memo.len() < TIER_MEMO {
            memo.insert(folded.to_string(), found);
        }
        found.map(|i| &self.tiers[i])
    }

    /// The index of the best-ranked tier any alias of which the text contains.
    fn search(&self, folded: &str) -> Option<usize> {
        let text = normalise(folded);
        if text.is_empty() || text.split(' ').any(|w| w == "khong") {
            return None;
        }
        let mut padded = format!(" {text} ");
        let mut found: Option<usize> = None;
        for (needle, i) in &self.needles {
            let tier = &self.tiers[*i];
            while let Some(at) = padded.find(needle.as_str()) {
                padded.replace_range(at + 1..at + needle.len() - 1, &" ".repeat(needle.len() - 2));
                if found.is_none_or(|f| tier.rank < self.tiers[f].rank) {
                    found = Some(*i);
                }
            }
        }
        found
    }
}

/// Round 1 of the 2022 programme (1 February to 31 March 2022), numbered 1: what the
/// rules are checked against when no database is at hand.
pub fn round_1_2022() -> Round {
    use time::macros::date;
    Round {
        id: 1,
        program_id: 1,
        name: "Đợt 1".into(),
        opens_on: date!(2022 - 02 - 01),
        closes_on: date!(2022 - 03 - 31),
        open: true,
    }
}

/// The 2022 Đắk Nông tiers (Kế hoạch 56/KH-UBND): the seed of the demo and of a new
/// installation; administrators edit them for the next campaign.
pub fn tiers_2022() -> Vec<Tier> {
    let t = |rank: i32,
             code: &str,
             (label, label_en): (&str, &str),
             (evidence, evidence_en): (&str, &str),
             needs: Option<HouseholdCategory>,
             aliases: &[&str]| Tier {
        id: 0,
        rank,
        code: code.into(),
        label: label.into(),
        evidence: evidence.into(),
        label_en: Some(label_en.into()),
        evidence_en: Some(evidence_en.into()),
        needs_household: needs,
        aliases: aliases.iter().map(|a| normalise(a)).collect(),
    };
    vec![
        t(
            1,
            "i",
            ("Học sinh thuộc hộ nghèo", "Student of a poor household"),
            (
                "Giấy chứng nhận hộ nghèo năm hiện hành hoặc danh sách hộ nghèo được UBND xã phê duyệt",
                "This year's poor-household certificate, or the poor-household list approved by the commune People's Committee",
            ),
            Some(HouseholdCategory::Ngheo),
            &["ho ngheo", "hn", "ngheo", "thuoc ho ngheo"],
        ),
        t(
            2,
            "ii",
            (
                "Học sinh thuộc hộ cận nghèo",
                "Student of a near-poor household",
            ),
            (
                "Giấy chứng nhận hộ cận nghèo năm hiện hành hoặc danh sách hộ cận nghèo được UBND xã phê duyệt",
                "This year's near-poor-household certificate, or the near-poor-household list approved by the commune People's Committee",
            ),
            Some(HouseholdCategory::CanNgheo),
            &["ho can ngheo", "hcn", "can ngheo", "thuoc ho can ngheo"],
        ),
        t(
            3,
            "iii",
            (
                "Học sinh có bố hoặc mẹ tử vong do Covid-19",
                "Student whose father or mother died of Covid-19",
            ),
            (
                "Giấy chứng tử hoặc xác nhận của UBND xã về việc bố hoặc mẹ tử vong do Covid-19",
                "The death certificate, or the commune People's Committee's confirmation that the father or mother died of Covid-19",
            ),
            None,
            &[
                "mo coi do covid-19",
                "mo coi do covid",
                "mo coi covid",
                "mo coi",
                "tu vong do covid-19",
                "tu vong do covid",
                "mat do covid-19",
                "mat do covid",
                "bo me tu vong do covid-19",
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        // The domain has no text crate: the test folds the few accents it needs.
        s.to_lowercase()
            .replace(['ộ', 'ồ'], "o")
            .replace(['è', 'ẹ'], "e")
            .replace('ậ', "a")
            .replace('đ', "d")
            .replace(['ọ', 'ó'], "o")
            .replace('ử', "u")
            .replace(['ố', 'ô'], "o")
            .replace('ẹ', "e")
            .replace('ấ', "a")
            .replace(['ì', 'í'], "i")
            .replace('ặ', "a")
            .replace('ư', "u")
    }

    #[test]
    fn tiers_as_offices_write_them() {
        let tiers = tiers_2022();
        let code = |s: &str| match_tier(&tiers, &fold(s)).map(|t| t.code.clone());
        for (text, want) in [
            ("Hộ nghèo", Some("i")),
            ("HN", Some("i")),
            ("(i)", Some("i")),
            ("Hộ nghèo (i)", Some("i")),
            ("Học sinh thuộc hộ nghèo", Some("i")),
            ("Hộ cận nghèo", Some("ii")),
            ("hộ cận nghèo", Some("ii")),
            ("HCN", Some("ii")),
            ("Cận nghèo", Some("ii")),
            ("(ii)", Some("ii")),
            ("Mồ côi do Covid-19", Some("iii")),
            ("Bố/mẹ tử vong do Covid-19", Some("iii")),
            ("Có bố hoặc mẹ tử vong do Covid-19", Some("iii")),
            ("(iii)", Some("iii")),
            ("Hộ nghèo, mồ côi do Covid-19", Some("i")),
            ("Gia đình khó khăn", None),
            ("Không thuộc hộ nghèo", None),
            ("", None),
        ] {
            assert_eq!(code(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn household_categories() {
        assert_eq!(
            HouseholdCategory::parse("Hộ nghèo".replace('ộ', "o").replace('è', "e").as_str()),
            Some(HouseholdCategory::Ngheo)
        );
        assert_eq!(
            HouseholdCategory::parse("can ngheo"),
            Some(HouseholdCategory::CanNgheo)
        );
        assert_eq!(HouseholdCategory::parse("x"), None);
    }
}

/// A program as an administrator writes it (JSON): what a new campaign needs, with no
/// change to the code. Dates are `dd/mm/yyyy` (or `yyyy-mm-dd`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramSpec {
    pub code: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub tiers: Vec<TierSpec>,
    pub first_round: RoundSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// 1 is served first.
    pub rank: i32,
    /// `i`, `ii`, `iii`: how lists write the tier in brackets.
    pub code: String,
    pub label: String,
    /// The evidence the tier needs.
    pub evidence: String,
    /// The name and the evidence in English, for the interface's English mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_en: Option<String>,
    /// `ngheo` or `can_ngheo` when a claim must be found in a household register.
    #[serde(default)]
    pub needs_household: Option<String>,
    /// Other ways offices write the tier (`HN`, `Hộ nghèo`, …).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundSpec {
    pub name: String,
    pub opens_on: String,
    pub closes_on: String,
}

/// A checked program: dates parsed, tiers in rank order.
#[derive(Debug, Clone)]
pub struct CheckedProgram {
    pub code: String,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub tiers: Vec<Tier>,
    pub round: (String, Date, Date),
}

fn spec_date(field: &str, s: &str) -> Result<Date, DomainError> {
    crate::dates::parse_date(s).ok_or_else(|| {
        DomainError::Students(StudentsError::InvalidProgram {
            reason: format!("{field}: \"{s}\" không phải ngày dd/mm/yyyy"),
        })
    })
}

impl ProgramSpec {
    /// The 2022 Đắk Nông program, as a starting point for the next campaign.
    pub fn of_2022() -> ProgramSpec {
        ProgramSpec {
            code: "SMTCE-DAKNONG-2022".into(),
            name: "Chương trình “Sóng và máy tính cho em” tỉnh Đắk Nông 2022–2023".into(),
            starts_on: "26/01/2022".into(),
            ends_on: "31/12/2023".into(),
            tiers: tiers_2022()
                .into_iter()
                .map(|t| TierSpec {
                    rank: t.rank,
                    code: t.code,
                    label: t.label,
                    evidence: t.evidence,
                    label_en: t.label_en,
                    evidence_en: t.evidence_en,
                    needs_household: t.needs_household.map(|h| h.code().to_string()),
                    aliases: t.aliases,
                })
                .collect(),
            first_round: RoundSpec {
                name: "Đợt 1 năm 2022".into(),
                opens_on: "01/02/2022".into(),
                closes_on: "31/03/2022".into(),
            },
        }
    }

    pub fn check(&self) -> Result<CheckedProgram, DomainError> {
        let bad = |reason: String| DomainError::Students(StudentsError::InvalidProgram { reason });
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 40
            || !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad(format!(
                "code: \"{}\" (chữ, số, -, _; tối đa 40)",
                self.code
            )));
        }
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 200 {
            return Err(bad("name: từ 1 đến 200 ký tự".into()));
        }
        let starts_on = spec_date("starts_on", &self.starts_on)?;
        let ends_on = spec_date("ends_on", &self.ends_on)?;
        if ends_on < starts_on {
            return Err(bad("ends_on trước starts_on".into()));
        }
        if self.tiers.is_empty() {
            return Err(bad("tiers: cần ít nhất một đối tượng".into()));
        }
        let mut tiers = Vec::new();
        for t in &self.tiers {
            let needs = match t.needs_household.as_deref() {
                None | Some("") => None,
                Some(h) => Some(HouseholdCategory::parse(h).ok_or_else(|| {
                    bad(format!(
                        "tiers[{}].needs_household: \"{h}\" (ngheo hoặc can_ngheo)",
                        t.code
                    ))
                })?),
            };
            let code = normalise(&t.code);
            if code.is_empty() || t.label.trim().is_empty() {
                return Err(bad("tiers: mỗi đối tượng cần code và label".into()));
            }
            if tiers
                .iter()
                .any(|x: &Tier| x.rank == t.rank || x.code == code)
            {
                return Err(bad(format!(
                    "tiers: trùng thứ tự {} hoặc mã {}",
                    t.rank, t.code
                )));
            }
            tiers.push(Tier {
                id: 0,
                rank: t.rank,
                code,
                label: t.label.trim().to_string(),
                evidence: t.evidence.trim().to_string(),
                label_en: t
                    .label_en
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                evidence_en: t
                    .evidence_en
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                needs_household: needs,
                aliases: t
                    .aliases
                    .iter()
                    .map(|a| normalise(a))
                    .filter(|a| !a.is_empty())
                    .collect(),
            });
        }
        tiers.sort_by_key(|t| t.rank);
        let r = &self.first_round;
        let opens = spec_date("first_round.opens_on", &r.opens_on)?;
        let closes = spec_date("first_round.closes_on", &r.closes_on)?;
        if closes < opens || r.name.trim().is_empty() {
            return Err(bad("first_round: cần tên, và ngày đóng sau ngày mở".into()));
        }
        Ok(CheckedProgram {
            code: code.to_string(),
            name,
            starts_on,
            ends_on,
            tiers,
            round: (r.name.trim().to_string(), opens, closes),
        })
    }
}

#[cfg(test)]
mod spec_tests {
    use super::*;

    #[test]
    fn the_2022_spec_round_trips_through_json() {
        let spec = ProgramSpec::of_2022();
        let json = serde_json::to_string_pretty(&spec).unwrap();
        let back: ProgramSpec = serde_json::from_str(&json).unwrap();
        let p = back.check().unwrap();
        assert_eq!(p.tiers.len(), 3);
        assert_eq!(p.tiers[0].needs_household, Some(HouseholdCategory::Ngheo));
        assert_eq!(p.tiers, tiers_2022());
    }

    #[test]
    fn a_bad_spec_says_why() {
        let mut s = ProgramSpec::of_2022();
        s.tiers[1].rank = 1;
        assert!(
            matches!(s.check(), Err(DomainError::Students(StudentsError::InvalidProgram { reason })) if reason.contains("trùng"))
        );
        let mut s = ProgramSpec::of_2022();
        s.first_round.closes_on = "31/13/2022".into();
        assert!(s.check().is_err());
        assert!(serde_json::from_str::<ProgramSpec>(r#"{"code":"x","nme":"typo"}"#).is_err());
    }
}
