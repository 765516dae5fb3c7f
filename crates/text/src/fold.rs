//! Folding: the form two spellings of the same Vietnamese words share.
//! "Đắk R'Lấp", "dak r'lap" and "DAK  R'LAP" all fold to "dak r'lap".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Unicode NFC, the one form text is stored in.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Lower case, without diacritics (đ → d), whitespace collapsed to single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// An ASCII identifier made from a name: folded, anything but letters and digits
/// becomes one `-`. "Xã Đắk N'Drót" → "xa-dak-n-drot".
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đắk R'Lấp"), "dak r'lap");
        assert_eq!(fold("  Trường   THCS\tNguyễn Du "), "truong thcs nguyen du");
        assert_eq!(fold("HUYỆN KRÔNG NÔ"), "huyen krong no");
    }

    #[test]
    fn nfd_and_nfc_fold_alike() {
        let nfc_s = "Nguyễn Thị Hằng";
        let nfd_s: String = nfc_s.nfd().collect();
        assert_ne!(nfc_s, nfd_s);
        assert_eq!(fold(nfc_s), fold(&nfd_s));
        assert_eq!(nfc(&nfd_s), nfc_s);
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Xã Đắk N'Drót"), "xa-dak-n-drot");
        assert_eq!(slug("Thị trấn Ea T'Ling"), "thi-tran-ea-t-ling");
        assert_eq!(slug("  --  "), "");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn slug_is_ascii_and_dashed(s in "\\PC{0,40}") {
            let g = slug(&s);
            prop_assert!(g.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!g.starts_with('-') && !g.ends_with('-') && !g.contains("--"));
        }
    }
}
