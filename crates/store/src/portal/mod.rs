//! What the public side reads: the statement of cash received (every posting to the
//! donations account, so its total is the ledger's to the đồng), the donors who agreed to
//! be named, and a donor's own gift found by its verification code or bank reference.
//! Nothing here returns a student; a donor who did not agree to be named is never named.

use crate::Store;
use crate::db::{Q, q};
use crate::error::Result;
use crate::students::programs::parse_iso;
use domain::ledger::gifts::Channel;
use domain::money::Dong;
use serde::Serialize;
use time::Date;

/// The account cash donations are credited to.
pub const DONATIONS_ACCOUNT: &str = "4311";

/// One line of the public statement: a gift received (or its reversal).
#[derive(Debug, Clone, Serialize)]
pub struct PublicLine {
    pub entry_id: i64,
    pub date: Date,
    /// Positive received, negative a reversal.
    pub amount: Dong,
    /// The donor's name, only when they agreed to be named.
    pub donor: Option<String>,
    pub channel: Option<Channel>,
    pub bank_ref: Option<String>,
    /// The sender's account, masked ([`domain::reports::masked_account`]).
    pub account: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementPage {
    pub lines: Vec<PublicLine>,
    /// Lines matching the search, and their sum.
    pub matching: i64,
    pub sum: Dong,
}

/// The donors the public sees.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicDonors {
    /// Named donors: name, cash, devices given, their value; largest first.
    pub named: Vec<(String, Dong, i64, Dong)>,
    /// Everyone else, together: how many, cash, devices, value.
    pub others: (i64, Dong, i64, Dong),
}

/// A gift as its donor sees it on the portal.
#[derive(Debug, Clone, Serialize)]
pub struct TracedGift {
    pub amount: Dong,
    pub channel: Channel,
    pub pledged_on: Date,
    pub received_on: Option<Date>,
    /// `pledged`, `received`, `cancelled`, `reversed`.
    pub status: &'static str,
    pub donor: Option<String>,
    pub earmark_unit: Option<i64>,
    pub earmark_tier: Option<i64>,
    pub entry_id: Option<i64>,
    pub bank_ref: Option<String>,
}

type LineRow = (
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<String>,
);

const LINE_SELECT: &str = "SELECT e.id, e.entry_date, p.side, p.amount, g.channel, g.bank_ref,
        (g.publish_name AND d.publish_name) AS named, d.name,
        (SELECT MIN(sl.description) FROM statement_lines sl WHERE sl.entry_id = COALESCE(e.reverses_id, e.id)) AS descr
   FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
   LEFT JOIN cash_gifts g ON g.entry_id = COALESCE(e.reverses_id, e.id)
   LEFT JOIN donors d ON d.id = g.donor_id
  WHERE p.account = '4311' AND p.counts";

fn line(r: LineRow) -> Result<PublicLine> {
    let (id, date, side, amount, channel, bank_ref, named, name, descr) = r;
    Ok(PublicLine {
        entry_id: id,
        date: parse_iso(&date, "ledger_entries", "entry_date")?,
        amount: Dong(if side == "credit" { amount } else { -amount }),
        donor: name.filter(|_| named == Some(true)),
        channel: channel.as_deref().and_then(Channel::parse),
        bank_ref,
        account: descr.as_deref().and_then(domain::reports::masked_account),
    })
}

/// The search as SQL: a number matches an amount or a reference; text matches a
/// reference or a named donor.
fn search_clause(search: &str) -> (String, Vec<String>) {
    let s = search.trim();
    if s.is_empty() {
        return (String::new(), Vec::new());
    }
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' '))
        .collect();
    let like = format!("%{}%", s.to_lowercase());
    if !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        (
            " AND (p.amount = CAST($1 AS BIGINT) OR LOWER(g.bank_ref) LIKE $2)".into(),
            vec![digits, like],
        )
    } else {
        (
            " AND (LOWER(g.bank_ref) LIKE $1 OR (g.publish_name AND d.publish_name AND LOWER(d.name) LIKE $1))"
                .into(),
            vec![like],
        )
    }
}

impl Store {
    /// A page of the public statement, oldest first, with how many lines match and
    /// their sum.
    pub async fn public_statement(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<StatementPage> {
        let (clause, binds) = search_clause(search);
        let n = binds.len();
        let mut page = Q::assembled(format!(
            "{LINE_SELECT}{clause} ORDER BY e.id, p.line_no LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ));
        let mut count = Q::assembled(format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN p.side = 'credit' THEN p.amount ELSE -p.amount END), 0) AS BIGINT)
               FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
               LEFT JOIN cash_gifts g ON g.entry_id = COALESCE(e.reverses_id, e.id)
               LEFT JOIN donors d ON d.id = g.donor_id
              WHERE p.account = '4311' AND p.counts{clause}"
        ));
        for b in &binds {
            page = page.bind(b.clone());
            count = count.bind(b.clone());
        }
        let rows: Vec<LineRow> = page
            .bind(limit.clamp(1, 500))
            .bind(offset.max(0))
            .fetch_all(self.pool())
            .await?;
        let (matching, sum): (i64, i64) = count.fetch_one(self.pool()).await?;
        Ok(StatementPage {
            lines: rows.into_iter().map(line).collect::<Result<_>>()?,
            matching,
            sum: Dong(sum),
        })
    }

    /// The lines of the public statement after ledger entry `after`, in order, at most
    /// `limit` (a page at a time keeps any statement in bounded memory).
    pub async fn public_lines_after(&self, after: i64, limit: i64) -> Result<Vec<PublicLine>> {
        let rows: Vec<LineRow> = Q::assembled(format!(
            "{LINE_SELECT} AND e.id > $1 ORDER BY e.id, p.line_no LIMIT $2"
        ))
        .bind(after)
        .bind(limit.clamp(1, 5000))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(line).collect()
    }

    /// The donors the public may see by name, and everyone else together.
    pub async fn public_donors(&self) -> Result<PublicDonors> {
        let cash: Vec<(i64, String, Option<bool>, i64)> = q(
            "SELECT d.id, d.name, (g.publish_name AND d.publish_name), CAST(SUM(g.amount) AS BIGINT)
               FROM cash_gifts g JOIN donors d ON d.id = g.donor_id JOIN ledger_entries e ON e.id = g.entry_id
              WHERE g.status = 'received' AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
              GROUP BY d.id, d.name, (g.publish_name AND d.publish_name)",
        )
        .fetch_all(self.pool())
        .await?;
        let kind: Vec<(i64, String, bool, i64, Option<i64>)> = q(
            "SELECT o.id, o.name, o.publish_name, CAST(SUM(x.total_value) AS BIGINT),
                    CAST(SUM((SELECT SUM(quantity) FROM donation_items i WHERE i.donation_id = x.id)) AS BIGINT)
               FROM donations x JOIN donors o ON o.id = x.donor_id GROUP BY o.id, o.name, o.publish_name",
        )
        .fetch_all(self.pool())
        .await?;
        let mut named: std::collections::BTreeMap<i64, (String, i64, i64, i64)> =
            Default::default();
        let mut others_ids = std::collections::BTreeSet::new();
        let mut others = (0i64, 0i64, 0i64, 0i64);
        for (id, name, is_named, amount) in cash {
            if is_named == Some(true) {
                named.entry(id).or_insert((name, 0, 0, 0)).1 += amount;
            } else {
                others_ids.insert(id);
                others.1 += amount;
            }
        }
        for (id, name, is_named, value, devices) in kind {
            if is_named {
                let e = named.entry(id).or_insert((name, 0, 0, 0));
                e.2 += devices.unwrap_or(0);
                e.3 += value;
            } else {
                others_ids.insert(id);
                others.2 += devices.unwrap_or(0);
                others.3 += value;
            }
        }
        others.0 = others_ids.len() as i64;
        let mut list: Vec<(String, Dong, i64, Dong)> = named
            .into_values()
            .map(|(n, c, d, v)| (n, Dong(c), d, Dong(v)))
            .collect();
        list.sort_by(|a, b| (b.1.0 + b.3.0).cmp(&(a.1.0 + a.3.0)).then(a.0.cmp(&b.0)));
        Ok(PublicDonors {
            named: list,
            others: (others.0, Dong(others.1), others.2, Dong(others.3)),
        })
    }

    /// A donor's gifts found by the verification code printed on their acknowledgement
    /// (its check character must match) or by the bank reference of their transfer; at
    /// most 20. The pledge code, which transfer notes and the public statement carry, does
    /// not open a gift here.
    pub async fn trace_gifts(&self, typed: &str) -> Result<Vec<TracedGift>> {
        let typed: String = typed.trim().chars().take(64).collect();
        if typed.is_empty() {
            return Ok(Vec::new());
        }
        let code = domain::ledger::gifts::normalise_code(&typed).unwrap_or_default();
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            String,
            Option<bool>,
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = q(
            "SELECT g.amount, g.channel, g.pledged_on, g.received_on, g.status,
                    (g.publish_name AND d.publish_name), d.name, g.earmark_unit_id, g.earmark_tier, g.entry_id, g.bank_ref,
                    (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = g.entry_id)
               FROM cash_gifts g JOIN donors d ON d.id = g.donor_id
              WHERE ($1 <> '' AND g.verification_code = $1) OR g.bank_ref = $2
                 OR g.id IN (SELECT sl.gift_id FROM statement_lines sl WHERE sl.reference = $2 AND sl.gift_id IS NOT NULL)
              ORDER BY g.id LIMIT 20",
        )
        .bind(code)
        .bind(&typed)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(
                |(
                    amount,
                    channel,
                    pledged,
                    received,
                    status,
                    named,
                    name,
                    unit,
                    tier,
                    entry,
                    bank_ref,
                    reversal,
                )| {
                    Ok(TracedGift {
                        amount: Dong(amount),
                        channel: Channel::parse(&channel).unwrap_or(Channel::Direct),
                        pledged_on: parse_iso(&pledged, "cash_gifts", "pledged_on")?,
                        received_on: received
                            .as_deref()
                            .map(|d| parse_iso(d, "cash_gifts", "received_on"))
                            .transpose()?,
                        status: match (status.as_str(), reversal) {
                            ("received", Some(_)) => "reversed",
                            ("received", None) => "received",
                            ("cancelled", _) => "cancelled",
                            _ => "pledged",
                        },
                        donor: (named == Some(true)).then_some(name),
                        earmark_unit: unit,
                        earmark_tier: tier,
                        entry_id: entry,
                        bank_ref,
                    })
                },
            )
            .collect()
    }

    /// Cash donations received, net, as the ledger holds them now.
    pub async fn cash_received(&self) -> Result<Dong> {
        let (c, d): (Option<i64>, Option<i64>) = q(
            "SELECT CAST(SUM(CASE WHEN side = 'credit' THEN amount END) AS BIGINT),
                    CAST(SUM(CASE WHEN side = 'debit' THEN amount END) AS BIGINT)
               FROM ledger_postings WHERE account = '4311' AND counts",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Dong(c.unwrap_or(0) - d.unwrap_or(0)))
    }
}
