//! Cash gifts and pledges: recorded with their codes, received in the same transaction as
//! the ledger entry that posts them, found again by either code, and the Fatherland
//! Front's transfers to the Department.

use super::{Outcome, post_many_in};
use crate::db::{Q, Tx, placeholders, q};
use crate::error::{Result, StoreError, unique_violation};
use crate::passwords::fill_random;
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::Lang;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis, today};
use domain::donations::Earmark;
use domain::ledger::gifts::{
    Channel, NewGift, compact, normalise_code, pledge_code, received_entry, verification_code,
};
use domain::ledger::{BANK, HELD_BY_MTTQ, LedgerError, NewEntry, Posting, Request, Source};
use domain::money::Dong;
use serde::Serialize;
use serde_json::json;
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GiftStatus {
    Pledged,
    Received,
}

impl GiftStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            GiftStatus::Pledged => {
                lang.pick("Đã cam kết, chưa nhận tiền", "Pledged, not yet received")
            }
            GiftStatus::Received => lang.pick("Đã nhận tiền", "Received"),
        }
    }
}

/// A recorded gift with its donor's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftRecord {
    pub id: i64,
    pub donor_id: i64,
    pub donor_name: String,
    pub amount: Dong,
    pub channel: Channel,
    pub pledge_code: String,
    /// Canonical (no dashes); print with [`GiftRecord::verification_printed`].
    pub verification_code: String,
    pub pledged_on: Date,
    pub publish_name: bool,
    pub earmark: Earmark,
    pub note: Option<String>,
    pub status: GiftStatus,
    pub received_on: Option<Date>,
    pub bank_ref: Option<String>,
    pub entry_id: Option<i64>,
    pub created_by: String,
    pub created_at: Millis,
}

impl GiftRecord {
    /// `ABCD-EFGH-J`, as the acknowledgement prints it.
    pub fn verification_printed(&self) -> String {
        let c = &self.verification_code;
        if c.len() == 9 {
            format!("{}-{}-{}", &c[..4], &c[4..8], &c[8..])
        } else {
            c.clone()
        }
    }
}

#[derive(sqlx::FromRow)]
struct GiftDb {
    id: i64,
    donor_id: i64,
    donor_name: String,
    amount: i64,
    channel: String,
    pledge_code: String,
    verification_code: String,
    pledged_on: String,
    publish_name: bool,
    earmark_unit_id: Option<i64>,
    earmark_tier: Option<i64>,
    note: Option<String>,
    status: String,
    received_on: Option<String>,
    bank_ref: Option<String>,
    entry_id: Option<i64>,
    created_by: String,
    created_at: i64,
}

const GIFT_SELECT: &str = "SELECT g.id, g.donor_id, d.name AS donor_name, g.amount, g.channel, g.pledge_code,
        g.verification_code, g.pledged_on, g.publish_name, g.earmark_unit_id, g.earmark_tier, g.note,
        g.status, g.received_on, g.bank_ref, g.entry_id, g.created_by, g.created_at
   FROM cash_gifts g JOIN donors d ON d.id = g.donor_id";

impl GiftDb {
    fn record(self) -> Result<GiftRecord> {
        Ok(GiftRecord {
            id: self.id,
            donor_id: self.donor_id,
            donor_name: self.donor_name,
            amount: Dong(self.amount),
            channel: Channel::parse(&self.channel).ok_or_else(|| {
                StoreError::corrupt("cash_gifts", "channel", self.channel.clone())
            })?,
            pledge_code: self.pledge_code,
            verification_code: self.verification_code,
            pledged_on: parse_iso(&self.pledged_on, "cash_gifts", "pledged_on")?,
            publish_name: self.publish_name,
            earmark: Earmark {
                unit_id: self.earmark_unit_id,
                tier: self.earmark_tier.map(|t| t as u8),
            },
            note: self.note,
            status: match self.status.as_str() {
                "received" => GiftStatus::Received,
                _ => GiftStatus::Pledged,
            },
            received_on: self
                .received_on
                .as_deref()
                .map(|d| parse_iso(d, "cash_gifts", "received_on"))
                .transpose()?,
            bank_ref: self.bank_ref,
            entry_id: self.entry_id,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

/// Which gifts a list shows.
#[derive(Debug, Clone, Default)]
pub struct GiftFilter {
    pub donor_id: Option<i64>,
    pub channel: Option<Channel>,
    pub received: Option<bool>,
}

/// What a donor gave in cash: received and still pledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DonorCash {
    pub received: Dong,
    pub gifts_received: i64,
    pub pledged: Dong,
}

fn clean_ref(r: Option<String>) -> Result<Option<String>> {
    let r = r.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if r.as_ref().is_some_and(|s| s.chars().count() > 64) {
        return Err(DomainError::Ledger(LedgerError::InvalidGift {
            field: "bank_ref",
            reason_vi: "số tham chiếu giao dịch dài quá 64 ký tự".into(),
            reason_en: "the bank reference is longer than 64 characters".into(),
        })
        .into());
    }
    Ok(r)
}

/// Marks gift `id` received and posts its entry, inside `tx`.
pub async fn receive_in(
    tx: &mut Tx,
    actor: &AuditActor,
    id: i64,
    on: Date,
    bank_ref: Option<String>,
) -> Result<i64> {
    let entries = receive_many_in(tx, actor, vec![(id, on, bank_ref)]).await?;
    Ok(entries[0])
}

/// A pledge to mark received: the gift, the day the money came, the bank's reference.
pub type Receipt = (i64, Date, Option<String>);

/// Marks pledges received (a statement's lines matched by their codes), each with its
/// ledger entry and audit entry, together: the gifts read 500 at a time, the entries
/// posted as one run, the audit entries appended at once. Returns the entries in order.
pub async fn receive_many_in(
    tx: &mut Tx,
    actor: &AuditActor,
    items: Vec<Receipt>,
) -> Result<Vec<i64>> {
    let mut gifts: std::collections::HashMap<i64, (i64, String, String, String, String)> =
        std::collections::HashMap::with_capacity(items.len());
    for chunk in items.chunks(500) {
        let sql = format!(
            "SELECT id, amount, channel, status, pledge_code, pledged_on FROM cash_gifts WHERE id IN ({})",
            placeholders(0, chunk.len())
        );
        let mut query = Q::assembled(sql);
        for (id, _, _) in chunk {
            query = query.bind(*id);
        }
        let rows: Vec<(i64, i64, String, String, String, String)> =
            query.fetch_all(&mut *tx).await?;
        gifts.extend(
            rows.into_iter()
                .map(|(id, a, ch, st, code, on)| (id, (a, ch, st, code, on))),
        );
    }
    let today = today();
    let mut reqs = Vec::with_capacity(items.len());
    let mut checked = Vec::with_capacity(items.len());
    let mut once = std::collections::HashSet::with_capacity(items.len());
    for (id, on, bank_ref) in items {
        let bank_ref = clean_ref(bank_ref)?;
        let Some((amount, channel, status, code, pledged_on)) = gifts.get(&id) else {
            return Err(DomainError::NotFound.into());
        };
        if status == "received" || !once.insert(id) {
            return Err(DomainError::Ledger(LedgerError::GiftAlreadyReceived {
                code: code.clone(),
            })
            .into());
        }
        if on > today || iso(on) < *pledged_on {
            return Err(DomainError::Ledger(LedgerError::InvalidGift {
                field: "received_on",
                reason_vi: "ngày nhận tiền phải từ ngày cam kết đến hôm nay".into(),
                reason_en: "the day received must be between the pledge and today".into(),
            })
            .into());
        }
        let channel = Channel::parse(channel)
            .ok_or_else(|| StoreError::corrupt("cash_gifts", "channel", channel.clone()))?;
        let memo = format!(
            "Nhận tiền ủng hộ {code} ({}){}",
            channel.label(Lang::Vi).to_lowercase(),
            bank_ref
                .as_deref()
                .map(|r| format!(", số tham chiếu {r}"))
                .unwrap_or_default()
        );
        reqs.push(received_entry(id, channel, Dong(*amount), on, memo));
        checked.push((id, on, bank_ref, *amount, code.clone()));
    }
    let entries: Vec<i64> = post_many_in(tx, actor, &reqs)
        .await?
        .into_iter()
        .map(|o| o.entry)
        .collect();
    let mut events = Vec::with_capacity(checked.len());
    for ((id, on, bank_ref, amount, code), entry) in checked.into_iter().zip(&entries) {
        let n = q(
            "UPDATE cash_gifts SET status = 'received', received_on = $1, bank_ref = $2, entry_id = $3
                    WHERE id = $4 AND status = 'pledged'",
        )
        .bind(iso(on))
        .bind(bank_ref.clone())
        .bind(*entry)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if n != 1 {
            return Err(DomainError::Ledger(LedgerError::GiftAlreadyReceived { code }).into());
        }
        events.push(AuditEvent {
            entity: Entity::CashGift,
            entity_id: Some(id.to_string()),
            action: "receive_cash",
            summary: format!("Đã nhận {} của khoản ủng hộ {code}", Dong(amount)),
            unit_id: None,
            changes: Some(json!({"received_on": iso(on), "bank_ref": bank_ref, "entry": entry, "amount": amount})),
            personal: None,
        });
    }
    audit::append_many(tx, actor, events).await?;
    Ok(entries)
}

impl Store {
    /// Records a pledge, or a gift already received (`received`: the day and the bank's
    /// reference), with fresh codes; returns its id.
    pub async fn record_gift(
        &self,
        actor: &AuditActor,
        g: &NewGift,
        received: Option<(Date, Option<String>)>,
    ) -> Result<i64> {
        self.record_gift_coded(actor, g, received, None).await
    }

    /// [`Store::record_gift`] with the random bytes of its two codes given (the demo's
    /// gifts keep the same codes on every fresh demo).
    pub async fn record_gift_coded(
        &self,
        actor: &AuditActor,
        g: &NewGift,
        received: Option<(Date, Option<String>)>,
        random: Option<([u8; 8], [u8; 8])>,
    ) -> Result<i64> {
        let g = g.checked(today())?;
        let donor = self.donor(g.donor_id).await?.ok_or_else(|| {
            DomainError::Ledger(LedgerError::InvalidGift {
                field: "donor",
                reason_vi: "chưa chọn nhà tài trợ (hoặc nhà tài trợ không còn)".into(),
                reason_en: "no donor chosen (or the donor no longer exists)".into(),
            })
        })?;
        // Codes are random: on the rare clash with an earlier one, draw again.
        for _ in 0..8 {
            let (a, b) = match random {
                Some(r) => r,
                None => {
                    let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
                    fill_random(&mut a);
                    fill_random(&mut b);
                    (a, b)
                }
            };
            let (code, check) = (pledge_code(&a), compact(&verification_code(&b)));
            let mut tx = self.pool().begin().await?;
            let inserted: std::result::Result<i64, sqlx::Error> = q(
                "INSERT INTO cash_gifts (donor_id, amount, channel, pledge_code, verification_code, pledged_on,
                                         publish_name, earmark_unit_id, earmark_tier, note, status, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pledged', $11, $12) RETURNING id",
            )
            .bind(g.donor_id)
            .bind(g.amount.0)
            .bind(g.channel.code())
            .bind(code.clone())
            .bind(check)
            .bind(iso(g.date))
            .bind(g.publish_name)
            .bind(g.earmark.unit_id)
            .bind(g.earmark.tier.map(i64::from))
            .bind(g.note.clone())
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await;
            let id = match inserted {
                Ok(id) => id,
                Err(e) if unique_violation(&e).is_some_and(|c| c.starts_with("cash_gifts_")) => {
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    entity: Entity::CashGift,
                    entity_id: Some(id.to_string()),
                    action: "pledge",
                    summary: format!(
                        "Ghi nhận khoản ủng hộ {code}: {} ({})",
                        g.amount,
                        g.channel.label(Lang::Vi).to_lowercase()
                    ),
                    unit_id: None,
                    changes: Some(json!({
                        "code": code, "amount": g.amount.0, "channel": g.channel.code(), "date": iso(g.date),
                        "donor_id": g.donor_id, "publish_name": g.publish_name,
                        "earmark_unit_id": g.earmark.unit_id, "earmark_tier": g.earmark.tier,
                    })),
                    personal: Some(json!({"donor": donor.name})),
                },
            )
            .await?;
            if let Some((on, bank_ref)) = received.clone() {
                receive_in(&mut tx, actor, id, on, bank_ref).await?;
            }
            tx.commit().await?;
            return Ok(id);
        }
        Err(StoreError::Busy)
    }

    /// Marks a pledge received and posts its entry.
    pub async fn receive_gift(
        &self,
        actor: &AuditActor,
        id: i64,
        on: Date,
        bank_ref: Option<String>,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let entry = receive_in(&mut tx, actor, id, on, bank_ref).await?;
        tx.commit().await?;
        Ok(entry)
    }

    pub async fn gift(&self, id: i64) -> Result<Option<GiftRecord>> {
        let sql = format!("{GIFT_SELECT} WHERE g.id = $1");
        crate::db::Q::assembled(sql)
            .bind(id)
            .fetch_optional::<GiftDb>(self.pool())
            .await?
            .map(GiftDb::record)
            .transpose()
    }

    /// The gift a pledge code or a verification code names, however it was typed; an
    /// error naming the code when its check character is wrong or no gift has it.
    pub async fn gift_by_code(&self, typed: &str) -> Result<GiftRecord> {
        let unknown = || {
            StoreError::Domain(DomainError::Ledger(LedgerError::UnknownCode {
                code: typed.trim().chars().take(40).collect(),
            }))
        };
        let code = normalise_code(typed).ok_or_else(unknown)?;
        let sql = format!("{GIFT_SELECT} WHERE g.pledge_code = $1 OR g.verification_code = $1");
        crate::db::Q::assembled(sql)
            .bind(code)
            .fetch_optional::<GiftDb>(self.pool())
            .await?
            .ok_or_else(unknown)?
            .record()
    }

    /// Gifts, newest first.
    pub async fn gifts(&self, f: &GiftFilter) -> Result<Vec<GiftRecord>> {
        let sql = format!(
            "{GIFT_SELECT} WHERE ($1 IS NULL OR g.donor_id = $1) AND ($2 IS NULL OR g.channel = $2)
               AND ($3 IS NULL OR g.status = $3)
             ORDER BY g.pledged_on DESC, g.id DESC"
        );
        crate::db::Q::assembled(sql)
            .bind(f.donor_id)
            .bind(f.channel.map(|c| c.code().to_string()))
            .bind(
                f.received
                    .map(|r| if r { "received" } else { "pledged" }.to_string()),
            )
            .fetch_all::<GiftDb>(self.pool())
            .await?
            .into_iter()
            .map(GiftDb::record)
            .collect()
    }

    /// What a donor gave in cash.
    pub async fn donor_cash(&self, donor_id: i64) -> Result<DonorCash> {
        let (received, n, pledged): (i64, i64, i64) = q(
            "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'received' THEN amount ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN status = 'received' THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN status = 'pledged' THEN amount ELSE 0 END), 0) AS BIGINT)
               FROM cash_gifts WHERE donor_id = $1",
        )
        .bind(donor_id)
        .fetch_one(self.pool())
        .await?;
        Ok(DonorCash {
            received: Dong(received),
            gifts_received: n,
            pledged: Dong(pledged),
        })
    }

    /// The Fatherland Front transfers what it holds for the program to the Department's
    /// account; never more than it holds (the guarded account refuses).
    pub async fn mttq_transfer(
        &self,
        actor: &AuditActor,
        key: &str,
        amount: Dong,
        on: Date,
        bank_ref: Option<String>,
    ) -> Result<Outcome> {
        let bank_ref = clean_ref(bank_ref)?;
        if on > today() {
            return Err(DomainError::Ledger(LedgerError::InvalidGift {
                field: "date",
                reason_vi: "ngày chuyển tiền không được sau hôm nay".into(),
                reason_en: "the transfer date cannot be after today".into(),
            })
            .into());
        }
        let req = Request::Post(NewEntry {
            key: key.to_string(),
            date: on,
            memo: format!(
                "Ủy ban MTTQ tỉnh chuyển tiền ủng hộ về tài khoản của Sở{}",
                bank_ref
                    .as_deref()
                    .map(|r| format!(", số tham chiếu {r}"))
                    .unwrap_or_default()
            ),
            postings: vec![
                Posting::debit(BANK, amount),
                Posting::credit(HELD_BY_MTTQ, amount),
            ],
            source: Some(Source {
                kind: "mttq_transfer".into(),
                id: bank_ref.unwrap_or_else(|| key.to_string()),
            }),
        });
        self.ledger_post(actor, &req).await
    }
}
