//! Fundraising campaigns (đợt vận động): the list with each drive's progress bar, the form
//! that sets one up (the Front its own, the Department the Department's), and a
//! campaign's page with the gifts or receipts that count for it.

use super::texts::{self, Layout};
use crate::error::{AppError, AppResult, domain_status};
use crate::extract::Form;
use crate::files::with_status;
use crate::gate::Actor;
use crate::state::AppState;
use crate::views::{Ctx, redirect_with_flash, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::Lang;
use domain::authz::Action;
use domain::dates::{format_date, parse_date, today};
use domain::ledger::campaigns::{NewCampaign, Organiser, Phase, Progress, Target};
use domain::money::Dong;
use serde::Deserialize;
use store::StoreError;
use store::ledger::campaigns::CampaignRecord;

/// How many gifts or receipts a campaign's page lists.
const LISTED: i64 = 200;

pub struct CampaignLine {
    pub id: i64,
    pub name: String,
    pub organiser: &'static str,
    pub period: String,
    pub phase: &'static str,
    pub running: bool,
    pub money: bool,
    pub target: String,
    pub reached: String,
    pub promised: String,
    pub missing: String,
    pub percent: String,
    pub per_mille: i64,
    pub donors: i64,
    pub counted: i64,
    pub note: Option<String>,
}

fn amount(money: bool, n: i64, lang: Lang) -> String {
    if money {
        Dong(n).to_string()
    } else {
        Target::Devices(n).display(lang)
    }
}

fn line(r: &CampaignRecord, lang: Lang) -> CampaignLine {
    let c = &r.campaign;
    let p = Progress::of(c.target, &r.gathered);
    let money = matches!(c.target, Target::Money(_));
    let phase = Phase::on(c.starts_on, c.ends_on, today());
    CampaignLine {
        id: r.id,
        name: c.name.clone(),
        organiser: c.organiser.label(lang),
        period: format!("{} – {}", format_date(c.starts_on), format_date(c.ends_on)),
        phase: phase.label(lang),
        running: phase == Phase::Running,
        money,
        target: c.target.display(lang),
        reached: amount(money, p.reached, lang),
        promised: amount(money, p.promised, lang),
        missing: amount(money, p.missing, lang),
        percent: p.percent(lang),
        per_mille: p.per_mille.min(1000),
        donors: r.gathered.donors,
        counted: if money {
            r.gathered.gifts_received
        } else {
            r.gathered.receipts
        },
        note: c.note.clone(),
    }
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/campaigns.html")]
struct CampaignsPage {
    l: Layout,
    campaigns: Vec<CampaignLine>,
    can_create: bool,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let all = state.store.campaigns().await?;
    Ok(render(CampaignsPage {
        l: ctx.layout(texts::tr(ctx.lang).nav_campaigns),
        campaigns: all.iter().map(|r| line(r, ctx.lang)).collect(),
        can_create: actor.can(Action::RecordMoney)
            && Organiser::ALL.iter().any(|o| o.run_by(actor.user.role)),
    }))
}

/// A gift (its donor, linking to the gift, and its ledger entry) or a receipt (its
/// minutes number, linking to the receipt, and its donor).
pub struct Counted {
    pub href: String,
    pub title: String,
    pub donor: Option<String>,
    pub entry: Option<i64>,
    pub date: String,
    pub amount: String,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/campaign.html")]
struct CampaignPage {
    l: Layout,
    c: CampaignLine,
    counted: Vec<Counted>,
    more: bool,
}

pub async fn campaign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = state
        .store
        .campaign(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lang = ctx.lang;
    let counted: Vec<Counted> = match r.campaign.target {
        Target::Money(_) => state
            .store
            .campaign_gifts(&r.campaign, LISTED + 1)
            .await?
            .into_iter()
            .map(|g| Counted {
                href: format!("/gifts/{}", g.gift_id),
                title: g.donor_name,
                donor: None,
                entry: g.entry_id.filter(|_| g.received),
                date: format_date(g.date),
                amount: g.amount.to_string(),
            })
            .collect(),
        Target::Devices(_) => state
            .store
            .campaign_receipts(&r.campaign, LISTED + 1)
            .await?
            .into_iter()
            .map(|d| Counted {
                href: format!("/donations/{}", d.donation_id),
                title: d.minutes_no,
                donor: Some(d.donor_name),
                entry: None,
                date: format_date(d.received_on),
                amount: format!("{} ({})", Target::Devices(d.devices).display(lang), d.value),
            })
            .collect(),
    };
    let more = counted.len() as i64 > LISTED;
    let c = line(&r, lang);
    Ok(render(CampaignPage {
        l: ctx.layout(&c.name),
        c,
        counted: counted.into_iter().take(LISTED as usize).collect(),
        more,
    }))
}

#[derive(Deserialize, Default, Clone)]
pub struct CampaignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    organiser: String,
    #[serde(default)]
    target_kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    note: String,
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "ledger/templates/campaign_new.html")]
struct NewCampaignPage {
    l: Layout,
    organisers: Vec<Choice>,
    kinds: Vec<Choice>,
    f: CampaignForm,
    problems: Vec<String>,
}

fn form_page(ctx: &Ctx, actor: &Actor, f: CampaignForm, problems: Vec<String>) -> Response {
    let t = texts::tr(ctx.lang);
    let organisers = Organiser::ALL
        .into_iter()
        .filter(|o| o.run_by(actor.user.role))
        .map(|o| Choice {
            code: o.code(),
            label: o.label(ctx.lang),
            selected: o.code() == f.organiser,
        })
        .collect();
    let kinds = [("money", t.target_money), ("devices", t.target_devices)]
        .into_iter()
        .map(|(code, label)| Choice {
            code,
            label,
            selected: code == f.target_kind,
        })
        .collect();
    render(NewCampaignPage {
        l: ctx.layout(t.campaign_new),
        organisers,
        kinds,
        f,
        problems,
    })
}

pub async fn new_campaign(ctx: Ctx, actor: Actor) -> AppResult<Response> {
    let f = CampaignForm {
        target_kind: "money".into(),
        starts_on: format_date(today()),
        ..CampaignForm::default()
    };
    Ok(form_page(&ctx, &actor, f, Vec::new()))
}

/// A whole number of devices as an official types it: `500`, `1.200`, `1 200`.
fn parse_count(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
        .collect();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > 12 {
        return None;
    }
    t.parse().ok()
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Form(f): Form<CampaignForm>,
) -> AppResult<Response> {
    let t = texts::tr(ctx.lang);
    let unprocessable = |f, problems| {
        Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&ctx, &actor, f, problems),
        ))
    };
    let mut problems = Vec::new();
    let organiser = Organiser::parse(&f.organiser).filter(|o| o.run_by(actor.user.role));
    if organiser.is_none() {
        problems.push(t.choose_organiser.to_string());
    }
    let target = match f.target_kind.as_str() {
        "money" => Dong::parse(&f.target).map(Target::Money),
        "devices" => parse_count(&f.target).map(Target::Devices),
        _ => None,
    };
    if target.is_none() {
        problems.push(if f.target_kind == "devices" {
            t.bad_device_target.to_string()
        } else {
            t.bad_money_target.to_string()
        });
    }
    let starts_on = parse_date(&f.starts_on);
    if starts_on.is_none() {
        problems.push(format!("{}: {}", t.starts_on, t.bad_date));
    }
    let ends_on = parse_date(&f.ends_on);
    if ends_on.is_none() {
        problems.push(format!("{}: {}", t.ends_on, t.bad_date));
    }
    let (Some(organiser), Some(target), Some(starts_on), Some(ends_on)) =
        (organiser, target, starts_on, ends_on)
    else {
        return unprocessable(f, problems);
    };
    let c = NewCampaign {
        name: f.name.clone(),
        organiser,
        target,
        starts_on,
        ends_on,
        note: Some(f.note.clone()),
    };
    match state.store.create_campaign(&actor.audit(), &c).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/campaigns/{id}"),
            "campaign_saved",
            state.config.secure_cookies(),
        )),
        Err(StoreError::Domain(e)) => {
            let status = domain_status(&e);
            Ok(with_status(
                status,
                form_page(&ctx, &actor, f, vec![e.message(ctx.lang)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn counts_as_officials_type_them() {
        assert_eq!(parse_count("500"), Some(500));
        assert_eq!(parse_count(" 1.200 "), Some(1200));
        assert_eq!(parse_count("1 200"), Some(1200));
        for bad in ["", "1,5", "-3", "mười", "12e3", "9999999999999"] {
            assert_eq!(parse_count(bad), None, "{bad}");
        }
    }
}
