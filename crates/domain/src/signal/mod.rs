//! Signal (sóng): the carriers, and a dead-zone report's way from open to covered, each
//! step dated, never backwards, never before the step it follows.

mod error;

pub use error::SignalError;

use crate::Lang;
use serde::Serialize;
use time::Date;

/// The mobile carriers asked to cover a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Viettel,
    Vnpt,
    Mobifone,
    Vietnamobile,
    Gmobile,
}

impl Carrier {
    pub const ALL: [Carrier; 5] = [
        Carrier::Viettel,
        Carrier::Vnpt,
        Carrier::Mobifone,
        Carrier::Vietnamobile,
        Carrier::Gmobile,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Carrier::Viettel => "viettel",
            Carrier::Vnpt => "vnpt",
            Carrier::Mobifone => "mobifone",
            Carrier::Vietnamobile => "vietnamobile",
            Carrier::Gmobile => "gmobile",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Carrier::Viettel => "Viettel",
            Carrier::Vnpt => "VNPT-VinaPhone",
            Carrier::Mobifone => "MobiFone",
            Carrier::Vietnamobile => "Vietnamobile",
            Carrier::Gmobile => "Gmobile",
        }
    }

    /// A code, or a name as offices write it (`VNPT`, `Vinaphone`, `mobi fone`).
    pub fn parse(s: &str) -> Option<Carrier> {
        let k: String = text_key(s);
        Some(match k.as_str() {
            "viettel" => Carrier::Viettel,
            "vnpt" | "vinaphone" | "vnptvinaphone" => Carrier::Vnpt,
            "mobifone" | "mobi" => Carrier::Mobifone,
            "vietnamobile" => Carrier::Vietnamobile,
            "gmobile" | "beeline" => Carrier::Gmobile,
            _ => return None,
        })
    }
}

fn text_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Where a dead-zone report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneStatus {
    Open,
    #[serde(rename = "sent")]
    SentToCarrier,
    #[serde(rename = "answered")]
    CarrierAnswered,
    Covered,
}

impl ZoneStatus {
    pub const ALL: [ZoneStatus; 4] = [
        ZoneStatus::Open,
        ZoneStatus::SentToCarrier,
        ZoneStatus::CarrierAnswered,
        ZoneStatus::Covered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ZoneStatus::Open => "open",
            ZoneStatus::SentToCarrier => "sent",
            ZoneStatus::CarrierAnswered => "answered",
            ZoneStatus::Covered => "covered",
        }
    }

    pub fn parse(s: &str) -> Option<ZoneStatus> {
        ZoneStatus::ALL.into_iter().find(|z| z.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ZoneStatus::Open => lang.pick("Mới ghi nhận", "Open"),
            ZoneStatus::SentToCarrier => lang.pick("Đã gửi nhà mạng", "Sent to the carrier"),
            ZoneStatus::CarrierAnswered => lang.pick("Nhà mạng đã trả lời", "Carrier answered"),
            ZoneStatus::Covered => lang.pick("Đã phủ sóng", "Covered"),
        }
    }
}

/// A report's steps so far: each status reached and the day it was reached, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSteps(Vec<(ZoneStatus, Date)>);

impl ZoneSteps {
    /// A report opened on `day`.
    pub fn opened(day: Date) -> ZoneSteps {
        ZoneSteps(vec![(ZoneStatus::Open, day)])
    }

    pub fn current(&self) -> (ZoneStatus, Date) {
        *self.0.last().expect("a report is opened first")
    }

    pub fn steps(&self) -> &[(ZoneStatus, Date)] {
        &self.0
    }

    /// Moves the report forward to `to` on `day` (a step may be skipped: a carrier that
    /// covers a zone without answering first); backwards, in place, or dated before the
    /// last step is refused, naming both.
    pub fn advance(&mut self, to: ZoneStatus, day: Date) -> Result<(), SignalError> {
        let (now, since) = self.current();
        if to <= now {
            return Err(SignalError::Backwards { from: now, to });
        }
        if day < since {
            return Err(SignalError::DateBefore {
                status: to,
                day,
                previous: now,
                since,
            });
        }
        self.0.push((to, day));
        Ok(())
    }
}

/// How a school reaches the Internet, as its office records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// No connection at all.
    None,
    /// A fixed line: ADSL or fibre.
    Fixed,
    /// Only the mobile network (3G/4G).
    #[serde(rename = "mobile")]
    MobileOnly,
}

impl Connectivity {
    pub const ALL: [Connectivity; 3] = [
        Connectivity::None,
        Connectivity::Fixed,
        Connectivity::MobileOnly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Connectivity::None => "none",
            Connectivity::Fixed => "fixed",
            Connectivity::MobileOnly => "mobile",
        }
    }

    pub fn parse(s: &str) -> Option<Connectivity> {
        Connectivity::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Connectivity::None => lang.pick("Chưa có Internet", "No Internet"),
            Connectivity::Fixed => lang.pick("ADSL hoặc cáp quang", "ADSL or fibre"),
            Connectivity::MobileOnly => lang.pick("Chỉ có 3G/4G", "3G/4G only"),
        }
    }

    /// The coarse status the units' lists filter by.
    pub fn internet_status(self) -> crate::units::InternetStatus {
        use crate::units::InternetStatus;
        match self {
            Connectivity::None => InternetStatus::None,
            Connectivity::Fixed => InternetStatus::Connected,
            Connectivity::MobileOnly => InternetStatus::Weak,
        }
    }
}

/// The signal observed in a dead zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalLevel {
    /// No signal at all (vùng lõm sóng).
    #[serde(rename = "none")]
    NoSignal,
    /// Calls only, no mobile data.
    #[serde(rename = "voice")]
    VoiceOnly,
    /// Data too weak to follow a lesson online (sóng yếu).
    Weak,
}

impl SignalLevel {
    pub const ALL: [SignalLevel; 3] = [
        SignalLevel::NoSignal,
        SignalLevel::VoiceOnly,
        SignalLevel::Weak,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SignalLevel::NoSignal => "none",
            SignalLevel::VoiceOnly => "voice",
            SignalLevel::Weak => "weak",
        }
    }

    pub fn parse(s: &str) -> Option<SignalLevel> {
        SignalLevel::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SignalLevel::NoSignal => lang.pick("Mất sóng hoàn toàn", "No signal"),
            SignalLevel::VoiceOnly => {
                lang.pick("Chỉ gọi được, không có dữ liệu", "Calls only, no data")
            }
            SignalLevel::Weak => lang.pick(
                "Sóng yếu, không học trực tuyến được",
                "Too weak for online lessons",
            ),
        }
    }
}

/// A point on the map in millionths of a degree, checked to lie in Việt Nam's box
/// (latitude 8°–23,5° N, longitude 102°–110° E; the islands further east are not a
/// commune's village).
pub fn coordinates(lat: f64, lon: f64) -> Result<(i64, i64), SignalError> {
    if !(8.0..=23.5).contains(&lat) || !(102.0..=110.0).contains(&lon) || lat.is_nan() {
        return Err(SignalError::CoordinatesOutside);
    }
    Ok(((lat * 1e6).round() as i64, (lon * 1e6).round() as i64))
}

/// A phone number as those outside the student's school see it: its first three and
/// last three digits (`091****678`).
pub fn masked_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

/// A school's connection speed in Mbit/s, when it is known: 0 to 10 000.
pub fn speed(mbps: i64) -> Result<i64, SignalError> {
    if (0..=10_000).contains(&mbps) {
        Ok(mbps)
    } else {
        Err(SignalError::SpeedOutOfRange)
    }
}

/// An online-learning platform's address: `http://` or `https://`, a host with a dot,
/// no spaces; lower-cased scheme and host, the rest as written.
pub fn platform_url(raw: &str) -> Result<String, SignalError> {
    let s = raw.trim();
    let bad = || SignalError::BadUrl {
        value: s.chars().take(80).collect(),
    };
    let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad());
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !host_ok || s.chars().any(char::is_whitespace) || s.len() > 500 {
        return Err(bad());
    }
    Ok(format!("{scheme}://{host}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AreaError;
    use time::macros::date;

    #[test]
    fn a_zone_goes_forward_with_its_dates_in_order() {
        let mut z = ZoneSteps::opened(date!(2022 - 03 - 01));
        z.advance(ZoneStatus::SentToCarrier, date!(2022 - 03 - 05))
            .unwrap();
        let e = z
            .advance(ZoneStatus::Open, date!(2022 - 03 - 06))
            .unwrap_err();
        assert!(
            e.message(Lang::Vi).contains("Đã gửi nhà mạng"),
            "{}",
            e.message(Lang::Vi)
        );
        assert!(matches!(e, SignalError::Backwards { .. }));
        let e = z
            .advance(ZoneStatus::SentToCarrier, date!(2022 - 03 - 06))
            .unwrap_err();
        assert!(matches!(e, SignalError::Backwards { .. }));
        let e = z
            .advance(ZoneStatus::CarrierAnswered, date!(2022 - 03 - 04))
            .unwrap_err();
        assert!(
            e.message(Lang::Vi).contains("04/03/2022"),
            "{}",
            e.message(Lang::Vi)
        );
        assert!(e.message(Lang::Vi).contains("05/03/2022"));
        assert_eq!(
            z.current(),
            (ZoneStatus::SentToCarrier, date!(2022 - 03 - 05))
        );
        // Covered straight after being sent: allowed, the same day too.
        z.advance(ZoneStatus::Covered, date!(2022 - 03 - 05))
            .unwrap();
        assert_eq!(z.steps().len(), 3);
        assert!(
            z.advance(ZoneStatus::Covered, date!(2022 - 04 - 01))
                .is_err()
        );
    }

    #[test]
    fn coordinates_urls_and_speeds() {
        assert_eq!(coordinates(12.0, 107.7), Ok((12_000_000, 107_700_000)));
        assert_eq!(
            coordinates(48.85, 2.35),
            Err(SignalError::CoordinatesOutside)
        );
        assert!(coordinates(f64::NAN, 107.0).is_err());
        assert_eq!(
            platform_url(" HTTPS://OLM.VN/lop-6 ").unwrap(),
            "https://olm.vn/lop-6"
        );
        for bad in [
            "olm.vn",
            "ftp://olm.vn",
            "https://olm",
            "https://o lm.vn",
            "javascript://x.y",
        ] {
            assert!(platform_url(bad).is_err(), "{bad}");
        }
        assert_eq!(masked_phone("0912345678"), "091****678");
        assert_eq!(masked_phone("12345"), "*****");
        assert_eq!(speed(30), Ok(30));
        assert!(speed(-1).is_err() && speed(10_001).is_err());
        for c in Connectivity::ALL {
            assert_eq!(Connectivity::parse(c.code()), Some(c));
        }
        for c in SignalLevel::ALL {
            assert_eq!(SignalLevel::parse(c.code()), Some(c));
        }
    }

    #[test]
    fn carriers_as_offices_write_them() {
        assert_eq!(Carrier::parse("VNPT"), Some(Carrier::Vnpt));
        assert_eq!(Carrier::parse("Vinaphone"), Some(Carrier::Vnpt));
        assert_eq!(Carrier::parse(" Mobi Fone "), Some(Carrier::Mobifone));
        assert_eq!(Carrier::parse("viettel"), Some(Carrier::Viettel));
        assert_eq!(Carrier::parse("FPT"), None);
        for c in Carrier::ALL {
            assert_eq!(Carrier::parse(c.code()), Some(c));
            assert_eq!(Carrier::parse(c.name()), Some(c));
        }
        for z in ZoneStatus::ALL {
            assert_eq!(ZoneStatus::parse(z.code()), Some(z));
        }
    }
}
