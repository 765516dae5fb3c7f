//! Users: roles and the units each role belongs to, usernames, password policy and the
//! back-off after failed logins.

mod error;
pub use error::UsersError;

use crate::dates::Millis;
use crate::units::{Agency, UnitKind};
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a user does in the program. The permissions of each role are in [`crate::authz`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum Role {
    Admin,
    SoGddt,
    BanDieuPhoi,
    PhongGddt,
    Truong,
    SoTttt,
    SoTaiChinh,
    Mttq,
    UbndTinh,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::SoGddt,
        Role::BanDieuPhoi,
        Role::PhongGddt,
        Role::Truong,
        Role::SoTttt,
        Role::SoTaiChinh,
        Role::Mttq,
        Role::UbndTinh,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::SoGddt => "so_gddt",
            Role::BanDieuPhoi => "ban_dieu_phoi",
            Role::PhongGddt => "phong_gddt",
            Role::Truong => "truong",
            Role::SoTttt => "so_tttt",
            Role::SoTaiChinh => "so_tai_chinh",
            Role::Mttq => "mttq",
            Role::UbndTinh => "ubnd_tinh",
        }
    }

    pub fn parse(s: &str) -> Result<Role, DomainError> {
        let t = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                DomainError::Users(UsersError::UnknownRole {
                    value: t.chars().take(40).collect(),
                })
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("Quản trị hệ thống", "System administrator"),
            Role::SoGddt => lang.pick("Sở Giáo dục và Đào tạo", "Department of Education"),
            Role::BanDieuPhoi => {
                lang.pick("Ban Tiếp nhận, điều phối", "Reception & Coordination Board")
            }
            Role::PhongGddt => lang.pick("Phòng Giáo dục và Đào tạo", "District education office"),
            Role::Truong => lang.pick("Trường học", "School"),
            Role::SoTttt => lang.pick(
                "Sở Thông tin và Truyền thông",
                "Department of Information and Communications",
            ),
            Role::SoTaiChinh => lang.pick("Sở Tài chính", "Department of Finance"),
            Role::Mttq => lang.pick("Ủy ban MTTQ Việt Nam tỉnh", "Fatherland Front"),
            Role::UbndTinh => lang.pick("Lãnh đạo UBND tỉnh", "Provincial leadership"),
        }
    }

    /// Whether a user of this role may belong to a unit of this kind (and agency).
    pub fn fits_unit(self, kind: UnitKind, agency: Option<Agency>) -> bool {
        use UnitKind::*;
        match self {
            Role::Admin => true,
            Role::SoGddt | Role::BanDieuPhoi => {
                kind == Department && agency == Some(Agency::SoGddt)
            }
            Role::PhongGddt => matches!(kind, District | Commune),
            Role::Truong => kind == School,
            Role::SoTttt => kind == Department && agency == Some(Agency::SoTttt),
            Role::SoTaiChinh => kind == Department && agency == Some(Agency::SoTaiChinh),
            Role::Mttq => kind == Department && agency == Some(Agency::Mttq),
            Role::UbndTinh => {
                kind == Province || (kind == Department && agency == Some(Agency::UbndTinh))
            }
        }
    }

    pub fn check_unit(self, kind: UnitKind, agency: Option<Agency>) -> Result<(), DomainError> {
        if self.fits_unit(kind, agency) {
            Ok(())
        } else {
            Err(DomainError::Users(UsersError::RoleUnitMismatch {
                role: self,
                kind,
            }))
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A login name: 3 to 64 characters, lower-case ASCII letters, digits, `.`, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, DomainError> {
        let t = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&t.len())
            && t.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && t.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(t))
        } else {
            Err(DomainError::Users(UsersError::InvalidUsername))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name, trimmed, 1 to 200 characters, no control characters.
pub fn parse_full_name(s: &str) -> Result<String, DomainError> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() || t.chars().count() > 200 || t.chars().any(char::is_control) {
        Err(DomainError::Users(UsersError::InvalidFullName))
    } else {
        Ok(t)
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 256;

/// A new password: at least [`MIN_PASSWORD_LEN`] characters, not the username, not one
/// character repeated, and not bounded so long that hashing it becomes a denial of service.
pub fn check_new_password(password: &str, username: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(DomainError::Users(UsersError::WeakPassword {
            min_len: MIN_PASSWORD_LEN,
        }));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(DomainError::Users(UsersError::PasswordTooLong {
            max_len: MAX_PASSWORD_LEN,
        }));
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) || password.eq_ignore_ascii_case(username) {
        return Err(DomainError::Users(UsersError::WeakPassword {
            min_len: MIN_PASSWORD_LEN,
        }));
    }
    Ok(())
}

/// Failed logins allowed before the account starts to wait.
pub const FREE_FAILED_LOGINS: u32 = 5;
const FIRST_WAIT_SECS: i64 = 30;
const MAX_WAIT_SECS: i64 = 15 * 60;

/// After `failed` consecutive failures, how long the account must wait before the next
/// attempt counts: nothing for the first few, then 30 s doubling up to 15 minutes.
/// Back-off rather than a hard lock, so an attacker cannot lock an official out for a day.
pub fn login_backoff_millis(failed: u32) -> Option<Millis> {
    if failed < FREE_FAILED_LOGINS {
        return None;
    }
    let doublings = (failed - FREE_FAILED_LOGINS).min(20);
    let secs = FIRST_WAIT_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_WAIT_SECS);
    Some(secs * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_role_has_a_unit_it_fits() {
        for role in Role::ALL {
            let fits = UnitKind::ALL.iter().any(|k| {
                role.fits_unit(*k, None) || Agency::ALL.iter().any(|a| role.fits_unit(*k, Some(*a)))
            });
            assert!(fits, "{role}");
            assert_eq!(Role::parse(role.code()).unwrap(), role);
        }
    }

    #[test]
    fn schools_hold_school_users_only() {
        assert!(Role::Truong.fits_unit(UnitKind::School, None));
        assert!(!Role::Truong.fits_unit(UnitKind::District, None));
        assert!(!Role::PhongGddt.fits_unit(UnitKind::School, None));
        assert!(Role::SoGddt.fits_unit(UnitKind::Department, Some(Agency::SoGddt)));
        assert!(!Role::SoGddt.fits_unit(UnitKind::Department, Some(Agency::SoTttt)));
    }

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(
            Username::parse(" Truong_67663001 ").unwrap().as_str(),
            "truong_67663001"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("nguyễn").is_err());
        assert!(Username::parse("-admin").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn password_policy() {
        assert!(check_new_password("short", "u").is_err());
        assert!(check_new_password("aaaaaaaaaaaa", "u").is_err());
        assert!(check_new_password("phonggddt1", "phonggddt1").is_err());
        assert!(check_new_password(&"x1".repeat(200), "u").is_err());
        assert!(check_new_password("sóng và máy tính", "u").is_ok());
    }

    #[test]
    fn full_names_collapse_spaces() {
        assert_eq!(
            parse_full_name("  Nguyễn   Văn  A ").unwrap(),
            "Nguyễn Văn A"
        );
        assert!(parse_full_name("   ").is_err());
        assert!(parse_full_name("a\u{0}b").is_err());
    }

    proptest! {
        #[test]
        fn backoff_is_monotone_and_capped(n in 0u32..1000) {
            let a = login_backoff_millis(n).unwrap_or(0);
            let b = login_backoff_millis(n + 1).unwrap_or(0);
            prop_assert!(a <= b);
            prop_assert!(b <= MAX_WAIT_SECS * 1000);
            prop_assert_eq!(login_backoff_millis(n).is_some(), n >= FREE_FAILED_LOGINS);
        }
    }
}
