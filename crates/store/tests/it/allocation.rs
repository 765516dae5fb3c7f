//! Allocation runs on SQLite and PostgreSQL: a run waits for every list of its round, a
//! draft keeps its inputs and hides its seed, approval takes a decision number once,
//! execution reserves the devices once, and a stored run recomputes to the same result
//! until someone edits it behind the store's back.

use crate::common::*;
use domain::allocation::{Policy, RunStatus};
use domain::devices::{DeviceKind, DeviceState};
use domain::students::approval::ListAction;
use domain::users::Role;
use songmaytinh_store::students::lists::ListStep;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::testing::{approved_lists as lists, stock_devices as stock};
use songmaytinh_store::{StoreError, storage_tests};

storage_tests!(
    a_run_from_approved_lists_to_reserved_devices,
    two_officers_at_once_one_succeeds,
    a_draft_compared_with_the_run_before,
);

fn code_of(e: StoreError) -> String {
    match e {
        StoreError::Domain(d) => d.code().to_string(),
        other => format!("{other:?}"),
    }
}

async fn a_run_from_approved_lists_to_reserved_devices(db: &TestDb) {
    let store = &db.store;
    let round = lists(store, 9, Some("67666002")).await;
    stock(store, DeviceKind::Tablet, "Tab A8", "TAB", 7).await;
    stock(store, DeviceKind::Laptop, "Vostro", "LAP", 8).await;

    // A list the Board has not approved: the run waits, and names the school.
    let e = store
        .draft_allocation(&system(), round, None, Policy::default())
        .await
        .unwrap_err();
    let StoreError::Domain(d) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(d.code(), "lists_not_approved");
    assert!(
        d.message(domain::Lang::Vi)
            .contains("Trường Tiểu học Kim Đồng"),
        "{}",
        d.message(domain::Lang::Vi)
    );
    let school = store.unit_by_code("67666002").await.unwrap().unwrap();
    store
        .list_action(
            &system(),
            Role::BanDieuPhoi,
            round,
            school.id,
            ListStep::plain(ListAction::BoardApprove),
        )
        .await
        .unwrap();

    // A draft: 36 students, 15 devices; the poorest first; the seed hidden.
    let seed = [5u8; 32];
    let (run, outcome) = store
        .draft_allocation(&system(), round, Some(seed), Policy::default())
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Draft);
    assert_eq!((run.devices, run.served, run.waiting), (15, 15, 21));
    assert_eq!(run.seed, None, "a draft hides its seed");
    assert_eq!(
        run.seed_commitment,
        domain::allocation::seed_commitment(&seed)
    );
    let tier1 = outcome.tiers.iter().find(|t| t.tier == 1).unwrap();
    assert_eq!((tier1.demand, tier1.served), (12, 12));
    let lines = store.allocation_lines(run.id, None).await.unwrap();
    assert_eq!(lines.len(), 36);
    // Four units: two district offices and the school under the Sở.
    let units: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.unit.as_str()).collect();
    assert_eq!(
        units.into_iter().collect::<Vec<_>>(),
        ["663", "666", "67000001"]
    );
    // Primary schools get tablets first.
    let primary = lines
        .iter()
        .filter(|l| l.school == "67663002" && l.device.is_some() && !l.other_kind)
        .collect::<Vec<_>>();
    assert!(
        primary
            .iter()
            .all(|l| l.device_kind.as_deref() == Some("tablet"))
    );
    // The stored run recomputes to itself.
    assert!(store.verify_allocation(run.id).await.unwrap().ok());

    // Approval needs a decision number and a date, once.
    let e = store
        .approve_allocation(&system(), run.id, "  ", "15/08/2022")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "decision_no_missing");
    let e = store
        .approve_allocation(&system(), run.id, "123/QĐ-SGDĐT", "31/02/2022")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "decision_date_invalid");
    let approved = store
        .approve_allocation(&system(), run.id, "123/QĐ-SGDĐT", "15/08/2022")
        .await
        .unwrap();
    assert_eq!(approved.status, RunStatus::Approved);
    assert_eq!(
        approved.seed.as_deref(),
        Some(hex::encode(seed).as_str()),
        "shown once approved"
    );
    assert_eq!(approved.decision_date.as_deref(), Some("2022-08-15"));
    let e = store
        .approve_allocation(&system(), run.id, "124/QĐ-SGDĐT", "15/08/2022")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "run_state");
    // Another draft cannot reuse the decision number.
    let (other, _) = store
        .draft_allocation(&system(), round, None, Policy::default())
        .await
        .unwrap();
    let e = store
        .approve_allocation(&system(), other.id, "123/QĐ-SGDĐT", "15/08/2022")
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "decision_no_used");

    // Execution reserves the devices: in stock → allocated, each change an event.
    let executed = store.execute_allocation(&system(), run.id).await.unwrap();
    assert_eq!(executed.status, RunStatus::Executed);
    let counts = store.device_counts().await.unwrap();
    assert_eq!(counts.get(&DeviceState::Allocated), Some(&15));
    assert_eq!(counts.get(&DeviceState::InStock), None);
    let given = lines.iter().find_map(|l| l.device.clone()).unwrap();
    let history = store.device_history(&given).await.unwrap();
    assert_eq!(history.last().unwrap().to_state, "allocated");
    let e = store
        .execute_allocation(&system(), run.id)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "run_state");
    // The other draft read the same stock: approved later, it can no longer execute.
    store
        .approve_allocation(&system(), other.id, "125/QĐ-SGDĐT", "16/08/2022")
        .await
        .unwrap();
    let e = store
        .execute_allocation(&system(), other.id)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "allocation_inputs_changed");
    // No device left: a new draft has nothing to share.
    let e = store
        .draft_allocation(&system(), round, None, Policy::default())
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "nothing_to_allocate");
    // A top-up: 4 more laptops go to students still waiting; nobody served loses theirs.
    stock(store, DeviceKind::Laptop, "Vostro 2", "LAQ", 4).await;
    let (top, top_out) = store
        .draft_allocation(&system(), round, None, Policy::default())
        .await
        .unwrap();
    assert_eq!((top.devices, top.served, top.waiting), (4, 4, 17));
    assert_eq!(top.previous_id, Some(run.id));
    let served_before: std::collections::HashSet<i64> = lines
        .iter()
        .filter(|l| l.device.is_some())
        .map(|l| l.student_id)
        .collect();
    assert!(
        top_out
            .lines
            .iter()
            .all(|l| !served_before.contains(&l.student))
    );

    // The student's explanation reads the executed run.
    let first = lines.iter().find(|l| l.device.is_some()).unwrap();
    let (r, l) = store
        .student_allocation(first.student_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.id, l.device.clone()), (run.id, first.device.clone()));

    // Someone edits a stored assignment behind the store's back: verify says so.
    let swap = lines.iter().find(|l| l.device.is_none()).unwrap();
    raw_execute(
        &db.url,
        &format!(
            "UPDATE allocation_lines SET device_id = {}, rule = 'quota', queue_position = NULL, devices_short = NULL WHERE run_id = {} AND student_id = {}",
            first.device_id.unwrap(),
            run.id,
            swap.student_id
        ),
    )
    .await
    .unwrap();
    let v = store.verify_allocation(run.id).await.unwrap();
    assert!(!v.ok());
    assert!(v.inputs_match && !v.differences.is_empty(), "{v:?}");
    assert!(
        v.differences[0].contains(&format!("học sinh số {}", swap.student_id)),
        "{v:?}"
    );
    // Audited: draft, approval (with the seed), execution.
    let audit = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(audit.chain.is_ok() && audit.missing_triggers.is_empty());
}

async fn two_officers_at_once_one_succeeds(db: &TestDb) {
    let store = &db.store;
    let round = lists(store, 3, None).await;
    stock(store, DeviceKind::Laptop, "Vostro", "LAP", 5).await;
    let (run, _) = store
        .draft_allocation(&system(), round, None, Policy::default())
        .await
        .unwrap();
    let actor = system();
    let (a, b) = tokio::join!(
        store.approve_allocation(&actor, run.id, "200/QĐ", "15/08/2022"),
        store.approve_allocation(&actor, run.id, "201/QĐ", "15/08/2022"),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    let refused = a.err().or(b.err()).unwrap();
    assert_eq!(code_of(refused), "run_state");
    let (a, b) = tokio::join!(
        store.execute_allocation(&actor, run.id),
        store.execute_allocation(&actor, run.id),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    let refused = a.err().or(b.err()).unwrap();
    assert_eq!(code_of(refused), "run_state");
    assert_eq!(
        store
            .device_counts()
            .await
            .unwrap()
            .get(&DeviceState::Allocated),
        Some(&5)
    );
}

/// A draft compared with the run before it: the same inputs and seed change nothing; more
/// devices give some students a device (each said why), and the units' counts before and
/// after add up to each run's total.
async fn a_draft_compared_with_the_run_before(db: &TestDb) {
    let store = &db.store;
    let round = lists(store, 6, None).await;
    stock(store, DeviceKind::Laptop, "Vostro", "LAP", 5).await;
    let seed = Some([9u8; 32]);
    let (first, _) = store
        .draft_allocation(&system(), round, seed, Policy::default())
        .await
        .unwrap();
    let (again, _) = store
        .draft_allocation(&system(), round, seed, Policy::default())
        .await
        .unwrap();
    assert_eq!(store.previous_run(again.id).await.unwrap(), Some(first.id));
    let same = store
        .compare_runs(again.id, first.id, domain::Lang::Vi)
        .await
        .unwrap();
    assert!(same.same_inputs && same.same_seed && same.same_policy);
    assert!(same.changes.is_empty() && same.units.is_empty(), "{same:?}");

    stock(store, DeviceKind::Tablet, "Tab", "TAB", 4).await;
    let (more, _) = store
        .draft_allocation(&system(), round, seed, Policy::default())
        .await
        .unwrap();
    let c = store
        .compare_runs(more.id, again.id, domain::Lang::Vi)
        .await
        .unwrap();
    assert!(!c.same_inputs && c.same_seed);
    assert_eq!((c.devices, c.served), ((5, 9), (5, 9)));
    assert_eq!(c.gains() as i64 - c.losses() as i64, 4);
    let before: i64 = c.units.iter().map(|u| u.before).sum();
    let after: i64 = c.units.iter().map(|u| u.after).sum();
    assert_eq!(
        after - before,
        4,
        "the units that changed carry the difference"
    );
    assert!(c.changes.iter().all(|x| !x.why.is_empty()));
    assert!(
        c.changes
            .iter()
            .filter(|x| x.gains)
            .all(|x| x.why.starts_with("Được nhận máy")),
        "{:?}",
        c.changes
    );
}
