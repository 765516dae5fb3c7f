//! The demo: the Đắk Nông tree of 2022, its departments, about 400 schools with
//! Vietnamese names and codes, and a user for every role. Deterministic: every fresh
//! demo is the same.

use crate::output::Out;
use anyhow::Result;
use domain::Lang;
use domain::units::{InternetStatus, SchoolLevel};
use domain::users::{Role, Username};
use store::units::{ImportOptions, ImportSource};
use store::users::NewUser;
use store::{AuditActor, Store};

pub const UNITS_CSV: &[u8] = include_bytes!("../../../data/dak-nong-units.csv");

/// Every demo account has this password (printed; the demo binds to 127.0.0.1).
pub const DEMO_PASSWORD: &str = "maytinh-2022";

const DEPARTMENTS: &[(&str, &str, &str)] = &[
    (
        "67-SGDDT",
        "Sở Giáo dục và Đào tạo tỉnh Đắk Nông",
        "so_gddt",
    ),
    (
        "67-STTTT",
        "Sở Thông tin và Truyền thông tỉnh Đắk Nông",
        "so_tttt",
    ),
    ("67-STC", "Sở Tài chính tỉnh Đắk Nông", "so_tai_chinh"),
    ("67-MTTQ", "Ủy ban MTTQ Việt Nam tỉnh Đắk Nông", "mttq"),
    ("67-UBND", "Ủy ban nhân dân tỉnh Đắk Nông", "ubnd_tinh"),
];

/// Names Vietnamese schools are commonly given.
const NAMES: &[&str] = &[
    "Kim Đồng",
    "Lê Lợi",
    "Nguyễn Du",
    "Trần Phú",
    "Lý Tự Trọng",
    "Nguyễn Trãi",
    "Hùng Vương",
    "Chu Văn An",
    "Lê Quý Đôn",
    "Nguyễn Bỉnh Khiêm",
    "Võ Thị Sáu",
    "Nguyễn Văn Trỗi",
    "Trần Quốc Toản",
    "Phan Bội Châu",
    "Phan Chu Trinh",
    "Lê Văn Tám",
    "Hoàng Văn Thụ",
    "Ngô Quyền",
    "Lý Thường Kiệt",
    "Trần Hưng Đạo",
    "Quang Trung",
    "Bế Văn Đàn",
    "Cù Chính Lan",
    "Nơ Trang Lơng",
    "Hai Bà Trưng",
    "Đinh Tiên Hoàng",
    "Lê Hồng Phong",
    "Nguyễn Thị Minh Khai",
    "Tô Hiệu",
    "Nguyễn Viết Xuân",
    "La Văn Cầu",
    "Lương Thế Vinh",
    "Tô Vĩnh Diện",
    "Phan Đình Phùng",
    "Nguyễn Chí Thanh",
    "Trần Quốc Tuấn",
    "Đoàn Thị Điểm",
    "Nguyễn Khuyến",
    "Y Jút",
    "Hoàng Hoa Thám",
    "Lê Đình Chinh",
    "Nguyễn Tất Thành",
    "Võ Văn Tần",
    "Mạc Đĩnh Chi",
];

const THPT: &[(&str, &str)] = &[
    ("Trường THPT Chu Văn An", "660"),
    ("Trường THPT Gia Nghĩa", "660"),
    ("Trường THPT chuyên Nguyễn Chí Thanh", "660"),
    ("Trường THPT Dân tộc nội trú N'Trang Lơng", "660"),
    ("Trường THPT Đắk Glong", "661"),
    ("Trường THPT Lê Duẩn", "661"),
    ("Trường THPT Phan Chu Trinh", "662"),
    ("Trường THPT Nguyễn Du", "662"),
    ("Trường THPT Phan Bội Châu", "662"),
    ("Trường THPT Đắk Mil", "663"),
    ("Trường THPT Trần Hưng Đạo", "663"),
    ("Trường THPT Quang Trung", "663"),
    ("Trường THPT Nguyễn Tất Thành", "663"),
    ("Trường THPT Krông Nô", "664"),
    ("Trường THPT Hùng Vương", "664"),
    ("Trường THPT Trần Phú", "664"),
    ("Trường THPT Đắk Song", "665"),
    ("Trường THPT Phan Đình Phùng", "665"),
    ("Trường THPT Lương Thế Vinh", "665"),
    ("Trường THPT Trường Chinh", "666"),
    ("Trường THPT Nguyễn Đình Chiểu", "666"),
    ("Trường THPT Phạm Văn Đồng", "666"),
    ("Trường THPT Lê Quý Đôn", "667"),
    ("Trường THPT Lê Duẩn Tuy Đức", "667"),
    ("Trường THPT Đào Duy Từ", "667"),
    ("Trường THPT Hoàng Hoa Thám", "663"),
];

const GDTX: &[(&str, &str)] = &[
    ("Trung tâm GDNN-GDTX thành phố Gia Nghĩa", "660"),
    ("Trung tâm GDNN-GDTX huyện Đắk Glong", "661"),
    ("Trung tâm GDNN-GDTX huyện Cư Jút", "662"),
    ("Trung tâm GDNN-GDTX huyện Đắk Mil", "663"),
    ("Trung tâm GDNN-GDTX huyện Krông Nô", "664"),
    ("Trung tâm GDNN-GDTX huyện Đắk Song", "665"),
    ("Trung tâm GDNN-GDTX huyện Đắk R'Lấp", "666"),
    ("Trung tâm GDNN-GDTX huyện Tuy Đức", "667"),
];

/// A small deterministic hash (FNV-1a) so that the demo is the same every time.
fn h(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |acc, b| {
        (acc ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Remote districts have more schools without Internet.
fn internet(seed: &str, district: &str) -> InternetStatus {
    let remote = matches!(district, "661" | "667");
    match (h(seed) % 100, remote) {
        (0..=2, _) => InternetStatus::Unknown,
        (3..=9, false) | (3..=17, true) => InternetStatus::None,
        (10..=19, false) | (18..=34, true) => InternetStatus::Weak,
        _ => InternetStatus::Connected,
    }
}

struct School {
    code: String,
    name: String,
    parent: String,
    level: SchoolLevel,
    commune: String,
    internet: InternetStatus,
}

/// About 400 schools: in every commune primary schools and a lower-secondary school (more
/// in towns), boarding schools for ethnic-minority pupils in some, and upper-secondary
/// schools and GDNN-GDTX centres directly under the Sở.
fn schools(lines: &[sheets::units::UnitLine]) -> Vec<School> {
    let mut out = Vec::new();
    let districts: Vec<&str> = lines
        .iter()
        .filter(|l| l.level == "district")
        .map(|l| l.code.as_str())
        .collect();
    for d in &districts {
        let mut seq = 0;
        let mut next = |out: &mut Vec<School>, name: String, level: SchoolLevel, commune: &str| {
            seq += 1;
            let code = format!("67{d}{seq:03}");
            let internet = internet(&code, d);
            out.push(School {
                code,
                name,
                parent: d.to_string(),
                level,
                commune: commune.to_string(),
                internet,
            });
        };
        // The two schools of the sample survey lists, under their real codes.
        if *d == "663" {
            next(
                &mut out,
                "Trường THCS Nguyễn Du".into(),
                SchoolLevel::Thcs,
                "Xã Đắk Lao",
            );
        }
        if *d == "666" {
            next(
                &mut out,
                "Trường THCS Nguyễn Trãi".into(),
                SchoolLevel::Thcs,
                "Thị trấn Kiến Đức",
            );
            next(
                &mut out,
                "Trường Tiểu học Kim Đồng".into(),
                SchoolLevel::TieuHoc,
                "Thị trấn Kiến Đức",
            );
        }
        for c in lines
            .iter()
            .filter(|l| l.level == "commune" && l.parent == *d)
        {
            let town = c.kind == "phường" || c.kind == "thị trấn";
            let k = h(&c.name) as usize;
            let place = c
                .name
                .split_whitespace()
                .skip(if c.name.starts_with("Thị trấn") {
                    2
                } else {
                    1
                })
                .collect::<Vec<_>>()
                .join(" ");
            let primaries = if town { 4 } else { 3 + k % 2 };
            let mut used: Vec<&str> = Vec::new();
            let mut pick = |i: usize| {
                let mut j = (k / 7 + i * 11) % NAMES.len();
                while used.contains(&NAMES[j])
                    || (NAMES[j] == "Kim Đồng" && *d == "666")
                    || (NAMES[j] == "Nguyễn Du" && *d == "663")
                {
                    j = (j + 1) % NAMES.len();
                }
                used.push(NAMES[j]);
                NAMES[j]
            };
            for i in 0..primaries {
                next(
                    &mut out,
                    format!("Trường Tiểu học {}", pick(i)),
                    SchoolLevel::TieuHoc,
                    &c.name,
                );
            }
            next(
                &mut out,
                format!("Trường THCS {}", pick(primaries)),
                SchoolLevel::Thcs,
                &c.name,
            );
            if town {
                next(
                    &mut out,
                    format!("Trường THCS {}", pick(primaries + 1)),
                    SchoolLevel::Thcs,
                    &c.name,
                );
            }
            if !town && k.is_multiple_of(3) {
                next(
                    &mut out,
                    format!("Trường PTDTBT TH và THCS {place}"),
                    SchoolLevel::ThThcs,
                    &c.name,
                );
            }
        }
    }
    for (i, (name, d)) in THPT.iter().chain(GDTX.iter()).enumerate() {
        let code = format!("67000{:03}", i + 1);
        let level = if name.starts_with("Trung tâm") {
            SchoolLevel::Gdtx
        } else {
            SchoolLevel::Thpt
        };
        // The district's town, or its first commune where it has none (Đắk Glong, Tuy Đức).
        let in_district = || {
            lines
                .iter()
                .filter(|l| l.level == "commune" && l.parent == *d)
        };
        let commune = in_district()
            .find(|l| l.kind == "thị trấn" || l.kind == "phường")
            .or_else(|| in_district().next())
            .map(|l| l.name.clone())
            .unwrap_or_default();
        out.push(School {
            internet: internet(&code, d),
            code,
            name: name.to_string(),
            parent: "67-SGDDT".into(),
            level,
            commune,
        });
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The demo users: (username, full name, role, unit code).
pub fn users() -> Vec<(String, &'static str, Role, String)> {
    let mut u = vec![
        (
            "admin".to_string(),
            "Nguyễn Văn Quản",
            Role::Admin,
            "67".to_string(),
        ),
        (
            "so_gddt".into(),
            "Trần Thị Thu Hà",
            Role::SoGddt,
            "67-SGDDT".into(),
        ),
        (
            "ban_dieu_phoi".into(),
            "Lê Minh Tuấn",
            Role::BanDieuPhoi,
            "67-SGDDT".into(),
        ),
        (
            "so_tttt".into(),
            "Phạm Quốc Bảo",
            Role::SoTttt,
            "67-STTTT".into(),
        ),
        (
            "so_tai_chinh".into(),
            "Hoàng Thị Lan",
            Role::SoTaiChinh,
            "67-STC".into(),
        ),
        ("mttq".into(), "Y Bhin Niê", Role::Mttq, "67-MTTQ".into()),
        (
            "ubnd_tinh".into(),
            "Đỗ Văn Thành",
            Role::UbndTinh,
            "67-UBND".into(),
        ),
        (
            "truong_67663001".into(),
            "Nguyễn Thị Mai",
            Role::Truong,
            "67663001".into(),
        ),
        (
            "truong_67666002".into(),
            "Điểu K'Lưu",
            Role::Truong,
            "67666002".into(),
        ),
        (
            "truong_67000001".into(),
            "Vũ Đức Long",
            Role::Truong,
            "67000001".into(),
        ),
    ];
    let heads = [
        "Bùi Văn Hải",
        "H'Nga Ênuôl",
        "Lường Văn Sơn",
        "Nguyễn Hữu Phước",
        "Trịnh Thị Hoa",
        "Võ Thanh Tùng",
        "Mai Xuân Đức",
        "Lý Thị Hằng",
    ];
    for (i, d) in ["660", "661", "662", "663", "664", "665", "666", "667"]
        .iter()
        .enumerate()
    {
        u.push((
            format!("phong_{d}"),
            heads[i],
            Role::PhongGddt,
            d.to_string(),
        ));
    }
    u
}

/// The 2022 Đắk Nông programme (Kế hoạch 56/KH-UBND, 26/01/2022), its three tiers and an
/// open first survey round.
pub async fn seed_program(store: &Store, actor: &AuditActor) -> Result<(i64, i64)> {
    let program = domain::students::programs::ProgramSpec::of_2022().check()?;
    Ok(store.create_program_from(actor, &program).await?)
}

/// The sample spec profiles (labelled as samples), three device models (one meeting
/// every criterion, one short of RAM, one whose battery is not stated), a contract
/// delivery of the first appraised and in stock, and two donations: one awaiting its
/// appraisal, one whose model failed it.
pub async fn seed_devices(store: &Store, actor: &AuditActor) -> Result<()> {
    use domain::devices::appraisals::{Appraisal, Verdict};
    use domain::devices::{DeviceKind, DeviceModel, luhn_digit};
    use domain::donations::{
        Condition, Donation, DonationItem, Donor, DonorKind, Earmark, ItemSerial, Signatory,
    };
    use domain::money::Dong;
    for p in domain::devices::sample_profiles() {
        store.save_spec_profile(actor, &p).await?;
    }
    let tab = DeviceModel {
        kind: Some(DeviceKind::Tablet),
        brand: "Samsung".into(),
        model: "Galaxy Tab A8 LTE".into(),
        cpu: Some("Unisoc T618".into()),
        cpu_cores: Some(8),
        ram_mb: Some(4096),
        storage_gb: Some(64),
        screen_tenths: Some(105),
        battery_mah: Some(7040),
        front_camera_mp: Some(5),
        rear_camera_mp: Some(8),
        os: Some("Android 11".into()),
        wifi: Some(true),
        lte: Some(true),
        warranty_months: Some(12),
        unit_price: Some(domain::money::Dong(5_490_000)),
    };
    let good = store.create_device_model(actor, &tab).await?;
    store
        .create_device_model(
            actor,
            &DeviceModel {
                model: "Galaxy Tab A7 Lite".into(),
                cpu_cores: Some(8),
                ram_mb: Some(2048),
                storage_gb: Some(32),
                screen_tenths: Some(87),
                battery_mah: Some(5100),
                rear_camera_mp: Some(8),
                front_camera_mp: Some(2),
                unit_price: Some(domain::money::Dong(3_290_000)),
                ..tab.clone()
            },
        )
        .await?;
    store
        .create_device_model(
            actor,
            &DeviceModel {
                kind: Some(DeviceKind::Laptop),
                brand: "Lenovo".into(),
                model: "IdeaPad 3 14ITL6".into(),
                cpu: Some("Intel Core i3-1115G4".into()),
                cpu_cores: Some(2),
                ram_mb: Some(8192),
                storage_gb: Some(256),
                screen_tenths: Some(140),
                battery_mah: None,
                front_camera_mp: Some(1),
                rear_camera_mp: None,
                os: Some("Windows 11 Home".into()),
                wifi: Some(true),
                lte: Some(false),
                warranty_months: Some(24),
                unit_price: Some(domain::money::Dong(11_990_000)),
            },
        )
        .await?;
    let rows: Vec<store::devices::SerialRow> = (0..40)
        .map(|i| {
            let body = format!("35209900{:06}", 1000 + i);
            let digits: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
            store::devices::SerialRow {
                row: i + 2,
                serial: format!("R9TT{:06}", 41_000 + i),
                imei: Some(format!("{body}{}", luhn_digit(&digits))),
            }
        })
        .collect();
    let contract = "contract:05/2022/HĐ-SGDĐT";
    store
        .register_devices(actor, good, contract, &rows, Lang::Vi, false)
        .await?;
    let on = time::macros::date!(2022 - 03 - 10);
    let appraise = |model_id, source: Option<&str>, verdict, notes: &str| Appraisal {
        model_id,
        source: source.map(str::to_string),
        verdict,
        appraised_on: on,
        notes: Some(notes.to_string()),
    };
    let sttttt = AuditActor::system("demo-so-tttt");
    store
        .appraise(
            &sttttt,
            &appraise(good, None, Verdict::Pass, "Đạt mọi tiêu chí của hồ sơ mẫu."),
        )
        .await?;
    store
        .appraise(
            &sttttt,
            &appraise(
                good,
                Some(contract),
                Verdict::Pass,
                "Kiểm tra 40/40 máy: đủ phụ kiện, tem bảo hành.",
            ),
        )
        .await?;
    store.stock_in(actor, good, contract).await?;

    // Two donors: a company whose name may be published, and a person who gives
    // anonymously for the poorest students of Đắk Mil.
    let company = store
        .save_donor(
            actor,
            None,
            &Donor {
                kind: DonorKind::Organisation,
                name: "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông".into(),
                contact_person: Some("Nguyễn Thị Hồng Nhung".into()),
                phone: Some("0261 3544 123".into()),
                email: Some("lienhe@hungthinh.example.vn".into()),
                address: Some(
                    "Số 12 đường Lê Duẩn, phường Nghĩa Trung, thành phố Gia Nghĩa".into(),
                ),
                tax_code: Some("6400123456".into()),
                publish_name: true,
                earmark: Earmark::default(),
            },
        )
        .await?;
    let dak_mil = store.unit_by_code("663").await?.map(|u| u.id);
    let person = store
        .save_donor(
            actor,
            None,
            &Donor {
                kind: DonorKind::Person,
                name: "Lê Văn Phúc".into(),
                contact_person: None,
                phone: Some("0905 123 456".into()),
                email: None,
                address: Some("Thị trấn Đắk Mil, huyện Đắk Mil".into()),
                tax_code: None,
                publish_name: false,
                earmark: Earmark {
                    unit_id: dak_mil,
                    tier: Some(1),
                },
            },
        )
        .await?;
    let models = store.device_models().await?;
    let id_of = |name: &str| {
        models
            .iter()
            .find(|m| m.model.model == name)
            .map(|m| m.id)
            .unwrap_or(good)
    };
    let serials = |prefix: &str, n: usize| -> Vec<ItemSerial> {
        (0..n)
            .map(|i| ItemSerial {
                serial: format!("{prefix}{:05}", i + 1),
                imei: None,
            })
            .collect()
    };
    let board_rep = Signatory {
        name: "Trần Văn Bình".into(),
        position: Some("Phó Trưởng ban".into()),
    };
    let received = |no: &str, donor_id, d: time::Date, rep: Signatory, items| Donation {
        donor_id,
        minutes_no: no.into(),
        received_on: d,
        place: "Sở Giáo dục và Đào tạo tỉnh Đắk Nông, thành phố Gia Nghĩa".into(),
        donor_rep: rep,
        board_rep: board_rep.clone(),
        note: None,
        items,
    };
    store
        .record_donation(
            actor,
            &received(
                "01/BB-BTNĐP",
                company,
                time::macros::date!(2022 - 03 - 05),
                Signatory {
                    name: "Nguyễn Thị Hồng Nhung".into(),
                    position: Some("Phó Giám đốc".into()),
                },
                vec![
                    DonationItem {
                        model_id: good,
                        quantity: 10,
                        condition: Condition::New,
                        unit_value: Dong(4_990_000),
                        serials: serials("R9HT", 10),
                    },
                    DonationItem {
                        model_id: id_of("IdeaPad 3 14ITL6"),
                        quantity: 2,
                        condition: Condition::Used,
                        unit_value: Dong(8_500_000),
                        serials: serials("PF3HT", 2),
                    },
                ],
            ),
            Lang::Vi,
        )
        .await?;
    let weak = id_of("Galaxy Tab A7 Lite");
    store
        .record_donation(
            actor,
            &received(
                "02/BB-BTNĐP",
                person,
                time::macros::date!(2022 - 03 - 08),
                Signatory {
                    name: "Lê Văn Phúc".into(),
                    position: None,
                },
                vec![DonationItem {
                    model_id: weak,
                    quantity: 5,
                    condition: Condition::Used,
                    unit_value: Dong(2_000_000),
                    serials: serials("R8LP", 5),
                }],
            ),
            Lang::Vi,
        )
        .await?;
    store
        .appraise(
            &sttttt,
            &appraise(
                weak,
                None,
                Verdict::Fail,
                "RAM 2 GB, dưới mức tối thiểu của hồ sơ mẫu (3 GB).",
            ),
        )
        .await?;
    Ok(())
}

pub async fn seed(store: &Store, out: &Out) -> Result<()> {
    let actor = AuditActor::system("demo");
    out.info(
        "Đang tạo dữ liệu mẫu Đắk Nông…",
        "Seeding the Đắk Nông demo…",
    );
    let file = sheets::units::read_units_csv(UNITS_CSV).map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let drafts = file.drafts().map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let source = ImportSource {
        file_name: "dak-nong-units.csv".into(),
        sha256: domain::digest::sha256_hex(UNITS_CSV),
    };
    store
        .import_units(
            &actor,
            drafts,
            ImportOptions {
                source: Some(source),
                ..Default::default()
            },
        )
        .await?;

    let mut csv =
        String::from("level,code,name,parent,kind,school_level,commune,internet,agency\n");
    for (code, name, agency) in DEPARTMENTS {
        csv.push_str(&format!(
            "department,{code},{},67,sở,,,,{agency}\n",
            csv_field(name)
        ));
    }
    let list = schools(&file.lines);
    for s in &list {
        csv.push_str(&format!(
            "school,{},{},{},trường,{},{},{},\n",
            s.code,
            csv_field(&s.name),
            s.parent,
            s.level.code(),
            csv_field(&s.commune),
            s.internet.code()
        ));
    }
    let file =
        sheets::units::read_units_csv(csv.as_bytes()).map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let drafts = file.drafts().map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let source = ImportSource {
        file_name: "demo-schools.csv".into(),
        sha256: domain::digest::sha256_hex(csv.as_bytes()),
    };
    store
        .import_units(
            &actor,
            drafts,
            ImportOptions {
                source: Some(source),
                ..Default::default()
            },
        )
        .await?;
    out.info(
        &format!(
            "Đã tạo 80 đơn vị hành chính, {} sở ngành và {} trường.",
            DEPARTMENTS.len(),
            list.len()
        ),
        &format!(
            "Created 80 administrative units, {} departments and {} schools.",
            DEPARTMENTS.len(),
            list.len()
        ),
    );

    seed_program(store, &actor).await?;
    seed_devices(store, &actor).await?;

    // One hash for all demo accounts: they share the printed demo password.
    let hash = store::passwords::hash_password(DEMO_PASSWORD).await?;
    for (username, full_name, role, unit) in users() {
        store
            .create_user(
                &actor,
                None,
                NewUser {
                    username: Username::parse(&username)?,
                    full_name: full_name.to_string(),
                    role,
                    unit_code: unit,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
            )
            .await?;
    }
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
    use store::testing::TestDb;

    async fn seeds_the_demo(db: &TestDb) {
        let store = &db.store;
        seed(
            store,
            &Out {
                lang: domain::Lang::Vi,
            },
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
        // Every printed login works.
        for (username, _, role, _) in users() {
            let user = store.authenticate(&username, DEMO_PASSWORD).await.unwrap();
            assert_eq!(user.role, role, "{username}");
        }
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
        )
        .await
        .unwrap();
        let app = web::build_app(db.store.clone(), web::WebConfig::default());
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
        }
    }

    store::storage_tests!(seeds_the_demo, every_printed_login_reaches_its_dashboard);
}
