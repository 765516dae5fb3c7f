//! The demo's units: the Đắk Nông tree of 2022, its departments, and about 400 schools
//! with Vietnamese names and codes, each with an Internet status.

use crate::output::Out;
use anyhow::Result;
use domain::units::{InternetStatus, SchoolLevel};
use store::units::{ImportOptions, ImportSource};
use store::{AuditActor, Store};

pub const UNITS_CSV: &[u8] = include_bytes!("../../../../data/dak-nong-units.csv");

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

/// The tree, the departments and the schools, each file imported as an office would.
pub async fn seed(store: &Store, actor: &AuditActor, out: &Out) -> Result<()> {
    let file = sheets::units::read_units_csv(UNITS_CSV).map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let drafts = file.drafts().map_err(|e| anyhow::anyhow!("{}", e[0]))?;
    let source = ImportSource {
        file_name: "dak-nong-units.csv".into(),
        sha256: domain::digest::sha256_hex(UNITS_CSV),
    };
    store
        .import_units(
            actor,
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
            actor,
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
    Ok(())
}
