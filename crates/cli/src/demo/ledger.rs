//! The demo's books: the province's budget allocation into the Treasury account, cash gifts
//! to the Department's bank account and through the Fatherland Front (and the Front's
//! transfers), one gift recorded twice by mistake and reversed. The tablet contract's
//! entries are procurement's (`procurement.rs`).

use anyhow::Result;
use domain::donations::{Donor, DonorKind};
use domain::ledger::gifts::{Channel, NewGift};
use domain::ledger::{BANK, BUDGET, DONATIONS, NewEntry, Posting, Request, TREASURY};
use domain::money::Dong;
use store::{AuditActor, Store};
use time::Date;
use time::macros::date;

/// What the demo's books hold, for the closing message.
pub struct Seeded {
    pub entries: i64,
    pub gifts: usize,
    pub raised: Dong,
}

fn pair(debit: &str, credit: &str, amount: i64) -> Vec<Posting> {
    vec![
        Posting::debit(debit, Dong(amount)),
        Posting::credit(credit, Dong(amount)),
    ]
}

fn post(key: String, day: Date, memo: String, postings: Vec<Posting>) -> Request {
    Request::Post(NewEntry {
        key,
        date: day,
        memo,
        postings,
        source: None,
    })
}

/// Organisations and people who gave cash, as the statements name them.
const GIVERS: &[(&str, i64)] = &[
    (
        "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông",
        500_000_000,
    ),
    (
        "Ngân hàng TMCP Ngoại thương – Chi nhánh Đắk Nông",
        300_000_000,
    ),
    ("Công ty TNHH Cà phê Đức Lập", 150_000_000),
    ("Hội Doanh nhân trẻ tỉnh Đắk Nông", 120_000_000),
    ("Công ty Điện lực Đắk Nông", 100_000_000),
    ("Tập đoàn Cao su Đắk Nông", 80_000_000),
    ("Hợp tác xã Nông nghiệp Quảng Sơn", 25_000_000),
    ("Trường THPT Chu Văn An – Công đoàn", 12_500_000),
    ("Chi đoàn Sở Giáo dục và Đào tạo", 8_000_000),
    ("Nguyễn Thị Hồng Nhung", 5_000_000),
    ("Trần Quốc Bảo", 3_000_000),
    ("Lê Minh Tâm", 2_000_000),
    ("Phạm Thị Thu Hà", 1_500_000),
    ("Võ Văn Kiệt", 1_000_000),
    ("Đặng Thị Mai", 1_000_000),
    ("Hoàng Văn Nam", 500_000),
    ("Bùi Thị Lan", 500_000),
    ("Đỗ Quang Vinh", 300_000),
    ("Nhà hảo tâm giấu tên", 200_000),
    ("Ngô Thị Thanh", 200_000),
    ("Y Sơn Niê", 150_000),
    ("H'Hen Niê", 100_000),
    ("Lương Văn Tùng", 100_000),
    ("Nhóm cựu học sinh Gia Nghĩa 2010", 30_000_000),
    ("Công ty TNHH Xây dựng Tây Nguyên", 60_000_000),
    ("Hiệp hội Hồ tiêu Đắk Song", 20_000_000),
    ("Nguyễn Văn Hùng", 2_500_000),
    ("Trịnh Thị Ngọc", 1_200_000),
];

/// Gifts the Fatherland Front received for the program.
const THROUGH_MTTQ: &[(&str, i64)] = &[
    ("Ban Công tác Mặt trận thôn 3, xã Đắk Ha", 18_000_000),
    ("Công ty CP Thủy điện Đắk R'Tih", 200_000_000),
    ("Hội Liên hiệp Phụ nữ tỉnh", 45_000_000),
    ("Hội Cựu chiến binh huyện Đắk Mil", 15_000_000),
    ("Giáo xứ Đức Mạnh", 22_000_000),
    ("Chùa Pháp Hoa, Gia Nghĩa", 35_000_000),
    ("Phan Văn Lực", 3_000_000),
    ("Nguyễn Thị Kim Oanh", 2_000_000),
    ("Hội Nông dân huyện Cư Jút", 12_000_000),
    ("Đoàn Thanh niên Công an tỉnh", 9_600_000),
    ("Lê Thị Hoa", 1_000_000),
    ("Mạnh thường quân xã Nâm N'Jang", 4_400_000),
];

/// A donor for each giver: an organisation when the name says so, otherwise a person;
/// the demo's donors in kind are reused by name.
async fn donor_named(store: &Store, actor: &AuditActor, name: &str, publish: bool) -> Result<i64> {
    if let Some(d) = store
        .donors()
        .await?
        .into_iter()
        .find(|d| d.donor.name == name)
    {
        return Ok(d.id);
    }
    let organisation = [
        "Công ty",
        "Ngân hàng",
        "Hội",
        "Hợp tác xã",
        "Trường",
        "Chi đoàn",
        "Tập đoàn",
        "Nhóm",
        "Hiệp hội",
        "Ban",
        "Giáo xứ",
        "Chùa",
        "Đoàn",
        "Mạnh thường quân",
    ]
    .iter()
    .any(|p| name.starts_with(p));
    let donor = Donor {
        kind: if organisation {
            DonorKind::Organisation
        } else {
            DonorKind::Person
        },
        name: name.to_string(),
        contact_person: None,
        phone: None,
        email: None,
        address: None,
        tax_code: None,
        publish_name: publish,
        earmark: Default::default(),
    };
    Ok(store.save_donor(actor, None, &donor).await?)
}

/// The random bytes of a demo gift's two codes, the same on every fresh demo (so that the
/// sample statement in `data/samples/` names the demo's pledges).
fn demo_codes(label: &str) -> ([u8; 8], [u8; 8]) {
    let h = domain::digest::sha256_hex(format!("songmaytinh-demo-gift-{label}").as_bytes());
    let byte = |i: usize| u8::from_str_radix(&h[i * 2..i * 2 + 2], 16).unwrap_or(0);
    (
        std::array::from_fn(&byte),
        std::array::from_fn(|i| byte(8 + i)),
    )
}

pub async fn seed(store: &Store, actor: &AuditActor) -> Result<Seeded> {
    let mut reqs = vec![post(
        "demo-budget-2026".into(),
        date!(2026 - 08 - 03),
        "Kinh phí ngân sách tỉnh cho chương trình theo Quyết định số 1520/QĐ-UBND ngày 28/07/2026"
            .into(),
        pair(TREASURY, BUDGET, 8_000_000_000),
    )];
    let start = date!(2026 - 08 - 05);
    let mut raised = 8_000_000_000;
    let mut gifts = 0;
    // Gifts to the Department's account; the last four are pledges not yet paid. Every
    // seventh donor asked not to be named.
    for (i, (who, amount)) in GIVERS.iter().enumerate() {
        let publish = i % 7 != 3 && !who.starts_with("Nhà hảo tâm");
        let donor = donor_named(store, actor, who, publish).await?;
        let day = start + time::Duration::days((i as i64 * 3) % 70);
        let paid = i + 4 < GIVERS.len();
        let gift = NewGift {
            donor_id: donor,
            amount: Dong(*amount),
            channel: Channel::Direct,
            date: day,
            publish_name: publish,
            earmark: Default::default(),
            note: None,
        };
        let received = paid.then(|| {
            (
                day,
                Some(format!("FT26{:03}{:06}", 200 + i, 104_233 + i * 7_919)),
            )
        });
        store
            .record_gift_coded(
                actor,
                &gift,
                received,
                Some(demo_codes(&format!("direct-{i}"))),
            )
            .await?;
        gifts += 1;
        if paid {
            raised += amount;
        }
    }
    let mut mttq = 0;
    for (i, (who, amount)) in THROUGH_MTTQ.iter().enumerate() {
        let donor = donor_named(store, actor, who, true).await?;
        let day = start + time::Duration::days(2 + (i as i64 * 4) % 60);
        let gift = NewGift {
            donor_id: donor,
            amount: Dong(*amount),
            channel: Channel::Mttq,
            date: day,
            publish_name: true,
            earmark: Default::default(),
            note: None,
        };
        store
            .record_gift_coded(
                actor,
                &gift,
                Some((day, None)),
                Some(demo_codes(&format!("mttq-{i}"))),
            )
            .await?;
        gifts += 1;
        mttq += amount;
        raised += amount;
    }
    // The Front transfers what it received in two instalments; the rest is still with it.
    for (key, day, amount, bank_ref) in [
        (
            "demo-mttq-transfer-1",
            date!(2026 - 09 - 10),
            250_000_000,
            "MTTQ-UNC-0910",
        ),
        (
            "demo-mttq-transfer-2",
            date!(2026 - 10 - 15),
            mttq - 250_000_000 - 17_000_000,
            "MTTQ-UNC-1015",
        ),
    ] {
        store
            .mttq_transfer(actor, key, Dong(amount), day, Some(bank_ref.into()))
            .await?;
    }
    // One gift entered twice from the same bank line, and its reversal.
    reqs.push(post(
        "demo-gift-duplicate".into(),
        date!(2026 - 08 - 20),
        "Công ty Điện lực Đắk Nông ủng hộ chương trình Sóng và máy tính cho em".into(),
        pair(BANK, DONATIONS, 100_000_000),
    ));
    let mut out = store.ledger_post_all(actor, &reqs).await?;
    let duplicate = out.last().map(|o| o.entry).unwrap_or_default();
    let more = vec![Request::Reverse {
        key: "demo-reverse-duplicate".into(),
        date: date!(2026 - 08 - 22),
        reason: "Ghi trùng cùng một giao dịch trên sao kê ngày 20/08/2026".into(),
        entry: duplicate,
    }];
    out.extend(store.ledger_post_all(actor, &more).await?);
    let _ = out;
    // September's statement of the Department's account, as the bank exported it: two
    // pledges matched by their code, one proposed by its amount, the rest for review.
    let bytes: &[u8] = include_bytes!("../../../../data/samples/sao-ke-vietcombank-2026-09.csv");
    let st = sheets::statements::read_statement(
        std::io::Cursor::new(bytes),
        &sheets::reader::Limits::default(),
    )
    .map_err(|e| anyhow::anyhow!("the demo's statement: {:?}", e.first()))?;
    store
        .import_statement(
            actor,
            &web::ledger::statements::input_of(&st, BANK, "sao-ke-vietcombank-2026-09.csv", bytes),
        )
        .await?;
    seed_campaigns(store, actor).await?;
    Ok(Seeded {
        entries: store.ledger_entry_count().await?,
        gifts,
        raised: Dong(raised),
    })
}

/// The drives behind the gifts: the Front's and the Department's of 2026 (their progress
/// is the gifts above), the Department's call for devices in March 2022 (the receipts in
/// kind), and its next drive, not yet begun.
async fn seed_campaigns(store: &Store, actor: &AuditActor) -> Result<()> {
    use domain::ledger::campaigns::{NewCampaign, Organiser, Target};
    for (name, organiser, target, starts_on, ends_on, note) in [
        (
            "Chung tay «Sóng và máy tính cho em» – Ủy ban MTTQ tỉnh vận động năm 2026",
            Organiser::Mttq,
            Target::Money(Dong(500_000_000)),
            date!(2026 - 08 - 01),
            date!(2026 - 11 - 30),
            "Theo Thư kêu gọi ngày 25/07/2026 của Ủy ban MTTQ Việt Nam tỉnh",
        ),
        (
            "Doanh nghiệp đồng hành cùng học sinh khó khăn – đợt 1 năm học 2026–2027",
            Organiser::SoGddt,
            Target::Money(Dong(1_500_000_000)),
            date!(2026 - 08 - 01),
            date!(2026 - 10 - 31),
            "Kế hoạch số 1789/KH-SGDĐT ngày 29/07/2026",
        ),
        (
            "Tiếp nhận máy tính, máy tính bảng cho học sinh học trực tuyến – tháng 3/2022",
            Organiser::SoGddt,
            Target::Devices(300),
            date!(2022 - 03 - 01),
            date!(2022 - 03 - 31),
            "Máy mới hoặc đã qua sử dụng, đạt cấu hình tối thiểu sau thẩm định",
        ),
        (
            "Doanh nghiệp đồng hành cùng học sinh khó khăn – đợt 2",
            Organiser::SoGddt,
            Target::Money(Dong(1_000_000_000)),
            date!(2027 - 01 - 04),
            date!(2027 - 03 - 31),
            "",
        ),
    ] {
        let c = NewCampaign {
            name: name.into(),
            organiser,
            target,
            starts_on,
            ends_on,
            note: Some(note.into()),
        };
        store.create_campaign(actor, &c).await?;
    }
    Ok(())
}
