use super::*;
use crate::Lang;
use proptest::prelude::*;
use time::macros::date;

fn contract() -> NewContract {
    NewContract {
        number: " 15/2026/HĐ-MSTB ".into(),
        supplier: "Công ty Cổ phần Công nghệ Sao Việt".into(),
        tax_code: "6400123456".into(),
        quantity: 2_000,
        unit_price: Dong(3_290_000),
        value: Dong(6_580_000_000),
        signed_on: date!(2026 - 10 - 20),
        delivery_deadline: date!(2026 - 12 - 20),
        warranty_months: 24,
        advance: Dong(1_316_000_000),
    }
}

#[test]
fn a_contract_is_worth_its_quantity_times_its_unit_price() {
    let ok = contract().checked().unwrap();
    assert_eq!(ok.number, "15/2026/HĐ-MSTB");
    let wrong = NewContract {
        value: Dong(6_580_000_001),
        ..contract()
    };
    let e = wrong.checked().unwrap_err();
    assert_eq!(e.code(), "contract_value_mismatch");
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị hợp đồng 6.580.000.001 đ không bằng số lượng × đơn giá (2000 × 3.290.000 đ = 6.580.000.000 đ)."
    );
    let overflow = NewContract {
        quantity: 1_000_000,
        unit_price: Dong(i64::MAX / 10),
        value: Dong(i64::MAX),
        ..contract()
    };
    assert_eq!(
        overflow.checked().unwrap_err().code(),
        "contract_value_mismatch"
    );
    for bad in [
        NewContract {
            tax_code: "12345".into(),
            ..contract()
        },
        NewContract {
            advance: Dong(6_580_000_001),
            ..contract()
        },
        NewContract {
            delivery_deadline: date!(2026 - 10 - 19),
            ..contract()
        },
        NewContract {
            quantity: 0,
            value: Dong(0),
            ..contract()
        },
    ] {
        assert_eq!(bad.checked().unwrap_err().code(), "invalid_procurement");
    }
}

#[test]
fn the_threshold_in_force_is_the_latest_that_started() {
    let rules = default_rules();
    let before = rule_in_force(&rules, Method::DirectAppointment, date!(2024 - 02 - 26)).unwrap();
    assert_eq!(before.max_value, Dong(100_000_000));
    let after = rule_in_force(&rules, Method::DirectAppointment, date!(2024 - 02 - 27)).unwrap();
    assert_eq!(after.max_value, Dong(300_000_000));
    assert!(rule_in_force(&rules, Method::DirectAppointment, date!(2014 - 08 - 14)).is_none());
    assert!(rule_in_force(&rules, Method::OpenBidding, date!(2026 - 01 - 01)).is_none());
    // 250 million by direct appointment: too much in 2020, within the rule in 2026.
    let w = method_warning(
        &rules,
        Method::DirectAppointment,
        Dong(250_000_000),
        date!(2020 - 05 - 01),
    )
    .unwrap();
    assert_eq!(
        w.message(Lang::Vi),
        "Giá gói thầu 250.000.000 đ vượt hạn mức 100.000.000 đ của hình thức chỉ định thầu theo Nghị định 63/2014/NĐ-CP: cần xem lại hình thức lựa chọn nhà thầu."
    );
    assert!(
        method_warning(
            &rules,
            Method::DirectAppointment,
            Dong(250_000_000),
            date!(2026 - 05 - 01)
        )
        .is_none()
    );
    assert!(
        method_warning(
            &rules,
            Method::OpenBidding,
            Dong(90_000_000_000),
            date!(2026 - 05 - 01)
        )
        .is_none()
    );
    // At the threshold exactly is allowed.
    assert!(
        method_warning(
            &rules,
            Method::CompetitiveQuotation,
            Dong(10_000_000_000),
            date!(2026 - 05 - 01)
        )
        .is_none()
    );
}

#[test]
fn numbers_of_the_national_system_and_tax_codes() {
    assert_eq!(
        system_number(" pl2600012345 ", "PL", "plan_no").unwrap(),
        "PL2600012345"
    );
    assert_eq!(
        system_number("IB2600034567-00", "IB", "notice_no").unwrap(),
        "IB2600034567-00"
    );
    for bad in [
        "IB2600034567",
        "PL26",
        "PL2600012345-",
        "PL2600012345-1",
        "PLabcdefghij",
    ] {
        assert!(system_number(bad, "PL", "plan_no").is_err(), "{bad}");
    }
    assert_eq!(tax_code("6400123456").unwrap(), "6400123456");
    assert_eq!(tax_code("0100109106-001").unwrap(), "0100109106-001");
    for bad in [
        "640012345",
        "6400123456-",
        "6400123456-01",
        "64001234567",
        "640012345a",
    ] {
        assert!(tax_code(bad).is_err(), "{bad}");
    }
}

#[test]
fn methods_map_to_the_ocds_codelist() {
    let codes: Vec<_> = Method::ALL.iter().map(|m| m.ocds()).collect();
    assert_eq!(
        codes,
        ["open", "limited", "direct", "open", "direct", "direct"]
    );
    for m in Method::ALL {
        assert_eq!(Method::parse(m.code()), Some(m));
    }
}

#[test]
fn an_invoice_adds_up() {
    let inv = NewInvoice {
        number: "1C26TAA 0000128".into(),
        date: date!(2026 - 11 - 15),
        before_vat: Dong(3_046_296_296),
        vat_rate: 8,
        vat: Dong(243_703_704),
        total: Dong(3_290_000_000),
    };
    assert_eq!(NewInvoice::vat_of(inv.before_vat, 8), Dong(243_703_704));
    inv.checked().unwrap();
    let e = NewInvoice {
        vat_rate: 7,
        ..inv.clone()
    }
    .checked()
    .unwrap_err();
    assert_eq!(e.field(), Some("vat_rate"));
    let e = NewInvoice {
        vat: Dong(243_000_000),
        total: Dong(3_289_296_296),
        ..inv.clone()
    }
    .checked()
    .unwrap_err();
    assert_eq!(e.field(), Some("vat"));
    let e = NewInvoice {
        total: Dong(3_290_000_001),
        ..inv
    }
    .checked()
    .unwrap_err();
    assert_eq!(e.field(), Some("total"));
}

#[test]
fn the_lowest_valid_bid_wins_and_the_first_on_a_tie() {
    let bids = [
        (Dong(7_000), true),
        (Dong(6_000), false),
        (Dong(6_500), true),
        (Dong(6_500), true),
    ];
    assert_eq!(lowest_valid(&bids), Some(2));
    assert_eq!(lowest_valid(&[(Dong(1), false)]), None);
}

#[test]
fn nothing_is_paid_before_acceptance_without_an_advance() {
    let m = ContractMoney {
        value: Dong(1_000),
        ..Default::default()
    };
    assert_eq!(
        m.pay(PaymentKind::Payment, Dong(1)).unwrap_err().code(),
        "payment_before_acceptance"
    );
    assert_eq!(
        m.pay(PaymentKind::Advance, Dong(1)).unwrap_err().code(),
        "payment_before_acceptance"
    );
    let m = ContractMoney {
        advance_limit: Dong(300),
        ..m
    };
    let m = m.pay(PaymentKind::Advance, Dong(300)).unwrap();
    assert_eq!(
        m.pay(PaymentKind::Advance, Dong(1)).unwrap_err().code(),
        "payment_too_large"
    );
    // Accepting 200 recovers 200 of the advance: nothing payable yet.
    let m = m.accept(Dong(200)).unwrap();
    assert_eq!((m.recovered, m.payable()), (Dong(200), Dong(0)));
    let m = m.accept(Dong(800)).unwrap();
    assert_eq!((m.recovered, m.payable()), (Dong(300), Dong(700)));
    let e = m.pay(PaymentKind::Payment, Dong(701)).unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Số tiền 701 đ vượt mức được thanh toán 700 đ (giá trị đã nghiệm thu trừ tạm ứng đã thu hồi và đã thanh toán)."
    );
    let m = m.pay(PaymentKind::Payment, Dong(700)).unwrap();
    assert_eq!(m.cash_out(), m.value);
    assert!(m.holds());
    assert!(m.accept(Dong(1)).is_err());
}

#[derive(Debug, Clone)]
enum Op {
    Accept(i64),
    Advance(i64),
    Pay(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..400).prop_map(Op::Accept),
        (1i64..400).prop_map(Op::Advance),
        (1i64..400).prop_map(Op::Pay),
    ]
}

proptest! {
    /// Whatever is tried in whatever order, what is refused changes nothing, what is
    /// allowed keeps every invariant, and the cash that left never passes the value; a
    /// second, plain count of the same operations agrees with the totals.
    #[test]
    fn contract_money_never_breaks_its_rules(value in 1i64..2_000, limit_pct in 0i64..=50, ops in prop::collection::vec(op(), 1..60)) {
        let mut m = ContractMoney { value: Dong(value), advance_limit: Dong(value * limit_pct / 100), ..Default::default() };
        let (mut accepted, mut advanced, mut paid) = (0i64, 0i64, 0i64);
        for o in ops {
            let (next, kind) = match o {
                Op::Accept(a) => (m.accept(Dong(a)), 0),
                Op::Advance(a) => (m.pay(PaymentKind::Advance, Dong(a)), 1),
                Op::Pay(a) => (m.pay(PaymentKind::Payment, Dong(a)), 2),
            };
            // The plain rules, said again without ContractMoney's arithmetic.
            let amount = match o { Op::Accept(a) | Op::Advance(a) | Op::Pay(a) => a };
            let allowed = match kind {
                0 => accepted + amount <= value,
                1 => accepted == 0 && m.advance_limit.0 > 0 && advanced + amount <= m.advance_limit.0 && advanced + paid + amount <= value,
                _ => accepted > 0 && paid + amount <= accepted - advanced.min(accepted) && advanced + paid + amount <= value,
            };
            prop_assert_eq!(next.is_ok(), allowed, "{:?} on {:?}", o, m);
            if let Ok(n) = next {
                match kind { 0 => accepted += amount, 1 => advanced += amount, _ => paid += amount }
                m = n;
            }
            prop_assert!(m.holds(), "{:?}", m);
            prop_assert_eq!((m.accepted.0, m.advanced.0, m.paid.0), (accepted, advanced, paid));
            prop_assert_eq!(m.recovered.0, advanced.min(accepted));
        }
    }
}
