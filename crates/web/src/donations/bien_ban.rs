//! The receipt minutes (biên bản tiếp nhận) of a donation, printed from the records. The
//! word `bien_ban` is kept for printed minutes; files kept with a record are documents.

use domain::Lang;
use pdf::{Party, ReceiptLine, ReceiptMinutes};
use store::Store;
use store::donations::DonationRecord;

use crate::views::{BOARD_NAME, board_letterhead};

/// The receipt minutes of a recorded donation.
pub fn receipt_minutes(rec: &DonationRecord, province: &str) -> ReceiptMinutes {
    ReceiptMinutes {
        letterhead: board_letterhead(province),
        number: rec.minutes_no.clone(),
        date: rec.received_on,
        place: rec.place.clone(),
        programme: "Chương trình \"Sóng và máy tính cho em\"".to_string(),
        giver: Party {
            name: rec.donor.name.clone(),
            representative: rec.donor_rep_name.clone(),
            position: rec.donor_rep_position.clone(),
            address: rec.donor.address.clone(),
            phone: rec.donor.phone.clone(),
            tax_code: rec.donor.tax_code.clone(),
        },
        receiver: Party {
            name: BOARD_NAME.to_string(),
            representative: rec.board_rep_name.clone(),
            position: rec.board_rep_position.clone(),
            ..Party::default()
        },
        lines: rec
            .items
            .iter()
            .map(|i| ReceiptLine {
                description: format!("{} {}", i.kind.label(Lang::Vi), i.model_name),
                quantity: i.quantity as u32,
                condition: i.condition.label(Lang::Vi).to_string(),
                unit_value: i.unit_value,
                serials: i.serials.clone(),
            })
            .collect(),
        note: rec.note.clone(),
    }
}

/// A file name for the minutes: `bien-ban-tiep-nhan-12-bb-btndp.pdf`.
pub fn receipt_file_name(minutes_no: &str) -> String {
    format!("bien-ban-tiep-nhan-{}.pdf", text::fold::slug(minutes_no))
}

/// The PDF of a donation's receipt minutes, if the donation exists.
/// A receipt's minutes as printed: the file's name, its bytes, and what the archive
/// records of it.
pub struct PrintedReceipt {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub issued: store::archive::Issued,
}

pub async fn receipt_minutes_pdf(store: &Store, id: i64) -> store::Result<Option<PrintedReceipt>> {
    let Some(rec) = store.donation(id).await? else {
        return Ok(None);
    };
    let province = store.province_place_name().await?;
    let bytes = pdf::receipt_minutes(&receipt_minutes(&rec, &province));
    Ok(Some(PrintedReceipt {
        file_name: receipt_file_name(&rec.minutes_no),
        bytes,
        issued: store::archive::Issued {
            kind: domain::archive::DocKind::Minutes,
            number: Some(rec.minutes_no.clone()),
            date: Some(rec.received_on),
            title: format!("Tiếp nhận thiết bị do {} tặng", rec.donor.name),
            link: format!("/donations/{id}/bien-ban.pdf"),
            units: [None, None],
        },
    }))
}
