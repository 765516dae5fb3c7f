//! Allocation in the browser's terms: the Board drafts a run from the form, the run's page
//! shows each unit's share and its arithmetic, a district office reads it but cannot act,
//! approval refuses a missing or reused decision number in words, and execution needs
//! its confirmation ticked.

use crate::common::TestApp;
use reqwest::StatusCode;

web_tests!(the_board_drafts_approves_and_executes_a_run);

async fn the_board_drafts_approves_and_executes_a_run(app: &TestApp) {
    let store = &app.db.store;
    // One list left open: the draft is refused and names the school.
    let round = store::testing::lists_in_open_round(store, 9, Some("67666002")).await;
    store::testing::stock_devices(store, domain::devices::DeviceKind::Tablet, "Tab", "TAB", 7)
        .await;
    store::testing::stock_devices(
        store,
        domain::devices::DeviceKind::Laptop,
        "Vostro",
        "LAP",
        8,
    )
    .await;
    let board = app.session("ban_dieu_phoi").await;
    let page = board.get("/allocation").await.text().await.unwrap();
    assert!(page.contains("Chưa có lượt phân bổ nào."), "{page}");
    let r = round.to_string();
    let res = board.post("/allocation", &[("round", r.as_str())]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(body.contains("Trường Tiểu học Kim Đồng"), "{body}");
    assert!(
        body.contains("id=\"draft-form\""),
        "the form is still there"
    );

    let school = store.unit_by_code("67666002").await.unwrap().unwrap();
    store
        .list_action(
            &store::testing::system(),
            domain::users::Role::BanDieuPhoi,
            round,
            school.id,
            store::students::lists::ListStep::plain(
                domain::students::approval::ListAction::BoardApprove,
            ),
        )
        .await
        .unwrap();
    let res = board.post("/allocation", &[("round", r.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/allocation/1");
    let page = board.get(&to).await.text().await.unwrap();
    assert!(
        page.contains("Được công bố khi phê duyệt."),
        "the seed hidden"
    );
    // Đắk Mil: 6 of tier (i) + 3 × 6 / 12 of tier (ii) = 7,5.
    assert!(page.contains("6 + 3 × 6 / 12 = 7,5000"), "{page}");
    assert!(page.contains("id=\"approve-run\""));
    // The list of runs says a draft has no decision yet, in words (a phone shows the
    // cell's label beside it).
    let list = board.get("/allocation").await.text().await.unwrap();
    assert!(
        list.contains("data-label=\"Quyết định\">Chưa phê duyệt</td>"),
        "{list}"
    );

    // A second draft (another seed) is compared with the first: the same devices, so as
    // many gain as lose; the district office sees the units, not the children.
    let res = board.post("/allocation", &[("round", r.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let second = board.get("/allocation/2").await.text().await.unwrap();
    assert!(
        second.contains("So với lượt số <a href=\"/allocation/1\">1</a>"),
        "{second}"
    );
    let gains = second
        .split("id=\"cmp-gains\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let losses = second
        .split("id=\"cmp-losses\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert_eq!(gains, losses);
    if gains != "0" {
        assert!(second.contains("id=\"cmp-students\""));
        let seen = app
            .session("ubnd_tinh")
            .await
            .get("/allocation/2")
            .await
            .text()
            .await
            .unwrap();
        assert!(seen.contains("id=\"cmp-gains\"") && !seen.contains("id=\"cmp-students\""));
    }
    assert_eq!(
        board.post("/allocation/2/discard", &[]).await.status(),
        StatusCode::SEE_OTHER
    );

    // A district office reads the shares, without the Board's buttons, and cannot post.
    let phong = app.session("phong_663").await;
    let seen = phong.get("/allocation/1").await.text().await.unwrap();
    assert!(seen.contains("7,5000") && !seen.contains("id=\"approve-run\""));
    let res = phong
        .post(
            "/allocation/1/approve",
            &[("decision_no", "1/QĐ"), ("decision_date", "15/08/2022")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A school sees nothing of it.
    let school = app.session("truong_67663001").await;
    assert_eq!(
        school.get("/allocation/1").await.status(),
        StatusCode::FORBIDDEN
    );

    // Approval: the number is required, the date must be a date.
    let res = board
        .post(
            "/allocation/1/approve",
            &[("decision_no", " "), ("decision_date", "15/08/2022")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Cần ghi số quyết định"));
    let res = board
        .post(
            "/allocation/1/approve",
            &[
                ("decision_no", "123/QĐ-SGDĐT"),
                ("decision_date", "31/02/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("Ngày quyết định chưa đúng"), "{body}");
    assert!(body.contains("value=\"123"), "the number typed is kept");
    let res = board
        .post(
            "/allocation/1/approve",
            &[
                ("decision_no", "123/QĐ-SGDĐT"),
                ("decision_date", "15/08/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = board.get("/allocation/1").await.text().await.unwrap();
    assert!(
        page.contains("Quyết định 123/QĐ-SGDĐT (15/08/2022)"),
        "{page}"
    );
    assert!(
        !page.contains("Được công bố khi phê duyệt."),
        "the seed shown"
    );
    // Another draft cannot reuse the number.
    let res = board.post("/allocation", &[("round", r.as_str())]).await;
    assert_eq!(res.headers()["location"], "/allocation/3");
    let res = board
        .post(
            "/allocation/3/approve",
            &[
                ("decision_no", "123/QĐ-SGDĐT"),
                ("decision_date", "16/08/2022"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("đã được dùng cho một lượt phân bổ khác")
    );

    // Execution needs its box ticked; then the devices are reserved.
    let res = board.post("/allocation/1/execute", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Hãy đánh dấu ô xác nhận")
    );
    let res = board
        .post("/allocation/1/execute", &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = board.get("/allocation/1").await.text().await.unwrap();
    assert!(page.contains("Đã thực hiện"), "{page}");
    let counts = store.device_counts().await.unwrap();
    assert_eq!(
        counts.get(&domain::devices::DeviceState::Allocated),
        Some(&15)
    );
    // Each student's page says why, in words: the device and the rule, or the place in
    // the queue and how many devices the unit still needs.
    let lines = store.allocation_lines(1, None).await.unwrap();
    let served = lines.iter().find(|l| l.device.is_some()).unwrap();
    let page = board
        .get(&format!("/students/{}", served.student_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("số sê-ri {}", served.device.as_deref().unwrap())),
        "{page}"
    );
    assert!(page.contains("máy đã được giữ"));
    let waiting = lines.iter().find(|l| l.device.is_none()).unwrap();
    let page = phong
        .get(&format!("/students/{}", waiting.student_id))
        .await;
    let page = if waiting.unit == "663" {
        page.text().await.unwrap()
    } else {
        board
            .get(&format!("/students/{}", waiting.student_id))
            .await
            .text()
            .await
            .unwrap()
    };
    // Waiting in the executed run; the approved second draft may give them a device yet.
    assert!(
        page.contains("Đang chờ: đứng thứ")
            || page.contains("sẽ được giữ khi lượt phân bổ được thực hiện"),
        "{page}"
    );
    // Executing again is refused in words.
    let res = board
        .post("/allocation/1/execute", &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}
