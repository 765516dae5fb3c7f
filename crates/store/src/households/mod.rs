//! The communes' registers of poor and near-poor households, and the check of every
//! tier-(i)/(ii) claim against them: a claim that matches no household of the student's
//! commune is flagged `household_missing`; one that matches a household of the other
//! category, `household_category`. Communes without a register for the round's year are
//! counted as not yet verifiable, never flagged.

use crate::db::{Q, Tx, q};
use crate::error::{Result, RowIssue, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::now_millis;
use domain::students::StudentsError;
use domain::students::programs::HouseholdCategory;
use domain::units::UnitsError;
use domain::units::{UnitKind, UnitPath};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// One household of a register, as imported.
#[derive(Debug, Clone)]
pub struct HouseholdDraft {
    /// The file's row, for error reports.
    pub row: usize,
    pub head_name: String,
    pub members: Vec<String>,
    pub village: String,
    pub commune: String,
    pub district: String,
    pub category: HouseholdCategory,
    pub certificate_no: String,
    pub year: i32,
}

/// What an import of a register did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HouseholdImport {
    pub households: u64,
    pub written: u64,
    pub unchanged: u64,
    pub communes: u64,
    pub check: HouseholdCheck,
}

/// The result of checking claims against the registers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HouseholdCheck {
    /// Tier-(i)/(ii) claims looked at.
    pub claims: u64,
    /// Matched a household of the claimed category.
    pub matched: u64,
    /// Matched no household of the commune.
    pub missing: u64,
    /// Matched a household of the other category.
    pub other_category: u64,
    /// The student's commune has no register for the year: nothing to check against.
    pub unverifiable: u64,
}

/// Registered households of a commune and year, by category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RegisterCount {
    pub commune: String,
    pub district: String,
    pub year: i64,
    pub ngheo: i64,
    pub can_ngheo: i64,
}

fn members_key(members: &[String]) -> Option<String> {
    (!members.is_empty()).then(|| {
        let keys: Vec<String> = members.iter().map(|m| text::fold(m)).collect();
        format!("|{}|", keys.join("|"))
    })
}

fn certificate_key(s: &str) -> String {
    text::fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[derive(sqlx::FromRow)]
struct CommuneRow {
    id: i64,
    name: String,
    district: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HouseholdRec {
    head_key: String,
    members_key: Option<String>,
    category: String,
    certificate_no: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Claim {
    id: i64,
    name_key: String,
    parent_key: Option<String>,
    commune_key: Option<String>,
    school_commune: Option<String>,
    certificate_no: Option<String>,
    needs: String,
}

impl Store {
    /// Imports a register: every household is placed in a commune of `scope` (by the
    /// commune's name, and the district's when the file has one), all or nothing. Rows
    /// are matched by year, commune, village and head of household, so importing a file
    /// again changes nothing. Then every claim of the current round is checked again.
    pub async fn import_households(
        &self,
        actor: &AuditActor,
        scope: &UnitPath,
        file: (&str, &str),
        rows: Vec<HouseholdDraft>,
        dry_run: bool,
    ) -> Result<HouseholdImport> {
        let (lo, hi) = scope.subtree_range();
        let communes: Vec<CommuneRow> = q("SELECT c.id, c.name, d.name AS district FROM units c
                                             LEFT JOIN units d ON d.id = c.parent_id
                                            WHERE c.kind = $1 AND c.path >= $2 AND c.path < $3")
        .bind(UnitKind::Commune.code())
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        let mut by_key: HashMap<String, Vec<&CommuneRow>> = HashMap::new();
        for c in &communes {
            by_key.entry(text::place_key(&c.name)).or_default().push(c);
        }
        let mut issues = Vec::new();
        let mut placed = Vec::with_capacity(rows.len());
        for r in rows {
            let key = text::place_key(&r.commune);
            let district = text::place_key(&r.district);
            let found: Vec<&&CommuneRow> = by_key
                .get(&key)
                .map(|v| {
                    v.iter()
                        .filter(|c| {
                            district.is_empty()
                                || c.district.as_deref().map(text::place_key).as_deref()
                                    == Some(district.as_str())
                        })
                        .collect()
                })
                .unwrap_or_default();
            match found.as_slice() {
                [one] => placed.push((r, one.id, key)),
                [] => issues.push(RowIssue {
                    row: r.row,
                    field: "commune",
                    error: DomainError::Units(UnitsError::UnknownCommune {
                        value: r.commune.clone(),
                    }),
                }),
                _ => issues.push(RowIssue {
                    row: r.row,
                    field: "commune",
                    error: DomainError::Units(UnitsError::AmbiguousCommune {
                        value: r.commune.clone(),
                    }),
                }),
            }
        }
        if !issues.is_empty() {
            return Err(StoreError::Rows(issues));
        }
        let mut out = HouseholdImport {
            households: placed.len() as u64,
            ..Default::default()
        };
        let mut tx = self.pool().begin().await?;
        let now = now_millis();
        let mut touched: Vec<i64> = Vec::new();
        for (r, commune_id, key) in &placed {
            if !touched.contains(commune_id) {
                touched.push(*commune_id);
            }
            let members = (!r.members.is_empty()).then(|| r.members.join(", "));
            let n = q("INSERT INTO households (year, commune_id, commune, commune_key, village, head_name, head_key, members,
                            members_key, category, certificate_no, created_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                       ON CONFLICT (year, commune_key, head_key, village) DO UPDATE SET
                            commune_id = excluded.commune_id, head_name = excluded.head_name, members = excluded.members,
                            members_key = excluded.members_key, category = excluded.category,
                            certificate_no = excluded.certificate_no
                       WHERE households.members IS DISTINCT FROM excluded.members
                          OR households.category IS DISTINCT FROM excluded.category
                          OR households.certificate_no IS DISTINCT FROM excluded.certificate_no
                          OR households.head_name IS DISTINCT FROM excluded.head_name")
                .bind(i64::from(r.year))
                .bind(*commune_id)
                .bind(r.commune.clone())
                .bind(key.clone())
                .bind(r.village.clone())
                .bind(r.head_name.clone())
                .bind(text::fold(&r.head_name))
                .bind(members)
                .bind(members_key(&r.members))
                .bind(r.category.code())
                .bind(Some(r.certificate_no.clone()).filter(|c| !c.is_empty()))
                .bind(now)
                .execute(&mut tx)
                .await?;
            out.written += n;
            out.unchanged += 1 - n.min(1);
        }
        out.communes = touched.len() as u64;
        tx.refresh_statistics(crate::db::Table::Households, out.households)
            .await?;
        if let Some(round) = self.current_round().await.ok().flatten() {
            out.check = check_in_tx(&mut tx, round.id, None).await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                entity: Entity::Household,
                entity_id: None,
                action: "import",
                summary: format!(
                    "Nhập danh sách hộ nghèo, cận nghèo \"{}\": {} hộ của {} xã, {} ghi mới/cập nhật",
                    file.0, out.households, out.communes, out.written
                ),
                changes: Some(json!({
                    "file": file.0, "sha256": file.1, "households": out.households, "communes": touched,
                    "written": out.written, "unchanged": out.unchanged, "check": out.check,
                })),
                unit_id: None,
                personal: None,
            },
        )
        .await?;
        if !dry_run {
            tx.commit().await?;
        }
        Ok(out)
    }

    /// Checks the claims of a round (of one school, or all) against the registers and
    /// updates their household flags.
    pub async fn check_households(
        &self,
        round_id: i64,
        school_id: Option<i64>,
    ) -> Result<HouseholdCheck> {
        let mut tx = self.pool().begin().await?;
        let c = check_in_tx(&mut tx, round_id, school_id).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Registered households by commune and year inside `scope`.
    pub async fn register_counts(&self, scope: &UnitPath) -> Result<Vec<RegisterCount>> {
        let (lo, hi) = scope.subtree_range();
        Ok(q("SELECT c.name AS commune, COALESCE(d.name, '') AS district, h.year,
                     SUM(CASE WHEN h.category = 'ngheo' THEN 1 ELSE 0 END) AS ngheo,
                     SUM(CASE WHEN h.category = 'can_ngheo' THEN 1 ELSE 0 END) AS can_ngheo
                FROM households h JOIN units c ON c.id = h.commune_id LEFT JOIN units d ON d.id = c.parent_id
               WHERE c.path >= $1 AND c.path < $2
               GROUP BY c.name, d.name, h.year ORDER BY d.name, c.name, h.year DESC")
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?)
    }
}

/// The check, inside a transaction (an import runs it before committing).
pub(crate) async fn check_in_tx(
    tx: &mut Tx,
    round_id: i64,
    school_id: Option<i64>,
) -> Result<HouseholdCheck> {
    let opens: Option<String> = q("SELECT opens_on FROM rounds WHERE id = $1")
        .bind(round_id)
        .scalar_optional(&mut *tx)
        .await?;
    let year: i64 = opens
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok())
        .ok_or(DomainError::Students(StudentsError::NoRound))?;
    let mut out = HouseholdCheck::default();
    let mut registers: HashMap<String, Vec<HouseholdRec>> = HashMap::new();
    let mut after = 0i64;
    let now = now_millis();
    let mut checked: Vec<(i64, Option<(&'static str, String)>)> = Vec::new();
    // One school's claims through the school's index; `$2 IS NULL OR …` would make the
    // planner read the whole round for every import.
    let school = if school_id.is_some() {
        "s.school_id = $2"
    } else {
        "$2 IS NULL"
    };
    let any_register: bool = q("SELECT EXISTS (SELECT 1 FROM households)")
        .scalar(&mut *tx)
        .await?;
    if !any_register {
        let n: i64 = Q::assembled(format!(
            "SELECT COUNT(*) FROM students s JOIN tiers t ON t.id = s.tier_id
              WHERE s.round_id = $1 AND {school} AND s.review <> 'withdrawn'
                AND t.needs_household IS NOT NULL"
        ))
        .bind(round_id)
        .bind(school_id)
        .scalar(&mut *tx)
        .await?;
        out.claims = n as u64;
        out.unverifiable = n as u64;
        return Ok(out);
    }
    loop {
        let claims: Vec<Claim> = Q::assembled(format!(
            "SELECT s.id, s.name_key, s.parent_key, s.commune_key, c.name AS school_commune,
                    s.certificate_no, t.needs_household AS needs
               FROM students s JOIN tiers t ON t.id = s.tier_id
               JOIN units u ON u.id = s.school_id LEFT JOIN units c ON c.id = u.commune_id
              WHERE s.round_id = $1 AND {school} AND s.review <> 'withdrawn'
                AND t.needs_household IS NOT NULL AND s.id > $3
              ORDER BY s.id LIMIT 5000"
        ))
        .bind(round_id)
        .bind(school_id)
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = claims.last() else { break };
        after = last.id;
        for c in &claims {
            let commune = c
                .commune_key
                .clone()
                .filter(|k| !k.is_empty())
                .or_else(|| c.school_commune.as_deref().map(text::place_key))
                .unwrap_or_default();
            if !registers.contains_key(&commune) {
                let recs: Vec<HouseholdRec> = q(
                    "SELECT head_key, members_key, category, certificate_no FROM households
                                                  WHERE commune_key = $1 AND year IN ($2, $3)",
                )
                .bind(commune.clone())
                .bind(year)
                .bind(year - 1)
                .fetch_all(&mut *tx)
                .await?;
                registers.insert(commune.clone(), recs);
            }
            let recs = &registers[&commune];
            out.claims += 1;
            let verdict = if recs.is_empty() {
                out.unverifiable += 1;
                None
            } else {
                let cert = c.certificate_no.as_deref().map(certificate_key);
                let in_members = |k: &str, h: &HouseholdRec| {
                    h.members_key
                        .as_deref()
                        .is_some_and(|m| m.contains(&format!("|{k}|")))
                };
                let hits: Vec<&HouseholdRec> = recs
                    .iter()
                    .filter(|h| {
                        c.parent_key.as_deref() == Some(h.head_key.as_str())
                            || in_members(&c.name_key, h)
                            || c.parent_key.as_deref().is_some_and(|p| in_members(p, h))
                            || cert.as_deref().is_some_and(|x| {
                                !x.is_empty()
                                    && h.certificate_no.as_deref().map(certificate_key).as_deref()
                                        == Some(x)
                            })
                    })
                    .collect();
                if hits.iter().any(|h| h.category == c.needs) {
                    out.matched += 1;
                    Some(None)
                } else if let Some(h) = hits.first() {
                    out.other_category += 1;
                    Some(Some(("household_category", h.category.clone())))
                } else {
                    out.missing += 1;
                    Some(Some(("household_missing", String::new())))
                }
            };
            if let Some(flag) = verdict {
                checked.push((c.id, flag));
            }
        }
        write_flags(tx, &checked, now).await?;
        checked.clear();
    }
    Ok(out)
}

/// Open household flags of the checked students are replaced by the verdicts; resolved
/// ones (a person's override) stay as they are.
async fn write_flags(
    tx: &mut Tx,
    checked: &[(i64, Option<(&'static str, String)>)],
    now: i64,
) -> Result<()> {
    for chunk in checked.chunks(500) {
        let sql = format!(
            "DELETE FROM student_flags WHERE kind IN ('household_missing', 'household_category') AND resolved_at IS NULL
               AND student_id IN ({})",
            crate::db::placeholders(0, chunk.len())
        );
        let mut del = crate::db::Q::assembled(sql);
        for (id, _) in chunk {
            del = del.bind(*id);
        }
        del.execute(&mut *tx).await?;
        let flags: Vec<(i64, &str, &str)> = chunk
            .iter()
            .filter_map(|(id, f)| f.as_ref().map(|(k, d)| (*id, *k, d.as_str())))
            .collect();
        if flags.is_empty() {
            continue;
        }
        let values: Vec<String> = (0..flags.len())
            .map(|i| format!("(${}, ${}, ${}, $1)", 2 + i * 3, 3 + i * 3, 4 + i * 3))
            .collect();
        let sql = format!(
            "INSERT INTO student_flags (student_id, kind, detail, created_at) VALUES {}
             ON CONFLICT (student_id, kind) DO NOTHING",
            values.join(",")
        );
        let mut ins = crate::db::Q::assembled(sql).bind(now);
        for (id, kind, detail) in flags {
            ins = ins
                .bind(id)
                .bind(kind)
                .bind(Some(detail.to_string()).filter(|d| !d.is_empty()));
        }
        ins.execute(&mut *tx).await?;
    }
    Ok(())
}
