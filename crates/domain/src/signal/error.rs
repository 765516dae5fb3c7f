//! What the signal area refuses, and how each refusal is said.

use super::ZoneStatus;
use crate::error::AreaError;
use crate::{ErrorKind, Lang};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalError {
    /// A report moved to where it already is, or back.
    Backwards { from: ZoneStatus, to: ZoneStatus },
    /// A step dated before the step it follows.
    DateBefore {
        status: ZoneStatus,
        day: Date,
        previous: ZoneStatus,
        since: Date,
    },
    /// A dead zone's coordinates outside Việt Nam.
    CoordinatesOutside,
    /// A school's speed outside 0 to 10 000 Mbit/s.
    SpeedOutOfRange,
    /// A platform's address that is not a web address.
    BadUrl { value: String },
    /// A platform recommended without the decision that recommends it.
    DecisionRequired,
    /// A required field left empty: a zone's commune or carriers, a platform's name, a
    /// SIM's carrier, package or number.
    Missing { field: &'static str },
    /// A SIM's end date before its start.
    SimDates,
    /// A SIM for a student who holds no device: a SIM goes with its device.
    SimWithoutDevice,
    /// A SIM number already given to another student.
    SimTaken,
    /// A platform whose address another platform has.
    PlatformExists { url: String },
}

impl AreaError for SignalError {
    fn code(&self) -> &'static str {
        match self {
            SignalError::Backwards { .. } => "zone_status_backwards",
            SignalError::DateBefore { .. } => "zone_date_before",
            SignalError::CoordinatesOutside => "zone_coordinates",
            SignalError::SpeedOutOfRange => "connectivity_speed",
            SignalError::BadUrl { .. } => "platform_url",
            SignalError::DecisionRequired => "platform_decision",
            SignalError::Missing { .. } => "signal_missing",
            SignalError::SimDates => "sim_dates",
            SignalError::SimWithoutDevice => "sim_without_device",
            SignalError::SimTaken => "sim_taken",
            SignalError::PlatformExists { .. } => "platform_exists",
        }
    }

    fn field(&self) -> Option<&'static str> {
        Some(match self {
            SignalError::Backwards { .. } => "status",
            SignalError::DateBefore { .. } => "date",
            SignalError::CoordinatesOutside => "latitude",
            SignalError::SpeedOutOfRange => "speed",
            SignalError::BadUrl { .. } => "url",
            SignalError::DecisionRequired => "decision_no",
            SignalError::Missing { field } => field,
            SignalError::SimDates => "ends_on",
            SignalError::SimWithoutDevice => "student",
            SignalError::SimTaken => "phone",
            SignalError::PlatformExists { .. } => "url",
        })
    }

    fn kind(&self) -> ErrorKind {
        match self {
            SignalError::Backwards { .. }
            | SignalError::SimTaken
            | SignalError::PlatformExists { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let d = crate::dates::format_date;
        match (self, lang) {
            (SignalError::CoordinatesOutside, _) => lang
                .pick(
                    "Tọa độ không nằm trong Việt Nam: vĩ độ từ 8 đến 23,5, kinh độ từ 102 đến 110 (ví dụ 12,0046 và 107,6873).",
                    "The coordinates are not in Việt Nam: latitude 8 to 23.5, longitude 102 to 110 (for example 12.0046 and 107.6873).",
                )
                .to_string(),
            (SignalError::SpeedOutOfRange, _) => lang
                .pick(
                    "Tốc độ ghi bằng Mbit/s, từ 0 đến 10.000.",
                    "The speed is in Mbit/s, from 0 to 10,000.",
                )
                .to_string(),
            (SignalError::BadUrl { value }, Lang::Vi) => format!(
                "“{value}” không phải địa chỉ trang web: ghi đầy đủ, ví dụ https://olm.vn."
            ),
            (SignalError::BadUrl { value }, Lang::En) => format!(
                "“{value}” is not a web address: write it in full, for example https://olm.vn."
            ),
            (SignalError::DecisionRequired, _) => lang
                .pick(
                    "Nền tảng được khuyến nghị cần số và ngày của văn bản khuyến nghị.",
                    "A recommended platform needs the number and date of the decision that recommends it.",
                )
                .to_string(),
            (SignalError::Missing { field }, _) => match *field {
                "carriers" => lang.pick(
                    "Chọn ít nhất một nhà mạng ở vùng lõm sóng.",
                    "Choose at least one carrier in the zone.",
                ),
                "name" => lang.pick("Ghi tên nền tảng.", "Write the platform's name."),
                "carrier" => lang.pick("Chọn nhà mạng của SIM.", "Choose the SIM's carrier."),
                "package" => lang.pick("Ghi tên gói cước.", "Write the package's name."),
                "phone" => lang.pick("Ghi số thuê bao của SIM.", "Write the SIM's number."),
                _ => lang.pick(
                    "Ghi tên xã (phường, thị trấn) của vùng lõm sóng.",
                    "Write the commune of the dead zone.",
                ),
            }
            .to_string(),
            (SignalError::SimDates, _) => lang
                .pick(
                    "Ngày hết hạn gói cước trước ngày bắt đầu: hãy kiểm tra lại ngày.",
                    "The package ends before it starts: check the dates.",
                )
                .to_string(),
            (SignalError::SimWithoutDevice, _) => lang
                .pick(
                    "Học sinh chưa nhận thiết bị: SIM dữ liệu đi kèm thiết bị, hãy bàn giao thiết bị trước.",
                    "The student holds no device: a data SIM goes with its device, hand the device over first.",
                )
                .to_string(),
            (SignalError::PlatformExists { url }, Lang::Vi) => {
                format!("Đã có nền tảng với địa chỉ {url}: hãy sửa nền tảng đó.")
            }
            (SignalError::PlatformExists { url }, Lang::En) => {
                format!("A platform with the address {url} exists: edit that one.")
            }
            (SignalError::SimTaken, _) => lang
                .pick(
                    "Số thuê bao này đã ghi cho một học sinh khác.",
                    "This phone number is already recorded for another student.",
                )
                .to_string(),
            (SignalError::Backwards { from, to }, Lang::Vi) => format!(
                "Vùng lõm sóng đang ở bước “{}”: không chuyển về “{}”; chỉ chuyển sang bước sau.",
                from.label(Lang::Vi),
                to.label(Lang::Vi)
            ),
            (SignalError::Backwards { from, to }, Lang::En) => format!(
                "The dead zone is at “{}”: it cannot go to “{}”; only to a later step.",
                from.label(Lang::En),
                to.label(Lang::En)
            ),
            (
                SignalError::DateBefore {
                    status,
                    day,
                    previous,
                    since,
                },
                Lang::Vi,
            ) => format!(
                "Ngày “{}” {} trước ngày của bước “{}” ({}): hãy kiểm tra lại ngày.",
                status.label(Lang::Vi),
                d(*day),
                previous.label(Lang::Vi),
                d(*since)
            ),
            (
                SignalError::DateBefore {
                    status,
                    day,
                    previous,
                    since,
                },
                Lang::En,
            ) => format!(
                "The day of “{}”, {}, is before that of “{}” ({}): check the date.",
                status.label(Lang::En),
                d(*day),
                previous.label(Lang::En),
                d(*since)
            ),
        }
    }
}

impl From<SignalError> for crate::DomainError {
    fn from(e: SignalError) -> Self {
        crate::DomainError::Signal(e)
    }
}
