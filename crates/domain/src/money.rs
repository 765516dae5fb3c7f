//! Money as whole đồng. Never a float: amounts are `i64` and every sum is checked.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in Vietnamese đồng.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(pub i64);

impl Dong {
    pub const ZERO: Dong = Dong(0);

    pub fn checked_add(self, other: Dong) -> Option<Dong> {
        self.0.checked_add(other.0).map(Dong)
    }

    pub fn checked_sub(self, other: Dong) -> Option<Dong> {
        self.0.checked_sub(other.0).map(Dong)
    }

    /// Sums amounts, `None` on overflow.
    pub fn sum<I: IntoIterator<Item = Dong>>(items: I) -> Option<Dong> {
        items.into_iter().try_fold(Dong::ZERO, Dong::checked_add)
    }

    /// Parses `1.234.567`, `1234567`, `1 234 567 đ`, `1,234,567 VND`: dots, commas and spaces
    /// group thousands; there are no fractions of a đồng.
    pub fn parse(s: &str) -> Option<Dong> {
        let t = s.trim();
        let t = t
            .strip_suffix("VNĐ")
            .or_else(|| t.strip_suffix("VND"))
            .or_else(|| t.strip_suffix("đồng"))
            .or_else(|| t.strip_suffix('đ'))
            .unwrap_or(t)
            .trim();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, t),
        };
        if digits.is_empty() {
            return None;
        }
        // Either plain digits, or groups of three after a single kind of separator:
        // "12,5" is a decimal in Vietnamese and must not become 125 đồng.
        let sep = digits
            .chars()
            .find(|c| matches!(c, '.' | ',' | ' ' | '\u{a0}'));
        let groups: Vec<&str> = match sep {
            Some(sep) => digits.split(sep).collect(),
            None => vec![digits],
        };
        let mut value: i64 = 0;
        for (i, g) in groups.iter().enumerate() {
            let ok_len = if groups.len() == 1 {
                !g.is_empty()
            } else if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
            if !ok_len || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            for b in g.bytes() {
                value = value.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
            }
        }
        Some(Dong(if neg { -value } else { value }))
    }
}

impl fmt::Display for Dong {
    /// `1.234.567 đ`, the way Vietnamese documents write amounts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&group_thousands(self.0))?;
        f.write_str(" đ")
    }
}

/// `1.234.567`: a whole number with its thousands separated by dots, as Vietnamese
/// writes counts and amounts.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Words for `n` < 1000; `full` when a higher group came before (so "không trăm",
/// "linh" are said).
fn read_group(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 || full {
        out.extend([DIGITS[h], "trăm"]);
    }
    match t {
        0 if u > 0 && (h > 0 || full) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        _ => out.extend([DIGITS[t], "mươi"]),
    }
    match u {
        0 => {}
        1 if t >= 2 => out.push("mốt"),
        5 if t >= 1 => out.push("lăm"),
        _ => out.push(DIGITS[u]),
    }
}

fn read_below_billion(n: u64, mut full: bool, out: &mut Vec<&'static str>) {
    for (value, scale) in [
        (n / 1_000_000, "triệu"),
        ((n / 1_000) % 1_000, "nghìn"),
        (n % 1_000, ""),
    ] {
        if value == 0 {
            continue;
        }
        read_group(value, full, out);
        if !scale.is_empty() {
            out.push(scale);
        }
        full = true;
    }
}

fn read_number(n: u64, full: bool, out: &mut Vec<&'static str>) {
    if n >= 1_000_000_000 {
        read_number(n / 1_000_000_000, full, out);
        out.push("tỷ");
        read_below_billion(n % 1_000_000_000, true, out);
    } else {
        read_below_billion(n, full, out);
    }
}

impl Dong {
    /// The amount in Vietnamese words, as documents write it beside the figures:
    /// `Một triệu không trăm năm mươi nghìn đồng`.
    pub fn in_words(self) -> String {
        let mut words = Vec::new();
        if self.0 < 0 {
            words.push("âm");
        }
        if self.0 == 0 {
            words.push("không");
        }
        read_number(self.0.unsigned_abs(), false, &mut words);
        words.push("đồng");
        let text = words.join(" ");
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads the words back into a number: an independent check of `in_words`.
    fn from_words(words: &[&str]) -> u64 {
        if let Some(i) = words.iter().rposition(|w| *w == "tỷ") {
            return from_words(&words[..i]) * 1_000_000_000 + from_words(&words[i + 1..]);
        }
        let (mut acc, mut group, mut pending) = (0u64, 0u64, None::<u64>);
        for w in words {
            match *w {
                "trăm" => group += pending.take().unwrap() * 100,
                "mươi" => group += pending.take().unwrap() * 10,
                "mười" => group += 10,
                "linh" => {}
                "mốt" => pending = Some(1),
                "lăm" => pending = Some(5),
                "nghìn" | "triệu" => {
                    let scale = if *w == "nghìn" { 1_000 } else { 1_000_000 };
                    acc += (group + pending.take().unwrap_or(0)) * scale;
                    group = 0;
                }
                d => pending = Some(DIGITS.iter().position(|x| *x == d).unwrap() as u64),
            }
        }
        acc + group + pending.unwrap_or(0)
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(Dong(0).in_words(), "Không đồng");
        assert_eq!(Dong(15).in_words(), "Mười lăm đồng");
        assert_eq!(Dong(21).in_words(), "Hai mươi mốt đồng");
        assert_eq!(Dong(105).in_words(), "Một trăm linh năm đồng");
        assert_eq!(Dong(1_000_000).in_words(), "Một triệu đồng");
        assert_eq!(
            Dong(1_050_000).in_words(),
            "Một triệu không trăm năm mươi nghìn đồng"
        );
        assert_eq!(Dong(3_500_000).in_words(), "Ba triệu năm trăm nghìn đồng");
        assert_eq!(
            Dong(12_345_678_905).in_words(),
            "Mười hai tỷ ba trăm bốn mươi lăm triệu sáu trăm bảy mươi tám nghìn chín trăm linh năm đồng"
        );
        assert_eq!(Dong(2_000_000_000_000).in_words(), "Hai nghìn tỷ đồng");
    }

    #[test]
    fn formats_with_dot_groups() {
        assert_eq!(Dong(0).to_string(), "0 đ");
        assert_eq!(Dong(999).to_string(), "999 đ");
        assert_eq!(Dong(1_000).to_string(), "1.000 đ");
        assert_eq!(Dong(1_234_567).to_string(), "1.234.567 đ");
        assert_eq!(Dong(-32_000_000_000).to_string(), "-32.000.000.000 đ");
    }

    #[test]
    fn parses_office_spellings() {
        assert_eq!(Dong::parse("1.234.567 đ"), Some(Dong(1_234_567)));
        assert_eq!(Dong::parse("1,234,567 VND"), Some(Dong(1_234_567)));
        assert_eq!(Dong::parse("2 500 000"), Some(Dong(2_500_000)));
        assert_eq!(Dong::parse("12,5"), None);
        assert_eq!(Dong::parse("1.234,567"), None);
        assert_eq!(Dong::parse("1234.567"), None);
        assert_eq!(Dong::parse("abc"), None);
        assert_eq!(Dong::parse(""), None);
        assert_eq!(Dong::parse("99999999999999999999"), None);
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(v in any::<i64>().prop_filter("min has no abs", |v| *v != i64::MIN)) {
            prop_assert_eq!(Dong::parse(&Dong(v).to_string()), Some(Dong(v)));
        }

        #[test]
        fn words_read_back_to_the_amount(v in 0i64..i64::MAX) {
            let text = Dong(v).in_words();
            let lower = text.to_lowercase();
            let words: Vec<&str> = lower.split(' ').collect();
            prop_assert_eq!(words.last(), Some(&"đồng"));
            let body = &words[..words.len() - 1];
            let value = if body == ["không"] { 0 } else { from_words(body) };
            prop_assert_eq!(value, v as u64, "{}", text);
        }

        #[test]
        fn sums_never_wrap(a in any::<i64>(), b in any::<i64>()) {
            match Dong(a).checked_add(Dong(b)) {
                Some(s) => prop_assert_eq!(s.0 as i128, a as i128 + b as i128),
                None => prop_assert!((a as i128 + b as i128) > i64::MAX as i128 || (a as i128 + b as i128) < i64::MIN as i128),
            }
        }
    }
}
