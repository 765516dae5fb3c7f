//! Biên bản bàn giao: the minutes of a handover down the chain (the Board to a district
//! office, an office to a school, a school to a student) or of a return, in the layout of
//! the receipt minutes (Nghị định 30/2020/NĐ-CP): both parties, the devices with their
//! serials, what arrived missing or extra, the SIM that goes with a student's device, and
//! the signature blocks, the receiving side's drawn signature printed in its block.

use crate::layout::{Align, Column, Layout, Style, leading, mm};
use crate::receipt::{Letterhead, Party, date_in_words, heading, party, signatures};
use time::Date;

/// One device on the minutes.
#[derive(Debug, Clone)]
pub struct HandoverLine {
    /// "Máy tính bảng Samsung Galaxy Tab A8"
    pub description: String,
    pub serial: String,
    pub imei: Option<String>,
    /// "Đã nhận", "Thiếu khi nhận", "Chờ bên nhận xác nhận"
    pub status: String,
}

/// A signature drawn on a pad, as its strokes.
#[derive(Debug, Clone)]
pub struct PenSignature {
    pub width: f32,
    pub height: f32,
    pub strokes: Vec<Vec<(f32, f32)>>,
}

#[derive(Debug, Clone)]
pub struct HandoverMinutes {
    pub letterhead: Letterhead,
    /// "3/BBBG-BĐP"
    pub number: String,
    pub date: Date,
    /// Where the devices were handed over.
    pub place: String,
    /// "Về việc …"
    pub subject: String,
    /// The programme's name.
    pub programme: String,
    pub giver: Party,
    pub receiver: Party,
    /// For a student's handover: "Học sinh: … lớp … (mã …)" and the guardian's relation.
    pub student: Option<String>,
    pub lines: Vec<HandoverLine>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// "Viettel, số thuê bao •••••••678"
    pub sim: Option<String>,
    /// A return's reason.
    pub reason: Option<String>,
    /// Not yet signed by the receiving side: the paper that travels with the boxes.
    pub unsigned: bool,
    /// The receiving side's signature as drawn, or a note that a signed scan is kept.
    pub signature: Option<PenSignature>,
    pub scan_kept: bool,
    /// The frozen text's SHA-256 and the template version, printed at the foot.
    pub seal: Option<(String, String)>,
}

const BODY: f32 = 13.0;
const TABLE: f32 = 11.0;

/// The minutes as PDF bytes, ready to print on A4.
pub fn handover_minutes(m: &HandoverMinutes) -> Vec<u8> {
    let mut l = Layout::new();
    heading(&mut l, &m.letterhead, &m.number, m.date);
    l.space(16.0);
    l.paragraph("BIÊN BẢN", Style::Bold, 14.0, Align::Center, 0.0);
    l.paragraph(
        &format!("Về việc {} {}", m.subject, m.programme),
        Style::Bold,
        14.0,
        Align::Center,
        0.0,
    );
    l.space(10.0);
    l.paragraph(
        &format!(
            "Hôm nay, {}, tại {}, chúng tôi gồm:",
            date_in_words(m.date),
            m.place
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    party(&mut l, "I. BÊN GIAO:", &m.giver);
    party(&mut l, "II. BÊN NHẬN:", &m.receiver);
    if let Some(s) = &m.student {
        l.labelled(
            "- Học sinh:",
            Style::Regular,
            s,
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    l.space(3.0);
    let n = m.lines.len();
    l.paragraph(
        &format!(
            "Hai bên thống nhất {} {n} thiết bị như sau:",
            if m.reason.is_some() {
                "thu hồi"
            } else {
                "bàn giao và tiếp nhận"
            }
        ),
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(4.0);
    let columns = [
        ("TT", 5.0, Align::Center),
        ("Tên thiết bị, mẫu máy", 34.0, Align::Left),
        ("Số sê-ri", 20.0, Align::Left),
        ("IMEI", 21.0, Align::Left),
        ("Tình trạng", 20.0, Align::Center),
    ]
    .map(|(h, w, a)| Column {
        width: w,
        header: h.to_string(),
        align: a,
    });
    let rows: Vec<Vec<String>> = m
        .lines
        .iter()
        .enumerate()
        .map(|(i, d)| {
            vec![
                (i + 1).to_string(),
                d.description.clone(),
                d.serial.clone(),
                d.imei.clone().unwrap_or_default(),
                d.status.clone(),
            ]
        })
        .collect();
    l.table(&columns, &rows, TABLE);
    l.space(6.0);
    if !m.missing.is_empty() {
        l.labelled(
            &format!("Thiếu khi nhận ({}):", m.missing.len()),
            Style::Bold,
            &format!(
                "{}. Bên giao giữ lại và bàn giao bổ sung bằng biên bản khác.",
                m.missing.join(", ")
            ),
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    if !m.extra.is_empty() {
        l.labelled(
            &format!("Thừa, không có trong biên bản ({}):", m.extra.len()),
            Style::Bold,
            &format!(
                "{}. Bên nhận báo lại Ban điều phối, không nhập vào sổ của đơn vị.",
                m.extra.join(", ")
            ),
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    if let Some(sim) = &m.sim {
        l.labelled(
            "Kèm theo SIM:",
            Style::Regular,
            sim,
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    if let Some(reason) = &m.reason {
        l.labelled(
            "Lý do thu hồi:",
            Style::Bold,
            reason,
            Style::Regular,
            BODY,
            mm(10.0),
        );
    }
    let duty = if m.reason.is_some() {
        "Thiết bị thu hồi được nhà trường bảo quản và bàn giao lại cho Ban điều phối để điều phối cho học sinh khác theo quy định của Chương trình."
    } else if m.student.is_some() {
        "Gia đình học sinh có trách nhiệm giữ gìn, sử dụng thiết bị đúng mục đích học tập; không cho, bán, cầm cố. Khi thiết bị hỏng, báo nhà trường để được bảo hành."
    } else {
        "Bên nhận có trách nhiệm quản lý thiết bị và bàn giao đến đúng đối tượng thụ hưởng theo quyết định phân bổ của Ban điều phối."
    };
    l.paragraph(duty, Style::Regular, BODY, Align::Justify, mm(10.0));
    if m.unsigned {
        l.paragraph(
            "Bên nhận kiểm đếm, quét số sê-ri từng thiết bị khi nhận và ký xác nhận trên hệ thống; thiết bị thiếu hoặc thừa được ghi vào biên bản khi ký.",
            Style::Italic,
            BODY,
            Align::Justify,
            mm(10.0),
        );
    }
    // The closing sentence and the signatures stay on one page.
    l.ensure(leading(BODY) * 9.0 + 10.0);
    l.paragraph(
        "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, mỗi bên giữ 01 bản./.",
        Style::Regular,
        BODY,
        Align::Justify,
        mm(10.0),
    );
    l.space(10.0);
    let top = l.y;
    signatures(
        &mut l,
        ("ĐẠI DIỆN BÊN GIAO", &m.giver.representative),
        (
            if m.student.is_some() && m.reason.is_none() {
                "NGƯỜI NHẬN"
            } else {
                "ĐẠI DIỆN BÊN NHẬN"
            },
            &m.receiver.representative,
        ),
    );
    if let Some(sig) = &m.signature {
        let lead = leading(BODY);
        let mid = (l.left + l.right) / 2.0;
        l.drawing(
            mid + 20.0,
            top + 2.0 * lead,
            (l.right - mid) - 40.0,
            4.0 * lead,
            sig.width,
            sig.height,
            &sig.strokes,
        );
    } else if m.scan_kept {
        l.paragraph(
            "(Bản ký của bên nhận được lưu dạng bản quét trên hệ thống.)",
            Style::Italic,
            11.0,
            Align::Center,
            0.0,
        );
    }
    if let Some((sha, template)) = &m.seal {
        l.space(12.0);
        l.paragraph(
            &format!("Mã kiểm tra nội dung (SHA-256): {sha} · mẫu {template}"),
            Style::Italic,
            9.0,
            Align::Left,
            0.0,
        );
    }
    l.finish(&format!("Biên bản bàn giao số {}", m.number))
}
