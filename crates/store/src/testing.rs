//! Test support: a fresh database per test, on SQLite (a temporary file) or on
//! PostgreSQL (a database copied from a migrated template, as crates.io's test_db does),
//! empty or already holding one of the shared seeds ([`Seed`]: the Đắk Nông tree and four
//! schools; with the role actors and the 2022 programme for the web's tests), copied
//! from a template seeded once per test run; and the fixtures every crate's tests share.
//!
//! PostgreSQL runs when `TEST_POSTGRES_URL` names a server whose user may create
//! databases; otherwise PostgreSQL tests are skipped with a notice on stderr, or fail
//! when `SONGMAYTINH_REQUIRE_POSTGRES=1` (as in CI).

use crate::units::ImportOptions;
use crate::users::{NewUser, User};
use crate::{AuditActor, OpenOptions, Store};
use domain::units::UnitDraft;
use domain::users::{Role, Username};
use sqlx::{Connection, Executor, PgConnection};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Once, OnceLock};

pub struct TestDb {
    pub store: Store,
    pub url: String,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

fn random_name(prefix: &str) -> String {
    format!("{prefix}{}", crate::passwords::random_token(8))
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The PostgreSQL server for tests, or `None` with a notice (or a panic in CI).
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("SONGMAYTINH_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("SONGMAYTINH_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set");
            }
            static NOTICE: Once = Once::new();
            NOTICE.call_once(|| {
                // Straight to the process's stderr, past the test harness's capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTICE: TEST_POSTGRES_URL is not set: the PostgreSQL half of the storage tests is SKIPPED"
                );
            });
            None
        }
    }
}

/// What a test database holds when the test starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seed {
    /// Migrated, nothing else.
    Empty,
    /// The Đắk Nông tree of 2022, the departments and four schools ([`seed_units`]).
    Units,
    /// [`Seed::Units`], a user per role ([`ACTORS`]) and two more school users, and the
    /// 2022 programme with an open round: what the web's tests start from ([`seed_app`]).
    App,
}

impl Seed {
    fn code(self) -> &'static str {
        match self {
            Seed::Empty => "e",
            Seed::Units => "u",
            Seed::App => "a",
        }
    }

    async fn apply(self, store: &Store) {
        match self {
            Seed::Empty => {}
            Seed::Units => seed_units(store).await,
            Seed::App => seed_app(store).await,
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        Self::sqlite_with(&OpenOptions::default()).await
    }

    /// A fresh SQLite file opened with `opts` (say, without migrating it).
    pub async fn sqlite_with(opts: &OpenOptions) -> TestDb {
        let dir = std::env::temp_dir().join(random_name("songmaytinh-test-"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let store = Store::open(&url, opts).await.expect("open sqlite test db");
        TestDb {
            store,
            url,
            dir: Some(dir),
            pg: None,
        }
    }

    /// A SQLite file holding `seed`: a copy of a file seeded once per test process.
    pub async fn sqlite_seeded(seed: Seed) -> TestDb {
        if seed == Seed::Empty {
            return Self::sqlite().await;
        }
        static TEMPLATES: OnceLock<tokio::sync::Mutex<HashMap<Seed, PathBuf>>> = OnceLock::new();
        let mut templates = TEMPLATES.get_or_init(Default::default).lock().await;
        let template = match templates.get(&seed) {
            Some(t) => t.clone(),
            None => {
                let db = Self::sqlite().await;
                seed.apply(&db.store).await;
                // Closing the last connection folds the write-ahead log into the file.
                db.store.close().await;
                let keep = std::env::temp_dir().join(random_name("songmaytinh-template-"));
                std::fs::create_dir_all(&keep).expect("temp dir");
                let file = keep.join(format!("seed-{}.db", seed.code()));
                let from = crate::sqlite_path(&db.url).expect("a sqlite url");
                std::fs::copy(from, &file).expect("copy the seeded file");
                templates.insert(seed, file.clone());
                file
            }
        };
        drop(templates);
        let dir = std::env::temp_dir().join(random_name("songmaytinh-test-"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("test.db");
        std::fs::copy(&template, &file).expect("copy the template");
        let url = format!("sqlite://{}", file.display());
        let store = Store::open(&url, &OpenOptions::default())
            .await
            .expect("open sqlite test db");
        TestDb {
            store,
            url,
            dir: Some(dir),
            pg: None,
        }
    }

    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_seeded(Seed::Empty).await
    }

    /// A PostgreSQL database holding `seed`, copied from a template database that the
    /// first test of any process builds (named after the migrations and the seed).
    pub async fn postgres_seeded(seed: Seed) -> Option<TestDb> {
        let admin = postgres_url()?;
        let base = template_name();
        let template = match seed {
            Seed::Empty => base.clone(),
            s => format!("{base}_{}", s.code()),
        };
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect to TEST_POSTGRES_URL");
        // One process at a time builds the templates or copies one.
        conn.execute("SELECT pg_advisory_lock(727200)")
            .await
            .expect("lock");
        if !database_exists(&mut conn, &base).await {
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{base}\"")))
                .await
                .expect("create template");
            let s = Store::open(
                &with_database(&admin, &base),
                &OpenOptions {
                    max_connections: 1,
                    ..OpenOptions::default()
                },
            )
            .await
            .expect("migrate template");
            s.close().await;
        }
        if !database_exists(&mut conn, &template).await {
            // Built under another name and renamed, so that a run killed while seeding
            // leaves no half-seeded template behind under the real name.
            let building = random_name("smt_building_");
            conn.execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE \"{building}\" TEMPLATE \"{base}\""
            )))
            .await
            .expect("copy template to seed it");
            let s = Store::open(
                &with_database(&admin, &building),
                &OpenOptions {
                    max_connections: 2,
                    ..OpenOptions::default()
                },
            )
            .await
            .expect("open the template to seed it");
            seed.apply(&s).await;
            s.close().await;
            conn.execute(sqlx::AssertSqlSafe(format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{template}\""
            )))
            .await
            .expect("name the seeded template");
        }
        let name = random_name("smt_test_");
        conn.execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )))
        .await
        .expect("copy template");
        conn.execute("SELECT pg_advisory_unlock(727200)")
            .await
            .expect("unlock");
        let _ = conn.close().await;
        let url = with_database(&admin, &name);
        let store = Store::open(
            &url,
            &OpenOptions {
                max_connections: 4,
                ..OpenOptions::default()
            },
        )
        .await
        .expect("open postgres test db");
        Some(TestDb {
            store,
            url,
            dir: None,
            pg: Some((admin, name)),
        })
    }
}

async fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .expect("query pg_database");
    n > 0
}

/// Named after the migrations and the seeds' data, so that a changed migration or seed
/// gets new templates.
fn template_name() -> String {
    let mut h = String::new();
    for m in crate::POSTGRES_MIGRATIONS.iter() {
        h.push_str(&hex::encode(&m.checksum[..]));
    }
    h.push_str(&domain::digest::sha256_hex(DAK_NONG_UNITS));
    h.push_str(EXTRA_UNITS);
    h.push_str(&format!("{ACTORS:?}"));
    h.push_str(SEED_VERSION);
    format!(
        "smt_tpl_{}",
        &domain::digest::sha256_hex(h.as_bytes())[..16]
    )
}

/// Change when a seed function changes, so that old templates are not reused.
const SEED_VERSION: &str = "1";

// ------------------------------------------------------------------ fixtures

/// The password of every test user.
pub const PASSWORD: &str = "mật khẩu thử 2022";

/// One Argon2 hash of [`PASSWORD`] for every test user: hashing is the slow part of
/// creating users.
pub fn test_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| crate::passwords::hash_password_blocking(PASSWORD).unwrap())
        .clone()
}

pub fn system() -> AuditActor {
    AuditActor::system("test")
}

/// The shipped Đắk Nông tree of 2022.
pub const DAK_NONG_UNITS: &[u8] = include_bytes!("../../../data/dak-nong-units.csv");

/// The departments and four schools the tests use: two in Đắk Mil (663), one in
/// Đắk R'Lấp (666), one directly under the Sở.
pub const EXTRA_UNITS: &str = "level,code,name,parent,kind,school_level,commune,internet,agency
department,67-SGDDT,Sở Giáo dục và Đào tạo,67,sở,,,,
department,67-STTTT,Sở Thông tin và Truyền thông,67,sở,,,,
department,67-STC,Sở Tài chính,67,sở,,,,
department,67-MTTQ,Ủy ban MTTQ Việt Nam tỉnh,67,,,,,mttq
department,67-UBND,Ủy ban nhân dân tỉnh,67,,,,,
school,67663001,Trường THCS Nguyễn Du,663,,THCS,Xã Đắk Lao,có,
school,67663002,Trường Tiểu học Lê Lợi,663,,Tiểu học,Thị trấn Đắk Mil,không,
school,67666002,Trường Tiểu học Kim Đồng,666,,Tiểu học,Thị trấn Kiến Đức,yếu,
school,67000001,Trường THPT Chu Văn An,67-SGDDT,,THPT,Phường Nghĩa Đức,có,
";

/// The units of a CSV file in the shipped shape.
pub fn unit_drafts(csv: &[u8]) -> Vec<(usize, UnitDraft)> {
    sheets::units::read_units_csv(csv)
        .expect("csv reads")
        .drafts()
        .expect("drafts parse")
}

/// The Đắk Nông tree, its departments and the four schools.
pub async fn seed_units(store: &Store) {
    for csv in [DAK_NONG_UNITS, EXTRA_UNITS.as_bytes()] {
        store
            .import_units(&system(), unit_drafts(csv), ImportOptions::default())
            .await
            .expect("import the test units");
    }
}

/// The role actors of the tests: (username, role, unit).
pub const ACTORS: [(&str, Role, &str); 9] = [
    ("admin", Role::Admin, "67"),
    ("so_gddt", Role::SoGddt, "67-SGDDT"),
    ("ban_dieu_phoi", Role::BanDieuPhoi, "67-SGDDT"),
    ("phong_663", Role::PhongGddt, "663"),
    ("truong_67663001", Role::Truong, "67663001"),
    ("so_tttt", Role::SoTttt, "67-STTTT"),
    ("so_tai_chinh", Role::SoTaiChinh, "67-STC"),
    ("mttq", Role::Mttq, "67-MTTQ"),
    ("ubnd_tinh", Role::UbndTinh, "67-UBND"),
];

/// The units, a user per role, the 2022 programme with an open round, and two more
/// school users (targets of user management).
pub async fn seed_app(store: &Store) {
    seed_units(store).await;
    for (u, role, unit) in ACTORS {
        add_user(store, u, role, unit).await;
    }
    seed_program(store).await;
    add_user(store, "truong_nd_2", Role::Truong, "67663001").await;
    add_user(store, "truong_kd", Role::Truong, "67666002").await;
}

/// The 2022 programme with its three tiers and an open round; returns the round id.
pub async fn seed_program(store: &Store) -> i64 {
    use time::macros::date;
    store
        .create_program(
            &system(),
            "SMTCE-2022",
            "Sóng và máy tính cho em 2022",
            date!(2022 - 01 - 26),
            date!(2023 - 12 - 31),
            &domain::students::programs::tiers_2022(),
            ("Đợt 1", date!(2022 - 02 - 01), date!(2022 - 03 - 31)),
        )
        .await
        .expect("create the 2022 programme")
        .1
}

/// A user with the shared test password's hash, named "Cán bộ {username}".
pub fn new_user(username: &str, role: Role, unit: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        full_name: format!("Cán bộ {username}"),
        role,
        unit_code: unit.to_string(),
        password_hash: test_hash(),
        must_change_password: false,
    }
}

pub async fn add_user(store: &Store, username: &str, role: Role, unit: &str) -> User {
    store
        .create_user(&system(), None, new_user(username, role, unit))
        .await
        .expect("create user")
}

/// The tablet model the device tests register serials of: a Samsung Galaxy Tab A8 with
/// nothing else stated.
pub fn tablet() -> domain::devices::DeviceModel {
    domain::devices::DeviceModel {
        kind: Some(domain::devices::DeviceKind::Tablet),
        brand: "Samsung".into(),
        model: "Galaxy Tab A8".into(),
        ..Default::default()
    }
}

/// [`tablet`], declared; its id.
pub async fn add_tablet(store: &Store) -> i64 {
    store
        .create_device_model(&system(), &tablet())
        .await
        .expect("declare the tablet model")
}

/// A donor organisation known by its name only, whose name may be published.
pub fn organisation(name: &str) -> domain::donations::Donor {
    domain::donations::Donor {
        kind: domain::donations::DonorKind::Organisation,
        name: name.into(),
        contact_person: None,
        phone: None,
        email: None,
        address: None,
        tax_code: None,
        publish_name: true,
        earmark: Default::default(),
    }
}

/// A statement on a raw connection behind the store's back, for tampering tests.
pub async fn raw_execute(url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if url.starts_with("postgres") {
        let mut c = PgConnection::connect(url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    }
}

/// A count read on a raw connection, for checks the store has no read for.
pub async fn raw_count(url: &str, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if url.starts_with("postgres") {
        let mut c = PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut c)
            .await
            .expect("count")
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut c)
            .await
            .expect("count")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async: a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut c) = PgConnection::connect(&admin).await {
                            let _ = c
                                .execute(sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                )))
                                .await;
                            let _ = c.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Runs each listed `async fn name(db: &TestDb)` once on SQLite and once on PostgreSQL,
/// as tests `name::sqlite` and `name::postgres`; with `seed = Units;` first, each starts
/// from that [`Seed`] (the default is an empty database).
#[macro_export]
macro_rules! storage_tests {
    (seed = $seed:ident; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::testing::TestDb::sqlite_seeded($crate::testing::Seed::$seed).await;
                    super::$name(&db).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::testing::TestDb::postgres_seeded($crate::testing::Seed::$seed).await {
                        super::$name(&db).await;
                    }
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $crate::storage_tests!(seed = Empty; $($name),*);
    };
}

// ---- Allocation fixtures: approved lists and devices in stock ----

use crate::students::lists::ListStep;
use crate::students::{ImportCounts, ImportMsg, ImportOutcome, ImportRow, ImportTarget};
use domain::devices::appraisals::{Appraisal, Verdict};
use domain::devices::{DeviceKind, DeviceModel};
use domain::students::approval::ListAction;
use domain::students::{StudentCode, StudentDraft};

async fn import_drafts(
    store: &Store,
    round_id: i64,
    school_id: i64,
    rows: Vec<StudentDraft>,
) -> ImportOutcome {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let n = rows.len();
    let send = async move {
        let numbered: Vec<ImportRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, d)| ImportRow::new(i + 5, d))
            .collect();
        tx.send(ImportMsg::Rows(numbered)).await.unwrap();
        tx.send(ImportMsg::Done(ImportCounts {
            header_row: 4,
            data_rows: n,
            imported: n,
            rejected: 0,
            skipped: 0,
        }))
        .await
        .unwrap();
    };
    let target = ImportTarget {
        round_id,
        school_id,
        file_name: "ds.xlsx".into(),
        sha256: String::new(),
        dry_run: false,
        find_duplicates: false,
    };
    let actor = system();
    let (out, ()) = tokio::join!(store.import_students(&actor, target, rx), send);
    out.unwrap()
}

/// Four schools' lists (two in Đắk Mil, one in Đắk R'Lấp, one under the Sở), each student
/// of tier 1, 2 or 3 in turn; every list approved by the Board except `leave_open`'s.
/// Returns the round id.
pub async fn approved_lists(store: &Store, per_school: usize, leave_open: Option<&str>) -> i64 {
    seed_units(store).await;
    seed_program(store).await;
    lists_in_open_round(store, per_school, leave_open).await
}

/// [`approved_lists`] on a database already seeded with the units and the programme (the
/// web's seed).
pub async fn lists_in_open_round(
    store: &Store,
    per_school: usize,
    leave_open: Option<&str>,
) -> i64 {
    let round = store.current_round().await.unwrap().unwrap();
    let tiers: Vec<(i64, i32)> = store
        .tiers(round.program_id)
        .await
        .unwrap()
        .iter()
        .map(|t| (t.id, t.rank))
        .collect();
    for (si, code) in ["67663001", "67663002", "67666002", "67000001"]
        .iter()
        .enumerate()
    {
        let school = store.unit_by_code(code).await.unwrap().unwrap();
        let rows = (0..per_school)
            .map(|i| {
                let (tier_id, rank) = tiers[i % 3];
                StudentDraft {
                    code: Some(StudentCode::parse(&format!("6710{si}{i:05}")).unwrap()),
                    full_name: format!("Học Sinh {si} {i}"),
                    dob: time::Date::from_calendar_date(2011, time::Month::May, 1 + (i % 27) as u8)
                        .unwrap(),
                    gender: None,
                    ethnicity: None,
                    class_name: Some("6A".into()),
                    village: Some("Thôn 1".into()),
                    commune: Some("Xã Đắk Lao".into()),
                    parent_name: Some("Phụ Huynh".into()),
                    tier_id,
                    tier_rank: rank,
                    certificate_no: None,
                    note: None,
                }
            })
            .collect();
        let out = import_drafts(store, round.id, school.id, rows).await;
        assert_eq!(out.inserted as usize, per_school);
        let direct = *code == "67000001";
        let steps: &[(Role, ListAction)] = &[
            (Role::Truong, ListAction::Submit),
            (
                if direct {
                    Role::SoGddt
                } else {
                    Role::PhongGddt
                },
                ListAction::Approve,
            ),
            (Role::BanDieuPhoi, ListAction::BoardApprove),
        ];
        for (role, action) in steps {
            if Some(*code) == leave_open && *action == ListAction::BoardApprove {
                break;
            }
            store
                .list_action(
                    &system(),
                    *role,
                    round.id,
                    school.id,
                    ListStep::plain(*action),
                )
                .await
                .unwrap();
        }
    }
    round.id
}

/// `n` devices of a kind, delivered under a contract, appraised and put in stock.
pub async fn stock_devices(store: &Store, kind: DeviceKind, model: &str, prefix: &str, n: usize) {
    let model_id = store
        .create_device_model(
            &system(),
            &DeviceModel {
                kind: Some(kind),
                brand: "Hãng".into(),
                model: model.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let no = format!("{prefix}/2022/HĐ");
    let rows: Vec<crate::devices::SerialRow> = (0..n)
        .map(|i| crate::devices::SerialRow {
            row: i + 2,
            serial: format!("{prefix}{i:05}"),
            imei: None,
        })
        .collect();
    let out = store
        .register_devices(
            &system(),
            model_id,
            &domain::devices::Batch::Contract(no.clone()),
            &rows,
            domain::Lang::Vi,
            false,
        )
        .await
        .unwrap();
    assert_eq!(out.imported as usize, n);
    let source = format!("contract:{no}");
    store
        .appraise(
            &system(),
            &Appraisal {
                model_id,
                source: None,
                verdict: Verdict::Pass,
                appraised_on: time::macros::date!(2022 - 06 - 01),
                notes: None,
            },
        )
        .await
        .unwrap();
    store
        .appraise(
            &system(),
            &Appraisal {
                model_id,
                source: Some(source.clone()),
                verdict: Verdict::Pass,
                appraised_on: time::macros::date!(2022 - 06 - 01),
                notes: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.stock_in(&system(), model_id, &source).await.unwrap() as usize,
        n
    );
}

/// Lists of four schools approved (`per_school` students each), `tablets` and `laptops` in
/// stock, one run drafted, approved and executed: the devices reserved for the students,
/// ready to hand down the chain. Returns the run's id.
pub async fn executed_allocation(
    store: &Store,
    per_school: usize,
    tablets: usize,
    laptops: usize,
) -> i64 {
    approved_lists(store, per_school, None).await;
    executed_allocation_in_open_round(store, tablets, laptops).await
}

/// [`executed_allocation`] on a database whose lists are already approved.
pub async fn executed_allocation_in_open_round(
    store: &Store,
    tablets: usize,
    laptops: usize,
) -> i64 {
    let round = store.current_round().await.unwrap().unwrap();
    if tablets > 0 {
        stock_devices(store, DeviceKind::Tablet, "Tab A8", "TAB", tablets).await;
    }
    if laptops > 0 {
        stock_devices(store, DeviceKind::Laptop, "Vostro", "LAP", laptops).await;
    }
    let (run, _) = store
        .draft_allocation(&system(), round.id, Some([7u8; 32]), Default::default())
        .await
        .unwrap();
    store
        .approve_allocation(
            &system(),
            run.id,
            &format!("{}/QĐ-BĐP", run.id),
            "15/08/2022",
        )
        .await
        .unwrap();
    store.execute_allocation(&system(), run.id).await.unwrap();
    run.id
}

/// After [`executed_allocation`]: the devices of `school` taken down the chain (the
/// Board → its office → the school, each signed for whole) and handed to `students` of its
/// students (in the order the school's page lists them). Returns the students' ids.
pub async fn handed_to_students(store: &Store, school: &str, students: usize) -> Vec<i64> {
    use crate::handover::{NewHandover, SignatureInput, StudentHandover};
    use domain::devices::Holder;
    let actor = system();
    let school = store.unit_by_code(school).await.unwrap().unwrap();
    let office = school.parent_id.unwrap();
    let drawn = || SignatureInput::Drawn(drawn_signature());
    for (giver, receiver) in [(Holder::Board, office), (Holder::Unit(office), school.id)] {
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
            .confirm_handover(&actor, h.id, &serials, &officer("Trần Thị Bình"), &drawn())
            .await
            .unwrap();
    }
    let ready = store.students_to_hand(school.id).await.unwrap();
    let mut out = Vec::new();
    for s in ready.iter().take(students) {
        store
            .hand_to_student(
                &actor,
                &StudentHandover {
                    school: school.id,
                    student: s.student_id,
                    serial: s.serial.clone(),
                    signer: domain::handover::Signer {
                        name: "Hà Thị Lan".into(),
                        position: None,
                        relation: Some(domain::handover::Relation::Mother),
                        id_number: None,
                    },
                    signature: drawn(),
                    sim_carrier: None,
                    sim_number: None,
                },
            )
            .await
            .unwrap();
        out.push(s.student_id);
    }
    out
}

/// A signature as a phone's pad draws it: three strokes across a 320×160 pad.
pub fn drawn_signature() -> domain::handover::signature::Drawn {
    domain::handover::signature::Strokes::parse(
        r#"{"w":320,"h":160,"strokes":[[[30,110],[60,40],[90,120],[120,50],[150,115]],[[170,60],[200,100],[240,70],[280,95]],[[40,135],[290,130]]]}"#,
    )
    .unwrap()
    .drawn()
}

/// An officer signing for a unit or school.
pub fn officer(name: &str) -> domain::handover::Signer {
    domain::handover::Signer {
        name: name.into(),
        position: Some("Chuyên viên".into()),
        relation: None,
        id_number: None,
    }
}

/// Runs `statements` in one transaction on the store's own pool: a benchmark's floor (the
/// same rows written bare) measured through the same connections as the real step.
pub async fn raw_in_transaction(store: &Store, statements: &[String]) -> crate::Result<()> {
    let mut tx = store.pool().begin().await?;
    for s in statements {
        crate::db::Q::assembled(s.clone()).execute(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every audit entry's chain hash, in order, read straight from the table.
pub async fn audit_hashes(store: &Store) -> Vec<String> {
    crate::db::q("SELECT hash FROM audit_log ORDER BY seq")
        .fetch_all::<(String,)>(store.pool())
        .await
        .expect("read the audit hashes")
        .into_iter()
        .map(|(h,)| h)
        .collect()
}

/// Every (table, text-like column) of the database, read from its catalogue.
pub async fn text_columns(store: &Store) -> Vec<(String, String)> {
    use crate::db::{Pool, Q};
    match store.pool() {
        Pool::Sqlite(_) => {
            let tables: Vec<(String,)> = Q::assembled(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'"
                    .to_string(),
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            let mut out = Vec::new();
            for (t,) in tables {
                let cols: Vec<(String, String)> =
                    Q::assembled(format!("SELECT name, type FROM pragma_table_info('{t}')"))
                        .fetch_all(store.pool())
                        .await
                        .unwrap();
                for (c, ty) in cols {
                    if ty.to_uppercase().contains("TEXT") || ty.to_uppercase().contains("BLOB") {
                        out.push((t.clone(), c));
                    }
                }
            }
            out
        }
        Pool::Postgres(_) => Q::assembled(
            "SELECT table_name::TEXT, column_name::TEXT || ':' || data_type::TEXT FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'
                AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')"
                .to_string(),
        )
        .fetch_all(store.pool())
        .await
        .unwrap(),
    }
}

/// Where in the database `needle` is found, as `table.column`.
pub async fn found_in(store: &Store, cols: &[(String, String)], needle: &str) -> Vec<String> {
    use crate::db::{Pool, Q};
    let mut out = Vec::new();
    for (t, c) in cols {
        let sql = match store.pool() {
            Pool::Sqlite(_) => {
                format!("SELECT COUNT(*) FROM \"{t}\" WHERE CAST(\"{c}\" AS TEXT) LIKE $1")
            }
            Pool::Postgres(_) => match c.split_once(':') {
                Some((c, "bytea")) => format!(
                    "SELECT COUNT(*) FROM \"{t}\" WHERE position(convert_to(trim(both '%' from $1), 'UTF8') in \"{c}\") > 0"
                ),
                Some((c, _)) => format!("SELECT COUNT(*) FROM \"{t}\" WHERE \"{c}\"::TEXT LIKE $1"),
                None => unreachable!("columns come with their type"),
            },
        };
        let (n,): (i64,) = Q::assembled(sql)
            .bind(format!("%{needle}%"))
            .fetch_one(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{t}.{c}: {e}"));
        if n > 0 {
            out.push(format!("{t}.{c}"));
        }
    }
    out
}

/// `n` audit entries appended at once (a test's log of a few thousand entries).
pub async fn audit_entries(store: &Store, n: usize) {
    let mut tx = store.pool().begin().await.unwrap();
    let evs = (0..n)
        .map(|i| crate::audit::AuditEvent {
            entity: domain::audit::Entity::Unit,
            entity_id: Some(i.to_string()),
            action: "test",
            summary: format!("Mục thử {i}"),
            unit_id: None,
            changes: None,
            personal: None,
        })
        .collect();
    crate::audit::append_many(&mut tx, &system(), evs)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}
