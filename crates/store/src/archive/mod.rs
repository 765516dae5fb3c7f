//! The archive (lưu trữ hồ sơ): printed documents recorded as issued (`archive_prints`,
//! migration 0017), and the uploaded files each area keeps in `documents`, read together
//! and found by type, number, date, title or SHA-256, within the viewer's scope. Each area
//! that keeps files gives its own source (a `SELECT` of the columns below) beside its
//! tables; this module only unites them. See docs/adr/0024-archive.md.

use crate::db::{Arg, Q, q};
use crate::error::{Result, unique_violation};
use crate::students::programs::{iso, parse_iso};
use crate::{AuditActor, AuditEvent, Store, audit};
use domain::archive::{DocKind, Needle, Origin, Search, needle};
use domain::audit::Entity;
use domain::dates::{Millis, now_millis};
use domain::digest::sha256_hex;
use domain::units::UnitPath;
use serde::Serialize;
use serde_json::json;
use time::Date;

/// A printed document as the area describes it when it serves the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub kind: DocKind,
    pub number: Option<String>,
    pub date: Option<Date>,
    /// In Vietnamese, without any student's name (school staff and officials read it).
    pub title: String,
    /// The path that prints it again.
    pub link: String,
    /// The units whose scope sees it; none for province-level papers.
    pub units: [Option<i64>; 2],
}

/// One record of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveRecord {
    pub origin: Origin,
    pub kind: DocKind,
    pub number: Option<String>,
    pub date: Option<Date>,
    pub title: String,
    pub link: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    /// How many times it was printed (1 for an uploaded file).
    pub prints: i64,
    /// When it was first printed or uploaded.
    pub at: Millis,
}

/// A page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivePage {
    pub records: Vec<ArchiveRecord>,
    pub total: i64,
}

/// The printed documents, in the columns every source gives: origin, kind, number,
/// doc_date, title, link, unit_id, unit2_id, file_name, size, sha256, prints, at.
const PRINTED: &str =
    "SELECT 'printed' AS origin, kind, number, doc_date, title, link, unit_id, unit2_id,
        file_name, size, sha256, prints, first_at AS at FROM archive_prints";

/// Every source: the printed documents, then each area's kept files.
fn sources() -> [&'static str; 4] {
    [
        PRINTED,
        crate::procurement::ARCHIVE,
        crate::donations::ARCHIVE,
        crate::devices::appraisals::ARCHIVE,
    ]
}

type RecordRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
);

impl Store {
    /// Records a print of a document: the first print of these bytes with its audit
    /// entry, a later one by its count. Returns the bytes' SHA-256.
    pub async fn archive_print(
        &self,
        actor: &AuditActor,
        doc: &Issued,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<String> {
        let sha = sha256_hex(bytes);
        match self
            .archive_print_once(actor, doc, file_name, bytes, &sha)
            .await
        {
            // Two first prints at once: the second counts as a reprint.
            Err(crate::StoreError::Db(e)) if unique_violation(&e) == Some("archive_prints_key") => {
                self.archive_print_once(actor, doc, file_name, bytes, &sha)
                    .await?;
            }
            other => other?,
        }
        Ok(sha)
    }

    async fn archive_print_once(
        &self,
        actor: &AuditActor,
        doc: &Issued,
        file_name: &str,
        bytes: &[u8],
        sha: &str,
    ) -> Result<()> {
        let now = now_millis();
        let mut tx = self.pool().begin().await?;
        let again = q("UPDATE archive_prints SET prints = prints + 1, last_at = $1 WHERE link = $2 AND sha256 = $3")
            .bind(now)
            .bind(doc.link.clone())
            .bind(sha.to_string())
            .execute(&mut tx)
            .await?;
        if again == 0 {
            let id: i64 = q("INSERT INTO archive_prints (kind, number, doc_date, title, link, unit_id, unit2_id, file_name, size,
                                                   sha256, first_by, first_at, last_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id")
                .bind(doc.kind.code())
                .bind(doc.number.clone())
                .bind(doc.date.map(iso))
                .bind(doc.title.clone())
                .bind(doc.link.clone())
                .bind(doc.units[0])
                .bind(doc.units[1])
                .bind(file_name.to_string())
                .bind(bytes.len() as i64)
                .bind(sha.to_string())
                .bind(actor.name.clone())
                .bind(now)
                .scalar(&mut tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    entity: Entity::ArchivePrint,
                    entity_id: Some(id.to_string()),
                    action: "print",
                    summary: format!(
                        "In {}{}: {} (SHA-256 {})",
                        doc.kind.label(domain::Lang::Vi).to_lowercase(),
                        doc.number
                            .as_deref()
                            .map(|n| format!(" số {n}"))
                            .unwrap_or_default(),
                        doc.title,
                        &sha[..16]
                    ),
                    unit_id: doc.units[0].or(doc.units[1]),
                    changes: Some(json!({
                        "kind": doc.kind.code(), "number": doc.number, "date": doc.date.map(iso),
                        "link": doc.link, "file_name": file_name, "size": bytes.len(), "sha256": sha,
                    })),
                    personal: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The records `within` sees that match `search`, newest first, `limit` from `offset`.
    /// Province-level papers (no unit) are seen from the province's scope only.
    pub async fn archive_search(
        &self,
        within: &UnitPath,
        search: &Search,
        limit: i64,
        offset: i64,
    ) -> Result<ArchivePage> {
        let (lo, hi) = within.subtree_range();
        let province = within.depth() <= 1;
        let mut args: Vec<Arg> = vec![lo.into(), hi.into(), province.into()];
        let mut filter = String::from(
            " WHERE ((a.unit_id IS NULL AND a.unit2_id IS NULL AND $3)
                  OR (u1.path >= $1 AND u1.path < $2) OR (u2.path >= $1 AND u2.path < $2))",
        );
        fn push(args: &mut Vec<Arg>, sql: &mut String, clause: &str, v: Arg) {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        }
        match search.text.as_deref().and_then(needle) {
            Some(Needle::Digest(hex)) => {
                // The start of a digest, or part of a number made of such characters.
                args.push(format!("{hex}%").into());
                args.push(format!("%{hex}%").into());
                let n = args.len();
                filter.push_str(&format!(
                    " AND (a.sha256 LIKE ${} OR LOWER(COALESCE(a.number, '')) LIKE ${n})",
                    n - 1
                ));
            }
            Some(Needle::Words(w)) => {
                let pattern = format!("%{}%", crate::db::like_escape(&w.to_lowercase()));
                args.push(pattern.into());
                let n = args.len();
                filter.push_str(&format!(
                    " AND (LOWER(COALESCE(a.number, '')) LIKE ${n} ESCAPE '\\' OR LOWER(a.title) LIKE ${n} ESCAPE '\\'
                           OR LOWER(a.file_name) LIKE ${n} ESCAPE '\\')"
                ));
            }
            None => {}
        }
        if let Some(k) = search.kind {
            push(
                &mut args,
                &mut filter,
                " AND a.kind = ?",
                k.code().to_string().into(),
            );
        }
        // A record without a date of its own is dated by its upload or first print.
        let start_ms = |d: Date| -> i64 {
            d.midnight()
                .assume_offset(domain::dates::VIETNAM)
                .unix_timestamp()
                * 1000
        };
        if let Some(from) = search.from {
            args.push(iso(from).into());
            args.push(start_ms(from).into());
            let n = args.len();
            filter.push_str(&format!(
                " AND ((a.doc_date IS NOT NULL AND a.doc_date >= ${}) OR (a.doc_date IS NULL AND a.at >= ${n}))",
                n - 1
            ));
        }
        if let Some(to) = search.to {
            args.push(iso(to).into());
            args.push(start_ms(to.next_day().unwrap_or(to)).into());
            let n = args.len();
            filter.push_str(&format!(
                " AND ((a.doc_date IS NOT NULL AND a.doc_date <= ${}) OR (a.doc_date IS NULL AND a.at < ${n}))",
                n - 1
            ));
        }
        let union = sources().join(" UNION ALL ");
        let from = format!(
            "FROM ({union}) a LEFT JOIN units u1 ON u1.id = a.unit_id LEFT JOIN units u2 ON u2.id = a.unit2_id{filter}"
        );
        let mut count = Q::assembled(format!("SELECT CAST(COUNT(*) AS BIGINT) {from}"));
        for a in &args {
            count = count.bind(a.clone());
        }
        let total: i64 = count.scalar(self.pool()).await?;
        let sql = format!(
            "SELECT a.origin, a.kind, a.number, a.doc_date, a.title, a.link, a.file_name, a.size, a.sha256, a.prints, a.at
             {from} ORDER BY COALESCE(a.doc_date, '') DESC, a.at DESC, a.link LIMIT {} OFFSET {}",
            limit.clamp(1, 500),
            offset.max(0)
        );
        let mut query = Q::assembled(sql);
        for a in args {
            query = query.bind(a);
        }
        let rows: Vec<RecordRow> = query.fetch_all(self.pool()).await?;
        let records = rows
            .into_iter()
            .map(
                |(origin, kind, number, date, title, link, file_name, size, sha256, prints, at)| {
                    Ok(ArchiveRecord {
                        origin: Origin::parse(&origin).ok_or_else(|| {
                            crate::StoreError::corrupt("archive", "origin", origin)
                        })?,
                        kind: DocKind::parse(&kind)
                            .ok_or_else(|| crate::StoreError::corrupt("archive", "kind", kind))?,
                        number,
                        date: date
                            .map(|d| parse_iso(&d, "archive", "doc_date"))
                            .transpose()?,
                        title,
                        link,
                        file_name,
                        size,
                        sha256,
                        prints,
                        at,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok(ArchivePage { records, total })
    }
}
