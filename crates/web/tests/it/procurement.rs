//! Procurement over HTTP, as the Board and Finance use it: a package from the form to its
//! final payment through every step's form, the acceptance minutes printed, the OCDS
//! data served; bad input named in Vietnamese with nothing written; each role kept to
//! what it may do.

use crate::common::{TestApp, pdf_text};
use domain::ledger::{BUDGET, NewEntry, Posting, Request, TREASURY};
use domain::money::Dong;
use reqwest::StatusCode;
use time::macros::date;

web_tests!(a_package_through_its_forms);

async fn a_package_through_its_forms(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    store
        .ledger_post(
            &actor,
            &Request::Post(NewEntry {
                key: "budget".into(),
                date: date!(2026 - 07 - 01),
                memo: "Kinh phí ngân sách".into(),
                postings: vec![
                    Posting::debit(TREASURY, Dong(1_000_000_000)),
                    Posting::credit(BUDGET, Dong(1_000_000_000)),
                ],
                source: None,
            }),
        )
        .await
        .unwrap();
    let model = store::testing::add_tablet(store).await;
    let model_s = model.to_string();

    // Who may see and do what.
    let school = app.session("truong_67663001").await;
    assert_eq!(
        school.get("/procurement").await.status(),
        StatusCode::FORBIDDEN
    );
    let finance = app.session("so_tai_chinh").await;
    assert_eq!(finance.get("/procurement").await.status(), StatusCode::OK);
    assert_eq!(
        finance
            .post("/procurement", &[("code", "X"), ("name", "X")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let s = app.session("ban_dieu_phoi").await;
    // A bad form: every problem named, nothing written.
    let res = s
        .post(
            "/procurement",
            &[
                ("code", "GT01-2026"),
                ("name", "Mua sắm 10 máy tính bảng"),
                ("method", "dau_thau_rong_rai"),
                ("estimate", "-5"),
                ("funding", "budget"),
                ("quantity", "10"),
                ("plan_date", "31/02/2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Số tiền phải là số nguyên đồng lớn hơn 0"),
        "{page}"
    );
    assert!(page.contains("Ngày không hợp lệ"), "{page}");
    assert!(store.procurement_packages().await.unwrap().is_empty());

    let res = s
        .post(
            "/procurement",
            &[
                ("code", "GT01-2026"),
                ("name", "Mua sắm 10 máy tính bảng <script>"),
                ("method", "chao_hang_canh_tranh"),
                ("estimate", "40.000.000"),
                ("funding", "budget"),
                ("quantity", "10"),
                ("model_id", &model_s),
                ("plan_no", "pl 2600012345"),
                ("plan_decision", "12/QĐ-UBND"),
                ("plan_date", "01/08/2026"),
                ("schedule", "Quý III/2026"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "redirected to the package"
    );
    let id = store.procurement_packages().await.unwrap()[0].id;
    let base = format!("/procurement/{id}");
    let page = s.get(&base).await.text().await.unwrap();
    assert!(
        page.contains("PL2600012345"),
        "the plan number as the system writes it"
    );
    assert!(!page.contains("<script>"), "text is escaped");

    let ok = |r: reqwest::Response| async move {
        let st = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
        body
    };
    ok(s.post(
        &format!("{base}/selection"),
        &[("notice_no", "IB2600054321"), ("notice_date", "05/08/2026")],
    )
    .await)
    .await;
    for (name, tax, price) in [
        ("Công ty A", "0101234567", "38.000.000"),
        ("Công ty B", "0109876543", "39.000.000"),
    ] {
        ok(s.post(
            &format!("{base}/bids"),
            &[
                ("bidder", name),
                ("tax_code", tax),
                ("price", price),
                ("submitted_on", "10/08/2026"),
                ("valid", "yes"),
            ],
        )
        .await)
        .await;
    }
    let bids = store.procurement_bids(id).await.unwrap();
    let won = bids[0].id.to_string();
    ok(s.post(
        &format!("{base}/award"),
        &[
            ("bid", &won),
            ("award_no", "45/QĐ-SGDĐT"),
            ("award_date", "15/08/2026"),
        ],
    )
    .await)
    .await;
    // A contract whose value is not quantity × unit price.
    let contract = |value: &'static str| {
        vec![
            ("number", "01/2026/HĐ-MS"),
            ("supplier", "Công ty A"),
            ("tax_code", "0101234567"),
            ("quantity", "10"),
            ("unit_price", "3.800.000"),
            ("value", value),
            ("signed_on", "20/08/2026"),
            ("deadline", "30/09/2026"),
            ("warranty", "24"),
            ("advance", "0"),
        ]
    };
    let mut bad = contract("38.000.001");
    bad.push(("model_id", &model_s));
    let res = s.post(&format!("{base}/contract"), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("không bằng số lượng"), "{page}");
    assert!(store.procurement_contract(id).await.unwrap().is_none());
    let mut good = contract("38.000.000");
    good.push(("model_id", &model_s));
    ok(s.post(&format!("{base}/contract"), &good).await).await;
    let c = store.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(c.commitment_left, Dong(38_000_000));

    // No payment before acceptance (the contract has no advance).
    let res = s
        .post(
            &format!("{base}/payments"),
            &[
                ("kind", "payment"),
                ("amount", "1.000.000"),
                ("account", TREASURY),
                ("requested_on", "21/08/2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    ok(s.post(
        &format!("{base}/deliveries"),
        &[
            ("delivery_no", "GH-01"),
            ("delivered_on", "01/09/2026"),
            ("quantity", "10"),
        ],
    )
    .await)
    .await;
    let d = store.procurement_deliveries(c.id).await.unwrap()[0].id;
    // The intake page offers the delivery as a batch.
    let intake = s.get("/devices/intake").await.text().await.unwrap();
    assert!(intake.contains(&format!("delivery:{d}")), "{intake}");
    let serials: String = (0..10).map(|i| format!("R9WEB{i:05}\n")).collect();
    ok(s.post(
        "/devices/intake",
        &[
            ("batch", &format!("delivery:{d}")),
            ("model_id", ""),
            ("serials", &serials),
        ],
    )
    .await)
    .await;
    ok(s.post(
        &format!("{base}/deliveries/{d}/acceptance"),
        &[
            ("minutes_no", "NT-01"),
            ("accepted_on", "02/09/2026"),
            ("quantity", "10"),
            ("members", "Hội đồng nghiệm thu của Sở"),
        ],
    )
    .await)
    .await;
    let res = s
        .get(&format!("{base}/deliveries/{d}/bien-ban-nghiem-thu.pdf"))
        .await;
    let sha = res.headers()["x-content-sha256"]
        .to_str()
        .unwrap()
        .to_string();
    let pdf = res.bytes().await.unwrap();
    assert_eq!(sha, domain::digest::sha256_hex(&pdf));
    let text = pdf_text(&pdf);
    assert!(text.contains("BIÊN BẢN NGHIỆM THU"), "{text}");
    assert!(text.contains("38.000.000"), "{text}");
    // The printed minutes are in the archive, found by their digest's first characters;
    // a school does not see the province's papers.
    let page = s
        .get(&format!("/archive?q={}", &sha[..12]))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Biên bản") && page.contains(&sha), "{page}");
    assert!(page.contains("Tìm thấy 1 văn bản"), "{page}");
    let page = s
        .get("/archive?q=khong-co-so-nay")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Không có văn bản nào khớp."), "{page}");
    let page = s
        .get("/archive?from=31/02/2026")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Ngày phải viết theo dạng dd/mm/yyyy."),
        "{page}"
    );
    // Hostile parameters: an unknown type is all types, a page that is not a number the
    // first, a very long text cut to 200 characters, markup shown as text; never an error.
    let long = format!("q={}", "x".repeat(5_000));
    for q in [
        "kind=memo",
        "page=abc",
        "page=-4",
        &long,
        "q=%25%27%22%3Cb%3E",
    ] {
        let res = s.get(&format!("/archive?{q}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{q}");
        let body = res.text().await.unwrap();
        assert!(!body.contains("<b>"), "{q}: {body}");
    }
    let page = school
        .get(&format!("/archive?q={}", &sha[..12]))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Không có văn bản nào khớp."), "{page}");

    let invoice = [
        ("number", "1C26TAA 0000009"),
        ("date", "03/09/2026"),
        ("before_vat", "34.545.455"),
        ("vat_rate", "10"),
        ("vat", "3.454.545"),
        ("total", "38.000.000"),
    ];
    ok(s.post(&format!("{base}/invoices"), &invoice).await).await;
    // The same invoice number of the same supplier again.
    let res = s.post(&format!("{base}/invoices"), &invoice).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("1C26TAA 0000009"));
    let inv = store.procurement_invoices(c.id).await.unwrap()[0]
        .id
        .to_string();
    // More than is owed.
    let res = s
        .post(
            &format!("{base}/payments"),
            &[
                ("kind", "payment"),
                ("amount", "38.000.001"),
                ("account", TREASURY),
                ("invoice", &inv),
                ("requested_on", "04/09/2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    ok(s.post(
        &format!("{base}/payments"),
        &[
            ("kind", "payment"),
            ("amount", "38.000.000"),
            ("account", TREASURY),
            ("invoice", &inv),
            ("requested_on", "04/09/2026"),
        ],
    )
    .await)
    .await;
    let y = store.procurement_payments(None).await.unwrap()[0].id;
    // The Board cannot approve its own request; Finance can.
    assert_eq!(
        s.post(
            &format!("/procurement/payments/{y}"),
            &[("decision", "approve"), ("decided_on", "05/09/2026")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let queue = finance
        .get("/procurement/payments")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains(&format!("approve-{y}")), "{queue}");
    ok(finance
        .post(
            &format!("/procurement/payments/{y}"),
            &[("decision", "approve"), ("decided_on", "05/09/2026")],
        )
        .await)
    .await;
    let c = store.procurement_contract(id).await.unwrap().unwrap();
    assert_eq!(c.money.paid, Dong(38_000_000));
    assert_eq!(c.commitment_left, Dong::ZERO);
    let page = s.get(&base).await.text().await.unwrap();
    assert!(page.contains("Đã thanh toán xong"), "{page}");
    assert!(
        page.contains("<strong id=\"commitment-left\">0 đ</strong>"),
        "{page}"
    );

    // The open data.
    let ocds: serde_json::Value = s.get("/procurement/ocds.json").await.json().await.unwrap();
    let release = &ocds["releases"][0];
    assert_eq!(release["tender"]["procurementMethod"], "open");
    assert_eq!(
        release["tender"]["procurementMethodDetails"],
        "Chào hàng cạnh tranh"
    );
    assert_eq!(
        release["contracts"][0]["implementation"]["transactions"][0]["value"]["amount"],
        38_000_000
    );

    // The spending, as CSV and as a workbook, adds up to what was paid.
    let csv = s
        .get("/procurement/spending.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("01/2026/HĐ-MS") && csv.contains("38000000"),
        "{csv}"
    );
    let xlsx = s
        .get("/procurement/spending.xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let mut total = 0f64;
    sheets::reader::for_each_row(
        std::io::Cursor::new(xlsx.to_vec()),
        &sheets::reader::Limits::default(),
        |_, cells| {
            if let Some(sheets::reader::Cell::Number(n)) = cells.get(5) {
                total += n;
            }
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(total as i64, 38_000_000);
}
