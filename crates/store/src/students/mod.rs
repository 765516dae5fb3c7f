//! Storage of students on schools' lists (nominations): the streamed import, listings
//! bounded by scope, flags for review, and the approval chain of each school's list.

mod bulk;
pub mod edit;
mod import;
pub mod lists;
pub mod programs;

use crate::Store;
use crate::db::{Q, q};
use crate::error::{Result, StoreError};
use domain::dates::Millis;
use domain::students::{Gender, ListStatus};
use domain::units::UnitPath;
use serde::Serialize;

pub use import::{ImportCounts, ImportMsg, ImportOutcome, ImportRow, ImportTarget};
pub(crate) use import::{bind_draft, flag_list, list_status};

/// A stored student, for lists and exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Student {
    pub id: i64,
    pub round_id: i64,
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub student_code: Option<String>,
    pub full_name: String,
    /// `yyyy-mm-dd`.
    pub dob: String,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub class_name: Option<String>,
    pub village: Option<String>,
    pub commune: Option<String>,
    pub parent_name: Option<String>,
    pub tier_id: i64,
    pub tier_code: String,
    pub tier_rank: i64,
    pub certificate_no: Option<String>,
    pub note: Option<String>,
    pub review: String,
    pub return_reason: Option<String>,
    pub served: bool,
    pub source_row: Option<i64>,
    pub flags: Vec<String>,
    /// Evidence files kept for the student.
    pub evidence_files: i64,
    pub updated_at: Millis,
}

#[derive(sqlx::FromRow)]
struct StudentRow {
    id: i64,
    round_id: i64,
    school_id: i64,
    school_code: String,
    school_name: String,
    student_code: Option<String>,
    full_name: String,
    dob: String,
    gender: Option<String>,
    ethnicity: Option<String>,
    class_name: Option<String>,
    village: Option<String>,
    commune: Option<String>,
    parent_name: Option<String>,
    tier_id: i64,
    tier_code: String,
    tier_rank: i64,
    certificate_no: Option<String>,
    note: Option<String>,
    review: String,
    return_reason: Option<String>,
    served: bool,
    source_row: Option<i64>,
    updated_at: i64,
}

impl From<StudentRow> for Student {
    fn from(r: StudentRow) -> Student {
        Student {
            id: r.id,
            round_id: r.round_id,
            school_id: r.school_id,
            school_code: r.school_code,
            school_name: r.school_name,
            student_code: r.student_code,
            full_name: r.full_name,
            dob: r.dob,
            gender: r.gender.as_deref().and_then(Gender::parse),
            ethnicity: r.ethnicity,
            class_name: r.class_name,
            village: r.village,
            commune: r.commune,
            parent_name: r.parent_name,
            tier_id: r.tier_id,
            tier_code: r.tier_code,
            tier_rank: r.tier_rank,
            certificate_no: r.certificate_no,
            note: r.note,
            review: r.review,
            return_reason: r.return_reason,
            served: r.served,
            source_row: r.source_row,
            flags: Vec::new(),
            evidence_files: 0,
            updated_at: r.updated_at,
        }
    }
}

macro_rules! student_select {
    () => {
        "SELECT s.id, s.round_id, s.school_id, u.code AS school_code, u.name AS school_name, s.student_code, s.full_name,
                s.dob, s.gender, s.ethnicity, s.class_name, s.village, s.commune, s.parent_name, s.tier_id,
                t.code AS tier_code, t.rank AS tier_rank, s.certificate_no, s.note, s.review, s.return_reason, s.served,
                s.source_row, s.updated_at
           FROM students s JOIN units u ON u.id = s.school_id JOIN tiers t ON t.id = s.tier_id "
    };
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct StudentFilter {
    pub round_id: Option<i64>,
    pub school_id: Option<i64>,
    pub tier_id: Option<i64>,
    pub review: Option<String>,
    /// Only students with an open flag of this kind.
    pub flag: Option<String>,
    /// Only students with (`true`) or without (`false`) an evidence file.
    pub evidence: Option<bool>,
    /// Folded text the name or code must contain.
    pub search: Option<String>,
}

impl Store {
    /// Fills in the open flags of each student.
    async fn attach_flags(&self, students: &mut [Student]) -> Result<()> {
        if students.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT student_id, kind FROM student_flags WHERE resolved_at IS NULL AND student_id IN ({}) ORDER BY kind",
            crate::db::placeholders(0, students.len())
        );
        let mut query = Q::assembled(sql);
        for s in students.iter() {
            query = query.bind(s.id);
        }
        let flags: Vec<(i64, String)> = query.fetch_all(self.pool()).await?;
        for (id, kind) in flags {
            if let Some(s) = students.iter_mut().find(|s| s.id == id) {
                s.flags.push(kind);
            }
        }
        let sql = format!(
            "SELECT owner_id, COUNT(*) FROM documents WHERE owner_kind = 'student' AND owner_id IN ({}) GROUP BY owner_id",
            crate::db::placeholders(0, students.len())
        );
        let mut query = Q::assembled(sql);
        for s in students.iter() {
            query = query.bind(s.id);
        }
        let files: Vec<(i64, i64)> = query.fetch_all(self.pool()).await?;
        for (id, n) in files {
            if let Some(s) = students.iter_mut().find(|s| s.id == id) {
                s.evidence_files = n;
            }
        }
        Ok(())
    }

    /// Students of schools inside `within`, a page at a time (ordered by school, then
    /// the row of the file).
    pub async fn list_students(
        &self,
        within: &UnitPath,
        filter: &StudentFilter,
        page: i64,
        per_page: i64,
    ) -> Result<crate::db::Page<Student>> {
        let (lo, hi) = within.subtree_range();
        let per_page = per_page.clamp(1, 1000);
        let page = page.max(1);
        let pattern = filter
            .search
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", crate::db::like_escape(s)));
        macro_rules! filtered {
            () => {
                "WHERE u.path >= $1 AND u.path < $2
                   AND ($3 IS NULL OR s.round_id = $3) AND ($4 IS NULL OR s.school_id = $4)
                   AND ($5 IS NULL OR s.tier_id = $5) AND ($6 IS NULL OR s.review = $6)
                   AND ($7 IS NULL OR EXISTS (SELECT 1 FROM student_flags f WHERE f.student_id = s.id AND f.kind = $7 AND f.resolved_at IS NULL))
                   AND ($8 IS NULL OR s.name_key LIKE $8 ESCAPE '\\' OR s.student_code LIKE $8 ESCAPE '\\')
                   AND ($9 IS NULL OR ($9 = 1) = EXISTS (SELECT 1 FROM documents d WHERE d.owner_kind = 'student' AND d.owner_id = s.id)) "
            };
        }
        let bind = |query: Q| {
            query
                .bind(lo.clone())
                .bind(hi.clone())
                .bind(filter.round_id)
                .bind(filter.school_id)
                .bind(filter.tier_id)
                .bind(filter.review.clone())
                .bind(filter.flag.clone())
                .bind(pattern.clone())
                .bind(filter.evidence.map(i64::from))
        };
        let total: i64 = bind(q(concat!(
            "SELECT COUNT(*) FROM students s JOIN units u ON u.id = s.school_id ",
            filtered!()
        )))
        .scalar(self.pool())
        .await?;
        let mut items: Vec<Student> = bind(q(concat!(
            student_select!(),
            filtered!(),
            "ORDER BY u.code, s.source_row, s.id LIMIT $10 OFFSET $11"
        )))
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all::<StudentRow>(self.pool())
        .await?
        .into_iter()
        .map(Student::from)
        .collect();
        self.attach_flags(&mut items).await?;
        Ok(crate::db::Page {
            items,
            total,
            page,
            per_page,
        })
    }

    pub async fn student(&self, id: i64) -> Result<Option<(Student, UnitPath)>> {
        #[derive(sqlx::FromRow)]
        struct WithPath {
            #[sqlx(flatten)]
            row: StudentRow,
            path: String,
        }
        let r: Option<WithPath> = q(concat!(
            "SELECT x.*, p.path FROM (",
            student_select!(),
            "WHERE s.id = $1) x JOIN units p ON p.id = x.school_id"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(w) = r else { return Ok(None) };
        let path = UnitPath::parse(&w.path)
            .ok_or_else(|| StoreError::corrupt("units", "path", &w.path))?;
        let mut one = [Student::from(w.row)];
        self.attach_flags(&mut one).await?;
        let [student] = one;
        Ok(Some((student, path)))
    }

    /// Every student of a subtree, in pages of `page` (flat memory), for exports and the
    /// command line. `f` is called once per page.
    pub async fn each_student(
        &self,
        within: &UnitPath,
        round_id: Option<i64>,
        school_id: Option<i64>,
        mut f: impl FnMut(Vec<Student>) -> Result<()>,
    ) -> Result<u64> {
        let (lo, hi) = within.subtree_range();
        let mut after = 0i64;
        let mut n = 0u64;
        loop {
            let rows: Vec<StudentRow> = q(concat!(
                student_select!(),
                "WHERE u.path >= $1 AND u.path < $2 AND ($3 IS NULL OR s.round_id = $3) AND ($4 IS NULL OR s.school_id = $4)
                   AND s.id > $5 ORDER BY s.id LIMIT 2000"
            ))
            .bind(lo.clone())
            .bind(hi.clone())
            .bind(round_id)
            .bind(school_id)
            .bind(after)
            .fetch_all(self.pool())
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            n += rows.len() as u64;
            let mut page: Vec<Student> = rows.into_iter().map(Student::from).collect();
            self.attach_flags(&mut page).await?;
            f(page)?;
        }
        Ok(n)
    }

    /// Every school of a subtree with its list's standing in a round: its status (none
    /// for a school that has not started), and its students (withdrawn ones aside) by
    /// tier; in code order.
    pub async fn student_counts(
        &self,
        within: &UnitPath,
        round_id: i64,
    ) -> Result<Vec<SchoolCounts>> {
        let (lo, hi) = within.subtree_range();
        type Row = (
            i64,
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
        );
        let rows: Vec<Row> = q("SELECT u.id, u.code, u.name, p.id, p.name, p.agency, l.status, t.rank, COUNT(s.id)
               FROM units u LEFT JOIN units p ON p.id = u.parent_id
               LEFT JOIN nomination_lists l ON l.school_id = u.id AND l.round_id = $3
               LEFT JOIN students s ON s.school_id = u.id AND s.round_id = $3 AND s.review <> 'withdrawn'
               LEFT JOIN tiers t ON t.id = s.tier_id
              WHERE u.kind = 'school' AND u.path >= $1 AND u.path < $2
              GROUP BY u.id, u.code, u.name, p.id, p.name, p.agency, l.status, t.rank ORDER BY u.code, t.rank")
            .bind(lo)
            .bind(hi)
            .bind(round_id)
            .fetch_all(self.pool())
            .await?;
        let mut out: Vec<SchoolCounts> = Vec::new();
        for (id, code, name, parent_id, parent_name, agency, status, rank, n) in rows {
            if out.last().is_none_or(|c| c.school_id != id) {
                out.push(SchoolCounts {
                    school_id: id,
                    school_code: code,
                    school_name: name,
                    parent_id,
                    parent_name: parent_name.unwrap_or_default(),
                    direct_unit: agency.as_deref() == Some(domain::units::Agency::SoGddt.code()),
                    status: status.as_deref().and_then(ListStatus::parse),
                    by_rank: Vec::new(),
                });
            }
            if let (Some(last), Some(rank)) = (out.last_mut(), rank) {
                last.by_rank.push((rank, n));
            }
        }
        Ok(out)
    }

    /// How many schools of a subtree stand where in a round, split by whether the Sở
    /// reviews them (directly under it) or a district office does: what a dashboard
    /// counts, without reading the students (see [`SchoolCounts::standing`]).
    pub async fn list_standings(
        &self,
        within: &UnitPath,
        round_id: i64,
    ) -> Result<Vec<(Standing, bool, i64)>> {
        let (lo, hi) = within.subtree_range();
        let rows: Vec<(String, Option<String>, i64)> = q("SELECT CASE WHEN l.status IS NULL OR (l.status = 'draft' AND NOT EXISTS (
                        SELECT 1 FROM students s WHERE s.school_id = u.id AND s.round_id = $3 AND s.review <> 'withdrawn'))
                      THEN 'not_started' ELSE l.status END AS standing, p.agency, COUNT(*)
                 FROM units u LEFT JOIN units p ON p.id = u.parent_id
                 LEFT JOIN nomination_lists l ON l.school_id = u.id AND l.round_id = $3
                WHERE u.kind = 'school' AND u.path >= $1 AND u.path < $2
                GROUP BY 1, p.agency")
            .bind(lo)
            .bind(hi)
            .bind(round_id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(st, agency, n)| {
                let standing = Standing::parse(&st)
                    .ok_or_else(|| StoreError::corrupt("nomination_lists", "status", st))?;
                Ok((
                    standing,
                    agency.as_deref() == Some(domain::units::Agency::SoGddt.code()),
                    n,
                ))
            })
            .collect()
    }

    /// For each district office (or the Sở) of a subtree, by name: its code, its name,
    /// how many schools it has and how many of their lists are approved (by it or by the
    /// Board) in a round.
    pub async fn approved_by_parent(
        &self,
        within: &UnitPath,
        round_id: i64,
    ) -> Result<Vec<(String, String, i64, i64)>> {
        let (lo, hi) = within.subtree_range();
        Ok(q("SELECT p.code, p.name, COUNT(*),
                     SUM(CASE WHEN l.status IN ('approved', 'board_approved') THEN 1 ELSE 0 END)
                FROM units u JOIN units p ON p.id = u.parent_id
                LEFT JOIN nomination_lists l ON l.school_id = u.id AND l.round_id = $3
               WHERE u.kind = 'school' AND u.path >= $1 AND u.path < $2
               GROUP BY p.code, p.name ORDER BY p.name")
        .bind(lo)
        .bind(hi)
        .bind(round_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Students of a subtree on the lists of a round (withdrawn ones aside).
    pub async fn students_in(&self, within: &UnitPath, round_id: i64) -> Result<i64> {
        let (lo, hi) = within.subtree_range();
        Ok(q(
            "SELECT COUNT(*) FROM students s JOIN units u ON u.id = s.school_id
               WHERE s.round_id = $3 AND s.review <> 'withdrawn' AND u.path >= $1 AND u.path < $2",
        )
        .bind(lo)
        .bind(hi)
        .bind(round_id)
        .scalar(self.pool())
        .await?)
    }
}

/// A school's count of students per tier rank, with its list's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolCounts {
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    /// The unit above the school: its district office, or the Sở for the schools
    /// directly under it.
    pub parent_id: Option<i64>,
    pub parent_name: String,
    /// The school is directly under the Sở, which reviews its list.
    pub direct_unit: bool,
    /// `None`: the school has not started its list in the round.
    pub status: Option<ListStatus>,
    pub by_rank: Vec<(i64, i64)>,
}

impl SchoolCounts {
    /// Where the list stands: its status, or `not_started` for a school with no student
    /// on its list yet.
    pub fn standing(&self) -> Standing {
        match self.status {
            None | Some(ListStatus::Draft) if self.by_rank.is_empty() => Standing::NotStarted,
            None => Standing::List(ListStatus::Draft),
            Some(s) => Standing::List(s),
        }
    }

    pub fn total(&self) -> i64 {
        self.by_rank.iter().map(|(_, n)| n).sum()
    }
    pub fn of_rank(&self, rank: i64) -> i64 {
        self.by_rank
            .iter()
            .find(|(r, _)| *r == rank)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

/// Where a school's list stands in a round, a school that has not started included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    NotStarted,
    List(ListStatus),
}

impl Standing {
    /// Every standing, in the order of the work.
    pub const ALL: [Standing; 6] = [
        Standing::NotStarted,
        Standing::List(ListStatus::Draft),
        Standing::List(ListStatus::Returned),
        Standing::List(ListStatus::Submitted),
        Standing::List(ListStatus::Approved),
        Standing::List(ListStatus::BoardApproved),
    ];

    pub fn code(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::List(s) => s.code(),
        }
    }

    pub fn parse(s: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label(self, lang: domain::Lang) -> &'static str {
        match self {
            Standing::NotStarted => lang.pick("Chưa bắt đầu", "Not started"),
            Standing::List(s) => s.label(lang),
        }
    }
}
