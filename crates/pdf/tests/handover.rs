//! The handover minutes as a person reads and prints them (text from poppler's
//! `pdftotext`): both parties, every serial, what arrived missing or extra, the guardian
//! for a student; the drawn signature printed in the receiver's block (the page has ink
//! there); the same minutes give the same bytes.

use songmaytinh_pdf::{
    HandoverLine, HandoverMinutes, Letterhead, Party, PenSignature, handover_minutes,
};
use std::io::Write;
use std::process::Command;
use time::macros::date;

fn minutes(devices: usize, signed: bool) -> HandoverMinutes {
    HandoverMinutes {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        number: "3/BBBG-BĐP".into(),
        date: date!(2022 - 09 - 05),
        place: "Phòng Giáo dục và Đào tạo huyện Đắk Glong".into(),
        subject: "bàn giao thiết bị học tập".into(),
        programme: "Chương trình \"Sóng và máy tính cho em\"".into(),
        giver: Party {
            name: "Ban Tiếp nhận, điều phối máy tính".into(),
            representative: "Nguyễn Văn An".into(),
            position: Some("Chuyên viên".into()),
            ..Party::default()
        },
        receiver: Party {
            name: "Phòng Giáo dục và Đào tạo huyện Đắk Glong".into(),
            representative: if signed {
                "Trần Thị Bình".into()
            } else {
                String::new()
            },
            position: Some("Phó Trưởng phòng".into()),
            ..Party::default()
        },
        student: None,
        lines: (0..devices)
            .map(|i| HandoverLine {
                description: "Máy tính xách tay Lenovo IdeaPad 3".into(),
                serial: format!("PF3LEN{i:04}"),
                imei: None,
                status: if i == 1 {
                    "Thiếu khi nhận".into()
                } else {
                    "Đã nhận".into()
                },
            })
            .collect(),
        missing: if devices > 1 {
            vec!["PF3LEN0001".into()]
        } else {
            vec![]
        },
        extra: vec!["XXLA0001".into()],
        sim: None,
        reason: None,
        unsigned: !signed,
        signature: signed.then(|| PenSignature {
            width: 320.0,
            height: 160.0,
            strokes: vec![
                vec![
                    (30.0, 110.0),
                    (60.0, 40.0),
                    (90.0, 120.0),
                    (120.0, 50.0),
                    (150.0, 115.0),
                ],
                vec![(170.0, 60.0), (280.0, 95.0)],
            ],
        }),
        scan_kept: false,
        seal: signed.then(|| ("ab".repeat(32), "bien-ban-ban-giao/1".to_string())),
    }
}

fn run(tool: &str, args: &[&str], pdf: &[u8], tag: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("smt-handover-pdf-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bien_ban.pdf");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(pdf)
        .unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|_| {
        panic!("{tool} (Debian package poppler-utils) is needed; .ci/run installs it")
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    out.stdout
}

fn text(pdf: &[u8], layout: bool) -> String {
    let args: &[&str] = if layout {
        &["-layout", "-enc", "UTF-8"]
    } else {
        &["-enc", "UTF-8"]
    };
    String::from_utf8(run("pdftotext", args, pdf, &format!("t{layout}"))).unwrap()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_minutes_name_both_sides_every_serial_and_what_was_missing() {
    let pdf = handover_minutes(&minutes(4, true));
    let t = squeeze(&text(&pdf, false));
    for expected in [
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK NÔNG",
        "Số: 3/BBBG-BĐP",
        "Đắk Nông, ngày 05 tháng 9 năm 2022",
        "Về việc bàn giao thiết bị học tập Chương trình \"Sóng và máy tính cho em\"",
        "I. BÊN GIAO: Ban Tiếp nhận, điều phối máy tính",
        "II. BÊN NHẬN: Phòng Giáo dục và Đào tạo huyện Đắk Glong",
        "Hai bên thống nhất bàn giao và tiếp nhận 4 thiết bị như sau:",
        "PF3LEN0000",
        "PF3LEN0003",
        "Thiếu khi nhận (1): PF3LEN0001.",
        "Thừa, không có trong biên bản (1): XXLA0001.",
        "ĐẠI DIỆN BÊN NHẬN",
        "Trần Thị Bình",
        "Mã kiểm tra nội dung (SHA-256):",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in:\n{t}");
    }
}

#[test]
fn the_page_reads_as_the_official_form() {
    let pdf = handover_minutes(&minutes(3, true));
    if let Ok(dir) = std::env::var("SMT_PDF_DUMP") {
        std::fs::write(
            std::path::Path::new(&dir).join("bien_ban_ban_giao.pdf"),
            &pdf,
        )
        .unwrap();
        std::fs::write(
            std::path::Path::new(&dir).join("bien_ban_ban_giao_500.pdf"),
            handover_minutes(&minutes(500, false)),
        )
        .unwrap();
    }
    insta::assert_snapshot!(text(&pdf, true));
}

/// The drawn signature is ink in the receiver's block: rendered at 30 dpi in grey, the
/// right half of the signature area has dark pixels when signed and none when not.
#[test]
fn the_drawn_signature_is_printed_in_the_receivers_block() {
    let ink = |signed: bool| -> usize {
        let pdf = handover_minutes(&minutes(1, signed));
        let pgm = run(
            "pdftoppm",
            &["-r", "30", "-gray", "-f", "1", "-l", "1"],
            &pdf,
            &format!("p{signed}"),
        );
        // P5 header: "P5\n<w> <h>\n255\n"
        let mut parts = pgm.splitn(4, |b| *b == b'\n');
        let _magic = parts.next();
        let dims = String::from_utf8(parts.next().unwrap().to_vec()).unwrap();
        let _max = parts.next();
        let data = parts.next().unwrap();
        let (w, h): (usize, usize) = {
            let mut it = dims.split_whitespace().map(|x| x.parse().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        };
        // The signature blocks sit in the lower part of the page; count dark pixels in the
        // right half, between the receiver's title and name (two thirds of the page down).
        let (x0, x1, y0, y1) = (w * 60 / 100, w * 90 / 100, h * 45 / 100, h * 85 / 100);
        let mut n = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                if data[y * w + x] < 100 {
                    n += 1;
                }
            }
        }
        n
    };
    let (with, without) = (ink(true), ink(false));
    assert!(with > without + 20, "signed {with} vs unsigned {without}");
}

#[test]
fn the_same_minutes_give_the_same_bytes_and_a_long_list_breaks_pages() {
    assert_eq!(
        handover_minutes(&minutes(5, true)),
        handover_minutes(&minutes(5, true))
    );
    let t = text(&handover_minutes(&minutes(500, false)), false);
    let pages = t.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages >= 10, "{pages} pages");
    for i in [0, 250, 499] {
        assert_eq!(
            t.matches(&format!("PF3LEN{i:04}")).count(),
            1 + (i == 1) as usize
        );
    }
}
