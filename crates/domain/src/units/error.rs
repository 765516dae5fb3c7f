//! What the units' rules refuse (codes, levels, parents, communes), and how each refusal is said.

use crate::error::AreaError;
use crate::units::UnitKind;
use crate::{DomainError, ErrorKind, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitsError {
    InvalidUnitCode {
        value: String,
    },
    InvalidUnitKind {
        value: String,
    },
    InvalidAgency {
        value: String,
    },
    InvalidSchoolLevel {
        value: String,
    },
    InvalidInternetStatus {
        value: String,
    },
    InvalidUnitName,
    /// A unit of this kind cannot sit under that parent (`None`: as a root).
    InvalidParent {
        child: UnitKind,
        parent: Option<UnitKind>,
    },
    /// Moving a unit under itself or one of its descendants.
    UnitCycle {
        code: String,
    },
    UnknownUnit {
        code: String,
    },
    /// A school's commune names no commune (by code or name).
    UnknownCommune {
        value: String,
    },
    /// A school's commune name matches several communes: the code is needed.
    AmbiguousCommune {
        value: String,
    },
    DuplicateUnitCode {
        code: String,
    },
}

impl AreaError for UnitsError {
    fn code(&self) -> &'static str {
        use UnitsError::*;
        match self {
            InvalidUnitCode { .. } => "invalid_unit_code",
            InvalidUnitKind { .. } => "invalid_unit_kind",
            InvalidAgency { .. } => "invalid_agency",
            InvalidSchoolLevel { .. } => "invalid_school_level",
            InvalidInternetStatus { .. } => "invalid_internet_status",
            InvalidUnitName => "invalid_unit_name",
            InvalidParent { .. } => "invalid_parent",
            UnitCycle { .. } => "unit_cycle",
            UnknownUnit { .. } => "unknown_unit",
            UnknownCommune { .. } => "unknown_commune",
            AmbiguousCommune { .. } => "ambiguous_commune",
            DuplicateUnitCode { .. } => "duplicate_unit_code",
        }
    }

    /// The form field this error belongs next to, when it is about one.
    fn field(&self) -> Option<&'static str> {
        use UnitsError::*;
        Some(match self {
            InvalidUnitCode { .. } | DuplicateUnitCode { .. } => "code",
            InvalidUnitKind { .. } => "kind",
            InvalidAgency { .. } => "agency",
            InvalidSchoolLevel { .. } => "school_level",
            InvalidInternetStatus { .. } => "internet",
            InvalidUnitName => "name",
            InvalidParent { .. } | UnitCycle { .. } => "parent",
            UnknownUnit { .. } => "unit",
            UnknownCommune { .. } | AmbiguousCommune { .. } => "commune",
        })
    }

    fn kind(&self) -> ErrorKind {
        use UnitsError::*;
        match self {
            UnknownUnit { .. } => ErrorKind::NotFound,
            DuplicateUnitCode { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use UnitsError::*;
        let vi = lang == Lang::Vi;
        match self {
            InvalidUnitCode { value } => {
                if vi {
                    format!(
                        "Mã đơn vị \"{value}\" không hợp lệ: chỉ dùng chữ không dấu, số, '-', '_' hoặc '.', tối đa 64 ký tự."
                    )
                } else {
                    format!(
                        "Unit code \"{value}\" is invalid: use unaccented letters, digits, '-', '_' or '.', at most 64 characters."
                    )
                }
            }
            InvalidUnitKind { value } => {
                if vi {
                    format!("Cấp đơn vị \"{value}\" không hợp lệ (tỉnh, sở, huyện, xã, trường).")
                } else {
                    format!(
                        "Unit level \"{value}\" is invalid (province, department, district, commune, school)."
                    )
                }
            }
            InvalidAgency { value } => {
                if vi {
                    format!(
                        "Cơ quan \"{value}\" không hợp lệ (so_gddt, so_tttt, so_tai_chinh, mttq, ubnd_tinh, other)."
                    )
                } else {
                    format!(
                        "Agency \"{value}\" is invalid (so_gddt, so_tttt, so_tai_chinh, mttq, ubnd_tinh, other)."
                    )
                }
            }
            InvalidSchoolLevel { value } => {
                if vi {
                    format!(
                        "Cấp học \"{value}\" không hợp lệ (Tiểu học, THCS, THPT, TH và THCS, THCS và THPT, GDNN-GDTX, Khác)."
                    )
                } else {
                    format!("School level \"{value}\" is invalid.")
                }
            }
            InvalidInternetStatus { value } => {
                if vi {
                    format!(
                        "Tình trạng Internet \"{value}\" không hợp lệ (Có, Yếu, Không, Chưa rõ)."
                    )
                } else {
                    format!(
                        "Internet status \"{value}\" is invalid (connected, weak, none, unknown)."
                    )
                }
            }
            InvalidUnitName => lang
                .pick(
                    "Tên đơn vị không được để trống và tối đa 200 ký tự.",
                    "The unit name must be 1 to 200 characters.",
                )
                .into(),
            InvalidParent { child, parent } => match parent {
                Some(p) => {
                    if vi {
                        format!(
                            "Đơn vị cấp \"{}\" không thể trực thuộc đơn vị cấp \"{}\".",
                            child.label(lang),
                            p.label(lang)
                        )
                    } else {
                        format!(
                            "A unit of level \"{}\" cannot sit under a unit of level \"{}\".",
                            child.label(lang),
                            p.label(lang)
                        )
                    }
                }
                None => {
                    if vi {
                        format!(
                            "Đơn vị cấp \"{}\" phải có đơn vị cấp trên.",
                            child.label(lang)
                        )
                    } else {
                        format!(
                            "A unit of level \"{}\" needs a parent unit.",
                            child.label(lang)
                        )
                    }
                }
            },
            UnitCycle { code } => {
                if vi {
                    format!(
                        "Không thể chuyển đơn vị \"{code}\" vào chính nó hoặc đơn vị cấp dưới của nó."
                    )
                } else {
                    format!("Unit \"{code}\" cannot be moved under itself or one of its own units.")
                }
            }
            UnknownUnit { code } => {
                if vi {
                    format!("Không tìm thấy đơn vị có mã \"{code}\".")
                } else {
                    format!("No unit has the code \"{code}\".")
                }
            }
            UnknownCommune { value } => {
                if vi {
                    format!("Không tìm thấy xã/phường \"{value}\" (ghi mã hoặc đúng tên xã).")
                } else {
                    format!("No commune matches \"{value}\" (give its code or exact name).")
                }
            }
            AmbiguousCommune { value } => {
                if vi {
                    format!("Có nhiều xã/phường tên \"{value}\": hãy ghi mã xã.")
                } else {
                    format!("Several communes are named \"{value}\": give the commune's code.")
                }
            }
            DuplicateUnitCode { code } => {
                if vi {
                    format!("Mã đơn vị \"{code}\" đã được dùng.")
                } else {
                    format!("Unit code \"{code}\" is already used.")
                }
            }
        }
    }
}

impl From<UnitsError> for DomainError {
    fn from(e: UnitsError) -> Self {
        DomainError::Units(e)
    }
}
