//! The steps of a handover between units, each one transaction with its audit entry: a
//! giver lists the devices for a receiver (the minutes are printed and travel with the
//! boxes); the receiving side scans what arrived and signs once for the batch (what arrived
//! moves, what is missing stays with the giver, what is extra is recorded); a giver
//! withdraws minutes not yet signed. The helpers every step shares (numbering, moving
//! devices, keeping the signature and the frozen text) live here; a school's steps with a
//! student are in `students.rs`.

use super::{Candidate, Handover, candidates};
use crate::db::{Tx, q};
use crate::devices::holder_parts;
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, RowIssue, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{now_millis, today};
use domain::devices::{DeviceState, Holder};
use domain::handover::signature::Drawn;
use domain::handover::{
    self, HandoverError, MinutesDevice, MinutesText, Signer, Step, TEMPLATE_VERSION,
};
use domain::{Lang, digest::sha256_hex};
use serde_json::json;

/// The signature of the receiving side: drawn on the screen, or a scan of the signed paper.
#[derive(Debug, Clone)]
pub enum SignatureInput {
    Drawn(Drawn),
    Scan {
        bytes: Vec<u8>,
        content_type: String,
    },
}

impl SignatureInput {
    pub(super) fn sha256(&self) -> String {
        match self {
            SignatureInput::Drawn(d) => d.png_sha256.clone(),
            SignatureInput::Scan { bytes, .. } => sha256_hex(bytes),
        }
    }
}

/// Minutes a giver draws up for one receiver.
#[derive(Debug, Clone)]
pub struct NewHandover {
    /// The Board, or the district office (or direct unit) giving.
    pub giver: Holder,
    /// The unit (for the Board) or school (for an office) receiving.
    pub receiver: i64,
    pub serials: Vec<String>,
}

/// What the registry says of a device, in the giver's words.
pub(super) fn held_by(c: &Candidate) -> String {
    let state = DeviceState::parse(&c.state)
        .map(|s| s.label(Lang::Vi).to_lowercase())
        .unwrap_or_else(|| c.state.clone());
    format!("đang “{state}”")
}

pub(super) async fn unit_name(tx: &mut Tx, id: i64) -> Result<String> {
    let row: Option<(String, String)> = q("SELECT name, kind FROM units WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(row
        .map(|(n, k)| super::office_name(&n, &k))
        .unwrap_or_else(|| format!("đơn vị #{id}")))
}

/// A person's name for the minutes: the user's full name, else the account name.
pub(super) async fn person(tx: &mut Tx, username: &str) -> Result<String> {
    Ok(q("SELECT full_name FROM users WHERE username = $1")
        .bind(username.to_string())
        .scalar_optional(&mut *tx)
        .await?
        .unwrap_or_else(|| username.to_string()))
}

/// The next number of the issuer's minutes of this kind this year.
pub(super) async fn next_number(
    tx: &mut Tx,
    step: Step,
    issuer: &str,
    year: i64,
) -> Result<String> {
    let suffix = handover::minutes_number(0, issuer, step);
    let suffix = suffix.trim_start_matches('0');
    let n: i64 = q("SELECT COUNT(*) FROM handovers WHERE year = $1 AND number LIKE $2 ESCAPE '\\'")
        .bind(year)
        .bind(format!("%{}", crate::db::like_escape(suffix)))
        .scalar(&mut *tx)
        .await?;
    Ok(handover::minutes_number(n + 1, issuer, step))
}

pub(super) async fn issuer(tx: &mut Tx, giver: Holder) -> Result<String> {
    Ok(match giver {
        Holder::Unit(id) | Holder::School(id) => {
            q("SELECT code FROM units WHERE id = $1")
                .bind(id)
                .scalar(&mut *tx)
                .await?
        }
        _ => "BĐP".to_string(),
    })
}

/// Moves devices from one state to another in one statement, as many as expected, with
/// an event each; a device that changed meanwhile refuses the whole step.
pub(super) async fn move_devices(
    tx: &mut Tx,
    actor: &AuditActor,
    ids: &[i64],
    from: DeviceState,
    to: DeviceState,
    holder: Holder,
    note: &str,
) -> Result<()> {
    let (kind, hid) = holder_parts(holder);
    let now = now_millis();
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let n = q_assembled(format!(
            "UPDATE devices SET state = $1, holder_kind = $2, holder_id = $3, state_changed_at = $4
              WHERE state = $5 AND id IN ({list})"
        ))
        .bind(to.code())
        .bind(kind)
        .bind(hid)
        .bind(now)
        .bind(from.code())
        .execute(&mut *tx)
        .await?;
        if n as usize != chunk.len() {
            return Err(DomainError::StaleEdit.into());
        }
        q_assembled(format!(
            "INSERT INTO device_events (device_id, from_state, to_state, holder_kind, holder_id, actor, note, at)
             SELECT id, $1, $2, $3, $4, $5, $6, $7 FROM devices WHERE id IN ({list})"
        ))
        .bind(from.code())
        .bind(to.code())
        .bind(kind)
        .bind(hid)
        .bind(actor.name.clone())
        .bind(note.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

pub(super) fn q_assembled(sql: String) -> crate::db::Q {
    crate::db::Q::assembled(sql)
}

/// Locks a set of minutes waiting for a step (a no-op write), so that two officers
/// confirming or withdrawing it at once are served one after the other; the second finds
/// it no longer waiting.
async fn lock_sent(tx: &mut Tx, id: i64) -> Result<Handover> {
    let n = q("UPDATE handovers SET status = status WHERE id = $1 AND status = 'sent'")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let h = Store::handover_in(tx, id).await?;
    if n != 1 {
        return Err(state_refused(&h));
    }
    Ok(h)
}

fn state_refused(h: &Handover) -> StoreError {
    DomainError::from(HandoverError::HandoverState {
        status: h.status.label(Lang::Vi).to_lowercase(),
    })
    .into()
}

/// Keeps the signature and the frozen minutes.
pub(super) async fn keep_signature(
    tx: &mut Tx,
    actor: &AuditActor,
    handover_id: i64,
    signer: &Signer,
    signature: &SignatureInput,
    minutes: &MinutesText,
) -> Result<()> {
    let (how, strokes, svg, svg_sha, png, png_sha, scan, scan_type, scan_sha) = match signature {
        SignatureInput::Drawn(d) => (
            "drawn",
            Some(d.json.clone()),
            Some(d.svg.clone()),
            Some(d.svg_sha256.clone()),
            Some(d.png.clone()),
            Some(d.png_sha256.clone()),
            None,
            None,
            None,
        ),
        SignatureInput::Scan {
            bytes,
            content_type,
        } => (
            "scan",
            None,
            None,
            None,
            None,
            None,
            Some(bytes.clone()),
            Some(content_type.clone()),
            Some(sha256_hex(bytes)),
        ),
    };
    q("INSERT INTO handover_signatures (handover_id, how, signer_name, signer_position, relation,
            id_number, strokes, svg, svg_sha256, png, png_sha256, scan, scan_type, scan_sha256,
            minutes_text, minutes_sha256, template_version, signed_by, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)")
    .bind(handover_id)
    .bind(how)
    .bind(signer.name.clone())
    .bind(signer.position.clone())
    .bind(signer.relation.map(|r| r.code().to_string()))
    .bind(signer.id_number.clone())
    .bind(strokes)
    .bind(svg)
    .bind(svg_sha)
    .bind(png)
    .bind(png_sha)
    .bind(scan)
    .bind(scan_type)
    .bind(scan_sha)
    .bind(minutes.frozen())
    .bind(minutes.sha256())
    .bind(TEMPLATE_VERSION)
    .bind(actor.name.clone())
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The device lines of the minutes, for the given device ids.
pub(super) async fn minutes_devices(
    tx: &mut Tx,
    handover_id: i64,
    status: &str,
) -> Result<Vec<MinutesDevice>> {
    let rows: Vec<(String, Option<String>, String, String, String)> =
        q("SELECT d.serial, d.imei, m.kind, m.brand, m.model
           FROM handover_items i JOIN devices d ON d.id = i.device_id
           JOIN device_models m ON m.id = d.model_id
          WHERE i.handover_id = $1 AND i.status = $2 ORDER BY d.serial")
        .bind(handover_id)
        .bind(status.to_string())
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(serial, imei, kind, brand, model)| MinutesDevice {
            description: format!(
                "{} {brand} {model}",
                domain::devices::DeviceKind::parse(&kind)
                    .map(|k| k.label(Lang::Vi))
                    .unwrap_or("")
            )
            .trim()
            .to_string(),
            serial,
            imei,
            student_code: None,
        })
        .collect())
}

impl Store {
    /// A giver lists devices for a receiver: every serial must be in the giver's hands,
    /// sent there by the executed allocation and on no other open minutes, or nothing is
    /// written and each refused serial is named with its line.
    pub async fn hand_over(&self, actor: &AuditActor, new: &NewHandover) -> Result<Handover> {
        // Two officers listing the same device at the same moment: the database's one-open
        // index refuses the second, which is read again to say which minutes hold it.
        match self.try_hand_over(actor, new).await {
            Err(e) if is_clash(&e) => self.try_hand_over(actor, new).await,
            r => r,
        }
    }

    async fn try_hand_over(&self, actor: &AuditActor, new: &NewHandover) -> Result<Handover> {
        let step = match new.giver {
            Holder::Board => Step::ToUnit,
            Holder::Unit(_) => Step::ToSchool,
            _ => return Err(DomainError::from(HandoverError::WrongReceiver).into()),
        };
        if new.serials.is_empty() {
            return Err(DomainError::from(HandoverError::NoSerials).into());
        }
        if new.serials.len() > handover::MAX_DEVICES {
            return Err(DomainError::from(HandoverError::TooMany {
                max: handover::MAX_DEVICES,
            })
            .into());
        }
        let mut tx = self.pool().begin().await?;
        let receiver: Option<(String, String, Option<i64>)> =
            q("SELECT kind, name, parent_id FROM units WHERE id = $1")
                .bind(new.receiver)
                .fetch_optional(&mut tx)
                .await?;
        let Some((_, receiver_name, receiver_parent)) = receiver else {
            return Err(DomainError::NotFound.into());
        };
        if let Holder::Unit(u) = new.giver
            && receiver_parent != Some(u)
        {
            return Err(DomainError::from(HandoverError::WrongReceiver).into());
        }
        let found = candidates(&mut tx, &new.serials).await?;
        let by_serial: std::collections::HashMap<&str, &Candidate> =
            found.iter().map(|c| (c.serial.as_str(), c)).collect();
        let mut issues = Vec::new();
        let mut ids = Vec::with_capacity(new.serials.len());
        for (i, serial) in new.serials.iter().enumerate() {
            let c = by_serial.get(serial.as_str()).copied();
            match refusal(&mut tx, new.giver, new.receiver, serial, c).await? {
                Some(e) => issues.push(RowIssue {
                    row: i + 1,
                    field: "serials",
                    error: e.into(),
                }),
                None => ids.extend(c.map(|c| c.id)),
            }
        }
        if !issues.is_empty() {
            return Err(StoreError::Rows(issues));
        }
        let year = today().year() as i64;
        let issuer = issuer(&mut tx, new.giver).await?;
        let number = next_number(&mut tx, step, &issuer, year).await?;
        let (gkind, gid) = holder_parts(new.giver);
        let giver_unit = gid;
        let now = now_millis();
        let id: i64 = q(
            "INSERT INTO handovers (year, number, step, status, giver_kind, giver_id, receiver_kind,
                    receiver_id, giver_unit_id, receiver_unit_id, devices, created_by, created_at)
             VALUES ($1, $2, $3, 'sent', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(year)
        .bind(number.clone())
        .bind(step.code())
        .bind(gkind)
        .bind(gid)
        .bind(if step == Step::ToUnit { "unit" } else { "school" })
        .bind(new.receiver)
        .bind(giver_unit)
        .bind(new.receiver)
        .bind(ids.len() as i64)
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "handovers_number_key", || DomainError::StaleEdit))?;
        for chunk in ids.chunks(500) {
            let values = chunk
                .iter()
                .map(|d| format!("({id}, {d}, 'sent')"))
                .collect::<Vec<_>>()
                .join(", ");
            q_assembled(format!(
                "INSERT INTO handover_items (handover_id, device_id, status) VALUES {values}"
            ))
            .execute(&mut tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "handover_items_one_open", || DomainError::StaleEdit)
            })?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Handover,
                entity_id: Some(id.to_string()),
                action: "hand_over",
                summary: format!(
                    "Lập biên bản bàn giao số {number}: {} thiết bị cho {receiver_name}",
                    ids.len()
                ),
                unit_id: Some(new.receiver),
                changes: Some(json!({"number": number, "step": step.code(), "devices": ids.len(), "receiver": new.receiver})),
                personal: None,
            },
        )
        .await?;
        let h = Store::handover_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(h)
    }

    /// The receiving side signs for what arrived. Listed and scanned: moves to the
    /// receiver; listed, not scanned: flagged missing, stays with the giver; scanned, not
    /// listed: recorded as extra. The minutes' text is frozen with the signature and its
    /// hash goes in the audit entry.
    pub async fn confirm_handover(
        &self,
        actor: &AuditActor,
        id: i64,
        scanned: &[String],
        signer: &Signer,
        signature: &SignatureInput,
    ) -> Result<Handover> {
        let mut tx = self.pool().begin().await?;
        let h = lock_sent(&mut tx, id).await?;
        if !h.step.confirmed_later() {
            return Err(state_refused(&h));
        }
        let listed: Vec<(i64, String)> = q(
            "SELECT d.id, d.serial FROM handover_items i JOIN devices d ON d.id = i.device_id
              WHERE i.handover_id = $1 AND i.status = 'sent' ORDER BY d.serial",
        )
        .bind(id)
        .fetch_all(&mut tx)
        .await?;
        let serials: Vec<String> = listed.iter().map(|(_, s)| s.clone()).collect();
        let arrival = handover::compare(&serials, scanned);
        let id_of: std::collections::HashMap<&str, i64> =
            listed.iter().map(|(i, s)| (s.as_str(), *i)).collect();
        let received: Vec<i64> = arrival.received.iter().map(|s| id_of[s.as_str()]).collect();
        let missing: Vec<i64> = arrival.missing.iter().map(|s| id_of[s.as_str()]).collect();
        let number_note = format!("Biên bản bàn giao số {}", h.number);
        match h.step {
            Step::ToUnit => {
                move_devices(
                    &mut tx,
                    actor,
                    &received,
                    DeviceState::Allocated,
                    DeviceState::WithUnit,
                    Holder::Unit(h.receiver_unit_id),
                    &number_note,
                )
                .await?;
                // A unit directly under the Department that is itself a school holds its
                // devices as a school at once.
                let is_school: Option<String> = q("SELECT kind FROM units WHERE id = $1")
                    .bind(h.receiver_unit_id)
                    .scalar_optional(&mut tx)
                    .await?;
                if is_school.as_deref() == Some("school") {
                    move_devices(
                        &mut tx,
                        actor,
                        &received,
                        DeviceState::WithUnit,
                        DeviceState::WithSchool,
                        Holder::School(h.receiver_unit_id),
                        &number_note,
                    )
                    .await?;
                }
            }
            _ => {
                move_devices(
                    &mut tx,
                    actor,
                    &received,
                    DeviceState::WithUnit,
                    DeviceState::WithSchool,
                    Holder::School(h.receiver_unit_id),
                    &number_note,
                )
                .await?;
            }
        }
        for (ids, status) in [(&received, "received"), (&missing, "missing")] {
            for chunk in ids.chunks(500) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                q_assembled(format!(
                    "UPDATE handover_items SET status = $1 WHERE handover_id = $2 AND device_id IN ({list})"
                ))
                .bind(status)
                .bind(id)
                .execute(&mut tx)
                .await?;
            }
        }
        let giver_person = person(&mut tx, &h.created_by).await?;
        let minutes = MinutesText {
            template: TEMPLATE_VERSION,
            number: h.number.clone(),
            step: h.step,
            date: domain::dates::format_date(today()),
            giver: h.giver_name.clone(),
            giver_person,
            receiver: h.receiver_name.clone(),
            signer: signer.clone(),
            student: None,
            received: minutes_devices(&mut tx, id, "received").await?,
            missing: arrival.missing.clone(),
            extra: arrival.extra.clone(),
            sim: None,
            reason: None,
            signature_sha256: signature.sha256(),
        };
        keep_signature(&mut tx, actor, id, signer, signature, &minutes).await?;
        let extra = (!arrival.extra.is_empty()).then(|| arrival.extra.join("\n"));
        q(
            "UPDATE handovers SET status = 'confirmed', received = $1, missing = $2, extra = $3,
                confirmed_by = $4, confirmed_at = $5 WHERE id = $6",
        )
        .bind(received.len() as i64)
        .bind(missing.len() as i64)
        .bind(extra)
        .bind(actor.name.clone())
        .bind(now_millis())
        .bind(id)
        .execute(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Handover,
                entity_id: Some(id.to_string()),
                action: "confirm",
                summary: format!(
                    "{} ký nhận biên bản số {}: nhận {} thiết bị, thiếu {}, thừa {}",
                    h.receiver_name,
                    h.number,
                    received.len(),
                    missing.len(),
                    arrival.extra.len()
                ),
                unit_id: Some(h.receiver_unit_id),
                changes: Some(json!({
                    "number": h.number,
                    "received": received.len(),
                    "missing": arrival.missing,
                    "extra": arrival.extra,
                    "minutes_sha256": minutes.sha256(),
                    "signature_sha256": signature.sha256(),
                    "template": TEMPLATE_VERSION,
                })),
                personal: None,
            },
        )
        .await?;
        let h = Store::handover_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(h)
    }

    /// The giver withdraws minutes the receiver has not signed: nothing moved, the devices
    /// are free to list again.
    pub async fn cancel_handover(&self, actor: &AuditActor, id: i64) -> Result<Handover> {
        let mut tx = self.pool().begin().await?;
        let h = lock_sent(&mut tx, id).await?;
        q("UPDATE handover_items SET status = 'cancelled' WHERE handover_id = $1 AND status = 'sent'")
            .bind(id)
            .execute(&mut tx)
            .await?;
        q("UPDATE handovers SET status = 'cancelled', cancelled_by = $1, cancelled_at = $2 WHERE id = $3")
            .bind(actor.name.clone())
            .bind(now_millis())
            .bind(id)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Handover,
                entity_id: Some(id.to_string()),
                action: "cancel",
                summary: format!("Huỷ biên bản bàn giao số {} chưa ký nhận", h.number),
                unit_id: Some(h.receiver_unit_id),
                changes: Some(json!({"number": h.number})),
                personal: None,
            },
        )
        .await?;
        let h = Store::handover_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(h)
    }
}
/// Why a serial cannot go on the giver's minutes for `receiver`, if it cannot: unknown,
/// not in the giver's hands, sent elsewhere by the executed allocation, or on open minutes.
async fn refusal(
    tx: &mut Tx,
    giver: Holder,
    receiver: i64,
    serial: &str,
    c: Option<&Candidate>,
) -> Result<Option<HandoverError>> {
    let Some(c) = c else {
        return Ok(Some(HandoverError::UnknownSerial {
            serial: serial.to_string(),
        }));
    };
    let (want_state, want_kind, want_id, dest) = match giver {
        Holder::Board => ("allocated", "board", None, c.dest_unit),
        Holder::Unit(u) => ("with_unit", "unit", Some(u), c.dest_school),
        _ => return Ok(Some(HandoverError::WrongReceiver)),
    };
    if c.state != want_state || c.holder_kind != want_kind || c.holder_id != want_id {
        return Ok(Some(HandoverError::NotWithGiver {
            serial: serial.to_string(),
            held: held_by(c),
        }));
    }
    if dest != Some(receiver) {
        let to = match dest {
            Some(d) => unit_name(tx, d).await?,
            None => "không đơn vị nào".to_string(),
        };
        return Ok(Some(HandoverError::AllocatedElsewhere {
            serial: serial.to_string(),
            to,
        }));
    }
    if let Some(number) = &c.open_number {
        return Ok(Some(HandoverError::InAnotherBatch {
            serial: serial.to_string(),
            number: number.clone(),
        }));
    }
    Ok(None)
}

impl Store {
    /// Why one scanned serial cannot go on the giver's minutes for `receiver` (what the
    /// scanner page beeps for), or `None` when it can.
    pub async fn handover_refusal(
        &self,
        giver: Holder,
        receiver: i64,
        serial: &str,
    ) -> Result<Option<HandoverError>> {
        let Ok(serial) = domain::devices::serial(serial) else {
            return Ok(Some(HandoverError::NoSerials));
        };
        let mut tx = self.pool().begin().await?;
        let found = candidates(&mut tx, std::slice::from_ref(&serial)).await?;
        let r = refusal(&mut tx, giver, receiver, &serial, found.first()).await?;
        tx.commit().await?;
        Ok(r)
    }
}

/// Whether an error is two officers listing the same device at once.
fn is_clash(e: &StoreError) -> bool {
    matches!(e, StoreError::Domain(DomainError::StaleEdit))
}
