//! The progress report as an official reads it (poppler's `pdftotext -layout`): the
//! heading, both tables with their totals, devices, money, packages and donors, the
//! signatures and the checkpoint; pinned as a snapshot. The same report gives the same
//! bytes.

use domain::money::Dong;
use domain::reports::figures::*;
use domain::reports::{Funnel, Period};
use songmaytinh_pdf::{Letterhead, ReportPaper, progress_report};
use std::io::Write;
use std::process::Command;
use time::macros::date;

fn funnel(v: [i64; 5]) -> Funnel {
    Funnel(v)
}

fn report() -> ProgressReport {
    let tiers = vec![
        TierHead {
            rank: 1,
            code: "i".into(),
            label: "Học sinh thuộc hộ nghèo".into(),
            label_en: None,
        },
        TierHead {
            rank: 2,
            code: "ii".into(),
            label: "Học sinh thuộc hộ cận nghèo".into(),
            label_en: None,
        },
    ];
    let rows = vec![
        ReportRow {
            unit_id: 3,
            code: "661".into(),
            name: "Huyện Đắk Glong".into(),
            direct: false,
            by_tier: vec![funnel([600, 500, 90, 60, 30]), funnel([422, 319, 3, 2, 3])],
            total: funnel([1022, 819, 93, 62, 33]),
        },
        ReportRow {
            unit_id: 81,
            code: "67-SGDDT".into(),
            name: "Sở Giáo dục và Đào tạo tỉnh Đắk Nông".into(),
            direct: true,
            by_tier: vec![funnel([200, 100, 0, 0, 0]), funnel([196, 24, 0, 0, 0])],
            total: funnel([396, 124, 0, 0, 0]),
        },
    ];
    ProgressReport {
        unit_id: 1,
        unit_code: "67".into(),
        unit_name: "Tỉnh Đắk Nông".into(),
        whole_province: true,
        program_id: 1,
        program_name: "Chương trình “Sóng và máy tính cho em” tỉnh Đắk Nông 2022–2023".into(),
        period: Period::new(Some(date!(2022 - 01 - 01)), Some(date!(2022 - 12 - 31))).unwrap(),
        tiers,
        by_tier: vec![funnel([800, 600, 90, 60, 30]), funnel([618, 343, 3, 2, 3])],
        total: funnel([1418, 943, 93, 62, 33]),
        rows,
        devices: DeviceFigures {
            received_donated: 37,
            received_bought: 2000,
            in_stock: 1800,
            allocated: 93,
            with_unit: 10,
            with_school: 21,
            with_student: 62,
            ..Default::default()
        },
        money: Some(MoneyFigures {
            raised: Dong(1_770_550_000),
            budget: Dong(8_000_000_000),
            spent: Dong(7_580_000_000),
            held: Dong(2_173_550_000),
            held_by_mttq: Dong(17_000_000),
            contracted: Dong(10_415_000_000),
            contracts: 2,
            committed_now: Dong(2_835_000_000),
            in_kind_receipts: 3,
            in_kind_devices: 37,
            in_kind_value: Dong(176_700_000),
        }),
        packages: vec![PackageLine {
            id: 1,
            code: "GT01-2026".into(),
            name: "Mua sắm 2.000 máy tính bảng".into(),
            stage: domain::procurement::Stage::Completed,
            quantity: 2000,
            estimate: Dong(7_600_000_000),
            supplier: Some("Công ty Cổ phần Thiết bị Giáo dục Miền Núi".into()),
            contract_value: Some(Dong(7_580_000_000)),
            delivered: 2000,
            paid: Dong(7_580_000_000),
        }],
        donors: vec![DonorLine {
            id: 4,
            name: "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông".into(),
            publish_name: true,
            cash: Dong(500_000_000),
            in_kind_value: Dong(166_700_000),
            devices: 32,
        }],
    }
}

fn paper() -> ReportPaper {
    ReportPaper {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        date: date!(2023 - 01 - 05),
        period: "từ 01/01/2022 đến 31/12/2022".into(),
        made_at: "05/01/2023 09:30".into(),
        made_by: "Trần Thị Thu Hà".into(),
        checkpoint: Some(
            "songmaytinh/audit-log\n6766\najKbTgnb8su3TWGkjNBjuSDEane+fTCr0kFoBF5KEU=\n\n— songmaytinh/audit-log x9iH3cfg\n".into(),
        ),
    }
}

fn text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("smt-report-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bao_cao.pdf");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(pdf)
        .unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed; .ci/run installs it");
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_reads_as_the_official_form() {
    let pdf = progress_report(&report(), &paper());
    assert_eq!(pdf, progress_report(&report(), &paper()), "deterministic");
    let t = text(&pdf);
    for want in [
        "BÁO CÁO",
        "5052/BGDĐT-CNTT",
        "Huyện Đắk Glong",
        "Các trường trực thuộc Sở",
        "1.418",
        "1.770.550.000 đồng",
        "GT01-2026",
        "Trần Thị Thu Hà",
        "ajKbTgnb8su3TWGkjNBjuSDEane+fTCr0kFoBF5KEU=",
    ] {
        assert!(t.contains(want), "{want}: {t}");
    }
    insta::assert_snapshot!(t);
}
