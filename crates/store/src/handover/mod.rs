//! Handover: minutes down the chain the executed allocation decided (the Board → a unit →
//! a school → a student), what each unit and school holds, gave and misses, and the
//! record of what schools entered in the sector database (CSDL ngành). The rules are
//! `domain::handover`; each step is one transaction with its audit entry.

pub mod csdl;
mod steps;
mod students;

pub use steps::{NewHandover, SignatureInput};
pub use students::{StudentHandover, StudentReturn};

use crate::Store;
use crate::db::{Q, Tx, placeholders, q};
use crate::error::{Result, StoreError};
use domain::DomainError;
use domain::devices::{DeviceKind, DeviceState, Holder};
use domain::handover::{HandoverStatus, Relation, Step};
use domain::units::UnitPath;
use serde::Serialize;

/// A set of minutes, with the names of its parties.
#[derive(Debug, Clone, Serialize)]
pub struct Handover {
    pub id: i64,
    pub year: i64,
    pub number: String,
    pub step: Step,
    pub status: HandoverStatus,
    pub giver: Holder,
    /// The giving unit's name ("Ban tiếp nhận, điều phối" for the Board).
    pub giver_unit_id: Option<i64>,
    pub giver_name: String,
    pub receiver_unit_id: i64,
    pub receiver_name: String,
    pub receiver_code: String,
    pub student_id: Option<i64>,
    /// The student's name and class, for a student's minutes (personal data: shown only
    /// to the roles that see students).
    pub student_name: Option<String>,
    pub devices: i64,
    pub received: Option<i64>,
    pub missing: Option<i64>,
    pub extra: Vec<String>,
    pub sim_carrier: Option<String>,
    pub sim_number: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct HandoverRow {
    id: i64,
    year: i64,
    number: String,
    step: String,
    status: String,
    giver_kind: String,
    giver_id: Option<i64>,
    giver_unit_id: Option<i64>,
    giver_name: Option<String>,
    giver_unit_kind: Option<String>,
    receiver_unit_id: i64,
    receiver_name: String,
    receiver_unit_kind: String,
    receiver_code: String,
    student_id: Option<i64>,
    student_name: Option<String>,
    student_class: Option<String>,
    devices: i64,
    received: Option<i64>,
    missing: Option<i64>,
    extra: Option<String>,
    sim_carrier: Option<String>,
    sim_number: Option<String>,
    reason: Option<String>,
    created_by: String,
    created_at: i64,
    confirmed_by: Option<String>,
    confirmed_at: Option<i64>,
}

const HANDOVER_COLUMNS: &str =
    "SELECT h.id, h.year, h.number, h.step, h.status, h.giver_kind, h.giver_id,
        h.giver_unit_id, gu.name AS giver_name, gu.kind AS giver_unit_kind, h.receiver_unit_id,
        ru.name AS receiver_name, ru.kind AS receiver_unit_kind, ru.code AS receiver_code,
        h.student_id, st.full_name AS student_name, st.class_name AS student_class, h.devices, h.received, h.missing, h.extra,
        h.sim_carrier, h.sim_number, h.reason, h.created_by, h.created_at, h.confirmed_by,
        h.confirmed_at
   FROM handovers h
   JOIN units ru ON ru.id = h.receiver_unit_id
   LEFT JOIN units gu ON gu.id = h.giver_unit_id
   LEFT JOIN students st ON st.id = h.student_id";

/// A unit as a party of the minutes: a district is its office of education ("Huyện Tuy
/// Đức" → "Phòng Giáo dục và Đào tạo huyện Tuy Đức"); any other unit by its own name.
pub fn office_name(name: &str, kind: &str) -> String {
    if kind != "district" || name.starts_with("Phòng") {
        return name.to_string();
    }
    let mut chars = name.chars();
    let lowered = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    format!("Phòng Giáo dục và Đào tạo {lowered}")
}

/// The Board's name on the minutes and the pages.
pub const BOARD_NAME: &str = "Ban Tiếp nhận, điều phối máy tính";

impl HandoverRow {
    fn handover(self) -> Result<Handover> {
        let step = Step::parse(&self.step)
            .ok_or_else(|| StoreError::corrupt("handovers", "step", self.step.clone()))?;
        let status = HandoverStatus::parse(&self.status)
            .ok_or_else(|| StoreError::corrupt("handovers", "status", self.status.clone()))?;
        let giver = crate::devices::holder_from(&self.giver_kind, self.giver_id)?;
        Ok(Handover {
            id: self.id,
            year: self.year,
            number: self.number,
            step,
            status,
            giver,
            giver_unit_id: self.giver_unit_id,
            giver_name: match (self.giver_name, self.giver_unit_kind) {
                (Some(n), Some(k)) => office_name(&n, &k),
                _ => BOARD_NAME.to_string(),
            },
            receiver_unit_id: self.receiver_unit_id,
            receiver_name: office_name(&self.receiver_name, &self.receiver_unit_kind),
            receiver_code: self.receiver_code,
            student_id: self.student_id,
            student_name: self.student_name.map(|n| match self.student_class {
                Some(c) => format!("{n}, lớp {c}"),
                None => n,
            }),
            devices: self.devices,
            received: self.received,
            missing: self.missing,
            extra: self
                .extra
                .map(|e| e.lines().map(str::to_string).collect())
                .unwrap_or_default(),
            sim_carrier: self.sim_carrier,
            sim_number: self.sim_number,
            reason: self.reason,
            created_by: self.created_by,
            created_at: self.created_at,
            confirmed_by: self.confirmed_by,
            confirmed_at: self.confirmed_at,
        })
    }
}

/// One device on a set of minutes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Item {
    pub device_id: i64,
    pub serial: String,
    pub imei: Option<String>,
    pub kind: String,
    pub brand: String,
    pub model: String,
    /// sent, received, missing, cancelled
    pub status: String,
}

impl Item {
    /// "Máy tính bảng Samsung Galaxy Tab A8"
    pub fn description(&self, lang: domain::Lang) -> String {
        let kind = DeviceKind::parse(&self.kind)
            .map(|k| k.label(lang))
            .unwrap_or("");
        format!("{kind} {} {}", self.brand, self.model)
            .trim()
            .to_string()
    }
}

/// The signature of a set of minutes, without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SignatureMeta {
    pub how: String,
    pub signer_name: String,
    pub signer_position: Option<String>,
    pub relation: Option<String>,
    pub id_number: Option<String>,
    pub strokes: Option<String>,
    pub svg_sha256: Option<String>,
    pub png_sha256: Option<String>,
    pub scan_type: Option<String>,
    pub scan_sha256: Option<String>,
    pub minutes_text: String,
    pub minutes_sha256: String,
    pub template_version: String,
    pub signed_by: String,
    pub signed_at: i64,
}

impl SignatureMeta {
    pub fn relation(&self) -> Option<Relation> {
        self.relation.as_deref().and_then(Relation::parse)
    }
}

#[derive(sqlx::FromRow)]
struct SignatureBytes {
    svg: Option<String>,
    png: Option<Vec<u8>>,
    scan: Option<Vec<u8>>,
    scan_type: Option<String>,
    svg_sha256: Option<String>,
    png_sha256: Option<String>,
    scan_sha256: Option<String>,
}

/// Which kept drawing or scan of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFile {
    Svg,
    Png,
    Scan,
}

/// A filter of the handovers list.
#[derive(Debug, Clone, Default)]
pub struct HandoverFilter {
    pub status: Option<HandoverStatus>,
    pub step: Option<Step>,
    /// Only minutes this unit receives.
    pub receiver_unit: Option<i64>,
    /// Only minutes this unit gives (`Some(None)`: the Board's).
    pub giver_unit: Option<Option<i64>>,
}

/// What a giver holds for one receiver: the devices the executed allocation sends there
/// and that are on no open minutes yet (the packing list).
#[derive(Debug, Clone, Serialize)]
pub struct ToHand {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub devices: i64,
    /// How many are already on minutes waiting for the receiver.
    pub on_open_minutes: i64,
}

/// A device of a packing list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PackingLine {
    pub serial: String,
    pub imei: Option<String>,
    pub kind: String,
    pub brand: String,
    pub model: String,
}

/// What a unit or school holds, has given and misses, by state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Holdings {
    /// Devices in its hands now.
    pub held: i64,
    /// Devices it has handed on (confirmed by the receiver).
    pub given: i64,
    /// Devices listed on its outgoing minutes, not yet confirmed.
    pub in_transit: i64,
    /// Devices flagged missing on arrival, on minutes it gave or received.
    pub missing: i64,
    /// Devices waiting for it on incoming minutes.
    pub incoming: i64,
}

/// A student of a school with a device allocated by an executed run, and where that
/// device is.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StudentToHand {
    pub student_id: i64,
    pub student_code: Option<String>,
    pub full_name: String,
    pub class_name: Option<String>,
    pub serial: String,
    pub kind: String,
    pub state: String,
    /// The student's handover minutes, once handed.
    pub handover_id: Option<i64>,
}

impl StudentToHand {
    pub fn state(&self) -> Option<DeviceState> {
        DeviceState::parse(&self.state)
    }
}

impl Store {
    /// One set of minutes.
    pub async fn handover(&self, id: i64) -> Result<Option<Handover>> {
        let row: Option<HandoverRow> = Q::assembled(format!("{HANDOVER_COLUMNS} WHERE h.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(HandoverRow::handover).transpose()
    }

    pub(crate) async fn handover_in(tx: &mut Tx, id: i64) -> Result<Handover> {
        let row: HandoverRow = Q::assembled(format!("{HANDOVER_COLUMNS} WHERE h.id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::NotFound)?;
        row.handover()
    }

    /// The devices of a set of minutes, by serial.
    pub async fn handover_items(&self, id: i64) -> Result<Vec<Item>> {
        Ok(q(
            "SELECT d.id AS device_id, d.serial, d.imei, m.kind, m.brand, m.model, i.status
               FROM handover_items i JOIN devices d ON d.id = i.device_id
               JOIN device_models m ON m.id = d.model_id
              WHERE i.handover_id = $1 ORDER BY d.serial",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The signature of a set of minutes, if signed.
    pub async fn handover_signature(&self, id: i64) -> Result<Option<SignatureMeta>> {
        Ok(q(
            "SELECT how, signer_name, signer_position, relation, id_number, strokes, svg_sha256,
                    png_sha256, scan_type, scan_sha256, minutes_text, minutes_sha256,
                    template_version, signed_by, signed_at
               FROM handover_signatures WHERE handover_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A kept drawing or scan of a signature, with its content type, checked against its
    /// digest.
    pub async fn signature_file(
        &self,
        id: i64,
        which: SignatureFile,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let row: Option<SignatureBytes> = q(
            "SELECT svg, png, scan, scan_type, svg_sha256, png_sha256, scan_sha256
               FROM handover_signatures WHERE handover_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(SignatureBytes {
            svg,
            png,
            scan,
            scan_type,
            svg_sha256: svg_sha,
            png_sha256: png_sha,
            scan_sha256: scan_sha,
        }) = row
        else {
            return Ok(None);
        };
        let (ctype, bytes, sha) = match which {
            SignatureFile::Svg => (
                "image/svg+xml".to_string(),
                svg.map(String::into_bytes),
                svg_sha,
            ),
            SignatureFile::Png => ("image/png".to_string(), png, png_sha),
            SignatureFile::Scan => (scan_type.unwrap_or_default(), scan, scan_sha),
        };
        let (Some(bytes), Some(sha)) = (bytes, sha) else {
            return Ok(None);
        };
        if domain::digest::sha256_hex(&bytes) != sha {
            return Err(StoreError::corrupt("handover_signatures", "sha256", sha));
        }
        Ok(Some((ctype, bytes)))
    }

    /// Minutes whose giving or receiving unit lies in `within`, newest first.
    pub async fn handovers(
        &self,
        within: &UnitPath,
        filter: &HandoverFilter,
        limit: i64,
    ) -> Result<Vec<Handover>> {
        let (lo, hi) = within.subtree_range();
        let mut sql = format!(
            "{HANDOVER_COLUMNS} WHERE ((ru.path >= $1 AND ru.path < $2) OR (gu.path >= $1 AND gu.path < $2))"
        );
        let mut args: Vec<crate::db::Arg> = vec![lo.into(), hi.into()];
        let mut n = 2;
        let mut push = |sql: &mut String, clause: &str, v: crate::db::Arg| {
            n += 1;
            sql.push_str(&clause.replace('?', &format!("${n}")));
            args.push(v);
        };
        if let Some(s) = filter.status {
            push(&mut sql, " AND h.status = ?", s.code().to_string().into());
        }
        if let Some(s) = filter.step {
            push(&mut sql, " AND h.step = ?", s.code().to_string().into());
        }
        if let Some(u) = filter.receiver_unit {
            push(&mut sql, " AND h.receiver_unit_id = ?", u.into());
        }
        match filter.giver_unit {
            Some(Some(u)) => push(&mut sql, " AND h.giver_unit_id = ?", u.into()),
            Some(None) => sql.push_str(" AND h.giver_kind = 'board'"),
            None => {}
        }
        sql.push_str(&format!(
            " ORDER BY h.id DESC LIMIT {}",
            limit.clamp(1, 1000)
        ));
        let mut query = Q::assembled(sql);
        for a in args {
            query = query.bind(a);
        }
        let rows: Vec<HandoverRow> = query.fetch_all(self.pool()).await?;
        rows.into_iter().map(HandoverRow::handover).collect()
    }

    /// For a giver (the Board or a district office): each receiver the executed
    /// allocation sends its devices to, with how many wait to be listed.
    pub async fn to_hand(&self, giver: Holder) -> Result<Vec<ToHand>> {
        let (state, kind, id, dest) = match giver {
            Holder::Board => ("allocated", "board", None, "unit_id"),
            Holder::Unit(u) => ("with_unit", "unit", Some(u), "school_id"),
            _ => return Ok(Vec::new()),
        };
        let sql = format!(
            "SELECT u.id, u.code, u.name,
                    CAST(SUM(CASE WHEN o.device_id IS NULL THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN o.device_id IS NULL THEN 0 ELSE 1 END) AS BIGINT)
               FROM devices d
               JOIN allocation_lines al ON al.device_id = d.id
                AND al.run_id = (SELECT MAX(x.run_id) FROM allocation_lines x JOIN allocation_runs r ON r.id = x.run_id
                                  WHERE x.device_id = d.id AND r.status = 'executed')
               JOIN units u ON u.id = al.{dest}
               LEFT JOIN handover_items o ON o.device_id = d.id AND o.status = 'sent'
              WHERE d.state = $1 AND d.holder_kind = $2 AND (d.holder_id = $3 OR ($3 IS NULL AND d.holder_id IS NULL))
              GROUP BY u.id, u.code, u.name ORDER BY u.code"
        );
        let rows: Vec<(i64, String, String, i64, i64)> = Q::assembled(sql)
            .bind(state)
            .bind(kind)
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(unit_id, code, name, devices, on_open)| ToHand {
                unit_id,
                code,
                name,
                devices,
                on_open_minutes: on_open,
            })
            .collect())
    }

    /// The packing list: the devices in the giver's hands the executed allocation sends to
    /// `receiver`, on no open minutes, by serial.
    pub async fn packing_list(&self, giver: Holder, receiver: i64) -> Result<Vec<PackingLine>> {
        let (state, kind, id, dest) = match giver {
            Holder::Board => ("allocated", "board", None, "unit_id"),
            Holder::Unit(u) => ("with_unit", "unit", Some(u), "school_id"),
            _ => return Ok(Vec::new()),
        };
        let sql = format!(
            "SELECT d.serial, d.imei, m.kind, m.brand, m.model
               FROM devices d
               JOIN device_models m ON m.id = d.model_id
               JOIN allocation_lines al ON al.device_id = d.id
                AND al.run_id = (SELECT MAX(x.run_id) FROM allocation_lines x JOIN allocation_runs r ON r.id = x.run_id
                                  WHERE x.device_id = d.id AND r.status = 'executed')
              WHERE d.state = $1 AND d.holder_kind = $2 AND (d.holder_id = $3 OR ($3 IS NULL AND d.holder_id IS NULL))
                AND al.{dest} = $4
                AND NOT EXISTS (SELECT 1 FROM handover_items o WHERE o.device_id = d.id AND o.status = 'sent')
              ORDER BY d.serial"
        );
        Ok(Q::assembled(sql)
            .bind(state)
            .bind(kind)
            .bind(id)
            .bind(receiver)
            .fetch_all(self.pool())
            .await?)
    }

    /// What a unit or school holds, gave, has in transit, misses and waits for.
    pub async fn holdings(&self, unit: i64) -> Result<Holdings> {
        let held: i64 = q("SELECT COUNT(*) FROM devices WHERE holder_kind IN ('unit', 'school') AND holder_id = $1")
            .bind(unit)
            .scalar(self.pool())
            .await?;
        let sums: (Option<i64>, Option<i64>, Option<i64>) = q(
            "SELECT CAST(SUM(CASE WHEN h.status = 'confirmed' AND h.giver_unit_id = $1 AND h.step <> 'return' THEN h.received ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN h.status = 'sent' AND h.giver_unit_id = $1 THEN h.devices ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN h.status = 'sent' AND h.receiver_unit_id = $1 AND h.step IN ('to_unit', 'to_school') THEN h.devices ELSE 0 END) AS BIGINT)
               FROM handovers h WHERE h.giver_unit_id = $1 OR h.receiver_unit_id = $1",
        )
        .bind(unit)
        .fetch_one(self.pool())
        .await?;
        // A device missing on arrival stays missing until it is listed again and arrives.
        let missing: i64 = q(
            "SELECT COUNT(DISTINCT i.device_id) FROM handover_items i JOIN handovers h ON h.id = i.handover_id
              WHERE i.status = 'missing' AND (h.giver_unit_id = $1 OR h.receiver_unit_id = $1)
                AND NOT EXISTS (SELECT 1 FROM handover_items j WHERE j.device_id = i.device_id
                                AND j.handover_id > i.handover_id AND j.status IN ('sent', 'received'))",
        )
        .bind(unit)
        .scalar(self.pool())
        .await?;
        Ok(Holdings {
            held,
            given: sums.0.unwrap_or(0),
            in_transit: sums.1.unwrap_or(0),
            missing,
            incoming: sums.2.unwrap_or(0),
        })
    }

    /// The devices a unit or school holds now, by serial, with their state.
    pub async fn held_devices(&self, unit: i64, limit: i64) -> Result<Vec<(PackingLine, String)>> {
        let rows: Vec<(String, Option<String>, String, String, String, String)> =
            q("SELECT d.serial, d.imei, m.kind, m.brand, m.model, d.state
               FROM devices d JOIN device_models m ON m.id = d.model_id
              WHERE d.holder_kind IN ('unit', 'school') AND d.holder_id = $1
              ORDER BY d.serial LIMIT $2")
            .bind(unit)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(serial, imei, kind, brand, model, state)| {
                (
                    PackingLine {
                        serial,
                        imei,
                        kind,
                        brand,
                        model,
                    },
                    state,
                )
            })
            .collect())
    }

    /// The students of a school whom an executed run gave a device, with where it is and
    /// their minutes once handed, by class and name.
    pub async fn students_to_hand(&self, school: i64) -> Result<Vec<StudentToHand>> {
        Ok(q(
            "SELECT s.id AS student_id, s.student_code, s.full_name, s.class_name, d.serial, m.kind, d.state,
                    (SELECT MAX(h.id) FROM handovers h WHERE h.student_id = s.id AND h.step = 'to_student'
                        AND h.status = 'confirmed') AS handover_id
               FROM allocation_lines al
               JOIN allocation_runs r ON r.id = al.run_id AND r.status = 'executed'
               JOIN students s ON s.id = al.student_id
               JOIN devices d ON d.id = al.device_id
               JOIN device_models m ON m.id = d.model_id
              WHERE al.school_id = $1 AND al.device_id IS NOT NULL
              ORDER BY s.class_name, s.name_key, s.id",
        )
        .bind(school)
        .fetch_all(self.pool())
        .await?)
    }

    /// The device a student holds now, if any: its serial.
    pub async fn device_of_student(&self, student: i64) -> Result<Option<String>> {
        Ok(q("SELECT serial FROM devices WHERE holder_kind = 'student' AND holder_id = $1 ORDER BY id LIMIT 1")
            .bind(student)
            .scalar_optional(self.pool())
            .await?)
    }

    /// Minutes of a student (handovers and returns), newest first.
    pub async fn handovers_of_student(&self, student: i64) -> Result<Vec<Handover>> {
        let rows: Vec<HandoverRow> = Q::assembled(format!(
            "{HANDOVER_COLUMNS} WHERE h.student_id = $1 ORDER BY h.id DESC"
        ))
        .bind(student)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(HandoverRow::handover).collect()
    }

    /// How many devices are with students in `within`, and how many of them the schools
    /// have not yet entered in the sector database.
    pub async fn handed_counts(&self, within: &UnitPath) -> Result<(i64, i64)> {
        let (lo, hi) = within.subtree_range();
        let row: (i64, Option<i64>) = q(
            "SELECT COUNT(*), CAST(SUM(CASE WHEN c.device_id IS NULL THEN 1 ELSE 0 END) AS BIGINT)
               FROM devices d
               JOIN students s ON s.id = d.holder_id
               JOIN units u ON u.id = s.school_id
               LEFT JOIN csdl_entries c ON c.device_id = d.id
              WHERE d.holder_kind = 'student' AND d.state IN ('with_student', 'under_repair', 'defective')
                AND u.path >= $1 AND u.path < $2",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(self.pool())
        .await?;
        Ok((row.0, row.1.unwrap_or(0)))
    }

    /// How many minutes wait for the receiving side in `within` (or, with `receiver`, for
    /// that unit), and how many devices they list.
    pub async fn waiting_confirmation(&self, receiver: i64) -> Result<(i64, i64)> {
        let row: (i64, Option<i64>) = q(
            "SELECT COUNT(*), CAST(SUM(devices) AS BIGINT) FROM handovers WHERE receiver_unit_id = $1 AND status = 'sent'",
        )
        .bind(receiver)
        .fetch_one(self.pool())
        .await?;
        Ok((row.0, row.1.unwrap_or(0)))
    }
}

/// Devices by serial, with what the handover checks: state, holder, destination by the
/// executed allocation, and the open minutes listing them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Candidate {
    pub id: i64,
    pub serial: String,
    pub state: String,
    pub holder_kind: String,
    pub holder_id: Option<i64>,
    pub dest_unit: Option<i64>,
    pub dest_school: Option<i64>,
    pub dest_student: Option<i64>,
    pub open_number: Option<String>,
}

pub(crate) async fn candidates(tx: &mut Tx, serials: &[String]) -> Result<Vec<Candidate>> {
    let mut out = Vec::with_capacity(serials.len());
    for chunk in serials.chunks(500) {
        let sql = format!(
            "SELECT d.id, d.serial, d.state, d.holder_kind, d.holder_id,
                    al.unit_id AS dest_unit, al.school_id AS dest_school, al.student_id AS dest_student,
                    (SELECT h.number FROM handover_items i JOIN handovers h ON h.id = i.handover_id
                      WHERE i.device_id = d.id AND i.status = 'sent') AS open_number
               FROM devices d
               LEFT JOIN allocation_lines al ON al.device_id = d.id
                AND al.run_id = (SELECT MAX(x.run_id) FROM allocation_lines x JOIN allocation_runs r ON r.id = x.run_id
                                  WHERE x.device_id = d.id AND r.status = 'executed')
              WHERE d.serial IN ({})",
            placeholders(0, chunk.len())
        );
        let mut query = Q::assembled(sql);
        for s in chunk {
            query = query.bind(s.clone());
        }
        let rows: Vec<Candidate> = query.fetch_all(&mut *tx).await?;
        out.extend(rows);
    }
    Ok(out)
}
