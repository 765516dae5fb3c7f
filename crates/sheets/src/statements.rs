//! Bank statements (sao kê) as Vietnamese banks export them: title rows above (the bank,
//! the account, the period, sometimes the opening and closing balances), a header found by
//! its names, one signed amount column or separate debit and credit columns, amounts
//! written `1.000.000` or `1,000,000` (or as numbers), a "Tổng" row and signatures below.
//! Every row after the header is a transaction, refused with its reason, or skipped with
//! why; the file is refused as a whole when its balances do not add up.

use crate::SheetError;
use crate::reader::{Cell, Limits, for_each_row};
use crate::students::{is_numbering_row, match_synonym};
use domain::money::Dong;
use std::io::{Read, Seek};
use std::ops::ControlFlow;
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Date,
    Reference,
    Debit,
    Credit,
    Amount,
    Balance,
    Description,
}

const SYNONYMS: &[(Col, &[&str])] = &[
    (
        Col::Date,
        &[
            "ngay giao dich",
            "ngay gd",
            "ngay",
            "ngay hach toan",
            "ngay hieu luc",
            "ngay giao dich*",
            "ngay gd*",
            "transaction date",
            "date",
        ],
    ),
    (
        Col::Reference,
        &[
            "so tham chieu",
            "so ct",
            "so chung tu",
            "ma giao dich",
            "so giao dich",
            "so but toan",
            "so tham chieu*",
            "so ct*",
            "reference",
            "ref no",
        ],
    ),
    (
        Col::Debit,
        &[
            "ghi no",
            "so tien ghi no",
            "no",
            "phat sinh no",
            "rut ra",
            "ghi no*",
            "so tien ghi no*",
            "debit",
        ],
    ),
    (
        Col::Credit,
        &[
            "ghi co",
            "so tien ghi co",
            "co",
            "phat sinh co",
            "gui vao",
            "ghi co*",
            "so tien ghi co*",
            "credit",
        ],
    ),
    (
        Col::Amount,
        &["so tien", "so tien giao dich", "so tien*", "amount"],
    ),
    (Col::Balance, &["so du", "so du cuoi", "so du*", "balance"]),
    (
        Col::Description,
        &[
            "noi dung",
            "dien giai",
            "mo ta",
            "noi dung giao dich",
            "noi dung*",
            "dien giai*",
            "description",
        ],
    ),
];

/// One transaction of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The spreadsheet's 1-based row.
    pub row: usize,
    pub date: Date,
    pub reference: String,
    /// Money out.
    pub debit: Dong,
    /// Money in.
    pub credit: Dong,
    pub balance: Option<Dong>,
    pub description: String,
}

/// Rows after the header that are not transactions, counted by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub blank: usize,
    pub column_numbers: usize,
    /// The opening or closing balance written as a row.
    pub balance_rows: usize,
    /// A "Tổng" (total) row, a note or a signature.
    pub totals_and_signatures: usize,
}

impl Skipped {
    pub fn total(&self) -> usize {
        self.blank + self.column_numbers + self.balance_rows + self.totals_and_signatures
    }
}

/// A statement read and checked.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub header_row: usize,
    /// The account number the title rows name, if they do.
    pub account: Option<String>,
    pub opening: Dong,
    pub closing: Dong,
    pub lines: Vec<StatementLine>,
    pub skipped: Skipped,
}

impl Statement {
    pub fn credits(&self) -> Dong {
        Dong(self.lines.iter().map(|l| l.credit.0).sum())
    }

    pub fn debits(&self) -> Dong {
        Dong(self.lines.iter().map(|l| l.debit.0).sum())
    }
}

const HEADER_SEARCH_ROWS: usize = 40;

fn folded(texts: &[String]) -> String {
    text::fold(&texts.join(" "))
}

/// The first amount in a row's cells after the one holding `label` (or in the same cell,
/// after a colon): "Số dư đầu kỳ: 12.500.000" or "Số dư đầu kỳ | | 12.500.000".
fn amount_after(texts: &[String], label: &str) -> Option<Dong> {
    let at = texts.iter().position(|t| text::fold(t).contains(label))?;
    if let Some((_, rest)) = texts[at].split_once(':')
        && let Some(d) = parse_amount(rest)
    {
        return Some(d);
    }
    texts[at + 1..].iter().find_map(|t| parse_amount(t))
}

/// An amount cell: `1.000.000`, `1,000,000`, `1000000`, `-250.000`, `1.000.000 VND`; a
/// decimal part of zeros (`1,000,000.00`) is allowed, any other is not a whole đồng.
pub fn parse_amount(s: &str) -> Option<Dong> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(d) = Dong::parse(t) {
        return Some(d);
    }
    // "1,000,000.00" or "1.000.000,00": the last separator starts a decimal part.
    let cut = t.rfind(['.', ','])?;
    let (whole, dec) = (&t[..cut], &t[cut + 1..]);
    if (1..=2).contains(&dec.len()) && dec.bytes().all(|b| b == b'0') {
        return Dong::parse(whole);
    }
    None
}

fn cell_amount(cell: Option<&Cell>) -> Result<Option<Dong>, ()> {
    match cell {
        None | Some(Cell::Empty) => Ok(None),
        Some(Cell::Number(n)) => {
            if n.fract() != 0.0 || n.abs() > 9e15 {
                Err(())
            } else {
                Ok(Some(Dong(*n as i64)))
            }
        }
        Some(c) => {
            let t = c.text();
            if t.trim().is_empty() || t.trim() == "-" {
                Ok(None)
            } else {
                parse_amount(&t).map(Some).ok_or(())
            }
        }
    }
}

fn cell_date(cell: Option<&Cell>) -> Option<Date> {
    match cell? {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) if *n > 20_000.0 && *n < 80_000.0 => {
            // An Excel serial date not typed as a date.
            let base = time::macros::date!(1899 - 12 - 30);
            Some(base + time::Duration::days(*n as i64))
        }
        c => {
            let t = c.text();
            // "05/09/2026 10:31:22": the day is enough.
            let day = t.split_whitespace().next().unwrap_or("");
            domain::dates::parse_date(day)
        }
    }
}

/// Reads and checks a statement: all of it, or the first problems with their rows and
/// columns (a row that is not a transaction, a total, a balance or a signature; balances
/// that do not add up; a file without a recognisable header).
pub fn read_statement<R: Read + Seek>(
    input: R,
    limits: &Limits,
) -> Result<Statement, Vec<SheetError>> {
    let mut cols: Option<Vec<(Col, usize)>> = None;
    let mut out = Statement::default();
    let (mut opening, mut closing) = (None, None);
    let mut errors: Vec<SheetError> = Vec::new();
    let mut after_header = 0usize;
    let res = for_each_row(input, limits, |row, cells| {
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        let f = folded(&texts);
        let Some(layout) = &cols else {
            if row > HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            if f.contains("so du dau ky") {
                opening = amount_after(&texts, "so du dau ky");
            }
            if f.contains("so du cuoi ky") {
                closing = amount_after(&texts, "so du cuoi ky");
            }
            if f.contains("so tai khoan") {
                out.account = texts.iter().find_map(|t| {
                    let digits: String = t
                        .split_once(':')
                        .map(|(_, r)| r)
                        .unwrap_or(t)
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect();
                    (digits.len() >= 6).then_some(digits)
                });
            }
            let mut found: Vec<(Col, usize)> = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                if let Some(c) = match_synonym(SYNONYMS, t)
                    && !found.iter().any(|(x, _)| *x == c)
                {
                    found.push((c, i));
                }
            }
            let has = |c: Col| found.iter().any(|(x, _)| *x == c);
            if has(Col::Date) && (has(Col::Amount) || has(Col::Debit) && has(Col::Credit)) {
                out.header_row = row;
                cols = Some(found);
            }
            return ControlFlow::Continue(());
        };
        after_header += 1;
        let col = |c: Col| layout.iter().find(|(x, _)| *x == c).map(|(_, i)| *i);
        if texts.iter().all(|t| t.trim().is_empty()) {
            out.skipped.blank += 1;
            return ControlFlow::Continue(());
        }
        if after_header <= 3 && is_numbering_row(&texts) {
            out.skipped.column_numbers += 1;
            return ControlFlow::Continue(());
        }
        if f.contains("so du dau ky") {
            opening = opening.or_else(|| amount_after(&texts, "so du dau ky"));
            out.skipped.balance_rows += 1;
            return ControlFlow::Continue(());
        }
        if f.contains("so du cuoi ky") {
            closing = closing.or_else(|| amount_after(&texts, "so du cuoi ky"));
            out.skipped.balance_rows += 1;
            return ControlFlow::Continue(());
        }
        let date = col(Col::Date).and_then(|c| cell_date(cells.get(c)));
        let Some(date) = date else {
            // No date: a total ("Tổng", "Cộng phát sinh"), a note or a signature is
            // skipped; anything else with an amount is refused.
            let total_like = f.starts_with("tong")
                || f.contains("cong phat sinh")
                || f.contains("tong cong")
                || f.contains("nguoi lap")
                || f.contains("ke toan")
                || f.contains("giam doc")
                || f.contains("ghi chu")
                || (f.contains("ngay") && f.contains("thang") && f.contains("nam"));
            if total_like {
                out.skipped.totals_and_signatures += 1;
            } else {
                let c = col(Col::Date).unwrap_or(0);
                errors.push(SheetError::new(
                    row,
                    Some(&crate::column_letter(c)),
                    "statement_date",
                    format!(
                        "Ngày giao dịch \"{}\" không đọc được (dd/mm/yyyy).",
                        texts.get(c).map(|s| s.trim()).unwrap_or("")
                    ),
                    format!(
                        "The transaction date \"{}\" cannot be read (dd/mm/yyyy).",
                        texts.get(c).map(|s| s.trim()).unwrap_or("")
                    ),
                ));
            }
            return ControlFlow::Continue(());
        };
        let amount_of = |c: Option<usize>| match c {
            Some(c) => cell_amount(cells.get(c)).map_err(|_| c),
            None => Ok(None),
        };
        let bad_amount = |c: usize, errors: &mut Vec<SheetError>| {
            errors.push(SheetError::new(
                row,
                Some(&crate::column_letter(c)),
                "statement_amount",
                format!(
                    "Số tiền \"{}\" không phải số nguyên đồng.",
                    texts.get(c).map(|s| s.trim()).unwrap_or("")
                ),
                format!(
                    "The amount \"{}\" is not a whole number of đồng.",
                    texts.get(c).map(|s| s.trim()).unwrap_or("")
                ),
            ));
        };
        let (debit, credit) =
            if let Some(a) = col(Col::Amount).filter(|_| col(Col::Debit).is_none()) {
                match amount_of(Some(a)) {
                    Ok(Some(d)) if d.0 < 0 => (Dong(-d.0), Dong::ZERO),
                    Ok(Some(d)) => (Dong::ZERO, d),
                    Ok(None) => (Dong::ZERO, Dong::ZERO),
                    Err(c) => {
                        bad_amount(c, &mut errors);
                        return ControlFlow::Continue(());
                    }
                }
            } else {
                match (amount_of(col(Col::Debit)), amount_of(col(Col::Credit))) {
                    (Ok(d), Ok(c)) => (d.unwrap_or_default(), c.unwrap_or_default()),
                    (Err(c), _) | (_, Err(c)) => {
                        bad_amount(c, &mut errors);
                        return ControlFlow::Continue(());
                    }
                }
            };
        if debit.0 < 0 || credit.0 < 0 || (debit.0 > 0) == (credit.0 > 0) {
            let c = col(Col::Credit).or(col(Col::Amount)).unwrap_or(0);
            errors.push(SheetError::new(
                row,
                Some(&crate::column_letter(c)),
                "statement_one_side",
                "Mỗi giao dịch ghi đúng một số tiền lớn hơn 0, ở cột ghi nợ hoặc ghi có.",
                "Each transaction has exactly one amount above 0, debit or credit.",
            ));
            return ControlFlow::Continue(());
        }
        let balance = match amount_of(col(Col::Balance)) {
            Ok(b) => b,
            Err(c) => {
                bad_amount(c, &mut errors);
                return ControlFlow::Continue(());
            }
        };
        let get = |c: Option<usize>| {
            c.and_then(|c| texts.get(c))
                .map(|t| t.trim().to_string())
                .unwrap_or_default()
        };
        out.lines.push(StatementLine {
            row,
            date,
            reference: get(col(Col::Reference)),
            debit,
            credit,
            balance,
            description: get(col(Col::Description)),
        });
        if errors.len() >= 200 {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = res {
        return Err(vec![e]);
    }
    if cols.is_none() {
        return Err(vec![SheetError::new(
            0,
            None,
            "statement_shape",
            "Không nhận ra dạng sao kê: trong 40 dòng đầu không có dòng tiêu đề gồm Ngày giao dịch và Số tiền (hoặc Ghi nợ và Ghi có).",
            "Not a recognisable statement: no header with a transaction date and an amount (or debit and credit) in the first 40 rows.",
        )]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // The balances: as written, else from the balance column.
    let first = out.lines.first();
    let opening = opening
        .or_else(|| first.and_then(|l| l.balance.map(|b| Dong(b.0 - l.credit.0 + l.debit.0))));
    let closing = closing.or_else(|| out.lines.last().and_then(|l| l.balance));
    let (Some(opening), Some(closing)) = (opening, closing) else {
        return Err(vec![SheetError::new(
            0,
            None,
            "statement_no_balance",
            "Sao kê không có số dư đầu kỳ và cuối kỳ (hoặc cột Số dư) để kiểm tra.",
            "The statement has no opening and closing balance (or balance column) to check against.",
        )]);
    };
    let computed = opening.0 + out.credits().0 - out.debits().0;
    if computed != closing.0 {
        let diff = Dong(closing.0 - computed);
        return Err(vec![SheetError::new(
            0,
            None,
            "statement_unbalanced",
            format!(
                "Số dư không khớp: đầu kỳ {opening} + ghi có {} − ghi nợ {} = {}, nhưng sao kê ghi cuối kỳ {closing} (chênh lệch {diff}). Tệp không được nhập.",
                out.credits(),
                out.debits(),
                Dong(computed)
            ),
            format!(
                "The balances do not add up: opening {opening} + credits {} − debits {} = {}, but the statement's closing balance is {closing} (a difference of {diff}). Nothing imported.",
                out.credits(),
                out.debits(),
                Dong(computed)
            ),
        )]);
    }
    out.opening = opening;
    out.closing = closing;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(csv: &str) -> Result<Statement, Vec<SheetError>> {
        read_statement(Cursor::new(csv.as_bytes().to_vec()), &Limits::default())
    }

    const VCB: &str = "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM,,,,,\n\
SAO KÊ TÀI KHOẢN,,,,,\n\
Số tài khoản: 0631000468888,,,,,\n\
Từ ngày 01/09/2026 đến ngày 30/09/2026,,,,,\n\
Số dư đầu kỳ:,,,\"12.000.000\",,\n\
Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\n\
05/09/2026,FT26248001,,\"5.000.000\",\"17.000.000\",SM7K3Q9XD ung ho\n\
06/09/2026,FT26249002,\"11.000\",,\"16.989.000\",Phi dich vu\n\
07/09/2026,FT26250003,,\"1,000,000\",\"17.989.000\",Chuyen tien\n\
Tổng,,\"11.000\",\"6.000.000\",,\n\
Số dư cuối kỳ:,,,\"17.989.000\",,\n";

    #[test]
    fn reads_a_vietcombank_export() {
        let s = read(VCB).unwrap();
        assert_eq!(s.header_row, 6);
        assert_eq!(s.account.as_deref(), Some("0631000468888"));
        assert_eq!((s.opening, s.closing), (Dong(12_000_000), Dong(17_989_000)));
        assert_eq!(s.lines.len(), 3);
        assert_eq!(s.lines[0].credit, Dong(5_000_000));
        assert_eq!(s.lines[1].debit, Dong(11_000));
        assert_eq!(s.lines[2].credit, Dong(1_000_000));
        assert_eq!(s.lines[0].reference, "FT26248001");
        assert_eq!(s.skipped.totals_and_signatures, 1);
        assert_eq!(s.skipped.balance_rows, 1);
    }

    #[test]
    fn a_signed_amount_column_and_balances_from_the_balance_column() {
        let csv = "Ngày GD,Số CT,Số tiền,Số dư,Diễn giải\n\
01/10/2026,A1,\"2.000.000\",\"3.000.000\",ung ho\n\
02/10/2026,A2,\"-500.000\",\"2.500.000\",phi\n";
        let s = read(csv).unwrap();
        assert_eq!((s.opening, s.closing), (Dong(1_000_000), Dong(2_500_000)));
        assert_eq!(s.lines[1].debit, Dong(500_000));
    }

    #[test]
    fn refuses_what_does_not_add_up_or_is_not_a_statement() {
        let bad = VCB.replace("\"17.989.000\",,\n", "\"17.990.000\",,\n");
        let e = read(&bad).unwrap_err();
        assert_eq!(e[0].code, "statement_unbalanced");
        assert!(
            e[0].message_vi.contains("chênh lệch 1.000 đ"),
            "{}",
            e[0].message_vi
        );
        let e = read("Họ tên,Ngày sinh\nA,01/01/2015\n").unwrap_err();
        assert_eq!(e[0].code, "statement_shape");
        let e = read(&VCB.replace("\"11.000\",,\"16.989.000\"", "\"11,5\",,\"16.989.000\""))
            .unwrap_err();
        assert_eq!(
            (e[0].code, e[0].row, e[0].column.as_deref()),
            ("statement_amount", 8, Some("C"))
        );
        let e = read(&VCB.replace("06/09/2026", "31/02/2026")).unwrap_err();
        assert_eq!((e[0].code, e[0].row), ("statement_date", 8));
        let e = read(&VCB.replace(",,\"1,000,000\"", ",\"5\",\"1,000,000\"")).unwrap_err();
        assert_eq!(e[0].code, "statement_one_side");
        let e = read("Ngày GD,Số tiền,Nội dung\n01/10/2026,5000,x\n").unwrap_err();
        assert_eq!(e[0].code, "statement_no_balance");
    }

    #[test]
    fn amounts_as_banks_write_them() {
        assert_eq!(parse_amount("1.000.000"), Some(Dong(1_000_000)));
        assert_eq!(parse_amount("1,000,000"), Some(Dong(1_000_000)));
        assert_eq!(parse_amount("1,000,000.00"), Some(Dong(1_000_000)));
        assert_eq!(parse_amount("1.000.000,00"), Some(Dong(1_000_000)));
        assert_eq!(parse_amount("-250.000"), Some(Dong(-250_000)));
        assert_eq!(parse_amount("1.000.000 VND"), Some(Dong(1_000_000)));
        assert_eq!(parse_amount("12,5"), None);
        assert_eq!(parse_amount("1.000.000,50"), None);
        assert_eq!(parse_amount("abc"), None);
    }
}
