//! What a text file's bytes are: decided once for the whole file, from its byte-order
//! mark or its bytes (a first pass, then back to the start), and said in the report. A
//! CSV saved by Excel on a Vietnamese Windows is Windows-1258 (tone marks as separate
//! characters); on other Windows, Windows-1252, which is also how lists typed in the old
//! TCVN3 and VNI fonts look, for the per-cell decoder (`text`) to turn into Vietnamese.

use std::io::{self, Read, Seek, SeekFrom};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes it.
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1258,
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1258 => "Windows-1258",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    /// Whether the file is read through a transcoder to UTF-8 (UTF-16).
    pub fn is_utf16(self) -> bool {
        matches!(self, TextEncoding::Utf16Le | TextEncoding::Utf16Be)
    }
}

/// Decides the encoding of a text file and leaves the reader at its start.
pub fn detect<R: Read + Seek>(r: &mut R) -> io::Result<TextEncoding> {
    let mut head = [0u8; 4096];
    let n = read_up_to(r, &mut head)?;
    let head = &head[..n];
    let found = if head.starts_with(b"\xEF\xBB\xBF") {
        TextEncoding::Utf8Bom
    } else if head.starts_with(b"\xFF\xFE") {
        TextEncoding::Utf16Le
    } else if head.starts_with(b"\xFE\xFF") {
        TextEncoding::Utf16Be
    } else if let Some(e) = utf16_without_bom(head) {
        e
    } else {
        r.seek(SeekFrom::Start(0))?;
        eight_bit(r)?
    };
    r.seek(SeekFrom::Start(0))?;
    Ok(found)
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Text of mostly ASCII letters in UTF-16 has a zero byte in every other place.
fn utf16_without_bom(head: &[u8]) -> Option<TextEncoding> {
    if head.len() < 8 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in head.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 { even += 1 } else { odd += 1 }
        }
    }
    let half = head.len() / 2;
    if odd * 10 >= half * 3 && even * 20 < half {
        Some(TextEncoding::Utf16Le)
    } else if even * 10 >= half * 3 && odd * 20 < half {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Windows-1258's tone marks (combining): acute, grave, hook above, tilde, dot below.
const TONES: [u8; 5] = [0xEC, 0xCC, 0xD2, 0xDE, 0xF2];
/// Vowels a Windows-1258 tone follows, beyond ASCII's: â ă ê ô ơ ư and capitals.
const VOWELS_1258: [u8; 12] = [
    0xC2, 0xC3, 0xCA, 0xD4, 0xD5, 0xDD, 0xE2, 0xE3, 0xEA, 0xF4, 0xF5, 0xFD,
];

/// How much of a file decides its encoding: enough for any school's list whole, and a
/// large file is not read twice. A later cell that is not in the encoding decided is
/// refused by name (`not_utf8`), never read as something else.
pub const DETECT_BYTES: u64 = 1 << 20;

/// UTF-8 if every byte read is; else Windows-1258 when its tone marks stand where
/// Vietnamese puts them (after a vowel, nearly always); else Windows-1252.
fn eight_bit<R: Read>(r: &mut R) -> io::Result<TextEncoding> {
    let mut r = r.take(DETECT_BYTES);
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let mut valid = true;
    let (mut high, mut tones, mut tones_after_vowel) = (0usize, 0usize, 0usize);
    let mut prev = 0u8;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b >= 0x80 {
                high += 1;
            }
            if TONES.contains(&b) {
                tones += 1;
                if b"aeiouyAEIOUY".contains(&prev) || VOWELS_1258.contains(&prev) {
                    tones_after_vowel += 1;
                }
            }
            prev = b;
        }
        if valid {
            carry.extend_from_slice(&buf[..n]);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                // A sequence cut by the end of this chunk: keep its start for the next.
                Err(e) if e.error_len().is_none() => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => valid = false,
            }
        }
    }
    // A sequence cut by the end of what was read is still UTF-8.
    if valid && (carry.is_empty() || r.limit() == 0) {
        return Ok(TextEncoding::Utf8);
    }
    let vietnamese_tones = tones >= 3 && tones_after_vowel * 10 >= tones * 9 && tones * 5 >= high;
    Ok(if vietnamese_tones {
        TextEncoding::Windows1258
    } else {
        TextEncoding::Windows1252
    })
}

/// A field's bytes as text in the file's encoding (UTF-16 files arrive already as UTF-8).
pub fn decode(bytes: &[u8], enc: TextEncoding) -> String {
    match enc {
        TextEncoding::Windows1258 => {
            let s: String = bytes.iter().map(|&b| cp1258(b)).collect();
            text::nfc(&s)
        }
        TextEncoding::Windows1252 => bytes.iter().map(|&b| cp1252(b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Windows-1258 (the code page's table, from Python's `cp1258` codec; bytes it leaves
/// undefined read as U+FFFD).
fn cp1258(b: u8) -> char {
    const HIGH: [char; 128] = [
        '\u{20ac}', '\u{fffd}', '\u{201a}', '\u{0192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02c6}', '\u{2030}', '\u{fffd}', '\u{2039}', '\u{0152}', '\u{fffd}',
        '\u{fffd}', '\u{fffd}', '\u{fffd}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02dc}', '\u{2122}', '\u{fffd}', '\u{203a}',
        '\u{0153}', '\u{fffd}', '\u{fffd}', '\u{0178}', '\u{00a0}', '\u{00a1}', '\u{00a2}',
        '\u{00a3}', '\u{00a4}', '\u{00a5}', '\u{00a6}', '\u{00a7}', '\u{00a8}', '\u{00a9}',
        '\u{00aa}', '\u{00ab}', '\u{00ac}', '\u{00ad}', '\u{00ae}', '\u{00af}', '\u{00b0}',
        '\u{00b1}', '\u{00b2}', '\u{00b3}', '\u{00b4}', '\u{00b5}', '\u{00b6}', '\u{00b7}',
        '\u{00b8}', '\u{00b9}', '\u{00ba}', '\u{00bb}', '\u{00bc}', '\u{00bd}', '\u{00be}',
        '\u{00bf}', '\u{00c0}', '\u{00c1}', '\u{00c2}', '\u{0102}', '\u{00c4}', '\u{00c5}',
        '\u{00c6}', '\u{00c7}', '\u{00c8}', '\u{00c9}', '\u{00ca}', '\u{00cb}', '\u{0300}',
        '\u{00cd}', '\u{00ce}', '\u{00cf}', '\u{0110}', '\u{00d1}', '\u{0309}', '\u{00d3}',
        '\u{00d4}', '\u{01a0}', '\u{00d6}', '\u{00d7}', '\u{00d8}', '\u{00d9}', '\u{00da}',
        '\u{00db}', '\u{00dc}', '\u{01af}', '\u{0303}', '\u{00df}', '\u{00e0}', '\u{00e1}',
        '\u{00e2}', '\u{0103}', '\u{00e4}', '\u{00e5}', '\u{00e6}', '\u{00e7}', '\u{00e8}',
        '\u{00e9}', '\u{00ea}', '\u{00eb}', '\u{0301}', '\u{00ed}', '\u{00ee}', '\u{00ef}',
        '\u{0111}', '\u{00f1}', '\u{0323}', '\u{00f3}', '\u{00f4}', '\u{01a1}', '\u{00f6}',
        '\u{00f7}', '\u{00f8}', '\u{00f9}', '\u{00fa}', '\u{00fb}', '\u{00fc}', '\u{01b0}',
        '\u{20ab}', '\u{00ff}',
    ];
    if b < 0x80 {
        b as char
    } else {
        HIGH[(b - 0x80) as usize]
    }
}

/// A UTF-16 file read as UTF-8 bytes, in pieces (a file of any size).
pub struct Utf16ToUtf8<R> {
    inner: R,
    little: bool,
    pending: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    first: bool,
    done: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    pub fn new(inner: R, enc: TextEncoding) -> Self {
        Utf16ToUtf8 {
            inner,
            little: enc == TextEncoding::Utf16Le,
            pending: Vec::new(),
            out: Vec::new(),
            at: 0,
            first: true,
            done: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 1 << 15];
        let n = self.inner.read(&mut buf)?;
        if n == 0 {
            self.done = true;
        }
        self.pending.extend_from_slice(&buf[..n]);
        // Whole code units only; a surrogate pair cut at the end waits for its half.
        let mut units: Vec<u16> = self
            .pending
            .chunks_exact(2)
            .map(|c| {
                if self.little {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        let mut used = units.len() * 2;
        if !self.done && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
            used -= 2;
        }
        self.pending.drain(..used);
        self.out.clear();
        self.at = 0;
        let mut s = String::new();
        for c in char::decode_utf16(units) {
            s.push(c.unwrap_or('\u{FFFD}'));
        }
        if self.first {
            s = s.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(s);
            self.first = false;
        }
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
