//! Procurement on SQLite and PostgreSQL: one package from its plan to its final payment,
//! with its delivery's devices in the registry and its commitment at zero; every bad
//! step refused with nothing written; the database's CHECKs keeping the money rules
//! when the code is bypassed; two clients approving one payment.

use crate::ledger::code_of;
use domain::devices::Batch;
use domain::ledger::{BUDGET, NewEntry, Posting, Request, TREASURY};
use domain::money::Dong;
use domain::procurement::{
    Funding, Method, NewBid, NewContract, NewInvoice, NewPackage, PaymentKind, Stage, default_rules,
};
use songmaytinh_store::devices::SerialRow;
use songmaytinh_store::procurement::PaymentStatus;
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::{TestDb, add_tablet, raw_execute, system};
use time::macros::date;

storage_tests!(
    the_thresholds_are_the_domains,
    a_package_from_plan_to_final_payment,
    bad_steps_write_nothing,
    the_database_keeps_the_money_rules,
    two_clients_approve_one_payment,
);

const UNIT: i64 = 3_800_000;

fn package(code: &str, quantity: i64) -> NewPackage {
    NewPackage {
        code: code.into(),
        name: format!("Mua sắm {quantity} máy tính bảng cho học sinh"),
        method: Method::OpenBidding,
        estimate: Dong(4_000_000 * quantity),
        funding: Funding::Budget,
        quantity,
        plan_no: Some("PL2600012345".into()),
        plan_decision: Some("1234/QĐ-UBND".into()),
        plan_date: date!(2026 - 08 - 01),
        schedule: "Quý III/2026".into(),
    }
}

fn bid(name: &str, tax: &str, price: i64, valid: bool) -> NewBid {
    NewBid {
        bidder: name.into(),
        tax_code: tax.into(),
        price: Dong(price),
        submitted_on: date!(2026 - 08 - 20),
        valid,
        reason: (!valid).then(|| "Thiếu bảo lãnh dự thầu".to_string()),
    }
}

fn contract(quantity: i64, advance: i64) -> NewContract {
    NewContract {
        number: "15/2026/HĐ-SGDĐT".into(),
        supplier: "Công ty Cổ phần Thiết bị Giáo dục Miền Núi".into(),
        tax_code: "0101234567".into(),
        quantity,
        unit_price: Dong(UNIT),
        value: Dong(UNIT * quantity),
        signed_on: date!(2026 - 09 - 01),
        delivery_deadline: date!(2026 - 10 - 15),
        warranty_months: 24,
        advance: Dong(advance),
    }
}

fn serials(prefix: &str, n: usize) -> Vec<SerialRow> {
    (0..n)
        .map(|i| SerialRow {
            row: i + 1,
            serial: format!("{prefix}{i:06}"),
            imei: None,
        })
        .collect()
}

/// A budget allocation to pay from; a package awarded to the lowest valid bid; its id.
async fn awarded(db: &TestDb, quantity: i64) -> i64 {
    let s = &db.store;
    let actor = system();
    s.ledger_post(
        &actor,
        &Request::Post(NewEntry {
            key: "budget-2026".into(),
            date: date!(2026 - 07 - 15),
            memo: "Kinh phí ngân sách tỉnh giao cho chương trình".into(),
            postings: vec![
                Posting::debit(TREASURY, Dong(UNIT * quantity * 2)),
                Posting::credit(BUDGET, Dong(UNIT * quantity * 2)),
            ],
            source: None,
        }),
    )
    .await
    .unwrap();
    let id = s
        .create_package(&actor, &package("GT01-2026", quantity), None)
        .await
        .unwrap();
    s.open_selection(
        &actor,
        id,
        Some("IB2600054321"),
        date!(2026 - 08 - 05),
        Some(date!(2026 - 08 - 20)),
    )
    .await
    .unwrap();
    s.record_bid(
        &actor,
        id,
        &bid(
            "Công ty TNHH Tin học Sao Mai",
            "0109876543",
            (UNIT - 300_000) * quantity,
            false,
        ),
    )
    .await
    .unwrap();
    let won = s
        .record_bid(
            &actor,
            id,
            &bid(
                "Công ty Cổ phần Thiết bị Giáo dục Miền Núi",
                "0101234567",
                UNIT * quantity,
                true,
            ),
        )
        .await
        .unwrap();
    let dearer = s
        .record_bid(
            &actor,
            id,
            &bid(
                "Công ty TNHH Điện tử Bắc Hà",
                "0105555555",
                (UNIT + 100_000) * quantity,
                true,
            ),
        )
        .await
        .unwrap();
    // Goods go by lowest price: the dearer valid bid cannot win.
    let e = s
        .award(&actor, id, "456/QĐ-SGDĐT", date!(2026 - 08 - 25), dearer)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "invalid_procurement");
    s.award(&actor, id, "456/QĐ-SGDĐT", date!(2026 - 08 - 25), won)
        .await
        .unwrap();
    id
}

async fn the_thresholds_are_the_domains(db: &TestDb) {
    assert_eq!(db.store.procurement_rules().await.unwrap(), default_rules());
    // An edit of a rule is a new dated rule, or a change of the same day's.
    let mut r = default_rules()[2].clone();
    r.max_value = Dong(500_000_000);
    r.legal_basis = "Nghị định 24/2024/NĐ-CP (Sở đã rà soát)".into();
    db.store.save_threshold(&system(), &r).await.unwrap();
    let rules = db.store.procurement_rules().await.unwrap();
    assert_eq!(rules.len(), default_rules().len());
    assert!(rules.contains(&r));
    assert!(
        domain::procurement::method_warning(
            &rules,
            Method::DirectAppointment,
            Dong(400_000_000),
            date!(2026 - 09 - 01)
        )
        .is_none()
    );
}

async fn a_package_from_plan_to_final_payment(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let model = add_tablet(s).await;
    let id = awarded(db, 20).await;
    let advance = UNIT * 20 * 3 / 10;
    let c = s
        .sign_contract(&actor, id, &contract(20, advance), model)
        .await
        .unwrap();
    let k = s.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(k.id, c);
    assert_eq!(k.commitment_left, Dong(UNIT * 20));
    // The advance: asked, approved by Finance, paid from the Treasury.
    let a = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Advance,
            Dong(advance),
            TREASURY,
            None,
            date!(2026 - 09 - 03),
            "Tạm ứng 30% theo Điều 5 hợp đồng",
        )
        .await
        .unwrap();
    let paid = s
        .decide_payment(&actor, a, true, date!(2026 - 09 - 04), None)
        .await
        .unwrap();
    assert_eq!(paid.status, PaymentStatus::Approved);
    // Two deliveries, their serials into the registry, each accepted.
    let mut total_paid = advance;
    for (i, (n, prefix)) in [(12, "R9TGA"), (8, "R9TGB")].into_iter().enumerate() {
        let d = s
            .record_delivery(
                &actor,
                c,
                &format!("GH-0{}", i + 1),
                date!(2026 - 09 - 20),
                n,
                "",
            )
            .await
            .unwrap();
        // Nothing is accepted before its serials are scanned.
        let e = s
            .accept_delivery(
                &actor,
                d,
                &format!("NT-0{}", i + 1),
                date!(2026 - 09 - 22),
                n,
                "Hội đồng nghiệm thu Sở GD&ĐT",
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "quantity_exceeded");
        let r = s
            .register_devices(
                &actor,
                model,
                &Batch::Delivery(d),
                &serials(prefix, n as usize),
                domain::Lang::Vi,
                false,
            )
            .await
            .unwrap();
        assert_eq!(r.imported, n as usize, "{r:?}");
        s.accept_delivery(
            &actor,
            d,
            &format!("NT-0{}", i + 1),
            date!(2026 - 09 - 22),
            n,
            "Hội đồng nghiệm thu Sở GD&ĐT",
        )
        .await
        .unwrap();
        let k = s.procurement_contract(id).await.unwrap().unwrap();
        let due = k.money.payable().0;
        let inv = s
            .record_invoice(
                &actor,
                c,
                &NewInvoice {
                    number: format!("1C26TAA 000012{i}"),
                    date: date!(2026 - 09 - 23),
                    before_vat: Dong(UNIT * n * 100 / 110),
                    vat_rate: 10,
                    vat: Dong(UNIT * n - UNIT * n * 100 / 110),
                    total: Dong(UNIT * n),
                },
            )
            .await
            .unwrap();
        if due > 0 {
            let y = s
                .request_payment(
                    &actor,
                    c,
                    PaymentKind::Payment,
                    Dong(due),
                    TREASURY,
                    Some(inv),
                    date!(2026 - 09 - 25),
                    "",
                )
                .await
                .unwrap();
            s.decide_payment(&actor, y, true, date!(2026 - 09 - 26), None)
                .await
                .unwrap();
            total_paid += due;
        }
    }
    let k = s.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(k.accepted_qty, 20);
    assert_eq!(k.money.recovered, Dong(advance));
    assert_eq!(k.money.cash_out(), Dong(UNIT * 20));
    assert_eq!(total_paid, UNIT * 20);
    assert_eq!(k.commitment_left, Dong::ZERO);
    let p = s.procurement_package(id).await.unwrap().unwrap();
    assert_eq!(p.stage, Stage::Completed);
    // The devices are in the registry under the contract.
    let n: i64 = songmaytinh_store::testing::raw_count(
        &db.url,
        "SELECT COUNT(*) FROM devices WHERE source = 'contract:15/2026/HĐ-SGDĐT' AND delivery_id IS NOT NULL",
    )
    .await;
    assert_eq!(n, 20);
    assert!(s.deliveries_to_scan().await.unwrap().is_empty());
    // The ledger: supplier owed nothing, no advance outstanding, the Treasury paid it all.
    let tb = s.trial_balance(None, domain::Lang::Vi).await.unwrap();
    assert!(tb.is_balanced());
    let bal = |code: &str| {
        tb.accounts
            .iter()
            .find(|l| l.code == code)
            .map(|l| l.balance.0)
            .unwrap()
    };
    assert_eq!(bal(domain::ledger::PAYABLE), 0);
    assert_eq!(bal(domain::ledger::ADVANCES), 0);
    assert_eq!(bal(domain::ledger::SPENDING), UNIT * 20);
    assert_eq!(bal(TREASURY), UNIT * 20);
    let totals = s.procurement_totals().await.unwrap();
    assert_eq!(totals.paid, Dong(UNIT * 20));
    assert_eq!(totals.committed, Dong::ZERO);
    // The OCDS release carries the payments as transactions.
    let ocds = s.ocds_packages().await.unwrap();
    assert_eq!(ocds.len(), 1);
    let pay = &ocds[0].contract.as_ref().unwrap().payments;
    assert_eq!(pay.iter().map(|y| y.amount.0).sum::<i64>(), UNIT * 20);
    let v = s.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok(), "{v:?}");
}

async fn bad_steps_write_nothing(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let model = add_tablet(s).await;
    let id = awarded(db, 10).await;
    let (_, head) = s.audit_head().await.unwrap();
    let entries = s.ledger_entry_count().await.unwrap();
    // A contract whose value is not quantity × unit price.
    let mut bad = contract(10, 0);
    bad.value = Dong(UNIT * 10 + 1);
    let e = s.sign_contract(&actor, id, &bad, model).await.unwrap_err();
    assert_eq!(code_of(e), "contract_value_mismatch");
    // A contract with another supplier than the award's.
    let mut other = contract(10, 0);
    other.tax_code = "0105555555".into();
    let e = s
        .sign_contract(&actor, id, &other, model)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "invalid_procurement");
    // A bid after the award.
    let e = s
        .record_bid(&actor, id, &bid("Công ty Muộn", "0107777777", 1, true))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "procurement_out_of_order");
    assert_eq!(s.audit_head().await.unwrap().1, head);
    assert_eq!(s.ledger_entry_count().await.unwrap(), entries);

    let c = s
        .sign_contract(&actor, id, &contract(10, 0), model)
        .await
        .unwrap();
    let (_, head) = s.audit_head().await.unwrap();
    let entries = s.ledger_entry_count().await.unwrap();
    // No payment before acceptance, and no advance the contract does not provide.
    for kind in [PaymentKind::Payment, PaymentKind::Advance] {
        let e = s
            .request_payment(
                &actor,
                c,
                kind,
                Dong(1_000_000),
                TREASURY,
                None,
                date!(2026 - 09 - 02),
                "",
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(e), "payment_before_acceptance");
    }
    // More delivered than the contract holds.
    let e = s
        .record_delivery(&actor, c, "GH-01", date!(2026 - 09 - 10), 11, "")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "quantity_exceeded");
    assert_eq!(s.audit_head().await.unwrap().1, head);

    let d = s
        .record_delivery(&actor, c, "GH-01", date!(2026 - 09 - 10), 4, "")
        .await
        .unwrap();
    s.register_devices(
        &actor,
        model,
        &Batch::Delivery(d),
        &serials("BADX", 4),
        domain::Lang::Vi,
        false,
    )
    .await
    .unwrap();
    // More serials than the delivery brings: refused by the registry.
    let e = s
        .register_devices(
            &actor,
            model,
            &Batch::Delivery(d),
            &serials("MORE", 1),
            domain::Lang::Vi,
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "delivery_full");
    s.accept_delivery(
        &actor,
        d,
        "NT-01",
        date!(2026 - 09 - 12),
        4,
        "Hội đồng nghiệm thu",
    )
    .await
    .unwrap();
    let inv = NewInvoice {
        number: "1C26TAA 0000001".into(),
        date: date!(2026 - 09 - 12),
        before_vat: Dong(UNIT * 4 * 100 / 110),
        vat_rate: 10,
        vat: Dong(UNIT * 4 - UNIT * 4 * 100 / 110),
        total: Dong(UNIT * 4),
    };
    let i = s.record_invoice(&actor, c, &inv).await.unwrap();
    let (_, head) = s.audit_head().await.unwrap();
    // The same invoice number of the same supplier.
    let e = s.record_invoice(&actor, c, &inv).await.unwrap_err();
    assert_eq!(code_of(e), "procurement_duplicate");
    // VAT that does not add up.
    let mut wrong = inv.clone();
    wrong.number = "1C26TAA 0000002".into();
    wrong.vat = Dong(wrong.vat.0 + 5);
    let e = s.record_invoice(&actor, c, &wrong).await.unwrap_err();
    assert_eq!(code_of(e), "invalid_procurement");
    // A payment above what was accepted; from an account the package is not funded by.
    let e = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Payment,
            Dong(UNIT * 4 + 1),
            TREASURY,
            Some(i),
            date!(2026 - 09 - 13),
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "payment_too_large");
    let e = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Payment,
            Dong(UNIT),
            domain::ledger::BANK,
            Some(i),
            date!(2026 - 09 - 13),
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "invalid_procurement");
    assert_eq!(s.audit_head().await.unwrap().1, head);
    assert_eq!(s.ledger_entry_count().await.unwrap(), entries + 1);
    // A payment decided twice; a rejection without a reason.
    let y = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Payment,
            Dong(UNIT * 4),
            TREASURY,
            Some(i),
            date!(2026 - 09 - 13),
            "",
        )
        .await
        .unwrap();
    let e = s
        .decide_payment(&actor, y, false, date!(2026 - 09 - 14), Some(" "))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "invalid_procurement");
    s.decide_payment(&actor, y, true, date!(2026 - 09 - 14), None)
        .await
        .unwrap();
    let e = s
        .decide_payment(&actor, y, true, date!(2026 - 09 - 14), None)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "payment_decided");
    // Closing releases the six devices never delivered, once.
    s.close_contract(
        &actor,
        c,
        date!(2026 - 09 - 30),
        "Nhà cung cấp không giao đủ",
    )
    .await
    .unwrap();
    let k = s.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(k.commitment_left, Dong::ZERO);
    let e = s
        .close_contract(&actor, c, date!(2026 - 09 - 30), "lần nữa")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "procurement_out_of_order");
}

async fn the_database_keeps_the_money_rules(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let model = add_tablet(s).await;
    let id = awarded(db, 10).await;
    let c = s
        .sign_contract(&actor, id, &contract(10, UNIT), model)
        .await
        .unwrap();
    for sql in [
        // Paid what was not accepted.
        format!("UPDATE procurement_contracts SET paid = 1 WHERE id = {c}"),
        // An advance above the contract's.
        format!("UPDATE procurement_contracts SET advanced = {} WHERE id = {c}", UNIT + 1),
        // A value that is not quantity × unit price.
        format!("UPDATE procurement_contracts SET value = value + 1 WHERE id = {c}"),
        // Accepted more than delivered.
        format!("UPDATE procurement_contracts SET accepted_qty = 1, accepted = {UNIT} WHERE id = {c}"),
        // The same invoice number twice for one supplier.
        format!(
            "INSERT INTO procurement_invoices (contract_id, tax_code, number, invoice_date, before_vat, vat_rate, vat, total, created_by, created_at)
             VALUES ({c}, '0101234567', 'X1', '2026-09-02', 100, 0, 0, 100, 't', 0),
                    ({c}, '0101234567', 'X1', '2026-09-02', 100, 0, 0, 100, 't', 0)"
        ),
        // An invoice whose total is not amount plus VAT.
        format!(
            "INSERT INTO procurement_invoices (contract_id, tax_code, number, invoice_date, before_vat, vat_rate, vat, total, created_by, created_at)
             VALUES ({c}, '0101234567', 'X2', '2026-09-02', 100, 10, 10, 111, 't', 0)"
        ),
    ] {
        assert!(raw_execute(&db.url, &sql).await.is_err(), "{sql}");
    }
}

async fn two_clients_approve_one_payment(db: &TestDb) {
    let s = &db.store;
    let actor = system();
    let model = add_tablet(s).await;
    let id = awarded(db, 10).await;
    let c = s
        .sign_contract(&actor, id, &contract(10, UNIT * 2), model)
        .await
        .unwrap();
    let y = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Advance,
            Dong(UNIT * 2),
            TREASURY,
            None,
            date!(2026 - 09 - 03),
            "",
        )
        .await
        .unwrap();
    // A second request waits behind the first.
    let e = s
        .request_payment(
            &actor,
            c,
            PaymentKind::Advance,
            Dong(1),
            TREASURY,
            None,
            date!(2026 - 09 - 03),
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "procurement_out_of_order");
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let store = s.clone();
        tasks.push(tokio::spawn(async move {
            store
                .decide_payment(&system(), y, true, date!(2026 - 09 - 04), None)
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => {
                let code = code_of(e);
                assert!(
                    code == "payment_decided" || code == "Busy",
                    "a loser is told why: {code}"
                );
            }
        }
    }
    assert_eq!(ok, 1);
    let k = s.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(k.money.advanced, Dong(UNIT * 2));
    let paid: i64 = s
        .procurement_payments(Some(c))
        .await
        .unwrap()
        .iter()
        .filter(|p| p.status == PaymentStatus::Approved)
        .map(|p| p.amount.0)
        .sum();
    assert_eq!(paid, UNIT * 2);
}
