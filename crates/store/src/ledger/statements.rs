//! Bank-statement reconciliation: a checked statement imported in one transaction (the
//! same file twice changes nothing; a line already imported from another statement is
//! counted, not imported again), its lines matched to the pledges waiting on the same
//! account (a code match posts the gift's entry at once; an amount-and-date match waits
//! for a person to confirm), and the review queue where a person confirms, links or
//! explains what is left, each step audited.

use super::gifts::{Receipt, receive_in, receive_many_in};
use crate::db::{Q, placeholders, q};
use crate::error::{Result, StoreError, unique_violation};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::digest::sha256_hex;
use domain::ledger::LedgerError;
use domain::ledger::gifts::Channel;
use domain::ledger::reconcile::{self, Outcome};
use domain::money::Dong;
use serde::Serialize;
use serde_json::json;
use time::Date;

/// A statement as the reader gave it.
#[derive(Debug, Clone)]
pub struct StatementInput {
    /// The ledger account it is the statement of (1121 the Department's, 1388 the Front's).
    pub account: String,
    pub file_name: String,
    pub sha256: String,
    pub opening: Dong,
    pub closing: Dong,
    pub lines: Vec<InputLine>,
    /// Rows that were not transactions (blank, totals, balances, signatures).
    pub skipped: i64,
}

#[derive(Debug, Clone)]
pub struct InputLine {
    pub row: i64,
    pub date: Date,
    pub reference: String,
    pub debit: Dong,
    pub credit: Dong,
    pub balance: Option<Dong>,
    pub description: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub statement: i64,
    /// The same file was imported before: nothing changed.
    pub replayed: bool,
    pub lines: i64,
    /// Lines already imported from another statement.
    pub already_seen: i64,
    /// Matched by their pledge code and posted.
    pub matched: i64,
    /// Matched by amount and date, waiting for a person to confirm.
    pub proposed: i64,
    /// Money in that matched no pledge.
    pub unmatched: i64,
    /// Money out (fees, payments), waiting to be explained.
    pub outgoing: i64,
    pub skipped: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Matched,
    Proposed,
    Unmatched,
    Explained,
}

impl LineStatus {
    fn parse(s: &str) -> Option<LineStatus> {
        Some(match s {
            "matched" => LineStatus::Matched,
            "proposed" => LineStatus::Proposed,
            "unmatched" => LineStatus::Unmatched,
            "explained" => LineStatus::Explained,
            _ => return None,
        })
    }

    pub fn label(self, lang: domain::Lang) -> &'static str {
        match self {
            LineStatus::Matched => lang.pick("Đã khớp, đã ghi sổ", "Matched and posted"),
            LineStatus::Proposed => lang.pick(
                "Khớp theo số tiền và ngày: chờ xác nhận",
                "Matched by amount and date: to confirm",
            ),
            LineStatus::Unmatched => lang.pick("Chưa khớp", "Not matched"),
            LineStatus::Explained => lang.pick("Đã giải trình", "Explained"),
        }
    }
}

/// A stored line with what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRecord {
    pub id: i64,
    pub statement_id: i64,
    /// The ledger account the line's statement is of.
    pub account: String,
    pub row: i64,
    pub date: Date,
    pub reference: String,
    pub debit: Dong,
    pub credit: Dong,
    pub description: String,
    pub status: LineStatus,
    pub rule: Option<String>,
    /// Why a line is unmatched (a [`Reason`] code, or `outgoing`).
    pub reason: Option<String>,
    pub gift_id: Option<i64>,
    pub gift_code: Option<String>,
    pub entry_id: Option<i64>,
    pub explanation: Option<String>,
}

/// A stored statement with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRecord {
    pub id: i64,
    pub account: String,
    pub file_name: String,
    pub sha256: String,
    pub opening: Dong,
    pub closing: Dong,
    pub first_day: Option<Date>,
    pub last_day: Option<Date>,
    pub counts: ImportCounts,
    pub imported_by: String,
    pub imported_at: i64,
}

/// The channel whose pledges a statement of `account` receives.
fn channel_of(account: &str) -> Result<Channel> {
    Channel::of_statement_account(account).ok_or_else(|| {
        DomainError::Ledger(LedgerError::InvalidGift {
            field: "account",
            reason_vi: "sao kê chỉ nhập cho tài khoản tiếp nhận ủng hộ của Sở (1121) hoặc của Ủy ban MTTQ tỉnh (1388)".into(),
            reason_en: "statements are imported for the Department's donations account (1121) or the Front's (1388) only".into(),
        })
        .into()
    })
}

fn line_key(account: &str, l: &InputLine) -> String {
    sha256_hex(
        format!(
            "{account}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            iso(l.date),
            l.reference.trim(),
            l.debit.0,
            l.credit.0,
            l.description.trim()
        )
        .as_bytes(),
    )
}

#[derive(sqlx::FromRow)]
struct LineDb {
    id: i64,
    statement_id: i64,
    account: String,
    row_no: i64,
    line_date: String,
    reference: String,
    debit: i64,
    credit: i64,
    description: String,
    status: String,
    rule: Option<String>,
    reason: Option<String>,
    gift_id: Option<i64>,
    gift_code: Option<String>,
    entry_id: Option<i64>,
    explanation: Option<String>,
}

impl LineDb {
    fn record(self) -> Result<LineRecord> {
        Ok(LineRecord {
            id: self.id,
            statement_id: self.statement_id,
            account: self.account,
            row: self.row_no,
            date: parse_iso(&self.line_date, "statement_lines", "line_date")?,
            reference: self.reference,
            debit: Dong(self.debit),
            credit: Dong(self.credit),
            description: self.description,
            status: LineStatus::parse(&self.status).ok_or_else(|| {
                StoreError::corrupt("statement_lines", "status", self.status.clone())
            })?,
            rule: self.rule,
            reason: self.reason,
            gift_id: self.gift_id,
            gift_code: self.gift_code,
            entry_id: self.entry_id,
            explanation: self.explanation,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StatementDb {
    id: i64,
    account: String,
    file_name: String,
    sha256: String,
    opening: i64,
    closing: i64,
    first_day: Option<String>,
    last_day: Option<String>,
    lines: i64,
    already_seen: i64,
    skipped: i64,
    imported_by: String,
    imported_at: i64,
}

const LINE_SELECT: &str = "SELECT l.id, l.statement_id, s.account, l.row_no, l.line_date, l.reference, l.debit, l.credit, l.description,
        l.status, l.rule, l.reason, l.gift_id, g.pledge_code AS gift_code, l.entry_id, l.explanation
   FROM statement_lines l JOIN bank_statements s ON s.id = l.statement_id
   LEFT JOIN cash_gifts g ON g.id = l.gift_id";

impl Store {
    /// Imports a checked statement and matches its lines, all in one transaction. Two
    /// servers importing the same file (or overlapping statements) at once: the loser is
    /// answered as if it came second.
    pub async fn import_statement(
        &self,
        actor: &AuditActor,
        st: &StatementInput,
    ) -> Result<ImportCounts> {
        match self.import_statement_once(actor, st).await {
            Err(StoreError::Db(e))
                if matches!(
                    unique_violation(&e),
                    Some("bank_statements_sha256_key" | "statement_lines_key")
                ) =>
            {
                self.import_statement_once(actor, st).await
            }
            other => other,
        }
    }

    async fn import_statement_once(
        &self,
        actor: &AuditActor,
        st: &StatementInput,
    ) -> Result<ImportCounts> {
        let channel = channel_of(&st.account)?;
        if let Some(id) = q("SELECT id FROM bank_statements WHERE sha256 = $1")
            .bind(st.sha256.clone())
            .scalar_optional::<i64>(self.pool())
            .await?
        {
            let mut c = self
                .statement(id)
                .await?
                .map(|s| s.counts)
                .unwrap_or_default();
            c.replayed = true;
            return Ok(c);
        }
        let mut tx = self.pool().begin().await?;
        let mut counts = ImportCounts {
            lines: st.lines.len() as i64,
            skipped: st.skipped,
            ..ImportCounts::default()
        };
        // Lines seen before (in this file or an earlier, overlapping statement) are counted
        // and left; the earlier ones are looked up 500 keys at a time.
        let mut fresh: Vec<(&InputLine, String)> = Vec::with_capacity(st.lines.len());
        let mut keys: std::collections::HashSet<String> =
            std::collections::HashSet::with_capacity(st.lines.len());
        for l in &st.lines {
            let key = line_key(&st.account, l);
            if keys.insert(key.clone()) {
                fresh.push((l, key));
            } else {
                counts.already_seen += 1;
            }
        }
        let mut known: std::collections::HashSet<String> = std::collections::HashSet::new();
        for chunk in fresh.chunks(500) {
            let sql = format!(
                "SELECT line_key FROM statement_lines WHERE line_key IN ({})",
                placeholders(0, chunk.len())
            );
            let mut query = Q::assembled(sql);
            for (_, k) in chunk {
                query = query.bind(k.clone());
            }
            let rows: Vec<(String,)> = query.fetch_all(&mut tx).await?;
            known.extend(rows.into_iter().map(|(k,)| k));
        }
        if !known.is_empty() {
            counts.already_seen += known.len() as i64;
            fresh.retain(|(_, k)| !known.contains(k));
        }
        let id: i64 = q("INSERT INTO bank_statements (account, file_name, sha256, opening, closing, first_day, last_day,
                                                    lines, already_seen, skipped, imported_by, imported_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(st.account.clone())
            .bind(st.file_name.clone())
            .bind(st.sha256.clone())
            .bind(st.opening.0)
            .bind(st.closing.0)
            .bind(st.lines.iter().map(|l| l.date).min().map(iso))
            .bind(st.lines.iter().map(|l| l.date).max().map(iso))
            .bind(counts.lines)
            .bind(counts.already_seen)
            .bind(counts.skipped)
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await?;
        counts.statement = id;
        let waiting: Vec<(i64, String, i64, String)> = q(
            "SELECT id, pledge_code, amount, pledged_on FROM cash_gifts g
              WHERE status = 'pledged' AND channel = $1
                AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.gift_id = g.id AND l.status = 'proposed')
              ORDER BY id",
        )
        .bind(channel.code())
        .fetch_all(&mut tx)
        .await?;
        let pending: Vec<reconcile::Pending> = waiting
            .into_iter()
            .map(|(gift_id, code, amount, on)| {
                Ok(reconcile::Pending {
                    gift_id,
                    code,
                    amount: Dong(amount),
                    pledged_on: parse_iso(&on, "cash_gifts", "pledged_on")?,
                })
            })
            .collect::<Result<_>>()?;
        let lines: Vec<reconcile::Line> = fresh
            .iter()
            .map(|(l, _)| reconcile::Line {
                date: l.date,
                credit: l.credit,
                debit: l.debit,
                description: l.description.clone(),
            })
            .collect();
        let outcomes = reconcile::match_lines(&lines, &pending);
        // Each line's row; the lines matched by their codes post their gifts' entries.
        struct Row<'a> {
            line: &'a InputLine,
            key: &'a str,
            status: &'static str,
            rule: Option<&'static str>,
            reason: Option<&'static str>,
            gift_id: Option<i64>,
            entry: Option<i64>,
        }
        let mut rows: Vec<Row> = Vec::with_capacity(fresh.len());
        let mut receipts: Vec<(usize, Receipt)> = Vec::new();
        for ((l, key), outcome) in fresh.iter().zip(outcomes) {
            let (status, rule, reason, gift_id) = match outcome {
                Outcome::Code { gift_id } => ("matched", Some("code"), None, Some(gift_id)),
                Outcome::AmountDate { gift_id } => {
                    ("proposed", Some("amount_date"), None, Some(gift_id))
                }
                Outcome::Unmatched { reason } => ("unmatched", None, Some(reason.code()), None),
                Outcome::Outgoing => ("unmatched", None, Some("outgoing"), None),
            };
            if let ("matched", Some(g)) = (status, gift_id) {
                receipts.push((rows.len(), (g, l.date, Some(l.reference.clone()))));
            }
            match (status, reason) {
                ("matched", _) => counts.matched += 1,
                ("proposed", _) => counts.proposed += 1,
                (_, Some("outgoing")) => counts.outgoing += 1,
                _ => counts.unmatched += 1,
            }
            rows.push(Row {
                line: l,
                key,
                status,
                rule,
                reason,
                gift_id,
                entry: None,
            });
        }
        // The gifts matched by their codes are received together, each with its entry.
        let (at, items): (Vec<usize>, Vec<_>) = receipts.into_iter().unzip();
        let entries = receive_many_in(&mut tx, actor, items).await?;
        for (i, entry) in at.into_iter().zip(entries) {
            rows[i].entry = Some(entry);
        }
        // The lines, a hundred to a statement, in the file's order.
        const COLUMNS: usize = 14;
        for chunk in rows.chunks(100) {
            let mut sql = String::from(
                "INSERT INTO statement_lines (statement_id, row_no, line_date, reference, debit, credit, balance, description,
                                              line_key, status, rule, reason, gift_id, entry_id) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                sql.push_str(&placeholders(i * COLUMNS, COLUMNS));
                sql.push(')');
            }
            let mut query = Q::assembled(sql);
            for r in chunk {
                let l = r.line;
                query = query
                    .bind(id)
                    .bind(l.row)
                    .bind(iso(l.date))
                    .bind(l.reference.clone())
                    .bind(l.debit.0)
                    .bind(l.credit.0)
                    .bind(l.balance.map(|b| b.0))
                    .bind(l.description.clone())
                    .bind(r.key)
                    .bind(r.status)
                    .bind(r.rule)
                    .bind(r.reason)
                    .bind(r.gift_id)
                    .bind(r.entry);
            }
            query.execute(&mut tx).await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::BankStatement,
                entity_id: Some(id.to_string()),
                action: "import",
                summary: format!(
                    "Nhập sao kê {} của tài khoản {}: {} giao dịch, {} khớp theo mã, {} chờ xác nhận, {} chưa khớp, {} tiền ra",
                    st.file_name, st.account, counts.lines, counts.matched, counts.proposed, counts.unmatched, counts.outgoing
                ),
                unit_id: None,
                changes: Some(json!({
                    "sha256": st.sha256, "account": st.account, "opening": st.opening.0, "closing": st.closing.0,
                    "counts": counts,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    pub async fn statement(&self, id: i64) -> Result<Option<StatementRecord>> {
        let row: Option<StatementDb> = q(
            "SELECT id, account, file_name, sha256, opening, closing, first_day, last_day, lines, already_seen, skipped, imported_by, imported_at
               FROM bank_statements WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let StatementDb {
            id,
            account,
            file_name,
            sha256: sha,
            opening,
            closing,
            first_day: first,
            last_day: last,
            lines,
            already_seen: seen,
            skipped,
            imported_by: by,
            imported_at: at,
        } = r;
        let by_status: Vec<(String, Option<String>, i64)> = q(
            "SELECT status, reason, CAST(COUNT(*) AS BIGINT) FROM statement_lines WHERE statement_id = $1 GROUP BY status, reason",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut counts = ImportCounts {
            statement: id,
            lines,
            already_seen: seen,
            skipped,
            ..ImportCounts::default()
        };
        for (status, reason, n) in by_status {
            match (status.as_str(), reason.as_deref()) {
                ("matched", _) => counts.matched += n,
                ("proposed", _) => counts.proposed += n,
                (_, Some("outgoing")) => counts.outgoing += n,
                _ => counts.unmatched += n,
            }
        }
        let day = |d: Option<String>| {
            d.map(|d| parse_iso(&d, "bank_statements", "first_day"))
                .transpose()
        };
        Ok(Some(StatementRecord {
            id,
            account,
            file_name,
            sha256: sha,
            opening: Dong(opening),
            closing: Dong(closing),
            first_day: day(first)?,
            last_day: day(last)?,
            counts,
            imported_by: by,
            imported_at: at,
        }))
    }

    /// Every statement, newest first.
    pub async fn statements(&self) -> Result<Vec<StatementRecord>> {
        let ids: Vec<(i64,)> = q("SELECT id FROM bank_statements ORDER BY id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            if let Some(s) = self.statement(id).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// A statement's lines in file order, or the review queue (lines to confirm, link or
    /// explain, every statement's) when `statement` is `None`.
    pub async fn statement_lines(&self, statement: Option<i64>) -> Result<Vec<LineRecord>> {
        let sql = format!(
            "{LINE_SELECT} WHERE ($1 IS NULL AND l.status IN ('proposed', 'unmatched')) OR l.statement_id = $1
              ORDER BY l.statement_id, l.row_no"
        );
        crate::db::Q::assembled(sql)
            .bind(statement)
            .fetch_all::<LineDb>(self.pool())
            .await?
            .into_iter()
            .map(LineDb::record)
            .collect()
    }

    /// One line of a statement.
    pub async fn statement_line(&self, id: i64) -> Result<LineRecord> {
        let sql = format!("{LINE_SELECT} WHERE l.id = $1");
        crate::db::Q::assembled(sql)
            .bind(id)
            .fetch_optional::<LineDb>(self.pool())
            .await?
            .ok_or(StoreError::Domain(DomainError::NotFound))?
            .record()
    }

    /// Resolves a line of the review queue: confirm its proposed pledge, link it to a
    /// waiting pledge of the same amount (both post the gift's entry), or explain it.
    pub async fn resolve_line(
        &self,
        actor: &AuditActor,
        id: i64,
        action: Resolve,
    ) -> Result<LineRecord> {
        let line = self.statement_line(id).await?;
        let refuse = |vi: &str, en: &str| -> StoreError {
            DomainError::Ledger(LedgerError::InvalidGift {
                field: "line",
                reason_vi: vi.into(),
                reason_en: en.into(),
            })
            .into()
        };
        let mut tx = self.pool().begin().await?;
        let (summary, changes) = match &action {
            Resolve::Confirm => {
                let Some(gift) = line.gift_id.filter(|_| line.status == LineStatus::Proposed)
                else {
                    return Err(refuse(
                        "dòng này không có đề xuất khớp để xác nhận",
                        "this line has no proposed match to confirm",
                    ));
                };
                let entry = receive_in(
                    &mut tx,
                    actor,
                    gift,
                    line.date,
                    Some(line.reference.clone()),
                )
                .await?;
                let n = q("UPDATE statement_lines SET status = 'matched', entry_id = $1, resolved_by = $2, resolved_at = $3
                            WHERE id = $4 AND status = 'proposed'")
                .bind(entry)
                .bind(actor.name.clone())
                .bind(now_millis())
                .bind(id)
                .execute(&mut tx)
                .await?;
                if n != 1 {
                    return Err(StoreError::Domain(DomainError::StaleEdit));
                }
                (
                    format!("Xác nhận dòng sao kê {id} khớp khoản ủng hộ #{gift}"),
                    json!({"gift": gift, "entry": entry}),
                )
            }
            Resolve::Link { gift } => {
                if line.status != LineStatus::Unmatched || line.credit.0 <= 0 {
                    return Err(refuse(
                        "chỉ nối được dòng tiền vào chưa khớp",
                        "only an unmatched line of money in can be linked",
                    ));
                }
                let amount: Option<(i64, String)> =
                    q("SELECT amount, status FROM cash_gifts WHERE id = $1")
                        .bind(*gift)
                        .fetch_optional(&mut tx)
                        .await?;
                match amount {
                    Some((a, s)) if s == "pledged" && a == line.credit.0 => {}
                    Some((a, s)) if s == "pledged" => {
                        return Err(refuse(
                            &format!(
                                "khoản cam kết là {}, dòng sao kê là {}: số tiền phải bằng nhau",
                                Dong(a),
                                line.credit
                            ),
                            &format!(
                                "the pledge is {}, the line {}: the amounts must be equal",
                                Dong(a),
                                line.credit
                            ),
                        ));
                    }
                    Some(_) => {
                        return Err(refuse(
                            "khoản ủng hộ này đã nhận tiền",
                            "this gift is already received",
                        ));
                    }
                    None => return Err(StoreError::Domain(DomainError::NotFound)),
                }
                let entry = receive_in(
                    &mut tx,
                    actor,
                    *gift,
                    line.date,
                    Some(line.reference.clone()),
                )
                .await?;
                let n = q("UPDATE statement_lines SET status = 'matched', rule = 'manual', gift_id = $1, entry_id = $2,
                                  resolved_by = $3, resolved_at = $4
                            WHERE id = $5 AND status = 'unmatched'")
                .bind(*gift)
                .bind(entry)
                .bind(actor.name.clone())
                .bind(now_millis())
                .bind(id)
                .execute(&mut tx)
                .await?;
                if n != 1 {
                    return Err(StoreError::Domain(DomainError::StaleEdit));
                }
                (
                    format!("Nối dòng sao kê {id} với khoản ủng hộ #{gift}"),
                    json!({"gift": gift, "entry": entry}),
                )
            }
            Resolve::Explain { text } => {
                let text = text.trim();
                if text.is_empty() || text.chars().count() > 500 {
                    return Err(StoreError::Domain(DomainError::ReasonRequired));
                }
                if !matches!(line.status, LineStatus::Unmatched | LineStatus::Proposed) {
                    return Err(refuse(
                        "dòng này đã được xử lý",
                        "this line is already resolved",
                    ));
                }
                let n = q("UPDATE statement_lines SET status = 'explained', gift_id = NULL, explanation = $1,
                                  resolved_by = $2, resolved_at = $3
                            WHERE id = $4 AND status IN ('unmatched', 'proposed')")
                .bind(text.to_string())
                .bind(actor.name.clone())
                .bind(now_millis())
                .bind(id)
                .execute(&mut tx)
                .await?;
                if n != 1 {
                    return Err(StoreError::Domain(DomainError::StaleEdit));
                }
                (
                    format!("Giải trình dòng sao kê {id}: {text}"),
                    json!({"explanation": text}),
                )
            }
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::BankStatement,
                entity_id: Some(line.statement_id.to_string()),
                action: "reconcile",
                summary,
                unit_id: None,
                changes: Some(changes),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.statement_line(id).await
    }

    /// How many lines wait for a person: of one account's statements, or of all.
    pub async fn unreconciled_lines(&self, account: Option<&str>) -> Result<i64> {
        Ok(q("SELECT CAST(COUNT(*) AS BIGINT) FROM statement_lines l JOIN bank_statements s ON s.id = l.statement_id
               WHERE l.status IN ('proposed', 'unmatched') AND ($1 IS NULL OR s.account = $1)")
            .bind(account.map(str::to_string))
            .scalar(self.pool())
            .await?)
    }
}

/// What a person does with a line of the review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolve {
    Confirm,
    Link { gift: i64 },
    Explain { text: String },
}
