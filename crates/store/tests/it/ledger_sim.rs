//! The ledger's deterministic simulation: a seeded random mix of donations, the Front's
//! transfers, budget, contracts reserved, posted in part and released, payments,
//! reversals, retried requests, reused keys and malformed entries, sent through the real
//! store (with its audit trail) and checked after every step against a model written
//! here, independently of the domain's code: the same answer for every request, every
//! account's totals equal to the model's (so the trial balance is zero and no guarded
//! account is negative), no posted entry changed, each pending amount resolved at most
//! once, no retry posting twice.
//!
//! A failure prints its seed; `LEDGER_SIM_SEED=<seed> cargo test -p songmaytinh-store
//! --test it ledger_sim` replays it alone. `LEDGER_SIM_STEPS` and `LEDGER_SIM_SEEDS`
//! change the size (10,000 steps, 20 seeds on SQLite and 3 on PostgreSQL by default).

use crate::ledger::{code_of, post};
use domain::ledger::{NewEntry, Posting, Request, Side};
use domain::money::Dong;
use songmaytinh_store::AuditActor;
use songmaytinh_store::testing::{TestDb, system};
use std::collections::{BTreeMap, HashMap};
use time::macros::date;

/// SplitMix64: small, seedable, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn amount(&mut self) -> i64 {
        // Mostly round sums as people give them, sometimes odd ones.
        match self.below(4) {
            0 => (1 + self.below(2_000)) as i64 * 1_000,
            1 => (1 + self.below(50)) as i64 * 1_000_000,
            2 => 1 + self.below(10_000_000) as i64,
            _ => (1 + self.below(500)) as i64 * 100_000,
        }
    }
}

/// The model's account: normal side, guarded, posted and pending totals.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Acc {
    debit_normal: bool,
    guarded: bool,
    d: i64,
    c: i64,
    dp: i64,
    cp: i64,
}

impl Acc {
    fn ok(&self) -> bool {
        !self.guarded
            || if self.debit_normal {
                self.c + self.cp <= self.d
            } else {
                self.d + self.dp <= self.c
            }
    }
}

#[derive(Debug, Clone)]
struct Pend {
    debit: &'static str,
    credit: &'static str,
    amount: i64,
    posted: i64,
    released: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    kind: &'static str,
    amount: i64,
    postings: Vec<(String, Side, i64)>,
}

#[derive(Clone)]
struct Model {
    accounts: BTreeMap<&'static str, Acc>,
    pending: HashMap<i64, Pend>,
    entries: Vec<Entry>,
    reversed: HashMap<i64, i64>,
    /// Every key used, with the request's canonical body and the entry it made.
    keys: HashMap<String, (String, i64)>,
    last: i64,
}

/// What the model expects a request to come to.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    New(i64),
    Replay(i64),
    Refused(&'static str),
}

const CHART: [(&str, bool, bool); 8] = [
    ("1121", true, true),
    ("1122", true, true),
    ("1388", true, true),
    ("3311", false, true),
    ("3312", true, true),
    ("4311", false, false),
    ("4612", false, false),
    ("6111", true, false),
];

impl Model {
    fn new() -> Model {
        Model {
            accounts: CHART
                .iter()
                .map(|(c, dn, g)| {
                    (
                        *c,
                        Acc {
                            debit_normal: *dn,
                            guarded: *g,
                            d: 0,
                            c: 0,
                            dp: 0,
                            cp: 0,
                        },
                    )
                })
                .collect(),
            pending: HashMap::new(),
            entries: Vec::new(),
            reversed: HashMap::new(),
            keys: HashMap::new(),
            last: 0,
        }
    }

    fn name(code: &str) -> &'static str {
        CHART
            .iter()
            .find(|c| c.0 == code)
            .map(|c| c.0)
            .unwrap_or("")
    }

    /// Applies `req` if the rules allow, and says what the store must answer.
    fn apply(&mut self, req: &Request) -> Expect {
        let body = serde_json::to_string(req).unwrap();
        let key = match req {
            Request::Post(e) | Request::Reserve(e) => e.key.clone(),
            Request::PostPending { key, .. }
            | Request::Release { key, .. }
            | Request::Reverse { key, .. } => key.clone(),
        };
        if let Some((b, id)) = self.keys.get(&key) {
            return if *b == body {
                Expect::Replay(*id)
            } else {
                Expect::Refused("idempotency_key_reused")
            };
        }
        // (account, side, amount, posted delta, pending delta) per leg.
        let mut legs: Vec<(&'static str, Side, i64, i64, i64)> = Vec::new();
        let kind: &'static str;
        let mut pend_change: Option<(i64, i64, bool)> = None;
        match req {
            Request::Post(e) | Request::Reserve(e) => {
                if e.postings.len() < 2 {
                    return Expect::Refused("too_few_postings");
                }
                if e.postings.iter().any(|p| p.amount.0 <= 0) {
                    return Expect::Refused("non_positive_amount");
                }
                let net: i64 = e
                    .postings
                    .iter()
                    .map(|p| match p.side {
                        Side::Debit => p.amount.0,
                        Side::Credit => -p.amount.0,
                    })
                    .sum();
                if net != 0 {
                    return Expect::Refused("unbalanced_entry");
                }
                let reserve = matches!(req, Request::Reserve(_));
                kind = if reserve { "pending" } else { "posted" };
                for p in &e.postings {
                    let (posted, pending) = if reserve {
                        (0, p.amount.0)
                    } else {
                        (p.amount.0, 0)
                    };
                    legs.push((Self::name(&p.account), p.side, p.amount.0, posted, pending));
                }
            }
            Request::PostPending {
                pending, amount, ..
            } => {
                let Some(p) = self.pending.get(pending) else {
                    return Expect::Refused("no_such_pending");
                };
                let left = p.amount - p.posted;
                if p.released || left == 0 {
                    return Expect::Refused("pending_resolved");
                }
                if amount.0 > left {
                    return Expect::Refused("pending_exceeded");
                }
                kind = "post_pending";
                legs.push((p.debit, Side::Debit, amount.0, amount.0, -amount.0));
                legs.push((p.credit, Side::Credit, amount.0, amount.0, -amount.0));
                pend_change = Some((*pending, amount.0, false));
            }
            Request::Release { pending, .. } => {
                let Some(p) = self.pending.get(pending) else {
                    return Expect::Refused("no_such_pending");
                };
                let left = p.amount - p.posted;
                if p.released || left == 0 {
                    return Expect::Refused("pending_resolved");
                }
                kind = "release";
                legs.push((p.debit, Side::Debit, left, 0, -left));
                legs.push((p.credit, Side::Credit, left, 0, -left));
                pend_change = Some((*pending, 0, true));
            }
            Request::Reverse { entry, .. } => {
                let Some(e) = self.entries.iter().find(|e| e.id == *entry) else {
                    return Expect::Refused("not_found");
                };
                if e.kind != "posted" || self.reversed.contains_key(entry) {
                    return Expect::Refused("not_reversible");
                }
                kind = "reversal";
                for (acc, side, amount) in &e.postings {
                    let other = if *side == Side::Debit {
                        Side::Credit
                    } else {
                        Side::Debit
                    };
                    legs.push((Self::name(acc), other, *amount, *amount, 0));
                }
            }
        }
        let mut next = self.accounts.clone();
        for (acc, side, _, posted, pending) in &legs {
            let a = next.get_mut(acc).unwrap();
            match side {
                Side::Debit => {
                    a.d += posted;
                    a.dp += pending;
                }
                Side::Credit => {
                    a.c += posted;
                    a.cp += pending;
                }
            }
        }
        if next.values().any(|a| !a.ok()) {
            return Expect::Refused("account_would_go_negative");
        }
        self.accounts = next;
        self.last += 1;
        let id = self.last;
        if kind == "pending" {
            let debit = legs.iter().find(|l| l.1 == Side::Debit).unwrap();
            let credit = legs.iter().find(|l| l.1 == Side::Credit).unwrap();
            self.pending.insert(
                id,
                Pend {
                    debit: debit.0,
                    credit: credit.0,
                    amount: debit.2,
                    posted: 0,
                    released: false,
                },
            );
        }
        if let Some((p, posted, released)) = pend_change {
            let p = self.pending.get_mut(&p).unwrap();
            p.posted += posted;
            p.released |= released;
        }
        if let Request::Reverse { entry, .. } = req {
            self.reversed.insert(*entry, id);
        }
        self.entries.push(Entry {
            id,
            kind,
            amount: legs
                .iter()
                .filter(|l| l.1 == Side::Debit)
                .map(|l| l.2)
                .sum(),
            postings: legs
                .iter()
                .map(|(a, s, n, _, _)| (a.to_string(), *s, *n))
                .collect(),
        });
        self.keys.insert(key, (body, id));
        Expect::New(id)
    }
}

/// The next request: mostly what the program does, sometimes a retry, a reused key or a
/// malformed entry.
fn request(rng: &mut Rng, step: usize, model: &Model, sent: &[Request]) -> Request {
    let day = date!(2026 - 08 - 01) + time::Duration::days((step / 50) as i64);
    let key = format!("k{step}");
    let pair =
        |d: &str, c: &str, n: i64| vec![Posting::debit(d, Dong(n)), Posting::credit(c, Dong(n))];
    let open: Vec<i64> = {
        let mut v: Vec<i64> = model
            .pending
            .iter()
            .filter(|(_, p)| !p.released && p.posted < p.amount)
            .map(|(id, _)| *id)
            .collect();
        v.sort();
        v
    };
    let any_pending = |rng: &mut Rng| -> i64 {
        if !open.is_empty() && rng.below(5) != 0 {
            open[rng.below(open.len() as u64) as usize]
        } else {
            1 + rng.below(model.last.max(1) as u64 + 2) as i64
        }
    };
    match rng.below(100) {
        0..=17 => post(
            &key,
            day,
            "Ủng hộ chuyển khoản",
            pair("1121", "4311", rng.amount()),
        ),
        18..=27 => post(
            &key,
            day,
            "Ủng hộ qua MTTQ",
            pair("1388", "4311", rng.amount()),
        ),
        28..=34 => post(
            &key,
            day,
            "MTTQ chuyển về Sở",
            pair("1121", "1388", rng.amount()),
        ),
        35..=38 => post(
            &key,
            day,
            "Kinh phí ngân sách",
            pair("1122", "4612", rng.amount() * 20),
        ),
        39..=45 => {
            let (d, c) = if rng.below(2) == 0 {
                ("6111", "3311")
            } else {
                ("6111", ["1121", "1122"][rng.below(2) as usize])
            };
            Request::Reserve(NewEntry {
                key,
                date: day,
                memo: "Hợp đồng mua sắm".into(),
                postings: pair(d, c, rng.amount() * 3),
                source: None,
            })
        }
        46..=57 => {
            let pending = any_pending(rng);
            let left = model
                .pending
                .get(&pending)
                .map(|p| p.amount - p.posted)
                .unwrap_or(1_000_000)
                .max(1);
            let amount = match rng.below(4) {
                0 => left,
                1 => left + 1 + rng.below(1_000) as i64,
                _ => 1 + rng.below(left as u64) as i64,
            };
            Request::PostPending {
                key,
                date: day,
                memo: "Nghiệm thu, ghi nhận".into(),
                pending,
                amount: Dong(amount),
                source: None,
            }
        }
        58..=61 => Request::Release {
            key,
            date: day,
            memo: "Thanh lý hợp đồng".into(),
            pending: any_pending(rng),
        },
        62..=71 => post(
            &key,
            day,
            "Thanh toán nhà cung cấp",
            pair(
                "3311",
                ["1121", "1122"][rng.below(2) as usize],
                rng.amount(),
            ),
        ),
        72..=74 => post(
            &key,
            day,
            "Tạm ứng hợp đồng",
            pair("3312", "1121", rng.amount()),
        ),
        75..=76 => post(
            &key,
            day,
            "Bù trừ tạm ứng",
            pair("3311", "3312", rng.amount()),
        ),
        77..=81 => Request::Reverse {
            key,
            date: day,
            reason: "Ghi nhầm".into(),
            entry: 1 + rng.below(model.last.max(1) as u64 + 1) as i64,
        },
        82..=91 if !sent.is_empty() => sent[rng.below(sent.len() as u64) as usize].clone(),
        92..=95 if !sent.is_empty() => {
            // The key of an earlier request with another body.
            let mut r = sent[rng.below(sent.len() as u64) as usize].clone();
            match &mut r {
                Request::Post(e) | Request::Reserve(e) => e.memo.push('!'),
                Request::PostPending { amount, .. } => amount.0 += 1,
                Request::Release { memo, .. } => memo.push('!'),
                Request::Reverse { reason, .. } => reason.push('!'),
            }
            r
        }
        _ => {
            let n = rng.amount();
            match rng.below(3) {
                0 => post(
                    &key,
                    day,
                    "Không cân",
                    vec![
                        Posting::debit("1121", Dong(n)),
                        Posting::credit("4311", Dong(n + 1)),
                    ],
                ),
                1 => post(&key, day, "Số tiền 0", pair("1121", "4311", 0)),
                _ => post(
                    &key,
                    day,
                    "Ba dòng",
                    vec![
                        Posting::debit("1121", Dong(n)),
                        Posting::credit("4311", Dong(n / 2)),
                        Posting::credit("4612", Dong(n - n / 2)),
                    ],
                ),
            }
        }
    }
}

async fn compare_accounts(db: &TestDb, model: &Model, seed: u64, step: usize) {
    let rows = db.store.ledger_accounts().await.unwrap();
    let (mut td, mut tc) = (0, 0);
    for r in rows {
        let s = &r.state;
        let m = &model.accounts[s.code.as_str()];
        assert_eq!(
            (
                s.debits.0,
                s.credits.0,
                s.debits_pending.0,
                s.credits_pending.0
            ),
            (m.d, m.c, m.dp, m.cp),
            "seed {seed}, step {step}: account {}",
            s.code
        );
        assert!(
            s.available().0 >= 0 || !s.guarded,
            "seed {seed}, step {step}: {} negative",
            s.code
        );
        td += s.debits.0;
        tc += s.credits.0;
    }
    assert_eq!(td, tc, "seed {seed}, step {step}: trial balance");
}

/// Every entry as posted: the store's journal equals the model's, entry for entry.
async fn compare_entries(db: &TestDb, model: &Model, seed: u64, step: usize) {
    let mut stored = Vec::new();
    let mut before = None;
    loop {
        let page = db
            .store
            .ledger_entries(&Default::default(), before, 5_000)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        stored.extend(page);
    }
    stored.reverse();
    assert_eq!(
        stored.len(),
        model.entries.len(),
        "seed {seed}, step {step}"
    );
    for (s, m) in stored.iter().zip(&model.entries) {
        let postings: Vec<(String, Side, i64)> = s
            .postings
            .iter()
            .map(|p| (p.account.clone(), p.side, p.amount.0))
            .collect();
        assert_eq!(
            (s.id, s.kind.code(), s.amount.0, &postings),
            (m.id, m.kind, m.amount, &m.postings),
            "seed {seed}, step {step}: entry {}",
            m.id
        );
    }
    assert!(
        db.store.ledger_verify().await.unwrap().is_empty(),
        "seed {seed}, step {step}"
    );
}

pub async fn simulate(db: &TestDb, seed: u64, steps: usize) {
    let actor: AuditActor = system();
    let mut rng = Rng(seed);
    let mut model = Model::new();
    let mut sent: Vec<Request> = Vec::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for step in 0..steps {
        let req = request(&mut rng, step, &model, &sent);
        let expect = model.apply(&req);
        let got = match db.store.ledger_post(&actor, &req).await {
            Ok(o) if o.replayed => Expect::Replay(o.entry),
            Ok(o) => Expect::New(o.entry),
            Err(e) => {
                let code = code_of(e);
                Expect::Refused(
                    [
                        "idempotency_key_reused",
                        "too_few_postings",
                        "non_positive_amount",
                        "unbalanced_entry",
                        "no_such_pending",
                        "pending_resolved",
                        "pending_exceeded",
                        "not_found",
                        "not_reversible",
                        "account_would_go_negative",
                    ]
                    .into_iter()
                    .find(|c| *c == code)
                    .unwrap_or_else(|| panic!("seed {seed}, step {step}: {code} for {req:?}")),
                )
            }
        };
        assert_eq!(got, expect, "seed {seed}, step {step}: {req:?}");
        let what = match (&got, &req) {
            (Expect::New(_), r) => format!("new {}", serde_json::to_value(r).unwrap()["op"]),
            (Expect::Replay(_), _) => "replayed".into(),
            (Expect::Refused(code), _) => format!("refused {code}"),
        };
        *tally.entry(what).or_default() += 1;
        sent.push(req);
        compare_accounts(db, &model, seed, step).await;
        if step % 2_500 == 2_499 {
            compare_entries(db, &model, seed, step).await;
        }
    }
    compare_entries(db, &model, seed, steps).await;
    eprintln!("seed {seed}: {tally:?}");
    // The mix reaches every path: each kind posted, retried, and each refusal seen.
    for what in [
        "new \"post\"",
        "new \"reserve\"",
        "new \"post_pending\"",
        "new \"release\"",
        "new \"reverse\"",
        "replayed",
        "refused idempotency_key_reused",
        "refused account_would_go_negative",
        "refused pending_exceeded",
        "refused pending_resolved",
        "refused not_reversible",
        "refused unbalanced_entry",
        "refused non_positive_amount",
    ] {
        assert!(
            steps < 2_000 || tally.contains_key(what),
            "seed {seed}: never {what}: {tally:?}"
        );
    }
    assert!(
        db.store.verify_audit(|_, _| {}).await.unwrap().ok(),
        "seed {seed}"
    );
}

/// The same mix sent in batches of one to four requests through `ledger_post_all`, which
/// writes runs of ordinary and reserving entries together: a batch is posted whole, each
/// request coming to what the model says one-by-one posting gives (the same entry numbers,
/// retries inside a batch included), or refused whole with a reason one of its requests
/// has, leaving nothing behind.
pub async fn simulate_batched(db: &TestDb, seed: u64, steps: usize) {
    let actor: AuditActor = system();
    let mut rng = Rng(seed ^ 0xBA7C_4ED0);
    let mut model = Model::new();
    let mut sent: Vec<Request> = Vec::new();
    let (mut posted, mut refused, mut step) = (0usize, 0usize, 0usize);
    let mut retried_inside = 0usize;
    while step < steps {
        let size = 1 + rng.below(4) as usize;
        let mut trial = model.clone();
        let before = sent.len();
        let mut expects = Vec::with_capacity(size);
        for _ in 0..size {
            let req = request(&mut rng, step, &trial, &sent);
            expects.push(trial.apply(&req));
            sent.push(req);
            step += 1;
            // Now and then the same request twice in one batch: the second is its retry.
            if rng.below(6) == 0 {
                let again = sent[sent.len() - 1].clone();
                expects.push(trial.apply(&again));
                sent.push(again);
                step += 1;
            }
        }
        let refusals: Vec<&str> = expects
            .iter()
            .filter_map(|e| match e {
                Expect::Refused(c) => Some(*c),
                _ => None,
            })
            .collect();
        match db.store.ledger_post_all(&actor, &sent[before..]).await {
            Ok(outs) => {
                assert!(
                    refusals.is_empty(),
                    "seed {seed}, step {step}: posted a batch the model refuses ({refusals:?}): {:?}",
                    &sent[before..]
                );
                let got: Vec<Expect> = outs
                    .iter()
                    .map(|o| {
                        if o.replayed {
                            Expect::Replay(o.entry)
                        } else {
                            Expect::New(o.entry)
                        }
                    })
                    .collect();
                assert_eq!(got, expects, "seed {seed}, step {step}");
                retried_inside += got
                    .iter()
                    .filter(|g| matches!(g, Expect::Replay(e) if *e > model.last))
                    .count();
                model = trial;
                posted += 1;
            }
            Err(e) => {
                let code = code_of(e);
                assert!(
                    refusals.contains(&code.as_str()),
                    "seed {seed}, step {step}: refused with {code}, the model expected {expects:?}: {:?}",
                    &sent[before..]
                );
                sent.truncate(before);
                refused += 1;
            }
        }
        compare_accounts(db, &model, seed, step).await;
    }
    compare_entries(db, &model, seed, steps).await;
    eprintln!(
        "batched seed {seed}: {posted} batches posted ({retried_inside} retries of a request in the same batch), {refused} refused"
    );
    assert!(retried_inside > 0, "seed {seed}: no retry inside a batch");
    assert!(
        posted * 10 > posted + refused && refused * 10 > posted + refused,
        "seed {seed}: {posted} posted, {refused} refused"
    );
    assert!(
        db.store.verify_audit(|_, _| {}).await.unwrap().ok(),
        "seed {seed}"
    );
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seeds(default: usize) -> Vec<u64> {
    if let Some(seed) = std::env::var("LEDGER_SIM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return vec![seed];
    }
    let n = env_usize("LEDGER_SIM_SEEDS", default);
    (0..n as u64).map(|i| 0x5EED_0000 + i * 7_919).collect()
}

/// Runs the SQLite seeds in four groups, so that the test runner spreads them over the
/// cores; each seed in its own database, a failing seed named in the panic.
async fn sqlite_group(group: usize) {
    let steps = env_usize("LEDGER_SIM_STEPS", 10_000);
    let all = seeds(20);
    let mine: Vec<u64> = if all.len() == 1 {
        if group == 0 { all } else { Vec::new() }
    } else {
        all.into_iter().skip(group).step_by(4).collect()
    };
    for seed in mine {
        let db = TestDb::sqlite().await;
        eprintln!("ledger simulation on SQLite: seed {seed}, {steps} steps");
        simulate(&db, seed, steps).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_sqlite_0() {
    sqlite_group(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_sqlite_1() {
    sqlite_group(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_sqlite_2() {
    sqlite_group(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_sqlite_3() {
    sqlite_group(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_postgres() {
    let steps = env_usize("LEDGER_SIM_STEPS", 10_000);
    for seed in seeds(3) {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        eprintln!("ledger simulation on PostgreSQL: seed {seed}, {steps} steps");
        simulate(&db, seed, steps).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_batched_sqlite() {
    let steps = env_usize("LEDGER_SIM_STEPS", 10_000);
    for seed in seeds(2) {
        let db = TestDb::sqlite().await;
        eprintln!("batched ledger simulation on SQLite: seed {seed}, {steps} steps");
        simulate_batched(&db, seed, steps).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_sim_batched_postgres() {
    let steps = env_usize("LEDGER_SIM_STEPS", 10_000);
    for seed in seeds(1) {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        eprintln!("batched ledger simulation on PostgreSQL: seed {seed}, {steps} steps");
        simulate_batched(&db, seed, steps).await;
    }
}
