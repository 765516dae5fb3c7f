//! The ledger on SQLite and PostgreSQL: entries that balance or are refused with nothing
//! written; retries by idempotency key; a contract's commitment reserved, posted in part,
//! its rest released once; reversals; guarded accounts that never go negative, also when
//! many clients post at once; balances at a date; a database that refuses tampering.
//! And the deterministic simulation (`ledger_sim.rs`).

use crate::common::*;
use domain::Lang;
use domain::ledger::{
    BANK, BUDGET, CHART, DONATIONS, HELD_BY_MTTQ, NewEntry, PAYABLE, Posting, Request, SPENDING,
    TREASURY,
};
use domain::money::Dong;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::{StoreError, storage_tests};
use time::Date;
use time::macros::date;

storage_tests!(
    the_chart_is_the_domains,
    entries_balance_or_nothing_is_written,
    a_retry_returns_the_original_entry,
    a_commitment_is_posted_in_part_and_released_once,
    a_reversal_undoes_an_entry_once,
    balances_at_a_date,
    the_database_refuses_tampering,
    many_clients_at_once,
);

pub fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Domain(d) => d.code().to_string(),
        other => format!("{other:?}"),
    }
}

pub fn post(key: &str, day: Date, memo: &str, postings: Vec<Posting>) -> Request {
    Request::Post(NewEntry {
        key: key.into(),
        date: day,
        memo: memo.into(),
        postings,
        source: None,
    })
}

fn pair(debit: &str, credit: &str, amount: i64) -> Vec<Posting> {
    vec![
        Posting::debit(debit, Dong(amount)),
        Posting::credit(credit, Dong(amount)),
    ]
}

async fn balance(db: &TestDb, code: &str) -> (i64, i64) {
    let a = db
        .store
        .ledger_accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.state.code == code)
        .unwrap();
    (a.state.balance().0, a.state.available().0)
}

async fn the_chart_is_the_domains(db: &TestDb) {
    let rows = db.store.ledger_accounts().await.unwrap();
    assert_eq!(rows.len(), CHART.len());
    for (row, spec) in rows.iter().zip(CHART) {
        assert_eq!(row.state.code, spec.code);
        assert_eq!(row.name_vi, spec.name_vi);
        assert_eq!(row.name_en, spec.name_en);
        assert_eq!(row.state.normal, spec.normal, "{}", spec.code);
        assert_eq!(row.state.guarded, spec.guarded, "{}", spec.code);
    }
    // The ledger's triggers are among those `audit verify` requires.
    let v = db.store.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok(), "{v:?}");
}

async fn entries_balance_or_nothing_is_written(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 09 - 05);
    let o = s
        .ledger_post(
            &actor,
            &post(
                "d-1",
                day,
                "Công ty ABC ủng hộ",
                pair(BANK, DONATIONS, 50_000_000),
            ),
        )
        .await
        .unwrap();
    assert!(!o.replayed);
    let (_, audit_before) = s.audit_head().await.unwrap();
    for (req, code) in [
        (
            post(
                "bad-1",
                day,
                "x",
                vec![
                    Posting::debit(BANK, Dong(100)),
                    Posting::credit(DONATIONS, Dong(90)),
                ],
            ),
            "unbalanced_entry",
        ),
        (
            post("bad-2", day, "x", pair(BANK, DONATIONS, 0)),
            "non_positive_amount",
        ),
        (
            post("bad-3", day, "x", pair(BANK, DONATIONS, -7)),
            "non_positive_amount",
        ),
        (
            post("bad-4", day, "x", vec![Posting::debit(BANK, Dong(5))]),
            "too_few_postings",
        ),
        (
            post("bad-5", day, "x", pair("9999", DONATIONS, 5)),
            "unknown_account",
        ),
        // Paying out more than the bank holds.
        (
            post("bad-6", day, "x", pair(SPENDING, BANK, 50_000_001)),
            "account_would_go_negative",
        ),
        // Paying a supplier more than is owed.
        (
            post("bad-7", day, "x", pair(PAYABLE, BANK, 1)),
            "account_would_go_negative",
        ),
        // A transfer from the Front of money it does not hold.
        (
            post("bad-8", day, "x", pair(BANK, HELD_BY_MTTQ, 1)),
            "account_would_go_negative",
        ),
    ] {
        let e = s.ledger_post(&actor, &req).await.unwrap_err();
        assert_eq!(code_of(e), code, "{req:?}");
    }
    assert_eq!(s.ledger_entry_count().await.unwrap(), 1);
    assert_eq!(s.audit_head().await.unwrap().1, audit_before);
    assert_eq!(balance(db, BANK).await, (50_000_000, 50_000_000));
    let msg = s
        .ledger_post(
            &actor,
            &post("bad-9", day, "x", pair(SPENDING, BANK, 60_000_000)),
        )
        .await
        .map_err(|e| match e {
            StoreError::Domain(d) => d.message(Lang::Vi),
            o => format!("{o:?}"),
        })
        .unwrap_err();
    assert!(msg.contains("chỉ còn 50.000.000 đ"), "{msg}");
    let tb = s.trial_balance(None, Lang::Vi).await.unwrap();
    assert!(tb.is_balanced());
    assert_eq!(tb.total_debits, Dong(50_000_000));
    assert!(s.ledger_verify().await.unwrap().is_empty());
}

async fn a_retry_returns_the_original_entry(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 09 - 05);
    let req = post(
        "pledge-17",
        day,
        "Ủng hộ qua MTTQ",
        pair(HELD_BY_MTTQ, DONATIONS, 2_000_000),
    );
    let first = s.ledger_post(&actor, &req).await.unwrap();
    let again = s.ledger_post(&actor, &req).await.unwrap();
    assert_eq!(again.entry, first.entry);
    assert!(again.replayed);
    let other = post(
        "pledge-17",
        day,
        "Ủng hộ qua MTTQ",
        pair(HELD_BY_MTTQ, DONATIONS, 2_000_001),
    );
    assert_eq!(
        code_of(s.ledger_post(&actor, &other).await.unwrap_err()),
        "idempotency_key_reused"
    );
    assert_eq!(s.ledger_entry_count().await.unwrap(), 1);
    assert_eq!(balance(db, HELD_BY_MTTQ).await.0, 2_000_000);
}

async fn a_commitment_is_posted_in_part_and_released_once(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 10 - 01);
    s.ledger_post(
        &actor,
        &post(
            "budget",
            day,
            "Kinh phí",
            pair(TREASURY, BUDGET, 10_000_000_000),
        ),
    )
    .await
    .unwrap();
    // The contract reserves its value against the treasury account.
    let reserve = Request::Reserve(NewEntry {
        key: "contract-1".into(),
        date: day,
        memo: "Hợp đồng 01/2026/HĐ-MS".into(),
        postings: pair(SPENDING, TREASURY, 7_000_000_000),
        source: None,
    });
    let pending = s.ledger_post(&actor, &reserve).await.unwrap().entry;
    assert_eq!(balance(db, TREASURY).await, (10_000_000_000, 3_000_000_000));
    // What is reserved cannot be spent on something else.
    assert_eq!(
        code_of(
            s.ledger_post(
                &actor,
                &post("other", day, "x", pair(SPENDING, TREASURY, 3_000_000_001))
            )
            .await
            .unwrap_err()
        ),
        "account_would_go_negative"
    );
    let pay = |key: &str, amount: i64| Request::PostPending {
        key: key.into(),
        date: date!(2026 - 11 - 01),
        memo: "Thanh toán đợt".into(),
        pending,
        amount: Dong(amount),
        source: None,
    };
    s.ledger_post(&actor, &pay("pay-1", 4_000_000_000))
        .await
        .unwrap();
    assert_eq!(balance(db, TREASURY).await, (6_000_000_000, 3_000_000_000));
    assert_eq!(
        code_of(
            s.ledger_post(&actor, &pay("pay-2", 3_000_000_001))
                .await
                .unwrap_err()
        ),
        "pending_exceeded"
    );
    s.ledger_post(&actor, &pay("pay-2", 2_500_000_000))
        .await
        .unwrap();
    let release = |key: &str| Request::Release {
        key: key.into(),
        date: date!(2026 - 12 - 01),
        memo: "Thanh lý hợp đồng".into(),
        pending,
    };
    s.ledger_post(&actor, &release("release-1")).await.unwrap();
    assert_eq!(balance(db, TREASURY).await, (3_500_000_000, 3_500_000_000));
    assert_eq!(
        code_of(
            s.ledger_post(&actor, &release("release-2"))
                .await
                .unwrap_err()
        ),
        "pending_resolved"
    );
    assert_eq!(
        code_of(s.ledger_post(&actor, &pay("pay-3", 1)).await.unwrap_err()),
        "pending_resolved"
    );
    let p = &s.ledger_pending().await.unwrap()[0];
    assert_eq!(
        (p.state.posted, p.state.released, p.state.closed),
        (Dong(6_500_000_000), Dong(500_000_000), true)
    );
    assert_eq!(balance(db, SPENDING).await.0, 6_500_000_000);
    assert_eq!(
        code_of(
            s.ledger_post(
                &actor,
                &Request::Release {
                    key: "release-x".into(),
                    date: day,
                    memo: "x".into(),
                    pending: 999
                }
            )
            .await
            .unwrap_err()
        ),
        "no_such_pending"
    );
    assert!(s.ledger_verify().await.unwrap().is_empty());
}

async fn a_reversal_undoes_an_entry_once(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 09 - 05);
    let a = s
        .ledger_post(
            &actor,
            &post("d-1", day, "Ủng hộ", pair(BANK, DONATIONS, 3_000_000)),
        )
        .await
        .unwrap()
        .entry;
    let b = s
        .ledger_post(
            &actor,
            &post("d-2", day, "Ủng hộ nhầm", pair(BANK, DONATIONS, 1_000_000)),
        )
        .await
        .unwrap()
        .entry;
    let reverse = |key: &str, entry: i64| Request::Reverse {
        key: key.into(),
        date: day,
        reason: "Ghi nhầm số tiền".into(),
        entry,
    };
    let r = s
        .ledger_post(&actor, &reverse("r-1", b))
        .await
        .unwrap()
        .entry;
    assert_eq!(balance(db, BANK).await.0, 3_000_000);
    let rec = s.ledger_entry(r).await.unwrap().unwrap();
    assert_eq!(rec.reverses_id, Some(b));
    assert!(rec.memo.contains("Ghi nhầm số tiền"));
    assert_eq!(rec.postings[0], Posting::credit(BANK, Dong(1_000_000)));
    assert_eq!(
        code_of(s.ledger_post(&actor, &reverse("r-2", b)).await.unwrap_err()),
        "not_reversible"
    );
    assert_eq!(
        code_of(s.ledger_post(&actor, &reverse("r-3", r)).await.unwrap_err()),
        "not_reversible"
    );
    // Spend most of the bank, then reversing the gift that funded it is refused.
    s.ledger_post(
        &actor,
        &post("spend", day, "Chi", pair(SPENDING, BANK, 2_500_000)),
    )
    .await
    .unwrap();
    assert_eq!(
        code_of(s.ledger_post(&actor, &reverse("r-4", a)).await.unwrap_err()),
        "account_would_go_negative"
    );
    assert_eq!(
        code_of(
            s.ledger_post(&actor, &reverse("r-5", 12345))
                .await
                .unwrap_err()
        ),
        "not_found"
    );
}

async fn balances_at_a_date(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    for (i, (day, amount)) in [
        (date!(2026 - 09 - 01), 1_000_000),
        (date!(2026 - 09 - 15), 2_000_000),
        (date!(2026 - 10 - 01), 4_000_000),
    ]
    .into_iter()
    .enumerate()
    {
        s.ledger_post(
            &actor,
            &post(
                &format!("k{i}"),
                day,
                "Ủng hộ",
                pair(BANK, DONATIONS, amount),
            ),
        )
        .await
        .unwrap();
    }
    let at = |d: Date| async move {
        let tb = s.trial_balance(Some(d), Lang::Vi).await.unwrap();
        assert!(tb.is_balanced());
        tb.accounts
            .iter()
            .find(|a| a.code == BANK)
            .unwrap()
            .balance
            .0
    };
    assert_eq!(at(date!(2026 - 08 - 31)).await, 0);
    assert_eq!(at(date!(2026 - 09 - 01)).await, 1_000_000);
    assert_eq!(at(date!(2026 - 09 - 30)).await, 3_000_000);
    assert_eq!(at(date!(2026 - 12 - 31)).await, 7_000_000);
    let now = s.trial_balance(None, Lang::Vi).await.unwrap();
    assert_eq!(
        now,
        s.trial_balance(Some(date!(2027 - 01 - 01)), Lang::Vi)
            .await
            .unwrap()
    );
}

async fn the_database_refuses_tampering(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 09 - 05);
    let id = s
        .ledger_post(
            &actor,
            &post("d-1", day, "Ủng hộ", pair(BANK, DONATIONS, 5_000_000)),
        )
        .await
        .unwrap()
        .entry;
    for sql in [
        format!("UPDATE ledger_entries SET amount = 1 WHERE id = {id}"),
        format!("DELETE FROM ledger_entries WHERE id = {id}"),
        format!("UPDATE ledger_postings SET amount = 1 WHERE entry_id = {id}"),
        format!("DELETE FROM ledger_postings WHERE entry_id = {id}"),
        // A posting slipped into an entry already posted.
        format!(
            "INSERT INTO ledger_postings (entry_id, line_no, account, side, amount, counts, entry_date)
             VALUES ({id}, 3, '1121', 'debit', 1, TRUE, '2026-09-05')"
        ),
        // The bank below zero behind the store's back.
        "UPDATE ledger_accounts SET credits_posted = 5000001 WHERE code = '1121'".to_string(),
        "DELETE FROM ledger_accounts WHERE code = '6111'".to_string(),
    ] {
        assert!(raw_execute(&db.url, &sql).await.is_err(), "{sql}");
    }
    // An entry whose postings do not balance, inserted by hand, in one transaction.
    let unbalanced = [
        "INSERT INTO ledger_postings (entry_id, line_no, account, side, amount, counts, entry_date) VALUES (900, 1, '1121', 'debit', 10, TRUE, '2026-09-05')".to_string(),
        "INSERT INTO ledger_postings (entry_id, line_no, account, side, amount, counts, entry_date) VALUES (900, 2, '4311', 'credit', 9, TRUE, '2026-09-05')".to_string(),
        "INSERT INTO ledger_entries (id, idem_key, body_sha256, kind, entry_date, memo, amount, audit_seq, created_by, created_at) VALUES (900, 'x', 'x', 'posted', '2026-09-05', 'x', 10, 1, 'x', 0)".to_string(),
    ];
    assert!(
        songmaytinh_store::testing::raw_in_transaction(s, &unbalanced)
            .await
            .is_err()
    );
    assert_eq!(s.ledger_entry_count().await.unwrap(), 1);
    let rec = s.ledger_entry(id).await.unwrap().unwrap();
    assert_eq!(rec.amount, Dong(5_000_000));
    assert!(s.ledger_verify().await.unwrap().is_empty());
    assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
}

/// Many clients at once: the same request sent by eight of them posts once; forty
/// payments racing for a bank that can pay only ten of them: exactly ten post, the others
/// are refused with the reason, and the bank ends at zero.
async fn many_clients_at_once(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let day = date!(2026 - 09 - 05);
    s.ledger_post(
        &actor,
        &post("seed", day, "Ủng hộ", pair(BANK, DONATIONS, 10_000_000)),
    )
    .await
    .unwrap();
    let same = post("same", day, "Ủng hộ", pair(HELD_BY_MTTQ, DONATIONS, 1_000));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (s, actor, req) = (s.clone(), actor.clone(), same.clone());
        tasks.push(tokio::spawn(
            async move { s.ledger_post(&actor, &req).await },
        ));
    }
    let mut entries = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) => entries.push(o.entry),
            Err(StoreError::Busy) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| *e == entries[0]));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (s, actor) = (s.clone(), actor.clone());
        tasks.push(tokio::spawn(async move {
            let req = post(
                &format!("pay-{i}"),
                day,
                "Chi",
                pair(SPENDING, BANK, 1_000_000),
            );
            loop {
                match s.ledger_post(&actor, &req).await {
                    Err(StoreError::Busy) => tokio::task::yield_now().await,
                    other => return other,
                }
            }
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(code_of(e), "account_would_go_negative");
                refused += 1;
            }
        }
    }
    assert_eq!((ok, refused), (10, 30));
    assert_eq!(balance(db, BANK).await, (0, 0));
    assert!(s.ledger_verify().await.unwrap().is_empty());
    assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
}

mod gifts {
    use super::*;
    use domain::ledger::gifts::{Channel, NewGift};
    use songmaytinh_store::ledger::gifts::GiftStatus;
    use songmaytinh_store::testing::organisation;

    storage_tests!(
        a_pledge_is_received_posted_and_found_by_either_code,
        the_front_transfers_what_it_holds,
    );

    fn gift(donor_id: i64, amount: i64, channel: Channel) -> NewGift {
        NewGift {
            donor_id,
            amount: Dong(amount),
            channel,
            date: date!(2026 - 09 - 01),
            publish_name: true,
            earmark: Default::default(),
            note: None,
        }
    }

    async fn a_pledge_is_received_posted_and_found_by_either_code(db: &TestDb) {
        let s = &db.store;
        let actor = system();
        let donor = s
            .save_donor(&actor, None, &organisation("Công ty Cà phê Đức Lập"))
            .await
            .unwrap();
        let id = s
            .record_gift(&actor, &gift(donor, 150_000_000, Channel::Direct), None)
            .await
            .unwrap();
        let g = s.gift(id).await.unwrap().unwrap();
        assert_eq!(g.status, GiftStatus::Pledged);
        assert!(g.pledge_code.starts_with("SM") && g.pledge_code.len() == 9);
        assert_eq!(
            s.ledger_entry_count().await.unwrap(),
            0,
            "a pledge posts nothing"
        );
        // Found by the pledge code in a transfer note's spelling, and by the
        // acknowledgement's code as a donor types it.
        assert_eq!(
            s.gift_by_code(&g.pledge_code.to_lowercase())
                .await
                .unwrap()
                .id,
            id
        );
        let typed = g.verification_printed().to_lowercase().replace('-', " ");
        assert_eq!(s.gift_by_code(&typed).await.unwrap().id, id);
        let mut wrong = g.verification_code.clone().into_bytes();
        wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            code_of(
                s.gift_by_code(std::str::from_utf8(&wrong).unwrap())
                    .await
                    .unwrap_err()
            ),
            "unknown_code"
        );

        let entry = s
            .receive_gift(
                &actor,
                id,
                date!(2026 - 09 - 03),
                Some("FT26246123456".into()),
            )
            .await
            .unwrap();
        let e = s.ledger_entry(entry).await.unwrap().unwrap();
        assert_eq!(e.postings[0], Posting::debit(BANK, Dong(150_000_000)));
        assert_eq!(
            e.source.as_ref().map(|s| s.id.as_str()),
            Some(id.to_string().as_str())
        );
        assert_eq!(
            code_of(
                s.receive_gift(&actor, id, date!(2026 - 09 - 03), None)
                    .await
                    .unwrap_err()
            ),
            "gift_already_received"
        );
        // Received at once, through the Front.
        let id2 = s
            .record_gift(
                &actor,
                &gift(donor, 2_000_000, Channel::Mttq),
                Some((date!(2026 - 09 - 02), None)),
            )
            .await
            .unwrap();
        assert_eq!(
            s.gift(id2).await.unwrap().unwrap().status,
            GiftStatus::Received
        );
        let cash = s.donor_cash(donor).await.unwrap();
        assert_eq!(
            (cash.received, cash.gifts_received, cash.pledged),
            (Dong(152_000_000), 2, Dong(0))
        );
        let tb = s.trial_balance(None, Lang::Vi).await.unwrap();
        let donations = tb.accounts.iter().find(|a| a.code == DONATIONS).unwrap();
        assert_eq!(donations.balance, Dong(152_000_000));

        for (bad, field) in [
            (
                NewGift {
                    amount: Dong(0),
                    ..gift(donor, 1, Channel::Direct)
                },
                "amount",
            ),
            (
                NewGift {
                    donor_id: 9999,
                    ..gift(donor, 1, Channel::Direct)
                },
                "donor",
            ),
            (
                NewGift {
                    date: date!(2099 - 01 - 01),
                    ..gift(donor, 1, Channel::Direct)
                },
                "date",
            ),
        ] {
            let e = s.record_gift(&actor, &bad, None).await.unwrap_err();
            match e {
                StoreError::Domain(d) => assert_eq!(d.field(), Some(field)),
                other => panic!("{other:?}"),
            }
        }
        // Received before it was pledged, or in the future: refused, nothing written.
        let id3 = s
            .record_gift(&actor, &gift(donor, 5_000_000, Channel::Direct), None)
            .await
            .unwrap();
        for day in [date!(2026 - 08 - 31), date!(2099 - 01 - 01)] {
            assert_eq!(
                code_of(s.receive_gift(&actor, id3, day, None).await.unwrap_err()),
                "invalid_gift"
            );
        }
        assert_eq!(
            s.gift(id3).await.unwrap().unwrap().status,
            GiftStatus::Pledged
        );
        // A received gift does not change, even by hand.
        assert!(
            raw_execute(
                &db.url,
                &format!("UPDATE cash_gifts SET amount = 1 WHERE id = {id}")
            )
            .await
            .is_err()
        );
        assert!(
            raw_execute(&db.url, &format!("DELETE FROM cash_gifts WHERE id = {id3}"))
                .await
                .is_err()
        );
        assert!(s.ledger_verify().await.unwrap().is_empty());
        assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
    }

    async fn the_front_transfers_what_it_holds(db: &TestDb) {
        let s = &db.store;
        let actor = system();
        let donor = s
            .save_donor(&actor, None, &organisation("Hội Liên hiệp Phụ nữ tỉnh"))
            .await
            .unwrap();
        s.record_gift(
            &actor,
            &gift(donor, 45_000_000, Channel::Mttq),
            Some((date!(2026 - 09 - 05), None)),
        )
        .await
        .unwrap();
        let day = date!(2026 - 09 - 10);
        assert_eq!(
            code_of(
                s.mttq_transfer(&actor, "t-1", Dong(45_000_001), day, None)
                    .await
                    .unwrap_err()
            ),
            "account_would_go_negative"
        );
        let o = s
            .mttq_transfer(
                &actor,
                "t-1",
                Dong(40_000_000),
                day,
                Some("MTTQ-0912".into()),
            )
            .await
            .unwrap();
        let again = s
            .mttq_transfer(
                &actor,
                "t-1",
                Dong(40_000_000),
                day,
                Some("MTTQ-0912".into()),
            )
            .await
            .unwrap();
        assert_eq!((again.entry, again.replayed), (o.entry, true));
        assert_eq!(balance(db, HELD_BY_MTTQ).await.0, 5_000_000);
        assert_eq!(balance(db, BANK).await.0, 40_000_000);
    }
}

mod statements {
    use super::*;
    use domain::ledger::gifts::{Channel, NewGift};
    use songmaytinh_store::ledger::gifts::GiftStatus;
    use songmaytinh_store::ledger::statements::{InputLine, LineStatus, Resolve, StatementInput};
    use songmaytinh_store::testing::organisation;

    storage_tests!(a_statement_is_matched_reviewed_and_never_imported_twice);

    fn input(csv: &str) -> StatementInput {
        let st = sheets::statements::read_statement(
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            &sheets::reader::Limits::default(),
        )
        .unwrap();
        StatementInput {
            account: BANK.into(),
            file_name: "sao-ke.csv".into(),
            sha256: domain::digest::sha256_hex(csv.as_bytes()),
            opening: st.opening,
            closing: st.closing,
            lines: st
                .lines
                .iter()
                .map(|l| InputLine {
                    row: l.row as i64,
                    date: l.date,
                    reference: l.reference.clone(),
                    debit: l.debit,
                    credit: l.credit,
                    balance: l.balance,
                    description: l.description.clone(),
                })
                .collect(),
            skipped: st.skipped.total() as i64,
        }
    }

    async fn a_statement_is_matched_reviewed_and_never_imported_twice(db: &TestDb) {
        let s = &db.store;
        let actor = system();
        let donor = s
            .save_donor(&actor, None, &organisation("Hội Doanh nhân trẻ"))
            .await
            .unwrap();
        let mut codes = Vec::new();
        for (i, amount) in [5_000_000, 2_000_000, 700_000, 900_000]
            .into_iter()
            .enumerate()
        {
            let g = NewGift {
                donor_id: donor,
                amount: Dong(amount),
                channel: Channel::Direct,
                date: date!(2026 - 09 - 01),
                publish_name: true,
                earmark: Default::default(),
                note: None,
            };
            let id = s
                .record_gift_coded(&actor, &g, None, Some(([i as u8 + 1; 8], [i as u8 + 9; 8])))
                .await
                .unwrap();
            codes.push((id, s.gift(id).await.unwrap().unwrap().pledge_code));
        }
        let (a, b) = (&codes[0].1, &codes[1].1);
        let csv = format!(
            "Số dư đầu kỳ:,,,\"1.000.000\",,\n\
Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\n\
05/09/2026,FT1,,\"5.000.000\",\"6.000.000\",{a} ung ho\n\
06/09/2026,FT2,,\"2.500.000\",\"8.500.000\",{b} ung ho\n\
07/09/2026,FT3,,\"700.000\",\"9.200.000\",chuyen tien ung ho\n\
08/09/2026,FT4,,\"900.000\",\"10.100.000\",khong ma\n\
30/09/2026,FT5,\"11.000\",,\"10.089.000\",phi dich vu\n\
Tổng,,\"11.000\",\"9.100.000\",,\n"
        );
        let first = input(&csv);
        let c = s.import_statement(&actor, &first).await.unwrap();
        assert_eq!(
            (
                c.lines,
                c.matched,
                c.proposed,
                c.unmatched,
                c.outgoing,
                c.replayed
            ),
            (5, 1, 2, 1, 1, false)
        );
        assert_eq!(
            s.gift(codes[0].0).await.unwrap().unwrap().status,
            GiftStatus::Received
        );
        let again = s.import_statement(&actor, &first).await.unwrap();
        assert!(again.replayed);
        assert_eq!((again.matched, again.proposed), (1, 2));
        assert_eq!(s.statements().await.unwrap().len(), 1);

        let queue = s.statement_lines(None).await.unwrap();
        assert_eq!(queue.len(), 4);
        let line = |reference: &str| queue.iter().find(|l| l.reference == reference).unwrap().id;
        // The proposed 700.000 đ: confirmed, posted.
        s.resolve_line(&actor, line("FT3"), Resolve::Confirm)
            .await
            .unwrap();
        assert_eq!(
            s.gift(codes[2].0).await.unwrap().unwrap().status,
            GiftStatus::Received
        );
        // The 2.500.000 đ for a pledge of 2.000.000 đ: linking it is refused, nothing posted.
        assert_eq!(
            code_of(
                s.resolve_line(&actor, line("FT2"), Resolve::Link { gift: codes[1].0 })
                    .await
                    .unwrap_err()
            ),
            "invalid_gift"
        );
        assert_eq!(
            s.gift(codes[1].0).await.unwrap().unwrap().status,
            GiftStatus::Pledged
        );
        s.resolve_line(
            &actor,
            line("FT2"),
            Resolve::Explain {
                text: "Nhà tài trợ chuyển thêm 500.000 đ, đã liên hệ".into(),
            },
        )
        .await
        .unwrap();
        // The fee: explained; a blank explanation is refused.
        assert_eq!(
            code_of(
                s.resolve_line(&actor, line("FT5"), Resolve::Explain { text: "  ".into() })
                    .await
                    .unwrap_err()
            ),
            "reason_required"
        );
        s.resolve_line(
            &actor,
            line("FT5"),
            Resolve::Explain {
                text: "Phí dịch vụ tháng 9".into(),
            },
        )
        .await
        .unwrap();
        let left = s.statement_lines(None).await.unwrap();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0].status, LineStatus::Proposed);

        // An overlapping statement: its old line is counted, not imported again.
        let csv2 = "Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\n\
30/09/2026,FT5,\"11.000\",,\"10.089.000\",phi dich vu\n\
01/10/2026,FT6,,\"300.000\",\"10.389.000\",ung ho\n";
        let c2 = s.import_statement(&actor, &input(csv2)).await.unwrap();
        assert_eq!((c2.lines, c2.already_seen, c2.unmatched), (2, 1, 1));
        assert_eq!(s.unreconciled_lines(None).await.unwrap(), 2);
        assert_eq!(s.unreconciled_lines(Some(BANK)).await.unwrap(), 2);
        assert_eq!(s.unreconciled_lines(Some(HELD_BY_MTTQ)).await.unwrap(), 0);
        let tb = s.trial_balance(None, Lang::Vi).await.unwrap();
        let bank = tb.accounts.iter().find(|a| a.code == BANK).unwrap();
        assert_eq!(
            bank.balance,
            Dong(5_700_000),
            "only the matched and confirmed lines posted"
        );
        assert!(s.ledger_verify().await.unwrap().is_empty());
        assert!(s.verify_audit(|_, _| {}).await.unwrap().ok());
    }
}
