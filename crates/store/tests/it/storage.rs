//! Storage behaviour, each test run on SQLite and on PostgreSQL.

use crate::common::*;
use domain::DomainError;
use domain::audit::ChainBreak;
use domain::units::UnitsError;
use domain::units::{InternetStatus, UnitKind, UnitPath};
use domain::users::Role;
use domain::users::UsersError;
use songmaytinh_store::testing::TestDb;
use songmaytinh_store::units::{ImportOptions, UnitFilter};
use songmaytinh_store::users::UserChanges;
use songmaytinh_store::users::sessions::SessionPolicy;
use songmaytinh_store::{StoreError, storage_tests};

storage_tests!(dak_nong_imports_once,);
storage_tests!(
    seed = Units;
    old_spellings_are_read_under_their_entity,
    bad_units_file_writes_nothing,
    moving_a_district_moves_its_schools,
    scope_bounds_listings,
    users_fit_their_units,
    logins_back_off,
    sessions_expire_and_end,
    api_keys_authenticate_until_revoked,
    audit_chain_verifies_and_names_an_edit,
    audit_refuses_update_and_delete,
    concurrent_writers_keep_one_chain,
    scoped_import_stays_in_scope,
);

async fn dak_nong_imports_once(db: &TestDb) {
    let store = &db.store;
    let first = store
        .import_units(&system(), drafts(DAK_NONG), ImportOptions::default())
        .await
        .unwrap();
    assert_eq!((first.created, first.updated, first.unchanged), (80, 0, 0));
    let (seq, _) = store.audit_head().await.unwrap();
    assert_eq!(seq, 80, "one audit entry per unit");

    let again = store
        .import_units(&system(), drafts(DAK_NONG), ImportOptions::default())
        .await
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 80));
    assert_eq!(
        store.audit_head().await.unwrap().0,
        80,
        "nothing changed, nothing audited"
    );

    let dak_mil = store.unit_by_code("663").await.unwrap().unwrap();
    assert_eq!(dak_mil.name, "Huyện Đắk Mil");
    assert_eq!(dak_mil.kind, UnitKind::District);
    let gan = store
        .unit_by_code("663-xa-dak-gan")
        .await
        .unwrap()
        .expect("derived commune code");
    assert_eq!(gan.parent_id, Some(dak_mil.id));
    let anc = store.ancestors(&gan).await.unwrap();
    assert_eq!(
        anc.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
        vec!["67", "663"]
    );

    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let counts = store.scope_counts(&province.path).await.unwrap();
    assert_eq!(counts.of_kind(UnitKind::District), 8);
    assert_eq!(counts.of_kind(UnitKind::Commune), 71);
    let in_dak_mil = store.scope_counts(&dak_mil.path).await.unwrap();
    assert_eq!(in_dak_mil.of_kind(UnitKind::Commune), 10);
}

async fn bad_units_file_writes_nothing(db: &TestDb) {
    let store = &db.store;
    let head = store.audit_head().await.unwrap();
    let csv = "level,code,name,parent,school_level,commune
school,67663100,Trường THCS Mới,663,THCS,Xã Đắk Gằn
school,67663101,Trường không có cha,999,THCS,
commune,x-a,Xã A,x-b,,
commune,x-b,Xã B,x-a,,
district,668,Huyện Mới,67663001,,
school,67663102,Trường xã lạ,663,THCS,Xã Không Có
school,67663100,Trường trùng mã,663,THCS,
";
    let err = store
        .import_units(&system(), drafts(csv.as_bytes()), ImportOptions::default())
        .await
        .unwrap_err();
    let StoreError::Rows(issues) = err else {
        panic!("expected row issues, got {err:?}")
    };
    let got: Vec<(usize, &str, &str)> = issues
        .iter()
        .map(|i| (i.row, i.field, i.error.code()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "parent", "unknown_unit"),
            (4, "level", "invalid_parent"),
            (4, "parent", "unit_cycle"),
            (5, "level", "invalid_parent"),
            (5, "parent", "unit_cycle"),
            (6, "level", "invalid_parent"),
            (7, "commune", "unknown_commune"),
            (8, "code", "duplicate_unit_code"),
        ]
    );
    assert!(
        store.unit_by_code("67663100").await.unwrap().is_none(),
        "the good row was not written either"
    );
    assert_eq!(store.audit_head().await.unwrap(), head);
}

async fn moving_a_district_moves_its_schools(db: &TestDb) {
    let store = &db.store;
    // The 2025 reform: a school moves from its district office to its commune.
    let csv = "level,code,name,parent,school_level\nschool,67663001,Trường THCS Nguyễn Du,663-xa-dak-gan,THCS\n";
    let s = store
        .import_units(&system(), drafts(csv.as_bytes()), ImportOptions::default())
        .await
        .unwrap();
    assert_eq!((s.created, s.updated), (0, 1));
    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    let gan = store.unit_by_code("663-xa-dak-gan").await.unwrap().unwrap();
    assert_eq!(school.path, gan.path.child(school.id));
    assert_eq!(
        school.internet,
        Some(InternetStatus::Connected),
        "empty cells keep values"
    );
    assert_eq!(school.commune_name.as_deref(), Some("Xã Đắk Lao"));

    // Now move the whole district under a new country root: every path below follows.
    let csv = "level,code,name,parent\ncountry,VN,Việt Nam,\nprovince,67,Tỉnh Đắk Nông,VN\n";
    store
        .import_units(&system(), drafts(csv.as_bytes()), ImportOptions::default())
        .await
        .unwrap();
    let vn = store.unit_by_code("VN").await.unwrap().unwrap();
    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    assert!(vn.path.contains(&school.path));
    assert_eq!(school.path.depth(), 5);
    let all = store
        .list_units(&vn.path, &UnitFilter::default(), 1, 500)
        .await
        .unwrap();
    assert_eq!(
        all.total,
        1 + 1 + 80 - 1 + 5 + 4,
        "country, province, tree, departments, schools"
    );
    assert!(all.items.iter().all(|u| vn.path.contains(&u.path)));
    let verification = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(verification.ok(), "{verification:?}");
}

async fn scope_bounds_listings(db: &TestDb) {
    let store = &db.store;
    let dak_mil = store.unit_by_code("663").await.unwrap().unwrap();
    let schools = UnitFilter {
        kind: Some(UnitKind::School),
        ..UnitFilter::default()
    };
    let page = store
        .list_units(&dak_mil.path, &schools, 1, 50)
        .await
        .unwrap();
    let codes: Vec<_> = page.items.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(
        codes,
        vec!["67663001", "67663002"],
        "ordered by folded name, Đắk Mil only"
    );

    let search = UnitFilter {
        search: Some(text::fold("nguyễn DU")),
        ..UnitFilter::default()
    };
    let found = store
        .list_units(&UnitPath::root(1), &search, 1, 50)
        .await
        .unwrap();
    let province = store.unit_by_code("67").await.unwrap().unwrap();
    let found_all = store
        .list_units(&province.path, &search, 1, 50)
        .await
        .unwrap();
    assert_eq!(found_all.items.len(), 1);
    assert_eq!(found_all.items[0].code.as_str(), "67663001");
    let _ = found;

    let percent = UnitFilter {
        search: Some("%".into()),
        ..UnitFilter::default()
    };
    assert_eq!(
        store
            .list_units(&province.path, &percent, 1, 50)
            .await
            .unwrap()
            .total,
        0,
        "LIKE wildcards are escaped"
    );

    let school = store.unit_by_code("67663001").await.unwrap().unwrap();
    let own = store
        .list_units(&school.path, &UnitFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(own.total, 1);

    let paged = store
        .list_units(&province.path, &UnitFilter::default(), 2, 10)
        .await
        .unwrap();
    assert_eq!(paged.items.len(), 10);
    assert_eq!(paged.pages(), ((1 + 80 + 5 + 4) as i64 + 9) / 10);
}

async fn users_fit_their_units(db: &TestDb) {
    let store = &db.store;
    let t = add_user(store, "truong_67663001", Role::Truong, "67663001").await;
    assert_eq!(t.unit_code, "67663001");
    assert_eq!(
        t.scope(),
        store.unit_by_code("67663001").await.unwrap().unwrap().path
    );
    let so = add_user(store, "so_gddt", Role::SoGddt, "67-SGDDT").await;
    assert_eq!(
        so.scope(),
        store.unit_by_code("67").await.unwrap().unwrap().path,
        "the Sở sees the province"
    );

    let mismatch = store
        .create_user(
            &system(),
            None,
            new_user("phong_x", Role::PhongGddt, "67663001"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            mismatch,
            StoreError::Domain(DomainError::Users(UsersError::RoleUnitMismatch { .. }))
        ),
        "{mismatch:?}"
    );

    let dup = store
        .create_user(
            &system(),
            None,
            new_user("TRUONG_67663001", Role::Truong, "67663001"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            dup,
            StoreError::Domain(DomainError::Users(UsersError::DuplicateUsername { .. }))
        ),
        "{dup:?}"
    );

    // A district administrator cannot create a user outside the district.
    let dak_mil = store.unit_by_code("663").await.unwrap().unwrap();
    let out = store
        .create_user(
            &system(),
            Some(&dak_mil.path),
            new_user("truong_kd", Role::Truong, "67666002"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            out,
            StoreError::Domain(DomainError::Units(UnitsError::UnknownUnit { .. }))
        ),
        "{out:?}"
    );

    let in_dak_mil = store
        .list_users(
            &dak_mil.path,
            &songmaytinh_store::users::UserFilter::default(),
            1,
            50,
        )
        .await
        .unwrap();
    assert_eq!(
        in_dak_mil
            .items
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        vec!["truong_67663001"]
    );
    let by_name = store
        .list_users(
            &so.scope(),
            &songmaytinh_store::users::UserFilter {
                search: Some(text::fold("CÁN BỘ SO")),
                role: None,
            },
            1,
            50,
        )
        .await
        .unwrap();
    assert_eq!(by_name.total, 1);

    // Nobody demotes or disables themselves; disabling ends sessions.
    let admin = add_user(store, "admin", Role::Admin, "67").await;
    let err = store
        .update_user(
            &admin.audit_actor(),
            None,
            admin.id,
            UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Domain(DomainError::Users(UsersError::CannotChangeSelf))
    ));
    store
        .create_session(t.id, SessionPolicy::default(), None, None)
        .await
        .unwrap();
    assert_eq!(store.session_count(t.id).await.unwrap(), 1);
    let t2 = store
        .update_user(
            &admin.audit_actor(),
            None,
            t.id,
            UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!t2.active);
    assert_eq!(store.session_count(t.id).await.unwrap(), 0);
}

const HERE: &str = "198.51.100.7";

async fn logins_back_off(db: &TestDb) {
    let store = &db.store;
    let u = add_user(store, "phong_dakmil", Role::PhongGddt, "663").await;
    assert_eq!(
        store
            .authenticate("Phong_DakMil", TEST_PASSWORD, HERE)
            .await
            .unwrap()
            .id,
        u.id
    );
    let unknown = store
        .authenticate("nobody", TEST_PASSWORD, HERE)
        .await
        .unwrap_err();
    assert!(matches!(
        unknown,
        StoreError::Domain(DomainError::Users(UsersError::InvalidCredentials))
    ));
    for i in 1..=domain::users::FREE_FAILED_LOGINS {
        let e = store
            .authenticate("phong_dakmil", "wrong password", HERE)
            .await
            .unwrap_err();
        let backoff = matches!(
            e,
            StoreError::Domain(DomainError::Users(UsersError::LoginBackoff { .. }))
        );
        assert_eq!(
            backoff,
            i == domain::users::FREE_FAILED_LOGINS,
            "attempt {i}: {e:?}"
        );
    }
    // During the wait even the right password is refused, unchecked.
    let e = store
        .authenticate("phong_dakmil", TEST_PASSWORD, HERE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Domain(DomainError::Users(UsersError::LoginBackoff { .. }))
        ),
        "{e:?}"
    );
    // The wait is for that name from that place: the owner elsewhere logs in.
    assert!(store.login_wait("phong_dakmil").await.unwrap().is_some());
    store
        .authenticate("phong_dakmil", TEST_PASSWORD, "203.0.113.9")
        .await
        .unwrap();
    assert_eq!(
        store.login_wait("phong_dakmil").await.unwrap(),
        None,
        "a login forgets"
    );
    // A name no account has gets the very same answers: it tells nothing.
    for i in 1..=domain::users::FREE_FAILED_LOGINS {
        let e = store
            .authenticate("truong_99999999", "wrong password", HERE)
            .await
            .unwrap_err();
        let backoff = matches!(
            e,
            StoreError::Domain(DomainError::Users(UsersError::LoginBackoff { .. }))
        );
        assert_eq!(
            backoff,
            i == domain::users::FREE_FAILED_LOGINS,
            "attempt {i}: {e:?}"
        );
    }
    // An administrator lifts a wait.
    for _ in 0..domain::users::FREE_FAILED_LOGINS {
        let _ = store.authenticate("phong_dakmil", "wrong", HERE).await;
    }
    assert!(store.login_wait("phong_dakmil").await.unwrap().is_some());
    store.unlock_user(&system(), u.id).await.unwrap();
    store
        .authenticate("phong_dakmil", TEST_PASSWORD, HERE)
        .await
        .unwrap();
    // A disabled account is refused after the password is checked.
    store
        .update_user(
            &system(),
            None,
            u.id,
            UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let e = store
        .authenticate("phong_dakmil", TEST_PASSWORD, HERE)
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        StoreError::Domain(DomainError::Users(UsersError::AccountDisabled))
    ));
}

async fn sessions_expire_and_end(db: &TestDb) {
    let store = &db.store;
    let u = add_user(store, "mttq", Role::Mttq, "67-MTTQ").await;
    let policy = SessionPolicy::default();
    let s = store
        .create_session(u.id, policy, Some("127.0.0.1"), Some("test"))
        .await
        .unwrap();
    let open = store
        .session(&s.token, policy)
        .await
        .unwrap()
        .expect("open");
    assert_eq!(open.user.id, u.id);
    assert_eq!(open.csrf_token, s.csrf_token);
    assert!(
        store
            .session("0".repeat(64).as_str(), policy)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.session("not hex", policy).await.unwrap().is_none());
    // An idle limit of zero has passed already: the session is gone, and deleted.
    let strict = SessionPolicy {
        idle_ms: 0,
        ..policy
    };
    assert!(store.session(&s.token, strict).await.unwrap().is_none());
    assert_eq!(store.session_count(u.id).await.unwrap(), 0);

    let s = store
        .create_session(u.id, policy, None, None)
        .await
        .unwrap();
    store.delete_session(&s.token).await.unwrap();
    assert!(store.session(&s.token, policy).await.unwrap().is_none());

    // A password change ends every other session.
    let keep = store
        .create_session(u.id, policy, None, None)
        .await
        .unwrap();
    let other = store
        .create_session(u.id, policy, None, None)
        .await
        .unwrap();
    let keep_hash = domain::digest::sha256_hex(keep.token.as_bytes());
    store
        .set_password(&u.audit_actor(), u.id, test_hash(), false, Some(&keep_hash))
        .await
        .unwrap();
    assert!(store.session(&keep.token, policy).await.unwrap().is_some());
    assert!(store.session(&other.token, policy).await.unwrap().is_none());
}

async fn api_keys_authenticate_until_revoked(db: &TestDb) {
    let store = &db.store;
    let u = add_user(store, "so_tttt", Role::SoTttt, "67-STTTT").await;
    let (key, secret) = store
        .create_api_key(&u.audit_actor(), &u, "  Báo cáo   tự động ")
        .await
        .unwrap();
    assert_eq!(key.name, "Báo cáo tự động");
    assert!(secret.starts_with("smt_") && secret.len() == 44);
    assert!(secret.starts_with(&key.prefix));
    let (who, key_id) = store
        .api_key_user(&secret)
        .await
        .unwrap()
        .expect("valid key");
    assert_eq!((who.id, key_id), (u.id, key.id));
    assert!(
        store
            .api_key_user("smt_0000000000000000000000000000000000000000")
            .await
            .unwrap()
            .is_none()
    );
    let other = add_user(store, "so_tc", Role::SoTaiChinh, "67-STC").await;
    let e = store
        .revoke_api_key(&other.audit_actor(), &other, key.id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Domain(DomainError::NotFound)),
        "nobody revokes another's key"
    );
    store
        .revoke_api_key(&u.audit_actor(), &u, key.id)
        .await
        .unwrap();
    assert!(store.api_key_user(&secret).await.unwrap().is_none());
    let keys = store.api_keys_of(u.id).await.unwrap();
    assert!(keys[0].revoked_at.is_some());
    let e = store
        .create_api_key(&u.audit_actor(), &u, "   ")
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        StoreError::Domain(DomainError::Users(UsersError::InvalidApiKeyName))
    ));
}

async fn audit_chain_verifies_and_names_an_edit(db: &TestDb) {
    let store = &db.store;
    let u = add_user(store, "admin", Role::Admin, "67").await;
    let v = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok(), "{v:?}");
    let summary = v.chain.clone().unwrap();
    assert_eq!(summary.entries as i64, store.audit_head().await.unwrap().0);
    assert_eq!(summary.erased_personal, 0);

    // Personal details may be erased (retention), the chain still holds.
    let seq = store.audit_head().await.unwrap().0;
    raw_execute(
        &db.url,
        &format!("DELETE FROM audit_personal WHERE seq = {seq}"),
    )
    .await
    .unwrap();
    let v = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok());
    assert_eq!(v.chain.unwrap().erased_personal, 1);

    // Someone with database access removes the protection and edits entry 7.
    let disable = if db.url.starts_with("postgres") {
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    raw_execute(&db.url, disable).await.unwrap();
    raw_execute(
        &db.url,
        "UPDATE audit_log SET summary = 'Không có gì' WHERE seq = 7",
    )
    .await
    .unwrap();
    let v = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(!v.ok());
    assert_eq!(v.chain, Err(ChainBreak::HashMismatch { seq: 7 }));
    assert_eq!(v.checked, 6);
    if !db.url.starts_with("postgres") {
        assert_eq!(v.missing_triggers, vec!["audit_log_no_update"]);
    }
    let _ = u;
}

async fn audit_refuses_update_and_delete(db: &TestDb) {
    let store = &db.store;
    let upd = raw_execute(&db.url, "UPDATE audit_log SET summary = 'x' WHERE seq = 1").await;
    assert!(upd.is_err(), "update refused");
    let del = raw_execute(&db.url, "DELETE FROM audit_log WHERE seq = 1").await;
    assert!(del.is_err(), "delete refused");
    let head = raw_execute(&db.url, "DELETE FROM audit_head").await;
    assert!(head.is_err(), "head delete refused");
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
}

async fn concurrent_writers_keep_one_chain(db: &TestDb) {
    let store = &db.store;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            add_user(&s, &format!("truong_{i:02}"), Role::Truong, "67663001").await
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok(), "{v:?}");
    assert_eq!(v.checked as i64, store.audit_head().await.unwrap().0);
}

async fn scoped_import_stays_in_scope(db: &TestDb) {
    let store = &db.store;
    let dak_mil = store.unit_by_code("663").await.unwrap().unwrap();
    let ok =
        "level,code,name,parent,school_level\nschool,67663050,Trường TH Hòa Bình,663,Tiểu học\n";
    store
        .import_units(
            &system(),
            drafts(ok.as_bytes()),
            ImportOptions {
                scope: Some(&dak_mil.path),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let out = "level,code,name,parent,school_level\nschool,67666050,Trường TH Ngoài,666,Tiểu học\nschool,67666002,Trường Tiểu học Kim Đồng,663,Tiểu học\n";
    let err = store
        .import_units(
            &system(),
            drafts(out.as_bytes()),
            ImportOptions {
                scope: Some(&dak_mil.path),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let StoreError::Rows(issues) = err else {
        panic!()
    };
    assert_eq!(issues.iter().map(|i| i.row).collect::<Vec<_>>(), vec![2, 3]);
    assert!(issues.iter().all(|i| i.error == DomainError::Forbidden));
}

#[tokio::test]
async fn backup_is_a_consistent_copy() {
    let db = TestDb::sqlite().await;
    seed(&db.store).await;
    let out = std::env::temp_dir().join(format!(
        "smt-backup-{}.db",
        songmaytinh_store::passwords::random_token(4)
    ));
    let bytes = db.store.backup_sqlite(&out).await.unwrap();
    assert!(bytes > 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the copy is private too: {mode:o}");
    }
    let copy = songmaytinh_store::Store::open(
        &format!("sqlite://{}", out.display()),
        &songmaytinh_store::OpenOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        copy.audit_head().await.unwrap(),
        db.store.audit_head().await.unwrap()
    );
    assert!(copy.verify_audit(|_, _| {}).await.unwrap().ok());
    assert!(
        db.store.backup_sqlite(&out).await.is_err(),
        "never overwrites"
    );
    copy.close().await;
    let _ = std::fs::remove_file(&out);
}

/// Both engines' migrations define the same tables and columns.
#[tokio::test]
async fn schemas_match_across_engines() {
    let lite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    use sqlx::Connection;
    let mut lc = sqlx::SqliteConnection::connect(&lite.url).await.unwrap();
    let lite_cols: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' ORDER BY 1, 2",
    )
    .fetch_all(&mut lc)
    .await
    .unwrap();
    let mut pc = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    let pg_cols: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' ORDER BY 1, 2",
    )
    .fetch_all(&mut pc)
    .await
    .unwrap();
    assert!(!lite_cols.is_empty());
    assert_eq!(lite_cols, pg_cols);
}

#[test]
fn database_urls_choose_the_engine() {
    use songmaytinh_store::{Engine, engine_of, sqlite_path};
    assert_eq!(engine_of("postgres://u@h/db"), Engine::Postgres);
    assert_eq!(engine_of("postgresql://u@h/db"), Engine::Postgres);
    assert_eq!(engine_of("./songmaytinh.db"), Engine::Sqlite);
    assert_eq!(sqlite_path("sqlite://./a.db?mode=rwc"), Some("./a.db"));
    assert_eq!(sqlite_path("sqlite:a.db"), Some("a.db"));
    assert_eq!(
        songmaytinh_store::testing::with_database(
            "postgres://u:p@h:5432/postgres?sslmode=disable",
            "x"
        ),
        "postgres://u:p@h:5432/x?sslmode=disable"
    );
}

/// An entry written before the entity names were one enum ("units" for a units import)
/// still verifies, and the audit page's filter finds it under the entity it means.
async fn old_spellings_are_read_under_their_entity(db: &TestDb) {
    use domain::audit::{AuditRecord, Entity, entry_hash};
    let store = &db.store;
    let (seq, prev) = store.audit_head().await.unwrap();
    let rec = AuditRecord {
        seq: seq + 1,
        at: 1_643_218_200_000,
        actor: "system:cli".into(),
        actor_user_id: None,
        actor_role: None,
        unit_id: None,
        entity: "units".into(),
        entity_id: None,
        action: "import".into(),
        summary: "Nhập tệp đơn vị \"dak-nong.csv\": 0 mới, 0 cập nhật, 80 không đổi".into(),
        changes: None,
        personal_hash: None,
    };
    let hash = entry_hash(&prev, &rec);
    raw_execute(
        &db.url,
        &format!(
            "INSERT INTO audit_log (seq, at, actor, entity, action, summary, prev_hash, hash)
             VALUES ({}, {}, '{}', 'units', 'import', '{}', '{prev}', '{hash}')",
            rec.seq,
            rec.at,
            rec.actor,
            rec.summary.replace('\'', "''")
        ),
    )
    .await
    .unwrap();
    raw_execute(
        &db.url,
        &format!(
            "UPDATE audit_head SET seq = {}, hash = '{hash}' WHERE id = 1",
            rec.seq
        ),
    )
    .await
    .unwrap();
    let v = store.verify_audit(|_, _| {}).await.unwrap();
    assert!(v.ok(), "{:?}", v.chain);
    let units = store
        .audit_entries(None, 500, Some(Entity::Unit))
        .await
        .unwrap();
    assert!(
        units
            .iter()
            .any(|e| e.seq == rec.seq && e.entity == "units")
    );
    assert!(units.iter().any(|e| e.entity == "unit"), "new entries too");
    assert!(
        units
            .iter()
            .all(|e| Entity::parse(&e.entity) == Some(Entity::Unit)),
        "nothing else"
    );
    let users = store
        .audit_entries(None, 500, Some(Entity::User))
        .await
        .unwrap();
    assert!(users.iter().all(|e| e.seq != rec.seq));
}

/// The SQLite file holds children's personal data: created readable by its owner only,
/// and so are its write-ahead log and shared-memory files.
#[cfg(unix)]
#[tokio::test]
async fn a_new_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!(
        "smt-perm-{}",
        songmaytinh_store::passwords::random_token(6)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("private.db");
    let store = songmaytinh_store::Store::open(
        &format!("sqlite://{}", file.display()),
        &songmaytinh_store::OpenOptions::default(),
    )
    .await
    .unwrap();
    seed(&store).await;
    for f in ["private.db", "private.db-wal", "private.db-shm"] {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}: {mode:o}");
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
