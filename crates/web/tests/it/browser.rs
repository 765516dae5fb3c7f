//! Pages in a real browser (Debian's Chromium through ChromeDriver): log in with the
//! keyboard on a phone-sized screen, search schools as one types (htmx), switch to
//! English, log out; every field has a label; nothing scrolls sideways on a phone. A
//! barcode scanner (keystrokes ending in Enter) feeds the intake page: the running
//! count, a beep and a red line for a repeat or a serial the registry already has.
//! Screenshots land in `target/tmp/screenshots/`.
//!
//! Skipped with a notice when `chromedriver` is missing, unless
//! `SONGMAYTINH_REQUIRE_BROWSER=1` (as in CI).

use crate::common::{PASSWORD, TestApp};
use fantoccini::{ClientBuilder, Locator, key::Key};
use serde_json::json;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(env: &str, candidates: &[&str]) -> Option<String> {
    std::env::var(env)
        .ok()
        .into_iter()
        .chain(candidates.iter().map(|s| s.to_string()))
        .find(|p| std::path::Path::new(p).exists())
}

async fn start_driver() -> Option<(Driver, String)> {
    let Some(driver) = find(
        "CHROMEDRIVER",
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    ) else {
        if std::env::var("SONGMAYTINH_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("SONGMAYTINH_REQUIRE_BROWSER=1 but chromedriver is not installed");
        }
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: chromedriver not found: the browser tests are SKIPPED"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((child, url));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(driver_url: &str) -> fantoccini::Client {
    let chrome = find(
        "CHROME_BIN",
        &[
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ],
    )
    .expect("chromium");
    let profile =
        std::env::temp_dir().join(format!("smt-chrome-{}", store::passwords::random_token(6)));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chrome,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display())],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver_url)
        .await
        .expect("a browser session")
}

async fn shot(c: &fantoccini::Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn js_bool(c: &fantoccini::Client, script: &str) -> bool {
    c.execute(script, vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// Every visible field has a label, and the page does not scroll sideways.
async fn page_is_usable(c: &fantoccini::Client, page: &str) {
    let labelled = js_bool(
        c,
        "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].every(e => e.labels && e.labels.length > 0);",
    )
    .await;
    assert!(labelled, "{page}: a field has no label");
    let fits = js_bool(
        c,
        "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
    )
    .await;
    assert!(fits, "{page}: the page scrolls sideways");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_on_a_phone() {
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let c = browser(&driver_url).await;
    c.set_window_size(390, 844).await.unwrap();

    c.goto(&app.url("/")).await.unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/login", "sent to log in");
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Đăng nhập");
    page_is_usable(&c, "login").await;
    shot(&c, "login-phone").await;

    // Keyboard only: type, Tab, type, Enter.
    let user = c.find(Locator::Id("username")).await.unwrap();
    user.send_keys("so_gddt").await.unwrap();
    user.send_keys(&Key::Tab.to_string()).await.unwrap();
    let focused = c
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "password", "Tab moves to the password");
    let pw = c.find(Locator::Id("password")).await.unwrap();
    pw.send_keys(&format!("{PASSWORD}{}", Key::Enter))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    let h1 = c
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.starts_with("Xin chào"), "{h1}");
    page_is_usable(&c, "dashboard").await;
    shot(&c, "dashboard-phone").await;

    // Live search: unaccented words find the accented name.
    c.goto(&app.url("/schools")).await.unwrap();
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys("kim dong").await.unwrap();
    let mut found = false;
    for _ in 0..50 {
        // Read through script: htmx may swap the element between a find and a read.
        let html = c
            .execute(
                "const r = document.getElementById('results'); return r ? r.innerHTML : '';",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or("")
            .to_string();
        if html.contains("Trường Tiểu học Kim Đồng") && !html.contains("Trường THCS Nguyễn Du")
        {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "the list narrowed as the user typed");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains("q=kim"),
        "the search is in the address"
    );
    page_is_usable(&c, "schools").await;
    shot(&c, "schools-search-phone").await;

    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&app.url("/schools")).await.unwrap();
    page_is_usable(&c, "schools desktop").await;
    shot(&c, "schools-desktop").await;

    // English, then back.
    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=en]"))
        .await
        .unwrap();
    let nav = c
        .find(Locator::Css("nav.main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        nav.contains("Dashboard") && nav.contains("Schools"),
        "{nav}"
    );
    c.find(Locator::LinkText("Tiếng Việt"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=vi]"))
        .await
        .unwrap();

    // Log out with the header button.
    c.find(Locator::Css("header form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let notice = c
        .find(Locator::Css("p.flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "Bạn đã đăng xuất.");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanner_feeds_the_intake_page() {
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let store = &app.db.store;
    let sys = store::AuditActor::system("test");
    let model = store::testing::add_tablet(store).await;
    store
        .register_devices(
            &sys,
            model,
            &domain::devices::Batch::Contract("01/HĐ".into()),
            &[store::devices::SerialRow {
                row: 1,
                serial: "KNOWN-1".into(),
                imei: None,
            }],
            domain::Lang::Vi,
            false,
        )
        .await
        .unwrap();
    let c = browser(&driver_url).await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("ban_dieu_phoi")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(&format!("{PASSWORD}{}", Key::Enter))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    c.goto(&app.url("/devices/intake")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("[data-scan-input]"))
        .await
        .unwrap();
    // Count the beeps: a stand-in for the speaker.
    c.execute(
        "window.beeps = 0; window.AudioContext = function () { return { currentTime: 0, destination: {}, \
           createOscillator: function () { return { frequency: {}, connect: function () {}, start: function () { window.beeps++; }, stop: function () {} }; }, \
           createGain: function () { return { gain: {}, connect: function () {} }; } }; };",
        vec![],
    )
    .await
    .unwrap();
    let focused = c
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "scan", "the page is ready for the scanner");
    page_is_usable(&c, "intake").await;
    let scan = c.find(Locator::Id("scan")).await.unwrap();
    let count = || async {
        c.find(Locator::Css("[data-scan-count]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    for s in ["r9ht 001", "R9HT002"] {
        scan.send_keys(&format!("{s}{}", Key::Enter)).await.unwrap();
    }
    assert_eq!(count().await, "2");
    let beeps = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            c.execute("return window.beeps;", vec![])
                .await
                .unwrap()
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(beeps(&c).await, 0);
    // The same barcode again: two beeps, a red status, not counted twice.
    scan.send_keys(&format!("R9HT001{}", Key::Enter))
        .await
        .unwrap();
    assert_eq!(count().await, "2");
    assert_eq!(beeps(&c).await, 2);
    let status = c.find(Locator::Css("[data-scan-status]")).await.unwrap();
    assert_eq!(
        status.attr("class").await.unwrap().as_deref(),
        Some("scan-status bad")
    );
    assert!(status.text().await.unwrap().contains("R9HT001"));
    // A serial the registry has: beeps when the server answers, and is taken off.
    scan.send_keys(&format!("known-1{}", Key::Enter))
        .await
        .unwrap();
    let mut marked = false;
    for _ in 0..50 {
        if js_bool(
            &c,
            "return !!document.querySelector('[data-scan-list] li.bad');",
        )
        .await
        {
            marked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(marked, "the known serial is marked");
    assert_eq!(beeps(&c).await, 4);
    assert_eq!(count().await, "2");
    shot(&c, "intake-phone").await;
    // Register what was scanned.
    c.execute(
        &format!("document.getElementById('model_id').value = '{model}'; document.getElementById('batch').value = 'contract'; document.getElementById('contract_no').value = '05/2022/HĐ';"),
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(
        "form[action='/devices/intake'] button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("article.flash"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/devices/batches");
    for s in ["R9HT001", "R9HT002"] {
        assert!(store.device(s).await.unwrap().is_some(), "{s} registered");
    }
    c.close().await.unwrap();
}

async fn log_in(c: &fantoccini::Client, app: &TestApp, user: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(&format!("{PASSWORD}{}", Key::Enter))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
}

/// Every entry of the main menu lies inside the screen, none behind a sideways scroll.
async fn menu_is_reachable(c: &fantoccini::Client, who: &str) {
    let off: Vec<serde_json::Value> = c
        .execute(
            "return [...document.querySelectorAll('nav.main a')].filter(a => { const r = a.getBoundingClientRect(); return r.right > window.innerWidth + 1 || r.left < 0 || r.width === 0; }).map(a => a.textContent);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(off.is_empty(), "{who}: menu entries off-screen: {off:?}");
}

/// The element `id` begins within the first screen.
async fn on_first_screen(c: &fantoccini::Client, id: &str) -> bool {
    js_bool(
        c,
        &format!("const e = document.getElementById('{id}'); return !!e && e.getBoundingClientRect().top < window.innerHeight;"),
    )
    .await
}

/// The text of the element `css` finds. A page that is still being replaced (a click's
/// navigation, an htmx swap) can hand back an element that is gone by the time its text is
/// read: it is found again, for up to five seconds.
async fn text_of(c: &fantoccini::Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return t,
                Err(err) => last = format!("{err:?}"),
            },
            Err(err) => last = format!("{err:?}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no text for {css}: {last}");
}

/// A list through the approval chain on a phone, as each official meets it: the school
/// sees what waits for it on its dashboard, submits from the top of its page after a
/// confirmation that says what goes; the office finds the list on its dashboard, sees
/// evidence per row and approves after its confirmation; the Board approves the lists it
/// chose, and a second visit says nothing is left. Every menu fits the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_goes_up_the_chain_on_a_phone() {
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let school = app.unit("67663001").await;
    let req = web::students::imports::ImportRequest {
        school: &school,
        round_id: None,
        file_name: "h1_truong_a.xlsx",
        sha256: String::new(),
        dry_run: false,
        read_first: false,
        lang: domain::Lang::Vi,
    };
    web::students::imports::import_students(
        &app.db.store,
        &store::AuditActor::system("test"),
        &req,
        std::io::Cursor::new(crate::common::sample("h1_truong_a.xlsx")),
    )
    .await
    .unwrap();
    let c = browser(&driver_url).await;
    c.set_window_size(390, 844).await.unwrap();

    // The school: its dashboard says the list is not submitted, the page's first screen
    // holds the submit, which asks first.
    log_in(&c, &app, "truong_67663001").await;
    menu_is_reachable(&c, "school").await;
    let todo = text_of(&c, "#todo").await;
    assert!(todo.contains("chưa gửi duyệt"), "{todo}");
    assert!(todo.contains("68"), "{todo}");
    shot(&c, "chain-school-dashboard-phone").await;
    c.goto(&app.url("/students/school/67663001")).await.unwrap();
    page_is_usable(&c, "school list").await;
    assert!(on_first_screen(&c, "submit-list").await, "submit on top");
    c.find(Locator::Id("submit-list"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("confirm")).await.unwrap();
    assert_eq!(text_of(&c, "#sum-rows").await, "68");
    assert_eq!(text_of(&c, "#sum-bare").await, "68", "no evidence yet");
    shot(&c, "chain-submit-confirm-phone").await;
    c.find(Locator::Id("confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("list-status"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#list-status").await, "Đã gửi duyệt");

    // The district office: the list waits on its dashboard; the review page shows the
    // evidence of each row and keeps approve and return on its first screen.
    log_in(&c, &app, "phong_663").await;
    menu_is_reachable(&c, "district office").await;
    let link = c
        .find(Locator::Css("#todo a[href*='status=submitted']"))
        .await
        .unwrap();
    assert!(
        link.text().await.unwrap().starts_with('1'),
        "one list waits"
    );
    shot(&c, "chain-office-dashboard-phone").await;
    link.click().await.unwrap();
    c.wait().for_element(Locator::Id("schools")).await.unwrap();
    c.find(Locator::Css("#schools tr[data-school='67663001'] a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("rows")).await.unwrap();
    assert!(on_first_screen(&c, "approve-list").await, "approve on top");
    assert!(on_first_screen(&c, "return-rows").await, "return on top");
    let evidence = text_of(&c, "#rows td.evidence").await;
    assert_eq!(evidence, "Chưa có minh chứng");
    page_is_usable(&c, "review").await;
    shot(&c, "chain-review-phone").await;
    c.find(Locator::Id("approve-list"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("confirm")).await.unwrap();
    assert!(
        c.find(Locator::Id("evidence-warning")).await.is_ok(),
        "the office is told rows have no evidence"
    );
    c.find(Locator::Id("confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("list-status"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#list-status").await, "Đã duyệt");

    // The Board: what it is about to approve, chosen list by list; then nothing left.
    log_in(&c, &app, "ban_dieu_phoi").await;
    menu_is_reachable(&c, "Board").await;
    c.find(Locator::Css("#todo a[href^='/students/board-approve']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("board-submit"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#sum-lists").await, "1");
    page_is_usable(&c, "board approval").await;
    shot(&c, "chain-board-confirm-phone").await;
    c.find(Locator::Id("board-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    c.goto(&app.url("/students/board-approve")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("nothing-left"))
        .await
        .unwrap();

    // Every role's menu fits a phone, the admin's longest one included.
    for user in ["admin", "so_gddt", "so_tttt", "ubnd_tinh"] {
        log_in(&c, &app, user).await;
        menu_is_reachable(&c, user).await;
    }
    c.close().await.unwrap();
}

/// Draws a signature on the page's pad with a finger: three strokes by touch pointer
/// events, as a phone sends them.
async fn draw_signature(c: &fantoccini::Client) {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, PointerAction, TouchActions};
    let pad = c.find(Locator::Css("canvas[data-sign-pad]")).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&pad).unwrap()],
    )
    .await
    .unwrap();
    let step = Some(Duration::from_millis(40));
    for (dx, dy) in [(-120.0, 20.0), (-20.0, -25.0), (60.0, 30.0)] {
        let stroke = TouchActions::new("finger".into())
            .then(PointerAction::MoveToElement {
                element: pad.clone(),
                duration: None,
                x: dx,
                y: dy,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: step,
                x: 25.0,
                y: -30.0,
            })
            .then(PointerAction::MoveBy {
                duration: step,
                x: 20.0,
                y: 40.0,
            })
            .then(PointerAction::MoveBy {
                duration: step,
                x: 30.0,
                y: -20.0,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        c.perform_actions(stroke).await.unwrap();
    }
}

async fn click(c: &fantoccini::Client, css: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&e).unwrap()],
    )
    .await
    .unwrap();
    e.click().await.unwrap();
}

async fn fill(c: &fantoccini::Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// The heart of the program on a phone, end to end: from approved lists the Board drafts,
/// approves and executes a run; lists a district office's share from the packing list;
/// the office signs for it with a finger on the screen and hands a school its share, which
/// a barcode scanner checks in at the school; the school hands a student their device,
/// the parent signing on the phone; the school downloads its CSDL ngành sheet and marks
/// the row entered. On SQLite and on PostgreSQL.
async fn the_chain_on_a_phone(app: &TestApp, driver_url: &str, engine: &str) {
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::stock_devices(
        store,
        domain::devices::DeviceKind::Tablet,
        "Tab A8",
        "TAB",
        10,
    )
    .await;
    store::testing::stock_devices(
        store,
        domain::devices::DeviceKind::Laptop,
        "Vostro",
        "LAP",
        14,
    )
    .await;
    let c = browser(driver_url).await;
    c.set_window_size(390, 844).await.unwrap();
    let shot_as = |name: &str| format!("e2e-{engine}-{name}");

    // The Board: draft, approve under a decision, execute.
    log_in(&c, app, "ban_dieu_phoi").await;
    c.goto(&app.url("/allocation")).await.unwrap();
    click(&c, "#draft").await;
    c.wait()
        .for_element(Locator::Id("approve-run"))
        .await
        .unwrap();
    fill(&c, "input[name=decision_no]", "27/QĐ-BĐP").await;
    fill(&c, "input[name=decision_date]", "15/03/2022").await;
    click(&c, "#approve-run").await;
    c.wait()
        .for_element(Locator::Id("execute-run"))
        .await
        .unwrap();
    click(&c, "input[name=confirm]").await;
    click(&c, "#execute-run").await;
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    assert!(text_of(&c, "#run-status").await.starts_with("Đã thực hiện"));

    // The Board lists Đắk Mil's share from its packing list.
    let office = app.unit("67663001").await.parent_id.unwrap();
    c.goto(&app.url("/handover")).await.unwrap();
    menu_is_reachable(&c, "Board").await;
    click(&c, &format!("#to-hand tr[data-unit='{office}'] a")).await;
    c.wait().for_element(Locator::Id("fill-all")).await.unwrap();
    click(&c, "#fill-all").await;
    c.wait()
        .for_element(Locator::Id("create-minutes"))
        .await
        .unwrap();
    page_is_usable(&c, "new minutes").await;
    shot(&c, &shot_as("board-new-minutes-phone")).await;
    click(&c, "#create-minutes").await;
    c.wait()
        .for_element(Locator::Id("minutes-status"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&c, "#minutes-status").await,
        "Chờ bên nhận xác nhận"
    );
    let minutes = c.current_url().await.unwrap().path().to_string();

    // The office signs for all of it with a finger.
    log_in(&c, app, "phong_663").await;
    c.goto(&app.url("/handover")).await.unwrap();
    click(&c, "#incoming a").await;
    c.wait()
        .for_element(Locator::Id("confirm-form"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), minutes);
    page_is_usable(&c, "confirm").await;
    click(&c, "#all-arrived").await;
    fill(&c, "#signer_name", "Trần Thị Bình").await;
    fill(&c, "#signer_position", "Phó Trưởng phòng").await;
    draw_signature(&c).await;
    shot(&c, &shot_as("office-signs-phone")).await;
    click(&c, "#sign-submit").await;
    c.wait()
        .for_element(Locator::Id("signature-image"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#minutes-status").await, "Đã ký nhận");
    assert_eq!(text_of(&c, "#signer").await, "Trần Thị Bình");
    let drawn = js_bool(
        &c,
        "const i = document.getElementById('signature-image'); return i.complete && i.naturalWidth > 100;",
    )
    .await;
    assert!(drawn, "the kept signature shows");

    // The office hands the school its share.
    let school = app.unit("67663001").await.id;
    c.goto(&app.url(&format!("/handover/new?to={school}&all=1")))
        .await
        .unwrap();
    click(&c, "#create-minutes").await;
    c.wait()
        .for_element(Locator::Id("minutes-status"))
        .await
        .unwrap();
    let to_school = c.current_url().await.unwrap().path().to_string();
    let serials: Vec<String> = store
        .handover_items(to_school.rsplit('/').next().unwrap().parse().unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.serial)
        .collect();

    // The school checks the boxes in with its scanner (keystrokes ending in Enter) and
    // signs; a box scanned twice beeps and counts once.
    log_in(&c, app, "truong_67663001").await;
    c.goto(&app.url(&to_school)).await.unwrap();
    c.wait()
        .for_element(Locator::Id("confirm-form"))
        .await
        .unwrap();
    let scan = c.find(Locator::Id("scan")).await.unwrap();
    for s in serials.iter().chain(std::iter::once(&serials[0])) {
        scan.send_keys(&format!("{s}{}", Key::Enter)).await.unwrap();
    }
    assert_eq!(
        text_of(&c, "[data-scan-count]").await,
        serials.len().to_string()
    );
    fill(&c, "#signer_name", "Lê Văn Cường").await;
    draw_signature(&c).await;
    click(&c, "#sign-submit").await;
    c.wait()
        .for_element(Locator::Id("signature-image"))
        .await
        .unwrap();
    assert!(
        c.find(Locator::Id("missing")).await.is_err(),
        "nothing missing"
    );

    // The school hands a student their device; the parent signs on the phone.
    c.goto(&app.url("/handover/students")).await.unwrap();
    page_is_usable(&c, "students to hand").await;
    shot(&c, &shot_as("school-students-phone")).await;
    click(&c, "#students a.hand").await;
    c.wait()
        .for_element(Locator::Id("hand-form"))
        .await
        .unwrap();
    let expected = text_of(&c, "#expected").await;
    page_is_usable(&c, "hand to a student").await;
    fill(&c, "#serial", &expected).await;
    fill(&c, "#guardian", "Hà Thị Lan").await;
    c.find(Locator::Css("#relation option[value='mother']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    draw_signature(&c).await;
    shot(&c, &shot_as("parent-signs-phone")).await;
    click(&c, "#hand-submit").await;
    c.wait()
        .for_element(Locator::Id("signature-image"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#signer").await, "Hà Thị Lan");
    shot(&c, &shot_as("student-minutes-phone")).await;

    // CSDL ngành: the sheet downloads; the row is ticked as entered.
    c.goto(&app.url("/handover/csdl")).await.unwrap();
    page_is_usable(&c, "csdl").await;
    let xlsx = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/handover/csdl.xlsx').then(r => r.arrayBuffer()).then(b => { const u = new Uint8Array(b); done(u.length > 100 && u[0] === 0x50 && u[1] === 0x4b); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(xlsx, serde_json::Value::Bool(true), "an .xlsx comes down");
    assert_eq!(text_of(&c, "#csdl-left").await, "1");
    click(&c, "#csdl input[name=entered]").await;
    click(&c, "#csdl-save").await;
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    assert_eq!(text_of(&c, "#csdl-left").await, "0");
    let root = app.unit("67").await.path;
    assert_eq!(store.handed_counts(&root).await.unwrap(), (1, 0));
    assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_on_a_phone_sqlite() {
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    the_chain_on_a_phone(&app, &driver_url, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_on_a_phone_postgres() {
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    the_chain_on_a_phone(&app, &driver_url, "postgres").await;
}

/// The public portal in a browser, no login: the charts drawn, nothing sideways on a
/// phone, screenshots at a phone's and a desktop's size; a donor traces their gift by the
/// code on their acknowledgement, then by their transfer's bank reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_reads_the_portal_and_traces_a_gift() {
    use domain::donations::{Donor, DonorKind};
    use domain::ledger::gifts::{Channel, NewGift};
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let store = &app.db.store;
    let actor = store::testing::system();
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;
    store::testing::handed_to_students(store, "67663001", 4).await;
    let donor = store
        .save_donor(
            &actor,
            None,
            &Donor {
                kind: DonorKind::Organisation,
                name: "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông".into(),
                contact_person: None,
                phone: None,
                email: None,
                address: None,
                tax_code: None,
                publish_name: true,
                earmark: Default::default(),
            },
        )
        .await
        .unwrap();
    let day = time::macros::date!(2026 - 08 - 05);
    let id = store
        .record_gift(
            &actor,
            &NewGift {
                donor_id: donor,
                amount: domain::money::Dong(500_000_000),
                channel: Channel::Direct,
                date: day,
                publish_name: true,
                earmark: Default::default(),
                note: None,
            },
            Some((day, Some("FT26200104233".into()))),
        )
        .await
        .unwrap();
    let code = store
        .gift(id)
        .await
        .unwrap()
        .unwrap()
        .verification_printed();

    let c = browser(&driver_url).await;
    for (size, w, h) in [("phone", 390, 844), ("desktop", 1366, 900)] {
        c.set_window_size(w, h).await.unwrap();
        c.goto(&app.url("/cong-khai")).await.unwrap();
        c.wait()
            .for_element(Locator::Css("svg.chart"))
            .await
            .unwrap();
        let charts = c
            .execute(
                "return [...document.querySelectorAll('svg.chart')].filter(s => s.getBoundingClientRect().width > 200).length;",
                vec![],
            )
            .await
            .unwrap();
        assert!(charts.as_i64().unwrap_or(0) >= 2, "{size}: {charts:?}");
        page_is_usable(&c, &format!("/cong-khai ({size})")).await;
        shot(&c, &format!("portal-{size}")).await;
    }

    // On the phone: the code as printed, then the bank reference.
    c.set_window_size(390, 844).await.unwrap();
    for typed in [code.as_str(), "FT26200104233"] {
        c.goto(&app.url("/cong-khai")).await.unwrap();
        fill(&c, "#trace input[name=ma]", typed).await;
        click(&c, "#trace button[type=submit]").await;
        c.wait()
            .for_element(Locator::Css("article.gift"))
            .await
            .unwrap();
        let text = text_of(&c, "article.gift").await;
        assert!(text.contains("500.000.000 đ"), "{typed}: {text}");
        assert!(text.contains("Hưng Thịnh"), "{typed}: {text}");
        page_is_usable(&c, "/cong-khai/tra-cuu").await;
    }
    shot(&c, "portal-trace-phone").await;
    c.close().await.unwrap();
}

/// Signal and after-care on a phone: a school reports a dead zone through its form, Sở
/// TT&TT moves it on to covered, a date before the last step refused in words; the school
/// opens a repair ticket for a device its student holds and closes it, the device back
/// with the same student. Every page fits the phone, every field has its label.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_zone_and_a_repair_on_a_phone() {
    use domain::devices::{DeviceState, Holder};
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let store = &app.db.store;
    store::testing::lists_in_open_round(store, 6, None).await;
    store::testing::executed_allocation_in_open_round(store, 10, 14).await;
    let handed = store::testing::handed_to_students(store, "67663001", 1).await;
    let serial = store.device_of_student(handed[0]).await.unwrap().unwrap();
    let c = browser(&driver_url).await;
    c.set_window_size(390, 844).await.unwrap();

    log_in(&c, &app, "truong_67663001").await;
    c.goto(&app.url("/signal/zones/new")).await.unwrap();
    page_is_usable(&c, "/signal/zones/new").await;
    fill(&c, "input[name=commune]", "Xã Đắk Lao").await;
    fill(&c, "input[name=village]", "Thôn 1").await;
    click(&c, "input[name=carrier_viettel]").await;
    c.find(Locator::Css("select[name=signal] option[value=none]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "input[name=opened_on]", "01/09/2022").await;
    click(&c, "#save-zone").await;
    c.wait()
        .for_element(Locator::Id("zone-students"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#zone-students").await, "12");
    let zone = c.current_url().await.unwrap().to_string();
    page_is_usable(&c, "a zone").await;
    shot(&c, "zone-reported-phone").await;

    log_in(&c, &app, "so_tttt").await;
    c.goto(&zone).await.unwrap();
    fill(&c, "#advance input[name=day]", "05/09/2022").await;
    click(&c, "#save-step").await;
    c.wait()
        .for_element(Locator::Id("zone-status"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "#zone-status")
            .await
            .contains("Đã gửi nhà mạng")
    );
    // A date before the last step: refused in words, on the same page.
    fill(&c, "#advance input[name=day]", "01/09/2022").await;
    click(&c, "#save-step").await;
    c.wait().for_element(Locator::Id("problems")).await.unwrap();
    assert!(text_of(&c, "#problems").await.contains("05/09/2022"));
    c.find(Locator::Css(
        "#advance select[name=status] option[value=covered]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(&c, "#advance input[name=day]", "15/11/2022").await;
    click(&c, "#save-step").await;
    c.wait().for_element(Locator::Id("covered")).await.unwrap();
    page_is_usable(&c, "a covered zone").await;
    shot(&c, "zone-covered-phone").await;

    log_in(&c, &app, "truong_67663001").await;
    c.goto(&app.url("/aftercare/repairs")).await.unwrap();
    click(&c, "#open-ticket summary").await;
    page_is_usable(&c, "/aftercare/repairs").await;
    fill(&c, "input[name=serial]", &serial).await;
    fill(&c, "input[name=fault]", "Màn hình không lên").await;
    fill(&c, "input[name=reported_by]", "Phụ huynh").await;
    click(&c, "#save-ticket").await;
    c.wait()
        .for_element(Locator::Id("ticket-status"))
        .await
        .unwrap();
    assert_eq!(
        store.device(&serial).await.unwrap().unwrap().state,
        DeviceState::UnderRepair
    );
    c.find(Locator::Css(
        "#ticket-step select[name=status] option[value=repaired]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(&c, "#ticket-step input[name=resolution]", "Thay màn hình").await;
    click(&c, "#save-step").await;
    c.wait().for_element(Locator::Id("closed")).await.unwrap();
    page_is_usable(&c, "a closed ticket").await;
    shot(&c, "repair-closed-phone").await;
    let d = store.device(&serial).await.unwrap().unwrap();
    assert_eq!(
        (d.state, d.holder),
        (DeviceState::WithStudent, Holder::Student(handed[0]))
    );
    c.close().await.unwrap();
}

/// Sở TT&TT appraises a delivered batch on a phone: the model first, then the batch (a
/// date that does not exist refused in words, nothing recorded); the Board then takes the
/// appraised devices into stock from the same page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_appraised_and_stocked_on_a_phone() {
    use domain::devices::{Batch, DeviceKind, DeviceModel};
    let Some((_driver, driver_url)) = start_driver().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let store = &app.db.store;
    let system = store::testing::system();
    let model = store
        .create_device_model(
            &system,
            &DeviceModel {
                kind: Some(DeviceKind::Tablet),
                brand: "Samsung".into(),
                model: "Galaxy Tab A8".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let rows: Vec<store::devices::SerialRow> = (0..8)
        .map(|i| store::devices::SerialRow {
            row: i + 2,
            serial: format!("R9TT{i:05}"),
            imei: None,
        })
        .collect();
    store
        .register_devices(
            &system,
            model,
            &Batch::Contract("12/2022/HĐ-TT".into()),
            &rows,
            domain::Lang::Vi,
            false,
        )
        .await
        .unwrap();
    let c = browser(&driver_url).await;
    c.set_window_size(390, 844).await.unwrap();
    let form = format!("#model-{model} form[action='/devices/appraisals']");
    let appraise = async |source: &str, on: &str| {
        c.goto(&app.url("/devices/batches")).await.unwrap();
        click(&c, &format!("#model-{model} details summary")).await;
        c.find(Locator::Css(&format!(
            "#source-{model} option[value='{source}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        click(&c, &format!("{form} input[name=verdict][value=pass]")).await;
        let date = c.find(Locator::Id(&format!("on-{model}"))).await.unwrap();
        date.clear().await.unwrap();
        date.send_keys(on).await.unwrap();
        fill(&c, &format!("#notes-{model}"), "Đạt cấu hình tối thiểu").await;
        click(&c, &format!("{form} button[type=submit]")).await;
        c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    };

    log_in(&c, &app, "so_tttt").await;
    c.goto(&app.url("/devices/batches")).await.unwrap();
    click(&c, &format!("#model-{model} details summary")).await;
    page_is_usable(&c, "/devices/batches").await;
    shot(&c, "appraisal-form-phone").await;
    appraise("", "01/06/2022").await;
    let batch = "contract:12/2022/HĐ-TT";
    appraise(batch, "31/02/2022").await;
    assert!(
        text_of(&c, "#form-error").await.contains("dd/mm/yyyy"),
        "a date that does not exist is refused in words"
    );
    let cell = format!("#model-{model} td[data-label='Đạt, chờ nhập kho']");
    appraise(batch, "02/06/2022").await;
    assert_eq!(text_of(&c, &cell).await, "8");
    page_is_usable(&c, "/devices/batches after the appraisal").await;
    shot(&c, "batch-appraised-phone").await;

    log_in(&c, &app, "ban_dieu_phoi").await;
    c.goto(&app.url("/devices/batches")).await.unwrap();
    click(
        &c,
        &format!("#model-{model} form[action='/devices/batches/stock-in'] button"),
    )
    .await;
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert_eq!(
        text_of(&c, &format!("#model-{model} td[data-label='Trong kho']")).await,
        "8"
    );
    shot(&c, "batch-stocked-phone").await;
    c.close().await.unwrap();
}
