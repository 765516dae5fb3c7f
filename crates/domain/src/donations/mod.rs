//! Devices given in kind: donors and donations received by the Board with numbered
//! receipt minutes (biên bản tiếp nhận).

mod error;
pub use error::DonationsError;

use crate::DomainError;
use crate::Lang;
use crate::money::Dong;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    Organisation,
    Person,
}

impl DonorKind {
    pub fn code(self) -> &'static str {
        match self {
            DonorKind::Organisation => "organisation",
            DonorKind::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<DonorKind> {
        match s.trim() {
            "organisation" | "organization" | "to_chuc" => Some(DonorKind::Organisation),
            "person" | "ca_nhan" => Some(DonorKind::Person),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DonorKind::Organisation => lang.pick("Tổ chức", "Organisation"),
            DonorKind::Person => lang.pick("Cá nhân", "Person"),
        }
    }
}

/// What a donor asked their gift to be used for; allocation must respect it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earmark {
    /// A district office or a school (by unit id).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// A tier rank (1 poor, 2 near-poor, 3 orphaned by Covid-19).
    #[serde(default)]
    pub tier: Option<u8>,
}

impl Earmark {
    pub fn is_empty(&self) -> bool {
        self.unit_id.is_none() && self.tier.is_none()
    }
}

/// An organisation or a person who gives money or devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Donor {
    pub kind: DonorKind,
    pub name: String,
    /// The person to talk to at an organisation.
    #[serde(default)]
    pub contact_person: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// An organisation's tax code or a person's identity number.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Whether the name may be shown to the public; otherwise "Nhà hảo tâm".
    #[serde(default)]
    pub publish_name: bool,
    #[serde(default)]
    pub earmark: Earmark,
}

fn invalid_donor(field: &'static str, vi: &str, en: &str) -> DomainError {
    DomainError::Donations(DonationsError::InvalidDonor {
        field,
        reason_vi: vi.to_string(),
        reason_en: en.to_string(),
    })
}

/// Trims a free-text value; an empty one is absent.
pub fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Donor {
    /// The donor with its text trimmed, or why it cannot be recorded.
    pub fn checked(&self) -> Result<Donor, DomainError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(invalid_donor(
                "name",
                "thiếu tên nhà tài trợ",
                "the donor's name is missing",
            ));
        }
        if name.chars().count() > 200 {
            return Err(invalid_donor(
                "name",
                "tên dài quá 200 ký tự",
                "the name is longer than 200 characters",
            ));
        }
        let tax_code = clean(&self.tax_code);
        if let Some(t) = &tax_code {
            let digits: String = t.chars().filter(|c| *c != '-').collect();
            let ok = digits.bytes().all(|b| b.is_ascii_digit())
                && match self.kind {
                    // Mã số thuế: 10 digits, or 10 + "-" + 3 for a branch.
                    DonorKind::Organisation => {
                        digits.len() == 10
                            || (digits.len() == 13 && t.len() == 14 && t.as_bytes()[10] == b'-')
                    }
                    // Old identity card (9), citizen identity (12), or a personal tax code (10).
                    DonorKind::Person => matches!(digits.len(), 9 | 10 | 12) && !t.contains('-'),
                };
            if !ok {
                return Err(match self.kind {
                    DonorKind::Organisation => invalid_donor(
                        "tax_code",
                        "mã số thuế cần 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số của chi nhánh",
                        "a tax code has 10 digits, or 10 digits, '-' and a 3-digit branch",
                    ),
                    DonorKind::Person => invalid_donor(
                        "tax_code",
                        "số CMND/CCCD hoặc mã số thuế cá nhân cần 9, 10 hoặc 12 chữ số",
                        "an identity or personal tax number has 9, 10 or 12 digits",
                    ),
                });
            }
        }
        let phone = clean(&self.phone);
        if let Some(p) = &phone {
            let digits: String = p
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
                .collect();
            let digits = digits.strip_prefix('+').unwrap_or(&digits);
            if !(digits.bytes().all(|b| b.is_ascii_digit()) && (9..=12).contains(&digits.len())) {
                return Err(invalid_donor(
                    "phone",
                    "số điện thoại cần 9 đến 12 chữ số",
                    "a phone number has 9 to 12 digits",
                ));
            }
        }
        let email = clean(&self.email);
        if let Some(e) = &email {
            let ok = e
                .split_once('@')
                .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'))
                && !e.contains(char::is_whitespace);
            if !ok {
                return Err(invalid_donor(
                    "email",
                    "địa chỉ thư điện tử không hợp lệ",
                    "the e-mail address is not valid",
                ));
            }
        }
        if let Some(t) = self.earmark.tier
            && !(1..=9).contains(&t)
        {
            return Err(invalid_donor(
                "earmark_tier",
                "đối tượng ưu tiên không có trong chương trình",
                "the program has no such tier",
            ));
        }
        Ok(Donor {
            kind: self.kind,
            name,
            contact_person: clean(&self.contact_person),
            phone,
            email,
            address: clean(&self.address),
            tax_code,
            publish_name: self.publish_name,
            earmark: self.earmark.clone(),
        })
    }

    /// The name the public side may show.
    pub fn public_name(&self, lang: Lang) -> String {
        if self.publish_name {
            self.name.clone()
        } else {
            lang.pick("Nhà hảo tâm (giấu tên)", "Anonymous donor")
                .to_string()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    New,
    Used,
}

impl Condition {
    pub fn code(self) -> &'static str {
        match self {
            Condition::New => "new",
            Condition::Used => "used",
        }
    }

    pub fn parse(s: &str) -> Option<Condition> {
        match s.trim() {
            "new" | "moi" | "mới" => Some(Condition::New),
            "used" | "cu" | "cũ" => Some(Condition::Used),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Condition::New => lang.pick("Mới", "New"),
            Condition::Used => lang.pick("Đã qua sử dụng", "Used"),
        }
    }
}

/// One serial as the donor's list or the receipt gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSerial {
    pub serial: String,
    #[serde(default)]
    pub imei: Option<String>,
}

/// One line of a donation: so many devices of one model, in one condition, at one
/// declared value each, with their serial numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonationItem {
    pub model_id: i64,
    pub quantity: u32,
    pub condition: Condition,
    /// Declared value of one device, in đồng.
    pub unit_value: Dong,
    pub serials: Vec<ItemSerial>,
}

impl DonationItem {
    pub fn value(&self) -> Option<Dong> {
        self.unit_value
            .0
            .checked_mul(i64::from(self.quantity))
            .map(Dong)
    }
}

/// A person signing for a party.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub name: String,
    #[serde(default)]
    pub position: Option<String>,
}

/// A receipt of devices by the Board, as its minutes record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Donation {
    pub donor_id: i64,
    /// The minutes' number, "12/BB-BTNĐP".
    pub minutes_no: String,
    pub received_on: Date,
    /// Where the devices were handed over.
    pub place: String,
    pub donor_rep: Signatory,
    pub board_rep: Signatory,
    #[serde(default)]
    pub note: Option<String>,
    pub items: Vec<DonationItem>,
}

fn invalid_donation(field: &'static str, vi: String, en: String) -> DomainError {
    DomainError::Donations(DonationsError::InvalidDonation {
        field,
        reason_vi: vi,
        reason_en: en,
    })
}

/// At most this many lines in one receipt and devices in one line.
pub const MAX_ITEMS: usize = 200;
pub const MAX_QUANTITY: u32 = 100_000;

impl Donation {
    /// The donation with its text trimmed, or the first reason it cannot be recorded.
    /// Serials themselves (format, IMEI, duplicates) are checked against the registry.
    pub fn checked(&self, today: Date) -> Result<Donation, DomainError> {
        let minutes_no = self.minutes_no.trim().to_string();
        if minutes_no.is_empty() || minutes_no.chars().count() > 60 {
            return Err(invalid_donation(
                "minutes_no",
                "thiếu số biên bản tiếp nhận (ví dụ 12/BB-BTNĐP)".into(),
                "the receipt minutes number is missing (e.g. 12/BB-BTNĐP)".into(),
            ));
        }
        if self.received_on > today {
            return Err(invalid_donation(
                "received_on",
                "ngày tiếp nhận ở tương lai".into(),
                "the date of receipt is in the future".into(),
            ));
        }
        let place = self.place.trim().to_string();
        if place.is_empty() {
            return Err(invalid_donation(
                "place",
                "thiếu địa điểm tiếp nhận".into(),
                "the place of receipt is missing".into(),
            ));
        }
        let sig = |s: &Signatory, field: &'static str, who_vi: &str, who_en: &str| {
            let name = s.name.trim().to_string();
            if name.is_empty() {
                return Err(invalid_donation(
                    field,
                    format!("thiếu họ tên người đại diện {who_vi}"),
                    format!("the name of the {who_en}'s representative is missing"),
                ));
            }
            Ok(Signatory {
                name,
                position: clean(&s.position),
            })
        };
        let donor_rep = sig(&self.donor_rep, "donor_rep", "bên giao", "giver")?;
        let board_rep = sig(&self.board_rep, "board_rep", "bên nhận", "receiver")?;
        if self.items.is_empty() {
            return Err(invalid_donation(
                "items",
                "biên bản chưa có thiết bị nào".into(),
                "the minutes list no devices".into(),
            ));
        }
        if self.items.len() > MAX_ITEMS {
            return Err(invalid_donation(
                "items",
                format!("một biên bản có tối đa {MAX_ITEMS} dòng thiết bị"),
                format!("one receipt has at most {MAX_ITEMS} lines"),
            ));
        }
        let mut total = Dong::ZERO;
        for (i, item) in self.items.iter().enumerate() {
            let n = i + 1;
            if item.quantity == 0 || item.quantity > MAX_QUANTITY {
                return Err(invalid_donation(
                    "items",
                    format!("dòng {n}: số lượng phải từ 1 đến {MAX_QUANTITY}"),
                    format!("line {n}: the quantity must be 1 to {MAX_QUANTITY}"),
                ));
            }
            if item.unit_value.0 < 0 {
                return Err(invalid_donation(
                    "items",
                    format!("dòng {n}: giá trị không được âm"),
                    format!("line {n}: the value cannot be negative"),
                ));
            }
            // The serials come with the minutes, or are all scanned at intake.
            if !item.serials.is_empty() && item.serials.len() != item.quantity as usize {
                return Err(invalid_donation(
                    "items",
                    format!(
                        "dòng {n}: số lượng {} nhưng có {} số sê-ri; ghi đủ số sê-ri của mọi thiết bị, hoặc để trống để quét khi nhập kho",
                        item.quantity,
                        item.serials.len()
                    ),
                    format!(
                        "line {n}: quantity {} but {} serial numbers; write every device's serial, or none to scan them at intake",
                        item.quantity,
                        item.serials.len()
                    ),
                ));
            }
            total = item
                .value()
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| {
                    invalid_donation(
                        "items",
                        format!("dòng {n}: tổng giá trị quá lớn"),
                        format!("line {n}: the total value is too large"),
                    )
                })?;
        }
        Ok(Donation {
            donor_id: self.donor_id,
            minutes_no,
            received_on: self.received_on,
            place,
            donor_rep,
            board_rep,
            note: clean(&self.note),
            items: self.items.clone(),
        })
    }

    /// The declared value of everything received.
    pub fn total_value(&self) -> Option<Dong> {
        self.items
            .iter()
            .try_fold(Dong::ZERO, |sum, i| sum.checked_add(i.value()?))
    }

    /// Where the devices of this donation come from, as the registry records it.
    pub fn source(&self) -> String {
        source_of_minutes(&self.minutes_no)
    }
}

/// The registry's source reference for a receipt.
pub fn source_of_minutes(minutes_no: &str) -> String {
    format!("donation:{}", minutes_no.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn donor() -> Donor {
        Donor {
            kind: DonorKind::Organisation,
            name: "  Công ty CP Viễn thông Á Châu ".into(),
            contact_person: Some("".into()),
            phone: Some("0261 3544 123".into()),
            email: Some("lienhe@achau.vn".into()),
            address: None,
            tax_code: Some("6400123456".into()),
            publish_name: true,
            earmark: Earmark::default(),
        }
    }

    fn donation() -> Donation {
        Donation {
            donor_id: 1,
            minutes_no: " 12/BB-BTNĐP ".into(),
            received_on: date!(2022 - 03 - 12),
            place: "Sở GD&ĐT Đắk Nông".into(),
            donor_rep: Signatory {
                name: "Trần Văn Bình".into(),
                position: Some("Giám đốc".into()),
            },
            board_rep: Signatory {
                name: "Lê Thị Hoa".into(),
                position: None,
            },
            note: None,
            items: vec![DonationItem {
                model_id: 1,
                quantity: 2,
                condition: Condition::New,
                unit_value: Dong(3_500_000),
                serials: vec![
                    ItemSerial {
                        serial: "R9AT1".into(),
                        imei: None,
                    },
                    ItemSerial {
                        serial: "R9AT2".into(),
                        imei: None,
                    },
                ],
            }],
        }
    }

    #[test]
    fn donor_is_trimmed_and_checked() {
        let d = donor().checked().unwrap();
        assert_eq!(d.name, "Công ty CP Viễn thông Á Châu");
        assert_eq!(d.contact_person, None);
        let mut bad = donor();
        bad.tax_code = Some("64001".into());
        let e = bad.checked().unwrap_err();
        assert_eq!(e.code(), "invalid_donor");
        assert_eq!(e.field(), Some("tax_code"));
        bad.tax_code = Some("6400123456-001".into());
        assert!(bad.checked().is_ok());
        let mut person = donor();
        person.kind = DonorKind::Person;
        person.tax_code = Some("066090001234".into());
        assert!(person.checked().is_ok());
        person.email = Some("a@b".into());
        assert_eq!(person.checked().unwrap_err().field(), Some("email"));
        let mut anon = donor();
        anon.publish_name = false;
        assert_eq!(anon.public_name(Lang::Vi), "Nhà hảo tâm (giấu tên)");
    }

    #[test]
    fn donation_needs_one_serial_per_device() {
        let today = date!(2022 - 12 - 31);
        let d = donation().checked(today).unwrap();
        assert_eq!(d.minutes_no, "12/BB-BTNĐP");
        assert_eq!(d.total_value(), Some(Dong(7_000_000)));
        assert_eq!(d.source(), "donation:12/BB-BTNĐP");
        let mut short = donation();
        short.items[0].quantity = 3;
        let e = short.checked(today).unwrap_err();
        assert!(
            e.message(Lang::Vi)
                .contains("dòng 1: số lượng 3 nhưng có 2 số sê-ri")
        );
        let mut future = donation();
        future.received_on = date!(2023 - 01 - 01);
        assert_eq!(
            future.checked(today).unwrap_err().field(),
            Some("received_on")
        );
        let mut nobody = donation();
        nobody.board_rep.name = " ".into();
        assert_eq!(
            nobody.checked(today).unwrap_err().field(),
            Some("board_rep")
        );
    }
}
