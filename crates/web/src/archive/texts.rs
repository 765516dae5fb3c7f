//! The archive's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_archive: "Lưu trữ hồ sơ", "Archive";
    how_it_works: "Lưu trữ thế nào", "How it works";
    archive_help: "Mọi văn bản của chương trình — quyết định, kế hoạch, hợp đồng, hóa đơn, biên bản, giấy xác nhận, báo cáo — dù tải lên hay in từ hệ thống, đều được lưu kèm loại, số, ngày và mã SHA-256. Tìm theo số, tên hoặc mã SHA-256 (từ 8 ký tự đầu); để đối chiếu một bản giấy, tính SHA-256 của tệp và tìm ở đây. Mỗi lần in khác nội dung (chẳng hạn biên bản in lại sau khi ký) là một dòng riêng.", "Every paper of the programme — decisions, plans, contracts, invoices, minutes, acknowledgements, reports — uploaded or printed by the system, is kept with its type, number, date and SHA-256. Search by number, title or SHA-256 (its first 8 characters or more); to check a copy, compute the file's SHA-256 and search for it here. Each print with different content (minutes printed again after signing, say) is a line of its own.";
    search: "Số, tên văn bản hoặc mã SHA-256", "Number, title or SHA-256";
    kind: "Loại văn bản", "Type";
    all_kinds: "Tất cả các loại", "All types";
    from: "Từ ngày", "From";
    to: "Đến ngày", "To";
    find: "Tìm", "Search";
    bad_date: "Ngày phải viết theo dạng dd/mm/yyyy.", "Dates are written dd/mm/yyyy.";
    found: "Tìm thấy", "Found";
    records: "văn bản", "documents";
    none: "Không có văn bản nào khớp.", "No document matches.";
    number: "Số", "Number";
    date: "Ngày", "Date";
    title: "Nội dung", "Title";
    sha256: "SHA-256", "SHA-256";
    open: "Mở", "Open";
    file: "Tệp", "File";
    printed_times: "Số lần in", "Times printed";
    older: "Trang sau", "Next page";
    newer: "Trang trước", "Previous page";
}
