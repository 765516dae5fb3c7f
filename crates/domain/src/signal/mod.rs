//! Signal (sóng): the carriers, and a dead-zone report's way from open to covered, each
//! step dated, never backwards, never before the step it follows.

mod error;

pub use error::SignalError;

use crate::Lang;
use time::Date;

/// The mobile carriers asked to cover a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ZoneStatus {
    Open,
    SentToCarrier,
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
