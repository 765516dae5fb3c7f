//! Fundraising campaigns: set up with their audit entry, refused when their period would
//! count the same gifts as another's, and their progress counted each time from the
//! gifts received (through their ledger entries, reversals left out), the pledges waiting
//! and the receipts in kind within their period (domain::ledger::campaigns).

use crate::db::{Tx, q};
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::ledger::LedgerError;
use domain::ledger::campaigns::{Gathered, NewCampaign, Organiser, Target};
use domain::money::Dong;
use serde::Serialize;
use serde_json::json;
use time::Date;

/// A stored campaign with what it has gathered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRecord {
    pub id: i64,
    pub campaign: NewCampaign,
    pub gathered: Gathered,
    pub created_by: String,
    pub created_at: Millis,
}

/// One gift that counts for a money campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountedGift {
    pub gift_id: i64,
    pub donor_id: i64,
    pub donor_name: String,
    pub amount: Dong,
    /// The day it was received (the ledger entry's date), or pledged while it waits.
    pub date: Date,
    pub received: bool,
    pub entry_id: Option<i64>,
}

/// One receipt in kind that counts for a device campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountedReceipt {
    pub donation_id: i64,
    pub minutes_no: String,
    pub donor_id: i64,
    pub donor_name: String,
    pub received_on: Date,
    pub devices: i64,
    pub value: Dong,
}

#[derive(sqlx::FromRow)]
struct CampaignDb {
    id: i64,
    name: String,
    organiser: String,
    target_kind: String,
    target_value: i64,
    starts_on: String,
    ends_on: String,
    note: Option<String>,
    created_by: String,
    created_at: i64,
}

const SELECT: &str = "SELECT id, name, organiser, target_kind, target_value, starts_on, ends_on, note, created_by, created_at
   FROM campaigns";

impl CampaignDb {
    fn campaign(&self) -> Result<NewCampaign> {
        Ok(NewCampaign {
            name: self.name.clone(),
            organiser: Organiser::parse(&self.organiser).ok_or_else(|| {
                StoreError::corrupt("campaigns", "organiser", self.organiser.clone())
            })?,
            target: Target::of(&self.target_kind, self.target_value).ok_or_else(|| {
                StoreError::corrupt("campaigns", "target_kind", self.target_kind.clone())
            })?,
            starts_on: parse_iso(&self.starts_on, "campaigns", "starts_on")?,
            ends_on: parse_iso(&self.ends_on, "campaigns", "ends_on")?,
            note: self.note.clone(),
        })
    }
}

/// Gifts through `channel` received by a ledger entry dated within the period and not
/// reversed; the entry's date is the day the money arrived.
const RECEIVED: &str = "FROM cash_gifts g JOIN ledger_entries e ON e.id = g.entry_id
   WHERE g.status = 'received' AND g.channel = $1 AND e.entry_date >= $2 AND e.entry_date <= $3
     AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id AND r.kind = 'reversal')";
const PLEDGED: &str = "FROM cash_gifts g
   WHERE g.status = 'pledged' AND g.channel = $1 AND g.pledged_on >= $2 AND g.pledged_on <= $3";
const RECEIPTS: &str = "FROM donations d WHERE d.received_on >= $1 AND d.received_on <= $2";

async fn gathered(store: &Store, c: &NewCampaign) -> Result<Gathered> {
    let (from, to) = (iso(c.starts_on), iso(c.ends_on));
    let channel = c.organiser.channel().code();
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(g.amount), 0) AS BIGINT), COUNT(*), COUNT(DISTINCT g.donor_id) {RECEIVED}"
    );
    let (received, gifts_received, money_donors): (i64, i64, i64) = crate::db::Q::assembled(sql)
        .bind(channel)
        .bind(from.clone())
        .bind(to.clone())
        .fetch_one(store.pool())
        .await?;
    let sql = format!("SELECT CAST(COALESCE(SUM(g.amount), 0) AS BIGINT), COUNT(*) {PLEDGED}");
    let (pledged, pledges): (i64, i64) = crate::db::Q::assembled(sql)
        .bind(channel)
        .bind(from.clone())
        .bind(to.clone())
        .fetch_one(store.pool())
        .await?;
    let sql = format!(
        "SELECT CAST(COALESCE(SUM((SELECT SUM(i.quantity) FROM donation_items i WHERE i.donation_id = d.id)), 0) AS BIGINT),
                COUNT(*), COUNT(DISTINCT d.donor_id) {RECEIPTS}"
    );
    let (devices, receipts, device_donors): (i64, i64, i64) = crate::db::Q::assembled(sql)
        .bind(from)
        .bind(to)
        .fetch_one(store.pool())
        .await?;
    Ok(Gathered {
        received: Dong(received),
        gifts_received,
        pledged: Dong(pledged),
        pledges,
        devices,
        receipts,
        donors: match c.target {
            Target::Money(_) => money_donors,
            Target::Devices(_) => device_donors,
        },
    })
}

/// The first campaign that would count some of the same gifts as `c`.
async fn clash(tx: &mut Tx, c: &NewCampaign) -> Result<Option<NewCampaign>> {
    let rows: Vec<CampaignDb> = crate::db::Q::assembled(format!(
        "{SELECT} WHERE target_kind = $1 AND starts_on <= $2 AND ends_on >= $3 ORDER BY starts_on, id"
    ))
    .bind(c.target.kind_code())
    .bind(iso(c.ends_on))
    .bind(iso(c.starts_on))
    .fetch_all(&mut *tx)
    .await?;
    for r in rows {
        let other = r.campaign()?;
        if c.clashes_with(&other) {
            return Ok(Some(other));
        }
    }
    Ok(None)
}

impl Store {
    /// Sets up a campaign; refused when it is not valid or when its period overlaps one
    /// that counts the same gifts. Two set up at once are decided one after the other
    /// (both take the audit head first).
    pub async fn create_campaign(&self, actor: &AuditActor, c: &NewCampaign) -> Result<i64> {
        let c = c.checked()?;
        let mut tx = self.pool().begin().await?;
        // Serialise with every other writer before looking for a clash: on PostgreSQL
        // this takes the audit head's row lock, which the audit entry below needs anyway.
        q("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut tx)
            .await?;
        if let Some(other) = clash(&mut tx, &c).await? {
            return Err(DomainError::Ledger(LedgerError::CampaignClash {
                other: other.name,
                from: other.starts_on,
                to: other.ends_on,
            })
            .into());
        }
        let id: i64 = q(
            "INSERT INTO campaigns (name, organiser, target_kind, target_value, starts_on, ends_on, note, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(c.name.clone())
        .bind(c.organiser.code())
        .bind(c.target.kind_code())
        .bind(c.target.value())
        .bind(iso(c.starts_on))
        .bind(iso(c.ends_on))
        .bind(c.note.clone())
        .bind(actor.name.clone())
        .bind(now_millis())
        .scalar(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Campaign,
                entity_id: Some(id.to_string()),
                action: "create",
                summary: format!(
                    "Phát động đợt vận động «{}» của {}: mục tiêu {}, từ {} đến {}",
                    c.name,
                    c.organiser.label(domain::Lang::Vi),
                    c.target.display(domain::Lang::Vi),
                    domain::dates::format_date(c.starts_on),
                    domain::dates::format_date(c.ends_on),
                ),
                unit_id: None,
                changes: Some(json!({
                    "name": c.name, "organiser": c.organiser.code(),
                    "target_kind": c.target.kind_code(), "target": c.target.value(),
                    "starts_on": iso(c.starts_on), "ends_on": iso(c.ends_on), "note": c.note,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every campaign with its progress, the latest first.
    pub async fn campaigns(&self) -> Result<Vec<CampaignRecord>> {
        let rows: Vec<CampaignDb> =
            crate::db::Q::assembled(format!("{SELECT} ORDER BY starts_on DESC, id DESC"))
                .fetch_all(self.pool())
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.campaign_record(r).await?);
        }
        Ok(out)
    }

    pub async fn campaign(&self, id: i64) -> Result<Option<CampaignRecord>> {
        let row: Option<CampaignDb> = crate::db::Q::assembled(format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => Ok(Some(self.campaign_record(r).await?)),
            None => Ok(None),
        }
    }

    async fn campaign_record(&self, r: CampaignDb) -> Result<CampaignRecord> {
        let campaign = r.campaign()?;
        let gathered = gathered(self, &campaign).await?;
        Ok(CampaignRecord {
            id: r.id,
            campaign,
            gathered,
            created_by: r.created_by,
            created_at: r.created_at,
        })
    }

    /// The gifts a money campaign counts (received, then pledges waiting), largest first.
    pub async fn campaign_gifts(&self, c: &NewCampaign, limit: i64) -> Result<Vec<CountedGift>> {
        let (from, to) = (iso(c.starts_on), iso(c.ends_on));
        let channel = c.organiser.channel().code();
        let sql = format!(
            "SELECT g.id, g.donor_id, dn.name, g.amount, e.entry_date, TRUE, g.entry_id
               {RECEIVED_NAMED}
             UNION ALL
             SELECT g.id, g.donor_id, dn.name, g.amount, g.pledged_on, FALSE, g.entry_id
               {PLEDGED_NAMED}
             ORDER BY 6 DESC, 4 DESC, 1
             LIMIT $4",
            RECEIVED_NAMED = RECEIVED.replacen(
                "FROM cash_gifts g",
                "FROM cash_gifts g JOIN donors dn ON dn.id = g.donor_id",
                1
            ),
            PLEDGED_NAMED = PLEDGED.replacen(
                "FROM cash_gifts g",
                "FROM cash_gifts g JOIN donors dn ON dn.id = g.donor_id",
                1
            ),
        );
        type Row = (i64, i64, String, i64, String, bool, Option<i64>);
        let rows: Vec<Row> = crate::db::Q::assembled(sql)
            .bind(channel)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(
                |(gift_id, donor_id, donor_name, amount, date, received, entry_id)| {
                    Ok(CountedGift {
                        gift_id,
                        donor_id,
                        donor_name,
                        amount: Dong(amount),
                        date: parse_iso(&date, "cash_gifts", "date")?,
                        received,
                        entry_id,
                    })
                },
            )
            .collect()
    }

    /// The receipts in kind a device campaign counts, the most devices first.
    pub async fn campaign_receipts(
        &self,
        c: &NewCampaign,
        limit: i64,
    ) -> Result<Vec<CountedReceipt>> {
        let sql = format!(
            "SELECT d.id, d.minutes_no, d.donor_id, dn.name, d.received_on,
                    CAST(COALESCE((SELECT SUM(i.quantity) FROM donation_items i WHERE i.donation_id = d.id), 0) AS BIGINT) AS devices,
                    d.total_value
               {}
             ORDER BY 6 DESC, d.received_on, d.id
             LIMIT $3",
            RECEIPTS.replacen(
                "FROM donations d",
                "FROM donations d JOIN donors dn ON dn.id = d.donor_id",
                1
            )
        );
        type Row = (i64, String, i64, String, String, i64, i64);
        let rows: Vec<Row> = crate::db::Q::assembled(sql)
            .bind(iso(c.starts_on))
            .bind(iso(c.ends_on))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(
                |(donation_id, minutes_no, donor_id, donor_name, on, devices, value)| {
                    Ok(CountedReceipt {
                        donation_id,
                        minutes_no,
                        donor_id,
                        donor_name,
                        received_on: parse_iso(&on, "donations", "received_on")?,
                        devices,
                        value: Dong(value),
                    })
                },
            )
            .collect()
    }
}
