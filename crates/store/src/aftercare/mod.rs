//! After-care in storage: training sessions (tập huấn) with their attendees and
//! materials, and repair tickets whose device goes under repair and back through the
//! registry's transitions (`devices::change_in`) to the same student, in the ticket's own
//! transaction; the defect rates per model and supplier that appraisal and procurement
//! read.

mod repairs;

pub use repairs::{NewTicket, TicketRecord};

use crate::db::q;
use crate::error::{Result, StoreError};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::aftercare::{AftercareError, AttendeeRole, TrainingTopic};
use domain::audit::Entity;
use domain::dates::{format_date, now_millis};
use domain::units::UnitPath;
use domain::{DomainError, Lang};
use serde::Serialize;
use serde_json::json;
use time::Date;

/// A session as recorded: counts typed in, or left at zero when a sheet of names follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTraining {
    pub unit_id: i64,
    pub held_on: Date,
    pub topic: TrainingTopic,
    pub trainer: String,
    pub place: Option<String>,
    pub teachers: i64,
    pub parents: i64,
    pub students: i64,
    pub note: Option<String>,
}

/// One person on an attendance sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    /// The sheet's row.
    pub row: usize,
    pub full_name: String,
    pub role: AttendeeRole,
    pub class_name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingRecord {
    pub id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub held_on: Date,
    pub topic: TrainingTopic,
    pub trainer: String,
    pub place: Option<String>,
    pub teachers: i64,
    pub parents: i64,
    pub students: i64,
    pub note: Option<String>,
    /// Attendees named on a sheet (0: counts only).
    pub named: i64,
}

impl TrainingRecord {
    pub fn attendees(&self) -> i64 {
        self.teachers + self.parents + self.students
    }
}

type TrainingRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    Option<String>,
    i64,
);

const TRAINING_SELECT: &str =
    "SELECT t.id, t.unit_id, u.name, t.held_on, t.topic, t.trainer, t.place,
        t.teachers, t.parents, t.students, t.note,
        (SELECT COUNT(*) FROM training_attendees a WHERE a.training_id = t.id)
   FROM trainings t JOIN units u ON u.id = t.unit_id";

fn training_record(r: TrainingRow) -> Result<TrainingRecord> {
    Ok(TrainingRecord {
        id: r.0,
        unit_id: r.1,
        unit: r.2,
        held_on: parse_iso(&r.3, "trainings", "held_on")?,
        topic: TrainingTopic::parse(&r.4)
            .ok_or_else(|| StoreError::corrupt("trainings", "topic", r.4.clone()))?,
        trainer: r.5,
        place: r.6,
        teachers: r.7,
        parents: r.8,
        students: r.9,
        note: r.10,
        named: r.11,
    })
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// Counts per role of a sheet's attendees.
fn counts(list: &[Attendee]) -> (i64, i64, i64) {
    let n = |r: AttendeeRole| list.iter().filter(|a| a.role == r).count() as i64;
    (
        n(AttendeeRole::Teacher),
        n(AttendeeRole::Parent),
        n(AttendeeRole::Student),
    )
}

impl Store {
    /// Records a session held by `unit_id`, with its attendees named when a sheet was
    /// read with it (their counts replace the typed ones). Returns its id.
    pub async fn record_training(
        &self,
        actor: &AuditActor,
        t: &NewTraining,
        attendees: &[Attendee],
    ) -> Result<i64> {
        let trainer = clean(Some(&t.trainer))
            .ok_or(AftercareError::TrainingIncomplete { field: "trainer" })?;
        let (teachers, parents, students) = if attendees.is_empty() {
            (t.teachers, t.parents, t.students)
        } else {
            counts(attendees)
        };
        if [teachers, parents, students]
            .iter()
            .any(|n| !(0..=10_000).contains(n))
        {
            return Err(AftercareError::AttendeeCount.into());
        }
        if teachers + parents + students == 0 {
            return Err(AftercareError::TrainingIncomplete { field: "attendees" }.into());
        }
        let unit = self
            .unit_by_id(t.unit_id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let id: i64 = q(
            "INSERT INTO trainings (unit_id, held_on, topic, trainer, place, teachers, parents, students, note, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(unit.id)
        .bind(iso(t.held_on))
        .bind(t.topic.code())
        .bind(trainer.clone())
        .bind(clean(t.place.as_deref()))
        .bind(teachers)
        .bind(parents)
        .bind(students)
        .bind(clean(t.note.as_deref()))
        .bind(actor.name.clone())
        .bind(now)
        .scalar(&mut tx)
        .await?;
        insert_attendees(&mut tx, id, attendees).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Training,
                entity_id: Some(id.to_string()),
                action: "record_training",
                summary: format!(
                    "Tập huấn “{}” tại {} ngày {}: {teachers} giáo viên, {parents} phụ huynh, {students} học sinh",
                    t.topic.label(Lang::Vi),
                    unit.name,
                    format_date(t.held_on)
                ),
                unit_id: Some(unit.id),
                changes: Some(json!({
                    "topic": t.topic.code(), "held_on": iso(t.held_on), "trainer": trainer,
                    "teachers": teachers, "parents": parents, "students": students,
                    "named": attendees.len(),
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a session's attendees with those of a sheet (read whole and checked
    /// before: a sheet with a bad row never reaches here) and its counts with theirs.
    pub async fn import_attendees(
        &self,
        actor: &AuditActor,
        training: i64,
        attendees: &[Attendee],
        file_name: &str,
    ) -> Result<(i64, i64, i64)> {
        if attendees.is_empty() {
            return Err(AftercareError::TrainingIncomplete { field: "attendees" }.into());
        }
        let (teachers, parents, students) = counts(attendees);
        let mut tx = self.pool().begin().await?;
        let unit: Option<i64> = q("SELECT unit_id FROM trainings WHERE id = $1")
            .bind(training)
            .scalar_optional(&mut tx)
            .await?;
        let unit = unit.ok_or(DomainError::NotFound)?;
        q("DELETE FROM training_attendees WHERE training_id = $1")
            .bind(training)
            .execute(&mut tx)
            .await?;
        insert_attendees(&mut tx, training, attendees).await?;
        q("UPDATE trainings SET teachers = $1, parents = $2, students = $3, updated_at = $4 WHERE id = $5")
            .bind(teachers)
            .bind(parents)
            .bind(students)
            .bind(now_millis())
            .bind(training)
            .execute(&mut tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Training,
                entity_id: Some(training.to_string()),
                action: "import_attendees",
                summary: format!(
                    "Danh sách tham dự tập huấn từ tệp “{file_name}”: {} người ({teachers} giáo viên, {parents} phụ huynh, {students} học sinh)",
                    attendees.len()
                ),
                unit_id: Some(unit),
                changes: Some(json!({
                    "file": file_name, "named": attendees.len(),
                    "teachers": teachers, "parents": parents, "students": students,
                })),
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok((teachers, parents, students))
    }

    /// The sessions held in `scope`, the latest first.
    pub async fn trainings(&self, scope: &UnitPath) -> Result<Vec<TrainingRecord>> {
        let (lo, hi) = scope.subtree_range();
        let rows: Vec<TrainingRow> = crate::db::Q::assembled(format!(
            "{TRAINING_SELECT} WHERE u.path >= $1 AND u.path < $2 ORDER BY t.held_on DESC, t.id DESC"
        ))
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(training_record).collect()
    }

    /// A session and its named attendees, by row.
    pub async fn training(
        &self,
        id: i64,
    ) -> Result<Option<(TrainingRecord, Vec<Attendee>, UnitPath)>> {
        let row: Option<TrainingRow> =
            crate::db::Q::assembled(format!("{TRAINING_SELECT} WHERE t.id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let t = training_record(row)?;
        let path: String = q("SELECT path FROM units WHERE id = $1")
            .bind(t.unit_id)
            .scalar(self.pool())
            .await?;
        let path =
            UnitPath::parse(&path).ok_or_else(|| StoreError::corrupt("units", "path", path))?;
        type Row = (i64, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = q(
            "SELECT row_no, full_name, role, class_name, phone FROM training_attendees
              WHERE training_id = $1 ORDER BY row_no",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let list = rows
            .into_iter()
            .map(|r| {
                Ok(Attendee {
                    row: r.0 as usize,
                    full_name: r.1,
                    role: AttendeeRole::parse(&r.2)
                        .ok_or_else(|| StoreError::corrupt("training_attendees", "role", r.2))?,
                    class_name: r.3,
                    phone: r.4,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some((t, list, path)))
    }
}

async fn insert_attendees(tx: &mut crate::db::Tx, training: i64, list: &[Attendee]) -> Result<()> {
    for a in list {
        q("INSERT INTO training_attendees (training_id, row_no, full_name, role, class_name, phone)
           VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(training)
        .bind(a.row as i64)
        .bind(a.full_name.clone())
        .bind(a.role.code())
        .bind(a.class_name.clone())
        .bind(a.phone.clone())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
