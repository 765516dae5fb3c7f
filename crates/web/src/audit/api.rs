//! The audit trail in the JSON API: a check of the whole chain.

use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use domain::Lang;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(audit_verify), components(schemas(AuditVerifyOut)), tags((name = "audit", description = "Nhật ký / audit trail")))]
pub struct Api;

#[derive(Serialize, ToSchema)]
pub struct AuditVerifyOut {
    pub ok: bool,
    pub entries_checked: u64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry that does not match, when the chain is broken.
    pub broken_at: Option<i64>,
    pub problem_code: Option<String>,
    pub problem: Option<String>,
    pub missing_triggers: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerifyOut), (status = 403, body = ErrorBody)))]
pub async fn audit_verify(State(state): State<AppState>) -> AppResult<Json<AuditVerifyOut>> {
    let v = state.store.verify_audit(|_, _| {}).await?;
    let (head_seq, head_hash) = state.store.audit_head().await?;
    let err = v.chain.as_ref().err();
    Ok(Json(AuditVerifyOut {
        ok: v.ok(),
        entries_checked: v.checked,
        head_seq,
        head_hash,
        broken_at: err.map(|b| b.seq()),
        problem_code: err.map(|b| b.code().to_string()),
        problem: err.map(|b| b.message(Lang::Vi)),
        missing_triggers: v.missing_triggers.iter().map(|s| s.to_string()).collect(),
    }))
}
