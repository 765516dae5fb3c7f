//! Folding: the form two spellings of the same Vietnamese words share.
//! "Đắk R'Lấp", "dak r'lap" and "DAK  R'LAP" all fold to "dak r'lap".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Unicode NFC, the one form text is stored in.
pub fn nfc(s: &str) -> String {
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// Lower case, without diacritics (đ → d), whitespace collapsed to single spaces.
///
/// The characters of the canonical decomposition (NFD) without its combining marks: each
/// character is decomposed on its own, which yields the same letters as decomposing the
/// whole text, because putting NFD in order only moves combining marks, which are
/// dropped. ASCII goes straight through.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut push = |c: char| {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            return;
        }
        if !c.is_ascii() && is_combining_mark(c) {
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c);
        } else {
            decompose_canonical(c, &mut push);
        }
    }
    out
}

/// A place name folded without its administrative word, so that "Xã Đắk Lao",
/// "xa Dak Lao", "X. Đắk Lao" and "Đắk Lao" match. Punctuation other than the
/// apostrophe of "R'Lấp" becomes a space.
pub fn place_key(s: &str) -> String {
    let folded = fold(s);
    let mut f = String::with_capacity(folded.len());
    for word in folded
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
    {
        if !f.is_empty() {
            f.push(' ');
        }
        f.push_str(word);
    }
    for prefix in [
        "thanh pho ",
        "thi tran ",
        "thi xa ",
        "phuong ",
        "huyen ",
        "tinh ",
        "xa ",
        "tt ",
        "tp ",
        "p ",
        "x ",
    ] {
        if let Some(rest) = f.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    f
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

    /// `fold` as first written: through the NFD of the whole text.
    fn fold_through_nfd(s: &str) -> String {
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

    /// Putting NFD in order moves only characters of a non-zero combining class; `fold`
    /// drops them all, which holds only if every one of them is a combining mark.
    #[test]
    fn every_reordered_character_is_a_combining_mark() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if canonical_combining_class(c) != 0 {
                assert!(is_combining_mark(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn folds_every_character_as_through_nfd() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("A{c}b {c}");
            assert_eq!(fold(&s), fold_through_nfd(&s), "U+{:04X}", c as u32);
        }
    }

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

    #[test]
    fn place_keys_drop_the_administrative_word() {
        for s in [
            "Xã Đắk Lao",
            "xa dak lao",
            "X. Đắk Lao",
            "Đắk Lao",
            "  XÃ  ĐẮK LAO ",
        ] {
            assert_eq!(place_key(s), "dak lao", "{s}");
        }
        assert_eq!(place_key("Thị trấn Kiến Đức"), "kien duc");
        assert_eq!(place_key("TT. Kiến Đức"), "kien duc");
        assert_eq!(place_key("Huyện Đắk R'Lấp"), "dak r'lap");
        assert_eq!(place_key("Phường Nghĩa Đức"), "nghia duc");
        assert_eq!(place_key("Xã"), "xa", "a bare word stays");
    }

    proptest! {
        #[test]
                        fn place_keys_ignore_accents(s in "\\PC{0,40}") {
            prop_assert_eq!(place_key(&fold(&s)), place_key(&s));
        }

        #[test]
        fn place_keys_ignore_case(s in "[a-zA-Zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ '.]{0,30}") {
            prop_assert_eq!(place_key(&s.to_uppercase()), place_key(&s));
        }

        #[test]
        fn fold_is_fold_through_nfd(s in "\\PC{0,40}", t in "[a-zA-Z đĐàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ\u{300}-\u{36f}\t]{0,40}") {
            prop_assert_eq!(fold(&s), fold_through_nfd(&s));
            prop_assert_eq!(fold(&t), fold_through_nfd(&t));
        }

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
