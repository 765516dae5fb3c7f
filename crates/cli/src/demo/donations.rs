//! The demo's gifts in kind: two donors (a company named in public, a person giving
//! anonymously for the poorest students of Đắk Mil) and two receipts, one awaiting its
//! appraisal, one whose model failed it.

use anyhow::Result;
use domain::Lang;
use domain::devices::appraisals::{Appraisal, Verdict};
use domain::donations::{
    Condition, Donation, DonationItem, Donor, DonorKind, Earmark, ItemSerial, Signatory,
};
use domain::money::Dong;
use store::{AuditActor, Store};

/// `good`: the model the contract delivered, which donors also give.
pub async fn seed(store: &Store, actor: &AuditActor, good: i64) -> Result<()> {
    let on = time::macros::date!(2022 - 03 - 10);
    let appraise = |model_id, source: Option<&str>, verdict, notes: &str| Appraisal {
        model_id,
        source: source.map(str::to_string),
        verdict,
        appraised_on: on,
        notes: Some(notes.to_string()),
    };
    let sttttt = AuditActor::system("demo-so-tttt");
    // Two donors: a company whose name may be published, and a person who gives
    // anonymously for the poorest students of Đắk Mil.
    let company = store
        .save_donor(
            actor,
            None,
            &Donor {
                kind: DonorKind::Organisation,
                name: "Công ty Cổ phần Viễn thông Hưng Thịnh Đắk Nông".into(),
                contact_person: Some("Nguyễn Thị Hồng Nhung".into()),
                phone: Some("0261 3544 123".into()),
                email: Some("lienhe@hungthinh.example.vn".into()),
                address: Some(
                    "Số 12 đường Lê Duẩn, phường Nghĩa Trung, thành phố Gia Nghĩa".into(),
                ),
                tax_code: Some("6400123456".into()),
                publish_name: true,
                earmark: Earmark::default(),
            },
        )
        .await?;
    let dak_mil = store.unit_by_code("663").await?.map(|u| u.id);
    let person = store
        .save_donor(
            actor,
            None,
            &Donor {
                kind: DonorKind::Person,
                name: "Lê Văn Phúc".into(),
                contact_person: None,
                phone: Some("0905 123 456".into()),
                email: None,
                address: Some("Thị trấn Đắk Mil, huyện Đắk Mil".into()),
                tax_code: None,
                publish_name: false,
                earmark: Earmark {
                    unit_id: dak_mil,
                    tier: Some(1),
                },
            },
        )
        .await?;
    let models = store.device_models().await?;
    let id_of = |name: &str| {
        models
            .iter()
            .find(|m| m.model.model == name)
            .map(|m| m.id)
            .unwrap_or(good)
    };
    let serials = |prefix: &str, n: usize| -> Vec<ItemSerial> {
        (0..n)
            .map(|i| ItemSerial {
                serial: format!("{prefix}{:05}", i + 1),
                imei: None,
            })
            .collect()
    };
    let board_rep = Signatory {
        name: "Trần Văn Bình".into(),
        position: Some("Phó Trưởng ban".into()),
    };
    let received = |no: &str, donor_id, d: time::Date, rep: Signatory, items| Donation {
        donor_id,
        minutes_no: no.into(),
        received_on: d,
        place: "Sở Giáo dục và Đào tạo tỉnh Đắk Nông, thành phố Gia Nghĩa".into(),
        donor_rep: rep,
        board_rep: board_rep.clone(),
        note: None,
        items,
    };
    store
        .record_donation(
            actor,
            &received(
                "01/BB-BTNĐP",
                company,
                time::macros::date!(2022 - 03 - 05),
                Signatory {
                    name: "Nguyễn Thị Hồng Nhung".into(),
                    position: Some("Phó Giám đốc".into()),
                },
                vec![
                    DonationItem {
                        model_id: good,
                        quantity: 10,
                        condition: Condition::New,
                        unit_value: Dong(4_990_000),
                        serials: serials("R9HT", 10),
                    },
                    DonationItem {
                        model_id: id_of("IdeaPad 3 14ITL6"),
                        quantity: 2,
                        condition: Condition::Used,
                        unit_value: Dong(8_500_000),
                        serials: serials("PF3HT", 2),
                    },
                ],
            ),
            Lang::Vi,
        )
        .await?;
    let weak = id_of("Galaxy Tab A7 Lite");
    store
        .record_donation(
            actor,
            &received(
                "02/BB-BTNĐP",
                person,
                time::macros::date!(2022 - 03 - 08),
                Signatory {
                    name: "Lê Văn Phúc".into(),
                    position: None,
                },
                vec![DonationItem {
                    model_id: weak,
                    quantity: 5,
                    condition: Condition::Used,
                    unit_value: Dong(2_000_000),
                    serials: serials("R8LP", 5),
                }],
            ),
            Lang::Vi,
        )
        .await?;
    // A receipt signed before its boxes were opened: 20 tablets whose serials are
    // scanned at intake (the intake page offers this line until all 20 are in).
    store
        .record_donation(
            actor,
            &received(
                "03/BB-BTNĐP",
                company,
                time::macros::date!(2022 - 03 - 15),
                Signatory {
                    name: "Nguyễn Thị Hồng Nhung".into(),
                    position: Some("Phó Giám đốc".into()),
                },
                vec![DonationItem {
                    model_id: good,
                    quantity: 20,
                    condition: Condition::New,
                    unit_value: Dong(4_990_000),
                    serials: Vec::new(),
                }],
            ),
            Lang::Vi,
        )
        .await?;
    store
        .appraise(
            &sttttt,
            &appraise(
                weak,
                None,
                Verdict::Fail,
                "RAM 2 GB, dưới mức tối thiểu của hồ sơ mẫu (3 GB).",
            ),
        )
        .await?;
    // The Board printed each receipt's minutes for signing: the archive holds them.
    for d in store.donations().await? {
        if let Some(p) = web::donations::bien_ban::receipt_minutes_pdf(store, d.id).await? {
            store
                .archive_print(actor, &p.issued, &p.file_name, &p.bytes)
                .await?;
        }
    }
    Ok(())
}
