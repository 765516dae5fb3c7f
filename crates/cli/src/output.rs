//! What the command prints: results on stdout, messages and errors on stderr, in the
//! chosen language (Vietnamese by default).

use domain::{DomainError, Lang};
use store::StoreError;

pub struct Out {
    pub lang: Lang,
}

impl Out {
    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }

    pub fn info(&self, vi: &str, en: &str) {
        eprintln!("{}", self.pick(vi, en));
    }

    pub fn error(&self, vi: &str, en: &str) {
        eprintln!("{}: {}", self.pick("lỗi", "error"), self.pick(vi, en));
    }

    /// A date argument, `dd/mm/yyyy` (day first, as offices write) or `yyyy-mm-dd`, or
    /// `None` after saying why it is not one.
    pub fn date_arg(&self, s: &str, field_vi: &str) -> Option<time::Date> {
        let d = domain::dates::parse_date(s);
        if d.is_none() {
            self.error(
                &format!("{field_vi} \"{s}\" không phải ngày hợp lệ (dd/mm/yyyy)."),
                &format!("\"{s}\" is not a valid date (dd/mm/yyyy)."),
            );
        }
        d
    }

    /// Row problems of an input file: one line each, or a JSON report on stdout.
    pub fn row_errors(&self, errors: &[sheets::SheetError], json: bool) {
        if json {
            let list: Vec<_> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "row": e.row, "column": e.column, "code": e.code,
                        "message": self.pick(&e.message_vi, &e.message_en),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::json!({ "created": 0, "updated": 0, "unchanged": 0, "errors": list })
            );
            return;
        }
        for e in errors {
            let msg = self.pick(&e.message_vi, &e.message_en);
            match &e.column {
                // A problem of the whole file, not of a row.
                _ if e.row == 0 => eprintln!("{msg} [{}]", e.code),
                Some(c) => eprintln!(
                    "{} {}, {} \"{}\": {} [{}]",
                    self.pick("dòng", "row"),
                    e.row,
                    self.pick("cột", "column"),
                    c,
                    msg,
                    e.code
                ),
                None => eprintln!(
                    "{} {}: {} [{}]",
                    self.pick("dòng", "row"),
                    e.row,
                    msg,
                    e.code
                ),
            }
        }
        self.error(
            &format!("{} lỗi; chưa ghi dữ liệu nào.", errors.len()),
            &format!("{} problems; nothing was written.", errors.len()),
        );
    }
}

/// Prints a failed command's error as one line, in the domain's words when it has them.
pub fn fail(lang: Lang, e: &anyhow::Error) {
    let out = Out { lang };
    if let Some(d) = e.downcast_ref::<DomainError>() {
        return out.error(&d.message(Lang::Vi), &d.message(Lang::En));
    }
    if let Some(StoreError::Domain(d)) = e.downcast_ref::<StoreError>() {
        return out.error(&d.message(Lang::Vi), &d.message(Lang::En));
    }
    let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    let line = chain.join(": ");
    out.error(&line, &line);
}
