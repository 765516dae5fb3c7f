//! Storage of programs, their tiers and their survey rounds.

use crate::db::q;
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::students::StudentsError;
use domain::students::programs::{HouseholdCategory, Round, Tier};
use serde::Serialize;
use serde_json::json;
use time::Date;
use time::macros::format_description;

const ISO: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

pub fn iso(d: Date) -> String {
    d.format(ISO).unwrap_or_default()
}

pub fn parse_iso(s: &str, table: &'static str, column: &'static str) -> Result<Date> {
    Date::parse(s, ISO).map_err(|_| StoreError::corrupt(table, column, s))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Program {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(sqlx::FromRow)]
struct TierRow {
    id: i64,
    rank: i64,
    code: String,
    label: String,
    evidence: String,
    label_en: Option<String>,
    evidence_en: Option<String>,
    needs_household: Option<String>,
    aliases: String,
}

#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    program_id: i64,
    name: String,
    opens_on: String,
    closes_on: String,
    status: String,
}

impl TryFrom<RoundRow> for Round {
    type Error = StoreError;
    fn try_from(r: RoundRow) -> Result<Round> {
        Ok(Round {
            id: r.id,
            program_id: r.program_id,
            opens_on: parse_iso(&r.opens_on, "rounds", "opens_on")?,
            closes_on: parse_iso(&r.closes_on, "rounds", "closes_on")?,
            open: r.status == "open",
            name: r.name,
        })
    }
}

impl Store {
    pub async fn programs(&self) -> Result<Vec<Program>> {
        Ok(q("SELECT id, code, name, starts_on, ends_on FROM programs ORDER BY starts_on DESC, id DESC")
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn tiers(&self, program_id: i64) -> Result<Vec<Tier>> {
        let rows: Vec<TierRow> = q(
            "SELECT id, rank, code, label, evidence, label_en, evidence_en, needs_household, aliases FROM tiers
                                    WHERE program_id = $1 ORDER BY rank",
        )
        .bind(program_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Tier {
                id: r.id,
                rank: r.rank as i32,
                code: r.code,
                label: r.label,
                evidence: r.evidence,
                label_en: r.label_en,
                evidence_en: r.evidence_en,
                needs_household: r
                    .needs_household
                    .as_deref()
                    .and_then(HouseholdCategory::parse),
                aliases: r
                    .aliases
                    .lines()
                    .map(str::to_string)
                    .filter(|a| !a.is_empty())
                    .collect(),
            })
            .collect())
    }

    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        q("SELECT id, program_id, name, opens_on, closes_on, status FROM rounds WHERE id = $1")
            .bind(id)
            .fetch_optional::<RoundRow>(self.pool())
            .await?
            .map(Round::try_from)
            .transpose()
    }

    pub async fn rounds(&self) -> Result<Vec<Round>> {
        q("SELECT id, program_id, name, opens_on, closes_on, status FROM rounds ORDER BY opens_on DESC, id DESC")
            .fetch_all::<RoundRow>(self.pool())
            .await?
            .into_iter()
            .map(Round::try_from)
            .collect()
    }

    /// The round imports go to when none is named: the latest open one.
    pub async fn current_round(&self) -> Result<Option<Round>> {
        q("SELECT id, program_id, name, opens_on, closes_on, status FROM rounds WHERE status = 'open'
            ORDER BY opens_on DESC, id DESC LIMIT 1")
            .fetch_optional::<RoundRow>(self.pool())
            .await?
            .map(Round::try_from)
            .transpose()
    }

    /// A round by id, or the current one; a clear error when there is none.
    pub async fn round_or_current(&self, id: Option<i64>) -> Result<Round> {
        let found = match id {
            Some(id) => self.round(id).await?,
            None => self.current_round().await?,
        };
        found.ok_or_else(|| DomainError::Students(StudentsError::NoRound).into())
    }

    #[allow(clippy::too_many_arguments)]
    /// Creates a program with its tiers and first round, audited. Used to seed the 2022
    /// Đắk Nông program; the next campaign is created the same way.
    pub async fn create_program(
        &self,
        actor: &AuditActor,
        code: &str,
        name: &str,
        starts_on: Date,
        ends_on: Date,
        tiers: &[Tier],
        first_round: (&str, Date, Date),
    ) -> Result<(i64, i64)> {
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let program_id: i64 = q(
            "INSERT INTO programs (code, name, starts_on, ends_on, created_at, updated_at)
                                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(iso(starts_on))
        .bind(iso(ends_on))
        .bind(now)
        .scalar(&mut tx)
        .await?;
        for t in tiers {
            q("INSERT INTO tiers (program_id, rank, code, label, evidence, label_en, evidence_en, needs_household, aliases)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(program_id)
                .bind(i64::from(t.rank))
                .bind(t.code.clone())
                .bind(t.label.clone())
                .bind(t.evidence.clone())
                .bind(t.label_en.clone())
                .bind(t.evidence_en.clone())
                .bind(t.needs_household.map(|h| h.code()))
                .bind(t.aliases.join("\n"))
                .execute(&mut tx)
                .await?;
        }
        let round_id: i64 = q(
            "INSERT INTO rounds (program_id, name, opens_on, closes_on, status, created_at)
                               VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(program_id)
        .bind(first_round.0)
        .bind(iso(first_round.1))
        .bind(iso(first_round.2))
        .bind(now)
        .scalar(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Program,
                entity_id: Some(code.to_string()),
                action: "create",
                summary: format!("Tạo chương trình {name} với {} đối tượng ưu tiên và đợt \"{}\"", tiers.len(), first_round.0),
                changes: Some(json!({
                    "code": code, "name": name, "starts_on": iso(starts_on), "ends_on": iso(ends_on),
                    "tiers": tiers.iter().map(|t| json!({"rank": t.rank, "code": t.code, "label": t.label})).collect::<Vec<_>>(),
                    "round": {"id": round_id, "name": first_round.0, "opens_on": iso(first_round.1), "closes_on": iso(first_round.2)},
                })),
                unit_id: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok((program_id, round_id))
    }

    /// Creates a program from its checked description (see [`ProgramSpec`]).
    ///
    /// [`ProgramSpec`]: domain::students::programs::ProgramSpec
    pub async fn create_program_from(
        &self,
        actor: &AuditActor,
        p: &domain::students::programs::CheckedProgram,
    ) -> Result<(i64, i64)> {
        let exists: Option<i64> = q("SELECT id FROM programs WHERE code = $1")
            .bind(p.code.clone())
            .scalar_optional(self.pool())
            .await?;
        if exists.is_some() {
            return Err(DomainError::Students(StudentsError::InvalidProgram {
                reason: format!("đã có chương trình mã {}", p.code),
            })
            .into());
        }
        self.create_program(
            actor,
            &p.code,
            &p.name,
            p.starts_on,
            p.ends_on,
            &p.tiers,
            (&p.round.0, p.round.1, p.round.2),
        )
        .await
    }

    /// Adds a survey round to a program, open, audited.
    pub async fn add_round(
        &self,
        actor: &AuditActor,
        program_code: &str,
        name: &str,
        opens_on: Date,
        closes_on: Date,
    ) -> Result<i64> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || closes_on < opens_on {
            return Err(DomainError::Students(StudentsError::InvalidProgram {
                reason: "đợt cần tên, và ngày đóng sau ngày mở".into(),
            })
            .into());
        }
        let mut tx = self.pool().begin().await?;
        let program_id: Option<i64> = q("SELECT id FROM programs WHERE code = $1")
            .bind(program_code)
            .scalar_optional(&mut tx)
            .await?;
        let program_id = program_id.ok_or_else(|| {
            DomainError::Students(StudentsError::InvalidProgram {
                reason: format!("không có chương trình mã {program_code}"),
            })
        })?;
        let id: i64 = q(
            "INSERT INTO rounds (program_id, name, opens_on, closes_on, status, created_at)
                          VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(program_id)
        .bind(name.clone())
        .bind(iso(opens_on))
        .bind(iso(closes_on))
        .bind(now_millis())
        .scalar(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Round,
                entity_id: Some(id.to_string()),
                action: "create",
                summary: format!("Mở đợt khảo sát \"{name}\" của chương trình {program_code}"),
                changes: Some(json!({ "program": program_code, "name": name, "opens_on": iso(opens_on), "closes_on": iso(closes_on) })),
                unit_id: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens or closes a round. A closed round takes no new lists; it is no longer the
    /// default of imports.
    pub async fn set_round_open(
        &self,
        actor: &AuditActor,
        round_id: i64,
        open: bool,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let n = q("UPDATE rounds SET status = $1 WHERE id = $2")
            .bind(if open { "open" } else { "closed" })
            .bind(round_id)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            return Err(DomainError::Students(StudentsError::NoRound).into());
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Round,
                entity_id: Some(round_id.to_string()),
                action: if open { "open" } else { "close" },
                summary: format!(
                    "{} đợt khảo sát #{round_id}",
                    if open { "Mở lại" } else { "Đóng" }
                ),
                unit_id: None,
                changes: None,
                personal: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
