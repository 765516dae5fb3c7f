use super::*;
use proptest::prelude::*;
use time::macros::date;

fn entry(postings: Vec<Posting>) -> Request {
    Request::Post(NewEntry {
        key: "k-1".into(),
        date: date!(2026 - 09 - 01),
        memo: "Ủng hộ".into(),
        postings,
        source: None,
    })
}

fn code(r: Result<Request, DomainError>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

#[test]
fn an_entry_must_balance_with_positive_amounts() {
    let d = |a: &str, n: i64| Posting::debit(a, Dong(n));
    let c = |a: &str, n: i64| Posting::credit(a, Dong(n));
    assert_eq!(
        code(entry(vec![d(BANK, 100), c(DONATIONS, 100)]).checked()),
        "ok"
    );
    assert_eq!(
        code(entry(vec![d(BANK, 100), c(DONATIONS, 60), c(BUDGET, 40)]).checked()),
        "ok"
    );
    assert_eq!(
        code(entry(vec![d(BANK, 100)]).checked()),
        "too_few_postings"
    );
    assert_eq!(code(entry(vec![]).checked()), "too_few_postings");
    assert_eq!(
        code(entry(vec![d(BANK, 100), c(DONATIONS, 99)]).checked()),
        "unbalanced_entry"
    );
    assert_eq!(
        code(entry(vec![d(BANK, 0), c(DONATIONS, 0)]).checked()),
        "non_positive_amount"
    );
    assert_eq!(
        code(entry(vec![d(BANK, -5), c(DONATIONS, -5)]).checked()),
        "non_positive_amount"
    );
    assert_eq!(
        code(entry(vec![d(BANK, 5), c(BANK, 5)]).checked()),
        "same_account_both_sides"
    );
    assert_eq!(
        code(entry(vec![d("9999", 5), c(BANK, 5)]).checked()),
        "unknown_account"
    );
    assert_eq!(
        code(entry(vec![d(BANK, i64::MAX), d(TREASURY, 1), c(DONATIONS, 1)]).checked()),
        "amount_too_large"
    );
    let msg = entry(vec![d(BANK, 1_000_000), c(DONATIONS, 900_000)])
        .checked()
        .unwrap_err()
        .message(Lang::Vi);
    assert!(msg.contains("chênh lệch 100.000 đ"), "{msg}");
}

#[test]
fn a_reservation_has_two_postings_and_text_is_required() {
    let r = Request::Reserve(NewEntry {
        key: "c-1".into(),
        date: date!(2026 - 09 - 01),
        memo: "Hợp đồng".into(),
        postings: vec![
            Posting::debit(SPENDING, Dong(10)),
            Posting::credit(PAYABLE, Dong(6)),
            Posting::credit(BANK, Dong(4)),
        ],
        source: None,
    });
    assert_eq!(code(r.checked()), "invalid_entry");
    let blank = Request::Reverse {
        key: "r-1".into(),
        date: date!(2026 - 09 - 01),
        reason: "  ".into(),
        entry: 3,
    };
    assert_eq!(blank.checked().unwrap_err().field(), Some("reason"));
    let bad_key = Request::Release {
        key: "có dấu".into(),
        date: date!(2026 - 09 - 01),
        memo: "x".into(),
        pending: 1,
    };
    assert_eq!(bad_key.checked().unwrap_err().field(), Some("key"));
}

#[test]
fn the_body_hash_tells_retries_from_other_requests() {
    let a = entry(vec![
        Posting::debit(BANK, Dong(100)),
        Posting::credit(DONATIONS, Dong(100)),
    ]);
    let b = entry(vec![
        Posting::debit(BANK, Dong(101)),
        Posting::credit(DONATIONS, Dong(101)),
    ]);
    assert_eq!(a.body_sha256(), a.clone().body_sha256());
    assert_ne!(a.body_sha256(), b.body_sha256());
    assert_eq!(a.body_sha256().len(), 64);
}

#[test]
fn a_guarded_account_counts_what_is_reserved() {
    let bank = AccountState::new(account(BANK).unwrap());
    let bank = bank.apply(Side::Debit, Dong(1_000), Phase::Posted).unwrap();
    let bank = bank.apply(Side::Credit, Dong(600), Phase::Reserve).unwrap();
    assert_eq!(bank.available(), Dong(400));
    assert_eq!(bank.balance(), Dong(1_000));
    let e = bank
        .apply(Side::Credit, Dong(401), Phase::Posted)
        .unwrap_err();
    assert_eq!(
        e,
        LedgerError::WouldGoNegative {
            account: BANK.into(),
            name: account(BANK).unwrap().name_vi.into(),
            available: Dong(400),
            asked: Dong(401)
        }
    );
    // Posting from the reservation does not need the room twice.
    let bank = bank
        .apply(Side::Credit, Dong(600), Phase::PostReserved)
        .unwrap();
    assert_eq!((bank.balance(), bank.available()), (Dong(400), Dong(400)));
    // A credit-normal guarded account: paying more than is owed.
    let payable = AccountState::new(account(PAYABLE).unwrap())
        .apply(Side::Credit, Dong(500), Phase::Posted)
        .unwrap();
    assert!(payable.apply(Side::Debit, Dong(500), Phase::Posted).is_ok());
    assert!(
        payable
            .apply(Side::Debit, Dong(501), Phase::Posted)
            .is_err()
    );
    // Unguarded accounts go where the entries take them.
    let spending = AccountState::new(account(SPENDING).unwrap());
    assert_eq!(
        spending
            .apply(Side::Credit, Dong(5), Phase::Posted)
            .unwrap()
            .balance(),
        Dong(-5)
    );
}

#[test]
fn a_pending_amount_is_resolved_at_most_once() {
    let p = PendingState {
        id: 7,
        amount: Dong(1_000),
        posted: Dong::ZERO,
        released: Dong::ZERO,
        closed: false,
    };
    let p = p.post(Dong(300)).unwrap();
    assert_eq!(p.remaining(), Dong(700));
    assert!(matches!(
        p.post(Dong(701)),
        Err(LedgerError::PendingExceeded { .. })
    ));
    let (p, left) = p.release().unwrap();
    assert_eq!((left, p.closed), (Dong(700), true));
    assert_eq!(p.release(), Err(LedgerError::PendingResolved { id: 7 }));
    assert_eq!(p.post(Dong(1)), Err(LedgerError::PendingResolved { id: 7 }));
    let full = PendingState {
        id: 8,
        amount: Dong(10),
        posted: Dong::ZERO,
        released: Dong::ZERO,
        closed: false,
    }
    .post(Dong(10))
    .unwrap();
    assert!(full.closed);
}

#[test]
fn the_trial_balance_reads_each_account_on_its_side() {
    let tb = TrialBalance::from_totals(
        [
            (BANK.to_string(), Dong(1_500), Dong(200)),
            (DONATIONS.to_string(), Dong(0), Dong(1_500)),
            (SPENDING.to_string(), Dong(200), Dong(0)),
        ],
        Lang::Vi,
    );
    assert!(tb.is_balanced());
    assert_eq!(tb.accounts[0].balance, Dong(1_300));
    assert_eq!(tb.accounts[1].balance, Dong(1_500));
    assert_eq!(tb.accounts[2].balance, Dong(200));
}

proptest! {
    /// Any checked entry balances, and an entry with one amount changed never checks.
    #[test]
    fn checked_entries_balance(amounts in prop::collection::vec(1i64..1_000_000_000, 1..6), bump in 1i64..1000, which in 0usize..6) {
        let total: i64 = amounts.iter().sum();
        let mut postings: Vec<Posting> = amounts.iter().zip([BANK, TREASURY, HELD_BY_MTTQ, ADVANCES, SPENDING]).map(|(a, acc)| Posting::debit(acc, Dong(*a))).collect();
        postings.push(Posting::credit(DONATIONS, Dong(total)));
        prop_assert_eq!(check_postings(&postings), Ok(Dong(total)));
        let i = which % postings.len();
        postings[i].amount = Dong(postings[i].amount.0 + bump);
        prop_assert!(check_postings(&postings).is_err());
    }

    /// Whatever sequence of postings and reservations, a guarded account that accepted
    /// them is never below zero, counting its reservations.
    #[test]
    fn a_guarded_account_never_goes_negative(ops in prop::collection::vec((0u8..4, 1i64..10_000), 1..60)) {
        let mut bank = AccountState::new(account(BANK).unwrap());
        let mut reserved: Vec<i64> = Vec::new();
        for (op, amount) in ops {
            let next = match op {
                0 => bank.apply(Side::Debit, Dong(amount), Phase::Posted),
                1 => bank.apply(Side::Credit, Dong(amount), Phase::Posted),
                2 => bank.apply(Side::Credit, Dong(amount), Phase::Reserve).inspect(|_| reserved.push(amount)),
                _ => match reserved.pop() {
                    Some(r) => bank.apply(Side::Credit, Dong(r), Phase::PostReserved),
                    None => continue,
                },
            };
            if let Ok(n) = next { bank = n; }
            prop_assert!(bank.available().0 >= 0);
            prop_assert!(bank.balance().0 >= 0);
        }
    }
}
