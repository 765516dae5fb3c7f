//! Signal (sóng) in storage: each school's Internet connection with its history, the dead
//! zones with their dated steps (the students affected counted from the students'
//! villages, never listed), students' data SIMs (each with the device it goes with) and
//! the online-learning platforms. Everything here but the SIMs is about places and
//! organisations; a SIM's number is read masked outside the student's school (the web
//! decides, with [`domain::signal::masked_phone`]).

mod sims;

pub use sims::{NewSim, SimCount, SimRecord, SimToRecord};

use crate::db::{Tx, q};
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::audit::Entity;
use domain::dates::{format_date, now_millis};
use domain::signal::{Carrier, Connectivity, SignalError, SignalLevel, ZoneStatus, ZoneSteps};
use domain::units::{UnitKind, UnitPath};
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use time::Date;

/// A connection as recorded for a school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    pub school_id: i64,
    pub kind: Connectivity,
    pub speed_mbps: Option<i64>,
    /// The provider of the line, as written ("VNPT", "Viettel").
    pub provider: Option<String>,
    pub note: Option<String>,
    pub noted_on: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionRecord {
    pub kind: Connectivity,
    pub speed_mbps: Option<i64>,
    pub provider: Option<String>,
    pub note: Option<String>,
    pub noted_on: Date,
    /// The person's full name where the account exists.
    pub recorded_by: String,
}

/// A school and its connection as it stands: the latest record, or, for a school no one
/// has recorded yet, what its list said (`units.internet`).
#[derive(Debug, Clone, Serialize)]
pub struct SchoolConnection {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub district: String,
    pub commune: Option<String>,
    /// `None`: not known.
    pub kind: Option<Connectivity>,
    pub speed_mbps: Option<i64>,
    pub provider: Option<String>,
    pub noted_on: Option<Date>,
    /// Whether `kind` comes from a record of this area (else from the school list).
    pub recorded: bool,
}

/// A dead zone as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct NewZone {
    /// The district (huyện) whose office follows it.
    pub district_id: i64,
    pub commune: String,
    pub village: Option<String>,
    /// Latitude and longitude in degrees, if known.
    pub point: Option<(f64, f64)>,
    pub carriers: Vec<Carrier>,
    pub signal: SignalLevel,
    pub note: Option<String>,
    pub opened_on: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZoneRecord {
    pub id: i64,
    pub district_id: i64,
    pub district: String,
    pub commune: String,
    pub village: Option<String>,
    /// Millionths of a degree.
    pub point: Option<(i64, i64)>,
    pub carriers: Vec<Carrier>,
    pub signal: SignalLevel,
    pub students: i64,
    pub status: ZoneStatus,
    pub status_on: Date,
    pub note: Option<String>,
    #[serde(skip)]
    pub district_path: UnitPath,
}

impl ZoneRecord {
    /// "Thôn 3, xã Quảng Trực".
    pub fn place(&self) -> String {
        match &self.village {
            Some(v) => format!("{v}, {}", self.commune),
            None => self.commune.clone(),
        }
    }

    /// Whether a user whose scope is `scope` sees it: the zone's district is in their
    /// scope, or their scope is inside the district (a school sees its district's zones).
    pub fn seen_from(&self, scope: &UnitPath) -> bool {
        scope.contains(&self.district_path) || self.district_path.contains(scope)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ZoneStep {
    pub status: ZoneStatus,
    pub day: Date,
    pub note: Option<String>,
    pub actor: String,
}

/// An online-learning platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platform {
    pub id: Option<i64>,
    pub name: String,
    pub url: String,
    pub provider: String,
    pub purpose: String,
    pub recommended: bool,
    pub decision_no: Option<String>,
    pub decision_date: Option<Date>,
}

type ZoneRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
);

const ZONE_SELECT: &str = "SELECT z.id, z.district_id, d.name, d.path, z.commune, z.village, z.latitude_e6, z.longitude_e6,
        z.carriers, z.signal, z.students, z.status, z.status_on, z.note
   FROM dead_zones z JOIN units d ON d.id = z.district_id";

fn zone_record(r: ZoneRow) -> Result<ZoneRecord> {
    let carriers = r
        .8
        .lines()
        .map(|c| Carrier::parse(c).ok_or_else(|| StoreError::corrupt("dead_zones", "carriers", c)))
        .collect::<Result<Vec<_>>>()?;
    Ok(ZoneRecord {
        id: r.0,
        district_id: r.1,
        district: r.2,
        district_path: UnitPath::parse(&r.3)
            .ok_or_else(|| StoreError::corrupt("units", "path", r.3.clone()))?,
        commune: r.4,
        village: r.5,
        point: r.6.zip(r.7),
        carriers,
        signal: SignalLevel::parse(&r.9)
            .ok_or_else(|| StoreError::corrupt("dead_zones", "signal", r.9.clone()))?,
        students: r.10,
        status: ZoneStatus::parse(&r.11)
            .ok_or_else(|| StoreError::corrupt("dead_zones", "status", r.11.clone()))?,
        status_on: parse_iso(&r.12, "dead_zones", "status_on")?,
        note: r.13,
    })
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

impl Store {
    /// Records a school's connection as it is on `noted_on`; the school's coarse status in
    /// the units' lists follows. Audited with the school's unit.
    pub async fn record_connectivity(&self, actor: &AuditActor, c: &NewConnection) -> Result<()> {
        if let Some(s) = c.speed_mbps {
            domain::signal::speed(s)?;
        }
        let school = self
            .unit_by_id(c.school_id)
            .await?
            .filter(|u| u.kind == UnitKind::School)
            .ok_or(DomainError::NotFound)?;
        let provider = clean(c.provider.as_deref());
        let note = clean(c.note.as_deref());
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        q("INSERT INTO school_connectivity (school_id, kind, speed_mbps, provider, note, noted_on, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(school.id)
            .bind(c.kind.code())
            .bind(c.speed_mbps)
            .bind(provider.clone())
            .bind(note.clone())
            .bind(iso(c.noted_on))
            .bind(actor.name.clone())
            .bind(now)
            .execute(&mut tx)
            .await?;
        q("UPDATE units SET internet = $1, updated_at = $2 WHERE id = $3")
            .bind(c.kind.internet_status().code())
            .bind(now)
            .bind(school.id)
            .execute(&mut tx)
            .await?;
        let speed = c
            .speed_mbps
            .map(|s| format!(", {s} Mbit/s"))
            .unwrap_or_default();
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Connectivity,
                entity_id: Some(school.code.to_string()),
                action: "record_connectivity",
                summary: format!(
                    "{}: {}{speed} (ngày {})",
                    school.name,
                    c.kind.label(Lang::Vi),
                    format_date(c.noted_on)
                ),
                unit_id: Some(school.id),
                changes: Some(json!({
                    "kind": c.kind.code(), "speed_mbps": c.speed_mbps, "provider": provider,
                    "note": note, "noted_on": iso(c.noted_on),
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A school's connections as recorded, newest first.
    pub async fn connectivity_history(&self, school_id: i64) -> Result<Vec<ConnectionRecord>> {
        type Row = (
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> =
            q("SELECT c.kind, c.speed_mbps, c.provider, c.note, c.noted_on, COALESCE(u.full_name, c.recorded_by)
                 FROM school_connectivity c LEFT JOIN users u ON u.username = c.recorded_by
                WHERE c.school_id = $1 ORDER BY c.id DESC")
            .bind(school_id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ConnectionRecord {
                    kind: Connectivity::parse(&r.0)
                        .ok_or_else(|| StoreError::corrupt("school_connectivity", "kind", r.0))?,
                    speed_mbps: r.1,
                    provider: r.2,
                    note: r.3,
                    noted_on: parse_iso(&r.4, "school_connectivity", "noted_on")?,
                    recorded_by: r.5,
                })
            })
            .collect()
    }

    /// Every school of `scope` with its connection as it stands, by district then name.
    pub async fn school_connections(&self, scope: &UnitPath) -> Result<Vec<SchoolConnection>> {
        let (lo, hi) = scope.subtree_range();
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = q(
            "SELECT u.id, u.code, u.name, p.name, cm.name, c.kind, c.speed_mbps, c.provider, c.noted_on, u.internet
               FROM units u
               LEFT JOIN units p ON p.id = u.parent_id
               LEFT JOIN units cm ON cm.id = u.commune_id
               LEFT JOIN school_connectivity c
                      ON c.id = (SELECT MAX(x.id) FROM school_connectivity x WHERE x.school_id = u.id)
              WHERE u.kind = 'school' AND u.path >= $1 AND u.path < $2
              ORDER BY p.name, u.name, u.id",
        )
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let recorded = r.5.is_some();
                let kind = match (&r.5, r.9.as_deref()) {
                    (Some(k), _) => Some(
                        Connectivity::parse(k)
                            .ok_or_else(|| StoreError::corrupt("school_connectivity", "kind", k))?,
                    ),
                    // Not recorded here yet: what the school list said, where it is plain.
                    (None, Some("none")) => Some(Connectivity::None),
                    (None, Some("connected")) => Some(Connectivity::Fixed),
                    (None, Some("weak")) => Some(Connectivity::MobileOnly),
                    (None, _) => None,
                };
                Ok(SchoolConnection {
                    school_id: r.0,
                    code: r.1,
                    name: r.2,
                    district: r.3.unwrap_or_default(),
                    commune: r.4,
                    kind,
                    speed_mbps: r.6,
                    provider: r.7,
                    noted_on: r
                        .8
                        .as_deref()
                        .map(|d| parse_iso(d, "school_connectivity", "noted_on"))
                        .transpose()?,
                    recorded,
                })
            })
            .collect()
    }

    /// Reports a dead zone; the students affected are counted from the students' villages
    /// in the district. Returns its id.
    pub async fn report_zone(&self, actor: &AuditActor, z: &NewZone) -> Result<i64> {
        let commune = clean(Some(&z.commune)).ok_or(SignalError::Missing { field: "commune" })?;
        let village = clean(z.village.as_deref());
        if z.carriers.is_empty() {
            return Err(SignalError::Missing { field: "carriers" }.into());
        }
        let point = z
            .point
            .map(|(lat, lon)| domain::signal::coordinates(lat, lon))
            .transpose()?;
        let district = self
            .unit_by_id(z.district_id)
            .await?
            .filter(|u| u.kind == UnitKind::District)
            .ok_or(DomainError::NotFound)?;
        let mut carriers: Vec<Carrier> = z.carriers.clone();
        carriers.sort();
        carriers.dedup();
        let codes: Vec<&str> = carriers.iter().map(|c| c.code()).collect();
        let (commune_key, village_key) = (
            text::place_key(&commune),
            village.as_deref().map(text::place_key),
        );
        let mut tx = self.pool().begin().await?;
        let students = count_affected(
            &mut tx,
            &district.path,
            &commune_key,
            village_key.as_deref(),
        )
        .await?;
        let now = now_millis();
        let id: i64 = q(
            "INSERT INTO dead_zones (district_id, commune, commune_key, village, village_key, latitude_e6, longitude_e6,
                                     carriers, signal, students, status, status_on, note, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(district.id)
        .bind(commune.clone())
        .bind(commune_key)
        .bind(village.clone())
        .bind(village_key)
        .bind(point.map(|p| p.0))
        .bind(point.map(|p| p.1))
        .bind(codes.join("\n"))
        .bind(z.signal.code())
        .bind(students)
        .bind(iso(z.opened_on))
        .bind(clean(z.note.as_deref()))
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await?;
        q("INSERT INTO dead_zone_steps (zone_id, status, day, note, actor, at) VALUES ($1, 'open', $2, NULL, $3, $4)")
            .bind(id)
            .bind(iso(z.opened_on))
            .bind(actor.name.clone())
            .bind(now)
            .execute(&mut tx)
            .await?;
        let place = match &village {
            Some(v) => format!("{v}, {commune}"),
            None => commune.clone(),
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::DeadZone,
                entity_id: Some(id.to_string()),
                action: "report_zone",
                summary: format!(
                    "Vùng lõm sóng {place} ({}): {}, {} học sinh bị ảnh hưởng",
                    district.name,
                    z.signal.label(Lang::Vi),
                    students
                ),
                unit_id: Some(district.id),
                changes: Some(json!({
                    "commune": commune, "village": village, "carriers": codes,
                    "signal": z.signal.code(), "students": students, "point": point,
                    "opened_on": iso(z.opened_on),
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a dead zone on to `to` on `day`: only forward, never dated before the step
    /// it follows; the students affected are counted again. Two officers moving the same
    /// zone at once: the second is refused, nothing changed.
    pub async fn advance_zone(
        &self,
        actor: &AuditActor,
        id: i64,
        to: ZoneStatus,
        day: Date,
        note: Option<&str>,
    ) -> Result<ZoneRecord> {
        let (zone, steps) = self.dead_zone(id).await?.ok_or(DomainError::NotFound)?;
        let mut path = ZoneSteps::opened(steps[0].day);
        for s in &steps[1..] {
            path.advance(s.status, s.day)?;
        }
        path.advance(to, day)?;
        let (commune_key, village_key): (String, Option<String>) =
            q("SELECT commune_key, village_key FROM dead_zones WHERE id = $1")
                .bind(id)
                .fetch_one(self.pool())
                .await?;
        let note = clean(note);
        let mut tx = self.pool().begin().await?;
        let students = count_affected(
            &mut tx,
            &zone.district_path,
            &commune_key,
            village_key.as_deref(),
        )
        .await?;
        let now = now_millis();
        let n = q(
            "UPDATE dead_zones SET status = $1, status_on = $2, students = $3, updated_at = $4
                    WHERE id = $5 AND status = $6",
        )
        .bind(to.code())
        .bind(iso(day))
        .bind(students)
        .bind(now)
        .bind(id)
        .bind(zone.status.code())
        .execute(&mut tx)
        .await?;
        if n != 1 {
            return Err(DomainError::StaleEdit.into());
        }
        q("INSERT INTO dead_zone_steps (zone_id, status, day, note, actor, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(to.code())
            .bind(iso(day))
            .bind(note.clone())
            .bind(actor.name.clone())
            .bind(now)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::DeadZone,
                entity_id: Some(id.to_string()),
                action: "advance_zone",
                summary: format!(
                    "Vùng lõm sóng {} ({}): {} → {} ngày {}",
                    zone.place(),
                    zone.district,
                    zone.status.label(Lang::Vi),
                    to.label(Lang::Vi),
                    format_date(day)
                ),
                unit_id: Some(zone.district_id),
                changes: Some(json!({
                    "from": zone.status.code(), "to": to.code(), "day": iso(day),
                    "note": note, "students": students,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(self.dead_zone(id).await?.ok_or(DomainError::NotFound)?.0)
    }

    /// A dead zone and its steps, oldest first.
    pub async fn dead_zone(&self, id: i64) -> Result<Option<(ZoneRecord, Vec<ZoneStep>)>> {
        let row: Option<ZoneRow> =
            crate::db::Q::assembled(format!("{ZONE_SELECT} WHERE z.id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let zone = zone_record(row)?;
        let rows: Vec<(String, String, Option<String>, String)> = q(
            "SELECT s.status, s.day, s.note, COALESCE(u.full_name, s.actor)
               FROM dead_zone_steps s LEFT JOIN users u ON u.username = s.actor
              WHERE s.zone_id = $1 ORDER BY s.at, s.day",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut steps = rows
            .into_iter()
            .map(|r| {
                Ok(ZoneStep {
                    status: ZoneStatus::parse(&r.0)
                        .ok_or_else(|| StoreError::corrupt("dead_zone_steps", "status", r.0))?,
                    day: parse_iso(&r.1, "dead_zone_steps", "day")?,
                    note: r.2,
                    actor: r.3,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        steps.sort_by_key(|s| s.status);
        Ok(Some((zone, steps)))
    }

    /// The dead zones `scope` sees (see [`ZoneRecord::seen_from`]), the most students
    /// affected first; `carrier`: only those asked of it.
    pub async fn dead_zones(
        &self,
        scope: &UnitPath,
        carrier: Option<Carrier>,
    ) -> Result<Vec<ZoneRecord>> {
        let rows: Vec<ZoneRow> =
            crate::db::Q::assembled(format!("{ZONE_SELECT} ORDER BY z.students DESC, z.id"))
                .fetch_all(self.pool())
                .await?;
        let mut out = Vec::new();
        for r in rows {
            let z = zone_record(r)?;
            if z.seen_from(scope) && carrier.is_none_or(|c| z.carriers.contains(&c)) {
                out.push(z);
            }
        }
        Ok(out)
    }

    /// Saves a platform (new when `id` is `None`); a recommended one needs its decision.
    pub async fn save_platform(&self, actor: &AuditActor, p: &Platform) -> Result<i64> {
        let url = domain::signal::platform_url(&p.url)?;
        let name = clean(Some(&p.name)).ok_or(SignalError::Missing { field: "name" })?;
        let decision_no = clean(p.decision_no.as_deref());
        if p.recommended && (decision_no.is_none() || p.decision_date.is_none()) {
            return Err(SignalError::DecisionRequired.into());
        }
        let (provider, purpose) = (
            clean(Some(&p.provider)).unwrap_or_default(),
            clean(Some(&p.purpose)).unwrap_or_default(),
        );
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let taken: Option<i64> = q("SELECT id FROM learning_platforms WHERE url = $1")
            .bind(url.clone())
            .scalar_optional(&mut tx)
            .await?;
        if taken.is_some_and(|t| Some(t) != p.id) {
            return Err(SignalError::PlatformExists { url }.into());
        }
        let id = match p.id {
            None => {
                q("INSERT INTO learning_platforms (name, url, provider, purpose, recommended, decision_no, decision_date, updated_by, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(name.clone())
                .bind(url.clone())
                .bind(provider.clone())
                .bind(purpose.clone())
                .bind(p.recommended)
                .bind(decision_no.clone())
                .bind(p.decision_date.map(iso))
                .bind(actor.name.clone())
                .bind(now)
                .scalar(&mut tx)
                .await?
            }
            Some(id) => {
                let n = q("UPDATE learning_platforms SET name = $1, url = $2, provider = $3, purpose = $4, recommended = $5,
                                  decision_no = $6, decision_date = $7, updated_by = $8, updated_at = $9 WHERE id = $10")
                .bind(name.clone())
                .bind(url.clone())
                .bind(provider.clone())
                .bind(purpose.clone())
                .bind(p.recommended)
                .bind(decision_no.clone())
                .bind(p.decision_date.map(iso))
                .bind(actor.name.clone())
                .bind(now)
                .bind(id)
                .execute(&mut tx)
                .await?;
                if n != 1 {
                    return Err(DomainError::NotFound.into());
                }
                id
            }
        };
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::LearningPlatform,
                entity_id: Some(id.to_string()),
                action: "save_platform",
                summary: format!(
                    "Nền tảng {name} ({url}): {}",
                    if p.recommended {
                        format!(
                            "khuyến nghị theo văn bản {}",
                            decision_no.clone().unwrap_or_default()
                        )
                    } else {
                        "không khuyến nghị".to_string()
                    }
                ),
                unit_id: None,
                changes: Some(json!({
                    "name": name, "url": url, "provider": provider, "purpose": purpose,
                    "recommended": p.recommended, "decision_no": decision_no,
                    "decision_date": p.decision_date.map(iso),
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The platforms, recommended first, by name; `recommended_only` for the public.
    pub async fn platforms(&self, recommended_only: bool) -> Result<Vec<Platform>> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            bool,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = q(
            "SELECT id, name, url, provider, purpose, recommended, decision_no, decision_date
               FROM learning_platforms ORDER BY recommended DESC, name, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .filter(|r| r.5 || !recommended_only)
            .map(|r| {
                Ok(Platform {
                    id: Some(r.0),
                    name: r.1,
                    url: r.2,
                    provider: r.3,
                    purpose: r.4,
                    recommended: r.5,
                    decision_no: r.6,
                    decision_date: r
                        .7
                        .as_deref()
                        .map(|d| parse_iso(d, "learning_platforms", "decision_date"))
                        .transpose()?,
                })
            })
            .collect()
    }
}

/// The children on the program's lists who live in the zone: schools of the district,
/// the same commune and, when the zone names one, the same village; a child listed in
/// several rounds counts once. Withdrawn nominations do not count.
async fn count_affected(
    tx: &mut Tx,
    district: &UnitPath,
    commune_key: &str,
    village_key: Option<&str>,
) -> Result<i64> {
    let (lo, hi) = district.subtree_range();
    let rows: Vec<(Option<String>, String, String, Option<String>)> =
        q("SELECT s.student_code, s.name_key, s.dob, s.village
           FROM students s JOIN units u ON u.id = s.school_id
          WHERE u.path >= $1 AND u.path < $2 AND s.commune_key = $3 AND s.review <> 'withdrawn'")
        .bind(lo)
        .bind(hi)
        .bind(commune_key.to_string())
        .fetch_all(&mut *tx)
        .await?;
    let mut seen: HashSet<String> = HashSet::new();
    for (code, name_key, dob, village) in rows {
        if let Some(v) = village_key
            && village.as_deref().map(text::place_key).as_deref() != Some(v)
        {
            continue;
        }
        seen.insert(code.unwrap_or_else(|| format!("{name_key}|{dob}")));
    }
    Ok(seen.len() as i64)
}
