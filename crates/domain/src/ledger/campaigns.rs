//! Fundraising campaigns (đợt vận động): a drive run by the provincial Fatherland Front
//! (Ủy ban MTTQ tỉnh) or by the Department, with a target in đồng or in devices and a
//! period, and its progress read from what was actually recorded: cash gifts received
//! through the organiser's channel within the period (each posted to the ledger and not
//! reversed), pledges made within it still waiting, and devices given in kind (receipt
//! minutes) within it.
//!
//! Nothing is linked to a campaign by hand, so that progress can never disagree with the
//! ledger: a gift belongs to the campaign whose organiser's channel it came through and
//! whose period holds its date. For that to be unambiguous, two money campaigns of one
//! organiser never overlap, and two device campaigns never overlap at all (gifts in kind
//! are received by the Department whoever called for them).

use crate::ledger::LedgerError;
use crate::ledger::gifts::Channel;
use crate::money::Dong;
use crate::users::Role;
use crate::{DomainError, Lang};
use serde::{Deserialize, Serialize};
use time::Date;

/// Who runs the drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organiser {
    /// The provincial Fatherland Front: gifts through it count.
    Mttq,
    /// The Department of Education: gifts to its own account count.
    SoGddt,
}

impl Organiser {
    pub const ALL: [Organiser; 2] = [Organiser::Mttq, Organiser::SoGddt];

    pub fn code(self) -> &'static str {
        match self {
            Organiser::Mttq => "mttq",
            Organiser::SoGddt => "so_gddt",
        }
    }

    pub fn parse(s: &str) -> Option<Organiser> {
        Organiser::ALL.into_iter().find(|o| o.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Organiser::Mttq => lang.pick("Ủy ban MTTQ tỉnh", "The provincial Fatherland Front"),
            Organiser::SoGddt => lang.pick("Sở Giáo dục và Đào tạo", "The Department of Education"),
        }
    }

    /// The channel whose cash gifts count towards the organiser's money campaigns.
    pub fn channel(self) -> Channel {
        match self {
            Organiser::Mttq => Channel::Mttq,
            Organiser::SoGddt => Channel::Direct,
        }
    }

    /// Whether `role` sets up campaigns for this organiser: the Front its own, the
    /// Department (the Board, the Sở) the Department's. The same split as for gifts.
    pub fn run_by(self, role: Role) -> bool {
        self.channel().recorded_by(role)
    }
}

/// What a campaign aims at: exactly one of an amount or a number of devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Target {
    Money(Dong),
    Devices(i64),
}

impl Target {
    pub fn kind_code(self) -> &'static str {
        match self {
            Target::Money(_) => "money",
            Target::Devices(_) => "devices",
        }
    }

    pub fn value(self) -> i64 {
        match self {
            Target::Money(d) => d.0,
            Target::Devices(n) => n,
        }
    }

    pub fn of(kind: &str, value: i64) -> Option<Target> {
        match kind {
            "money" => Some(Target::Money(Dong(value))),
            "devices" => Some(Target::Devices(value)),
            _ => None,
        }
    }

    /// `2.000.000.000 đ` or `500 thiết bị`.
    pub fn display(self, lang: Lang) -> String {
        match self {
            Target::Money(d) => d.to_string(),
            Target::Devices(n) => format!(
                "{} {}",
                crate::money::group_thousands(n),
                lang.pick("thiết bị", "devices")
            ),
        }
    }
}

/// The most a campaign may aim at: ten thousand billion đồng, or a million devices (a
/// slip of three zeros is caught).
pub const MAX_MONEY_TARGET: Dong = Dong(10_000_000_000_000);
pub const MAX_DEVICE_TARGET: i64 = 1_000_000;

/// A campaign as a form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCampaign {
    pub name: String,
    pub organiser: Organiser,
    pub target: Target,
    pub starts_on: Date,
    pub ends_on: Date,
    #[serde(default)]
    pub note: Option<String>,
}

fn invalid(field: &'static str, vi: &str, en: &str) -> DomainError {
    DomainError::Ledger(LedgerError::InvalidCampaign {
        field,
        reason_vi: vi.into(),
        reason_en: en.into(),
    })
}

impl NewCampaign {
    /// The campaign with its text trimmed, or the first thing wrong with it.
    pub fn checked(&self) -> Result<NewCampaign, DomainError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(invalid(
                "name",
                "chưa nhập tên đợt vận động",
                "the campaign has no name",
            ));
        }
        if name.chars().count() > 200 {
            return Err(invalid(
                "name",
                "tên đợt vận động dài quá 200 ký tự",
                "the name is longer than 200 characters",
            ));
        }
        match self.target {
            Target::Money(d) if d.0 <= 0 => {
                return Err(invalid(
                    "target",
                    "mục tiêu phải là số nguyên đồng lớn hơn 0",
                    "the target must be a whole number of đồng above 0",
                ));
            }
            Target::Money(d) if d > MAX_MONEY_TARGET => {
                return Err(invalid(
                    "target",
                    "mục tiêu vượt 10.000 tỷ đồng: hãy kiểm tra lại",
                    "the target is above 10,000 billion đồng: check it again",
                ));
            }
            Target::Devices(n) if n <= 0 => {
                return Err(invalid(
                    "target",
                    "số thiết bị mục tiêu phải là số nguyên lớn hơn 0",
                    "the number of devices must be a whole number above 0",
                ));
            }
            Target::Devices(n) if n > MAX_DEVICE_TARGET => {
                return Err(invalid(
                    "target",
                    "số thiết bị mục tiêu vượt 1.000.000: hãy kiểm tra lại",
                    "the number of devices is above 1,000,000: check it again",
                ));
            }
            _ => {}
        }
        if self.ends_on < self.starts_on {
            return Err(invalid(
                "ends_on",
                "ngày kết thúc trước ngày bắt đầu",
                "the end date is before the start date",
            ));
        }
        if (self.ends_on - self.starts_on).whole_days() > 3 * 366 {
            return Err(invalid(
                "ends_on",
                "một đợt vận động kéo dài quá ba năm: hãy kiểm tra lại ngày",
                "a campaign longer than three years: check the dates",
            ));
        }
        let note = crate::donations::clean(&self.note);
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(invalid(
                "note",
                "ghi chú dài quá 500 ký tự",
                "the note is longer than 500 characters",
            ));
        }
        Ok(NewCampaign {
            name,
            note,
            ..self.clone()
        })
    }

    /// Whether `other` would count some of the same gifts as this one: same kind of
    /// target, periods that share a day, and for money the same organiser.
    pub fn clashes_with(&self, other: &NewCampaign) -> bool {
        let same_pool = match (self.target, other.target) {
            (Target::Money(_), Target::Money(_)) => self.organiser == other.organiser,
            (Target::Devices(_), Target::Devices(_)) => true,
            _ => false,
        };
        same_pool && self.starts_on <= other.ends_on && other.starts_on <= self.ends_on
    }
}

/// What a campaign has gathered, as the store counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Gathered {
    /// Cash received through the organiser's channel within the period, not reversed.
    pub received: Dong,
    pub gifts_received: i64,
    /// Pledges made within the period, not yet received.
    pub pledged: Dong,
    pub pledges: i64,
    /// Devices given in kind within the period, and the receipts they came with.
    pub devices: i64,
    pub receipts: i64,
    /// Distinct donors behind the gifts that count for the target.
    pub donors: i64,
}

/// How far a campaign is, against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// What counts for the target: đồng received, or devices received.
    pub reached: i64,
    /// What is promised on top (pledges waiting; none for devices).
    pub promised: i64,
    /// Reached as a share of the target, in tenths of a percent, rounded down (may pass
    /// 1000 when the target is exceeded).
    pub per_mille: i64,
    /// What is still missing (zero once reached).
    pub missing: i64,
}

impl Progress {
    pub fn of(target: Target, g: &Gathered) -> Progress {
        let (reached, promised) = match target {
            Target::Money(_) => (g.received.0, g.pledged.0),
            Target::Devices(_) => (g.devices, 0),
        };
        let goal = target.value().max(1);
        let per_mille = ((reached as i128 * 1000) / goal as i128) as i64;
        Progress {
            reached,
            promised,
            per_mille,
            missing: (goal - reached).max(0),
        }
    }

    /// `42,5%`, as Vietnamese writes it (`42.5%` in English).
    pub fn percent(&self, lang: Lang) -> String {
        let sep = lang.pick(",", ".");
        format!("{}{sep}{}%", self.per_mille / 10, self.per_mille % 10)
    }

    /// The width of a progress bar, 0 to 100.
    pub fn bar(&self) -> i64 {
        (self.per_mille / 10).clamp(0, 100)
    }
}

/// Where a campaign stands in time on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Running,
    Ended,
}

impl Phase {
    pub fn on(starts_on: Date, ends_on: Date, today: Date) -> Phase {
        if today < starts_on {
            Phase::Upcoming
        } else if today > ends_on {
            Phase::Ended
        } else {
            Phase::Running
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Phase::Upcoming => lang.pick("Sắp diễn ra", "Upcoming"),
            Phase::Running => lang.pick("Đang vận động", "Running"),
            Phase::Ended => lang.pick("Đã kết thúc", "Ended"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn money(org: Organiser, from: Date, to: Date) -> NewCampaign {
        NewCampaign {
            name: "  Đợt   vận động  ".into(),
            organiser: org,
            target: Target::Money(Dong(1_000_000_000)),
            starts_on: from,
            ends_on: to,
            note: Some("  ".into()),
        }
    }

    #[test]
    fn a_campaign_is_checked_and_trimmed() {
        let c = money(
            Organiser::Mttq,
            date!(2026 - 08 - 01),
            date!(2026 - 10 - 31),
        );
        let ok = c.checked().unwrap();
        assert_eq!(ok.name, "Đợt vận động");
        assert_eq!(ok.note, None);
        let field = |c: NewCampaign| match c.checked() {
            Err(DomainError::Ledger(LedgerError::InvalidCampaign { field, .. })) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(NewCampaign {
                name: " ".into(),
                ..c.clone()
            }),
            "name"
        );
        assert_eq!(
            field(NewCampaign {
                name: "đ".repeat(201),
                ..c.clone()
            }),
            "name"
        );
        assert!(
            NewCampaign {
                name: "đ".repeat(200),
                ..c.clone()
            }
            .checked()
            .is_ok()
        );
        for t in [
            Target::Money(Dong(0)),
            Target::Money(Dong(-5)),
            Target::Money(Dong(MAX_MONEY_TARGET.0 + 1)),
            Target::Devices(0),
            Target::Devices(MAX_DEVICE_TARGET + 1),
        ] {
            assert_eq!(
                field(NewCampaign {
                    target: t,
                    ..c.clone()
                }),
                "target",
                "{t:?}"
            );
        }
        assert_eq!(
            field(NewCampaign {
                ends_on: date!(2026 - 07 - 31),
                ..c.clone()
            }),
            "ends_on"
        );
        // A one-day campaign is a campaign.
        assert!(
            NewCampaign {
                ends_on: c.starts_on,
                ..c.clone()
            }
            .checked()
            .is_ok()
        );
        assert_eq!(
            field(NewCampaign {
                ends_on: date!(2030 - 01 - 01),
                ..c.clone()
            }),
            "ends_on"
        );
        assert_eq!(
            field(NewCampaign {
                note: Some("x".repeat(501)),
                ..c
            }),
            "note"
        );
    }

    #[test]
    fn clashes_are_the_same_pool_on_a_shared_day() {
        let a = money(
            Organiser::Mttq,
            date!(2026 - 08 - 01),
            date!(2026 - 08 - 31),
        );
        let touching = money(
            Organiser::Mttq,
            date!(2026 - 08 - 31),
            date!(2026 - 09 - 30),
        );
        let after = money(
            Organiser::Mttq,
            date!(2026 - 09 - 01),
            date!(2026 - 09 - 30),
        );
        let inside = money(
            Organiser::Mttq,
            date!(2026 - 08 - 10),
            date!(2026 - 08 - 12),
        );
        let other_org = money(
            Organiser::SoGddt,
            date!(2026 - 08 - 01),
            date!(2026 - 08 - 31),
        );
        assert!(a.clashes_with(&touching) && touching.clashes_with(&a));
        assert!(a.clashes_with(&inside) && inside.clashes_with(&a));
        assert!(!a.clashes_with(&after) && !after.clashes_with(&a));
        assert!(!a.clashes_with(&other_org));
        let devices = |org| NewCampaign {
            target: Target::Devices(100),
            ..money(org, date!(2026 - 08 - 15), date!(2026 - 09 - 15))
        };
        // A device drive never shares a period with another, whoever runs it, but may
        // run beside a money drive.
        assert!(devices(Organiser::Mttq).clashes_with(&devices(Organiser::SoGddt)));
        assert!(!devices(Organiser::Mttq).clashes_with(&a));
        assert!(!a.clashes_with(&devices(Organiser::Mttq)));
    }

    #[test]
    fn progress_against_the_target() {
        let g = Gathered {
            received: Dong(425_000_000),
            pledged: Dong(50_000_000),
            devices: 612,
            ..Gathered::default()
        };
        let p = Progress::of(Target::Money(Dong(1_000_000_000)), &g);
        assert_eq!(
            (p.reached, p.promised, p.per_mille, p.missing),
            (425_000_000, 50_000_000, 425, 575_000_000)
        );
        assert_eq!(p.percent(Lang::Vi), "42,5%");
        assert_eq!(p.percent(Lang::En), "42.5%");
        assert_eq!(p.bar(), 42);
        // Past the target: the share passes 100%, the bar stops at full, nothing missing.
        let p = Progress::of(Target::Devices(500), &g);
        assert_eq!(
            (p.reached, p.promised, p.per_mille, p.missing, p.bar()),
            (612, 0, 1224, 0, 100)
        );
        // Rounded down: 1 of 3 is 33,3%, never 33,4%.
        let p = Progress::of(Target::Devices(3), &Gathered { devices: 1, ..g });
        assert_eq!(p.percent(Lang::Vi), "33,3%");
        // Amounts near the largest target do not overflow.
        let p = Progress::of(
            Target::Money(MAX_MONEY_TARGET),
            &Gathered {
                received: MAX_MONEY_TARGET,
                ..g
            },
        );
        assert_eq!(p.per_mille, 1000);
    }

    #[test]
    fn organisers_are_run_by_their_own_roles() {
        assert!(Organiser::Mttq.run_by(Role::Mttq));
        assert!(!Organiser::Mttq.run_by(Role::SoGddt));
        assert!(Organiser::SoGddt.run_by(Role::SoGddt));
        assert!(Organiser::SoGddt.run_by(Role::BanDieuPhoi));
        assert!(!Organiser::SoGddt.run_by(Role::Mttq));
        assert!(!Organiser::SoGddt.run_by(Role::SoTaiChinh));
        assert_eq!(Organiser::parse(" mttq "), Some(Organiser::Mttq));
        assert_eq!(Organiser::parse("ubnd"), None);
    }

    #[test]
    fn phases() {
        let (a, b) = (date!(2026 - 08 - 01), date!(2026 - 08 - 31));
        assert_eq!(Phase::on(a, b, date!(2026 - 07 - 31)), Phase::Upcoming);
        assert_eq!(Phase::on(a, b, a), Phase::Running);
        assert_eq!(Phase::on(a, b, b), Phase::Running);
        assert_eq!(Phase::on(a, b, date!(2026 - 09 - 01)), Phase::Ended);
    }
}
