//! Posting: one request (`post_in`) or runs of them (`post_many_in`) inside the caller's
//! transaction — the domain's rules on each account first, then the entry's number, its
//! postings, the running totals by deltas, pending rows, audit entries and the entry.

use super::{Outcome, side_of};
use crate::db::{Q, Tx, placeholders, q, value_rows};
use crate::error::{Result, StoreError};
use crate::students::programs::iso;
use crate::{AuditActor, AuditEvent, audit};
use domain::DomainError;
use domain::Lang;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::ledger::{
    AccountState, EntryKind, LedgerError, NewEntry, PendingState, Phase, Posting, Request, Source,
    account,
};
use domain::money::Dong;
use serde_json::json;
use std::collections::BTreeMap;
use time::Date;

async fn account_states(tx: &mut Tx) -> Result<BTreeMap<String, AccountState>> {
    let rows: Vec<(String, String, bool, i64, i64, i64, i64)> = q(
        "SELECT code, normal, guarded, debits_posted, credits_posted, debits_pending, credits_pending
           FROM ledger_accounts ORDER BY code",
    )
    .fetch_all(&mut *tx)
    .await?;
    rows.into_iter()
        .map(|(code, normal, guarded, d, c, dp, cp)| {
            Ok((
                code.clone(),
                AccountState {
                    code,
                    normal: side_of(&normal)?,
                    guarded,
                    debits: Dong(d),
                    credits: Dong(c),
                    debits_pending: Dong(dp),
                    credits_pending: Dong(cp),
                },
            ))
        })
        .collect()
}

async fn pending_state(tx: &mut Tx, id: i64) -> Result<Option<(PendingState, String, String)>> {
    let row: Option<(i64, i64, i64)> =
        q("SELECT amount, posted, released FROM ledger_pending WHERE entry_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((amount, posted, released)) = row else {
        return Ok(None);
    };
    let legs: Vec<(String, String)> =
        q("SELECT account, side FROM ledger_postings WHERE entry_id = $1 ORDER BY line_no")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    let debit = legs.iter().find(|l| l.1 == "debit");
    let credit = legs.iter().find(|l| l.1 == "credit");
    let (Some(debit), Some(credit)) = (debit, credit) else {
        return Err(StoreError::corrupt(
            "ledger_postings",
            "side",
            format!("pending {id}"),
        ));
    };
    let state = PendingState {
        id,
        amount: Dong(amount),
        posted: Dong(posted),
        released: Dong(released),
        closed: posted + released == amount,
    };
    Ok(Some((state, debit.0.clone(), credit.0.clone())))
}

/// An entry ready to be written: its request checked, its postings and what it points to.
struct Prepared {
    key: String,
    body: String,
    kind: EntryKind,
    date: Date,
    postings: Vec<Posting>,
    phase: Phase,
    memo: String,
    pending_id: Option<i64>,
    reverses_id: Option<i64>,
    source: Option<Source>,
    total: Dong,
}

/// What an earlier entry with the same key means for a request: a retry, or a refusal.
fn replay_of(key: &str, body: &str, seen: Option<&(i64, String)>) -> Result<Option<Outcome>> {
    match seen {
        None => Ok(None),
        Some((entry, sha)) if sha == body => Ok(Some(Outcome {
            entry: *entry,
            replayed: true,
        })),
        Some(_) => Err(DomainError::Ledger(LedgerError::KeyReused {
            key: key.to_string(),
        })
        .into()),
    }
}

/// Posts one request inside the caller's transaction (an area that records a pledge or a
/// payment posts its entry in the same transaction as its own rows).
pub async fn post_in(tx: &mut Tx, actor: &AuditActor, req: &Request) -> Result<Outcome> {
    let req = req.checked()?;
    let body = req.body_sha256();
    let seen: Option<(i64, String)> =
        q("SELECT id, body_sha256 FROM ledger_entries WHERE idem_key = $1")
            .bind(req.key().to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(o) = replay_of(req.key(), &body, seen.as_ref())? {
        return Ok(o);
    }
    let kind = req.kind();
    // The postings with the phase each applies to its account, and what the entry points to.
    let (postings, phase, memo, pending_id, reverses_id, source): (
        Vec<Posting>,
        Phase,
        String,
        Option<i64>,
        Option<i64>,
        Option<Source>,
    ) = match &req {
        Request::Post(e) => (
            e.postings.clone(),
            Phase::Posted,
            e.memo.clone(),
            None,
            None,
            e.source.clone(),
        ),
        Request::Reserve(e) => (
            e.postings.clone(),
            Phase::Reserve,
            e.memo.clone(),
            None,
            None,
            e.source.clone(),
        ),
        Request::PostPending {
            memo,
            pending,
            amount,
            source,
            ..
        } => {
            let (state, debit, credit) = pending_state(tx, *pending)
                .await?
                .ok_or(LedgerError::NoSuchPending { id: *pending })?;
            state.post(*amount)?;
            let n = q("UPDATE ledger_pending SET posted = posted + $1
                        WHERE entry_id = $2 AND amount - posted - released >= $1")
            .bind(amount.0)
            .bind(*pending)
            .execute(&mut *tx)
            .await?;
            if n != 1 {
                return Err(DomainError::Ledger(LedgerError::PendingExceeded {
                    id: *pending,
                    remaining: state.remaining(),
                    asked: *amount,
                })
                .into());
            }
            (
                vec![
                    Posting::debit(&debit, *amount),
                    Posting::credit(&credit, *amount),
                ],
                Phase::PostReserved,
                memo.clone(),
                Some(*pending),
                None,
                source.clone(),
            )
        }
        Request::Release { memo, pending, .. } => {
            let (state, debit, credit) = pending_state(tx, *pending)
                .await?
                .ok_or(LedgerError::NoSuchPending { id: *pending })?;
            let (_, left) = state.release()?;
            let n = q("UPDATE ledger_pending SET released = $1
                        WHERE entry_id = $2 AND released = 0 AND posted + $1 = amount")
            .bind(left.0)
            .bind(*pending)
            .execute(&mut *tx)
            .await?;
            if n != 1 {
                return Err(
                    DomainError::Ledger(LedgerError::PendingResolved { id: *pending }).into(),
                );
            }
            (
                vec![Posting::debit(&debit, left), Posting::credit(&credit, left)],
                Phase::Release,
                memo.clone(),
                Some(*pending),
                None,
                None,
            )
        }
        Request::Reverse { reason, entry, .. } => {
            let original: Option<(String, String)> =
                q("SELECT kind, memo FROM ledger_entries WHERE id = $1")
                    .bind(*entry)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((okind, omemo)) = original else {
                return Err(DomainError::NotFound.into());
            };
            if okind != EntryKind::Posted.code() {
                return Err(DomainError::Ledger(LedgerError::NotReversible {
                    id: *entry,
                    already: false,
                })
                .into());
            }
            let done: Option<i64> =
                q("SELECT id FROM ledger_entries WHERE reverses_id = $1 AND kind = 'reversal'")
                    .bind(*entry)
                    .scalar_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                return Err(DomainError::Ledger(LedgerError::NotReversible {
                    id: *entry,
                    already: true,
                })
                .into());
            }
            let legs: Vec<(String, String, i64)> = q(
                "SELECT account, side, amount FROM ledger_postings WHERE entry_id = $1 ORDER BY line_no",
            )
            .bind(*entry)
            .fetch_all(&mut *tx)
            .await?;
            let mut postings = Vec::with_capacity(legs.len());
            for (acc, side, amount) in legs {
                postings.push(Posting {
                    account: acc,
                    side: side_of(&side)?.other(),
                    amount: Dong(amount),
                });
            }
            (
                postings,
                Phase::Posted,
                format!("Đảo bút toán số {entry} ({omemo}): {reason}"),
                None,
                Some(*entry),
                None,
            )
        }
    };
    let total = domain::ledger::check_postings(&postings)?;
    let ids = write_entries(
        tx,
        actor,
        vec![Prepared {
            key: req.key().to_string(),
            body,
            kind,
            date: req.date(),
            postings,
            phase,
            memo,
            pending_id,
            reverses_id,
            source,
            total,
        }],
    )
    .await?;
    Ok(Outcome {
        entry: ids[0],
        replayed: false,
    })
}

/// Posts many requests inside the caller's transaction, in order: all of them or none.
/// Runs of ordinary and reserving entries (an import's lines, a statement's matched gifts)
/// are written together — their keys looked up 500 at a time, the accounts read once,
/// the postings, entries and audit entries inserted a hundred rows a statement — and
/// give the same entries, balances and chain as posting them one by one would.
pub async fn post_many_in(
    tx: &mut Tx,
    actor: &AuditActor,
    reqs: &[Request],
) -> Result<Vec<Outcome>> {
    let mut out = Vec::with_capacity(reqs.len());
    let mut run: Vec<(NewEntry, Phase, String)> = Vec::new();
    for req in reqs {
        let req = req.checked()?;
        let body = req.body_sha256();
        match req {
            Request::Post(e) => run.push((e, Phase::Posted, body)),
            Request::Reserve(e) => run.push((e, Phase::Reserve, body)),
            other => {
                out.extend(post_run(tx, actor, std::mem::take(&mut run)).await?);
                out.push(post_in(tx, actor, &other).await?);
            }
        }
    }
    out.extend(post_run(tx, actor, run).await?);
    Ok(out)
}

/// A run of checked `Post` and `Reserve` requests with their bodies' SHA-256.
async fn post_run(
    tx: &mut Tx,
    actor: &AuditActor,
    run: Vec<(NewEntry, Phase, String)>,
) -> Result<Vec<Outcome>> {
    if run.is_empty() {
        return Ok(Vec::new());
    }
    let mut seen: std::collections::HashMap<String, (i64, String)> =
        std::collections::HashMap::new();
    for chunk in run.chunks(500) {
        let sql = format!(
            "SELECT idem_key, id, body_sha256 FROM ledger_entries WHERE idem_key IN ({})",
            placeholders(0, chunk.len())
        );
        let mut query = Q::assembled(sql);
        for (e, _, _) in chunk {
            query = query.bind(e.key.clone());
        }
        let rows: Vec<(String, i64, String)> = query.fetch_all(&mut *tx).await?;
        seen.extend(rows.into_iter().map(|(k, id, sha)| (k, (id, sha))));
    }
    // Each request: a retry of a stored entry, of one earlier in the run, or new.
    enum Slot {
        Done(Outcome),
        Fresh(usize),
    }
    let mut slots = Vec::with_capacity(run.len());
    let mut fresh: Vec<Prepared> = Vec::new();
    let mut in_run: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (e, phase, body) in run {
        if let Some(o) = replay_of(&e.key, &body, seen.get(&e.key))? {
            slots.push(Slot::Done(o));
            continue;
        }
        if let Some(&i) = in_run.get(&e.key) {
            if fresh[i].body != body {
                return Err(DomainError::Ledger(LedgerError::KeyReused { key: e.key }).into());
            }
            slots.push(Slot::Fresh(i));
            continue;
        }
        let total = domain::ledger::check_postings(&e.postings)?;
        in_run.insert(e.key.clone(), fresh.len());
        slots.push(Slot::Fresh(fresh.len()));
        fresh.push(Prepared {
            key: e.key,
            body,
            kind: if phase == Phase::Reserve {
                EntryKind::Pending
            } else {
                EntryKind::Posted
            },
            date: e.date,
            postings: e.postings,
            phase,
            memo: e.memo,
            pending_id: None,
            reverses_id: None,
            source: e.source,
            total,
        });
    }
    let ids = write_entries(tx, actor, fresh).await?;
    let mut first_use = vec![true; ids.len()];
    Ok(slots
        .into_iter()
        .map(|s| match s {
            Slot::Done(o) => o,
            Slot::Fresh(i) => Outcome {
                entry: ids[i],
                // The second request of a run with the same key and body is its retry.
                replayed: !std::mem::replace(&mut first_use[i], false),
            },
        })
        .collect())
}

/// Writes prepared entries: the domain's rules on each account first, in order, for a
/// clear refusal; then the entries' numbers, postings, running totals (by deltas, so that
/// two servers posting at once both count, and the guarded accounts' CHECK refuses what
/// the domain read too early to see), pending rows, audit entries and the entries.
async fn write_entries(
    tx: &mut Tx,
    actor: &AuditActor,
    entries: Vec<Prepared>,
) -> Result<Vec<i64>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut states = account_states(tx).await?;
    let before = states.clone();
    for e in &entries {
        for p in &e.postings {
            let state = states
                .get(&p.account)
                .ok_or_else(|| LedgerError::UnknownAccount {
                    code: p.account.clone(),
                })?;
            let next = state.apply(p.side, p.amount, e.phase)?;
            states.insert(p.account.clone(), next);
        }
    }
    let n = entries.len() as i64;
    let last: i64 =
        q("UPDATE ledger_head SET last_entry = last_entry + $1 WHERE id = 1 RETURNING last_entry")
            .bind(n)
            .scalar(&mut *tx)
            .await?;
    let ids: Vec<i64> = (last - n + 1..=last).collect();
    let dates: Vec<String> = entries.iter().map(|e| iso(e.date)).collect();

    let legs: Vec<(i64, usize, &Posting, bool, &str)> = entries
        .iter()
        .zip(&ids)
        .zip(&dates)
        .flat_map(|((e, id), date)| {
            let counts = e.kind.moves_balances();
            e.postings
                .iter()
                .enumerate()
                .map(move |(i, p)| (*id, i + 1, p, counts, date.as_str()))
        })
        .collect();
    for chunk in legs.chunks(100) {
        let sql = format!(
            "INSERT INTO ledger_postings (entry_id, line_no, account, side, amount, counts, entry_date) VALUES {}",
            value_rows(chunk.len(), 7)
        );
        let mut query = Q::assembled(sql);
        for (id, line, p, counts, date) in chunk {
            query = query
                .bind(*id)
                .bind(*line as i64)
                .bind(p.account.clone())
                .bind(p.side.code())
                .bind(p.amount.0)
                .bind(*counts)
                .bind(date.to_string());
        }
        query.execute(&mut *tx).await?;
    }
    for (code, next) in &states {
        let old = &before[code];
        if next == old {
            continue;
        }
        let r = q("UPDATE ledger_accounts
                      SET debits_posted = debits_posted + $2, credits_posted = credits_posted + $3,
                          debits_pending = debits_pending + $4, credits_pending = credits_pending + $5
                    WHERE code = $1")
        .bind(code.clone())
        .bind(next.debits.0 - old.debits.0)
        .bind(next.credits.0 - old.credits.0)
        .bind(next.debits_pending.0 - old.debits_pending.0)
        .bind(next.credits_pending.0 - old.credits_pending.0)
        .execute(&mut *tx)
        .await;
        if let Err(e) = r {
            let check = e
                .as_database_error()
                .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::CheckViolation);
            if check {
                let asked = legs
                    .iter()
                    .filter(|l| &l.2.account == code)
                    .map(|l| l.2.amount.0)
                    .sum();
                return Err(DomainError::Ledger(LedgerError::WouldGoNegative {
                    account: code.clone(),
                    name: account(code)
                        .map(|a| a.name_vi.to_string())
                        .unwrap_or_default(),
                    available: old.available(),
                    asked: Dong(asked),
                })
                .into());
            }
            return Err(e.into());
        }
    }
    let pending: Vec<(i64, i64)> = entries
        .iter()
        .zip(&ids)
        .filter(|(e, _)| e.kind == EntryKind::Pending)
        .map(|(e, id)| (*id, e.total.0))
        .collect();
    for chunk in pending.chunks(100) {
        let sql = format!(
            "INSERT INTO ledger_pending (entry_id, amount) VALUES {}",
            value_rows(chunk.len(), 2)
        );
        let mut query = Q::assembled(sql);
        for (id, amount) in chunk {
            query = query.bind(*id).bind(*amount);
        }
        query.execute(&mut *tx).await?;
    }
    let events = entries
        .iter()
        .zip(&ids)
        .zip(&dates)
        .map(|((e, id), date)| {
            let legs = e
                .postings
                .iter()
                .map(|p| format!("{} {} {}", p.side.label(Lang::Vi), p.account, p.amount))
                .collect::<Vec<_>>()
                .join(", ");
            AuditEvent {
                entity: Entity::LedgerEntry,
                entity_id: Some(id.to_string()),
                action: match e.kind {
                    EntryKind::Posted => "post",
                    EntryKind::Pending => "reserve",
                    EntryKind::PostPending => "post_pending",
                    EntryKind::Release => "release",
                    EntryKind::Reversal => "reverse",
                },
                summary: format!(
                    "Bút toán số {id} ({}): {} – {legs}",
                    e.kind.label(Lang::Vi),
                    e.memo
                ),
                unit_id: None,
                changes: Some(json!({
                    "entry": id, "key": e.key, "kind": e.kind.code(), "date": date, "memo": e.memo,
                    "amount": e.total.0, "pending": e.pending_id, "reverses": e.reverses_id,
                    "source": e.source.as_ref().map(|s| json!({"kind": s.kind, "id": s.id})),
                    "postings": e.postings.iter().map(|p| json!({"account": p.account, "side": p.side.code(), "amount": p.amount.0})).collect::<Vec<_>>(),
                    "body_sha256": e.body,
                })),
                personal: None,
            }
        })
        .collect();
    let seqs = audit::append_many(tx, actor, events).await?;
    let at = now_millis();
    const COLUMNS: usize = 14;
    let rows: Vec<(usize, &Prepared)> = entries.iter().enumerate().collect();
    for chunk in rows.chunks(100) {
        let sql = format!(
            "INSERT INTO ledger_entries (id, idem_key, body_sha256, kind, entry_date, memo, amount, pending_id, reverses_id,
                                         source_kind, source_id, audit_seq, created_by, created_at)
             VALUES {}",
            value_rows(chunk.len(), COLUMNS)
        );
        let mut query = Q::assembled(sql);
        for (i, e) in chunk {
            query = query
                .bind(ids[*i])
                .bind(e.key.clone())
                .bind(e.body.clone())
                .bind(e.kind.code())
                .bind(dates[*i].clone())
                .bind(e.memo.clone())
                .bind(e.total.0)
                .bind(e.pending_id)
                .bind(e.reverses_id)
                .bind(e.source.as_ref().map(|s| s.kind.clone()))
                .bind(e.source.as_ref().map(|s| s.id.clone()))
                .bind(seqs[*i])
                .bind(actor.name.clone())
                .bind(at);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(ids)
}
