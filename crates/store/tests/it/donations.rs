//! Devices in kind on SQLite and PostgreSQL: donors, receipts registered with their serials
//! all or nothing, documents by SHA-256, and appraisals that decide which devices may ever
//! reach stock (and so a student).

use crate::common::*;
use domain::Lang;
use domain::devices::appraisals::{Appraisal, Verdict};
use domain::devices::{DeviceKind, DeviceModel, DeviceState, Holder};
use domain::donations::{
    Condition, Donation, DonationItem, Donor, DonorKind, Earmark, ItemSerial, Signatory,
};
use domain::money::Dong;
use songmaytinh_store::documents::DocumentOwner;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::{StoreError, storage_tests};
use time::macros::date;

storage_tests!(
    a_receipt_registers_its_devices_all_or_nothing,
    a_receipt_line_takes_its_serials_at_intake_and_no_more,
    documents_are_kept_by_their_digest,
    appraisal_decides_what_may_reach_stock,
);
storage_tests!(
    seed = Units;
    donors_are_checked_and_audited,
);

pub fn model(brand: &str, name: &str) -> DeviceModel {
    DeviceModel {
        kind: Some(DeviceKind::Tablet),
        brand: brand.into(),
        model: name.into(),
        ram_mb: Some(4096),
        ..Default::default()
    }
}

pub fn donor(name: &str) -> Donor {
    Donor {
        kind: DonorKind::Organisation,
        name: name.into(),
        contact_person: Some("Nguyễn Thị Hồng Nhung".into()),
        phone: Some("0261 3544 123".into()),
        email: None,
        address: Some("Gia Nghĩa, Đắk Nông".into()),
        tax_code: Some("6400123456".into()),
        publish_name: true,
        earmark: Earmark::default(),
    }
}

pub fn item(model_id: i64, serials: &[&str]) -> DonationItem {
    DonationItem {
        model_id,
        quantity: serials.len() as u32,
        condition: Condition::New,
        unit_value: Dong(4_990_000),
        serials: serials
            .iter()
            .map(|s| ItemSerial {
                serial: s.to_string(),
                imei: None,
            })
            .collect(),
    }
}

pub fn receipt(donor_id: i64, no: &str, items: Vec<DonationItem>) -> Donation {
    Donation {
        donor_id,
        minutes_no: no.into(),
        received_on: date!(2022 - 03 - 05),
        place: "Sở GD&ĐT Đắk Nông".into(),
        donor_rep: Signatory {
            name: "Nguyễn Thị Hồng Nhung".into(),
            position: Some("Phó Giám đốc".into()),
        },
        board_rep: Signatory {
            name: "Trần Văn Bình".into(),
            position: None,
        },
        note: None,
        items,
    }
}

fn code_of(e: StoreError) -> &'static str {
    match e {
        StoreError::Domain(d) => d.code(),
        other => panic!("expected a domain error, got {other:?}"),
    }
}

async fn donors_are_checked_and_audited(db: &TestDb) {
    let store = &db.store;
    let id = store
        .save_donor(&system(), None, &donor("  Công ty Viễn thông Hưng Thịnh "))
        .await
        .unwrap();
    let d = store.donor(id).await.unwrap().unwrap();
    assert_eq!(d.name, "Công ty Viễn thông Hưng Thịnh");
    let mut bad = donor("X");
    bad.tax_code = Some("123".into());
    assert_eq!(
        code_of(store.save_donor(&system(), None, &bad).await.unwrap_err()),
        "invalid_donor"
    );
    let mut marked = donor("Nhà hảo tâm Đắk Mil");
    marked.kind = DonorKind::Person;
    marked.tax_code = None;
    marked.publish_name = false;
    marked.earmark = Earmark {
        unit_id: Some(999_999),
        tier: Some(1),
    };
    assert_eq!(
        code_of(
            store
                .save_donor(&system(), None, &marked)
                .await
                .unwrap_err()
        ),
        "invalid_donor"
    );
    // A commune is not a place a gift can be earmarked for; a tier must exist.
    let dak_mil = store.unit_by_code("663").await.unwrap().unwrap();
    let communes = store
        .list_units(
            &dak_mil.path,
            &songmaytinh_store::units::UnitFilter {
                kind: Some(domain::units::UnitKind::Commune),
                ..Default::default()
            },
            1,
            1,
        )
        .await
        .unwrap();
    marked.earmark.unit_id = Some(communes.items[0].id);
    let e = store
        .save_donor(&system(), None, &marked)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Domain(d) if d.field() == Some("earmark_unit")),
        "{e:?}"
    );
    marked.earmark.unit_id = Some(dak_mil.id);
    let e = store
        .save_donor(&system(), None, &marked)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Domain(d) if d.field() == Some("earmark_tier")),
        "no programme yet: {e:?}"
    );
    seed_program(store).await;
    let pid = store.save_donor(&system(), None, &marked).await.unwrap();
    marked.phone = Some("0912345678".into());
    store
        .save_donor(&system(), Some(pid), &marked)
        .await
        .unwrap();
    let all = store.donors().await.unwrap();
    assert_eq!(all.len(), 2);
    let p = all.iter().find(|r| r.id == pid).unwrap();
    assert_eq!(p.donor.earmark, marked.earmark);
    assert_eq!(p.donor.phone.as_deref(), Some("0912345678"));
    assert_eq!((p.donations, p.devices, p.total_value), (0, 0, Dong(0)));
    let audit = store
        .audit_entries(None, 10, Some(domain::audit::Entity::Donor))
        .await
        .unwrap();
    assert_eq!(audit[0].action, "update");
    let chained = audit[0].changes.as_deref().unwrap();
    assert!(chained.contains("\"before\""));
    // A person who gives: neither the name nor the phone is in the chain, only beside it.
    assert!(!chained.contains("Nhà hảo tâm Đắk Mil") && !chained.contains("0912345678"));
    assert!(!audit[0].summary.contains("Nhà hảo tâm Đắk Mil"));
    let personal = store.audit_personal(audit[0].seq).await.unwrap().unwrap();
    assert!(personal.contains("0912345678") && personal.contains("Nhà hảo tâm Đắk Mil"));
    assert_eq!(
        code_of(
            store
                .save_donor(&system(), Some(424_242), &marked)
                .await
                .unwrap_err()
        ),
        "not_found"
    );
}

async fn a_receipt_registers_its_devices_all_or_nothing(db: &TestDb) {
    let store = &db.store;
    let m1 = store
        .create_device_model(&system(), &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    let m2 = store
        .create_device_model(&system(), &model("Lenovo", "Tab M10"))
        .await
        .unwrap();
    let donor_id = store
        .save_donor(&system(), None, &donor("Công ty A"))
        .await
        .unwrap();
    let out = store
        .record_donation(
            &system(),
            &receipt(
                donor_id,
                "12/BB-BTNĐP",
                vec![item(m1, &["S-1", "S-2"]), item(m2, &["L-1"])],
            ),
            Lang::Vi,
        )
        .await
        .unwrap();
    assert_eq!((out.devices, out.errors.len()), (3, 0));
    let id = out.id.unwrap();
    let rec = store.donation(id).await.unwrap().unwrap();
    assert_eq!(rec.total_value, Dong(14_970_000));
    assert_eq!(rec.items.len(), 2);
    assert_eq!(
        rec.items[0].serials,
        vec![("S-1".into(), None), ("S-2".into(), None)]
    );
    assert_eq!(rec.items[1].model_name, "Lenovo Tab M10");
    let d = store.device("s-2").await.unwrap().unwrap();
    assert_eq!((d.state, d.holder), (DeviceState::Received, Holder::Board));
    let batches = store.batches().await.unwrap();
    assert_eq!(batches.len(), 2);
    assert!(batches.iter().all(|b| b.source == "donation:12/BB-BTNĐP"));

    // A serial already in the registry, one repeated across lines: named, nothing written.
    let before = store.device_counts().await.unwrap();
    let refused = store
        .record_donation(
            &system(),
            &receipt(
                donor_id,
                "13/BB-BTNĐP",
                vec![item(m1, &["N-1", "S-1"]), item(m2, &["N-2", "N-1"])],
            ),
            Lang::Vi,
        )
        .await
        .unwrap();
    assert_eq!(refused.id, None);
    let found: Vec<(usize, usize, &str)> = refused
        .errors
        .iter()
        .map(|e| (e.line, e.row, e.code))
        .collect();
    assert_eq!(
        found,
        vec![(1, 2, "duplicate_serial"), (2, 2, "duplicate_serial")]
    );
    assert!(
        refused.errors[0]
            .message
            .starts_with("Dòng 1, thiết bị thứ 2: Số sê-ri S-1")
    );
    assert_eq!(store.device_counts().await.unwrap(), before);
    assert_eq!(store.donations().await.unwrap().len(), 1);
    // The same minutes number twice, a model that does not exist, a donor that does not.
    assert_eq!(
        code_of(
            store
                .record_donation(
                    &system(),
                    &receipt(donor_id, "12/BB-BTNĐP", vec![item(m1, &["Z-1"])]),
                    Lang::Vi
                )
                .await
                .unwrap_err()
        ),
        "duplicate_minutes_no"
    );
    assert_eq!(
        code_of(
            store
                .record_donation(
                    &system(),
                    &receipt(donor_id, "14/BB", vec![item(9999, &["Z-1"])]),
                    Lang::Vi
                )
                .await
                .unwrap_err()
        ),
        "unknown_model"
    );
    assert_eq!(
        code_of(
            store
                .record_donation(
                    &system(),
                    &receipt(777, "14/BB", vec![item(m1, &["Z-1"])]),
                    Lang::Vi
                )
                .await
                .unwrap_err()
        ),
        "invalid_donation"
    );
    assert!(store.device("Z-1").await.unwrap().is_none());
    let donors = store.donors().await.unwrap();
    assert_eq!(
        (
            donors[0].donations,
            donors[0].devices,
            donors[0].total_value
        ),
        (1, 3, Dong(14_970_000))
    );
    let list = store.donations().await.unwrap();
    assert_eq!(
        (list[0].devices, list[0].donor_name.as_str()),
        (3, "Công ty A")
    );
}

async fn documents_are_kept_by_their_digest(db: &TestDb) {
    let store = &db.store;
    let m1 = store
        .create_device_model(&system(), &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    let donor_id = store
        .save_donor(&system(), None, &donor("Công ty A"))
        .await
        .unwrap();
    let id = store
        .record_donation(
            &system(),
            &receipt(donor_id, "1/BB", vec![item(m1, &["S-1"])]),
            Lang::Vi,
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let owner = DocumentOwner::Donation(id);
    let pdf = b"%PDF-1.4 thu cam on".to_vec();
    let a = store
        .add_document(
            &system(),
            owner,
            "thư cảm ơn.pdf",
            "application/pdf",
            pdf.clone(),
        )
        .await
        .unwrap();
    let again = store
        .add_document(&system(), owner, "copy.pdf", "application/pdf", pdf.clone())
        .await
        .unwrap();
    assert_eq!(a, again, "the same bytes are kept once");
    let docs = store.documents(owner).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].sha256, hex_sha256(&pdf));
    let (meta, bytes) = store.document(owner, a).await.unwrap().unwrap();
    assert_eq!((meta.file_name.as_str(), bytes), ("thư cảm ơn.pdf", pdf));
    assert!(
        store
            .document(DocumentOwner::Appraisal(id), a)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        code_of(
            store
                .add_document(
                    &system(),
                    DocumentOwner::Donation(999),
                    "x.pdf",
                    "application/pdf",
                    vec![1]
                )
                .await
                .unwrap_err()
        ),
        "not_found"
    );
}

fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

async fn appraisal_decides_what_may_reach_stock(db: &TestDb) {
    let store = &db.store;
    let good = store
        .create_device_model(&system(), &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    let weak = store
        .create_device_model(&system(), &model("Samsung", "Tab A7 Lite"))
        .await
        .unwrap();
    let donor_id = store
        .save_donor(&system(), None, &donor("Công ty A"))
        .await
        .unwrap();
    store
        .record_donation(
            &system(),
            &receipt(
                donor_id,
                "1/BB",
                vec![item(good, &["G-1", "G-2"]), item(weak, &["W-1"])],
            ),
            Lang::Vi,
        )
        .await
        .unwrap();
    store
        .record_donation(
            &system(),
            &receipt(donor_id, "2/BB", vec![item(good, &["G-3"])]),
            Lang::Vi,
        )
        .await
        .unwrap();
    let appraisal = |model_id, source: Option<&str>, verdict, notes: Option<&str>| Appraisal {
        model_id,
        source: source.map(str::to_string),
        verdict,
        appraised_on: date!(2022 - 03 - 10),
        notes: notes.map(str::to_string),
    };
    // A batch cannot pass before its model has.
    assert_eq!(
        code_of(
            store
                .appraise(
                    &system(),
                    &appraisal(good, Some("donation:1/BB"), Verdict::Pass, None)
                )
                .await
                .unwrap_err()
        ),
        "model_not_appraised"
    );
    // A failure needs its reasons.
    assert_eq!(
        code_of(
            store
                .appraise(&system(), &appraisal(weak, None, Verdict::Fail, None))
                .await
                .unwrap_err()
        ),
        "invalid_appraisal"
    );
    let failed = store
        .appraise(
            &system(),
            &appraisal(
                weak,
                None,
                Verdict::Fail,
                Some("RAM 2 GB, dưới mức tối thiểu"),
            ),
        )
        .await
        .unwrap();
    assert_eq!(failed.devices, 1);
    assert_eq!(
        store.device("W-1").await.unwrap().unwrap().state,
        DeviceState::Rejected
    );
    // A rejected device can never be handed on.
    assert_eq!(
        code_of(
            store
                .change_device(&system(), "W-1", DeviceState::InStock, Holder::Board, None)
                .await
                .unwrap_err()
        ),
        "impossible_transition"
    );
    store
        .appraise(
            &system(),
            &appraisal(good, None, Verdict::Pass, Some("Đủ cấu hình")),
        )
        .await
        .unwrap();
    // The model passing moves nothing: each delivered batch is appraised itself.
    assert_eq!(
        store.device("G-1").await.unwrap().unwrap().state,
        DeviceState::Received
    );
    // An unappraised device cannot be allocated.
    assert_eq!(
        code_of(
            store
                .change_device(
                    &system(),
                    "G-1",
                    DeviceState::Allocated,
                    Holder::Board,
                    None
                )
                .await
                .unwrap_err()
        ),
        "impossible_transition"
    );
    let pass = store
        .appraise(
            &system(),
            &appraisal(good, Some("donation:1/BB"), Verdict::Pass, None),
        )
        .await
        .unwrap();
    assert_eq!(pass.devices, 2);
    let fail = store
        .appraise(
            &system(),
            &appraisal(
                good,
                Some("donation:2/BB"),
                Verdict::Fail,
                Some("Vỡ màn hình"),
            ),
        )
        .await
        .unwrap();
    assert_eq!(fail.devices, 1);
    assert_eq!(
        store.device("G-3").await.unwrap().unwrap().state,
        DeviceState::Rejected
    );
    // Nothing left to appraise in a batch already decided.
    assert_eq!(
        code_of(
            store
                .appraise(
                    &system(),
                    &appraisal(good, Some("donation:1/BB"), Verdict::Pass, None)
                )
                .await
                .unwrap_err()
        ),
        "nothing_to_appraise"
    );
    assert_eq!(
        store
            .stock_in(&system(), good, "donation:1/BB")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        code_of(
            store
                .stock_in(&system(), good, "donation:2/BB")
                .await
                .unwrap_err()
        ),
        "nothing_to_appraise"
    );
    let g1 = store.device("G-1").await.unwrap().unwrap();
    assert_eq!((g1.state, g1.holder), (DeviceState::InStock, Holder::Board));
    store
        .change_device(
            &system(),
            "G-1",
            DeviceState::Allocated,
            Holder::Board,
            None,
        )
        .await
        .unwrap();
    let batches = store.batches().await.unwrap();
    let b1 = batches
        .iter()
        .find(|b| b.model_id == good && b.source == "donation:1/BB")
        .unwrap();
    assert_eq!(
        (b1.in_stock, b1.total, b1.model_verdict, b1.batch_verdict),
        (1, 2, Some(Verdict::Pass), Some(Verdict::Pass))
    );
    let b2 = batches
        .iter()
        .find(|b| b.model_id == good && b.source == "donation:2/BB")
        .unwrap();
    assert_eq!((b2.rejected, b2.batch_verdict), (1, Some(Verdict::Fail)));
    let list = store.appraisals(Some(good)).await.unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].notes.as_deref(), Some("Vỡ màn hình"));
    // Every change of state left an event, and the counts still add up.
    let counts = store.device_counts().await.unwrap();
    assert_eq!(counts.values().sum::<i64>(), 4);
    let history: Vec<String> = store
        .device_history("G-1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.to_state)
        .collect();
    assert_eq!(
        history,
        vec!["received", "appraised", "in_stock", "allocated"]
    );
}

/// A line recorded with its quantity only: its serials come at intake, of its model, up
/// to its quantity — also when two intakes of the line run at once.
async fn a_receipt_line_takes_its_serials_at_intake_and_no_more(db: &TestDb) {
    use domain::devices::Batch;
    use songmaytinh_store::devices::SerialRow;
    let store = &db.store;
    let m1 = store
        .create_device_model(&system(), &model("Samsung", "Tab A8"))
        .await
        .unwrap();
    let m2 = store
        .create_device_model(&system(), &model("Lenovo", "Tab M10"))
        .await
        .unwrap();
    let donor_id = store
        .save_donor(&system(), None, &donor("Công ty A"))
        .await
        .unwrap();
    let mut line = item(m1, &[]);
    line.quantity = 3;
    let out = store
        .record_donation(
            &system(),
            &receipt(donor_id, "20/BB-BTNĐP", vec![line]),
            Lang::Vi,
        )
        .await
        .unwrap();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.devices, 0);
    let lines = store.receipt_lines_to_scan().await.unwrap();
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    assert_eq!(
        (l.minutes_no.as_str(), l.quantity, l.registered, l.model_id),
        ("20/BB-BTNĐP", 3, 0, m1)
    );
    let batch = Batch::ReceiptLine(l.item_id);
    let rows = |names: &[&str]| -> Vec<SerialRow> {
        names
            .iter()
            .enumerate()
            .map(|(i, s)| SerialRow {
                row: i + 1,
                serial: s.to_string(),
                imei: None,
            })
            .collect()
    };
    let code = |e: StoreError| match e {
        StoreError::Domain(d) => d.code(),
        other => panic!("{other:?}"),
    };
    // Another model, an unknown line: refused.
    let e = store
        .register_devices(&system(), m2, &batch, &rows(&["X-1"]), Lang::Vi, false)
        .await
        .unwrap_err();
    assert_eq!(code(e), "batch_model");
    let e = store
        .register_devices(
            &system(),
            m1,
            &Batch::ReceiptLine(l.item_id + 1000),
            &rows(&["X-1"]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "unknown_batch");
    // Two intakes at once, two devices each, on a line of three: one is refused whole.
    let actor = system();
    let (ra, rb) = (rows(&["A-1", "A-2"]), rows(&["B-1", "B-2"]));
    let (a, b) = tokio::join!(
        store.register_devices(&actor, m1, &batch, &ra, Lang::Vi, false),
        store.register_devices(&actor, m1, &batch, &rb, Lang::Vi, false),
    );
    let done: Vec<bool> = [&a, &b].iter().map(|r| r.is_ok()).collect();
    assert_eq!(done.iter().filter(|d| **d).count(), 1, "{a:?} {b:?}");
    let refused = if a.is_ok() { b } else { a };
    let refused = refused.unwrap_err();
    assert!(
        matches!(&refused, StoreError::Domain(d) if d.code() == "batch_full")
            || matches!(refused, StoreError::Busy),
        "{refused:?}"
    );
    let left = store.receipt_lines_to_scan().await.unwrap();
    assert_eq!((left[0].registered, left[0].quantity), (2, 3));
    let e = store
        .register_devices(
            &system(),
            m1,
            &batch,
            &rows(&["C-1", "C-2"]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "batch_full");
    store
        .register_devices(&system(), m1, &batch, &rows(&["C-1"]), Lang::Vi, false)
        .await
        .unwrap();
    assert!(
        store.receipt_lines_to_scan().await.unwrap().is_empty(),
        "a full line is not offered"
    );
    let rec = store.donation(out.id.unwrap()).await.unwrap().unwrap();
    assert_eq!(rec.items[0].serials.len(), 3, "the serials are the line's");
}
