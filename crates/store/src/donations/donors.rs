//! Donors of devices and money: organisations and people, their contacts (kept beside the
//! audit chain, erasable, seen only by the Board) and what each gave so far.

use crate::db::{Q, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::donations::DonationsError;
use domain::donations::{Donor, DonorKind, Earmark};
use domain::money::Dong;
use domain::units::UnitKind;
use serde::Serialize;
use serde_json::json;

/// A donor as listed, with what they gave so far.
#[derive(Debug, Clone, Serialize)]
pub struct DonorRow {
    pub id: i64,
    pub donor: Donor,
    pub donations: i64,
    pub devices: i64,
    pub total_value: Dong,
}

#[derive(sqlx::FromRow)]
struct DonorDb {
    id: i64,
    kind: String,
    name: String,
    contact_person: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    tax_code: Option<String>,
    publish_name: bool,
    earmark_unit_id: Option<i64>,
    earmark_tier: Option<i64>,
}

const DONOR_COLS: &str = "d.id, d.kind, d.name, d.contact_person, d.phone, d.email, d.address, d.tax_code, d.publish_name, d.earmark_unit_id, d.earmark_tier";

impl DonorDb {
    fn donor(self) -> Result<(i64, Donor)> {
        let kind = DonorKind::parse(&self.kind)
            .ok_or_else(|| StoreError::corrupt("donors", "kind", self.kind.clone()))?;
        Ok((
            self.id,
            Donor {
                kind,
                name: self.name,
                contact_person: self.contact_person,
                phone: self.phone,
                email: self.email,
                address: self.address,
                tax_code: self.tax_code,
                publish_name: self.publish_name,
                earmark: Earmark {
                    unit_id: self.earmark_unit_id,
                    tier: self.earmark_tier.and_then(|v| u8::try_from(v).ok()),
                },
            },
        ))
    }
}

/// What of a donor the audit chain may hold: nothing that identifies a person.
fn donor_public(d: &Donor) -> serde_json::Value {
    json!({
        "kind": d.kind.code(),
        "name": (d.kind == DonorKind::Organisation).then_some(&d.name),
        "publish_name": d.publish_name,
        "earmark": d.earmark,
    })
}

/// The rest, kept beside the chain.
fn donor_private(d: &Donor) -> serde_json::Value {
    json!({
        "name": d.name, "contact_person": d.contact_person, "phone": d.phone, "email": d.email,
        "address": d.address, "tax_code": d.tax_code,
    })
}

impl Store {
    /// Records a donor (`id` None) or changes one; audited with the values before.
    pub async fn save_donor(&self, actor: &AuditActor, id: Option<i64>, d: &Donor) -> Result<i64> {
        let d = d.checked()?;
        if let Some(unit) = d.earmark.unit_id {
            // A gift is earmarked for a district (its schools) or one school.
            let kind = self.unit_by_id(unit).await?.map(|u| u.kind);
            if !matches!(kind, Some(UnitKind::District | UnitKind::School)) {
                return Err(DomainError::Donations(DonationsError::InvalidDonor {
                    field: "earmark_unit",
                    reason_vi: "chỉ định được một huyện hoặc một trường có trong danh mục".into(),
                    reason_en: "the earmark names a district or a school in the list of units"
                        .into(),
                })
                .into());
            }
        }
        if let Some(tier) = d.earmark.tier {
            let known: Option<i64> = q("SELECT id FROM tiers WHERE rank = $1 LIMIT 1")
                .bind(i64::from(tier))
                .scalar_optional(self.pool())
                .await?;
            if known.is_none() {
                return Err(DomainError::Donations(DonationsError::InvalidDonor {
                    field: "earmark_tier",
                    reason_vi: "đối tượng ưu tiên không có trong chương trình".into(),
                    reason_en: "the program has no such tier".into(),
                })
                .into());
            }
        }
        let before = match id {
            Some(id) => Some(self.donor(id).await?.ok_or(DomainError::NotFound)?),
            None => None,
        };
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let bind = |query: Q| {
            query
                .bind(d.kind.code())
                .bind(d.name.clone())
                .bind(d.contact_person.clone())
                .bind(d.phone.clone())
                .bind(d.email.clone())
                .bind(d.address.clone())
                .bind(d.tax_code.clone())
                .bind(d.publish_name)
                .bind(d.earmark.unit_id)
                .bind(d.earmark.tier.map(i64::from))
                .bind(now)
        };
        let id = match id {
            None => {
                bind(q("INSERT INTO donors (kind, name, contact_person, phone, email, address, tax_code, publish_name,
                                            earmark_unit_id, earmark_tier, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"))
                .scalar(&mut tx)
                .await?
            }
            Some(id) => {
                bind(q("UPDATE donors SET kind = $1, name = $2, contact_person = $3, phone = $4, email = $5, address = $6,
                               tax_code = $7, publish_name = $8, earmark_unit_id = $9, earmark_tier = $10, updated_at = $11
                         WHERE id = $12"))
                .bind(id)
                .execute(&mut tx)
                .await?;
                id
            }
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Donor,
                entity_id: Some(id.to_string()),
                action: if before.is_some() { "update" } else { "create" },
                summary: match d.kind {
                    DonorKind::Organisation => format!("Nhà tài trợ {}", d.name),
                    DonorKind::Person => format!("Nhà tài trợ cá nhân #{id}"),
                },
                unit_id: None,
                changes: Some(json!({"before": before.as_ref().map(donor_public), "after": donor_public(&d)})),
                // A person's name and anyone's contacts stay beside the chain, erasable.
                personal: Some(json!({"before": before.as_ref().map(donor_private), "after": donor_private(&d)})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn donor(&self, id: i64) -> Result<Option<Donor>> {
        let sql = format!("SELECT {DONOR_COLS} FROM donors d WHERE d.id = $1");
        let row: Option<DonorDb> = Q::assembled(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.donor().map(|(_, d)| d)).transpose()
    }

    /// Every donor with the number of receipts, devices and their declared value.
    pub async fn donors(&self) -> Result<Vec<DonorRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            d: DonorDb,
            n_donations: i64,
            n_devices: i64,
            value: i64,
        }
        let sql = format!(
            "SELECT {DONOR_COLS},
                    CAST((SELECT COUNT(*) FROM donations x WHERE x.donor_id = d.id) AS BIGINT) AS n_donations,
                    CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM donation_items i JOIN donations x ON x.id = i.donation_id
                           WHERE x.donor_id = d.id) AS BIGINT) AS n_devices,
                    CAST((SELECT COALESCE(SUM(x.total_value), 0) FROM donations x WHERE x.donor_id = d.id) AS BIGINT) AS value
               FROM donors d ORDER BY d.name, d.id"
        );
        let rows: Vec<Row> = Q::assembled(sql).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                let (id, donor) = r.d.donor()?;
                Ok(DonorRow {
                    id,
                    donor,
                    donations: r.n_donations,
                    devices: r.n_devices,
                    total_value: Dong(r.value),
                })
            })
            .collect()
    }
}
