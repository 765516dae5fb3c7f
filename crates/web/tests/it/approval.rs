//! The approval chain end to end through the web, as the officials use it: schools
//! upload their lists, submit; the district office returns rows with reasons and the
//! school fixes them; duplicates are decided; the office approves, the Board approves the
//! aggregate, and a list is reopened with a reason. On both engines.

use crate::common::{Client, TestApp, sample};
use domain::students::ListStatus;
use reqwest::StatusCode;
use store::students::StudentFilter;

/// Uploads a file for a school: the preview page.
async fn upload(c: &Client, school: &str, file: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(file.to_string());
    let form = c.upload_form().part("file", part);
    c.post_multipart(&format!("/students/school/{school}/import"), form)
        .await
}

/// The `action` of the first form whose action contains `needle`.
fn form_action(html: &str, needle: &str) -> String {
    html.match_indices("action=\"")
        .map(|(i, _)| {
            html[i + 8..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
        })
        .find(|a| a.contains(needle))
        .unwrap_or_else(|| panic!("no form with {needle}"))
}

async fn import_through_the_web(app: &TestApp, user: &str, school: &str, file: &str) -> String {
    let c = app.session(user).await;
    let res = upload(&c, school, file, sample(file)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview = res.text().await.unwrap();
    let confirm = form_action(&preview, "/confirm");
    let res = c.post(&confirm, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{confirm}");
    preview
}

async fn status_of(app: &TestApp, school: &str) -> ListStatus {
    let round = app.db.store.current_round().await.unwrap().unwrap();
    let s = app.unit(school).await;
    app.db.store.list_info(round.id, s.id).await.unwrap().status
}

async fn student_id(app: &TestApp, school: &str, code: &str) -> i64 {
    app.student(school, code).await.id
}

async fn reviews(app: &TestApp, school: &str) -> Vec<(String, Option<String>)> {
    let s = app.unit(school).await;
    app.db
        .store
        .list_students(&s.path, &StudentFilter::default(), 1, 500)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| (s.review, s.return_reason))
        .collect()
}

/// Submits or approves a school's list through its confirmation page, as the buttons do.
async fn confirmed(c: &Client, school: &str, action: &str) -> reqwest::Response {
    c.post(
        &format!("/students/school/{school}/confirm?action={action}"),
        &[],
    )
    .await
}

/// Waits for the background de-duplication run of this server to finish.
async fn wait_for_dedup(c: &Client) {
    for _ in 0..200 {
        let html = c.get("/dedup").await.text().await.unwrap();
        if !html.contains("id=\"dedup-running\"") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the de-duplication run did not finish");
}

web_tests!(
    approval_end_to_end,
    one_student_at_a_time,
    already_served_needs_an_override
);

async fn approval_end_to_end(app: &TestApp) {
    // Both samples through the web upload: preview with the rejected rows, then import.
    let preview =
        import_through_the_web(app, "truong_67663001", "67663001", "h1_truong_a.xlsx").await;
    assert!(preview.contains("id=\"accepted\">68<"), "{preview}");
    assert!(preview.contains("id=\"rejected\">7<"));
    for (row, code) in crate::common::expected_rejections("h1_truong_a.xlsx") {
        assert!(
            preview.contains(&format!("data-row=\"{row}\" data-code=\"{code}\"")),
            "row {row}"
        );
    }
    let preview =
        import_through_the_web(app, "truong_kd", "67666002", "h2_truong_b_tcvn3.xlsx").await;
    assert!(preview.contains("id=\"accepted\">40<"));
    // The preview shows the first rows as they will be kept (the TCVN3 names decoded, as
    // the sample's expected.json lists them) and the rows by tier, adding up.
    let all: serde_json::Value =
        serde_json::from_str(include_str!("../../../../data/samples/expected.json")).unwrap();
    let first_rows = preview
        .split("id=\"sample\"")
        .nth(1)
        .expect("a sample of rows")
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    for name in all["b"]["names_nfc"].as_array().unwrap().iter().take(8) {
        let name = name.as_str().unwrap();
        assert!(first_rows.contains(name), "{name} in the sample");
    }
    let by_tier = preview.split("id=\"by-tier\"").nth(1).unwrap();
    let by_tier = by_tier.split("</table>").next().unwrap();
    let sum: usize = by_tier
        .split("class=\"num\">")
        .skip(1)
        .map(|c| {
            c.split('<')
                .next()
                .unwrap()
                .replace('.', "")
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum, 40, "{by_tier}");
    assert_eq!(reviews(app, "67663001").await.len(), 68);
    assert_eq!(reviews(app, "67666002").await.len(), 40);

    let school = app.session("truong_67663001").await;
    let phong = app.session("phong_663").await;
    let so = app.session("so_gddt").await;
    let board = app.session("ban_dieu_phoi").await;
    let action = "/students/school/67663001";

    // The school's submit asks first: what the list holds, then the step.
    let res = school.post(action, &[("action", "submit")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/students/school/67663001/confirm?action=submit"),
        "a bare submit goes to its confirmation"
    );
    assert_eq!(status_of(app, "67663001").await, ListStatus::Draft);
    let ask = school
        .get("/students/school/67663001/confirm?action=submit")
        .await
        .text()
        .await
        .unwrap();
    assert!(ask.contains("id=\"sum-rows\">68<"), "{ask}");
    assert!(
        ask.contains("id=\"sum-bare\">"),
        "rows without evidence shown"
    );
    // The duplicates with the other school were found as its list was imported.
    assert!(ask.contains("id=\"groups-warning\""), "{ask}");
    let res = confirmed(&school, "67663001", "submit").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, "67663001").await, ListStatus::Submitted);
    // A second click says where the list stands.
    let res = confirmed(&school, "67663001", "submit").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Đã gửi duyệt"));
    let again = upload(
        &school,
        "67663001",
        "h1_truong_a.xlsx",
        sample("h1_truong_a.xlsx"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("không thể sửa"));

    // The office cannot approve while rows share a code with another school, or are
    // probably the same child as another school's (found as the lists were imported).
    let res = confirmed(&phong, "67663001", "approve").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Còn 6 học sinh có cảnh báo"),
        "the open flags are counted: {}",
        html.split("role=\"alert\"").nth(1).unwrap_or("")
    );
    assert_eq!(status_of(app, "67663001").await, ListStatus::Submitted);

    // It returns two rows with reasons; a return without reasons is refused.
    let res = phong.post(action, &[("action", "return")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Refused, the list is shown again at its own address, with the menu and the
    // logout of every page: a refresh or the language switch opens the list.
    assert_eq!(res.url().path(), "/students/school/67663001");
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("action=\"/logout\""), "the layout is kept");
    assert!(
        html.contains("/lang/en?next=%2Fstudents%2Fschool%2F67663001"),
        "the language switch opens the list again"
    );
    let res = phong.get(action).await;
    assert_eq!(res.status(), StatusCode::OK);
    let fuzzy = student_id(app, "67663001", "6737609260").await;
    let other = student_id(app, "67663001", "6724628194").await;
    let (ka, kb) = (format!("return_{fuzzy}"), format!("return_{other}"));
    let res = phong
        .post(
            action,
            &[
                ("action", "return"),
                (ka.as_str(), "Trùng với học sinh trường Kim Đồng?"),
                (kb.as_str(), "Thiếu số giấy chứng nhận hộ nghèo"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, "67663001").await, ListStatus::Returned);
    let returned: Vec<_> = reviews(app, "67663001")
        .await
        .into_iter()
        .filter(|(r, _)| r == "returned")
        .collect();
    assert_eq!(returned.len(), 2);
    let page = school
        .get("/students/school/67663001")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Thiếu số giấy chứng nhận hộ nghèo"));

    // The school fixes a returned row; an edit made on a stale form is refused.
    let form = school
        .get(&format!("/students/{other}/edit"))
        .await
        .text()
        .await
        .unwrap();
    // The form shows what is stored, gender included (saving it unchanged keeps it).
    assert!(
        form.contains("<option value=\"nam\" selected>"),
        "the stored gender is selected"
    );
    let seen = form
        .split("name=\"seen\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let tier = form
        .split("<option value=\"")
        .filter_map(|o| o.split('"').next())
        .find(|v| v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty())
        .unwrap()
        .to_string();
    let fields = [
        ("name", "Nguyễn Anh Quân"),
        ("dob", "24/01/2011"),
        ("code", "6724628194"),
        ("gender", "nam"),
        ("tier", tier.as_str()),
        ("certificate_no", "699/GCN-UBND"),
        ("commune", "Xã Đắk Lao"),
        ("seen", seen.as_str()),
    ];
    let res = school.post(&format!("/students/{other}"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = school.post(&format!("/students/{other}"), &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("người khác sửa"));
    let res = confirmed(&school, "67663001", "submit").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        reviews(app, "67663001")
            .await
            .iter()
            .all(|(r, _)| r == "pending"),
        "resubmitted rows are pending again"
    );

    // The Department runs de-duplication and decides; the office sees the groups of
    // its district but cannot decide groups that reach into another district.
    let res = so.post("/dedup/run", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    wait_for_dedup(&so).await;
    let html = so.get("/dedup").await.text().await.unwrap();
    assert_eq!(html.matches("class=\"group\"").count(), 6, "{html}");
    let round = app.db.store.current_round().await.unwrap().unwrap();
    let province = app.unit("67").await;
    let groups = app
        .db
        .store
        .dedup_groups(&province.path, round.id, 1, 50)
        .await
        .unwrap();
    let phong_view = phong.get("/dedup").await.text().await.unwrap();
    assert!(phong_view.contains("Nhóm có hồ sơ ngoài phạm vi của bạn"));
    assert!(
        !phong_view.contains("67666002"),
        "no child of another district"
    );
    let g0 = groups.items[0].id.to_string();
    let res = phong
        .post(&format!("/dedup/{g0}"), &[("decision", "different")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for g in &groups.items {
        let keep = g
            .members
            .iter()
            .find(|s| s.school_code == "67663001")
            .unwrap()
            .id
            .to_string();
        let res = so
            .post(
                &format!("/dedup/{}", g.id),
                &[("decision", "same"), ("keep", keep.as_str())],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let b = reviews(app, "67666002").await;
    assert_eq!(b.iter().filter(|(r, _)| r == "withdrawn").count(), 6);
    let html = so.get("/dedup").await.text().await.unwrap();
    assert_eq!(html.matches("class=\"group\"").count(), 0);

    // Now the office approves; the list is locked.
    let res = confirmed(&phong, "67663001", "approve").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, "67663001").await, ListStatus::Approved);
    assert!(
        reviews(app, "67663001")
            .await
            .iter()
            .all(|(r, _)| r == "approved")
    );
    let res = school.post(&format!("/students/{other}"), &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = confirmed(&school, "67663001", "submit").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The Board sees what it is about to approve, and approves the lists it chose; a
    // second click says nothing was left.
    let ask = board
        .get("/students/board-approve")
        .await
        .text()
        .await
        .unwrap();
    assert!(ask.contains("id=\"sum-lists\">1<"), "{ask}");
    assert!(ask.contains("data-school=\"67663001\""));
    let id = app.unit("67663001").await.id.to_string();
    let res = board
        .post("/students/board-approve", &[("school", id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, "67663001").await, ListStatus::BoardApproved);
    let res = board
        .post("/students/board-approve", &[("school", id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Không còn danh sách nào chờ phê duyệt")
    );
    let res = phong
        .post(action, &[("action", "reopen"), ("note", "Sai sót")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Reopening needs a reason; then the school may change its list again.
    let res = so
        .post(action, &[("action", "reopen"), ("note", "Sai sót")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "only the Board reopens now"
    );
    let res = board
        .post(action, &[("action", "reopen"), ("note", "  ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(app, "67663001").await, ListStatus::BoardApproved);
    let res = board
        .post(
            action,
            &[
                ("action", "reopen"),
                ("note", "Bổ sung học sinh mồ côi do Covid-19"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, "67663001").await, ListStatus::Draft);
    assert!(
        reviews(app, "67663001")
            .await
            .iter()
            .all(|(r, _)| r == "pending")
    );

    // Every step is in the audit trail; the reasons for returned rows sit beside the
    // chain, and no child's name is in it.
    let entries = app
        .db
        .store
        .audit_entries(None, 50, Some(domain::audit::Entity::NominationList))
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "submit",
            "return",
            "submit",
            "approve",
            "board_approve",
            "reopen"
        ]
    );
    let returned = entries.iter().find(|e| e.action == "return").unwrap();
    let personal = app
        .db
        .store
        .audit_personal(returned.seq)
        .await
        .unwrap()
        .unwrap();
    assert!(personal.contains("Thiếu số giấy chứng nhận hộ nghèo"));
    assert!(!returned.changes.as_deref().unwrap().contains("Thiếu số"));
    let reopened = entries.iter().find(|e| e.action == "reopen").unwrap();
    assert!(reopened.changes.as_deref().unwrap().contains("Bổ sung"));
    assert!(app.db.store.verify_audit(|_, _| {}).await.unwrap().ok());

    // The list exports in the official shape and reads back.
    let res = phong.get("/students/school/67663001/export.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let summary = sheets::students::read_student_list(
        std::io::Cursor::new(bytes),
        &sheets::reader::Limits::default(),
        |_, _| std::ops::ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(summary.data_rows, 68);
    let res = phong.get("/students/export.xlsx").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the district's lists in one file"
    );
}

async fn one_student_at_a_time(app: &TestApp) {
    let school = app.session("truong_67663001").await;
    let form = school
        .get("/students/school/67663001/new")
        .await
        .text()
        .await
        .unwrap();
    let tier = form
        .split("<option value=\"")
        .filter_map(|o| o.split('"').next())
        .find(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_string();

    // Every problem next to its field, nothing written.
    let res = school
        .post(
            "/students/school/67663001/new",
            &[
                ("name", ""),
                ("dob", "31/02/2010"),
                ("code", "123"),
                ("tier", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for f in ["name-error", "dob-error", "code-error", "tier-error"] {
        assert!(html.contains(&format!("id=\"{f}\"")), "{f}");
    }
    assert!(
        html.contains("value=\"31/02/2010\""),
        "the form comes back as typed"
    );
    assert!(reviews(app, "67663001").await.is_empty());

    // A name typed in NFD is stored in NFC.
    let nfd = "Nguye\u{302}\u{303}n Thi\u{323} A\u{301}nh";
    let fields = [
        ("name", nfd),
        ("dob", "9.3.2010"),
        ("code", "6799999901"),
        ("gender", "female"),
        ("tier", tier.as_str()),
        ("commune", "Xã Đắk Lao"),
    ];
    let res = school.post("/students/school/67663001/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let page = school.get(&to).await.text().await.unwrap();
    assert!(page.contains("Nguyễn Thị Ánh"));
    assert!(page.contains("09/03/2010"));
    let res = school.post("/students/school/67663001/new", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("đã có học sinh 6799999901")
    );

    // Evidence: checked by content, stored with its SHA-256, served back unchanged.
    let png = {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        b.extend_from_slice(&[0u8; 64]);
        b
    };
    let evidence_path = format!("/students/{id}/evidence");
    let post_file = |name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        let form = school.upload_form().part("file", part);
        school.post_multipart(&evidence_path, form)
    };
    let res = post_file("giay-chung-nhan.png", png.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_file("anh.jpg", b"just text pretending".to_vec()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("phải là ảnh"));
    let res = post_file("big.pdf", {
        let mut b = b"%PDF-1.7\n".to_vec();
        b.resize(10 * 1024 * 1024 + 1, b' ');
        b
    })
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let files = app.db.store.evidence_files(id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha256, domain::digest::sha256_hex(&png));
    assert_eq!(files[0].content_type, "image/png");
    let page = school.get(&to).await.text().await.unwrap();
    assert!(page.contains(&files[0].sha256));
    assert!(
        page.contains("id=\"review\">Chưa gửi duyệt<"),
        "a row of a list not sent yet waits for nobody"
    );
    let res = school
        .get(&format!("/students/{id}/evidence/{}", files[0].id))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);
    // Another school's official cannot see it.
    let other = app.session("truong_kd").await;
    let res = other
        .get(&format!("/students/{id}/evidence/{}", files[0].id))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A wrong file can be taken off before the list is sent on: with a reason, audited
    // by name and SHA-256; another school cannot, and no reason is no removal.
    let second = {
        let mut b = png.clone();
        b.push(1);
        b
    };
    assert_eq!(
        post_file("nham.png", second.clone()).await.status(),
        StatusCode::SEE_OTHER
    );
    let files = app.db.store.evidence_files(id).await.unwrap();
    let wrong = files
        .iter()
        .find(|f| f.file_name == "nham.png")
        .unwrap()
        .id
        .to_string();
    let remove = format!("/students/{id}/remove-evidence");
    let res = other
        .post(&remove, &[("evidence", wrong.as_str()), ("reason", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = school
        .post(&remove, &[("evidence", wrong.as_str()), ("reason", " ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.db.store.evidence_files(id).await.unwrap().len(), 2);
    let res = school
        .post(
            &remove,
            &[("evidence", wrong.as_str()), ("reason", "Nhầm học sinh")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let files = app.db.store.evidence_files(id).await.unwrap();
    assert_eq!(files.len(), 1, "the right file stays");
    let removed = app
        .db
        .store
        .audit_entries(None, 5, Some(domain::audit::Entity::Document))
        .await
        .unwrap();
    assert_eq!(removed[0].action, "remove");
    assert!(
        removed[0].summary.contains("nham.png") && removed[0].summary.contains("Nhầm học sinh")
    );
    assert!(
        removed[0]
            .changes
            .as_deref()
            .unwrap_or("")
            .contains(&domain::digest::sha256_hex(&second))
    );

    // Taking a student off the list needs a reason.
    let res = school
        .post(&format!("/students/{id}/withdraw"), &[("reason", " ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = school
        .post(
            &format!("/students/{id}/withdraw"),
            &[("reason", "Chuyển trường")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(reviews(app, "67663001").await[0].0, "withdrawn");
    let entries = app
        .db
        .store
        .audit_entries(None, 10, Some(domain::audit::Entity::Student))
        .await
        .unwrap();
    assert_eq!(entries[0].action, "withdraw");
    assert!(!entries.iter().any(|e| e.summary.contains("Ánh")));
}

async fn already_served_needs_an_override(app: &TestApp) {
    use time::macros::date;
    let sys = store::AuditActor::system("test");
    // A student served in the 2022 round is nominated again in a 2023 campaign.
    import_through_the_web(app, "truong_67663001", "67663001", "h1_truong_a.xlsx").await;
    let served = student_id(app, "67663001", "6716613186").await;
    app.db.store.record_served(&sys, &[served]).await.unwrap();
    let (_, round2) = app
        .db
        .store
        .create_program(
            &sys,
            "SMTCE-2023",
            "Sóng và máy tính cho em 2023",
            date!(2023 - 01 - 01),
            date!(2023 - 12 - 31),
            &domain::students::programs::tiers_2022(),
            (
                "Đợt 1 năm 2023",
                date!(2023 - 02 - 01),
                date!(2023 - 03 - 31),
            ),
        )
        .await
        .unwrap();
    let school = app.unit("67663001").await;
    let req = web::students::imports::ImportRequest {
        school: &school,
        round_id: Some(round2),
        file_name: "h1_truong_a.xlsx",
        sha256: String::new(),
        dry_run: false,
        read_first: false,
        lang: domain::Lang::Vi,
    };
    let (_, out) = web::students::imports::import_students(
        &app.db.store,
        &sys,
        &req,
        std::io::Cursor::new(sample("h1_truong_a.xlsx")),
    )
    .await
    .unwrap();
    assert_eq!(out.already_served, 1);
    assert_eq!(
        out.duplicate_codes, 0,
        "one school, one round: no duplicates"
    );

    let truong = app.session("truong_67663001").await;
    let phong = app.session("phong_663").await;
    let submit = format!("/students/school/67663001/confirm?action=submit&round={round2}");
    let approve = format!("/students/school/67663001/confirm?action=approve&round={round2}");
    assert_eq!(
        truong.post(&submit, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = phong.post(&approve, &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Còn 1 học sinh có cảnh báo")
    );

    // The override: a reason, audited. Then the list can be approved.
    let again = app
        .db
        .store
        .list_students(
            &school.path,
            &StudentFilter {
                round_id: Some(round2),
                flag: Some("already_served".into()),
                ..Default::default()
            },
            1,
            10,
        )
        .await
        .unwrap();
    assert_eq!(again.items.len(), 1);
    let id = again.items[0].id;
    let page = phong
        .get(&format!("/students/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Đã nhận máy"));
    let path = format!("/students/{id}/flags/already_served/resolve");
    let res = phong.post(&path, &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = phong
        .post(
            &path,
            &[(
                "reason",
                "Máy nhận năm 2022 bị hỏng không sửa được, có biên bản",
            )],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let entry = &app
        .db
        .store
        .audit_entries(None, 1, Some(domain::audit::Entity::StudentFlag))
        .await
        .unwrap()[0];
    assert_eq!(entry.actor, "phong_663");
    let why = app
        .db
        .store
        .audit_personal(entry.seq)
        .await
        .unwrap()
        .unwrap();
    assert!(why.contains("bị hỏng"));
    assert_eq!(
        phong.post(&approve, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
}
