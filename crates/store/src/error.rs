//! The store's one error type, and the one place database errors are mapped to the
//! domain errors that explain them.

use domain::DomainError;
pub use domain::RowIssue;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule of the program refused the change; nothing was written.
    #[error("{0}")]
    Domain(#[from] DomainError),
    /// An import file had problems; each names its row. Nothing was written.
    #[error("{} dòng có lỗi", .0.len())]
    Rows(Vec<RowIssue>),
    /// The database is busy with other writers (SQLite's write lock held past the wait,
    /// PostgreSQL's lock or pool timeouts): nothing was written; try again shortly.
    #[error("the database is busy")]
    Busy,
    #[error("database error")]
    Db(#[source] sqlx::Error),
    /// From the SQLite bulk writer (`bulk`), which calls SQLite directly.
    #[error("database error")]
    Sqlite(#[source] rusqlite::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value the code does not understand (a hand-edited row, say).
    #[error("corrupt stored value in {table}.{column}: {value}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        value: String,
    },
    #[error("{0}")]
    Unsupported(String),
    /// An import's rows stopped before the end of the file (its reader failed); nothing
    /// was written.
    #[error("the import's rows stopped before the end of the file")]
    Incomplete,
    #[error("i/o error")]
    Io(#[from] std::io::Error),
    #[error("password hashing failed")]
    Hash,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Unique constraints and the domain error each one means. The name is the PostgreSQL
/// constraint; SQLite reports the columns instead (`UNIQUE constraint failed: t.c`).
const UNIQUE: &[(&str, &str)] = &[
    ("units_code_key", "units.code"),
    ("users_username_key", "users.username"),
    ("api_keys_key_hash_key", "api_keys.key_hash"),
    ("device_models_brand_model_key", "device_models.brand"),
    ("devices_serial_key", "devices.serial"),
    ("devices_imei_key", "devices.imei"),
    ("donations_minutes_no_key", "donations.minutes_no"),
    (
        "allocation_runs_decision_no_key",
        "allocation_runs.decision_no",
    ),
    ("handovers_number_key", "handovers.year"),
    ("handover_items_one_open", "handover_items.device_id"),
    ("ledger_entries_key", "ledger_entries.idem_key"),
    ("cash_gifts_pledge_code_key", "cash_gifts.pledge_code"),
    ("bank_statements_sha256_key", "bank_statements.sha256"),
    ("statement_lines_key", "statement_lines.line_key"),
    (
        "cash_gifts_verification_code_key",
        "cash_gifts.verification_code",
    ),
    ("ledger_entries_one_release", "ledger_entries.pending_id"),
    ("procurement_packages_code_key", "procurement_packages.code"),
    (
        "procurement_packages_plan_key",
        "procurement_packages.plan_no",
    ),
    (
        "procurement_packages_notice_key",
        "procurement_packages.notice_no",
    ),
    ("procurement_bids_bidder_key", "procurement_bids.package_id"),
    (
        "procurement_contracts_package_key",
        "procurement_contracts.package_id",
    ),
    (
        "procurement_contracts_number_key",
        "procurement_contracts.number",
    ),
    (
        "procurement_deliveries_no_key",
        "procurement_deliveries.contract_id",
    ),
    (
        "procurement_acceptances_delivery_key",
        "procurement_acceptances.delivery_id",
    ),
    (
        "procurement_acceptances_minutes_key",
        "procurement_acceptances.contract_id",
    ),
    (
        "procurement_invoices_supplier_key",
        "procurement_invoices.tax_code",
    ),
    (
        "procurement_payments_one_waiting",
        "procurement_payments.contract_id",
    ),
    (
        "procurement_thresholds_key",
        "procurement_thresholds.method",
    ),
    ("ledger_entries_one_reversal", "ledger_entries.reverses_id"),
    ("repair_tickets_one_open", "repair_tickets.device_id"),
    ("student_sims_phone_key", "student_sims.phone"),
    ("learning_platforms_url_key", "learning_platforms.url"),
];

/// Which of [`UNIQUE`]'s constraints an error violated, if any.
pub fn unique_violation(e: &sqlx::Error) -> Option<&'static str> {
    let db = e.as_database_error()?;
    if db.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    let msg = db.message();
    UNIQUE
        .iter()
        .find(|(pg, sqlite)| db.constraint() == Some(*pg) || msg.contains(sqlite))
        .map(|(pg, _)| *pg)
}

/// Whether an error says the database was busy rather than wrong: SQLite's BUSY and
/// LOCKED (and their extended codes), PostgreSQL's lock-not-available, serialization and
/// deadlock failures, and a pool with no connection free in time.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            let sqlite = code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
            sqlite || matches!(code, "55P03" | "40001" | "40P01")
        }
        _ => false,
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<domain::signal::SignalError> for StoreError {
    fn from(e: domain::signal::SignalError) -> Self {
        StoreError::Domain(e.into())
    }
}

impl From<domain::aftercare::AftercareError> for StoreError {
    fn from(e: domain::aftercare::AftercareError) -> Self {
        StoreError::Domain(e.into())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::Domain(DomainError::NotFound),
            e if is_busy(&e) => StoreError::Busy,
            e => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// Maps a unique violation of `constraint` to `err`, anything else as usual.
    pub fn on_unique(
        e: sqlx::Error,
        constraint: &str,
        err: impl FnOnce() -> DomainError,
    ) -> StoreError {
        if unique_violation(&e) == Some(constraint) {
            StoreError::Domain(err())
        } else {
            e.into()
        }
    }

    pub fn corrupt(
        table: &'static str,
        column: &'static str,
        value: impl Into<String>,
    ) -> StoreError {
        StoreError::Corrupt {
            table,
            column,
            value: value.into(),
        }
    }
}
