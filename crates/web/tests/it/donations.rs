//! Devices in kind through the pages: the Board records a donor and a receipt (refused
//! whole when one serial is wrong), prints the minutes, attaches a document; the
//! appraisers pass the model and the batch; the Board stocks it in, scans and counts.

use crate::common::{Client, TestApp};
use domain::devices::{DeviceKind, DeviceModel, DeviceState};
use reqwest::StatusCode;

web_tests!(a_donation_goes_from_receipt_to_stock_through_the_pages);

async fn multipart(
    c: &Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = c.upload_form();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    c.post_multipart(path, form).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn a_donation_goes_from_receipt_to_stock_through_the_pages(app: &TestApp) {
    let store = &app.db.store;
    let sys = store::AuditActor::system("test");
    let model = store
        .create_device_model(
            &sys,
            &DeviceModel {
                kind: Some(DeviceKind::Tablet),
                brand: "Samsung".into(),
                model: "Galaxy Tab A8".into(),
                ram_mb: Some(4096),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let board = app.session("ban_dieu_phoi").await;

    // A donor: a bad tax code is refused next to its field, what was typed kept.
    let donor_fields = [
        ("kind", "organisation"),
        ("name", "Công ty Cổ phần Viễn thông Hưng Thịnh"),
        ("phone", "0261 3544 123"),
        ("tax_code", "64001"),
        ("publish_name", "1"),
        ("earmark_unit", "663"),
        ("earmark_tier", "1"),
    ];
    let res = board.post("/donors", &donor_fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("mã số thuế cần 10 chữ số"), "{page}");
    assert!(
        page.contains(
            "name=\"tax_code\" value=\"64001\" inputmode=\"numeric\" aria-invalid=\"true\""
        )
    );
    let mut fields = donor_fields.to_vec();
    fields[3] = ("tax_code", "6400123456");
    let res = board.post("/donors", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let donor_path = location(&res);
    let donor_id = donor_path.rsplit('/').next().unwrap().to_string();
    let page = board.get(&donor_path).await.text().await.unwrap();
    assert!(
        page.contains("Huyện Đắk Mil"),
        "the earmark is shown by name"
    );

    // Another department sees the donor, not the donor's contacts.
    let mttq = app.session("mttq").await;
    let page = mttq.get(&donor_path).await.text().await.unwrap();
    assert!(page.contains("Công ty Cổ phần Viễn thông Hưng Thịnh"));
    assert!(!page.contains("3544"), "contacts are the Board's");

    // A receipt with a serial repeated: refused whole, every problem named.
    let receipt = |serials: &'static str| {
        vec![
            ("donor_id", donor_id.clone()),
            ("minutes_no", "12/BB-BTNĐP".to_string()),
            ("received_on", "05/03/2022".to_string()),
            ("place", "Sở GD&ĐT Đắk Nông".to_string()),
            ("donor_rep", "Nguyễn Thị Hồng Nhung".to_string()),
            ("board_rep", "Trần Văn Bình".to_string()),
            ("model_id", model.to_string()),
            ("condition", "new".to_string()),
            ("unit_value", "4.990.000".to_string()),
            ("serials", serials.to_string()),
            ("model_id", String::new()),
            ("condition", "new".to_string()),
            ("unit_value", String::new()),
            ("serials", String::new()),
        ]
    };
    let post_receipt = |f: Vec<(&'static str, String)>| {
        let board = &board;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            board.post("/donations", &pairs).await
        }
    };
    let res = post_receipt(receipt("R9HT001\nR9HT001\nR9HT003, 490154203237517")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Dòng 1, thiết bị thứ 2: Số sê-ri R9HT001"),
        "{page}"
    );
    assert!(page.contains("Dòng 1, thiết bị thứ 3: IMEI"), "{page}");
    assert!(
        page.contains("R9HT003, 490154203237517"),
        "what was typed stays"
    );
    assert!(
        page.matches("name=\"model_id\"").count() >= 3,
        "room for more lines after those typed"
    );
    assert!(store.donations().await.unwrap().is_empty());
    assert!(store.device("R9HT001").await.unwrap().is_none());

    // A line without its declared value: the minutes print it, so it is asked for.
    let mut no_value = receipt("R9HT001");
    no_value[8].1 = String::new();
    let res = post_receipt(no_value).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Dòng 1: nhập đơn giá khai báo bằng đồng"),
        "{page}"
    );
    assert!(page.contains("name=\"unit_value\" value=\"\" inputmode=\"numeric\" placeholder=\"4.990.000\" aria-invalid=\"true\""));
    assert!(store.donations().await.unwrap().is_empty());

    // Every problem in one round: no donor, a line without its value, a serial repeated.
    let mut many = receipt("R9HT001\nR9HT001");
    many[0].1 = String::new();
    many[8].1 = String::new();
    let res = post_receipt(many).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for said in [
        "Hãy chọn nhà tài trợ.",
        "Dòng 1: nhập đơn giá khai báo bằng đồng",
        "Dòng 1, thiết bị thứ 2: Số sê-ri R9HT001",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    // More lines: the form again, what was typed kept, three more empty lines.
    let mut more = receipt("R9HT001");
    more.push(("more_lines", "1".to_string()));
    let res = post_receipt(more).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.matches("name=\"model_id\"").count() >= 4, "more lines");
    assert!(page.contains(">R9HT001<"), "what was typed stays");
    assert!(!page.contains("role=\"alert\""), "nothing is checked yet");
    assert!(store.donations().await.unwrap().is_empty());

    let res = post_receipt(receipt("R9HT001\nR9HT002\t490154203237518\n")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let donation_path = location(&res);
    assert!(donation_path.starts_with("/donations/"));
    let page = board.get(&donation_path).await.text().await.unwrap();
    assert!(page.contains("9.980.000 đ"), "{page}");
    assert!(page.contains("Chín triệu chín trăm tám mươi nghìn đồng"));

    // The minutes print as PDF.
    let res = board.get(&format!("{donation_path}/bien-ban.pdf")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("bien-ban-tiep-nhan-12-bb-btndp.pdf")
    );
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    // Documents: checked by content and kept with their digest.
    let res = multipart(
        &board,
        &format!("{donation_path}/documents"),
        &[],
        Some(("thu.exe", b"MZ\x90\x00".to_vec())),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = multipart(
        &board,
        &format!("{donation_path}/documents"),
        &[],
        Some(("thư cảm ơn.pdf", pdf.to_vec())),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = board.get(&donation_path).await.text().await.unwrap();
    assert!(page.contains("thư cảm ơn.pdf"));
    assert!(page.contains(&hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf))));

    // The appraisers: the batch cannot pass before the model; then both pass.
    let tttt = app.session("so_tttt").await;
    let batch = "donation:12/BB-BTNĐP";
    let m = model.to_string();
    let res = multipart(
        &tttt,
        "/devices/appraisals",
        &[
            ("model_id", &m),
            ("source", batch),
            ("verdict", "pass"),
            ("appraised_on", "10/03/2022"),
        ],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Refused, the form is shown again at its own address, which a browser may open.
    assert_eq!(res.url().path(), "/devices/appraisals");
    let html = res.text().await.unwrap();
    assert!(html.contains("chưa được thẩm định đạt"));
    assert!(html.contains("action=\"/logout\""));
    assert_eq!(
        tttt.get("/devices/appraisals").await.status(),
        StatusCode::OK
    );
    let res = multipart(
        &tttt,
        "/devices/appraisals",
        &[
            ("model_id", &m),
            ("source", ""),
            ("verdict", "pass"),
            ("appraised_on", "10/03/2022"),
            ("notes", "Đủ cấu hình"),
        ],
        Some(("bien-ban-tham-dinh.pdf", pdf.to_vec())),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let res = multipart(
        &tttt,
        "/devices/appraisals",
        &[
            ("model_id", &m),
            ("source", batch),
            ("verdict", "pass"),
            ("appraised_on", "10/03/2022"),
        ],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.device("R9HT002").await.unwrap().unwrap().state,
        DeviceState::Appraised
    );
    let page = tttt.get("/devices/batches").await.text().await.unwrap();
    assert!(
        page.contains("bien-ban-tham-dinh.pdf"),
        "the report is listed with its appraisal"
    );
    assert!(
        !page.contains("/devices/batches/stock-in"),
        "stocking in is the Board's"
    );

    // The Board stocks the batch in (its dashboard, read first, is cached a few seconds).
    let home = board.get("/").await.text().await.unwrap();
    assert!(home.contains("<span class=\"n\">0</span><span class=\"l\">Thiết bị trong kho</span>"));
    let page = board.get("/devices/batches").await.text().await.unwrap();
    assert!(page.contains("action=\"/devices/batches/stock-in\""));
    let res = board
        .post(
            "/devices/batches/stock-in",
            &[("model_id", &m), ("source", batch)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.device("R9HT001").await.unwrap().unwrap().state,
        DeviceState::InStock
    );
    // The dashboard counts it at once on this server (its 5-second cache is forgotten).
    let home = board.get("/").await.text().await.unwrap();
    assert!(
        home.contains("<span class=\"n\">2</span><span class=\"l\">Thiết bị trong kho</span>"),
        "{home}"
    );
    assert!(
        home.contains("<span class=\"n\">0</span><span class=\"l\">Thiết bị chờ thẩm định</span>")
    );

    // Scanner intake: a known serial is reported; a new batch is registered.
    let check: serde_json::Value = board
        .get("/devices/intake/check?serial=r9ht%20001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["known"], true);
    assert!(check["message"].as_str().unwrap().contains("Trong kho"));
    let check: serde_json::Value = board
        .get("/devices/intake/check?serial=NEW-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["known"], false);
    let res = board
        .post(
            "/devices/intake",
            &[
                ("model_id", &m),
                ("batch", "contract"),
                ("contract_no", "05/2022/HĐ"),
                ("serials", "NEW-1\nR9HT001\n"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Dòng 2: Số sê-ri R9HT001")
    );
    let res = board
        .post(
            "/devices/intake",
            &[
                ("model_id", &m),
                ("batch", "contract"),
                ("contract_no", "05/2022/HĐ"),
                ("serials", "NEW-1\nNEW-2\n"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.device("NEW-2").await.unwrap().unwrap().state,
        DeviceState::Received
    );

    // A batch typed by hand is not a batch: only recorded receipts (and contracts).
    for typed in [
        "donation:12/BB-BTNĐP",
        "donation:99/BB-KHONGCO",
        "item:999999",
        "",
    ] {
        let res = board
            .post(
                "/devices/intake",
                &[("model_id", &m), ("batch", typed), ("serials", "TYPED-1\n")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Hãy chọn lô hàng trong các biên bản tiếp nhận đã ghi"),
            "{typed}"
        );
    }
    assert!(store.device("TYPED-1").await.unwrap().is_none());

    // A receipt signed before the boxes were opened: a quantity, no serials. The intake
    // page offers its line; the line takes devices of its model, no more than it records.
    let res = board
        .post(
            "/donations",
            &[
                ("donor_id", donor_id.as_str()),
                ("minutes_no", "13/BB-BTNĐP"),
                ("received_on", "15/03/2022"),
                ("place", "Sở GD&ĐT Đắk Nông"),
                ("donor_rep", "Nguyễn Thị Hồng Nhung"),
                ("board_rep", "Trần Văn Bình"),
                ("model_id", m.as_str()),
                ("condition", "new"),
                ("quantity", "2"),
                ("unit_value", "4.990.000"),
                ("serials", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let receipt_path = location(&res);
    let page = board.get(&receipt_path).await.text().await.unwrap();
    assert!(page.contains("(0/2)") && page.contains("được quét khi nhập kho"));
    let line = store.receipt_lines_to_scan().await.unwrap();
    let line = line.iter().find(|l| l.minutes_no == "13/BB-BTNĐP").unwrap();
    assert_eq!((line.quantity, line.registered), (2, 0));
    let item = format!("item:{}", line.item_id);
    let page = board.get("/devices/intake").await.text().await.unwrap();
    assert!(
        page.contains(&format!("value=\"{item}\"")),
        "the line is offered"
    );
    assert!(page.contains("Biên bản 13/BB-BTNĐP"));
    let res = board
        .post(
            "/devices/intake",
            &[("batch", &item), ("serials", "SCAN-1\nSCAN-2\nSCAN-3\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("chỉ còn 2, danh sách có 3")
    );
    let other_model = store
        .device_models()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id != model)
        .map(|x| x.id.to_string());
    if let Some(other) = other_model {
        let res = board
            .post(
                "/devices/intake",
                &[
                    ("model_id", &other),
                    ("batch", &item),
                    ("serials", "SCAN-1\n"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Dòng biên bản này ghi mẫu")
        );
    }
    let res = board
        .post(
            "/devices/intake",
            &[("batch", &item), ("serials", "SCAN-1\nSCAN-2\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = board.get(&receipt_path).await.text().await.unwrap();
    assert!(
        page.contains("SCAN-2") && page.contains("(2/2)"),
        "the serials are the receipt's"
    );
    let page = board.get("/devices/intake").await.text().await.unwrap();
    assert!(
        !page.contains(&format!("value=\"{item}\"")),
        "a full line is no longer offered"
    );

    // The supplier's own spreadsheet, uploaded: a bad IMEI refuses the file by its row.
    let csv = |body: &str| {
        format!(
            "DANH SÁCH MÁY GIAO THEO HỢP ĐỒNG 06/2022\nSTT,Số Serial,IMEI\n{body},Tổng cộng: 2 máy,\n"
        )
    };
    let fields = [
        ("model_id", m.as_str()),
        ("batch", "contract"),
        ("contract_no", "06/2022/HĐ"),
    ];
    let res = multipart(
        &board,
        "/devices/intake/file",
        &fields,
        Some((
            "giao-hang.csv",
            csv("1,FILE-1,490154203237518\n2,FILE-2,490154203237517\n").into_bytes(),
        )),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Dòng trong tệp 4: IMEI"), "{page}");
    assert!(store.device("FILE-1").await.unwrap().is_none());
    let res = multipart(
        &board,
        "/devices/intake/file",
        &fields,
        Some((
            "giao-hang.csv",
            csv("1,FILE-1,352099001761481\n2,FILE-2,\n").into_bytes(),
        )),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.device("FILE-2").await.unwrap().unwrap().state,
        DeviceState::Received
    );
    let res = multipart(
        &board,
        "/devices/intake/file",
        &fields,
        Some(("anh.png", b"\x89PNG\r\n\x1a\n0000".to_vec())),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Stocktake of the Board's store (everything it holds, appraised or not): two
    // scanned, six not found on the shelf, one serial the registry does not know.
    let res = mttq
        .post(
            "/devices/stocktake",
            &[("place", ""), ("serials", "R9HT001\nNEW-1\nNOPE-9")],
        )
        .await;
    // Kept as found: the result has its own address, its minutes print as PDF.
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let kept = location(&res);
    assert!(kept.starts_with("/devices/stocktakes/"), "{kept}");
    let page = mttq.get(&kept).await.text().await.unwrap();
    assert!(page.contains("id=\"kept\""), "{page}");
    let pdf = mttq.get(&format!("{kept}/bien-ban.pdf")).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let form = mttq.get("/devices/stocktake").await.text().await.unwrap();
    assert!(
        form.contains(&format!("href=\"{kept}\"")),
        "listed among the recent ones"
    );
    let audit = store
        .audit_entries(None, 3, Some(domain::audit::Entity::Device))
        .await
        .unwrap();
    assert_eq!(audit[0].action, "stocktake");
    assert!(page.contains("id=\"missing-count\">6<"), "{page}");
    assert!(page.contains("id=\"unexpected-count\">1<"));
    assert!(page.contains("Không có trong sổ theo dõi"));
    let unknown = page
        .split("id=\"not-registered\">")
        .nth(1)
        .expect("a list of serials not in the registry");
    assert!(unknown.split("</ul>").next().unwrap().contains("NOPE-9"));
    assert!(!page.contains("id=\"elsewhere\""), "none is elsewhere");

    // The lookup by IMEI finds the device and its history.
    let res = mttq.get("/devices/find?serial=490154203237518").await;
    assert_eq!(location(&res), "/devices/serial/R9HT002");
    let page = mttq
        .get("/devices/serial/R9HT002")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Trong kho"));
    assert!(
        page.matches("<tr>").count() >= 4,
        "received, appraised, in stock: {page}"
    );

    // A partial serial lists the devices it is part of; one match goes to its page;
    // none goes to the page saying it is not there.
    let res = mttq.get("/devices/find?serial=r9ht00").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    let listed = page.split("id=\"matches\"").nth(1).unwrap();
    assert!(
        listed.contains("R9HT001") && listed.contains("R9HT002"),
        "{page}"
    );
    let res = mttq.get("/devices/find?serial=HT002").await;
    assert_eq!(location(&res), "/devices/serial/R9HT002");
    let res = mttq.get("/devices/find?serial=ZZZ999").await;
    assert_eq!(location(&res), "/devices/serial/ZZZ999");
}
