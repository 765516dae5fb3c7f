//! The demo's after-care: the pilot districts' offices and schools train teachers,
//! parents and students (one school's attendance sheet read the way its lists are, its
//! guide kept as material), and a few handed devices come back faulty: tickets at every
//! step, repaired devices back with their students, one beyond repair.

use anyhow::{Context, Result};
use domain::aftercare::{TicketStatus, TrainingTopic};
use domain::dates::today;
use domain::devices::DeviceState;
use store::aftercare::{Attendee, NewTicket, NewTraining};
use store::documents::DocumentOwner;
use store::{AuditActor, Store};
use time::Duration;

pub struct Seeded {
    pub trainings: usize,
    pub tickets: usize,
}

async fn actor(store: &Store, username: &str) -> Result<AuditActor> {
    Ok(store
        .user_by_username(username)
        .await?
        .with_context(|| format!("demo user {username}"))?
        .audit_actor())
}

/// A one-page PDF with the guide's title, standing for the office's printed guide.
fn guide_pdf() -> Vec<u8> {
    let text = "BT /F1 18 Tf 60 760 Td (Huong dan su dung va bao quan may tinh bang) Tj ET";
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length {}>>stream\n{text}\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        text.len()
    )
    .into_bytes()
}

pub async fn seed(store: &Store) -> Result<Seeded> {
    let day = today();
    let mut trainings = 0;
    for (district, trainer) in [("661", "Nguyễn Văn Hưng"), ("667", "Trần Thị Thu Hà")] {
        let office = actor(store, &format!("phong_{district}")).await?;
        let unit = store
            .unit_by_code(district)
            .await?
            .with_context(|| format!("district {district}"))?;
        for (k, (topic, teachers, parents, students)) in [
            (TrainingTopic::Use, 18, 64, 71),
            (TrainingTopic::Care, 12, 40, 52),
            (TrainingTopic::Software, 25, 0, 0),
        ]
        .into_iter()
        .enumerate()
        {
            store
                .record_training(
                    &office,
                    &NewTraining {
                        unit_id: unit.id,
                        held_on: day - Duration::days(12 - 4 * k as i64),
                        topic,
                        trainer: trainer.into(),
                        place: Some(format!("Hội trường {}", unit.name)),
                        teachers,
                        parents,
                        students,
                        note: None,
                    },
                    &[],
                )
                .await?;
            trainings += 1;
        }
    }

    // The demo school's session with its sheet of names: its teachers, and the parents
    // and students of those who received a device.
    let province = store.unit_by_code("67").await?.context("the province")?;
    let sims = store.sims(&province.scope()).await?;
    let school = store
        .unit_by_code("67661005")
        .await?
        .context("the demo school 67661005")?;
    let teacher = actor(store, "truong_67661005").await?;
    let handed: Vec<_> = store
        .students_to_hand(school.id)
        .await?
        .into_iter()
        .filter(|s| s.state() == Some(DeviceState::WithStudent))
        .collect();
    let mut csv = String::from(
        "DANH SÁCH THAM DỰ TẬP HUẤN SỬ DỤNG THIẾT BỊ\nSTT,Họ và tên,Thành phần,Lớp,Số điện thoại\n",
    );
    let mut n = 0;
    for name in ["Lê Thị Mai", "Y Bluêt Niê", "Nguyễn Văn Tâm"] {
        n += 1;
        csv.push_str(&format!("{n},{name},Giáo viên,,\n"));
    }
    for s in handed.iter().take(8) {
        let student = store.student(s.student_id).await?.context("a student")?.0;
        let class = student.class_name.clone().unwrap_or_default();
        if let Some(p) = student.parent_name.as_deref().filter(|p| !p.is_empty()) {
            n += 1;
            csv.push_str(&format!("{n},{p},Phụ huynh,{class},\n"));
        }
        n += 1;
        csv.push_str(&format!("{n},{},Học sinh,{class},\n", student.full_name));
    }
    let sheet = sheets::attendees::read_attendees(
        std::io::Cursor::new(csv.into_bytes()),
        &sheets::reader::Limits::default(),
    )
    .map_err(|e| anyhow::anyhow!("the demo's attendance sheet: {}", e[0]))?;
    let list: Vec<Attendee> = sheet
        .attendees
        .into_iter()
        .map(|a| Attendee {
            row: a.row,
            full_name: a.full_name,
            role: a.role,
            class_name: a.class_name,
            phone: a.phone,
        })
        .collect();
    let id = store
        .record_training(
            &teacher,
            &NewTraining {
                unit_id: school.id,
                held_on: day - Duration::days(3),
                topic: TrainingTopic::Warranty,
                trainer: "Lê Thị Mai".into(),
                place: Some("Phòng tin học của trường".into()),
                teachers: 0,
                parents: 0,
                students: 0,
                note: Some("Hướng dẫn báo hỏng và bảo hành thiết bị".into()),
            },
            &list,
        )
        .await?;
    store
        .add_document(
            &teacher,
            DocumentOwner::Training(id),
            "huong-dan-su-dung-may-tinh-bang.pdf",
            "application/pdf",
            guide_pdf(),
        )
        .await?;
    trainings += 1;

    // Repairs of handed devices, at every step.
    let faults = [
        ("Màn hình không lên hình", TicketStatus::Open, None),
        ("Không sạc được pin", TicketStatus::AtVendor, None),
        (
            "Vỡ kính cảm ứng do rơi",
            TicketStatus::Repaired,
            Some("Thay kính cảm ứng"),
        ),
        (
            "Loa rè, không nghe được bài giảng",
            TicketStatus::Repaired,
            Some("Thay loa"),
        ),
        (
            "Không bật được nguồn",
            TicketStatus::Unrepairable,
            Some("Hỏng bo mạch chính, hết linh kiện"),
        ),
        ("Máy chạy chậm, tự khởi động lại", TicketStatus::Open, None),
    ];
    let mut tickets = 0;
    // The demo school's first handed device, then every other tablet with a SIM.
    let devices: Vec<(i64, i64, String)> = handed
        .iter()
        .take(1)
        .map(|h| (school.id, h.student_id, h.serial.clone()))
        .chain(
            sims.iter()
                .step_by(2)
                .map(|s| (s.school_id, s.student_id, s.serial.clone())),
        )
        .collect();
    for ((school_id, student_id, serial), (fault, status, resolution)) in
        devices.into_iter().zip(faults)
    {
        let school = store
            .unit_by_id(school_id)
            .await?
            .context("the device's school")?;
        let who = actor(store, &format!("truong_{}", school.code))
            .await
            .or(actor(store, "phong_661").await)?;
        let reported = day - Duration::days(9);
        let student = store.student(student_id).await?.context("a student")?.0;
        let id = store
            .open_repair(
                &who,
                &NewTicket {
                    serial: serial.clone(),
                    fault: fault.into(),
                    reported_by: student
                        .parent_name
                        .clone()
                        .unwrap_or_else(|| student.full_name.clone()),
                    reported_on: reported,
                    vendor: None,
                },
            )
            .await?;
        if status >= TicketStatus::AtVendor && status != TicketStatus::Unrepairable {
            store
                .repair_step(
                    &who,
                    id,
                    TicketStatus::AtVendor,
                    reported + Duration::days(2),
                    Some("Trung tâm bảo hành của nhà cung cấp tại Gia Nghĩa"),
                    None,
                )
                .await?;
        }
        if status.is_closed() {
            store
                .repair_step(
                    &who,
                    id,
                    status,
                    reported + Duration::days(7),
                    None,
                    resolution,
                )
                .await?;
        }
        tickets += 1;
    }
    Ok(Seeded { trainings, tickets })
}
