//! What officials do through the web and the API, on both engines.

use crate::common::{PASSWORD, TestApp, form_token};
use reqwest::StatusCode;
use serde_json::Value;

web_tests!(
    login_logout_and_backoff,
    a_school_sees_only_itself,
    csrf_is_required,
    admin_creates_a_user_who_must_change_password,
    api_keys_open_the_api,
    unit_form_validates_and_audits,
    english_is_available,
    errors_are_pages_or_json,
    changes_through_this_server_take_effect_at_once,
    a_form_target_opened_directly_says_which_methods_it_takes,
    next_never_leaves_the_site,
    uploads_carry_their_token_in_the_body,
    head_answers_like_get,
    the_audit_page_names_people_and_actions_and_filters,
    a_planted_session_does_not_survive_a_login,
);

/// The administrator saves the `mttq` account's form with "active" unticked.
async fn disable_mttq(admin: &crate::common::Client, id: i64) {
    let res = admin
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("full_name", "Cán bộ mttq"),
                ("role", "mttq"),
                ("unit", "67-MTTQ"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// The value of cookie `name` a response sets, if it sets one.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

/// Session fixation: a session cookie the browser carries when someone logs in (a value an
/// attacker chose and planted) is never adopted: the login hands out a new token of the
/// server's making, and the planted value opens nothing, before or after. A real session
/// planted in a browser shows whose it is on the first page.
async fn a_planted_session_does_not_survive_a_login(app: &TestApp) {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let planted = "do-ke-tan-cong-chon-0123456789abcdef0123456789abcdef";
    // The victim's browser sends the planted cookie with every request.
    let page = plain
        .get(app.url("/login"))
        .header("cookie", format!("smt_session={planted}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "an unknown token is no session"
    );
    let pre = set_cookie(&page, "smt_pre").expect("the login form's cookie");
    let csrf = form_token(&page.text().await.unwrap()).unwrap();
    let res = plain
        .post(app.url("/login"))
        .header("cookie", format!("smt_pre={pre}; smt_session={planted}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "phong_663"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let issued = set_cookie(&res, "smt_session").expect("a new session");
    assert_ne!(issued, planted, "the login keeps no token it was handed");
    let get = |token: String| {
        plain
            .get(app.url("/"))
            .header("cookie", format!("smt_session={token}"))
            .send()
    };
    let home = get(issued.clone()).await.unwrap();
    assert!(home.text().await.unwrap().contains("Huyện Đắk Mil"));
    let with_planted = get(planted.to_string()).await.unwrap();
    assert_eq!(with_planted.status(), StatusCode::SEE_OTHER);
    // A real session planted in another's browser: the first page names its owner.
    let (_, res) = app.login("truong_67663001", PASSWORD).await;
    let real = set_cookie(&res, "smt_session").unwrap();
    let page = get(real).await.unwrap().text().await.unwrap();
    assert!(page.contains("Xin chào, Cán bộ truong_67663001"), "{page}");
}

/// The audit page speaks in words (people by name, actions and objects by what they
/// are), leaves logins out unless asked, and filters by person and by day.
async fn the_audit_page_names_people_and_actions_and_filters(app: &TestApp) {
    let admin = app.session("admin").await;
    let (_, res) = app.login("phong_663", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = admin.get("/admin/audit").await.text().await.unwrap();
    let table = page.split("id=\"audit\"").nth(1).unwrap_or("");
    assert!(
        !table.contains("Đăng nhập"),
        "logins are left out by default: {table}"
    );
    assert!(!table.contains(">user.login<"), "no raw codes");
    let page = admin
        .get("/admin/audit?sessions=1&who=phong_663")
        .await
        .text()
        .await
        .unwrap();
    let table = page.split("id=\"audit\"").nth(1).unwrap_or("");
    assert!(table.contains("Người dùng · Đăng nhập"), "{table}");
    let rows = table.matches("<tr>").count();
    assert!(rows >= 1);
    assert!(
        !table.contains("Quản trị"),
        "only the person asked for: {table}"
    );
    // By full name: the person is shown by it.
    let full: String = full_name(app, "phong_663").await;
    let url = format!(
        "/admin/audit?sessions=1&who={}",
        form_urlencoded::byte_serialize(full.as_bytes()).collect::<String>()
    );
    let page = admin.get(&url).await.text().await.unwrap();
    let table = page.split("id=\"audit\"").nth(1).unwrap_or("");
    assert!(
        table.contains(&format!("<td data-label=\"Người thực hiện\">{full}")),
        "{table}"
    );
    // Days: nothing before the program existed, today's entries today.
    let today = domain::dates::format_date(domain::dates::today());
    let page = admin
        .get("/admin/audit?sessions=1&until=01/01/2000")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Không có kết quả") || !page.contains("id=\"audit\""));
    let page = admin
        .get(&format!(
            "/admin/audit?sessions=1&since={today}&until={today}"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"audit\""));
    let res = admin.get("/admin/audit?since=31/02/2022").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("dd/mm/yyyy"));
}

async fn full_name(app: &TestApp, username: &str) -> String {
    app.db
        .store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .full_name
}

/// A file-upload form sends the page's token as its first field; the address never
/// carries it, and a token in the address is not accepted.
async fn uploads_carry_their_token_in_the_body(app: &TestApp) {
    let school = app.session("truong_67663001").await;
    let file = || {
        reqwest::multipart::Part::bytes(crate::common::sample("h1_truong_a.xlsx"))
            .file_name("h1_truong_a.xlsx")
    };
    let page = school
        .get("/students/school/67663001/import")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("_csrf="), "no token in an address");
    let in_query = school
        .http
        .post(format!(
            "{}/students/school/67663001/import?_csrf={}",
            school.base, school.csrf
        ))
        .multipart(reqwest::multipart::Form::new().part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status(), StatusCode::FORBIDDEN);
    let wrong = reqwest::multipart::Form::new()
        .text("_csrf", "0".repeat(32))
        .part("file", file());
    let res = school
        .post_multipart("/students/school/67663001/import", wrong)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = school
        .post_multipart(
            "/students/school/67663001/import",
            school.upload_form().part("file", file()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("id=\"accepted\">68<"));
}

/// Health probes and monitors ask with HEAD: the same answer as GET, without the body.
async fn head_answers_like_get(app: &TestApp) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in ["/healthz", "/readyz", "/login", "/static/app.css"] {
        let res = http.head(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let res = http.head(app.url("/units")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "not logged in");
    let so = app.session("so_gddt").await;
    let res = so.http.head(app.url("/units")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "");
    let res = so.http.head(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// `next` after a language switch or a login goes back to a page of this site, never to
/// another one, and a malformed one is never a server error.
async fn next_never_leaves_the_site(app: &TestApp) {
    let http = crate::common::browser();
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "/%00/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "https:%2F%2Fevil.example",
        "/%E3%80%80/evil.example",
        "%20/evil.example",
    ] {
        let res = http
            .get(app.url(&format!("/lang/vi?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(res.headers()["location"], "/", "{next}");
        let res = http
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{next}");
        let page = res.text().await.unwrap();
        assert!(page.contains("name=\"next\" value=\"/\""), "{next}");
    }
    // A page of this site, with a Vietnamese search, comes back.
    let res = http
        .get(app.url("/lang/en?next=/schools%3Fq%3D%C4%91%E1%BA%AFk"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/schools?q=%C4%91%E1%BA%AFk");
    // After a real login too.
    let v = app.visitor().await;
    let res = v
        .post(
            "/login",
            &[
                ("username", "admin"),
                ("password", crate::common::PASSWORD),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");
}

async fn a_form_target_opened_directly_says_which_methods_it_takes(app: &TestApp) {
    // A form's target opened in the address bar (a refresh, the language switch after
    // a refused form, a bookmark) goes to the page the form is on.
    let board = app.session("ban_dieu_phoi").await;
    for (target, page) in [
        ("/devices/batches/stock-in", "/devices/batches"),
        ("/logout", "/"),
        ("/dedup/1", "/dedup"),
    ] {
        let res = board.get(target).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{target}");
        assert_eq!(res.headers()["location"], page, "{target}");
    }
    // Another method on a page: 405 with `Allow`, a page in Vietnamese with the menu,
    // the name and the logout of every page.
    let res = board
        .http
        .delete(app.url("/devices/batches"))
        .header("x-csrf-token", &board.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Địa chỉ này không nhận yêu cầu kiểu này"),
        "{page}"
    );
    assert!(page.contains("action=\"/logout\""), "the layout is kept");
    // So is a missing page's, for someone logged in.
    let res = board.get("/khong-co-trang-nay").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("action=\"/logout\""));
    let res = board.get("/devices/models/999999").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("action=\"/logout\""));
    // The API answers in JSON, and lists every method of the address.
    let res = board
        .http
        .delete(app.url("/api/v1/users"))
        .header("x-csrf-token", &board.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET, POST");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

async fn changes_through_this_server_take_effect_at_once(app: &TestApp) {
    // The user's session and key are cached by this server after their first use…
    let mttq = app.session("mttq").await;
    assert_eq!(mttq.get("/").await.status(), StatusCode::OK);
    let u = app.user("mttq").await;
    let (key, secret) = app
        .db
        .store
        .create_api_key(&u.audit_actor(), &u, "k")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // …and revoking the key through the server closes the API at once.
    let res = mttq
        .post(&format!("/account/api-keys/{}/revoke", key.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        http.get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // An administrator disables the account: its next page is the login page.
    let admin = app.session("admin").await;
    disable_mttq(&admin, u.id).await;
    assert!(!app.user("mttq").await.active);
    let res = mttq.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // Dashboard counts follow a unit created through the server.
    let so = app.session("so_gddt").await;
    let before = so.get("/").await.text().await.unwrap();
    assert!(
        before.contains(">4</span><span class=\"l\">Trường học"),
        "four schools at first"
    );
    let res = so
        .post(
            "/units",
            &[
                ("level", "school"),
                ("code", "67663077"),
                ("name", "Trường TH Mới"),
                ("parent", "663"),
                ("school_level", "tieu_hoc"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = so.get("/").await.text().await.unwrap();
    assert!(
        after.contains(">5</span><span class=\"l\">Trường học"),
        "five after the new one"
    );

    // The dashboard this server keeps rendered is a session's own: a second session of
    // the same user gets its own form token, and the other language is its own page.
    let again = app.session("so_gddt").await;
    let mine = again.get("/").await.text().await.unwrap();
    assert_ne!(form_token(&mine), form_token(&after));
    assert_eq!(
        form_token(&so.get("/").await.text().await.unwrap()),
        form_token(&after)
    );
    let res = again.get("/lang/en?next=/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let english = again.get("/").await.text().await.unwrap();
    assert!(english.contains("lang=\"en\""), "{english}");
    assert!(mine.contains("lang=\"vi\""));
}

async fn login_logout_and_backoff(app: &TestApp) {
    // A wrong password: the form again, with the reason in Vietnamese, and 401.
    let (_, res) = app.login("phong_663", "sai mật khẩu").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Tên đăng nhập hoặc mật khẩu không đúng."),
        "{body}"
    );
    assert!(body.contains("value=\"phong_663\""), "the username is kept");

    let (http, res) = app.login("phong_663", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = http.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let home = home.text().await.unwrap();
    assert!(home.contains("Xin chào, Cán bộ phong_663"));
    assert!(home.contains("Huyện Đắk Mil"), "the scope is shown");

    // Logging out ends the session for good.
    let csrf = form_token(&home).unwrap();
    let res = http
        .post(app.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?logged_out=1");
    let res = http.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // Five wrong passwords, then the account waits, even for the right password.
    for _ in 0..domain::users::FREE_FAILED_LOGINS {
        app.login("so_tttt", "sai mật khẩu").await;
    }
    let (_, res) = app.login("so_tttt", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Đăng nhập sai quá nhiều lần")
    );
    // A name no account has is answered exactly the same way, wait included: the answers
    // do not tell which names exist (every school's account is `truong_<code>`).
    let mut answers = Vec::new();
    for name in ["ubnd_tinh", "truong_67699999"] {
        let mut seen = Vec::new();
        for _ in 0..=domain::users::FREE_FAILED_LOGINS {
            let (_, res) = app.login(name, "sai mật khẩu").await;
            seen.push(res.status());
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].last(), Some(&StatusCode::TOO_MANY_REQUESTS));

    // A session cookie that no longer exists: back to the login page, told why.
    let client = app.session("mttq").await;
    let u = app.user("mttq").await;
    app.db
        .store
        .update_user(
            &store::AuditActor::system("test"),
            None,
            u.id,
            store::users::UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let res = client.get("/units").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Funits&expired=1");
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("smt_session=;")
    );
}

async fn a_school_sees_only_itself(app: &TestApp) {
    let school = app.session("truong_67663001").await;
    let res = school.get("/units/67666002").await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another district's school does not exist for it"
    );
    assert_eq!(
        school.get("/units/67663002").await.status(),
        StatusCode::NOT_FOUND,
        "nor a neighbour"
    );
    assert_eq!(
        school.get("/units/663").await.status(),
        StatusCode::NOT_FOUND,
        "nor its district"
    );
    assert_eq!(school.get("/units/67663001").await.status(), StatusCode::OK);
    assert_eq!(
        school.get("/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );

    let list = school.get("/schools").await.text().await.unwrap();
    assert!(list.contains("67663001"));
    assert!(!list.contains("67663002") && !list.contains("67666002"));

    let api = school
        .get("/api/v1/units?kind=school")
        .await
        .json::<Value>()
        .await
        .unwrap();
    let codes: Vec<&str> = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["67663001"]);
    let res = school.get("/api/v1/units/67666002").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let err = res.json::<Value>().await.unwrap();
    assert_eq!(err["error"]["code"], "not_found");
    assert!(!err["error"]["request_id"].as_str().unwrap().is_empty());

    // A district office sees its own schools, not another district's.
    let phong = app.session("phong_663").await;
    assert_eq!(phong.get("/units/67663002").await.status(), StatusCode::OK);
    assert_eq!(
        phong.get("/units/67666002").await.status(),
        StatusCode::NOT_FOUND
    );
    let dept = app.session("so_gddt").await;
    assert_eq!(
        dept.get("/units/67666002").await.status(),
        StatusCode::OK,
        "the Sở sees the province"
    );
}

async fn csrf_is_required(app: &TestApp) {
    let c = app.session("so_gddt").await;
    let url = app.url("/account/api-keys");
    let none = c
        .http
        .post(&url)
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::FORBIDDEN);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("data-error-code=\"csrf\"")
    );
    let wrong = c
        .http
        .post(&url)
        .form(&[("name", "x"), ("_csrf", "0000")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let cross = c
        .http
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "x"), ("_csrf", c.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let header = c
        .http
        .post(&url)
        .header("x-csrf-token", &c.csrf)
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), StatusCode::OK);
    let ok = c.post("/account/api-keys", &[("name", "Báo cáo")]).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.text().await.unwrap().contains("smt_"));
    let u = app.user("so_gddt").await;
    assert_eq!(
        app.db.store.api_keys_of(u.id).await.unwrap().len(),
        2,
        "the refused requests wrote nothing"
    );
}

async fn admin_creates_a_user_who_must_change_password(app: &TestApp) {
    let admin = app.session("admin").await;
    let bad = admin
        .post(
            "/admin/users",
            &[
                ("username", "Hiệu trưởng"),
                ("full_name", "Lê Văn Bình"),
                ("role", "truong"),
                ("unit", "67663002"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(
        body.contains("id=\"username-error\""),
        "the error sits next to its field"
    );
    assert!(body.contains("aria-invalid=\"true\""));

    let wrong_unit = admin
        .post(
            "/admin/users",
            &[
                ("username", "ht_leloi"),
                ("full_name", "Lê Văn Bình"),
                ("role", "phong_gddt"),
                ("unit", "67663002"),
            ],
        )
        .await;
    assert_eq!(wrong_unit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_unit
            .text()
            .await
            .unwrap()
            .contains("không thể thuộc đơn vị cấp")
    );

    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "ht_leloi"),
                ("full_name", "Lê Văn Bình"),
                ("role", "truong"),
                ("unit", "67663002"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = res.text().await.unwrap();
    let start = body.find("id=\"new-password\">").unwrap() + "id=\"new-password\">".len();
    let password = body[start..].split('<').next().unwrap().to_string();
    assert_eq!(password.len(), 19);

    let dup = admin
        .post(
            "/admin/users",
            &[
                ("username", "ht_leloi"),
                ("full_name", "X"),
                ("role", "truong"),
                ("unit", "67663002"),
            ],
        )
        .await;
    assert_eq!(dup.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.text().await.unwrap().contains("đã có người dùng"));

    // The unit is picked by its name (the form offers the scope's units), or typed.
    let form = admin.get("/admin/users/new").await.text().await.unwrap();
    assert!(
        form.contains("<option value=\"Trường Tiểu học Lê Lợi (67663002)\">"),
        "{form}"
    );
    for (username, typed) in [
        ("ht_chon", "Trường Tiểu học Lê Lợi (67663002)"),
        ("ht_ten", "truong tieu hoc le loi"),
    ] {
        let res = admin
            .post(
                "/admin/users",
                &[
                    ("username", username),
                    ("full_name", "Lê Văn Chọn"),
                    ("role", "truong"),
                    ("unit", typed),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{typed}");
        let u = app
            .db
            .store
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(u.unit_id, app.unit("67663002").await.id, "{typed}");
    }

    // The new user logs in and must set a password before anything else.
    let (http, res) = app.login("ht_leloi", &password).await;
    assert_eq!(res.headers()["location"], "/account/password");
    let res = http.get(app.url("/schools")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/account/password");
    let page = http
        .get(app.url("/account/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Mật khẩu của bạn do quản trị viên cấp"));
    let csrf = form_token(&page).unwrap();
    let short = http
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current_password", password.as_str()),
            ("new_password", "ngắn"),
            ("confirm_password", "ngắn"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().await.unwrap().contains("ít nhất 10 ký tự"));
    let new = "trường tiểu học lê lợi";
    let ok = http
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current_password", password.as_str()),
            ("new_password", new),
            ("confirm_password", new),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        http.get(app.url("/schools")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let u = app.user("ht_leloi").await;
    assert!(!u.must_change_password);
    let (_, res) = app.login("ht_leloi", new).await;
    assert_eq!(res.headers()["location"], "/");
}

async fn api_keys_open_the_api(app: &TestApp) {
    let admin = app.user("admin").await;
    let (_, key) = app
        .db
        .store
        .create_api_key(&admin.audit_actor(), &admin, "CI")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let me = http
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["scope_unit_code"], "67");

    let bad = http
        .get(app.url("/api/v1/me"))
        .bearer_auth("smt_0000000000000000000000000000000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["code"], "unauthenticated");
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("đăng nhập")
    );

    let units: Value = http
        .get(app.url("/api/v1/units?kind=district&per_page=3"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(units["total"], 8);
    assert_eq!(units["items"].as_array().unwrap().len(), 3);
    let bad_kind = http
        .get(app.url("/api/v1/units?kind=hamlet"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_kind.status(), StatusCode::BAD_REQUEST);
    let bad_page = http
        .get(app.url("/api/v1/units?page=abc"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad_page.json::<Value>().await.unwrap()["error"]["code"],
        "bad_request"
    );

    // Creating a user through the API: no CSRF with a key (it is not a cookie).
    let created = http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"username": "tttt_2", "full_name": "Phạm Văn Sóng", "role": "so_tttt", "unit_code": "67-STTTT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["user"]["must_change_password"], true);
    assert_eq!(created["generated_password"].as_str().unwrap().len(), 19);
    let dup = http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"username": "tttt_2", "full_name": "X", "role": "so_tttt", "unit_code": "67-STTTT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["error"]["code"],
        "duplicate_username"
    );
    let malformed = http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    let school = app.user("truong_67663001").await;
    let (_, skey) = app
        .db
        .store
        .create_api_key(&school.audit_actor(), &school, "x")
        .await
        .unwrap();
    let forbidden = http
        .get(app.url("/api/v1/users"))
        .bearer_auth(&skey)
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        forbidden.json::<Value>().await.unwrap()["error"]["code"],
        "forbidden"
    );

    let verify: Value = http
        .get(app.url("/api/v1/audit/verify"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["entries_checked"], verify["head_seq"]);
}

async fn unit_form_validates_and_audits(app: &TestApp) {
    let so = app.session("so_gddt").await;
    let before = app.db.store.audit_head().await.unwrap().0;
    let bad = so
        .post(
            "/units",
            &[
                ("level", "school"),
                ("code", "67663099"),
                ("name", "Trường THCS Lý Tự Trọng"),
                ("parent", "999"),
                ("school_level", "thcs"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(body.contains("id=\"parent-error\""), "{body}");
    assert!(
        body.contains("Không tìm thấy đơn vị có mã &#34;999&#34;"),
        "{body}"
    );
    assert_eq!(
        app.db.store.audit_head().await.unwrap().0,
        before,
        "nothing written"
    );

    let ok = so
        .post(
            "/units",
            &[
                ("level", "school"),
                ("code", "67663099"),
                ("name", "Trường THCS Lý Tự Trọng"),
                ("parent", "663"),
                ("school_level", "thcs"),
                ("commune", "Đắk Lao"),
                ("internet", "none"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/units/67663099");
    let u = app.unit("67663099").await;
    assert_eq!(u.commune_name.as_deref(), Some("Xã Đắk Lao"));
    let entries = app
        .db
        .store
        .audit_entries(None, 1, Some(domain::audit::Entity::Unit))
        .await
        .unwrap();
    assert_eq!(entries[0].entity_id.as_deref(), Some("67663099"));
    assert_eq!(entries[0].actor, "so_gddt");

    // Edit: the school gets Internet. The page shows the flash once.
    let ok = so
        .post(
            "/units/67663099",
            &[
                ("level", "school"),
                ("name", "Trường THCS Lý Tự Trọng"),
                ("parent", "663"),
                ("internet", "connected"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let u = app.unit("67663099").await;
    assert_eq!(u.internet, Some(domain::units::InternetStatus::Connected));
    assert_eq!(
        u.commune_name.as_deref(),
        Some("Xã Đắk Lao"),
        "empty fields keep their value"
    );

    let phong = app.session("phong_663").await;
    assert_eq!(
        phong.post("/units", &[("level", "school")]).await.status(),
        StatusCode::FORBIDDEN
    );
}

async fn english_is_available(app: &TestApp) {
    let http = crate::common::browser();
    let vi = app.text(&http, "/login").await;
    assert!(vi.contains("<html lang=\"vi\"") && vi.contains("Đăng nhập"));
    let res = http
        .get(app.url("/lang/en?next=/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");
    let en = http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\"") && en.contains("Log in"));
    let off = http
        .get(app.url("/lang/en?next=https://evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(off.headers()["location"], "/", "no open redirect");

    // The tiers and their evidence, stored with the program, read in English too.
    let phong = app.session_in("phong_663", "en").await;
    let en = phong.get("/students").await.text().await.unwrap();
    assert!(en.contains("Student of a poor household"), "{en}");
    assert!(!en.contains("Học sinh thuộc hộ nghèo"));
}

async fn errors_are_pages_or_json(app: &TestApp) {
    let anon = app.anonymous();
    let page = anon.get("/khong-co-trang-nay").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.headers().contains_key("x-request-id"));
    let rid = page.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = page.text().await.unwrap();
    assert!(body.contains("Không tìm thấy trang hoặc dữ liệu này."));
    assert!(body.contains(&rid), "the page names the request id");

    let api = anon.get("/api/v1/me").await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.json::<Value>().await.unwrap()["error"]["code"],
        "unauthenticated"
    );

    let health = anon.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = anon.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");

    let home = app.session("admin").await.get("/").await;
    for h in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(home.headers().contains_key(h), "{h}");
    }
    let css = anon.get("/static/app.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

/// Every API route of the table is in the generated OpenAPI document, with its method.
#[tokio::test]
async fn openapi_covers_every_api_route() {
    let app = TestApp::sqlite().await;
    let doc: Value = app
        .anonymous()
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    for r in web::routes::table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let op = &doc["paths"][r.path][r.method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is missing from the OpenAPI document",
            r.method,
            r.path
        );
    }
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    insta::assert_json_snapshot!("openapi", doc);
}

/// Behind https the browser is told to come back over https only; over plain http (the
/// demo, a test) it is not.
#[tokio::test]
async fn hsts_is_sent_behind_https_only() {
    use tower::ServiceExt;
    let db = store::testing::TestDb::sqlite().await;
    for (url, expect) in [
        (
            "https://maytinh.sogddt.example.vn",
            Some("max-age=31536000"),
        ),
        ("http://127.0.0.1:8080", None),
    ] {
        let app = web::build_app(
            db.store.clone(),
            web::WebConfig {
                public_url: url.into(),
                ..Default::default()
            },
        );
        let res = app
            .oneshot(
                axum::http::Request::get("/healthz")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(
            res.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            expect,
            "{url}"
        );
    }
}

/// A database kept busy by another writer past the wait: a request that must write is
/// told so, in Vietnamese, with 503 and when to try again — never a 500 — and nothing is
/// written; once the other writer is done it goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_database_answers_503_and_writes_nothing() {
    use sqlx::{Connection, Executor};
    let app = TestApp::sqlite().await;
    // A second server on the same file that waits a fifth of a second for the lock.
    let impatient = store::Store::open(
        &app.db.url,
        &store::OpenOptions {
            busy_timeout: std::time::Duration::from_millis(200),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let server = web::Application::build(impatient, web::WebConfig::default(), "127.0.0.1:0")
        .await
        .unwrap();
    let base = format!("http://{}", server.local_addr());
    tokio::spawn(server.run_until_stopped(std::future::pending()));
    let so = app.session("so_gddt").await;
    let so = crate::common::Client { base, ..so };
    let mut other = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
    other.execute("BEGIN IMMEDIATE").await.unwrap();
    let unit = [
        ("level", "school"),
        ("code", "67663078"),
        ("name", "Trường TH Bận"),
        ("parent", "663"),
        ("school_level", "tieu_hoc"),
    ];
    let res = so.post("/units", &unit).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "5");
    let page = res.text().await.unwrap();
    assert!(page.contains("Hệ thống đang bận"), "{page}");
    let api = so.post_json("/api/v1/users", &serde_json::json!({})).await;
    assert!(api.status() != StatusCode::INTERNAL_SERVER_ERROR);
    other.execute("ROLLBACK").await.unwrap();
    assert!(
        app.db
            .store
            .unit_by_code("67663078")
            .await
            .unwrap()
            .is_none()
    );
    let res = so.post("/units", &unit).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        app.db
            .store
            .unit_by_code("67663078")
            .await
            .unwrap()
            .is_some()
    );
}

/// Two app servers on one PostgreSQL database, each with its own caches, as a province
/// that outgrew one machine runs them: a session made on one opens the other; a change made
/// through one shows on the other within the cache time (`serve --cache-secs`), the
/// uncached pages at once; a logout or a disabled account on one is refused by the other
/// within it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_agree_within_the_cache_time() {
    use std::time::{Duration, Instant};
    let Some(a) = TestApp::postgres().await else {
        return;
    };
    let ttl = Duration::from_secs(2);
    let store_b = store::Store::open(&a.db.url, &store::OpenOptions::default())
        .await
        .unwrap();
    let config = web::WebConfig {
        cache_ttl: ttl,
        ..web::WebConfig::default()
    };
    let server = web::Application::build(store_b, config, "127.0.0.1:0")
        .await
        .unwrap();
    let b_base = format!("http://{}", server.local_addr());
    tokio::spawn(server.run_until_stopped(std::future::pending()));
    let on_b = |c: &crate::common::Client| crate::common::Client {
        base: b_base.clone(),
        http: c.http.clone(),
        csrf: c.csrf.clone(),
    };
    // Within the cache time (and a second for the request itself), `seen` comes true.
    async fn within(ttl: Duration, what: &str, mut seen: impl AsyncFnMut() -> bool) {
        let started = Instant::now();
        while !seen().await {
            assert!(
                started.elapsed() < ttl + Duration::from_secs(1),
                "{what}: not seen within {ttl:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("{what}: seen after {:?}", started.elapsed());
    }

    // A login through the form on A opens B.
    let (browser, res) = a.login("phong_663", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home_b = browser.get(format!("{b_base}/")).send().await.unwrap();
    assert_eq!(home_b.status(), StatusCode::OK);
    assert!(home_b.text().await.unwrap().contains("Huyện Đắk Mil"));

    // A school made through A: B's list of units shows it at once; B's dashboard, whose
    // counts it caches, within the cache time.
    let so = a.session("so_gddt").await;
    let so_b = on_b(&so);
    let dashboard = so_b.get("/").await.text().await.unwrap();
    let res = so
        .post(
            "/units",
            &[
                ("level", "school"),
                ("code", "67663079"),
                ("name", "Trường TH Hai Máy Chủ"),
                ("parent", "663"),
                ("school_level", "tieu_hoc"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list = so_b.get("/units?q=67663079").await.text().await.unwrap();
    assert!(list.contains("Trường TH Hai Máy Chủ"), "{list}");
    within(ttl, "B's dashboard counts the new school", async || {
        so_b.get("/").await.text().await.unwrap() != dashboard
    })
    .await;

    // A logout on A: A refuses the session at once, B within the cache time.
    let page = a.text(&browser, "/").await;
    let csrf = form_token(&page).unwrap();
    let res = browser
        .post(a.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let refused = |base: String| {
        let browser = browser.clone();
        async move {
            browser
                .get(format!("{base}/"))
                .send()
                .await
                .unwrap()
                .status()
                == StatusCode::SEE_OTHER
        }
    };
    assert!(refused(a.base.clone()).await, "A refuses at once");
    within(ttl, "B refuses the logged-out session", async || {
        refused(b_base.clone()).await
    })
    .await;

    // An account disabled on A: its session (warm in B's cache) is refused by B in time.
    let mttq = a.session("mttq").await;
    let mttq_b = on_b(&mttq);
    assert_eq!(mttq_b.get("/").await.status(), StatusCode::OK);
    let u = a.user("mttq").await;
    let admin = a.session("admin").await;
    disable_mttq(&admin, u.id).await;
    within(ttl, "B refuses the disabled account", async || {
        mttq_b.get("/").await.status() == StatusCode::SEE_OTHER
    })
    .await;
}
