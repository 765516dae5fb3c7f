//! Signal on SQLite and PostgreSQL: a dead zone from its report to covered (its students
//! counted from the fixture's villages, its steps only forward and in date order, two
//! officers moving it at once), a school's connection and its history, a data SIM with
//! the device it goes with, and the platforms with their decision.

use domain::ErrorKind;
use domain::signal::{Carrier, Connectivity, SignalLevel, ZoneStatus};
use songmaytinh_store::signal::{NewConnection, NewSim, NewZone, Platform};
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::{TestDb, executed_allocation, handed_to_students, system};
use time::macros::date;

storage_tests!(
    a_dead_zone_from_report_to_covered,
    connections_sims_and_platforms
);

async fn a_dead_zone_from_report_to_covered(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    // Four schools of six; the two of district 663 list their students in Thôn 1, xã Đắk Lao.
    executed_allocation(store, 6, 10, 14).await;
    let district = store.unit_by_code("663").await.unwrap().unwrap();
    let zone = |village: Option<&str>| NewZone {
        district_id: district.id,
        commune: "xã Đắk  Lao".into(),
        village: village.map(str::to_string),
        point: Some((12.52, 107.61)),
        carriers: vec![Carrier::Vnpt, Carrier::Viettel, Carrier::Vnpt],
        signal: SignalLevel::NoSignal,
        note: None,
        opened_on: date!(2022 - 09 - 01),
    };
    let id = store
        .report_zone(&actor, &zone(Some("thôn 1")))
        .await
        .unwrap();
    let other = store
        .report_zone(&actor, &zone(Some("Thôn 9")))
        .await
        .unwrap();
    let (z, steps) = store.dead_zone(id).await.unwrap().unwrap();
    // Twelve students live there (six per school of the district); none in Thôn 9.
    assert_eq!(z.students, 12);
    assert_eq!(z.carriers, vec![Carrier::Viettel, Carrier::Vnpt]);
    assert_eq!(z.point, Some((12_520_000, 107_610_000)));
    assert_eq!((z.status, steps.len()), (ZoneStatus::Open, 1));
    assert_eq!(store.dead_zone(other).await.unwrap().unwrap().0.students, 0);

    // Outside Việt Nam, no carrier, no commune: refused, nothing written.
    let mut bad = zone(None);
    bad.point = Some((48.8, 2.3));
    assert_eq!(
        code(&store.report_zone(&actor, &bad).await.unwrap_err()),
        "zone_coordinates"
    );
    let mut bad = zone(None);
    bad.carriers.clear();
    assert!(store.report_zone(&actor, &bad).await.is_err());
    let mut bad = zone(None);
    bad.commune = "  ".into();
    assert!(store.report_zone(&actor, &bad).await.is_err());

    // Sorted by students affected; a carrier's list holds only its zones.
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let all = store.dead_zones(&province.scope(), None).await.unwrap();
    assert_eq!(
        all.iter().map(|z| z.id).collect::<Vec<_>>(),
        vec![id, other]
    );
    assert!(
        store
            .dead_zones(&province.scope(), Some(Carrier::Mobifone))
            .await
            .unwrap()
            .is_empty()
    );
    // A school of the district sees its district's zones; one of another district does not.
    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    let far = store.unit_by_code("67666002").await.unwrap().unwrap();
    assert_eq!(store.dead_zones(&school.path, None).await.unwrap().len(), 2);
    assert!(store.dead_zones(&far.path, None).await.unwrap().is_empty());

    // Forward, step by step; backwards, in place, or dated before: refused, unchanged.
    store
        .advance_zone(
            &actor,
            id,
            ZoneStatus::SentToCarrier,
            date!(2022 - 09 - 05),
            Some("Công văn 512/STTTT"),
        )
        .await
        .unwrap();
    let e = store
        .advance_zone(&actor, id, ZoneStatus::Open, date!(2022 - 09 - 06), None)
        .await
        .unwrap_err();
    assert_eq!(
        (code(&e), kind(&e)),
        ("zone_status_backwards", ErrorKind::Conflict)
    );
    let e = store
        .advance_zone(
            &actor,
            id,
            ZoneStatus::CarrierAnswered,
            date!(2022 - 09 - 04),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(code(&e), "zone_date_before");
    assert!(e.to_string().contains("05/09/2022"), "{e}");
    assert_eq!(
        store.dead_zone(id).await.unwrap().unwrap().0.status,
        ZoneStatus::SentToCarrier
    );
    store
        .advance_zone(
            &actor,
            id,
            ZoneStatus::CarrierAnswered,
            date!(2022 - 09 - 20),
            None,
        )
        .await
        .unwrap();
    // Two officers record the coverage at once: one succeeds, the other is told.
    let (a, b) = tokio::join!(
        store.advance_zone(
            &actor,
            id,
            ZoneStatus::Covered,
            date!(2022 - 11 - 15),
            Some("Trạm BTS mới")
        ),
        store.advance_zone(&actor, id, ZoneStatus::Covered, date!(2022 - 11 - 15), None),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "{a:?} {b:?}"
    );
    let (z, steps) = store.dead_zone(id).await.unwrap().unwrap();
    assert_eq!(z.status, ZoneStatus::Covered);
    assert_eq!(z.status_on, date!(2022 - 11 - 15));
    let got: Vec<(ZoneStatus, time::Date)> = steps.iter().map(|s| (s.status, s.day)).collect();
    assert_eq!(
        got,
        vec![
            (ZoneStatus::Open, date!(2022 - 09 - 01)),
            (ZoneStatus::SentToCarrier, date!(2022 - 09 - 05)),
            (ZoneStatus::CarrierAnswered, date!(2022 - 09 - 20)),
            (ZoneStatus::Covered, date!(2022 - 11 - 15)),
        ]
    );
    assert_eq!(steps[1].note.as_deref(), Some("Công văn 512/STTTT"));
    // Every step is in the audit chain, and the chain holds.
    let entries = songmaytinh_store::testing::raw_count(
        &db.url,
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'dead_zone'",
    )
    .await;
    assert_eq!(entries, 2 + 3);
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

async fn connections_sims_and_platforms(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 6, 10, 14).await;
    let school = store.unit_by_code("67663002").await.unwrap().unwrap();
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    // The school list said "không": without Internet before anyone records it here.
    let before = store.school_connections(&province.scope()).await.unwrap();
    let row = before.iter().find(|s| s.code == "67663002").unwrap();
    assert_eq!((row.kind, row.recorded), (Some(Connectivity::None), false));
    let record = |kind, speed, day| NewConnection {
        school_id: school.id,
        kind,
        speed_mbps: speed,
        provider: Some("VNPT".into()),
        note: None,
        noted_on: day,
    };
    store
        .record_connectivity(
            &actor,
            &record(Connectivity::MobileOnly, Some(8), date!(2022 - 09 - 01)),
        )
        .await
        .unwrap();
    store
        .record_connectivity(
            &actor,
            &record(Connectivity::Fixed, Some(100), date!(2022 - 12 - 01)),
        )
        .await
        .unwrap();
    assert_eq!(
        code(
            &store
                .record_connectivity(
                    &actor,
                    &record(Connectivity::Fixed, Some(-5), date!(2022 - 12 - 02))
                )
                .await
                .unwrap_err()
        ),
        "connectivity_speed"
    );
    let history = store.connectivity_history(school.id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| (h.kind, h.speed_mbps))
            .collect::<Vec<_>>(),
        vec![
            (Connectivity::Fixed, Some(100)),
            (Connectivity::MobileOnly, Some(8))
        ]
    );
    let now = store.school_connections(&province.scope()).await.unwrap();
    let row = now.iter().find(|s| s.code == "67663002").unwrap();
    assert_eq!(
        (row.kind, row.speed_mbps, row.recorded),
        (Some(Connectivity::Fixed), Some(100), true)
    );
    // The units' lists follow.
    let unit = store.unit_by_code("67663002").await.unwrap().unwrap();
    assert_eq!(
        unit.internet,
        Some(domain::units::InternetStatus::Connected)
    );

    // A SIM goes with the device its student holds.
    let handed = handed_to_students(store, "67663001", 2).await;
    let sim = |student, phone: &str| NewSim {
        student_id: student,
        carrier: Carrier::Viettel,
        package: "ST70K".into(),
        phone: phone.into(),
        starts_on: date!(2022 - 09 - 05),
        ends_on: Some(date!(2023 - 09 - 04)),
    };
    store
        .record_sim(&actor, &sim(handed[0], "0912 345 678"))
        .await
        .unwrap();
    // The same number for another student, a student without a device, dates reversed.
    assert_eq!(
        code(
            &store
                .record_sim(&actor, &sim(handed[1], "+84912345678"))
                .await
                .unwrap_err()
        ),
        "sim_taken"
    );
    // A student of the other school: allocated, the device not handed yet.
    let other = store.unit_by_code("67663002").await.unwrap().unwrap();
    let without = store.students_to_hand(other.id).await.unwrap()[0].student_id;
    assert_eq!(
        code(
            &store
                .record_sim(&actor, &sim(without, "0987654321"))
                .await
                .unwrap_err()
        ),
        "sim_without_device"
    );
    let mut reversed = sim(handed[1], "0987654321");
    reversed.ends_on = Some(date!(2022 - 01 - 01));
    assert_eq!(
        code(&store.record_sim(&actor, &reversed).await.unwrap_err()),
        "sim_dates"
    );
    let sims = store.sims(&province.scope()).await.unwrap();
    assert_eq!(sims.len(), 1);
    assert_eq!(sims[0].phone, "0912345678");
    assert!(sims[0].with_device);
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    assert_eq!(sims[0].serial, serial);
    let counts = store
        .sim_counts(&province.scope(), date!(2023 - 01 - 01))
        .await
        .unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].total, counts[0].active), (1, 1));
    assert_eq!(counts[0].by_carrier.get(&Carrier::Viettel), Some(&1));
    let after = store
        .sim_counts(&province.scope(), date!(2023 - 10 - 01))
        .await
        .unwrap();
    assert_eq!(after[0].active, 0);

    // Platforms: a recommended one needs its decision; one address once.
    let mut p = Platform {
        id: None,
        name: "OLM".into(),
        url: "HTTPS://OLM.VN".into(),
        provider: "Công ty Cổ phần Công nghệ Giáo dục Thành Phát".into(),
        purpose: "Học và làm bài tập trực tuyến".into(),
        recommended: true,
        decision_no: None,
        decision_date: None,
    };
    assert_eq!(
        code(&store.save_platform(&actor, &p).await.unwrap_err()),
        "platform_decision"
    );
    p.decision_no = Some("1234/QĐ-SGDĐT".into());
    p.decision_date = Some(date!(2022 - 08 - 15));
    let id = store.save_platform(&actor, &p).await.unwrap();
    assert_eq!(
        code(&store.save_platform(&actor, &p).await.unwrap_err()),
        "platform_exists"
    );
    let mut k12 = p.clone();
    k12.name = "K12Online".into();
    k12.url = "https://k12online.vn".into();
    k12.recommended = false;
    store.save_platform(&actor, &k12).await.unwrap();
    assert_eq!(store.platforms(true).await.unwrap().len(), 1);
    assert_eq!(store.platforms(false).await.unwrap().len(), 2);
    p.id = Some(id);
    p.recommended = false;
    store.save_platform(&actor, &p).await.unwrap();
    assert!(store.platforms(true).await.unwrap().is_empty());
    assert_eq!(
        store.platforms(false).await.unwrap()[0].url,
        "https://k12online.vn"
    );
}

fn code(e: &songmaytinh_store::StoreError) -> &'static str {
    match e {
        songmaytinh_store::StoreError::Domain(d) => d.code(),
        _ => "other",
    }
}

fn kind(e: &songmaytinh_store::StoreError) -> ErrorKind {
    match e {
        songmaytinh_store::StoreError::Domain(d) => d.kind(),
        _ => ErrorKind::Invalid,
    }
}
