//! Cash gifts and pledges: the list with its totals, the form (the Department records
//! gifts to its account and the budget, the Front its own), a gift's page with the VietQR
//! code its donor scans and the form that marks it received, its printed acknowledgement
//! (giấy xác nhận), and the Front's transfers to the Department.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::{AppState, BankAccount};
use crate::views::{BOARD_NAME, Ctx, board_letterhead, redirect_with_flash, render};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::ledger::gifts::{Channel, NewGift};
use domain::ledger::vietqr::{VietQr, bank_name};
use domain::money::Dong;
use domain::{DomainError, Lang};
use serde::Deserialize;
use store::StoreError;
use store::ledger::EntryFilter;
use store::ledger::gifts::{GiftFilter, GiftRecord, GiftStatus};

pub struct GiftLine {
    pub id: i64,
    pub code: String,
    pub donor: String,
    pub amount: String,
    pub channel: &'static str,
    pub date: String,
    pub status: &'static str,
    pub received: bool,
}

fn line(g: &GiftRecord, lang: Lang) -> GiftLine {
    GiftLine {
        id: g.id,
        code: g.pledge_code.clone(),
        donor: g.donor_name.clone(),
        amount: g.amount.to_string(),
        channel: g.channel.label(lang),
        date: format_date(g.received_on.unwrap_or(g.pledged_on)),
        status: g.status.label(lang),
        received: g.status == GiftStatus::Received,
    }
}

pub struct TransferLine {
    pub id: i64,
    pub date: String,
    pub memo: String,
    pub amount: String,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/gifts.html")]
struct GiftsPage {
    l: Layout,
    gifts: Vec<GiftLine>,
    received: String,
    pledged: String,
    can_record: bool,
    is_mttq: bool,
    held_by_mttq: String,
    transfers: Vec<TransferLine>,
    error: Option<String>,
    today: String,
    /// The transfer form's idempotency key.
    key: String,
}

async fn gifts_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    donor: Option<i64>,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let all = state
        .store
        .gifts(&GiftFilter {
            donor_id: donor,
            ..GiftFilter::default()
        })
        .await?;
    let sum = |s: GiftStatus| {
        Dong(
            all.iter()
                .filter(|g| g.status == s)
                .map(|g| g.amount.0)
                .sum(),
        )
    };
    let held = state
        .store
        .ledger_accounts()
        .await?
        .into_iter()
        .find(|a| a.state.code == domain::ledger::HELD_BY_MTTQ)
        .map(|a| a.state.balance())
        .unwrap_or_default();
    let transfers = state
        .store
        .ledger_entries(
            &EntryFilter {
                source_kind: Some("mttq_transfer".into()),
                ..Default::default()
            },
            None,
            20,
        )
        .await?
        .into_iter()
        .map(|e| TransferLine {
            id: e.id,
            date: format_date(e.date),
            memo: e.memo,
            amount: e.amount.to_string(),
        })
        .collect();
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    let page = render(GiftsPage {
        l: ctx.layout(texts::tr(ctx.lang).nav_gifts),
        gifts: all.iter().map(|g| line(g, ctx.lang)).collect(),
        received: sum(GiftStatus::Received).to_string(),
        pledged: sum(GiftStatus::Pledged).to_string(),
        can_record: actor.can(Action::RecordMoney),
        is_mttq: Channel::Mttq.recorded_by(actor.user.role),
        held_by_mttq: held.to_string(),
        transfers,
        error,
        today: format_date(today()),
        key: store::passwords::random_token(12),
    });
    Ok(with_status(status, page))
}

#[derive(Deserialize, Default)]
pub struct GiftsQuery {
    donor: Option<i64>,
}

pub async fn gifts(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<GiftsQuery>,
) -> AppResult<Response> {
    gifts_page(&state, &ctx, &actor, q.donor, None).await
}

/// The ledger's section of a donor's page: the cash they gave and pledged, for the roles
/// that read the money.
pub fn donor_panel<'a>(
    state: &'a AppState,
    actor: &'a Actor,
    donor: i64,
    lang: Lang,
) -> futures_util::future::BoxFuture<'a, AppResult<Option<crate::areas::StudentPanel>>> {
    Box::pin(async move {
        if !actor.can(Action::ViewLedger) {
            return Ok(None);
        }
        let t = texts::tr(lang);
        let cash = state.store.donor_cash(donor).await?;
        if cash.gifts_received == 0 && cash.pledged.0 == 0 {
            return Ok(None);
        }
        Ok(Some(crate::areas::StudentPanel {
            heading: t.nav_gifts,
            lines: vec![
                format!(
                    "{}: {} ({} {})",
                    t.received_total, cash.received, cash.gifts_received, t.gifts_word
                ),
                format!("{}: {}", t.pledged_total, cash.pledged),
            ],
            link: Some((format!("/gifts?donor={donor}"), t.see_gifts)),
        }))
    })
}

pub struct DonorOpt {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

pub struct ChannelOpt {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct GiftForm {
    #[serde(default)]
    donor_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    publish_name: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    received: Option<String>,
    #[serde(default)]
    bank_ref: String,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/gift_new.html")]
struct NewGiftPage {
    l: Layout,
    donors: Vec<DonorOpt>,
    channels: Vec<ChannelOpt>,
    f: GiftForm,
    problems: Vec<String>,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    f: GiftForm,
    problems: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let donors = state
        .store
        .donors()
        .await?
        .into_iter()
        .map(|d| DonorOpt {
            selected: d.id.to_string() == f.donor_id,
            id: d.id,
            name: d.donor.name,
        })
        .collect();
    let channels = Channel::ALL
        .into_iter()
        .filter(|c| c.recorded_by(actor.user.role))
        .map(|c| ChannelOpt {
            code: c.code(),
            label: c.label(ctx.lang),
            selected: c.code() == f.channel,
        })
        .collect();
    let page = render(NewGiftPage {
        l: ctx.layout(texts::tr(ctx.lang).gift_new),
        donors,
        channels,
        f,
        problems,
    });
    Ok(with_status(status, page))
}

pub async fn new_gift(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
) -> AppResult<Response> {
    let f = GiftForm {
        date: format_date(today()),
        publish_name: Some("on".into()),
        ..GiftForm::default()
    };
    new_page(&state, &ctx, &actor, f, Vec::new(), StatusCode::OK).await
}

pub async fn create_gift(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<GiftForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let mut problems = Vec::new();
    let donor_id = f.donor_id.trim().parse::<i64>().ok();
    if donor_id.is_none() {
        problems.push(t.choose_donor.to_string());
    }
    let amount = Dong::parse(&f.amount);
    if amount.is_none_or(|a| a.0 <= 0) {
        problems.push(t.bad_amount.to_string());
    }
    let channel = Channel::parse(&f.channel).filter(|c| c.recorded_by(actor.user.role));
    if channel.is_none() {
        problems.push(t.choose_channel.to_string());
    }
    let date = parse_date(&f.date);
    if date.is_none() {
        problems.push(format!("{}: {}", t.gift_date, t.bad_date));
    }
    let received = f.received.is_some();
    if !problems.is_empty() {
        return new_page(
            &state,
            &ctx,
            &actor,
            f,
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (Some(donor_id), Some(amount), Some(channel), Some(date)) =
        (donor_id, amount, channel, date)
    else {
        unreachable!("every missing field was reported above")
    };
    let gift = NewGift {
        donor_id,
        amount,
        channel,
        date,
        publish_name: f.publish_name.is_some(),
        earmark: Default::default(),
        note: Some(f.note.clone()),
    };
    let bank_ref = Some(f.bank_ref.clone());
    match state
        .store
        .record_gift(&actor.audit(), &gift, received.then_some((date, bank_ref)))
        .await
    {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/gifts/{id}"),
            "gift_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            new_page(&state, &ctx, &actor, f, vec![e.message(ctx.lang)], status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/gift.html")]
struct GiftPage {
    l: Layout,
    g: GiftLine,
    donor_id: i64,
    verification: String,
    publish_name: bool,
    note: Option<String>,
    bank_ref: Option<String>,
    entry_id: Option<i64>,
    qr_svg: Option<String>,
    qr_payload: Option<String>,
    account: Option<(String, String, String)>,
    can_receive: bool,
    error: Option<String>,
    today: String,
}

fn account_for(state: &AppState, channel: Channel) -> Option<&BankAccount> {
    match channel {
        Channel::Direct => state.config.donations_account.as_ref(),
        Channel::Mttq => state.config.mttq_account.as_ref(),
        Channel::Budget => None,
    }
}

async fn gift_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let g = state
        .store
        .gift(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let t = texts::tr(ctx.lang);
    let pledged = g.status == GiftStatus::Pledged;
    let account = account_for(state, g.channel);
    let qr = account.filter(|_| pledged).map(|a| VietQr {
        bin: a.bin.clone(),
        account: a.number.clone(),
        amount: Some(g.amount),
        note: Some(g.pledge_code.clone()),
    });
    let (qr_svg, qr_payload) = match qr.as_ref().map(|q| (q.svg(240), q.payload())) {
        Some((Ok(svg), Ok(p))) => (Some(svg), Some(p)),
        _ => (None, None),
    };
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    let page = render(GiftPage {
        l: ctx.layout(format!("{} {}", t.gift, g.pledge_code)),
        donor_id: g.donor_id,
        verification: if pledged {
            String::new()
        } else {
            g.verification_printed()
        },
        publish_name: g.publish_name,
        note: g.note.clone(),
        bank_ref: g.bank_ref.clone(),
        entry_id: g.entry_id,
        qr_svg,
        qr_payload,
        account: account.map(|a| {
            (
                bank_name(&a.bin).unwrap_or(&a.bin).to_string(),
                a.number.clone(),
                a.holder.clone(),
            )
        }),
        can_receive: pledged
            && actor.can(Action::RecordMoney)
            && g.channel.recorded_by(actor.user.role),
        error,
        today: format_date(today()),
        g: line(&g, ctx.lang),
    });
    Ok(with_status(status, page))
}

pub async fn gift(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    gift_page(&state, &ctx, &actor, id, None).await
}

#[derive(Deserialize)]
pub struct ReceiveForm {
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    bank_ref: String,
}

pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    Form(f): Form<ReceiveForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let g = state
        .store
        .gift(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if !g.channel.recorded_by(actor.user.role) {
        return Err(AppError::Domain(DomainError::Forbidden));
    }
    let Some(on) = parse_date(&f.received_on) else {
        let msg = format!("{}: {}", t.received_on, t.bad_date);
        return gift_page(
            &state,
            &ctx,
            &actor,
            id,
            Some((StatusCode::UNPROCESSABLE_ENTITY, msg)),
        )
        .await;
    };
    match state
        .store
        .receive_gift(&actor.audit(), id, on, Some(f.bank_ref))
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/gifts/{id}"),
            "gift_received",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            gift_page(
                &state,
                &ctx,
                &actor,
                id,
                Some((status, e.message(ctx.lang))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The acknowledgement of a received gift.
pub async fn acknowledgement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let g = state
        .store
        .gift(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let Some(received_on) = g.received_on else {
        return Err(AppError::not_found());
    };
    let donor = state.store.donor(g.donor_id).await?;
    let province = state.store.province_place_name().await?;
    let doc = pdf::Acknowledgement {
        letterhead: board_letterhead(&province),
        number: format!("{}/GXN", g.pledge_code),
        date: received_on,
        programme: "Chương trình \"Sóng và máy tính cho em\"".into(),
        donor_name: g.donor_name.clone(),
        donor_address: donor.and_then(|d| d.address),
        amount: g.amount,
        received_on,
        channel: g.channel.label(Lang::Vi).to_string(),
        bank_ref: g.bank_ref.clone(),
        pledge_code: g.pledge_code.clone(),
        verification_code: g.verification_printed(),
        portal: format!(
            "{}/cong-khai",
            state.config.public_url.trim_end_matches('/')
        ),
        signer_title: format!("TM. {}", BOARD_NAME.to_uppercase()),
        signer_name: String::new(),
    };
    let issued = store::archive::Issued {
        kind: domain::archive::DocKind::Acknowledgement,
        number: Some(doc.number.clone()),
        date: Some(received_on),
        title: format!("Xác nhận ủng hộ {} của {}", g.amount, g.donor_name),
        link: format!("/gifts/{id}/giay-xac-nhan.pdf"),
        units: [None, None],
    };
    crate::files::issued_pdf(
        &state,
        &actor,
        &issued,
        &format!("giay-xac-nhan-{}.pdf", g.pledge_code.to_lowercase()),
        pdf::acknowledgement(&doc),
    )
    .await
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    bank_ref: String,
    /// A random key the form carries, so that a second click posts nothing twice.
    #[serde(default)]
    key: String,
}

pub async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<TransferForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    if !Channel::Mttq.recorded_by(actor.user.role) {
        return Err(AppError::Domain(DomainError::Forbidden));
    }
    let bad = |msg: String| (StatusCode::UNPROCESSABLE_ENTITY, msg);
    let amount = Dong::parse(&f.amount).filter(|a| a.0 > 0);
    let date = parse_date(&f.date);
    let (Some(amount), Some(date)) = (amount, date) else {
        let msg = if amount.is_none() {
            t.bad_amount.to_string()
        } else {
            format!("{}: {}", t.transfer_date, t.bad_date)
        };
        return gifts_page(&state, &ctx, &actor, None, Some(bad(msg))).await;
    };
    let key = match f.key.trim() {
        "" => format!("mttq-transfer-{}", store::passwords::random_token(8)),
        k => format!("mttq-transfer-{k}"),
    };
    match state
        .store
        .mttq_transfer(&actor.audit(), &key, amount, date, Some(f.bank_ref))
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            "/gifts",
            "transfer_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) if e.kind() != domain::ErrorKind::NotFound => {
            let status = domain_status(&e);
            gifts_page(
                &state,
                &ctx,
                &actor,
                None,
                Some((status, e.message(ctx.lang))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
    .map(IntoResponse::into_response)
}
