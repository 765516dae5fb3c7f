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

/// One side of a student's change between two runs: the rule that decided, and their
/// place in the queue when they wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Side<'a> {
    pub rule: &'a str,
    pub served: bool,
    pub queue_position: Option<i64>,
}

fn rule_words(rule: &str, lang: Lang) -> &'static str {
    match rule {
        "earmark" => lang.pick("máy nhà tài trợ dành riêng", "a device its donor earmarked"),
        "whole_tier" => lang.pick("đủ máy cho cả diện", "enough devices for the whole tier"),
        _ => lang.pick(
            "phần máy chia cho đơn vị theo tỉ lệ",
            "the unit's proportional share",
        ),
    }
}

/// Why a student's result differs between an earlier run (`before`) and this one
/// (`after`), in plain words: gained a device, lost one, newly listed, no longer listed.
/// `None` when nothing changed for them.
pub fn change(before: Option<Side>, after: Option<Side>, lang: Lang) -> Option<String> {
    let vi = lang == Lang::Vi;
    let pos = |s: &Side| {
        s.queue_position
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into())
    };
    Some(match (before, after) {
        (Some(b), Some(a)) if b.served == a.served => return None,
        (Some(b), Some(a)) if a.served => {
            if vi {
                format!(
                    "Được nhận máy ({}); lượt trước chờ ở vị trí {}.",
                    rule_words(a.rule, lang),
                    pos(&b)
                )
            } else {
                format!(
                    "Now served ({}); waited at position {} in the earlier run.",
                    rule_words(a.rule, lang),
                    pos(&b)
                )
            }
        }
        (Some(b), Some(a)) => {
            if vi {
                format!(
                    "Nay chờ ở vị trí {} (ít máy hơn hoặc thứ tự trong đơn vị thay đổi); lượt trước được nhận ({}).",
                    pos(&a),
                    rule_words(b.rule, lang)
                )
            } else {
                format!(
                    "Now waits at position {} (fewer devices, or the order in the unit changed); served in the earlier run ({}).",
                    pos(&a),
                    rule_words(b.rule, lang)
                )
            }
        }
        (None, Some(a)) if a.served => lang
            .pick(
                "Mới có trong lượt này và được nhận máy.",
                "New in this run, and served.",
            )
            .to_string(),
        (None, Some(a)) => {
            if vi {
                format!("Mới có trong lượt này, chờ ở vị trí {}.", pos(&a))
            } else {
                format!("New in this run, waiting at position {}.", pos(&a))
            }
        }
        (Some(b), None) if b.served => lang
            .pick(
                "Không còn trong lượt này (đã nhận máy, rút khỏi danh sách hoặc danh sách thay đổi); lượt trước được nhận máy.",
                "No longer in this run (served, taken off the list, or the list changed); served in the earlier run.",
            )
            .to_string(),
        (Some(_), None) => lang
            .pick(
                "Không còn trong lượt này (đã nhận máy, rút khỏi danh sách hoặc danh sách thay đổi).",
                "No longer in this run (served, taken off the list, or the list changed).",
            )
            .to_string(),
        (None, None) => return None,
    })
}

#[cfg(test)]
mod change_tests {
    use super::*;

    fn side(rule: &str, served: bool, q: Option<i64>) -> Option<Side<'_>> {
        Some(Side {
            rule,
            served,
            queue_position: q,
        })
    }

    #[test]
    fn gains_losses_and_new_names_are_said() {
        let waiting = side("waiting", false, Some(3));
        let quota = side("quota", true, None);
        assert_eq!(change(waiting, waiting, Lang::Vi), None);
        assert_eq!(change(quota, quota, Lang::Vi), None);
        assert_eq!(
            change(waiting, quota, Lang::Vi).unwrap(),
            "Được nhận máy (phần máy chia cho đơn vị theo tỉ lệ); lượt trước chờ ở vị trí 3."
        );
        assert!(
            change(quota, waiting, Lang::Vi)
                .unwrap()
                .starts_with("Nay chờ ở vị trí 3")
        );
        assert!(
            change(None, quota, Lang::En)
                .unwrap()
                .starts_with("New in this run")
        );
        assert!(
            change(quota, None, Lang::Vi)
                .unwrap()
                .contains("lượt trước được nhận máy")
        );
        assert_eq!(change(None, None, Lang::Vi), None);
    }
}
