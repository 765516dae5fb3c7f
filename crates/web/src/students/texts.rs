//! The students area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_students: "Học sinh", "Students";
    round: "Đợt khảo sát", "Survey round";
    list_status: "Trạng thái danh sách", "List status";
    total_students: "Tổng số học sinh", "Students in total";
    by_school: "Theo trường", "By school";
    gender: "Giới tính", "Gender";
    village: "Thôn, bon, buôn", "Village";
    certificate_no: "Số giấy chứng nhận", "Certificate no.";
    flags: "Cảnh báo", "Flags";
    submitted_by: "Gửi bởi", "Submitted by";
    decided_by: "Duyệt/trả bởi", "Decided by";
    board_by: "Ban điều phối duyệt bởi", "Board approval by";
    import_file: "Nhập từ tệp Excel", "Import from a spreadsheet";
    add_student: "Thêm học sinh", "Add a student";
    export_xlsx: "Tải về Excel", "Download as Excel";
    submit_list: "Gửi danh sách lên Phòng/Sở duyệt", "Submit the list for approval";
    approve_list: "Phê duyệt danh sách", "Approve the list";
    return_rows: "Trả lại các dòng đã ghi lý do", "Return the rows with reasons";
    return_reason: "Lý do trả lại", "Reason for returning";
    reopen_list: "Mở lại danh sách", "Reopen the list";
    reopen_reason: "Lý do mở lại", "Reason for reopening";
    board_approve_all: "Phê duyệt tất cả danh sách Phòng/Sở đã duyệt", "Approve every list the offices approved";
    list_saved: "Đã cập nhật danh sách.", "The list was updated.";
    import_title: "Nhập danh sách học sinh từ tệp", "Import a list of students";
    import_help: "Chọn tệp .xlsx, .xls, .ods hoặc .csv như trường vẫn lập (có dòng tiêu đề, có thể có dòng tên trường, dòng số thứ tự cột, dòng ký tên). Hệ thống đọc thử và cho xem trước; chỉ ghi khi bạn xác nhận.", "Pick the .xlsx, .xls, .ods or .csv file the school made (with a header row; title, column-number and signature rows are fine). The system reads it and shows a preview; nothing is written until you confirm.";
    file: "Tệp", "File";
    data_rows: "Dòng học sinh", "Student rows";
    accepted_rows: "Hợp lệ, sẽ được nhập", "Valid, will be imported";
    skipped_rows: "Dòng khác bỏ qua", "Other rows skipped";
    imported_done: "Đã nhập danh sách.", "The list was imported.";
    ethnicity: "Dân tộc", "Ethnicity";
    male: "Nam", "Male";
    female: "Nữ", "Female";
    edit_student: "Sửa thông tin học sinh", "Edit a student";
    student_saved: "Đã lưu thông tin học sinh.", "The student was saved.";
    flag_resolved: "Đã xử lý cảnh báo; lý do được ghi vào nhật ký.", "The flag was resolved; the reason is in the audit trail.";
    evidence_saved: "Đã lưu tệp minh chứng.", "The evidence file was saved.";
    evidence: "Minh chứng", "Evidence";
    evidence_needed: "Cần có", "Needed";
    no_evidence: "Chưa có tệp minh chứng.", "No evidence yet.";
    upload_evidence: "Thêm ảnh chụp hoặc tệp PDF giấy chứng nhận", "Add a photo or a PDF of the certificate";
    evidence_help: "Ảnh JPEG, PNG, WebP, HEIC hoặc PDF, tối đa 10 MB. Hệ thống kiểm tra nội dung tệp và lưu mã SHA-256.", "JPEG, PNG, WebP, HEIC photo or PDF, up to 10 MB. The content is checked and its SHA-256 kept.";
    withdraw_student: "Rút khỏi danh sách", "Take off the list";
    withdraw_reason: "Lý do rút (chuyển trường, lập nhầm…)", "Reason (moved school, listed by mistake…)";
    resolve_flag: "Xử lý cảnh báo", "Resolve the flag";
    resolve_reason: "Lý do (được ghi vào nhật ký)", "Reason (kept in the audit trail)";
    dob_hint: "Ngày trước tháng: 17/09/2009.", "Day before month: 17/09/2009.";
    student_code_hint: "10 chữ số (mã định danh trên CSDL ngành) hoặc 12 chữ số (căn cước); có thể để trống.", "10 digits (sector database) or 12 digits (citizen id); may be left empty.";
    has_device_label: "Học sinh đã có máy tính để học trực tuyến", "The student already has a computer for online learning";
    csv_encoding: "Bảng mã của tệp CSV", "CSV encoding";
}
