//! Cash gifts and pledges (khoản ủng hộ tiền): who gives, how much, by which channel, with
//! what consent and earmark; the pledge code a transfer note carries and the verification
//! code printed on the acknowledgement (giấy xác nhận); the ledger entry a received gift
//! posts.
//!
//! Codes are written in Crockford's base 32 (no I, L, O, U: nothing to misread on paper)
//! and end with a Luhn mod 32 check character, so that a mistyped character or two
//! swapped neighbours are caught before the code is looked up.

use crate::DomainError;
use crate::Lang;
use crate::donations::Earmark;
use crate::ledger::{
    BANK, BUDGET, DONATIONS, HELD_BY_MTTQ, LedgerError, NewEntry, Posting, Request, Source,
    TREASURY,
};
use crate::money::Dong;
use serde::{Deserialize, Serialize};
use time::Date;

/// How a gift reaches the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// To the Department's account (or in cash at the Department).
    Direct,
    /// Through the Fatherland Front, which transfers it on.
    Mttq,
    /// The state budget.
    Budget,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Direct, Channel::Mttq, Channel::Budget];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Direct => "direct",
            Channel::Mttq => "mttq",
            Channel::Budget => "budget",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Direct => lang.pick("Chuyển trực tiếp cho Sở", "Directly to the Department"),
            Channel::Mttq => lang.pick("Qua Ủy ban MTTQ tỉnh", "Through the Fatherland Front"),
            Channel::Budget => lang.pick("Ngân sách nhà nước", "State budget"),
        }
    }

    /// Whether `role` records gifts of this channel: the Front its own, the Department
    /// (the Board, the Sở) the others.
    pub fn recorded_by(self, role: crate::users::Role) -> bool {
        use crate::users::Role::*;
        match self {
            Channel::Mttq => role == Mttq,
            Channel::Direct | Channel::Budget => matches!(role, SoGddt | BanDieuPhoi),
        }
    }

    /// The channel whose bank statements are imported for `account` (the Department's
    /// donations account, the Front's): the budget's treasury account has none.
    pub fn of_statement_account(account: &str) -> Option<Channel> {
        [Channel::Direct, Channel::Mttq]
            .into_iter()
            .find(|c| c.account() == account)
    }

    /// The account whose statements `role` imports and reconciles: that of the channel
    /// it records.
    pub fn statement_account(role: crate::users::Role) -> Option<&'static str> {
        [Channel::Direct, Channel::Mttq]
            .into_iter()
            .find(|c| c.recorded_by(role))
            .map(Channel::account)
    }

    /// The account the money arrives in.
    pub fn account(self) -> &'static str {
        match self {
            Channel::Direct => BANK,
            Channel::Mttq => HELD_BY_MTTQ,
            Channel::Budget => TREASURY,
        }
    }

    /// The source account the gift is credited to.
    pub fn source_account(self) -> &'static str {
        match self {
            Channel::Budget => BUDGET,
            _ => DONATIONS,
        }
    }
}

/// A gift or pledge as a form or a file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGift {
    pub donor_id: i64,
    pub amount: Dong,
    pub channel: Channel,
    /// The day it was promised (a pledge) or received.
    pub date: Date,
    /// Whether the donor agreed to have their name and gift published.
    pub publish_name: bool,
    #[serde(default)]
    pub earmark: Earmark,
    #[serde(default)]
    pub note: Option<String>,
}

fn invalid(field: &'static str, vi: &str, en: &str) -> DomainError {
    DomainError::Ledger(LedgerError::InvalidGift {
        field,
        reason_vi: vi.into(),
        reason_en: en.into(),
    })
}

/// The most a single gift may be (a typing slip of three zeros is caught, not posted).
pub const MAX_GIFT: Dong = Dong(1_000_000_000_000);

impl NewGift {
    pub fn checked(&self, today: Date) -> Result<NewGift, DomainError> {
        if self.amount.0 <= 0 {
            return Err(invalid(
                "amount",
                "số tiền phải là số nguyên đồng lớn hơn 0",
                "the amount must be a whole number of đồng above 0",
            ));
        }
        if self.amount > MAX_GIFT {
            return Err(invalid(
                "amount",
                "số tiền vượt 1.000 tỷ đồng: hãy kiểm tra lại",
                "the amount is above 1,000 billion đồng: check it again",
            ));
        }
        if self.date > today {
            return Err(invalid(
                "date",
                "ngày ủng hộ không được sau hôm nay",
                "the date cannot be after today",
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
        Ok(NewGift {
            note,
            ..self.clone()
        })
    }
}

/// Crockford's base-32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn value_of(c: u8) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        c => c,
    };
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The Luhn mod 32 check character of `body` (Crockford characters).
pub fn check_char(body: &str) -> Option<char> {
    let mut factor = 2;
    let mut sum = 0;
    for c in body.bytes().rev() {
        let v = value_of(c)?;
        let addend = factor * v;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / 32 + addend % 32;
    }
    let check = (32 - sum % 32) % 32;
    Some(ALPHABET[check as usize] as char)
}

/// Whether a code's last character checks the rest.
pub fn checks(code: &str) -> bool {
    let Some(last) = code.chars().last() else {
        return false;
    };
    let body = &code[..code.len() - last.len_utf8()];
    !body.is_empty() && check_char(body).is_some_and(|c| value_of(c as u8) == value_of(last as u8))
}

fn encode(random: &[u8], n: usize) -> String {
    // Five bits per character from the random bytes.
    let mut bits: u64 = 0;
    for b in random.iter().take(8) {
        bits = (bits << 8) | u64::from(*b);
    }
    (0..n)
        .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A pledge's code for the transfer note: `SM` and six random characters and the check
/// character (`SM7K3Q9XD`), 30 random bits.
pub fn pledge_code(random: &[u8; 8]) -> String {
    let body = format!("SM{}", encode(random, 6));
    let c = check_char(&body).expect("the alphabet's own characters");
    format!("{body}{c}")
}

/// The acknowledgement's verification code: eight random characters and the check
/// character, printed `ABCD-EFGH-J` (40 random bits).
pub fn verification_code(random: &[u8; 8]) -> String {
    let body = encode(random, 8);
    let c = check_char(&body).expect("the alphabet's own characters");
    format!("{}-{}-{c}", &body[..4], &body[4..])
}

/// A code as someone typed it, in its canonical spelling (upper case, no spaces or
/// dashes, O read as 0 and I, L as 1), or `None` when its check character does not match.
pub fn normalise_code(typed: &str) -> Option<String> {
    let mut out = String::new();
    for c in typed.chars() {
        if matches!(c, ' ' | '-' | '.' | '\u{a0}') {
            continue;
        }
        if !c.is_ascii() {
            return None;
        }
        let v = value_of(c as u8)?;
        out.push(ALPHABET[v as usize] as char);
    }
    (out.len() >= 4 && checks(&out)).then_some(out)
}

/// The canonical form of a verification code, for storage and lookup (`ABCDEFGHJ`).
pub fn compact(code: &str) -> String {
    code.chars().filter(|c| *c != '-').collect()
}

/// Finds a pledge code in a transfer note as banks write it (upper or lower case, with
/// the program's prefix, sometimes split by a space): the first that checks.
pub fn find_pledge_code(note: &str) -> Option<String> {
    let flat: Vec<u8> = note
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    (0..flat.len().saturating_sub(8)).find_map(|i| {
        let w = &flat[i..i + 9];
        (w.starts_with(b"SM") && w.iter().all(|b| value_of(*b).is_some()))
            .then(|| String::from_utf8_lossy(w).into_owned())
            .filter(|c| checks(c))
    })
}

/// The entry a received gift posts: the money into the channel's account, credited to
/// donations (or the budget).
pub fn received_entry(
    gift_id: i64,
    channel: Channel,
    amount: Dong,
    date: Date,
    memo: String,
) -> Request {
    Request::Post(NewEntry {
        key: format!("gift-{gift_id}-received"),
        date,
        memo,
        postings: vec![
            Posting::debit(channel.account(), amount),
            Posting::credit(channel.source_account(), amount),
        ],
        source: Some(Source {
            kind: "gift".into(),
            id: gift_id.to_string(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Luhn mod N as ISO/IEC 7812's Luhn generalised (Wikipedia's "Luhn mod N"
    /// algorithm), written again here over indices rather than bytes.
    fn reference_check(body: &str) -> char {
        let n = 32;
        let idx: Vec<u32> = body
            .chars()
            .map(|c| ALPHABET.iter().position(|a| *a as char == c).unwrap() as u32)
            .collect();
        let mut sum = 0;
        for (i, v) in idx.iter().rev().enumerate() {
            let mut addend = if i % 2 == 0 { v * 2 } else { *v };
            addend = addend / n + addend % n;
            sum += addend;
        }
        ALPHABET[((n - sum % n) % n) as usize] as char
    }

    #[test]
    fn codes_check_and_catch_slips() {
        for seed in 0u8..200 {
            let r = [seed, seed.wrapping_mul(7), 3, seed ^ 0x5a, 9, 1, seed, 77];
            let p = pledge_code(&r);
            assert_eq!(p.len(), 9);
            assert!(p.starts_with("SM"));
            assert!(checks(&p), "{p}");
            assert_eq!(
                check_char(&p[..8]).unwrap(),
                reference_check(&p[..8]),
                "{p}"
            );
            let v = verification_code(&r);
            assert_eq!(v.len(), 11);
            assert_eq!(normalise_code(&v).as_deref(), Some(compact(&v).as_str()));
            assert_eq!(
                normalise_code(&v.to_lowercase()).as_deref(),
                Some(compact(&v).as_str())
            );
            // Every single-character slip is caught.
            let c = compact(&v);
            for i in 0..c.len() {
                for a in ALPHABET {
                    if *a as char == c.as_bytes()[i] as char {
                        continue;
                    }
                    let mut s = c.clone().into_bytes();
                    s[i] = *a;
                    assert!(!checks(std::str::from_utf8(&s).unwrap()));
                }
            }
            // Two neighbours swapped are caught unless they are the same.
            for i in 0..c.len() - 1 {
                let mut s = c.clone().into_bytes();
                if s[i] == s[i + 1] {
                    continue;
                }
                s.swap(i, i + 1);
                let s = String::from_utf8(s).unwrap();
                // Luhn mod N misses one pair of values whose sum is N-1 doubled; accept
                // that it is the only kind that passes.
                if checks(&s) {
                    let (a, b) = (
                        value_of(c.as_bytes()[i]).unwrap(),
                        value_of(c.as_bytes()[i + 1]).unwrap(),
                    );
                    assert!((a == 0 && b == 31) || (a == 31 && b == 0), "{c} → {s}");
                }
            }
        }
        assert_eq!(normalise_code("SM7K3Q9X"), None);
        assert_eq!(normalise_code("ủng hộ"), None);
        assert_eq!(normalise_code(""), None);
    }

    #[test]
    fn misread_letters_are_read_as_the_digits_they_look_like() {
        let v = verification_code(&[1, 2, 3, 4, 5, 6, 7, 8]);
        let typed = v.replace('0', "O").replace('1', "l");
        assert_eq!(normalise_code(&typed), Some(compact(&v)));
    }

    #[test]
    fn pledge_codes_are_found_in_transfer_notes() {
        let code = pledge_code(&[9, 8, 7, 6, 5, 4, 3, 2]);
        let lower = code.to_lowercase();
        for note in [
            format!("{code} Ung ho may tinh"),
            format!("MBVCB.123456.{lower}.ung ho"),
            format!("CT tu 0123 NGUYEN VAN A {} {}", &code[..4], &code[4..]),
        ] {
            assert_eq!(
                find_pledge_code(&note).as_deref(),
                Some(code.as_str()),
                "{note}"
            );
        }
        assert_eq!(find_pledge_code("UNG HO LU LUT SMXXXXXXX"), None);
        assert_eq!(find_pledge_code(""), None);
    }

    #[test]
    fn a_gift_is_checked() {
        let g = NewGift {
            donor_id: 1,
            amount: Dong(500_000),
            channel: Channel::Mttq,
            date: date!(2026 - 09 - 01),
            publish_name: true,
            earmark: Earmark::default(),
            note: Some("  ".into()),
        };
        let today = date!(2026 - 12 - 01);
        assert_eq!(g.checked(today).unwrap().note, None);
        for bad in [
            NewGift {
                amount: Dong(0),
                ..g.clone()
            },
            NewGift {
                amount: Dong(-1),
                ..g.clone()
            },
            NewGift {
                amount: Dong(MAX_GIFT.0 + 1),
                ..g.clone()
            },
            NewGift {
                date: date!(2026 - 12 - 02),
                ..g.clone()
            },
        ] {
            assert!(bad.checked(today).is_err(), "{bad:?}");
        }
        let e = received_entry(7, Channel::Mttq, Dong(500_000), g.date, "x".into());
        let Request::Post(e) = e.checked().unwrap() else {
            unreachable!()
        };
        assert_eq!(e.postings[0], Posting::debit(HELD_BY_MTTQ, Dong(500_000)));
        assert_eq!(e.key, "gift-7-received");
    }
}
