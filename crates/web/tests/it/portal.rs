//! The public log without a login: the page, the signed checkpoint that the test key
//! opens, the verifier key, proofs that verify against the checkpoint, ETags that answer
//! 304, hostile parameters answered 400 in Vietnamese — and no student's name, code or
//! date of birth in any of it.

use crate::common::{TestApp, test_log_signer};
use domain::audit::checkpoint::Checkpoint;
use domain::audit::merkle::{self, Hash};
use reqwest::StatusCode;
use serde_json::Value;

web_tests!(the_public_log_is_open_data_and_checks_out);

fn hash(v: &Value) -> Hash {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

async fn the_public_log_is_open_data_and_checks_out(app: &TestApp) {
    store::testing::lists_in_open_round(&app.db.store, 12, None).await;
    let public = app.anonymous();
    let page = public.get("/cong-khai/nhat-ky").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Nhật ký công khai có thể kiểm chứng"),
        "{html}"
    );
    assert!(
        html.contains("id=\"log-root\""),
        "a checkpoint is shown: {html}"
    );

    let res = public.get("/cong-khai/nhat-ky/checkpoint").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let note = res.text().await.unwrap();
    let signer = test_log_signer();
    let cp = Checkpoint::open(&note, &signer.verifier()).expect("signed by the server's key");
    assert_eq!(cp.origin, "songmaytinh.test/audit");
    assert_eq!(cp.size, app.db.store.log_size().await.unwrap());
    assert_eq!(
        etag,
        format!("\"{}\"", domain::digest::sha256_hex(note.as_bytes()))
    );
    // The same again with its ETag: not modified.
    let again = public
        .http
        .get(format!("{}/cong-khai/nhat-ky/checkpoint", public.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let key = public
        .get("/cong-khai/nhat-ky/key")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(key.trim(), signer.verifier().text());

    // An inclusion proof of an entry, against the published checkpoint.
    for seq in [1, cp.size / 2, cp.size] {
        let res = public
            .get(&format!("/cong-khai/nhat-ky/inclusion.json?seq={seq}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["tree_size"].as_u64(), Some(cp.size));
        let path: Vec<Hash> = p["path"].as_array().unwrap().iter().map(hash).collect();
        assert!(merkle::verify_inclusion(
            seq - 1,
            cp.size,
            &hash(&p["leaf_hash"]),
            &path,
            &cp.root
        ));
    }
    // The log grows; a new checkpoint is signed on demand by the command; the old one is
    // a prefix of the new.
    store::testing::add_tablet(&app.db.store).await;
    let newer = app.db.store.log_checkpoint(&signer).await.unwrap();
    let res = public
        .get(&format!(
            "/cong-khai/nhat-ky/consistency.json?from={}&to={}",
            cp.size, newer.size
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let c: Value = res.json().await.unwrap();
    let proof: Vec<Hash> = c["proof"].as_array().unwrap().iter().map(hash).collect();
    let new_root = Checkpoint::open(&newer.note, &signer.verifier())
        .unwrap()
        .root;
    assert!(merkle::verify_consistency(
        cp.size, newer.size, &cp.root, &new_root, &proof
    ));
    let list: Value = public
        .get("/cong-khai/nhat-ky/checkpoints.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["checkpoints"].as_array().unwrap().len(), 2);

    // Hostile parameters: a clear answer, never a 500.
    for (url, want) in [
        (
            "/cong-khai/nhat-ky/inclusion.json",
            "số nguyên không âm (seq)",
        ),
        ("/cong-khai/nhat-ky/inclusion.json?seq=abc", "(seq)"),
        ("/cong-khai/nhat-ky/inclusion.json?seq=-1", "(seq)"),
        ("/cong-khai/nhat-ky/inclusion.json?seq=0", "không thuộc cây"),
        (
            "/cong-khai/nhat-ky/inclusion.json?seq=99999999999",
            "không thuộc cây",
        ),
        (
            "/cong-khai/nhat-ky/inclusion.json?seq=1&size=99999999999",
            "vượt quá",
        ),
        (
            "/cong-khai/nhat-ky/consistency.json?from=9&to=3",
            "lớn hơn cây mới",
        ),
        ("/cong-khai/nhat-ky/consistency.json?from=%3Cb%3E", "(from)"),
    ] {
        let res = public.get(url).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{url}");
        let body = res.text().await.unwrap();
        assert!(body.contains(want), "{url}: {body}");
        assert!(!body.contains("<b>"));
    }

    // Nothing personal in any of it.
    let mut all = html;
    for url in [
        "/cong-khai/nhat-ky/checkpoint",
        "/cong-khai/nhat-ky/checkpoints.json",
        "/cong-khai/nhat-ky/inclusion.json?seq=5",
    ] {
        all.push_str(&public.get(url).await.text().await.unwrap());
    }
    for secret in ["Học Sinh", "67100", "2011-05", "/05/2011"] {
        assert!(!all.contains(secret), "{secret} leaked");
    }
}

web_tests!(the_portal_shows_counts_money_and_gifts_never_a_child);

/// The statement's total on the page, parsed from `1.234.567 đ`.
fn dong(s: &str) -> i64 {
    s.trim_end_matches(" đ").replace('.', "").parse().unwrap()
}

fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let a = html.find(from).unwrap_or_else(|| panic!("{from}: {html}")) + from.len();
    let b = html[a..].find(to).unwrap() + a;
    &html[a..b]
}

async fn the_portal_shows_counts_money_and_gifts_never_a_child(app: &TestApp) {
    use domain::donations::{Donor, DonorKind};
    use domain::ledger::gifts::{Channel, NewGift};
    use domain::money::Dong;
    let store = &app.db.store;
    let actor = store::testing::system();
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;
    // Three students of one school hold their devices: a count a parent could recognise.
    let handed = store::testing::handed_to_students(store, "67663001", 3).await;
    assert_eq!(handed.len(), 3);

    // Two donors: one agreed to be named, one did not.
    let donor = |name: &str, publish: bool| Donor {
        kind: DonorKind::Organisation,
        name: name.into(),
        contact_person: None,
        phone: None,
        email: None,
        address: None,
        tax_code: None,
        publish_name: publish,
        earmark: Default::default(),
    };
    let named = store
        .save_donor(
            &actor,
            None,
            &donor("Công ty Cổ phần Sách Tây Nguyên", true),
        )
        .await
        .unwrap();
    let hidden = store
        .save_donor(&actor, None, &donor("Ông Giấu Tên Bí Mật", false))
        .await
        .unwrap();
    let day = time::macros::date!(2026 - 08 - 05);
    let gift = |donor_id, amount, publish| NewGift {
        donor_id,
        amount: Dong(amount),
        channel: Channel::Direct,
        date: day,
        publish_name: publish,
        earmark: Default::default(),
        note: None,
    };
    let a = store
        .record_gift(
            &actor,
            &gift(named, 250_000_000, true),
            Some((day, Some("FT26217000001".into()))),
        )
        .await
        .unwrap();
    let b = store
        .record_gift(
            &actor,
            &gift(hidden, 7_500_000, false),
            Some((day, Some("FT26217000002".into()))),
        )
        .await
        .unwrap();
    let pledge = store
        .record_gift(&actor, &gift(named, 1_000_000, true), None)
        .await
        .unwrap();
    let a = store.gift(a).await.unwrap().unwrap();
    let b = store.gift(b).await.unwrap().unwrap();
    let pledge = store.gift(pledge).await.unwrap().unwrap();

    let public = app.anonymous();
    let res = public.get("/cong-khai").await;
    assert_eq!(res.status(), StatusCode::OK);
    let home = res.text().await.unwrap();
    assert!(home.contains("Cổng công khai"), "{home}");
    assert!(home.contains("Công ty Cổ phần Sách Tây Nguyên"), "{home}");
    assert!(
        !home.contains("Giấu Tên"),
        "an unnamed donor is never named: {home}"
    );
    assert!(home.contains("1 nhà hảo tâm khác không nêu tên"), "{home}");
    // The three students are hidden, and so is what would give them away.
    let table = between(&home, "id=\"handed-table\"", "</table>");
    assert!(table.contains(">*<"), "{table}");
    assert!(!table.contains(">3<"), "{table}");

    // The figures as JSON: valid against their published schema, small counts null, and no
    // line of the table with exactly one hidden entry.
    let res = public.get("/cong-khai/du-lieu/tong-hop.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let sha = res.headers()["x-content-sha256"]
        .to_str()
        .unwrap()
        .to_string();
    let body = res.text().await.unwrap();
    assert_eq!(sha, domain::digest::sha256_hex(body.as_bytes()));
    let index = public.get("/cong-khai/du-lieu").await.text().await.unwrap();
    assert!(
        index.contains(&sha),
        "the index lists the SHA-256 served: {index}"
    );
    let figures: Value = serde_json::from_str(&body).unwrap();
    let schema: Value = serde_json::from_str(
        &public
            .get("/cong-khai/du-lieu/tong-hop.schema.json")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&figures)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Three devices with students would give the three children away as well.
    assert!(figures["devices"]["with_student"].is_null(), "{figures}");
    assert!(!home.contains(">3</span>"), "{home}");
    let rows = figures["students"]["by_district"].as_array().unwrap();
    let mut grid: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            let mut v = r["handed_over"]["by_tier"].as_array().unwrap().clone();
            v.push(r["handed_over"]["total"].clone());
            v
        })
        .collect();
    let mut total = figures["students"]["totals"]["handed_over"]["by_tier"]
        .as_array()
        .unwrap()
        .clone();
    total.push(figures["students"]["totals"]["handed_over"]["total"].clone());
    grid.push(total);
    let hidden_cells = grid.iter().flatten().filter(|v| v.is_null()).count();
    assert!(hidden_cells >= 4, "a rectangle at least: {grid:?}");
    for line in &grid {
        assert_ne!(line.iter().filter(|v| v.is_null()).count(), 1, "{grid:?}");
    }
    for c in 0..grid[0].len() {
        assert_ne!(
            grid.iter().filter(|r| r[c].is_null()).count(),
            1,
            "{grid:?}"
        );
    }
    for v in grid.iter().flatten() {
        if let Some(n) = v.as_i64() {
            assert!(n == 0 || n >= 10, "{n} shown: {grid:?}");
        }
    }
    let res = public
        .http
        .get(app.url("/cong-khai/du-lieu/tong-hop.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let csv = public
        .get("/cong-khai/du-lieu/tong-hop.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("unit_code,unit_name,stage,tier,count,suppressed"),
        "{csv}"
    );
    assert!(csv.contains(",true"), "{csv}");

    // The statement: every gift received, the unnamed donor unnamed; its total is the
    // ledger's to the đồng.
    let html = public.get("/cong-khai/sao-ke").await.text().await.unwrap();
    let tb = store.trial_balance(None, domain::Lang::Vi).await.unwrap();
    let ledger = tb
        .accounts
        .iter()
        .find(|l| l.code == "4311")
        .unwrap()
        .balance
        .0;
    assert_eq!(ledger, 257_500_000);
    assert_eq!(dong(between(&html, "id=\"ledger-total\">", "<")), ledger);
    assert_eq!(
        dong(between(&html, "tổng cộng <strong>", "<")),
        ledger,
        "the lines add up to the ledger"
    );
    assert!(
        html.contains("FT26217000002") && !html.contains("Giấu Tên"),
        "{html}"
    );
    let found = public
        .get("/cong-khai/sao-ke?q=7.500.000")
        .await
        .text()
        .await
        .unwrap();
    assert!(found.contains("<strong>1</strong>"), "{found}");
    let csv = public
        .get("/cong-khai/du-lieu/sao-ke.csv")
        .await
        .text()
        .await
        .unwrap();
    let sum: i64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sum, ledger);
    assert!(!csv.contains("Giấu Tên"));
    let res = public.get("/cong-khai/sao-ke?page=-1").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Trace: the verification code (as printed, with dashes) and the bank reference find
    // the gift; the pledge code printed on transfer notes does not; junk finds nothing.
    for typed in [a.verification_printed(), "FT26217000001".to_string()] {
        let res = public.get(&format!("/cong-khai/tra-cuu?ma={typed}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{typed}");
        let html = res.text().await.unwrap();
        assert!(html.contains("250.000.000 đ"), "{html}");
        assert!(html.contains("Công ty Cổ phần Sách Tây Nguyên"), "{html}");
        assert!(html.contains("Tiền đi đâu"), "{html}");
    }
    let html = public
        .get(&format!(
            "/cong-khai/tra-cuu?ma={}",
            b.verification_printed()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nhà hảo tâm (không nêu tên)") && !html.contains("Giấu Tên"));
    let html = public
        .get(&format!(
            "/cong-khai/tra-cuu?ma={}",
            pledge.verification_printed()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã cam kết, chưa nhận được tiền"), "{html}");
    for (typed, status) in [
        (a.pledge_code.clone(), StatusCode::NOT_FOUND),
        ("ABCD-EFGH-J".to_string(), StatusCode::NOT_FOUND),
        (
            "<script>alert(1)</script>".to_string(),
            StatusCode::NOT_FOUND,
        ),
        ("x".repeat(80), StatusCode::BAD_REQUEST),
    ] {
        let res = public
            .get(&format!(
                "/cong-khai/tra-cuu?ma={}",
                form_urlencoded::byte_serialize(typed.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(res.status(), status, "{typed}");
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("250.000.000"), "{typed} opened a gift");
    }

    // No student's name, code or birth date anywhere on the public side.
    let student = store.student(handed[0]).await.unwrap().unwrap().0;
    for path in [
        "/cong-khai",
        "/cong-khai/sao-ke",
        "/cong-khai/du-lieu",
        "/cong-khai/du-lieu/tong-hop.json",
        "/cong-khai/du-lieu/tong-hop.csv",
        "/cong-khai/du-lieu/sao-ke.csv",
        "/cong-khai/du-lieu/mua-sam.json",
        &format!("/cong-khai/tra-cuu?ma={}", a.verification_printed()),
    ] {
        let body = public.get(path).await.text().await.unwrap();
        assert!(!body.contains(&student.full_name), "{path}");
        if let Some(code) = &student.student_code {
            assert!(!body.contains(code.as_str()), "{path}");
        }
        assert!(!body.contains(&student.dob), "{path}");
        if let Some(d) = domain::dates::parse_date(&student.dob) {
            assert!(!body.contains(&domain::dates::format_date(d)), "{path}");
        }
    }

    // The front page is served from a copy while nothing changes (ETag, 304), and made
    // again once something has: within a second.
    let res = public.get("/cong-khai").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let res = public
        .http
        .get(app.url("/cong-khai"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let late = store
        .save_donor(&actor, None, &donor("Hội Khuyến học tỉnh Đắk Nông", true))
        .await
        .unwrap();
    store
        .record_gift(&actor, &gift(late, 40_000_000, true), Some((day, None)))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let html = public.get("/cong-khai").await.text().await.unwrap();
    assert!(html.contains("Hội Khuyến học tỉnh Đắk Nông"), "{html}");

    // English.
    let en = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::COOKIE,
                reqwest::header::HeaderValue::from_static("smt_lang=en"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let html = en
        .get(app.url("/cong-khai"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Public portal") && html.contains("Trace my donation"),
        "{html}"
    );
}
