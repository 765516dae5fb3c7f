//! Handover on SQLite and PostgreSQL: the Board lists what the executed run sends a
//! district office (a serial of another unit, or unknown, refuses the whole list, naming
//! each); the office scans what arrived and signs once (the missing stay with the Board,
//! the extra are recorded); the office hands a school its share; the school hands a
//! student their device with the guardian's signature; a return with its reason; the
//! CSDL ngành marks. Two officers listing the same device, or handing the same student,
//! at the same moment: exactly one succeeds. Signed minutes do not change, not even by
//! hand.

use crate::common::*;
use domain::devices::{DeviceState, Holder};
use domain::handover::{HandoverStatus, Relation, Signer, Step};
use songmaytinh_store::handover::csdl::CsdlMark;
use songmaytinh_store::handover::{
    NewHandover, SignatureFile, SignatureInput, StudentHandover, StudentReturn,
};
use songmaytinh_store::testing::{TestDb, drawn_signature, executed_allocation, officer};
use songmaytinh_store::{Store, StoreError, storage_tests};

storage_tests!(
    down_the_chain_to_a_student_and_into_csdl,
    two_officers_listing_the_same_device,
    two_officers_handing_the_same_student,
    signed_minutes_do_not_change,
);

fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Domain(d) => d.code().to_string(),
        StoreError::Rows(rows) => rows
            .iter()
            .map(|r| format!("{}:{}", r.row, r.error.code()))
            .collect::<Vec<_>>()
            .join(","),
        other => format!("{other:?}"),
    }
}

fn drawn() -> SignatureInput {
    SignatureInput::Drawn(drawn_signature())
}

fn guardian() -> Signer {
    Signer {
        name: "Hà Thị Lan".into(),
        position: None,
        relation: Some(Relation::Mother),
        id_number: Some("067188001234".into()),
    }
}

async fn unit_id(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().unwrap().id
}

async fn district_of(store: &Store, school: &str) -> i64 {
    store
        .unit_by_code(school)
        .await
        .unwrap()
        .unwrap()
        .parent_id
        .unwrap()
}

async fn state_of(store: &Store, serial: &str) -> (DeviceState, Holder) {
    let t = store.device(serial).await.unwrap().unwrap();
    (t.state, t.holder)
}

async fn down_the_chain_to_a_student_and_into_csdl(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 6, 10, 14).await;
    let office = district_of(store, "67663001").await;
    let other_office = district_of(store, "67666002").await;
    let school = unit_id(store, "67663001").await;

    // What the Board holds for each unit: every reserved device, none listed yet.
    let to_hand = store.to_hand(Holder::Board).await.unwrap();
    let total: i64 = to_hand.iter().map(|t| t.devices).sum();
    assert_eq!(total, 24);
    let packing = store.packing_list(Holder::Board, office).await.unwrap();
    let elsewhere = store
        .packing_list(Holder::Board, other_office)
        .await
        .unwrap();
    assert!(!packing.is_empty() && !elsewhere.is_empty());
    let mut serials: Vec<String> = packing.iter().map(|p| p.serial.clone()).collect();

    // A serial of another unit's share and one the registry does not have: refused, each
    // named with its line; nothing written.
    let mut bad = serials.clone();
    bad.push(elsewhere[0].serial.clone());
    bad.push("KHONGCO999".into());
    let e = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: bad.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        code_of(e),
        format!(
            "{}:handover_allocated_elsewhere,{}:handover_unknown_serial",
            bad.len() - 1,
            bad.len()
        )
    );
    assert!(
        store
            .to_hand(Holder::Board)
            .await
            .unwrap()
            .iter()
            .all(|t| t.on_open_minutes == 0)
    );

    // The Board lists its share; the minutes wait for the office.
    let h = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: serials.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!((h.step, h.status), (Step::ToUnit, HandoverStatus::Sent));
    assert!(h.number.ends_with("/BBBG-BĐP"), "{}", h.number);
    assert_eq!(h.devices as usize, serials.len());
    assert_eq!(state_of(store, &serials[0]).await.0, DeviceState::Allocated);
    // The same devices again: each is on open minutes.
    let e = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: serials[..1].to_vec(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "1:handover_in_another_batch");

    // The office scans what arrived: one box missing, one box from elsewhere.
    let missing = serials.pop().unwrap();
    let mut scanned = serials.clone();
    scanned.push("LẠ0001".replace('Ạ', "A"));
    let signed = store
        .confirm_handover(&actor, h.id, &scanned, &officer("Trần Thị Bình"), &drawn())
        .await
        .unwrap();
    assert_eq!(signed.status, HandoverStatus::Confirmed);
    assert_eq!(
        (signed.received, signed.missing),
        (Some(serials.len() as i64), Some(1))
    );
    assert_eq!(signed.extra, vec!["LA0001".to_string()]);
    assert_eq!(
        state_of(store, &serials[0]).await,
        (DeviceState::WithUnit, Holder::Unit(office))
    );
    assert_eq!(
        state_of(store, &missing).await,
        (DeviceState::Allocated, Holder::Board),
        "the missing box stays with the Board"
    );
    let holdings = store.holdings(office).await.unwrap();
    assert_eq!((holdings.held, holdings.missing), (serials.len() as i64, 1));
    // Kept: the frozen minutes with their hash, the drawings with theirs.
    let sig = store.handover_signature(h.id).await.unwrap().unwrap();
    assert_eq!(sig.how, "drawn");
    assert_eq!(
        sig.minutes_sha256,
        domain::digest::sha256_hex(sig.minutes_text.as_bytes())
    );
    assert!(sig.minutes_text.contains(&missing));
    let (ctype, png) = store
        .signature_file(h.id, SignatureFile::Png)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ctype, "image/png");
    assert_eq!(
        sig.png_sha256.as_deref(),
        Some(domain::digest::sha256_hex(&png).as_str())
    );
    let audit = store
        .audit_entries(None, 50, Some(domain::audit::Entity::Handover))
        .await
        .unwrap();
    assert!(
        audit.iter().any(|e| e.action == "confirm"
            && e.changes
                .as_deref()
                .is_some_and(|c| c.contains(&sig.minutes_sha256))),
        "the audit entry carries the minutes' hash"
    );
    // Confirmed twice: refused, nothing moves.
    let e = store
        .confirm_handover(&actor, h.id, &scanned, &officer("Trần Thị Bình"), &drawn())
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "handover_state");
    // The missing box, listed again, arrives.
    let again = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: vec![missing.clone()],
            },
        )
        .await
        .unwrap();
    store
        .confirm_handover(
            &actor,
            again.id,
            std::slice::from_ref(&missing),
            &officer("Trần Thị Bình"),
            &drawn(),
        )
        .await
        .unwrap();
    assert_eq!(store.holdings(office).await.unwrap().missing, 0);

    // The office hands the school its share; a school of another office is not its own.
    let e = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Unit(office),
                receiver: unit_id(store, "67666002").await,
                serials: vec![serials[0].clone()],
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "handover_wrong_receiver");
    let share = store
        .packing_list(Holder::Unit(office), school)
        .await
        .unwrap();
    let share: Vec<String> = share.iter().map(|p| p.serial.clone()).collect();
    assert!(!share.is_empty());
    let to_school = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Unit(office),
                receiver: school,
                serials: share.clone(),
            },
        )
        .await
        .unwrap();
    assert!(
        to_school.number.starts_with("1/BBBG-"),
        "{}",
        to_school.number
    );
    store
        .confirm_handover(
            &actor,
            to_school.id,
            &share,
            &officer("Lê Văn Cường"),
            &drawn(),
        )
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &share[0]).await,
        (DeviceState::WithSchool, Holder::School(school))
    );

    // The school hands a student their own device; another student's device is refused.
    let students = store.students_to_hand(school).await.unwrap();
    let ready: Vec<_> = students
        .iter()
        .filter(|s| s.state() == Some(DeviceState::WithSchool))
        .collect();
    assert!(ready.len() >= 2);
    let (first, second) = (ready[0], ready[1]);
    let e = store
        .hand_to_student(
            &actor,
            &StudentHandover {
                school,
                student: first.student_id,
                serial: second.serial.clone(),
                signer: guardian(),
                signature: drawn(),
                sim_carrier: None,
                sim_number: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "handover_allocated_elsewhere");
    let bad_sim = store
        .hand_to_student(
            &actor,
            &StudentHandover {
                school,
                student: first.student_id,
                serial: first.serial.clone(),
                signer: guardian(),
                signature: drawn(),
                sim_carrier: Some("Viettel".into()),
                sim_number: Some("12345".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(bad_sim), "sim_number_invalid");
    let given = store
        .hand_to_student(
            &actor,
            &StudentHandover {
                school,
                student: first.student_id,
                serial: first.serial.clone(),
                signer: guardian(),
                signature: drawn(),
                sim_carrier: Some("Viettel".into()),
                sim_number: Some("0912 345 678".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (given.step, given.status),
        (Step::ToStudent, HandoverStatus::Confirmed)
    );
    assert_eq!(given.sim_number.as_deref(), Some("0912345678"));
    assert_eq!(
        state_of(store, &first.serial).await,
        (DeviceState::WithStudent, Holder::Student(first.student_id))
    );
    let sig = store.handover_signature(given.id).await.unwrap().unwrap();
    assert_eq!(sig.relation(), Some(Relation::Mother));
    assert!(sig.minutes_text.contains("Hà Thị Lan"));
    // Served once: the same student again is told which device they hold.
    let e = store
        .hand_to_student(
            &actor,
            &StudentHandover {
                school,
                student: first.student_id,
                serial: first.serial.clone(),
                signer: guardian(),
                signature: drawn(),
                sim_carrier: None,
                sim_number: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "handover_already_holds");
    assert_eq!(
        store.device_of_student(first.student_id).await.unwrap(),
        Some(first.serial.clone())
    );

    // CSDL ngành: the school's one row; a stray serial refuses the sheet; then marked.
    let rows = store.csdl_rows(school).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].serial, first.serial);
    assert!(rows[0].received_at.is_some());
    let root = store.unit_by_code("67").await.unwrap().map(|u| u.path);
    let within = root.unwrap_or_else(domain::units::UnitPath::everything);
    assert_eq!(store.handed_counts(&within).await.unwrap(), (1, 1));
    let e = store
        .mark_csdl(
            &actor,
            school,
            &[
                CsdlMark {
                    row: 2,
                    serial: first.serial.clone(),
                    entered: true,
                },
                CsdlMark {
                    row: 3,
                    serial: second.serial.clone(),
                    entered: true,
                },
            ],
            "upload",
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "3:csdl_row");
    assert_eq!(
        store.handed_counts(&within).await.unwrap(),
        (1, 1),
        "nothing written"
    );
    let applied = store
        .mark_csdl(
            &actor,
            school,
            &[CsdlMark {
                row: 2,
                serial: first.serial.clone(),
                entered: true,
            }],
            "tick",
        )
        .await
        .unwrap();
    assert_eq!(applied.marked, 1);
    assert_eq!(store.handed_counts(&within).await.unwrap(), (1, 0));

    // A return needs its reason; signed, the device leaves the student and the CSDL row.
    let ret = |reason: &str| StudentReturn {
        school,
        student: first.student_id,
        reason: reason.into(),
        signer: guardian(),
        signature: drawn(),
    };
    assert_eq!(
        code_of(store.return_device(&actor, &ret("  ")).await.unwrap_err()),
        "return_reason_missing"
    );
    let back = store
        .return_device(&actor, &ret("Gia đình chuyển đi tỉnh khác"))
        .await
        .unwrap();
    assert!(back.number.contains("/BBTH-"), "{}", back.number);
    assert_eq!(
        state_of(store, &first.serial).await,
        (DeviceState::Returned, Holder::Board)
    );
    assert_eq!(store.handed_counts(&within).await.unwrap(), (0, 0));
    assert_eq!(
        store
            .handovers_of_student(first.student_id)
            .await
            .unwrap()
            .len(),
        2
    );

    // A school directly under the Department receives from the Board and holds its
    // devices as a school at once.
    let direct = unit_id(store, "67000001").await;
    let share: Vec<String> = store
        .packing_list(Holder::Board, direct)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.serial)
        .collect();
    let h = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: direct,
                serials: share.clone(),
            },
        )
        .await
        .unwrap();
    store
        .confirm_handover(&actor, h.id, &share, &officer("Phạm Thị Dung"), &drawn())
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &share[0]).await,
        (DeviceState::WithSchool, Holder::School(direct))
    );
    // The chain is all in the audit, unbroken.
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

async fn two_officers_listing_the_same_device(db: &TestDb) {
    let store = &db.store;
    executed_allocation(store, 3, 0, 12).await;
    let office = district_of(store, "67663001").await;
    let serials: Vec<String> = store
        .packing_list(Holder::Board, office)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.serial)
        .collect();
    let actor = system();
    let new = NewHandover {
        giver: Holder::Board,
        receiver: office,
        serials: serials.clone(),
    };
    let (a, b) = tokio::join!(store.hand_over(&actor, &new), store.hand_over(&actor, &new));
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    let refused = a.as_ref().err().or(b.as_ref().err()).unwrap();
    let StoreError::Rows(rows) = refused else {
        panic!("{refused:?}")
    };
    assert!(
        rows.iter()
            .all(|r| r.error.code() == "handover_in_another_batch")
    );
    let done = a.or(b).unwrap();
    // Two receivers signing at once: one signs, the other is told it is signed.
    let signer = officer("Trần Thị Bình");
    let signature = drawn();
    let sign = || store.confirm_handover(&actor, done.id, &serials, &signer, &signature);
    let (a, b) = tokio::join!(sign(), sign());
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert_eq!(code_of(a.err().or(b.err()).unwrap()), "handover_state");
    assert_eq!(
        store.holdings(office).await.unwrap().held as usize,
        serials.len()
    );
}

async fn two_officers_handing_the_same_student(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 3, 0, 12).await;
    let office = district_of(store, "67663001").await;
    let school = unit_id(store, "67663001").await;
    for (giver, receiver) in [(Holder::Board, office), (Holder::Unit(office), school)] {
        let serials: Vec<String> = store
            .packing_list(giver, receiver)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.serial)
            .collect();
        let h = store
            .hand_over(
                &actor,
                &NewHandover {
                    giver,
                    receiver,
                    serials: serials.clone(),
                },
            )
            .await
            .unwrap();
        store
            .confirm_handover(&actor, h.id, &serials, &officer("Cán bộ"), &drawn())
            .await
            .unwrap();
    }
    let first = store.students_to_hand(school).await.unwrap().remove(0);
    let handing = StudentHandover {
        school,
        student: first.student_id,
        serial: first.serial.clone(),
        signer: guardian(),
        signature: drawn(),
        sim_carrier: None,
        sim_number: None,
    };
    let give = || store.hand_to_student(&actor, &handing);
    let (a, b) = tokio::join!(give(), give());
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert_eq!(
        code_of(a.err().or(b.err()).unwrap()),
        "handover_already_holds"
    );
    assert_eq!(
        store
            .handovers_of_student(first.student_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn signed_minutes_do_not_change(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 3, 0, 6).await;
    let office = district_of(store, "67663001").await;
    let serials: Vec<String> = store
        .packing_list(Holder::Board, office)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.serial)
        .collect();
    let h = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: serials.clone(),
            },
        )
        .await
        .unwrap();
    // Withdrawn before signing: nothing moved, the devices free to list again.
    store.cancel_handover(&actor, h.id).await.unwrap();
    assert_eq!(
        code_of(store.cancel_handover(&actor, h.id).await.unwrap_err()),
        "handover_state"
    );
    let h = store
        .hand_over(
            &actor,
            &NewHandover {
                giver: Holder::Board,
                receiver: office,
                serials: serials.clone(),
            },
        )
        .await
        .unwrap();
    store
        .confirm_handover(&actor, h.id, &serials, &officer("Trần Thị Bình"), &drawn())
        .await
        .unwrap();
    for sql in [
        format!("UPDATE handovers SET received = 0 WHERE id = {}", h.id),
        format!(
            "UPDATE handover_signatures SET signer_name = 'X' WHERE handover_id = {}",
            h.id
        ),
        format!(
            "DELETE FROM handover_signatures WHERE handover_id = {}",
            h.id
        ),
    ] {
        assert!(raw_execute(&db.url, &sql).await.is_err(), "{sql}");
    }
}
