//! Procurement on either engine: a package from its plan to its last payment, each step
//! in one transaction with its audit entry, the money steps in the same transaction as
//! their ledger entries (a contract reserves its value, an acceptance posts part of it, a
//! payment pays it), the domain's rules checked first and the database's CHECKs again
//! (migration 0016). See docs/adr/0023-procurement.md.

mod contract;
mod payments;
mod reads;
mod records;
mod selection;

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

/// The packages' kept files for the archive (`crate::archive`): each step's document with
/// the kind its step gives, its number and date as recorded.
pub(crate) const ARCHIVE: &str = "SELECT 'uploaded' AS origin,
        CASE pd.step WHEN 'plan' THEN 'plan' WHEN 'award' THEN 'decision' WHEN 'contract' THEN 'contract'
                     WHEN 'invoice' THEN 'invoice' WHEN 'evaluation' THEN 'report'
                     WHEN 'bid_opening' THEN 'minutes' WHEN 'acceptance' THEN 'minutes' WHEN 'delivery' THEN 'minutes'
                     ELSE 'other' END AS kind,
        pd.number AS number, pd.doc_date AS doc_date, p.code || ' · ' || p.name AS title,
        '/procurement/' || CAST(p.id AS TEXT) || '/documents/' || CAST(d.id AS TEXT) AS link,
        NULL AS unit_id, NULL AS unit2_id, d.file_name AS file_name, d.size AS size, d.sha256 AS sha256,
        1 AS prints, d.uploaded_at AS at
   FROM documents d JOIN procurement_documents pd ON pd.document_id = d.id
   JOIN procurement_packages p ON p.id = pd.package_id
  WHERE d.owner_kind = 'procurement'";

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
