//! Invoices, payment requests and Finance's decisions: the only way money leaves for a
//! supplier.

use super::*;

impl Store {
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
}
