//! Procurement on either engine: a package from its plan to its last payment, each step
//! in one transaction with its audit entry, the money steps in the same transaction as
//! their ledger entries (a contract reserves its value, an acceptance posts part of it, a
//! payment pays it), the domain's rules checked first and the database's CHECKs again
//! (migration 0016). See docs/adr/0023-procurement.md.

mod records;

pub use records::*;

use crate::db::{Q, Tx, q};
use crate::documents::{DocumentOwner, Note, Upload, keep};
use crate::error::{Result, StoreError, unique_violation};
use crate::ledger::post_in;
use crate::students::programs::iso;
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::Lang;
use domain::audit::Entity;
use domain::dates::{now_millis, today};
use domain::ledger::{ADVANCES, NewEntry, PAYABLE, Posting, Request, SPENDING, Source};
use domain::money::Dong;
use domain::procurement::{
    Method, NewBid, NewContract, NewInvoice, NewPackage, PaymentKind, ProcurementError, Stage,
    ThresholdRule, invalid, lowest_valid, system_number, text,
};
use serde_json::json;
use time::Date;

fn out_of_order(vi: &str, en: &str) -> StoreError {
    DomainError::from(ProcurementError::OutOfOrder {
        step_vi: vi.into(),
        step_en: en.into(),
    })
    .into()
}

fn duplicate(
    field: &'static str,
    what_vi: &'static str,
    what_en: &'static str,
    number: &str,
) -> StoreError {
    DomainError::from(ProcurementError::Duplicate {
        field,
        what_vi,
        what_en,
        number: number.to_string(),
    })
    .into()
}

/// An insert's or update's result, or the domain's refusal for the unique key it broke
/// (`on` says which keys it knows and what each means).
fn refused<T>(
    r: std::result::Result<T, sqlx::Error>,
    on: impl FnOnce(&'static str) -> Option<StoreError>,
) -> Result<T> {
    r.map_err(|e| {
        unique_violation(&e)
            .and_then(on)
            .unwrap_or_else(|| e.into())
    })
}

/// A date of a step: not in the future, not before `after` (the step before it).
fn check_date(
    on: Date,
    after: Option<Date>,
    field: &'static str,
    vi: &str,
    en: &str,
) -> Result<()> {
    if on > today() {
        return Err(invalid(
            field,
            &format!("{vi} không được sau hôm nay"),
            &format!("{en} cannot be after today"),
        )
        .into());
    }
    if let Some(a) = after
        && on < a
    {
        return Err(invalid(
            field,
            &format!(
                "{vi} không được trước bước trước đó ({})",
                domain::dates::format_date(a)
            ),
            &format!(
                "{en} cannot be before the step before it ({})",
                domain::dates::format_date(a)
            ),
        )
        .into());
    }
    Ok(())
}

async fn log(
    tx: &mut Tx,
    actor: &AuditActor,
    package: i64,
    action: &'static str,
    summary: String,
    changes: serde_json::Value,
) -> Result<()> {
    q("UPDATE procurement_packages SET updated_at = $1 WHERE id = $2")
        .bind(now_millis())
        .bind(package)
        .execute(&mut *tx)
        .await?;
    audit::append(
        tx,
        actor,
        AuditEvent {
            entity: Entity::Procurement,
            entity_id: Some(package.to_string()),
            action,
            summary,
            unit_id: None,
            changes: Some(changes),
            personal: None,
        },
    )
    .await?;
    Ok(())
}

/// The package, held for the rest of the transaction (a row lock on PostgreSQL, the
/// write lock on SQLite), so two steps on one package happen one after the other.
async fn hold_package(tx: &mut Tx, id: i64) -> Result<PackageRecord> {
    let n = q("UPDATE procurement_packages SET stage = stage WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if n == 0 {
        return Err(DomainError::NotFound.into());
    }
    package_in(tx, id)
        .await?
        .ok_or_else(|| DomainError::NotFound.into())
}

async fn package_in(tx: &mut Tx, id: i64) -> Result<Option<PackageRecord>> {
    let row: Option<PackageRow> = Q::assembled(format!("{PACKAGE_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(PackageRow::record).transpose()
}

/// The contract, held like [`hold_package`].
async fn hold_contract(tx: &mut Tx, id: i64) -> Result<ContractRecord> {
    let n = q("UPDATE procurement_contracts SET paid = paid WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if n == 0 {
        return Err(DomainError::NotFound.into());
    }
    contract_in(tx, "c.id", id)
        .await?
        .ok_or_else(|| DomainError::NotFound.into())
}

async fn contract_in(tx: &mut Tx, by: &str, id: i64) -> Result<Option<ContractRecord>> {
    let row: Option<ContractRow> = Q::assembled(format!("{CONTRACT_SELECT} WHERE {by} = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(ContractRow::record).transpose()
}

fn set_stage_sql() -> &'static str {
    "UPDATE procurement_packages SET stage = $1 WHERE id = $2"
}

/// Moves the package on when its contract is fully accepted, or accepted and paid.
async fn advance_stage(tx: &mut Tx, c: &ContractRecord) -> Result<()> {
    let stage = if c.accepted_qty == c.quantity
        && c.money.payable() == Dong::ZERO
        && c.money.advanced == c.money.recovered
    {
        Stage::Completed
    } else if c.accepted_qty == c.quantity {
        Stage::Delivered
    } else {
        Stage::Contracted
    };
    q(set_stage_sql())
        .bind(stage.code())
        .bind(c.package_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// What a procurement entry is about: its package (whose page lists its entries).
fn package_source(package: i64) -> Option<Source> {
    Some(Source {
        kind: "procurement".into(),
        id: package.to_string(),
    })
}

impl Store {
    /// The thresholds as dated rules, oldest first.
    pub async fn procurement_rules(&self) -> Result<Vec<ThresholdRule>> {
        let rows: Vec<(String, i64, String, String)> = q(
            "SELECT method, max_value, valid_from, legal_basis FROM procurement_thresholds ORDER BY valid_from, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(m, max, from, basis)| {
                Ok(ThresholdRule {
                    method: Method::parse(&m).ok_or_else(|| {
                        StoreError::corrupt("procurement_thresholds", "method", m.clone())
                    })?,
                    max_value: Dong(max),
                    valid_from: crate::students::programs::parse_iso(
                        &from,
                        "procurement_thresholds",
                        "valid_from",
                    )?,
                    legal_basis: basis,
                })
            })
            .collect()
    }

    /// Adds a dated threshold, or changes the one of the same method and day.
    pub async fn save_threshold(&self, actor: &AuditActor, rule: &ThresholdRule) -> Result<()> {
        let basis = text(
            &rule.legal_basis,
            "legal_basis",
            200,
            "căn cứ pháp lý",
            "the legal basis",
        )?;
        domain::procurement::positive(rule.max_value, "max_value")?;
        let mut tx = self.pool().begin().await?;
        let before: Option<i64> =
            q("SELECT max_value FROM procurement_thresholds WHERE method = $1 AND valid_from = $2")
                .bind(rule.method.code())
                .bind(iso(rule.valid_from))
                .scalar_optional(&mut tx)
                .await?;
        let sql = if before.is_some() {
            "UPDATE procurement_thresholds SET max_value = $3, legal_basis = $4, updated_by = $5, updated_at = $6
              WHERE method = $1 AND valid_from = $2"
        } else {
            "INSERT INTO procurement_thresholds (method, valid_from, max_value, legal_basis, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)"
        };
        q(sql)
            .bind(rule.method.code())
            .bind(iso(rule.valid_from))
            .bind(rule.max_value.0)
            .bind(basis.clone())
            .bind(actor.name.clone())
            .bind(now_millis())
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Procurement,
                entity_id: None,
                action: "threshold",
                summary: format!(
                    "Hạn mức {} từ {}: {} ({basis})",
                    rule.method.name_vi().to_lowercase(),
                    domain::dates::format_date(rule.valid_from),
                    rule.max_value
                ),
                unit_id: None,
                changes: Some(json!({"method": rule.method.code(), "valid_from": iso(rule.valid_from),
                                     "max_value": rule.max_value.0, "before": before, "legal_basis": basis})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a package from the selection plan. `model_id` is the device model it buys,
    /// when already chosen.
    pub async fn create_package(
        &self,
        actor: &AuditActor,
        p: &NewPackage,
        model_id: Option<i64>,
    ) -> Result<i64> {
        let p = p.checked()?;
        check_date(
            p.plan_date,
            None,
            "plan_date",
            "ngày phê duyệt kế hoạch",
            "the plan's date",
        )?;
        if let Some(m) = model_id
            && self.device_model_kind(m).await?.is_none()
        {
            return Err(
                DomainError::Devices(domain::devices::DevicesError::UnknownModel { id: m }).into(),
            );
        }
        let mut tx = self.pool().begin().await?;
        let now = now_millis();
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_packages (code, name, method, estimate, funding, quantity, model_id, plan_no, plan_decision,
                                               plan_date, schedule, stage, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'planned', $12, $13, $13) RETURNING id",
        )
        .bind(p.code.clone())
        .bind(p.name.clone())
        .bind(p.method.code())
        .bind(p.estimate.0)
        .bind(p.funding.code())
        .bind(p.quantity)
        .bind(model_id)
        .bind(p.plan_no.clone())
        .bind(p.plan_decision.clone())
        .bind(iso(p.plan_date))
        .bind(p.schedule.clone())
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_packages_code_key" => {
                Some(duplicate("code", "mã gói thầu", "package code", &p.code))
            }
            "procurement_packages_plan_key" => Some(duplicate(
                "plan_no",
                "số kế hoạch lựa chọn nhà thầu",
                "selection plan number",
                p.plan_no.as_deref().unwrap_or(""),
            )),
            _ => None,
        })?;
        log(
            &mut tx,
            actor,
            id,
            "create",
            format!("Lập gói thầu {}: {} ({}, {})", p.code, p.name, p.method.name_vi().to_lowercase(), p.estimate),
            json!({"code": p.code, "name": p.name, "method": p.method.code(), "estimate": p.estimate.0,
                   "funding": p.funding.code(), "quantity": p.quantity, "model_id": model_id, "plan_no": p.plan_no,
                   "plan_decision": p.plan_decision, "plan_date": iso(p.plan_date), "schedule": p.schedule}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens the selection: the bidding notice on the national system (required for the
    /// methods that invite bids), its date and the bid closing date.
    pub async fn open_selection(
        &self,
        actor: &AuditActor,
        id: i64,
        notice_no: Option<&str>,
        notice_date: Date,
        closing: Option<Date>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, id).await?;
        if p.stage != Stage::Planned {
            return Err(out_of_order(
                "gói thầu đã qua bước mời thầu",
                "the package is past its invitation",
            ));
        }
        let notice = match notice_no.map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(system_number(n, "IB", "notice_no")?),
            None if p.method.takes_bids() => {
                return Err(invalid(
                    "notice_no",
                    "hình thức này cần số thông báo mời thầu trên Hệ thống mạng đấu thầu quốc gia (IB…)",
                    "this method needs the bidding notice number on the national e-procurement system (IB…)",
                )
                .into());
            }
            None => None,
        };
        check_date(
            notice_date,
            Some(p.plan_date),
            "notice_date",
            "ngày mời thầu",
            "the notice date",
        )?;
        if let Some(c) = closing
            && c < notice_date
        {
            return Err(invalid(
                "bid_closing",
                "thời điểm đóng thầu không được trước ngày mời thầu",
                "the bid closing date cannot be before the notice",
            )
            .into());
        }
        let r = q("UPDATE procurement_packages SET notice_no = $1, notice_date = $2, bid_closing = $3, stage = 'tendering' WHERE id = $4")
            .bind(notice.clone())
            .bind(iso(notice_date))
            .bind(closing.map(iso))
            .bind(id)
            .execute(&mut tx)
            .await;
        refused(r, |key| {
            (key == "procurement_packages_notice_key").then(|| {
                duplicate(
                    "notice_no",
                    "số thông báo mời thầu",
                    "bidding notice number",
                    notice.as_deref().unwrap_or(""),
                )
            })
        })?;
        log(
            &mut tx,
            actor,
            id,
            "open_selection",
            format!(
                "Mời thầu gói {}{}",
                p.code,
                notice.as_deref().map(|n| format!(", thông báo {n}")).unwrap_or_default()
            ),
            json!({"notice_no": notice, "notice_date": iso(notice_date), "bid_closing": closing.map(iso)}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a bid as opened and evaluated (or the appointed contractor's proposal).
    pub async fn record_bid(&self, actor: &AuditActor, package: i64, b: &NewBid) -> Result<i64> {
        let b = b.checked()?;
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, package).await?;
        if p.stage != Stage::Tendering {
            return Err(out_of_order(
                "chỉ ghi hồ sơ dự thầu khi gói thầu đang lựa chọn nhà thầu",
                "bids are recorded only while the package is being tendered",
            ));
        }
        check_date(
            b.submitted_on,
            p.notice_date,
            "submitted_on",
            "ngày nộp hồ sơ",
            "the submission date",
        )?;
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_bids (package_id, bidder, tax_code, price, submitted_on, valid, reason, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(package)
        .bind(b.bidder.clone())
        .bind(b.tax_code.clone())
        .bind(b.price.0)
        .bind(iso(b.submitted_on))
        .bind(b.valid)
        .bind(b.reason.clone())
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_bids_bidder_key" => Some(duplicate(
                "tax_code",
                "hồ sơ dự thầu của nhà thầu có mã số thuế",
                "bid of the bidder with tax code",
                &b.tax_code,
            )),
            _ => None,
        })?;
        log(
            &mut tx,
            actor,
            package,
            "bid",
            format!(
                "Hồ sơ dự thầu gói {} của {}: {}{}",
                p.code,
                b.bidder,
                b.price,
                if b.valid {
                    String::new()
                } else {
                    " (không hợp lệ)".into()
                }
            ),
            json!({"bid": id, "bidder": b.bidder, "tax_code": b.tax_code, "price": b.price.0,
                   "submitted_on": iso(b.submitted_on), "valid": b.valid, "reason": b.reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The award decision: its number and date, and the bid it awards, which must be a
    /// valid one within the estimate, and the lowest valid one for a method with bids.
    pub async fn award(
        &self,
        actor: &AuditActor,
        package: i64,
        award_no: &str,
        award_date: Date,
        bid: i64,
    ) -> Result<()> {
        let award_no = text(
            award_no,
            "award_no",
            80,
            "số quyết định phê duyệt kết quả",
            "the award decision number",
        )?;
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, package).await?;
        if p.stage != Stage::Tendering {
            return Err(out_of_order(
                "chỉ phê duyệt kết quả khi gói thầu đang lựa chọn nhà thầu",
                "an award is made only while the package is being tendered",
            ));
        }
        let bids = bids_in(&mut tx, package).await?;
        let Some(chosen) = bids.iter().find(|b| b.id == bid) else {
            return Err(invalid(
                "bid",
                "hãy chọn một hồ sơ dự thầu của gói này",
                "choose a bid of this package",
            )
            .into());
        };
        if !chosen.valid {
            return Err(invalid(
                "bid",
                "hồ sơ dự thầu này không hợp lệ, không thể trúng thầu",
                "this bid is not valid and cannot be awarded",
            )
            .into());
        }
        if p.method.takes_bids() {
            let prices: Vec<(Dong, bool)> = bids.iter().map(|b| (b.price, b.valid)).collect();
            if lowest_valid(&prices).map(|i| bids[i].id) != Some(bid) {
                return Err(invalid(
                    "bid",
                    "hàng hóa được đánh giá theo giá thấp nhất: chỉ hồ sơ hợp lệ có giá thấp nhất được trúng thầu",
                    "goods are evaluated by lowest price: only the lowest valid bid can be awarded",
                )
                .into());
            }
        }
        if chosen.price > p.estimate {
            return Err(invalid(
                "bid",
                &format!(
                    "giá dự thầu {} vượt giá gói thầu {}",
                    chosen.price, p.estimate
                ),
                &format!(
                    "the bid {} is above the package's estimate {}",
                    chosen.price, p.estimate
                ),
            )
            .into());
        }
        check_date(
            award_date,
            Some(chosen.submitted_on),
            "award_date",
            "ngày phê duyệt kết quả",
            "the award date",
        )?;
        q("UPDATE procurement_packages SET award_no = $1, award_date = $2, award_bid_id = $3, award_value = $4, stage = 'awarded' WHERE id = $5")
            .bind(award_no.clone())
            .bind(iso(award_date))
            .bind(bid)
            .bind(chosen.price.0)
            .bind(package)
            .execute(&mut tx)
            .await?;
        log(
            &mut tx,
            actor,
            package,
            "award",
            format!("Phê duyệt kết quả gói {} (quyết định {award_no}): {} trúng thầu, {}", p.code, chosen.bidder, chosen.price),
            json!({"award_no": award_no, "award_date": iso(award_date), "bid": bid, "value": chosen.price.0}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Signs the contract with the awarded bidder, and reserves its value in the ledger.
    pub async fn sign_contract(
        &self,
        actor: &AuditActor,
        package: i64,
        c: &NewContract,
        model_id: i64,
    ) -> Result<i64> {
        let c = c.checked()?;
        if self.device_model_kind(model_id).await?.is_none() {
            return Err(
                DomainError::Devices(domain::devices::DevicesError::UnknownModel { id: model_id })
                    .into(),
            );
        }
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, package).await?;
        if p.stage != Stage::Awarded {
            return Err(out_of_order(
                "hợp đồng chỉ ký sau khi phê duyệt kết quả lựa chọn nhà thầu",
                "a contract is signed only after the award",
            ));
        }
        let bids = bids_in(&mut tx, package).await?;
        let winner = bids.iter().find(|b| Some(b.id) == p.award_bid_id);
        if let Some(w) = winner
            && w.tax_code != c.tax_code
        {
            return Err(invalid(
                "tax_code",
                &format!(
                    "hợp đồng phải ký với nhà thầu trúng thầu {} (mã số thuế {})",
                    w.bidder, w.tax_code
                ),
                &format!(
                    "the contract must be signed with the awarded bidder {} (tax code {})",
                    w.bidder, w.tax_code
                ),
            )
            .into());
        }
        if let Some(v) = p.award_value
            && c.value > v
        {
            return Err(invalid(
                "value",
                &format!("giá trị hợp đồng {} vượt giá trúng thầu {v}", c.value),
                &format!(
                    "the contract's value {} is above the awarded price {v}",
                    c.value
                ),
            )
            .into());
        }
        check_date(
            c.signed_on,
            p.award_date,
            "signed_on",
            "ngày ký hợp đồng",
            "the signing date",
        )?;
        // The commitment first (a package has one contract: its key is the package's),
        // then the contract that points to it.
        let reserve = post_in(
            &mut tx,
            actor,
            &Request::Reserve(NewEntry {
                key: format!("procurement-contract-{package}"),
                date: c.signed_on,
                memo: format!(
                    "Cam kết hợp đồng {} gói {} với {}",
                    c.number, p.code, c.supplier
                ),
                postings: vec![
                    Posting::debit(SPENDING, c.value),
                    Posting::credit(PAYABLE, c.value),
                ],
                source: package_source(package),
            }),
        )
        .await?;
        if reserve.replayed {
            return Err(out_of_order(
                "gói thầu đã có hợp đồng",
                "the package already has its contract",
            ));
        }
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_contracts (package_id, number, supplier, tax_code, model_id, quantity, unit_price, value,
                                                signed_on, delivery_deadline, warranty_months, advance_limit, pending_entry,
                                                created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(package)
        .bind(c.number.clone())
        .bind(c.supplier.clone())
        .bind(c.tax_code.clone())
        .bind(model_id)
        .bind(c.quantity)
        .bind(c.unit_price.0)
        .bind(c.value.0)
        .bind(iso(c.signed_on))
        .bind(iso(c.delivery_deadline))
        .bind(c.warranty_months)
        .bind(c.advance.0)
        .bind(reserve.entry)
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_contracts_number_key" => Some(duplicate(
                "number",
                "số hợp đồng",
                "contract number",
                &c.number,
            )),
            "procurement_contracts_package_key" => Some(out_of_order(
                "gói thầu đã có hợp đồng",
                "the package already has its contract",
            )),
            _ => None,
        })?;
        q("UPDATE procurement_packages SET stage = 'contracted', model_id = $1 WHERE id = $2")
            .bind(model_id)
            .bind(package)
            .execute(&mut tx)
            .await?;
        log(
            &mut tx,
            actor,
            package,
            "contract",
            format!("Ký hợp đồng {} gói {} với {}: {} × {} = {}", c.number, p.code, c.supplier, c.quantity, c.unit_price, c.value),
            json!({"contract": id, "number": c.number, "supplier": c.supplier, "tax_code": c.tax_code, "model_id": model_id,
                   "quantity": c.quantity, "unit_price": c.unit_price.0, "value": c.value.0, "signed_on": iso(c.signed_on),
                   "delivery_deadline": iso(c.delivery_deadline), "warranty_months": c.warranty_months,
                   "advance": c.advance.0, "entry": reserve.entry}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a delivery under a contract; its serials then enter the registry through
    /// the intake page, which offers it as a batch.
    pub async fn record_delivery(
        &self,
        actor: &AuditActor,
        contract: i64,
        delivery_no: &str,
        delivered_on: Date,
        quantity: i64,
        note: &str,
    ) -> Result<i64> {
        let delivery_no = text(
            delivery_no,
            "delivery_no",
            60,
            "số biên bản giao hàng",
            "the delivery note number",
        )?;
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.chars().count() > 500 {
            return Err(invalid(
                "note",
                "ghi chú dài quá 500 ký tự",
                "the note is longer than 500 characters",
            )
            .into());
        }
        let mut tx = self.pool().begin().await?;
        let c = hold_contract(&mut tx, contract).await?;
        if c.release_entry.is_some() {
            return Err(out_of_order(
                "hợp đồng đã thanh lý",
                "the contract is closed",
            ));
        }
        if quantity <= 0 || c.delivered_qty + quantity > c.quantity {
            return Err(DomainError::from(ProcurementError::QuantityExceeded {
                what_vi: "số lượng hợp đồng còn chưa giao",
                what_en: "what is left of the contract's quantity",
                limit: c.quantity - c.delivered_qty,
                asked: quantity,
            })
            .into());
        }
        check_date(
            delivered_on,
            Some(c.signed_on),
            "delivered_on",
            "ngày giao hàng",
            "the delivery date",
        )?;
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_deliveries (contract_id, delivery_no, delivered_on, quantity, note, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(contract)
        .bind(delivery_no.clone())
        .bind(iso(delivered_on))
        .bind(quantity)
        .bind(note.clone())
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_deliveries_no_key" => Some(duplicate(
                "delivery_no",
                "số biên bản giao hàng",
                "delivery note number",
                &delivery_no,
            )),
            _ => None,
        })?;
        q("UPDATE procurement_contracts SET delivered_qty = delivered_qty + $1 WHERE id = $2")
            .bind(quantity)
            .bind(contract)
            .execute(&mut tx)
            .await?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "delivery",
            format!("Giao hàng {delivery_no} theo hợp đồng {}: {quantity} thiết bị", c.number),
            json!({"delivery": id, "contract": contract, "delivery_no": delivery_no, "delivered_on": iso(delivered_on),
                   "quantity": quantity, "note": note}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Accepts a delivery (biên bản nghiệm thu): `quantity` of its devices, all already in
    /// the registry. Posts their value from the contract's commitment, and sets off what
    /// is outstanding of the advances.
    pub async fn accept_delivery(
        &self,
        actor: &AuditActor,
        delivery: i64,
        minutes_no: &str,
        accepted_on: Date,
        quantity: i64,
        members: &str,
    ) -> Result<i64> {
        let minutes_no = text(
            minutes_no,
            "minutes_no",
            60,
            "số biên bản nghiệm thu",
            "the acceptance minutes number",
        )?;
        let members = text(
            members,
            "members",
            500,
            "thành phần hội đồng nghiệm thu",
            "the acceptance board's members",
        )?;
        let mut tx = self.pool().begin().await?;
        let d: Option<(i64, String, i64, String)> =
            q("SELECT contract_id, delivery_no, quantity, delivered_on FROM procurement_deliveries WHERE id = $1")
                .bind(delivery)
                .fetch_optional(&mut tx)
                .await?;
        let Some((contract, delivery_no, delivered, delivered_on)) = d else {
            return Err(DomainError::NotFound.into());
        };
        let c = hold_contract(&mut tx, contract).await?;
        let registered: i64 = q("SELECT COUNT(*) FROM devices WHERE delivery_id = $1")
            .bind(delivery)
            .scalar(&mut tx)
            .await?;
        if quantity <= 0 || quantity > delivered {
            return Err(DomainError::from(ProcurementError::QuantityExceeded {
                what_vi: "số lượng của lần giao hàng",
                what_en: "the delivery's quantity",
                limit: delivered,
                asked: quantity,
            })
            .into());
        }
        if quantity > registered {
            return Err(DomainError::from(ProcurementError::QuantityExceeded {
                what_vi: "số thiết bị của lần giao này đã quét sê-ri vào sổ theo dõi",
                what_en: "the devices of this delivery whose serials are in the registry",
                limit: registered,
                asked: quantity,
            })
            .into());
        }
        let delivered_on = crate::students::programs::parse_iso(
            &delivered_on,
            "procurement_deliveries",
            "delivered_on",
        )?;
        check_date(
            accepted_on,
            Some(delivered_on),
            "accepted_on",
            "ngày nghiệm thu",
            "the acceptance date",
        )?;
        let amount = Dong(c.unit_price.0 * quantity);
        let after = c.money.accept(amount)?;
        let recovery = Dong(after.recovered.0 - c.money.recovered.0);
        let dup = q("SELECT id FROM procurement_acceptances WHERE delivery_id = $1 OR (contract_id = $2 AND minutes_no = $3)")
            .bind(delivery)
            .bind(contract)
            .bind(minutes_no.clone())
            .scalar_optional::<i64>(&mut tx)
            .await?;
        if dup.is_some() {
            return Err(duplicate(
                "minutes_no",
                "nghiệm thu của lần giao hàng này hoặc số biên bản",
                "acceptance of this delivery or minutes number",
                &minutes_no,
            ));
        }
        let entry = post_in(
            &mut tx,
            actor,
            &Request::PostPending {
                key: format!("procurement-acceptance-{delivery}"),
                date: accepted_on,
                memo: format!("Nghiệm thu {minutes_no} ({quantity} thiết bị, giao hàng {delivery_no}) hợp đồng {}", c.number),
                pending: c.pending_entry,
                amount,
                source: package_source(c.package_id),
            },
        )
        .await?
        .entry;
        let recovery_entry = if recovery.0 > 0 {
            Some(
                post_in(
                    &mut tx,
                    actor,
                    &Request::Post(NewEntry {
                        key: format!("procurement-recovery-{delivery}"),
                        date: accepted_on,
                        memo: format!(
                            "Thu hồi tạm ứng khi nghiệm thu {minutes_no}, hợp đồng {}",
                            c.number
                        ),
                        postings: vec![
                            Posting::debit(PAYABLE, recovery),
                            Posting::credit(ADVANCES, recovery),
                        ],
                        source: package_source(c.package_id),
                    }),
                )
                .await?
                .entry,
            )
        } else {
            None
        };
        let id: i64 = q(
            "INSERT INTO procurement_acceptances (contract_id, delivery_id, minutes_no, accepted_on, quantity, amount, recovery,
                                                  members, entry_id, recovery_entry, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(contract)
        .bind(delivery)
        .bind(minutes_no.clone())
        .bind(iso(accepted_on))
        .bind(quantity)
        .bind(amount.0)
        .bind(recovery.0)
        .bind(members.clone())
        .bind(entry)
        .bind(recovery_entry)
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await?;
        q("UPDATE procurement_contracts SET accepted_qty = accepted_qty + $1, accepted = $2, recovered = $3 WHERE id = $4")
            .bind(quantity)
            .bind(after.accepted.0)
            .bind(after.recovered.0)
            .bind(contract)
            .execute(&mut tx)
            .await?;
        let c = contract_in(&mut tx, "c.id", contract)
            .await?
            .ok_or(DomainError::NotFound)?;
        advance_stage(&mut tx, &c).await?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "accept",
            format!("Nghiệm thu {minutes_no}: {quantity} thiết bị, {amount} (hợp đồng {})", c.number),
            json!({"acceptance": id, "delivery": delivery, "minutes_no": minutes_no, "accepted_on": iso(accepted_on),
                   "quantity": quantity, "amount": amount.0, "recovery": recovery.0, "members": members,
                   "entry": entry, "recovery_entry": recovery_entry}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the supplier's invoice for a contract. An invoice number is used once per
    /// supplier, across every contract.
    pub async fn record_invoice(
        &self,
        actor: &AuditActor,
        contract: i64,
        inv: &NewInvoice,
    ) -> Result<i64> {
        let inv = inv.checked()?;
        let mut tx = self.pool().begin().await?;
        let c = hold_contract(&mut tx, contract).await?;
        check_date(
            inv.date,
            Some(c.signed_on),
            "date",
            "ngày hóa đơn",
            "the invoice date",
        )?;
        let invoiced: i64 = q("SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM procurement_invoices WHERE contract_id = $1")
            .bind(contract)
            .scalar(&mut tx)
            .await?;
        if invoiced + inv.total.0 > c.value.0 {
            return Err(DomainError::from(ProcurementError::PaymentTooLarge {
                asked: inv.total,
                allowed: Dong(c.value.0 - invoiced),
                reason_vi: "giá trị hợp đồng chưa xuất hóa đơn",
                reason_en: "what of the contract's value is not yet invoiced",
            })
            .into());
        }
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_invoices (contract_id, tax_code, number, invoice_date, before_vat, vat_rate, vat, total, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(contract)
        .bind(c.tax_code.clone())
        .bind(inv.number.clone())
        .bind(iso(inv.date))
        .bind(inv.before_vat.0)
        .bind(inv.vat_rate)
        .bind(inv.vat.0)
        .bind(inv.total.0)
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_invoices_supplier_key" => Some(duplicate(
                "number",
                "số hóa đơn của nhà cung cấp này",
                "invoice number of this supplier",
                &inv.number,
            )),
            _ => None,
        })?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "invoice",
            format!("Hóa đơn {} của {}: {} (thuế GTGT {}%)", inv.number, c.supplier, inv.total, inv.vat_rate),
            json!({"invoice": id, "contract": contract, "number": inv.number, "date": iso(inv.date), "before_vat": inv.before_vat.0,
                   "vat_rate": inv.vat_rate, "vat": inv.vat.0, "total": inv.total.0}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Asks for a payment (or an advance) on a contract; Finance approves it. One request
    /// waits at a time per contract. Refused at once when it could not be approved now.
    #[allow(clippy::too_many_arguments)]
    pub async fn request_payment(
        &self,
        actor: &AuditActor,
        contract: i64,
        kind: PaymentKind,
        amount: Dong,
        account: &str,
        invoice: Option<i64>,
        on: Date,
        note: &str,
    ) -> Result<i64> {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.chars().count() > 500 {
            return Err(invalid(
                "note",
                "ghi chú dài quá 500 ký tự",
                "the note is longer than 500 characters",
            )
            .into());
        }
        let mut tx = self.pool().begin().await?;
        let c = hold_contract(&mut tx, contract).await?;
        let p = package_in(&mut tx, c.package_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        if !p.funding.accounts().contains(&account) {
            return Err(invalid(
                "account",
                &format!(
                    "gói thầu dùng {}: chọn tài khoản của nguồn đó",
                    p.funding.label(Lang::Vi).to_lowercase()
                ),
                &format!(
                    "the package is funded by {}: choose that source's account",
                    p.funding.label(Lang::En).to_lowercase()
                ),
            )
            .into());
        }
        c.money.pay(kind, amount)?;
        check_date(
            on,
            Some(c.signed_on),
            "requested_on",
            "ngày đề nghị",
            "the request date",
        )?;
        let invoice = match (kind, invoice) {
            (PaymentKind::Advance, _) => None,
            (PaymentKind::Payment, None) => {
                return Err(invalid(
                    "invoice",
                    "thanh toán cần hóa đơn của nhà cung cấp",
                    "a payment needs the supplier's invoice",
                )
                .into());
            }
            (PaymentKind::Payment, Some(i)) => {
                let inv: Option<(i64, i64, String)> =
                    q("SELECT total, paid, number FROM procurement_invoices WHERE id = $1 AND contract_id = $2")
                        .bind(i)
                        .bind(contract)
                        .fetch_optional(&mut tx)
                        .await?;
                let Some((total, paid, number)) = inv else {
                    return Err(invalid(
                        "invoice",
                        "hóa đơn không thuộc hợp đồng này",
                        "the invoice is not of this contract",
                    )
                    .into());
                };
                if amount.0 > total - paid {
                    return Err(DomainError::from(ProcurementError::PaymentTooLarge {
                        asked: amount,
                        allowed: Dong(total - paid),
                        reason_vi: "phần chưa thanh toán của hóa đơn",
                        reason_en: "what of the invoice is unpaid",
                    })
                    .into());
                }
                let _ = number;
                Some(i)
            }
        };
        let inserted: std::result::Result<i64, sqlx::Error> = q(
            "INSERT INTO procurement_payments (contract_id, kind, amount, account, invoice_id, requested_on, note, status,
                                               requested_by, requested_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9) RETURNING id",
        )
        .bind(contract)
        .bind(kind.code())
        .bind(amount.0)
        .bind(account)
        .bind(invoice)
        .bind(iso(on))
        .bind(note.clone())
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await;
        let id = refused(inserted, |key| match key {
            "procurement_payments_one_waiting" => Some(out_of_order(
                "hợp đồng đang có một đề nghị thanh toán chờ Sở Tài chính duyệt",
                "the contract has a payment request waiting for Finance",
            )),
            _ => None,
        })?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "request_payment",
            format!("Đề nghị {} {} theo hợp đồng {}", kind.label(Lang::Vi).to_lowercase(), amount, c.number),
            json!({"payment": id, "contract": contract, "kind": kind.code(), "amount": amount.0, "account": account,
                   "invoice": invoice, "requested_on": iso(on), "note": note}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Finance's decision on a payment request: approved, it posts the payment (from the
    /// account asked) in the same transaction; rejected, with a reason.
    pub async fn decide_payment(
        &self,
        actor: &AuditActor,
        payment: i64,
        approve: bool,
        on: Date,
        reason: Option<&str>,
    ) -> Result<PaymentRecord> {
        let mut tx = self.pool().begin().await?;
        let n = q("UPDATE procurement_payments SET status = status WHERE id = $1")
            .bind(payment)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            return Err(DomainError::NotFound.into());
        }
        let pay = payment_in(&mut tx, payment).await?;
        if pay.status != PaymentStatus::Requested {
            return Err(DomainError::from(ProcurementError::PaymentDecided).into());
        }
        let c = hold_contract(&mut tx, pay.contract_id).await?;
        check_date(
            on,
            Some(pay.requested_on),
            "decided_on",
            "ngày duyệt",
            "the decision date",
        )?;
        if !approve {
            let reason = text(
                reason.unwrap_or(""),
                "reason",
                500,
                "lý do từ chối",
                "the reason for refusing",
            )?;
            q("UPDATE procurement_payments SET status = 'rejected', decided_by = $1, decided_at = $2, decided_on = $3, reason = $4 WHERE id = $5")
                .bind(actor.name.clone())
                .bind(now_millis())
                .bind(iso(on))
                .bind(reason.clone())
                .bind(payment)
                .execute(&mut tx)
                .await?;
            log(
                &mut tx,
                actor,
                c.package_id,
                "reject_payment",
                format!(
                    "Từ chối đề nghị {} {} (hợp đồng {}): {reason}",
                    pay.kind.label(Lang::Vi).to_lowercase(),
                    pay.amount,
                    c.number
                ),
                json!({"payment": payment, "reason": reason}),
            )
            .await?;
            let out = payment_in(&mut tx, payment).await?;
            tx.commit().await?;
            return Ok(out);
        }
        let after = c.money.pay(pay.kind, pay.amount)?;
        let debit = match pay.kind {
            PaymentKind::Advance => ADVANCES,
            PaymentKind::Payment => PAYABLE,
        };
        let entry = post_in(
            &mut tx,
            actor,
            &Request::Post(NewEntry {
                key: format!("procurement-payment-{payment}"),
                date: on,
                memo: format!(
                    "{} hợp đồng {} cho {}",
                    pay.kind.label(Lang::Vi),
                    c.number,
                    c.supplier
                ),
                postings: vec![
                    Posting::debit(debit, pay.amount),
                    Posting::credit(&pay.account, pay.amount),
                ],
                source: package_source(c.package_id),
            }),
        )
        .await?
        .entry;
        q("UPDATE procurement_payments SET status = 'approved', decided_by = $1, decided_at = $2, decided_on = $3, entry_id = $4 WHERE id = $5")
            .bind(actor.name.clone())
            .bind(now_millis())
            .bind(iso(on))
            .bind(entry)
            .bind(payment)
            .execute(&mut tx)
            .await?;
        q("UPDATE procurement_contracts SET advanced = $1, paid = $2 WHERE id = $3")
            .bind(after.advanced.0)
            .bind(after.paid.0)
            .bind(c.id)
            .execute(&mut tx)
            .await?;
        if let Some(i) = pay.invoice_id {
            q("UPDATE procurement_invoices SET paid = paid + $1 WHERE id = $2")
                .bind(pay.amount.0)
                .bind(i)
                .execute(&mut tx)
                .await?;
        }
        let c = contract_in(&mut tx, "c.id", c.id)
            .await?
            .ok_or(DomainError::NotFound)?;
        advance_stage(&mut tx, &c).await?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "approve_payment",
            format!("Duyệt {} {} hợp đồng {} (bút toán {entry})", pay.kind.label(Lang::Vi).to_lowercase(), pay.amount, c.number),
            json!({"payment": payment, "entry": entry, "advanced": after.advanced.0, "paid": after.paid.0}),
        )
        .await?;
        let out = payment_in(&mut tx, payment).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Closes a contract (thanh lý): what was not accepted is released from the
    /// commitment, once. Nothing may be waiting or owed: every acceptance paid, every
    /// advance recovered.
    pub async fn close_contract(
        &self,
        actor: &AuditActor,
        contract: i64,
        on: Date,
        reason: &str,
    ) -> Result<()> {
        let reason = text(
            reason,
            "reason",
            500,
            "lý do thanh lý",
            "the reason for closing",
        )?;
        let mut tx = self.pool().begin().await?;
        let c = hold_contract(&mut tx, contract).await?;
        if c.release_entry.is_some() {
            return Err(out_of_order(
                "hợp đồng đã thanh lý",
                "the contract is already closed",
            ));
        }
        let waiting: i64 = q("SELECT COUNT(*) FROM procurement_payments WHERE contract_id = $1 AND status = 'requested'")
            .bind(contract)
            .scalar(&mut tx)
            .await?;
        if waiting > 0 || c.money.payable() != Dong::ZERO || c.money.advanced != c.money.recovered {
            return Err(out_of_order(
                "còn đề nghị thanh toán đang chờ, khoản nghiệm thu chưa thanh toán hoặc tạm ứng chưa thu hồi",
                "a payment is waiting, an acceptance is unpaid or an advance is not recovered",
            ));
        }
        check_date(
            on,
            Some(c.signed_on),
            "closed_on",
            "ngày thanh lý",
            "the closing date",
        )?;
        let released = if c.commitment_left.0 > 0 {
            Some(
                post_in(
                    &mut tx,
                    actor,
                    &Request::Release {
                        key: format!("procurement-release-{contract}"),
                        date: on,
                        memo: format!("Thanh lý hợp đồng {}: {reason}", c.number),
                        pending: c.pending_entry,
                    },
                )
                .await?
                .entry,
            )
        } else {
            None
        };
        q("UPDATE procurement_contracts SET release_entry = $1 WHERE id = $2")
            .bind(released.unwrap_or(c.pending_entry))
            .bind(contract)
            .execute(&mut tx)
            .await?;
        q(set_stage_sql())
            .bind(Stage::Completed.code())
            .bind(c.package_id)
            .execute(&mut tx)
            .await?;
        log(
            &mut tx,
            actor,
            c.package_id,
            "close_contract",
            format!("Thanh lý hợp đồng {}: giải phóng {} còn lại của cam kết", c.number, c.commitment_left),
            json!({"contract": contract, "released": c.commitment_left.0, "entry": released, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancels a package before its contract, for a reason.
    pub async fn cancel_package(
        &self,
        actor: &AuditActor,
        package: i64,
        reason: &str,
    ) -> Result<()> {
        let reason = text(
            reason,
            "reason",
            500,
            "lý do hủy",
            "the reason for cancelling",
        )?;
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, package).await?;
        if !matches!(p.stage, Stage::Planned | Stage::Tendering | Stage::Awarded) {
            return Err(out_of_order(
                "gói thầu đã ký hợp đồng hoặc đã hủy, không hủy được nữa",
                "the package has its contract or is cancelled already",
            ));
        }
        q("UPDATE procurement_packages SET stage = 'cancelled', cancel_reason = $1 WHERE id = $2")
            .bind(reason.clone())
            .bind(package)
            .execute(&mut tx)
            .await?;
        log(
            &mut tx,
            actor,
            package,
            "cancel",
            format!("Hủy gói thầu {}: {reason}", p.code),
            json!({"reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the document of a step with its SHA-256 (the caller checked its type by
    /// its bytes).
    #[allow(clippy::too_many_arguments)]
    pub async fn keep_procurement_document(
        &self,
        actor: &AuditActor,
        package: i64,
        step: Step,
        number: Option<&str>,
        date: Option<Date>,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<i64> {
        let number = number
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|n| text(n, "number", 80, "số văn bản", "the document's number"))
            .transpose()?;
        let mut tx = self.pool().begin().await?;
        let p = hold_package(&mut tx, package).await?;
        let file = Upload {
            file_name,
            default_name: "tai-lieu",
            content_type,
            data,
        };
        let code = p.code.clone();
        let id = keep(
            &mut tx,
            actor,
            DocumentOwner::Procurement(package),
            file,
            |name| Note {
                summary: format!(
                    "Đính kèm {} \"{name}\" của gói thầu {code}",
                    step.label(Lang::Vi).to_lowercase()
                ),
                unit_id: None,
                extra: json!({"step": step.code(), "number": number, "date": date.map(iso)}),
            },
        )
        .await?;
        let known: Option<i64> =
            q("SELECT document_id FROM procurement_documents WHERE document_id = $1")
                .bind(id)
                .scalar_optional(&mut tx)
                .await?;
        if known.is_none() {
            q("INSERT INTO procurement_documents (document_id, package_id, step, number, doc_date) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(package)
                .bind(step.code())
                .bind(number)
                .bind(date.map(iso))
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}

async fn bids_in(tx: &mut Tx, package: i64) -> Result<Vec<BidRecord>> {
    let rows: Vec<BidRow> = q(BIDS_SELECT).bind(package).fetch_all(&mut *tx).await?;
    rows.into_iter().map(BidRow::record).collect()
}

async fn payment_in(tx: &mut Tx, id: i64) -> Result<PaymentRecord> {
    let row: Option<PaymentRow> = Q::assembled(format!("{PAYMENT_SELECT} WHERE y.id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    row.ok_or(DomainError::NotFound)?.record()
}
