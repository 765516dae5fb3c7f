//! Units of the administration as a tree of any depth, and the scope a unit gives its users.
//!
//! The 2022 structure is province → district → commune, with schools under district
//! offices or directly under the Sở; since 1 July 2025 there is no district level. Nothing
//! here assumes a fixed depth: a unit's place is its materialised path of ids.

mod error;
pub mod plan;
pub use error::UnitsError;

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a unit is. Departments carry an [`Agency`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A national root, for one database serving several provinces.
    Country,
    Province,
    /// A provincial department or body (Sở GD&ĐT, Sở TT&TT, …).
    Department,
    /// District-level unit (huyện, thành phố, thị xã) with its education office (Phòng GD&ĐT).
    District,
    /// Commune-level unit (xã, phường, thị trấn).
    Commune,
    /// A school or a centre (GDNN-GDTX); directly under the Sở when its parent is the Sở.
    School,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Country,
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::District,
        UnitKind::Commune,
        UnitKind::School,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Country => "country",
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::School => "school",
        }
    }

    /// Accepts the English code and the Vietnamese words an office would write.
    pub fn parse(s: &str) -> Result<UnitKind, DomainError> {
        let k = s.trim().to_lowercase();
        Ok(match k.as_str() {
            "country" | "quốc gia" | "quoc_gia" | "quoc gia" => UnitKind::Country,
            "province" | "tỉnh" | "tinh" | "thành phố trực thuộc trung ương" => {
                UnitKind::Province
            }
            "department" | "sở" | "so" | "ban ngành" | "ban_nganh" => UnitKind::Department,
            "district" | "huyện" | "huyen" | "cấp huyện" | "cap_huyen" => UnitKind::District,
            "commune" | "xã" | "xa" | "cấp xã" | "cap_xa" => UnitKind::Commune,
            "school" | "trường" | "truong" | "cơ sở giáo dục" | "co_so_giao_duc" => {
                UnitKind::School
            }
            _ => {
                return Err(DomainError::Units(UnitsError::InvalidUnitKind {
                    value: s.trim().to_string(),
                }));
            }
        })
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            UnitKind::Country => lang.pick("Quốc gia", "Country"),
            UnitKind::Province => lang.pick("Tỉnh", "Province"),
            UnitKind::Department => lang.pick("Sở, ban, ngành", "Department"),
            UnitKind::District => lang.pick("Cấp huyện", "District"),
            UnitKind::Commune => lang.pick("Cấp xã", "Commune"),
            UnitKind::School => lang.pick("Trường", "School"),
        }
    }

    /// Whether a unit of kind `self` may sit directly under a unit of kind `parent`
    /// (`None`: a root). Schools may sit under a district office, the Sở (direct units), a
    /// commune (the 2025 structure) or the province; a department only under a province.
    pub fn may_have_parent(self, parent: Option<UnitKind>) -> bool {
        use UnitKind::*;
        matches!(
            (self, parent),
            (Country, None)
                | (Province, None | Some(Country))
                | (Department, Some(Province))
                | (District, Some(Province))
                | (Commune, Some(Province | District))
                | (School, Some(Province | Department | District | Commune))
        )
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The body a department unit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agency {
    SoGddt,
    SoTttt,
    SoTaiChinh,
    Mttq,
    UbndTinh,
    Other,
}

impl Agency {
    pub const ALL: [Agency; 6] = [
        Agency::SoGddt,
        Agency::SoTttt,
        Agency::SoTaiChinh,
        Agency::Mttq,
        Agency::UbndTinh,
        Agency::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Agency::SoGddt => "so_gddt",
            Agency::SoTttt => "so_tttt",
            Agency::SoTaiChinh => "so_tai_chinh",
            Agency::Mttq => "mttq",
            Agency::UbndTinh => "ubnd_tinh",
            Agency::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Agency, DomainError> {
        let t = s.trim();
        Agency::ALL
            .into_iter()
            .find(|a| a.code().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                DomainError::Units(UnitsError::InvalidAgency {
                    value: t.to_string(),
                })
            })
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Agency::SoGddt => lang.pick(
                "Sở Giáo dục và Đào tạo",
                "Department of Education and Training",
            ),
            Agency::SoTttt => lang.pick(
                "Sở Thông tin và Truyền thông",
                "Department of Information and Communications",
            ),
            Agency::SoTaiChinh => lang.pick("Sở Tài chính", "Department of Finance"),
            Agency::Mttq => lang.pick(
                "Ủy ban MTTQ Việt Nam tỉnh",
                "Vietnam Fatherland Front, provincial committee",
            ),
            Agency::UbndTinh => lang.pick("Ủy ban nhân dân tỉnh", "Provincial People's Committee"),
            Agency::Other => lang.pick("Cơ quan khác", "Other body"),
        }
    }
}

/// Level of education a school teaches (cấp học).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    TieuHoc,
    Thcs,
    Thpt,
    ThThcs,
    ThcsThpt,
    Gdtx,
    Khac,
}

impl SchoolLevel {
    pub const ALL: [SchoolLevel; 7] = [
        SchoolLevel::TieuHoc,
        SchoolLevel::Thcs,
        SchoolLevel::Thpt,
        SchoolLevel::ThThcs,
        SchoolLevel::ThcsThpt,
        SchoolLevel::Gdtx,
        SchoolLevel::Khac,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SchoolLevel::TieuHoc => "tieu_hoc",
            SchoolLevel::Thcs => "thcs",
            SchoolLevel::Thpt => "thpt",
            SchoolLevel::ThThcs => "th_thcs",
            SchoolLevel::ThcsThpt => "thcs_thpt",
            SchoolLevel::Gdtx => "gdtx",
            SchoolLevel::Khac => "khac",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            SchoolLevel::TieuHoc => lang.pick("Tiểu học", "Primary"),
            SchoolLevel::Thcs => lang.pick("THCS", "Lower secondary"),
            SchoolLevel::Thpt => lang.pick("THPT", "Upper secondary"),
            SchoolLevel::ThThcs => lang.pick("TH và THCS", "Primary and lower secondary"),
            SchoolLevel::ThcsThpt => lang.pick("THCS và THPT", "Lower and upper secondary"),
            SchoolLevel::Gdtx => lang.pick("GDNN-GDTX", "Vocational and continuing education"),
            SchoolLevel::Khac => lang.pick("Khác", "Other"),
        }
    }

    /// Accepts the code and the usual Vietnamese abbreviations.
    pub fn parse(s: &str) -> Result<SchoolLevel, DomainError> {
        let k = s.trim().to_lowercase();
        Ok(match k.as_str() {
            "tieu_hoc" | "tiểu học" | "th" | "tieu hoc" => SchoolLevel::TieuHoc,
            "thcs" | "trung học cơ sở" => SchoolLevel::Thcs,
            "thpt" | "trung học phổ thông" => SchoolLevel::Thpt,
            "th_thcs" | "th và thcs" | "th&thcs" | "th-thcs" => SchoolLevel::ThThcs,
            "thcs_thpt" | "thcs và thpt" | "thcs&thpt" | "thcs-thpt" => SchoolLevel::ThcsThpt,
            "gdtx" | "gdnn-gdtx" | "gdnn_gdtx" | "giáo dục thường xuyên" => {
                SchoolLevel::Gdtx
            }
            "khac" | "khác" => SchoolLevel::Khac,
            _ => {
                return Err(DomainError::Units(UnitsError::InvalidSchoolLevel {
                    value: s.trim().to_string(),
                }));
            }
        })
    }
}

/// Whether a school is connected to the Internet (the signal issue reads this).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InternetStatus {
    Connected,
    Weak,
    None,
    #[default]
    Unknown,
}

impl InternetStatus {
    pub const ALL: [InternetStatus; 4] = [
        InternetStatus::Connected,
        InternetStatus::Weak,
        InternetStatus::None,
        InternetStatus::Unknown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InternetStatus::Connected => "connected",
            InternetStatus::Weak => "weak",
            InternetStatus::None => "none",
            InternetStatus::Unknown => "unknown",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            InternetStatus::Connected => lang.pick("Có kết nối", "Connected"),
            InternetStatus::Weak => lang.pick("Kết nối yếu", "Weak connection"),
            InternetStatus::None => lang.pick("Chưa kết nối", "Not connected"),
            InternetStatus::Unknown => lang.pick("Chưa rõ", "Unknown"),
        }
    }

    pub fn parse(s: &str) -> Result<InternetStatus, DomainError> {
        let k = s.trim().to_lowercase();
        Ok(match k.as_str() {
            "connected" | "có" | "co" | "x" | "có kết nối" | "đã kết nối" => {
                InternetStatus::Connected
            }
            "weak" | "yếu" | "yeu" | "kết nối yếu" | "sóng yếu" => InternetStatus::Weak,
            "none" | "không" | "khong" | "chưa" | "chua" | "chưa kết nối" | "không có" => {
                InternetStatus::None
            }
            "unknown" | "" | "chưa rõ" | "?" => InternetStatus::Unknown,
            _ => {
                return Err(DomainError::Units(UnitsError::InvalidInternetStatus {
                    value: s.trim().to_string(),
                }));
            }
        })
    }
}

/// A unit's code: the official code where one exists (province 67, district 663, school
/// 67663001), otherwise one the importer derives. Letters, digits, `-`, `_` and `.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<UnitCode, DomainError> {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.len() <= Self::MAX_LEN
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(UnitCode(t.to_string()))
        } else {
            Err(DomainError::Units(UnitsError::InvalidUnitCode {
                value: t.chars().take(80).collect(),
            }))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit's place in the tree: the ids from the root down to the unit itself, as
/// `/1/5/23/`. A subtree is every path that starts with the root's path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitPath(String);

impl UnitPath {
    pub fn root(id: i64) -> UnitPath {
        UnitPath(format!("/{id}/"))
    }

    /// The whole tree, every root included: the scope of system commands.
    pub fn everything() -> UnitPath {
        UnitPath("/".to_string())
    }

    pub fn child(&self, id: i64) -> UnitPath {
        UnitPath(format!("{}{id}/", self.0))
    }

    /// Accepts only well-formed paths (`/` then one or more `id/`).
    pub fn parse(s: &str) -> Option<UnitPath> {
        let inner = s.strip_prefix('/')?.strip_suffix('/')?;
        if inner.is_empty() {
            return None;
        }
        inner
            .split('/')
            .all(|seg| {
                !seg.is_empty() && seg.len() <= 19 && seg.bytes().all(|b| b.is_ascii_digit())
            })
            .then(|| UnitPath(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.0
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
    }

    pub fn depth(&self) -> usize {
        self.ids().count()
    }

    pub fn parent(&self) -> Option<UnitPath> {
        let trimmed = &self.0[..self.0.len() - 1];
        let cut = trimmed.rfind('/')?;
        (cut > 0).then(|| UnitPath(self.0[..=cut].to_string()))
    }

    /// Whether `other` is this unit or lies below it.
    pub fn contains(&self, other: &UnitPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The half-open range `[lo, hi)` of stored paths in this subtree, for an indexed
    /// range scan: every descendant starts with `/…/id/`, and `0` sorts right after `/`.
    pub fn subtree_range(&self) -> (String, String) {
        let mut hi = self.0.clone();
        hi.pop();
        hi.push('0');
        (self.0.clone(), hi)
    }

    /// Replaces the prefix `from` by `to` (moving a subtree). `None` if not under `from`.
    pub fn rebase(&self, from: &UnitPath, to: &UnitPath) -> Option<UnitPath> {
        self.0
            .strip_prefix(&from.0)
            .map(|rest| UnitPath(format!("{}{rest}", to.0)))
    }
}

/// A unit as an import file or a form describes it, checked field by field but not yet
/// placed in the tree (its parent is a code the store resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDraft {
    pub kind: UnitKind,
    /// `None` when the file leaves it empty: the store derives one from the parent's
    /// code and the name, the same on every import.
    pub code: Option<UnitCode>,
    pub name: String,
    pub parent: Option<UnitCode>,
    /// The administrative type as written (tỉnh, huyện, thành phố, xã, phường, thị trấn).
    /// This and the fields below: `None` keeps what an existing unit has.
    pub admin_type: Option<String>,
    pub agency: Option<Agency>,
    pub school_level: Option<SchoolLevel>,
    /// The commune a school stands in, by code or by name within its district.
    pub commune: Option<String>,
    /// A new school without it is recorded as `Unknown`.
    pub internet: Option<InternetStatus>,
}

/// The raw text of each field, as read from a file or a form.
#[derive(Debug, Clone, Default)]
pub struct UnitFields<'a> {
    pub level: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub parent: &'a str,
    pub admin_type: &'a str,
    pub agency: &'a str,
    pub school_level: &'a str,
    pub commune: &'a str,
    pub internet: &'a str,
}

pub const MAX_UNIT_NAME_CHARS: usize = 200;

fn opt(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// Guesses a department's agency from its folded (lower-case, unaccented) name.
pub fn guess_agency(folded_name: &str) -> Agency {
    let n = folded_name;
    if n.contains("giao duc") {
        Agency::SoGddt
    } else if n.contains("thong tin") {
        Agency::SoTttt
    } else if n.contains("tai chinh") {
        Agency::SoTaiChinh
    } else if n.contains("mat tran") || n.contains("mttq") {
        Agency::Mttq
    } else if n.contains("uy ban nhan dan") || n.contains("ubnd") {
        Agency::UbndTinh
    } else {
        Agency::Other
    }
}

impl UnitDraft {
    /// Checks every field and reports all problems at once, each with its field name.
    /// `folded_name` is the name folded for matching (by the `text` crate), used to guess
    /// a department's agency when the file does not say.
    pub fn parse(
        f: &UnitFields<'_>,
        folded_name: &str,
    ) -> Result<UnitDraft, Vec<(&'static str, DomainError)>> {
        let mut errs = Vec::new();
        let kind = UnitKind::parse(f.level)
            .map_err(|e| errs.push(("level", e)))
            .ok();
        let code = match opt(f.code) {
            Some(c) => UnitCode::parse(c).map_err(|e| errs.push(("code", e))).ok(),
            None => None,
        };
        let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty()
            || name.chars().count() > MAX_UNIT_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            errs.push(("name", DomainError::Units(UnitsError::InvalidUnitName)));
        }
        let parent = match opt(f.parent) {
            Some(p) => UnitCode::parse(p)
                .map_err(|e| errs.push(("parent", e)))
                .ok(),
            None => None,
        };
        let agency = match opt(f.agency) {
            Some(a) => Agency::parse(a).map_err(|e| errs.push(("agency", e))).ok(),
            None if kind == Some(UnitKind::Department) => Some(guess_agency(folded_name)),
            None => None,
        };
        let school_level = match opt(f.school_level) {
            Some(l) => SchoolLevel::parse(l)
                .map_err(|e| errs.push(("school_level", e)))
                .ok(),
            None => None,
        };
        let internet = match opt(f.internet) {
            Some(i) => InternetStatus::parse(i)
                .map_err(|e| errs.push(("internet", e)))
                .ok(),
            None => None,
        };
        if code.is_none() && parent.is_none() && opt(f.code).is_none() {
            // A root needs a code of its own: nothing to derive it from.
            errs.push((
                "code",
                DomainError::Units(UnitsError::InvalidUnitCode {
                    value: String::new(),
                }),
            ));
        }
        match (errs.is_empty(), kind) {
            (true, Some(kind)) => Ok(UnitDraft {
                kind,
                code,
                name,
                parent,
                admin_type: opt(f.admin_type).map(str::to_string),
                agency: if kind == UnitKind::Department {
                    agency
                } else {
                    None
                },
                school_level: if kind == UnitKind::School {
                    school_level
                } else {
                    None
                },
                commune: if kind == UnitKind::School {
                    opt(f.commune).map(str::to_string)
                } else {
                    None
                },
                internet: if kind == UnitKind::School {
                    internet
                } else {
                    None
                },
            }),
            _ => Err(errs),
        }
    }
}

/// The part of the tree a unit's users see. Users of a department act for their parent
/// (the Sở GD&ĐT sees the whole province); everyone else sees their own subtree.
pub fn scope_of(kind: UnitKind, path: &UnitPath) -> UnitPath {
    match kind {
        UnitKind::Department => path.parent().unwrap_or_else(|| path.clone()),
        _ => path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_accept_official_and_derived_forms() {
        assert!(UnitCode::parse("67").is_ok());
        assert!(UnitCode::parse(" 67663001 ").is_ok());
        assert!(UnitCode::parse("663-xa-dak-gan").is_ok());
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("a b").is_err());
        assert!(UnitCode::parse("../x").is_err());
        assert!(UnitCode::parse("Đắk").is_err());
    }

    #[test]
    fn paths_know_their_parent_and_subtree() {
        let p = UnitPath::root(1).child(5).child(23);
        assert_eq!(p.as_str(), "/1/5/23/");
        assert_eq!(p.parent().unwrap().as_str(), "/1/5/");
        assert_eq!(UnitPath::root(1).parent(), None);
        assert!(UnitPath::root(1).contains(&p));
        assert!(
            !UnitPath::root(1)
                .child(50)
                .contains(&UnitPath::root(1).child(5))
        );
        assert!(
            !UnitPath::root(1)
                .child(5)
                .contains(&UnitPath::root(1).child(50))
        );
        assert_eq!(p.ids().collect::<Vec<_>>(), vec![1, 5, 23]);
    }

    #[test]
    fn parse_rejects_malformed_paths() {
        for bad in ["", "/", "//", "1/2/", "/1/2", "/a/", "/1//2/"] {
            assert!(UnitPath::parse(bad).is_none(), "{bad}");
        }
        assert!(UnitPath::parse("/1/2/").is_some());
    }

    #[test]
    fn departments_see_their_province() {
        let province = UnitPath::root(1);
        let so = province.child(2);
        assert_eq!(scope_of(UnitKind::Department, &so), province);
        let district = province.child(3);
        assert_eq!(scope_of(UnitKind::District, &district), district);
    }

    #[test]
    fn drafts_report_every_bad_field() {
        let f = UnitFields {
            level: "hamlet",
            code: "a b",
            name: " ",
            parent: "67",
            internet: "maybe",
            ..Default::default()
        };
        let errs = UnitDraft::parse(&f, "").unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["level", "code", "name", "internet"]);
    }

    #[test]
    fn drafts_guess_the_agency_and_keep_school_fields() {
        let f = UnitFields {
            level: "sở",
            code: "67-sgddt",
            name: "Sở Giáo dục và Đào tạo",
            parent: "67",
            ..Default::default()
        };
        let d = UnitDraft::parse(&f, "so giao duc va dao tao").unwrap();
        assert_eq!(d.agency, Some(Agency::SoGddt));
        let f = UnitFields {
            level: "school",
            code: "67663001",
            name: "Trường THCS Nguyễn Du",
            parent: "663",
            school_level: "THCS",
            internet: "có",
            ..Default::default()
        };
        let d = UnitDraft::parse(&f, "").unwrap();
        assert_eq!(d.school_level, Some(SchoolLevel::Thcs));
        assert_eq!(d.internet, Some(InternetStatus::Connected));
        let f = UnitFields {
            level: "commune",
            name: "Xã Đắk Gằn",
            parent: "663",
            ..Default::default()
        };
        assert_eq!(UnitDraft::parse(&f, "").unwrap().code, None);
    }

    #[test]
    fn the_tree_has_no_fixed_depth() {
        use UnitKind::*;
        // 2022: province → district → commune; school under district or Sở.
        assert!(District.may_have_parent(Some(Province)));
        assert!(School.may_have_parent(Some(District)));
        assert!(School.may_have_parent(Some(Department)));
        // 2025: province → commune → school.
        assert!(Commune.may_have_parent(Some(Province)));
        assert!(School.may_have_parent(Some(Commune)));
        assert!(!School.may_have_parent(None));
        assert!(!Province.may_have_parent(Some(District)));
        assert!(!Commune.may_have_parent(Some(School)));
    }

    fn arb_path() -> impl Strategy<Value = UnitPath> {
        prop::collection::vec(1i64..50, 1..6).prop_map(|ids| {
            let mut p = UnitPath::root(ids[0]);
            for id in &ids[1..] {
                p = p.child(*id);
            }
            p
        })
    }

    proptest! {
        /// The SQL range scan selects exactly the paths `contains` accepts.
        #[test]
        fn subtree_range_matches_contains(a in arb_path(), b in arb_path()) {
            let (lo, hi) = a.subtree_range();
            let in_range = b.as_str() >= lo.as_str() && b.as_str() < hi.as_str();
            prop_assert_eq!(in_range, a.contains(&b));
        }

        #[test]
        fn rebase_moves_whole_subtree(a in arb_path(), b in arb_path(), c in arb_path()) {
            let child = a.child(99);
            let moved = child.rebase(&a, &b).unwrap();
            prop_assert!(b.contains(&moved));
            prop_assert_eq!(moved.depth(), b.depth() + 1);
            if !a.contains(&c) {
                prop_assert!(c.rebase(&a, &b).is_none());
            }
        }
    }
}
