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
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out.push_str(" đ");
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        fn sums_never_wrap(a in any::<i64>(), b in any::<i64>()) {
            match Dong(a).checked_add(Dong(b)) {
                Some(s) => prop_assert_eq!(s.0 as i128, a as i128 + b as i128),
                None => prop_assert!((a as i128 + b as i128) > i64::MAX as i128 || (a as i128 + b as i128) < i64::MIN as i128),
            }
        }
    }
}
