//! The demo's procurement: package GT01-2026, 2,000 tablets bought by open bidding from
//! the province's budget, from its selection plan to its final payment (an advance, two
//! deliveries whose serials are in the registry, two acceptances, two invoices, two
//! payments approved by Finance); 300 laptops from donations, contracted, their advance
//! waiting for Finance; and a small direct appointment still planned, above its method's
//! threshold, so that the warning shows.

use anyhow::{Context, Result};
use domain::devices::Batch;
use domain::ledger::TREASURY;
use domain::money::Dong;
use domain::procurement::{
    Funding, Method, NewBid, NewContract, NewInvoice, NewPackage, PaymentKind,
};
use store::devices::SerialRow;
use store::{AuditActor, Store};
use time::macros::date;

const UNIT: i64 = 3_790_000;
const QUANTITY: i64 = 2_000;

pub struct Seeded {
    pub packages: usize,
    pub devices: i64,
    pub paid: Dong,
}

fn serials(prefix: &str, from: usize, n: usize) -> Vec<SerialRow> {
    (0..n)
        .map(|i| SerialRow {
            row: i + 1,
            serial: format!("{prefix}{:06}", from + i),
            imei: None,
        })
        .collect()
}

pub async fn seed(store: &Store, buyer: &AuditActor, finance: &AuditActor) -> Result<Seeded> {
    let model = store
        .device_models()
        .await?
        .into_iter()
        .find(|m| m.model.model == "Galaxy Tab A8 LTE")
        .context("the demo's tablet model")?
        .id;
    let id = store
        .create_package(
            buyer,
            &NewPackage {
                code: "GT01-2026".into(),
                name: "Mua sắm 2.000 máy tính bảng cho học sinh có hoàn cảnh khó khăn".into(),
                method: Method::OpenBidding,
                estimate: Dong(7_900_000_000),
                funding: Funding::Budget,
                quantity: QUANTITY,
                plan_no: Some("PL2600012345".into()),
                plan_decision: Some("1234/QĐ-UBND".into()),
                plan_date: date!(2026 - 08 - 10),
                schedule:
                    "Lựa chọn nhà thầu quý III/2026; giao hàng trong 45 ngày kể từ ngày ký hợp đồng"
                        .into(),
            },
            Some(model),
        )
        .await?;
    store
        .open_selection(
            buyer,
            id,
            Some("IB2600054321"),
            date!(2026 - 08 - 20),
            Some(date!(2026 - 09 - 10)),
        )
        .await?;
    let bid = |bidder: &str, tax: &str, unit: i64, valid: bool, reason: Option<&str>| NewBid {
        bidder: bidder.into(),
        tax_code: tax.into(),
        price: Dong(unit * QUANTITY),
        submitted_on: date!(2026 - 09 - 09),
        valid,
        reason: reason.map(str::to_string),
    };
    store
        .record_bid(
            buyer,
            id,
            &bid(
                "Công ty TNHH Tin học Sao Mai",
                "0109876543",
                3_650_000,
                false,
                Some("Bảo lãnh dự thầu không đủ giá trị theo hồ sơ mời thầu"),
            ),
        )
        .await?;
    let won = store
        .record_bid(
            buyer,
            id,
            &bid(
                "Công ty Cổ phần Thiết bị Giáo dục Miền Núi",
                "0101234567",
                UNIT,
                true,
                None,
            ),
        )
        .await?;
    store
        .record_bid(
            buyer,
            id,
            &bid(
                "Công ty TNHH Điện tử Bắc Hà",
                "0105555555",
                3_880_000,
                true,
                None,
            ),
        )
        .await?;
    store
        .award(buyer, id, "456/QĐ-SGDĐT", date!(2026 - 09 - 25), won)
        .await?;
    let advance = Dong(UNIT * QUANTITY * 3 / 10);
    let c = store
        .sign_contract(
            buyer,
            id,
            &NewContract {
                number: "15/2026/HĐ-MSTB".into(),
                supplier: "Công ty Cổ phần Thiết bị Giáo dục Miền Núi".into(),
                tax_code: "0101234567".into(),
                quantity: QUANTITY,
                unit_price: Dong(UNIT),
                value: Dong(UNIT * QUANTITY),
                signed_on: date!(2026 - 10 - 01),
                delivery_deadline: date!(2026 - 11 - 15),
                warranty_months: 24,
                advance,
            },
            model,
        )
        .await?;
    let y = store
        .request_payment(
            buyer,
            c,
            PaymentKind::Advance,
            advance,
            TREASURY,
            None,
            date!(2026 - 10 - 05),
            "Tạm ứng 30% giá trị hợp đồng theo Điều 6",
        )
        .await?;
    store
        .decide_payment(finance, y, true, date!(2026 - 10 - 08), None)
        .await?;
    let rounds = [
        (
            "GH-01",
            date!(2026 - 11 - 05),
            "NT-01",
            date!(2026 - 11 - 10),
            "1C26TAA 0000128",
            date!(2026 - 11 - 12),
            date!(2026 - 11 - 20),
        ),
        (
            "GH-02",
            date!(2026 - 11 - 16),
            "NT-02",
            date!(2026 - 11 - 20),
            "1C26TAA 0000171",
            date!(2026 - 11 - 23),
            date!(2026 - 11 - 30),
        ),
    ];
    let per = (QUANTITY / 2) as usize;
    for (i, (gh, gh_on, nt, nt_on, inv, inv_on, paid_on)) in rounds.into_iter().enumerate() {
        let d = store
            .record_delivery(
                buyer,
                c,
                gh,
                gh_on,
                per as i64,
                "Giao tại kho Ban điều phối, đủ hộp, phụ kiện",
            )
            .await?;
        let r = store
            .register_devices(
                buyer,
                model,
                &Batch::Delivery(d),
                &serials("R9TGC", i * per + 1, per),
                domain::Lang::Vi,
                false,
            )
            .await?;
        anyhow::ensure!(
            r.rejected == 0,
            "the demo's serials: {:?}",
            r.errors.first()
        );
        store
            .accept_delivery(
                buyer,
                d,
                nt,
                nt_on,
                per as i64,
                "Ông Trần Văn Bình – Phó Giám đốc Sở, Chủ tịch hội đồng; Bà Phạm Thị Thu – Kế toán; Ông Y Nhơn Niê – Ban điều phối",
            )
            .await?;
        // The minutes as printed, signed and kept with the package.
        if let Some((name, bytes, _)) = web::procurement::minutes_pdf(store, id, d)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
        {
            store
                .keep_procurement_document(
                    buyer,
                    id,
                    store::procurement::Step::Acceptance,
                    Some(nt),
                    Some(nt_on),
                    &name,
                    "application/pdf",
                    bytes,
                )
                .await?;
        }
        let amount = UNIT * per as i64;
        let before = amount * 100 / 110;
        let i = store
            .record_invoice(
                buyer,
                c,
                &NewInvoice {
                    number: inv.into(),
                    date: inv_on,
                    before_vat: Dong(before),
                    vat_rate: 10,
                    vat: Dong(amount - before),
                    total: Dong(amount),
                },
            )
            .await?;
        let due = store
            .procurement_contract(id)
            .await?
            .context("the demo's contract")?
            .money
            .payable();
        if due.0 > 0 {
            let y = store
                .request_payment(
                    buyer,
                    c,
                    PaymentKind::Payment,
                    due,
                    TREASURY,
                    Some(i),
                    inv_on,
                    "",
                )
                .await?;
            store
                .decide_payment(finance, y, true, paid_on, None)
                .await?;
        }
    }
    // A small package still planned, above the threshold of its method.
    store
        .create_package(
            buyer,
            &NewPackage {
                code: "GT02-2026".into(),
                name: "Mua sắm 100 bộ phát wifi di động cho điểm trường vùng lõm sóng".into(),
                method: Method::DirectAppointment,
                estimate: Dong(450_000_000),
                funding: Funding::Donations,
                quantity: 100,
                plan_no: None,
                plan_decision: Some("88/QĐ-SGDĐT".into()),
                plan_date: date!(2026 - 11 - 25),
                schedule: "Tháng 12/2026".into(),
            },
            None,
        )
        .await?;
    // Laptops bought from donations: contracted, its advance waiting for Finance.
    let laptop = store
        .device_models()
        .await?
        .into_iter()
        .find(|m| m.model.model == "IdeaPad 3 14ITL6")
        .context("the demo's laptop model")?
        .id;
    let id = store
        .create_package(
            buyer,
            &NewPackage {
                code: "GT03-2026".into(),
                name: "Mua sắm 300 máy tính xách tay cho học sinh THCS, THPT".into(),
                method: Method::CompetitiveQuotation,
                estimate: Dong(2_940_000_000),
                funding: Funding::Donations,
                quantity: 300,
                plan_no: Some("PL2600019876".into()),
                plan_decision: Some("97/QĐ-SGDĐT".into()),
                plan_date: date!(2026 - 10 - 20),
                schedule: "Tháng 11–12/2026".into(),
            },
            Some(laptop),
        )
        .await?;
    store
        .open_selection(
            buyer,
            id,
            Some("IB2600061122"),
            date!(2026 - 10 - 25),
            Some(date!(2026 - 11 - 04)),
        )
        .await?;
    let mut bids = Vec::new();
    for (name, tax, unit) in [
        ("Công ty TNHH Máy tính Tây Nguyên", "6400345678", 9_450_000),
        (
            "Công ty Cổ phần Công nghệ Phương Nam",
            "0312345678",
            9_620_000,
        ),
    ] {
        bids.push(
            store
                .record_bid(
                    buyer,
                    id,
                    &NewBid {
                        bidder: name.into(),
                        tax_code: tax.into(),
                        price: Dong(unit * 300),
                        submitted_on: date!(2026 - 11 - 03),
                        valid: true,
                        reason: None,
                    },
                )
                .await?,
        );
    }
    store
        .award(buyer, id, "512/QĐ-SGDĐT", date!(2026 - 11 - 10), bids[0])
        .await?;
    let c = store
        .sign_contract(
            buyer,
            id,
            &NewContract {
                number: "21/2026/HĐ-MSTB".into(),
                supplier: "Công ty TNHH Máy tính Tây Nguyên".into(),
                tax_code: "6400345678".into(),
                quantity: 300,
                unit_price: Dong(9_450_000),
                value: Dong(9_450_000 * 300),
                signed_on: date!(2026 - 11 - 18),
                delivery_deadline: date!(2026 - 12 - 28),
                warranty_months: 12,
                advance: Dong(9_450_000 * 300 / 5),
            },
            laptop,
        )
        .await?;
    store
        .request_payment(
            buyer,
            c,
            PaymentKind::Advance,
            Dong(9_450_000 * 300 / 5),
            domain::ledger::BANK,
            None,
            date!(2026 - 11 - 25),
            "Tạm ứng 20% theo Điều 4 hợp đồng",
        )
        .await?;
    let totals = store.procurement_totals().await?;
    Ok(Seeded {
        packages: 3,
        devices: QUANTITY,
        paid: totals.paid,
    })
}
