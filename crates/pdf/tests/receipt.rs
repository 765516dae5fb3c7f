//! The receipt minutes as a person reads and prints them: the text extracted by poppler's
//! `pdftotext` (installed by `.ci/run`) must give back every Vietnamese letter.

use domain::money::Dong;
use songmaytinh_pdf::{
    Letterhead, Party, ReceiptLine, ReceiptMinutes, VIETNAMESE_LETTERS, receipt_minutes,
};
use std::io::Write;
use std::process::Command;
use time::macros::date;

fn minutes(devices: usize) -> ReceiptMinutes {
    ReceiptMinutes {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        number: "12/BB-BTNĐP".into(),
        date: date!(2022 - 03 - 05),
        place: "Sở Giáo dục và Đào tạo tỉnh Đắk Nông, số 1 đường 23/3, phường Nghĩa Trung, thành phố Gia Nghĩa".into(),
        programme: "Chương trình \"Sóng và máy tính cho em\"".into(),
        giver: Party {
            name: "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông".into(),
            representative: "Nguyễn Thị Hồng Nhung".into(),
            position: Some("Phó Giám đốc".into()),
            address: Some("Thôn Đức Ái, xã Đức Mạnh, huyện Đắk Mil".into()),
            phone: Some("0261 3544 123".into()),
            tax_code: Some("6400123456".into()),
        },
        receiver: Party {
            name: "Ban Tiếp nhận, điều phối máy tính".into(),
            representative: "Trần Văn Bình".into(),
            position: Some("Phó Trưởng ban".into()),
            ..Party::default()
        },
        lines: vec![
            ReceiptLine {
                description: "Máy tính bảng Samsung Galaxy Tab A8 LTE".into(),
                quantity: devices as u32,
                condition: "Mới".into(),
                unit_value: Dong(4_990_000),
                serials: (0..devices)
                    .map(|i| (format!("R9AT{i:06}"), Some("356938035643809".into())))
                    .collect(),
            },
            ReceiptLine {
                description: "Máy tính xách tay Lenovo IdeaPad 3 15ITL6".into(),
                quantity: 1,
                condition: "Đã qua sử dụng".into(),
                unit_value: Dong(8_500_000),
                serials: vec![("PF3ABCDE".into(), None)],
            },
        ],
        note: Some(format!("Kiểm tra bảng chữ: {VIETNAMESE_LETTERS}")),
    }
}

fn pdftotext(pdf: &[u8], layout: bool) -> String {
    let dir = std::env::temp_dir().join(format!("smt-pdf-{}-{layout}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bien_ban.pdf");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(pdf)
        .unwrap();
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect(
            "pdftotext (Debian package poppler-utils) is needed by this test; .ci/run installs it",
        );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_vietnamese_letter_comes_back_from_the_pdf() {
    let pdf = receipt_minutes(&minutes(3));
    assert!(pdf.starts_with(b"%PDF-"));
    let text = squeeze(&pdftotext(&pdf, false));
    for expected in [
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK NÔNG",
        "BAN TIẾP NHẬN, ĐIỀU PHỐI MÁY TÍNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BB-BTNĐP",
        "Đắk Nông, ngày 05 tháng 3 năm 2022",
        "BIÊN BẢN",
        "Về việc tiếp nhận thiết bị ủng hộ Chương trình \"Sóng và máy tính cho em\"",
        "I. BÊN GIAO (bên ủng hộ): Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông",
        "- Đại diện: Nguyễn Thị Hồng Nhung",
        "II. BÊN NHẬN: Ban Tiếp nhận, điều phối máy tính",
        "Máy tính bảng Samsung Galaxy Tab A8 LTE",
        "Đã qua sử dụng",
        "4.990.000",
        "23.470.000",
        "Tổng giá trị (bằng chữ): Hai mươi ba triệu bốn trăm bảy mươi nghìn đồng.",
        "ĐẠI DIỆN BÊN GIAO",
        "ĐẠI DIỆN BÊN NHẬN",
        "(Ký, ghi rõ họ tên)",
        "PHỤ LỤC",
        "(Kèm theo Biên bản số 12/BB-BTNĐP ngày 05 tháng 3 năm 2022)",
        "R9AT000002",
        "356938035643809",
        "PF3ABCDE",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let letters = text
        .split("Kiểm tra bảng chữ: ")
        .nth(1)
        .expect("the note is printed");
    let printed: String = letters
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(VIETNAMESE_LETTERS.chars().count())
        .collect();
    assert_eq!(printed, VIETNAMESE_LETTERS);
}

#[test]
fn the_page_reads_as_the_official_form() {
    let pdf = receipt_minutes(&minutes(3));
    // To look at the page: SMT_PDF_DUMP=/tmp cargo test -p songmaytinh-pdf, then pdftoppm.
    if let Ok(dir) = std::env::var("SMT_PDF_DUMP") {
        std::fs::write(
            std::path::Path::new(&dir).join("bien_ban_tiep_nhan.pdf"),
            &pdf,
        )
        .unwrap();
    }
    insta::assert_snapshot!(pdftotext(&pdf, true));
}

#[test]
fn a_long_list_of_serials_breaks_pages_and_numbers_them() {
    let pdf = receipt_minutes(&minutes(400));
    let text = pdftotext(&pdf, false);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 10, "{} pages", pages.len());
    // Every serial once; the header row repeats on each page of the appendix.
    for i in [0, 199, 399] {
        assert_eq!(text.matches(&format!("R9AT{i:06}")).count(), 1);
    }
    let appendix = pages.iter().filter(|p| p.contains("R9AT")).count();
    assert_eq!(
        text.matches("Số sê-ri").count(),
        appendix + 1,
        "the header on each appendix page, and the sentence in the minutes"
    );
    assert!(
        pages[1].trim_start().starts_with('2'),
        "page 2 numbered: {:?}",
        &pages[1][..40]
    );
}

#[test]
fn the_same_minutes_give_the_same_bytes() {
    assert_eq!(receipt_minutes(&minutes(5)), receipt_minutes(&minutes(5)));
}

/// The stocktake minutes read as the official form: the counts, the serials missing and
/// those found elsewhere, the signatures.
#[test]
fn the_stocktake_minutes_read_as_the_official_form() {
    use songmaytinh_pdf::{StocktakeMinutes, stocktake_minutes};
    let m = StocktakeMinutes {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        number: 7,
        date: time::macros::date!(2022 - 04 - 02),
        place: "Trường THCS Nguyễn Du".into(),
        counted_by: "Lê Minh Tuấn".into(),
        expected: 5,
        scanned: 4,
        matched: 3,
        missing: vec!["R9HT00004".into(), "R9HT00005".into()],
        unexpected: vec![("R9HT00099".into(), "Trong kho · Kho Ban điều phối".into())],
    };
    let pdf = stocktake_minutes(&m);
    assert_eq!(
        pdf,
        stocktake_minutes(&m),
        "the same minutes give the same bytes"
    );
    insta::assert_snapshot!(pdftotext(&pdf, true));
}

fn thanks() -> songmaytinh_pdf::Acknowledgement {
    songmaytinh_pdf::Acknowledgement {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        number: "SM7K3Q9XD/GXN".into(),
        date: date!(2026 - 09 - 04),
        programme: "Chương trình \"Sóng và máy tính cho em\"".into(),
        donor_name: "Công ty TNHH Cà phê Đức Lập".into(),
        donor_address: Some("Thị trấn Đức An, huyện Đắk Song".into()),
        amount: Dong(150_250_000),
        received_on: date!(2026 - 09 - 03),
        channel: "Chuyển trực tiếp cho Sở".into(),
        bank_ref: Some("FT26246123456".into()),
        pledge_code: "SM7K3Q9XD".into(),
        verification_code: "AB12-CD34-E".into(),
        portal: "https://maytinh.daknong.edu.vn/cong-khai".into(),
        signer_title: "TRƯỞNG BAN".into(),
        signer_name: "Trần Văn Bình".into(),
    }
}

/// The acknowledgement of a cash gift: its figures, its amount in words and its
/// verification code come back from the printed page.
#[test]
fn the_acknowledgement_reads_as_the_official_form() {
    let pdf = songmaytinh_pdf::acknowledgement(&thanks());
    let text = squeeze(&pdftotext(&pdf, false));
    for expected in [
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK NÔNG",
        "Số: SM7K3Q9XD/GXN",
        "Đắk Nông, ngày 04 tháng 9 năm 2026",
        "GIẤY XÁC NHẬN",
        "- Nhà tài trợ: Công ty TNHH Cà phê Đức Lập",
        "- Số tiền: 150.250.000 đ",
        "- Bằng chữ: Một trăm năm mươi triệu hai trăm năm mươi nghìn đồng.",
        "- Ngày nhận: 03/09/2026",
        "- Số tham chiếu giao dịch: FT26246123456",
        "Mã xác thực: AB12-CD34-E",
        "TRƯỞNG BAN",
        "Trần Văn Bình",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    insta::assert_snapshot!(pdftotext(&pdf, true));
}

fn acceptance() -> songmaytinh_pdf::AcceptanceMinutes {
    songmaytinh_pdf::AcceptanceMinutes {
        letterhead: Letterhead {
            parent_body: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            issuing_body: "Ban Tiếp nhận, điều phối máy tính".into(),
            place_name: "Đắk Nông".into(),
        },
        number: "NT-01/15/2026/HĐ-SGDĐT".into(),
        date: date!(2026 - 10 - 02),
        place: "Kho Ban Tiếp nhận, điều phối máy tính, phường Nghĩa Trung, thành phố Gia Nghĩa"
            .into(),
        contract_no: "15/2026/HĐ-SGDĐT".into(),
        contract_signed_on: date!(2026 - 09 - 01),
        package: "GT01-2026 – Mua sắm 2.000 máy tính bảng cho học sinh".into(),
        delivery_no: "GH-01".into(),
        delivered_on: date!(2026 - 09 - 30),
        supplier: Party {
            name: "Công ty Cổ phần Thiết bị Giáo dục Miền Núi".into(),
            representative: "Lê Quang Vinh".into(),
            position: Some("Giám đốc".into()),
            tax_code: Some("0101234567".into()),
            ..Party::default()
        },
        buyer: Party {
            name: "Sở Giáo dục và Đào tạo Đắk Nông".into(),
            representative: "Trần Văn Bình".into(),
            position: Some("Phó Giám đốc".into()),
            ..Party::default()
        },
        members: "Ông Trần Văn Bình – Phó Giám đốc, Chủ tịch hội đồng; Bà Phạm Thị Thu – Kế toán"
            .into(),
        goods: "Máy tính bảng Samsung Galaxy Tab A8".into(),
        delivered: 1_200,
        accepted: 1_198,
        unit_price: Dong(3_800_000),
        serials: (
            1_198,
            Some("R9TGA000001".into()),
            Some("R9TGA001198".into()),
        ),
        warranty_months: 24,
        recovery: Dong(2_280_000_000),
    }
}

/// The acceptance minutes of a delivery: its contract, the goods accepted, their value in
/// figures and words, the advance set off, the conclusion.
#[test]
fn the_acceptance_minutes_read_as_the_official_form() {
    let pdf = songmaytinh_pdf::acceptance_minutes(&acceptance());
    assert_eq!(pdf, songmaytinh_pdf::acceptance_minutes(&acceptance()));
    let text = squeeze(&pdftotext(&pdf, false));
    for expected in [
        "Số: NT-01/15/2026/HĐ-SGDĐT",
        "BIÊN BẢN NGHIỆM THU",
        "Hợp đồng số 15/2026/HĐ-SGDĐT ký ngày 01/09/2026",
        "4.552.400.000",
        "Bốn tỷ năm trăm năm mươi hai triệu bốn trăm nghìn đồng.",
        "từ R9TGA000001 đến R9TGA001198",
        "đồng ý nghiệm thu 1.198 chiếc, 2 chiếc không đạt được trả lại bên giao",
        "Thu hồi tạm ứng: 2.280.000.000 đ",
        "ĐẠI DIỆN BÊN GIAO",
        "Lê Quang Vinh",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    insta::assert_snapshot!(pdftotext(&pdf, true));
}
