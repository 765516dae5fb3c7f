//! The demo: the Đắk Nông tree of 2022, its departments, about 400 schools, a user for
//! every role, the 2022 programme, devices and gifts in kind; one file per area, seeded in
//! the order the program runs. Deterministic: every fresh demo is the same.

mod aftercare;
mod allocation;
mod devices;
mod donations;
mod handover;
mod ledger;
mod procurement;
mod signal;
pub mod students;
mod units;
mod users;

use crate::output::Out;
use anyhow::Result;
use store::{AuditActor, Store};

pub use students::seed_program;
pub use users::users;

/// Every demo account has this password (printed; the demo binds to 127.0.0.1).
pub const DEMO_PASSWORD: &str = "maytinh-2022";

/// The whole demo, area by area.
pub async fn seed(store: &Store, out: &Out, scale: usize) -> Result<()> {
    let actor = AuditActor::system("demo");
    out.info(
        "Đang tạo dữ liệu mẫu Đắk Nông…",
        "Seeding the Đắk Nông demo…",
    );
    units::seed(store, &actor, out).await?;
    students::seed_program(store, &actor).await?;
    let good = devices::seed(store, &actor).await?;
    donations::seed(store, &actor, good).await?;
    users::seed(store, &actor).await?;
    let lists = students::seed_lists(store, &actor, scale).await?;
    out.info(
        &format!("Đã tạo {lists} danh sách học sinh ở mọi bước duyệt."),
        &format!("Made {lists} students' lists at every step of the approval chain."),
    );
    let pilot = allocation::seed_pilot(store, &actor).await?;
    out.info(
        &format!(
            "Đã tạo đợt thí điểm với {pilot} danh sách đã duyệt, phân bổ và giữ máy cho học sinh."
        ),
        &format!("Made a pilot round of {pilot} approved lists, allocated, its devices reserved."),
    );
    let handed = handover::seed(store).await?;
    out.info(
        &format!(
            "Đã lập {} biên bản bàn giao; {} học sinh đã nhận máy có chữ ký phụ huynh.",
            handed.minutes, handed.to_students
        ),
        &format!(
            "Made {} sets of handover minutes; {} students received their device, signed by a parent.",
            handed.minutes, handed.to_students
        ),
    );
    let books = ledger::seed(store, &actor).await?;
    out.info(
        &format!(
            "Đã ghi {} khoản ủng hộ tiền và {} bút toán: huy động {}.",
            books.gifts, books.entries, books.raised
        ),
        &format!(
            "Recorded {} cash gifts and {} ledger entries: {} raised.",
            books.gifts, books.entries, books.raised
        ),
    );
    let as_user = |u: Option<store::users::User>| {
        u.map(|u| AuditActor::user(u.id, u.username.as_str(), u.role))
            .ok_or_else(|| anyhow::anyhow!("a demo user is missing"))
    };
    let buyer = as_user(store.user_by_username("ban_dieu_phoi").await?)?;
    let finance = as_user(store.user_by_username("so_tai_chinh").await?)?;
    let bought = procurement::seed(store, &buyer, &finance).await?;
    out.info(
        &format!(
            "Đã ghi {} gói thầu; gói GT01-2026 từ kế hoạch đến thanh toán xong: {} máy tính bảng vào sổ theo dõi, đã chi {}.",
            bought.packages, bought.devices, bought.paid
        ),
        &format!(
            "Recorded {} tender packages; GT01-2026 from its plan to its final payment: {} tablets in the registry, {} paid.",
            bought.packages, bought.devices, bought.paid
        ),
    );
    let signal = signal::seed(store).await?;
    out.info(
        &format!(
            "Đã ghi kết nối Internet của các trường vùng núi ({} trường chưa có), {} vùng lõm sóng và {} SIM dữ liệu đi kèm máy tính bảng.",
            signal.without_internet, signal.zones, signal.sims
        ),
        &format!(
            "Recorded the mountain schools' connections ({} without Internet), {} dead zones and {} data SIMs with the tablets.",
            signal.without_internet, signal.zones, signal.sims
        ),
    );
    let care = aftercare::seed(store).await?;
    out.info(
        &format!(
            "Đã ghi {} buổi tập huấn và {} phiếu bảo hành, sửa chữa.",
            care.trainings, care.tickets
        ),
        &format!(
            "Recorded {} training sessions and {} repair tickets.",
            care.trainings, care.tickets
        ),
    );
    Ok(())
}

pub async fn print_logins(store: &Store, out: &Out) -> Result<()> {
    println!();
    println!(
        "{}",
        out.pick(
            "Tài khoản dùng thử (mật khẩu chung):",
            "Demo accounts (shared password):"
        )
    );
    println!(
        "  {:<18} {:<30} {}",
        out.pick("tên đăng nhập", "username"),
        out.pick("vai trò", "role"),
        out.pick("đơn vị", "unit")
    );
    for (username, _, role, _) in users()
        .into_iter()
        .filter(|(u, ..)| !u.starts_with("phong_") || u == "phong_663")
    {
        let unit = store
            .user_by_username(&username)
            .await?
            .map(|u| u.unit_name)
            .unwrap_or_else(|| "—".into());
        println!("  {:<18} {:<30} {}", username, role.label(out.lang), unit);
    }
    println!(
        "  {}",
        out.pick(
            "(và phong_660 … phong_667 cho từng huyện)",
            "(and phong_660 … phong_667 for each district)"
        )
    );
    println!("{} {DEMO_PASSWORD}", out.pick("Mật khẩu:", "Password:"));
    println!();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::units::UnitKind;
    use domain::users::Role;
    use store::testing::TestDb;

    async fn seeds_the_demo(db: &TestDb) {
        let store = &db.store;
        seed(
            store,
            &Out {
                lang: domain::Lang::Vi,
            },
            1,
        )
        .await
        .unwrap();
        let province = store.unit_by_code("67").await.unwrap().unwrap();
        let counts = store.scope_counts(&province.path).await.unwrap();
        let schools = counts.of_kind(UnitKind::School);
        assert!((380..=420).contains(&schools), "{schools} schools");
        assert_eq!(counts.of_kind(UnitKind::District), 8);
        assert_eq!(counts.of_kind(UnitKind::Commune), 71);
        let a = store.unit_by_code("67663001").await.unwrap().unwrap();
        assert_eq!(a.name, "Trường THCS Nguyễn Du");
        assert_eq!(a.parent_code.as_deref(), Some("663"));
        let b = store.unit_by_code("67666002").await.unwrap().unwrap();
        assert_eq!(b.name, "Trường Tiểu học Kim Đồng");
        assert_eq!(b.parent_code.as_deref(), Some("666"));
        for role in Role::ALL {
            let page = store
                .list_users(
                    &province.path,
                    &store::users::UserFilter {
                        role: Some(role),
                        search: None,
                    },
                    1,
                    10,
                )
                .await
                .unwrap();
            assert!(page.total >= 1, "a demo user for {role}");
        }
        // Every school is in a commune of its own district (direct units: the province).
        let all = store
            .list_units(
                &province.path,
                &store::units::UnitFilter {
                    kind: Some(UnitKind::School),
                    ..Default::default()
                },
                1,
                500,
            )
            .await
            .unwrap();
        assert!(
            all.items.iter().all(|s| s.commune_id.is_some()),
            "every school has a commune"
        );
        let names: std::collections::HashSet<_> = all
            .items
            .iter()
            .map(|s| {
                (
                    s.parent_code.clone(),
                    s.commune_name.clone(),
                    s.name.clone(),
                )
            })
            .collect();
        assert_eq!(
            names.len(),
            all.items.len(),
            "no two schools of a commune share a name"
        );
        assert!(store.verify_audit(|_, _| {}).await.unwrap().ok());
        // The tablet package went from its plan to its final payment.
        let totals = store.procurement_totals().await.unwrap();
        let gt01 = store.procurement_packages().await.unwrap();
        let gt01 = gt01.iter().find(|p| p.code == "GT01-2026").unwrap();
        let c = store.procurement_contract(gt01.id).await.unwrap().unwrap();
        assert_eq!(c.commitment_left, domain::money::Dong::ZERO);
        assert_eq!(c.money.cash_out(), c.value);
        assert_eq!(gt01.stage, domain::procurement::Stage::Completed);
        // Finance has the laptops' advance to decide.
        assert_eq!(totals.waiting_payments, 1);
        // Its OCDS release package validates against the vendored schema, offline.
        let package = store
            .ocds_release_package(
                domain::procurement::ocds::DEFAULT_PREFIX,
                "https://maytinh.example.vn",
            )
            .await
            .unwrap();
        assert_eq!(package["releases"].as_array().map(Vec::len), Some(3));
        let errors = ocds_errors(&package);
        assert!(errors.is_empty(), "{errors:#?}");
        // The schema does refuse what breaks it: a method outside the closed codelist.
        let mut broken = package.clone();
        broken["releases"][0]["tender"]["procurementMethod"] = "secret".into();
        assert!(!ocds_errors(&broken).is_empty());
        // Every printed login works.
        for (username, _, role, _) in users() {
            let user = store
                .authenticate(&username, DEMO_PASSWORD, "127.0.0.1")
                .await
                .unwrap();
            assert_eq!(user.role, role, "{username}");
        }
    }

    /// Where `package` breaks the OCDS 1.1.5 release package schema (`data/ocds-1.1.5/`),
    /// the release schema given as the resource its remote `$ref` names.
    fn ocds_errors(package: &serde_json::Value) -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ocds-1.1.5");
        let read = |f: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{f}")).unwrap()).unwrap()
        };
        let release = read("release-schema.json");
        let id = release["id"].as_str().unwrap().to_string();
        let registry = jsonschema::Registry::new()
            .draft(jsonschema::Draft::Draft4)
            .add(id, jsonschema::Resource::from_contents(release))
            .unwrap()
            .prepare()
            .unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .with_registry(&registry)
            .build(&read("release-package-schema.json"))
            .unwrap();
        validator
            .iter_errors(package)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Every login the demo prints reaches its role's dashboard through the real app.
    async fn every_printed_login_reaches_its_dashboard(db: &TestDb) {
        use axum::body::{Body, to_bytes};
        use axum::http::{Request, StatusCode, header};
        use tower::ServiceExt;
        seed(
            &db.store,
            &Out {
                lang: domain::Lang::Vi,
            },
            1,
        )
        .await
        .unwrap();
        let app = web::build_app(db.store.clone(), web::WebConfig::default());
        let mut dashboard = String::new();
        for (username, full_name, role, _) in users() {
            let page = app
                .clone()
                .oneshot(Request::get("/login").body(Body::empty()).unwrap())
                .await
                .unwrap();
            let pre = page.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let html =
                String::from_utf8(to_bytes(page.into_body(), 1 << 20).await.unwrap().to_vec())
                    .unwrap();
            assert!(html.contains("<html lang=\"vi\"") && html.contains("Đăng nhập"));
            let token = html
                .split("name=\"_csrf\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let form =
                format!("_csrf={token}&username={username}&password={DEMO_PASSWORD}&next=%2F");
            let res = app
                .clone()
                .oneshot(
                    Request::post("/login")
                        .header(header::COOKIE, &pre)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(form))
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username}");
            let session = res.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let home = app
                .clone()
                .oneshot(
                    Request::get("/")
                        .header(header::COOKIE, &session)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(home.status(), StatusCode::OK, "{username}");
            let html =
                String::from_utf8(to_bytes(home.into_body(), 1 << 20).await.unwrap().to_vec())
                    .unwrap();
            assert!(
                html.contains(&format!("Xin chào, {}", full_name.replace('\'', "&#39;"))),
                "{username}"
            );
            assert!(html.contains(role.label(domain::Lang::Vi)), "{username}");
            if username == "so_gddt" {
                dashboard = html;
            }
        }

        // The 5052 report of the demo: the expected sheet and headers, totals equal to the
        // dashboard's funnel.
        let bar = |html: &str, label: &str| -> String {
            let at = html.find(&format!(">{label}</text>")).unwrap();
            html[at..]
                .split("class=\"value\">")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .replace('.', "")
        };
        let province = db.store.unit_by_code("67").await.unwrap().unwrap();
        let program = db.store.report_program(None).await.unwrap().unwrap();
        let (_, xlsx) = web::reports::document(
            &db.store,
            &province,
            &program,
            Default::default(),
            None,
            "Trần Thị Thu Hà",
            false,
        )
        .await
        .unwrap();
        let mut rows: Vec<Vec<String>> = Vec::new();
        sheets::reader::for_each_row(
            std::io::Cursor::new(&xlsx),
            &Default::default(),
            |_, cells| {
                rows.push(cells.iter().map(|c| c.text()).collect());
                std::ops::ControlFlow::Continue(())
            },
        )
        .unwrap();
        let head = rows
            .iter()
            .find(|r| r.first().map(String::as_str) == Some("STT"))
            .unwrap();
        assert_eq!(
            head[1..8],
            [
                "Đơn vị",
                "Đề xuất",
                "Được duyệt",
                "Được phân bổ",
                "Đã nhận máy",
                "Chờ nhận máy",
                "Đã nhập CSDL ngành"
            ]
        );
        let total = rows
            .iter()
            .find(|r| r.get(1).map(String::as_str) == Some("Tổng cộng"))
            .unwrap();
        for (i, label) in [
            (2, "Được đề xuất"),
            (3, "Được duyệt"),
            (4, "Được phân bổ máy"),
            (5, "Đã nhận máy"),
            (7, "Đã nhập CSDL ngành"),
        ] {
            assert_eq!(total[i], bar(&dashboard, label), "{label}");
        }

        // The portal traces a demo donor's gift by the code on their acknowledgement and by
        // their transfer's bank reference.
        let gifts = db.store.gifts(&Default::default()).await.unwrap();
        let g = gifts
            .iter()
            .find(|g| g.bank_ref.is_some() && g.publish_name && g.entry_id.is_some())
            .unwrap();
        for typed in [g.verification_printed(), g.bank_ref.clone().unwrap()] {
            let res = app
                .clone()
                .oneshot(
                    Request::get(format!("/cong-khai/tra-cuu?ma={typed}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{typed}");
            let html =
                String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec())
                    .unwrap();
            assert!(html.contains(&g.amount.to_string()), "{typed}");
            assert!(html.contains(&g.donor_name), "{typed}");
        }
    }

    store::storage_tests!(seeds_the_demo, every_printed_login_reaches_its_dashboard);
}
