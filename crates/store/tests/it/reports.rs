//! Reports on SQLite and PostgreSQL: the funnel by unit and tier, counted by hand from
//! what the fixture did (four schools of six students, two per tier, all served by one
//! run; one student's device taken down the chain, signed for and entered in CSDL
//! ngành); the scope of a district; a period that ends before anything happened.

use domain::reports::{Period, Stage};
use songmaytinh_store::handover::csdl::CsdlMark;
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::{TestDb, executed_allocation, system};

storage_tests!(the_funnel_by_unit_and_tier);

async fn the_funnel_by_unit_and_tier(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 6, 10, 14).await;
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    let office = school.parent_id.unwrap();
    let program = store.report_program(None).await.unwrap().unwrap();

    // Down the chain for school 67663001 (the Board → its office → the school → one
    // student), then CSDL ngành.
    let handed = songmaytinh_store::testing::handed_to_students(store, "67663001", 1).await;
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    store
        .mark_csdl(
            &actor,
            school.id,
            &[CsdlMark {
                row: 2,
                serial,
                entered: true,
            }],
            "tick",
        )
        .await
        .unwrap();
    let first_rank = store.student(handed[0]).await.unwrap().unwrap().0.tier_rank;

    // The province: three rows (district 663 with two schools, 666 with one, the Sở's
    // direct school last), 24 students, 8 per tier, all allocated; one handed over.
    let r = store
        .progress_report(&province, &program, Period::default())
        .await
        .unwrap();
    assert!(r.whole_province);
    assert_eq!(r.tiers.len(), 3);
    let totals: Vec<i64> = Stage::ALL.iter().map(|s| r.total.get(*s)).collect();
    assert_eq!(totals, vec![24, 24, 24, 1, 1]);
    for (i, f) in r.by_tier.iter().enumerate() {
        let handed = i64::from(r.tiers[i].rank == first_rank);
        assert_eq!(
            (
                f.get(Stage::Surveyed),
                f.get(Stage::Allocated),
                f.get(Stage::Handed)
            ),
            (8, 8, handed),
            "tier {}",
            r.tiers[i].code
        );
    }
    let rows: Vec<(String, bool, i64, i64)> = r
        .rows
        .iter()
        .map(|x| {
            (
                x.code.clone(),
                x.direct,
                x.total.get(Stage::Surveyed),
                x.total.get(Stage::Handed),
            )
        })
        .collect();
    let office_code = store
        .unit_by_id(office)
        .await
        .unwrap()
        .unwrap()
        .code
        .as_str()
        .to_string();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0], (office_code.clone(), false, 12, 1));
    assert_eq!((rows[1].2, rows[1].3), (6, 0));
    assert!(rows[2].1, "the Sở's schools come last: {rows:?}");
    // Devices: 24 reserved; the office's 12 went down, 6 to the school, one to a student.
    let d = &r.devices;
    assert_eq!(
        (d.allocated, d.with_unit, d.with_school, d.with_student),
        (12, 6, 5, 1)
    );
    assert_eq!(d.received_bought + d.received_donated, 24);
    let money = r.money.as_ref().unwrap();
    assert_eq!(money.raised.0, 0);

    // The district: its two schools, its devices only; no money.
    let district = store.unit_by_id(office).await.unwrap().unwrap();
    let r = store
        .progress_report(&district, &program, Period::default())
        .await
        .unwrap();
    assert!(!r.whole_province && r.money.is_none());
    let rows: Vec<(String, i64, i64, i64)> = r
        .rows
        .iter()
        .map(|x| {
            (
                x.code.clone(),
                x.total.get(Stage::Surveyed),
                x.total.get(Stage::Handed),
                x.total.get(Stage::InCsdl),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("67663001".to_string(), 6, 1, 1),
            ("67663002".to_string(), 6, 0, 0)
        ]
    );
    let d = &r.devices;
    assert_eq!(
        (d.allocated, d.with_unit, d.with_school, d.with_student),
        (0, 6, 5, 1)
    );
    assert_eq!(d.received_donated, 12, "what the office signed for");

    // A period that ended before anything: the lists stand, nothing else happened in it.
    let yesterday = time::OffsetDateTime::now_utc().date() - time::Duration::days(2);
    let past = Period::new(None, Some(yesterday)).unwrap();
    let r = store
        .progress_report(&province, &program, past)
        .await
        .unwrap();
    let totals: Vec<i64> = Stage::ALL.iter().map(|s| r.total.get(*s)).collect();
    assert_eq!(totals, vec![24, 24, 0, 0, 0]);
    assert_eq!(r.devices.received_bought + r.devices.received_donated, 0);
}

storage_tests!(a_closed_program_is_anonymised_and_its_totals_stay);

async fn a_closed_program_is_anonymised_and_its_totals_stay(db: &TestDb) {
    use domain::audit::checkpoint::LogSigner;
    use domain::reports::ReportsError;
    use songmaytinh_store::StoreError;
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 6, 10, 14).await;
    let handed = songmaytinh_store::testing::handed_to_students(store, "67663001", 2).await;
    let round = store.current_round().await.unwrap().unwrap();
    let program = store.report_program(None).await.unwrap().unwrap();
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let named = store.student(handed[0]).await.unwrap().unwrap().0.full_name;
    store
        .add_evidence(
            &actor,
            handed[0],
            "so-ho-ngheo.pdf",
            "application/pdf",
            format!("%PDF-1.4 giấy chứng nhận hộ nghèo của {named}").into_bytes(),
        )
        .await
        .unwrap();
    // The student's data SIM, and a repair their parent reported.
    store
        .record_sim(
            &actor,
            &songmaytinh_store::signal::NewSim {
                student_id: handed[0],
                carrier: domain::signal::Carrier::Viettel,
                package: "ST70K".into(),
                phone: "0911 222 333".into(),
                starts_on: time::macros::date!(2022 - 09 - 05),
                ends_on: None,
            },
        )
        .await
        .unwrap();
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    store
        .open_repair(
            &actor,
            &songmaytinh_store::aftercare::NewTicket {
                serial,
                fault: "Màn hình không lên".into(),
                reported_by: "Hà Thị Lan".into(),
                reported_on: time::macros::date!(2022 - 10 - 03),
                vendor: None,
            },
        )
        .await
        .unwrap();
    let signer = LogSigner::from_seed("songmaytinh.test/audit", [3; 32]).unwrap();
    store.log_checkpoint(&signer).await.unwrap();
    let before = store
        .progress_report(&province, &program, Period::default())
        .await
        .unwrap();

    // The personal data the fixture wrote: names, codes, birth dates, the guardian.
    let student = store.student(handed[0]).await.unwrap().unwrap().0;
    let needles = vec![
        student.full_name.clone(),
        student.student_code.clone().unwrap(),
        student.dob.clone(),
        "Hà Thị Lan".to_string(),
        "Phụ Huynh".to_string(),
        "0911222333".to_string(),
    ];
    let cols = songmaytinh_store::testing::text_columns(store).await;
    let seen = songmaytinh_store::testing::found_in(store, &cols, &needles[0]).await;
    assert!(
        seen.iter().any(|c| c.starts_with("documents.data")),
        "the search finds what is there, files too: {seen:?}"
    );

    // An open round keeps its data.
    let e = store
        .anonymise_program(&actor, program.id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Domain(domain::DomainError::Reports(
                ReportsError::RoundsOpen { .. }
            ))
        ),
        "{e:?}"
    );
    assert_eq!(
        store.student(handed[0]).await.unwrap().unwrap().0.full_name,
        student.full_name
    );

    store.set_round_open(&actor, round.id, false).await.unwrap();
    let n = store.anonymise_program(&actor, program.id).await.unwrap();
    assert_eq!((n.students, n.signatures, n.documents), (24, 2, 1), "{n:?}");
    assert!(n.personal >= 2, "{n:?}");

    // Same totals, no personal data anywhere, the chain and the checkpoints verify.
    let after = store
        .progress_report(&province, &program, Period::default())
        .await
        .unwrap();
    assert_eq!(before.total, after.total);
    assert_eq!(before.by_tier, after.by_tier);
    assert_eq!(
        before.rows.iter().map(|r| r.total).collect::<Vec<_>>(),
        after.rows.iter().map(|r| r.total).collect::<Vec<_>>()
    );
    assert_eq!(before.devices.with_student, after.devices.with_student);
    for needle in &needles {
        let left = songmaytinh_store::testing::found_in(store, &cols, needle).await;
        assert!(left.is_empty(), "{needle} is still in {left:?}");
    }
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
    store.log_checkpoint(&signer).await.unwrap();
    let check = store.verify_checkpoints(&signer.verifier()).await.unwrap();
    assert!(check.failed.is_empty() && check.checked >= 2, "{check:?}");
    let audit = store
        .audit_entries(None, 5, Some(domain::audit::Entity::Program))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "anonymise"), "{audit:?}");

    // Once only; and the frozen minutes are frozen again.
    let e = store
        .anonymise_program(&actor, program.id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Domain(domain::DomainError::Reports(
                ReportsError::AlreadyAnonymised { .. }
            ))
        ),
        "{e:?}"
    );
    let e = store.anonymise_program(&actor, 9_999).await.unwrap_err();
    assert!(e.to_string().contains("9999"), "{e}");
    let tampered = songmaytinh_store::testing::raw_in_transaction(
        store,
        &["UPDATE handover_signatures SET signer_name = 'X'".to_string()],
    )
    .await;
    assert!(tampered.is_err(), "signatures are append-only again");
}
