//! The demo's survey: the 2022 programme, its tiers and an open round; then the
//! schools' lists at every stage of the approval chain, so that every page and dashboard
//! has something true to show: the two sample files of `data/samples` for the schools
//! the demo users belong to, and generated lists for most other schools, some not
//! started, some drafting, returned, submitted, approved by their office or by the Board.

use anyhow::{Context, Result};
use domain::students::approval::ListAction;
use domain::units::UnitKind;
use domain::users::Role;
use store::students::lists::{ListStep, RowReason};
use store::units::Unit;
use store::{AuditActor, Store};

/// The 2022 Đắk Nông programme (Kế hoạch 56/KH-UBND, 26/01/2022), its three tiers and an
/// open first survey round.
pub async fn seed_program(store: &Store, actor: &AuditActor) -> Result<(i64, i64)> {
    let program = domain::students::programs::ProgramSpec::of_2022().check()?;
    Ok(store.create_program_from(actor, &program).await?)
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Điểu", "Y", "H'", "K'", "Lường", "Nông", "Triệu", "Thị",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Anh", "Kim", "Thu", "Hồng",
    "Xuân", "Công", "Gia", "Bảo",
];
const GIVEN: &[&str] = &[
    "An", "Anh", "Bảo", "Bình", "Châu", "Chi", "Cường", "Dung", "Duy", "Giang", "Hà", "Hải",
    "Hạnh", "Hiếu", "Hoa", "Hùng", "Huy", "Hương", "Khang", "Khánh", "Lan", "Linh", "Long", "Mai",
    "Minh", "My", "Nam", "Ngân", "Ngọc", "Nhung", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm",
    "Thảo", "Thành", "Thủy", "Tiến", "Trang", "Trung", "Tuấn", "Uyên", "Vy",
];
const VILLAGES: &[&str] = &[
    "Thôn 1",
    "Thôn 2",
    "Thôn 3",
    "Thôn 5",
    "Thôn 7",
    "Bon Bu Bir",
    "Bon Sa Pa",
    "Buôn Buôr",
    "Thôn Tân Lập",
    "Thôn Đức Lệ",
];

/// A small deterministic generator (xorshift): every fresh demo is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// Where a generated list is left.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    NotStarted,
    Draft,
    Returned,
    Submitted,
    Approved,
    BoardApproved,
}

/// The stage of a school's list: most of Gia Nghĩa is done, Đắk Mil's office has lists
/// waiting for it, the others are spread over every stage.
fn stage_of(district: &str, rng: &mut Rng) -> Stage {
    let r = rng.below(100);
    let cut = |c: &[(u64, Stage)]| {
        c.iter()
            .find(|(t, _)| r < *t)
            .map(|(_, s)| *s)
            .unwrap_or(Stage::NotStarted)
    };
    match district {
        "660" => cut(&[
            (10, Stage::Submitted),
            (30, Stage::Approved),
            (95, Stage::BoardApproved),
        ]),
        "663" => cut(&[
            (15, Stage::NotStarted),
            (30, Stage::Draft),
            (38, Stage::Returned),
            (75, Stage::Submitted),
            (100, Stage::Approved),
        ]),
        _ => cut(&[
            (25, Stage::NotStarted),
            (45, Stage::Draft),
            (50, Stage::Returned),
            (70, Stage::Submitted),
            (90, Stage::Approved),
            (100, Stage::BoardApproved),
        ]),
    }
}

/// A school's list as the school's office writes it: a CSV with the usual title rows.
fn list_csv(school: &Unit, commune: &str, n: usize, rng: &mut Rng, serial: &mut u64) -> String {
    let (first_year, years, first_class) = match school.school_level.map(|l| l.code()) {
        Some("thcs") => (2008, 4, 6),
        Some("thpt") | Some("gdtx") => (2005, 3, 10),
        Some("th_thcs") => (2008, 9, 1),
        _ => (2011, 5, 1),
    };
    let mut out = String::new();
    out.push_str(&format!("{}\n", school.name.to_uppercase()));
    out.push_str("DANH SÁCH HỌC SINH ĐỀ NGHỊ HỖ TRỢ MÁY TÍNH\n\n");
    out.push_str("STT,Họ và tên,Ngày sinh,Giới tính,Lớp,Mã định danh học sinh,Thôn,Xã,Họ tên cha/mẹ/người giám hộ,Đối tượng,Số giấy chứng nhận hộ nghèo/cận nghèo\n");
    for i in 0..n {
        let year = first_year + rng.below(years) as i32;
        let class = first_class + (2015 - year).clamp(0, 12) as u64 % 5;
        let girl = rng.below(2) == 0;
        let family = rng.pick(FAMILY);
        let middle = if girl { "Thị" } else { rng.pick(MIDDLE) };
        let name = format!("{family} {middle} {}", rng.pick(GIVEN));
        let parent = format!(
            "{family} {} {}",
            if rng.below(2) == 0 { "Văn" } else { "Thị" },
            rng.pick(GIVEN)
        );
        let tier = match rng.below(10) {
            0..=5 => "Hộ nghèo",
            6..=8 => "Hộ cận nghèo",
            _ => "Mồ côi do Covid-19",
        };
        let cert = if tier == "Mồ côi do Covid-19" {
            String::new()
        } else {
            format!("{}/GCN-UBND", 100 + rng.below(800))
        };
        *serial += 1;
        out.push_str(&format!(
            "{},{},{:02}/{:02}/{},{},{}{},67{:08},{},{},{},{},{}\n",
            i + 1,
            name,
            1 + rng.below(28),
            1 + rng.below(12),
            year,
            if girl { "Nữ" } else { "Nam" },
            class,
            ["A", "B", "C"][rng.below(3) as usize],
            30_000_000 + *serial,
            rng.pick(VILLAGES),
            commune,
            parent,
            tier,
            cert,
        ));
    }
    out
}

/// A one-page PDF standing for a scanned certificate (the content is checked as PDF).
fn certificate_pdf(student_id: i64) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n% giay chung nhan, hoc sinh {student_id}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    .into_bytes()
}

async fn import(
    store: &Store,
    actor: &AuditActor,
    school: &Unit,
    round_id: Option<i64>,
    name: &str,
    bytes: Vec<u8>,
) -> Result<()> {
    let req = web::students::imports::ImportRequest {
        school,
        round_id,
        file_name: name,
        sha256: domain::digest::sha256_hex(&bytes),
        dry_run: false,
        read_first: true,
        lang: domain::Lang::Vi,
    };
    web::students::imports::import_students(store, actor, &req, std::io::Cursor::new(bytes))
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .with_context(|| format!("demo list of {}", school.code))?;
    Ok(())
}

fn sample(name: &str) -> Vec<u8> {
    match name {
        "h1_truong_a.xlsx" => include_bytes!("../../../../data/samples/h1_truong_a.xlsx").to_vec(),
        _ => include_bytes!("../../../../data/samples/h2_truong_b_tcvn3.xlsx").to_vec(),
    }
}

/// The lists of the schools, each left at its stage; returns how many lists were made.
/// `scale` multiplies the size of every generated list (1: about 5,000 students in the
/// province; 4: about 20,000, the size the load test runs on).
pub async fn seed_lists(store: &Store, system: &AuditActor, scale: usize) -> Result<usize> {
    let round = store
        .current_round()
        .await?
        .context("the demo round is open")?;
    seed_round(store, system, round, None, scale).await
}

/// The pilot round's lists: every school of some districts, each list approved by the
/// Board, for a round the demo allocates in full. Returns how many lists were made.
pub async fn seed_pilot_lists(
    store: &Store,
    system: &AuditActor,
    round: domain::students::programs::Round,
    districts: &[&str],
) -> Result<usize> {
    seed_round(store, system, round, Some(districts), 1).await
}

/// The lists of a round: at every stage (`pilot` None), or all of some districts approved
/// by the Board (`pilot` their codes).
async fn seed_round(
    store: &Store,
    system: &AuditActor,
    round: domain::students::programs::Round,
    pilot: Option<&[&str]>,
    scale: usize,
) -> Result<usize> {
    let so = store
        .user_by_username("so_gddt")
        .await?
        .context("demo user so_gddt")?;
    let board = store
        .user_by_username("ban_dieu_phoi")
        .await?
        .context("demo user ban_dieu_phoi")?;

    // The schools of the demo's own school users: the sample files, left drafting (the
    // README imports them again), their shared codes and one child listed by both
    // waiting to be decided.
    let samples: &[(&str, &str)] = if pilot.is_some() {
        &[]
    } else {
        &[
            ("67663001", "h1_truong_a.xlsx"),
            ("67666002", "h2_truong_b_tcvn3.xlsx"),
        ]
    };
    for &(code, file) in samples {
        let school = store.unit_by_code(code).await?.context("sample school")?;
        let owner = store
            .user_by_username(&format!("truong_{code}"))
            .await?
            .context("sample school user")?;
        import(
            store,
            &owner.audit_actor(),
            &school,
            Some(round.id),
            file,
            sample(file),
        )
        .await?;
    }

    let mut schools = Vec::new();
    for page in 1.. {
        let p = store
            .list_units(
                &domain::units::UnitPath::everything(),
                &store::units::UnitFilter {
                    kind: Some(UnitKind::School),
                    order: store::units::UnitOrder::Code,
                    ..Default::default()
                },
                page,
                500,
            )
            .await?;
        let last = p.page >= p.pages();
        schools.extend(p.items);
        if last {
            break;
        }
    }
    let mut rng = Rng(if pilot.is_some() {
        0x9110_7202_2c70
    } else {
        0x5eed_2022_0c70
    });
    // Student codes of the pilot do not meet the first round's.
    let mut serial = if pilot.is_some() { 500_000u64 } else { 0 };
    let mut made = samples.len();
    for school in schools {
        if ["67663001", "67666002"].contains(&school.code.as_str()) {
            continue;
        }
        let parent = match school.parent_id {
            Some(id) => store.unit_by_id(id).await?,
            None => None,
        };
        let Some(parent) = parent else { continue };
        let stage = match pilot {
            Some(d) if d.contains(&parent.code.as_str()) => Stage::BoardApproved,
            Some(_) => continue,
            None if school.code.as_str() == "67000001" => Stage::Draft,
            None => stage_of(parent.code.as_str(), &mut rng),
        };
        if stage == Stage::NotStarted {
            continue;
        }
        let commune = school.commune_name.clone().unwrap_or_default();
        let n = (6 + rng.below(20) as usize) * scale.max(1);
        let csv = list_csv(&school, &commune, n, &mut rng, &mut serial);
        import(
            store,
            system,
            &school,
            Some(round.id),
            &format!("danh-sach-{}.csv", school.code),
            csv.into_bytes(),
        )
        .await?;
        made += 1;
        let ids: Vec<i64> = store
            .list_students(
                &school.path,
                &store::students::StudentFilter {
                    round_id: Some(round.id),
                    school_id: Some(school.id),
                    ..Default::default()
                },
                1,
                100,
            )
            .await?
            .items
            .iter()
            .map(|s| s.id)
            .collect();
        // Most schools scanned the certificates of most of their students.
        for id in &ids {
            if rng.below(10) < 8 {
                store
                    .add_evidence(
                        system,
                        *id,
                        "giay-chung-nhan.pdf",
                        "application/pdf",
                        certificate_pdf(*id),
                    )
                    .await?;
            }
        }
        if stage == Stage::Draft {
            continue;
        }
        let step = |action| ListStep::plain(action);
        store
            .list_action(
                system,
                Role::Truong,
                round.id,
                school.id,
                step(ListAction::Submit),
            )
            .await?;
        if stage == Stage::Submitted {
            continue;
        }
        let reviewer = if parent.kind == UnitKind::Department {
            so.clone()
        } else {
            store
                .user_by_username(&format!("phong_{}", parent.code))
                .await?
                .unwrap_or_else(|| so.clone())
        };
        if stage == Stage::Returned {
            let rows = [RowReason {
                student_id: ids[0],
                reason: "Thiếu số giấy chứng nhận, đề nghị bổ sung".into(),
            }];
            store
                .list_action(
                    &reviewer.audit_actor(),
                    reviewer.role,
                    round.id,
                    school.id,
                    ListStep {
                        action: ListAction::Return,
                        rows: &rows,
                        note: None,
                    },
                )
                .await?;
            continue;
        }
        // A list with open flags stays submitted: its office has to decide them first.
        if store
            .list_action(
                &reviewer.audit_actor(),
                reviewer.role,
                round.id,
                school.id,
                step(ListAction::Approve),
            )
            .await
            .is_err()
        {
            continue;
        }
        if stage == Stage::BoardApproved {
            store
                .list_action(
                    &board.audit_actor(),
                    Role::BanDieuPhoi,
                    round.id,
                    school.id,
                    step(ListAction::BoardApprove),
                )
                .await?;
        }
    }
    Ok(made)
}
