//! Device models and the spec profiles they are checked against: the national minimum
//! (Công văn 3693/BTTTT-CNTT), whose figures the appraising department enters as data,
//! criterion by criterion, with what a model does not state counted as unknown.

use crate::devices::{DeviceKind, DevicesError};
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};

/// A device model as the supplier or donor describes it; `None` is "not stated".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceModel {
    pub kind: Option<DeviceKind>,
    pub brand: String,
    pub model: String,
    pub cpu: Option<String>,
    pub cpu_cores: Option<u32>,
    pub ram_mb: Option<u32>,
    pub storage_gb: Option<u32>,
    /// Diagonal in tenths of an inch (101 is 10.1″).
    pub screen_tenths: Option<u32>,
    pub battery_mah: Option<u32>,
    pub front_camera_mp: Option<u32>,
    pub rear_camera_mp: Option<u32>,
    pub os: Option<String>,
    pub wifi: Option<bool>,
    pub lte: Option<bool>,
    pub warranty_months: Option<u32>,
    pub unit_price: Option<crate::money::Dong>,
}

impl DeviceModel {
    /// A model can be declared when its kind, brand and model are known.
    pub fn check(&self) -> Result<DeviceKind, DomainError> {
        let invalid = |reason_vi, reason_en| {
            DomainError::Devices(DevicesError::InvalidDeviceModel {
                reason_vi,
                reason_en,
            })
        };
        let kind = self.kind.ok_or(invalid(
            "thiếu loại thiết bị (laptop, tablet hoặc desktop)",
            "the type is missing (laptop, tablet or desktop)",
        ))?;
        if self.brand.trim().is_empty() {
            return Err(invalid("thiếu hãng sản xuất", "the brand is missing"));
        }
        if self.model.trim().is_empty() {
            return Err(invalid("thiếu tên model", "the model name is missing"));
        }
        Ok(kind)
    }
}

/// The minimums for one kind of device, entered by the appraising department per
/// program; `None` or `false` is "no requirement". A sample profile (mẫu) is labelled as
/// such until replaced by the official figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecProfile {
    pub kind: DeviceKind,
    pub name: String,
    pub sample: bool,
    pub min_cpu_cores: Option<u32>,
    pub min_ram_mb: Option<u32>,
    pub min_storage_gb: Option<u32>,
    pub min_screen_tenths: Option<u32>,
    pub min_battery_mah: Option<u32>,
    pub min_front_camera_mp: Option<u32>,
    pub min_rear_camera_mp: Option<u32>,
    /// Operating systems accepted, compared folded by prefix ("android", "windows");
    /// empty: any.
    pub os_any_of: Vec<String>,
    pub wifi_required: bool,
    pub lte_required: bool,
    pub min_warranty_months: Option<u32>,
}

impl SpecProfile {
    /// A profile that requires nothing yet.
    pub fn none(kind: DeviceKind, name: &str) -> SpecProfile {
        SpecProfile {
            kind,
            name: name.into(),
            sample: false,
            min_cpu_cores: None,
            min_ram_mb: None,
            min_storage_gb: None,
            min_screen_tenths: None,
            min_battery_mah: None,
            min_front_camera_mp: None,
            min_rear_camera_mp: None,
            os_any_of: Vec::new(),
            wifi_required: false,
            lte_required: false,
            min_warranty_months: None,
        }
    }
}

/// One line of the check of a model against a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    Kind,
    CpuCores,
    Ram,
    Storage,
    Screen,
    Battery,
    FrontCamera,
    RearCamera,
    Os,
    Wifi,
    Lte,
    Warranty,
}

impl Criterion {
    pub fn code(self) -> &'static str {
        match self {
            Criterion::Kind => "kind",
            Criterion::CpuCores => "cpu_cores",
            Criterion::Ram => "ram",
            Criterion::Storage => "storage",
            Criterion::Screen => "screen",
            Criterion::Battery => "battery",
            Criterion::FrontCamera => "front_camera",
            Criterion::RearCamera => "rear_camera",
            Criterion::Os => "os",
            Criterion::Wifi => "wifi",
            Criterion::Lte => "lte",
            Criterion::Warranty => "warranty",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Criterion::Kind => lang.pick("Loại thiết bị", "Device type"),
            Criterion::CpuCores => lang.pick("Số nhân CPU", "CPU cores"),
            Criterion::Ram => lang.pick("Bộ nhớ RAM", "RAM"),
            Criterion::Storage => lang.pick("Bộ nhớ trong", "Storage"),
            Criterion::Screen => lang.pick("Màn hình", "Screen"),
            Criterion::Battery => lang.pick("Pin", "Battery"),
            Criterion::FrontCamera => lang.pick("Camera trước", "Front camera"),
            Criterion::RearCamera => lang.pick("Camera sau", "Rear camera"),
            Criterion::Os => lang.pick("Hệ điều hành", "Operating system"),
            Criterion::Wifi => "Wi-Fi",
            Criterion::Lte => "4G",
            Criterion::Warranty => lang.pick("Bảo hành", "Warranty"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// The model does not say: someone must find out before it can pass.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionCheck {
    pub criterion: Criterion,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCheck {
    /// Fail when any criterion fails; else Unknown when any is unknown; else Pass.
    pub verdict: Verdict,
    /// Every criterion the profile sets, in order.
    pub criteria: Vec<CriterionCheck>,
}

impl ModelCheck {
    pub fn failed(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.criteria
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.criterion)
    }
}

/// Checks a model against a profile, criterion by criterion.
pub fn check_model(m: &DeviceModel, p: &SpecProfile) -> ModelCheck {
    fn at_least(actual: Option<u32>, min: u32) -> Verdict {
        match actual {
            None => Verdict::Unknown,
            Some(a) if a >= min => Verdict::Pass,
            Some(_) => Verdict::Fail,
        }
    }
    fn needed(actual: Option<bool>) -> Verdict {
        match actual {
            None => Verdict::Unknown,
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail,
        }
    }
    let mut criteria = vec![CriterionCheck {
        criterion: Criterion::Kind,
        verdict: match m.kind {
            None => Verdict::Unknown,
            Some(k) if k == p.kind => Verdict::Pass,
            Some(_) => Verdict::Fail,
        },
    }];
    let mut push = |criterion, verdict| criteria.push(CriterionCheck { criterion, verdict });
    let minimums = [
        (Criterion::CpuCores, m.cpu_cores, p.min_cpu_cores),
        (Criterion::Ram, m.ram_mb, p.min_ram_mb),
        (Criterion::Storage, m.storage_gb, p.min_storage_gb),
        (Criterion::Screen, m.screen_tenths, p.min_screen_tenths),
        (Criterion::Battery, m.battery_mah, p.min_battery_mah),
        (
            Criterion::FrontCamera,
            m.front_camera_mp,
            p.min_front_camera_mp,
        ),
        (
            Criterion::RearCamera,
            m.rear_camera_mp,
            p.min_rear_camera_mp,
        ),
    ];
    for (c, actual, min) in minimums {
        if let Some(min) = min {
            push(c, at_least(actual, min));
        }
    }
    if !p.os_any_of.is_empty() {
        let verdict = match m.os.as_deref().map(text_key) {
            None => Verdict::Unknown,
            Some(os) if p.os_any_of.iter().any(|o| os.starts_with(&text_key(o))) => Verdict::Pass,
            Some(_) => Verdict::Fail,
        };
        push(Criterion::Os, verdict);
    }
    if p.wifi_required {
        push(Criterion::Wifi, needed(m.wifi));
    }
    if p.lte_required {
        push(Criterion::Lte, needed(m.lte));
    }
    if let Some(min) = p.min_warranty_months {
        push(Criterion::Warranty, at_least(m.warranty_months, min));
    }
    let verdict = if criteria.iter().any(|c| c.verdict == Verdict::Fail) {
        Verdict::Fail
    } else if criteria.iter().any(|c| c.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Pass
    };
    ModelCheck { verdict, criteria }
}

/// Lower case without spaces, for comparing operating system names.
fn text_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The sample profiles the demo seeds, one per kind, labelled as samples: the figures of
/// Công văn 3693/BTTTT-CNTT are not in our sources, so the appraising department enters
/// the official ones.
pub fn sample_profiles() -> Vec<SpecProfile> {
    let base = |kind: DeviceKind, name: &str| SpecProfile {
        sample: true,
        wifi_required: true,
        min_warranty_months: Some(12),
        ..SpecProfile::none(kind, name)
    };
    vec![
        SpecProfile {
            min_cpu_cores: Some(2),
            min_ram_mb: Some(4096),
            min_storage_gb: Some(128),
            min_screen_tenths: Some(116),
            min_front_camera_mp: Some(1),
            os_any_of: vec!["Windows".into(), "ChromeOS".into(), "Ubuntu".into()],
            ..base(DeviceKind::Laptop, "Mẫu: máy tính xách tay")
        },
        SpecProfile {
            min_cpu_cores: Some(4),
            min_ram_mb: Some(3072),
            min_storage_gb: Some(32),
            min_screen_tenths: Some(80),
            min_battery_mah: Some(5000),
            min_front_camera_mp: Some(2),
            min_rear_camera_mp: Some(5),
            os_any_of: vec!["Android".into(), "iPadOS".into()],
            ..base(DeviceKind::Tablet, "Mẫu: máy tính bảng")
        },
        SpecProfile {
            min_cpu_cores: Some(2),
            min_ram_mb: Some(4096),
            min_storage_gb: Some(128),
            min_screen_tenths: Some(185),
            os_any_of: vec!["Windows".into(), "Ubuntu".into()],
            ..base(DeviceKind::Desktop, "Mẫu: máy tính để bàn")
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tablet() -> DeviceModel {
        DeviceModel {
            kind: Some(DeviceKind::Tablet),
            brand: "Samsung".into(),
            model: "Galaxy Tab A8".into(),
            cpu: Some("Unisoc T618".into()),
            cpu_cores: Some(8),
            ram_mb: Some(4096),
            storage_gb: Some(64),
            screen_tenths: Some(105),
            battery_mah: Some(7040),
            front_camera_mp: Some(5),
            rear_camera_mp: Some(8),
            os: Some("Android 11".into()),
            wifi: Some(true),
            lte: Some(true),
            warranty_months: Some(12),
            unit_price: Some(crate::money::Dong(5_490_000)),
        }
    }

    fn tablet_profile() -> SpecProfile {
        sample_profiles()
            .into_iter()
            .find(|p| p.kind == DeviceKind::Tablet)
            .unwrap()
    }

    #[test]
    fn a_tablet_meeting_every_criterion_passes() {
        let c = check_model(&tablet(), &tablet_profile());
        assert_eq!(c.verdict, Verdict::Pass, "{c:?}");
        assert!(c.criteria.len() >= 10);
    }

    #[test]
    fn a_tablet_below_the_minimum_ram_fails_on_ram_only() {
        let m = DeviceModel {
            ram_mb: Some(2048),
            ..tablet()
        };
        let c = check_model(&m, &tablet_profile());
        assert_eq!(c.verdict, Verdict::Fail);
        assert_eq!(c.failed().collect::<Vec<_>>(), vec![Criterion::Ram]);
    }

    #[test]
    fn what_a_model_does_not_state_is_unknown_not_passed() {
        let m = DeviceModel {
            battery_mah: None,
            ..tablet()
        };
        let c = check_model(&m, &tablet_profile());
        assert_eq!(c.verdict, Verdict::Unknown);
        let laptop = DeviceModel {
            kind: Some(DeviceKind::Laptop),
            ..tablet()
        };
        assert_eq!(
            check_model(&laptop, &tablet_profile()).verdict,
            Verdict::Fail
        );
        let ios = DeviceModel {
            os: Some("Windows 10".into()),
            ..tablet()
        };
        assert_eq!(
            check_model(&ios, &tablet_profile())
                .failed()
                .collect::<Vec<_>>(),
            vec![Criterion::Os]
        );
    }
}
