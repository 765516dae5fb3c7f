//! What the devices' forms offer other areas too: the device models for a select, and
//! serials as pasted or scanned.

use crate::error::AppResult;
use crate::state::AppState;
use domain::Lang;
use domain::donations::ItemSerial;

pub struct ModelOption {
    pub id: String,
    pub name: String,
}

/// Every device model for a select: "Samsung Galaxy Tab A8 (Máy tính bảng)".
pub async fn model_options(state: &AppState, lang: Lang) -> AppResult<Vec<ModelOption>> {
    Ok(state
        .store
        .device_models()
        .await?
        .into_iter()
        .map(|m| ModelOption {
            id: m.id.to_string(),
            name: format!(
                "{} {} ({})",
                m.model.brand,
                m.model.model,
                m.model.kind.map(|k| k.label(lang)).unwrap_or_default()
            ),
        })
        .collect())
}

/// Serials as pasted from a spreadsheet or typed by a scanner: one device per line, the
/// IMEI after a tab, a comma or a semicolon.
pub fn parse_serial_lines(text: &str) -> Vec<ItemSerial> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(2, ['\t', ',', ';']);
            let serial = parts.next().unwrap_or("").trim().to_string();
            let imei = parts
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            ItemSerial { serial, imei }
        })
        .collect()
}
