//! The dedup area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    dedup_groups_waiting: "Nhóm có thể trùng lặp chờ quyết định", "Possible duplicate groups waiting for a decision";
    dedup_help: "Hệ thống so sánh học sinh toàn tỉnh: cùng mã định danh, hoặc cùng một người dưới mã khác (họ tên không dấu, sai một chữ hay đảo tên đệm, cùng ngày sinh, cùng xã hoặc cùng tên cha mẹ). Mỗi nhóm cần một người quyết định; quyết định được ghi vào nhật ký và không bị hỏi lại.", "The system compares students across the province: the same student id, or one child under another id (names without accents, one-letter typos or swapped middle names, the same birth date, the same commune or parent). Each group needs a person's decision; it is audited and never asked again.";
    dedup_run: "Rà soát lại toàn tỉnh", "Run the province-wide check again";
    dedup_running: "Đang rà soát trùng lặp; tải lại trang sau ít phút.", "The check is running; reload the page in a few minutes.";
    dedup_started: "Đã bắt đầu rà soát trùng lặp.", "The duplicate check has started.";
    dedup_decided: "Đã ghi quyết định.", "The decision was recorded.";
    dedup_groups: "Nhóm cần quyết định", "Groups to decide";
    dedup_none: "Không có nhóm nào cần quyết định.", "Nothing to decide.";
    dedup_score: "Mức độ giống nhau", "How alike";
    dedup_keep: "Giữ hồ sơ này", "Keep this record";
    dedup_same: "Cùng một học sinh: giữ hồ sơ đã chọn, rút các hồ sơ còn lại", "One child: keep the chosen record, withdraw the others";
    dedup_different: "Là các học sinh khác nhau", "Different children";
    dedup_elsewhere: "Hồ sơ ngoài phạm vi của bạn, tại", "Records outside your scope, at";
    dedup_not_yours: "Nhóm có hồ sơ ngoài phạm vi của bạn: Sở GD&ĐT quyết định.", "The group has records outside your scope: the Department decides.";
}
