//! One way to run a query on either engine.
//!
//! Every query is written once, in the SQL both SQLite and PostgreSQL speak (`$1`
//! placeholders, `RETURNING`, `ON CONFLICT`), bound with a small set of value types, and
//! run on whichever pool the store was opened with. Rows decode through `sqlx::FromRow`
//! for both engines. Engine-specific code (backup, bulk load, catalog queries) matches
//! on [`Pool`] or [`Tx`] directly. See docs/adr/0002-one-query-two-engines.md.

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, AssertSqlSafe, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::borrow::Cow;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    pub fn engine(&self) -> Engine {
        match self {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads then writes never fails half-way
    /// because another writer committed in between.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.begin_sqlite_with("BEGIN IMMEDIATE").await
    }

    /// [`Pool::begin`] for a transaction that writes many rows. On SQLite, statements
    /// keep their journal (the pages they change, to undo themselves) in memory rather
    /// than in a temporary file, and the connection may cache 128 MiB of pages instead of
    /// 32 MiB, so that the indexes of a large list are not spilled and read back
    /// (1,000,000 rows: 16.4 s → 13.0 s; 256 MiB was slower again). Both settings hold
    /// for the connection until [`Tx::end_bulk`].
    pub async fn begin_bulk(&self) -> Result<Tx, sqlx::Error> {
        self.begin_sqlite_with(
            "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072; BEGIN IMMEDIATE",
        )
        .await
    }

    async fn begin_sqlite_with(&self, begin: &'static str) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with(begin).await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// A write transaction on either engine. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Puts back what [`Pool::begin_bulk`] changed, for the connection's next
    /// transactions.
    pub async fn end_bulk(&mut self) -> Result<(), sqlx::Error> {
        if let Tx::Sqlite(t) = self {
            sqlx::raw_sql("PRAGMA temp_store = DEFAULT; PRAGMA cache_size = -32768")
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// After a bulk write of `written` rows into `table`, gives PostgreSQL's planner the
    /// table's true size before the set-based statements that follow in the same
    /// transaction. Without it, a table whose statistics say "no live rows" (a large
    /// import rolled back, then analysed by autovacuum) is planned as one row, and a
    /// self-join over the rows just written turns into a nested loop: 40,000 rows took
    /// 9 min 41 s instead of 4.6 s (docs/RELIABILITY.md). `ANALYZE` counts the
    /// transaction's own rows and reads a fixed sample; it holds the table's
    /// share-update-exclusive lock to the end of the transaction, which orders two imports
    /// into the same table the way the audit chain's head already does. It runs only when
    /// the write is large beside what the statistics know (500 rows or more, and more than
    /// a fifth of the table), so a school's list of twenty in a province does not pay for
    /// it. SQLite plans without row counts: nothing to do there.
    pub async fn refresh_statistics(
        &mut self,
        table: Table,
        written: u64,
    ) -> Result<(), sqlx::Error> {
        if let Tx::Postgres(t) = self {
            if written < 500 {
                return Ok(());
            }
            let known: f64 = sqlx::query_scalar(table.size_known())
                .fetch_one(&mut **t)
                .await?;
            if (written as f64) > known / 5.0 {
                sqlx::raw_sql(table.analyze()).execute(&mut **t).await?;
            }
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

/// A table that bulk writes fill, named for [`Tx::refresh_statistics`] (a closed list, so
/// that no name from outside reaches the statement).
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Students,
    Households,
}

impl Table {
    fn analyze(self) -> &'static str {
        match self {
            Table::Students => "ANALYZE students",
            Table::Households => "ANALYZE households",
        }
    }

    /// The rows PostgreSQL's statistics say the table has (0 when never analysed).
    fn size_known(self) -> &'static str {
        match self {
            Table::Students => {
                "SELECT GREATEST(reltuples, 0)::FLOAT8 FROM pg_class WHERE oid = 'students'::regclass"
            }
            Table::Households => {
                "SELECT GREATEST(reltuples, 0)::FLOAT8 FROM pg_class WHERE oid = 'households'::regclass"
            }
        }
    }
}

/// Where a query runs: on the pool (one statement, autocommit) or inside a transaction.
pub enum Ex<'a> {
    Pool(&'a Pool),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Pool> for Ex<'a> {
    fn from(p: &'a Pool) -> Self {
        Ex::Pool(p)
    }
}

impl<'a> From<&'a mut Tx> for Ex<'a> {
    fn from(t: &'a mut Tx) -> Self {
        Ex::Tx(t)
    }
}

/// A bound value. Nulls are typed, because PostgreSQL needs the type of every parameter.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Str(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::I64(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<Option<bool>> for Arg {
    fn from(v: Option<bool>) -> Self {
        Arg::Bool(v)
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Str(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Str(Some(v.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Str(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Str(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Str(v.map(str::to_string))
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}

impl From<Option<Vec<u8>>> for Arg {
    fn from(v: Option<Vec<u8>>) -> Self {
        Arg::Bytes(v)
    }
}

/// Rows that decode on both engines.
pub trait DbRow:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> DbRow for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// Single values that decode on both engines.
pub trait DbScalar:
    sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Postgres>
    + for<'r> sqlx::Decode<'r, Postgres>
    + Send
    + Unpin
{
}
impl<T> DbScalar for T where
    T: sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Postgres>
        + for<'r> sqlx::Decode<'r, Postgres>
        + Send
        + Unpin
{
}

/// A query and its arguments, not yet bound to an engine.
#[must_use]
pub struct Q {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

/// A query written as a constant.
pub fn q(sql: &'static str) -> Q {
    Q {
        sql: Cow::Borrowed(sql),
        args: Vec::new(),
    }
}

/// The statement for SQLite: `$n` placeholders become anonymous `?`, with the arguments
/// laid out in the order they appear (repeated when a placeholder is). SQLite looks up a
/// named parameter by walking a list, so binding thousands of `$n` in one statement (a
/// batch insert) costs their square; anonymous ones are bound by position.
fn for_sqlite(sql: &str, args: Vec<Arg>) -> Result<(String, SqliteArguments), sqlx::Error> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut order: Vec<usize> = Vec::new();
    let mut in_quote = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' {
            in_quote = !in_quote;
        } else if b == b'$' && !in_quote {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                let n: usize = sql[start..end].parse().unwrap_or(0);
                out.push_str(&sql[copied..i]);
                out.push('?');
                order.push(n);
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    // Each argument once, in order (every batch insert): moved, not copied.
    if order.len() == args.len() && order.iter().enumerate().all(|(i, &n)| n == i + 1) {
        return Ok((out, sqlite_args(args)?));
    }
    let mut laid_out = Vec::with_capacity(order.len());
    for n in order {
        let a = args.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
            sqlx::Error::Protocol(format!("placeholder ${n} without an argument"))
        })?;
        laid_out.push(a);
    }
    Ok((out, sqlite_args(laid_out)?))
}

fn sqlite_args(args: Vec<Arg>) -> Result<SqliteArguments, sqlx::Error> {
    let mut out = SqliteArguments::default();
    for a in args {
        let r = match a {
            Arg::I64(v) => out.add(v),
            Arg::Str(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Bytes(v) => out.add(v),
        };
        r.map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

fn pg_args(args: Vec<Arg>) -> Result<PgArguments, sqlx::Error> {
    let mut out = PgArguments::default();
    for a in args {
        let r = match a {
            Arg::I64(v) => out.add(v),
            Arg::Str(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Bytes(v) => out.add(v),
        };
        r.map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

impl Q {
    /// A query assembled at run time. Only for SQL built from constant fragments and
    /// placeholders (a variable number of rows or `IN` items), never from input.
    pub fn assembled(sql: String) -> Q {
        Q {
            sql: Cow::Owned(sql),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, v: impl Into<Arg>) -> Q {
        self.args.push(v.into());
        self
    }

    /// Runs a statement; the number of rows it changed.
    pub async fn execute<'a>(self, ex: impl Into<Ex<'a>>) -> Result<u64, sqlx::Error> {
        let sql = self.sql.into_owned();
        Ok(match ex.into() {
            Ex::Pool(Pool::Sqlite(p)) => {
                let (sql, args) = for_sqlite(&sql, self.args)?;
                sqlx::query_with(AssertSqlSafe(sql), args)
            }
            .execute(p)
            .await?
            .rows_affected(),
            Ex::Pool(Pool::Postgres(p)) => {
                sqlx::query_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .execute(p)
                    .await?
                    .rows_affected()
            }
            Ex::Tx(Tx::Sqlite(t)) => {
                let (sql, args) = for_sqlite(&sql, self.args)?;
                sqlx::query_with(AssertSqlSafe(sql), args)
            }
            .execute(&mut **t)
            .await?
            .rows_affected(),
            Ex::Tx(Tx::Postgres(t)) => sqlx::query_with(AssertSqlSafe(sql), pg_args(self.args)?)
                .execute(&mut **t)
                .await?
                .rows_affected(),
        })
    }

    pub async fn fetch_all<'a, T: DbRow>(
        self,
        ex: impl Into<Ex<'a>>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let sql = self.sql.into_owned();
        match ex.into() {
            Ex::Pool(Pool::Sqlite(p)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_as_with(AssertSqlSafe(sql), args)
                }
                .fetch_all(p)
                .await
            }
            Ex::Pool(Pool::Postgres(p)) => {
                sqlx::query_as_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_all(p)
                    .await
            }
            Ex::Tx(Tx::Sqlite(t)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_as_with(AssertSqlSafe(sql), args)
                }
                .fetch_all(&mut **t)
                .await
            }
            Ex::Tx(Tx::Postgres(t)) => {
                sqlx::query_as_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_all(&mut **t)
                    .await
            }
        }
    }

    pub async fn fetch_optional<'a, T: DbRow>(
        self,
        ex: impl Into<Ex<'a>>,
    ) -> Result<Option<T>, sqlx::Error> {
        let sql = self.sql.into_owned();
        match ex.into() {
            Ex::Pool(Pool::Sqlite(p)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_as_with(AssertSqlSafe(sql), args)
                }
                .fetch_optional(p)
                .await
            }
            Ex::Pool(Pool::Postgres(p)) => {
                sqlx::query_as_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_optional(p)
                    .await
            }
            Ex::Tx(Tx::Sqlite(t)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_as_with(AssertSqlSafe(sql), args)
                }
                .fetch_optional(&mut **t)
                .await
            }
            Ex::Tx(Tx::Postgres(t)) => {
                sqlx::query_as_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_optional(&mut **t)
                    .await
            }
        }
    }

    pub async fn fetch_one<'a, T: DbRow>(self, ex: impl Into<Ex<'a>>) -> Result<T, sqlx::Error> {
        self.fetch_optional(ex)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of the only row.
    pub async fn scalar<'a, T: DbScalar>(self, ex: impl Into<Ex<'a>>) -> Result<T, sqlx::Error> {
        self.scalar_optional(ex)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn scalar_optional<'a, T: DbScalar>(
        self,
        ex: impl Into<Ex<'a>>,
    ) -> Result<Option<T>, sqlx::Error> {
        let sql = self.sql.into_owned();
        match ex.into() {
            Ex::Pool(Pool::Sqlite(p)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_scalar_with(AssertSqlSafe(sql), args)
                }
                .fetch_optional(p)
                .await
            }
            Ex::Pool(Pool::Postgres(p)) => {
                sqlx::query_scalar_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_optional(p)
                    .await
            }
            Ex::Tx(Tx::Sqlite(t)) => {
                {
                    let (sql, args) = for_sqlite(&sql, self.args)?;
                    sqlx::query_scalar_with(AssertSqlSafe(sql), args)
                }
                .fetch_optional(&mut **t)
                .await
            }
            Ex::Tx(Tx::Postgres(t)) => {
                sqlx::query_scalar_with(AssertSqlSafe(sql), pg_args(self.args)?)
                    .fetch_optional(&mut **t)
                    .await
            }
        }
    }
}

/// `$1, $2, …, $n` starting after `offset` placeholders, for `IN (…)` lists.
pub fn placeholders(offset: usize, n: usize) -> String {
    (offset + 1..=offset + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $cols), ($cols+1, …), …`: the VALUES of a multi-row insert of `rows` rows.
pub fn value_rows(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        out.push_str(&placeholders(r * cols, cols));
        out.push(')');
    }
    out
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_placeholders_become_positional() {
        let (sql, args) = for_sqlite(
            "SELECT 1 WHERE ($2 IS NULL OR a = $2) AND b = $1 AND c = '$3'",
            vec![Arg::I64(Some(1)), Arg::Str(Some("x".into()))],
        )
        .unwrap();
        assert_eq!(
            sql,
            "SELECT 1 WHERE (? IS NULL OR a = ?) AND b = ? AND c = '$3'"
        );
        assert_eq!(sqlx::Arguments::len(&args), 3);
        assert!(for_sqlite("SELECT $2", vec![Arg::I64(Some(1))]).is_err());
    }
}

/// One page of a listing, with the total it is a page of.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}
