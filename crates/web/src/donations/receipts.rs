//! Receipts in kind: recorded with their serials all or nothing, the printable receipt
//! minutes (biên bản tiếp nhận), and the documents kept with each receipt.

use super::donors::some;
use super::texts::{self, Layout};
use crate::devices::options::{ModelOption, model_options, parse_serial_lines};
use crate::error::{AppError, AppResult};
use crate::files::{
    Accept, DocumentLine, MAX_DOCUMENT_BYTES, document_lines, kept_file_type, send_document,
};
use crate::files::{TooLarge, read_file, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, num, redirect_with_flash, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::dates::{format_date, format_millis, today};
use domain::donations::{Condition, Donation, DonationItem, Signatory};
use domain::money::Dong;
use store::documents::DocumentOwner;
use store::donations::DonationOutcome;

/// Lines the receipt form offers at most (a receipt may hold more through the CLI).
const MAX_FORM_LINES: usize = 30;

// ---------------------------------------------------------------- donations

pub struct DonationLine {
    pub id: i64,
    pub minutes_no: String,
    pub received_on: String,
    pub donor: String,
    pub devices: String,
    pub value: String,
}

pub(super) fn line_of(d: &store::donations::DonationSummary) -> DonationLine {
    DonationLine {
        id: d.id,
        minutes_no: d.minutes_no.clone(),
        received_on: format_date(d.received_on),
        donor: d.donor_name.clone(),
        devices: num(d.devices),
        value: d.total_value.to_string(),
    }
}

#[derive(askama::Template)]
#[template(path = "donations/templates/index.html")]
struct DonationsPage {
    l: Layout,
    rows: Vec<DonationLine>,
    total_devices: String,
    total_value: String,
    can_edit: bool,
}

pub async fn donations(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let list = state.store.donations().await?;
    let total_devices: i64 = list.iter().map(|d| d.devices).sum();
    let total_value = Dong::sum(list.iter().map(|d| d.total_value)).unwrap_or(Dong::ZERO);
    Ok(render(DonationsPage {
        l: ctx.layout(texts::tr(ctx.lang).donations),
        rows: list.iter().map(line_of).collect(),
        total_devices: num(total_devices),
        total_value: total_value.to_string(),
        can_edit: actor.can(Action::ReceiveDevices),
    })
    .into_response())
}

/// One line of the receipt form, as typed.
#[derive(Clone, Default)]
pub struct ItemFields {
    pub model_id: String,
    pub condition: String,
    pub unit_value: String,
    /// How many devices the minutes record: the serials' count when they are typed,
    /// needed when they are scanned at intake.
    pub quantity: String,
    pub serials: String,
    /// Marks for the form after a refusal.
    pub model_bad: bool,
    pub value_bad: bool,
}

#[derive(Clone, Default)]
pub struct ReceiptFields {
    pub donor_id: String,
    pub minutes_no: String,
    pub received_on: String,
    pub place: String,
    pub donor_rep: String,
    pub donor_rep_position: String,
    pub board_rep: String,
    pub board_rep_position: String,
    pub note: String,
    pub items: Vec<ItemFields>,
}

/// Repeated fields (one per line of the receipt) keep their order: the form is read
/// as pairs rather than into a struct.
fn receipt_fields(body: &[u8]) -> ReceiptFields {
    let mut f = ReceiptFields::default();
    let mut items: Vec<ItemFields> = Vec::new();
    let cur = |items: &mut Vec<ItemFields>, k: &str| {
        // A field for line i: `model_id`, `condition`, `unit_value`, `serials` in order;
        // a new line starts at each `model_id`.
        if k == "model_id" || items.is_empty() {
            items.push(ItemFields::default());
        }
    };
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "donor_id" => f.donor_id = v,
            "minutes_no" => f.minutes_no = v,
            "received_on" => f.received_on = v,
            "place" => f.place = v,
            "donor_rep" => f.donor_rep = v,
            "donor_rep_position" => f.donor_rep_position = v,
            "board_rep" => f.board_rep = v,
            "board_rep_position" => f.board_rep_position = v,
            "note" => f.note = v,
            "model_id" | "condition" | "unit_value" | "quantity" | "serials" => {
                cur(&mut items, k.as_ref());
                let it = items.last_mut().expect("a line");
                match k.as_ref() {
                    "model_id" => it.model_id = v,
                    "condition" => it.condition = v,
                    "unit_value" => it.unit_value = v,
                    "quantity" => it.quantity = v,
                    _ => it.serials = v,
                }
            }
            _ => {}
        }
    }
    // Lines left entirely empty are not lines.
    items.retain(|i| {
        !(i.model_id.trim().is_empty()
            && i.serials.trim().is_empty()
            && i.quantity.trim().is_empty()
            && i.unit_value.trim().is_empty())
    });
    f.items = items;
    f
}

#[derive(askama::Template)]
#[template(path = "donations/templates/new.html")]
struct NewDonationPage {
    l: Layout,
    f: ReceiptFields,
    donors: Vec<(String, String)>,
    models: Vec<ModelOption>,
    error: Option<String>,
    bad: String,
    problems: Vec<String>,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    mut f: ReceiptFields,
    error: Option<(String, String)>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let donors = state
        .store
        .donors()
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.donor.name))
        .collect();
    let models = model_options(state, ctx.lang).await?;
    let status = if error.is_some() || !problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (bad, error) = error.map(|(f, m)| (f, Some(m))).unwrap_or_default();
    // Room for another line after those typed, and at least three.
    let blank = ItemFields {
        condition: "new".into(),
        ..ItemFields::default()
    };
    if f.items.len() < MAX_FORM_LINES {
        f.items.push(blank.clone());
    }
    while f.items.len() < 3 {
        f.items.push(blank.clone());
    }
    for (i, it) in f.items.iter_mut().enumerate() {
        it.model_bad |= bad == format!("model_id-{i}");
        it.value_bad |= bad == format!("unit_value-{i}");
    }
    Ok(with_status(
        status,
        render(NewDonationPage {
            l: ctx.layout(texts::tr(ctx.lang).donation_new),
            f,
            donors,
            models,
            error,
            bad,
            problems,
        })
        .into_response(),
    ))
}

pub async fn new_donation(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let f = ReceiptFields {
        received_on: format_date(today()),
        place: "Sở Giáo dục và Đào tạo".into(),
        ..ReceiptFields::default()
    };
    new_page(&state, &ctx, f, None, Vec::new()).await
}

pub async fn create_donation(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let f = receipt_fields(&body);
    // "Add lines": the form again with what was typed and more empty lines.
    if form_urlencoded::parse(&body).any(|(k, _)| k == "more_lines") {
        let mut f = f;
        let blank = ItemFields {
            condition: "new".into(),
            ..ItemFields::default()
        };
        for _ in 0..3 {
            if f.items.len() + 1 < MAX_FORM_LINES {
                f.items.push(blank.clone());
            }
        }
        let mut page = new_page(&state, &ctx, f, None, Vec::new()).await?;
        *page.status_mut() = StatusCode::OK;
        return Ok(page);
    }
    // Every problem of the form in one round: the fields, each line, the minutes' own
    // rules, and the serials against each other and the registry.
    let mut problems: Vec<(String, String)> = Vec::new();
    let line_msg = |line: usize, msg: &str| format!("{} {line}: {msg}", lang.pick("Dòng", "Line"));
    let donor_id = f.donor_id.trim().parse::<i64>().unwrap_or_else(|_| {
        problems.push((
            "donor_id".into(),
            lang.pick("Hãy chọn nhà tài trợ.", "Choose the donor.")
                .into(),
        ));
        0
    });
    let received_on = domain::dates::parse_date(&f.received_on).unwrap_or_else(|| {
        problems.push((
            "received_on".into(),
            lang.pick(
                "Ngày tiếp nhận cần có dạng dd/mm/yyyy.",
                "The date of receipt reads dd/mm/yyyy.",
            )
            .into(),
        ));
        today()
    });
    let mut items = Vec::new();
    for (i, it) in f.items.iter().enumerate() {
        let line = i + 1;
        let model_id = it.model_id.trim().parse::<i64>().ok();
        if model_id.is_none() {
            problems.push((
                format!("model_id-{i}"),
                line_msg(
                    line,
                    lang.pick("hãy chọn mẫu thiết bị.", "choose the device model."),
                ),
            ));
        }
        // The declared value is written on the minutes: never assumed.
        let unit_value = Dong::parse(&it.unit_value);
        if unit_value.is_none() {
            problems.push((
                format!("unit_value-{i}"),
                line_msg(
                    line,
                    lang.pick(
                        "nhập đơn giá khai báo bằng đồng, ví dụ 4.990.000 (0 nếu nhà tài trợ không khai báo).",
                        "enter the declared unit value in đồng, e.g. 4.990.000 (0 if the donor declares none).",
                    ),
                ),
            ));
        }
        let condition = Condition::parse(&it.condition);
        if condition.is_none() {
            problems.push((
                "items".into(),
                line_msg(
                    line,
                    lang.pick(
                        "hãy chọn tình trạng mới hoặc đã qua sử dụng.",
                        "choose new or used.",
                    ),
                ),
            ));
        }
        let serials = parse_serial_lines(&it.serials);
        let quantity = match (it.quantity.trim(), serials.len()) {
            ("", n) if n > 0 => Some(n as u32),
            (q, _) => q.replace('.', "").parse::<u32>().ok().filter(|q| *q > 0),
        };
        if quantity.is_none() {
            problems.push((
                format!("quantity-{i}"),
                line_msg(
                    line,
                    lang.pick(
                        "ghi số lượng thiết bị (hoặc các số sê-ri).",
                        "write how many devices (or their serials).",
                    ),
                ),
            ));
        }
        items.push(DonationItem {
            model_id: model_id.unwrap_or(0),
            quantity: quantity.unwrap_or(0),
            condition: condition.unwrap_or(Condition::New),
            unit_value: unit_value.unwrap_or(Dong::ZERO),
            serials,
        });
    }
    let d = Donation {
        donor_id,
        minutes_no: f.minutes_no.clone(),
        received_on,
        place: f.place.clone(),
        donor_rep: Signatory {
            name: f.donor_rep.clone(),
            position: some(&f.donor_rep_position),
        },
        board_rep: Signatory {
            name: f.board_rep.clone(),
            position: some(&f.board_rep_position),
        },
        note: some(&f.note),
        items,
    };
    if !problems.is_empty() {
        // The minutes' own rules (number, place, representatives) on what could be read.
        if let Err(e) = d.checked(today())
            && !matches!(e.field(), Some("items"))
        {
            problems.push((e.field().unwrap_or_default().to_string(), e.message(lang)));
        }
        for e in state.store.receipt_serial_problems(&d, lang).await? {
            problems.push(("items".into(), e.message));
        }
        let mut f = f;
        for (field, _) in &problems {
            let line = |prefix: &str| {
                field
                    .strip_prefix(prefix)
                    .and_then(|i| i.parse::<usize>().ok())
            };
            if let Some(it) = line("model_id-").and_then(|i| f.items.get_mut(i)) {
                it.model_bad = true;
            }
            if let Some(it) = line("unit_value-").and_then(|i| f.items.get_mut(i)) {
                it.value_bad = true;
            }
        }
        // The first problem marks its field and leads; the others follow in a list.
        let mut rest = problems.into_iter();
        let first = rest.next();
        return new_page(&state, &ctx, f, first, rest.map(|(_, m)| m).collect()).await;
    }
    match state.store.record_donation(&actor.audit(), &d, lang).await {
        Ok(DonationOutcome { id: Some(id), .. }) => Ok({
            state.forget_devices();
            redirect_with_flash(
                &format!("/donations/{id}"),
                "donation_saved",
                state.config.secure_cookies(),
            )
        }),
        Ok(out) => {
            let problems = out.errors.into_iter().map(|e| e.message).collect();
            new_page(&state, &ctx, f, None, problems).await
        }
        Err(store::StoreError::Domain(e)) => {
            let field = e.field().unwrap_or_default().to_string();
            new_page(&state, &ctx, f, Some((field, e.message(lang))), Vec::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ItemLine {
    pub line_no: i64,
    pub model_id: i64,
    pub description: String,
    pub quantity: String,
    pub condition: &'static str,
    pub unit_value: String,
    pub value: String,
    pub serials: Vec<(String, String)>,
    /// Fewer serials registered than the line records: the rest is scanned at intake.
    pub missing: bool,
}

#[derive(askama::Template)]
#[template(path = "donations/templates/show.html")]
struct DonationPage {
    l: Layout,
    id: i64,
    minutes_no: String,
    received_on: String,
    place: String,
    donor_id: i64,
    donor: String,
    donor_rep: String,
    board_rep: String,
    note: String,
    total: String,
    total_words: String,
    recorded: String,
    source: String,
    items: Vec<ItemLine>,
    documents: Vec<DocumentLine>,
    can_edit: bool,
    error: Option<String>,
}

async fn donation_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rec = state
        .store
        .donation(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let documents = document_lines(
        state.store.documents(DocumentOwner::Donation(id)).await?,
        lang,
    );
    let sig = |name: &str, pos: &Option<String>| match pos {
        Some(p) => format!("{name} ({p})"),
        None => name.to_string(),
    };
    let items = rec
        .items
        .iter()
        .map(|i| ItemLine {
            line_no: i.line_no,
            model_id: i.model_id,
            description: format!("{} {}", i.kind.label(lang), i.model_name),
            quantity: num(i.quantity),
            condition: i.condition.label(lang),
            unit_value: i.unit_value.to_string(),
            value: Dong(i.unit_value.0.saturating_mul(i.quantity)).to_string(),
            missing: (i.serials.len() as i64) < i.quantity,
            serials: i
                .serials
                .iter()
                .map(|(s, imei)| (s.clone(), imei.clone().unwrap_or_default()))
                .collect(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(with_status(
        status,
        render(DonationPage {
            l: ctx.layout(format!(
                "{} {}",
                texts::tr(ctx.lang).minutes_no,
                rec.minutes_no
            )),
            id,
            minutes_no: rec.minutes_no.clone(),
            received_on: format_date(rec.received_on),
            place: rec.place.clone(),
            donor_id: rec.donor_id,
            donor: rec.donor.name.clone(),
            donor_rep: sig(&rec.donor_rep_name, &rec.donor_rep_position),
            board_rep: sig(&rec.board_rep_name, &rec.board_rep_position),
            note: rec.note.clone().unwrap_or_default(),
            total: rec.total_value.to_string(),
            total_words: rec.total_value.in_words(),
            recorded: format!(
                "{} · {}",
                crate::views::person(&rec.recorded_by, lang),
                format_millis(rec.created_at)
            ),
            source: domain::devices::source_label(&rec.source(), lang),
            items,
            documents,
            can_edit: actor.can(Action::ReceiveDevices),
            error,
        })
        .into_response(),
    ))
}

pub async fn donation(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    donation_page(&state, &ctx, &actor, id, None).await
}

pub async fn minutes_pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = super::bien_ban::receipt_minutes_pdf(&state.store, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    crate::files::issued_pdf(&state, &actor, &p.issued, &p.file_name, p.bytes).await
}

pub async fn upload_document(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    if state.store.donation(id).await?.is_none() {
        return Err(AppError::not_found());
    }
    let file = read_file(&mut multipart, MAX_DOCUMENT_BYTES, "tai-lieu").await?;
    let (name, bytes) = match file {
        Err(TooLarge) => {
            let msg = format!(
                "{} {} MB.",
                lang.pick(
                    "Tệp lớn hơn giới hạn",
                    "The file is larger than the limit of"
                ),
                MAX_DOCUMENT_BYTES / 1024 / 1024
            );
            let page = donation_page(&state, &ctx, &actor, id, Some(msg)).await?;
            return Ok(with_status(StatusCode::PAYLOAD_TOO_LARGE, page));
        }
        Ok(None) => {
            let msg = lang
                .pick("Chưa chọn tệp.", "No file was chosen.")
                .to_string();
            return donation_page(&state, &ctx, &actor, id, Some(msg)).await;
        }
        Ok(Some(f)) => f,
    };
    let content_type = match kept_file_type(&bytes, Accept::Document) {
        Ok(t) => t,
        Err(found) => {
            let msg = format!(
                "{} ({found}).",
                lang.pick(
                    "Chỉ nhận tệp PDF, ảnh (JPEG, PNG, WebP), Word hoặc Excel",
                    "Only PDF, photos (JPEG, PNG, WebP), Word or Excel files are accepted"
                )
            );
            let page = donation_page(&state, &ctx, &actor, id, Some(msg)).await?;
            return Ok(with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, page));
        }
    };
    state
        .store
        .add_document(
            &actor.audit(),
            DocumentOwner::Donation(id),
            &name,
            content_type,
            bytes,
        )
        .await?;
    Ok(redirect_with_flash(
        &format!("/donations/{id}"),
        "document_saved",
        state.config.secure_cookies(),
    ))
}

pub async fn document(
    State(state): State<AppState>,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    send_document(&state, DocumentOwner::Donation(id), doc).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_paste_from_a_spreadsheet() {
        let s = parse_serial_lines("R9HT001\t490154203237518\n\n  R9HT002 \nR9HT003;  \n");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].imei.as_deref(), Some("490154203237518"));
        assert_eq!(
            (s[1].serial.as_str(), s[1].imei.as_deref()),
            ("R9HT002", None)
        );
        assert_eq!(s[2].imei, None);
    }

    #[test]
    fn repeated_fields_make_lines() {
        let f = receipt_fields(
            b"donor_id=1&model_id=3&condition=new&unit_value=1.000&serials=A%0AB&model_id=&condition=new&unit_value=&serials=&model_id=4&condition=used&unit_value=5&serials=C",
        );
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].serials, "A\nB");
        assert_eq!(
            (f.items[1].model_id.as_str(), f.items[1].condition.as_str()),
            ("4", "used")
        );
    }
}
