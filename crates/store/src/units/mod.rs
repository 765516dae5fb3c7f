//! Storage of units: the tree, its subtrees, and the one write path for units
//! (`import_units`), which forms and files both go through.

use crate::db::{Page, Tx, q};
use crate::error::{Result, StoreError};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::DomainError;
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::units::UnitsError;
use domain::units::plan::{ExistingUnit, Fields, Planned, Text, plan_import};
use domain::units::{Agency, InternetStatus, SchoolLevel, UnitCode, UnitDraft, UnitKind, UnitPath};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A unit as stored, with its parent's and commune's names for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub agency: Option<Agency>,
    pub admin_type: Option<String>,
    pub parent_id: Option<i64>,
    #[serde(skip)]
    pub path: UnitPath,
    pub school_level: Option<SchoolLevel>,
    pub commune_id: Option<i64>,
    pub internet: Option<InternetStatus>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub parent_code: Option<String>,
    pub parent_name: Option<String>,
    pub commune_name: Option<String>,
}

impl Unit {
    /// The subtree the unit's users see (see [`domain::units::scope_of`]).
    pub fn scope(&self) -> UnitPath {
        domain::units::scope_of(self.kind, &self.path)
    }

    /// A school directly under the Sở GD&ĐT (upper-secondary schools, GDNN-GDTX centres).
    pub fn is_direct_unit(&self, parent_agency: Option<Agency>) -> bool {
        self.kind == UnitKind::School && parent_agency == Some(Agency::SoGddt)
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    agency: Option<String>,
    admin_type: Option<String>,
    parent_id: Option<i64>,
    path: String,
    school_level: Option<String>,
    commune_id: Option<i64>,
    internet: Option<String>,
    created_at: i64,
    updated_at: i64,
    parent_code: Option<String>,
    parent_name: Option<String>,
    commune_name: Option<String>,
}

impl TryFrom<UnitRow> for Unit {
    type Error = StoreError;
    fn try_from(r: UnitRow) -> Result<Unit> {
        let bad = |col: &'static str, v: &str| StoreError::corrupt("units", col, v);
        Ok(Unit {
            id: r.id,
            code: UnitCode::parse(&r.code).map_err(|_| bad("code", &r.code))?,
            kind: UnitKind::parse(&r.kind).map_err(|_| bad("kind", &r.kind))?,
            agency: r
                .agency
                .as_deref()
                .map(|a| Agency::parse(a).map_err(|_| bad("agency", a)))
                .transpose()?,
            path: UnitPath::parse(&r.path).ok_or_else(|| bad("path", &r.path))?,
            school_level: r
                .school_level
                .as_deref()
                .map(|l| SchoolLevel::parse(l).map_err(|_| bad("school_level", l)))
                .transpose()?,
            internet: r
                .internet
                .as_deref()
                .map(|i| InternetStatus::parse(i).map_err(|_| bad("internet", i)))
                .transpose()?,
            name: r.name,
            admin_type: r.admin_type,
            parent_id: r.parent_id,
            commune_id: r.commune_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            parent_code: r.parent_code,
            parent_name: r.parent_name,
            commune_name: r.commune_name,
        })
    }
}

macro_rules! unit_select {
    () => {
        "SELECT u.id, u.code, u.name, u.kind, u.agency, u.admin_type, u.parent_id, u.path, u.school_level,
                u.commune_id, u.internet, u.created_at, u.updated_at,
                p.code AS parent_code, p.name AS parent_name, c.name AS commune_name
           FROM units u
           LEFT JOIN units p ON p.id = u.parent_id
           LEFT JOIN units c ON c.id = u.commune_id "
    };
}

/// What to list. Every listing is bounded by a subtree (the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub kind: Option<UnitKind>,
    pub school_level: Option<SchoolLevel>,
    pub internet: Option<InternetStatus>,
    /// Only direct children of this unit.
    pub parent_id: Option<i64>,
    /// Folded text (see `text::fold`) the code or name must contain.
    pub search: Option<String>,
    pub order: UnitOrder,
}

/// How a list of units is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnitOrder {
    /// Kind, then name: communes before schools under a district.
    #[default]
    KindName,
    /// Official codes, which group schools by district.
    Code,
}

/// Counts of units in a subtree, for dashboards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScopeCounts {
    pub by_kind: Vec<(UnitKind, i64)>,
    pub schools_by_level: Vec<(SchoolLevel, i64)>,
    pub schools_by_internet: Vec<(InternetStatus, i64)>,
}

impl ScopeCounts {
    pub fn of_kind(&self, k: UnitKind) -> i64 {
        self.by_kind
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
    pub fn schools_with(&self, i: InternetStatus) -> i64 {
        self.schools_by_internet
            .iter()
            .find(|(x, _)| *x == i)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// How to run an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// With a scope, every unit touched must lie inside it.
    pub scope: Option<&'a UnitPath>,
    /// The file, recorded in one audit entry for the whole import.
    pub source: Option<ImportSource>,
    /// Do everything, then roll back: the counts of a real run, nothing written.
    pub dry_run: bool,
}

/// Where an import came from, recorded in its audit entry.
#[derive(Debug, Clone, Default)]
pub struct ImportSource {
    pub file_name: String,
    pub sha256: String,
}

impl Store {
    pub async fn unit_by_code(&self, code: &str) -> Result<Option<Unit>> {
        q(concat!(unit_select!(), "WHERE u.code = $1"))
            .bind(code)
            .fetch_optional::<UnitRow>(self.pool())
            .await?
            .map(Unit::try_from)
            .transpose()
    }

    pub async fn unit_by_id(&self, id: i64) -> Result<Option<Unit>> {
        q(concat!(unit_select!(), "WHERE u.id = $1"))
            .bind(id)
            .fetch_optional::<UnitRow>(self.pool())
            .await?
            .map(Unit::try_from)
            .transpose()
    }

    /// The unit's ancestors, root first, the unit itself excluded.
    pub async fn ancestors(&self, unit: &Unit) -> Result<Vec<Unit>> {
        let ids: Vec<i64> = unit.path.ids().filter(|id| *id != unit.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            concat!(unit_select!(), "WHERE u.id IN ({}) ORDER BY u.depth"),
            crate::db::placeholders(0, ids.len())
        );
        let mut query = crate::db::Q::assembled(sql);
        for id in ids {
            query = query.bind(id);
        }
        query
            .fetch_all::<UnitRow>(self.pool())
            .await?
            .into_iter()
            .map(Unit::try_from)
            .collect()
    }

    /// Units of a subtree matching `filter`, a page at a time, ordered by kind then name.
    pub async fn list_units(
        &self,
        within: &UnitPath,
        filter: &UnitFilter,
        page: i64,
        per_page: i64,
    ) -> Result<Page<Unit>> {
        let (lo, hi) = within.subtree_range();
        let per_page = per_page.clamp(1, 500);
        let page = page.max(1);
        let pattern = filter
            .search
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", crate::db::like_escape(s)));
        macro_rules! filtered {
            () => {
                "WHERE u.path >= $1 AND u.path < $2
                   AND ($3 IS NULL OR u.kind = $3)
                   AND ($4 IS NULL OR u.school_level = $4)
                   AND ($5 IS NULL OR u.internet = $5)
                   AND ($6 IS NULL OR u.parent_id = $6)
                   AND ($7 IS NULL OR u.search_key LIKE $7 ESCAPE '\\' OR LOWER(u.code) LIKE $7 ESCAPE '\\') "
            };
        }
        let bind = |query: crate::db::Q| {
            query
                .bind(lo.clone())
                .bind(hi.clone())
                .bind(filter.kind.map(|k| k.code()))
                .bind(filter.school_level.map(|l| l.code()))
                .bind(filter.internet.map(|i| i.code()))
                .bind(filter.parent_id)
                .bind(pattern.clone())
        };
        let total: i64 = bind(q(concat!("SELECT COUNT(*) FROM units u ", filtered!())))
            .scalar(self.pool())
            .await?;
        let list = match filter.order {
            UnitOrder::KindName => q(concat!(
                unit_select!(),
                filtered!(),
                "ORDER BY u.kind, u.search_key, u.code LIMIT $8 OFFSET $9"
            )),
            UnitOrder::Code => q(concat!(
                unit_select!(),
                filtered!(),
                "ORDER BY u.code LIMIT $8 OFFSET $9"
            )),
        };
        let items = bind(list)
            .bind(per_page)
            .bind((page - 1) * per_page)
            .fetch_all::<UnitRow>(self.pool())
            .await?
            .into_iter()
            .map(Unit::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// How many units of each kind, and schools by level and Internet status, in a subtree.
    pub async fn scope_counts(&self, within: &UnitPath) -> Result<ScopeCounts> {
        let (lo, hi) = within.subtree_range();
        let rows: Vec<(String, Option<String>, Option<String>, i64)> =
            q("SELECT kind, school_level, internet, COUNT(*) FROM units
              WHERE path >= $1 AND path < $2 GROUP BY kind, school_level, internet")
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?;
        let mut by_kind: HashMap<UnitKind, i64> = HashMap::new();
        let mut by_level: HashMap<SchoolLevel, i64> = HashMap::new();
        let mut by_net: HashMap<InternetStatus, i64> = HashMap::new();
        for (kind, level, net, n) in rows {
            let kind =
                UnitKind::parse(&kind).map_err(|_| StoreError::corrupt("units", "kind", &kind))?;
            *by_kind.entry(kind).or_default() += n;
            if kind == UnitKind::School {
                let level = level
                    .as_deref()
                    .and_then(|l| SchoolLevel::parse(l).ok())
                    .unwrap_or(SchoolLevel::Khac);
                *by_level.entry(level).or_default() += n;
                let net = net
                    .as_deref()
                    .and_then(|i| InternetStatus::parse(i).ok())
                    .unwrap_or_default();
                *by_net.entry(net).or_default() += n;
            }
        }
        Ok(ScopeCounts {
            by_kind: UnitKind::ALL
                .iter()
                .filter_map(|k| by_kind.get(k).map(|n| (*k, *n)))
                .collect(),
            schools_by_level: SchoolLevel::ALL
                .iter()
                .filter_map(|k| by_level.get(k).map(|n| (*k, *n)))
                .collect(),
            schools_by_internet: InternetStatus::ALL
                .iter()
                .filter_map(|k| by_net.get(k).map(|n| (*k, *n)))
                .collect(),
        })
    }

    /// Creates or updates units from drafts (a file, or one form), all in one transaction
    /// with one audit entry per unit created or changed, or writes nothing and returns
    /// every problem with its row. Units are matched by code; a draft without a code gets
    /// `{parent code}-{name as ASCII}`, the same on every import, so importing a file twice
    /// changes nothing.
    #[tracing::instrument(skip_all, fields(rows = drafts.len(), by = %actor.name, dry_run = opts.dry_run))]
    pub async fn import_units(
        &self,
        actor: &AuditActor,
        drafts: Vec<(usize, UnitDraft)>,
        opts: ImportOptions<'_>,
    ) -> Result<ImportSummary> {
        let existing = self.all_unit_refs().await?;
        let text = Text {
            fold: text::fold,
            slug: text::slug,
        };
        let plan = plan_import(&existing, drafts, opts.scope, &text).map_err(StoreError::Rows)?;
        let mut tx = self.pool().begin().await?;
        let summary = apply_import(&mut tx, actor, &existing, plan).await?;
        if let Some(src) = opts.source {
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    entity: Entity::Unit,
                    entity_id: None,
                    action: "import",
                    summary: format!(
                        "Nhập tệp đơn vị \"{}\": {} mới, {} cập nhật, {} không đổi",
                        src.file_name, summary.created, summary.updated, summary.unchanged
                    ),
                    changes: Some(json!({
                        "file": src.file_name, "sha256": src.sha256,
                        "created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
                    })),
                    unit_id: None,
                    personal: None,
                },
            )
            .await?;
        }
        if !opts.dry_run {
            tx.commit().await?;
        }
        Ok(summary)
    }

    async fn all_unit_refs(&self) -> Result<HashMap<String, ExistingUnit>> {
        let rows: Vec<UnitRefRow> = q("SELECT id, code, name, search_key, kind, agency, admin_type, parent_id, path, school_level, commune_id, internet FROM units")
            .fetch_all(self.pool())
            .await?;
        let by_id: HashMap<i64, String> = rows.iter().map(|r| (r.id, r.code.clone())).collect();
        rows.into_iter()
            .map(|r| {
                let kind = UnitKind::parse(&r.kind)
                    .map_err(|_| StoreError::corrupt("units", "kind", &r.kind))?;
                let path = UnitPath::parse(&r.path)
                    .ok_or_else(|| StoreError::corrupt("units", "path", &r.path))?;
                let parent_code = r.parent_id.and_then(|p| by_id.get(&p).cloned());
                let commune_code = r.commune_id.and_then(|c| by_id.get(&c).cloned());
                Ok((
                    r.code.clone(),
                    ExistingUnit {
                        id: r.id,
                        kind,
                        path,
                        parent_code,
                        commune_code,
                        fields: Fields {
                            name: r.name,
                            agency: r.agency,
                            admin_type: r.admin_type,
                            school_level: r.school_level,
                            internet: r.internet,
                        },
                        search_key: r.search_key,
                    },
                ))
            })
            .collect()
    }
}

#[derive(sqlx::FromRow)]
struct UnitRefRow {
    id: i64,
    code: String,
    name: String,
    search_key: String,
    kind: String,
    agency: Option<String>,
    admin_type: Option<String>,
    parent_id: Option<i64>,
    path: String,
    school_level: Option<String>,
    commune_id: Option<i64>,
    internet: Option<String>,
}

fn describe(
    kind: UnitKind,
    f: &Fields,
    parent: Option<&str>,
    commune: Option<&str>,
) -> serde_json::Value {
    json!({
        "kind": kind.code(), "name": f.name, "agency": f.agency, "admin_type": f.admin_type,
        "school_level": f.school_level, "internet": f.internet, "parent": parent, "commune": commune,
    })
}

async fn apply_import(
    tx: &mut Tx,
    actor: &AuditActor,
    existing: &HashMap<String, ExistingUnit>,
    plan: Vec<Planned>,
) -> Result<ImportSummary> {
    let now = now_millis();
    let mut summary = ImportSummary::default();
    // id and path of every unit after the import, by code.
    let mut placed: HashMap<String, (i64, UnitPath)> = HashMap::new();
    let lookup =
        |placed: &HashMap<String, (i64, UnitPath)>, code: &str| -> Option<(i64, UnitPath)> {
            placed
                .get(code)
                .cloned()
                .or_else(|| existing.get(code).map(|u| (u.id, u.path.clone())))
        };
    // Communes are set after every unit exists (a school may name a commune created later
    // in the same file).
    let mut communes: Vec<(i64, String, bool)> = Vec::new();
    // Subtrees moved so far, in order: (old prefix, new prefix).
    let mut moves: Vec<(UnitPath, UnitPath)> = Vec::new();

    for p in plan {
        let parent =
            match &p.parent_code {
                Some(pc) => Some(lookup(&placed, pc).ok_or_else(|| {
                    DomainError::Units(UnitsError::UnknownUnit { code: pc.clone() })
                })?),
                None => None,
            };
        let search_key = text::fold(&p.fields.name);
        match existing.get(&p.code) {
            Some(old) => {
                // Where the unit is now (an ancestor may have moved earlier in this
                // import, carrying it along) and where its parent puts it.
                let current = moves.iter().fold(old.path.clone(), |p, (from, to)| {
                    p.rebase(from, to).unwrap_or(p)
                });
                let new_path = match &parent {
                    Some((_, ppath)) => ppath.child(old.id),
                    None => UnitPath::root(old.id),
                };
                let moved = new_path != current;
                let same = !moved
                    && old.kind == p.kind
                    && old.fields == p.fields
                    && old.parent_code == p.parent_code
                    && old.commune_code == p.commune_code;
                if same {
                    summary.unchanged += 1;
                    placed.insert(p.code.clone(), (old.id, current));
                    continue;
                }
                if moved {
                    let (lo, hi) = current.subtree_range();
                    let delta = new_path.depth() as i64 - current.depth() as i64;
                    q("UPDATE units SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3, updated_at = $4
                        WHERE path >= $5 AND path < $6 AND id <> $7")
                                                .bind(new_path.as_str())
                        .bind(current.as_str().len() as i64 + 1)
                        .bind(delta)
                        .bind(now)
                        .bind(lo)
                        .bind(hi)
                        .bind(old.id)
                                                .execute(&mut *tx)
                        .await?;
                    moves.push((current.clone(), new_path.clone()));
                }
                q("UPDATE units SET name = $1, search_key = $2, kind = $3, agency = $4, admin_type = $5, parent_id = $6,
                        path = $7, depth = $8, school_level = $9, internet = $10, updated_at = $11
                    WHERE id = $12")
                    .bind(p.fields.name.clone())
                    .bind(search_key)
                    .bind(p.kind.code())
                    .bind(p.fields.agency.clone())
                    .bind(p.fields.admin_type.clone())
                    .bind(parent.as_ref().map(|(id, _)| *id))
                    .bind(new_path.as_str())
                    .bind(new_path.depth() as i64)
                    .bind(p.fields.school_level.clone())
                    .bind(p.fields.internet.clone())
                    .bind(now)
                    .bind(old.id)
                    .execute(&mut *tx)
                    .await?;
                audit::append(
                    tx,
                    actor,
                    AuditEvent {
                        entity: Entity::Unit,
                        entity_id: Some(p.code.clone()),
                        action: "update",
                        summary: format!("Cập nhật đơn vị {} – {}", p.code, p.fields.name),
                        unit_id: Some(old.id),
                        changes: Some(json!({
                            "before": describe(old.kind, &old.fields, old.parent_code.as_deref(), old.commune_code.as_deref()),
                            "after": describe(p.kind, &p.fields, p.parent_code.as_deref(), p.commune_code.as_deref()),
                        })),
                        personal: None,
                    },
                )
                .await?;
                communes.push((
                    old.id,
                    p.commune_code.clone().unwrap_or_default(),
                    old.commune_code != p.commune_code,
                ));
                placed.insert(p.code.clone(), (old.id, new_path));
                summary.updated += 1;
            }
            None => {
                let id: i64 = q("INSERT INTO units (code, name, search_key, kind, agency, admin_type, parent_id, path, depth,
                                    school_level, internet, created_at, updated_at)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $11) RETURNING id")
                    .bind(p.code.clone())
                    .bind(p.fields.name.clone())
                    .bind(search_key)
                    .bind(p.kind.code())
                    .bind(p.fields.agency.clone())
                    .bind(p.fields.admin_type.clone())
                    .bind(parent.as_ref().map(|(id, _)| *id))
                    .bind(format!("?{}", p.code))
                    .bind(p.fields.school_level.clone())
                    .bind(p.fields.internet.clone())
                    .bind(now)
                    .scalar(&mut *tx)
                    .await
                    .map_err(|e| StoreError::on_unique(e, "units_code_key", || DomainError::Units(UnitsError::DuplicateUnitCode { code: p.code.clone() })))?;
                let path = match &parent {
                    Some((_, ppath)) => ppath.child(id),
                    None => UnitPath::root(id),
                };
                q("UPDATE units SET path = $1, depth = $2 WHERE id = $3")
                    .bind(path.as_str())
                    .bind(path.depth() as i64)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                audit::append(
                    tx,
                    actor,
                    AuditEvent {
                        entity: Entity::Unit,
                        entity_id: Some(p.code.clone()),
                        action: "create",
                        summary: format!("Thêm đơn vị {} – {}", p.code, p.fields.name),
                        unit_id: Some(id),
                        changes: Some(describe(
                            p.kind,
                            &p.fields,
                            p.parent_code.as_deref(),
                            p.commune_code.as_deref(),
                        )),
                        personal: None,
                    },
                )
                .await?;
                if let Some(c) = &p.commune_code {
                    communes.push((id, c.clone(), true));
                }
                placed.insert(p.code.clone(), (id, path));
                summary.created += 1;
            }
        }
    }
    for (id, commune, changed) in communes {
        if !changed {
            continue;
        }
        let commune_id = if commune.is_empty() {
            None
        } else {
            lookup(&placed, &commune).map(|(cid, _)| cid)
        };
        q("UPDATE units SET commune_id = $1 WHERE id = $2")
            .bind(commune_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(summary)
}
