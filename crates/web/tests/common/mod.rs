//! The real app on a real database (SQLite or PostgreSQL), bound to a free port.

#![allow(dead_code)]

use domain::users::{Role, Username};
use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use std::sync::OnceLock;
use store::testing::TestDb;
use store::units::ImportOptions;
use store::users::{NewUser, User};
use store::{AuditActor, Store};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "mật khẩu thử 2022";

pub fn test_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| store::passwords::hash_password_blocking(PASSWORD).unwrap())
        .clone()
}

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

const EXTRA: &str = "level,code,name,parent,kind,school_level,commune,internet,agency
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

pub async fn seed(store: &Store) {
    let sys = AuditActor::system("test");
    let csv = include_bytes!("../../../../data/dak-nong-units.csv");
    let drafts = sheets::units::read_units_csv(&csv[..])
        .unwrap()
        .drafts()
        .unwrap();
    store
        .import_units(&sys, drafts, ImportOptions::default())
        .await
        .unwrap();
    let drafts = sheets::units::read_units_csv(EXTRA.as_bytes())
        .unwrap()
        .drafts()
        .unwrap();
    store
        .import_units(&sys, drafts, ImportOptions::default())
        .await
        .unwrap();
    for (u, role, unit) in ACTORS {
        add_user(store, u, role, unit).await;
    }
    seed_program(store).await;
    // Targets of user-management routes, distinct from the actors.
    add_user(store, "truong_nd_2", Role::Truong, "67663001").await;
    add_user(store, "truong_kd", Role::Truong, "67666002").await;
}

/// The 2022 programme with its three tiers and an open round; returns the round id.
pub async fn seed_program(store: &Store) -> i64 {
    use time::macros::date;
    store
        .create_program(
            &AuditActor::system("test"),
            "SMTCE-2022",
            "Sóng và máy tính cho em 2022",
            date!(2022 - 01 - 26),
            date!(2023 - 12 - 31),
            &domain::students::programs::tiers_2022(),
            ("Đợt 1", date!(2022 - 02 - 01), date!(2022 - 03 - 31)),
        )
        .await
        .unwrap()
        .1
}

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub async fn add_user(store: &Store, username: &str, role: Role, unit: &str) -> User {
    store
        .create_user(
            &AuditActor::system("test"),
            None,
            NewUser {
                username: Username::parse(username).unwrap(),
                full_name: format!("Cán bộ {username}"),
                role,
                unit_code: unit.into(),
                password_hash: test_hash(),
                must_change_password: false,
            },
        )
        .await
        .unwrap()
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::start(TestDb::sqlite().await).await
    }

    pub async fn postgres() -> Option<TestApp> {
        Some(Self::start(TestDb::postgres().await?).await)
    }

    async fn start(db: TestDb) -> TestApp {
        seed(&db.store).await;
        let app =
            web::Application::build(db.store.clone(), web::WebConfig::default(), "127.0.0.1:0")
                .await
                .unwrap();
        let base = format!("http://{}", app.local_addr());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        TestApp {
            base,
            db,
            stop: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn user(&self, username: &str) -> User {
        self.db
            .store
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap()
    }

    /// A logged-in browser session made straight in the store (no password hashing):
    /// the cookie and the CSRF token a page would carry.
    pub async fn session(&self, username: &str) -> Client {
        let u = self.user(username).await;
        let s = self
            .db
            .store
            .create_session(u.id, Default::default(), None, None)
            .await
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("smt_session={}", s.token)).unwrap(),
        );
        Client {
            http: client(headers),
            base: self.base.clone(),
            csrf: s.csrf_token,
        }
    }

    /// Nobody logged in.
    pub fn anonymous(&self) -> Client {
        Client {
            http: client(HeaderMap::new()),
            base: self.base.clone(),
            csrf: String::new(),
        }
    }

    /// A real login through the form, keeping cookies like a browser.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = http
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = form_token(&page).expect("login form has a token");
        let res = http
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        (http, res)
    }
}

fn client(headers: HeaderMap) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `_csrf` value of the first form on a page.
pub fn form_token(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[i..].split('"').next()?.to_string())
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Client {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    /// Posts a form with the page's CSRF token added.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut f: Vec<(&str, &str)> = form.to_vec();
        f.push(("_csrf", &self.csrf));
        self.http
            .post(format!("{}{}", self.base, path))
            .form(&f)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Runs each `async fn name(app: &TestApp)` against SQLite and PostgreSQL.
#[macro_export]
macro_rules! web_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::common::TestApp::sqlite().await;
                    super::$name(&app).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::common::TestApp::postgres().await {
                        super::$name(&app).await;
                    }
                }
            }
        )*
    };
}
