//! Procurement's reads: packages, bids, contracts, deliveries, invoices, payments,
//! documents, the totals the dashboard shows, and the OCDS gathering.

use super::records::*;
use crate::Store;
use crate::db::{Q, q};
use crate::documents::DocumentOwner;
use crate::error::{Result, StoreError};
use domain::money::Dong;
use domain::procurement::PaymentKind;
use domain::procurement::ocds::{OcdsBid, OcdsContract, OcdsPackage, OcdsPayment, Org};

impl Store {
    pub async fn procurement_packages(&self) -> Result<Vec<PackageRecord>> {
        let rows: Vec<PackageRow> = Q::assembled(format!(
            "{PACKAGE_SELECT} ORDER BY p.plan_date DESC, p.id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(PackageRow::record).collect()
    }

    pub async fn procurement_package(&self, id: i64) -> Result<Option<PackageRecord>> {
        let row: Option<PackageRow> = Q::assembled(format!("{PACKAGE_SELECT} WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(PackageRow::record).transpose()
    }

    pub async fn procurement_bids(&self, package: i64) -> Result<Vec<BidRecord>> {
        let rows: Vec<BidRow> = q(BIDS_SELECT).bind(package).fetch_all(self.pool()).await?;
        rows.into_iter().map(BidRow::record).collect()
    }

    /// The contract of a package, if signed.
    pub async fn procurement_contract(&self, package: i64) -> Result<Option<ContractRecord>> {
        let row: Option<ContractRow> =
            Q::assembled(format!("{CONTRACT_SELECT} WHERE c.package_id = $1"))
                .bind(package)
                .fetch_optional(self.pool())
                .await?;
        row.map(ContractRow::record).transpose()
    }

    pub async fn procurement_contract_by_id(&self, id: i64) -> Result<Option<ContractRecord>> {
        let row: Option<ContractRow> = Q::assembled(format!("{CONTRACT_SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(ContractRow::record).transpose()
    }

    pub async fn procurement_deliveries(&self, contract: i64) -> Result<Vec<DeliveryRecord>> {
        let rows: Vec<DeliveryRow> = Q::assembled(format!(
            "{DELIVERY_SELECT} WHERE d.contract_id = $1 ORDER BY d.delivered_on, d.id"
        ))
        .bind(contract)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(DeliveryRow::record).collect()
    }

    pub async fn procurement_delivery(&self, id: i64) -> Result<Option<DeliveryRecord>> {
        let row: Option<DeliveryRow> = Q::assembled(format!("{DELIVERY_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(DeliveryRow::record).transpose()
    }

    pub async fn procurement_invoices(&self, contract: i64) -> Result<Vec<InvoiceRecord>> {
        Ok(q(
            "SELECT id, number, invoice_date, before_vat, vat_rate, vat, total, paid
                FROM procurement_invoices WHERE contract_id = $1 ORDER BY invoice_date, id",
        )
        .bind(contract)
        .fetch_all(self.pool())
        .await?)
    }

    /// Payments of a contract (`Some`), or every payment waiting for Finance (`None`).
    pub async fn procurement_payments(&self, contract: Option<i64>) -> Result<Vec<PaymentRecord>> {
        let rows: Vec<PaymentRow> =
            match contract {
                Some(c) => {
                    Q::assembled(format!(
                        "{PAYMENT_SELECT} WHERE y.contract_id = $1 ORDER BY y.requested_on, y.id"
                    ))
                    .bind(c)
                    .fetch_all(self.pool())
                    .await?
                }
                None => Q::assembled(format!(
                    "{PAYMENT_SELECT} WHERE y.status = 'requested' ORDER BY y.requested_on, y.id"
                ))
                .fetch_all(self.pool())
                .await?,
            };
        rows.into_iter().map(PaymentRow::record).collect()
    }

    /// Every payment Finance approved, in the order they were paid: the spending.
    pub async fn procurement_spending(&self) -> Result<Vec<PaymentRecord>> {
        let rows: Vec<PaymentRow> = Q::assembled(format!(
            "{PAYMENT_SELECT} WHERE y.status = 'approved' ORDER BY y.decided_on, y.id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(PaymentRow::record).collect()
    }

    pub async fn procurement_payment(&self, id: i64) -> Result<Option<PaymentRecord>> {
        let row: Option<PaymentRow> = Q::assembled(format!("{PAYMENT_SELECT} WHERE y.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(PaymentRow::record).transpose()
    }

    /// The kept documents of a package, by step.
    pub async fn procurement_documents(&self, package: i64) -> Result<Vec<StepDocument>> {
        let docs = self.documents(DocumentOwner::Procurement(package)).await?;
        let steps: Vec<(i64, String, Option<String>, Option<String>)> =
            q("SELECT document_id, step, number, doc_date FROM procurement_documents WHERE package_id = $1")
                .bind(package)
                .fetch_all(self.pool())
                .await?;
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            let (step, number, day) = match steps.iter().find(|s| s.0 == d.id) {
                Some((_, s, n, day)) => (
                    Step::parse(s).ok_or_else(|| {
                        StoreError::corrupt("procurement_documents", "step", s.clone())
                    })?,
                    n.clone(),
                    opt_date(day.clone(), "procurement_documents", "doc_date")?,
                ),
                None => (Step::Other, None, None),
            };
            out.push(StepDocument {
                document: d,
                step,
                number,
                date: day,
            });
        }
        out.sort_by_key(|s| (Step::ALL.iter().position(|x| *x == s.step), s.document.id));
        Ok(out)
    }

    /// Deliveries with devices still to scan, newest first.
    pub async fn deliveries_to_scan(&self) -> Result<Vec<DeliveryToScan>> {
        let all: Vec<DeliveryToScan> = Q::assembled(format!(
            "{DELIVERY_TO_SCAN} ORDER BY d.delivered_on DESC, d.id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        Ok(all
            .into_iter()
            .filter(|d| d.registered < d.quantity)
            .collect())
    }

    /// One delivery as the intake counts it, inside the intake's transaction.
    pub(crate) async fn deliveries_to_scan_in(
        &self,
        tx: &mut crate::db::Tx,
        id: i64,
    ) -> Result<Option<DeliveryToScan>> {
        Ok(Q::assembled(format!("{DELIVERY_TO_SCAN} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?)
    }
}

const DELIVERY_TO_SCAN: &str =
    "SELECT d.id AS delivery_id, d.delivery_no, c.number AS contract_no, c.supplier, c.model_id,
                    m.brand || ' ' || m.model AS model, d.quantity,
                    (SELECT COUNT(*) FROM devices v WHERE v.delivery_id = d.id) AS registered
               FROM procurement_deliveries d JOIN procurement_contracts c ON c.id = d.contract_id
               JOIN device_models m ON m.id = c.model_id";

impl Store {
    /// Deliveries not yet accepted.
    pub async fn deliveries_to_accept(&self) -> Result<i64> {
        Ok(q("SELECT COUNT(*) FROM procurement_deliveries d
               WHERE NOT EXISTS (SELECT 1 FROM procurement_acceptances a WHERE a.delivery_id = d.id)")
        .scalar(self.pool())
        .await?)
    }

    pub async fn procurement_totals(&self) -> Result<ProcurementTotals> {
        let (packages, contracts, contracted, accepted, paid): (i64, i64, i64, i64, i64) = q(
            "SELECT (SELECT COUNT(*) FROM procurement_packages WHERE stage <> 'cancelled'),
                    COUNT(*), CAST(COALESCE(SUM(value), 0) AS BIGINT), CAST(COALESCE(SUM(accepted), 0) AS BIGINT), CAST(COALESCE(SUM(advanced + paid), 0) AS BIGINT)
               FROM procurement_contracts",
        )
        .fetch_one(self.pool())
        .await?;
        let committed: i64 = q("SELECT CAST(COALESCE(SUM(l.amount - l.posted - l.released), 0) AS BIGINT)
                                  FROM procurement_contracts c JOIN ledger_pending l ON l.entry_id = c.pending_entry")
            .scalar(self.pool())
            .await?;
        let waiting: i64 =
            q("SELECT COUNT(*) FROM procurement_payments WHERE status = 'requested'")
                .scalar(self.pool())
                .await?;
        Ok(ProcurementTotals {
            packages,
            contracts,
            contracted: Dong(contracted),
            accepted: Dong(accepted),
            paid: Dong(paid),
            committed: Dong(committed),
            waiting_payments: waiting,
        })
    }

    /// The serials of a delivery in the registry: how many, the first and the last.
    pub async fn delivery_serials(
        &self,
        delivery: i64,
    ) -> Result<(i64, Option<String>, Option<String>)> {
        Ok(
            q("SELECT COUNT(*), MIN(serial), MAX(serial) FROM devices WHERE delivery_id = $1")
                .bind(delivery)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The OCDS 1.1 release package of every package, published by the Department at
    /// `uri` under the ocid `prefix`.
    pub async fn ocds_release_package(&self, prefix: &str, uri: &str) -> Result<serde_json::Value> {
        let prefix = domain::procurement::ocds::check_prefix(prefix)?;
        let province = self.province_place_name().await?;
        let buyer = Org {
            name: format!("Sở Giáo dục và Đào tạo {province}"),
            tax_code: None,
        };
        let publisher = domain::procurement::ocds::Publisher {
            name: buyer.name.clone(),
            uri: uri.to_string(),
            ocid_prefix: prefix,
        };
        let packages = self.ocds_packages().await?;
        let published = packages
            .iter()
            .map(|p| p.updated)
            .max()
            .unwrap_or_else(|| domain::dates::from_millis(0));
        Ok(domain::procurement::ocds::package(
            &packages, &publisher, &buyer, published,
        ))
    }

    /// Every package as the OCDS export shapes it (no personal data: organisations only).
    pub async fn ocds_packages(&self) -> Result<Vec<OcdsPackage>> {
        let mut out = Vec::new();
        for p in self.procurement_packages().await? {
            let bids = self.procurement_bids(p.id).await?;
            let awarded_to = bids
                .iter()
                .find(|b| Some(b.id) == p.award_bid_id)
                .map(|b| Org {
                    name: b.bidder.clone(),
                    tax_code: Some(b.tax_code.clone()),
                });
            let contract = match self.procurement_contract(p.id).await? {
                None => None,
                Some(c) => {
                    let payments = self
                        .procurement_payments(Some(c.id))
                        .await?
                        .into_iter()
                        .filter(|y| y.status == PaymentStatus::Approved)
                        .map(|y| OcdsPayment {
                            id: y.id,
                            date: y.decided_on.unwrap_or(y.requested_on),
                            amount: y.amount,
                            advance: y.kind == PaymentKind::Advance,
                            account: y.account,
                        })
                        .collect();
                    Some(OcdsContract {
                        number: c.number,
                        supplier: Org {
                            name: c.supplier,
                            tax_code: Some(c.tax_code),
                        },
                        quantity: c.quantity,
                        unit_price: c.unit_price,
                        value: c.value,
                        signed_on: c.signed_on,
                        delivery_deadline: c.delivery_deadline,
                        warranty_months: c.warranty_months,
                        accepted_quantity: c.accepted_qty,
                        paid: c.money.cash_out(),
                        payments,
                    })
                }
            };
            out.push(OcdsPackage {
                item: p.model.clone().unwrap_or_else(|| p.name.clone()),
                bids: bids
                    .iter()
                    .map(|b| OcdsBid {
                        bidder: Org {
                            name: b.bidder.clone(),
                            tax_code: Some(b.tax_code.clone()),
                        },
                        price: b.price,
                        valid: b.valid,
                    })
                    .collect(),
                updated: domain::dates::from_millis(p.updated_at),
                code: p.code,
                name: p.name,
                method: p.method,
                estimate: p.estimate,
                funding: p.funding,
                quantity: p.quantity,
                plan_no: p.plan_no,
                notice_no: p.notice_no,
                plan_date: p.plan_date,
                notice_date: p.notice_date,
                bid_closing: p.bid_closing,
                stage: p.stage,
                award_no: p.award_no,
                award_date: p.award_date,
                award_value: p.award_value,
                awarded_to,
                contract,
            });
        }
        Ok(out)
    }
}
