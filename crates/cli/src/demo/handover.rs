//! The demo's handovers of the pilot round, down the chain as they happened: the Board
//! hands each pilot district office its share (Tuy Đức's minutes arrive two boxes short,
//! which stay with the Board, flagged); the offices hand their schools theirs (a few
//! schools have not signed yet); the schools hand about two in three of their students
//! their device with a parent's signature (tablets with a data SIM), one family gives a
//! laptop back when it moves away, and the schools mark about half of what they handed
//! as entered in CSDL ngành. Signatures are drawn from each signer's name, so every fresh
//! demo is the same.

use anyhow::{Context, Result};
use domain::devices::{DeviceState, Holder};
use domain::handover::signature::Strokes;
use domain::handover::{Relation, Signer};
use store::handover::csdl::CsdlMark;
use store::handover::{NewHandover, SignatureInput, StudentHandover, StudentReturn};
use store::{AuditActor, Store};

/// A signature as a hand draws it, from the signer's name: three strokes across the pad.
fn signature(name: &str) -> SignatureInput {
    let h = domain::digest::sha256_hex(name.as_bytes());
    let b = h.as_bytes();
    let at = |i: usize| u32::from(b[i % b.len()] % 16);
    let mut strokes = Vec::new();
    let mut x = 24 + at(0);
    for s in 0..3 {
        let mut points = Vec::new();
        for p in 0..7 {
            let i = s * 7 + p;
            x += 8 + at(i + 1) * 2;
            let y = if p % 2 == 0 {
                40 + at(i + 2) * 3
            } else {
                95 + at(i + 3) * 2
            };
            points.push(format!("[{},{}]", x.min(330), y));
        }
        x += 12;
        strokes.push(format!("[{}]", points.join(",")));
    }
    let underline = format!("[[{},135],[{},128]]", 30 + at(30), 300 - at(31));
    strokes.push(underline);
    let body = format!(r#"{{"w":340,"h":160,"strokes":[{}]}}"#, strokes.join(","));
    SignatureInput::Drawn(Strokes::parse(&body).expect("a demo signature").drawn())
}

fn officer(name: &str, position: &str) -> Signer {
    Signer {
        name: name.into(),
        position: Some(position.into()),
        relation: None,
        id_number: None,
    }
}

async fn actor(store: &Store, username: &str) -> Result<AuditActor> {
    Ok(store
        .user_by_username(username)
        .await?
        .with_context(|| format!("demo user {username}"))?
        .audit_actor())
}

async fn school_actor(store: &Store, code: &str) -> Result<AuditActor> {
    // Schools without a demo account act through the demo's system account.
    Ok(
        match store.user_by_username(&format!("truong_{code}")).await? {
            Some(u) => u.audit_actor(),
            None => AuditActor::system("demo"),
        },
    )
}

/// What the demo's handovers came to.
pub struct Seeded {
    pub minutes: usize,
    pub to_students: usize,
}

pub async fn seed(store: &Store) -> Result<Seeded> {
    let board = actor(store, "ban_dieu_phoi").await?;
    let mut minutes = 0;
    let mut to_students = 0;
    for (district, head, position) in [
        ("661", "Lường Văn Sơn", "Trưởng phòng"),
        ("667", "Lý Thị Hằng", "Phó Trưởng phòng"),
    ] {
        let office = store
            .unit_by_code(district)
            .await?
            .with_context(|| format!("district {district}"))?;
        let phong = actor(store, &format!("phong_{district}")).await?;
        let share: Vec<String> = store
            .packing_list(Holder::Board, office.id)
            .await?
            .into_iter()
            .map(|p| p.serial)
            .collect();
        if share.is_empty() {
            continue;
        }
        let h = store
            .hand_over(
                &board,
                &NewHandover {
                    giver: Holder::Board,
                    receiver: office.id,
                    serials: share.clone(),
                },
            )
            .await?;
        // Tuy Đức's delivery arrives two boxes short; they stay with the Board, flagged.
        let arrived: Vec<String> = if district == "667" {
            share[..share.len().saturating_sub(2)].to_vec()
        } else {
            share.clone()
        };
        store
            .confirm_handover(
                &phong,
                h.id,
                &arrived,
                &officer(head, position),
                &signature(head),
            )
            .await?;
        minutes += 1;

        // The office hands each school its share; the last school of each district has
        // not signed yet.
        let to_hand = store.to_hand(Holder::Unit(office.id)).await?;
        let last = to_hand.len().saturating_sub(1);
        for (i, school) in to_hand.iter().enumerate() {
            let serials: Vec<String> = store
                .packing_list(Holder::Unit(office.id), school.unit_id)
                .await?
                .into_iter()
                .map(|p| p.serial)
                .collect();
            if serials.is_empty() {
                continue;
            }
            let h = store
                .hand_over(
                    &phong,
                    &NewHandover {
                        giver: Holder::Unit(office.id),
                        receiver: school.unit_id,
                        serials: serials.clone(),
                    },
                )
                .await?;
            minutes += 1;
            if i == last {
                continue;
            }
            let teacher = format!("Cán bộ thiết bị trường {}", school.name);
            let school_user = school_actor(store, &school.code).await?;
            store
                .confirm_handover(
                    &school_user,
                    h.id,
                    &serials,
                    &officer(&teacher, "Nhân viên thiết bị"),
                    &signature(&teacher),
                )
                .await?;
            to_students += hand_to_students(store, &school_user, school.unit_id).await?;
        }
    }
    Ok(Seeded {
        minutes,
        to_students,
    })
}

/// A school hands about two in three of its students their device, each signed by a
/// parent; one family gives a laptop back; about half of what was handed is marked as
/// entered in CSDL ngành.
async fn hand_to_students(store: &Store, school_user: &AuditActor, school: i64) -> Result<usize> {
    let students = store.students_to_hand(school).await?;
    let ready: Vec<_> = students
        .iter()
        .filter(|s| s.state() == Some(DeviceState::WithSchool))
        .collect();
    let mut handed = Vec::new();
    for (i, s) in ready.iter().enumerate() {
        if i % 3 == 2 {
            continue;
        }
        let record = store
            .student(s.student_id)
            .await?
            .context("a pilot student")?
            .0;
        let guardian = record
            .parent_name
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| format!("Phụ huynh em {}", record.full_name));
        // Vietnamese names say who is the mother: "Thị" for most women, and a few given
        // names the demo's lists use.
        let relation = if guardian.contains(" Thị ") || guardian.starts_with("H'") {
            Relation::Mother
        } else {
            Relation::Father
        };
        let tablet = s.kind == "tablet";
        store
            .hand_to_student(
                school_user,
                &StudentHandover {
                    school,
                    student: s.student_id,
                    serial: s.serial.clone(),
                    signer: Signer {
                        name: guardian.clone(),
                        position: None,
                        relation: Some(relation),
                        id_number: None,
                    },
                    signature: signature(&guardian),
                    sim_carrier: tablet.then(|| "Viettel".to_string()),
                    sim_number: tablet
                        .then(|| format!("0986{:06}", 100_000 + s.student_id % 900_000)),
                },
            )
            .await?;
        handed.push((s.student_id, s.serial.clone(), guardian, relation));
    }
    // One family moves away and gives the laptop back.
    if school % 5 == 0
        && let Some((student, _, guardian, relation)) = handed.pop()
    {
        store
            .return_device(
                school_user,
                &StudentReturn {
                    school,
                    student,
                    reason: "Gia đình chuyển vào tỉnh Bình Dương làm ăn, em chuyển trường".into(),
                    signer: Signer {
                        name: guardian.clone(),
                        position: None,
                        relation: Some(relation),
                        id_number: None,
                    },
                    signature: signature(&guardian),
                },
            )
            .await?;
    }
    let marks: Vec<CsdlMark> = handed
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(i, (_, serial, ..))| CsdlMark {
            row: i + 2,
            serial: serial.clone(),
            entered: true,
        })
        .collect();
    if !marks.is_empty() {
        store.mark_csdl(school_user, school, &marks, "tick").await?;
    }
    Ok(handed.len())
}
