//! A student's result in plain words, for their page and the command line.

use crate::Lang;

/// What a student's explanation needs besides their line: names, not ids.
pub struct Explain<'a> {
    pub rule: &'a str,
    /// The device's serial and kind in words, when one was allocated.
    pub device: Option<(&'a str, &'a str)>,
    /// The tier's code (`i`, `ii`, `iii`).
    pub tier: &'a str,
    pub unit: &'a str,
    pub other_kind: bool,
    pub queue_position: Option<i64>,
    pub devices_short: Option<i64>,
    /// The run is executed (devices reserved) rather than a draft or approved.
    pub executed: bool,
}

/// Why a student has a device or waits, in plain words.
pub fn explain(e: &Explain, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let held = if e.executed {
        lang.pick("đã được giữ", "is reserved")
    } else {
        lang.pick(
            "sẽ được giữ khi lượt phân bổ được thực hiện",
            "will be reserved once the run is executed",
        )
    };
    match e.device {
        Some((serial, kind)) => {
            let why = match e.rule {
                "earmark" => lang.pick(
                    "theo mong muốn của nhà tài trợ dành cho đơn vị hoặc đối tượng của em",
                    "as its donor earmarked it for the student's unit or tier",
                ),
                "whole_tier" => lang.pick(
                    "vì đủ máy cho mọi học sinh cùng diện ưu tiên đang chờ",
                    "because there were devices for every waiting student of the tier",
                ),
                _ => lang.pick(
                    "trong phần máy chia cho đơn vị theo tỉ lệ số học sinh cùng diện",
                    "within the unit's share of the tier, in proportion to its demand",
                ),
            };
            let other = if e.other_kind {
                lang.pick(
                    " (không còn loại máy dành cho cấp học của trường nên nhận loại khác)",
                    " (no device of the kind for the school's level was left, so another kind)",
                )
            } else {
                ""
            };
            if vi {
                format!("Được phân bổ {kind} số sê-ri {serial} {why}{other}; máy {held}.")
            } else {
                format!("Allocated a {kind}, serial {serial}, {why}{other}; the device {held}.")
            }
        }
        None => {
            let k = e.queue_position.unwrap_or(0);
            let n = e.devices_short.unwrap_or(0);
            if vi {
                format!(
                    "Đang chờ: đứng thứ {k} trong hàng chờ diện ({}) của {}; đơn vị cần thêm {n} máy nữa thì đến lượt em.",
                    e.tier, e.unit
                )
            } else {
                format!(
                    "Waiting: number {k} in the queue of tier ({}) in {}; the unit needs {n} more devices before the student's turn.",
                    e.tier, e.unit
                )
            }
        }
    }
}
