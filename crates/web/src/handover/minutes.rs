//! The printed minutes (biên bản bàn giao) of a handover: an unsigned set from the live
//! record (the paper that travels with the boxes), a signed set from the text frozen when
//! the receiving side signed, so that a later change of wording or of a name never changes
//! what was signed.

use domain::Lang;
use domain::devices::Holder;
use domain::handover::{HandoverStatus, Relation, Step};
use pdf::{HandoverLine, HandoverMinutes, Letterhead, Party, PenSignature};
use serde_json::Value;
use store::Store;
use store::handover::{Handover, Item, SignatureMeta};

use crate::views::board_letterhead;

const PROGRAMME: &str = "Chương trình \"Sóng và máy tính cho em\"";

/// "Huyện Đắk Glong" → "Đắk Glong".
fn district_place(name: &str) -> String {
    ["Huyện ", "Thành phố ", "Thị xã ", "Quận "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
        .to_string()
}

/// "Phòng Giáo dục và Đào tạo huyện Đắk Glong" → ("UBND huyện Đắk Glong", "Đắk Glong").
fn district_bodies(office: &str) -> Option<(String, String)> {
    let rest = office.strip_prefix("Phòng Giáo dục và Đào tạo ")?;
    let place = ["huyện ", "thành phố ", "thị xã ", "quận "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    Some((format!("UBND {rest}"), place.to_string()))
}

async fn letterhead(store: &Store, h: &Handover, province: &str) -> store::Result<Letterhead> {
    let unit = match h.giver {
        Holder::Board => None,
        _ => match h.giver_unit_id.or(Some(h.receiver_unit_id)) {
            Some(id) => store.unit_by_id(id).await?,
            None => None,
        },
    };
    let Some(unit) = unit.filter(|_| h.giver != Holder::Board) else {
        return Ok(board_letterhead(province));
    };
    Ok(match district_bodies(&h.giver_name) {
        Some((parent, place)) => Letterhead {
            parent_body: parent,
            issuing_body: unit.name.clone(),
            place_name: place,
        },
        None => {
            // A school: its district office above it, the district's name before the date.
            let parent = match unit.parent_id {
                Some(p) => store.unit_by_id(p).await?,
                None => None,
            };
            match parent {
                Some(p) if p.kind == domain::units::UnitKind::District => Letterhead {
                    parent_body: store::handover::office_name(&p.name, p.kind.code()),
                    issuing_body: unit.name.clone(),
                    place_name: district_place(&p.name),
                },
                _ => Letterhead {
                    parent_body: format!("Sở Giáo dục và Đào tạo {province}"),
                    issuing_body: unit.name.clone(),
                    place_name: province.to_string(),
                },
            }
        }
    })
}

fn item_status(status: &str) -> &'static str {
    match status {
        "received" => "Đã nhận",
        "missing" => "Thiếu khi nhận",
        "cancelled" => "Đã huỷ",
        _ => "Chờ xác nhận",
    }
}

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn strings(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn pen(strokes: Option<&str>) -> Option<PenSignature> {
    let s: domain::handover::signature::Strokes = serde_json::from_str(strokes?).ok()?;
    Some(PenSignature {
        width: s.w as f32,
        height: s.h as f32,
        strokes: s
            .strokes
            .iter()
            .map(|st| st.iter().map(|p| (p[0] as f32, p[1] as f32)).collect())
            .collect(),
    })
}

/// The minutes of a handover as printed.
pub async fn minutes(
    store: &Store,
    h: &Handover,
    items: &[Item],
    sig: Option<&SignatureMeta>,
) -> store::Result<HandoverMinutes> {
    let province = store.province_place_name().await?;
    let letterhead = letterhead(store, h, &province).await?;
    let date = domain::dates::local_date(h.confirmed_at.unwrap_or(h.created_at));
    let giver_person = store
        .user_by_username(&h.created_by)
        .await?
        .map(|u| u.full_name)
        .unwrap_or_default();
    let mut m = HandoverMinutes {
        place: if h.step == Step::ToUnit {
            h.receiver_name.clone()
        } else {
            letterhead.issuing_body.clone()
        },
        letterhead,
        number: h.number.clone(),
        date,
        subject: h.step.subject().to_string(),
        programme: PROGRAMME.to_string(),
        giver: Party {
            name: h.giver_name.clone(),
            representative: giver_person,
            ..Party::default()
        },
        receiver: Party {
            name: h.receiver_name.clone(),
            ..Party::default()
        },
        student: None,
        lines: items
            .iter()
            .map(|i| HandoverLine {
                description: i.description(Lang::Vi),
                serial: i.serial.clone(),
                imei: i.imei.clone(),
                status: item_status(&i.status).to_string(),
            })
            .collect(),
        missing: Vec::new(),
        extra: h.extra.clone(),
        sim: None,
        reason: h.reason.clone(),
        unsigned: h.status == HandoverStatus::Sent,
        signature: None,
        scan_kept: false,
        seal: None,
    };
    let Some(sig) = sig else {
        return Ok(m);
    };
    // Signed: what the frozen text says.
    let frozen: Value = serde_json::from_str(&sig.minutes_text).unwrap_or(Value::Null);
    m.giver.name = text(&frozen, "giver");
    m.giver.representative = text(&frozen, "giver_person");
    m.receiver.name = text(&frozen, "receiver");
    m.date = domain::dates::parse_date(&text(&frozen, "date")).unwrap_or(m.date);
    let signer = frozen.get("signer").cloned().unwrap_or(Value::Null);
    m.receiver.representative = text(&signer, "name");
    m.receiver.position = Some(text(&signer, "position")).filter(|p| !p.is_empty());
    let relation = signer
        .get("relation")
        .and_then(Value::as_str)
        .and_then(Relation::parse);
    if let Some(r) = relation {
        m.receiver.position = Some(format!("{} của học sinh", r.label(Lang::Vi)));
    }
    m.receiver.tax_code = Some(text(&signer, "id_number")).filter(|p| !p.is_empty());
    m.student = Some(text(&frozen, "student")).filter(|p| !p.is_empty());
    if m.student.is_some() && h.step == Step::ToStudent {
        m.receiver.name = m.receiver.representative.clone();
    }
    let received: Vec<HandoverLine> = frozen
        .get("received")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|d| HandoverLine {
                    description: text(d, "description"),
                    serial: text(d, "serial"),
                    imei: Some(text(d, "imei")).filter(|x| !x.is_empty()),
                    status: "Đã nhận".into(),
                })
                .collect()
        })
        .unwrap_or_default();
    m.missing = strings(&frozen, "missing");
    m.extra = strings(&frozen, "extra");
    let missing_lines = items
        .iter()
        .filter(|i| m.missing.contains(&i.serial))
        .map(|i| HandoverLine {
            description: i.description(Lang::Vi),
            serial: i.serial.clone(),
            imei: i.imei.clone(),
            status: "Thiếu khi nhận".into(),
        });
    m.lines = received.into_iter().chain(missing_lines).collect();
    m.sim = Some(text(&frozen, "sim")).filter(|s| !s.is_empty());
    m.reason = Some(text(&frozen, "reason")).filter(|s| !s.is_empty());
    m.signature = pen(sig.strokes.as_deref());
    m.scan_kept = sig.how == "scan";
    m.seal = Some((sig.minutes_sha256.clone(), sig.template_version.clone()));
    m.unsigned = false;
    Ok(m)
}

/// A file name for the minutes: `bien-ban-ban-giao-3-bbbg-bdp.pdf`.
pub fn file_name(h: &Handover) -> String {
    let kind = if h.step == Step::Return {
        "bien-ban-thu-hoi"
    } else {
        "bien-ban-ban-giao"
    };
    format!("{kind}-{}.pdf", text::fold::slug(&h.number))
}

/// The PDF of a set of minutes (the command line prints it), with its file name.
pub async fn minutes_pdf(store: &Store, id: i64) -> store::Result<Option<(String, Vec<u8>)>> {
    let Some(h) = store.handover(id).await? else {
        return Ok(None);
    };
    let items = store.handover_items(id).await?;
    let sig = store.handover_signature(id).await?;
    let m = minutes(store, &h, &items, sig.as_ref()).await?;
    Ok(Some((file_name(&h), pdf::handover_minutes(&m))))
}
