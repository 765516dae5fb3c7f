//! The archive (lưu trữ hồ sơ): every decision, contract, invoice, set of minutes and
//! acknowledgement the program issued or received, uploaded or printed, with its type,
//! number, date and SHA-256, found by any of them. The kinds and the search's rules.

use crate::Lang;
use time::Date;

/// What kind of paper a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Quyết định: an award, an allocation.
    Decision,
    /// Kế hoạch: a procurement plan.
    Plan,
    /// Hợp đồng.
    Contract,
    /// Hóa đơn.
    Invoice,
    /// Biên bản: receipt, handover, acceptance, bid opening.
    Minutes,
    /// Giấy xác nhận: the acknowledgement of a cash gift.
    Acknowledgement,
    /// Báo cáo: an appraisal, an evaluation.
    Report,
    /// Văn bản khác: a deed of gift, a notice, a bid.
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 8] = [
        DocKind::Decision,
        DocKind::Plan,
        DocKind::Contract,
        DocKind::Invoice,
        DocKind::Minutes,
        DocKind::Acknowledgement,
        DocKind::Report,
        DocKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::Decision => "decision",
            DocKind::Plan => "plan",
            DocKind::Contract => "contract",
            DocKind::Invoice => "invoice",
            DocKind::Minutes => "minutes",
            DocKind::Acknowledgement => "acknowledgement",
            DocKind::Report => "report",
            DocKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DocKind::Decision => lang.pick("Quyết định", "Decision"),
            DocKind::Plan => lang.pick("Kế hoạch", "Plan"),
            DocKind::Contract => lang.pick("Hợp đồng", "Contract"),
            DocKind::Invoice => lang.pick("Hóa đơn", "Invoice"),
            DocKind::Minutes => lang.pick("Biên bản", "Minutes"),
            DocKind::Acknowledgement => lang.pick("Giấy xác nhận", "Acknowledgement"),
            DocKind::Report => lang.pick("Báo cáo", "Report"),
            DocKind::Other => lang.pick("Văn bản khác", "Other document"),
        }
    }

    /// The kind of a procurement step's document.
    pub fn of_procurement_step(step: &str) -> DocKind {
        match step {
            "plan" => DocKind::Plan,
            "award" => DocKind::Decision,
            "contract" => DocKind::Contract,
            "invoice" => DocKind::Invoice,
            "bid_opening" | "acceptance" | "delivery" => DocKind::Minutes,
            "evaluation" => DocKind::Report,
            _ => DocKind::Other,
        }
    }
}

/// How the archive holds a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A file someone uploaded (a signed scan, a supplier's invoice): kept with its bytes.
    Uploaded,
    /// A document the program printed from its records: its SHA-256 as issued, each
    /// different print listed (a set of minutes printed before and after signing).
    Printed,
}

impl Origin {
    pub fn code(self) -> &'static str {
        match self {
            Origin::Uploaded => "uploaded",
            Origin::Printed => "printed",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        match s {
            "uploaded" => Some(Origin::Uploaded),
            "printed" => Some(Origin::Printed),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Origin::Uploaded => lang.pick("Tệp tải lên", "Uploaded file"),
            Origin::Printed => lang.pick("Bản in từ hệ thống", "Printed by the system"),
        }
    }
}

/// What one search asks for. `text` finds a number or a title (any part, case and
/// diacritics as typed), or a SHA-256 by its first characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub text: Option<String>,
    pub kind: Option<DocKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// What the search text is taken as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// Eight to 64 hexadecimal characters: the start of a SHA-256 (lower case), or part of
    /// a number made of such characters (an invoice's "00001234").
    Digest(String),
    /// Anything else: part of a number or a title.
    Words(String),
}

/// The search text as a digest prefix or words; `None` when empty. At most 200 characters.
pub fn needle(text: &str) -> Option<Needle> {
    let t: String = text.trim().chars().take(200).collect();
    if t.is_empty() {
        return None;
    }
    let hex = t.len() >= 8 && t.len() <= 64 && t.chars().all(|c| c.is_ascii_hexdigit());
    Some(if hex {
        Needle::Digest(t.to_ascii_lowercase())
    } else {
        Needle::Words(t)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_steps_map() {
        for k in DocKind::ALL {
            assert_eq!(DocKind::parse(k.code()), Some(k));
            assert!(!k.label(Lang::Vi).is_empty() && !k.label(Lang::En).is_empty());
        }
        assert_eq!(DocKind::parse("memo"), None);
        assert_eq!(DocKind::of_procurement_step("award"), DocKind::Decision);
        assert_eq!(DocKind::of_procurement_step("acceptance"), DocKind::Minutes);
        assert_eq!(DocKind::of_procurement_step("notice"), DocKind::Other);
    }

    #[test]
    fn a_digest_is_told_from_words() {
        assert_eq!(needle("  "), None);
        assert_eq!(needle("9F86D081"), Some(Needle::Digest("9f86d081".into())));
        // Seven characters are too few to be a digest; a number with letters is words.
        assert_eq!(needle("9f86d08"), Some(Needle::Words("9f86d08".into())));
        assert_eq!(needle("01/BB-BDP"), Some(Needle::Words("01/BB-BDP".into())));
        assert_eq!(needle("abcdefab"), Some(Needle::Digest("abcdefab".into())));
        assert_eq!(needle("abcdefgh"), Some(Needle::Words("abcdefgh".into())));
        let long = "a".repeat(65);
        assert_eq!(needle(&long), Some(Needle::Words(long.clone())));
    }
}
