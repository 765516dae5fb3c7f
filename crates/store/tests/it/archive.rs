//! The archive on SQLite and PostgreSQL: a printed document recorded once per distinct
//! bytes (a reprint counts, other bytes are a new line, each first print audited), kept
//! files found beside them, the search by digest, number, title, type and date, and the
//! viewer's scope: a school sees its own minutes, never the province's papers.

use crate::common::*;
use crate::donations::{donor, item, model, receipt};
use domain::Lang;
use domain::archive::{DocKind, Origin, Search};
use domain::digest::sha256_hex;
use domain::units::UnitPath;
use songmaytinh_store::archive::Issued;
use songmaytinh_store::documents::DocumentOwner;
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::TestDb;
use time::macros::date;

storage_tests!(
    seed = Units;
    prints_and_files_are_found_by_any_of_their_marks,
);

fn search(text: Option<&str>) -> Search {
    Search {
        text: text.map(str::to_string),
        ..Search::default()
    }
}

async fn prints_and_files_are_found_by_any_of_their_marks(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    let school = store.unit_by_code("67663002").await.unwrap().unwrap();
    let other = store.unit_by_code("67663001").await.unwrap().unwrap();
    let province = UnitPath::root(school.path.ids().next().unwrap());
    let minutes = |link: &str, number: &str, unit: i64| Issued {
        kind: DocKind::Minutes,
        number: Some(number.into()),
        date: Some(date!(2026 - 10 - 05)),
        title: "Bàn giao 30 thiết bị cho học sinh của trường".into(),
        link: link.into(),
        units: [None, Some(unit)],
    };
    let ack = Issued {
        kind: DocKind::Acknowledgement,
        number: Some("UH-7K2Q/GXN".into()),
        date: Some(date!(2026 - 09 - 20)),
        title: "Xác nhận ủng hộ 5.000.000 đ của Công ty Sao Mai".into(),
        link: "/gifts/1/giay-xac-nhan.pdf".into(),
        units: [None, None],
    };
    let (before, _) = store.audit_head().await.unwrap();
    let unsigned = b"%PDF-1.7 bien ban chua ky".to_vec();
    let sha = store
        .archive_print(
            &actor,
            &minutes("/handover/1/pdf", "07/BBBG", school.id),
            "bb.pdf",
            &unsigned,
        )
        .await
        .unwrap();
    assert_eq!(sha, sha256_hex(&unsigned));
    // The same bytes again only count; the same minutes after signing are a new line.
    store
        .archive_print(
            &actor,
            &minutes("/handover/1/pdf", "07/BBBG", school.id),
            "bb.pdf",
            &unsigned,
        )
        .await
        .unwrap();
    let signed = b"%PDF-1.7 bien ban da ky".to_vec();
    store
        .archive_print(
            &actor,
            &minutes("/handover/1/pdf", "07/BBBG", school.id),
            "bb.pdf",
            &signed,
        )
        .await
        .unwrap();
    store
        .archive_print(
            &actor,
            &minutes("/handover/2/pdf", "08/BBBG", other.id),
            "bb2.pdf",
            b"%PDF-1.7 truong khac",
        )
        .await
        .unwrap();
    store
        .archive_print(&actor, &ack, "gxn.pdf", b"%PDF-1.7 giay xac nhan")
        .await
        .unwrap();
    let (after, _) = store.audit_head().await.unwrap();
    assert_eq!(
        after - before,
        4,
        "each first print audited, the reprint not"
    );

    // A kept file of a receipt, dated and numbered by its minutes.
    let m = store
        .create_device_model(&actor, &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    let d = store
        .save_donor(&actor, None, &donor("Công ty Sao Mai"))
        .await
        .unwrap();
    let rid = store
        .record_donation(
            &actor,
            &receipt(d, "12/BBTN", vec![item(m, &["SM-1"])]),
            Lang::Vi,
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let deed = b"%PDF-1.4 van ban tang".to_vec();
    store
        .add_document(
            &actor,
            DocumentOwner::Donation(rid),
            "van-ban-tang.pdf",
            "application/pdf",
            deed.clone(),
        )
        .await
        .unwrap();

    let all = store
        .archive_search(&province, &Search::default(), 100, 0)
        .await
        .unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.records.len(), 5);
    let first = all
        .records
        .iter()
        .find(|r| r.sha256 == sha256_hex(&unsigned))
        .unwrap();
    assert_eq!((first.prints, first.origin), (2, Origin::Printed));
    let kept = all
        .records
        .iter()
        .find(|r| r.origin == Origin::Uploaded)
        .unwrap();
    assert_eq!(kept.number.as_deref(), Some("12/BBTN"));
    assert_eq!(kept.sha256, sha256_hex(&deed));
    assert_eq!(
        kept.link,
        format!(
            "/donations/{rid}/documents/{}",
            kept.link.rsplit('/').next().unwrap()
        )
    );

    // By the first characters of a digest, in either case.
    let prefix = sha256_hex(&signed)[..10].to_ascii_uppercase();
    let by_sha = store
        .archive_search(&province, &search(Some(&prefix)), 100, 0)
        .await
        .unwrap();
    assert_eq!(by_sha.total, 1);
    assert_eq!(by_sha.records[0].sha256, sha256_hex(&signed));
    // By a number in any case, by part of a title, by type, by dates.
    let by_no = store
        .archive_search(&province, &search(Some("bbbg")), 100, 0)
        .await
        .unwrap();
    assert_eq!(by_no.total, 3);
    let by_title = store
        .archive_search(&province, &search(Some("Sao Mai")), 100, 0)
        .await
        .unwrap();
    assert_eq!(
        by_title.total, 2,
        "the acknowledgement and the receipt's file"
    );
    let acks = Search {
        kind: Some(DocKind::Acknowledgement),
        ..Search::default()
    };
    assert_eq!(
        store
            .archive_search(&province, &acks, 100, 0)
            .await
            .unwrap()
            .total,
        1
    );
    let september = Search {
        from: Some(date!(2026 - 09 - 01)),
        to: Some(date!(2026 - 09 - 30)),
        ..Search::default()
    };
    let sep = store
        .archive_search(&province, &september, 100, 0)
        .await
        .unwrap();
    assert_eq!(
        sep.records.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![DocKind::Acknowledgement]
    );
    // Nothing matches: an empty page, never an error; a pattern's wildcards are literal.
    assert_eq!(
        store
            .archive_search(&province, &search(Some("%_")), 100, 0)
            .await
            .unwrap()
            .total,
        0
    );
    // Paging.
    let page2 = store
        .archive_search(&province, &Search::default(), 2, 4)
        .await
        .unwrap();
    assert_eq!((page2.total, page2.records.len()), (5, 1));

    // A school sees its own minutes (both prints), not another school's, not the
    // province's papers.
    let mine = store
        .archive_search(&school.path, &Search::default(), 100, 0)
        .await
        .unwrap();
    assert_eq!(mine.total, 2);
    assert!(mine.records.iter().all(|r| r.link == "/handover/1/pdf"));
    // A number made of hexadecimal characters is found as a number too.
    let hexlike = Issued {
        number: Some("00001234".into()),
        link: "/gifts/9/giay-xac-nhan.pdf".into(),
        ..ack.clone()
    };
    store
        .archive_print(&actor, &hexlike, "gxn9.pdf", b"%PDF-1.7 so hoa don")
        .await
        .unwrap();
    let by_hex_no = store
        .archive_search(&province, &search(Some("00001234")), 100, 0)
        .await
        .unwrap();
    assert_eq!(by_hex_no.total, 1);
    assert_eq!(by_hex_no.records[0].number.as_deref(), Some("00001234"));
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}
