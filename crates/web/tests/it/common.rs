//! The real app on a real database (SQLite or PostgreSQL), bound to a free port.

use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use store::testing::{Seed, TestDb};
use store::users::User;
use tokio::sync::oneshot;

pub use store::testing::{ACTORS, PASSWORD};

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

/// The rows a sample list refuses and why, as `data/samples/expected.json` says.
pub fn expected_rejections(sample: &str) -> Vec<(usize, String)> {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("../../../../data/samples/expected.json")).unwrap();
    let list = all
        .as_object()
        .unwrap()
        .values()
        .find(|v| v["file"] == sample)
        .unwrap_or_else(|| panic!("{sample} in expected.json"));
    list["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap() as usize,
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

impl TestApp {
    /// The app on a SQLite file holding the web's seed (`Seed::App`).
    pub async fn sqlite() -> TestApp {
        Self::start(TestDb::sqlite_seeded(Seed::App).await).await
    }

    /// The app on a PostgreSQL database holding the web's seed.
    pub async fn postgres() -> Option<TestApp> {
        Some(Self::start(TestDb::postgres_seeded(Seed::App).await?).await)
    }

    async fn start(db: TestDb) -> TestApp {
        // The Department's account is configured, the Front's is not: pages show a VietQR
        // code for the one and say why there is none for the other.
        let config = web::WebConfig {
            donations_account: Some(web::BankAccount {
                bin: "970436".into(),
                number: "0631000468888".into(),
                holder: "SO GIAO DUC VA DAO TAO DAK NONG".into(),
            }),
            log_signer: Some(std::sync::Arc::new(test_log_signer())),
            ..web::WebConfig::default()
        };
        let app = web::Application::build(db.store.clone(), config, "127.0.0.1:0")
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
        self.session_in(username, "vi").await
    }

    /// A session whose interface language is `lang` (`vi` or `en`).
    pub async fn session_in(&self, username: &str, lang: &str) -> Client {
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
            HeaderValue::from_str(&format!("smt_session={}; smt_lang={lang}", s.token)).unwrap(),
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
        let http = browser();
        let page = self.text(&http, "/login").await;
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

/// A page's text, fetched with `http`.
impl TestApp {
    pub async fn text(&self, http: &reqwest::Client, path: &str) -> String {
        http.get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The unit with this code.
    pub async fn unit(&self, code: &str) -> store::units::Unit {
        self.db.store.unit_by_code(code).await.unwrap().unwrap()
    }

    /// The one student of `school` whose code (or name) matches `code`.
    pub async fn student(&self, school: &str, code: &str) -> store::students::Student {
        let s = self.db.store.unit_by_code(school).await.unwrap().unwrap();
        let filter = store::students::StudentFilter {
            search: Some(code.into()),
            ..Default::default()
        };
        let mut page = self
            .db
            .store
            .list_students(&s.path, &filter, 1, 5)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1, "{code} at {school}");
        page.items.remove(0)
    }

    /// Somebody not logged in who opened the login page first, as a browser would: the
    /// pre-login CSRF token in hand.
    pub async fn visitor(&self) -> Client {
        let http = browser();
        let page = self.text(&http, "/login").await;
        Client {
            csrf: form_token(&page).expect("login form has a token"),
            http,
            base: self.base.clone(),
        }
    }
}

/// A client that keeps cookies like a browser and does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
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

    /// A file-upload form with this page's token as its first field, as the pages send it.
    pub fn upload_form(&self) -> reqwest::multipart::Form {
        reqwest::multipart::Form::new().text("_csrf", self.csrf.clone())
    }

    /// Sends a file-upload form (from [`Client::upload_form`]).
    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .multipart(form)
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

/// The text of a PDF as poppler's `pdftotext` reads it (installed by `.ci/run`).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir =
        std::env::temp_dir().join(format!("smt-web-pdf-{}", store::passwords::random_token(6)));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed; .ci/run installs it");
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The key the test servers sign the audit log's checkpoints with.
pub fn test_log_signer() -> domain::audit::checkpoint::LogSigner {
    domain::audit::checkpoint::LogSigner::from_seed("songmaytinh.test/audit", [5; 32]).unwrap()
}
