//! The demo's survey: the 2022 programme, its tiers and an open round.

use anyhow::Result;
use store::{AuditActor, Store};

/// The 2022 Đắk Nông programme (Kế hoạch 56/KH-UBND, 26/01/2022), its three tiers and an
/// open first survey round.
pub async fn seed_program(store: &Store, actor: &AuditActor) -> Result<(i64, i64)> {
    let program = domain::students::programs::ProgramSpec::of_2022().check()?;
    Ok(store.create_program_from(actor, &program).await?)
}
