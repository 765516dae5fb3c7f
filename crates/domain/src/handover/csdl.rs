//! The education sector database (CSDL ngành): which columns a school's export has, in
//! what order and under what headers. The Ministry's template is not public, so the
//! column set is data (`csdl-columns.tsv`, or a file of the same shape), not code.

use super::HandoverError;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    StudentCode,
    SchoolCode,
    DeviceKind,
    Serial,
    Imei,
    /// dd/mm/yyyy
    ReceivedOn,
    /// "Tài trợ" or "Hợp đồng mua sắm"
    Source,
    DonorOrSupplier,
    /// Filled in by the school ("x") once the row is entered.
    Entered,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::StudentCode,
        Field::SchoolCode,
        Field::DeviceKind,
        Field::Serial,
        Field::Imei,
        Field::ReceivedOn,
        Field::Source,
        Field::DonorOrSupplier,
        Field::Entered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Field::StudentCode => "student_code",
            Field::SchoolCode => "school_code",
            Field::DeviceKind => "device_kind",
            Field::Serial => "serial",
            Field::Imei => "imei",
            Field::ReceivedOn => "received_on",
            Field::Source => "source",
            Field::DonorOrSupplier => "donor_or_supplier",
            Field::Entered => "entered",
        }
    }
}

/// The default column set.
pub const DEFAULT: &str = include_str!("csdl-columns.tsv");

/// An ordered column set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns(pub Vec<(Field, String)>);

impl Columns {
    pub fn default_set() -> Columns {
        Columns::parse(DEFAULT).expect("the default column set reads")
    }

    /// Reads `field<TAB>header` lines; `#` starts a comment. Every field at most once, the
    /// serial and the mark required (the sheet comes back matched by serial).
    pub fn parse(text: &str) -> Result<Columns, String> {
        let mut out: Vec<(Field, String)> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (code, header) = line
                .split_once('\t')
                .ok_or_else(|| format!("dòng {}: cần “trường<TAB>tiêu đề”", i + 1))?;
            let field = Field::ALL
                .into_iter()
                .find(|f| f.code() == code.trim())
                .ok_or_else(|| format!("dòng {}: không có trường “{}”", i + 1, code.trim()))?;
            let header = header.trim();
            if header.is_empty() {
                return Err(format!("dòng {}: tiêu đề trống", i + 1));
            }
            if out.iter().any(|(f, h)| *f == field || h == header) {
                return Err(format!("dòng {}: “{}” có hai lần", i + 1, code.trim()));
            }
            out.push((field, header.to_string()));
        }
        for needed in [Field::Serial, Field::Entered] {
            if !out.iter().any(|(f, _)| *f == needed) {
                return Err(format!("thiếu trường “{}”", needed.code()));
            }
        }
        Ok(Columns(out))
    }

    pub fn header(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.as_str())
    }
}

/// A school's mark in the "entered" column: empty is not entered; "x", "có", "đã nhập",
/// "1", "✓" (any case) is entered; anything else is refused, naming the row.
pub fn entered_mark(raw: &str, row: usize, column: &str) -> Result<bool, HandoverError> {
    let v = raw.trim().to_lowercase();
    match v.as_str() {
        "" | "0" | "không" | "chưa" => Ok(false),
        "x" | "có" | "co" | "đã nhập" | "da nhap" | "1" | "✓" | "✔" | "yes" => Ok(true),
        _ => Err(HandoverError::CsdlRow {
            row,
            column: column.to_string(),
            reason_vi: "ghi “x” nếu dòng đã nhập vào CSDL ngành, để trống nếu chưa.",
            reason_en: "write “x” when the row is entered in the sector database, leave it empty if not.",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_reads_in_its_order() {
        let c = Columns::default_set();
        assert_eq!(c.0.len(), 9);
        assert_eq!(c.0[0], (Field::StudentCode, "Mã học sinh".to_string()));
        assert_eq!(c.header(Field::Serial), Some("Số sê-ri"));
    }

    #[test]
    fn a_column_set_without_serials_or_with_a_repeat_is_refused() {
        assert!(
            Columns::parse("student_code\tMã\nentered\tĐã nhập")
                .unwrap_err()
                .contains("serial")
        );
        assert!(Columns::parse("serial\tA\nserial\tB\nentered\tC").is_err());
        assert!(
            Columns::parse("serial\tA\nentered\tC\nshoe_size\tD")
                .unwrap_err()
                .contains("shoe_size")
        );
        let custom = Columns::parse("serial\tSerial\nentered\tDone").unwrap();
        assert_eq!(custom.0.len(), 2);
    }

    #[test]
    fn marks() {
        assert_eq!(entered_mark(" X ", 2, "Đã nhập"), Ok(true));
        assert_eq!(entered_mark("Đã nhập", 2, "Đã nhập"), Ok(true));
        assert_eq!(entered_mark("", 2, "Đã nhập"), Ok(false));
        assert!(matches!(
            entered_mark("maybe", 7, "Đã nhập"),
            Err(HandoverError::CsdlRow { row: 7, .. })
        ));
    }
}
