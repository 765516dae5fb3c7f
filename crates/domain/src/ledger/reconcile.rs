//! Matching a bank statement's lines to the pledges waiting for their money: by the pledge
//! code in the transfer note first (with the amount it promised), then by amount and date
//! (the one pledge of that amount, promised up to 45 days before the transfer). What does
//! not match on either side waits for a person, who links or explains it.

use crate::ledger::gifts::find_pledge_code;
use crate::money::Dong;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use time::Date;

/// A statement line as matching reads it.
#[derive(Debug, Clone)]
pub struct Line {
    pub date: Date,
    pub credit: Dong,
    pub debit: Dong,
    pub description: String,
}

/// A pledge waiting for its money.
#[derive(Debug, Clone)]
pub struct Pending {
    pub gift_id: i64,
    pub code: String,
    pub amount: Dong,
    pub pledged_on: Date,
}

/// How a line was matched, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Outcome {
    /// The note carries the pledge's code and the amount is the pledged one: posted.
    Code { gift_id: i64 },
    /// No code; the only pledge of this amount from the 45 days before: proposed, a
    /// person confirms.
    AmountDate { gift_id: i64 },
    /// Money in that matches no pledge, or a code whose pledge was for another amount.
    Unmatched { reason: Reason },
    /// Money out (fees, payments): explained by a person.
    Outgoing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No pledge code in the note and no single pledge of that amount and time.
    NoPledge,
    /// The note names a pledge that was promised for another amount.
    AmountDiffers,
    /// The note names a pledge that is already received, or unknown.
    CodeNotWaiting,
    /// Several pledges of that amount and time: a person chooses.
    Ambiguous,
}

impl Reason {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Reason::NoPledge => lang.pick(
                "không có mã khoản ủng hộ và không có cam kết nào cùng số tiền",
                "no gift code and no pledge of this amount",
            ),
            Reason::AmountDiffers => lang.pick(
                "có mã khoản ủng hộ nhưng số tiền khác số đã cam kết",
                "a gift code, but not the pledged amount",
            ),
            Reason::CodeNotWaiting => lang.pick(
                "mã khoản ủng hộ không có hoặc đã nhận tiền trước đó",
                "the gift code is unknown or already received",
            ),
            Reason::Ambiguous => lang.pick(
                "nhiều cam kết cùng số tiền: cần người chọn",
                "several pledges of this amount: a person chooses",
            ),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::NoPledge => "no_pledge",
            Reason::AmountDiffers => "amount_differs",
            Reason::CodeNotWaiting => "code_not_waiting",
            Reason::Ambiguous => "ambiguous",
        }
    }
}

/// How far back a pledge may be for a transfer of its amount to be proposed for it.
pub const AMOUNT_DATE_DAYS: i64 = 45;

/// Each line's outcome, in order. A pledge is matched at most once: codes first over the
/// whole statement, then amounts and dates for the lines still open.
pub fn match_lines(lines: &[Line], pending: &[Pending]) -> Vec<Outcome> {
    let by_code: HashMap<&str, &Pending> = pending.iter().map(|p| (p.code.as_str(), p)).collect();
    let mut taken: HashSet<i64> = HashSet::new();
    let mut out: Vec<Option<Outcome>> = vec![None; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if l.credit.0 <= 0 {
            out[i] = Some(Outcome::Outgoing);
            continue;
        }
        let Some(code) = find_pledge_code(&l.description) else {
            continue;
        };
        out[i] = Some(match by_code.get(code.as_str()) {
            Some(p) if taken.contains(&p.gift_id) => Outcome::Unmatched {
                reason: Reason::CodeNotWaiting,
            },
            Some(p) if p.amount == l.credit => {
                taken.insert(p.gift_id);
                Outcome::Code { gift_id: p.gift_id }
            }
            Some(_) => Outcome::Unmatched {
                reason: Reason::AmountDiffers,
            },
            None => Outcome::Unmatched {
                reason: Reason::CodeNotWaiting,
            },
        });
    }
    // Pledges by amount, so that each open line looks only at those of its amount.
    let mut by_amount: HashMap<i64, Vec<&Pending>> = HashMap::new();
    for p in pending {
        by_amount.entry(p.amount.0).or_default().push(p);
    }
    for (i, l) in lines.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let candidates: Vec<&Pending> = by_amount
            .get(&l.credit.0)
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| {
                !taken.contains(&p.gift_id)
                    && p.amount == l.credit
                    && p.pledged_on <= l.date
                    && (l.date - p.pledged_on).whole_days() <= AMOUNT_DATE_DAYS
            })
            .collect();
        out[i] = Some(match candidates.as_slice() {
            [p] => {
                taken.insert(p.gift_id);
                Outcome::AmountDate { gift_id: p.gift_id }
            }
            [] => Outcome::Unmatched {
                reason: Reason::NoPledge,
            },
            _ => Outcome::Unmatched {
                reason: Reason::Ambiguous,
            },
        });
    }
    out.into_iter()
        .map(|o| o.expect("every line decided"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::gifts::pledge_code;
    use time::macros::date;

    fn line(day: Date, credit: i64, note: &str) -> Line {
        Line {
            date: day,
            credit: Dong(credit),
            debit: Dong(if credit == 0 { 11_000 } else { 0 }),
            description: note.into(),
        }
    }

    #[test]
    fn codes_first_then_amounts_and_dates() {
        let a = pledge_code(&[1; 8]);
        let b = pledge_code(&[2; 8]);
        let pending = vec![
            Pending {
                gift_id: 1,
                code: a.clone(),
                amount: Dong(5_000_000),
                pledged_on: date!(2026 - 09 - 01),
            },
            Pending {
                gift_id: 2,
                code: b.clone(),
                amount: Dong(2_000_000),
                pledged_on: date!(2026 - 09 - 01),
            },
            Pending {
                gift_id: 3,
                code: pledge_code(&[3; 8]),
                amount: Dong(700_000),
                pledged_on: date!(2026 - 09 - 02),
            },
            Pending {
                gift_id: 4,
                code: pledge_code(&[4; 8]),
                amount: Dong(300_000),
                pledged_on: date!(2026 - 09 - 02),
            },
            Pending {
                gift_id: 5,
                code: pledge_code(&[5; 8]),
                amount: Dong(300_000),
                pledged_on: date!(2026 - 09 - 03),
            },
        ];
        let d = date!(2026 - 09 - 10);
        let lines = vec![
            line(d, 5_000_000, &format!("{} ung ho", a.to_lowercase())),
            line(d, 2_500_000, &format!("{b} ung ho")),
            line(d, 700_000, "NGUYEN VAN A chuyen tien"),
            line(d, 300_000, "ung ho"),
            line(d, 0, "Phi dich vu"),
            line(d, 5_000_000, &format!("{a} lan 2")),
            line(date!(2026 - 12 - 30), 700_000, "qua han"),
        ];
        let got = match_lines(&lines, &pending);
        assert_eq!(
            got,
            vec![
                Outcome::Code { gift_id: 1 },
                Outcome::Unmatched {
                    reason: Reason::AmountDiffers
                },
                Outcome::AmountDate { gift_id: 3 },
                Outcome::Unmatched {
                    reason: Reason::Ambiguous
                },
                Outcome::Outgoing,
                Outcome::Unmatched {
                    reason: Reason::CodeNotWaiting
                },
                Outcome::Unmatched {
                    reason: Reason::NoPledge
                },
            ]
        );
    }
}
