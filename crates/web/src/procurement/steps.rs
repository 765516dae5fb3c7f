//! Procurement's forms: each step parsed, taken by the store, and answered with the
//! package's page again (the problem named next to its step, nothing written) or a
//! redirect to the step done.

use super::pages::{PackageForm, new_page, package_page, payments_page, thresholds_page};
use super::texts;
use crate::error::{AppError, AppResult};
use crate::extract::Form;
use crate::files::{Accept, TooLarge, kept_file_type, read_field};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use domain::DomainError;
use domain::dates::parse_date;
use domain::money::Dong;
use domain::procurement::{
    Funding, Method, NewBid, NewContract, NewInvoice, NewPackage, PaymentKind, ThresholdRule,
};
use serde::Deserialize;
use store::StoreError;
use store::procurement::Step;
use time::Date;

/// The largest document a step keeps.
const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The OCDS release package as the web serves it (the CLI writes the same).
pub async fn ocds_json(state: &AppState) -> AppResult<String> {
    let prefix = std::env::var("SONGMAYTINH_OCID_PREFIX")
        .unwrap_or_else(|_| domain::procurement::ocds::DEFAULT_PREFIX.to_string());
    let v = state
        .store
        .ocds_release_package(&prefix, &state.config.public_url)
        .await?;
    Ok(serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// Collects a form's problems, each named by its field's label.
struct Problems<'a> {
    t: &'a texts::Texts,
    list: Vec<String>,
}

impl<'a> Problems<'a> {
    fn new(t: &'a texts::Texts) -> Problems<'a> {
        Problems {
            t,
            list: Vec::new(),
        }
    }

    fn date(&mut self, raw: &str, label: &str) -> Option<Date> {
        let d = parse_date(raw);
        if d.is_none() {
            self.list.push(format!("{label}: {}", self.t.bad_date));
        }
        d
    }

    fn optional_date(&mut self, raw: &str, label: &str) -> Option<Option<Date>> {
        if raw.trim().is_empty() {
            Some(None)
        } else {
            self.date(raw, label).map(Some)
        }
    }

    fn money(&mut self, raw: &str, label: &str, zero_ok: bool) -> Option<Dong> {
        let m = Dong::parse(raw).filter(|d| d.0 > 0 || (zero_ok && d.0 == 0));
        if m.is_none() {
            self.list.push(format!("{label}: {}", self.t.bad_amount));
        }
        m
    }

    fn number(&mut self, raw: &str, label: &str) -> Option<i64> {
        let n = raw
            .trim()
            .replace('.', "")
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0);
        if n.is_none() {
            self.list.push(format!("{label}: {}", self.t.bad_number));
        }
        n
    }
}

/// What a step's store call answers: a redirect when done, the page with the problem when
/// the domain refused it.
async fn answer(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    package: i64,
    at: &str,
    done: Result<(), StoreError>,
    flash: &'static str,
) -> AppResult<Response> {
    match done {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/procurement/{package}#{at}"),
            flash,
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            package_page(
                state,
                ctx,
                actor,
                package,
                Some((at, vec![e.message(ctx.lang)])),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    package: i64,
    at: &str,
    problems: Vec<String>,
) -> AppResult<Response> {
    package_page(state, ctx, actor, package, Some((at, problems))).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<PackageForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let method = Method::parse(&f.method);
    if method.is_none() {
        p.list.push(format!("{}: {}", t.method, t.bad_number));
    }
    let funding = Funding::parse(&f.funding);
    if funding.is_none() {
        p.list.push(format!("{}: {}", t.funding, t.bad_number));
    }
    let estimate = p.money(&f.estimate, t.estimate, false);
    let quantity = p.number(&f.quantity, t.quantity);
    let plan_date = p.date(&f.plan_date, t.plan_date);
    let model = match f.model_id.trim() {
        "" => Some(None),
        m => match m.parse::<i64>() {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                p.list.push(format!("{}: {}", t.model, t.bad_number));
                None
            }
        },
    };
    let (
        Some(method),
        Some(funding),
        Some(estimate),
        Some(quantity),
        Some(plan_date),
        Some(model),
        true,
    ) = (
        method,
        funding,
        estimate,
        quantity,
        plan_date,
        model,
        p.list.is_empty(),
    )
    else {
        let list = p.list;
        return new_page(&state, &ctx, f, list).await;
    };
    let np = NewPackage {
        code: f.code.clone(),
        name: f.name.clone(),
        method,
        estimate,
        funding,
        quantity,
        plan_no: Some(f.plan_no.clone()),
        plan_decision: Some(f.plan_decision.clone()),
        plan_date,
        schedule: f.schedule.clone(),
    };
    match state.store.create_package(&actor.audit(), &np, model).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/procurement/{id}"),
            "package_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e))
            if e.kind() != domain::ErrorKind::NotFound || matches!(e, DomainError::Devices(_)) =>
        {
            new_page(&state, &ctx, f, vec![e.message(ctx.lang)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SelectionForm {
    #[serde(default)]
    notice_no: String,
    #[serde(default)]
    notice_date: String,
    #[serde(default)]
    bid_closing: String,
}

pub async fn selection(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<SelectionForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let on = p.date(&f.notice_date, t.notice_date);
    let closing = p.optional_date(&f.bid_closing, t.bid_closing);
    let (Some(on), Some(closing)) = (on, closing) else {
        return refuse(&state, &ctx, &actor, id, "selection", p.list).await;
    };
    let done = state
        .store
        .open_selection(&actor.audit(), id, Some(f.notice_no.as_str()), on, closing)
        .await;
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "selection",
        done,
        "procurement_step",
    )
    .await
}

#[derive(Deserialize)]
pub struct BidForm {
    #[serde(default)]
    bidder: String,
    #[serde(default)]
    tax_code: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    submitted_on: String,
    #[serde(default)]
    valid: String,
    #[serde(default)]
    reason: String,
}

pub async fn bid(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<BidForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let price = p.money(&f.price, t.price, false);
    let on = p.date(&f.submitted_on, t.submitted_on);
    let (Some(price), Some(on)) = (price, on) else {
        return refuse(&state, &ctx, &actor, id, "bids", p.list).await;
    };
    let b = NewBid {
        bidder: f.bidder,
        tax_code: f.tax_code,
        price,
        submitted_on: on,
        valid: f.valid != "no",
        reason: Some(f.reason),
    };
    let done = state
        .store
        .record_bid(&actor.audit(), id, &b)
        .await
        .map(|_| ());
    answer(&state, &ctx, &actor, id, "bids", done, "procurement_step").await
}

#[derive(Deserialize)]
pub struct AwardForm {
    #[serde(default)]
    award_no: String,
    #[serde(default)]
    award_date: String,
    #[serde(default)]
    bid: String,
}

pub async fn award(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<AwardForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let on = p.date(&f.award_date, t.award_date);
    let bid = p.number(&f.bid, t.winner);
    let (Some(on), Some(bid)) = (on, bid) else {
        return refuse(&state, &ctx, &actor, id, "award", p.list).await;
    };
    let done = state
        .store
        .award(&actor.audit(), id, &f.award_no, on, bid)
        .await;
    answer(&state, &ctx, &actor, id, "award", done, "procurement_step").await
}

#[derive(Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    tax_code: String,
    #[serde(default)]
    model_id: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit_price: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    warranty: String,
    #[serde(default)]
    advance: String,
}

pub async fn contract(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<ContractForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let model = p.number(&f.model_id, t.model);
    let quantity = p.number(&f.quantity, t.quantity);
    let unit_price = p.money(&f.unit_price, t.unit_price, false);
    let value = p.money(&f.value, t.value, false);
    let signed_on = p.date(&f.signed_on, t.signed_on);
    let deadline = p.date(&f.deadline, t.deadline);
    let warranty = p.number(&f.warranty, t.warranty);
    let advance = if f.advance.trim().is_empty() {
        Some(Dong::ZERO)
    } else {
        p.money(&f.advance, t.advance, true)
    };
    let (
        Some(model),
        Some(quantity),
        Some(unit_price),
        Some(value),
        Some(signed_on),
        Some(deadline),
        Some(warranty),
        Some(advance),
    ) = (
        model, quantity, unit_price, value, signed_on, deadline, warranty, advance,
    )
    else {
        return refuse(&state, &ctx, &actor, id, "contract", p.list).await;
    };
    let c = NewContract {
        number: f.number,
        supplier: f.supplier,
        tax_code: f.tax_code,
        quantity,
        unit_price,
        value,
        signed_on,
        delivery_deadline: deadline,
        warranty_months: warranty,
        advance,
    };
    let done = state
        .store
        .sign_contract(&actor.audit(), id, &c, model)
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "contract",
        done,
        "procurement_step",
    )
    .await
}

async fn contract_of(state: &AppState, package: i64) -> AppResult<i64> {
    Ok(state
        .store
        .procurement_contract(package)
        .await?
        .ok_or_else(AppError::not_found)?
        .id)
}

#[derive(Deserialize)]
pub struct DeliveryForm {
    #[serde(default)]
    delivery_no: String,
    #[serde(default)]
    delivered_on: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    note: String,
}

pub async fn delivery(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<DeliveryForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let c = contract_of(&state, id).await?;
    let mut p = Problems::new(t);
    let on = p.date(&f.delivered_on, t.delivered_on);
    let qty = p.number(&f.quantity, t.delivered);
    let (Some(on), Some(qty)) = (on, qty) else {
        return refuse(&state, &ctx, &actor, id, "deliveries", p.list).await;
    };
    let done = state
        .store
        .record_delivery(&actor.audit(), c, &f.delivery_no, on, qty, &f.note)
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "deliveries",
        done,
        "procurement_step",
    )
    .await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    minutes_no: String,
    #[serde(default)]
    accepted_on: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    members: String,
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((id, d)): Path<(i64, i64)>,
    Form(f): Form<AcceptForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let c = contract_of(&state, id).await?;
    let belongs = state
        .store
        .procurement_delivery(d)
        .await?
        .is_some_and(|x| x.contract_id == c);
    if !belongs {
        return Err(AppError::not_found());
    }
    let mut p = Problems::new(t);
    let on = p.date(&f.accepted_on, t.accepted_on);
    let qty = p.number(&f.quantity, t.accepted_qty);
    let (Some(on), Some(qty)) = (on, qty) else {
        return refuse(&state, &ctx, &actor, id, "deliveries", p.list).await;
    };
    let done = state
        .store
        .accept_delivery(&actor.audit(), d, &f.minutes_no, on, qty, &f.members)
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "deliveries",
        done,
        "procurement_step",
    )
    .await
}

#[derive(Deserialize)]
pub struct InvoiceForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    before_vat: String,
    #[serde(default)]
    vat_rate: String,
    #[serde(default)]
    vat: String,
    #[serde(default)]
    total: String,
}

pub async fn invoice(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<InvoiceForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let c = contract_of(&state, id).await?;
    let mut p = Problems::new(t);
    let on = p.date(&f.date, t.invoice_date);
    let before = p.money(&f.before_vat, t.before_vat, false);
    let rate = p.number(&f.vat_rate, t.vat_rate);
    let vat = p.money(&f.vat, t.vat, true);
    let total = p.money(&f.total, t.invoice_total, false);
    let (Some(on), Some(before), Some(rate), Some(vat), Some(total)) =
        (on, before, rate, vat, total)
    else {
        return refuse(&state, &ctx, &actor, id, "invoices", p.list).await;
    };
    let inv = NewInvoice {
        number: f.number,
        date: on,
        before_vat: before,
        vat_rate: rate,
        vat,
        total,
    };
    let done = state
        .store
        .record_invoice(&actor.audit(), c, &inv)
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "invoices",
        done,
        "procurement_step",
    )
    .await
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    invoice: String,
    #[serde(default)]
    requested_on: String,
    #[serde(default)]
    note: String,
}

pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let c = contract_of(&state, id).await?;
    let mut p = Problems::new(t);
    let kind = PaymentKind::parse(&f.kind);
    if kind.is_none() {
        p.list.push(format!("{}: {}", t.kind, t.bad_number));
    }
    let amount = p.money(&f.amount, t.amount, false);
    let on = p.date(&f.requested_on, t.requested_on);
    let invoice = f.invoice.trim().parse::<i64>().ok();
    let (Some(kind), Some(amount), Some(on)) = (kind, amount, on) else {
        return refuse(&state, &ctx, &actor, id, "payments", p.list).await;
    };
    let done = state
        .store
        .request_payment(
            &actor.audit(),
            c,
            kind,
            amount,
            &f.account,
            invoice,
            on,
            &f.note,
        )
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "payments",
        done,
        "payment_requested",
    )
    .await
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let on = p.date(&f.decided_on, t.decided_on);
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("decision".into())),
    };
    let Some(on) = on else {
        return payments_page(&state, &ctx, &actor, p.list).await;
    };
    match state
        .store
        .decide_payment(&actor.audit(), id, approve, on, Some(f.reason.as_str()))
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            "/procurement/payments",
            "payment_decided",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            payments_page(&state, &ctx, &actor, vec![e.message(ctx.lang)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    closed_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let c = contract_of(&state, id).await?;
    let mut p = Problems::new(t);
    let Some(on) = p.date(&f.closed_on, t.closed_on) else {
        return refuse(&state, &ctx, &actor, id, "contract", p.list).await;
    };
    let done = state
        .store
        .close_contract(&actor.audit(), c, on, &f.reason)
        .await;
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "contract",
        done,
        "procurement_step",
    )
    .await
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<CancelForm>,
) -> AppResult<Response> {
    let done = state
        .store
        .cancel_package(&actor.audit(), id, &f.reason)
        .await;
    answer(&state, &ctx, &actor, id, "steps", done, "procurement_step").await
}

#[derive(Deserialize)]
pub struct ThresholdForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    max_value: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    legal_basis: String,
}

pub async fn threshold(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<ThresholdForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut p = Problems::new(t);
    let method = Method::parse(&f.method);
    if method.is_none() {
        p.list.push(format!("{}: {}", t.method, t.bad_number));
    }
    let max = p.money(&f.max_value, t.max_value, false);
    let from = p.date(&f.valid_from, t.valid_from);
    let (Some(method), Some(max), Some(from)) = (method, max, from) else {
        return thresholds_page(&state, &ctx, &actor, p.list).await;
    };
    let rule = ThresholdRule {
        method,
        max_value: max,
        valid_from: from,
        legal_basis: f.legal_basis,
    };
    match state.store.save_threshold(&actor.audit(), &rule).await {
        Ok(()) => Ok(redirect_with_flash(
            "/procurement/thresholds",
            "threshold_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            thresholds_page(&state, &ctx, &actor, vec![e.message(ctx.lang)]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A step's document: the step, its number and date, and the file (a PDF, a scan, a
/// Word or Excel file, checked by its bytes).
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let (mut step, mut number, mut date, mut file) =
        (String::new(), String::new(), String::new(), None);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("tai-lieu").to_string();
            match read_field(&mut field, MAX_DOCUMENT_BYTES).await? {
                Err(TooLarge) => {
                    let msg = format!(
                        "{} {} MB.",
                        ctx.lang.pick(
                            "Tệp lớn hơn giới hạn",
                            "The file is larger than the limit of"
                        ),
                        MAX_DOCUMENT_BYTES / 1024 / 1024
                    );
                    return refuse(&state, &ctx, &actor, id, "documents", vec![msg]).await;
                }
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => file = Some((fname, bytes)),
            }
            continue;
        }
        let value = match read_field(&mut field, 1024).await? {
            Ok(v) => String::from_utf8_lossy(&v).into_owned(),
            Err(TooLarge) => String::new(),
        };
        match name.as_str() {
            "step" => step = value,
            "number" => number = value,
            "date" => date = value,
            _ => {}
        }
    }
    let mut p = Problems::new(t);
    let step = Step::parse(&step).unwrap_or(Step::Other);
    let date = p.optional_date(&date, t.doc_date);
    let Some((name, bytes)) = file else {
        return refuse(
            &state,
            &ctx,
            &actor,
            id,
            "documents",
            vec![t.no_file.to_string()],
        )
        .await;
    };
    let Some(date) = date else {
        return refuse(&state, &ctx, &actor, id, "documents", p.list).await;
    };
    let content_type = match kept_file_type(&bytes, Accept::Document) {
        Ok(ct) => ct,
        Err(found) => {
            let msg = format!(
                "{} ({found}).",
                ctx.lang.pick(
                    "Chỉ nhận tệp PDF, ảnh (JPEG, PNG, WebP), Word hoặc Excel",
                    "Only PDF, photos (JPEG, PNG, WebP), Word or Excel files are accepted"
                )
            );
            return refuse(&state, &ctx, &actor, id, "documents", vec![msg]).await;
        }
    };
    let done = state
        .store
        .keep_procurement_document(
            &actor.audit(),
            id,
            step,
            Some(number.as_str()),
            date,
            &name,
            content_type,
            bytes,
        )
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        &actor,
        id,
        "documents",
        done,
        "procurement_document",
    )
    .await
}
