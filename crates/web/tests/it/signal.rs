//! Signal and after-care through the web, on both engines, as their users take them: a
//! school reports a dead zone, Sở TT&TT moves it to covered (a step backwards or dated
//! before the last refused in Vietnamese, nothing changed), the sheet per carrier; a
//! school records a training and uploads its attendance sheet (a sheet with a bad row
//! names row and column and writes nothing); a school opens a repair ticket for a device
//! its student holds and closes it, the device back with the same student; a device of
//! another district's student is not the school's to repair; names stay with the roles
//! that see students; the recommended platform reaches the public portal.

use crate::common::TestApp;
use domain::devices::{DeviceState, Holder};
use reqwest::StatusCode;
use std::io::Cursor;

web_tests!(
    a_dead_zone_from_report_to_covered,
    a_training_with_its_sheet_and_a_repair
);

/// Every cell of a workbook's first sheet, as text.
fn cells(book: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    sheets::reader::for_each_row(Cursor::new(book), &Default::default(), |_, cells| {
        out.extend(cells.iter().map(|c| c.text()));
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    out
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn a_dead_zone_from_report_to_covered(app: &TestApp) {
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    let district = app.unit("663").await;
    let school = app.session("truong_67663001").await;
    let district_id = district.id.to_string();
    let zone = |commune: &'static str, lat: &'static str| {
        vec![
            ("district", district_id.clone()),
            ("commune", commune.to_string()),
            ("village", "Thôn 1".to_string()),
            ("carrier_viettel", "x".to_string()),
            ("carrier_vnpt", "x".to_string()),
            ("signal", "none".to_string()),
            ("latitude", lat.to_string()),
            ("longitude", "107,61".to_string()),
            ("opened_on", "01/09/2022".to_string()),
        ]
    };
    // Outside Việt Nam: refused in Vietnamese, nothing written.
    let bad = zone("Xã Đắk Lao", "48,8");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = school.post("/signal/zones", &pairs).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không nằm trong Việt Nam")
    );
    assert!(
        store
            .dead_zones(&district.scope(), None)
            .await
            .unwrap()
            .is_empty()
    );

    let good = zone("Xã Đắk Lao", "12,52");
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = school.post("/signal/zones", &pairs).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let at = location(&res);
    let page = school.get(&at).await.text().await.unwrap();
    // Six students of the school live in Thôn 1, xã Đắk Lao; so do six of 67663002.
    assert!(page.contains("id=\"zone-students\">12<"), "{page}");
    // The school cannot move it on; Sở TT&TT can.
    let id = at.rsplit('/').next().unwrap().to_string();
    let steps = format!("/signal/zones/{id}/steps");
    let res = school
        .post(&steps, &[("status", "sent"), ("day", "05/09/2022")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let tttt = app.session("so_tttt").await;
    for (status, day) in [("sent", "05/09/2022"), ("answered", "20/09/2022")] {
        let res = tttt
            .post(
                &steps,
                &[("status", status), ("day", day), ("note", "Công văn 312")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    // Backwards, and dated before the last step: refused, named, nothing changed.
    let res = tttt
        .post(&steps, &[("status", "sent"), ("day", "21/09/2022")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("không chuyển về"), "{html}");
    let res = tttt
        .post(&steps, &[("status", "covered"), ("day", "19/09/2022")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("20/09/2022"));
    let res = tttt
        .post(&steps, &[("status", "covered"), ("day", "15/11/2022")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = tttt
        .get(&format!("/signal/zones/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"covered\""), "{page}");
    assert!(page.contains("15/11/2022"));
    // The sheet for Viettel lists it; the one for MobiFone does not.
    let res = tttt
        .get("/signal/zones/vung-lom-song.xlsx?carrier=viettel")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = cells(&res.bytes().await.unwrap());
    assert!(text.iter().any(|c| c == "Xã Đắk Lao"), "{text:?}");
    let res = tttt
        .get("/signal/zones/vung-lom-song.xlsx?carrier=mobifone")
        .await;
    let text = cells(&res.bytes().await.unwrap());
    assert!(!text.iter().any(|c| c == "Xã Đắk Lao"), "{text:?}");
    // Another district's school does not see it.
    let far = store
        .dead_zones(&app.unit("67666002").await.path, None)
        .await
        .unwrap();
    assert!(far.is_empty());

    // Schools without Internet for Sở TT&TT: 67663002 said "không" on its list.
    let res = tttt.get("/signal/truong-chua-co-internet.xlsx").await;
    let text = cells(&res.bytes().await.unwrap());
    assert!(text.iter().any(|c| c == "67663002"), "{text:?}");
    assert!(!text.iter().any(|c| c == "67663001"), "{text:?}");
    // The school records fibre: it leaves the list, its history keeps both.
    let res = school
        .post(
            "/signal/schools/67663001",
            &[("kind", "none"), ("noted_on", "01/09/2022")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = school
        .post(
            "/signal/schools/67663001",
            &[
                ("kind", "fixed"),
                ("speed", "abc"),
                ("noted_on", "01/12/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another school's page is not this school's to edit.
    let res = school
        .post(
            "/signal/schools/67666002",
            &[("kind", "fixed"), ("noted_on", "01/12/2022")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A recommended platform reaches the public portal.
    let so = app.session("so_gddt").await;
    let res = so
        .post(
            "/signal/platforms",
            &[
                ("name", "OLM"),
                ("url", "https://olm.vn"),
                ("purpose", "Học trực tuyến"),
                ("recommended", "x"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decision is needed"
    );
    let res = so
        .post(
            "/signal/platforms",
            &[
                ("name", "OLM"),
                ("url", "https://olm.vn"),
                ("purpose", "Học trực tuyến"),
                ("recommended", "x"),
                ("decision_no", "1856/QĐ-SGDĐT"),
                ("decision_date", "15/08/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let public = app
        .anonymous()
        .get("/cong-khai")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("https://olm.vn") && public.contains("1856/QĐ-SGDĐT"),
        "{public}"
    );
}

async fn a_training_with_its_sheet_and_a_repair(app: &TestApp) {
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;
    let handed = store::testing::handed_to_students(store, "67663001", 2).await;
    let school = app.session("truong_67663001").await;

    // A session, then its sheet.
    let res = school
        .post(
            "/aftercare/trainings",
            &[
                ("held_on", "10/09/2022"),
                ("topic", "care"),
                ("trainer", "Lê Thị Mai"),
                ("teachers", "2"),
                ("parents", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = location(&res);
    let id = at.rsplit('/').next().unwrap().to_string();
    let upload = |csv: &'static str| {
        school.upload_form().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("tham-du.csv"),
        )
    };
    let bad = "STT,Họ và tên,Thành phần\n1,Lê Thị Mai,Giáo viên\n2,Y Nuê,Khách mời\n";
    let res = school
        .post_multipart(&format!("/aftercare/trainings/{id}/attendees"), upload(bad))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Dòng 3, cột &#34;Thành phần&#34;") && html.contains("Khách mời"),
        "{html}"
    );
    let (t, names, _) = store.training(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!((t.attendees(), names.len()), (12, 0), "nothing written");
    let good = "DANH SÁCH THAM DỰ\nSTT,Họ và tên,Thành phần,Lớp\n1,Lê Thị Mai,Giáo viên,\n2,Y Nuê,Phụ huynh,6A\n3,H'Ra Êban,Học sinh,6A\n";
    let res = school
        .post_multipart(
            &format!("/aftercare/trainings/{id}/attendees"),
            upload(good),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = school.get(&at).await.text().await.unwrap();
    assert!(page.contains("Y Nuê"), "{page}");
    // Sở TT&TT reads the counts, not the names.
    let page = app
        .session("so_tttt")
        .await
        .get(&at)
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Y Nuê") && page.contains("3: "), "{page}");

    // A repair: opened by the school, closed, the device back with its student.
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    let res = school
        .post(
            "/aftercare/repairs",
            &[
                ("serial", &serial),
                ("fault", "Màn hình không lên"),
                ("reported_by", "Phụ huynh"),
                ("reported_on", "03/10/2022"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let ticket = location(&res);
    let d = store.device(&serial).await.unwrap().unwrap();
    assert_eq!(d.state, DeviceState::UnderRepair);
    let steps = format!("{ticket}/steps");
    let res = school
        .post(
            &steps,
            &[
                ("status", "repaired"),
                ("day", "20/10/2022"),
                ("resolution", "Thay màn hình"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let d = store.device(&serial).await.unwrap().unwrap();
    assert_eq!(
        (d.state, d.holder),
        (DeviceState::WithStudent, Holder::Student(handed[0]))
    );
    // Closed twice: refused with its number, the device unchanged.
    let res = school
        .post(&steps, &[("status", "unrepairable"), ("day", "21/10/2022")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("đã đóng"));
    assert_eq!(
        store.device(&serial).await.unwrap().unwrap().state,
        DeviceState::WithStudent
    );
    // A device still in stock is not with a student: refused in words.
    let stock = store
        .devices_matching("LAP", 100)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, s)| *s == DeviceState::Allocated)
        .unwrap()
        .0;
    let res = school
        .post(
            "/aftercare/repairs",
            &[
                ("serial", &stock),
                ("fault", "Hỏng"),
                ("reported_on", "03/10/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("không ở với học sinh"));
    // The district's office sees the ticket.
    let res = app.session("phong_663").await.get(&ticket).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The defect rates count it.
    let page = school.get("/aftercare/defects").await.text().await.unwrap();
    assert!(
        page.contains("50,0%"),
        "one of two handed devices had a ticket: {page}"
    );
}
