//! VietQR: the NAPAS bank-transfer QR code every Vietnamese banking app scans. An EMVCo
//! merchant-presented payload of tag–length–value fields, closed by a CRC-16/CCITT-FALSE:
//!
//! `00`=`01` (format), `01`=`11` static or `12` with an amount, `38` = the NAPAS
//! beneficiary {`00`=`A000000727`, `01`={`00`=bank BIN, `01`=account}, `02`=`QRIBFTTA`
//! (transfer to an account)}, `53`=`704` (VND), `54`=amount, `58`=`VN`,
//! `62`={`08`=the transfer note}, `63`=CRC over everything before it including `6304`.

use crate::DomainError;
use crate::ledger::LedgerError;
use crate::money::Dong;

/// Banks by their NAPAS BIN, as configuration names them.
pub const BANKS: &[(&str, &str, &str)] = &[
    (
        "970436",
        "Vietcombank",
        "Ngân hàng TMCP Ngoại thương Việt Nam",
    ),
    (
        "970418",
        "BIDV",
        "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam",
    ),
    (
        "970415",
        "VietinBank",
        "Ngân hàng TMCP Công thương Việt Nam",
    ),
    (
        "970405",
        "Agribank",
        "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
    ),
    ("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    ("970422", "MB", "Ngân hàng TMCP Quân đội"),
    ("970416", "ACB", "Ngân hàng TMCP Á Châu"),
    ("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    ("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    ("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
];

/// The bank's short name for a BIN, when it is one of [`BANKS`].
pub fn bank_name(bin: &str) -> Option<&'static str> {
    BANKS.iter().find(|b| b.0 == bin).map(|b| b.1)
}

/// The longest transfer note the payload carries.
pub const NOTE_MAX: usize = 25;

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final
/// XOR.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The base letter of a Vietnamese letter with its marks (`ệ` → `e`, `Đ` → `D`).
fn base_letter(c: char) -> Option<char> {
    const GROUPS: [(&str, char); 14] = [
        ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
        ("ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ", 'A'),
        ("èéẹẻẽêềếệểễ", 'e'),
        ("ÈÉẸẺẼÊỀẾỆỂỄ", 'E'),
        ("ìíịỉĩ", 'i'),
        ("ÌÍỊỈĨ", 'I'),
        ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
        ("ÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ", 'O'),
        ("ùúụủũưừứựửữ", 'u'),
        ("ÙÚỤỦŨƯỪỨỰỬỮ", 'U'),
        ("ỳýỵỷỹ", 'y'),
        ("ỲÝỴỶỸ", 'Y'),
        ("đ", 'd'),
        ("Đ", 'D'),
    ];
    GROUPS
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, b)| *b)
}

/// A transfer note as the payload carries it: Vietnamese marks removed (whether the
/// text is precomposed or not), other characters outside printable ASCII dropped, runs of
/// spaces made one, cut to [`NOTE_MAX`] characters.
pub fn ascii_note(text: &str) -> String {
    let trimmed: String = ascii_fold(text).chars().take(NOTE_MAX).collect();
    trimmed.trim_end().to_string()
}

/// A text in printable ASCII: Vietnamese marks removed, other characters dropped, runs of
/// spaces made one, trimmed.
pub fn ascii_fold(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii() {
            c
        } else if let Some(b) = base_letter(c) {
            b
        } else if c.is_whitespace() {
            ' '
        } else {
            // Combining marks (a decomposed text) and anything else outside ASCII.
            continue;
        };
        let c = if c.is_ascii_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// A bank-transfer request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VietQr {
    /// The bank's six-digit NAPAS BIN.
    pub bin: String,
    /// The beneficiary's account number.
    pub account: String,
    /// A fixed amount, or none for a code the payer fills in.
    pub amount: Option<Dong>,
    /// The transfer note (a pledge code); stripped to ASCII by [`ascii_note`].
    pub note: Option<String>,
}

fn invalid(field: &'static str, vi: &str, en: &str) -> DomainError {
    DomainError::Ledger(LedgerError::InvalidBankDetails {
        field,
        reason_vi: vi.into(),
        reason_en: en.into(),
    })
}

fn tlv(out: &mut String, id: &str, value: &str) {
    debug_assert!(value.len() < 100);
    out.push_str(id);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
}

impl VietQr {
    /// The EMVCo payload, or why the bank details cannot make one.
    pub fn payload(&self) -> Result<String, DomainError> {
        if !(self.bin.len() == 6 && self.bin.bytes().all(|b| b.is_ascii_digit())) {
            return Err(invalid(
                "bin",
                "mã ngân hàng (BIN) gồm đúng 6 chữ số",
                "a bank BIN has exactly 6 digits",
            ));
        }
        if !((1..=19).contains(&self.account.len())
            && self.account.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(invalid(
                "account",
                "số tài khoản gồm 1 đến 19 chữ số hoặc chữ cái không dấu",
                "an account number has 1 to 19 digits or ASCII letters",
            ));
        }
        if let Some(a) = self.amount
            && !(1..=9_999_999_999_999).contains(&a.0)
        {
            return Err(invalid(
                "amount",
                "số tiền phải là số nguyên đồng từ 1 đến 13 chữ số",
                "the amount must be a whole number of đồng, 1 to 13 digits",
            ));
        }
        let mut beneficiary = String::new();
        tlv(&mut beneficiary, "00", &self.bin);
        tlv(&mut beneficiary, "01", &self.account);
        let mut napas = String::new();
        tlv(&mut napas, "00", "A000000727");
        tlv(&mut napas, "01", &beneficiary);
        tlv(&mut napas, "02", "QRIBFTTA");
        let mut out = String::new();
        tlv(&mut out, "00", "01");
        tlv(
            &mut out,
            "01",
            if self.amount.is_some() { "12" } else { "11" },
        );
        tlv(&mut out, "38", &napas);
        tlv(&mut out, "53", "704");
        if let Some(a) = self.amount {
            tlv(&mut out, "54", &a.0.to_string());
        }
        tlv(&mut out, "58", "VN");
        let note = self.note.as_deref().map(ascii_note).unwrap_or_default();
        if !note.is_empty() {
            let mut extra = String::new();
            tlv(&mut extra, "08", &note);
            tlv(&mut out, "62", &extra);
        }
        out.push_str("6304");
        let crc = crc16_ccitt_false(out.as_bytes());
        out.push_str(&format!("{crc:04X}"));
        Ok(out)
    }

    /// The payload drawn as an SVG QR code (error correction M, with its quiet zone).
    pub fn svg(&self, size: u32) -> Result<String, DomainError> {
        Ok(qr_svg(&self.payload()?, size))
    }
}

/// Any short ASCII text drawn as an SVG QR code.
pub fn qr_svg(payload: &str, size: u32) -> String {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .expect("a VietQR payload is far below a QR code's capacity");
    code.render::<svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qr(bin: &str, account: &str, amount: Option<i64>, note: Option<&str>) -> String {
        VietQr {
            bin: bin.into(),
            account: account.into(),
            amount: amount.map(Dong),
            note: note.map(str::to_string),
        }
        .payload()
        .unwrap()
    }

    /// The three published vectors, byte for byte.
    #[test]
    fn matches_the_published_vectors() {
        assert_eq!(
            qr("970423", "0099999999", None, None),
            "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4"
        );
        assert_eq!(
            qr(
                "970422",
                "0023457923442",
                Some(40_123),
                Some("test text string")
            ),
            "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA53037045405401235802VN62200816test text string6304D9C6"
        );
        assert_eq!(
            qr(
                "970415",
                "0011001932418",
                Some(120_000),
                Some("ung ho lu lut")
            ),
            "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C"
        );
    }

    /// The standard check value of CRC-16/CCITT-FALSE, and a bitwise second
    /// implementation (reflected-free, table-free, MSB-first over bits) on other inputs.
    #[test]
    fn crc_is_ccitt_false() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
        fn by_bits(data: &[u8]) -> u16 {
            let mut reg: u32 = 0xFFFF;
            for bit in data
                .iter()
                .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
            {
                let top = ((reg >> 15) & 1) as u8;
                reg = (reg << 1) & 0xFFFF;
                if top ^ bit == 1 {
                    reg ^= 0x1021;
                }
            }
            reg as u16
        }
        for s in ["A", "VietQR 2026", "00020101021138540010A000000727"] {
            assert_eq!(
                crc16_ccitt_false(s.as_bytes()),
                by_bits(s.as_bytes()),
                "{s}"
            );
        }
    }

    #[test]
    fn notes_lose_their_marks_and_are_cut() {
        assert_eq!(ascii_note("Ủng hộ lũ lụt"), "Ung ho lu lut");
        assert_eq!(
            ascii_note("Đóng góp  chương trình"),
            "Dong gop chuong trinh"
        );
        // Decomposed marks (NFD) are dropped too.
        assert_eq!(ascii_note("Nguye\u{302}\u{303}n"), "Nguyen");
        assert_eq!(
            ascii_note("SMT-7K3Q9X ủng hộ máy tính cho em vùng cao"),
            "SMT-7K3Q9X ung ho may tin"
        );
        assert_eq!(ascii_note("   "), "");
        assert_eq!(ascii_note("a\tb\nc"), "a b c");
        assert!(ascii_note(&"ệ".repeat(40)).len() == NOTE_MAX);
    }

    #[test]
    fn refuses_what_no_bank_accepts() {
        for (bin, account, amount) in [
            ("97043", "1", None),
            ("97043a", "1", None),
            ("970436", "", None),
            ("970436", "0123 456", None),
            ("970436", "01234567890123456789", None),
            ("970436", "0123", Some(0)),
            ("970436", "0123", Some(-5)),
            ("970436", "0123", Some(10_000_000_000_000)),
        ] {
            let r = VietQr {
                bin: bin.into(),
                account: account.into(),
                amount: amount.map(Dong),
                note: None,
            }
            .payload();
            assert!(r.is_err(), "{bin} {account} {amount:?}");
        }
    }

    #[test]
    fn a_long_note_keeps_the_payload_parseable() {
        let p = qr(
            "970436",
            "1017338899",
            Some(5_000_000),
            Some("Ủng hộ chương trình Sóng và máy tính cho em 2026"),
        );
        // Walk the TLV fields back: every length is right and the CRC closes it.
        let mut i = 0;
        let mut ids = Vec::new();
        while i < p.len() {
            let id = &p[i..i + 2];
            let len: usize = p[i + 2..i + 4].parse().unwrap();
            ids.push(id.to_string());
            i += 4 + len;
        }
        assert_eq!(i, p.len());
        assert_eq!(ids, ["00", "01", "38", "53", "54", "58", "62", "63"]);
        let crc = crc16_ccitt_false(&p.as_bytes()[..p.len() - 4]);
        assert_eq!(&p[p.len() - 4..], format!("{crc:04X}"));
    }
}

/// The SVG drawn by an SVG renderer (resvg) and read back by a QR reader (rqrr): what a
/// phone's camera would see.
#[cfg(test)]
mod decode {
    use super::*;

    fn read_back(svg: &str) -> String {
        let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::default(),
            &mut pixmap.as_mut(),
        );
        let (w, h) = (size.width() as usize, size.height() as usize);
        let data = pixmap.data();
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| data[(y * w + x) * 4]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the picture");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_drawn_code_reads_back_as_the_payload() {
        for q in [
            VietQr {
                bin: "970423".into(),
                account: "0099999999".into(),
                amount: None,
                note: None,
            },
            VietQr {
                bin: "970415".into(),
                account: "0011001932418".into(),
                amount: Some(Dong(120_000)),
                note: Some("ung ho lu lut".into()),
            },
            VietQr {
                bin: "970436".into(),
                account: "1017338899".into(),
                amount: Some(Dong(2_500_000)),
                note: Some("SMT-7K3Q9X Ủng hộ máy tính".into()),
            },
        ] {
            let payload = q.payload().unwrap();
            assert_eq!(read_back(&q.svg(240).unwrap()), payload);
        }
    }
}
