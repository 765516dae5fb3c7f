//! The demo's signal side: the mountain districts' schools surveyed for their Internet
//! (about thirty still without, a few upgraded, each dated), a dozen dead zones in the
//! villages where the pilot's students live, at every step from reported to covered,
//! the data SIMs of the tablets handed over (two still waiting for their package), and
//! three online-learning platforms, two recommended by decision.

use anyhow::{Context, Result};
use domain::dates::today;
use domain::signal::{Carrier, Connectivity, SignalLevel, ZoneStatus};
use store::signal::{NewConnection, NewSim, NewZone, Platform};
use store::{AuditActor, Store};
use time::Duration;

pub struct Seeded {
    pub without_internet: usize,
    pub zones: usize,
    pub sims: usize,
}

async fn actor(store: &Store, username: &str) -> Result<AuditActor> {
    Ok(store
        .user_by_username(username)
        .await?
        .with_context(|| format!("demo user {username}"))?
        .audit_actor())
}

/// A demo zone: district, commune, village, carriers, signal, the step it has reached,
/// its point.
type Zone = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [Carrier],
    SignalLevel,
    ZoneStatus,
    Option<(f64, f64)>,
);

pub async fn seed(store: &Store) -> Result<Seeded> {
    let day = today();
    let so_tttt = actor(store, "so_tttt").await?;
    let so_gddt = actor(store, "so_gddt").await?;

    // Connections: the mountain districts' offices survey their schools.
    let mut without = 0;
    for (district, quota) in [("661", 12), ("667", 11), ("665", 8)] {
        let office = actor(store, &format!("phong_{district}")).await?;
        let unit = store
            .unit_by_code(district)
            .await?
            .with_context(|| format!("district {district}"))?;
        let schools = store.school_connections(&unit.scope()).await?;
        let mut found = 0;
        for (i, s) in schools.iter().enumerate() {
            let surveyed = day - Duration::days(90 - (i as i64 % 20));
            let (kind, speed, provider, note) = if found < quota
                && matches!(
                    s.kind,
                    None | Some(Connectivity::None) | Some(Connectivity::MobileOnly)
                ) {
                found += 1;
                (
                    Connectivity::None,
                    None,
                    None,
                    "Khảo sát của phòng: chưa có đường truyền, sóng 4G chập chờn",
                )
            } else if i % 4 == 0 {
                (
                    Connectivity::MobileOnly,
                    Some(6 + (i as i64 % 5) * 2),
                    Some("Viettel"),
                    "Dùng bộ phát 4G của nhà trường",
                )
            } else if i % 4 == 1 {
                (
                    Connectivity::Fixed,
                    Some(50 + (i as i64 % 3) * 50),
                    Some("VNPT"),
                    "Cáp quang",
                )
            } else {
                continue;
            };
            store
                .record_connectivity(
                    &office,
                    &NewConnection {
                        school_id: s.school_id,
                        kind,
                        speed_mbps: speed,
                        provider: provider.map(str::to_string),
                        note: Some(note.to_string()),
                        noted_on: surveyed,
                    },
                )
                .await?;
        }
        // Two schools got fibre after the survey: their history shows both.
        for s in schools
            .iter()
            .filter(|s| s.kind == Some(Connectivity::MobileOnly))
            .take(1)
        {
            store
                .record_connectivity(
                    &office,
                    &NewConnection {
                        school_id: s.school_id,
                        kind: Connectivity::Fixed,
                        speed_mbps: Some(100),
                        provider: Some("Viettel".into()),
                        note: Some("Nhà mạng kéo cáp quang theo chương trình".into()),
                        noted_on: day - Duration::days(20),
                    },
                )
                .await?;
        }
        without += found;
    }

    // Dead zones in the pilot's villages, each at its step.
    let zones: [Zone; 12] = [
        (
            "661",
            "Xã Quảng Sơn",
            Some("Bon Bu Bir"),
            &[Carrier::Viettel, Carrier::Vnpt],
            SignalLevel::NoSignal,
            ZoneStatus::Open,
            Some((12.0712, 107.9185)),
        ),
        (
            "661",
            "Xã Đắk Som",
            Some("Thôn 7"),
            &[Carrier::Viettel],
            SignalLevel::NoSignal,
            ZoneStatus::SentToCarrier,
            Some((12.0321, 107.8013)),
        ),
        (
            "661",
            "Xã Quảng Hòa",
            Some("Thôn 5"),
            &[Carrier::Mobifone, Carrier::Vnpt],
            SignalLevel::VoiceOnly,
            ZoneStatus::CarrierAnswered,
            None,
        ),
        (
            "661",
            "Xã Đắk Plao",
            None,
            &[Carrier::Viettel, Carrier::Mobifone],
            SignalLevel::Weak,
            ZoneStatus::Covered,
            Some((11.9804, 107.7321)),
        ),
        (
            "667",
            "Xã Đắk Ngo",
            Some("Bon Bu Bir"),
            &[Carrier::Viettel],
            SignalLevel::NoSignal,
            ZoneStatus::Open,
            Some((12.2845, 107.4501)),
        ),
        (
            "667",
            "Xã Quảng Trực",
            Some("Thôn 3"),
            &[Carrier::Viettel, Carrier::Vnpt, Carrier::Mobifone],
            SignalLevel::NoSignal,
            ZoneStatus::SentToCarrier,
            Some((12.3987, 107.5012)),
        ),
        (
            "667",
            "Xã Đắk Buk So",
            Some("Thôn 1"),
            &[Carrier::Vnpt],
            SignalLevel::VoiceOnly,
            ZoneStatus::CarrierAnswered,
            None,
        ),
        (
            "667",
            "Xã Quảng Tân",
            Some("Thôn 2"),
            &[Carrier::Viettel],
            SignalLevel::Weak,
            ZoneStatus::Covered,
            Some((12.1456, 107.5834)),
        ),
        (
            "665",
            "Xã Thuận Hạnh",
            Some("Thôn 5"),
            &[Carrier::Mobifone],
            SignalLevel::Weak,
            ZoneStatus::Open,
            None,
        ),
        (
            "665",
            "Xã Trường Xuân",
            Some("Thôn 7"),
            &[Carrier::Viettel, Carrier::Vietnamobile],
            SignalLevel::VoiceOnly,
            ZoneStatus::SentToCarrier,
            Some((12.2103, 107.6055)),
        ),
        (
            "664",
            "Xã Quảng Phú",
            Some("Thôn 3"),
            &[Carrier::Vnpt, Carrier::Viettel],
            SignalLevel::NoSignal,
            ZoneStatus::Open,
            Some((12.2811, 108.0199)),
        ),
        (
            "664",
            "Xã Nâm Nung",
            None,
            &[Carrier::Viettel],
            SignalLevel::Weak,
            ZoneStatus::CarrierAnswered,
            None,
        ),
    ];
    for (i, (district, commune, village, carriers, signal, status, point)) in
        zones.iter().enumerate()
    {
        let unit = store
            .unit_by_code(district)
            .await?
            .with_context(|| format!("district {district}"))?;
        let reporter = actor(store, &format!("phong_{district}")).await?;
        let opened = day - Duration::days(75 - i as i64);
        let id = store
            .report_zone(
                &reporter,
                &NewZone {
                    district_id: unit.id,
                    commune: commune.to_string(),
                    village: village.map(str::to_string),
                    point: *point,
                    carriers: carriers.to_vec(),
                    signal: *signal,
                    note: Some(
                        "Học sinh phải ra đồi hoặc ra trung tâm xã mới học trực tuyến được".into(),
                    ),
                    opened_on: opened,
                },
            )
            .await?;
        let steps = [
            (
                ZoneStatus::SentToCarrier,
                10,
                "Công văn số 312/STTTT-BCVT gửi các nhà mạng",
            ),
            (
                ZoneStatus::CarrierAnswered,
                30,
                "Nhà mạng khảo sát, dự kiến lắp trạm BTS trong quý",
            ),
            (
                ZoneStatus::Covered,
                60,
                "Đã phát sóng trạm BTS mới; học sinh học trực tuyến được",
            ),
        ];
        for (to, after, note) in steps {
            if to > *status {
                break;
            }
            store
                .advance_zone(&so_tttt, id, to, opened + Duration::days(after), Some(note))
                .await?;
        }
    }

    // The tablets' SIMs: each recorded with its package, two left for the schools.
    let province = store.unit_by_code("67").await?.context("the province")?;
    let pending = store.sims_to_record(&province.scope()).await?;
    let mut sims = 0;
    for (i, s) in pending.iter().enumerate() {
        if i >= pending.len().saturating_sub(2) {
            break;
        }
        let school = store
            .student(s.student_id)
            .await?
            .context("a student with a SIM")?
            .0
            .school_id;
        let school_code = store
            .unit_by_id(school)
            .await?
            .context("the student's school")?
            .code;
        let recorder = actor(store, &format!("truong_{school_code}"))
            .await
            .or_else(|_| Ok::<_, anyhow::Error>(so_gddt.clone()))?;
        store
            .record_sim(
                &recorder,
                &NewSim {
                    student_id: s.student_id,
                    carrier: Carrier::parse(s.carrier.as_deref().unwrap_or("Viettel"))
                        .unwrap_or(Carrier::Viettel),
                    package: if i % 3 == 0 { "EDU70" } else { "ST70K" }.into(),
                    phone: s.phone.clone(),
                    starts_on: day - Duration::days(14),
                    ends_on: Some(day + Duration::days(351)),
                },
            )
            .await?;
        sims += 1;
    }

    // Platforms: two recommended by the Sở's decision, one listed only.
    for (name, url, provider, purpose, recommended) in [
        (
            "OLM",
            "https://olm.vn",
            "Công ty Cổ phần Công nghệ Giáo dục Thành Phát",
            "Học, làm bài tập và kiểm tra trực tuyến theo chương trình phổ thông",
            true,
        ),
        (
            "VNEdu LMS",
            "https://lms.vnedu.vn",
            "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)",
            "Lớp học trực tuyến, giao bài và chấm bài của giáo viên",
            true,
        ),
        (
            "K12Online",
            "https://k12online.vn",
            "Tổng Công ty Công nghiệp Công nghệ cao Viettel",
            "Dạy học trực tuyến, kho học liệu số",
            false,
        ),
    ] {
        store
            .save_platform(
                &so_gddt,
                &Platform {
                    id: None,
                    name: name.into(),
                    url: url.into(),
                    provider: provider.into(),
                    purpose: purpose.into(),
                    recommended,
                    decision_no: recommended.then(|| "1856/QĐ-SGDĐT".to_string()),
                    decision_date: recommended.then(|| day - Duration::days(100)),
                },
            )
            .await?;
    }
    Ok(Seeded {
        without_internet: without,
        zones: zones.len(),
        sims,
    })
}
