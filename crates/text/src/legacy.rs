//! Legacy Vietnamese encodings in office files: TCVN3 (ABC, the `.VnTime` fonts) and VNI
//! (the `VNI-Times` fonts). Text typed with those fonts reaches a spreadsheet as Latin-1 /
//! Windows-1252 letters ("NguyÔn" for Nguyễn in TCVN3, "Nguyeãn" in VNI). Each cell is
//! detected on its own, because files mix fonts from one cell to the next.
//!
//! The TCVN3 table is TCVN 5712:1993 as glibc's `TCVN5712-1` decodes it, keyed by the
//! Windows-1252 character each byte shows as; the VNI table is the VNI-Windows code table.

use crate::fold::nfc;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Which encoding a cell was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Unicode, precomposed (NFC) or plain ASCII.
    Nfc,
    /// Unicode with combining marks ("tổ hợp").
    Nfd,
    Tcvn3,
    Vni,
}

/// TCVN3 byte (as the Windows-1252 character it shows as) → Unicode.
const TCVN3: &[(char, char)] = &[
    ('\u{20AC}', 'À'), // 0x80
    ('\u{0081}', 'Ả'), // 0x81
    ('\u{201A}', 'Ã'), // 0x82
    ('\u{0192}', 'Á'), // 0x83
    ('\u{201E}', 'Ạ'), // 0x84
    ('\u{2026}', 'Ặ'), // 0x85
    ('\u{2020}', 'Ậ'), // 0x86
    ('\u{2021}', 'È'), // 0x87
    ('\u{02C6}', 'Ẻ'), // 0x88
    ('\u{2030}', 'Ẽ'), // 0x89
    ('\u{0160}', 'É'), // 0x8A
    ('\u{2039}', 'Ẹ'), // 0x8B
    ('\u{0152}', 'Ệ'), // 0x8C
    ('\u{008D}', 'Ì'), // 0x8D
    ('\u{017D}', 'Ỉ'), // 0x8E
    ('\u{008F}', 'Ĩ'), // 0x8F
    ('\u{0090}', 'Í'), // 0x90
    ('\u{2018}', 'Ị'), // 0x91
    ('\u{2019}', 'Ò'), // 0x92
    ('\u{201C}', 'Ỏ'), // 0x93
    ('\u{201D}', 'Õ'), // 0x94
    ('\u{2022}', 'Ó'), // 0x95
    ('\u{2013}', 'Ọ'), // 0x96
    ('\u{2014}', 'Ộ'), // 0x97
    ('\u{02DC}', 'Ờ'), // 0x98
    ('\u{2122}', 'Ở'), // 0x99
    ('\u{0161}', 'Ỡ'), // 0x9A
    ('\u{203A}', 'Ớ'), // 0x9B
    ('\u{0153}', 'Ợ'), // 0x9C
    ('\u{009D}', 'Ù'), // 0x9D
    ('\u{017E}', 'Ủ'), // 0x9E
    ('\u{0178}', 'Ũ'), // 0x9F
    ('\u{00A1}', 'Ă'), // 0xA1
    ('\u{00A2}', 'Â'), // 0xA2
    ('\u{00A3}', 'Ê'), // 0xA3
    ('\u{00A4}', 'Ô'), // 0xA4
    ('\u{00A5}', 'Ơ'), // 0xA5
    ('\u{00A6}', 'Ư'), // 0xA6
    ('\u{00A7}', 'Đ'), // 0xA7
    ('\u{00A8}', 'ă'), // 0xA8
    ('\u{00A9}', 'â'), // 0xA9
    ('\u{00AA}', 'ê'), // 0xAA
    ('\u{00AB}', 'ô'), // 0xAB
    ('\u{00AC}', 'ơ'), // 0xAC
    ('\u{00AD}', 'ư'), // 0xAD
    ('\u{00AE}', 'đ'), // 0xAE
    ('\u{00AF}', 'Ằ'), // 0xAF
    ('\u{00B5}', 'à'), // 0xB5
    ('\u{00B6}', 'ả'), // 0xB6
    ('\u{00B7}', 'ã'), // 0xB7
    ('\u{00B8}', 'á'), // 0xB8
    ('\u{00B9}', 'ạ'), // 0xB9
    ('\u{00BA}', 'Ẳ'), // 0xBA
    ('\u{00BB}', 'ằ'), // 0xBB
    ('\u{00BC}', 'ẳ'), // 0xBC
    ('\u{00BD}', 'ẵ'), // 0xBD
    ('\u{00BE}', 'ắ'), // 0xBE
    ('\u{00BF}', 'Ẵ'), // 0xBF
    ('\u{00C0}', 'Ắ'), // 0xC0
    ('\u{00C1}', 'Ầ'), // 0xC1
    ('\u{00C2}', 'Ẩ'), // 0xC2
    ('\u{00C3}', 'Ẫ'), // 0xC3
    ('\u{00C4}', 'Ấ'), // 0xC4
    ('\u{00C5}', 'Ề'), // 0xC5
    ('\u{00C6}', 'ặ'), // 0xC6
    ('\u{00C7}', 'ầ'), // 0xC7
    ('\u{00C8}', 'ẩ'), // 0xC8
    ('\u{00C9}', 'ẫ'), // 0xC9
    ('\u{00CA}', 'ấ'), // 0xCA
    ('\u{00CB}', 'ậ'), // 0xCB
    ('\u{00CC}', 'è'), // 0xCC
    ('\u{00CD}', 'Ể'), // 0xCD
    ('\u{00CE}', 'ẻ'), // 0xCE
    ('\u{00CF}', 'ẽ'), // 0xCF
    ('\u{00D0}', 'é'), // 0xD0
    ('\u{00D1}', 'ẹ'), // 0xD1
    ('\u{00D2}', 'ề'), // 0xD2
    ('\u{00D3}', 'ể'), // 0xD3
    ('\u{00D4}', 'ễ'), // 0xD4
    ('\u{00D5}', 'ế'), // 0xD5
    ('\u{00D6}', 'ệ'), // 0xD6
    ('\u{00D7}', 'ì'), // 0xD7
    ('\u{00D8}', 'ỉ'), // 0xD8
    ('\u{00D9}', 'Ễ'), // 0xD9
    ('\u{00DA}', 'Ế'), // 0xDA
    ('\u{00DB}', 'Ồ'), // 0xDB
    ('\u{00DC}', 'ĩ'), // 0xDC
    ('\u{00DD}', 'í'), // 0xDD
    ('\u{00DE}', 'ị'), // 0xDE
    ('\u{00DF}', 'ò'), // 0xDF
    ('\u{00E0}', 'Ổ'), // 0xE0
    ('\u{00E1}', 'ỏ'), // 0xE1
    ('\u{00E2}', 'õ'), // 0xE2
    ('\u{00E3}', 'ó'), // 0xE3
    ('\u{00E4}', 'ọ'), // 0xE4
    ('\u{00E5}', 'ồ'), // 0xE5
    ('\u{00E6}', 'ổ'), // 0xE6
    ('\u{00E7}', 'ỗ'), // 0xE7
    ('\u{00E8}', 'ố'), // 0xE8
    ('\u{00E9}', 'ộ'), // 0xE9
    ('\u{00EA}', 'ờ'), // 0xEA
    ('\u{00EB}', 'ở'), // 0xEB
    ('\u{00EC}', 'ỡ'), // 0xEC
    ('\u{00ED}', 'ớ'), // 0xED
    ('\u{00EE}', 'ợ'), // 0xEE
    ('\u{00EF}', 'ù'), // 0xEF
    ('\u{00F0}', 'Ỗ'), // 0xF0
    ('\u{00F1}', 'ủ'), // 0xF1
    ('\u{00F2}', 'ũ'), // 0xF2
    ('\u{00F3}', 'ú'), // 0xF3
    ('\u{00F4}', 'ụ'), // 0xF4
    ('\u{00F5}', 'ừ'), // 0xF5
    ('\u{00F6}', 'ử'), // 0xF6
    ('\u{00F7}', 'ữ'), // 0xF7
    ('\u{00F8}', 'ứ'), // 0xF8
    ('\u{00F9}', 'ự'), // 0xF9
    ('\u{00FA}', 'ỳ'), // 0xFA
    ('\u{00FB}', 'ỷ'), // 0xFB
    ('\u{00FC}', 'ỹ'), // 0xFC
    ('\u{00FE}', 'ỵ'), // 0xFE
    ('\u{00FF}', 'Ố'), // 0xFF
];

/// VNI sequences (a base letter and a mark, or one character) → Unicode.
const VNI: &[(&str, char)] = &[
    ("aù", 'á'),
    ("aø", 'à'),
    ("aû", 'ả'),
    ("aõ", 'ã'),
    ("aï", 'ạ'),
    ("aâ", 'â'),
    ("aá", 'ấ'),
    ("aà", 'ầ'),
    ("aå", 'ẩ'),
    ("aã", 'ẫ'),
    ("aä", 'ậ'),
    ("aê", 'ă'),
    ("aé", 'ắ'),
    ("aè", 'ằ'),
    ("aú", 'ẳ'),
    ("aü", 'ẵ'),
    ("aë", 'ặ'),
    ("eù", 'é'),
    ("eø", 'è'),
    ("eû", 'ẻ'),
    ("eõ", 'ẽ'),
    ("eï", 'ẹ'),
    ("eâ", 'ê'),
    ("eá", 'ế'),
    ("eà", 'ề'),
    ("eå", 'ể'),
    ("eã", 'ễ'),
    ("eä", 'ệ'),
    ("où", 'ó'),
    ("oø", 'ò'),
    ("oû", 'ỏ'),
    ("oõ", 'õ'),
    ("oï", 'ọ'),
    ("oâ", 'ô'),
    ("oá", 'ố'),
    ("oà", 'ồ'),
    ("oå", 'ổ'),
    ("oã", 'ỗ'),
    ("oä", 'ộ'),
    ("ô", 'ơ'),
    ("ôù", 'ớ'),
    ("ôø", 'ờ'),
    ("ôû", 'ở'),
    ("ôõ", 'ỡ'),
    ("ôï", 'ợ'),
    ("uù", 'ú'),
    ("uø", 'ù'),
    ("uû", 'ủ'),
    ("uõ", 'ũ'),
    ("uï", 'ụ'),
    ("ö", 'ư'),
    ("öù", 'ứ'),
    ("öø", 'ừ'),
    ("öû", 'ử'),
    ("öõ", 'ữ'),
    ("öï", 'ự'),
    ("æ", 'ỉ'),
    ("ó", 'ĩ'),
    ("ò", 'ị'),
    ("yù", 'ý'),
    ("yø", 'ỳ'),
    ("yû", 'ỷ'),
    ("yõ", 'ỹ'),
    ("î", 'ỵ'),
    ("ñ", 'đ'),
    ("AÙ", 'Á'),
    ("AØ", 'À'),
    ("AÛ", 'Ả'),
    ("AÕ", 'Ã'),
    ("AÏ", 'Ạ'),
    ("AÂ", 'Â'),
    ("AÁ", 'Ấ'),
    ("AÀ", 'Ầ'),
    ("AÅ", 'Ẩ'),
    ("AÃ", 'Ẫ'),
    ("AÄ", 'Ậ'),
    ("AÊ", 'Ă'),
    ("AÉ", 'Ắ'),
    ("AÈ", 'Ằ'),
    ("AÚ", 'Ẳ'),
    ("AÜ", 'Ẵ'),
    ("AË", 'Ặ'),
    ("EÙ", 'É'),
    ("EØ", 'È'),
    ("EÛ", 'Ẻ'),
    ("EÕ", 'Ẽ'),
    ("EÏ", 'Ẹ'),
    ("EÂ", 'Ê'),
    ("EÁ", 'Ế'),
    ("EÀ", 'Ề'),
    ("EÅ", 'Ể'),
    ("EÃ", 'Ễ'),
    ("EÄ", 'Ệ'),
    ("OÙ", 'Ó'),
    ("OØ", 'Ò'),
    ("OÛ", 'Ỏ'),
    ("OÕ", 'Õ'),
    ("OÏ", 'Ọ'),
    ("OÂ", 'Ô'),
    ("OÁ", 'Ố'),
    ("OÀ", 'Ồ'),
    ("OÅ", 'Ổ'),
    ("OÃ", 'Ỗ'),
    ("OÄ", 'Ộ'),
    ("Ô", 'Ơ'),
    ("ÔÙ", 'Ớ'),
    ("ÔØ", 'Ờ'),
    ("ÔÛ", 'Ở'),
    ("ÔÕ", 'Ỡ'),
    ("ÔÏ", 'Ợ'),
    ("UÙ", 'Ú'),
    ("UØ", 'Ù'),
    ("UÛ", 'Ủ'),
    ("UÕ", 'Ũ'),
    ("UÏ", 'Ụ'),
    ("Ö", 'Ư'),
    ("ÖÙ", 'Ứ'),
    ("ÖØ", 'Ừ'),
    ("ÖÛ", 'Ử'),
    ("ÖÕ", 'Ữ'),
    ("ÖÏ", 'Ự'),
    ("Æ", 'Ỉ'),
    ("Ó", 'Ĩ'),
    ("Ò", 'Ị'),
    ("YÙ", 'Ý'),
    ("YØ", 'Ỳ'),
    ("YÛ", 'Ỷ'),
    ("YÕ", 'Ỹ'),
    ("Î", 'Ỵ'),
    ("Ñ", 'Đ'),
    ("Aù", 'Á'),
    ("Aø", 'À'),
    ("Aû", 'Ả'),
    ("Aõ", 'Ã'),
    ("Aï", 'Ạ'),
    ("Aâ", 'Â'),
    ("Aá", 'Ấ'),
    ("Aà", 'Ầ'),
    ("Aå", 'Ẩ'),
    ("Aã", 'Ẫ'),
    ("Aä", 'Ậ'),
    ("Aê", 'Ă'),
    ("Aé", 'Ắ'),
    ("Aè", 'Ằ'),
    ("Aú", 'Ẳ'),
    ("Aü", 'Ẵ'),
    ("Aë", 'Ặ'),
    ("Eù", 'É'),
    ("Eø", 'È'),
    ("Eû", 'Ẻ'),
    ("Eõ", 'Ẽ'),
    ("Eï", 'Ẹ'),
    ("Eâ", 'Ê'),
    ("Eá", 'Ế'),
    ("Eà", 'Ề'),
    ("Eå", 'Ể'),
    ("Eã", 'Ễ'),
    ("Eä", 'Ệ'),
    ("Où", 'Ó'),
    ("Oø", 'Ò'),
    ("Oû", 'Ỏ'),
    ("Oõ", 'Õ'),
    ("Oï", 'Ọ'),
    ("Oâ", 'Ô'),
    ("Oá", 'Ố'),
    ("Oà", 'Ồ'),
    ("Oå", 'Ổ'),
    ("Oã", 'Ỗ'),
    ("Oä", 'Ộ'),
    ("Ôù", 'Ớ'),
    ("Ôø", 'Ờ'),
    ("Ôû", 'Ở'),
    ("Ôõ", 'Ỡ'),
    ("Ôï", 'Ợ'),
    ("Uù", 'Ú'),
    ("Uø", 'Ù'),
    ("Uû", 'Ủ'),
    ("Uõ", 'Ũ'),
    ("Uï", 'Ụ'),
    ("Öù", 'Ứ'),
    ("Öø", 'Ừ'),
    ("Öû", 'Ử'),
    ("Öõ", 'Ữ'),
    ("Öï", 'Ự'),
    ("Yù", 'Ý'),
    ("Yø", 'Ỳ'),
    ("Yû", 'Ỷ'),
    ("Yõ", 'Ỹ'),
];

/// The tables above as maps, and [`vowel_base`] of every character up to the end of
/// Latin Extended Additional (where Vietnamese letters end), made once: a cell that
/// could be legacy text is looked up letter by letter several times.
struct Tables {
    tcvn3: HashMap<char, char>,
    vni_pairs: HashMap<(char, char), char>,
    vni_singles: HashMap<char, char>,
    vni_marks: HashSet<char>,
    vowels: Vec<Option<(char, bool)>>,
}

/// Characters whose vowel base [`Tables`] holds.
const VOWEL_TABLE_END: u32 = 0x1F00;

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut t = Tables {
        tcvn3: HashMap::new(),
        vni_pairs: HashMap::new(),
        vni_singles: HashMap::new(),
        vni_marks: HashSet::new(),
        vowels: (0..VOWEL_TABLE_END)
            .map(|u| char::from_u32(u).and_then(vowel_base_of))
            .collect(),
    };
    // The first entry of a key wins, as a search through the table finds it.
    for (k, v) in TCVN3 {
        t.tcvn3.entry(*k).or_insert(*v);
    }
    for (k, v) in VNI {
        let mut cs = k.chars();
        match (cs.next(), cs.next(), cs.next()) {
            (Some(a), Some(b), None) => {
                t.vni_pairs.entry((a, b)).or_insert(*v);
            }
            (Some(a), None, None) => {
                t.vni_singles.entry(a).or_insert(*v);
            }
            _ => unreachable!("VNI keys are one or two characters: {k:?}"),
        }
        t.vni_marks.extend(k.chars());
    }
    t
});

/// Whether `c` is one of the non-ASCII characters VNI is written with.
fn is_vni_mark(c: char) -> bool {
    TABLES.vni_marks.contains(&c)
}

fn tcvn3_char(c: char) -> Option<char> {
    TABLES.tcvn3.get(&c).copied()
}

/// Decodes TCVN3 text; characters outside the table are kept. The base fonts have no
/// capitals with tone marks, so typists write a capital and then the toned small letter
/// ("A¸nh" for Ánh): such a pair becomes the toned capital.
pub fn decode_tcvn3(s: &str) -> String {
    let decoded: Vec<char> = s.chars().map(|c| tcvn3_char(c).unwrap_or(c)).collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < decoded.len() {
        let c = decoded[i];
        if let Some(&next) = decoded.get(i + 1)
            && c.is_uppercase()
            && let (Some((cap_base, false)), Some((small_base, true))) = (
                vowel_base(c.to_lowercase().next().unwrap_or(c)),
                vowel_base(next),
            )
            && cap_base == small_base
            && next.is_lowercase()
        {
            out.extend(next.to_uppercase());
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Decodes VNI text: two-character sequences first, then single characters.
pub fn decode_vni(s: &str) -> String {
    let t = &*TABLES;
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if i + 1 < chars.len()
            && let Some(u) = t.vni_pairs.get(&(chars[i], chars[i + 1]))
        {
            out.push(*u);
            i += 2;
            continue;
        }
        out.push(t.vni_singles.get(&chars[i]).copied().unwrap_or(chars[i]));
        i += 1;
    }
    out
}

/// Letters only Unicode Vietnamese has (ă, đ, ơ, ư, ĩ, ũ and the U+1EA0 block).
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(
        c as u32,
        0x0102
            | 0x0103
            | 0x0110
            | 0x0111
            | 0x0128
            | 0x0129
            | 0x0168
            | 0x0169
            | 0x01A0
            | 0x01A1
            | 0x01AF
            | 0x01B0
            | 0x1EA0..=0x1EF9
    )
}

/// Characters a legacy-encoded cell is made of (Latin-1 and Windows-1252 letters).
fn is_legacy_candidate(c: char) -> bool {
    (c as u32) >= 0x80 && ((c as u32) <= 0xFF || TABLES.tcvn3.contains_key(&c))
}

const ONSETS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
/// Codas, with `k` for the Central Highlands' place names (Đắk, Búk).
const CODAS: &[&str] = &["ng", "nh", "ch", "c", "k", "m", "n", "p", "t"];
/// Vowel groups of Vietnamese syllables, tones removed.
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô",
    "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "oai", "oay", "oeo", "uây", "uôi", "ươi",
    "ươu", "uya", "uyê", "yêu", "uyu",
];

const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// A vowel without its tone, and whether it had one.
fn vowel_base(c: char) -> Option<(char, bool)> {
    match TABLES.vowels.get(c as usize) {
        Some(v) => *v,
        None => vowel_base_of(c),
    }
}

/// [`vowel_base`], worked out.
fn vowel_base_of(c: char) -> Option<(char, bool)> {
    let mut toned = false;
    let mut base = String::with_capacity(4);
    for m in std::iter::once(c).nfd() {
        if TONES.contains(&m) {
            toned = true;
        } else {
            base.push(m);
        }
    }
    let b = base.nfc().next()?;
    matches!(
        b,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
    .then_some((b, toned))
}

/// Whether a lower-case word is a well-formed Vietnamese syllable: an onset, a vowel
/// group Vietnamese has, at most one tone, a coda.
pub fn is_syllable(word: &str) -> bool {
    let onset = ONSETS
        .iter()
        .find(|o| word.starts_with(*o))
        .map(|o| o.len())
        .unwrap_or(0);
    let rest = &word[onset..];
    let mut nucleus = String::with_capacity(8);
    let mut tones = 0;
    let mut idx = 0;
    for (i, c) in rest.char_indices() {
        match vowel_base(c) {
            Some((b, toned)) => {
                nucleus.push(b);
                tones += usize::from(toned);
                idx = i + c.len_utf8();
            }
            None => break,
        }
    }
    let coda = &rest[idx..];
    NUCLEI.contains(&nucleus.as_str()) && tones <= 1 && (coda.is_empty() || CODAS.contains(&coda))
}

/// How well a decoding reads: among its words with letters beyond ASCII, Vietnamese
/// syllables count for it and anything else against it (letters no Vietnamese word has,
/// twice). Returns the score and the number of syllables.
fn reading_score(decoded: &str) -> (i32, i32) {
    let mut score = 0;
    let mut valid = 0;
    for w in decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_ascii())
    {
        let w = w.to_lowercase();
        if is_syllable(&w) {
            score += 2;
            valid += 1;
        } else if w
            .chars()
            .any(|c| !c.is_ascii_alphanumeric() && vowel_base(c).is_none() && c != 'đ')
        {
            score -= 2;
        } else {
            score -= 1;
        }
    }
    (score, valid)
}

/// Which encoding `s` is in. Unicode letters that only Vietnamese uses, or combining
/// marks, mean Unicode. Otherwise the cell is read as it is, as TCVN3 and as VNI, and the
/// reading whose words are Vietnamese syllables wins. Many Unicode Vietnamese letters are
/// Latin-1 letters too ("Võ", "Vò"), so a tie keeps `prior`, the encoding the rest of the
/// file is clearly in, or else the text as it is. Returns the encoding and whether the
/// cell alone was ambiguous.
pub fn detect_with(s: &str, prior: Option<Encoding>) -> (Encoding, bool) {
    pick(classify(s), prior)
}

/// What a cell alone says about its encoding: certain, or the scores of its readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Fixed(Encoding),
    Scored { as_is: i32, tcvn: i32, vni: i32 },
}

/// The encoding of a cell that can only be in one: ASCII, Unicode with combining marks,
/// Unicode with a letter only Vietnamese uses, or text with no letter of a legacy font.
fn certain(s: &str) -> Option<Encoding> {
    if s.is_ascii() {
        return Some(Encoding::Nfc);
    }
    // Combining marks start at U+0300.
    if s.chars().any(|c| c >= '\u{300}' && is_combining_mark(c)) {
        return Some(Encoding::Nfd);
    }
    if s.chars().any(is_unicode_vietnamese) || !s.chars().any(is_legacy_candidate) {
        return Some(Encoding::Nfc);
    }
    None
}

fn classify(s: &str) -> Class {
    certain(s).map_or_else(|| score(s), Class::Fixed)
}

/// The scores of a cell's three readings, for a cell [`certain`] could not settle.
fn score(s: &str) -> Class {
    let (as_is, _) = reading_score(s);
    let (tcvn, _) = reading_score(&decode_tcvn3(s));
    // VNI writes every letter with the few marks of its table; a character outside them
    // (ư, đ, ê, ô, ơ, ă, â in TCVN3 are all outside) rules VNI out.
    let only_vni_marks = s.chars().filter(|c| !c.is_ascii()).all(is_vni_mark);
    let (vni, _) = if only_vni_marks {
        reading_score(&decode_vni(s))
    } else {
        (i32::MIN, 0)
    };
    Class::Scored { as_is, tcvn, vni }
}

fn pick(class: Class, prior: Option<Encoding>) -> (Encoding, bool) {
    let (as_is, tcvn, vni) = match class {
        Class::Fixed(e) => return (e, false),
        Class::Scored { as_is, tcvn, vni } => (as_is, tcvn, vni),
    };
    let best = as_is.max(tcvn).max(vni);
    let tied: Vec<Encoding> = [
        (Encoding::Nfc, as_is),
        (Encoding::Tcvn3, tcvn),
        (Encoding::Vni, vni),
    ]
    .into_iter()
    .filter(|(_, score)| *score == best)
    .map(|(e, _)| e)
    .collect();
    if best <= 0 {
        return (Encoding::Nfc, false);
    }
    match tied.as_slice() {
        [one] => (*one, false),
        many => {
            let pick = match prior {
                Some(p) if many.contains(&p) => p,
                _ if many.contains(&Encoding::Nfc) => Encoding::Nfc,
                _ => Encoding::Tcvn3,
            };
            (pick, true)
        }
    }
}

pub fn detect(s: &str) -> Encoding {
    detect_with(s, None).0
}

fn convert(s: &str, enc: Encoding) -> String {
    match enc {
        Encoding::Nfc if s.is_ascii() => s.to_string(),
        Encoding::Nfc | Encoding::Nfd => nfc(s),
        Encoding::Tcvn3 => nfc(&decode_tcvn3(s)),
        Encoding::Vni => nfc(&decode_vni(s)),
    }
}

/// A cell's text in Unicode NFC, and the encoding it was found in.
pub fn to_unicode(s: &str) -> (String, Encoding) {
    let enc = detect(s);
    (convert(s, enc), enc)
}

/// Decodes the cells of one file, remembering which encoding the file's unambiguous
/// cells used, to settle the cells several encodings could explain.
#[derive(Debug, Default, Clone)]
pub struct CellDecoder {
    unicode: u32,
    tcvn3: u32,
    vni: u32,
    /// What each distinct cell that needed scoring said alone (Latin-1 letters only, so
    /// possibly legacy text): lists repeat their communes, tiers and names on every row.
    memo: std::collections::HashMap<String, Class>,
}

/// Distinct cells remembered before the memo starts afresh (bounded memory).
const MEMO_CELLS: usize = 16_384;

impl CellDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    fn prior(&self) -> Option<Encoding> {
        let best = self.unicode.max(self.tcvn3).max(self.vni);
        if best == 0 || self.unicode == best {
            None
        } else if self.tcvn3 == best {
            Some(Encoding::Tcvn3)
        } else {
            Some(Encoding::Vni)
        }
    }

    pub fn decode(&mut self, s: &str) -> (String, Encoding) {
        if s.is_ascii() {
            return (s.to_string(), Encoding::Nfc);
        }
        // Only the cells that need scoring are worth remembering.
        let class = match certain(s) {
            Some(e) => Class::Fixed(e),
            None => match self.memo.get(s) {
                Some(c) => *c,
                None => {
                    let c = score(s);
                    if self.memo.len() >= MEMO_CELLS {
                        self.memo.clear();
                    }
                    self.memo.insert(s.to_string(), c);
                    c
                }
            },
        };
        let (enc, ambiguous) = pick(class, self.prior());
        if !ambiguous && !s.is_ascii() {
            match enc {
                Encoding::Tcvn3 => self.tcvn3 += 1,
                Encoding::Vni => self.vni += 1,
                Encoding::Nfc | Encoding::Nfd => self.unicode += 1,
            }
        }
        (convert(s, enc), enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcvn3_headers_of_the_sample() {
        let cases = [
            ("Phßng GD&§T §¾k R'LÊp", "Phòng GD&ĐT Đắk R'Lấp"),
            ("Tr\u{ad}êng TiÓu häc Kim §ång", "Trường Tiểu học Kim Đồng"),
            ("Hä tªn häc sinh", "Họ tên học sinh"),
            ("Ngµy, th¸ng, n¨m sinh", "Ngày, tháng, năm sinh"),
            ("§Þa chØ (th«n, x·)", "Địa chỉ (thôn, xã)"),
            ("Thuéc ®èi t\u{ad}îng", "Thuộc đối tượng"),
            ("Sè sæ hé nghÌo/cËn nghÌo", "Số sổ hộ nghèo/cận nghèo"),
            ("Cã m¸y tÝnh ch\u{ad}a?", "Có máy tính chưa?"),
            ("NguyÔn §øc ViÖt", "Nguyễn Đức Việt"),
            ("K'RÐ", "K'Ré"),
            ("£ §ª", "Ê Đê"),
            ("Ph¹m Hång H\u{ad}¬ng", "Phạm Hồng Hương"),
            ("NguyÔn ThÞ A¸nh", "Nguyễn Thị Ánh"),
        ];
        for (legacy, unicode) in cases {
            assert_eq!(
                to_unicode(legacy),
                (unicode.to_string(), Encoding::Tcvn3),
                "{legacy}"
            );
        }
    }

    #[test]
    fn vni_names() {
        let cases = [
            ("Nguyeãn Ñöùc Vieät", "Nguyễn Đức Việt"),
            ("Tröôøng Tieåu hoïc Kim Ñoàng", "Trường Tiểu học Kim Đồng"),
            ("Hoà Vaên Möôøi", "Hồ Văn Mười"),
            ("Ñaék Noâng", "Đắk Nông"),
            ("NGUYEÃN THÒ HAÈNG", "NGUYỄN THỊ HẰNG"),
        ];
        for (legacy, unicode) in cases {
            assert_eq!(
                to_unicode(legacy),
                (unicode.to_string(), Encoding::Vni),
                "{legacy}"
            );
        }
        // "Vò" is Vũ in TCVN3 and Vị in VNI: the file decides.
        let mut d = CellDecoder::new();
        assert_eq!(d.decode("Vò").0, "Vò", "alone, a valid Unicode word stays");
        d.decode("Nguyeãn Ñöùc Vieät");
        assert_eq!(d.decode("Vò").0, "Vị", "in a VNI file");
        let mut d = CellDecoder::new();
        d.decode("NguyÔn §øc ViÖt");
        assert_eq!(d.decode("Vò").0, "Vũ", "in a TCVN3 file");
    }

    /// `decode_vni` as first written: a search through the table for each pair, then
    /// each character.
    fn decode_vni_by_search(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if i + 1 < chars.len() {
                let pair: String = chars[i..i + 2].iter().collect();
                if let Some((_, u)) = VNI.iter().find(|(k, _)| *k == pair) {
                    out.push(*u);
                    i += 2;
                    continue;
                }
            }
            let single = chars[i].to_string();
            match VNI.iter().find(|(k, _)| *k == single) {
                Some((_, u)) => out.push(*u),
                None => out.push(chars[i]),
            }
            i += 1;
        }
        out
    }

    #[test]
    fn the_maps_answer_as_the_tables() {
        // Every pair of characters the VNI table is written with, and a few others.
        let mut alphabet: Vec<char> = VNI.iter().flat_map(|(k, _)| k.chars()).collect();
        alphabet.extend(['a', 'x', ' ', 'Ô', '§', 'ư']);
        alphabet.sort();
        alphabet.dedup();
        for a in &alphabet {
            for b in &alphabet {
                let s = format!("{a}{b}{a}");
                assert_eq!(decode_vni(&s), decode_vni_by_search(&s), "{s:?}");
            }
        }
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            assert_eq!(
                tcvn3_char(c),
                TCVN3.iter().find(|(k, _)| *k == c).map(|(_, v)| *v),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_vni_mark(c),
                VNI.iter().any(|(k, _)| k.contains(c)),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(vowel_base(c), vowel_base_of(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn no_combining_mark_before_u0300() {
        for c in (0..0x300u32).filter_map(char::from_u32) {
            assert!(!is_combining_mark(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn unicode_is_kept() {
        assert_eq!(
            to_unicode("Nguyễn Thị Hằng"),
            ("Nguyễn Thị Hằng".to_string(), Encoding::Nfc)
        );
        let nfd: String = "Nguyễn Thị Hằng".nfd().collect();
        assert_eq!(
            to_unicode(&nfd),
            ("Nguyễn Thị Hằng".to_string(), Encoding::Nfd)
        );
        assert_eq!(to_unicode("STT").1, Encoding::Nfc);
        // Latin-1 words that are not Vietnamese stay as they are.
        assert_eq!(to_unicode("José Müller").0, "José Müller");
        assert_eq!(to_unicode("Café 25°C").0, "Café 25°C");
    }

    fn encode_tcvn3(s: &str) -> String {
        s.chars()
            .map(|c| {
                TCVN3
                    .iter()
                    .find(|(_, u)| *u == c)
                    .map(|(k, _)| *k)
                    .unwrap_or(c)
            })
            .collect()
    }

    fn encode_vni(s: &str) -> String {
        s.chars()
            .map(|c| {
                VNI.iter()
                    .find(|(_, u)| *u == c)
                    .map(|(k, _)| k.to_string())
                    .unwrap_or_else(|| c.to_string())
            })
            .collect()
    }

    const NAMES: &[&str] = &[
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Thị",
        "Văn",
        "Hữu",
        "Đức",
        "Minh",
        "Quốc",
        "Thanh",
        "Ngọc",
        "Hương",
        "Hằng",
        "Thảo",
        "Nguyệt",
        "Tuấn",
        "Khoa",
        "Việt",
        "Quyết",
        "Trường",
        "Hiếu",
        "Mười",
        "Điểu",
        "Thuận",
        "Giàng",
        "Sùng",
        "Lường",
        "Yến",
        "Uyên",
        "Xuân",
        "Khánh",
        "Dũng",
        "Tài",
        "Sơn",
        "Bảo",
        "Mạnh",
        "Trọng",
        "Nghĩa",
    ];

    proptest::proptest! {
        /// Any name written in TCVN3 or VNI comes back as the same Unicode.
        #[test]
        fn legacy_names_round_trip(picks in proptest::collection::vec(0usize..NAMES.len(), 2..5)) {
            let name = picks.iter().map(|i| NAMES[*i]).collect::<Vec<_>>().join(" ");
            let plain = name.is_ascii();
            let or_nfc = |e: Encoding| if plain { Encoding::Nfc } else { e };
            // In a file whose other cells are clearly TCVN3 (or VNI), as a real list is.
            let mut in_tcvn3_file = CellDecoder::new();
            in_tcvn3_file.decode(&encode_tcvn3("Nguyễn Văn Tiến"));
            let tcvn = encode_tcvn3(&name);
            proptest::prop_assert_eq!(in_tcvn3_file.decode(&tcvn), (name.clone(), or_nfc(Encoding::Tcvn3)), "{}", tcvn);
            let mut in_vni_file = CellDecoder::new();
            in_vni_file.decode(&encode_vni("Nguyễn Văn Tiến"));
            let vni = encode_vni(&name);
            proptest::prop_assert_eq!(in_vni_file.decode(&vni), (name.clone(), or_nfc(Encoding::Vni)), "{}", vni);
            let nfd: String = name.nfd().collect();
            proptest::prop_assert_eq!(to_unicode(&nfd), (name.clone(), or_nfc(Encoding::Nfd)));
            let mut in_unicode_file = CellDecoder::new();
            in_unicode_file.decode("Nguyễn Văn Tiến");
            proptest::prop_assert_eq!(in_unicode_file.decode(&name), (name.clone(), Encoding::Nfc));
        }
    }

    #[test]
    fn syllables() {
        for w in [
            "nguyễn",
            "đức",
            "việt",
            "trường",
            "khuya",
            "ngoằn",
            "quyết",
            "giữa",
            "a",
            "oanh",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["ß", "rð", "abcd", "sch", "việtt"] {
            assert!(!is_syllable(w), "{w}");
        }
    }
}
