//! A package's first steps: the dated thresholds, the package from its plan, the
//! invitation, the bids, the award; cancelling; the documents of every step.

use super::*;

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
