//! An Open Contracting Data Standard 1.1 release package made from the procurement
//! records: one release per package, carrying its planning budget, tender, award,
//! contract and the contract's payments as `implementation.transactions`. Pure: the store
//! gathers the records, this shapes them, the export writes them, a test validates them
//! against the vendored schema (`data/ocds-1.1.5/`).

use super::{Funding, Method, Stage};
use crate::money::Dong;
use crate::{DomainError, ledger};
use serde_json::{Value, json};
use time::Date;

/// A party as OCDS names it: its id in the release, its name, its tax code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub name: String,
    pub tax_code: Option<String>,
}

impl Org {
    fn id(&self) -> String {
        match &self.tax_code {
            Some(t) => format!("VN-MST-{t}"),
            None => format!(
                "VN-{}",
                crate::digest::sha256_hex(self.name.as_bytes())[..12].to_owned()
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsBid {
    pub bidder: Org,
    pub price: Dong,
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsPayment {
    pub id: i64,
    pub date: Date,
    pub amount: Dong,
    pub advance: bool,
    /// The ledger account it was paid from.
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsContract {
    pub number: String,
    pub supplier: Org,
    pub quantity: i64,
    pub unit_price: Dong,
    pub value: Dong,
    pub signed_on: Date,
    pub delivery_deadline: Date,
    pub warranty_months: i64,
    pub accepted_quantity: i64,
    pub paid: Dong,
    pub payments: Vec<OcdsPayment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsPackage {
    pub code: String,
    pub name: String,
    pub method: Method,
    pub estimate: Dong,
    pub funding: Funding,
    pub quantity: i64,
    pub item: String,
    pub plan_no: Option<String>,
    pub notice_no: Option<String>,
    pub plan_date: Date,
    pub notice_date: Option<Date>,
    pub bid_closing: Option<Date>,
    pub stage: Stage,
    pub bids: Vec<OcdsBid>,
    pub award_no: Option<String>,
    pub award_date: Option<Date>,
    pub award_value: Option<Dong>,
    pub awarded_to: Option<Org>,
    pub contract: Option<OcdsContract>,
    /// When the package last changed (the release's date).
    pub updated: time::OffsetDateTime,
}

/// Who publishes: the buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    pub uri: String,
    pub ocid_prefix: String,
}

/// The prefix used until the Department registers its own with the Open Contracting
/// Partnership (`--ocid-prefix`, `SONGMAYTINH_OCID_PREFIX`).
pub const DEFAULT_PREFIX: &str = "ocds-smtcem";

/// An ocid prefix as the Open Contracting Partnership registers them: `ocds-` and six
/// lowercase letters or digits.
pub fn check_prefix(prefix: &str) -> Result<String, DomainError> {
    let p = prefix.trim().to_lowercase();
    let ok = p.strip_prefix("ocds-").is_some_and(|r| {
        r.len() == 6
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !ok {
        return Err(super::invalid(
            "ocid_prefix",
            "tiền tố ocid có dạng ocds- và sáu chữ cái thường hoặc chữ số, như Tổ chức Đối tác Hợp đồng Mở cấp",
            "an ocid prefix is ocds- and six lowercase letters or digits, as the Open Contracting Partnership assigns them",
        ));
    }
    Ok(p)
}

fn date_time(d: Date) -> String {
    format!("{}T00:00:00+07:00", d)
}

fn money(d: Dong) -> Value {
    json!({"amount": d.0, "currency": "VND"})
}

fn org_ref(o: &Org) -> Value {
    json!({"id": o.id(), "name": o.name})
}

/// The ocid of a package: the prefix and the package's code, kept to letters, digits
/// and dashes.
pub fn ocid(prefix: &str, code: &str) -> String {
    let code: String = crate::ledger::vietqr::ascii_fold(code)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{}", code.trim_matches('-'))
}

/// One release for a package.
pub fn release(p: &OcdsPackage, publisher: &Publisher, buyer: &Org) -> Value {
    let ocid = ocid(&publisher.ocid_prefix, &p.code);
    let mut parties: Vec<(Org, Vec<&str>)> =
        vec![(buyer.clone(), vec!["buyer", "procuringEntity", "payer"])];
    let mut add = |o: &Org, role: &'static str| {
        if let Some((_, roles)) = parties.iter_mut().find(|(x, _)| x.id() == o.id()) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        } else {
            parties.push((o.clone(), vec![role]));
        }
    };
    for b in &p.bids {
        add(&b.bidder, "tenderer");
    }
    if let Some(o) = &p.awarded_to {
        add(o, "supplier");
    }
    if let Some(c) = &p.contract {
        add(&c.supplier, "supplier");
        if !c.payments.is_empty() {
            add(&c.supplier, "payee");
        }
    }
    let items = |qty: i64, unit: Option<Dong>| {
        let mut unit_v = json!({"name": "chiếc"});
        if let Some(u) = unit {
            unit_v["value"] = money(u);
        }
        json!([{"id": "1", "description": p.item, "quantity": qty, "unit": unit_v}])
    };
    let mut tags = vec!["planning"];
    let mut tender = json!({
        "id": p.notice_no.clone().unwrap_or_else(|| p.code.clone()),
        "title": p.name,
        "status": p.stage.ocds_tender_status(),
        "procurementMethod": p.method.ocds(),
        "procurementMethodDetails": p.method.name_vi(),
        "mainProcurementCategory": "goods",
        "value": money(p.estimate),
        "items": items(p.quantity, None),
    });
    if p.stage >= Stage::Tendering || p.notice_no.is_some() {
        tags.push("tender");
    }
    if let Some(d) = p.notice_date {
        let mut period = json!({"startDate": date_time(d)});
        if let Some(end) = p.bid_closing {
            period["endDate"] = json!(date_time(end));
        }
        tender["tenderPeriod"] = period;
    }
    if !p.bids.is_empty() {
        let mut seen = Vec::new();
        let tenderers: Vec<Value> = p
            .bids
            .iter()
            .filter(|b| {
                let new = !seen.contains(&b.bidder.id());
                seen.push(b.bidder.id());
                new
            })
            .map(|b| org_ref(&b.bidder))
            .collect();
        tender["numberOfTenderers"] = json!(tenderers.len());
        tender["tenderers"] = json!(tenderers);
    }
    let mut release = json!({
        "ocid": ocid,
        "id": format!("{ocid}-{}", p.updated.unix_timestamp()),
        "date": p.updated.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "language": "vi",
        "initiationType": "tender",
        "buyer": org_ref(buyer),
        "planning": {
            "budget": {
                "description": p.funding.label(crate::Lang::Vi),
                "amount": money(p.estimate),
            },
            "rationale": p.plan_no.as_ref().map(|n| format!("Kế hoạch lựa chọn nhà thầu {n}")).unwrap_or_else(|| "Kế hoạch lựa chọn nhà thầu".into()),
        },
        "tender": tender,
    });
    if let (Some(no), Some(to)) = (&p.award_no, &p.awarded_to) {
        tags.push("award");
        let mut award = json!({
            "id": no,
            "title": format!("Quyết định phê duyệt kết quả lựa chọn nhà thầu {no}"),
            "status": "active",
            "suppliers": [org_ref(to)],
            "items": items(p.quantity, None),
        });
        if let Some(d) = p.award_date {
            award["date"] = json!(date_time(d));
        }
        if let Some(v) = p.award_value {
            award["value"] = money(v);
        }
        release["awards"] = json!([award]);
        if let Some(c) = &p.contract {
            tags.push("contract");
            let status = if c.paid == c.value && c.accepted_quantity == c.quantity {
                "terminated"
            } else {
                "active"
            };
            let transactions: Vec<Value> = c
                .payments
                .iter()
                .map(|pay| {
                    let source = if pay.account == ledger::BANK {
                        "donations"
                    } else {
                        "budget"
                    };
                    json!({
                        "id": pay.id.to_string(),
                        "source": format!("{}#{source}", publisher.uri.trim_end_matches('/')),
                        "date": date_time(pay.date),
                        "value": money(pay.amount),
                        "payer": org_ref(buyer),
                        "payee": org_ref(&c.supplier),
                    })
                })
                .collect();
            let mut contract = json!({
                "id": c.number,
                "awardID": no,
                "title": format!("Hợp đồng {}", c.number),
                "description": format!("{} thiết bị, bảo hành {} tháng; đã nghiệm thu {}", c.quantity, c.warranty_months, c.accepted_quantity),
                "status": status,
                "value": money(c.value),
                "dateSigned": date_time(c.signed_on),
                "period": {"startDate": date_time(c.signed_on), "endDate": date_time(c.delivery_deadline)},
                "items": items(c.quantity, Some(c.unit_price)),
            });
            if !transactions.is_empty() {
                tags.push("implementation");
                contract["implementation"] = json!({"transactions": transactions});
            }
            release["contracts"] = json!([contract]);
        }
    }
    release["tag"] = json!(tags);
    release["parties"] = json!(
        parties
            .iter()
            .map(|(o, roles)| {
                let mut v = json!({"id": o.id(), "name": o.name, "roles": roles});
                if let Some(t) = &o.tax_code {
                    v["identifier"] = json!({"scheme": "VN-MST", "id": t, "legalName": o.name});
                }
                v
            })
            .collect::<Vec<_>>()
    );
    release
}

/// The release package of all packages.
pub fn package(
    packages: &[OcdsPackage],
    publisher: &Publisher,
    buyer: &Org,
    published: time::OffsetDateTime,
) -> Value {
    json!({
        "uri": format!("{}/procurement/ocds.json", publisher.uri.trim_end_matches('/')),
        "version": "1.1",
        "publishedDate": published.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "publisher": {"name": publisher.name},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": format!("{}/cong-khai", publisher.uri.trim_end_matches('/')),
        "releases": packages.iter().map(|p| release(p, publisher, buyer)).collect::<Vec<_>>(),
    })
}
