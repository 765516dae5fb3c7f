//! Planning an import of units, without writing: every row checked against the tree
//! as it stands and as the file changes it (codes, parents, levels, cycles, communes and
//! scope), and the rows put in an order where every parent comes before its children.
//! The store applies the plan in one transaction.

use crate::DomainError;
use crate::error::RowIssue;
use crate::units::{InternetStatus, UnitCode, UnitDraft, UnitKind, UnitPath, UnitsError};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The plain fields of a unit, compared to decide whether an import changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub name: String,
    pub agency: Option<String>,
    pub admin_type: Option<String>,
    pub school_level: Option<String>,
    pub internet: Option<String>,
}

/// An existing unit, as the import planner needs it.
#[derive(Debug, Clone)]
pub struct ExistingUnit {
    pub id: i64,
    pub kind: UnitKind,
    pub path: UnitPath,
    pub parent_code: Option<String>,
    pub commune_code: Option<String>,
    pub fields: Fields,
    /// The name folded for matching (`text::fold`).
    pub search_key: String,
}

/// One row of an import, resolved.
#[derive(Debug, Clone)]
pub struct Planned {
    pub row: usize,
    pub code: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    pub commune_code: Option<String>,
    pub fields: Fields,
}

/// The two text functions the planner needs, given by the caller (the domain does not
/// depend on the `text` crate): folding for matching names, and slugs for derived codes.
pub struct Text {
    pub fold: fn(&str) -> String,
    pub slug: fn(&str) -> String,
}

fn issue(row: usize, field: &'static str, error: DomainError) -> RowIssue {
    RowIssue { row, field, error }
}

/// Checks a whole import against the existing tree, without writing: codes, parents,
/// levels, cycles, communes and scope. Returns the rows in an order where every parent
/// comes before its children.
pub fn plan_import(
    existing: &HashMap<String, ExistingUnit>,
    drafts: Vec<(usize, UnitDraft)>,
    scope: Option<&UnitPath>,
    text: &Text,
) -> Result<Vec<Planned>, Vec<RowIssue>> {
    let mut issues = Vec::new();
    let mut planned: Vec<Planned> = Vec::with_capacity(drafts.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut communes_raw: Vec<Option<String>> = Vec::new();

    for (row, d) in drafts {
        let code = match &d.code {
            Some(c) => c.as_str().to_string(),
            None => {
                let slug = (text.slug)(&d.name);
                match (&d.parent, slug.is_empty()) {
                    (Some(p), false) => format!("{}-{}", p.as_str(), slug),
                    _ => {
                        issues.push(issue(
                            row,
                            "code",
                            DomainError::Units(UnitsError::InvalidUnitCode {
                                value: String::new(),
                            }),
                        ));
                        continue;
                    }
                }
            }
        };
        if code.len() > UnitCode::MAX_LEN {
            issues.push(issue(
                row,
                "code",
                DomainError::Units(UnitsError::InvalidUnitCode {
                    value: code.chars().take(80).collect(),
                }),
            ));
            continue;
        }
        if index.contains_key(&code) {
            issues.push(issue(
                row,
                "code",
                DomainError::Units(UnitsError::DuplicateUnitCode { code }),
            ));
            continue;
        }
        index.insert(code.clone(), planned.len());
        communes_raw.push(d.commune.clone());
        planned.push(Planned {
            row,
            code,
            kind: d.kind,
            parent_code: d.parent.map(|p| p.as_str().to_string()),
            commune_code: None,
            fields: Fields {
                name: d.name,
                agency: d.agency.map(|a| a.code().to_string()),
                admin_type: d.admin_type,
                school_level: d.school_level.map(|l| l.code().to_string()),
                internet: d.internet.map(|i| i.code().to_string()),
            },
        });
    }

    // The kind of a unit after the import, and its parent after the import.
    let kind_of = |code: &str| -> Option<UnitKind> {
        index
            .get(code)
            .map(|i| planned[*i].kind)
            .or_else(|| existing.get(code).map(|u| u.kind))
    };
    let parent_of = |code: &str| -> Option<String> {
        match index.get(code) {
            Some(i) => planned[*i].parent_code.clone(),
            None => existing.get(code).and_then(|u| u.parent_code.clone()),
        }
    };

    for p in &planned {
        match &p.parent_code {
            Some(pc) => match kind_of(pc) {
                None => issues.push(issue(
                    p.row,
                    "parent",
                    DomainError::Units(UnitsError::UnknownUnit { code: pc.clone() }),
                )),
                Some(pk) if !p.kind.may_have_parent(Some(pk)) => issues.push(issue(
                    p.row,
                    "level",
                    DomainError::Units(UnitsError::InvalidParent {
                        child: p.kind,
                        parent: Some(pk),
                    }),
                )),
                Some(_) => {}
            },
            None if !p.kind.may_have_parent(None) => issues.push(issue(
                p.row,
                "parent",
                DomainError::Units(UnitsError::InvalidParent {
                    child: p.kind,
                    parent: None,
                }),
            )),
            None => {}
        }
        if let Some(old) = existing.get(&p.code)
            && old.kind != p.kind
        {
            // A unit that changes kind must still fit the children that stay under it.
            let stranded = existing.iter().find(|(c, u)| {
                parent_of(c).as_deref() == Some(p.code.as_str())
                    && !kind_of(c).unwrap_or(u.kind).may_have_parent(Some(p.kind))
            });
            if let Some((c, u)) = stranded {
                let child = kind_of(c).unwrap_or(u.kind);
                issues.push(issue(
                    p.row,
                    "level",
                    DomainError::Units(UnitsError::InvalidParent {
                        child,
                        parent: Some(p.kind),
                    }),
                ));
            }
        }
    }

    // Cycles: follow each row's final parents upwards; meeting the row again is a loop.
    let limit = index.len() + existing.len() + 1;
    for p in &planned {
        let mut cur = p.parent_code.clone();
        let mut steps = 0;
        while let Some(c) = cur {
            if c == p.code {
                issues.push(issue(
                    p.row,
                    "parent",
                    DomainError::Units(UnitsError::UnitCycle {
                        code: p.code.clone(),
                    }),
                ));
                break;
            }
            steps += 1;
            if steps > limit {
                break;
            }
            cur = parent_of(&c);
        }
    }

    // Communes of schools: by code, else by name among communes, preferring the
    // school's own district when a name repeats across the province.
    let mut by_name: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
    for (code, u) in existing.iter().filter(|(_, u)| u.kind == UnitKind::Commune) {
        if !index.contains_key(code) {
            by_name
                .entry(u.search_key.clone())
                .or_default()
                .push((code.clone(), u.parent_code.clone()));
        }
    }
    for p in planned.iter().filter(|p| p.kind == UnitKind::Commune) {
        by_name
            .entry((text.fold)(&p.fields.name))
            .or_default()
            .push((p.code.clone(), p.parent_code.clone()));
    }
    let mut commune_of: Vec<(usize, String)> = Vec::new();
    for (i, raw) in communes_raw.iter().enumerate() {
        let Some(raw) = raw else { continue };
        let resolved = if kind_of(raw) == Some(UnitKind::Commune) {
            Ok(raw.clone())
        } else {
            let f = (text.fold)(raw);
            let mut cands: Vec<&(String, Option<String>)> = by_name
                .iter()
                .filter(|(name, _)| {
                    **name == f
                        || ["xa ", "phuong ", "thi tran "]
                            .iter()
                            .any(|pre| name.strip_prefix(pre) == Some(f.as_str()))
                })
                .flat_map(|(_, v)| v.iter())
                .collect();
            if cands.len() > 1 {
                cands.retain(|(_, parent)| parent.is_some() && *parent == planned[i].parent_code);
            }
            match cands.as_slice() {
                [one] => Ok(one.0.clone()),
                [] => Err(DomainError::Units(UnitsError::UnknownCommune {
                    value: raw.clone(),
                })),
                _ => Err(DomainError::Units(UnitsError::AmbiguousCommune {
                    value: raw.clone(),
                })),
            }
        };
        match resolved {
            Ok(c) => commune_of.push((i, c)),
            Err(e) => issues.push(issue(planned[i].row, "commune", e)),
        }
    }

    if let Some(scope) = scope {
        for p in &planned {
            // An existing unit must be inside the scope where it is now; and going up its
            // new parents, the first unit this import does not touch must be inside too.
            // A scoped user cannot create a root.
            let mut out = existing
                .get(&p.code)
                .is_some_and(|u| !scope.contains(&u.path))
                || p.parent_code.is_none();
            let mut cur = p.parent_code.clone();
            let mut steps = 0;
            while let Some(c) = cur {
                if !index.contains_key(&c) {
                    out |= existing.get(&c).is_none_or(|u| !scope.contains(&u.path));
                    break;
                }
                steps += 1;
                if steps > limit {
                    break;
                }
                cur = parent_of(&c);
            }
            if out {
                issues.push(issue(p.row, "parent", DomainError::Forbidden));
            }
        }
    }

    if !issues.is_empty() {
        issues.sort_by_key(|i| i.row);
        issues.dedup();
        return Err(issues);
    }
    for (i, c) in commune_of {
        planned[i].commune_code = Some(c);
    }
    // Empty cells keep what an existing unit has; a new school's Internet status starts
    // as unknown.
    for (p, raw) in planned.iter_mut().zip(&communes_raw) {
        match existing.get(&p.code) {
            Some(old) => {
                let f = &mut p.fields;
                f.agency = f.agency.take().or_else(|| old.fields.agency.clone());
                f.admin_type = f
                    .admin_type
                    .take()
                    .or_else(|| old.fields.admin_type.clone());
                if p.kind == UnitKind::School {
                    f.school_level = f
                        .school_level
                        .take()
                        .or_else(|| old.fields.school_level.clone());
                    f.internet = f.internet.take().or_else(|| old.fields.internet.clone());
                    if raw.is_none() {
                        p.commune_code = old.commune_code.clone();
                    }
                }
            }
            None if p.kind == UnitKind::School && p.fields.internet.is_none() => {
                p.fields.internet = Some(InternetStatus::Unknown.code().to_string());
            }
            None => {}
        }
    }

    // Parents before children.
    let mut ordered = Vec::with_capacity(planned.len());
    let mut done: HashSet<String> = HashSet::new();
    let mut pending: Vec<Planned> = planned;
    while !pending.is_empty() {
        let before = pending.len();
        let (ready, rest): (Vec<Planned>, Vec<Planned>) =
            pending.into_iter().partition(|p| match &p.parent_code {
                Some(pc) => !index.contains_key(pc) || done.contains(pc),
                None => true,
            });
        for p in &ready {
            done.insert(p.code.clone());
        }
        ordered.extend(ready);
        pending = rest;
        if pending.len() == before {
            // Unreachable after the cycle check; refuse rather than loop.
            let rows = pending.iter().map(|p| {
                issue(
                    p.row,
                    "parent",
                    DomainError::Units(UnitsError::UnitCycle {
                        code: p.code.clone(),
                    }),
                )
            });
            return Err(rows.collect());
        }
    }
    Ok(ordered)
}
