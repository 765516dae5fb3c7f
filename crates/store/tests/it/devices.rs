//! The device registry on SQLite and PostgreSQL: registration all or nothing, state
//! changes allowed by the domain and enforced by the database, counts that always add up.

use crate::common::*;
use domain::Lang;
use domain::devices::{DeviceKind, DeviceModel, DeviceState, Holder, Registry};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use songmaytinh_store::devices::{Place, SerialRow};
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::{StoreError, storage_tests};

storage_tests!(
    serials_register_all_or_nothing,
    the_database_refuses_impossible_changes,
    random_changes_keep_the_registry_consistent,
    a_stocktake_names_missing_and_unexpected_serials,
);

fn tablet() -> DeviceModel {
    DeviceModel {
        kind: Some(DeviceKind::Tablet),
        brand: "Samsung".into(),
        model: "Galaxy Tab A8".into(),
        ram_mb: Some(4096),
        lte: Some(true),
        ..Default::default()
    }
}

fn rows(serials: &[(&str, Option<&str>)]) -> Vec<SerialRow> {
    serials
        .iter()
        .enumerate()
        .map(|(i, (s, imei))| SerialRow {
            row: i + 2,
            serial: s.to_string(),
            imei: imei.map(str::to_string),
        })
        .collect()
}

async fn serials_register_all_or_nothing(db: &TestDb) {
    let store = &db.store;
    let model = store
        .create_device_model(&system(), &tablet())
        .await
        .unwrap();
    let ok = store
        .register_devices(
            &system(),
            model,
            &domain::devices::Batch::Contract("01/BB-TN".into()),
            &rows(&[("r58r1 000a", Some("490154203237518")), ("R58R1000B", None)]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap();
    assert_eq!((ok.imported, ok.rejected), (2, 0));
    let d = store.device("R58R1000A").await.unwrap().unwrap();
    assert_eq!((d.state, d.holder), (DeviceState::Received, Holder::Board));

    // One bad row refuses the file: nothing of it is written.
    let bad = store
        .register_devices(
            &system(),
            model,
            &domain::devices::Batch::Contract("02/BB-TN".into()),
            &rows(&[
                ("NEW-1", None),
                ("R58R1000B", None),
                ("NEW-2", Some("490154203237517")),
                ("", None),
                ("NEW-1", None),
                ("NEW-3", Some("4901542032375 18")),
            ]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap();
    assert_eq!(bad.imported, 0);
    let codes: Vec<(usize, &str)> = bad.errors.iter().map(|e| (e.row, e.code)).collect();
    assert_eq!(
        codes,
        vec![
            (3, "duplicate_serial"),
            (4, "invalid_imei"),
            (5, "missing_serial"),
            (6, "duplicate_serial"),
            (7, "duplicate_serial"),
        ]
    );
    assert_eq!(bad.rejected, 5);
    assert!(bad.errors[0].message.contains("R58R1000B"));
    assert!(
        store.device("NEW-1").await.unwrap().is_none(),
        "nothing written"
    );
    let counts = store.device_counts().await.unwrap();
    assert_eq!(counts.get(&DeviceState::Received), Some(&2));

    let unknown = store
        .register_devices(
            &system(),
            9999,
            &domain::devices::Batch::Contract("x".into()),
            &rows(&[("A", None)]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap_err();
    assert!(matches!(unknown, StoreError::Domain(e) if e.code() == "unknown_model"));
}

async fn the_database_refuses_impossible_changes(db: &TestDb) {
    let store = &db.store;
    // The transitions the database enforces are exactly the domain's.
    let mut expected = Vec::new();
    for from in DeviceState::ALL {
        for to in DeviceState::ALL {
            if from.can_become(to) {
                expected.push((from.code().to_string(), to.code().to_string()));
            }
        }
    }
    expected.sort();
    assert_eq!(store.device_transitions().await.unwrap(), expected);

    let model = store
        .create_device_model(&system(), &tablet())
        .await
        .unwrap();
    store
        .register_devices(
            &system(),
            model,
            &domain::devices::Batch::Contract("05/HĐ".into()),
            &rows(&[("SN-R", None)]),
            Lang::Vi,
            false,
        )
        .await
        .unwrap();
    store
        .change_device(
            &system(),
            "SN-R",
            DeviceState::Rejected,
            Holder::Board,
            Some("RAM 2 GB"),
        )
        .await
        .unwrap();
    // Through the application: refused with a Vietnamese message, nothing changes.
    let e = store
        .change_device(
            &system(),
            "SN-R",
            DeviceState::WithStudent,
            Holder::Student(1),
            None,
        )
        .await
        .unwrap_err();
    let StoreError::Domain(e) = e else {
        panic!("{e:?}")
    };
    assert_eq!(e.code(), "impossible_transition");
    assert!(e.message(Lang::Vi).contains("Không đạt thẩm định"));
    // Behind the application's back: the database refuses too.
    let raw = raw_execute(
        &db.url,
        "UPDATE devices SET state = 'with_student', holder_kind = 'student', holder_id = 1 WHERE serial = 'SN-R'",
    )
    .await;
    assert!(raw.is_err(), "the trigger refuses");
    let raw = raw_execute(
        &db.url,
        "INSERT INTO devices (serial, model_id, source, state, holder_kind, state_changed_at, created_at)
         SELECT 'SN-X', id, 'x', 'in_stock', 'board', 0, 0 FROM device_models",
    )
    .await;
    assert!(raw.is_err(), "a device enters as received");
    assert!(
        raw_execute(&db.url, "DELETE FROM device_events")
            .await
            .is_err()
    );
    let d = store.device("SN-R").await.unwrap().unwrap();
    assert_eq!(d.state, DeviceState::Rejected);
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

#[derive(Debug, Clone)]
enum Op {
    Receive(u8),
    Change(u8, usize, i64),
}

async fn random_changes_keep_the_registry_consistent(db: &TestDb) {
    let store = &db.store;
    let model = store
        .create_device_model(&system(), &tablet())
        .await
        .unwrap();
    let strategy = proptest::collection::vec(
        prop_oneof![
            1 => (0u8..6).prop_map(Op::Receive),
            4 => (0u8..6, 0usize..24, 1i64..3).prop_map(|(s, i, id)| Op::Change(s, i, id)),
        ],
        40..80,
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(6));
    let mut runs = Vec::new();
    for _ in 0..6 {
        runs.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let mut model_reg = Registry::default();
    for (run, ops) in runs.into_iter().enumerate() {
        for op in ops {
            match op {
                Op::Receive(n) => {
                    let s = format!("P{run}-{n}");
                    let expect = model_reg.receive(&s).is_ok();
                    let r = store
                        .register_devices(
                            &system(),
                            model,
                            &domain::devices::Batch::Contract("t".into()),
                            &rows(&[(&s, None)]),
                            Lang::Vi,
                            false,
                        )
                        .await
                        .unwrap();
                    assert_eq!(r.imported == 1, expect);
                }
                Op::Change(n, i, id) => {
                    let s = format!("P{run}-{n}");
                    let Some(d) = model_reg.get(&s).cloned() else {
                        continue;
                    };
                    // Half the time one of the changes the state allows (to reach students
                    // and back), else any state, mostly refused; with a holder fitting it.
                    let allowed: Vec<DeviceState> = DeviceState::ALL
                        .into_iter()
                        .filter(|t| d.state.can_become(*t))
                        .collect();
                    let to = match i.checked_sub(12) {
                        Some(j) if !allowed.is_empty() => allowed[j % allowed.len()],
                        _ => DeviceState::ALL[i % 12],
                    };
                    let h = match to {
                        DeviceState::WithUnit => Holder::Unit(id),
                        DeviceState::WithSchool => Holder::School(id),
                        DeviceState::WithStudent if d.state == DeviceState::UnderRepair => d.holder,
                        DeviceState::WithStudent => Holder::Student(id),
                        DeviceState::Lost => Holder::Nobody,
                        DeviceState::UnderRepair | DeviceState::Defective => d.holder,
                        _ => Holder::Board,
                    };
                    let expect = model_reg.change(&s, to, h).cloned();
                    let got = store.change_device(&system(), &s, to, h, None).await;
                    match (expect, got) {
                        (Ok(e), Ok(g)) => assert_eq!(e, g),
                        (Err(e), Err(StoreError::Domain(g))) => assert_eq!(e.code(), g.code()),
                        (e, g) => panic!("model {e:?}, store {g:?}"),
                    }
                }
            }
            // Counts by state in the database always equal the model's.
            let counts = store.device_counts().await.unwrap();
            let expected: std::collections::BTreeMap<DeviceState, i64> = model_reg
                .counts()
                .into_iter()
                .map(|(s, n)| (s, n as i64))
                .collect();
            assert_eq!(counts, expected);
        }
    }
    // And every device is where the model says, with one holder.
    for d in model_reg.devices() {
        assert_eq!(store.device(&d.serial).await.unwrap().as_ref(), Some(d));
    }
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

async fn a_stocktake_names_missing_and_unexpected_serials(db: &TestDb) {
    let store = &db.store;
    let model = store
        .create_device_model(&system(), &tablet())
        .await
        .unwrap();
    let serials: Vec<String> = (1..=6).map(|i| format!("ST-{i}")).collect();
    let list: Vec<(&str, Option<&str>)> = serials.iter().map(|s| (s.as_str(), None)).collect();
    store
        .register_devices(
            &system(),
            model,
            &domain::devices::Batch::Contract("t".into()),
            &rows(&list),
            Lang::Vi,
            false,
        )
        .await
        .unwrap();
    // ST-6 goes to a school; the others stay with the Board.
    for (to, h) in [
        (DeviceState::Appraised, Holder::Board),
        (DeviceState::InStock, Holder::Board),
        (DeviceState::Allocated, Holder::Board),
        (DeviceState::WithUnit, Holder::Unit(5)),
        (DeviceState::WithSchool, Holder::School(9)),
    ] {
        store
            .change_device(&system(), "ST-6", to, h, None)
            .await
            .unwrap();
    }
    let scans: Vec<String> = ["st-1", "ST-2", "ST-2", "ST-3", "ST-4", "ST-6", "XX-1", " "]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let t = store.stocktake(Place::Board, &scans).await.unwrap();
    assert_eq!((t.expected, t.scanned, t.matched), (5, 6, 4));
    assert_eq!(t.missing, vec!["ST-5".to_string()]);
    assert_eq!(t.unexpected.len(), 2);
    assert_eq!(t.unexpected[0].serial, "ST-6");
    assert_eq!(t.unexpected[0].state, Some(DeviceState::WithSchool));
    assert_eq!(t.unexpected[0].holder, Some(Holder::School(9)));
    assert_eq!(
        (t.unexpected[1].serial.as_str(), t.unexpected[1].state),
        ("XX-1", None)
    );
    let at_school = store
        .stocktake(Place::School(9), &["ST-6".to_string()])
        .await
        .unwrap();
    assert_eq!((at_school.expected, at_school.matched), (1, 1));
    assert!(at_school.missing.is_empty() && at_school.unexpected.is_empty());
}
