//! The portal's figures, one gathering for the page, the JSON and the CSV, so the three
//! always agree: the province's funnel, the students approved and handed over by district
//! and tier with small counts hidden ([`domain::reports::suppress`]), devices, money,
//! procurement packages and the donors who agreed to be named.

use crate::error::AppResult;
use crate::state::AppState;
use domain::Lang;
use domain::reports::figures::ProgressReport;
use domain::reports::suppress::{Masked, SMALLEST_SHOWN};
use domain::reports::{Period, Stage};
use serde_json::{Value, json};
use store::portal::PublicDonors;

/// The stages published by district and tier.
pub const PUBLISHED: [Stage; 2] = [Stage::Approved, Stage::Handed];

pub struct PublicFigures {
    pub report: ProgressReport,
    /// Row names as the public reads them ("Các trường trực thuộc Sở" for the Sở).
    pub rows: Vec<(String, String)>,
    /// One masked table per published stage: rows × tiers with margins.
    pub tables: Vec<(Stage, Masked)>,
    pub donors: PublicDonors,
    pub log_size: u64,
}

/// The figures of the province (the first root), or `None` before there are units and
/// a program.
pub async fn gather(state: &AppState, lang: Lang) -> AppResult<Option<PublicFigures>> {
    let Some(unit) = state
        .store
        .scope_unit(&domain::units::UnitPath::everything())
        .await?
    else {
        return Ok(None);
    };
    let Some(program) = state.store.report_program(None).await? else {
        return Ok(None);
    };
    let report = state
        .store
        .progress_report(&unit, &program, Period::default())
        .await?;
    let rows = report
        .rows
        .iter()
        .map(|r| {
            let name = if r.direct {
                lang.pick("Các trường trực thuộc Sở", "Schools under the Department")
                    .to_string()
            } else {
                r.name.clone()
            };
            (r.code.clone(), name)
        })
        .collect();
    let nt = report.tiers.len();
    let tables = PUBLISHED
        .iter()
        .map(|s| {
            let cells: Vec<Vec<i64>> = report
                .rows
                .iter()
                .map(|r| r.by_tier.iter().map(|f| f.get(*s)).collect())
                .collect();
            (*s, Masked::new(&cells, nt))
        })
        .collect();
    Ok(Some(PublicFigures {
        rows,
        tables,
        donors: state.store.public_donors().await?,
        log_size: state.store.log_size().await?,
        report,
    }))
}

/// A count of children's devices as published: hidden (`None`) from 1 to 9, as the
/// tables' cells are (with a student, under repair: each is a child).
pub fn child_count(n: i64) -> Option<i64> {
    (!(1..SMALLEST_SHOWN).contains(&n)).then_some(n)
}

fn cell(m: &Masked, r: usize, c: usize) -> Value {
    match m.shown(r, c) {
        Some(v) => json!(v),
        None => Value::Null,
    }
}

/// The figures as the open data's JSON (schema: [`SCHEMA`]).
pub fn to_json(f: &PublicFigures, lang: Lang) -> Value {
    let r = &f.report;
    let nt = r.tiers.len();
    let by_district: Vec<Value> = f
        .rows
        .iter()
        .enumerate()
        .map(|(i, (code, name))| {
            let mut o = serde_json::Map::new();
            o.insert("code".into(), json!(code));
            o.insert("name".into(), json!(name));
            for (s, m) in &f.tables {
                o.insert(
                    s.code().into(),
                    json!({
                        "total": cell(m, i, nt),
                        "by_tier": (0..nt).map(|t| cell(m, i, t)).collect::<Vec<_>>(),
                    }),
                );
            }
            Value::Object(o)
        })
        .collect();
    let mut totals = serde_json::Map::new();
    for (s, m) in &f.tables {
        totals.insert(
            s.code().into(),
            json!({
                "total": cell(m, m.rows(), nt),
                "by_tier": (0..nt).map(|t| cell(m, m.rows(), t)).collect::<Vec<_>>(),
            }),
        );
    }
    let money = r.money.clone().unwrap_or_default();
    let d = &r.devices;
    json!({
        "schema": "/cong-khai/du-lieu/tong-hop.schema.json",
        "province": r.unit_name,
        "program": r.program_name,
        "log_size": f.log_size,
        "suppression": {
            "smallest_shown": SMALLEST_SHOWN,
            "note": lang.pick(
                "Số từ 1 đến 9 học sinh và các ô cần ẩn kèm để không suy ra được được ghi null.",
                "Counts of 1 to 9 students, and the cells hidden with them so that none can be worked out, are null."),
        },
        "tiers": r.tiers.iter().map(|t| json!({"code": t.code, "label": t.label})).collect::<Vec<_>>(),
        "students": {
            "listed": r.total.get(Stage::Surveyed),
            "totals": Value::Object(totals),
            "by_district": by_district,
        },
        "devices": {
            "received_donated": d.received_donated,
            "received_bought": d.received_bought,
            "awaiting_appraisal": d.awaiting_appraisal,
            "in_stock": d.in_stock,
            "allocated": d.allocated,
            "with_unit": d.with_unit,
            "with_school": d.with_school,
            "with_student": child_count(d.with_student),
            "under_repair": child_count(d.under_repair),
            "out_of_use": d.out_of_use,
        },
        "money": {
            "cash_received": money.raised.0,
            "budget": money.budget.0,
            "contracted": money.contracted.0,
            "spent": money.spent.0,
            "committed": money.committed_now.0,
            "held": money.held.0,
            "held_by_mttq": money.held_by_mttq.0,
            "in_kind_value": money.in_kind_value.0,
            "in_kind_devices": money.in_kind_devices,
        },
        "procurement": r.packages.iter().map(|p| json!({
            "code": p.code,
            "name": p.name,
            "stage": p.stage,
            "quantity": p.quantity,
            "estimate": p.estimate.0,
            "supplier": p.supplier,
            "contract_value": p.contract_value.map(|v| v.0),
            "delivered": p.delivered,
            "paid": p.paid.0,
        })).collect::<Vec<_>>(),
        "donors": {
            "named": f.donors.named.iter().map(|(n, c, dv, v)| json!({
                "name": n, "cash": c.0, "devices": dv, "in_kind_value": v.0,
            })).collect::<Vec<_>>(),
            "others": {
                "count": f.donors.others.0,
                "cash": f.donors.others.1.0,
                "devices": f.donors.others.2,
                "in_kind_value": f.donors.others.3.0,
            },
        },
    })
}

/// The district × tier tables as CSV, one line per cell ("long" form): district code and
/// name, stage, tier (empty for the row's total), the count (empty when hidden), and
/// whether it is hidden.
pub fn to_csv(f: &PublicFigures) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "unit_code",
        "unit_name",
        "stage",
        "tier",
        "count",
        "suppressed",
    ]);
    let r = &f.report;
    let nt = r.tiers.len();
    let total_row = f.rows.len();
    for (s, m) in &f.tables {
        for i in 0..=total_row {
            let (code, name) = f
                .rows
                .get(i)
                .cloned()
                .unwrap_or_else(|| (r.unit_code.clone(), r.unit_name.clone()));
            for t in 0..=nt {
                let tier = r.tiers.get(t).map(|x| x.code.clone()).unwrap_or_default();
                let v = m.shown(i, t);
                let _ = w.write_record([
                    sheets::export::csv_text(&code).as_ref(),
                    sheets::export::csv_text(&name).as_ref(),
                    s.code(),
                    &tier,
                    &v.map(|n| n.to_string()).unwrap_or_default(),
                    if v.is_none() { "true" } else { "false" },
                ]);
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The JSON Schema (2020-12) of `tong-hop.json`.
pub const SCHEMA: &str = include_str!("tong-hop.schema.json");
