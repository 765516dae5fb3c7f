//! The audit area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_audit: "Nhật ký", "Audit trail";

    audit_title: "Nhật ký thay đổi", "Audit trail";
    audit_intro: "Mọi thay đổi được ghi lại, nối với nhau bằng mã băm SHA-256: sửa hay xóa một mục sẽ làm chuỗi không còn khớp.", "Every change is recorded and chained by SHA-256: editing or deleting an entry breaks the chain.";
    chain_ok: "Chuỗi nhật ký toàn vẹn", "The audit chain is intact";
    chain_broken: "Chuỗi nhật ký KHÔNG toàn vẹn", "The audit chain is NOT intact";
    entries_checked: "Số mục đã kiểm tra", "Entries checked";
    erased_personal: "Mục đã xóa dữ liệu cá nhân theo thời hạn lưu trữ", "Entries whose personal data was erased by retention";
    triggers_missing: "Bảo vệ chỉ-ghi-thêm của cơ sở dữ liệu đã bị gỡ:", "The database's append-only protection was removed:";
    when: "Thời gian", "When";
    who: "Người thực hiện", "Who";
    entity: "Đối tượng", "Object";
    action: "Thao tác", "Action";
    older: "Cũ hơn", "Older";
    who_filter: "Người thực hiện (tên đăng nhập hoặc họ tên)", "Who (username or full name)";
    since: "Từ ngày", "From";
    until: "Đến ngày", "To";
    with_sessions: "Gồm cả đăng nhập, đăng xuất", "Include logins and logouts";
    bad_date: "Ngày cần có dạng dd/mm/yyyy", "Dates read dd/mm/yyyy";
}
