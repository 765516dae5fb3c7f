//! Handover through the pages, as each official meets it (both engines): the Board lists a
//! district's share by scanning (a stray serial is refused by line, the scanner's check
//! says why); the district office signs for it with a drawn signature (an empty pad or a
//! missing name is refused, and the form keeps what was typed); another district cannot
//! see it; the office hands a school its share; the school hands a student their device
//! with the guardian's signature (a missing guardian, a bad identity number, an empty pad,
//! and the same student twice are refused); the leadership sees the minutes without the
//! child; the school's CSDL ngành sheet comes back with a bad mark refused whole, then
//! marked.

use crate::common::{Client, TestApp};
use domain::devices::Holder;
use reqwest::StatusCode;
use std::io::Cursor;

web_tests!(down_the_chain_through_the_pages);

const SIGNED: &str =
    r#"{"w":320,"h":160,"strokes":[[[30,110],[60,40],[90,120],[120,50]],[[170,60],[280,95]]]}"#;

fn signed_form(c: &Client, fields: &[(&str, &str)]) -> reqwest::multipart::Form {
    let mut f = c.upload_form();
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    f
}

async fn location(res: reqwest::Response) -> String {
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn down_the_chain_through_the_pages(app: &TestApp) {
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;
    let office = app.unit("67663001").await.parent_id.unwrap();
    let school = app.unit("67663001").await.id;
    let other_office = app.unit("67666002").await.parent_id.unwrap();

    // The Board: its page lists what each unit waits for; the scanning page, prefilled.
    let board = app.session("ban_dieu_phoi").await;
    let page = board.get("/handover").await.text().await.unwrap();
    assert!(page.contains(&format!("data-unit=\"{office}\"")), "{page}");
    let page = board
        .get(&format!("/handover/new?to={office}&all=1"))
        .await
        .text()
        .await
        .unwrap();
    let share: Vec<String> = store
        .packing_list(Holder::Board, office)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.serial)
        .collect();
    assert!(
        page.contains(&share.join("\n")),
        "prefilled with the packing list"
    );
    let foreign = store
        .packing_list(Holder::Board, other_office)
        .await
        .unwrap()[0]
        .serial
        .clone();
    // The scanner's check says why a serial does not belong.
    let check: serde_json::Value = board
        .get(&format!("/handover/check?to={office}&serial={foreign}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check["refused"], true);
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("Phòng Giáo dục và Đào tạo"),
        "{check}"
    );
    let ok: serde_json::Value = board
        .get(&format!("/handover/check?to={office}&serial={}", share[0]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ok["refused"], false);
    // A stray serial refuses the list, naming its line; nothing is written.
    let with_foreign = format!("{}\n{foreign}", share.join("\n"));
    let to = office.to_string();
    let res = board
        .post(
            "/handover",
            &[("to", to.as_str()), ("serials", with_foreign.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("Dòng {}", share.len() + 1)),
        "{body}"
    );
    assert!(body.contains(&foreign), "the typed list is kept");
    let all = share.join("\n");
    let minutes = location(
        board
            .post(
                "/handover",
                &[("to", to.as_str()), ("serials", all.as_str())],
            )
            .await,
    )
    .await;

    let pdf = board.get(&format!("{minutes}/pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // Another district cannot see the minutes; the appraising department has no page.
    store::testing::add_user(store, "phong_666", domain::users::Role::PhongGddt, "666").await;
    let outsider = app.session("phong_666").await;
    assert_eq!(outsider.get(&minutes).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.session("so_tttt").await.get("/handover").await.status(),
        StatusCode::FORBIDDEN
    );

    // The district office signs for it.
    let phong = app.session("phong_663").await;
    let page = phong.get(&minutes).await.text().await.unwrap();
    assert!(page.contains("id=\"confirm-form\""), "the receiver's form");
    assert!(page.contains("signature_pad-5.1.4.umd.min.js"));
    let confirm = format!("{minutes}/confirm");
    let res = phong
        .post_multipart(
            &confirm,
            signed_form(
                &phong,
                &[
                    ("all_arrived", "1"),
                    ("signer_name", "Trần Thị Bình"),
                    ("signature", ""),
                ],
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("Chưa có chữ ký"), "{body}");
    assert!(body.contains("value=\"Trần Thị Bình\""), "the name is kept");
    let res = phong
        .post_multipart(
            &confirm,
            signed_form(
                &phong,
                &[
                    ("all_arrived", "1"),
                    ("signer_name", " "),
                    ("signature", SIGNED),
                ],
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Cần ghi họ và tên người nhận")
    );
    // A scan that is not a PDF or a photo.
    let res = phong
        .post_multipart(
            &confirm,
            signed_form(
                &phong,
                &[("all_arrived", "1"), ("signer_name", "Trần Thị Bình")],
            )
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"<html><script>alert(1)</script>".to_vec())
                    .file_name("x.html"),
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    location(
        phong
            .post_multipart(
                &confirm,
                signed_form(
                    &phong,
                    &[
                        ("all_arrived", "1"),
                        ("signer_name", "Trần Thị Bình"),
                        ("signer_position", "Phó Trưởng phòng"),
                        ("signature", SIGNED),
                    ],
                ),
            )
            .await,
    )
    .await;
    let page = phong.get(&minutes).await.text().await.unwrap();
    assert!(
        page.contains("Đã ký nhận") && page.contains("Trần Thị Bình"),
        "{page}"
    );
    let png = phong.get(&format!("{minutes}/signature.png")).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    let svg = phong
        .get(&format!("{minutes}/signature.svg"))
        .await
        .text()
        .await
        .unwrap();
    assert!(svg.starts_with("<svg") && !svg.contains("script"));
    // Signed twice: told it is signed.
    let res = phong
        .post_multipart(
            &confirm,
            signed_form(
                &phong,
                &[
                    ("all_arrived", "1"),
                    ("signer_name", "Trần Thị Bình"),
                    ("signature", SIGNED),
                ],
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // The office hands the school its share; the school signs.
    let share: Vec<String> = store
        .packing_list(Holder::Unit(office), school)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.serial)
        .collect();
    let to = school.to_string();
    let all = share.join("\n");
    let to_school = location(
        phong
            .post(
                "/handover",
                &[("to", to.as_str()), ("serials", all.as_str())],
            )
            .await,
    )
    .await;
    let truong = app.session("truong_67663001").await;
    location(
        truong
            .post_multipart(
                &format!("{to_school}/confirm"),
                signed_form(
                    &truong,
                    &[
                        ("serials", all.as_str()),
                        ("signer_name", "Lê Văn Cường"),
                        ("signature", SIGNED),
                    ],
                ),
            )
            .await,
    )
    .await;

    // The school hands a student their device.
    let page = truong.get("/handover/students").await.text().await.unwrap();
    let ready = store.students_to_hand(school).await.unwrap().remove(0);
    assert!(
        page.contains(&format!("/handover/students/{}", ready.student_id)),
        "{page}"
    );
    let path = format!("/handover/students/{}", ready.student_id);
    let page = truong.get(&path).await.text().await.unwrap();
    assert!(
        page.contains(&ready.serial),
        "the student's own device is named"
    );
    for (fields, says) in [
        (
            vec![
                ("serial", ready.serial.as_str()),
                ("guardian", ""),
                ("relation", "mother"),
                ("signature", SIGNED),
            ],
            "Cần ghi họ và tên",
        ),
        (
            vec![
                ("serial", ready.serial.as_str()),
                ("guardian", "Hà Thị Lan"),
                ("relation", "aunt"),
                ("signature", SIGNED),
            ],
            "quan hệ",
        ),
        (
            vec![
                ("serial", ready.serial.as_str()),
                ("guardian", "Hà Thị Lan"),
                ("relation", "mother"),
                ("id_number", "12345"),
                ("signature", SIGNED),
            ],
            "12 chữ số",
        ),
        (
            vec![
                ("serial", ready.serial.as_str()),
                ("guardian", "Hà Thị Lan"),
                ("relation", "mother"),
                ("signature", ""),
            ],
            "Chưa có chữ ký",
        ),
        (
            vec![
                ("serial", ready.serial.as_str()),
                ("guardian", "Hà Thị Lan"),
                ("relation", "mother"),
                ("sim_number", "0123"),
                ("signature", SIGNED),
            ],
            "Số thuê bao",
        ),
    ] {
        let res = truong
            .post_multipart(&path, signed_form(&truong, &fields))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        let body = res.text().await.unwrap();
        assert!(body.contains(says), "{says}: {body}");
    }
    assert_eq!(
        store.device_of_student(ready.student_id).await.unwrap(),
        None,
        "nothing written"
    );
    let given = location(
        truong
            .post_multipart(
                &path,
                signed_form(
                    &truong,
                    &[
                        ("serial", ready.serial.as_str()),
                        ("guardian", "Hà Thị Lan"),
                        ("relation", "mother"),
                        ("id_number", "067 188 001 234"),
                        ("sim_carrier", "Viettel"),
                        ("sim_number", "0912345678"),
                        ("signature", SIGNED),
                    ],
                ),
            )
            .await,
    )
    .await;
    let page = truong.get(&given).await.text().await.unwrap();
    assert!(
        page.contains("0912345678"),
        "the school sees the SIM's number"
    );
    assert!(page.contains("Hà Thị Lan"));
    // The same student again: the page shows the return form, and a second handover is refused.
    let res = truong
        .post_multipart(
            &path,
            signed_form(
                &truong,
                &[
                    ("serial", ready.serial.as_str()),
                    ("guardian", "Hà Thị Lan"),
                    ("relation", "mother"),
                    ("signature", SIGNED),
                ],
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("đã nhận thiết bị"));
    // The district office sees the SIM masked; the leadership sees the minutes, not the child.
    let page = phong.get(&given).await.text().await.unwrap();
    assert!(
        page.contains("•••••••678") && !page.contains("0912345678"),
        "{page}"
    );
    let leader = app.session("ubnd_tinh").await;
    let page = leader.get(&given).await.text().await.unwrap();
    assert!(
        !page.contains("Hà Thị Lan") && !page.contains(&ready.full_name),
        "{page}"
    );
    assert_eq!(
        leader.get(&format!("{given}/pdf")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        leader.get(&format!("{given}/signature.png")).await.status(),
        StatusCode::NOT_FOUND
    );

    // CSDL ngành: the sheet, then sent back with a bad mark (refused whole), then marked.
    let sheet = truong
        .get("/handover/csdl.xlsx")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let columns = domain::handover::csdl::Columns::default_set();
    let mut rows = Vec::new();
    sheets::reader::for_each_row(Cursor::new(&sheet), &Default::default(), |_, cells| {
        rows.push(cells.iter().map(|c| c.text()).collect::<Vec<_>>());
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(rows.len(), 2, "the header and the one device handed");
    assert_eq!(rows[1][3], ready.serial);
    let csv_bad = format!("Số sê-ri,Đã nhập CSDL ngành\n{},có lẽ\n", ready.serial);
    let res = truong
        .post_multipart(
            "/handover/csdl/upload",
            truong.upload_form().part(
                "file",
                reqwest::multipart::Part::bytes(csv_bad.into_bytes()).file_name("csdl.csv"),
            ),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Dòng 2"));
    let root = app.unit("67").await.path;
    assert_eq!(
        store.handed_counts(&root).await.unwrap(),
        (1, 1),
        "nothing marked"
    );
    let good = sheets::csdl::write_csdl(
        &columns,
        &[sheets::csdl::CsdlLine {
            serial: ready.serial.clone(),
            entered: true,
            ..Default::default()
        }],
    )
    .unwrap();
    let res = truong
        .post_multipart(
            "/handover/csdl/upload",
            truong.upload_form().part(
                "file",
                reqwest::multipart::Part::bytes(good).file_name("csdl.xlsx"),
            ),
        )
        .await;
    assert_eq!(location(res).await, "/handover/csdl");
    assert_eq!(store.handed_counts(&root).await.unwrap(), (1, 0));
    // The dashboard's figure follows.
    let dash = app
        .session("so_gddt")
        .await
        .get("/")
        .await
        .text()
        .await
        .unwrap();
    assert!(dash.contains("thiết bị đã bàn giao cho học sinh"), "{dash}");
}
