//! The appraisal (thẩm định) of device models and delivered batches by the Department of
//! Information and Communications, which moves devices out of `received`, and the
//! stock-in of a batch that passed.

use crate::db::{Q, Tx, q};
use crate::devices::model_name;
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::{Millis, now_millis, today};
use domain::devices::DevicesError;
use domain::devices::appraisals::{Appraisal, Verdict};
use domain::devices::{DeviceKind, DeviceState};
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use time::Date;

/// The appraisal reports kept as files, for the archive (`crate::archive`).
pub(crate) const ARCHIVE: &str = "SELECT 'uploaded' AS origin, 'report' AS kind, NULL AS number,
        a.appraised_on AS doc_date, 'Thẩm định ' || m.brand || ' ' || m.model AS title,
        '/devices/appraisals/' || CAST(a.id AS TEXT) || '/documents/' || CAST(d.id AS TEXT) AS link,
        NULL AS unit_id, NULL AS unit2_id, d.file_name AS file_name, d.size AS size, d.sha256 AS sha256,
        1 AS prints, d.uploaded_at AS at
   FROM documents d JOIN appraisals a ON a.id = d.owner_id JOIN device_models m ON m.id = a.model_id
  WHERE d.owner_kind = 'appraisal'";

/// A recorded appraisal.
#[derive(Debug, Clone, Serialize)]
pub struct AppraisalRow {
    pub id: i64,
    pub model_id: i64,
    pub source: Option<String>,
    pub verdict: Verdict,
    pub appraised_on: Date,
    pub notes: Option<String>,
    /// Devices whose state it changed.
    pub devices: i64,
    pub appraised_by: String,
    pub created_at: Millis,
}

/// What an appraisal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppraisalOutcome {
    pub id: i64,
    pub devices: u64,
}

/// A delivered batch: the devices of one model from one source, by state, with the
/// latest appraisal of the batch and of its model.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub model_id: i64,
    pub model_name: String,
    pub kind: DeviceKind,
    pub source: String,
    pub received: i64,
    pub appraised: i64,
    pub rejected: i64,
    pub in_stock: i64,
    pub total: i64,
    pub model_verdict: Option<Verdict>,
    pub batch_verdict: Option<Verdict>,
}

/// The latest verdict of a model (`source` None) or of a batch.
async fn latest_verdict(
    tx: &mut Tx,
    model_id: i64,
    source: Option<&str>,
) -> Result<Option<Verdict>> {
    let v: Option<String> = match source {
        None => q("SELECT verdict FROM appraisals WHERE model_id = $1 AND source IS NULL ORDER BY id DESC LIMIT 1")
            .bind(model_id)
            .scalar_optional(&mut *tx)
            .await?,
        Some(s) => q("SELECT verdict FROM appraisals WHERE model_id = $1 AND source = $2 ORDER BY id DESC LIMIT 1")
            .bind(model_id)
            .bind(s.to_string())
            .scalar_optional(&mut *tx)
            .await?,
    };
    Ok(v.as_deref().and_then(Verdict::parse))
}

/// Moves every device of a model (and batch) from one state to another, with an event
/// each; the database's trigger checks each change. Returns how many moved.
async fn move_batch(
    tx: &mut Tx,
    actor: &AuditActor,
    model_id: i64,
    source: Option<&str>,
    from: DeviceState,
    to: DeviceState,
    note: &str,
) -> Result<u64> {
    let now = now_millis();
    let batch = if source.is_some() {
        " AND source = $7"
    } else {
        ""
    };
    let with_source = |query: Q| match source {
        Some(s) => query.bind(s.to_string()),
        None => query,
    };
    let sql = format!(
        "INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
         SELECT id, state, $3, holder_kind, holder_id, $4, $5, $6 FROM devices
          WHERE model_id = $1 AND state = $2{batch}"
    );
    with_source(
        Q::assembled(sql)
            .bind(model_id)
            .bind(from.code())
            .bind(to.code())
            .bind(actor.name.clone())
            .bind(note.to_string())
            .bind(now),
    )
    .execute(&mut *tx)
    .await?;
    let batch = if source.is_some() {
        " AND source = $5"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE devices SET state = $3, state_changed_at = $4 WHERE model_id = $1 AND state = $2{batch}"
    );
    Ok(with_source(
        Q::assembled(sql)
            .bind(model_id)
            .bind(from.code())
            .bind(to.code())
            .bind(now),
    )
    .execute(&mut *tx)
    .await?)
}

impl Store {
    /// Records an appraisal and applies it: a failed model rejects every device of it
    /// still waiting; a batch passes only when its model has passed, and moves its
    /// waiting devices to `appraised` (pass) or `rejected` (fail).
    pub async fn appraise(&self, actor: &AuditActor, a: &Appraisal) -> Result<AppraisalOutcome> {
        let a = a.checked(today())?;
        let name = model_name(self, a.model_id).await?;
        let mut tx = self.pool().begin().await?;
        let target = match a.verdict {
            Verdict::Pass => DeviceState::Appraised,
            Verdict::Fail => DeviceState::Rejected,
        };
        let note = format!(
            "Thẩm định {}: {}",
            a.source.as_deref().unwrap_or("mẫu máy"),
            a.verdict.label(Lang::Vi)
        );
        let moved = match (&a.source, a.verdict) {
            (None, Verdict::Pass) => 0,
            (None, Verdict::Fail) => {
                move_batch(
                    &mut tx,
                    actor,
                    a.model_id,
                    None,
                    DeviceState::Received,
                    target,
                    &note,
                )
                .await?
            }
            (Some(source), verdict) => {
                if verdict == Verdict::Pass
                    && latest_verdict(&mut tx, a.model_id, None).await? != Some(Verdict::Pass)
                {
                    return Err(DomainError::Devices(DevicesError::ModelNotAppraised {
                        model: name,
                    })
                    .into());
                }
                let n = move_batch(
                    &mut tx,
                    actor,
                    a.model_id,
                    Some(source),
                    DeviceState::Received,
                    target,
                    &note,
                )
                .await?;
                if n == 0 {
                    return Err(DomainError::Devices(DevicesError::NothingToAppraise {
                        source: source.clone(),
                    })
                    .into());
                }
                n
            }
        };
        let id: i64 = q("INSERT INTO appraisals (model_id, source, verdict, appraised_on, notes, devices, appraised_by, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(a.model_id)
            .bind(a.source.clone())
            .bind(a.verdict.code())
            .bind(iso(a.appraised_on))
            .bind(a.notes.clone())
            .bind(moved as i64)
            .bind(actor.name.clone())
            .bind(now_millis())
            .scalar(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Appraisal,
                entity_id: Some(id.to_string()),
                action: a.verdict.code(),
                summary: format!(
                    "Thẩm định {name}{}: {} ({moved} thiết bị)",
                    a.source.as_deref().map(|s| format!(", lô {s}")).unwrap_or_default(),
                    a.verdict.label(Lang::Vi)
                ),
                unit_id: None,
                changes: Some(json!({"model_id": a.model_id, "source": a.source, "verdict": a.verdict.code(),
                                     "appraised_on": iso(a.appraised_on), "notes": a.notes, "devices": moved})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AppraisalOutcome { id, devices: moved })
    }

    /// Appraisals of a model (all of them when `None`), newest first.
    pub async fn appraisals(&self, model_id: Option<i64>) -> Result<Vec<AppraisalRow>> {
        type R = (
            i64,
            i64,
            Option<String>,
            String,
            String,
            Option<String>,
            i64,
            String,
            i64,
        );
        let sql = "SELECT id, model_id, source, verdict, appraised_on, notes, devices, appraised_by, created_at FROM appraisals";
        let rows: Vec<R> = match model_id {
            Some(m) => {
                Q::assembled(format!("{sql} WHERE model_id = $1 ORDER BY id DESC"))
                    .bind(m)
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                Q::assembled(format!("{sql} ORDER BY id DESC"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.into_iter()
            .map(
                |(id, model_id, source, verdict, on, notes, devices, by, at)| {
                    Ok(AppraisalRow {
                        id,
                        model_id,
                        source,
                        verdict: Verdict::parse(&verdict).ok_or_else(|| {
                            StoreError::corrupt("appraisals", "verdict", verdict.clone())
                        })?,
                        appraised_on: parse_iso(&on, "appraisals", "appraised_on")?,
                        notes,
                        devices,
                        appraised_by: by,
                        created_at: at,
                    })
                },
            )
            .collect()
    }

    /// Puts the appraised devices of a batch in the Board's stock.
    pub async fn stock_in(&self, actor: &AuditActor, model_id: i64, source: &str) -> Result<u64> {
        let name = model_name(self, model_id).await?;
        let mut tx = self.pool().begin().await?;
        let n = move_batch(
            &mut tx,
            actor,
            model_id,
            Some(source),
            DeviceState::Appraised,
            DeviceState::InStock,
            "Nhập kho",
        )
        .await?;
        if n == 0 {
            return Err(DomainError::Devices(DevicesError::NothingToAppraise {
                source: source.to_string(),
            })
            .into());
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Device,
                entity_id: Some(source.to_string()),
                action: "stock_in",
                summary: format!("Nhập kho {n} thiết bị {name}, lô {source}"),
                unit_id: None,
                changes: Some(json!({"model_id": model_id, "source": source, "count": n})),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Every delivered batch with its devices by state and the latest verdicts.
    pub async fn batches(&self) -> Result<Vec<Batch>> {
        type R = (i64, String, String, String, String, i64, i64, i64, i64, i64);
        let rows: Vec<R> = q("SELECT d.model_id, m.kind, m.brand, m.model, d.source,
                    CAST(SUM(CASE WHEN d.state = 'received' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'appraised' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'rejected' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN d.state = 'in_stock' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(COUNT(*) AS BIGINT)
               FROM devices d JOIN device_models m ON m.id = d.model_id
              GROUP BY d.model_id, m.kind, m.brand, m.model, d.source
              ORDER BY d.source, m.brand, m.model")
        .fetch_all(self.pool())
        .await?;
        let verdicts: Vec<(i64, Option<String>, String)> =
            q("SELECT model_id, source, verdict FROM appraisals ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut latest = std::collections::HashMap::new();
        for (m, s, v) in verdicts {
            latest.insert((m, s), Verdict::parse(&v));
        }
        rows.into_iter()
            .map(
                |(
                    model_id,
                    kind,
                    brand,
                    model,
                    source,
                    received,
                    appraised,
                    rejected,
                    in_stock,
                    total,
                )| {
                    Ok(Batch {
                        model_id,
                        model_name: format!("{brand} {model}"),
                        kind: DeviceKind::parse(&kind).ok_or_else(|| {
                            StoreError::corrupt("device_models", "kind", kind.clone())
                        })?,
                        model_verdict: latest.get(&(model_id, None)).copied().flatten(),
                        batch_verdict: latest
                            .get(&(model_id, Some(source.clone())))
                            .copied()
                            .flatten(),
                        source,
                        received,
                        appraised,
                        rejected,
                        in_stock,
                        total,
                    })
                },
            )
            .collect()
    }
}
