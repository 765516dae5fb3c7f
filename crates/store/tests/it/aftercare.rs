//! After-care on SQLite and PostgreSQL: a training session with its attendees read from
//! a sheet (a sheet with a bad row writes nothing), and a repair ticket from the report
//! to the device back with its student — through the registry's transitions, refused
//! for a device not with a student, closed once even when two officers close it at once.

use domain::aftercare::{AttendeeRole, TicketStatus, TrainingTopic};
use domain::devices::{DeviceState, Holder};
use songmaytinh_store::aftercare::{Attendee, NewTicket, NewTraining};
use songmaytinh_store::storage_tests;
use songmaytinh_store::testing::{TestDb, executed_allocation, handed_to_students, system};
use std::io::Cursor;
use time::macros::date;

storage_tests!(
    a_training_with_its_attendance_sheet,
    a_repair_back_to_the_same_student
);

fn read(csv: &str) -> Result<Vec<Attendee>, Vec<sheets::SheetError>> {
    let sheet = sheets::attendees::read_attendees(
        Cursor::new(csv.as_bytes().to_vec()),
        &sheets::reader::Limits::default(),
    )?;
    Ok(sheet
        .attendees
        .into_iter()
        .map(|a| Attendee {
            row: a.row,
            full_name: a.full_name,
            role: a.role,
            class_name: a.class_name,
            phone: a.phone,
        })
        .collect())
}

async fn a_training_with_its_attendance_sheet(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 3, 6, 6).await;
    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    let session = NewTraining {
        unit_id: school.id,
        held_on: date!(2022 - 09 - 10),
        topic: TrainingTopic::Care,
        trainer: "Nguyễn Văn Tâm".into(),
        place: Some("Hội trường trường".into()),
        teachers: 2,
        parents: 10,
        students: 12,
        note: None,
    };
    // Without a trainer, or with nobody: refused.
    let mut bad = session.clone();
    bad.trainer = " ".into();
    assert_eq!(
        code(&store.record_training(&actor, &bad, &[]).await.unwrap_err()),
        "training_incomplete"
    );
    let mut bad = session.clone();
    (bad.teachers, bad.parents, bad.students) = (0, 0, 0);
    assert!(store.record_training(&actor, &bad, &[]).await.is_err());
    let id = store.record_training(&actor, &session, &[]).await.unwrap();
    let (t, names, _) = store.training(id).await.unwrap().unwrap();
    assert_eq!((t.attendees(), names.len()), (24, 0));

    // A sheet with a bad row is refused whole, naming row and column; nothing changes.
    let bad_sheet = "STT,Họ và tên,Thành phần,Lớp\n1,Lê Thị Mai,Giáo viên,\n2,Y Nuê,Khách,6A\n";
    let errors = read(bad_sheet).unwrap_err();
    assert_eq!(
        (errors[0].row, errors[0].column.as_deref(), errors[0].code),
        (3, Some("Thành phần"), "attendee_role_unknown")
    );
    assert_eq!(store.training(id).await.unwrap().unwrap().0.attendees(), 24);

    // A good sheet: its names replace the counts.
    let sheet = "DANH SÁCH THAM DỰ\nSTT,Họ và tên,Thành phần,Lớp,Số điện thoại\n\
                 1,Lê Thị Mai,Giáo viên,,\n2,Y Nuê,Phụ huynh,6A,0905123456\n\
                 3,H'Ra Êban,Học sinh,6A,\n4,Ksor Đen,HS,6B,\n";
    let list = read(sheet).unwrap();
    let counts = store
        .import_attendees(&actor, id, &list, "tham-du.csv")
        .await
        .unwrap();
    assert_eq!(counts, (1, 1, 2));
    let (t, names, path) = store.training(id).await.unwrap().unwrap();
    assert_eq!((t.teachers, t.parents, t.students, t.named), (1, 1, 2, 4));
    assert_eq!(path, school.path);
    assert_eq!(names[1].full_name, "Y Nuê");
    assert_eq!(names[1].role, AttendeeRole::Parent);
    assert_eq!(names[1].phone.as_deref(), Some("0905123456"));
    // Read again: replaced, not doubled.
    store
        .import_attendees(&actor, id, &list, "tham-du.csv")
        .await
        .unwrap();
    assert_eq!(store.training(id).await.unwrap().unwrap().1.len(), 4);
    // In the school's list and the province's, not in another district's.
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let far = store.unit_by_code("666").await.unwrap().unwrap();
    assert_eq!(store.trainings(&province.scope()).await.unwrap().len(), 1);
    assert_eq!(store.trainings(&school.path).await.unwrap().len(), 1);
    assert!(store.trainings(&far.scope()).await.unwrap().is_empty());
}

async fn a_repair_back_to_the_same_student(db: &TestDb) {
    let store = &db.store;
    let actor = system();
    executed_allocation(store, 3, 6, 6).await;
    let handed = handed_to_students(store, "67663001", 2).await;
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    let ticket = |serial: &str| NewTicket {
        serial: serial.to_string(),
        fault: "Màn hình không lên".into(),
        reported_by: "Phụ huynh em A".into(),
        reported_on: date!(2022 - 10 - 03),
        vendor: None,
    };
    // A device still on its way down the chain is not with a student: refused.
    let in_stock = store
        .devices_matching("TAB", 100)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, st)| *st == DeviceState::Allocated)
        .map(|(s, _)| s)
        .expect("a tablet allocated, not handed");
    let e = store
        .open_repair(&actor, &ticket(&in_stock))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "repair_not_with_student");
    assert!(e.to_string().contains(&in_stock), "{e}");
    assert_eq!(
        store.device(&in_stock).await.unwrap().unwrap().state,
        DeviceState::Allocated
    );

    let id = store.open_repair(&actor, &ticket(&serial)).await.unwrap();
    let d = store.device(&serial).await.unwrap().unwrap();
    assert_eq!(
        (d.state, d.holder),
        (DeviceState::UnderRepair, Holder::Student(handed[0]))
    );
    // A second ticket for the same device: refused.
    assert_eq!(
        code(
            &store
                .open_repair(&actor, &ticket(&serial))
                .await
                .unwrap_err()
        ),
        "repair_already_open"
    );
    let t = store.repair_ticket(id).await.unwrap().unwrap();
    assert_eq!((t.status, t.student_id), (TicketStatus::Open, handed[0]));

    // To the vendor; dated before the report: refused.
    assert_eq!(
        code(
            &store
                .repair_step(
                    &actor,
                    id,
                    TicketStatus::AtVendor,
                    date!(2022 - 10 - 01),
                    Some("Bảo hành Samsung"),
                    None
                )
                .await
                .unwrap_err()
        ),
        "repair_date_before"
    );
    store
        .repair_step(
            &actor,
            id,
            TicketStatus::AtVendor,
            date!(2022 - 10 - 05),
            Some("Trung tâm bảo hành Samsung"),
            None,
        )
        .await
        .unwrap();
    // Two officers close it at once: one succeeds, the other is told it is closed.
    let (a, b) = tokio::join!(
        store.repair_step(
            &actor,
            id,
            TicketStatus::Repaired,
            date!(2022 - 10 - 20),
            None,
            Some("Thay màn hình")
        ),
        store.repair_step(
            &actor,
            id,
            TicketStatus::Repaired,
            date!(2022 - 10 - 20),
            None,
            Some("Thay màn hình")
        ),
    );
    let results = [a, b];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(
        matches!(code(loser), "repair_ticket_closed" | "stale_edit"),
        "{loser:?}"
    );
    // Back with the same student, through the registry.
    let d = store.device(&serial).await.unwrap().unwrap();
    assert_eq!(
        (d.state, d.holder),
        (DeviceState::WithStudent, Holder::Student(handed[0]))
    );
    let history: Vec<String> = store
        .device_history(&serial)
        .await
        .unwrap()
        .iter()
        .map(|e| e.to_state.clone())
        .collect();
    assert!(
        history.ends_with(&["under_repair".to_string(), "with_student".to_string()]),
        "{history:?}"
    );
    let t = store.repair_ticket(id).await.unwrap().unwrap();
    assert_eq!(t.status, TicketStatus::Repaired);
    assert_eq!(t.vendor.as_deref(), Some("Trung tâm bảo hành Samsung"));
    assert_eq!(t.resolution.as_deref(), Some("Thay màn hình"));
    // Closed: closing again is refused, the device stays with the student.
    let e = store
        .repair_step(
            &actor,
            id,
            TicketStatus::Unrepairable,
            date!(2022 - 10 - 21),
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(code(&e), "repair_ticket_closed");
    assert_eq!(
        store.device(&serial).await.unwrap().unwrap().state,
        DeviceState::WithStudent
    );

    // The second student's device cannot be repaired: defective, with its student.
    let other = store.device_of_student(handed[1]).await.unwrap().unwrap();
    let t2 = store.open_repair(&actor, &ticket(&other)).await.unwrap();
    store
        .repair_step(
            &actor,
            t2,
            TicketStatus::Unrepairable,
            date!(2022 - 10 - 04),
            None,
            Some("Hỏng bo mạch"),
        )
        .await
        .unwrap();
    assert_eq!(
        store.device(&other).await.unwrap().unwrap().state,
        DeviceState::Defective
    );

    // Defect rates, by hand: two devices reached students, both had a ticket.
    let (models, suppliers) = store.defect_rates().await.unwrap();
    let handed_devices: i64 = models.iter().map(|m| m.devices).sum();
    assert_eq!(handed_devices, 2);
    assert_eq!(models.iter().map(|m| m.faulty).sum::<i64>(), 2);
    assert_eq!(suppliers.iter().map(|s| s.devices).sum::<i64>(), 2);
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

fn code(e: &songmaytinh_store::StoreError) -> &'static str {
    match e {
        songmaytinh_store::StoreError::Domain(d) => d.code(),
        _ => "other",
    }
}
