//! Reports in the web, on both engines: the page's funnel and tables, the dashboard's
//! funnel with the same totals, the `.xlsx` and PDF with the same totals and the signed
//! checkpoint, a district's and a school's scope, units outside the scope, bad dates and
//! hostile parameters answered 400 in Vietnamese, English.

use crate::common::{TestApp, pdf_text};
use reqwest::StatusCode;
use std::io::Cursor;

web_tests!(a_report_matches_the_dashboard_and_its_files);

/// The number after the label of a chart's bar (the funnel's first bar: listed).
fn bar_value(html: &str, label: &str) -> String {
    let at = html
        .find(&format!(">{label}</text>"))
        .unwrap_or_else(|| panic!("no bar {label}: {html}"));
    let rest = &html[at..];
    let v = rest.split("class=\"value\">").nth(1).unwrap();
    v.split('<').next().unwrap().to_string()
}

async fn a_report_matches_the_dashboard_and_its_files(app: &TestApp) {
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;

    // The Department: four schools of six, every one allocated.
    let so = app.session("so_gddt").await;
    let res = so.get("/reports").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("<svg class=\"chart\""), "{html}");
    assert_eq!(bar_value(&html, "Được đề xuất"), "24");
    assert_eq!(bar_value(&html, "Được phân bổ máy"), "24");
    assert_eq!(bar_value(&html, "Đã nhận máy"), "0");
    assert!(html.contains("Các trường trực thuộc Sở"), "{html}");
    let office = app.unit("67663001").await.parent_code.unwrap();
    assert!(
        html.contains(&format!("href=\"/reports?unit={office}\"")),
        "a district's row opens its own report: {html}"
    );
    assert!(html.contains("href=\"/allocation\""));
    assert!(html.contains("id=\"download-pdf\""));
    // The dashboard draws the same funnel.
    let dash = so.get("/").await.text().await.unwrap();
    assert!(dash.contains("id=\"dashboard-funnel\""), "{dash}");
    assert_eq!(bar_value(&dash, "Được đề xuất"), "24");
    assert_eq!(bar_value(&dash, "Được phân bổ máy"), "24");

    // The PDF: the same totals, the checkpoint the figures were read at.
    let res = so.get("/reports/progress.pdf").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let text = pdf_text(&res.bytes().await.unwrap());
    assert!(text.contains("BÁO CÁO"), "{text}");
    assert!(text.contains("5052/BGDĐT-CNTT"), "{text}");
    assert!(text.contains("songmaytinh.test/audit"), "{text}");
    let size = store.log_size().await.unwrap();
    assert!(
        text.contains(&format!("\n{size}\n")) || text.contains(&format!("{size}\n")),
        "the checkpoint's size {size}: {text}"
    );
    // The spreadsheet: its total row equals the page's.
    let res = so.get("/reports/progress.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let book = res.bytes().await.unwrap().to_vec();
    let mut total = None;
    sheets::reader::for_each_row(Cursor::new(&book), &Default::default(), |_, cells| {
        let cells: Vec<String> = cells.iter().map(|c| c.text()).collect();
        if cells.get(1).map(String::as_str) == Some("Tổng cộng") && total.is_none() {
            total = Some(cells[2..8].to_vec());
        }
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(
        total.unwrap(),
        vec!["24", "24", "24", "0", "24", "0"],
        "listed, approved, allocated, handed, waiting, CSDL"
    );

    // A district office: its two schools; the province and another district's school are
    // not in its scope.
    let phong = app.session("phong_663").await;
    let html = phong.get("/reports").await.text().await.unwrap();
    assert_eq!(bar_value(&html, "Được đề xuất"), "12");
    assert!(html.contains("href=\"/reports?unit=67663001\""), "{html}");
    assert!(!html.contains("id=\"money\""), "money is the province's");
    for outside in ["67", "67666002", "khong-co"] {
        let res = phong.get(&format!("/reports?unit={outside}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{outside}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Không có đơn vị này trong phạm vi của bạn"),
            "{html}"
        );
        let res = phong
            .get(&format!("/reports/progress.xlsx?unit={outside}"))
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{outside}");
    }
    // A school: itself, its lists linked.
    let school = app.session("truong_67663001").await;
    let html = school.get("/reports").await.text().await.unwrap();
    assert_eq!(bar_value(&html, "Được đề xuất"), "6");
    assert!(
        html.contains("href=\"/students/school/67663001\""),
        "{html}"
    );

    // Bad dates and hostile parameters: 400, said in Vietnamese, nothing raw echoed.
    for (q, want) in [
        ("from=32/13/2022", "Ngày không đúng dạng ngày/tháng/năm"),
        ("to=hôm%20qua", "Ngày không đúng dạng ngày/tháng/năm"),
        ("from=02/02/2022&to=01/01/2022", "sau ngày kết thúc"),
        (
            "unit=%3Cscript%3Ealert(1)%3C/script%3E",
            "Không có đơn vị này",
        ),
        ("from=%3Cimg%20src=x%3E", "Ngày không đúng dạng"),
    ] {
        let res = so.get(&format!("/reports?{q}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{q}");
        let html = res.text().await.unwrap();
        assert!(html.contains(want), "{q}: {html}");
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x>"),
            "{html}"
        );
        let res = so.get(&format!("/reports/progress.pdf?{q}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{q}");
    }
    // A period before anything happened: lists stand, no allocation in it.
    let html = so.get("/reports?to=01/01/2020").await.text().await.unwrap();
    assert_eq!(bar_value(&html, "Được đề xuất"), "24");
    assert_eq!(bar_value(&html, "Được phân bổ máy"), "0");

    // English; no login, no report.
    let en = app.session_in("so_gddt", "en").await;
    let html = en.get("/reports").await.text().await.unwrap();
    assert!(html.contains("Progress report"), "{html}");
    assert_eq!(bar_value(&html, "Listed"), "24");
    let res = app.anonymous().get("/reports").await;
    assert_ne!(res.status(), StatusCode::OK);
}
