//! The contract and the goods: signing (its value reserved in the ledger), deliveries,
//! acceptance (posted from the reservation, the advance set off) and closing.

use super::*;

impl Store {
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
}
