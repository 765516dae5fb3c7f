//! The households area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    district: "Huyện, thành phố", "District";
    ngheo: "Hộ nghèo", "Poor";
    can_ngheo: "Hộ cận nghèo", "Near-poor";
    households_help: "Danh sách hộ nghèo, hộ cận nghèo đã được UBND xã công nhận. Sau mỗi lần nhập, hệ thống đối chiếu lại mọi học sinh thuộc đối tượng (i), (ii) của đợt đang mở: theo tên cha mẹ (chủ hộ hoặc thành viên), tên học sinh trong hộ, hoặc số giấy chứng nhận, trong cùng xã.", "The registers of poor and near-poor households the communes approved. After each import every tier (i)/(ii) claim of the open round is checked again: by the parent's name (head or member), the student's name among the members, or the certificate number, within the same commune.";
    households_file: "Tệp danh sách hộ (.xlsx, .xls, .ods, .csv)", "Register file (.xlsx, .xls, .ods, .csv)";
    households_year: "Năm", "Year";
    households_columns: "Cần các cột: Họ tên chủ hộ; Loại hộ (Hộ nghèo/Hộ cận nghèo) hoặc hai cột Hộ nghèo, Hộ cận nghèo đánh dấu x; Xã. Có thể có: Thành viên trong hộ, Thôn, Huyện, Số giấy chứng nhận, Năm.", "Columns needed: Họ tên chủ hộ; Loại hộ (Hộ nghèo/Hộ cận nghèo) or two columns Hộ nghèo, Hộ cận nghèo marked x; Xã. Optional: Thành viên trong hộ, Thôn, Huyện, Số giấy chứng nhận, Năm.";
    households_registered: "Đã có danh sách", "Registers on file";
    households_none: "Chưa có danh sách hộ nghèo, hộ cận nghèo nào.", "No register yet.";
    households_read: "Hộ đọc được", "Households read";
    households_refused: "Tệp có dòng lỗi: chưa ghi dữ liệu nào. Sửa các dòng dưới đây rồi tải lại.", "The file has rows with problems: nothing was written. Fix the rows below and upload it again.";
    households_check: "Đối chiếu với danh sách học sinh (nếu nhập)", "Check against the students (if imported)";
    households_claims: "Học sinh thuộc đối tượng (i), (ii)", "Tier (i)/(ii) students";
    households_matched: "Khớp với danh sách hộ", "Found in the register";
    households_missing: "Không có trong danh sách hộ của xã", "Not in the commune's register";
    households_other: "Có trong danh sách nhưng khác loại hộ", "In the register, other category";
    households_unverifiable: "Xã chưa có danh sách để đối chiếu", "No register for the commune yet";
    households_imported: "Đã nhập danh sách hộ và đối chiếu lại các học sinh.", "The register was imported and the students checked again.";
}
