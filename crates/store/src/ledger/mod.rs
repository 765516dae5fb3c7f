//! The ledger on either engine: one transaction per request with its audit entry, the
//! domain's rules checked first and the database's again (migrations 0013: balanced
//! entries, append-only tables, guarded accounts' CHECK, pending amounts that only grow).
//! See docs/adr/0022-ledger.md.

pub mod campaigns;
pub mod gifts;
mod post;
pub mod statements;

pub use post::{post_in, post_many_in};

use crate::db::q;
use crate::error::{Result, StoreError, unique_violation};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, Store};
use domain::Lang;
use domain::dates::Millis;
use domain::ledger::{
    AccountState, CHART, EntryKind, LedgerError, PendingState, Posting, Request, Side, Source,
    TrialBalance,
};
use domain::money::Dong;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// What a request did: the entry it posted, or the one an earlier identical request posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub entry: i64,
    /// The request was a retry: nothing new was written.
    pub replayed: bool,
}

/// A stored entry with its postings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRecord {
    pub id: i64,
    pub key: String,
    pub kind: EntryKind,
    pub date: Date,
    pub memo: String,
    pub amount: Dong,
    pub pending_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub source: Option<Source>,
    pub created_by: String,
    pub created_at: Millis,
    pub postings: Vec<Posting>,
}

/// An account with its running totals, as the ledger page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub name_vi: String,
    pub name_en: String,
    pub state: AccountState,
}

impl AccountRow {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }
}

/// A pending entry (a commitment) and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingRow {
    pub state: PendingState,
    pub date: Date,
    pub memo: String,
    pub source: Option<Source>,
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub account: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub source_kind: Option<String>,
    pub source_id: Option<String>,
}

type EntryTuple = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

#[derive(sqlx::FromRow)]
struct AccountDb {
    code: String,
    name_vi: String,
    name_en: String,
    normal: String,
    guarded: bool,
    debits_posted: i64,
    credits_posted: i64,
    debits_pending: i64,
    credits_pending: i64,
}

#[derive(sqlx::FromRow)]
struct PendingDb {
    entry_id: i64,
    amount: i64,
    posted: i64,
    released: i64,
    entry_date: String,
    memo: String,
    source_kind: Option<String>,
    source_id: Option<String>,
}

const ENTRY_COLUMNS: &str = "id, idem_key, kind, entry_date, memo, amount, pending_id, reverses_id, source_kind, source_id, created_by, created_at";

fn entry_of(t: EntryTuple, postings: Vec<Posting>) -> Result<EntryRecord> {
    let (id, key, kind, date, memo, amount, pending_id, reverses_id, sk, si, by, at) = t;
    Ok(EntryRecord {
        id,
        key,
        kind: EntryKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt("ledger_entries", "kind", kind))?,
        date: parse_iso(&date, "ledger_entries", "entry_date")?,
        memo,
        amount: Dong(amount),
        pending_id,
        reverses_id,
        source: match (sk, si) {
            (Some(kind), Some(id)) => Some(Source { kind, id }),
            _ => None,
        },
        created_by: by,
        created_at: at,
        postings,
    })
}

fn side_of(s: &str) -> Result<Side> {
    Side::parse(s).ok_or_else(|| StoreError::corrupt("ledger", "side", s))
}

impl Store {
    /// Posts one request in its own transaction. A retry with the same key and body gives
    /// back the original entry (also when two servers receive it at once).
    pub async fn ledger_post(&self, actor: &AuditActor, req: &Request) -> Result<Outcome> {
        let mut tx = self.pool().begin().await?;
        match post_in(&mut tx, actor, req).await {
            Ok(o) => {
                tx.commit().await?;
                Ok(o)
            }
            Err(StoreError::Db(e)) if unique_violation(&e) == Some("ledger_entries_key") => {
                drop(tx);
                // Another server posted the same key in between: answer as a retry would.
                let mut tx = self.pool().begin().await?;
                let o = post_in(&mut tx, actor, req).await?;
                tx.commit().await?;
                Ok(o)
            }
            Err(e) => Err(e),
        }
    }

    /// Posts many requests in one transaction: all of them or none (an import's lines).
    pub async fn ledger_post_all(
        &self,
        actor: &AuditActor,
        reqs: &[Request],
    ) -> Result<Vec<Outcome>> {
        let mut tx = self.pool().begin().await?;
        let out = post_many_in(&mut tx, actor, reqs).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Every account with its running totals, in chart order.
    pub async fn ledger_accounts(&self) -> Result<Vec<AccountRow>> {
        let rows: Vec<AccountDb> = q(
            "SELECT code, name_vi, name_en, normal, guarded, debits_posted, credits_posted, debits_pending, credits_pending
               FROM ledger_accounts ORDER BY code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AccountRow {
                    name_vi: r.name_vi,
                    name_en: r.name_en,
                    state: AccountState {
                        code: r.code,
                        normal: side_of(&r.normal)?,
                        guarded: r.guarded,
                        debits: Dong(r.debits_posted),
                        credits: Dong(r.credits_posted),
                        debits_pending: Dong(r.debits_pending),
                        credits_pending: Dong(r.credits_pending),
                    },
                })
            })
            .collect()
    }

    /// The trial balance now (from the running totals), or at the end of a day (from the
    /// postings up to it).
    pub async fn trial_balance(&self, at: Option<Date>, lang: Lang) -> Result<TrialBalance> {
        let totals: Vec<(String, Dong, Dong)> = match at {
            None => self
                .ledger_accounts()
                .await?
                .into_iter()
                .map(|a| (a.state.code, a.state.debits, a.state.credits))
                .collect(),
            Some(day) => {
                let sums: Vec<(String, String, i64)> = q(
                    "SELECT account, side, CAST(SUM(amount) AS BIGINT) FROM ledger_postings
                      WHERE counts AND entry_date <= $1 GROUP BY account, side",
                )
                .bind(iso(day))
                .fetch_all(self.pool())
                .await?;
                let mut by: BTreeMap<String, (i64, i64)> =
                    CHART.iter().map(|a| (a.code.to_string(), (0, 0))).collect();
                for (acc, side, sum) in sums {
                    let e = by.entry(acc).or_default();
                    match side_of(&side)? {
                        Side::Debit => e.0 += sum,
                        Side::Credit => e.1 += sum,
                    }
                }
                by.into_iter()
                    .map(|(code, (d, c))| (code, Dong(d), Dong(c)))
                    .collect()
            }
        };
        let mut tb = TrialBalance::from_totals(totals, lang);
        // Names as the database has them, for accounts the chart may not know.
        for line in &mut tb.accounts {
            if line.name.is_empty() {
                line.name = line.code.clone();
            }
        }
        Ok(tb)
    }

    /// One entry with its postings.
    pub async fn ledger_entry(&self, id: i64) -> Result<Option<EntryRecord>> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE id = $1");
        let row: Option<EntryTuple> = crate::db::Q::assembled(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut postings = self.postings_of(id, id).await?;
        Ok(Some(entry_of(
            row,
            postings.remove(&id).unwrap_or_default(),
        )?))
    }

    async fn postings_of(&self, from: i64, to: i64) -> Result<BTreeMap<i64, Vec<Posting>>> {
        let rows: Vec<(i64, String, String, i64)> =
            q("SELECT entry_id, account, side, amount FROM ledger_postings
              WHERE entry_id BETWEEN $1 AND $2 ORDER BY entry_id, line_no")
            .bind(from)
            .bind(to)
            .fetch_all(self.pool())
            .await?;
        let mut by: BTreeMap<i64, Vec<Posting>> = BTreeMap::new();
        for (id, acc, side, amount) in rows {
            by.entry(id).or_default().push(Posting {
                account: acc,
                side: side_of(&side)?,
                amount: Dong(amount),
            });
        }
        Ok(by)
    }

    /// The journal, newest first, `limit` entries before entry `before` (all when `None`).
    pub async fn ledger_entries(
        &self,
        f: &EntryFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EntryRecord>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM ledger_entries e
              WHERE ($1 IS NULL OR EXISTS (SELECT 1 FROM ledger_postings p WHERE p.entry_id = e.id AND p.account = $1))
                AND ($2 IS NULL OR entry_date >= $2) AND ($3 IS NULL OR entry_date <= $3)
                AND ($4 IS NULL OR source_kind = $4) AND ($5 IS NULL OR source_id = $5)
                AND ($6 IS NULL OR id < $6)
              ORDER BY id DESC LIMIT $7"
        );
        let rows: Vec<EntryTuple> = crate::db::Q::assembled(sql)
            .bind(f.account.clone())
            .bind(f.from.map(iso))
            .bind(f.to.map(iso))
            .bind(f.source_kind.clone())
            .bind(f.source_id.clone())
            .bind(before)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        let (Some(lo), Some(hi)) = (rows.last().map(|r| r.0), rows.first().map(|r| r.0)) else {
            return Ok(Vec::new());
        };
        let mut postings = self.postings_of(lo, hi).await?;
        rows.into_iter()
            .map(|r| {
                let p = postings.remove(&r.0).unwrap_or_default();
                entry_of(r, p)
            })
            .collect()
    }

    /// The entry that reversed entry `id`, if one did.
    pub async fn ledger_reversal_of(&self, id: i64) -> Result<Option<i64>> {
        Ok(
            q("SELECT id FROM ledger_entries WHERE reverses_id = $1 AND kind = 'reversal'")
                .bind(id)
                .scalar_optional(self.pool())
                .await?,
        )
    }

    /// How many entries the ledger holds.
    pub async fn ledger_entry_count(&self) -> Result<i64> {
        Ok(q("SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_entries")
            .scalar(self.pool())
            .await?)
    }

    /// Pending entries (commitments), open ones first.
    pub async fn ledger_pending(&self) -> Result<Vec<PendingRow>> {
        let rows: Vec<PendingDb> =
            q("SELECT p.entry_id, p.amount, p.posted, p.released, e.entry_date, e.memo, e.source_kind, e.source_id
                 FROM ledger_pending p JOIN ledger_entries e ON e.id = p.entry_id
                ORDER BY (p.posted + p.released = p.amount), p.entry_id")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PendingRow {
                    state: PendingState {
                        id: r.entry_id,
                        amount: Dong(r.amount),
                        posted: Dong(r.posted),
                        released: Dong(r.released),
                        closed: r.posted + r.released == r.amount,
                    },
                    date: parse_iso(&r.entry_date, "ledger_entries", "entry_date")?,
                    memo: r.memo,
                    source: match (r.source_kind, r.source_id) {
                        (Some(kind), Some(id)) => Some(Source { kind, id }),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Recomputes every account's totals and every pending amount from the postings and
    /// compares them with what is kept: the problems found (none when the ledger holds).
    pub async fn ledger_verify(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let sums: Vec<(String, String, String, i64)> = q(
            "SELECT p.account, p.side, e.kind, CAST(SUM(p.amount) AS BIGINT)
               FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
              GROUP BY p.account, p.side, e.kind",
        )
        .fetch_all(self.pool())
        .await?;
        let mut want: BTreeMap<String, [i64; 4]> = BTreeMap::new();
        for (acc, side, kind, sum) in sums {
            let side = side_of(&side)?;
            let kind = EntryKind::parse(&kind)
                .ok_or_else(|| StoreError::corrupt("ledger_entries", "kind", kind))?;
            let t = want.entry(acc).or_default();
            let (posted, pending) = match side {
                Side::Debit => (0, 2),
                Side::Credit => (1, 3),
            };
            match kind {
                EntryKind::Posted | EntryKind::Reversal => t[posted] += sum,
                EntryKind::PostPending => {
                    t[posted] += sum;
                    t[pending] -= sum;
                }
                EntryKind::Pending => t[pending] += sum,
                EntryKind::Release => t[pending] -= sum,
            }
        }
        let (mut td, mut tc) = (0i64, 0i64);
        for a in self.ledger_accounts().await? {
            let s = &a.state;
            let have = [
                s.debits.0,
                s.credits.0,
                s.debits_pending.0,
                s.credits_pending.0,
            ];
            let w = want.get(&s.code).copied().unwrap_or_default();
            if have != w {
                problems.push(format!(
                    "tài khoản {}: sổ ghi {:?}, tính lại từ các dòng được {:?}",
                    s.code, have, w
                ));
            }
            td += s.debits.0;
            tc += s.credits.0;
        }
        if td != tc {
            problems.push(format!("bảng cân đối không cân: Nợ {td}, Có {tc}"));
        }
        let pend: Vec<(i64, i64, i64, i64, i64)> = q(
            "SELECT p.entry_id, p.amount, p.posted, p.released,
                    CAST(COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.pending_id = p.entry_id AND e.kind = 'post_pending'), 0) AS BIGINT)
               FROM ledger_pending p",
        )
        .fetch_all(self.pool())
        .await?;
        for (id, amount, posted, released, sum_posted) in pend {
            if posted != sum_posted || posted + released > amount {
                problems.push(format!(
                    "khoản tạm giữ {id}: giá trị {amount}, đã ghi {posted} (theo bút toán {sum_posted}), đã giải phóng {released}"
                ));
            }
        }
        Ok(problems)
    }
}

impl From<LedgerError> for StoreError {
    fn from(e: LedgerError) -> Self {
        StoreError::Domain(e.into())
    }
}
