//! Procurement's pages: the packages, a new package, a package's steps, the thresholds,
//! Finance's queue, the acceptance minutes as PDF, the OCDS release package.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult};
use crate::files::{DocumentLine, send_document, with_status};
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, board_letterhead, person, render};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::authz::Action;
use domain::dates::{format_date, today};
use domain::ledger::account;
use domain::money::Dong;
use domain::procurement::{Funding, Method, VAT_RATES, method_warning};
use store::documents::DocumentOwner;
use store::procurement::{PackageRecord, PaymentRecord, PaymentStatus, Step};

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opt(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Opt {
    Opt {
        value: value.into(),
        label: label.into(),
        selected,
    }
}

pub struct PackageLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub method: &'static str,
    pub estimate: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub contract: String,
    pub paid: String,
    pub warning: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "procurement/templates/index.html")]
struct IndexPage {
    l: Layout,
    packages: Vec<PackageLine>,
    can_manage: bool,
    waiting: i64,
    contracted: String,
    paid: String,
    committed: String,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let rules = state.store.procurement_rules().await?;
    let mut packages = Vec::new();
    for p in state.store.procurement_packages().await? {
        let c = state.store.procurement_contract(p.id).await?;
        packages.push(PackageLine {
            id: p.id,
            method: p.method.label(ctx.lang),
            estimate: p.estimate.to_string(),
            stage: p.stage.label(ctx.lang),
            stage_code: p.stage.code(),
            contract: c.as_ref().map(|c| c.value.to_string()).unwrap_or_default(),
            paid: c
                .as_ref()
                .map(|c| c.money.cash_out().to_string())
                .unwrap_or_default(),
            warning: method_warning(&rules, p.method, p.estimate, p.plan_date)
                .map(|w| w.message(ctx.lang)),
            code: p.code,
            name: p.name,
        });
    }
    let totals = state.store.procurement_totals().await?;
    Ok(render(IndexPage {
        l: ctx.layout(t.packages),
        packages,
        can_manage: actor.can(Action::ManageProcurement),
        waiting: totals.waiting_payments,
        contracted: totals.contracted.to_string(),
        paid: totals.paid.to_string(),
        committed: totals.committed.to_string(),
    }))
}

/// The new package form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PackageForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub estimate: String,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub model_id: String,
    #[serde(default)]
    pub plan_no: String,
    #[serde(default)]
    pub plan_decision: String,
    #[serde(default)]
    pub plan_date: String,
    #[serde(default)]
    pub schedule: String,
}

#[derive(askama::Template)]
#[template(path = "procurement/templates/new.html")]
struct NewPage {
    l: Layout,
    f: PackageForm,
    methods: Vec<Opt>,
    fundings: Vec<Opt>,
    models: Vec<Opt>,
    problems: Vec<String>,
}

pub async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    f: PackageForm,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let models = crate::devices::options::model_options(state, lang)
        .await?
        .into_iter()
        .map(|m| opt(m.id.clone(), m.name, m.id == f.model_id))
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(NewPage {
        l: ctx.layout(texts::tr(lang).new_package),
        methods: Method::ALL
            .iter()
            .map(|m| opt(m.code(), m.label(lang), m.code() == f.method))
            .collect(),
        fundings: Funding::ALL
            .iter()
            .map(|x| opt(x.code(), x.label(lang), x.code() == f.funding))
            .collect(),
        models,
        problems,
        f,
    });
    Ok(with_status(status, page))
}

pub async fn new_package(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let f = PackageForm {
        plan_date: format_date(today()),
        method: Method::OpenBidding.code().into(),
        funding: Funding::Budget.code().into(),
        ..Default::default()
    };
    new_page(&state, &ctx, f, Vec::new()).await
}

pub struct BidLine {
    pub id: i64,
    pub bidder: String,
    pub tax_code: String,
    pub price: String,
    pub submitted_on: String,
    pub valid: bool,
    pub reason: String,
    pub lowest: bool,
    pub awarded: bool,
}

pub struct ContractView {
    pub number: String,
    pub supplier: String,
    pub tax_code: String,
    pub model: String,
    pub quantity: i64,
    pub unit_price: String,
    pub value: String,
    pub signed_on: String,
    pub deadline: String,
    pub warranty: i64,
    pub advance_limit: String,
    pub delivered: i64,
    pub accepted_qty: i64,
    pub accepted: String,
    pub advanced: String,
    pub recovered: String,
    pub paid: String,
    pub payable: String,
    pub commitment_left: String,
    pub pending_entry: i64,
    pub closed: bool,
    pub left_to_deliver: i64,
}

pub struct DeliveryLine {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub quantity: i64,
    pub registered: i64,
    pub note: String,
    pub accepted: Option<(String, String, i64, String, i64)>,
}

pub struct InvoiceLine {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub before_vat: String,
    pub vat_rate: i64,
    pub vat: String,
    pub total: String,
    pub paid: String,
    pub open: bool,
}

pub struct PaymentLine {
    pub id: i64,
    pub package_id: i64,
    pub package_code: String,
    pub contract_no: String,
    pub supplier: String,
    pub kind: &'static str,
    pub amount: String,
    pub account: String,
    pub invoice: String,
    pub requested_on: String,
    pub note: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub requested_by: String,
    pub decided: String,
    pub reason: String,
    pub entry_id: Option<i64>,
}

fn payment_line(y: &PaymentRecord, lang: Lang) -> PaymentLine {
    PaymentLine {
        id: y.id,
        package_id: y.package_id,
        package_code: y.package_code.clone(),
        contract_no: y.contract_no.clone(),
        supplier: y.supplier.clone(),
        kind: y.kind.label(lang),
        amount: y.amount.to_string(),
        account: account(&y.account)
            .map(|a| format!("{} – {}", a.code, a.name(lang)))
            .unwrap_or_else(|| y.account.clone()),
        invoice: y.invoice_no.clone().unwrap_or_default(),
        requested_on: format_date(y.requested_on),
        note: y.note.clone(),
        status: y.status.label(lang),
        status_code: y.status.code(),
        requested_by: person(&y.requested_by, lang),
        decided: match (&y.decided_by, y.decided_on) {
            (Some(by), Some(on)) => format!("{} · {}", person(by, lang), format_date(on)),
            _ => String::new(),
        },
        reason: y.reason.clone().unwrap_or_default(),
        entry_id: y.entry_id,
    }
}

pub struct DocLine {
    pub line: DocumentLine,
    pub step: &'static str,
    pub number: String,
    pub date: String,
}

#[derive(askama::Template)]
#[template(path = "procurement/templates/package.html")]
struct PackagePage {
    l: Layout,
    p: PackageRecord,
    method: &'static str,
    funding: &'static str,
    stage: &'static str,
    stage_code: &'static str,
    estimate: String,
    plan_date: String,
    notice_date: String,
    bid_closing: String,
    award_date: String,
    award_value: String,
    winner: String,
    warning: Option<String>,
    takes_bids: bool,
    can_manage: bool,
    can_approve: bool,
    /// The step a problem belongs to, and the problems.
    problem_at: String,
    problems: Vec<String>,
    bids: Vec<BidLine>,
    contract: Option<ContractView>,
    deliveries: Vec<DeliveryLine>,
    invoices: Vec<InvoiceLine>,
    payments: Vec<PaymentLine>,
    documents: Vec<DocLine>,
    models: Vec<Opt>,
    accounts: Vec<Opt>,
    steps: Vec<Opt>,
    vat_rates: Vec<i64>,
    waiting_payment: bool,
    today: String,
    /// What the contract form starts with: the awarded bidder.
    supplier: String,
    supplier_tax: String,
    /// Other areas' sections about this package (after-care's defect rates of its
    /// bidders and model).
    panels: Vec<crate::areas::StudentPanel>,
}

pub async fn package_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    problem: Option<(&str, Vec<String>)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = state
        .store
        .procurement_package(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let rules = state.store.procurement_rules().await?;
    let bids = state.store.procurement_bids(id).await?;
    let prices: Vec<(Dong, bool)> = bids.iter().map(|b| (b.price, b.valid)).collect();
    let lowest = domain::procurement::lowest_valid(&prices).map(|i| bids[i].id);
    let winner = bids.iter().find(|b| Some(b.id) == p.award_bid_id);
    let contract = state.store.procurement_contract(id).await?;
    let (deliveries, invoices, payments) = match &contract {
        Some(c) => (
            state.store.procurement_deliveries(c.id).await?,
            state.store.procurement_invoices(c.id).await?,
            state.store.procurement_payments(Some(c.id)).await?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let documents = state
        .store
        .procurement_documents(id)
        .await?
        .into_iter()
        .map(|d| {
            let step = d.step.label(lang);
            let number = d.number.clone().unwrap_or_default();
            let date = d.date.map(format_date).unwrap_or_default();
            DocLine {
                line: crate::files::document_lines(vec![d.document], lang)
                    .pop()
                    .expect("one line for one document"),
                step,
                number,
                date,
            }
        })
        .collect();
    let models = crate::devices::options::model_options(state, lang)
        .await?
        .into_iter()
        .map(|m| {
            let sel = Some(m.id.as_str()) == p.model_id.map(|x| x.to_string()).as_deref();
            opt(m.id.clone(), m.name, sel)
        })
        .collect();
    let (problem_at, problems) = match problem {
        Some((at, ps)) => (at.to_string(), ps),
        None => (String::new(), Vec::new()),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let panels =
        crate::areas::panels(crate::areas::PanelPage::Package, state, actor, id, lang).await?;
    let page = render(PackagePage {
        panels,
        l: ctx.layout(format!("{} {}", texts::tr(lang).packages, p.code)),
        method: p.method.label(lang),
        funding: p.funding.label(lang),
        stage: p.stage.label(lang),
        stage_code: p.stage.code(),
        estimate: p.estimate.to_string(),
        plan_date: format_date(p.plan_date),
        notice_date: p.notice_date.map(format_date).unwrap_or_default(),
        bid_closing: p.bid_closing.map(format_date).unwrap_or_default(),
        award_date: p.award_date.map(format_date).unwrap_or_default(),
        award_value: p.award_value.map(|v| v.to_string()).unwrap_or_default(),
        winner: winner.map(|w| w.bidder.clone()).unwrap_or_default(),
        supplier: winner.map(|w| w.bidder.clone()).unwrap_or_default(),
        supplier_tax: winner.map(|w| w.tax_code.clone()).unwrap_or_default(),
        warning: method_warning(&rules, p.method, p.estimate, p.plan_date).map(|w| w.message(lang)),
        takes_bids: p.method.takes_bids(),
        can_manage: actor.can(Action::ManageProcurement),
        can_approve: actor.can(Action::ApprovePayments),
        problem_at,
        problems,
        bids: bids
            .iter()
            .map(|b| BidLine {
                id: b.id,
                bidder: b.bidder.clone(),
                tax_code: b.tax_code.clone(),
                price: b.price.to_string(),
                submitted_on: format_date(b.submitted_on),
                valid: b.valid,
                reason: b.reason.clone().unwrap_or_default(),
                lowest: Some(b.id) == lowest,
                awarded: Some(b.id) == p.award_bid_id,
            })
            .collect(),
        contract: contract.as_ref().map(|c| ContractView {
            number: c.number.clone(),
            supplier: c.supplier.clone(),
            tax_code: c.tax_code.clone(),
            model: c.model.clone(),
            quantity: c.quantity,
            unit_price: c.unit_price.to_string(),
            value: c.value.to_string(),
            signed_on: format_date(c.signed_on),
            deadline: format_date(c.delivery_deadline),
            warranty: c.warranty_months,
            advance_limit: c.money.advance_limit.to_string(),
            delivered: c.delivered_qty,
            accepted_qty: c.accepted_qty,
            accepted: c.money.accepted.to_string(),
            advanced: c.money.advanced.to_string(),
            recovered: c.money.recovered.to_string(),
            paid: c.money.cash_out().to_string(),
            payable: c.money.payable().to_string(),
            commitment_left: c.commitment_left.to_string(),
            pending_entry: c.pending_entry,
            closed: c.release_entry.is_some(),
            left_to_deliver: c.quantity - c.delivered_qty,
        }),
        deliveries: deliveries
            .iter()
            .map(|d| DeliveryLine {
                id: d.id,
                number: d.delivery_no.clone(),
                date: format_date(d.delivered_on),
                quantity: d.quantity,
                registered: d.registered,
                note: d.note.clone(),
                accepted: d.acceptance.as_ref().map(|a| {
                    (
                        a.minutes_no.clone(),
                        format_date(a.accepted_on),
                        a.quantity,
                        a.amount.to_string(),
                        a.entry_id,
                    )
                }),
            })
            .collect(),
        invoices: invoices
            .iter()
            .map(|i| InvoiceLine {
                id: i.id,
                number: i.number.clone(),
                date: crate::views::iso_to_vn(&i.invoice_date),
                before_vat: Dong(i.before_vat).to_string(),
                vat_rate: i.vat_rate,
                vat: Dong(i.vat).to_string(),
                total: Dong(i.total).to_string(),
                paid: Dong(i.paid).to_string(),
                open: i.paid < i.total,
            })
            .collect(),
        waiting_payment: payments
            .iter()
            .any(|y| y.status == PaymentStatus::Requested),
        payments: payments.iter().map(|y| payment_line(y, lang)).collect(),
        documents,
        models,
        accounts: p
            .funding
            .accounts()
            .iter()
            .filter_map(|c| account(c))
            .map(|a| opt(a.code, format!("{} – {}", a.code, a.name(lang)), false))
            .collect(),
        steps: Step::ALL
            .iter()
            .map(|s| opt(s.code(), s.label(lang), false))
            .collect(),
        vat_rates: VAT_RATES.to_vec(),
        today: format_date(today()),
        p,
    });
    Ok(with_status(status, page))
}

pub async fn package(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    package_page(&state, &ctx, &actor, id, None).await
}

pub struct RuleLine {
    pub method: &'static str,
    pub max_value: String,
    pub valid_from: String,
    pub legal_basis: String,
    pub in_force: bool,
}

#[derive(askama::Template)]
#[template(path = "procurement/templates/thresholds.html")]
struct ThresholdsPage {
    l: Layout,
    rules: Vec<RuleLine>,
    methods: Vec<Opt>,
    can_manage: bool,
    problems: Vec<String>,
    today: String,
}

pub async fn thresholds_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rules = state.store.procurement_rules().await?;
    let now = today();
    let lines = rules
        .iter()
        .rev()
        .map(|r| RuleLine {
            method: r.method.label(lang),
            max_value: r.max_value.to_string(),
            valid_from: format_date(r.valid_from),
            legal_basis: r.legal_basis.clone(),
            in_force: domain::procurement::rule_in_force(&rules, r.method, now) == Some(r),
        })
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(ThresholdsPage {
        l: ctx.layout(texts::tr(lang).thresholds),
        rules: lines,
        methods: [
            Method::DirectAppointment,
            Method::CompetitiveQuotation,
            Method::DirectProcurement,
        ]
        .iter()
        .map(|m| opt(m.code(), m.label(lang), false))
        .collect(),
        can_manage: actor.can(Action::ManageProcurement),
        problems,
        today: format_date(now),
    });
    Ok(with_status(status, page))
}

pub async fn thresholds(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    thresholds_page(&state, &ctx, &actor, Vec::new()).await
}

#[derive(askama::Template)]
#[template(path = "procurement/templates/payments.html")]
struct PaymentsPage {
    l: Layout,
    queue: Vec<PaymentLine>,
    can_approve: bool,
    today: String,
    problems: Vec<String>,
}

pub async fn payments_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    problems: Vec<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let queue = state
        .store
        .procurement_payments(None)
        .await?
        .iter()
        .map(|y| payment_line(y, lang))
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(PaymentsPage {
        l: ctx.layout(texts::tr(lang).payments_queue),
        queue,
        can_approve: actor.can(Action::ApprovePayments),
        today: format_date(today()),
        problems,
    });
    Ok(with_status(status, page))
}

pub async fn payments(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    payments_page(&state, &ctx, &actor, Vec::new()).await
}

pub async fn acceptance_pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, d)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (name, bytes, issued) = minutes_pdf(&state.store, id, d)
        .await?
        .ok_or_else(AppError::not_found)?;
    crate::files::issued_pdf(&state, &actor, &issued, &name, bytes).await
}

/// The acceptance minutes (biên bản nghiệm thu) of delivery `d` of package `id`, as a
/// file name and PDF bytes; `None` when the delivery is not of the package or not yet
/// accepted.
pub async fn minutes_pdf(
    store: &store::Store,
    id: i64,
    d: i64,
) -> AppResult<Option<(String, Vec<u8>, store::archive::Issued)>> {
    let (Some(p), Some(c)) = (
        store.procurement_package(id).await?,
        store.procurement_contract(id).await?,
    ) else {
        return Ok(None);
    };
    let Some(delivery) = store
        .procurement_delivery(d)
        .await?
        .filter(|x| x.contract_id == c.id)
    else {
        return Ok(None);
    };
    let Some(a) = delivery.acceptance.clone() else {
        return Ok(None);
    };
    let serials = store.delivery_serials(d).await?;
    let province = store.province_place_name().await?;
    let letterhead = board_letterhead(&province);
    let doc = pdf::AcceptanceMinutes {
        number: format!("{}/{}", a.minutes_no, c.number),
        date: a.accepted_on,
        place: format!("Kho {}", crate::views::BOARD_NAME),
        contract_no: c.number.clone(),
        contract_signed_on: c.signed_on,
        package: format!("{} – {}", p.code, p.name),
        delivery_no: delivery.delivery_no.clone(),
        delivered_on: delivery.delivered_on,
        supplier: pdf::Party {
            name: c.supplier.clone(),
            tax_code: Some(c.tax_code.clone()),
            ..Default::default()
        },
        buyer: pdf::Party {
            name: letterhead.parent_body.clone(),
            ..Default::default()
        },
        letterhead,
        members: a.members.clone(),
        goods: c.model.clone(),
        delivered: delivery.quantity,
        accepted: a.quantity,
        unit_price: c.unit_price,
        serials,
        warranty_months: c.warranty_months,
        recovery: a.recovery,
    };
    let name = format!("bien-ban-nghiem-thu-{}.pdf", a.minutes_no.to_lowercase());
    let issued = store::archive::Issued {
        kind: domain::archive::DocKind::Minutes,
        number: Some(doc.number.clone()),
        date: Some(a.accepted_on),
        title: format!(
            "Nghiệm thu {} thiết bị của hợp đồng {} ({})",
            a.quantity, c.number, p.code
        ),
        link: format!("/procurement/{id}/deliveries/{d}/bien-ban-nghiem-thu.pdf"),
        units: [None, None],
    };
    Ok(Some((name, pdf::acceptance_minutes(&doc), issued)))
}

/// The OCDS release package of every package, as the CLI's export writes it.
pub async fn ocds(State(state): State<AppState>) -> AppResult<Response> {
    let body = crate::procurement::steps::ocds_json(&state).await?;
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Ok(res)
}

pub async fn document(
    State(state): State<AppState>,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    send_document(&state, DocumentOwner::Procurement(id), doc).await
}
