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
