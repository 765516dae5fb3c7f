//! Importing schools' lists, on both engines.

use crate::common::{TestApp, sample};
use domain::Lang;
use std::io::Cursor;
use store::AuditActor;
use store::students::StudentFilter;
use web::imports::ImportError;
use web::students::imports::{ImportRequest, import_students};

async fn import(
    app: &TestApp,
    school: &str,
    file: &str,
    dry_run: bool,
) -> Result<
    (
        web::students::imports::StudentReport,
        store::students::ImportOutcome,
    ),
    ImportError,
> {
    let unit = app.unit(school).await;
    let bytes = sample(file);
    let sha = domain::digest::sha256_hex(&bytes);
    let req = ImportRequest {
        school: &unit,
        round_id: None,
        file_name: file,
        sha256: sha,
        dry_run,
        read_first: false,
        lang: Lang::Vi,
    };
    import_students(
        &app.db.store,
        &AuditActor::system("test"),
        &req,
        Cursor::new(bytes),
    )
    .await
}

web_tests!(
    samples_import_exactly,
    reimport_changes_nothing,
    reimport_counts_new_changed_and_unchanged,
    dry_run_writes_nothing,
    bad_files_write_nothing,
    a_failing_reader_writes_nothing
);

async fn samples_import_exactly(app: &TestApp) {
    let (a, out) = import(app, "67663001", "h1_truong_a.xlsx", false)
        .await
        .unwrap();
    assert_eq!(
        (a.header_row, a.data_rows, a.imported, a.rejected),
        (7, 75, 68, 7)
    );
    let codes: Vec<(usize, String)> = a.errors.iter().map(|e| (e.row, e.code.clone())).collect();
    assert_eq!(
        codes,
        crate::common::expected_rejections("h1_truong_a.xlsx")
    );
    assert_eq!(out.written, 68);
    let (b, out) = import(app, "67666002", "h2_truong_b_tcvn3.xlsx", false)
        .await
        .unwrap();
    assert_eq!((b.header_row, b.imported, b.rejected), (5, 40, 0));
    assert_eq!(
        out.duplicate_codes, 5,
        "the five students both schools listed"
    );

    // Names are stored in NFC, whatever the file's encoding.
    let province = app.unit("67").await;
    let all = app
        .db
        .store
        .list_students(&province.path, &StudentFilter::default(), 1, 500)
        .await
        .unwrap();
    assert_eq!(all.total, 108);
    use unicode_normalization::UnicodeNormalization;
    assert!(
        all.items
            .iter()
            .all(|s| s.full_name.nfc().collect::<String>() == s.full_name)
    );
    let b_names: Vec<&str> = all
        .items
        .iter()
        .filter(|s| s.school_code == "67666002")
        .map(|s| s.full_name.as_str())
        .collect();
    assert!(
        b_names.contains(&"Nguyễn Thị Ánh") && b_names.contains(&"Điểu K'Thuận"),
        "{b_names:?}"
    );
    let flagged = app
        .db
        .store
        .list_students(
            &province.path,
            &StudentFilter {
                flag: Some("duplicate_code".into()),
                ..Default::default()
            },
            1,
            100,
        )
        .await
        .unwrap();
    let mut codes: Vec<&str> = flagged
        .items
        .iter()
        .filter_map(|s| s.student_code.as_deref())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        vec![
            "6716613186",
            "6767612220",
            "6776544446",
            "6776842684",
            "6783478245"
        ]
    );
    assert_eq!(flagged.total, 10, "both schools' rows are flagged");

    // A school sees its own; the audit entry names the file, not a child.
    let entries = app
        .db
        .store
        .audit_entries(None, 5, Some(domain::audit::Entity::StudentImport))
        .await
        .unwrap();
    assert!(entries[0].summary.contains("h2_truong_b_tcvn3.xlsx"));
    assert!(
        !entries[0]
            .changes
            .as_deref()
            .unwrap_or("")
            .contains("Nguyễn")
    );
}

async fn reimport_changes_nothing(app: &TestApp) {
    import(app, "67663001", "h1_truong_a.xlsx", false)
        .await
        .unwrap();
    let head = app.db.store.audit_head().await.unwrap().0;
    let (r, out) = import(app, "67663001", "h1_truong_a.xlsx", false)
        .await
        .unwrap();
    assert_eq!(r.imported, 68);
    assert_eq!((out.written, out.unchanged), (0, 68));
    assert_eq!(
        app.db.store.audit_head().await.unwrap().0,
        head + 1,
        "only the import's own entry"
    );
    let school = app.unit("67663001").await;
    let list = app
        .db
        .store
        .list_students(&school.path, &StudentFilter::default(), 1, 500)
        .await
        .unwrap();
    assert_eq!(list.total, 68);
}

/// A re-import says which rows are new to the list, which change a stored row and
/// which are already stored so, in the preview and the import alike.
async fn reimport_counts_new_changed_and_unchanged(app: &TestApp) {
    let unit = app.unit("67663001").await;
    let run = |csv: &'static str, dry_run: bool| {
        let unit = unit.clone();
        async move {
            let req = ImportRequest {
                school: &unit,
                round_id: None,
                file_name: "ds.csv",
                sha256: String::new(),
                dry_run,
                read_first: false,
                lang: Lang::Vi,
            };
            import_students(
                &app.db.store,
                &AuditActor::system("test"),
                &req,
                Cursor::new(csv.as_bytes().to_vec()),
            )
            .await
            .unwrap()
            .1
        }
    };
    let first = "STT,Họ và tên,Ngày sinh,Đối tượng\n1,Nguyễn Văn An,01/02/2010,HN\n2,Trần Thị Bình,03/04/2011,HCN\n3,Lê Minh Châu,05/06/2012,HN\n";
    let out = run(first, false).await;
    assert_eq!((out.written, out.inserted, out.unchanged), (3, 3, 0));
    // Row 2's tier changes, row 3 is as stored, row 4 is new.
    let second = "STT,Họ và tên,Ngày sinh,Đối tượng\n1,Nguyễn Văn An,01/02/2010,HN\n2,Trần Thị Bình,03/04/2011,HN\n3,Lê Minh Châu,05/06/2012,HN\n4,Phạm Quốc Dũng,07/08/2013,HCN\n";
    for dry_run in [true, false] {
        let out = run(second, dry_run).await;
        assert_eq!(
            (out.inserted, out.written - out.inserted, out.unchanged),
            (1, 1, 2),
            "dry run {dry_run}: one new, one changed, two unchanged"
        );
    }
    let out = run(second, false).await;
    assert_eq!((out.written, out.inserted, out.unchanged), (0, 0, 4));
}

async fn dry_run_writes_nothing(app: &TestApp) {
    let head = app.db.store.audit_head().await.unwrap();
    let (r, out) = import(app, "67663001", "h1_truong_a.xlsx", true)
        .await
        .unwrap();
    assert_eq!((r.imported, out.written), (68, 68));
    let province = app.unit("67").await;
    assert_eq!(
        app.db
            .store
            .list_students(&province.path, &StudentFilter::default(), 1, 10)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(app.db.store.audit_head().await.unwrap(), head);
}

async fn bad_files_write_nothing(app: &TestApp) {
    let unit = app.unit("67663001").await;
    let head = app.db.store.audit_head().await.unwrap();
    let fixture = |name: &str| {
        std::fs::read(format!(
            "{}/../sheets/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("password", fixture("password.xlsx"), "password_protected"),
        ("zip bomb", fixture("zip_bomb.xlsx"), "zip_bomb"),
        (
            "ten million rows",
            fixture("ten_million_rows.xlsx"),
            "too_many_rows",
        ),
        (
            "ten megabytes in a cell",
            fixture("ten_megabyte_cell.xlsx"),
            "cell_too_long",
        ),
        (
            "not a sheet",
            b"\x00\x01\x02binary".to_vec(),
            "not_a_spreadsheet",
        ),
        (
            "no header",
            "a,b,c\n1,2,3\n".as_bytes().to_vec(),
            "no_header",
        ),
        (
            "missing tier column",
            "STT,Họ và tên,Ngày sinh\n1,Nguyễn Văn A,01/02/2010\n"
                .as_bytes()
                .to_vec(),
            "missing_column",
        ),
        (
            "zip that is not a workbook",
            {
                let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
                w.start_file::<_, ()>("hello.txt", Default::default())
                    .unwrap();
                std::io::Write::write_all(&mut w, b"hello").unwrap();
                w.finish().unwrap().into_inner()
            },
            "not_a_spreadsheet",
        ),
        (
            "a cell of 10 MB",
            format!(
                "STT,Họ và tên,Ngày sinh,Đối tượng\n1,{},01/02/2010,HN\n",
                "x".repeat(10_000_000)
            )
            .into_bytes(),
            "cell_too_long",
        ),
    ];
    for (what, bytes, code) in cases {
        let req = ImportRequest {
            school: &unit,
            round_id: None,
            file_name: what,
            sha256: String::new(),
            dry_run: false,
            read_first: false,
            lang: Lang::Vi,
        };
        let r = import_students(
            &app.db.store,
            &AuditActor::system("test"),
            &req,
            Cursor::new(bytes),
        )
        .await;
        match r {
            Err(ImportError::File(e)) => assert_eq!(e.code, code, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(app.db.store.audit_head().await.unwrap(), head);
}

const REGISTER: &str = "UBND XÃ ĐẮK LAO,,,,,,
DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2022,,,,,,
,,,,,,
STT,Họ và tên chủ hộ,Thành viên trong hộ,Thôn,Xã,Loại hộ,Số giấy chứng nhận
(1),(2),(3),(4),(5),(6),(7)
1,Nguyễn Văn Việt,\"Nguyễn Thị Lan, Nguyễn Đức Việt\",Thôn 4,Xã Đắk Lao,Hộ nghèo,580/GCN-UBND
2,Nguyễn Xuân Việt,,Thôn 2,Đắk Lao,Hộ cận nghèo,
,,,,,,
,NGƯỜI LẬP BIỂU,,,,,
";

async fn upload_register(
    c: &crate::common::Client,
    name: &str,
    csv: &str,
) -> (reqwest::StatusCode, String) {
    let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name(name.to_string());
    let form = c.upload_form().part("file", part).text("year", "2022");
    let res = c.post_multipart("/households/import", form).await;
    (res.status(), res.text().await.unwrap())
}

async fn flags_of(app: &TestApp, code: &str) -> Vec<String> {
    app.student("67663001", code).await.flags
}

web_tests!(household_registers_check_claims);

async fn household_registers_check_claims(app: &TestApp) {
    let (_, out) = import(app, "67663001", "h1_truong_a.xlsx", false)
        .await
        .unwrap();
    assert_eq!(
        out.households.claims, 59,
        "37 of tier (i) and 22 of tier (ii)"
    );
    assert_eq!(
        out.households.unverifiable, 59,
        "no register yet: nothing is flagged"
    );
    assert!(
        flags_of(app, "6716613186")
            .await
            .iter()
            .all(|f| !f.starts_with("household"))
    );

    // A district office imports a commune's register: preview, then confirm.
    let phong = app.session("phong_663").await;
    let (status, preview) = upload_register(&phong, "ho-ngheo-dak-lao.csv", REGISTER).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{preview}");
    assert!(preview.contains("id=\"households\">2<"));
    assert!(preview.contains("id=\"missing\">57<"), "{preview}");
    assert!(preview.contains("id=\"other\">1<"));
    assert!(
        app.db
            .store
            .register_counts(&domain::units::UnitPath::everything())
            .await
            .unwrap()
            .is_empty(),
        "the preview writes nothing"
    );
    let confirm = preview
        .split("action=\"")
        .filter_map(|a| a.split('"').next())
        .find(|a| a.contains("/confirm"))
        .unwrap()
        .to_string();
    let res = phong.post(&confirm, &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let counts = app
        .db
        .store
        .register_counts(&domain::units::UnitPath::everything())
        .await
        .unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (counts[0].ngheo, counts[0].can_ngheo, counts[0].year),
        (1, 1, 2022)
    );
    let page = phong.get("/households").await.text().await.unwrap();
    assert!(page.contains("Xã Đắk Lao"));

    // The parent heads a poor household: matched. The other parent's household is
    // near-poor while the student claims tier (i). The rest are in no household.
    assert!(
        flags_of(app, "6716613186")
            .await
            .iter()
            .all(|f| !f.starts_with("household"))
    );
    assert!(
        flags_of(app, "6724628194")
            .await
            .contains(&"household_category".to_string())
    );
    let missing = app
        .db
        .store
        .list_students(
            &domain::units::UnitPath::everything(),
            &StudentFilter {
                flag: Some("household_missing".into()),
                ..Default::default()
            },
            1,
            1,
        )
        .await
        .unwrap();
    assert_eq!(missing.total, 57);

    // The corrected register fixes the claim; importing it again changes nothing.
    let fixed = REGISTER.replace("Đắk Lao,Hộ cận nghèo", "Đắk Lao,Hộ nghèo");
    let sys = store::AuditActor::system("test");
    let province = app.unit("67").await;
    let req = web::households::imports::HouseholdRequest {
        scope: &province.path,
        file_name: "fixed.csv",
        sha256: String::new(),
        year: 2022,
        dry_run: false,
        lang: Lang::Vi,
    };
    let r = web::households::imports::import_households(
        &app.db.store,
        &sys,
        &req,
        Cursor::new(fixed.clone().into_bytes()),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.written, r.check.matched, r.check.other_category),
        (1, 2, 0)
    );
    assert!(
        flags_of(app, "6724628194")
            .await
            .iter()
            .all(|f| !f.starts_with("household"))
    );
    let again = web::households::imports::import_households(
        &app.db.store,
        &sys,
        &req,
        Cursor::new(fixed.into_bytes()),
    )
    .await
    .unwrap();
    assert_eq!((again.written, again.unchanged), (0, 2));

    // A register naming a commune outside the office's district is refused whole, with
    // the row and the reason.
    let other = "STT,Chủ hộ,Xã,Loại hộ\n1,Y Sơn,Xã Đắk Lao,HN\n2,H'Bia,Thị trấn Kiến Đức,HCN\n";
    let head = app.db.store.audit_head().await.unwrap();
    let (status, html) = upload_register(&phong, "sai.csv", other).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("data-row=\"3\" data-code=\"unknown_commune\""),
        "{html}"
    );
    assert!(html.contains("Kiến Đức"));
    let bad = "STT,Chủ hộ,Xã,Loại hộ\n1,Y Sơn,Xã Đắk Lao,Khá\n";
    let (status, html) = upload_register(&phong, "sai2.csv", bad).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("data-row=\"2\" data-code=\"unknown_category\""));
    assert_eq!(
        app.db.store.audit_head().await.unwrap(),
        head,
        "nothing written"
    );
}

async fn api_get(
    app: &TestApp,
    user: &str,
    path: &str,
) -> (reqwest::StatusCode, serde_json::Value) {
    let u = app.user(user).await;
    let (_, secret) = app
        .db
        .store
        .create_api_key(&u.audit_actor(), &u, "api")
        .await
        .unwrap();
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

web_tests!(the_api_reads_students_in_scope);

async fn the_api_reads_students_in_scope(app: &TestApp) {
    import(app, "67663001", "h1_truong_a.xlsx", false)
        .await
        .unwrap();
    import(app, "67666002", "h2_truong_b_tcvn3.xlsx", false)
        .await
        .unwrap();

    // A school reads its own list, page by page, and nothing of another school.
    let (s, v) = api_get(app, "truong_67663001", "/api/v1/students?per_page=50").await;
    assert_eq!(s, reqwest::StatusCode::OK);
    assert_eq!(
        (v["total"].as_i64(), v["items"].as_array().unwrap().len()),
        (Some(68), 50)
    );
    assert_eq!(v["items"][0]["name"], "Nguyễn Đức Việt");
    assert_eq!(v["items"][0]["dob"], "2009-09-17");
    assert_eq!(v["items"][0]["flags"][0], "duplicate_code");
    let (s, _) = api_get(app, "truong_67663001", "/api/v1/students?school=67666002").await;
    assert_eq!(s, reqwest::StatusCode::NOT_FOUND);
    let (_, v) = api_get(app, "truong_67663001", "/api/v1/students?tier=iii").await;
    assert_eq!(v["total"], 9);
    let (_, v) = api_get(app, "so_gddt", "/api/v1/students?q=nguyen%20duc%20viet").await;
    assert_eq!(v["total"], 2, "accents and case ignored, both schools");
    let (s, _) = api_get(app, "so_gddt", "/api/v1/students?review=maybe").await;
    assert_eq!(s, reqwest::StatusCode::BAD_REQUEST);

    // The Front and the other departments see counts, never a child.
    let (s, _) = api_get(app, "mttq", "/api/v1/students").await;
    assert_eq!(s, reqwest::StatusCode::FORBIDDEN);
    let (s, v) = api_get(app, "mttq", "/api/v1/students/counts").await;
    assert_eq!(s, reqwest::StatusCode::OK);
    assert_eq!(v["total"], 108);
    assert_eq!(
        (
            v["by_tier"]["i"].as_i64(),
            v["by_tier"]["ii"].as_i64(),
            v["by_tier"]["iii"].as_i64()
        ),
        (Some(37 + 29), Some(22 + 10), Some(9 + 1)),
        "{v}"
    );
    let body = v.to_string();
    assert!(
        !body.contains("Nguyễn Đức Việt") && !body.contains("6716613186"),
        "no child in counts"
    );
    let (_, v) = api_get(app, "phong_663", "/api/v1/students/counts").await;
    assert_eq!(v["total"], 68, "a district office counts its district");
}

/// A file whose reading fails halfway, as a defect in the reader would.
struct FailingReader {
    inner: Cursor<Vec<u8>>,
    left: usize,
}

impl std::io::Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            panic!("the reader fails on purpose");
        }
        let take = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..take])?;
        self.left -= n;
        Ok(n)
    }
}

impl std::io::Seek for FailingReader {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// The thread reading a file fails: the import says so as a reader failure (not as the
/// file's fault or an unsupported engine), and writes nothing.
async fn a_failing_reader_writes_nothing(app: &TestApp) {
    let unit = app.unit("67663001").await;
    let bytes = std::fs::read(format!(
        "{}/../../data/samples/h1_truong_a.xlsx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let req = ImportRequest {
        school: &unit,
        round_id: None,
        file_name: "h1.xlsx",
        sha256: domain::digest::sha256_hex(&bytes),
        dry_run: false,
        read_first: false,
        lang: Lang::Vi,
    };
    let left = bytes.len() * 3 / 4;
    let r = import_students(
        &app.db.store,
        &AuditActor::system("test"),
        &req,
        FailingReader {
            inner: Cursor::new(bytes),
            left,
        },
    )
    .await;
    assert!(matches!(r, Err(ImportError::Reader(_))), "{r:?}");
    let page = app
        .db
        .store
        .list_students(&unit.path, &StudentFilter::default(), 1, 10)
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}

/// A file that stops after `pause_at` bytes until told to go on, saying when it stops.
struct PausingReader {
    inner: Cursor<Vec<u8>>,
    pause_at: u64,
    paused: Option<std::sync::mpsc::Sender<()>>,
    go: std::sync::mpsc::Receiver<()>,
}

impl std::io::Read for PausingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.inner.position();
        if self.paused.is_some() {
            if pos < self.pause_at {
                let n = buf.len().min((self.pause_at - pos) as usize);
                return self.inner.read(&mut buf[..n]);
            }
            if let Some(p) = self.paused.take() {
                let _ = p.send(());
            }
            let _ = self.go.recv();
        }
        self.inner.read(buf)
    }
}

impl std::io::Seek for PausingReader {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// While an uploaded list is still being read and checked for its preview, the database
/// is free: a login (a write) goes through at once. (The preview used to write as it read,
/// holding SQLite's write lock for the whole file; a login then waited and failed.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_leaves_the_database_free_while_it_reads() {
    let app = TestApp::sqlite().await;
    let mut csv = String::from("STT,Họ và tên,Ngày sinh,Đối tượng\n");
    for i in 1..=6000 {
        csv.push_str(&format!("{i},Nguyễn Văn Số {i},01/02/2010,HN\n"));
    }
    let bytes = csv.into_bytes();
    let (paused_tx, paused_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel();
    let reader = PausingReader {
        pause_at: bytes.len() as u64 * 3 / 4,
        inner: Cursor::new(bytes),
        paused: Some(paused_tx),
        go: go_rx,
    };
    let store = app.db.store.clone();
    let school = app.unit("67663001").await;
    let preview = tokio::spawn(async move {
        let req = ImportRequest {
            school: &school,
            round_id: None,
            file_name: "lon.csv",
            sha256: String::new(),
            dry_run: true,
            read_first: true,
            lang: Lang::Vi,
        };
        import_students(&store, &AuditActor::system("test"), &req, reader).await
    });
    tokio::task::spawn_blocking(move || paused_rx.recv().unwrap())
        .await
        .unwrap();
    // Three quarters of the file read and checked; the preview has not let go of it.
    let (_, res) = app.login("phong_663", crate::common::PASSWORD).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    go_tx.send(()).unwrap();
    let (report, _) = preview.await.unwrap().unwrap();
    assert_eq!(report.imported, 6000);
}
