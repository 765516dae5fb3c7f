//! The ledger's pages: the trial balance's totals equal the store's and balance, at a date
//! and now, with what the contract reserves; the journal filtered by account and dates;
//! an entry with its postings and its reversal; a bad date said in words; the dashboard's
//! money figures for the roles that read them, and none for a school.

use crate::common::TestApp;
use domain::ledger::{BANK, DONATIONS, NewEntry, PAYABLE, Posting, Request, SPENDING};
use domain::money::Dong;
use reqwest::StatusCode;
use time::macros::date;

web_tests!(the_books_read_the_same_on_every_page);

fn pair(d: &str, c: &str, n: i64) -> Vec<Posting> {
    vec![Posting::debit(d, Dong(n)), Posting::credit(c, Dong(n))]
}

async fn the_books_read_the_same_on_every_page(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    let gift = |key: &str, day, n| {
        Request::Post(NewEntry {
            key: key.into(),
            date: day,
            memo: format!("Ủng hộ <b>{key}</b>"),
            postings: pair(BANK, DONATIONS, n),
            source: None,
        })
    };
    let a = store
        .ledger_post(&actor, &gift("g1", date!(2026 - 09 - 01), 12_500_000))
        .await
        .unwrap()
        .entry;
    store
        .ledger_post(&actor, &gift("g2", date!(2026 - 10 - 01), 7_000_000))
        .await
        .unwrap();
    let reversal = store
        .ledger_post(
            &actor,
            &Request::Reverse {
                key: "r1".into(),
                date: date!(2026 - 10 - 02),
                reason: "Ghi nhầm".into(),
                entry: a,
            },
        )
        .await
        .unwrap()
        .entry;
    store
        .ledger_post(
            &actor,
            &Request::Reserve(NewEntry {
                key: "c1".into(),
                date: date!(2026 - 10 - 05),
                memo: "Hợp đồng 01/2026/HĐ-MS".into(),
                postings: pair(SPENDING, PAYABLE, 40_000_000),
                source: None,
            }),
        )
        .await
        .unwrap();

    for who in ["so_tai_chinh", "mttq", "ubnd_tinh", "ban_dieu_phoi"] {
        let s = app.session(who).await;
        let page = s.get("/ledger").await.text().await.unwrap();
        assert!(page.contains("id=\"balanced\""), "{who}: {page}");
        // 12.5 M + 7 M debited to the bank, 12.5 M credited back by the reversal.
        assert!(
            page.contains("<strong id=\"total-debits\">32.000.000 đ</strong>"),
            "{who}: {page}"
        );
        assert!(
            page.contains("<strong id=\"total-credits\">32.000.000 đ</strong>"),
            "{who}"
        );
        assert!(page.contains("Hợp đồng 01/2026/HĐ-MS"), "{who}");
        assert!(page.contains("40.000.000 đ"), "{who}: the reservation");
    }
    let s = app.session("so_tai_chinh").await;
    let tb = store.trial_balance(None, domain::Lang::Vi).await.unwrap();
    assert_eq!(tb.total_debits, Dong(32_000_000));
    let past = s.get("/ledger?at=15/09/2026").await.text().await.unwrap();
    assert!(
        past.contains("<strong id=\"total-debits\">12.500.000 đ</strong>"),
        "{past}"
    );
    let bad = s.get("/ledger?at=31/02/2026").await.text().await.unwrap();
    assert!(bad.contains("Ngày không hợp lệ (dd/mm/yyyy)."), "{bad}");

    let journal = s.get("/ledger/entries").await.text().await.unwrap();
    assert!(journal.contains("/ledger/entries/4\">Số 4<"), "{journal}");
    assert!(
        journal.contains("g1") && !journal.contains("<b>g1</b>"),
        "text escaped: {journal}"
    );
    let october = s
        .get("/ledger/entries?from=01/10/2026&to=31/10/2026&account=1121")
        .await
        .text()
        .await
        .unwrap();
    assert!(october.contains("/ledger/entries/2\">Số 2<"), "{october}");
    assert!(october.contains("/ledger/entries/3\">Số 3<"), "{october}");
    assert!(!october.contains("/ledger/entries/1\">Số 1<"), "{october}");
    assert!(
        !october.contains("/ledger/entries/4\">Số 4<"),
        "the reservation does not touch the bank"
    );

    let entry = s
        .get(&format!("/ledger/entries/{a}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        entry.contains(&format!("/ledger/entries/{reversal}")),
        "{entry}"
    );
    assert!(entry.contains("Tiền gửi ngân hàng"), "{entry}");
    let rev = s
        .get(&format!("/ledger/entries/{reversal}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(rev.contains("Ghi nhầm"), "{rev}");
    assert_eq!(
        s.get("/ledger/entries/999999").await.status(),
        StatusCode::NOT_FOUND
    );

    let dash = s.get("/").await.text().await.unwrap();
    assert!(
        dash.contains("Đã huy động: tiền ủng hộ và ngân sách (đồng)"),
        "{dash}"
    );
    assert!(dash.contains("7.000.000"), "raised: {dash}");
    assert!(dash.contains("40.000.000"), "committed");
    // The journal as CSV: a line per posting, debits equal credits, no cell a formula.
    store
        .ledger_post(
            &actor,
            &Request::Post(NewEntry {
                key: "g3".into(),
                date: date!(2026 - 10 - 03),
                memo: "=HYPERLINK(\"http://x\")".into(),
                postings: pair(BANK, DONATIONS, 1_000),
                source: None,
            }),
        )
        .await
        .unwrap();
    let res = s.get("/ledger/entries.csv").await;
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 10, "five entries of two postings: {csv}");
    let sum = |col: usize| -> i64 {
        rows.iter()
            .map(|x| x[col].parse::<i64>().unwrap_or(0))
            .sum()
    };
    assert_eq!(sum(6), sum(7));
    assert!(rows.iter().all(|x| !x[3].starts_with('=')), "{csv}");
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let bank_only = s
        .get("/ledger/entries.csv?account=1121")
        .await
        .text()
        .await
        .unwrap();
    assert!(!bank_only.contains("6111"), "{bank_only}");
    // The same journal as a workbook: the same postings, debits equal to credits, the
    // formula-looking memo kept as text.
    let xlsx = s.get("/ledger/entries.xlsx").await.bytes().await.unwrap();
    let (mut debits, mut credits, mut lines, mut memo) = (0f64, 0f64, 0, false);
    sheets::reader::for_each_row(
        std::io::Cursor::new(xlsx.to_vec()),
        &sheets::reader::Limits::default(),
        |_, cells| {
            use sheets::reader::Cell;
            if let Some(Cell::Number(d)) = cells.get(6) {
                debits += d;
            }
            if let Some(Cell::Number(c)) = cells.get(7) {
                credits += c;
            }
            if matches!(cells.get(6), Some(Cell::Number(_)))
                || matches!(cells.get(7), Some(Cell::Number(_)))
            {
                lines += 1;
            }
            if matches!(cells.get(3), Some(Cell::Text(t)) if t.starts_with("=HYPERLINK")) {
                memo = true;
            }
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(lines, 10);
    assert_eq!(debits, credits);
    assert_eq!(debits as i64, sum(6));
    assert!(memo, "the memo is text in the workbook");
    let school = app.session("truong_67663001").await;
    assert_eq!(school.get("/ledger").await.status(), StatusCode::FORBIDDEN);
    let dash = school.get("/").await.text().await.unwrap();
    assert!(
        !dash.contains("Đã huy động"),
        "no money figures for a school"
    );
}

web_tests!(a_pledge_from_the_form_to_its_acknowledgement);

async fn a_pledge_from_the_form_to_its_acknowledgement(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    let donor = store
        .save_donor(
            &actor,
            None,
            &store::testing::organisation("Công ty TNHH Cà phê Đức Lập"),
        )
        .await
        .unwrap();
    let today = domain::dates::format_date(domain::dates::today());
    let d = donor.to_string();
    let board = app.session("ban_dieu_phoi").await;
    let form = board.get("/gifts/new").await.text().await.unwrap();
    assert!(form.contains("Chuyển trực tiếp cho Sở"), "{form}");
    assert!(
        !form.contains("value=\"mttq\""),
        "the Board does not record the Front's gifts"
    );
    for (amount, channel, expect) in [
        ("12,5", "direct", "Số tiền cần là số nguyên đồng lớn hơn 0"),
        ("0", "direct", "Số tiền cần là số nguyên đồng lớn hơn 0"),
        (
            "5.000.000",
            "mttq",
            "Hãy chọn hình thức ủng hộ bạn được ghi.",
        ),
    ] {
        let res = board
            .post(
                "/gifts",
                &[
                    ("donor_id", &d),
                    ("amount", amount),
                    ("channel", channel),
                    ("date", &today),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount} {channel}"
        );
        assert!(
            res.text().await.unwrap().contains(expect),
            "{amount} {channel}"
        );
    }
    assert!(
        store.gifts(&Default::default()).await.unwrap().is_empty(),
        "nothing written"
    );
    let res = board
        .post(
            "/gifts",
            &[
                ("donor_id", &d),
                ("amount", "5.000.000"),
                ("channel", "direct"),
                ("date", &today),
                ("publish_name", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let g = store.gifts(&Default::default()).await.unwrap().remove(0);
    assert_eq!(to, format!("/gifts/{}", g.id));
    let page = board.get(&to).await.text().await.unwrap();
    assert!(page.contains("<svg"), "the VietQR code is drawn: {page}");
    let payload = domain::ledger::vietqr::VietQr {
        bin: "970436".into(),
        account: "0631000468888".into(),
        amount: Some(Dong(5_000_000)),
        note: Some(g.pledge_code.clone()),
    }
    .payload()
    .unwrap();
    assert!(page.contains(&payload), "{page}");
    assert!(
        !page.contains("id=\"verification\""),
        "no verification code before the money arrives"
    );

    let res = board
        .post(
            &format!("{to}/receive"),
            &[("received_on", "31/13/2026"), ("bank_ref", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = board
        .post(
            &format!("{to}/receive"),
            &[("received_on", &today), ("bank_ref", "FT26336000123")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = board
        .post(
            &format!("{to}/receive"),
            &[("received_on", &today), ("bank_ref", "FT26336000123")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a second click posts nothing"
    );
    let g = store.gift(g.id).await.unwrap().unwrap();
    let page = board.get(&to).await.text().await.unwrap();
    assert!(page.contains(&g.verification_printed()), "{page}");
    let pdf = board.get(&format!("{to}/giay-xac-nhan.pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = crate::common::pdf_text(&pdf.bytes().await.unwrap());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("- Số tiền: 5.000.000 đ"), "{flat}");
    assert!(flat.contains("- Bằng chữ: Năm triệu đồng."), "{flat}");
    assert!(flat.contains(&g.verification_printed()), "{flat}");
    assert!(flat.contains("FT26336000123"), "{flat}");
    let cash = store.donor_cash(donor).await.unwrap();
    assert_eq!(cash.received, Dong(5_000_000));
    // The donor's page says the same as the acknowledgement, for those who read money.
    let donor_page = board
        .get(&format!("/donors/{donor}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        donor_page.contains("Đã nhận: 5.000.000 đ (1 khoản)"),
        "{donor_page}"
    );
    assert!(
        donor_page.contains(&format!("/gifts?donor={donor}")),
        "{donor_page}"
    );
    let appraiser = app.session("so_tttt").await;
    let donor_page = appraiser
        .get(&format!("/donors/{donor}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !donor_page.contains("Đã nhận:"),
        "no money for those who do not read it"
    );
    let only = board
        .get(&format!("/gifts?donor={donor}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(only.contains(&g.pledge_code), "{only}");

    // The Front: its own channel only, its gifts without a code to scan (no account is
    // configured for it here), and never a transfer of more than it holds.
    let mttq = app.session("mttq").await;
    let form = mttq.get("/gifts/new").await.text().await.unwrap();
    assert!(
        form.contains("value=\"mttq\"") && !form.contains("value=\"direct\""),
        "{form}"
    );
    let res = mttq
        .post(
            "/gifts",
            &[
                ("donor_id", &d),
                ("amount", "2.000.000"),
                ("channel", "mttq"),
                ("date", &today),
                ("received", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = mttq
        .post(
            "/gifts/transfers",
            &[
                ("amount", "2.000.001"),
                ("date", &today),
                ("bank_ref", ""),
                ("key", "k1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("chỉ còn 2.000.000 đ"));
    for _ in 0..2 {
        let res = mttq
            .post(
                "/gifts/transfers",
                &[
                    ("amount", "2.000.000"),
                    ("date", &today),
                    ("bank_ref", "UNC-01"),
                    ("key", "k2"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the second click is the same transfer"
        );
    }
    let list = mttq.get("/gifts").await.text().await.unwrap();
    assert!(list.contains("UNC-01"), "{list}");
    let tb = store.trial_balance(None, domain::Lang::Vi).await.unwrap();
    let bank = tb.accounts.iter().find(|a| a.code == BANK).unwrap();
    assert_eq!(bank.balance, Dong(7_000_000));
}

web_tests!(a_statement_uploaded_and_its_lines_reviewed);

async fn a_statement_uploaded_and_its_lines_reviewed(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    let donor = store
        .save_donor(
            &actor,
            None,
            &store::testing::organisation("Hợp tác xã Quảng Sơn"),
        )
        .await
        .unwrap();
    let gift = |amount: i64| domain::ledger::gifts::NewGift {
        donor_id: donor,
        amount: Dong(amount),
        channel: domain::ledger::gifts::Channel::Direct,
        date: date!(2026 - 09 - 01),
        publish_name: true,
        earmark: Default::default(),
        note: None,
    };
    let coded = store
        .record_gift(&actor, &gift(4_000_000), None)
        .await
        .unwrap();
    let code = store.gift(coded).await.unwrap().unwrap().pledge_code;
    let by_amount = store
        .record_gift(&actor, &gift(650_000), None)
        .await
        .unwrap();
    let csv = format!(
        "Số dư đầu kỳ:,,,\"0\",,\n\
Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\n\
05/09/2026,FT1,,\"4.000.000\",\"4.000.000\",{code} ung ho\n\
06/09/2026,FT2,,\"650.000\",\"4.650.000\",HTX QUANG SON\n\
30/09/2026,FT3,\"11.000\",,\"4.639.000\",<b>phi</b>\n"
    );
    let board = app.session("ban_dieu_phoi").await;
    let upload = |body: String, name: &'static str| {
        let form = board.upload_form().part(
            "file",
            reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name),
        );
        board.post_multipart("/reconciliation", form)
    };
    // Balances that do not add up: refused, the difference named, nothing written.
    let res = upload(
        csv.replace("Số dư đầu kỳ:,,,\"0\"", "Số dư đầu kỳ:,,,\"1.000\""),
        "sai.csv",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("chênh lệch"), "{body}");
    assert!(store.statements().await.unwrap().is_empty());
    let res = upload("Họ và tên,Ngày sinh\nA,01/01/2015\n".into(), "khac.csv").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Không nhận ra dạng sao kê")
    );

    let res = upload(csv.clone(), "sao-ke-09.csv").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = board.get(&to).await.text().await.unwrap();
    assert!(
        page.contains("3: 1 khớp theo mã, 1 chờ xác nhận, 0 chưa khớp, 1 tiền ra"),
        "{page}"
    );
    assert!(!page.contains("<b>phi</b>"), "the note is escaped");
    let res = upload(csv.clone(), "sao-ke-09.csv").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the same file again");
    assert_eq!(store.statements().await.unwrap().len(), 1);

    let queue = board.get("/reconciliation").await.text().await.unwrap();
    assert!(queue.contains("Cần xử lý (2)"), "{queue}");
    let lines = store.statement_lines(None).await.unwrap();
    let proposed = lines.iter().find(|l| l.reference == "FT2").unwrap().id;
    let fee = lines.iter().find(|l| l.reference == "FT3").unwrap().id;
    // The Front reconciles its own account, not the Department's.
    let front = app.session("mttq").await;
    let page = front.get("/reconciliation").await.text().await.unwrap();
    assert!(
        !page.contains("value=\"confirm\""),
        "no actions on another's lines"
    );
    let res = front
        .post(
            &format!("/reconciliation/lines/{proposed}"),
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = board
        .post(
            &format!("/reconciliation/lines/{proposed}"),
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.gift(by_amount).await.unwrap().unwrap().status,
        store::ledger::gifts::GiftStatus::Received
    );
    let res = board
        .post(
            &format!("/reconciliation/lines/{fee}"),
            &[("action", "explain"), ("text", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = board
        .post(
            &format!("/reconciliation/lines/{fee}"),
            &[("action", "explain"), ("text", "Phí quản lý tài khoản")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let queue = board.get("/reconciliation").await.text().await.unwrap();
    assert!(queue.contains("Không còn dòng nào cần xử lý."), "{queue}");
    // The Front does not import the Department's statements, nor the treasury roles.
    let finance = app.session("so_tai_chinh").await;
    let page = finance.get("/reconciliation").await.text().await.unwrap();
    assert!(!page.contains("id=\"statement-form\""));
}

web_tests!(a_campaign_set_up_and_its_progress_read);

/// The Front sets up its drive (and only its own), bad forms are named and write nothing,
/// a clash names the other drive; the gifts received through the Front within the period
/// show on the list and on the campaign's page; finance reads but cannot set one up.
async fn a_campaign_set_up_and_its_progress_read(app: &TestApp) {
    let store = &app.db.store;
    let actor = store::testing::system();
    let donor = store
        .save_donor(
            &actor,
            None,
            &store::testing::organisation("Công ty CP Thủy điện Đắk R'Tih"),
        )
        .await
        .unwrap();
    let gift = |amount: i64, channel, day| domain::ledger::gifts::NewGift {
        donor_id: donor,
        amount: Dong(amount),
        channel,
        date: day,
        publish_name: true,
        earmark: Default::default(),
        note: None,
    };
    use domain::ledger::gifts::Channel::{Direct, Mttq};
    for (amount, channel, day, received) in [
        (200_000_000, Mttq, date!(2026 - 08 - 12), true),
        (45_000_000, Mttq, date!(2026 - 09 - 02), true),
        (30_000_000, Mttq, date!(2026 - 09 - 20), false),
        // Outside: another channel, a day after the end.
        (80_000_000, Direct, date!(2026 - 08 - 20), true),
        (9_000_000, Mttq, date!(2026 - 12 - 01), true),
    ] {
        store
            .record_gift(
                &actor,
                &gift(amount, channel, day),
                received.then_some((day, None)),
            )
            .await
            .unwrap();
    }
    let front = app.session("mttq").await;
    let form = front.get("/campaigns/new").await.text().await.unwrap();
    assert!(form.contains("value=\"mttq\""), "{form}");
    assert!(
        !form.contains("value=\"so_gddt\""),
        "the Front sets up only its own drives"
    );
    let good = [
        ("name", "Chung tay «Sóng và máy tính cho em» <b>2026</b>"),
        ("organiser", "mttq"),
        ("target_kind", "money"),
        ("target", "500.000.000"),
        ("starts_on", "01/08/2026"),
        ("ends_on", "30/11/2026"),
        ("note", ""),
    ];
    let with = |k: &'static str, v: &'static str| {
        good.iter()
            .map(|(a, b)| if *a == k { (*a, v) } else { (*a, *b) })
            .collect::<Vec<_>>()
    };
    for (form, expect) in [
        (
            with("target", "12,5"),
            "Mục tiêu cần là số nguyên đồng lớn hơn 0",
        ),
        (
            with("target", "0"),
            "mục tiêu phải là số nguyên đồng lớn hơn 0",
        ),
        (
            with("target", "-5"),
            "mục tiêu phải là số nguyên đồng lớn hơn 0",
        ),
        (
            with("organiser", "so_gddt"),
            "Hãy chọn đơn vị phát động bạn được ghi.",
        ),
        (
            with("target_kind", "cows"),
            "Mục tiêu cần là số nguyên đồng",
        ),
        (
            with("ends_on", "31/07/2026"),
            "ngày kết thúc trước ngày bắt đầu",
        ),
        (
            with("starts_on", "31/02/2026"),
            "Ngày bắt đầu: Ngày không hợp lệ",
        ),
        (with("name", "   "), "chưa nhập tên đợt vận động"),
    ] {
        let res = front.post("/campaigns", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains(expect), "{expect}: {body}");
    }
    // Devices as a target take a count, not đồng.
    let mut devices = with("target_kind", "devices");
    devices[3] = ("target", "1,5");
    let res = front.post("/campaigns", &devices).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Số thiết bị mục tiêu cần là số nguyên lớn hơn 0")
    );
    assert!(
        store.campaigns().await.unwrap().is_empty(),
        "nothing written"
    );

    let res = front.post("/campaigns", &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = front.get(&to).await.text().await.unwrap();
    assert!(
        page.contains("&#60;b&#62;2026&#60;/b&#62;") && !page.contains("<b>2026</b>"),
        "the name is shown escaped"
    );
    // 245.000.000 of 500.000.000 received; 30.000.000 pledged; 255.000.000 missing.
    for want in [
        "id=\"reached\">245.000.000 đ<",
        "49,0%",
        "id=\"promised\">30.000.000 đ<",
        "id=\"missing\">255.000.000 đ<",
        "Chờ nhận tiền",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    assert!(!page.contains("80.000.000 đ") && !page.contains("9.000.000 đ"));
    // A second drive of the Front over the same months is refused, naming the first.
    let res = front
        .post("/campaigns", &with("starts_on", "15/11/2026"))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Thời gian trùng với đợt vận động")
            && body.contains("01/08/2026 – 30/11/2026"),
        "{body}"
    );
    assert_eq!(store.campaigns().await.unwrap().len(), 1);

    // Finance reads the list, with the same figures, and has no button to set one up.
    let finance = app.session("so_tai_chinh").await;
    let list = finance.get("/campaigns").await.text().await.unwrap();
    assert!(
        list.contains("245.000.000 đ") && list.contains("49,0%"),
        "{list}"
    );
    assert!(!list.contains("id=\"new-campaign\""));
    assert_eq!(
        finance.post("/campaigns", &good).await.status(),
        StatusCode::FORBIDDEN
    );
    // In English, the same drive.
    let board = app.session_in("ban_dieu_phoi", "en").await;
    let en = board.get(&to).await.text().await.unwrap();
    assert!(en.contains("49.0%") && en.contains("Still missing"), "{en}");
    assert_eq!(
        board.get("/campaigns/abc").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        board.get("/campaigns/424242").await.status(),
        StatusCode::NOT_FOUND
    );
}
